package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"xxgk/pipeline/store"
)

// Dataset is one table of the open-data export: a query over the analytics views (and the
// fact tables, restricted to the reports of record) for the region and year — the bodies of
// every level within it — with year and province_code columns for partitioning.
type Dataset struct {
	Name  string
	Query func(region string, year int) string
	// Title says in Chinese what a row is (the data dictionary's first line of the dataset).
	Title string
	// Sources are the relations whose column comments document the columns, in order of
	// precedence (analytics.reports before a fact table for the report columns).
	Sources []string
}

// factCols are the report columns every fact row carries.
const factCols = `r.report_id, r.level, r.region_code, r.region_name, r.county_code, r.county_name, r.prefecture_code, r.prefecture_name,
	r.province_code, r.province_name, r.body, r.scope, r.year, r.format, r.status, r.counted, r.counted_in`

// inRegion restricts the rows of alias to the year and to the divisions within region (by
// the column code of alias). region is a checked division code of digits.
func inRegion(alias, code, region string, year int) string {
	return fmt.Sprintf("%[1]s.year = %[2]d and starts_with(%[1]s.%[3]s, '%[4]s')", alias, year, code, region)
}

// Datasets are the tables exported as CSV and Parquet.
var Datasets = []Dataset{
	{"reports", func(region string, year int) string {
		return `select * from analytics.reports as r where ` + inRegion("r", "region_code", region, year) + ` order by r.region_code, r.scope, r.body`
	}, "每行为一份汇总依据报告（每个机关每年一份）：机关、区划、格式、解析状态、是否计入各级汇总", []string{"analytics.reports"}},
	{"table2_facts", func(region string, year int) string {
		return `select ` + factCols + `, f.item, f.measure, f.value, f.state
			from analytics.reports as r join main.table2_facts as f on f.report_id = r.report_id
			where ` + inRegion("r", "region_code", region, year) + ` order by r.region_code, r.report_id, f.item, f.measure`
	}, "每行为一份汇总依据报告表二的一个单元格（事项×指标），数字按印出原样", []string{"analytics.reports", "main.table2_facts"}},
	{"table3_facts", func(region string, year int) string {
		return `select ` + factCols + `, f.row_key, f.natural_person, f.commercial, f.research, f.social_welfare, f.legal_services, f.other_org, f.total
			from analytics.reports as r join main.table3_facts as f on f.report_id = r.report_id
			where ` + inRegion("r", "region_code", region, year) + ` order by r.region_code, r.report_id, f.row_key`
	}, "每行为一份汇总依据报告表三的一行（七个申请人列），数字按印出原样", []string{"analytics.reports", "main.table3_facts"}},
	{"table4_facts", func(region string, year int) string {
		return `select ` + factCols + `, f.group_key, f.upheld, f.corrected, f.other, f.pending, f.total
			from analytics.reports as r join main.table4_facts as f on f.report_id = r.report_id
			where ` + inRegion("r", "region_code", region, year) + ` order by r.region_code, r.report_id, f.group_key`
	}, "每行为一份汇总依据报告表四的一组（行政复议、未经复议直接起诉、复议后起诉），数字按印出原样", []string{"analytics.reports", "main.table4_facts"}},
	{"region_years", func(region string, year int) string {
		return `select * from analytics.region_years as y where ` + inRegion("y", "region_code", region, year) + ` order by y.region_code`
	}, "每行为一个区划（本区划及所辖各级）本年的合计：每个机关只计一次，有汇总报告的区划以汇总报告为准", []string{"analytics.region_years"}},
	{"region_table2", func(region string, year int) string {
		return `select * from analytics.region_table2 as t where ` + inRegion("t", "region_code", region, year) + ` order by t.region_code, t.format, t.item, t.measure`
	}, "每行为一个区划表二一个单元格（格式×事项×指标）的合计", []string{"analytics.region_table2"}},
	{"region_table3", func(region string, year int) string {
		return `select * from analytics.region_table3 as t where ` + inRegion("t", "region_code", region, year) + ` order by t.region_code, t.row_key`
	}, "每行为一个区划表三一行的合计", []string{"analytics.region_table3"}},
	{"region_table4", func(region string, year int) string {
		return `select * from analytics.region_table4 as t where ` + inRegion("t", "region_code", region, year) + ` order by t.region_code, t.group_key`
	}, "每行为一个区划表四一组的合计", []string{"analytics.region_table4"}},
	{"rule_violations", func(region string, year int) string {
		return `select * from analytics.rule_violations as v where ` + inRegion("v", "region_code", region, year) + ` order by v.region_code, v.body, v.rule, v.seq`
	}, "每行为一条勾稽规则违反（R1–R8）：文件、机关、规则、位置、应为值与实际印出值、核实情况；原数字不改", []string{"analytics.rule_violations"}},
}

// ParquetDir is where a dataset's Parquet files go: <out>/parquet/<dataset>/year=<y>/province_code=<p>/<region>_<i>.parquet.
func ParquetDir(out, dataset string) string { return filepath.Join(out, "parquet", dataset) }

// CSVPath is where a dataset's CSV goes.
func CSVPath(out, region string, year int, dataset string) string {
	return filepath.Join(out, "csv", fmt.Sprintf("%s_%d_%s.csv", region, year, dataset))
}

// CSV comes in two forms. For Excel (Options.CSVBOM, the default): UTF-8 with a byte-order
// mark, so that Excel on Windows reads the Chinese, and identifiers longer than a spreadsheet
// number keeps (report_id and the other BIGINT *_id columns have up to 19 digits, Excel keeps
// 15) written as text formulas ="7234567890123456789", which Excel shows as the digits. Plain
// (CSVBOM false, for tools that dislike both): no mark, identifiers as digits. Beside the
// datasets a data dictionary (DictionaryPath) lists every column of every file: its type and
// what it holds, from the comments the warehouse carries on its tables and views.

// DictionaryPath is where the data dictionary of the CSV files goes.
func DictionaryPath(out, region string, year int) string {
	return filepath.Join(out, "csv", fmt.Sprintf("%s_%d_dictionary.csv", region, year))
}

// resultColumn is a column of a query's result (DESCRIBE).
type resultColumn struct {
	_    struct{} `query:"describe <dataset query>"`
	Name string   `col:"column_name"`
	Type string   `col:"column_type"`
}

// columnComment is a column's comment in the warehouse (duckdb_columns()).
type columnComment struct {
	_       struct{} `query:"duckdb_columns()"`
	Schema  string   `col:"schema_name"`
	Table   string   `col:"table_name"`
	Column  string   `col:"column_name"`
	Comment *string  `col:"comment"`
}

// textID reports whether a column is an identifier Excel would round: a 64-bit integer *_id.
func textID(c resultColumn) bool {
	switch c.Type {
	case "BIGINT", "UBIGINT", "HUGEINT", "UHUGEINT":
		return strings.HasSuffix(c.Name, "_id")
	}
	return false
}

// excelQuery wraps q so that its identifier columns are Excel text formulas.
func excelQuery(q string, cols []resultColumn) string {
	var repl []string
	for _, c := range cols {
		if textID(c) {
			repl = append(repl, fmt.Sprintf(`'="' || %[1]s::varchar || '"' as %[1]s`, c.Name))
		}
	}
	if len(repl) == 0 {
		return q
	}
	return "select * replace (" + strings.Join(repl, ", ") + ") from (" + q + ") as q"
}

// writeFacts writes every dataset as CSV or Parquet. Parquet is hive-partitioned by year and
// province code; an export replaces its own files in its partitions (named after the region)
// and leaves other exports' files alone. CSV is written for Excel when excel is set (see above)
// with the data dictionary beside it.
func writeFacts(ctx context.Context, s *store.Session, sum *Summary, out, format string, excel bool) ([]string, error) {
	var files []string
	var dict [][]string
	var comments map[string]map[string]string
	if format == "csv" {
		cs, err := store.QueryAll[columnComment](ctx, s, `select schema_name, table_name, column_name, comment from duckdb_columns()
			where schema_name in ('main', 'analytics')`)
		if err != nil {
			return nil, fmt.Errorf("data dictionary: %w", err)
		}
		comments = map[string]map[string]string{}
		for _, c := range cs {
			k := c.Schema + "." + c.Table
			if comments[k] == nil {
				comments[k] = map[string]string{}
			}
			comments[k][c.Column] = text(c.Comment)
		}
	}
	for _, d := range Datasets {
		q := d.Query(sum.Region.Code, sum.Year)
		switch format {
		case "csv":
			p := CSVPath(out, sum.Region.Code, sum.Year, d.Name)
			cols, err := store.QueryAll[resultColumn](ctx, s, "select column_name, column_type from (describe "+q+")")
			if err != nil {
				return files, fmt.Errorf("%s: %w", d.Name, err)
			}
			if excel {
				q = excelQuery(q, cols)
			}
			if err := s.CopyTo(ctx, q, p, store.CopyOptions{Format: "csv", BOM: excel}); err != nil {
				return files, err
			}
			files = append(files, p)
			for i, c := range cols {
				doc := ""
				for _, src := range d.Sources {
					if doc = comments[src][c.Name]; doc != "" {
						break
					}
				}
				if excel && textID(c) {
					doc += `（此文件中写作 ="…"，Excel 显示为文本，以免长编号末几位被改为0）`
				}
				dict = append(dict, []string{filepath.Base(p), d.Title, fmt.Sprint(i + 1), c.Name, c.Type, doc, strings.Join(d.Sources, "、")})
			}
		case "parquet":
			dir := ParquetDir(out, d.Name)
			part := filepath.Join(dir, fmt.Sprintf("year=%d", sum.Year), "province_code="+sum.Region.ProvinceCode)
			old, _ := filepath.Glob(filepath.Join(part, sum.Region.Code+"_*.parquet"))
			for _, o := range old {
				if err := os.Remove(o); err != nil {
					return files, err
				}
			}
			if err := s.CopyTo(ctx, q, dir, store.CopyOptions{Format: "parquet", PartitionBy: []string{"year", "province_code"},
				FilenamePattern: sum.Region.Code + "_{i}"}); err != nil {
				return files, err
			}
			files = append(files, dir)
		}
	}
	if format == "csv" {
		p := DictionaryPath(out, sum.Region.Code, sum.Year)
		if err := writeDictionary(p, dict, excel); err != nil {
			return files, fmt.Errorf("data dictionary: %w", err)
		}
		files = append(files, p)
	}
	return files, nil
}

// dictionaryHeader is the header line of the data dictionary.
var dictionaryHeader = []string{"文件", "数据集（每行是什么）", "列序", "列名", "类型", "说明", "来源"}

// writeDictionary writes the data dictionary as CSV (with a BOM for Excel), mode 0644.
func writeDictionary(path string, rows [][]string, bom bool) error {
	var b bytes.Buffer
	if bom {
		b.WriteString("\ufeff")
	}
	w := csv.NewWriter(&b)
	if err := w.Write(dictionaryHeader); err != nil {
		return err
	}
	if err := w.WriteAll(rows); err != nil {
		return err
	}
	return writeAtomic(path, func(f *os.File) error {
		_, err := f.Write(b.Bytes())
		return err
	})
}
