package export

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"xxgk/pipeline/store"
)

// Dataset is one table of the open-data export: a query over the analytics views (and the
// fact tables, restricted to the reports of record) for the region and year — the bodies of
// every level within it — with year and province_code columns for partitioning.
type Dataset struct {
	Name  string
	Query func(region string, year int) string
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
	}},
	{"table2_facts", func(region string, year int) string {
		return `select ` + factCols + `, f.item, f.measure, f.value, f.state
			from analytics.reports as r join main.table2_facts as f on f.report_id = r.report_id
			where ` + inRegion("r", "region_code", region, year) + ` order by r.region_code, r.report_id, f.item, f.measure`
	}},
	{"table3_facts", func(region string, year int) string {
		return `select ` + factCols + `, f.row_key, f.natural_person, f.commercial, f.research, f.social_welfare, f.legal_services, f.other_org, f.total
			from analytics.reports as r join main.table3_facts as f on f.report_id = r.report_id
			where ` + inRegion("r", "region_code", region, year) + ` order by r.region_code, r.report_id, f.row_key`
	}},
	{"table4_facts", func(region string, year int) string {
		return `select ` + factCols + `, f.group_key, f.upheld, f.corrected, f.other, f.pending, f.total
			from analytics.reports as r join main.table4_facts as f on f.report_id = r.report_id
			where ` + inRegion("r", "region_code", region, year) + ` order by r.region_code, r.report_id, f.group_key`
	}},
	{"region_years", func(region string, year int) string {
		return `select * from analytics.region_years as y where ` + inRegion("y", "region_code", region, year) + ` order by y.region_code`
	}},
	{"region_table2", func(region string, year int) string {
		return `select * from analytics.region_table2 as t where ` + inRegion("t", "region_code", region, year) + ` order by t.region_code, t.format, t.item, t.measure`
	}},
	{"region_table3", func(region string, year int) string {
		return `select * from analytics.region_table3 as t where ` + inRegion("t", "region_code", region, year) + ` order by t.region_code, t.row_key`
	}},
	{"region_table4", func(region string, year int) string {
		return `select * from analytics.region_table4 as t where ` + inRegion("t", "region_code", region, year) + ` order by t.region_code, t.group_key`
	}},
	{"rule_violations", func(region string, year int) string {
		return `select * from analytics.rule_violations as v where ` + inRegion("v", "region_code", region, year) + ` order by v.region_code, v.body, v.rule, v.seq`
	}},
}

// ParquetDir is where a dataset's Parquet files go: <out>/parquet/<dataset>/year=<y>/province_code=<p>/<region>_<i>.parquet.
func ParquetDir(out, dataset string) string { return filepath.Join(out, "parquet", dataset) }

// CSVPath is where a dataset's CSV goes.
func CSVPath(out, region string, year int, dataset string) string {
	return filepath.Join(out, "csv", fmt.Sprintf("%s_%d_%s.csv", region, year, dataset))
}

// writeFacts writes every dataset as CSV or Parquet. Parquet is hive-partitioned by year and
// province code; an export replaces its own files in its partitions (named after the region)
// and leaves other exports' files alone.
func writeFacts(ctx context.Context, s *store.Session, sum *Summary, out, format string, bom bool) ([]string, error) {
	var files []string
	for _, d := range Datasets {
		q := d.Query(sum.Region.Code, sum.Year)
		switch format {
		case "csv":
			p := CSVPath(out, sum.Region.Code, sum.Year, d.Name)
			if err := s.CopyTo(ctx, q, p, store.CopyOptions{Format: "csv", BOM: bom}); err != nil {
				return files, err
			}
			files = append(files, p)
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
	return files, nil
}
