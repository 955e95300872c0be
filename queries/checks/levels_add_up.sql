-- checks.levels_add_up: at every level, every division-year's figure is what the counted-once
-- rule makes of the level below, for every count measure and for the number of counted reports:
-- the counted reports of its own level (its consolidated report, or its own bodies), read
-- straight from marts.report_measures, plus — unless its consolidated report is the figure —
-- its child divisions' figures (analytics.region_years); and its own bodies' part (own_*) is
-- the sum of those own bodies. A county's children are none; a prefecture's, its counties; a
-- province's, its prefectures. Each row: a division-year, a measure, which figure (total or
-- own), the figure shown and the sum expected.
with fig as (
    select level, region_code, parent_code, year, basis, measure, value
    from (select level, region_code, parent_code, year, basis, counted_report_count, requests_count, carried_over_count, granted_count, partially_granted_count, withheld_count, unavailable_count, rejected_count, other_count, handled_count, carried_forward_count, review_count, review_upheld_count, review_corrected_count, review_other_count, review_pending_count, litigation_count, litigation_corrected_count, litigation_pending_count, issued_count, licensing_decisions_count, penalty_decisions_count, coercion_decisions_count from analytics.region_years)
    unpivot include nulls (value for measure in (counted_report_count, requests_count, carried_over_count, granted_count, partially_granted_count, withheld_count, unavailable_count, rejected_count, other_count, handled_count, carried_forward_count, review_count, review_upheld_count, review_corrected_count, review_other_count, review_pending_count, litigation_count, litigation_corrected_count, litigation_pending_count, issued_count, licensing_decisions_count, penalty_decisions_count, coercion_decisions_count))
),
own as (
    select level, region_code, year, measure, value
    from (select level, region_code, year, own_report_count as counted_report_count, own_requests_count as requests_count, own_carried_over_count as carried_over_count, own_granted_count as granted_count, own_partially_granted_count as partially_granted_count, own_withheld_count as withheld_count, own_unavailable_count as unavailable_count, own_rejected_count as rejected_count, own_other_count as other_count, own_handled_count as handled_count, own_carried_forward_count as carried_forward_count, own_review_count as review_count, own_review_upheld_count as review_upheld_count, own_review_corrected_count as review_corrected_count, own_review_other_count as review_other_count, own_review_pending_count as review_pending_count, own_litigation_count as litigation_count, own_litigation_corrected_count as litigation_corrected_count, own_litigation_pending_count as litigation_pending_count, own_issued_count as issued_count, own_licensing_decisions_count as licensing_decisions_count, own_penalty_decisions_count as penalty_decisions_count, own_coercion_decisions_count as coercion_decisions_count from analytics.region_years)
    unpivot include nulls (value for measure in (counted_report_count, requests_count, carried_over_count, granted_count, partially_granted_count, withheld_count, unavailable_count, rejected_count, other_count, handled_count, carried_forward_count, review_count, review_upheld_count, review_corrected_count, review_other_count, review_pending_count, litigation_count, litigation_corrected_count, litigation_pending_count, issued_count, licensing_decisions_count, penalty_decisions_count, coercion_decisions_count))
),
reports as (
    -- the counted reports of each division's own level
    select region_code, year, is_area, measure, value
    from (select region_code, year, scope = 'area' as is_area, 1::bigint as counted_report_count, requests_count, carried_over_count, granted_count, partially_granted_count, withheld_count, unavailable_count, rejected_count, other_count, handled_count, carried_forward_count, review_count, review_upheld_count, review_corrected_count, review_other_count, review_pending_count, litigation_count, litigation_corrected_count, litigation_pending_count, issued_count, licensing_decisions_count, penalty_decisions_count, coercion_decisions_count
        from marts.report_measures where counted)
    unpivot include nulls (value for measure in (counted_report_count, requests_count, carried_over_count, granted_count, partially_granted_count, withheld_count, unavailable_count, rejected_count, other_count, handled_count, carried_forward_count, review_count, review_upheld_count, review_corrected_count, review_other_count, review_pending_count, litigation_count, litigation_corrected_count, litigation_pending_count, issued_count, licensing_decisions_count, penalty_decisions_count, coercion_decisions_count))
),
parts as (
    select region_code, year, measure, value
    from reports
    union all
    -- each child division's figure, unless the parent's consolidated report is its figure
    select c.parent_code as region_code, c.year, c.measure, c.value
    from fig as c
    join analytics.region_years as p
        on p.region_code = c.parent_code and p.year = c.year
    where p.basis <> 'area'
),
expected as (
    select region_code, year, measure, sum(value) as value
    from parts
    group by region_code, year, measure
),
expected_own as (
    select region_code, year, measure, sum(value) as value
    from reports
    where not is_area
    group by region_code, year, measure
)
select f.level, f.region_code, f.year, f.measure, 'total' as figure, f.value, e.value as expected
from fig as f
left join expected as e
    on e.region_code = f.region_code and e.year = f.year and e.measure = f.measure
where f.value is distinct from coalesce(e.value, case when f.measure = 'counted_report_count' then 0 end)
union all
select o.level, o.region_code, o.year, o.measure, 'own' as figure, o.value, e.value as expected
from own as o
left join expected_own as e
    on e.region_code = o.region_code and e.year = o.year and e.measure = o.measure
where o.value is distinct from coalesce(e.value, case when o.measure = 'counted_report_count' then 0 end);
