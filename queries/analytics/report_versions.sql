-- analytics.report_versions: every stored version of every report — each file read for a
-- body's report of a year, and each re-reading of the same bytes by a newer parser — with the
-- report of record of its identity (the current version, the only one the rollups read) and
-- why this version is, or is not, that one.
--
-- The choice is made when an ingest publishes (pipeline/store, versionsSQL): a newer parser's
-- reading of the same bytes replaces the older reading; among the rest, the complete version
-- beats an incomplete or failed one, then the newer file (modification time to the second),
-- then the later path, then the later load. This view only explains that choice, key by key
-- (keep the two in step: a choice it cannot explain is 'unexplained', which the sidecar's
-- accepted_values test rejects).
--
-- contested: a file at least as new as the report of record that lost only because it reads
-- less completely — a truncated copy, a PDF twin that reads incomplete, or a correction the
-- parser cannot read whole; checks.contested_reports lists them for a person to confirm.
with versions as (
    select
        r.report_id,
        r.identity_key,
        r.region_code,
        r.body,
        r.year,
        r.scope,
        r.status,
        r.version,
        r.source_path,
        r.source_modified_at,
        r.parser_version,
        r.run_id,
        r.is_current,
        case r.status when 'complete' then 0 when 'incomplete' then 1 else 2 end as status_rank,
        coalesce(date_trunc('second', r.source_modified_at), '-infinity'::timestamptz) as modified_second,
        first_value(r.report_id) over (
            partition by r.sha256 order by r.run_id desc, r.version desc, r.report_id desc
        ) as latest_reading
    from main.reports as r
),
counted as (
    select
        *,
        count(*) over (partition by identity_key) as version_count,
        count(*) filter (where report_id = latest_reading) over (partition by identity_key) as competing_count
    from versions
),
current_versions as (
    select identity_key, report_id, status, status_rank, modified_second, source_path, version
    from versions
    where is_current
),
explained as (
    select
        v.*,
        c.report_id as current_report_id,
        c.source_path as current_source_path,
        case
            when v.is_current then 'current'
            when v.report_id <> v.latest_reading then 'reread'
            when c.report_id is null then 'unexplained'
            when v.status_rank > c.status_rank then 'less_complete'
            when v.status_rank < c.status_rank then 'unexplained'
            when v.modified_second < c.modified_second then 'older'
            when v.modified_second > c.modified_second then 'unexplained'
            when v.source_path < c.source_path then 'path_order'
            when v.source_path > c.source_path then 'unexplained'
            when v.version < c.version then 'earlier_load'
            else 'unexplained'
        end as choice,
        c.modified_second as current_modified_second
    from counted as v
    left join current_versions as c
        on c.identity_key = v.identity_key
)
select
    e.report_id,
    e.region_code as county_code,
    g.name as county_name,
    e.body,
    e.year,
    e.scope,
    e.status,
    e.version,
    e.version_count,
    e.competing_count,
    e.source_path,
    e.source_modified_at,
    e.parser_version,
    e.run_id,
    e.is_current,
    e.current_report_id,
    e.current_source_path,
    e.choice,
    case e.choice
        when 'current' then '汇总依据 / the report of record'
        when 'reread' then '同一内容已由新版解析器重读 / the same bytes were read again by a newer parser'
        when 'less_complete' then '不如汇总依据完整 / less complete than the report of record'
        when 'older' then '文件较旧 / an older file than the report of record'
        when 'path_order' then '修改时间在同一秒，路径排序在前 / modified in the same second, an earlier path'
        when 'earlier_load' then '同一路径、同一秒，较早入库 / the same path and second, loaded earlier'
        else '与入库规则不一致 / not explained by the store''s rule'
    end as reason,
    coalesce(e.choice = 'less_complete' and e.modified_second >= e.current_modified_second, false) as contested
from explained as e
left join main.regions as g
    on g.code = e.region_code and g.level = 'county'
order by e.region_code, e.body, e.year, e.version, e.report_id
