-- marts.reports_of_record: the report of record of every body and year — its current version
-- (chosen by the store: complete first, then the newer file; analytics.report_versions says
-- why), when the region, body and year are known and the report is not a failure — and
-- whether its own division's figure counts it. A body belongs to the division at its own level
-- (region_code: a province, a prefecture or a county), and each division is counted once: from
-- its consolidated (area) report when it has one with tables (the first by body if several: the
-- others are not counted, and checks.area_reports_once flags the division-year), else from the
-- sum of its own government, department, township, development-zone and other reports (plus,
-- above county level, its child divisions' figures: see marts.report_levels).
with latest as (
    select
        s.*,
        row_number() over (partition by s.region_code, s.body, s.year order by s.version desc, s.report_id desc) as version_rank
    from staging.reports as s
    where s.region_code is not null
      and s.body is not null
      and s.year is not null
      and s.status <> 'failed'
),
record as (
    select * exclude (version_rank)
    from latest
    where version_rank = 1
),
-- 以下：各层级一个区划只计一次（全省/全市/全县汇总报告优先，否则本级各机关之和）
-- below: each division of any level counted once (its area report first, else its own bodies)
tabled as (
    select
        report_id,
        count(*) filter (where scope = 'area') over (partition by region_code, year) as area_reports,
        row_number() over (partition by region_code, year, scope = 'area' order by body, report_id) as scope_rank
    from record
    where format in ('gb2019', 'gb2021')
)
select
    r.report_id,
    r.region_code,
    r.level,
    r.region_name,
    r.county_code,
    r.county_name,
    r.prefecture_code,
    r.prefecture_name,
    r.province_code,
    r.province_name,
    r.body,
    r.scope,
    r.year,
    r.format,
    r.status,
    r.check_count,
    r.problem_count,
    r.version,
    r.source_path,
    case
        when t.report_id is null then 'none'
        when t.area_reports > 0 then 'area'
        else 'bodies'
    end as basis,
    coalesce(
        case
            when t.report_id is null then false
            when t.area_reports > 0 then r.scope = 'area' and t.scope_rank = 1
            else r.scope in ('government', 'department', 'township', 'dev_zone', 'other')
        end,
        false
    ) as counted
from record as r
left join tabled as t
    on t.report_id = r.report_id;
