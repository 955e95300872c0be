-- analytics.reports: the reports of record — one per body and year, the complete version
-- before an incomplete one, then the newer file (analytics.report_versions says why) — and
-- whether the county-year rollup counts each.
select
    report_id,
    region_code as county_code,
    county_name,
    prefecture_code,
    prefecture_name,
    province_code,
    province_name,
    body,
    scope,
    year,
    format,
    status,
    basis,
    counted,
    check_count,
    problem_count,
    version,
    source_path
from marts.reports_of_record
order by region_code, year, scope, body;
