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
	"series_break": "口径变化", "basis_from": "起汇总口径", "basis_to": "止汇总口径",
	"lfl_from": "同口径起", "lfl_to": "同口径止", "lfl_delta": "同口径增减", "lfl_pct": "同口径增减%",
	"lfl_county_count": "两年均报县级", "new_county_count": "仅止年报县级", "gone_county_count": "仅起年报县级",
	"lfl_body_count": "两年均报机关", "new_body_count": "仅止年报机关", "gone_body_count": "仅起年报机关",
	"lfl_whole_count": "两年均报整体", "new_whole_count": "仅止年报整体", "gone_whole_count": "仅起年报整体",
	"basis_changed_count": "口径不同单位"}

// quietColumns are the coverage columns the aligned table leaves out when every row has 0 or
// nothing in them (CSV and JSON keep every column).
var quietColumns = []string{"lfl_body_count", "new_body_count", "gone_body_count", "lfl_whole_count", "new_whole_count",
	"gone_whole_count", "basis_changed_count"}

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
counted from its 全市汇总 one year and from its bodies the next deserves a look.

Every comparison comes in two forms: all the reports of each year (value_from, value_to,
delta, pct) and like for like (同口径: lfl_from, lfl_to, lfl_delta, lfl_pct), over the units
that reported in both years — counties, bodies above county level, and provinces or prefectures
compared whole when one of the years counts their consolidated report — with the number of
counties (and bodies, and whole divisions) that reported in both years, in the later year only
(new_*) and in the earlier only (gone_*). Rates compare like for like by default: the largest
movers are ranked by the like-for-like change, so a division whose counties merely started or
stopped reporting does not rank.`,
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
			if err := printTable(cmd, dropQuiet(all, quietColumns), f, po); err != nil {
				return err
			}
			if movers != nil {
				fmt.Fprintf(out, "\n变化最大的 %d 个（按同口径增减绝对值）/ largest movers, like for like\n", o.Top)
				if err := printTable(cmd, dropQuiet(movers, quietColumns), f, po); err != nil {
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

// dropQuiet returns t without those of cols whose every value is NULL or 0.
func dropQuiet(t *store.Rows, cols []string) *store.Rows {
	drop := map[int]bool{}
	for _, c := range cols {
		i := t.Col(c)
		if i < 0 {
			continue
		}
		quiet := true
		for _, row := range t.Rows {
			if v := row[i]; v != nil && store.Text(v) != "0" {
				quiet = false
				break
			}
		}
		drop[i] = quiet
	}
	out := &store.Rows{}
	keep := func(i int) bool { return !drop[i] }
	for i := range t.Columns {
		if keep(i) {
			out.Columns = append(out.Columns, t.Columns[i])
			if i < len(t.Types) {
				out.Types = append(out.Types, t.Types[i])
			}
			if i < len(t.ColumnTypes) {
				out.ColumnTypes = append(out.ColumnTypes, t.ColumnTypes[i])
			}
		}
	}
	for _, row := range t.Rows {
		var r []any
		for i, v := range row {
			if keep(i) {
				r = append(r, v)
			}
		}
		out.Rows = append(out.Rows, r)
	}
	return out
}
