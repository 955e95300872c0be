-- marts.report_pivots: tables 2, 3 and 4 of every current report with tables (gb2019, gb2021),
-- pivoted to one row per report: table 3 totals by result, table 4 by group, and the table 2
-- series comparable across formats. gb2019 prints (六)其他处理 as one row; for gb2021 other_count
-- is other_total (the sum of the three rows, derived at load) or, failing that, the sum of the
-- three rows. A row depends on its report's facts alone: materialised, and refreshed per report
-- (a run pivots only its own reports: refresh: {report: report_id}); marts.report_measures adds
-- each report of record's place and basis.
with t3 as (
    select
        report_id,
        sum(total) filter (where row_key = 'new_received') as requests_count,
        sum(total) filter (where row_key = 'carried_over') as carried_over_count,
        sum(total) filter (where row_key = 'granted') as granted_count,
        sum(total) filter (where row_key = 'partially_granted') as partially_granted_count,
        sum(total) filter (where row_key in ('withheld_state_secret', 'withheld_law_prohibited',
            'withheld_security_stability', 'withheld_third_party', 'withheld_internal_affairs',
            'withheld_process_info', 'withheld_enforcement_file', 'withheld_query_item')) as withheld_count,
        sum(total) filter (where row_key in ('unavailable_not_held', 'unavailable_needs_creation',
            'unavailable_unclear')) as unavailable_count,
        sum(total) filter (where row_key in ('rejected_petition', 'rejected_duplicate', 'rejected_publication',
            'rejected_excessive', 'rejected_confirmation')) as rejected_count,
        coalesce(
            sum(total) filter (where row_key = 'other_total'),
            sum(total) filter (where row_key in ('other_no_correction', 'other_no_fee', 'other_other'))
        ) as other_count,
        sum(total) filter (where row_key = 'total_handled') as handled_count,
        sum(total) filter (where row_key = 'carried_forward') as carried_forward_count
    from staging.table3
    group by report_id
),
t4 as (
    select
        report_id,
        sum(total) filter (where group_key = 'review') as review_count,
        sum(upheld) filter (where group_key = 'review') as review_upheld_count,
        sum(corrected) filter (where group_key = 'review') as review_corrected_count,
        sum(other) filter (where group_key = 'review') as review_other_count,
        sum(pending) filter (where group_key = 'review') as review_pending_count,
        sum(total) filter (where group_key in ('litigation_direct', 'litigation_after_review')) as litigation_count,
        sum(corrected) filter (where group_key in ('litigation_direct', 'litigation_after_review')) as litigation_corrected_count,
        sum(pending) filter (where group_key in ('litigation_direct', 'litigation_after_review')) as litigation_pending_count
    from staging.table4
    group by report_id
),
t2 as (
    select
        report_id,
        sum(value) filter (where series = 'issued')::bigint as issued_count,
        sum(value) filter (where series = 'licensing_decisions')::bigint as licensing_decisions_count,
        sum(value) filter (where series = 'penalty_decisions')::bigint as penalty_decisions_count,
        sum(value) filter (where series = 'coercion_decisions')::bigint as coercion_decisions_count
    from staging.table2
    where series is not null
    group by report_id
)
select
    r.report_id,
    t3.requests_count::bigint as requests_count,
    t3.carried_over_count::bigint as carried_over_count,
    t3.granted_count::bigint as granted_count,
    t3.partially_granted_count::bigint as partially_granted_count,
    t3.withheld_count::bigint as withheld_count,
    t3.unavailable_count::bigint as unavailable_count,
    t3.rejected_count::bigint as rejected_count,
    t3.other_count::bigint as other_count,
    t3.handled_count::bigint as handled_count,
    t3.carried_forward_count::bigint as carried_forward_count,
    t4.review_count::bigint as review_count,
    t4.review_upheld_count::bigint as review_upheld_count,
    t4.review_corrected_count::bigint as review_corrected_count,
    t4.review_other_count::bigint as review_other_count,
    t4.review_pending_count::bigint as review_pending_count,
    t4.litigation_count::bigint as litigation_count,
    t4.litigation_corrected_count::bigint as litigation_corrected_count,
    t4.litigation_pending_count::bigint as litigation_pending_count,
    t2.issued_count,
    t2.licensing_decisions_count,
    t2.penalty_decisions_count,
    t2.coercion_decisions_count
from staging.reports as r
left join t3 on t3.report_id = r.report_id
left join t4 on t4.report_id = r.report_id
left join t2 on t2.report_id = r.report_id
where r.format in ('gb2019', 'gb2021');
