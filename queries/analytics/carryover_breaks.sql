-- analytics.carryover_breaks: rule R6 across years, for the bodies of every level — a body's
-- 上年结转 this year differs from its 结转下年度继续办理 of the year before, column by column,
-- between the reports of record of consecutive years (a year without a report breaks no chain:
-- the numbers are unknown).
with co as (
    select r.report_id, r.level, r.region_code, r.county_code, r.county_name, r.prefecture_code, r.province_code, r.body, r.scope, r.year,
        f.natural_person, f.commercial, f.research, f.social_welfare, f.legal_services, f.other_org, f.total
    from marts.reports_of_record as r
    join staging.table3 as f
        on f.report_id = r.report_id and f.row_key = 'carried_over'
),
cf as (
    select r.report_id, r.region_code, r.body, r.year,
        f.natural_person, f.commercial, f.research, f.social_welfare, f.legal_services, f.other_org, f.total
    from marts.reports_of_record as r
    join staging.table3 as f
        on f.report_id = r.report_id and f.row_key = 'carried_forward'
),
pairs as (
    select
        co.report_id,
        cf.report_id as prev_report_id,
        co.level,
        co.region_code,
        co.county_code,
        co.county_name,
        co.prefecture_code,
        co.province_code,
        co.body,
        co.scope,
        co.year,
        unnest([1, 2, 3, 4, 5, 6, 7]) as col_index,
        unnest(['natural_person', 'commercial', 'research', 'social_welfare', 'legal_services', 'other_org', 'total']) as col_key,
        unnest([co.natural_person, co.commercial, co.research, co.social_welfare, co.legal_services, co.other_org, co.total]) as carried_over,
        unnest([cf.natural_person, cf.commercial, cf.research, cf.social_welfare, cf.legal_services, cf.other_org, cf.total]) as carried_forward_prev
    from co
    join cf
        on cf.region_code = co.region_code and cf.body = co.body and cf.year = co.year - 1
)
select
    report_id,
    prev_report_id,
    level,
    region_code,
    county_code,
    county_name,
    prefecture_code,
    province_code,
    body,
    scope,
    year,
    col_index,
    col_key,
    carried_over,
    carried_forward_prev,
    carried_over - carried_forward_prev as difference
from pairs
where carried_over <> carried_forward_prev
order by region_code, year, body, col_index;
