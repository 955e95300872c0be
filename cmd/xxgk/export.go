package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"xxgk/pipeline"
	"xxgk/pipeline/export"
)

func init() {
	commands = append(commands, newExportCmd)
}

func newExportCmd() *cobra.Command {
	var (
		region, db, out string
		year            int
		formats         []string
		bom             bool
		threads         int
	)
	cmd := &cobra.Command{
		Use:   "export --region CODE --year N",
		Short: "write the provincial summaries: XLSX (official layout), HTML report, Markdown, CSV, Parquet",
		Long: `export writes the summaries of a province (2-digit code) or prefecture (4-digit code) for
one year from the published warehouse, opened read-only (it never blocks an ingest):

  <region>_<year>_<name>.xlsx   汇总表: tables 2, 3 and 4 summed over the region in the official
                                layout; 分地区 (per prefecture and county), 同比, 报送情况, 数据质量
  <region>_<year>_<name>.html   one self-contained page (no external requests): headline
                                figures, the summed tables, charts, movers, coverage, data
                                quality, draft sentences for the consolidated report
  <region>_<year>_<name>.md     the same without charts
  csv/<region>_<year>_<dataset>.csv   for Excel by default (UTF-8 BOM, report_id as ="…" text)
  csv/<region>_<year>_dictionary.csv  the data dictionary: every column of every CSV file
  parquet/<dataset>/year=<year>/province_code=<pp>/<region>_0.parquet

A county is counted once: its consolidated (area) report, else the sum of its bodies
(analytics.region_years, region_table2/3/4).`,
		Example: `  xxgk export --region 21 --year 2024
  xxgk export --region 2113 --year 2023 --out out/chaoyang --formats xlsx,html
  xxgk export --region 21 --year 2024 --formats csv --csv-bom=false   # plain CSV for tools`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := loadConfig(cmd, map[string]string{"warehouse": "db", "export.out": "out", "export.formats": "formats",
				"export.csv_bom": "csv-bom", "region": "region"})
			if err != nil {
				return err
			}
			if c.Region == "" || year == 0 {
				return &exitError{code: exitFailed, err: errors.New("export: give --region CODE (province or prefecture) and --year N")}
			}
			for _, r := range c.Region {
				if r < '0' || r > '9' {
					return &exitError{code: exitFailed, err: fmt.Errorf("export: --region %q: a division code of digits (21, 2113)", c.Region)}
				}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			res, err := export.Run(ctx, export.Options{DB: c.Warehouse, Region: c.Region, Year: year, Out: c.Export.Out,
				Formats: c.Export.Formats, CSVBOM: c.Export.CSVBOM, Version: "xxgk " + pipeline.Version, Threads: firstPositive(threads, c.DuckDB.Threads),
				MemoryLimit: c.DuckDB.MemoryLimit})
			if err != nil {
				return &exitError{code: exitFailed, err: err}
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s %s %d年：%d 个文件（%.1f 秒）\n", res.Region, res.Name, res.Year, len(res.Files), res.Elapsed.Seconds())
			for _, f := range res.Files {
				fmt.Fprintln(w, "  "+f)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&region, "region", "", "province (2 digits) or prefecture (4 digits) code")
	f.IntVar(&year, "year", 0, "year reported on")
	f.StringVar(&db, "db", "data/xxgk.duckdb", "the published warehouse file (opened read-only)")
	f.StringVar(&out, "out", "out", "output directory")
	f.StringSliceVar(&formats, "formats", []string{strings.Join(export.Formats, ",")}, "formats to write: xlsx,html,md,csv,parquet")
	f.BoolVar(&bom, "csv-bom", true, "CSV for Excel: a UTF-8 BOM and 19-digit ids as =\"…\" text; --csv-bom=false writes plain CSV for tools")
	f.IntVar(&threads, "threads", 0, "DuckDB threads (0: the configuration's duckdb.threads, else DuckDB's default)")
	return cmd
}

func firstPositive(a, b int) int {
	if a > 0 {
		return a
	}
	return b
}
