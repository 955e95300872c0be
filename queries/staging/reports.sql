-- staging.reports: the current version of every report, typed, with its county's place in the
-- division hierarchy (NULL names when the region is unresolved or unknown to the registry).
select
    r.report_id,
    r.identity_key,
    r.region_code,
    c.name as county_name,
    coalesce(c.prefecture_code, substr(r.region_code, 1, 4)) as prefecture_code,
    c.prefecture_name,
    coalesce(c.province_code, substr(r.region_code, 1, 2)) as province_code,
    c.province_name,
    r.body,
    r.scope,
    r.year,
    r.format,
    r.status,
    r.check_count,
    r.problem_count,
    r.version,
    r.source_path
from main.reports as r
left join main.regions as c
    on c.code = r.region_code and c.level = 'county'
where r.is_current;
