package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"xxgk/pipeline/console"
	"xxgk/pipeline/store"
)

func init() {
	commands = append(commands, newCoverageCmd)
}

func newCoverageCmd() *cobra.Command {
	var (
		db, region, format string
		year               int
		all, bodies        bool
	)
	cmd := &cobra.Command{
		Use:   "coverage --year N [--region CODE]",
		Short: "who has reported: counties expected by the registry against reports received",
		Long: `coverage compares, for a year, the counties the division registry expects (every county
of each province with reports) with the reports of record received: the counties that sent
nothing, the bodies that reported the year before but not this year, and the reports that several
files claim (the report of record — complete before incomplete, then the newer file — and why
each other file was not used; analytics.report_versions). With --all every county is listed
with its reports by scope and the basis of its rollup.

--format json prints one object: year, summary, counties, missing_bodies, competing_files.
--format csv prints one table: the counties, or with --bodies the bodies missing this year.`,
		Example: `  xxgk coverage --year 2023
  xxgk coverage --year 2023 --region 2113 --all`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := parseFormat(format)
			if err != nil {
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
			// several files for one report: the one the rollups read, and why the others lost
			comp, err := r.CompetingFiles(ctx, year, region)
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
			notReported := &store.Rows{Columns: t.Columns, Types: t.Types, ColumnTypes: t.ColumnTypes, Rows: [][]any{}}
			for _, row := range t.Rows {
				if row[rep] != true {
					notReported.Rows = append(notReported.Rows, row)
				}
			}
			counties := notReported
			if all {
				counties = t
			}
			switch f {
			case console.JSON:
				return console.WriteJSON(out, console.Object{{Key: "year", Value: year}, {Key: "region", Value: region},
					{Key: "summary", Value: console.Object{{Key: "counties_expected", Value: len(t.Rows)}, {Key: "counties_reported", Value: reported},
						{Key: "counties_not_reported", Value: len(t.Rows) - reported}, {Key: "bodies_missing", Value: len(missing.Rows)}}},
					{Key: "counties", Value: console.Rows{Rows: counties}}, {Key: "missing_bodies", Value: console.Rows{Rows: missing}},
					{Key: "competing_files", Value: console.Rows{Rows: comp}}})
			case console.CSV:
				if bodies {
					return printTable(cmd, missing, f, console.PrintOptions{})
				}
				return printTable(cmd, counties, f, console.PrintOptions{})
			}
			fmt.Fprintf(out, "%d 年：应报县级 %d 个，已报 %d 个，未报 %d 个；上年有报告、本年未报的机关 %d 个\n\n",
				year, len(t.Rows), reported, len(t.Rows)-reported, len(missing.Rows))
			if !all {
				fmt.Fprintln(out, "未报送的县级 / counties with no report:")
			}
			po := console.PrintOptions{Header: labels("analytics.coverage"), Human: true}
			if err := printTable(cmd, counties, f, po); err != nil {
				return err
			}
			fmt.Fprintln(out, "\n上年有报告、本年未报的机关 / bodies that reported last year, not this year:")
			po.Header = labels("analytics.missing_reports")
			if err := printTable(cmd, missing, f, po); err != nil {
				return err
			}
			if comp != nil && len(comp.Rows) > 0 {
				fmt.Fprintln(out, "\n同一报告有多个文件（汇总依据在前；待确认的见 xxgk views --test、checks.contested_reports）/ reports that several files claim (analytics.report_versions):")
				po.Header = labels("analytics.report_versions")
				if err := printTable(cmd, comp, f, po); err != nil {
					return err
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
	f.BoolVar(&bodies, "bodies", false, "with --format csv: the bodies that reported last year but not this year, instead of the counties")
	f.StringVar(&format, "format", "table", "output: table (aligned), csv, json, markdown")
	return cmd
}
