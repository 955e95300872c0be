-- analytics.rule_violations: the rule violations (R1–R8) of the reports of record of every level
-- (region_code is the body's division at its level; county_code NULL above county): those the
-- validator found in each report (source 'report') and the carry-over chain breaks across years
-- (R6, source 'chain', from analytics.carryover_breaks; R6 is only ever checked here). Each
-- carries its problem key — the file's SHA-256, the rule, the cell, the expected and the printed
-- value: the one definition of a violation's key (analytics.problems reads it) — and whether it
-- was acknowledged (xxgk ack: ops.acknowledgements, with the note, who and when). An
-- acknowledged violation is still listed: reviewed, not corrected.
with col_labels as (
    select col_key, label
    from (values
        ('natural_person', '自然人'), ('commercial', '商业企业'), ('research', '科研机构'),
        ('social_welfare', '社会公益组织'), ('legal_services', '法律服务机构'), ('other_org', '其他组织'),
        ('total', '总计')
    ) as l (col_key, label)
),
violations as (
    select
        r.report_id,
        r.level,
        r.region_code,
        r.region_name,
        r.county_code,
        r.county_name,
        r.prefecture_code,
        r.province_code,
        r.body,
        r.scope,
        r.year,
        r.format,
        r.counted,
        'report' as source,
        c.seq,
        c.rule,
        c.severity,
        c.table_name,
        c.row_key,
        c.col_key,
        c.expected,
        c.found,
        c.message
    from main.checks as c
    join marts.reports_of_record as r
        on r.report_id = c.report_id
    where c.rule <> 'R6'
    union all
    select
        b.report_id,
        b.level,
        b.region_code,
        r.region_name,
        b.county_code,
        b.county_name,
        b.prefecture_code,
        b.province_code,
        b.body,
        b.scope,
        b.year,
        r.format,
        r.counted,
        'chain' as source,
        b.col_index as seq,
        'R6' as rule,
        'warning' as severity,
        'table3' as table_name,
        'carried_over' as row_key,
        b.col_key,
        b.carried_forward_prev::decimal(18, 4) as expected,
        b.carried_over::decimal(18, 4) as found,
        printf('表三“上年结转”%s列为%d，上年报告“结转下年度继续办理”为%d', l.label, b.carried_over, b.carried_forward_prev) as message
    from analytics.carryover_breaks as b
    join marts.reports_of_record as r
        on r.report_id = b.report_id
    left join col_labels as l
        on l.col_key = b.col_key
),
keyed as (
    select
        v.*,
        'violation|' || f.sha256 || '|' || v.rule || '|' || coalesce(v.table_name, '') || '.' || coalesce(v.row_key, '') || '.'
            || coalesce(v.col_key, '') || '|' || coalesce(v.expected::varchar, '') || '|' || coalesce(v.found::varchar, '') as problem_key,
        f.sha256,
        f.source_path
    from violations as v
    join main.reports as f
        on f.report_id = v.report_id
)
select
    k.report_id,
    k.level,
    k.region_code,
    k.region_name,
    k.county_code,
    k.county_name,
    k.prefecture_code,
    k.province_code,
    k.body,
    k.scope,
    k.year,
    k.format,
    k.counted,
    k.source,
    k.seq,
    k.rule,
    k.severity,
    k.table_name,
    k.row_key,
    k.col_key,
    k.expected,
    k.found,
    k.message,
    k.sha256,
    k.source_path,
    k.problem_key,
    'v' || left(sha256(k.problem_key), 10) as problem_id,
    a.ack_id is not null as acknowledged,
    a.ack_id,
    a.note as ack_note,
    a.acknowledged_by as ack_by,
    a.acknowledged_at as ack_at
from keyed as k
left join ops.acknowledgements as a
    on a.problem_key = k.problem_key
order by k.region_code, k.year, k.body, k.rule, k.seq;
