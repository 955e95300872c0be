-- analytics.region_table3: the official table 3 (收到和处理政府信息公开申请情况) summed per
-- level, division, year and row over the reports the rollup counts (marts.report_levels:
-- each division once, the same basis as analytics.region_years), with the seven applicant columns.
-- (六)其他处理: other_total is every counted report's 其他处理 — gb2019 prints it as one row;
-- for gb2021 it is the derived other_total or, failing that, the sum of the three rows — so
-- it equals other_count of analytics.region_years; the three gb2021 rows sum the gb2021
-- reports only. The optional subtotal rows some reports print are left out (the official
-- table has none).
with other as (
    select
        report_id,
        'other_total' as row_key,
        coalesce(any_value(natural_person) filter (where row_key = 'other_total'),
            sum(natural_person) filter (where row_key in ('other_no_correction', 'other_no_fee', 'other_other'))) as natural_person,
        coalesce(any_value(commercial) filter (where row_key = 'other_total'),
            sum(commercial) filter (where row_key in ('other_no_correction', 'other_no_fee', 'other_other'))) as commercial,
        coalesce(any_value(research) filter (where row_key = 'other_total'),
            sum(research) filter (where row_key in ('other_no_correction', 'other_no_fee', 'other_other'))) as research,
        coalesce(any_value(social_welfare) filter (where row_key = 'other_total'),
            sum(social_welfare) filter (where row_key in ('other_no_correction', 'other_no_fee', 'other_other'))) as social_welfare,
        coalesce(any_value(legal_services) filter (where row_key = 'other_total'),
            sum(legal_services) filter (where row_key in ('other_no_correction', 'other_no_fee', 'other_other'))) as legal_services,
        coalesce(any_value(other_org) filter (where row_key = 'other_total'),
            sum(other_org) filter (where row_key in ('other_no_correction', 'other_no_fee', 'other_other'))) as other_org,
        coalesce(any_value(total) filter (where row_key = 'other_total'),
            sum(total) filter (where row_key in ('other_no_correction', 'other_no_fee', 'other_other'))) as total
    from staging.table3
    where row_key in ('other_total', 'other_no_correction', 'other_no_fee', 'other_other')
    group by report_id
),
facts as (
    select report_id, row_key, natural_person, commercial, research, social_welfare, legal_services, other_org, total
    from staging.table3
    where row_key not in ('other_total', 'withheld_total', 'unavailable_total', 'rejected_total')
    union all
    select report_id, row_key, natural_person, commercial, research, social_welfare, legal_services, other_org, total
    from other
)
select
    c.level,
    c.region_code,
    c.province_code,
    c.year,
    f.row_key,
    sum(f.natural_person)::bigint as natural_person,
    sum(f.commercial)::bigint as commercial,
    sum(f.research)::bigint as research,
    sum(f.social_welfare)::bigint as social_welfare,
    sum(f.legal_services)::bigint as legal_services,
    sum(f.other_org)::bigint as other_org,
    sum(f.total)::bigint as total,
    count(*) as report_count
from facts as f
join marts.report_levels as c
    on c.report_id = f.report_id
group by c.level, c.region_code, c.province_code, c.year, f.row_key
order by region_code, year, row_key;
