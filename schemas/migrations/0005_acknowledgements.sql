-- 0005 已核实的问题（xxgk ack）与每次运行所见的问题 / acknowledged problems (xxgk ack) and the problems each run saw.
-- In the ops schema, beside ops.runs: rollup.Apply never drops it, an ingest copies it into every new warehouse
-- version, so an acknowledgement survives every re-ingest and publish. Written like every other change: a working
-- copy published atomically under the run lock (xxgk ack), never by an analyst's read-only session.
--
-- A problem is named by problem_key, built by analytics.problems (and, for data tests and unreadable files found by
-- the run's scan, by pipeline/run) from what identifies it:
--   violation|<file sha256>|<rule>|<table>.<row>.<column>|<expected>|<found>
--   incomplete|<file sha256>|<error problem codes, comma-separated>
--   failed|<file sha256, or path:<path> when the file could not be hashed>|<reason>
--   test|<model>|<test>|<digest of the failing rows>
-- So acknowledging one R1 of a report does not hide another R1 of the same report (another cell or other numbers),
-- a corrected file (new bytes) is a new problem, and the same bytes under another path are the same problem.

create table ops.acknowledgements (
    ack_id bigint not null,
    problem_key varchar not null,
    problem_id varchar not null,
    kind varchar not null,
    sha256 varchar,
    path varchar,
    code varchar not null,
    cell varchar,
    note varchar not null,
    acknowledged_by varchar not null,
    acknowledged_at timestamp with time zone not null,
    primary key (ack_id),
    unique (problem_key)
);
comment on table ops.acknowledgements is '已核实的问题：每条一行，仍列于 xxgk checks 与数据质量（标为已核实），不再使运行成为 partial / acknowledged problems, one row each: still listed by xxgk checks and in 数据质量 (marked as reviewed), no longer making a run partial';
comment on column ops.acknowledgements.ack_id is '核实编号，递增（xxgk ack --remove 用）/ acknowledgement id, increasing (for xxgk ack --remove)';
comment on column ops.acknowledgements.problem_key is '问题键：类型|文件SHA-256|规则或原因|单元格|应为值|实际值（见迁移0005说明）/ the problem''s key (see the header of migration 0005)';
comment on column ops.acknowledgements.problem_id is '问题短编号（problem_key 的 SHA-256 前10位，前缀为类型首字母）/ short problem id: the kind''s initial and 10 hex digits of the SHA-256 of problem_key';
comment on column ops.acknowledgements.kind is '类型：violation 规则违反、incomplete 不完整、failed 无法读取、test 数据测试 / kind: violation, incomplete, failed, test';
comment on column ops.acknowledgements.sha256 is '文件内容 SHA-256（数据测试或无法读取的文件为空）/ SHA-256 of the file (NULL for a data test or a file that could not be read)';
comment on column ops.acknowledgements.path is '核实时的文件路径（仅供参考；同一内容换路径仍为同一问题）/ the file''s path when acknowledged (for reference: the same bytes under another path are the same problem)';
comment on column ops.acknowledgements.code is '规则（R1–R8）、解析问题代码、失败原因或数据测试 / rule (R1–R8), parse problem codes, failure reason or data test';
comment on column ops.acknowledgements.cell is '规则违反所在单元格：表.行.列 / the cell of a rule violation: table.row.column';
comment on column ops.acknowledgements.note is '核实说明 / the reviewer''s note';
comment on column ops.acknowledgements.acknowledged_by is '核实人（默认操作系统用户）/ who acknowledged it (default: the OS user)';
comment on column ops.acknowledgements.acknowledged_at is '核实时间 / when';

create table ops.problem_sightings (
    problem_key varchar not null,
    problem_id varchar not null,
    kind varchar not null,
    path varchar,
    body varchar,
    region_code varchar,
    year integer,
    code varchar not null,
    message varchar not null,
    first_run_id bigint not null,
    last_run_id bigint not null,
    primary key (problem_key)
);
comment on table ops.problem_sightings is '运行所见的问题：每个问题一行，记首次与最近一次看到它的运行 / the problems runs saw: one row per problem, with the first and the latest run that saw it';
comment on column ops.problem_sightings.problem_key is '问题键（同 ops.acknowledgements）/ problem key (as in ops.acknowledgements)';
comment on column ops.problem_sightings.problem_id is '问题短编号 / short problem id';
comment on column ops.problem_sightings.kind is '类型：violation、incomplete、failed、test / kind';
comment on column ops.problem_sightings.path is '文件路径（最近一次所见）/ file path (as last seen)';
comment on column ops.problem_sightings.body is '发布机关 / issuing body';
comment on column ops.problem_sightings.region_code is '区划代码 / division code';
comment on column ops.problem_sightings.year is '报告年度 / year reported on';
comment on column ops.problem_sightings.code is '规则、问题代码、原因或数据测试 / rule, problem codes, reason or data test';
comment on column ops.problem_sightings.message is '说明 / message';
comment on column ops.problem_sightings.first_run_id is '首次看到它的运行（ops.runs.run_id）/ the first run that saw it';
comment on column ops.problem_sightings.last_run_id is '最近一次看到它的运行 / the latest run that saw it';

alter table ops.runs add column problem_count bigint;
alter table ops.runs add column acknowledged_count bigint;
alter table ops.runs add column new_problem_count bigint;
alter table ops.runs add column resolved_problem_count bigint;
alter table ops.runs add column new_problems varchar;
alter table ops.runs add column acks_sha256 varchar;
comment on column ops.runs.problem_count is '本次所见的问题数（失败、不完整、规则违反、数据测试；较早的运行为空）/ problems this run saw: failed and incomplete inputs, rule violations, failing data tests (NULL for older runs)';
comment on column ops.runs.acknowledged_count is '其中已核实的 / of which acknowledged';
comment on column ops.runs.new_problem_count is '上次运行未见的问题数 / problems the previous run did not see';
comment on column ops.runs.resolved_problem_count is '上次运行所见、本次不再出现的问题数 / problems the previous run saw that are gone';
comment on column ops.runs.new_problems is '新问题的前几条：编号、类型、代码、文件、机关，一条一行 / the first few new problems, one per line: id, kind, code, file, body';
comment on column ops.runs.acks_sha256 is '本次运行所依据的核实记录的摘要（核实变化时重新生成导出）/ digest of the acknowledgements the run''s outputs show (a change regenerates them)';
