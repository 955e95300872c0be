-- analytics.county_years: the county rollup per year (a filter of analytics.region_years with the names of
-- the parent divisions).
select
    y.region_code as county_code,
    y.region_name as county_name,
    y.parent_code as prefecture_code,
    p.name as prefecture_name,
    y.province_code,
    v.name as province_name,
    y.year,
    y.basis,
    c.area_report_count,
    c.government_report_count,
    c.department_report_count,
    c.township_report_count,
    c.dev_zone_report_count,
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
join marts.county_years as c
    on c.region_code = y.region_code and c.year = y.year
left join main.regions as p
    on p.code = y.parent_code
left join main.regions as v
    on v.code = y.province_code
where y.level = 'county'
order by y.region_code, y.year;
