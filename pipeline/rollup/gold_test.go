package rollup_test

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"

	"xxgk/pipeline/regions"
	"xxgk/pipeline/rollup"
	"xxgk/pipeline/store"
	"xxgk/schemas"
)

// This file recomputes, in Go and from the gold files alone, what the SQL models compute: the
// report of record, the county counted once, the sums up the levels, the rates and the
// year-over-year changes. The tests compare both, figure by figure.

// opt is a sum that is NULL until a value is added (SQL sum semantics).
type opt struct {
	v  int64
	ok bool
}

func (o *opt) add(p opt) {
	if p.ok {
		o.v += p.v
		o.ok = true
	}
}

func cellOf(g schemas.Grid, row, col string) opt {
	c, ok := g.Get(row, col)
	if !ok || !c.HasValue() {
		return opt{}
	}
	return opt{v: c.Value.Int(), ok: true}
}

func sumOf(g schemas.Grid, col string, rows ...string) opt {
	var s opt
	for _, r := range rows {
		s.add(cellOf(g, r, col))
	}
	return s
}

var countMeasures = []string{"requests_count", "carried_over_count", "granted_count", "partially_granted_count",
	"withheld_count", "unavailable_count", "rejected_count", "other_count", "handled_count", "carried_forward_count",
	"review_count", "review_upheld_count", "review_corrected_count", "review_other_count", "review_pending_count",
	"litigation_count", "litigation_corrected_count", "litigation_pending_count", "issued_count",
	"licensing_decisions_count", "penalty_decisions_count", "coercion_decisions_count"}

var rateMeasures = []string{"disclosure_rate", "withheld_rate", "review_correction_rate", "litigation_correction_rate"}

// goldMeasures are a report's measures, straight from its gold grids.
func goldMeasures(r *schemas.Report) map[string]opt {
	t3, t4, t2 := r.Table3, r.Table4, r.Table2
	m := map[string]opt{
		"requests_count":          cellOf(t3, "new_received", "total"),
		"carried_over_count":      cellOf(t3, "carried_over", "total"),
		"granted_count":           cellOf(t3, "granted", "total"),
		"partially_granted_count": cellOf(t3, "partially_granted", "total"),
		"withheld_count": sumOf(t3, "total", "withheld_state_secret", "withheld_law_prohibited", "withheld_security_stability",
			"withheld_third_party", "withheld_internal_affairs", "withheld_process_info", "withheld_enforcement_file", "withheld_query_item"),
		"unavailable_count": sumOf(t3, "total", "unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear"),
		"rejected_count": sumOf(t3, "total", "rejected_petition", "rejected_duplicate", "rejected_publication",
			"rejected_excessive", "rejected_confirmation"),
		"handled_count":              cellOf(t3, "total_handled", "total"),
		"carried_forward_count":      cellOf(t3, "carried_forward", "total"),
		"review_count":               cellOf(t4, "review", "total"),
		"review_upheld_count":        cellOf(t4, "review", "upheld"),
		"review_corrected_count":     cellOf(t4, "review", "corrected"),
		"review_other_count":         cellOf(t4, "review", "other"),
		"review_pending_count":       cellOf(t4, "review", "pending"),
		"litigation_count":           sumOf(t4, "total", "litigation_direct", "litigation_after_review"),
		"litigation_corrected_count": sumOf(t4, "corrected", "litigation_direct", "litigation_after_review"),
		"litigation_pending_count":   sumOf(t4, "pending", "litigation_direct", "litigation_after_review"),
		"licensing_decisions_count":  cellOf(t2, "licensing", "decisions"),
		"penalty_decisions_count":    cellOf(t2, "penalty", "decisions"),
		"coercion_decisions_count":   cellOf(t2, "coercion", "decisions"),
	}
	// gb2019 prints (六)其他处理 as one row; gb2021 as three, whose sum is other_total
	if o := cellOf(t3, "other_total", "total"); o.ok {
		m["other_count"] = o
	} else {
		m["other_count"] = sumOf(t3, "total", "other_no_correction", "other_no_fee", "other_other")
	}
	issued := "issued"
	if _, ok := t2.Get("rules", "new_made"); ok { // gb2019, or a gb2021 report printing that block in the 2019 template
		issued = "new_made"
	}
	// table 2 is a grid of items (rows) by measures (columns): the regulations and normative
	// documents issued this year, added over both items
	m["issued_count"] = sumOf(t2, issued, "rules", "normative_documents")
	return m
}

// regionYear is one division-year of the expected rollup.
type regionYear struct {
	level, code string
	year        int
	m           map[string]opt
	counties    int
	areaBasis   int
	formats     map[schemas.Format]bool
	t2          map[string]bool // table2.<item>.<measure> some counted report printed a value for
	basis       string
}

type key struct {
	level, code string
	year        int
}

func (k key) String() string { return fmt.Sprintf("%s %s %d", k.level, k.code, k.year) }

// expected computes the rollups of every level from the gold files.
func expected(gold []*schemas.Report) (map[key]*regionYear, map[string][]*schemas.Report) {
	reg := regions.Default()
	byCounty := map[string][]*schemas.Report{} // code|year → reports
	for _, r := range gold {
		if r.Status == schemas.StatusFailed || r.Region.Code == "" {
			continue
		}
		k := fmt.Sprintf("%s|%d", r.Region.Code, r.Year)
		byCounty[k] = append(byCounty[k], r)
	}
	out := map[key]*regionYear{}
	get := func(k key) *regionYear {
		ry, ok := out[k]
		if !ok {
			ry = &regionYear{level: k.level, code: k.code, year: k.year, m: map[string]opt{}, formats: map[schemas.Format]bool{}, t2: map[string]bool{}}
			out[k] = ry
		}
		return ry
	}
	counted := map[string][]*schemas.Report{}
	for k, reps := range byCounty {
		code, year := reps[0].Region.Code, reps[0].Year
		var areas, bodies []*schemas.Report
		for _, r := range reps {
			if r.Format != schemas.FormatGB2019 && r.Format != schemas.FormatGB2021 {
				continue
			}
			switch r.Scope {
			case schemas.ScopeArea:
				areas = append(areas, r)
			case schemas.ScopeGovernment, schemas.ScopeDepartment, schemas.ScopeTownship, schemas.ScopeDevZone:
				bodies = append(bodies, r)
			}
		}
		basis, use := "none", []*schemas.Report(nil)
		switch {
		case len(areas) > 0:
			sort.Slice(areas, func(i, j int) bool { return areas[i].Body < areas[j].Body })
			basis, use = "area", areas[:1]
		case len(bodies) > 0:
			basis, use = "bodies", bodies
		}
		counted[k] = use
		d, _ := reg.County(code)
		for _, kk := range []key{{"county", code, year}, {"prefecture", d.PrefectureCode, year}, {"province", d.ProvinceCode, year}} {
			ry := get(kk)
			ry.counties++
			if basis == "area" {
				ry.areaBasis++
			}
			if kk.level == "county" {
				ry.basis = basis
			}
			for _, r := range use {
				ry.formats[r.Format] = true
				for item, cells := range r.Table2 {
					for measure, c := range cells {
						if c.HasValue() {
							ry.t2["table2."+item+"."+measure] = true
						}
					}
				}
				for name, v := range goldMeasures(r) {
					s := ry.m[name]
					s.add(v)
					ry.m[name] = s
				}
			}
		}
	}
	return out, counted
}

// rate is a derived rate from summed counts: NULL when a part is NULL or the denominator is 0.
func rate(num, den opt) (float64, bool) {
	if !num.ok || !den.ok || den.v == 0 {
		return 0, false
	}
	return float64(num.v) / float64(den.v), true
}

func (ry *regionYear) rates() map[string]opt2 {
	m := ry.m
	sub := func(a, b opt) opt {
		if !a.ok || !b.ok {
			return opt{}
		}
		return opt{v: a.v - b.v, ok: true}
	}
	add := func(a, b opt) opt {
		if !a.ok || !b.ok {
			return opt{}
		}
		return opt{v: a.v + b.v, ok: true}
	}
	out := map[string]opt2{}
	v, ok := rate(add(m["granted_count"], m["partially_granted_count"]), m["handled_count"])
	out["disclosure_rate"] = opt2{v, ok}
	v, ok = rate(m["withheld_count"], m["handled_count"])
	out["withheld_rate"] = opt2{v, ok}
	v, ok = rate(m["review_corrected_count"], sub(m["review_count"], m["review_pending_count"]))
	out["review_correction_rate"] = opt2{v, ok}
	v, ok = rate(m["litigation_corrected_count"], sub(m["litigation_count"], m["litigation_pending_count"]))
	out["litigation_correction_rate"] = opt2{v, ok}
	return out
}

type opt2 struct {
	v  float64
	ok bool
}

func (ry *regionYear) value(measure string) opt2 {
	if r, ok := ry.rates()[measure]; ok {
		return r
	}
	o := ry.m[measure]
	return opt2{float64(o.v), o.ok}
}

func asFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case nil:
		return 0, false
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case float64:
		return x, true
	case fmt.Stringer:
		var f float64
		_, err := fmt.Sscan(x.String(), &f)
		return f, err == nil
	}
	panic(fmt.Sprintf("unexpected %T", v))
}

func same(a opt2, v any) bool {
	f, ok := asFloat(v)
	if ok != a.ok {
		return false
	}
	return !ok || math.Abs(f-a.v) <= 1e-9*math.Max(1, math.Abs(a.v))
}

// sameP compares with a nullable DOUBLE of a typed row.
func sameP(a opt2, p *float64) bool {
	if p == nil {
		return !a.ok
	}
	return same(a, *p)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func show(o opt2) string {
	if !o.ok {
		return "NULL"
	}
	return fmt.Sprint(o.v)
}

// TestRollupsMatchGold: every figure of analytics.region_years (every level, division, year,
// count and rate) equals the same figure computed in Go from the gold files.
func TestRollupsMatchGold(t *testing.T) {
	f := getFixture(t)
	r := open(t, f)
	want, _ := expected(f.gold)
	measures := append(append([]string{}, countMeasures...), rateMeasures...)
	tb := query(t, r, `select level, region_code, year, county_count, area_basis_count, basis, `+strings.Join(measures, ", ")+
		` from analytics.region_years`)
	seen := map[key]bool{}
	levels := map[string]int{}
	for _, row := range tb.Rows {
		k := key{row[0].(string), row[1].(string), int(row[2].(int32))}
		seen[k] = true
		levels[k.level]++
		w, ok := want[k]
		if !ok {
			t.Errorf("%s: in the warehouse, not in the gold", k)
			continue
		}
		if n := row[3].(int64); n != int64(w.counties) {
			t.Errorf("%s: county_count %d, gold %d", k, n, w.counties)
		}
		if n := row[4].(int64); n != int64(w.areaBasis) {
			t.Errorf("%s: area_basis_count %d, gold %d", k, n, w.areaBasis)
		}
		if k.level == "county" && row[5] != w.basis {
			t.Errorf("%s: basis %v, gold %s", k, row[5], w.basis)
		}
		for i, m := range measures {
			if g := w.value(m); !same(g, row[6+i]) {
				t.Errorf("%s: %s = %v, gold %s", k, m, row[6+i], show(g))
			}
		}
	}
	for k := range want {
		if !seen[k] {
			t.Errorf("%s: in the gold, not in the warehouse", k)
		}
	}
	if levels["province"] != 2 || levels["prefecture"] != 4 || levels["county"] < 20 {
		t.Errorf("division-years per level: %v", levels)
	}
	t.Logf("%d division-years compared (%v), %d measures each", len(tb.Rows), levels, len(measures))
}

// TestYearOverYearMatchesGold: analytics.region_yoy (differences, % change, percentage points)
// and `xxgk compare` (reports/compare.sql) equal the same changes computed from the gold.
func TestYearOverYearMatchesGold(t *testing.T) {
	f := getFixture(t)
	r := open(t, f)
	want, _ := expected(f.gold)
	measures := append(append([]string{}, countMeasures...), rateMeasures...)
	tb := query(t, r, `select level, region_code, year, measure, kind, value, value_prev, value_yoy_delta, value_yoy_pct, series_break
		from analytics.region_yoy where kind <> 'table2' and year = 2021`)
	n := 0
	for _, row := range tb.Rows {
		k := key{row[0].(string), row[1].(string), 2021}
		m, kind := row[3].(string), row[4].(string)
		cur := want[k]
		prev := want[key{k.level, k.code, 2020}]
		if cur == nil {
			t.Errorf("%s: not in the gold", k)
			continue
		}
		c := cur.value(m)
		p := opt2{}
		if prev != nil {
			p = prev.value(m)
		}
		var delta, pct opt2
		if c.ok && p.ok {
			delta = opt2{c.v - p.v, true}
			if kind == "rate" {
				delta.v *= 100 // percentage points
			} else if p.v != 0 {
				pct = opt2{(c.v - p.v) / p.v * 100, true}
			}
		}
		if !same(c, row[5]) || !same(p, row[6]) || !same(delta, row[7]) || !same(pct, row[8]) || row[9] != false {
			t.Errorf("%s %s: value %v prev %v delta %v pct %v break %v; gold %s %s %s %s", k, m, row[5], row[6], row[7], row[8], row[9],
				show(c), show(p), show(delta), show(pct))
		}
		if (kind == "rate") != strings.HasSuffix(m, "_rate") {
			t.Errorf("%s: kind %s", m, kind)
		}
		n++
	}
	if want := len(measures); n == 0 || n%want != 0 {
		t.Errorf("%d year-over-year rows for %d measures", n, want)
	}

	// the compare report, at the prefecture level, for every measure
	all, movers, err := r.Compare(context.Background(), rollup.CompareOptions{From: 2020, To: 2021, Level: "prefecture",
		Measures: measures, Top: 1})
	if err != nil {
		t.Fatal(err)
	}
	changes, err := store.ScanAll[rollup.Change](all)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range changes {
		code, m := ch.RegionCode, ch.Measure
		from, to := want[key{"prefecture", code, 2020}].value(m), want[key{"prefecture", code, 2021}].value(m)
		var delta, pct opt2
		if from.ok && to.ok {
			delta = opt2{to.v - from.v, true}
			if strings.HasSuffix(m, "_rate") {
				delta.v *= 100
			} else if from.v != 0 {
				pct = opt2{(to.v - from.v) / from.v * 100, true}
			}
		}
		if !sameP(from, ch.ValueFrom) || !sameP(to, ch.ValueTo) || !sameP(delta, ch.Delta) || !sameP(pct, ch.Pct) {
			t.Errorf("compare %s %s: %v → %v Δ %v %% %v; gold %s → %s Δ %s %% %s", code, m, ch.ValueFrom, ch.ValueTo, ch.Delta, ch.Pct,
				show(from), show(to), show(delta), show(pct))
		}
	}
	if len(changes) != 2*len(measures) {
		t.Errorf("compare: %d rows, want %d", len(changes), 2*len(measures))
	}
	if movers == nil || len(movers.Rows) == 0 {
		t.Errorf("compare: no movers")
	}
}

// TestTable2SeriesBreak: table 2 measures across different templates are marked as a break in
// series and never compared; the comparable series (issued, decisions) are.
func TestTable2SeriesBreak(t *testing.T) {
	f := getFixture(t)
	r := open(t, f)
	want, _ := expected(f.gold)
	tb := query(t, r, `select level, region_code, measure, series_break, value_yoy_delta, value_prev
		from analytics.region_yoy where kind = 'table2' and year = 2021`)
	breaks, compared := 0, 0
	for _, row := range tb.Rows {
		k := key{row[0].(string), row[1].(string), 2021}
		cur, prev := want[k], want[key{k.level, k.code, 2020}]
		if cur == nil {
			t.Errorf("%s: not in the gold", k)
			continue
		}
		fm := func(ry *regionYear) string {
			if ry == nil {
				return "absent"
			}
			var s []string
			for f := range ry.formats {
				s = append(s, string(f))
			}
			sort.Strings(s)
			return strings.Join(s, ",")
		}
		// a break: the templates differ or mix, or the measure has no value the year before (a
		// body printed that block in the other template, so the region has nothing to compare)
		wantBreak := prev == nil || !prev.t2[row[2].(string)] || fm(cur) != fm(prev) || len(cur.formats) > 1
		if row[3] != wantBreak {
			t.Errorf("%s %s: series_break %v, want %v (%s → %s)", k, row[2], row[3], wantBreak, fm(prev), fm(cur))
		}
		if row[3] == true {
			breaks++
			if row[4] != nil {
				t.Errorf("%s %s: a break in series compared: %v", k, row[2], row[4])
			}
		} else if row[5] != nil {
			compared++
		}
	}
	if breaks == 0 {
		t.Errorf("no break in series between 2020 (gb2019) and 2021 (gb2021)")
	}
	t.Logf("table 2 pairs: %d breaks in series, %d compared", breaks, compared)
	// issued compares across the formats: new_made (gb2019) → issued (gb2021)
	tb = query(t, r, `select count(*) from analytics.region_yoy where measure = 'issued_count' and year = 2021
		and not series_break and value_prev is not null and value_yoy_delta is not null`)
	if tb.Rows[0][0].(int64) == 0 {
		t.Errorf("issued_count is never compared across formats")
	}
}
