package rollup_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"xxgk/pipeline/regions"
	"xxgk/pipeline/rollup"
	"xxgk/pipeline/store"
	"xxgk/queries"
	"xxgk/schemas"
)

// TestModelTests runs every model's sidecar tests (unique grain, not_null, accepted_values,
// relationships) and every audit of queries/checks on the generated province.
func TestModelTests(t *testing.T) {
	f := getFixture(t)
	r := open(t, f)
	models, err := queries.Models()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range models {
		n += len(m.Tests())
		tb := query(t, r, "select count(*) from "+m.Name)
		if tb.Rows[0][0].(int64) == 0 {
			t.Errorf("%s is empty on the generated province", m.Name)
		}
	}
	fails, err := rollup.RunTests(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	for _, fl := range fails {
		t.Errorf("%s %s: %d failing rows\n%s", fl.Model, fl.Test, fl.Rows, fl.SQL)
	}
	if n < 60 {
		t.Errorf("only %d sidecar tests", n)
	}
	t.Logf("%d models, %d sidecar tests", len(models), n)
}

// TestModelTestsCatchBadRows: a test compiled from a sidecar returns the rows that break it.
func TestModelTestsCatchBadRows(t *testing.T) {
	f := getFixture(t)
	r := open(t, f)
	m := &queries.Model{Name: "(select 1 as a, 'x' as b union all select 1, 'y' union all select null, 'z')", Meta: queries.Meta{
		Grain: []string{"a"}, Tests: queries.Tests{AcceptedValues: map[string][]string{"b": {"x"}},
			Relationships: []queries.Relationship{{Column: "b", To: "regions", Field: "code"}}}}}
	got := map[string]int64{}
	for _, tt := range m.Tests() {
		tb := query(t, r, "select count(*) from ("+tt.SQL+")")
		got[tt.Name] = tb.Rows[0][0].(int64)
	}
	want := map[string]int64{"unique(a)": 1, "not_null(a)": 1, "accepted_values(b)": 2, "relationships(b → regions.code)": 3}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %d failing rows, want %d (all: %v)", k, got[k], v, got)
		}
	}
}

// TestCommentsEverywhere: every analytics view and every one of its columns has a COMMENT, in
// the published file, as any DuckDB client sees it.
func TestCommentsEverywhere(t *testing.T) {
	f := getFixture(t)
	r := open(t, f)
	views, err := r.Views(context.Background(), []string{"analytics"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(views) < 10 {
		t.Fatalf("%d analytics views", len(views))
	}
	for _, v := range views {
		if v.Kind != "view" {
			t.Errorf("analytics.%s is a %s: the contract is views", v.Name, v.Kind)
		}
		if strings.TrimSpace(v.Comment) == "" || !strings.Contains(v.Comment, "/ ") {
			t.Errorf("analytics.%s: comment %q (want 中文 / English)", v.Name, v.Comment)
		}
		for _, c := range v.Columns {
			if strings.TrimSpace(c.Comment) == "" {
				t.Errorf("analytics.%s.%s has no comment", v.Name, c.Name)
			}
		}
	}
}

// TestApplyIsIdempotent: refreshing the models again publishes the same figures, and leaves no
// working copy behind; the hook runs on a run's working copy the same way.
func TestApplyIsIdempotent(t *testing.T) {
	f := getFixture(t)
	before := figures(t, f)
	if err := store.Refresh(context.Background(), store.Options{Path: f.db, Threads: 2, MemoryLimit: "1GB"}, rollup.Apply); err != nil {
		t.Fatal(err)
	}
	if after := figures(t, f); after != before {
		t.Errorf("figures changed on refresh:\n%s\n%s", before, after)
	}
}

func figures(t *testing.T, f *fixture) string {
	r := open(t, f)
	tb := query(t, r, `select count(*), sum(requests_count), sum(handled_count), sum(hash(region_code, year, disclosure_rate))::varchar
		from analytics.region_years`)
	return fmt.Sprint(tb.Rows[0]...)
}

// TestCountyCountedOnce: a county with a consolidated (area) report and department reports is
// counted once — from its area report — and the choice is visible.
func TestCountyCountedOnce(t *testing.T) {
	f := getFixture(t)
	r := open(t, f)
	// a county-year with an area report and at least one department report with requests
	tb := query(t, r, `select c.county_code, c.year, c.requests_count, c.department_report_count,
		(select requests_count from marts.report_measures m where m.region_code = c.county_code and m.year = c.year and m.scope = 'area'),
		(select sum(requests_count) from marts.report_measures m where m.region_code = c.county_code and m.year = c.year)
		from analytics.county_years c
		where c.basis = 'area' and c.department_report_count > 0
		order by c.county_code, c.year limit 1`)
	if len(tb.Rows) == 0 {
		t.Fatal("no county-year with both an area report and department reports")
	}
	row := tb.Rows[0]
	code, year, got, area, all := row[0].(string), row[1].(int32), row[2].(int64), row[4].(int64), asInt(row[5])
	if got != area || all <= area {
		t.Errorf("%s %d: county requests %d; area report %d; all its reports %d: want the area report alone", code, year, got, area, all)
	}
	// from the gold: the same county-year, the area report's number, not the sum
	var goldArea, goldAll int64
	for _, g := range f.gold {
		if g.Region.Code == code && g.Year == int(year) {
			v := cellOf(g.Table3, "new_received", "total").v
			goldAll += v
			if g.Scope == schemas.ScopeArea {
				goldArea = v
			}
		}
	}
	if got != goldArea || goldAll == goldArea {
		t.Errorf("%s %d: county requests %d, gold area report %d, gold sum of all reports %d", code, year, got, goldArea, goldAll)
	}
	// its department reports are reports of record, not counted
	tb = query(t, r, `select scope, counted, basis from analytics.reports where county_code = ? and year = ? order by scope, body`, code, year)
	for _, row := range tb.Rows {
		if (row[0] == "area") != (row[1] == true) || row[2] != "area" {
			t.Errorf("%s %d: %v report counted %v basis %v", code, year, row[0], row[1], row[2])
		}
	}
	// and a county without an area report sums its bodies
	tb = query(t, r, `select count(*) from analytics.county_years where basis = 'bodies' and counted_report_count > 1`)
	if tb.Rows[0][0].(int64) == 0 {
		t.Errorf("no county summed from its bodies")
	}
	t.Logf("%s %d: counted %d from the area report; all its reports together %d", code, year, got, all)
}

func asInt(v any) int64 {
	f, _ := asFloat(v)
	return int64(f)
}

// TestCoverageMatchesGold: every county of the province is expected each year; reported is
// true exactly when the gold has a report for it; the bodies missing against the years before
// are those of the gold (two years: the year before).
func TestCoverageMatchesGold(t *testing.T) {
	f := getFixture(t)
	r := open(t, f)
	have := map[string]int{}
	bodies := map[string]bool{}
	for _, g := range f.gold {
		have[fmt.Sprintf("%s|%d", g.Region.Code, g.Year)]++
		bodies[fmt.Sprintf("%s|%s|%d", g.Region.Code, g.Body, g.Year)] = true
	}
	counties := regions.Default().Under("21")
	// the county rows (analytics.coverage lists the province and its prefectures too: levels_test.go)
	tb := query(t, r, `select county_code, year, reported, report_count, missing_body_count from analytics.coverage
		where level = 'county' order by county_code, year`)
	if len(tb.Rows) != 2*len(counties) {
		t.Errorf("coverage: %d rows, want %d counties × 2 years", len(tb.Rows), len(counties))
	}
	notReported := 0
	for _, row := range tb.Rows {
		k := fmt.Sprintf("%s|%d", row[0], row[1])
		if (have[k] > 0) != (row[2] == true) || int64(have[k]) != row[3].(int64) {
			t.Errorf("%s: reported %v with %v reports; gold %d", k, row[2], row[3], have[k])
		}
		if row[2] == false {
			notReported++
		}
	}
	// bodies that reported in 2020 and not in 2021
	var want []string
	for k := range bodies {
		p := strings.Split(k, "|")
		if p[2] == "2020" && !bodies[p[0]+"|"+p[1]+"|2021"] {
			want = append(want, p[0]+"|"+p[1])
		}
	}
	sort.Strings(want)
	tb = query(t, r, `select county_code || '|' || body from analytics.missing_reports where year = 2021 order by 1`)
	var got []string
	for _, row := range tb.Rows {
		got = append(got, row[0].(string))
	}
	if strings.Join(got, ";") != strings.Join(want, ";") {
		t.Errorf("missing bodies 2021:\n got %v\nwant %v", got, want)
	}
	if len(want) == 0 {
		t.Errorf("the fixture has no body missing in 2021")
	}
	t.Logf("%d county-years not reported, %d bodies missing in 2021", notReported, len(want))
}

// TestCarryoverBreaksMatchGold: the R6 chain breaks across years are exactly the columns where
// a body's carried_over differs from its carried_forward of the year before, in the gold; they
// include every R6 fault the generator injected, and appear in analytics.rule_violations.
func TestCarryoverBreaksMatchGold(t *testing.T) {
	f := getFixture(t)
	r := open(t, f)
	byBody := map[string]*schemas.Report{}
	for _, g := range f.gold {
		byBody[fmt.Sprintf("%s|%s|%d", g.Region.Code, g.Body, g.Year)] = g
	}
	cols := []string{"natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total"}
	var want []string
	injected := map[string]bool{}
	for _, g := range f.gold {
		for _, c := range g.Checks {
			if c.Rule == "R6" {
				injected[fmt.Sprintf("%s|%s|%d|%s", g.Region.Code, g.Body, g.Year, c.Column)] = true
			}
		}
		p := byBody[fmt.Sprintf("%s|%s|%d", g.Region.Code, g.Body, g.Year-1)]
		if p == nil {
			continue
		}
		for _, c := range cols {
			co, cf := cellOf(g.Table3, "carried_over", c), cellOf(p.Table3, "carried_forward", c)
			if co.ok && cf.ok && co.v != cf.v {
				want = append(want, fmt.Sprintf("%s|%s|%d|%s|%d", g.Region.Code, g.Body, g.Year, c, co.v-cf.v))
			}
		}
	}
	sort.Strings(want)
	tb := query(t, r, `select county_code || '|' || body || '|' || year || '|' || col_key || '|' || difference from analytics.carryover_breaks order by 1`)
	var got []string
	for _, row := range tb.Rows {
		got = append(got, row[0].(string))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("carry-over breaks:\n got %v\nwant %v", got, want)
	}
	for k := range injected {
		found := false
		for _, g := range got {
			found = found || strings.HasPrefix(g, k+"|")
		}
		if !found {
			t.Errorf("injected R6 fault %s not found", k)
		}
	}
	// the chain breaks of the gold (not of carryover_breaks, which rule_violations reads)
	tb = query(t, r, `select count(*) from analytics.rule_violations where rule = 'R6' and source = 'chain'`)
	if tb.Rows[0][0].(int64) != int64(len(want)) {
		t.Errorf("rule_violations has %v R6 chain rows, the gold %d", tb.Rows[0][0], len(want))
	}
	// every other violation the gold holds is listed, once per report (a report published as
	// several files — a traditional-script copy — has one report of record)
	tb = query(t, r, `select count(*) from analytics.rule_violations where source = 'report'`)
	goldChecks := 0
	for _, g := range byBody {
		for _, c := range g.Checks {
			if c.Rule != "R6" {
				goldChecks++
			}
		}
	}
	if n := tb.Rows[0][0].(int64); n != int64(goldChecks) {
		t.Errorf("rule_violations: %d from reports, the gold has %d", n, goldChecks)
	}
	t.Logf("%d chain breaks (%d injected), %d gold violations", len(got), len(injected), goldChecks)
}
