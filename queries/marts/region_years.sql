-- marts.region_years: county-year sums rolled up to prefectures and provinces in one pass
-- (grouping sets), one row per level, division and year. Higher levels sum the county sums:
-- each county is counted once, by its basis.
select
    case
        when grouping(region_code) = 0 then 'county'
        when grouping(prefecture_code) = 0 then 'prefecture'
        else 'province'
    end as level,
    case
        when grouping(region_code) = 0 then region_code
        when grouping(prefecture_code) = 0 then prefecture_code
        else province_code
    end as region_code,
    case
        when grouping(region_code) = 0 then prefecture_code
        when grouping(prefecture_code) = 0 then province_code
    end as parent_code,
    province_code,
    year,
    case when grouping(region_code) = 0 then any_value(basis) end as basis,
    count(*) as county_count,
    count(*) filter (where basis = 'area') as area_basis_count,
    sum(report_count)::bigint as report_count,
    sum(counted_report_count)::bigint as counted_report_count,
    sum(incomplete_report_count)::bigint as incomplete_report_count,
    concat_ws(',', case when bool_or(has_gb2019) then 'gb2019' end, case when bool_or(has_gb2021) then 'gb2021' end) as formats,
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
from marts.county_years
group by grouping sets ((province_code, prefecture_code, region_code, year), (province_code, prefecture_code, year), (province_code, year));
