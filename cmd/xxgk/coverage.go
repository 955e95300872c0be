package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"xxgk/pipeline/rollup"
)

func init() {
	commands = append(commands, newCoverageCmd)
}

func newCoverageCmd() *cobra.Command {
	var (
		db, format string
		o          rollup.CoverageOptions
		all        bool
	)
	cmd := &cobra.Command{
		Use:   "coverage --year N [--region CODE] [--level province|prefecture|county]",
		Short: "who has reported, at every level: divisions expected by the registry against reports received",
		Long: `coverage compares, for a year, the divisions the registry expects — the province, its
prefectures and its counties (every division of each province with reports) — with the reports
of record of their own bodies: a province or prefecture whose government and departments sent
nothing, a county that sent nothing. There is no registry of departments, so the bodies of
every level that reported in an earlier year but not this year are listed by name. With --all
every division is listed with its reports by scope, the reports below it and the basis of its
figure; --level keeps one level.`,
		Example: `  xxgk coverage --year 2023
  xxgk coverage --year 2023 --level prefecture
  xxgk coverage --year 2023 --region 2113 --all`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			if o.Year == 0 {
				return &exitError{exitFailed, fmt.Errorf("coverage: give --year")}
			}
			r, err := openReader(cmd, db)
			if err != nil {
				return err
			}
			defer r.Close()
			ctx := cmd.Context()
			t, err := r.Coverage(ctx, o)
			if err != nil {
				return &exitError{exitFailed, fmt.Errorf("coverage: %w", err)}
			}
			missing, err := r.MissingBodies(ctx, o)
			if err != nil {
				return &exitError{exitFailed, fmt.Errorf("coverage: %w", err)}
			}
			out := cmd.OutOrStdout()
			rep, lev := t.Col("reported"), t.Col("level")
			expected, reported := map[string]int{}, map[string]int{}
			notReported := 0
			for _, row := range t.Rows {
				l := fmt.Sprint(row[lev])
				expected[l]++
				if row[rep] == true {
					reported[l]++
				} else {
					notReported++
				}
			}
			human := format == "table" || format == "markdown"
			if human {
				fmt.Fprintf(out, "%d 年：", o.Year)
				for _, l := range []string{"county", "prefecture", "province"} {
					if expected[l] > 0 {
						fmt.Fprintf(out, "应报%s %d 个，已报 %d 个，未报 %d 个；", coverageLevelNames[l], expected[l], reported[l], expected[l]-reported[l])
					}
				}
				fmt.Fprintf(out, "共未报 %d 个；此前有报告、本年未报的机关 %d 个\n\n", notReported, len(missing.Rows))
			}
			if !all {
				keep := t.Rows[:0:0]
				for _, row := range t.Rows {
					if row[rep] != true {
						keep = append(keep, row)
					}
				}
				t.Rows = keep
				if human {
					fmt.Fprintln(out, "本级未报送的区划 / divisions whose own bodies sent no report:")
				}
			}
			po := printOpts{header: labels("analytics.coverage"), human: true}
			if err := printTable(out, t, format, po); err != nil {
				return &exitError{exitFailed, err}
			}
			if human {
				fmt.Fprintln(out, "\n此前有报告、本年未报的机关 / bodies that reported in an earlier year, not this year:")
			}
			if format != "json" || len(missing.Rows) > 0 {
				po.header = labels("analytics.missing_reports")
				if err := printTable(out, missing, format, po); err != nil {
					return &exitError{exitFailed, err}
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", defaultDB, "the published warehouse file (opened read-only)")
	f.IntVar(&o.Year, "year", 0, "the year reported on")
	f.StringVar(&o.Region, "region", "", "only divisions within this code")
	f.StringVar(&o.Level, "level", "", "only this level: province, prefecture or county (default: every level)")
	f.BoolVar(&all, "all", false, "list every division, not only those whose own bodies sent no report")
	f.StringVar(&format, "format", "table", "output: table (aligned), csv, json, markdown")
	return cmd
}

var coverageLevelNames = map[string]string{"province": "省级", "prefecture": "地级", "county": "县级"}
