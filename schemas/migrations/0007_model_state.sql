-- 0007 SQL 模型的构建状态 / what the SQL models were built from.
-- rollup.Build records here the digest of the model files (queries.Digest) it built the staging,
-- marts and analytics schemas from; rollup.Update refreshes only the rows a run changed when the
-- digest is this xxgk's, and rebuilds every model otherwise (an upgrade, a warehouse built before).
-- In ops, beside the run records: the models drop and recreate their own schemas, never this one.

create schema if not exists ops;

create table ops.model_state (
    digest varchar not null,
    built_at timestamp with time zone not null
);
comment on table ops.model_state is 'SQL 模型的构建状态：所依据模型文件的摘要 / the SQL models'' state: the digest of the model files they were built from';
comment on column ops.model_state.digest is '模型文件（SQL 与说明文件）的 SHA-256 / SHA-256 of the model files (SQL and sidecars)';
comment on column ops.model_state.built_at is '全部重建的时间 / when every model was last rebuilt';
