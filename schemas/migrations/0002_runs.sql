-- 0002 年度运行记录（xxgk run）/ the records of the scheduled annual run (xxgk run).
-- In their own schema, ops: the warehouse tables of schemas/warehouse.go stay in main, and the
-- SQL models (staging, marts, analytics), which rollup.Apply drops and recreates, never touch it.

create schema if not exists ops;

create table ops.runs (
    run_id bigint not null,
    started_at timestamp with time zone not null,
    finished_at timestamp with time zone not null,
    xxgk_version varchar not null,
    config_sha256 varchar not null,
    config varchar not null,
    region varchar not null,
    years varchar not null,
    ingest_run_id bigint,
    data_changed boolean not null,
    exported boolean not null,
    inputs_count bigint not null,
    loaded_count bigint not null,
    violation_count bigint not null,
    failure_count bigint not null,
    incomplete_count bigint not null,
    test_failure_count bigint not null,
    output_count bigint not null,
    written_count bigint not null,
    status varchar not null,
    message varchar not null,
    primary key (run_id)
);
comment on table ops.runs is '年度运行记录：每次 xxgk run 一行 / one row per xxgk run (the scheduled annual run)';
comment on column ops.runs.run_id is '运行编号，递增 / run id, increasing';
comment on column ops.runs.started_at is '开始时间 / start time';
comment on column ops.runs.finished_at is '结束时间 / end time';
comment on column ops.runs.xxgk_version is '程序版本 / xxgk version';
comment on column ops.runs.config_sha256 is '生效配置（YAML）的 SHA-256 / SHA-256 of the effective configuration as YAML';
comment on column ops.runs.config is '生效配置（YAML）/ the effective configuration as YAML';
comment on column ops.runs.region is '汇总的省或地市代码 / province or prefecture code summarised';
comment on column ops.runs.years is '汇总的年份（逗号分隔）/ years summarised, comma-separated';
comment on column ops.runs.ingest_run_id is '导出所依据的仓库版本（ingest_runs.run_id）/ the warehouse version (ingest_runs.run_id) the outputs were built from';
comment on column ops.runs.data_changed is '本次运行是否更新了仓库（新的或更正的报告）/ whether this run updated the warehouse (new or corrected reports)';
comment on column ops.runs.exported is '本次运行是否重新生成了导出 / whether this run regenerated the outputs';
comment on column ops.runs.inputs_count is '读到的输入文件数 / input files seen';
comment on column ops.runs.loaded_count is '本次新入库的报告版本数 / report versions loaded by this run';
comment on column ops.runs.violation_count is '汇总范围内现行报告的勾稽规则违反数 / rule violations of the reports of record in the region and years';
comment on column ops.runs.failure_count is '无法读取或无表格的输入数 / inputs that could not be read as reports or whose tables could not be read';
comment on column ops.runs.incomplete_count is '不完整的输入数 / inputs read incompletely';
comment on column ops.runs.test_failure_count is '未通过的数据测试和审计数 / data tests and audits that returned rows';
comment on column ops.runs.output_count is '输出文件数 / output files';
comment on column ops.runs.written_count is '本次写入（新建或内容变化）的输出文件数 / output files written by this run (new or changed)';
comment on column ops.runs.status is '结果：ok、partial、failed / outcome: ok, partial, failed';
comment on column ops.runs.message is '说明 / what the run did, in one line';

create table ops.run_outputs (
    run_id bigint not null,
    path varchar not null,
    sha256 varchar not null,
    size_bytes bigint not null,
    action varchar not null,
    primary key (run_id, path)
);
comment on table ops.run_outputs is '每次运行的输出文件 / the output files of each run';
comment on column ops.run_outputs.run_id is '运行编号（ops.runs.run_id）/ run id (ops.runs.run_id)';
comment on column ops.run_outputs.path is '文件路径 / file path';
comment on column ops.run_outputs.sha256 is '内容 SHA-256 / SHA-256 of the content';
comment on column ops.run_outputs.size_bytes is '文件大小（字节）/ size in bytes';
comment on column ops.run_outputs.action is 'written 本次写入、unchanged 内容未变未重写 / written by this run, or unchanged (left as it was)';
