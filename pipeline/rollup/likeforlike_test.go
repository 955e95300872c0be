package rollup_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"xxgk/pipeline/regions"
	"xxgk/pipeline/rollup"
	"xxgk/pipeline/rollup/rolluptest"
	"xxgk/schemas"
)

// The like-for-like (同口径) figures recomputed in Go from the reports alone: the sum over the
// units that reported in both years, compared with analytics.region_yoy, analytics.like_for_like
// and xxgk compare, figure by figure.

// TestLikeForLikeMatchesGold: on the generated province (counties missing some years), every
// prefecture's and the province's like-for-like figure of 2021 and of 2020 is the sum of the gold
// over the counties that reported in both years — counts, rates from the summed counts, the
// change — and the counties in both years, in 2021 only and in 2020 only are counted; a county's
// like-for-like figure is its figure when it reported both years, else nothing.
func TestLikeForLikeMatchesGold(t *testing.T) {
	f := getFixture(t)
	r := open(t, f)
	want, counted := expected(f.gold)
	reg := regions.Default()
	present := func(code string, year int) bool {
		ry := want[key{"county", code, year}]
		return ry != nil && ry.basis != "none"
	}
	// the counties under each prefecture and the province, from the registry
	under := map[key][]string{}
	for k := range want {
		if k.level != "county" {
			continue
		}
		d, _ := reg.County(k.code)
		for _, root := range []key{{"prefecture", d.PrefectureCode, 0}, {"province", d.ProvinceCode, 0}} {
			if !containsString(under[root], k.code) {
				under[root] = append(under[root], k.code)
			}
		}
	}
	sumOver := func(codes []string, year int) *regionYear {
		ry := &regionYear{m: map[string]opt{}}
		for _, c := range codes {
			for _, rep := range counted[fmt.Sprintf("%s|%d", c, year)] {
				for name, v := range goldMeasures(rep) {
					s := ry.m[name]
					s.add(v)
					ry.m[name] = s
				}
			}
		}
		return ry
	}
	type cover struct{ both, only, gone int }
	type lfl struct {
		cur, prev *regionYear
		cov       cover
	}
	wantLFL := map[key]lfl{}
	moved := 0
	for root, codes := range under {
		var both []string
		var cov cover
		for _, c := range codes {
			switch a, b := present(c, 2021), present(c, 2020); {
			case a && b:
				both = append(both, c)
				cov.both++
			case a:
				cov.only++
			case b:
				cov.gone++
			}
		}
		moved += cov.only + cov.gone
		wantLFL[key{root.level, root.code, 2021}] = lfl{sumOver(both, 2021), sumOver(both, 2020), cov}
	}
	if moved == 0 {
		t.Fatal("the fixture has no county reporting in one year only: nothing to tell like for like from all")
	}
	measures := append(append([]string{}, countMeasures...), rateMeasures...)
	tb := query(t, r, `select level, region_code, measure, kind, lfl_value, lfl_value_prev, lfl_yoy_delta, lfl_yoy_pct,
			lfl_county_count, new_county_count, gone_county_count, value, value_prev
		from analytics.region_yoy where kind <> 'table2' and year = 2021`)
	n, differ := 0, 0
	for _, row := range tb.Rows {
		level, code, m, kind := row[0].(string), row[1].(string), row[2].(string), row[3].(string)
		k := key{level, code, 2021}
		var cur, prev opt2
		var cov cover
		if level == "county" {
			if present(code, 2021) && present(code, 2020) {
				cur, prev = want[k].value(m), want[key{level, code, 2020}].value(m)
				cov.both = 1
			} else if present(code, 2021) {
				cov.only = 1
			}
		} else {
			w, ok := wantLFL[k]
			if !ok {
				t.Errorf("%s: not expected", k)
				continue
			}
			cur, prev, cov = w.cur.value(m), w.prev.value(m), w.cov
		}
		var delta, pct opt2
		if cur.ok && prev.ok {
			delta = opt2{cur.v - prev.v, true}
			if kind == "rate" {
				delta.v *= 100
			} else if prev.v != 0 {
				pct = opt2{(cur.v - prev.v) / prev.v * 100, true}
			}
		}
		if !same(cur, row[4]) || !same(prev, row[5]) || !same(delta, row[6]) || !same(pct, row[7]) {
			t.Errorf("%s %s like for like: %v ← %v Δ %v %% %v; gold %s ← %s Δ %s %% %s", k, m, row[4], row[5], row[6], row[7],
				show(cur), show(prev), show(delta), show(pct))
		}
		if got := (cover{int(row[8].(int64)), int(row[9].(int64)), int(row[10].(int64))}); got != cov {
			t.Errorf("%s %s: counties in both years, 2021 only, 2020 only %v; gold %v", k, m, got, cov)
		}
		if level != "county" && !same(cur, row[11]) {
			differ++
		}
		n++
	}
	if n == 0 || n%len(measures) != 0 {
		t.Errorf("%d like-for-like rows for %d measures", n, len(measures))
	}
	if differ == 0 {
		t.Errorf("every like-for-like figure above county level equals the all-reports figure: the test shows nothing")
	}

	// xxgk compare, at the prefecture level: the same figures, and the counties for the sentence
	all, movers, err := r.Compare(context.Background(), rollup.CompareOptions{From: 2020, To: 2021, Level: "prefecture",
		Measures: measures, Top: 1})
	if err != nil {
		t.Fatal(err)
	}
	c := func(name string) int {
		i := all.Col(name)
		if i < 0 {
			t.Fatalf("compare: no column %s", name)
		}
		return i
	}
	ci, mi, fi, ti, di, pi := c("region_code"), c("measure"), c("lfl_from"), c("lfl_to"), c("lfl_delta"), c("lfl_pct")
	bi, ni, gi := c("lfl_county_count"), c("new_county_count"), c("gone_county_count")
	for _, row := range all.Rows {
		code, m := row[ci].(string), row[mi].(string)
		w := wantLFL[key{"prefecture", code, 2021}]
		from, to := w.prev.value(m), w.cur.value(m)
		var delta, pct opt2
		if from.ok && to.ok {
			delta = opt2{to.v - from.v, true}
			if strings.HasSuffix(m, "_rate") {
				delta.v *= 100
			} else if from.v != 0 {
				pct = opt2{(to.v - from.v) / from.v * 100, true}
			}
		}
		if !same(from, row[fi]) || !same(to, row[ti]) || !same(delta, row[di]) || !same(pct, row[pi]) {
			t.Errorf("compare %s %s like for like: %v → %v Δ %v %% %v; gold %s → %s Δ %s %% %s", code, m, row[fi], row[ti], row[di],
				row[pi], show(from), show(to), show(delta), show(pct))
		}
		if got := (cover{int(row[bi].(int64)), int(row[ni].(int64)), int(row[gi].(int64))}); got != w.cov {
			t.Errorf("compare %s: counties in both years, 2021 only, 2020 only %v; gold %v", code, got, w.cov)
		}
	}
	if movers == nil || len(movers.Rows) == 0 {
		t.Errorf("compare: no movers")
	}
}

func containsString(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// unit is a unit of a like-for-like comparison: a county, a body above county level (its
// division and name), or a division above county level compared whole.
type unit struct {
	kind, code, body string
}

// lflUnits returns the units of division code for the pair (y, b), by the rule stated in
// marts.like_for_like_units, computed here from the counted-once figures alone: a county is a
// unit; a province or prefecture counted from its consolidated report in either year is one
// unit; else its own bodies of either year and its children's units.
func lflUnits(figs map[rolluptest.Key]*rolluptest.Figure, code string, y, b int) []unit {
	level := rolluptest.LevelOf(code)
	if level == "county" {
		return []unit{{"county", code, ""}}
	}
	fy, fb := figs[rolluptest.Key{Level: level, Code: code, Year: y}], figs[rolluptest.Key{Level: level, Code: code, Year: b}]
	if fy != nil && fy.Basis == "area" || fb != nil && fb.Basis == "area" {
		return []unit{{"whole", code, ""}}
	}
	seen := map[unit]bool{}
	var out []unit
	children := map[string]bool{}
	for _, f := range []*rolluptest.Figure{fy, fb} {
		if f == nil {
			continue
		}
		for _, r := range f.Own {
			if u := (unit{"body", code, r.Body}); !seen[u] {
				seen[u] = true
				out = append(out, u)
			}
		}
		for _, c := range f.Children {
			children[c.Code] = true
		}
	}
	var codes []string
	for c := range children {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		out = append(out, lflUnits(figs, c, y, b)...)
	}
	return out
}

// reportsOf returns what a unit counts in a year (nil: it did not report), and its basis.
func reportsOf(figs map[rolluptest.Key]*rolluptest.Figure, u unit, year int) ([]*schemas.Report, string) {
	f := figs[rolluptest.Key{Level: rolluptest.LevelOf(u.code), Code: u.code, Year: year}]
	if f == nil {
		return nil, ""
	}
	if u.kind == "body" {
		for _, r := range f.Own {
			if r.Body == u.body {
				return []*schemas.Report{r}, "body"
			}
		}
		return nil, ""
	}
	if len(f.Counted) == 0 {
		return nil, ""
	}
	return f.Counted, f.Basis
}

// TestLikeForLikeLevels: on the fixture of every level (a province counted from its 全省汇总 in
// 2023 only, a prefecture from its 全市汇总 in 2022 only, bodies that come and go, a county whose
// only report is in prose one year), analytics.like_for_like holds, for every division and every
// pair of years, exactly the units rule computed in Go: every count and rate summed over the
// units in both years, and the units of each kind in both years, in the year only and in the
// other only, and those counted differently.
func TestLikeForLikeLevels(t *testing.T) {
	f, figs := levelsFixture(t)
	r := open(t, f)
	type cell struct {
		level, code string
		y, b        int
	}
	type row struct {
		reps        []*schemas.Report
		counts      [3][3]int // county, body, whole × both, year only, base only
		basisChange int
	}
	kindIndex := map[string]int{"county": 0, "body": 1, "whole": 2}
	want := map[cell]*row{}
	// the pairs are the years of the division's province (湖北省 has one year: no pair)
	provinceYears := map[string][]int{}
	divisions := map[rolluptest.Key]bool{}
	for k := range figs {
		if k.Level == "province" {
			provinceYears[k.Code] = append(provinceYears[k.Code], k.Year)
		}
		divisions[rolluptest.Key{Level: k.Level, Code: k.Code}] = true
	}
	for k := range divisions {
		ys := provinceYears[k.Code[:2]]
		for _, y := range ys {
			for _, b := range ys {
				if y == b {
					continue
				}
				w := &row{}
				any := false
				for _, u := range lflUnits(figs, k.Code, y, b) {
					ry, by := reportsOf(figs, u, y)
					rb, bb := reportsOf(figs, u, b)
					switch i := kindIndex[u.kind]; {
					case ry != nil && rb != nil:
						w.counts[i][0]++
						w.reps = append(w.reps, ry...)
						if by != bb {
							w.basisChange++
						}
					case ry != nil:
						w.counts[i][1]++
					case rb != nil:
						w.counts[i][2]++
					}
					any = any || ry != nil || rb != nil
				}
				if any {
					want[cell{k.Level, k.Code, y, b}] = w
				}
			}
		}
	}
	// every division-year of 辽宁省 against each other year, and 湖北省 (one year) has no pair
	measures := append(append([]string{}, rolluptest.CountMeasures...), rolluptest.RateMeasures...)
	tb := query(t, r, `select level, region_code, year, base_year, measure, value, report_count,
			both_county_count, year_only_county_count, base_only_county_count, both_body_count, year_only_body_count,
			base_only_body_count, both_whole_count, year_only_whole_count, base_only_whole_count, basis_changed_count
		from analytics.like_for_like where kind <> 'table2'`)
	seen := map[cell]int{}
	wholeSeen, bodiesSeen, changeSeen := false, false, false
	for _, rw := range tb.Rows {
		k := cell{rw[0].(string), rw[1].(string), int(rw[2].(int32)), int(rw[3].(int32))}
		m := rw[4].(string)
		w, ok := want[k]
		if !ok {
			t.Errorf("%v: in analytics.like_for_like, not expected", k)
			continue
		}
		seen[k]++
		var g opt2
		if strings.HasSuffix(m, "_rate") {
			g = rateOf(w.reps, m)
		} else {
			g = optOf(rolluptest.Sum(w.reps, m))
		}
		if !same(g, rw[5]) {
			t.Errorf("%v %s: %v, want %s (reports %s)", k, m, rw[5], show(g), bodiesOf(w.reps))
		}
		if n := rw[6].(int64); n != int64(len(w.reps)) {
			t.Errorf("%v: %d reports counted, want %d", k, n, len(w.reps))
		}
		var got [3][3]int
		for i := 0; i < 9; i++ {
			got[i/3][i%3] = int(rw[7+i].(int64))
		}
		if got != w.counts {
			t.Errorf("%v: units (county, body, whole × both, year only, base only) %v, want %v", k, got, w.counts)
		}
		if n := rw[16].(int64); n != int64(w.basisChange) {
			t.Errorf("%v: %d units counted differently, want %d", k, n, w.basisChange)
		}
		wholeSeen = wholeSeen || w.counts[2][0] > 0
		bodiesSeen = bodiesSeen || w.counts[1][1]+w.counts[1][2] > 0
		changeSeen = changeSeen || w.basisChange > 0
	}
	for k := range want {
		if seen[k] != len(measures) {
			t.Errorf("%v: %d measures in analytics.like_for_like, want %d", k, seen[k], len(measures))
		}
	}
	if !wholeSeen || !bodiesSeen || !changeSeen {
		t.Errorf("the fixture exercised: divisions compared whole %v, bodies in one year only %v, a change of basis %v",
			wholeSeen, bodiesSeen, changeSeen)
	}
	// the consecutive years in analytics.region_yoy are the same figures
	tb = query(t, r, `select y.level, y.region_code, y.year, y.measure, y.lfl_value, y.lfl_value_prev, l.value, p.value
		from analytics.region_yoy as y
		join analytics.like_for_like as l
			on l.level = y.level and l.region_code = y.region_code and l.measure = y.measure and l.year = y.year and l.base_year = y.year - 1
		join analytics.like_for_like as p
			on p.level = y.level and p.region_code = y.region_code and p.measure = y.measure and p.year = y.year - 1 and p.base_year = y.year
		where y.kind <> 'table2'`)
	if len(tb.Rows) == 0 {
		t.Fatal("no year-over-year row with a like-for-like figure")
	}
	for _, rw := range tb.Rows {
		if fmt.Sprint(rw[4]) != fmt.Sprint(rw[6]) || fmt.Sprint(rw[5]) != fmt.Sprint(rw[7]) {
			t.Errorf("%v %v %v %v: region_yoy like for like %v ← %v, like_for_like %v ← %v", rw[0], rw[1], rw[2], rw[3], rw[4], rw[5], rw[6], rw[7])
		}
	}
}

func bodiesOf(reps []*schemas.Report) string {
	var s []string
	for _, r := range reps {
		s = append(s, fmt.Sprintf("%s %d", r.Body, r.Year))
	}
	return strings.Join(s, ", ")
}
