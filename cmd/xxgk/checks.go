package main

import (
	"fmt"
	"sort"

	"github.com/spf13/cobra"

	"xxgk/pipeline/console"
	"xxgk/pipeline/rollup"
	"xxgk/pipeline/store"
)

func init() {
	commands = append(commands, newChecksCmd)
}

func newChecksCmd() *cobra.Command {
	var (
		db, format string
		o          rollup.ChecksOptions
	)
	cmd := &cobra.Command{
		Use:   "checks [--year N] [--rule R1] [--region CODE]",
		Short: "rule violations (勾稽关系 R1–R8) of the reports of record, with R6 chain breaks across years",
		Long: `checks lists the rule violations of the reports of record of every level — provincial
departments, prefecture and county bodies — (analytics.rule_violations): each with the body's
division, the cell, the expected and the printed value (the numbers are never corrected), and
whether the report is counted in its own division's figure. R6 (this year's 上年结转 = last
year's 结转下年度) is checked across consecutive years of the same body. --region 21 keeps the
province's own bodies and everything below it; --region 2113 a prefecture's.`,
		Example: `  xxgk checks --year 2023
  xxgk checks --rule R6 --region 2113 --format csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := parseFormat(format)
			if err != nil {
				return err
			}
			r, err := openReader(cmd, db)
			if err != nil {
				return err
			}
			defer r.Close()
			t, err := r.Checks(cmd.Context(), o)
			if err != nil {
				return &exitError{exitFailed, fmt.Errorf("checks: %w", err)}
			}
			out := cmd.OutOrStdout()
			if f == console.Table || f == console.Markdown {
				vs, err := store.ScanAll[rollup.Violation](t)
				if err != nil {
					return &exitError{exitFailed, fmt.Errorf("checks: %w", err)}
				}
				by := map[string]int{}
				for _, v := range vs {
					by[v.Rule]++
				}
				var keys []string
				for k := range by {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				fmt.Fprintf(out, "规则违反 %d 条 / violations:", len(t.Rows))
				for _, k := range keys {
					fmt.Fprintf(out, " %s %d", k, by[k])
				}
				fmt.Fprint(out, "\n\n")
			}
			return printTable(cmd, t, f, console.PrintOptions{Header: labels("analytics.rule_violations"), Human: true})
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", defaultDB, "the published warehouse file (opened read-only)")
	f.IntVar(&o.Year, "year", 0, "only this year (0: every year)")
	f.StringVar(&o.Rule, "rule", "", "only this rule (R1 … R8)")
	f.StringVar(&o.Region, "region", "", "only the bodies of divisions within this code")
	f.StringVar(&format, "format", "table", "output: table (aligned), csv, json, markdown")
	return cmd
}
