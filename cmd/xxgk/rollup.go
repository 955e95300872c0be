package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"xxgk/pipeline/console"
	"xxgk/queries"
)

func init() {
	commands = append(commands, newRollupCmd)
}

func newRollupCmd() *cobra.Command {
	var (
		db, level, region, format string
		year                      int
		all                       bool
	)
	cmd := &cobra.Command{
		Use:   "rollup --level province|prefecture|county --year N [--region CODE]",
		Short: "the year's totals per province, prefecture or county, each body counted once",
		Long: `rollup prints one level's totals for a year from the published warehouse (read-only):
requests received and handled, how they were answered, disclosure and withheld rates,
reconsideration and litigation with their correction rates. Rates are computed from summed
counts, never averaged. --region keeps the divisions within (or containing) a code: 21,
2113, 211321.

Every body is counted once, at every level. A division's figure for a year is
  - its consolidated report (全省汇总 / 全市汇总 / 全县汇总, scope area) when it has one
    (汇总口径 area), and then nothing below it is added;
  - otherwise its own bodies at its level — government, departments, zones, others (a
    county's townships too) — plus each child division's figure, itself counted the same way
    (汇总口径 bodies).
The own bodies' part is shown on its own (本级合计: 省直部门合计 for a province, 市本级合计
for a prefecture, 县本级合计 for a county; the own_* columns of analytics.region_years).

Example: 辽宁省 2022 has no 全省汇总. Its figure = its own departments (省直部门合计)
  + 朝阳市's 全市汇总 (朝阳市 has one: its bureaus and counties are not added again)
  + 葫芦岛市's own bureaus (市本级合计) + each of its counties' figures (兴城市 by its 全县汇总,
    绥中县 by the sum of its bodies)
  + … every other prefecture the same way.
A consolidated report and the sum of the bodies below it are never added together;
analytics.area_vs_bodies shows them side by side.`,
		Example: `  xxgk rollup --level province --year 2023
  xxgk rollup --level prefecture --year 2023 --region 21
  xxgk rollup --level county --year 2023 --region 2113 --format csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := parseFormat(format)
			if err != nil {
				return err
			}
			if year == 0 {
				return &exitError{exitFailed, fmt.Errorf("rollup: give --year")}
			}
			r, err := openReader(cmd, db)
			if err != nil {
				return err
			}
			defer r.Close()
			t, err := r.Rollup(cmd.Context(), level, year, region, all)
			if err != nil {
				return &exitError{exitFailed, fmt.Errorf("rollup: %w", err)}
			}
			return printTable(cmd, t, f, console.PrintOptions{Header: labels("analytics." + level + "_years"), Human: true})
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", defaultDB, "the published warehouse file (opened read-only)")
	f.StringVar(&level, "level", "province", "province, prefecture or county")
	f.IntVar(&year, "year", 0, "the year reported on")
	f.StringVar(&region, "region", "", "only divisions within (or containing) this code")
	f.BoolVar(&all, "all", false, "every column of the view, not only the main measures")
	f.StringVar(&format, "format", "table", "output: table (aligned), csv, json, markdown")
	return cmd
}

// labels returns the Chinese labels of a model's columns (column names when unknown).
func labels(model string) func(string) string {
	ms, err := queries.Models()
	byCol := map[string]string{}
	if err == nil {
		for _, m := range ms {
			if m.Name == model || strings.HasPrefix(model, "*") {
				for _, c := range m.Meta.Columns {
					byCol[c.Name] = c.Label
				}
			}
		}
	}
	return func(col string) string {
		if l, ok := byCol[col]; ok {
			return l
		}
		return col
	}
}
