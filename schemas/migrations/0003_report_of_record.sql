-- 0003 汇总依据的版本：完整者优先，其次文件较新者 / the report of record: complete first, then the newer file.
-- reports.source_modified_at is the modification time of the file a version was read from (fstat
-- of the descriptor read); store.Finish makes current, among the versions of one identity, the
-- complete one before an incomplete or failed one, then the newer file (see pipeline/store).
-- Versions stored before this migration have no time (NULL): older than any file with one.

alter table reports add column source_modified_at timestamp with time zone;
comment on column reports.source_modified_at is '来源文件的修改时间（读取时）/ modification time of the source file when it was read';
comment on column reports.is_current is '是否汇总依据的版本：同一报告中完整者优先，其次文件较新者（汇总只看这些）/ the report of record of its identity: complete before incomplete or failed, then the newer file (rollups see only these)';
comment on column reports.superseded_by is '取代本版本的版本：同一内容由新版解析器重读的版本，否则该报告的当前版本 / the version that replaces this one: the same bytes re-read by a newer parser, else its identity''s current version';
