-- analytics.province_years: the province rollup per year (a filter of analytics.region_years with the names of
-- the parent divisions).
select
    y.region_code as province_code,
    y.region_name as province_name,
    y.year,
    y.county_count,
    y.area_basis_count,
    y.report_count,
    y.counted_report_count,
    y.incomplete_report_count,
    y.formats,
    y.requests_count,
    y.carried_over_count,
    y.granted_count,
    y.partially_granted_count,
    y.withheld_count,
    y.unavailable_count,
    y.rejected_count,
    y.other_count,
    y.handled_count,
    y.carried_forward_count,
    y.review_count,
    y.review_upheld_count,
    y.review_corrected_count,
    y.review_other_count,
    y.review_pending_count,
    y.litigation_count,
    y.litigation_corrected_count,
    y.litigation_pending_count,
    y.issued_count,
    y.licensing_decisions_count,
    y.penalty_decisions_count,
    y.coercion_decisions_count,
    y.disclosure_rate,
    y.withheld_rate,
    y.review_correction_rate,
    y.litigation_correction_rate
from analytics.region_years as y

where y.level = 'province'
order by y.region_code, y.year;
