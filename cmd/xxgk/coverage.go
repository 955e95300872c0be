package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"xxgk/pipeline/console"
	"xxgk/pipeline/rollup"
	"xxgk/pipeline/store"
)

func init() {
	commands = append(commands, newCoverageCmd)
}

func newCoverageCmd() *cobra.Command {
	var (
		db, format  string
		o           rollup.CoverageOptions
		all, bodies bool
	)
	cmd := &cobra.Command{
		Use:   "coverage --year N [--region CODE] [--level province|prefecture|county]",
		Short: "who has reported, at every level: divisions expected by the registry against reports received",
		Long: `coverage compares, for a year, the divisions the registry expects — the province, its
prefectures and its counties (every division of each province with reports) — with the reports
of record of their own bodies: a province or prefecture whose government and departments sent
nothing, a county that sent nothing. There is no registry of departments, so the bodies of
every level that reported in an earlier year but not this year are listed by name. It also
lists the reports that several files claim (the report of record — complete before
incomplete, then the newer file — and why each other file was not used;
analytics.report_versions). With --all every division is listed with its reports by scope, the
reports below it and the basis of its figure; --level keeps one level.

--format json prints one object: year, summary, counties, prefectures, provinces,
missing_bodies, competing_files.
--format csv prints one table: the divisions (every level, or --level), or with --bodies the
bodies missing this year.`,
		Example: `  xxgk coverage --year 2023
  xxgk coverage --year 2023 --level prefecture
  xxgk coverage --year 2023 --region 2113 --all`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := parseFormat(format)
			if err != nil {
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
			// several files for one report: the one the rollups read, and why the others lost
			comp, err := r.CompetingFiles(ctx, o.Year, o.Region)
			if err != nil {
				return &exitError{exitFailed, fmt.Errorf("coverage: %w", err)}
			}
			out := cmd.OutOrStdout()
			divisions, err := store.ScanAll[rollup.Coverage](t)
			if err != nil {
				return &exitError{exitFailed, fmt.Errorf("coverage: %w", err)}
			}
			expected, reported := map[string]int{}, map[string]int{}
			notReported := 0
			shown := &store.Rows{Columns: t.Columns, Types: t.Types, ColumnTypes: t.ColumnTypes, Rows: [][]any{}}
			byLevel := map[string]*store.Rows{}
			for _, l := range rollup.Levels {
				byLevel[l] = &store.Rows{Columns: t.Columns, Types: t.Types, ColumnTypes: t.ColumnTypes, Rows: [][]any{}}
			}
			for i, row := range t.Rows {
				d := divisions[i]
				l := d.Level
				expected[l]++
				if d.Reported {
					reported[l]++
				} else {
					notReported++
				}
				if all || !d.Reported {
					shown.Rows = append(shown.Rows, row)
					if b := byLevel[l]; b != nil {
						b.Rows = append(b.Rows, row)
					}
				}
			}
			switch f {
			case console.JSON:
				summary := console.Object{}
				for _, l := range []struct{ level, key string }{{"county", "counties"}, {"prefecture", "prefectures"}, {"province", "provinces"}} {
					summary = append(summary, console.Object{{Key: l.key + "_expected", Value: expected[l.level]},
						{Key: l.key + "_reported", Value: reported[l.level]},
						{Key: l.key + "_not_reported", Value: expected[l.level] - reported[l.level]}}...)
				}
				summary = append(summary, console.Object{{Key: "not_reported", Value: notReported}, {Key: "bodies_missing", Value: len(missing.Rows)}}...)
				return console.WriteJSON(out, console.Object{{Key: "year", Value: o.Year}, {Key: "region", Value: o.Region},
					{Key: "summary", Value: summary}, {Key: "counties", Value: console.Rows{Rows: byLevel["county"]}},
					{Key: "prefectures", Value: console.Rows{Rows: byLevel["prefecture"]}}, {Key: "provinces", Value: console.Rows{Rows: byLevel["province"]}},
					{Key: "missing_bodies", Value: console.Rows{Rows: missing}}, {Key: "competing_files", Value: console.Rows{Rows: comp}}})
			case console.CSV:
				if bodies {
					return printTable(cmd, missing, f, console.PrintOptions{})
				}
				return printTable(cmd, shown, f, console.PrintOptions{})
			}
			fmt.Fprintf(out, "%d 年：", o.Year)
			for _, l := range []string{"county", "prefecture", "province"} {
				if expected[l] > 0 {
					fmt.Fprintf(out, "应报%s %d 个，已报 %d 个，未报 %d 个；", coverageLevelNames[l], expected[l], reported[l], expected[l]-reported[l])
				}
			}
			fmt.Fprintf(out, "共未报 %d 个；此前有报告、本年未报的机关 %d 个\n\n", notReported, len(missing.Rows))
			if !all {
				fmt.Fprintln(out, "本级未报送的区划 / divisions whose own bodies sent no report:")
			}
			po := console.PrintOptions{Header: labels("analytics.coverage"), Human: true}
			if err := printTable(cmd, shown, f, po); err != nil {
				return err
			}
			fmt.Fprintln(out, "\n此前有报告、本年未报的机关 / bodies that reported in an earlier year, not this year:")
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
	f.IntVar(&o.Year, "year", 0, "the year reported on")
	f.StringVar(&o.Region, "region", "", "only divisions within this code")
	f.StringVar(&o.Level, "level", "", "only this level: province, prefecture or county (default: every level)")
	f.BoolVar(&all, "all", false, "list every division, not only those whose own bodies sent no report")
	f.BoolVar(&bodies, "bodies", false, "with --format csv: the bodies that reported in an earlier year but not this year, instead of the divisions")
	f.StringVar(&format, "format", "table", "output: table (aligned), csv, json, markdown")
	return cmd
}

var coverageLevelNames = map[string]string{"province": "省级", "prefecture": "地级", "county": "县级"}
