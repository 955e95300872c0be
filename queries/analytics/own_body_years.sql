-- analytics.own_body_years: the part of each division-year's figure its own bodies make up — a
-- province's government and departments (省直部门合计), a prefecture's (市本级合计), a county's
-- bodies (县本级合计) — with the rates of that part (marts.region_figures). One row per division-year
-- whose figure counts any of its own bodies (none where the area report is the figure): the
-- same numbers as the own_* columns of analytics.region_years, as rows, so a province's figure
-- reads as its own bodies' row plus its prefectures' rows.
select
    f.level,
    f.region_code,
    g.name as region_name,
    r.parent_code,
    r.province_code,
    f.year,
    f.report_count,
    f.requests_count,
    f.carried_over_count,
    f.granted_count,
    f.partially_granted_count,
    f.withheld_count,
    f.unavailable_count,
    f.rejected_count,
    f.other_count,
    f.handled_count,
    f.carried_forward_count,
    f.review_count,
    f.review_upheld_count,
    f.review_corrected_count,
    f.review_other_count,
    f.review_pending_count,
    f.litigation_count,
    f.litigation_corrected_count,
    f.litigation_pending_count,
    f.issued_count,
    f.licensing_decisions_count,
    f.penalty_decisions_count,
    f.coercion_decisions_count,
    f.disclosure_rate,
    f.withheld_rate,
    f.review_correction_rate,
    f.litigation_correction_rate
from marts.region_figures as f
join marts.region_years as r
    on r.level = f.level and r.region_code = f.region_code and r.year = f.year
left join main.regions as g
    on g.code = f.region_code
where f.part = 'own'
order by f.region_code, f.year;
