package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"xxgk/pipeline/console"
	"xxgk/pipeline/rollup"
	"xxgk/pipeline/store"
)

func init() {
	commands = append(commands, newCompareCmd)
}

var compareHeaders = map[string]string{"region_code": "区划代码", "region_name": "名称", "measure": "指标", "kind": "类型",
	"value_from": "起", "value_to": "止", "delta": "增减", "pct": "增减%", "rank_from": "起排名", "rank_to": "止排名",
	"series_break": "口径变化", "basis_from": "起汇总口径", "basis_to": "止汇总口径"}

func newCompareCmd() *cobra.Command {
	var (
		db, level, region, format, measures string
		o                                   rollup.CompareOptions
	)
	cmd := &cobra.Command{
		Use:   "compare --from N --to M [--level …] [--region CODE] [--top K]",
		Short: "two years side by side: differences, % change, percentage points for rates, ranks, largest movers",
		Long: `compare puts two years of one level side by side for each division and measure: the
values, the difference (percentage points for rates), the % change (counts), the rank in each
year (1 = largest), and with --top the K largest movers per measure by absolute difference.
Table 3 and table 4 compare across the 2019 and 2021 templates; table 2 measures whose
meaning changed are marked as a break in series (口径变化) and never compared. Measures are
the columns of analytics.region_years (requests_count, handled_count, disclosure_rate,
review_correction_rate, …) or table2.<item>.<measure>. Every division is counted once at
every level (see xxgk rollup --help); basis_from / basis_to say how it was counted each year
(area: its consolidated report; bodies: its own bodies and child divisions) — a division
counted from its 全市汇总 one year and from its bodies the next deserves a look.`,
		Example: `  xxgk compare --from 2022 --to 2023 --level prefecture --top 5
  xxgk compare --from 2020 --to 2023 --level county --region 2113 --measures requests_count,handled_count,disclosure_rate`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := parseFormat(format)
			if err != nil {
				return err
			}
			if o.From == 0 || o.To == 0 {
				return &exitError{exitFailed, fmt.Errorf("compare: give --from and --to")}
			}
			o.Level, o.Region = level, region
			for _, m := range strings.Split(measures, ",") {
				if m = strings.TrimSpace(m); m != "" {
					o.Measures = append(o.Measures, m)
				}
			}
			r, err := openReader(cmd, db)
			if err != nil {
				return err
			}
			defer r.Close()
			all, movers, err := r.Compare(cmd.Context(), o)
			if err != nil {
				return &exitError{exitFailed, fmt.Errorf("compare: %w", err)}
			}
			out := cmd.OutOrStdout()
			switch f {
			case console.JSON:
				doc := console.Object{{Key: "from", Value: o.From}, {Key: "to", Value: o.To}, {Key: "level", Value: o.Level},
					{Key: "region", Value: o.Region}, {Key: "rows", Value: console.Rows{Rows: all}}}
				if movers != nil {
					doc = append(doc, console.Member{Key: "movers", Value: console.Rows{Rows: movers}})
				}
				return console.WriteJSON(out, doc)
			case console.CSV:
				ranked, err := withMoverRank(all, movers)
				if err != nil {
					return &exitError{exitFailed, fmt.Errorf("compare: %w", err)}
				}
				return printTable(cmd, ranked, f, console.PrintOptions{})
			}
			po := console.PrintOptions{Header: func(c string) string {
				if h, ok := compareHeaders[c]; ok {
					return h
				}
				return c
			}, Human: true}
			fmt.Fprintf(out, "%s级 %d → %d\n", levelName(o.Level), o.From, o.To)
			if err := printTable(cmd, all, f, po); err != nil {
				return err
			}
			if movers != nil {
				fmt.Fprintf(out, "\n变化最大的 %d 个（按增减绝对值）/ largest movers\n", o.Top)
				if err := printTable(cmd, movers, f, po); err != nil {
					return err
				}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&db, "db", defaultDB, "the published warehouse file (opened read-only)")
	fl.IntVar(&o.From, "from", 0, "the earlier year")
	fl.IntVar(&o.To, "to", 0, "the later year")
	fl.StringVar(&level, "level", "county", "province, prefecture or county")
	fl.StringVar(&region, "region", "", "only divisions within this code")
	fl.StringVar(&measures, "measures", "requests_count,disclosure_rate", "comma-separated measures")
	fl.IntVar(&o.Top, "top", 10, "largest movers per measure (0: none)")
	fl.StringVar(&format, "format", "table", "output: table (aligned), csv, json, markdown")
	return cmd
}

func levelName(l string) string {
	switch l {
	case "province":
		return "省"
	case "prefecture":
		return "地"
	}
	return "县"
}

// withMoverRank is the side-by-side table with a last column mover_rank: the rank of the row
// among the largest movers of its measure (1 = largest), empty for the others. CSV holds one
// table, so the movers are marked in it rather than printed after it.
func withMoverRank(all, movers *store.Rows) (*store.Rows, error) {
	out := &store.Rows{Columns: append(append([]string{}, all.Columns...), "mover_rank"),
		Types: append(append([]string{}, all.Types...), "BIGINT"), ColumnTypes: append(append([]*store.Type{}, all.ColumnTypes...), &store.Type{Name: "BIGINT", Kind: store.KindInt})}
	type key struct{ region, measure string }
	rank := map[key]int64{}
	if movers != nil {
		ms, err := store.ScanAll[rollup.Change](movers)
		if err != nil {
			return nil, err
		}
		seen := map[string]int64{}
		for _, m := range ms {
			seen[m.Measure]++
			rank[key{m.RegionCode, m.Measure}] = seen[m.Measure]
		}
	}
	changes, err := store.ScanAll[rollup.Change](all)
	if err != nil {
		return nil, err
	}
	for i, row := range all.Rows {
		var r any
		if n, ok := rank[key{changes[i].RegionCode, changes[i].Measure}]; ok {
			r = n
		}
		out.Rows = append(out.Rows, append(append([]any{}, row...), r))
	}
	return out, nil
}
