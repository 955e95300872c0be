-- marts.report_levels: the counted-once rule at every level. A division's figure for a year is
-- its consolidated (area) report when it has one with tables; otherwise the sum of its own
-- bodies (government, departments, townships, zones, others: marts.reports_of_record.counted)
-- plus each child division's figure, recursively — a county's children being none. So a report
-- its own division counts is in its prefecture's and its province's figures too, unless a
-- division in between counts an area report, which then stands for everything below it.
-- One row per report and division whose figure holds it; part says how it gets there: area (the
-- division's consolidated report), own (one of the division's own bodies), child (through
-- child_code, the child division whose figure holds it). A level's sum of a fact is then a
-- plain group by level and region_code over this join, the same for tables 2, 3 and 4.
-- Materialised when the models are applied: the rollups, the official tables and
-- analytics.reports all read it.
with counted as (
    select report_id, level as report_level, region_code as report_region_code, prefecture_code, province_code, year, format, scope
    from marts.reports_of_record
    where counted
),
areas as (
    -- the division-years counted from their consolidated report
    select region_code, year
    from marts.reports_of_record
    where counted and scope = 'area'
),
up as (
    select
        c.*,
        pa.region_code is not null as prefecture_area,
        va.region_code is not null as province_area
    from counted as c
    left join areas as pa
        on pa.region_code = c.prefecture_code and pa.year = c.year
    left join areas as va
        on va.region_code = c.province_code and va.year = c.year
)
select
    report_id,
    report_level as level,
    report_region_code as region_code,
    province_code,
    year,
    format,
    case when scope = 'area' then 'area' else 'own' end as part,
    null::varchar as child_code,
    report_level,
    report_region_code
from up
union all
-- a county's report in its prefecture's figure, unless the prefecture counts its own area report
select report_id, 'prefecture', prefecture_code, province_code, year, format, 'child', report_region_code, report_level,
    report_region_code
from up
where report_level = 'county' and not prefecture_area
union all
-- a county's or prefecture's report in the province's figure, unless an area report comes first
select report_id, 'province', province_code, province_code, year, format, 'child', prefecture_code, report_level,
    report_region_code
from up
where report_level in ('county', 'prefecture')
  and not province_area
  and (report_level = 'prefecture' or not prefecture_area)
