package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, newCoverageCmd)
}

func newCoverageCmd() *cobra.Command {
	var (
		db, region, format string
		year               int
		all                bool
	)
	cmd := &cobra.Command{
		Use:   "coverage --year N [--region CODE]",
		Short: "who has reported: counties expected by the registry against reports received",
		Long: `coverage compares, for a year, the counties the division registry expects (every county
of each province with reports) with the reports of record received: the counties that sent
nothing, and the bodies that reported the year before but not this year, and the reports that several
files claim (the report of record — complete before incomplete, then the newer file — and
why each other file was not used; analytics.report_versions). With --all every county is
listed with its reports by scope and the basis of its rollup.`,
		Example: `  xxgk coverage --year 2023
  xxgk coverage --year 2023 --region 2113 --all`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			if year == 0 {
				return &exitError{exitFailed, fmt.Errorf("coverage: give --year")}
			}
			r, err := openReader(cmd, db)
			if err != nil {
				return err
			}
			defer r.Close()
			ctx := cmd.Context()
			t, err := r.Coverage(ctx, year, region)
			if err != nil {
				return &exitError{exitFailed, fmt.Errorf("coverage: %w", err)}
			}
			missing, err := r.MissingBodies(ctx, year, region)
			if err != nil {
				return &exitError{exitFailed, fmt.Errorf("coverage: %w", err)}
			}
			out := cmd.OutOrStdout()
			rep := t.Col("reported")
			reported := 0
			for _, row := range t.Rows {
				if row[rep] == true {
					reported++
				}
			}
			human := format == "table" || format == "markdown"
			if human {
				fmt.Fprintf(out, "%d 年：应报县级 %d 个，已报 %d 个，未报 %d 个；上年有报告、本年未报的机关 %d 个\n\n",
					year, len(t.Rows), reported, len(t.Rows)-reported, len(missing.Rows))
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
					fmt.Fprintln(out, "未报送的县级 / counties with no report:")
				}
			}
			po := printOpts{header: labels("analytics.coverage"), human: true}
			if err := printTable(out, t, format, po); err != nil {
				return &exitError{exitFailed, err}
			}
			if human {
				fmt.Fprintln(out, "\n上年有报告、本年未报的机关 / bodies that reported last year, not this year:")
			}
			if format != "json" || len(missing.Rows) > 0 {
				po.header = labels("analytics.missing_reports")
				if err := printTable(out, missing, format, po); err != nil {
					return &exitError{exitFailed, err}
				}
			}
			// several files for one report: the one the rollups read, and why the others lost
			if comp, err := r.CompetingFiles(ctx, year, region); err != nil {
				return &exitError{exitFailed, fmt.Errorf("coverage: %w", err)}
			} else if human && comp != nil && len(comp.Rows) > 0 {
				fmt.Fprintln(out, "\n同一报告有多个文件（汇总依据在前；待确认的见 xxgk views --test、checks.contested_reports）/ reports that several files claim (analytics.report_versions):")
				po.header = labels("analytics.report_versions")
				if err := printTable(out, comp, format, po); err != nil {
					return &exitError{exitFailed, err}
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", defaultDB, "the published warehouse file (opened read-only)")
	f.IntVar(&year, "year", 0, "the year reported on")
	f.StringVar(&region, "region", "", "only counties within this code")
	f.BoolVar(&all, "all", false, "list every county, not only those with no report")
	f.StringVar(&format, "format", "table", "output: table (aligned), csv, json, markdown")
	return cmd
}
