package rollup_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"xxgk/pipeline/regions"
	"xxgk/pipeline/rollup"
	"xxgk/pipeline/rollup/rolluptest"
	"xxgk/pipeline/store"
	"xxgk/queries"
	"xxgk/schemas"
)

// The tests of this file run on rolluptest.Province — bodies of every level: provincial
// departments, prefectures with and without a consolidated report, counties with both — loaded
// through the real loader, and compare every figure the SQL shows with the counted-once rule
// recomputed in Go from the reports alone (rolluptest.Figures).

var (
	levelsOnce sync.Once
	levelsDB   string
	levelsErr  error
	levelsReps []*schemas.Report
	levelsDir  string // removed by TestMain
)

func levelsFixture(t testing.TB) (*fixture, map[rolluptest.Key]*rolluptest.Figure) {
	t.Helper()
	levelsOnce.Do(func() {
		dir, err := os.MkdirTemp("", "rollup-levels-")
		if err != nil {
			levelsErr = err
			return
		}
		levelsDir = dir
		levelsDB = filepath.Join(dir, "w.duckdb")
		levelsReps = rolluptest.Province()
		levelsErr = rolluptest.Load(context.Background(), levelsDB, levelsReps)
	})
	if levelsErr != nil {
		t.Fatal(levelsErr)
	}
	return &fixture{db: levelsDB}, rolluptest.Figures(levelsReps)
}

func optOf(o rolluptest.Opt) opt2 { return opt2{float64(o.V), o.OK} }

func rateOf(reps []*schemas.Report, rate string) opt2 {
	v, ok := rolluptest.Rate(reps, rate)
	return opt2{v, ok}
}

func divKey(level, code any, year any) rolluptest.Key {
	return rolluptest.Key{Level: level.(string), Code: code.(string), Year: int(year.(int32))}
}

// TestLevelsCountedOnce: every row of analytics.region_years — every level, division and year —
// equals the counted-once rule computed from the reports: the basis, the reports counted, the
// own bodies' part, every count, every rate, every own_* count; and no division-year is missing
// or extra.
func TestLevelsCountedOnce(t *testing.T) {
	f, want := levelsFixture(t)
	r := open(t, f)
	ms := rolluptest.CountMeasures
	own := make([]string, len(ms))
	for i, m := range ms {
		own[i] = "own_" + m
	}
	tb := query(t, r, `select level, region_code, year, basis, parent_code, county_count, area_basis_count, report_count,
		counted_report_count, own_report_count, `+strings.Join(ms, ", ")+`, `+strings.Join(rolluptest.RateMeasures, ", ")+`, `+
		strings.Join(own, ", ")+` from analytics.region_years`)
	seen := map[rolluptest.Key]bool{}
	for _, row := range tb.Rows {
		k := divKey(row[0], row[1], row[2])
		seen[k] = true
		w := want[k]
		if w == nil {
			t.Errorf("%s: in the warehouse, not in the fixture", k)
			continue
		}
		counties := map[string]bool{}
		for _, rep := range w.Reports {
			if len(rep.Region.Code) == 6 {
				counties[rep.Region.Code] = true
			}
		}
		got := fmt.Sprint(row[3:10]...)
		exp := fmt.Sprint(w.Basis, str(w.Parent), len(counties), w.AreaBasisCount(), len(w.Reports), len(w.Counted), len(w.Own))
		if got != exp {
			t.Errorf("%s: basis parent counties area_basis reports counted own = %s, want %s", k, got, exp)
		}
		i := 10
		for _, m := range ms {
			if g := optOf(rolluptest.Sum(w.Counted, m)); !same(g, row[i]) {
				t.Errorf("%s: %s = %v, want %s", k, m, row[i], show(g))
			}
			i++
		}
		for _, m := range rolluptest.RateMeasures {
			if g := rateOf(w.Counted, m); !same(g, row[i]) {
				t.Errorf("%s: %s = %v, want %s", k, m, row[i], show(g))
			}
			i++
		}
		for _, m := range ms {
			if g := optOf(rolluptest.Sum(w.Own, m)); !same(g, row[i]) {
				t.Errorf("%s: own_%s = %v, want %s", k, m, row[i], show(g))
			}
			i++
		}
	}
	for k := range want {
		if !seen[k] {
			t.Errorf("%s: in the fixture, not in the warehouse", k)
		}
	}

	// the cases the fixture is built for, stated by hand
	basis := func(level, code string, year int) string {
		if w := want[rolluptest.Key{Level: level, Code: code, Year: year}]; w != nil {
			return w.Basis
		}
		return "absent"
	}
	for _, c := range []struct {
		level, code string
		year        int
		basis       string
	}{
		{"province", "21", 2022, "bodies"}, {"province", "21", 2023, "area"},
		{"prefecture", "2113", 2022, "area"}, {"prefecture", "2113", 2023, "bodies"},
		{"prefecture", "2114", 2022, "bodies"}, {"prefecture", "2114", 2023, "area"},
		{"prefecture", "2101", 2022, "bodies"}, {"county", "211322", 2022, "area"},
		{"county", "211481", 2022, "area"}, {"county", "211422", 2022, "none"}, {"county", "211422", 2023, "bodies"},
		{"prefecture", "4290", 2022, "bodies"},
	} {
		if b := basis(c.level, c.code, c.year); b != c.basis {
			t.Errorf("fixture: %s %s %d basis %s, built for %s", c.level, c.code, c.year, b, c.basis)
		}
	}
	// 辽宁省 2022, summed by hand: its own bodies; 朝阳市's consolidated report alone (not its
	// bodies, not its counties); 葫芦岛市's own bodies and its counties (兴城市 by its area
	// report, 绥中县's bodies, 建昌县 nothing); 沈阳市's 和平区.
	pick := func(year int, pairs ...string) []*schemas.Report {
		var out []*schemas.Report
		for i := 0; i < len(pairs); i += 2 {
			found := false
			for _, rep := range levelsReps {
				if rep.Year == year && rep.Region.Code == pairs[i] && rep.Body == pairs[i+1] {
					out = append(out, rep)
					found = true
				}
			}
			if !found {
				t.Fatalf("no report %s %s %d", pairs[i], pairs[i+1], year)
			}
		}
		return out
	}
	byHand := pick(2022, "21", "辽宁省人民政府办公厅", "21", "辽宁省教育厅", "21", "辽宁省地震局", "21", "辽宁省信息中心",
		"2113", "朝阳市",
		"2114", "葫芦岛市人民政府办公室", "2114", "葫芦岛市公安局", "2114", "葫芦岛经济开发区管理委员会",
		"211481", "兴城市", "211421", "绥中县人民政府", "211421", "绥中县教育局", "211421", "绥中县万家镇人民政府",
		"210102", "和平区人民政府")
	ownHand := byHand[:4]
	tb = query(t, r, `select requests_count, review_count, litigation_count, counted_report_count, own_requests_count, own_report_count
		from analytics.province_years where province_code = '21' and year = 2022`)
	if len(tb.Rows) != 1 {
		t.Fatalf("province_years 21 2022: %v", tb.Rows)
	}
	row := tb.Rows[0]
	for i, m := range []string{"requests_count", "review_count", "litigation_count"} {
		if g := optOf(rolluptest.Sum(byHand, m)); !same(g, row[i]) {
			t.Errorf("辽宁省 2022 %s = %v, by hand %s", m, row[i], show(g))
		}
	}
	if row[3] != int64(len(byHand)) || row[5] != int64(len(ownHand)) || !same(optOf(rolluptest.Sum(ownHand, "requests_count")), row[4]) {
		t.Errorf("辽宁省 2022: counted %v own %v own requests %v; by hand %d, %d, %s", row[3], row[5], row[4], len(byHand), len(ownHand),
			show(optOf(rolluptest.Sum(ownHand, "requests_count"))))
	}
	// 2023: the consolidated report is the province's figure, nothing else
	tb = query(t, r, `select requests_count, counted_report_count, own_report_count, own_requests_count
		from analytics.province_years where province_code = '21' and year = 2023`)
	area := pick(2023, "21", "辽宁省")
	if row := tb.Rows[0]; !same(optOf(rolluptest.Sum(area, "requests_count")), row[0]) || row[1] != int64(1) || row[2] != int64(0) || row[3] != nil {
		t.Errorf("辽宁省 2023: %v, want the 全省汇总 alone (%s requests, 1 report, no own part)", row,
			show(optOf(rolluptest.Sum(area, "requests_count"))))
	}
	t.Logf("%d division-years compared", len(tb.Rows))
}

func str(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// TestLevelsTables: the official tables summed per level (analytics.region_table3 and
// region_table4), every row and column of every division-year, equal the sums of the reports
// the rule counts.
func TestLevelsTables(t *testing.T) {
	f, want := levelsFixture(t)
	r := open(t, f)
	cat := schemas.Labels()
	cols := cat.Table3ColumnKeys()
	tb := query(t, r, `select level, region_code, year, row_key, `+strings.Join(cols, ", ")+`, report_count from analytics.region_table3`)
	n := 0
	for _, row := range tb.Rows {
		k := divKey(row[0], row[1], row[2])
		w := want[k]
		if w == nil {
			t.Errorf("table 3 %s: not in the fixture", k)
			continue
		}
		rk := row[3].(string)
		for i, c := range cols {
			var s rolluptest.Opt
			for _, rep := range w.Counted {
				cl, ok := rep.Table3.Get(rk, c)
				if ok && cl.HasValue() {
					s.Add(rolluptest.Opt{V: cl.Value.Int(), OK: true})
				}
			}
			if !same(optOf(s), row[4+i]) {
				t.Errorf("table 3 %s %s/%s = %v, want %s", k, rk, c, row[4+i], show(optOf(s)))
			}
			n++
		}
	}
	outs := cat.Table4OutcomeKeys()
	tb = query(t, r, `select level, region_code, year, group_key, `+strings.Join(outs, ", ")+` from analytics.region_table4`)
	groups := 0
	for _, row := range tb.Rows {
		k := divKey(row[0], row[1], row[2])
		w := want[k]
		if w == nil {
			t.Errorf("table 4 %s: not in the fixture", k)
			continue
		}
		groups++
		for i, o := range outs {
			var s rolluptest.Opt
			for _, rep := range w.Counted {
				cl, ok := rep.Table4.Get(row[3].(string), o)
				if ok && cl.HasValue() {
					s.Add(rolluptest.Opt{V: cl.Value.Int(), OK: true})
				}
			}
			if !same(optOf(s), row[4+i]) {
				t.Errorf("table 4 %s %s/%s = %v, want %s", k, row[3], o, row[4+i], show(optOf(s)))
			}
		}
	}
	counted := 0
	for _, w := range want {
		if len(w.Counted) > 0 {
			counted++
		}
	}
	if groups != 3*counted || n == 0 {
		t.Errorf("table 4: %d groups for %d counted division-years; table 3: %d numbers", groups, counted, n)
	}
}

// TestOwnBodyYears: analytics.own_body_years is the own bodies' part of every division-year
// that counts any (never where the area report is the figure), with its counts and rates.
func TestOwnBodyYears(t *testing.T) {
	f, want := levelsFixture(t)
	r := open(t, f)
	tb := query(t, r, `select level, region_code, year, report_count, `+strings.Join(rolluptest.CountMeasures, ", ")+`, `+
		strings.Join(rolluptest.RateMeasures, ", ")+` from analytics.own_body_years`)
	seen := map[rolluptest.Key]bool{}
	for _, row := range tb.Rows {
		k := divKey(row[0], row[1], row[2])
		seen[k] = true
		w := want[k]
		if w == nil || len(w.Own) == 0 {
			t.Errorf("%s: an own-bodies row where the rule counts no own body", k)
			continue
		}
		if row[3] != int64(len(w.Own)) {
			t.Errorf("%s: %v own reports, want %d", k, row[3], len(w.Own))
		}
		for i, m := range rolluptest.CountMeasures {
			if g := optOf(rolluptest.Sum(w.Own, m)); !same(g, row[4+i]) {
				t.Errorf("%s own %s = %v, want %s", k, m, row[4+i], show(g))
			}
		}
		for i, m := range rolluptest.RateMeasures {
			if g := rateOf(w.Own, m); !same(g, row[4+len(rolluptest.CountMeasures)+i]) {
				t.Errorf("%s own %s = %v, want %s", k, m, row[4+len(rolluptest.CountMeasures)+i], show(g))
			}
		}
	}
	for k, w := range want {
		if len(w.Own) > 0 && !seen[k] {
			t.Errorf("%s: %d own bodies counted, no row", k, len(w.Own))
		}
	}
	for _, k := range []rolluptest.Key{{Level: "province", Code: "21", Year: 2022}, {Level: "prefecture", Code: "2114", Year: 2022}} {
		if !seen[k] {
			t.Errorf("%s: no own-bodies row (省直部门合计 / 市本级合计)", k)
		}
	}
}

// TestAreaVsBodies: where a consolidated report is the figure and bodies below it reported,
// analytics.area_vs_bodies puts the two side by side: the area report's number, and the sum of
// the division's own bodies with tables (counted or not) and its children's figures.
func TestAreaVsBodies(t *testing.T) {
	f, want := levelsFixture(t)
	r := open(t, f)
	tb := query(t, r, `select level, region_code, year, measure, area_value, bodies_value, difference, body_report_count
		from analytics.area_vs_bodies`)
	type km struct {
		k rolluptest.Key
		m string
	}
	seen := map[km]bool{}
	for _, row := range tb.Rows {
		k := divKey(row[0], row[1], row[2])
		m := row[3].(string)
		seen[km{k, m}] = true
		w := want[k]
		if w == nil || w.Basis != "area" {
			t.Errorf("%s: audited, but its figure is not an area report", k)
			continue
		}
		var bodies []*schemas.Report
		for _, rep := range w.Bodies {
			if rep.Scope != schemas.ScopeArea && (rep.Format == schemas.FormatGB2019 || rep.Format == schemas.FormatGB2021) {
				bodies = append(bodies, rep)
			}
		}
		for _, c := range w.Children {
			bodies = append(bodies, c.Counted...)
		}
		a, b := rolluptest.Sum([]*schemas.Report{w.Area}, m), rolluptest.Sum(bodies, m)
		d := opt2{float64(a.V - b.V), a.OK && b.OK}
		if !same(optOf(a), row[4]) || !same(optOf(b), row[5]) || !same(d, row[6]) || row[7] != int64(len(bodies)) {
			t.Errorf("%s %s: area %v bodies %v difference %v (%v reports); want %s %s %s (%d)", k, m, row[4], row[5], row[6], row[7],
				show(optOf(a)), show(optOf(b)), show(d), len(bodies))
		}
	}
	// every area-basis division-year with bodies below is audited, for every count measure
	n := 0
	for k, w := range want {
		if w.Basis != "area" {
			continue
		}
		has := false
		for _, rep := range w.Bodies {
			has = has || (rep.Scope != schemas.ScopeArea && rep.Format == schemas.FormatGB2021)
		}
		for _, c := range w.Children {
			has = has || len(c.Counted) > 0
		}
		if !has {
			continue
		}
		n++
		for _, m := range rolluptest.CountMeasures {
			if !seen[km{k, m}] {
				t.Errorf("%s %s: not audited", k, m)
			}
		}
	}
	if n < 4 {
		t.Errorf("only %d division-years to audit: the fixture has area reports with bodies at every level", n)
	}
}

// TestLevelsReportsCountedIn: analytics.reports says, per report, its own division's basis and
// every level whose figure holds it — the levels whose counted reports include it.
func TestLevelsReportsCountedIn(t *testing.T) {
	f, want := levelsFixture(t)
	r := open(t, f)
	in := map[*schemas.Report][]string{}
	for _, l := range []string{"county", "prefecture", "province"} {
		for _, w := range want {
			if w.Level != l {
				continue
			}
			for _, rep := range w.Counted {
				in[rep] = append(in[rep], l)
			}
		}
	}
	tb := query(t, r, `select region_code, body, year, level, counted, counted_in from analytics.reports`)
	if len(tb.Rows) != len(levelsReps) {
		t.Errorf("%d reports of record, the fixture has %d", len(tb.Rows), len(levelsReps))
	}
	for _, row := range tb.Rows {
		var rep *schemas.Report
		for _, x := range levelsReps {
			if x.Region.Code == row[0] && x.Body == row[1] && int32(x.Year) == row[2].(int32) {
				rep = x
			}
		}
		if rep == nil {
			t.Errorf("%v: not in the fixture", row)
			continue
		}
		own := want[rolluptest.Key{Level: rolluptest.LevelOf(rep.Region.Code), Code: rep.Region.Code, Year: rep.Year}]
		counted := false
		for _, c := range own.Counted {
			counted = counted || c == rep
		}
		if row[3] != string(rep.Region.Level) || row[4] != counted || row[5] != strings.Join(in[rep], ",") {
			t.Errorf("%s %s %d: level %v counted %v in %q; want %s %v %q", rep.Region.Code, rep.Body, rep.Year, row[3], row[4], row[5],
				rep.Region.Level, counted, strings.Join(in[rep], ","))
		}
	}
}

// TestLevelsModelTests: every sidecar test and every audit passes on the fixture of every level.
func TestLevelsModelTests(t *testing.T) {
	f, _ := levelsFixture(t)
	r := open(t, f)
	fails, err := rollup.RunTests(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	for _, fl := range fails {
		t.Errorf("%s %s: %d failing rows\n%s", fl.Model, fl.Test, fl.Rows, fl.SQL)
	}
}

// TestLevelsCoverage: analytics.coverage lists, for every year of each province, the province,
// its prefectures (not the 省直辖 grouping 4290, which has no government) and its counties, with
// reported true exactly when a report of that level came; analytics.missing_reports lists the
// bodies of every level that reported in an earlier year and not this year.
func TestLevelsCoverage(t *testing.T) {
	f, want := levelsFixture(t)
	r := open(t, f)
	reg := regions.Default()
	years := map[string]map[int]bool{} // province → years with reports
	for _, rep := range levelsReps {
		p := rep.Region.Code[:2]
		if years[p] == nil {
			years[p] = map[int]bool{}
		}
		years[p][rep.Year] = true
	}
	expect := map[string]bool{} // code|year → reported
	for p, ys := range years {
		codes := []string{p}
		for _, a := range reg.PrefecturesOf(p) {
			if name, _ := reg.AreaName(p); a.Name != name {
				codes = append(codes, a.Code)
			}
		}
		for _, d := range reg.Under(p) {
			codes = append(codes, d.Code)
		}
		for y := range ys {
			for _, c := range codes {
				w := want[rolluptest.Key{Level: rolluptest.LevelOf(c), Code: c, Year: y}]
				expect[fmt.Sprintf("%s|%d", c, y)] = w != nil && len(w.Bodies) > 0
			}
		}
	}
	tb := query(t, r, `select region_code, year, level, reported, report_count, below_report_count from analytics.coverage`)
	got := map[string]bool{}
	for _, row := range tb.Rows {
		k := fmt.Sprintf("%s|%d", row[0], row[1])
		got[k] = row[3] == true
		rep, ok := expect[k]
		if !ok {
			t.Errorf("coverage %s: not expected", k)
			continue
		}
		if rep != (row[3] == true) || row[2] != rolluptest.LevelOf(row[0].(string)) {
			t.Errorf("coverage %s: %v reported %v, want %v", k, row[2], row[3], rep)
		}
		var bodies, below int
		if w := want[rolluptest.Key{Level: row[2].(string), Code: row[0].(string), Year: int(row[1].(int32))}]; w != nil {
			bodies, below = len(w.Bodies), len(w.Reports)-len(w.Bodies)
		}
		if row[4] != int64(bodies) || row[5] != int64(below) {
			t.Errorf("coverage %s: %v own reports and %v below, want %d and %d", k, row[4], row[5], bodies, below)
		}
	}
	for k := range expect {
		if _, ok := got[k]; !ok {
			t.Errorf("coverage %s: expected, not listed", k)
		}
	}
	if !got["21|2022"] || got["2101|2022"] || !got["2101|2023"] || !got["2114|2022"] {
		t.Errorf("coverage of the prefecture and province levels: 21 %v, 2101 %v/%v, 2114 %v",
			got["21|2022"], got["2101|2022"], got["2101|2023"], got["2114|2022"])
	}

	// bodies that reported in an earlier year and not this one, at every level
	type bk struct {
		code, body string
		year       int
	}
	has := map[bk]bool{}
	for _, rep := range levelsReps {
		has[bk{rep.Region.Code, rep.Body, rep.Year}] = true
	}
	var wantMissing []string
	for b := range has {
		for y := range years[b.code[:2]] {
			if y <= b.year || has[bk{b.code, b.body, y}] {
				continue
			}
			last := 0
			for z := y - 1; z >= b.year; z-- {
				if has[bk{b.code, b.body, z}] {
					last = z
					break
				}
			}
			if last == b.year {
				wantMissing = append(wantMissing, fmt.Sprintf("%s|%s|%d|%d", b.code, b.body, y, last))
			}
		}
	}
	sort.Strings(wantMissing)
	tb = query(t, r, `select region_code || '|' || body || '|' || year || '|' || last_year from analytics.missing_reports order by 1`)
	var gotMissing []string
	for _, row := range tb.Rows {
		gotMissing = append(gotMissing, row[0].(string))
	}
	if strings.Join(gotMissing, "\n") != strings.Join(wantMissing, "\n") {
		t.Errorf("missing bodies:\n got %v\nwant %v", gotMissing, wantMissing)
	}
	for _, w := range []string{"21|辽宁省统计局|2023|2021", "21|辽宁省地震局|2023|2022", "2114|葫芦岛市公安局|2023|2022", "211322|建平县公安局|2023|2022"} {
		if !strings.Contains(strings.Join(gotMissing, "\n")+"\n", w+"\n") {
			t.Errorf("missing bodies: no %s", w)
		}
	}
}

// TestLevelsAddUpCatchesWrongSums: checks.levels_add_up fails for the reason it names. On the
// fixture it returns nothing; with one figure of marts.region_years altered, it returns exactly
// the division-years whose sum no longer holds, for the measure altered: the altered division
// and its parent when the parent sums its children (not when the parent's consolidated report
// is its figure), at every level and for every measure, the own bodies' part included.
func TestLevelsAddUpCatchesWrongSums(t *testing.T) {
	f, _ := levelsFixture(t)
	audit := ""
	audits, err := queries.Audits()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range audits {
		if a.Name == "checks.levels_add_up" {
			audit = a.SQL
		}
	}
	if audit == "" {
		t.Fatal("no checks.levels_add_up")
	}
	every := func(code, figure string) []string {
		var out []string
		for _, m := range rolluptest.CountMeasures {
			out = append(out, code+" 2022 "+m+" "+figure)
		}
		return out
	}
	cases := []struct {
		name, set, where string
		want             []string // region_code year measure figure
	}{
		{"a prefecture's review count", "review_count = review_count + 1", "region_code = '2114' and year = 2022",
			[]string{"2114 2022 review_count total", "21 2022 review_count total"}},
		{"a county's litigation count", "litigation_count = litigation_count + 1", "region_code = '211421' and year = 2022",
			[]string{"211421 2022 litigation_count total", "2114 2022 litigation_count total"}},
		{"a county under a consolidated report", "requests_count = requests_count + 1", "region_code = '211321' and year = 2022",
			[]string{"211321 2022 requests_count total"}},
		{"the province's own bodies", "own_handled_count = own_handled_count + 1", "region_code = '21' and year = 2022",
			[]string{"21 2022 handled_count own"}},
		{"the reports a prefecture counts", "counted_report_count = counted_report_count + 1", "region_code = '2113' and year = 2023",
			[]string{"2113 2023 counted_report_count total"}},
		{"every measure of a prefecture", func() string {
			var s []string
			for _, m := range rolluptest.CountMeasures {
				s = append(s, fmt.Sprintf("%s = coalesce(%s, 0) + 1", m, m))
			}
			return strings.Join(s, ", ")
		}(), "region_code = '2101' and year = 2022", append(every("2101", "total"), every("21", "total")...)},
	}
	errDone := errors.New("done: the working copy is not published")
	err = store.Refresh(context.Background(), store.Options{Path: f.db, Threads: 2, MemoryLimit: "512MB"},
		func(ctx context.Context, conn *sql.Conn) error {
			run := func(q string) ([]string, error) {
				rows, err := conn.QueryContext(ctx, `select region_code, year, measure, figure from (`+q+`) order by all`)
				if err != nil {
					return nil, err
				}
				defer rows.Close()
				var out []string
				for rows.Next() {
					var code, measure, figure string
					var year int
					if err := rows.Scan(&code, &year, &measure, &figure); err != nil {
						return nil, err
					}
					out = append(out, fmt.Sprintf("%s %d %s %s", code, year, measure, figure))
				}
				return out, rows.Err()
			}
			if got, err := run(audit); err != nil || len(got) != 0 {
				return fmt.Errorf("on the fixture: %v %v", got, err)
			}
			if _, err := conn.ExecContext(ctx, `create temp table saved as select * from marts.region_years`); err != nil {
				return err
			}
			for _, c := range cases {
				if _, err := conn.ExecContext(ctx, `update marts.region_years set `+c.set+` where `+c.where); err != nil {
					return fmt.Errorf("%s: %w", c.name, err)
				}
				got, err := run(audit)
				if err != nil {
					return fmt.Errorf("%s: %w", c.name, err)
				}
				sort.Strings(got)
				w := append([]string{}, c.want...)
				sort.Strings(w)
				if strings.Join(got, "\n") != strings.Join(w, "\n") {
					t.Errorf("%s: the audit returns\n  %s\nwant\n  %s", c.name, strings.Join(got, "\n  "), strings.Join(w, "\n  "))
				}
				if _, err := conn.ExecContext(ctx, `delete from marts.region_years; insert into marts.region_years select * from saved`); err != nil {
					return err
				}
			}
			return errDone
		})
	if !errors.Is(err, errDone) {
		t.Fatal(err)
	}
}

// TestLevelsCommands: what `xxgk rollup`, `compare`, `coverage` and `checks` read follows the
// rule at every level: a province's and a prefecture's figure and own bodies' part, the basis
// of each year in a comparison, the coverage of one level, the bodies that stopped reporting,
// the violations of provincial bodies.
func TestLevelsCommands(t *testing.T) {
	f, want := levelsFixture(t)
	r := open(t, f)
	ctx := context.Background()
	fig := func(code string, year int) *rolluptest.Figure {
		w := want[rolluptest.Key{Level: rolluptest.LevelOf(code), Code: code, Year: year}]
		if w == nil {
			t.Fatalf("no figure %s %d", code, year)
		}
		return w
	}

	for _, level := range []string{"province", "prefecture"} {
		tb, err := r.Rollup(ctx, level, 2022, "21", false)
		if err != nil {
			t.Fatal(err)
		}
		col := func(name string) int {
			i := tb.Col(name)
			if i < 0 {
				t.Fatalf("rollup --level %s: no column %s in %v", level, name, tb.Columns)
			}
			return i
		}
		code, basis, req, own, ownReq := col(level+"_code"), col("basis"), col("requests_count"), col("own_report_count"), col("own_requests_count")
		n := 0
		for _, row := range tb.Rows {
			w := fig(row[code].(string), 2022)
			if row[basis] != w.Basis || !same(optOf(rolluptest.Sum(w.Counted, "requests_count")), row[req]) ||
				row[own] != int64(len(w.Own)) || !same(optOf(rolluptest.Sum(w.Own, "requests_count")), row[ownReq]) {
				t.Errorf("rollup --level %s: %s basis %v requests %v own %v/%v; want %s %s %d/%s", level, row[code], row[basis], row[req],
					row[own], row[ownReq], w.Basis, show(optOf(rolluptest.Sum(w.Counted, "requests_count"))), len(w.Own),
					show(optOf(rolluptest.Sum(w.Own, "requests_count"))))
			}
			n++
		}
		if (level == "province" && n != 1) || (level == "prefecture" && n != 3) {
			t.Errorf("rollup --level %s --region 21: %d rows", level, n)
		}
	}

	all, _, err := r.Compare(ctx, rollup.CompareOptions{From: 2022, To: 2023, Level: "prefecture", Region: "21", Measures: []string{"requests_count"}})
	if err != nil {
		t.Fatal(err)
	}
	changes, err := store.ScanAll[rollup.Change](all)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range changes {
		var from, to opt2
		var bFrom, bTo string
		if w := want[rolluptest.Key{Level: "prefecture", Code: ch.RegionCode, Year: 2022}]; w != nil {
			from, bFrom = optOf(rolluptest.Sum(w.Counted, "requests_count")), w.Basis
		}
		if w := want[rolluptest.Key{Level: "prefecture", Code: ch.RegionCode, Year: 2023}]; w != nil {
			to, bTo = optOf(rolluptest.Sum(w.Counted, "requests_count")), w.Basis
		}
		if !sameP(from, ch.ValueFrom) || !sameP(to, ch.ValueTo) || deref(ch.BasisFrom) != bFrom || deref(ch.BasisTo) != bTo {
			t.Errorf("compare %s: %v (%s) → %v (%s); want %s (%s) → %s (%s)", ch.RegionCode, ch.ValueFrom, deref(ch.BasisFrom), ch.ValueTo,
				deref(ch.BasisTo), show(from), bFrom, show(to), bTo)
		}
	}
	if len(changes) != 3 {
		t.Errorf("compare prefectures of 21: %d rows", len(changes))
	}
	// year over year says the same
	yoy := query(t, r, `select region_code, basis, basis_prev from analytics.region_yoy
		where year = 2023 and measure = 'requests_count' and level = 'prefecture' and region_code in ('2113', '2114') order by 1`)
	if got := fmt.Sprint(yoy.Rows); got != "[[2113 bodies area] [2114 area bodies]]" {
		t.Errorf("region_yoy basis: %s", got)
	}

	covT, err := r.Coverage(ctx, rollup.CoverageOptions{Year: 2022, Region: "21", Level: "prefecture"})
	if err != nil {
		t.Fatal(err)
	}
	cov, err := store.ScanAll[rollup.Coverage](covT)
	if err != nil {
		t.Fatal(err)
	}
	reported := map[string]bool{}
	for _, c := range cov {
		reported[c.RegionCode] = c.Reported
	}
	if len(cov) != len(regions.Default().PrefecturesOf("21")) || !reported["2113"] || !reported["2114"] || reported["2101"] {
		t.Errorf("coverage --level prefecture --region 21 2022: %d rows, %v", len(cov), reported)
	}
	missT, err := r.MissingBodies(ctx, rollup.CoverageOptions{Year: 2023, Region: "21", Level: "province"})
	if err != nil {
		t.Fatal(err)
	}
	miss, err := store.ScanAll[rollup.MissingBody](missT)
	if err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, m := range miss {
		bodies = append(bodies, fmt.Sprint(m.Body, " ", m.LastYear))
	}
	if strings.Join(bodies, ";") != "辽宁省地震局 2022;辽宁省统计局 2021" {
		t.Errorf("missing provincial bodies 2023: %v", bodies)
	}

	chkT, err := r.Checks(ctx, rollup.ChecksOptions{Region: "21"})
	if err != nil {
		t.Fatal(err)
	}
	chk, err := store.ScanAll[rollup.Violation](chkT)
	if err != nil {
		t.Fatal(err)
	}
	wantChecks, provincial := 0, 0
	for _, rep := range levelsReps {
		if strings.HasPrefix(rep.Region.Code, "21") {
			wantChecks += len(rep.Checks)
		}
	}
	gotChecks := 0
	for _, v := range chk {
		if v.Source == "report" {
			gotChecks++
			if v.RegionCode == "21" {
				provincial++
			}
		}
	}
	if gotChecks != wantChecks || provincial == 0 {
		t.Errorf("checks --region 21: %d violations found in reports (%d of provincial bodies), the fixture has %d", gotChecks, provincial, wantChecks)
	}
}

// TestReportLevelsMatchCodes: a report whose stored level contradicts the length of its code is
// listed by checks.report_levels_match_codes, and the rollups place it by its code.
func TestReportLevelsMatchCodes(t *testing.T) {
	f, _ := levelsFixture(t)
	audit := ""
	audits, err := queries.Audits()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range audits {
		if a.Name == "checks.report_levels_match_codes" {
			audit = a.SQL
		}
	}
	errDone := errors.New("done: the working copy is not published")
	err = store.Refresh(context.Background(), store.Options{Path: f.db, Threads: 2, MemoryLimit: "512MB"},
		func(ctx context.Context, conn *sql.Conn) error {
			var n int64
			if err := conn.QueryRowContext(ctx, `select count(*) from (`+audit+`)`).Scan(&n); err != nil || n != 0 {
				return fmt.Errorf("on the fixture: %d rows, %v", n, err)
			}
			if _, err := conn.ExecContext(ctx, `update main.reports set level = 'province' where region_code = '211321' and year = 2022`); err != nil {
				return err
			}
			var codes string
			if err := conn.QueryRowContext(ctx, `select string_agg(distinct region_code || ' ' || level, ';') from (`+audit+`)`).Scan(&codes); err != nil {
				return err
			}
			var level string
			if err := conn.QueryRowContext(ctx, `select string_agg(distinct level, ';') from staging.reports where region_code = '211321' and year = 2022`).Scan(&level); err != nil {
				return err
			}
			if codes != "211321 province" || level != "county" {
				t.Errorf("the audit lists %q (want 211321 province); staging places the reports at %q (want county)", codes, level)
			}
			return errDone
		})
	if !errors.Is(err, errDone) {
		t.Fatal(err)
	}
}

// TestMigrationFillsLevels: a warehouse published before migration 0004 (reports without a
// level column) gets the column on its next run, filled from the length of each report's code.
func TestMigrationFillsLevels(t *testing.T) {
	f, _ := levelsFixture(t)
	ctx := context.Background()
	b, err := os.ReadFile(f.db)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "old.duckdb")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	opts := store.Options{Path: path, Threads: 2, MemoryLimit: "512MB"}
	// back to the schema of migration 0003: no level column, 0004 not recorded
	err = store.Refresh(ctx, opts, func(ctx context.Context, conn *sql.Conn) error {
		for _, q := range []string{`drop schema analytics cascade`, `drop schema marts cascade`, `drop schema staging cascade`,
			`alter table reports drop column level`, `delete from schema_migrations where version = 4`} {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	w, err := store.Begin(ctx, opts) // migrates
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Finish(ctx, store.Run{Roots: []string{"upgrade"}, Status: "ok", Models: rollup.Apply}); err != nil {
		t.Fatal(err)
	}
	r := open(t, &fixture{db: path})
	tb := query(t, r, `select level, count(*) from main.reports group by level order by level`)
	want := map[string]int64{}
	for _, rep := range levelsReps {
		want[string(rep.Region.Level)]++
	}
	if len(tb.Rows) != len(want) {
		t.Errorf("levels after the migration: %v, want %v", tb.Rows, want)
	}
	for _, row := range tb.Rows {
		if l, _ := row[0].(string); row[1] != want[l] {
			t.Errorf("level %v: %v reports, want %d", row[0], row[1], want[l])
		}
	}
}
