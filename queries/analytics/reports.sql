-- analytics.reports: the reports of record — one per body and year, the complete version
-- before an incomplete one, then the newer file (analytics.report_versions says why) — of
-- every level, with the body's division (region_code, at its level) and the divisions above it,
-- whether its own division's figure counts it (counted, basis), and every level whose figure
-- holds it (counted_in: e.g. 'county,prefecture,province'; a county's report stops below a
-- prefecture or province that counts its own consolidated report).
with levels as (
    select report_id, string_agg(level, ',' order by case level when 'county' then 1 when 'prefecture' then 2 else 3 end) as counted_in
    from marts.report_levels
    group by report_id
)
select
    r.report_id,
    r.level,
    r.region_code,
    r.region_name,
    r.county_code,
    r.county_name,
    r.prefecture_code,
    r.prefecture_name,
    r.province_code,
    r.province_name,
    r.body,
    r.scope,
    r.year,
    r.format,
    r.status,
    r.basis,
    r.counted,
    coalesce(l.counted_in, '') as counted_in,
    r.check_count,
    r.problem_count,
    r.version,
    r.source_path
from marts.reports_of_record as r
left join levels as l
    on l.report_id = r.report_id
order by r.region_code, r.year, r.scope, r.body;
