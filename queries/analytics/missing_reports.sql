-- analytics.missing_reports: bodies of every level — provincial departments, a prefecture's
-- bodies, a county's — that published a report of record in an earlier year and none this year,
-- for the years their province has reports at all. A body is its name within its own division
-- (region_code); last_year is the latest year it reported, last_report_id that report.
with years as (
    select distinct province_code, year
    from marts.reports_of_record
),
earlier as (
    select
        y.year,
        p.region_code,
        p.body,
        max(p.year) as last_year,
        arg_max(p.report_id, p.year) as last_report_id
    from marts.reports_of_record as p
    join years as y
        on y.province_code = p.province_code and y.year > p.year
    group by y.year, p.region_code, p.body
)
select
    p.level,
    p.region_code,
    p.region_name,
    p.county_code,
    p.county_name,
    p.prefecture_code,
    p.province_code,
    p.body,
    p.scope,
    e.year,
    e.last_year,
    e.last_report_id
from earlier as e
join marts.reports_of_record as p
    on p.report_id = e.last_report_id
where not exists (
    select 1
    from marts.reports_of_record as c
    where c.region_code = e.region_code and c.body = e.body and c.year = e.year
)
order by p.region_code, e.year, p.body;
