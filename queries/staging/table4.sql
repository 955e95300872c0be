-- staging.table4: table 4 of the current report versions, one row per report and group.
select
    f.report_id,
    f.group_key,
    f.upheld,
    f.corrected,
    f.other,
    f.pending,
    f.total
from main.table4_facts as f
join main.reports as r
    on r.report_id = f.report_id
where r.is_current;
