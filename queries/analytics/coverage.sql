-- analytics.coverage: every county the registry expects (all counties of each province with any
-- report of record), every year with reports in that province, and what was received: reports by
-- scope (area_report_count > 1: several consolidated reports, only the first by body counted,
-- flagged by checks.area_reports_once), the basis of the county-year rollup, and the bodies that
-- reported last year but not this year.
with years as (
    select distinct province_code, year
    from marts.reports_of_record
),
expected as (
    select
        c.code as county_code,
        c.name as county_name,
        c.prefecture_code,
        c.prefecture_name,
        c.province_code,
        c.province_name,
        y.year
    from main.regions as c
    join years as y
        on y.province_code = c.province_code
    where c.level = 'county'
),
missing as (
    select county_code, year, count(*) as missing_body_count
    from analytics.missing_reports
    group by county_code, year
)
select
    e.county_code,
    e.county_name,
    e.prefecture_code,
    e.prefecture_name,
    e.province_code,
    e.province_name,
    e.year,
    r.region_code is not null as reported,
    coalesce(r.basis, 'none') as basis,
    coalesce(r.report_count, 0) as report_count,
    coalesce(r.area_report_count, 0) as area_report_count,
    coalesce(r.government_report_count, 0) as government_report_count,
    coalesce(r.department_report_count, 0) as department_report_count,
    coalesce(r.township_report_count, 0) as township_report_count,
    coalesce(r.dev_zone_report_count, 0) as dev_zone_report_count,
    coalesce(r.incomplete_report_count, 0) as incomplete_report_count,
    coalesce(m.missing_body_count, 0) as missing_body_count
from expected as e
left join marts.county_years as r
    on r.region_code = e.county_code and r.year = e.year
left join missing as m
    on m.county_code = e.county_code and m.year = e.year
order by e.county_code, e.year;
