package main

import (
	"fmt"
	"io"
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
		db, format    string
		problems, all bool
		kind          string
		o             rollup.ChecksOptions
	)
	cmd := &cobra.Command{
		Use:   "checks [--year N] [--rule R1] [--region CODE]",
		Short: "rule violations (勾稽关系 R1–R8) of the reports of record, with R6 chain breaks across years",
		Long: `checks lists the rule violations of the reports of record of every level — provincial
departments, prefecture and county bodies — (analytics.rule_violations): each with the body's
division, the cell, the expected and the printed value (the numbers are never corrected), and
whether the report is counted in its own division's figure. R6 (this year's 上年结转 = last
year's 结转下年度) is checked across consecutive years of the same body. --region 21 keeps the
province's own bodies and everything below it; --region 2113 a prefecture's.

Each violation has a problem id for xxgk ack; an acknowledged one is still listed, marked 已核实
with the note and who. --problems lists every problem to review instead (analytics.problems):
the violations and the inputs read incompletely or not at all, with their ids (--kind to keep
one kind, --all to include the readings of files replaced since).`,
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
			out := cmd.OutOrStdout()
			if problems {
				t, err := r.Problems(cmd.Context(), rollup.ProblemsOptions{Year: o.Year, Kind: kind, Region: o.Region, All: all})
				if err != nil {
					return &exitError{exitFailed, fmt.Errorf("checks: %w", err)}
				}
				if f == console.Table || f == console.Markdown {
					ps, err := store.ScanAll[rollup.Problem](t)
					if err != nil {
						return &exitError{exitFailed, fmt.Errorf("checks: %w", err)}
					}
					writeCounts(out, len(ps), "问题 %d 个 / problems:", func(i int) (string, bool) { return ps[i].Kind, ps[i].Acknowledged })
				}
				return printTable(cmd, t, f, console.PrintOptions{Header: labels("analytics.problems"), Human: true})
			}
			t, err := r.Checks(cmd.Context(), o)
			if err != nil {
				return &exitError{exitFailed, fmt.Errorf("checks: %w", err)}
			}
			if f == console.Table || f == console.Markdown {
				vs, err := store.ScanAll[rollup.Violation](t)
				if err != nil {
					return &exitError{exitFailed, fmt.Errorf("checks: %w", err)}
				}
				writeCounts(out, len(vs), "规则违反 %d 条 / violations:", func(i int) (string, bool) { return vs[i].Rule, vs[i].Acknowledged })
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
	f.BoolVar(&problems, "problems", false, "every problem to review (violations, inputs read incompletely or not at all) with its id for xxgk ack")
	f.StringVar(&kind, "kind", "", "with --problems: only this kind (violation, incomplete, failed)")
	f.BoolVar(&all, "all", false, "with --problems: also the readings of files replaced since")
	return cmd
}

// writeCounts prints the number of rows n, by the key of each row, and how many are
// acknowledged; row(i) gives row i's key and whether it is acknowledged.
func writeCounts(out io.Writer, n int, heading string, row func(i int) (key string, acked bool)) {
	by := map[string]int{}
	acked := 0
	for i := 0; i < n; i++ {
		k, a := row(i)
		by[k]++
		if a {
			acked++
		}
	}
	var keys []string
	for k := range by {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(out, heading, n)
	for _, k := range keys {
		fmt.Fprintf(out, " %s %d", k, by[k])
	}
	fmt.Fprintf(out, "；已核实 %d / acknowledged %d\n\n", acked, acked)
}
