-- analytics.rule_violations: the rule violations (R1–R8) of the reports of record of every level
-- (region_code is the body's division at its level; county_code NULL above county): those the
-- validator found in each report (source 'report') and the carry-over chain breaks across years
-- (R6, source 'chain', from analytics.carryover_breaks; R6 is only ever checked here).
with col_labels as (
    select col_key, label
    from (values
        ('natural_person', '自然人'), ('commercial', '商业企业'), ('research', '科研机构'),
        ('social_welfare', '社会公益组织'), ('legal_services', '法律服务机构'), ('other_org', '其他组织'),
        ('total', '总计')
    ) as l (col_key, label)
)
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
order by region_code, year, body, rule, seq;
