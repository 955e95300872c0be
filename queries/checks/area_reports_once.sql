-- checks.area_reports_once: division-years (any level) with more than one consolidated (area)
-- report of record. marts.reports_of_record counts only the first with tables (by body, then
-- report id) and leaves the others uncounted, so which one is the division's report must be
-- decided by hand: each row names the reports, in the order the choice is made, and the one
-- counted (analytics.coverage shows the same as area_report_count > 1).
select
    level,
    region_code,
    year,
    count(*) as area_report_count,
    list(report_id order by body, report_id) as report_ids,
    list(body order by body, report_id) as bodies,
    any_value(report_id) filter (where counted) as counted_report_id
from marts.reports_of_record
where scope = 'area'
group by level, region_code, year
having count(*) > 1;
