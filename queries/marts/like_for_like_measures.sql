-- marts.like_for_like_measures: the like-for-like (同口径) figures in long form — one row per
-- level, division, year, base year and measure, the measures of marts.region_measures: the counts
-- and the rates of marts.region_figures (part both: the units that reported in both years), and
-- every table 2 item and measure summed over the same units. region_yoy and compare read it.
with wide as (
    select
        level,
        region_code,
        year,
        base_year,
        requests_count::double as requests_count,
        carried_over_count::double as carried_over_count,
        granted_count::double as granted_count,
        partially_granted_count::double as partially_granted_count,
        withheld_count::double as withheld_count,
        unavailable_count::double as unavailable_count,
        rejected_count::double as rejected_count,
        other_count::double as other_count,
        handled_count::double as handled_count,
        carried_forward_count::double as carried_forward_count,
        review_count::double as review_count,
        review_upheld_count::double as review_upheld_count,
        review_corrected_count::double as review_corrected_count,
        review_other_count::double as review_other_count,
        review_pending_count::double as review_pending_count,
        litigation_count::double as litigation_count,
        litigation_corrected_count::double as litigation_corrected_count,
        litigation_pending_count::double as litigation_pending_count,
        issued_count::double as issued_count,
        licensing_decisions_count::double as licensing_decisions_count,
        penalty_decisions_count::double as penalty_decisions_count,
        coercion_decisions_count::double as coercion_decisions_count,
        disclosure_rate,
        withheld_rate,
        review_correction_rate,
        litigation_correction_rate
    from marts.region_figures
    where part = 'both'
),
long as (
    select level, region_code, year, base_year, measure, value
    from wide
    unpivot include nulls (value for measure in (requests_count, carried_over_count, granted_count, partially_granted_count, withheld_count, unavailable_count, rejected_count, other_count, handled_count, carried_forward_count, review_count, review_upheld_count, review_corrected_count, review_other_count, review_pending_count, litigation_count, litigation_corrected_count, litigation_pending_count, issued_count, licensing_decisions_count, penalty_decisions_count, coercion_decisions_count, disclosure_rate, withheld_rate, review_correction_rate, litigation_correction_rate))
),
-- table 2 of each unit: a division's sum over the templates, a body's report
unit_table2 as (
    select level as unit_level, region_code as unit_code, '' as unit_body, year, item, measure, sum(value) as value
    from marts.table2_region_years
    group by level, region_code, year, item, measure
    union all
    select l.level, l.region_code, o.body, l.year, t.item, t.measure, t.value
    from marts.report_levels as l
    join marts.reports_of_record as o
        on o.report_id = l.report_id
    join staging.table2 as t
        on t.report_id = l.report_id
    where l.part = 'own' and l.level in ('prefecture', 'province')
),
table2 as (
    select
        u.level,
        u.region_code,
        u.year,
        u.base_year,
        'table2.' || t.item || '.' || t.measure as measure,
        sum(t.value)::double as value
    from marts.like_for_like_units as u
    join unit_table2 as t
        on t.unit_level = u.unit_level and t.unit_code = u.unit_code and t.unit_body = u.unit_body and t.year = u.year
    where u.in_year and u.in_base
    group by u.level, u.region_code, u.year, u.base_year, t.item, t.measure
)
select
    level,
    region_code,
    year,
    base_year,
    measure,
    case when measure like '%_rate' then 'rate' else 'count' end as kind,
    value
from long
union all
select
    level,
    region_code,
    year,
    base_year,
    measure,
    'table2' as kind,
    value
from table2
