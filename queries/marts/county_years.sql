-- marts.county_years: one row per county and year with a report of record; the counts are the
-- sums over the reports the rollup counts (see marts.reports_of_record: a county is counted
-- once), with the basis of the choice. Materialised when the models are applied.
with received as (
    select
        region_code,
        year,
        any_value(prefecture_code) as prefecture_code,
        any_value(province_code) as province_code,
        case
            when bool_or(basis = 'area') then 'area'
            when bool_or(basis = 'bodies') then 'bodies'
            else 'none'
        end as basis,
        count(*) as report_count,
        count(*) filter (where scope = 'area') as area_report_count,
        count(*) filter (where scope = 'government') as government_report_count,
        count(*) filter (where scope = 'department') as department_report_count,
        count(*) filter (where scope = 'township') as township_report_count,
        count(*) filter (where scope = 'dev_zone') as dev_zone_report_count
    from marts.reports_of_record
    group by region_code, year
),
counted as (
    select
        m.region_code,
        m.year,
        count(*) as counted_report_count,
        count(*) filter (where m.status = 'incomplete') as incomplete_report_count,
        bool_or(m.format = 'gb2019') as has_gb2019,
        bool_or(m.format = 'gb2021') as has_gb2021,
    sum(m.requests_count)::bigint as requests_count,
    sum(m.carried_over_count)::bigint as carried_over_count,
    sum(m.granted_count)::bigint as granted_count,
    sum(m.partially_granted_count)::bigint as partially_granted_count,
    sum(m.withheld_count)::bigint as withheld_count,
    sum(m.unavailable_count)::bigint as unavailable_count,
    sum(m.rejected_count)::bigint as rejected_count,
    sum(m.other_count)::bigint as other_count,
    sum(m.handled_count)::bigint as handled_count,
    sum(m.carried_forward_count)::bigint as carried_forward_count,
    sum(m.review_count)::bigint as review_count,
    sum(m.review_upheld_count)::bigint as review_upheld_count,
    sum(m.review_corrected_count)::bigint as review_corrected_count,
    sum(m.review_other_count)::bigint as review_other_count,
    sum(m.review_pending_count)::bigint as review_pending_count,
    sum(m.litigation_count)::bigint as litigation_count,
    sum(m.litigation_corrected_count)::bigint as litigation_corrected_count,
    sum(m.litigation_pending_count)::bigint as litigation_pending_count,
    sum(m.issued_count)::bigint as issued_count,
    sum(m.licensing_decisions_count)::bigint as licensing_decisions_count,
    sum(m.penalty_decisions_count)::bigint as penalty_decisions_count,
    sum(m.coercion_decisions_count)::bigint as coercion_decisions_count
    from marts.report_measures as m
    where m.counted
    group by m.region_code, m.year
)
select
    r.region_code,
    r.prefecture_code,
    r.province_code,
    r.year,
    r.basis,
    r.report_count,
    r.area_report_count,
    r.government_report_count,
    r.department_report_count,
    r.township_report_count,
    r.dev_zone_report_count,
    coalesce(c.counted_report_count, 0) as counted_report_count,
    coalesce(c.incomplete_report_count, 0) as incomplete_report_count,
    coalesce(c.has_gb2019, false) as has_gb2019,
    coalesce(c.has_gb2021, false) as has_gb2021,
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
from received as r
left join counted as c
    on c.region_code = r.region_code and c.year = r.year;
