-- marts.report_measures: the measures of every report of record with tables, one row per
-- report: its place, scope, status and basis (marts.reports_of_record) with its tables pivoted
-- (marts.report_pivots: table 3 totals by result, table 4 by group, the comparable table 2
-- series). Materialised when the models are applied.
select
    r.report_id,
    r.region_code,
    r.level,
    r.county_code,
    r.prefecture_code,
    r.province_code,
    r.body,
    r.scope,
    r.year,
    r.format,
    r.status,
    r.basis,
    r.counted,
    p.requests_count,
    p.carried_over_count,
    p.granted_count,
    p.partially_granted_count,
    p.withheld_count,
    p.unavailable_count,
    p.rejected_count,
    p.other_count,
    p.handled_count,
    p.carried_forward_count,
    p.review_count,
    p.review_upheld_count,
    p.review_corrected_count,
    p.review_other_count,
    p.review_pending_count,
    p.litigation_count,
    p.litigation_corrected_count,
    p.litigation_pending_count,
    p.issued_count,
    p.licensing_decisions_count,
    p.penalty_decisions_count,
    p.coercion_decisions_count
from marts.reports_of_record as r
left join marts.report_pivots as p
    on p.report_id = r.report_id
where r.format in ('gb2019', 'gb2021');
