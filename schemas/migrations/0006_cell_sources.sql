-- 0006 单元格来源的紧凑存储 / cell provenance stored compactly.
-- 每个数字的来源（状态、数值、行号、页码、原文）原为 cells 表的一行，九列中五列是字符串，占导入时间的约四分之一。
-- 现在表、行、列和状态存一次于 cell_keys（编号为其 MD5 前31位），cell_sources 每个数字一行只存编号、数值、行号、页码和
-- 原文；原文即数值的整数写法时（绝大多数）不重复存储。视图 cells 还原出原来的每一列，查询方式不变。
-- Every number's provenance was a row of the table cells whose nine columns held five strings: about a quarter of an
-- ingest's time went into loading it. Now the table, row, column and state are stored once in cell_keys (id: the first
-- 31 bits of their MD5, schemas.CellKeyID), and cell_sources holds per number only the key id, value, line, page and
-- text, the text left out (NULL) when it is the value written as a whole number (most cells); a number without text
-- keeps ''. The view cells restores every column as it was: queries of cells are unchanged.

create table cell_keys (
    key_id integer not null primary key,
    table_name varchar not null,
    row_key varchar not null,
    col_key varchar not null,
    state varchar not null
);
comment on table cell_keys is '单元格键：表、行、列和状态，cell_sources 以编号引用 / cell keys: table, row, column and state, referred to by id from cell_sources';
comment on column cell_keys.key_id is '键编号：“表|行|列|状态”的 MD5 前31位（schemas.CellKeyID）/ key id: the first 31 bits of the MD5 of table|row|col|state (schemas.CellKeyID)';
comment on column cell_keys.table_name is '表：table2、table3、table4 / table';
comment on column cell_keys.row_key is '行键（表二为事项，表四为组）/ row key (table 2: item, table 4: group)';
comment on column cell_keys.col_key is '列键（表二为指标，表四为结果）/ column key (table 2: measure, table 4: outcome)';
comment on column cell_keys.state is '状态：number、blank、dash、derived、missing、split / cell state';

create table cell_sources (
    report_id bigint not null,
    key_id integer not null,
    value decimal(18,4),
    line integer,
    page integer,
    text varchar
);
comment on table cell_sources is '单元格来源（紧凑存储，每个数字一行；请查询视图 cells）/ cell provenance stored compactly, one row per number (query the view cells)';
comment on column cell_sources.report_id is '报告版本编号（reports.report_id）/ report version id (reports.report_id)';
comment on column cell_sources.key_id is '单元格键（cell_keys.key_id）/ cell key (cell_keys.key_id)';
comment on column cell_sources.value is '精确数值（横线或缺失为空）/ exact value (NULL for a dash or missing cell)';
comment on column cell_sources.line is '解码文本中的行号 / line in the decoded text';
comment on column cell_sources.page is 'PDF 页码 / PDF page';
comment on column cell_sources.text is '原文；状态为 number 且原文即数值的整数写法时为空，无原文时为空串（视图 cells 还原）/ text seen; NULL when the state is number and the text is the value written as a whole number, '''' when a number has no text (the view cells restores both)';

-- 已有的单元格 / the cells stored so far
insert into cell_keys
select distinct (('0x' || left(md5(table_name || '|' || row_key || '|' || col_key || '|' || state), 8))::ubigint >> 1)::integer,
       table_name, row_key, col_key, state
from cells;

insert into cell_sources
select report_id,
       (('0x' || left(md5(table_name || '|' || row_key || '|' || col_key || '|' || state), 8))::ubigint >> 1)::integer,
       value, line, page,
       case when state = 'number' and value = trunc(value) and text = cast(cast(value as bigint) as varchar) then null
            when state = 'number' and text is null then ''
            else text end
from cells;

drop table cells;

create view cells as
select s.report_id, k.table_name, k.row_key, k.col_key, k.state, s.value, s.line, s.page,
       case when s.text is null and k.state = 'number' then cast(cast(s.value as bigint) as varchar)
            else nullif(s.text, '') end as text
from cell_sources as s
join cell_keys as k using (key_id);
comment on view cells is '单元格来源：每个数字的状态、原文和行号（cell_sources 与 cell_keys 的视图）/ cell provenance: state, text and source line of every number (a view of cell_sources and cell_keys)';
comment on column cells.report_id is '报告版本编号（reports.report_id）/ report version id (reports.report_id)';
comment on column cells.table_name is '表：table2、table3、table4 / table';
comment on column cells.row_key is '行键（表二为事项，表四为组）/ row key (table 2: item, table 4: group)';
comment on column cells.col_key is '列键（表二为指标，表四为结果）/ column key (table 2: measure, table 4: outcome)';
comment on column cells.state is '状态：number、blank、dash、derived、missing、split / cell state';
comment on column cells.value is '精确数值（横线或缺失为空）/ exact value (NULL for a dash or missing cell)';
comment on column cells.line is '解码文本中的行号 / line in the decoded text';
comment on column cells.page is 'PDF 页码 / PDF page';
comment on column cells.text is '原文 / text seen';
