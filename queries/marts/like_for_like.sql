-- marts.like_for_like: every division's like-for-like (同口径) figure of a year against another
-- year of its province: the sum over the units that reported in both years (marts.like_for_like_units:
-- counties, bodies above county level, divisions above county level compared whole), with how many
-- units of each kind reported in both years, in year only and in base_year only, and how many of
-- those in both were counted differently (basis_changed_count: a county counted from its
-- consolidated report one year and from its bodies the other). A unit's figure is its own figure
-- under the counted-once rule (marts.region_years for a division, marts.report_measures for a
-- body), so the like-for-like figure of a division whose every unit reported in both years is its
-- figure. Counts only: the rates are computed in marts.region_figures (part both). Materialised
-- when the models are applied.
with unit_figures as (
    select
        level as unit_level,
        region_code as unit_code,
        '' as unit_body,
        year,
        counted_report_count as report_count,
        requests_count,
        carried_over_count,
        granted_count,
        partially_granted_count,
        withheld_count,
        unavailable_count,
        rejected_count,
        other_count,
        handled_count,
        carried_forward_count,
        review_count,
        review_upheld_count,
        review_corrected_count,
        review_other_count,
        review_pending_count,
        litigation_count,
        litigation_corrected_count,
        litigation_pending_count,
        issued_count,
        licensing_decisions_count,
        penalty_decisions_count,
        coercion_decisions_count
    from marts.region_years
    union all
    select
        l.level,
        l.region_code,
        o.body,
        l.year,
        1,
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
    from marts.report_levels as l
    join marts.reports_of_record as o
        on o.report_id = l.report_id
    join marts.report_measures as m
        on m.report_id = l.report_id
    where l.part = 'own' and l.level in ('prefecture', 'province')
),
units as (
    select
        u.*,
        u.in_year and u.in_base as in_both
    from marts.like_for_like_units as u
)
select
    u.level,
    u.region_code,
    u.province_code,
    u.year,
    u.base_year,
    count(*) filter (where u.unit_kind = 'county' and u.in_both) as both_county_count,
    count(*) filter (where u.unit_kind = 'county' and u.in_year and not u.in_base) as year_only_county_count,
    count(*) filter (where u.unit_kind = 'county' and u.in_base and not u.in_year) as base_only_county_count,
    count(*) filter (where u.unit_kind = 'body' and u.in_both) as both_body_count,
    count(*) filter (where u.unit_kind = 'body' and u.in_year and not u.in_base) as year_only_body_count,
    count(*) filter (where u.unit_kind = 'body' and u.in_base and not u.in_year) as base_only_body_count,
    count(*) filter (where u.unit_kind = 'whole' and u.in_both) as both_whole_count,
    count(*) filter (where u.unit_kind = 'whole' and u.in_year and not u.in_base) as year_only_whole_count,
    count(*) filter (where u.unit_kind = 'whole' and u.in_base and not u.in_year) as base_only_whole_count,
    count(*) filter (where u.in_both and u.basis <> u.basis_base) as basis_changed_count,
    coalesce(sum(f.report_count) filter (where u.in_both), 0)::bigint as counted_report_count,
    sum(f.requests_count) filter (where u.in_both)::bigint as requests_count,
    sum(f.carried_over_count) filter (where u.in_both)::bigint as carried_over_count,
    sum(f.granted_count) filter (where u.in_both)::bigint as granted_count,
    sum(f.partially_granted_count) filter (where u.in_both)::bigint as partially_granted_count,
    sum(f.withheld_count) filter (where u.in_both)::bigint as withheld_count,
    sum(f.unavailable_count) filter (where u.in_both)::bigint as unavailable_count,
    sum(f.rejected_count) filter (where u.in_both)::bigint as rejected_count,
    sum(f.other_count) filter (where u.in_both)::bigint as other_count,
    sum(f.handled_count) filter (where u.in_both)::bigint as handled_count,
    sum(f.carried_forward_count) filter (where u.in_both)::bigint as carried_forward_count,
    sum(f.review_count) filter (where u.in_both)::bigint as review_count,
    sum(f.review_upheld_count) filter (where u.in_both)::bigint as review_upheld_count,
    sum(f.review_corrected_count) filter (where u.in_both)::bigint as review_corrected_count,
    sum(f.review_other_count) filter (where u.in_both)::bigint as review_other_count,
    sum(f.review_pending_count) filter (where u.in_both)::bigint as review_pending_count,
    sum(f.litigation_count) filter (where u.in_both)::bigint as litigation_count,
    sum(f.litigation_corrected_count) filter (where u.in_both)::bigint as litigation_corrected_count,
    sum(f.litigation_pending_count) filter (where u.in_both)::bigint as litigation_pending_count,
    sum(f.issued_count) filter (where u.in_both)::bigint as issued_count,
    sum(f.licensing_decisions_count) filter (where u.in_both)::bigint as licensing_decisions_count,
    sum(f.penalty_decisions_count) filter (where u.in_both)::bigint as penalty_decisions_count,
    sum(f.coercion_decisions_count) filter (where u.in_both)::bigint as coercion_decisions_count
from units as u
left join unit_figures as f
    on f.unit_level = u.unit_level and f.unit_code = u.unit_code and f.unit_body = u.unit_body and f.year = u.year
group by u.level, u.region_code, u.province_code, u.year, u.base_year
