package main

import (
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"xxgk/pipeline/gen"
	"xxgk/schemas"
)

func init() {
	commands = append(commands, newGenCmd)
}

func newGenCmd() *cobra.Command {
	cfg := gen.Whole()
	var (
		provinces string
		years     string
		out       string
		layout    string
		formats   string
		levels    string
	)
	cmd := &cobra.Command{
		Use:   "gen",
		Short: "generate a sample corpus of annual reports with gold files (生成样例报告)",
		Long: `gen writes a realistic corpus of 政府信息公开工作年度报告 for every body of the given
province(s) at every level: the province's government office, departments (省教育厅 …), other
bodies and consolidated report (全省汇总, some years); each prefecture's government, office,
departments, other bodies and consolidated report (全市汇总, some years); each county's
government, departments, townships and development zone. The body is stated the ways real
reports state it (title, first sentence, signature, 本报告由…编制; a few name it nowhere), contact
lines give addresses in a district of the seat city. Every text shape and encoding the pipeline
reads, each report with a gold file (OUT/gold/…/*.json) holding its true body, level, scope,
region, numbers and exactly the rule violations injected on purpose. The output depends only on
the flags and the seed, never on the number of workers.`,
		Example: "  xxgk gen --province 21 --years 2019-2024 --out demo",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return &exitError{code: exitFailed, err: fmt.Errorf("gen: --out is required")}
			}
			cfg.Provinces = strings.Split(provinces, ",")
			for i := range cfg.Provinces {
				cfg.Provinces[i] = strings.TrimSpace(cfg.Provinces[i])
			}
			var err error
			if cfg.FirstYear, cfg.LastYear, err = gen.ParseYears(years); err != nil {
				return &exitError{code: exitFailed, err: fmt.Errorf("gen: %w", err)}
			}
			cfg.Layout = gen.Layout(layout)
			cfg.Levels = nil
			for _, l := range strings.Split(levels, ",") {
				if l = strings.TrimSpace(l); l != "" {
					cfg.Levels = append(cfg.Levels, schemas.Level(l))
				}
			}
			if cfg.DOCXShare, cfg.PDFShare, err = gen.ParseFormats(formats); err != nil {
				return &exitError{code: exitFailed, err: fmt.Errorf("gen: %w", err)}
			}
			if cfg.PDFShare > 0 {
				if _, err := gen.PDFConverter(); err != nil {
					return &exitError{code: exitFailed, err: fmt.Errorf("gen: --formats pdf: %w", err)}
				}
			}
			start := time.Now()
			st, err := gen.Generate(cmd.Context(), cfg, out)
			if err != nil {
				return &exitError{code: exitFailed, err: err}
			}
			secs := time.Since(start).Seconds()
			slog.Info("gen done", "out", out, "reports", st.Reports, "bodies", st.Units,
				"missing_county_years", st.MissingCountyYears, "seconds", fmt.Sprintf("%.1f", secs),
				"reports_per_s", fmt.Sprintf("%.0f", float64(st.Reports)/secs),
				"mb_per_s", fmt.Sprintf("%.1f", float64(st.Bytes+st.GoldBytes)/secs/1e6))
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "reports\t%d\nbodies\t%d\nmissing county-years\t%d\nreport bytes\t%d\ngold bytes\t%d\n",
				st.Reports, st.Units, st.MissingCountyYears, st.Bytes, st.GoldBytes)
			printCounts(w, "format", st.Formats)
			printCounts(w, "level", st.Levels)
			printCounts(w, "scope", st.Scopes)
			fmt.Fprintf(w, "no body named\t%d\n", st.NoBody)
			printCounts(w, "shape", st.Shapes)
			printCounts(w, "charset", st.Charsets)
			printCounts(w, "fault", st.Faults)
			fmt.Fprintf(w, "traditional\t%d\n", st.Traditional)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&provinces, "province", "21", "province code(s), comma-separated (or prefecture/county code prefixes)")
	f.StringVar(&years, "years", "2019-2024", "years reported on: YYYY or YYYY-YYYY")
	f.StringVar(&out, "out", "", "output directory (reports/, gold/, manifest.csv)")
	f.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed: the same seed gives the same corpus")
	f.IntVar(&cfg.Departments, "departments", cfg.Departments, fmt.Sprintf("department reports per county (at most %d)", gen.MaxDepartments))
	f.IntVar(&cfg.Townships, "townships", cfg.Townships, "township reports per county")
	f.IntVar(&cfg.ProvinceDepartments, "province-departments", cfg.ProvinceDepartments,
		fmt.Sprintf("department reports of the province (省教育厅 …; at most %d)", gen.MaxProvinceDepartments))
	f.IntVar(&cfg.PrefectureDepartments, "prefecture-departments", cfg.PrefectureDepartments,
		fmt.Sprintf("department reports per prefecture (市教育局 …; at most %d)", gen.MaxPrefectureDepartments))
	f.Float64Var(&cfg.AreaShare, "area-share", cfg.AreaShare, "share of years with a consolidated report (全省/全市汇总) of the province and of each prefecture")
	f.Float64Var(&cfg.NoBodyShare, "no-body-share", cfg.NoBodyShare, "share of reports whose text names no issuing body (their gold carries a problem, not a guess)")
	f.StringVar(&levels, "levels", "province,prefecture,county", "bodies of these levels, comma-separated: province, prefecture, county")
	f.Float64Var(&cfg.MissingShare, "missing-share", cfg.MissingShare, "share of counties publishing nothing in a year")
	f.Float64Var(&cfg.OldTemplateShare, "old-template-share", cfg.OldTemplateShare, "share of reports from 2021 on printed in the 2019 template")
	f.Float64Var(&cfg.FaultShare, "fault-share", cfg.FaultShare, "share of reports with one injected rule violation")
	f.StringVar(&layout, "layout", string(cfg.Layout), "file layout: tree (省/省直, 省/市/市直, 省/市/县, then the year), flat, hashed (named as scraped: the region comes from the text alone) or mixed")
	f.StringVar(&formats, "formats", "", "shares of reports written as Word documents and PDFs instead of text/HTML, e.g. docx=0.1,pdf=0.01 (PDF needs chromium or libreoffice)")
	f.BoolVar(&cfg.Manifest, "manifest", false, "write manifest.csv (path, region_code, year, scope, body)")
	f.IntVar(&cfg.Limit, "limit", 0, "stop after this many reports (0: no limit)")
	f.IntVar(&cfg.Workers, "workers", cfg.Workers, "parallel workers (the output does not depend on it)")
	return cmd
}

func printCounts[K ~string](w interface{ Write([]byte) (int, error) }, name string, m map[K]int) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "%s %s\t%d\n", name, k, m[K(k)])
	}
}
