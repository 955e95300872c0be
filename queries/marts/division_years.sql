-- marts.division_years: every division-year — province, prefecture, county — with a report of
-- record at or below it: its place in the hierarchy, the reports of record of its own bodies (at
-- its level) by scope, the reports below it, and whether it counts a consolidated (area) report.
-- Materialised when the models are applied.
with fan as (
    select level, region_code, level as report_level, county_code, prefecture_code, province_code, year, scope, status, counted
    from marts.reports_of_record
    union all
    select 'prefecture', prefecture_code, level, county_code, prefecture_code, province_code, year, scope, status, counted
    from marts.reports_of_record
    where level = 'county'
    union all
    select 'province', province_code, level, county_code, prefecture_code, province_code, year, scope, status, counted
    from marts.reports_of_record
    where level in ('county', 'prefecture')
)
select
    level,
    region_code,
    case level when 'county' then any_value(prefecture_code) when 'prefecture' then any_value(province_code) end as parent_code,
    case when level <> 'province' then any_value(prefecture_code) end as prefecture_code,
    any_value(province_code) as province_code,
    year,
    bool_or(report_level = level and scope = 'area' and counted) as has_area,
    count(distinct county_code) as county_count,
    count(*) as report_count,
    count(*) filter (where report_level = level) as body_report_count,
    count(*) filter (where report_level = level and scope = 'area') as area_report_count,
    count(*) filter (where report_level = level and scope = 'government') as government_report_count,
    count(*) filter (where report_level = level and scope = 'department') as department_report_count,
    count(*) filter (where report_level = level and scope = 'township') as township_report_count,
    count(*) filter (where report_level = level and scope = 'dev_zone') as dev_zone_report_count,
    count(*) filter (where report_level = level and scope = 'other') as other_report_count,
    count(*) filter (where report_level = level and status = 'incomplete') as incomplete_body_report_count
from fan
group by level, region_code, year
