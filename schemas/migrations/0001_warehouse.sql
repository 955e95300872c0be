-- 0001 数据仓库初始结构 / initial warehouse schema.
-- 各表、各列的中英文说明见 COMMENT；列定义与 schemas/warehouse.go 一致（pipeline/store 的测试核对）。
-- Every table and column is documented by COMMENT; columns match schemas/warehouse.go (checked by pipeline/store tests).

create table regions (
    code varchar not null,
    level varchar not null,
    name varchar not null,
    parent_code varchar,
    province_code varchar not null,
    province_name varchar not null,
    prefecture_code varchar,
    prefecture_name varchar,
    primary key (code)
);
comment on table regions is '行政区划维表：省、地级、县级，国家统计局代码 / administrative divisions (province → prefecture → county), NBS codes';
comment on column regions.code is '区划代码：省2位、地级4位、县级6位 / division code: 2 digits province, 4 prefecture, 6 county';
comment on column regions.level is '层级：province 省、prefecture 地级、county 县级 / level: province, prefecture, county';
comment on column regions.name is '名称 / name';
comment on column regions.parent_code is '上级区划代码（省为空）/ code of the parent division (NULL for a province)';
comment on column regions.province_code is '所属省代码 / province code';
comment on column regions.province_name is '所属省名称 / province name';
comment on column regions.prefecture_code is '所属地级代码（省为空）/ prefecture code (NULL for a province)';
comment on column regions.prefecture_name is '所属地级名称（省为空）/ prefecture name (NULL for a province)';

create table ingest_runs (
    run_id bigint not null,
    started_at timestamp with time zone not null,
    finished_at timestamp with time zone not null,
    xxgk_version varchar not null,
    parser_version varchar not null,
    roots varchar not null,
    manifest varchar,
    inputs_count bigint not null,
    loaded_count bigint not null,
    unchanged_count bigint not null,
    duplicate_count bigint not null,
    failed_count bigint not null,
    incomplete_count bigint not null,
    new_version_count bigint not null,
    status varchar not null,
    primary key (run_id)
);
comment on table ingest_runs is '导入批次：每次 xxgk ingest 一行 / ingest runs: one row per completed run of xxgk ingest';
comment on column ingest_runs.run_id is '批次编号，递增 / run id, increasing';
comment on column ingest_runs.started_at is '开始时间 / start time';
comment on column ingest_runs.finished_at is '结束时间 / end time';
comment on column ingest_runs.xxgk_version is '程序版本 / xxgk version';
comment on column ingest_runs.parser_version is '解析器版本 / parser version';
comment on column ingest_runs.roots is '输入路径（以换行分隔）/ input paths given, newline-separated';
comment on column ingest_runs.manifest is '使用的清单文件 / manifest CSV used';
comment on column ingest_runs.inputs_count is '读到的文件数 / files seen';
comment on column ingest_runs.loaded_count is '新入库的报告版本数 / new report versions loaded';
comment on column ingest_runs.unchanged_count is '内容未变的文件数 / files whose bytes were already stored at that path';
comment on column ingest_runs.duplicate_count is '重复文件数（同内容不同路径）/ files whose bytes another path already holds';
comment on column ingest_runs.failed_count is '无法读取的文件数 / files that could not be read as reports';
comment on column ingest_runs.incomplete_count is '不完整的新报告数 / new reports with status incomplete';
comment on column ingest_runs.new_version_count is '替代旧版本的新报告数 / new reports superseding an earlier version';
comment on column ingest_runs.status is '批次结果：ok、partial、failed / outcome: ok, partial, failed';

create table inputs (
    run_id bigint not null,
    path varchar not null,
    sha256 varchar,
    size_bytes bigint,
    status varchar not null,
    reason varchar,
    report_id bigint
);
comment on table inputs is '每批次读到的每个文件及其处理结果 / every file seen by each run and what became of it';
comment on column inputs.run_id is '批次编号 / run id';
comment on column inputs.path is '文件路径（规范化）/ file path (cleaned, slash-separated)';
comment on column inputs.sha256 is '内容 SHA-256（无法读取时为空）/ SHA-256 of the bytes (NULL when unreadable)';
comment on column inputs.size_bytes is '文件大小（字节）/ size in bytes';
comment on column inputs.status is '结果：loaded 入库、unchanged 未变、duplicate 重复、failed 失败 / outcome: loaded, unchanged, duplicate, failed';
comment on column inputs.reason is '原因（失败、重复时）/ reason (failed, duplicate)';
comment on column inputs.report_id is '对应的报告版本 / the report version holding these bytes';

create table failed_inputs (
    path varchar not null,
    sha256 varchar,
    size_bytes bigint,
    reason varchar not null,
    detail varchar,
    parser_version varchar not null,
    first_run_id bigint not null
);
comment on table failed_inputs is '无法读取为报告的文件，一份内容一行，不丢失 / inputs that could not be read as reports, one row per path and content: nothing is lost';
comment on column failed_inputs.path is '文件路径 / file path';
comment on column failed_inputs.sha256 is '内容 SHA-256（无法读取时为空）/ SHA-256 of the bytes (NULL when unreadable)';
comment on column failed_inputs.size_bytes is '文件大小（字节）/ size in bytes';
comment on column failed_inputs.reason is '原因（中文）/ reason (Chinese, one of the pipeline''s sentinel errors)';
comment on column failed_inputs.detail is '详细信息 / detail';
comment on column failed_inputs.parser_version is '解析器版本 / parser version';
comment on column failed_inputs.first_run_id is '首次出现的批次 / run that first recorded it';

create table reports (
    report_id bigint not null,
    identity_key varchar not null,
    region_code varchar,
    region_method varchar,
    body varchar,
    scope varchar,
    year integer,
    format varchar,
    title varchar,
    source_path varchar not null,
    sha256 varchar not null,
    size_bytes bigint not null,
    encoding varchar,
    parser_version varchar not null,
    run_id bigint not null,
    status varchar not null,
    check_count integer not null,
    problem_count integer not null,
    version integer not null,
    is_current boolean not null,
    superseded_by bigint,
    primary key (report_id)
);
comment on table reports is '报告版本：同一报告（地区、机关、年度）内容变化时新增版本，旧版本保留并标记被替代 / report versions: a changed file for the same region, body and year adds a version; the older one is kept, superseded';
comment on column reports.report_id is '报告版本编号（reports.report_id）/ report version id (reports.report_id)';
comment on column reports.identity_key is '报告身份：地区代码|机关|年度，不明时为 path:规范化路径 / identity: region_code|body|year, or path:<cleaned path> when region or body is unknown';
comment on column reports.region_code is '县级区划代码（未确定为空）/ 6-digit county code (NULL when unresolved)';
comment on column reports.region_method is '区划来源：flag、manifest、path、text / how the region was found';
comment on column reports.body is '发布机关 / issuing body';
comment on column reports.scope is '范围：area、government、department、township、dev_zone / whom the report speaks for';
comment on column reports.year is '报告年度 / year reported on';
comment on column reports.format is '格式：gb2019、gb2021、pre2019 / template';
comment on column reports.title is '标题 / title';
comment on column reports.source_path is '来源文件路径 / source file path';
comment on column reports.sha256 is '内容 SHA-256 / SHA-256 of the source bytes';
comment on column reports.size_bytes is '文件大小（字节）/ size in bytes';
comment on column reports.encoding is '原始字符编码 / source character encoding';
comment on column reports.parser_version is '解析器版本 / parser version';
comment on column reports.run_id is '入库批次 / run that loaded this version';
comment on column reports.status is '解析状态：complete 完整、incomplete 不完整、failed 失败 / parse status';
comment on column reports.check_count is '勾稽规则违反数 / number of rule violations';
comment on column reports.problem_count is '解析问题数 / number of parse problems';
comment on column reports.version is '版本号，从1起 / version number, from 1';
comment on column reports.is_current is '是否当前版本（汇总只看当前版本）/ current version (rollups see only these)';
comment on column reports.superseded_by is '替代本版本的报告版本 / the report version that superseded this one';

create table table2_facts (
    report_id bigint not null,
    item varchar not null,
    measure varchar not null,
    value decimal(18,4),
    state varchar not null
);
comment on table table2_facts is '表二 主动公开政府信息情况：每报告每项每指标一行 / table 2 proactive disclosure: one row per report, item and measure';
comment on column table2_facts.report_id is '报告版本编号（reports.report_id）/ report version id (reports.report_id)';
comment on column table2_facts.item is '事项键（rules、licensing…）/ item key';
comment on column table2_facts.measure is '指标键（issued、decisions…）/ measure key';
comment on column table2_facts.value is '数值（横线或缺失为空）/ value (NULL for a dash or missing cell)';
comment on column table2_facts.state is '单元格状态：number、blank、dash、derived、missing / cell state';

create table table3_facts (
    report_id bigint not null,
    row_key varchar not null,
    natural_person bigint,
    commercial bigint,
    research bigint,
    social_welfare bigint,
    legal_services bigint,
    other_org bigint,
    total bigint
);
comment on table table3_facts is '表三 收到和处理政府信息公开申请情况：每报告每行一行，列同官方表格 / table 3 requests received and handled: one row per report and row, columns as in the official table';
comment on column table3_facts.report_id is '报告版本编号（reports.report_id）/ report version id (reports.report_id)';
comment on column table3_facts.row_key is '行键（new_received、granted…）/ row key';
comment on column table3_facts.natural_person is '自然人 / natural persons';
comment on column table3_facts.commercial is '商业企业 / commercial enterprises';
comment on column table3_facts.research is '科研机构 / research institutions';
comment on column table3_facts.social_welfare is '社会公益组织 / social welfare organisations';
comment on column table3_facts.legal_services is '法律服务机构 / legal service institutions';
comment on column table3_facts.other_org is '其他（法人或其他组织）/ other organisations';
comment on column table3_facts.total is '总计 / total';

create table table4_facts (
    report_id bigint not null,
    group_key varchar not null,
    upheld bigint,
    corrected bigint,
    other bigint,
    pending bigint,
    total bigint
);
comment on table table4_facts is '表四 行政复议、行政诉讼情况：每报告每组一行 / table 4 reconsideration and litigation: one row per report and group';
comment on column table4_facts.report_id is '报告版本编号（reports.report_id）/ report version id (reports.report_id)';
comment on column table4_facts.group_key is '组键：review、litigation_direct、litigation_after_review / group key';
comment on column table4_facts.upheld is '结果维持 / upheld';
comment on column table4_facts.corrected is '结果纠正 / corrected';
comment on column table4_facts.other is '其他结果 / other outcome';
comment on column table4_facts.pending is '尚未审结 / pending';
comment on column table4_facts.total is '总计 / total';

create table cells (
    report_id bigint not null,
    table_name varchar not null,
    row_key varchar not null,
    col_key varchar not null,
    state varchar not null,
    value decimal(18,4),
    line integer,
    page integer,
    text varchar
);
comment on table cells is '单元格来源：每个数字的状态、原文和行号 / cell provenance: state, text and source line of every number';
comment on column cells.report_id is '报告版本编号（reports.report_id）/ report version id (reports.report_id)';
comment on column cells.table_name is '表：table2、table3、table4 / table';
comment on column cells.row_key is '行键（表二为事项，表四为组）/ row key (table 2: item, table 4: group)';
comment on column cells.col_key is '列键（表二为指标，表四为结果）/ column key (table 2: measure, table 4: outcome)';
comment on column cells.state is '状态：number、blank、dash、derived、missing / cell state';
comment on column cells.value is '精确数值（横线或缺失为空）/ exact value (NULL for a dash or missing cell)';
comment on column cells.line is '解码文本中的行号 / line in the decoded text';
comment on column cells.page is 'PDF 页码 / PDF page';
comment on column cells.text is '原文 / text seen';

create table checks (
    report_id bigint not null,
    seq integer not null,
    rule varchar not null,
    severity varchar not null,
    table_name varchar,
    row_key varchar,
    col_key varchar,
    expected decimal(18,4),
    found decimal(18,4),
    message varchar not null
);
comment on table checks is '勾稽规则违反（R1–R8）：应为值与实际值，原数字不改 / rule violations (R1–R8) with expected and found values; published numbers are never corrected';
comment on column checks.report_id is '报告版本编号（reports.report_id）/ report version id (reports.report_id)';
comment on column checks.seq is '报告内序号 / order within the report';
comment on column checks.rule is '规则：R1–R8 / rule';
comment on column checks.severity is '严重程度：error、warning / severity';
comment on column checks.table_name is '表 / table';
comment on column checks.row_key is '行键 / row key';
comment on column checks.col_key is '列键 / column key';
comment on column checks.expected is '应为值（各项之和）/ expected value (sum of the parts)';
comment on column checks.found is '实际印出值 / value printed';
comment on column checks.message is '说明（中文）/ message (Chinese)';

create table problems (
    report_id bigint not null,
    seq integer not null,
    code varchar not null,
    severity varchar not null,
    table_name varchar,
    row_key varchar,
    col_key varchar,
    line integer,
    page integer,
    text varchar,
    message varchar not null
);
comment on table problems is '解析问题：无法确定读取的内容及位置 / parse problems: what could not be read with certainty, and where';
comment on column problems.report_id is '报告版本编号（reports.report_id）/ report version id (reports.report_id)';
comment on column problems.seq is '报告内序号 / order within the report';
comment on column problems.code is '问题代码（region、value…）/ problem code';
comment on column problems.severity is '严重程度：error、warning、info / severity';
comment on column problems.table_name is '表 / table';
comment on column problems.row_key is '行键 / row key';
comment on column problems.col_key is '列键 / column key';
comment on column problems.line is '行号 / line';
comment on column problems.page is '页码 / page';
comment on column problems.text is '原文 / text seen';
comment on column problems.message is '提示（中文）/ hint for the office (Chinese)';

create table sections (
    report_id bigint not null,
    number integer not null,
    heading varchar not null,
    line integer,
    text varchar not null
);
comment on table sections is '报告六部分的文字 / prose of the six sections';
comment on column sections.report_id is '报告版本编号（reports.report_id）/ report version id (reports.report_id)';
comment on column sections.number is '部分序号1–6 / section number 1–6';
comment on column sections.heading is '标题 / heading';
comment on column sections.line is '起始行号 / first line';
comment on column sections.text is '正文 / text';

create table statements (
    report_id bigint not null,
    seq integer not null,
    measure varchar not null,
    value decimal(18,4) not null,
    approx boolean not null,
    section integer,
    line integer,
    text varchar
);
comment on table statements is '正文中陈述的数字（申请N件、收取信息处理费N元），供 R7 核对 / figures stated in the prose, checked by R7';
comment on column statements.report_id is '报告版本编号（reports.report_id）/ report version id (reports.report_id)';
comment on column statements.seq is '报告内序号 / order within the report';
comment on column statements.measure is '指标：requests、fees_collected_yuan / measure';
comment on column statements.value is '数值 / value';
comment on column statements.approx is '约数（如“7000余条”）/ approximate figure';
comment on column statements.section is '所在部分 / section';
comment on column statements.line is '行号 / line';
comment on column statements.text is '原文 / text';

create table fees (
    report_id bigint not null,
    value_yuan decimal(18,4),
    state varchar not null,
    line integer,
    page integer,
    text varchar
);
comment on table fees is '第六部分所述信息处理费（元）/ information processing fees stated in section 6, in yuan';
comment on column fees.report_id is '报告版本编号（reports.report_id）/ report version id (reports.report_id)';
comment on column fees.value_yuan is '金额（元；横线为空）/ amount in yuan (NULL for a dash)';
comment on column fees.state is '状态：number、blank、dash、derived / state';
comment on column fees.line is '行号 / line';
comment on column fees.page is '页码 / page';
comment on column fees.text is '原文 / text';
