-- analytics.missing_reports: bodies that published a report of record one year and none the
-- next, for the years the province has reports at all.
with years as (
    select distinct province_code, year
    from marts.reports_of_record
)
select
    p.region_code as county_code,
    p.county_name,
    p.prefecture_code,
    p.province_code,
    p.body,
    p.scope,
    p.year + 1 as year,
    p.year as last_year,
    p.report_id as last_report_id
from marts.reports_of_record as p
join years as y
    on y.province_code = p.province_code and y.year = p.year + 1
where not exists (
    select 1
    from marts.reports_of_record as c
    where c.region_code = p.region_code and c.body = p.body and c.year = p.year + 1
)
order by p.region_code, p.year, p.body;
