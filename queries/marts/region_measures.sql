-- marts.region_measures: analytics.region_years in long form — one row per level, division,
-- year and measure — plus every table 2 item and measure as 'table2.<item>.<measure>'. kind says
-- how a measure compares over time: count (difference and % change), rate (percentage points),
-- table2 (only while the templates of the counted reports stay the same: else a break in series).
-- Materialised when the models are applied: year-over-year and compare read it.
with wide as (
    select
        r.level,
        r.region_code,
        g.name as region_name,
        r.year,
        r.formats,
        r.requests_count::double as requests_count,
        r.carried_over_count::double as carried_over_count,
        r.granted_count::double as granted_count,
        r.partially_granted_count::double as partially_granted_count,
        r.withheld_count::double as withheld_count,
        r.unavailable_count::double as unavailable_count,
        r.rejected_count::double as rejected_count,
        r.other_count::double as other_count,
        r.handled_count::double as handled_count,
        r.carried_forward_count::double as carried_forward_count,
        r.review_count::double as review_count,
        r.review_upheld_count::double as review_upheld_count,
        r.review_corrected_count::double as review_corrected_count,
        r.review_other_count::double as review_other_count,
        r.review_pending_count::double as review_pending_count,
        r.litigation_count::double as litigation_count,
        r.litigation_corrected_count::double as litigation_corrected_count,
        r.litigation_pending_count::double as litigation_pending_count,
        r.issued_count::double as issued_count,
        r.licensing_decisions_count::double as licensing_decisions_count,
        r.penalty_decisions_count::double as penalty_decisions_count,
        r.coercion_decisions_count::double as coercion_decisions_count,
        (r.granted_count + r.partially_granted_count)::double / nullif(r.handled_count, 0) as disclosure_rate,
        r.withheld_count::double / nullif(r.handled_count, 0) as withheld_rate,
        r.review_corrected_count::double / nullif(r.review_count - r.review_pending_count, 0) as review_correction_rate,
        r.litigation_corrected_count::double / nullif(r.litigation_count - r.litigation_pending_count, 0) as litigation_correction_rate
    from marts.region_years as r
    left join main.regions as g
        on g.code = r.region_code
),
long as (
    select level, region_code, region_name, year, formats, measure, value
    from wide
    unpivot include nulls (value for measure in (requests_count, carried_over_count, granted_count, partially_granted_count, withheld_count, unavailable_count, rejected_count, other_count, handled_count, carried_forward_count, review_count, review_upheld_count, review_corrected_count, review_other_count, review_pending_count, litigation_count, litigation_corrected_count, litigation_pending_count, issued_count, licensing_decisions_count, penalty_decisions_count, coercion_decisions_count, disclosure_rate, withheld_rate, review_correction_rate, litigation_correction_rate))
)
select
    level,
    region_code,
    region_name,
    year,
    formats,
    measure,
    case when measure like '%_rate' then 'rate' else 'count' end as kind,
    value
from long
union all
select
    t.level,
    t.region_code,
    g.name as region_name,
    t.year,
    y.formats,
    'table2.' || t.item || '.' || t.measure as measure,
    'table2' as kind,
    t.value::double as value
from (
    -- each template's items and measures keep their own keys, so summing over the templates
    -- only joins what is the same measure (the decisions of licensing, penalty, coercion)
    select level, region_code, year, item, measure, sum(value) as value
    from marts.table2_region_years
    group by level, region_code, year, item, measure
) as t
join marts.region_years as y
    on y.level = t.level and y.region_code = t.region_code and y.year = t.year
left join main.regions as g
    on g.code = t.region_code;
