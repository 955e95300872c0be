-- staging.table3: table 3 of the current report versions, one row per report and row key.
select
    f.report_id,
    f.row_key,
    f.natural_person,
    f.commercial,
    f.research,
    f.social_welfare,
    f.legal_services,
    f.other_org,
    f.total
from main.table3_facts as f
join main.reports as r
    on r.report_id = f.report_id
where r.is_current;
