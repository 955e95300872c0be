-- marts.region_measures: the figures of analytics.region_years in long form — one row per level,
-- division, year and measure, the rates as marts.region_figures computes them — plus every
-- table 2 item and measure as 'table2.<item>.<measure>'; basis says how the division is counted.
-- kind says how a measure compares over time: count (difference and % change), rate (percentage
-- points), table2 (only while the templates of the counted reports stay the same: else a break
-- in series).
-- Materialised when the models are applied: year-over-year and compare read it.
with wide as (
    select
        f.level,
        f.region_code,
        g.name as region_name,
        f.year,
        r.basis,
        r.formats,
        f.requests_count::double as requests_count,
        f.carried_over_count::double as carried_over_count,
        f.granted_count::double as granted_count,
        f.partially_granted_count::double as partially_granted_count,
        f.withheld_count::double as withheld_count,
        f.unavailable_count::double as unavailable_count,
        f.rejected_count::double as rejected_count,
        f.other_count::double as other_count,
        f.handled_count::double as handled_count,
        f.carried_forward_count::double as carried_forward_count,
        f.review_count::double as review_count,
        f.review_upheld_count::double as review_upheld_count,
        f.review_corrected_count::double as review_corrected_count,
        f.review_other_count::double as review_other_count,
        f.review_pending_count::double as review_pending_count,
        f.litigation_count::double as litigation_count,
        f.litigation_corrected_count::double as litigation_corrected_count,
        f.litigation_pending_count::double as litigation_pending_count,
        f.issued_count::double as issued_count,
        f.licensing_decisions_count::double as licensing_decisions_count,
        f.penalty_decisions_count::double as penalty_decisions_count,
        f.coercion_decisions_count::double as coercion_decisions_count,
        f.disclosure_rate,
        f.withheld_rate,
        f.review_correction_rate,
        f.litigation_correction_rate
    from marts.region_figures as f
    join marts.region_years as r
        on r.level = f.level and r.region_code = f.region_code and r.year = f.year
    left join main.regions as g
        on g.code = f.region_code
    where f.part = 'total'
),
long as (
    select level, region_code, region_name, year, basis, formats, measure, value
    from wide
    unpivot include nulls (value for measure in (requests_count, carried_over_count, granted_count, partially_granted_count, withheld_count, unavailable_count, rejected_count, other_count, handled_count, carried_forward_count, review_count, review_upheld_count, review_corrected_count, review_other_count, review_pending_count, litigation_count, litigation_corrected_count, litigation_pending_count, issued_count, licensing_decisions_count, penalty_decisions_count, coercion_decisions_count, disclosure_rate, withheld_rate, review_correction_rate, litigation_correction_rate))
)
select
    level,
    region_code,
    region_name,
    year,
    basis,
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
    y.basis,
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
