package schemas

import (
	"crypto/md5"
	"encoding/binary"
)

// The warehouse: the tables `xxgk ingest` loads into DuckDB, as plain data. pipeline/batch
// builds its Arrow record batches from these column specs, the DDL lives in the numbered
// migrations (migrations/*.sql, embedded by migrations.go), and a test in pipeline/store checks
// that the migrated database has exactly these tables, columns, types, nullability and
// comments.

// Column types used by the warehouse (DuckDB spelling).
const (
	TypeVarchar   = "VARCHAR"
	TypeBigint    = "BIGINT"
	TypeInteger   = "INTEGER"
	TypeBoolean   = "BOOLEAN"
	TypeDecimal   = "DECIMAL(18,4)" // a Dec: value × 10^4 in an int64
	TypeTimestamp = "TIMESTAMP WITH TIME ZONE"
)

// WarehouseColumn is one column of a warehouse table.
type WarehouseColumn struct {
	Name     string
	Type     string // one of the Type constants
	Nullable bool
	Comment  string // 中文说明 / English description
}

// WarehouseTable is one table of the warehouse.
type WarehouseTable struct {
	Name    string
	Comment string
	Columns []WarehouseColumn
	// Key lists the columns that identify a row (documentation and tests; only reports,
	// regions and ingest_runs carry a PRIMARY KEY constraint in DuckDB).
	Key []string
}

// Column returns the column with this name, or nil.
func (t *WarehouseTable) Column(name string) *WarehouseColumn {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

// Warehouse table names.
const (
	TableRegions      = "regions"
	TableIngestRuns   = "ingest_runs"
	TableInputs       = "inputs"
	TableFailedInputs = "failed_inputs"
	TableReports      = "reports"
	TableTable2Facts  = "table2_facts"
	TableTable3Facts  = "table3_facts"
	TableTable4Facts  = "table4_facts"
	TableCellKeys     = "cell_keys"
	TableCellSources  = "cell_sources"
	TableChecks       = "checks"
	TableProblems     = "problems"
	TableSections     = "sections"
	TableStatements   = "statements"
	TableFees         = "fees"
)

// TableCells is the view of every cell's provenance, one row per cell (report_id, table_name,
// row_key, col_key, state, value, line, page, text): cell_sources joined to cell_keys, with the
// text restored (migration 0006). Read cells through it; it is not loaded directly.
const TableCells = "cells"

// Input statuses (inputs.status).
const (
	InputLoaded    = "loaded"    // parsed and stored as a new report version
	InputUnchanged = "unchanged" // this path already holds these bytes in the warehouse
	InputDuplicate = "duplicate" // another path holds these bytes (this run or earlier)
	InputFailed    = "failed"    // unreadable, not a report: see failed_inputs
)

func wcol(name, typ string, nullable bool, comment string) WarehouseColumn {
	return WarehouseColumn{Name: name, Type: typ, Nullable: nullable, Comment: comment}
}

const (
	wNullable = true
	wRequired = false
)

var reportID = wcol("report_id", TypeBigint, wRequired, "报告版本编号（reports.report_id）/ report version id (reports.report_id)")

// Warehouse lists the warehouse tables in load order.
var Warehouse = []WarehouseTable{
	{
		Name:    TableRegions,
		Comment: "行政区划维表：省、地级、县级，国家统计局代码 / administrative divisions (province → prefecture → county), NBS codes",
		Key:     []string{"code"},
		Columns: []WarehouseColumn{
			wcol("code", TypeVarchar, wRequired, "区划代码：省2位、地级4位、县级6位 / division code: 2 digits province, 4 prefecture, 6 county"),
			wcol("level", TypeVarchar, wRequired, "层级：province 省、prefecture 地级、county 县级 / level: province, prefecture, county"),
			wcol("name", TypeVarchar, wRequired, "名称 / name"),
			wcol("parent_code", TypeVarchar, wNullable, "上级区划代码（省为空）/ code of the parent division (NULL for a province)"),
			wcol("province_code", TypeVarchar, wRequired, "所属省代码 / province code"),
			wcol("province_name", TypeVarchar, wRequired, "所属省名称 / province name"),
			wcol("prefecture_code", TypeVarchar, wNullable, "所属地级代码（省为空）/ prefecture code (NULL for a province)"),
			wcol("prefecture_name", TypeVarchar, wNullable, "所属地级名称（省为空）/ prefecture name (NULL for a province)"),
		},
	},
	{
		Name:    TableIngestRuns,
		Comment: "导入批次：每次 xxgk ingest 一行 / ingest runs: one row per completed run of xxgk ingest",
		Key:     []string{"run_id"},
		Columns: []WarehouseColumn{
			wcol("run_id", TypeBigint, wRequired, "批次编号，递增 / run id, increasing"),
			wcol("started_at", TypeTimestamp, wRequired, "开始时间 / start time"),
			wcol("finished_at", TypeTimestamp, wRequired, "结束时间 / end time"),
			wcol("xxgk_version", TypeVarchar, wRequired, "程序版本 / xxgk version"),
			wcol("parser_version", TypeVarchar, wRequired, "解析器版本 / parser version"),
			wcol("roots", TypeVarchar, wRequired, "输入路径（以换行分隔）/ input paths given, newline-separated"),
			wcol("manifest", TypeVarchar, wNullable, "使用的清单文件 / manifest CSV used"),
			wcol("inputs_count", TypeBigint, wRequired, "读到的文件数 / files seen"),
			wcol("loaded_count", TypeBigint, wRequired, "新入库的报告版本数 / new report versions loaded"),
			wcol("unchanged_count", TypeBigint, wRequired, "内容未变的文件数 / files whose bytes were already stored at that path"),
			wcol("duplicate_count", TypeBigint, wRequired, "重复文件数（同内容不同路径）/ files whose bytes another path already holds"),
			wcol("failed_count", TypeBigint, wRequired, "无法读取的文件数 / files that could not be read as reports"),
			wcol("incomplete_count", TypeBigint, wRequired, "不完整的新报告数 / new reports with status incomplete"),
			wcol("new_version_count", TypeBigint, wRequired, "替代旧版本的新报告数 / new reports superseding an earlier version"),
			wcol("status", TypeVarchar, wRequired, "批次结果：ok、partial、failed / outcome: ok, partial, failed"),
		},
	},
	{
		Name:    TableInputs,
		Comment: "每批次读到的每个文件及其处理结果 / every file seen by each run and what became of it",
		Key:     []string{"run_id", "path"},
		Columns: []WarehouseColumn{
			wcol("run_id", TypeBigint, wRequired, "批次编号 / run id"),
			wcol("path", TypeVarchar, wRequired, "文件路径（规范化）/ file path (cleaned, slash-separated)"),
			wcol("sha256", TypeVarchar, wNullable, "内容 SHA-256（无法读取时为空）/ SHA-256 of the bytes (NULL when unreadable)"),
			wcol("size_bytes", TypeBigint, wNullable, "文件大小（字节）/ size in bytes"),
			wcol("status", TypeVarchar, wRequired, "结果：loaded 入库、unchanged 未变、duplicate 重复、failed 失败 / outcome: loaded, unchanged, duplicate, failed"),
			wcol("reason", TypeVarchar, wNullable, "原因（失败、重复时）/ reason (failed, duplicate)"),
			wcol("report_id", TypeBigint, wNullable, "对应的报告版本 / the report version holding these bytes"),
		},
	},
	{
		Name:    TableFailedInputs,
		Comment: "无法读取为报告的文件，一份内容一行，不丢失 / inputs that could not be read as reports, one row per path and content: nothing is lost",
		Key:     []string{"path", "sha256", "reason"},
		Columns: []WarehouseColumn{
			wcol("path", TypeVarchar, wRequired, "文件路径 / file path"),
			wcol("sha256", TypeVarchar, wNullable, "内容 SHA-256（无法读取时为空）/ SHA-256 of the bytes (NULL when unreadable)"),
			wcol("size_bytes", TypeBigint, wNullable, "文件大小（字节）/ size in bytes"),
			wcol("reason", TypeVarchar, wRequired, "原因（中文）/ reason (Chinese, one of the pipeline's sentinel errors)"),
			wcol("detail", TypeVarchar, wNullable, "详细信息 / detail"),
			wcol("parser_version", TypeVarchar, wRequired, "解析器版本 / parser version"),
			wcol("first_run_id", TypeBigint, wRequired, "首次出现的批次 / run that first recorded it"),
		},
	},
	{
		Name:    TableReports,
		Comment: "报告版本：同一报告（地区、机关、年度）内容变化时新增版本，旧版本保留并标记被替代 / report versions: a changed file for the same region, body and year adds a version; the older one is kept, superseded",
		Key:     []string{"report_id"},
		Columns: []WarehouseColumn{
			reportID,
			wcol("identity_key", TypeVarchar, wRequired, "报告身份：地区代码|机关|年度，不明时为 path:规范化路径 / identity: region_code|body|year, or path:<cleaned path> when region or body is unknown"),
			wcol("region_code", TypeVarchar, wNullable, "发布机关所在层级的区划代码：省2位、地级4位、县级6位（未确定为空）/ division code at the body's level: 2 digits province, 4 prefecture, 6 county (NULL when unresolved)"),
			wcol("region_method", TypeVarchar, wNullable, "区划来源：flag、manifest、path、text / how the region was found"),
			wcol("body", TypeVarchar, wNullable, "发布机关 / issuing body"),
			wcol("scope", TypeVarchar, wNullable, "范围：area 全省/全市/全县汇总、government、department、township、dev_zone、other / whom the report speaks for"),
			wcol("year", TypeInteger, wNullable, "报告年度 / year reported on"),
			wcol("format", TypeVarchar, wNullable, "格式：gb2019、gb2021、pre2019 / template"),
			wcol("title", TypeVarchar, wNullable, "标题 / title"),
			wcol("source_path", TypeVarchar, wRequired, "来源文件路径 / source file path"),
			wcol("sha256", TypeVarchar, wRequired, "内容 SHA-256 / SHA-256 of the source bytes"),
			wcol("size_bytes", TypeBigint, wRequired, "文件大小（字节）/ size in bytes"),
			wcol("encoding", TypeVarchar, wNullable, "原始字符编码 / source character encoding"),
			wcol("parser_version", TypeVarchar, wRequired, "解析器版本 / parser version"),
			wcol("run_id", TypeBigint, wRequired, "入库批次 / run that loaded this version"),
			wcol("status", TypeVarchar, wRequired, "解析状态：complete 完整、incomplete 不完整、failed 失败 / parse status"),
			wcol("check_count", TypeInteger, wRequired, "勾稽规则违反数 / number of rule violations"),
			wcol("problem_count", TypeInteger, wRequired, "解析问题数 / number of parse problems"),
			wcol("version", TypeInteger, wRequired, "版本号，从1起 / version number, from 1"),
			wcol("is_current", TypeBoolean, wRequired, "是否汇总依据的版本：同一报告中完整者优先，其次文件较新者（汇总只看这些）/ the report of record of its identity: complete before incomplete or failed, then the newer file (rollups see only these)"),
			wcol("superseded_by", TypeBigint, wNullable, "取代本版本的版本：同一内容由新版解析器重读的版本，否则该报告的当前版本 / the version that replaces this one: the same bytes re-read by a newer parser, else its identity's current version"),
			wcol("source_modified_at", TypeTimestamp, wNullable, "来源文件的修改时间（读取时）/ modification time of the source file when it was read"),
			// added by migration 0004, hence last
			wcol("level", TypeVarchar, wNullable, "发布机关层级：province 省级、prefecture 地级、county 县级（乡镇街道、园区属县级）；未确定为空 / level of the issuing body: province, prefecture, county (townships and zones are county level); NULL when unknown"),
		},
	},
	{
		Name:    TableTable2Facts,
		Comment: "表二 主动公开政府信息情况：每报告每项每指标一行 / table 2 proactive disclosure: one row per report, item and measure",
		Key:     []string{"report_id", "item", "measure"},
		Columns: []WarehouseColumn{
			reportID,
			wcol("item", TypeVarchar, wRequired, "事项键（rules、licensing…）/ item key"),
			wcol("measure", TypeVarchar, wRequired, "指标键（issued、decisions…）/ measure key"),
			wcol("value", TypeDecimal, wNullable, "数值（横线或缺失为空）/ value (NULL for a dash or missing cell)"),
			wcol("state", TypeVarchar, wRequired, "单元格状态：number、blank、dash、derived、missing / cell state"),
		},
	},
	{
		Name:    TableTable3Facts,
		Comment: "表三 收到和处理政府信息公开申请情况：每报告每行一行，列同官方表格 / table 3 requests received and handled: one row per report and row, columns as in the official table",
		Key:     []string{"report_id", "row_key"},
		Columns: []WarehouseColumn{
			reportID,
			wcol("row_key", TypeVarchar, wRequired, "行键（new_received、granted…）/ row key"),
			wcol("natural_person", TypeBigint, wNullable, "自然人 / natural persons"),
			wcol("commercial", TypeBigint, wNullable, "商业企业 / commercial enterprises"),
			wcol("research", TypeBigint, wNullable, "科研机构 / research institutions"),
			wcol("social_welfare", TypeBigint, wNullable, "社会公益组织 / social welfare organisations"),
			wcol("legal_services", TypeBigint, wNullable, "法律服务机构 / legal service institutions"),
			wcol("other_org", TypeBigint, wNullable, "其他（法人或其他组织）/ other organisations"),
			wcol("total", TypeBigint, wNullable, "总计 / total"),
		},
	},
	{
		Name:    TableTable4Facts,
		Comment: "表四 行政复议、行政诉讼情况：每报告每组一行 / table 4 reconsideration and litigation: one row per report and group",
		Key:     []string{"report_id", "group_key"},
		Columns: []WarehouseColumn{
			reportID,
			wcol("group_key", TypeVarchar, wRequired, "组键：review、litigation_direct、litigation_after_review / group key"),
			wcol("upheld", TypeBigint, wNullable, "结果维持 / upheld"),
			wcol("corrected", TypeBigint, wNullable, "结果纠正 / corrected"),
			wcol("other", TypeBigint, wNullable, "其他结果 / other outcome"),
			wcol("pending", TypeBigint, wNullable, "尚未审结 / pending"),
			wcol("total", TypeBigint, wNullable, "总计 / total"),
		},
	},
	{
		Name:    TableCellKeys,
		Comment: "单元格键：表、行、列和状态，cell_sources 以编号引用 / cell keys: table, row, column and state, referred to by id from cell_sources",
		Key:     []string{"key_id"},
		Columns: []WarehouseColumn{
			wcol("key_id", TypeInteger, wRequired, "键编号：“表|行|列|状态”的 MD5 前31位（schemas.CellKeyID）/ key id: the first 31 bits of the MD5 of table|row|col|state (schemas.CellKeyID)"),
			wcol("table_name", TypeVarchar, wRequired, "表：table2、table3、table4 / table"),
			wcol("row_key", TypeVarchar, wRequired, "行键（表二为事项，表四为组）/ row key (table 2: item, table 4: group)"),
			wcol("col_key", TypeVarchar, wRequired, "列键（表二为指标，表四为结果）/ column key (table 2: measure, table 4: outcome)"),
			wcol("state", TypeVarchar, wRequired, "状态：number、blank、dash、derived、missing、split / cell state"),
		},
	},
	{
		Name:    TableCellSources,
		Comment: "单元格来源（紧凑存储，每个数字一行；请查询视图 cells）/ cell provenance stored compactly, one row per number (query the view cells)",
		Key:     []string{"report_id", "key_id"},
		Columns: []WarehouseColumn{
			reportID,
			wcol("key_id", TypeInteger, wRequired, "单元格键（cell_keys.key_id）/ cell key (cell_keys.key_id)"),
			wcol("value", TypeDecimal, wNullable, "精确数值（横线或缺失为空）/ exact value (NULL for a dash or missing cell)"),
			wcol("line", TypeInteger, wNullable, "解码文本中的行号 / line in the decoded text"),
			wcol("page", TypeInteger, wNullable, "PDF 页码 / PDF page"),
			wcol("text", TypeVarchar, wNullable, "原文；状态为 number 且原文即数值的整数写法时为空，无原文时为空串（视图 cells 还原）/ text seen; NULL when the state is number and the text is the value written as a whole number, '' when a number has no text (the view cells restores both)"),
		},
	},
	{
		Name:    TableChecks,
		Comment: "勾稽规则违反（R1–R8）：应为值与实际值，原数字不改 / rule violations (R1–R8) with expected and found values; published numbers are never corrected",
		Key:     []string{"report_id", "seq"},
		Columns: []WarehouseColumn{
			reportID,
			wcol("seq", TypeInteger, wRequired, "报告内序号 / order within the report"),
			wcol("rule", TypeVarchar, wRequired, "规则：R1–R8 / rule"),
			wcol("severity", TypeVarchar, wRequired, "严重程度：error、warning / severity"),
			wcol("table_name", TypeVarchar, wNullable, "表 / table"),
			wcol("row_key", TypeVarchar, wNullable, "行键 / row key"),
			wcol("col_key", TypeVarchar, wNullable, "列键 / column key"),
			wcol("expected", TypeDecimal, wNullable, "应为值（各项之和）/ expected value (sum of the parts)"),
			wcol("found", TypeDecimal, wNullable, "实际印出值 / value printed"),
			wcol("message", TypeVarchar, wRequired, "说明（中文）/ message (Chinese)"),
		},
	},
	{
		Name:    TableProblems,
		Comment: "解析问题：无法确定读取的内容及位置 / parse problems: what could not be read with certainty, and where",
		Key:     []string{"report_id", "seq"},
		Columns: []WarehouseColumn{
			reportID,
			wcol("seq", TypeInteger, wRequired, "报告内序号 / order within the report"),
			wcol("code", TypeVarchar, wRequired, "问题代码（region、value…）/ problem code"),
			wcol("severity", TypeVarchar, wRequired, "严重程度：error、warning、info / severity"),
			wcol("table_name", TypeVarchar, wNullable, "表 / table"),
			wcol("row_key", TypeVarchar, wNullable, "行键 / row key"),
			wcol("col_key", TypeVarchar, wNullable, "列键 / column key"),
			wcol("line", TypeInteger, wNullable, "行号 / line"),
			wcol("page", TypeInteger, wNullable, "页码 / page"),
			wcol("text", TypeVarchar, wNullable, "原文 / text seen"),
			wcol("message", TypeVarchar, wRequired, "提示（中文）/ hint for the office (Chinese)"),
		},
	},
	{
		Name:    TableSections,
		Comment: "报告六部分的文字 / prose of the six sections",
		Key:     []string{"report_id", "number"},
		Columns: []WarehouseColumn{
			reportID,
			wcol("number", TypeInteger, wRequired, "部分序号1–6 / section number 1–6"),
			wcol("heading", TypeVarchar, wRequired, "标题 / heading"),
			wcol("line", TypeInteger, wNullable, "起始行号 / first line"),
			wcol("text", TypeVarchar, wRequired, "正文 / text"),
		},
	},
	{
		Name:    TableStatements,
		Comment: "正文中陈述的数字（申请N件、收取信息处理费N元），供 R7 核对 / figures stated in the prose, checked by R7",
		Key:     []string{"report_id", "seq"},
		Columns: []WarehouseColumn{
			reportID,
			wcol("seq", TypeInteger, wRequired, "报告内序号 / order within the report"),
			wcol("measure", TypeVarchar, wRequired, "指标：requests、fees_collected_yuan / measure"),
			wcol("value", TypeDecimal, wRequired, "数值 / value"),
			wcol("approx", TypeBoolean, wRequired, "约数（如“7000余条”）/ approximate figure"),
			wcol("section", TypeInteger, wNullable, "所在部分 / section"),
			wcol("line", TypeInteger, wNullable, "行号 / line"),
			wcol("text", TypeVarchar, wNullable, "原文 / text"),
		},
	},
	{
		Name:    TableFees,
		Comment: "第六部分所述信息处理费（元）/ information processing fees stated in section 6, in yuan",
		Key:     []string{"report_id"},
		Columns: []WarehouseColumn{
			reportID,
			wcol("value_yuan", TypeDecimal, wNullable, "金额（元；横线为空）/ amount in yuan (NULL for a dash)"),
			wcol("state", TypeVarchar, wRequired, "状态：number、blank、dash、derived / state"),
			wcol("line", TypeInteger, wNullable, "行号 / line"),
			wcol("page", TypeInteger, wNullable, "页码 / page"),
			wcol("text", TypeVarchar, wNullable, "原文 / text"),
		},
	},
}

// CellKeyID returns the id of a cell key in cell_keys: the first 31 bits of the MD5 of
// "table|row|col|state". Migration 0006 computes the same in SQL for the cells it converts:
// (('0x' || left(md5(table_name || '|' || row_key || '|' || col_key || '|' || state), 8))::ubigint >> 1).
// Ids are a property of the key, so every warehouse gives a key the same id whatever the
// order it met the keys in; two keys with one id cannot both be stored (key_id is the primary
// key of cell_keys, and a load that tries fails rather than mixing them up).
func CellKeyID(table, row, col string, state CellState) int32 {
	h := md5.New()
	for i, s := range [...]string{table, row, col, string(state)} {
		if i > 0 {
			h.Write([]byte{'|'})
		}
		h.Write([]byte(s))
	}
	var sum [md5.Size]byte
	h.Sum(sum[:0])
	return int32(binary.BigEndian.Uint32(sum[:4]) >> 1)
}

// WarehouseSpec returns the warehouse table with this name, or nil.
func WarehouseSpec(name string) *WarehouseTable {
	for i := range Warehouse {
		if Warehouse[i].Name == name {
			return &Warehouse[i]
		}
	}
	return nil
}
