-- staging.reports: the current version of every report, typed, with its place in the division
-- hierarchy at the level of its issuing body: region_code is the body's own division (a province
-- for a provincial department, a prefecture for a prefecture's bureau, a county for a county's
-- bodies and everything under it), level is read from the length of that code (the stored level
-- when there is no code; checks.report_levels_match_codes lists the reports whose stored level
-- says otherwise), and county_code / prefecture_code / province_code name the divisions at and
-- above it (NULL below the body's level). Names are NULL when the region is unresolved or
-- unknown to the registry.
with r as (
    select
        r.*,
        coalesce(case length(r.region_code) when 2 then 'province' when 4 then 'prefecture' when 6 then 'county' end,
            r.level) as code_level
    from main.reports as r
    where r.is_current
)
select
    r.report_id,
    r.identity_key,
    r.region_code,
    r.code_level as level,
    g.name as region_name,
    case when r.code_level = 'county' then r.region_code end as county_code,
    case when r.code_level = 'county' then g.name end as county_name,
    case r.code_level
        when 'county' then coalesce(g.prefecture_code, substr(r.region_code, 1, 4))
        when 'prefecture' then r.region_code
    end as prefecture_code,
    case r.code_level
        when 'county' then g.prefecture_name
        when 'prefecture' then g.name
    end as prefecture_name,
    coalesce(g.province_code, substr(r.region_code, 1, 2)) as province_code,
    g.province_name,
    r.body,
    r.scope,
    r.year,
    r.format,
    r.status,
    r.check_count,
    r.problem_count,
    r.version,
    r.source_path
from r
left join main.regions as g
    on g.code = r.region_code;
