-- checks.contested_reports: reports whose newest file (or one as new as the report of record)
-- is not the report of record because it reads less completely — a truncated copy, a PDF twin
-- that reads incomplete, or a correction the parser cannot read whole. The complete file stays
-- the report of record (never the incomplete one, whatever its name or age); a person should
-- confirm that it is the right one, or fix the newer file. One row per contesting file, with
-- the report of record it lost to (analytics.report_versions explains every version).
select
    county_code,
    body,
    year,
    current_report_id,
    current_source_path,
    report_id as contesting_report_id,
    source_path as contesting_source_path,
    status as contesting_status,
    source_modified_at as contesting_modified_at
from analytics.report_versions
where contested
