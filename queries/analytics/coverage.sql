-- analytics.coverage: every division the registry expects, at every level — each province with
-- reports of record, its prefectures and its counties — for every year with reports in that
-- province, and what the division's own bodies sent: reported is true when at least one report
-- of record of its own level came (a province's or prefecture's government, departments or
-- consolidated report; a county's anything), with the reports by scope (area_report_count > 1:
-- several consolidated reports, only the first by body counted, flagged by
-- checks.area_reports_once), the reports received below it, the basis of its figure, and its
-- bodies that reported in an earlier year but not this year (analytics.missing_reports). There
-- is no registry of departments: a missing department shows only as a missing body. Groupings
-- without a government of their own (a municipality's 市辖区, 省直辖县级行政区划: registry
-- prefectures named as their province) are listed only when a report names them.
with years as (
    select distinct province_code, year
    from marts.reports_of_record
),
expected as (
    select g.code as region_code, y.year
    from main.regions as g
    join years as y
        on y.province_code = g.province_code
    where g.level <> 'prefecture' or g.name <> g.province_name
    union
    select region_code, year
    from marts.division_years
    where body_report_count > 0
),
missing as (
    select region_code, year, count(*) as missing_body_count
    from analytics.missing_reports
    group by region_code, year
)
select
    coalesce(g.level, d.level) as level,
    e.region_code,
    g.name as region_name,
    coalesce(g.parent_code, d.parent_code) as parent_code,
    case when coalesce(g.level, d.level) = 'county' then e.region_code end as county_code,
    case when coalesce(g.level, d.level) = 'county' then g.name end as county_name,
    coalesce(g.prefecture_code, d.prefecture_code) as prefecture_code,
    g.prefecture_name,
    coalesce(g.province_code, d.province_code) as province_code,
    g.province_name,
    e.year,
    coalesce(d.body_report_count, 0) > 0 as reported,
    coalesce(y.basis, 'none') as basis,
    coalesce(d.body_report_count, 0) as report_count,
    coalesce(d.area_report_count, 0) as area_report_count,
    coalesce(d.government_report_count, 0) as government_report_count,
    coalesce(d.department_report_count, 0) as department_report_count,
    coalesce(d.township_report_count, 0) as township_report_count,
    coalesce(d.dev_zone_report_count, 0) as dev_zone_report_count,
    coalesce(d.other_report_count, 0) as other_report_count,
    coalesce(d.incomplete_body_report_count, 0) as incomplete_report_count,
    coalesce(d.report_count - d.body_report_count, 0) as below_report_count,
    coalesce(m.missing_body_count, 0) as missing_body_count
from expected as e
left join main.regions as g
    on g.code = e.region_code
left join marts.division_years as d
    on d.region_code = e.region_code and d.year = e.year
left join marts.region_years as y
    on y.region_code = e.region_code and y.year = e.year
left join missing as m
    on m.region_code = e.region_code and m.year = e.year
order by e.region_code, e.year;
