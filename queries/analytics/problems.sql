-- analytics.problems: every problem that needs a person's review, one row per problem and file:
-- the rule violations of the reports of record (analytics.rule_violations, which defines their
-- key), the files read incompletely (some numbers unread: their error problem codes) and the
-- files that could not be read as a report (the reason, or the problem codes of a report without
-- tables), as the current parser (the latest ingest's) read them. Each carries its problem key and
-- short id — what xxgk ack records — and whether it was acknowledged, with the note, who and when.
-- latest_reading: the path still held these bytes at the latest ingest that saw it (false: the
-- file was replaced since). Failing data tests are problems too, found by running the tests
-- (xxgk run, xxgk views --test): the run records them in ops.problem_sightings.
with pv as (
    select parser_version
    from main.ingest_runs
    order by run_id desc
    limit 1
),
latest as (
    select path, sha256
    from main.inputs
    qualify row_number() over (partition by path order by run_id desc) = 1
),
codes as (
    select
        report_id,
        string_agg(distinct code, ',' order by code) filter (where severity = 'error') as error_codes,
        string_agg(distinct code, ',' order by code) as all_codes,
        first(message order by severity, seq) as message
    from main.problems
    group by report_id
),
failed_files as (
    -- files whose bytes could not be read as a report
    select distinct
        'failed' as kind,
        f.reason as code,
        f.path,
        f.sha256,
        null::bigint as report_id,
        coalesce(f.reason || '：' || f.detail, f.reason) as message
    from main.failed_inputs as f
    where f.parser_version = (select parser_version from pv)
),
report_files as (
    -- files read as a report without a table to read (failed) or with some numbers unread (incomplete)
    select distinct
        r.status as kind,
        coalesce(c.error_codes, c.all_codes, r.status) as code,
        i.path,
        i.sha256,
        r.report_id,
        coalesce(c.message, r.status) as message
    from main.inputs as i
    join main.reports as r
        on r.report_id = i.report_id
    left join codes as c
        on c.report_id = r.report_id
    where r.status in ('failed', 'incomplete')
      and r.parser_version = (select parser_version from pv)
),
files as (
    select
        x.kind || '|' || coalesce(x.sha256, 'path:' || x.path) || '|' || x.code as problem_key,
        x.kind,
        x.code,
        x.path,
        x.sha256,
        x.report_id,
        x.message
    from (
        select kind, code, path, sha256, report_id, message from failed_files
        union all
        select kind, code, path, sha256, report_id, message from report_files
    ) as x
),
file_problems as (
    select
        f.problem_key,
        left(f.kind, 1) || left(sha256(f.problem_key), 10) as problem_id,
        f.kind,
        f.code,
        'error' as severity,
        f.path,
        f.sha256,
        f.report_id,
        case length(r.region_code) when 2 then 'province' when 4 then 'prefecture' when 6 then 'county' end as level,
        r.region_code,
        g.name as region_name,
        r.body,
        r.year,
        null::varchar as cell,
        null::decimal(18, 4) as expected,
        null::decimal(18, 4) as found,
        f.message,
        a.ack_id,
        a.note as ack_note,
        a.acknowledged_by as ack_by,
        a.acknowledged_at as ack_at
    from files as f
    left join main.reports as r
        on r.report_id = f.report_id
    left join main.regions as g
        on g.code = r.region_code
    left join ops.acknowledgements as a
        on a.problem_key = f.problem_key
),
violation_problems as (
    select
        v.problem_key,
        v.problem_id,
        'violation' as kind,
        v.rule as code,
        v.severity,
        v.source_path as path,
        v.sha256,
        v.report_id,
        v.level,
        v.region_code,
        v.region_name,
        v.body,
        v.year,
        coalesce(v.table_name, '') || '.' || coalesce(v.row_key, '') || '.' || coalesce(v.col_key, '') as cell,
        v.expected,
        v.found,
        v.message,
        v.ack_id,
        v.ack_note,
        v.ack_by,
        v.ack_at
    from analytics.rule_violations as v
    qualify row_number() over (partition by v.problem_key, v.source_path order by v.source, v.seq) = 1
),
all_problems as (
    select problem_key, problem_id, kind, code, severity, path, sha256, report_id, level, region_code, region_name, body, year, cell, expected, found, message, ack_id, ack_note, ack_by, ack_at
    from file_problems
    union all
    select problem_key, problem_id, kind, code, severity, path, sha256, report_id, level, region_code, region_name, body, year, cell, expected, found, message, ack_id, ack_note, ack_by, ack_at
    from violation_problems
)
select
    p.problem_key,
    p.problem_id,
    p.kind,
    p.code,
    p.severity,
    p.path,
    p.sha256,
    l.path is not null as latest_reading,
    p.report_id,
    p.level,
    p.region_code,
    p.region_name,
    p.body,
    p.year,
    p.cell,
    p.expected,
    p.found,
    p.message,
    p.ack_id is not null as acknowledged,
    p.ack_id,
    p.ack_note,
    p.ack_by,
    p.ack_at
from all_problems as p
left join latest as l
    on l.path = p.path and l.sha256 is not distinct from p.sha256
order by p.kind, p.region_code, p.year, p.path, p.problem_key;
