-- analytics.area_vs_bodies: where a division's figure is its consolidated (area) report and bodies
-- at or below it reported too, the two side by side, measure by measure: the area report's
-- number, and what the figure would be without it — the division's own bodies plus each child
-- division's figure (each counted once) — with how far apart they are. An audit only: the
-- rollups count the area report alone, never both.
with areas as (
    select level, region_code, year
    from marts.region_years
    where basis = 'area'
),
parts as (
    -- the division's own bodies with tables, counted or not
    select a.level, a.region_code, a.year, 1::bigint as report_count,
        m.requests_count,
        m.carried_over_count,
        m.granted_count,
        m.partially_granted_count,
        m.withheld_count,
        m.unavailable_count,
        m.rejected_count,
        m.other_count,
        m.handled_count,
        m.carried_forward_count,
        m.review_count,
        m.review_upheld_count,
        m.review_corrected_count,
        m.review_other_count,
        m.review_pending_count,
        m.litigation_count,
        m.litigation_corrected_count,
        m.litigation_pending_count,
        m.issued_count,
        m.licensing_decisions_count,
        m.penalty_decisions_count,
        m.coercion_decisions_count
    from marts.report_measures as m
    join areas as a
        on a.region_code = m.region_code and a.year = m.year
    where m.scope in ('government', 'department', 'township', 'dev_zone', 'other')
    union all
    -- each child division's figure
    select a.level, a.region_code, a.year, c.counted_report_count as report_count,
        c.requests_count,
        c.carried_over_count,
        c.granted_count,
        c.partially_granted_count,
        c.withheld_count,
        c.unavailable_count,
        c.rejected_count,
        c.other_count,
        c.handled_count,
        c.carried_forward_count,
        c.review_count,
        c.review_upheld_count,
        c.review_corrected_count,
        c.review_other_count,
        c.review_pending_count,
        c.litigation_count,
        c.litigation_corrected_count,
        c.litigation_pending_count,
        c.issued_count,
        c.licensing_decisions_count,
        c.penalty_decisions_count,
        c.coercion_decisions_count
    from marts.region_years as c
    join areas as a
        on a.region_code = c.parent_code and a.year = c.year
    where c.counted_report_count > 0
),
bodies as (
    select level, region_code, year, sum(report_count)::bigint as body_report_count,
        sum(requests_count)::bigint as requests_count,
        sum(carried_over_count)::bigint as carried_over_count,
        sum(granted_count)::bigint as granted_count,
        sum(partially_granted_count)::bigint as partially_granted_count,
        sum(withheld_count)::bigint as withheld_count,
        sum(unavailable_count)::bigint as unavailable_count,
        sum(rejected_count)::bigint as rejected_count,
        sum(other_count)::bigint as other_count,
        sum(handled_count)::bigint as handled_count,
        sum(carried_forward_count)::bigint as carried_forward_count,
        sum(review_count)::bigint as review_count,
        sum(review_upheld_count)::bigint as review_upheld_count,
        sum(review_corrected_count)::bigint as review_corrected_count,
        sum(review_other_count)::bigint as review_other_count,
        sum(review_pending_count)::bigint as review_pending_count,
        sum(litigation_count)::bigint as litigation_count,
        sum(litigation_corrected_count)::bigint as litigation_corrected_count,
        sum(litigation_pending_count)::bigint as litigation_pending_count,
        sum(issued_count)::bigint as issued_count,
        sum(licensing_decisions_count)::bigint as licensing_decisions_count,
        sum(penalty_decisions_count)::bigint as penalty_decisions_count,
        sum(coercion_decisions_count)::bigint as coercion_decisions_count
    from parts
    group by level, region_code, year
),
area_long as (
    select level, region_code, year, measure, value
    from (select level, region_code, year, requests_count, carried_over_count, granted_count, partially_granted_count, withheld_count, unavailable_count, rejected_count, other_count, handled_count, carried_forward_count, review_count, review_upheld_count, review_corrected_count, review_other_count, review_pending_count, litigation_count, litigation_corrected_count, litigation_pending_count, issued_count, licensing_decisions_count, penalty_decisions_count, coercion_decisions_count from marts.region_years where basis = 'area')
    unpivot include nulls (value for measure in (requests_count, carried_over_count, granted_count, partially_granted_count, withheld_count, unavailable_count, rejected_count, other_count, handled_count, carried_forward_count, review_count, review_upheld_count, review_corrected_count, review_other_count, review_pending_count, litigation_count, litigation_corrected_count, litigation_pending_count, issued_count, licensing_decisions_count, penalty_decisions_count, coercion_decisions_count))
),
bodies_long as (
    select level, region_code, year, body_report_count, measure, value
    from bodies
    unpivot include nulls (value for measure in (requests_count, carried_over_count, granted_count, partially_granted_count, withheld_count, unavailable_count, rejected_count, other_count, handled_count, carried_forward_count, review_count, review_upheld_count, review_corrected_count, review_other_count, review_pending_count, litigation_count, litigation_corrected_count, litigation_pending_count, issued_count, licensing_decisions_count, penalty_decisions_count, coercion_decisions_count))
)
select
    a.level,
    a.region_code,
    g.name as region_name,
    a.year,
    a.measure,
    a.value as area_value,
    b.value as bodies_value,
    a.value - b.value as difference,
    (a.value - b.value)::double / nullif(b.value, 0) * 100 as difference_pct,
    b.body_report_count
from area_long as a
join bodies_long as b
    on b.level = a.level and b.region_code = a.region_code and b.year = a.year and b.measure = a.measure
left join main.regions as g
    on g.code = a.region_code
order by a.region_code, a.year, a.measure;
