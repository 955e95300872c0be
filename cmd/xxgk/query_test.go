package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"xxgk/pipeline/gen"
	"xxgk/pipeline/ingest"
	"xxgk/pipeline/store"
	"xxgk/pipeline/textgrid"
)

// analystDB generates a small province (朝阳市, 2021–2022, with injected rule violations) and
// ingests it; the ingest builds the SQL models when it publishes.
func analystDB(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cfg := gen.Defaults()
	cfg.Provinces = []string{"2113"}
	cfg.FirstYear, cfg.LastYear = 2021, 2022
	cfg.Departments, cfg.Townships = 2, 1
	cfg.FaultShare = 0.3 // rule violations for checks to list (the default gives none at this size)
	cfg.Manifest = true
	if _, err := gen.Generate(context.Background(), cfg, filepath.Join(dir, "corpus")); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "w.duckdb")
	if _, err := ingest.Run(context.Background(), ingest.Options{Roots: []string{filepath.Join(dir, "corpus", gen.ReportsDir)},
		DB: db, Workers: 2, Threads: 2, MemoryLimit: "1GB"}); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestAnalystCommands runs rollup, compare, coverage, checks, query and views on one generated
// warehouse: outputs, formats, and bad input (exit status 2, DuckDB's message, no stack trace).
func TestAnalystCommands(t *testing.T) {
	db := analystDB(t)
	q := func(sql string) [][]string {
		t.Helper()
		out, errs, code := run(t, "query", "--db", db, "--format", "csv", sql)
		if code != exitOK {
			t.Fatalf("%s: exit %d: %s", sql, code, errs)
		}
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}

	t.Run("rollup", func(t *testing.T) {
		// The province's requests, summed here from the base tables (reports, table3_facts)
		// with the county-once rule written out: a county's area report when it has one with
		// table 3 (the first by body), else the sum of its bodies. Not from the view rollup prints.
		want := independent(t, db, `with cur as (
				select r.region_code, r.scope, r.body, f.total as req from reports r join table3_facts f using (report_id)
				where r.is_current and r.year = 2022 and f.row_key = 'new_received' and r.region_code like '21%'),
			area as (select region_code, min(body) filter (where scope = 'area') as area_body from cur group by region_code)
			select sum(req) from cur join area using (region_code)
			where area_body is null or (scope = 'area' and body = area_body)`)
		out, errs, code := run(t, "rollup", "--db", db, "--level", "province", "--year", "2022", "--format", "csv")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errs)
		}
		recs, _ := csv.NewReader(strings.NewReader(out)).ReadAll()
		if len(recs) != 2 || recs[1][0] != "21" || recs[0][4] != "requests_count" || recs[1][4] != want {
			t.Errorf("rollup csv:\n%s\nwant requests_count %s", out, want)
		}
		out, _, code = run(t, "rollup", "--db", db, "--level", "county", "--year", "2022", "--region", "2113")
		if code != exitOK || !strings.Contains(out, "朝阳县") || !strings.Contains(out, "公开率") || !strings.Contains(out, "%") {
			t.Errorf("rollup table (exit %d):\n%s", code, out)
		}
		// aligned: the heading, the rule and every row are equally wide
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if textgrid.Width(lines[0]) < 40 || !strings.HasPrefix(lines[1], "──") || textgrid.Width(lines[2]) > textgrid.Width(lines[1]) {
			t.Errorf("rollup table layout:\n%s", out)
		}
		out, _, code = run(t, "rollup", "--db", db, "--level", "province", "--year", "2022", "--format", "json")
		var rows []map[string]any
		if err := json.Unmarshal([]byte(out), &rows); code != exitOK || err != nil || len(rows) != 1 || fmt.Sprint(rows[0]["requests_count"]) != want {
			t.Errorf("rollup json (%v):\n%s", err, out)
		}
	})

	t.Run("compare", func(t *testing.T) {
		out, errs, code := run(t, "compare", "--db", db, "--from", "2021", "--to", "2022", "--level", "county", "--top", "2",
			"--measures", "requests_count,disclosure_rate,table2.rules.in_force", "--format", "json")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var doc struct {
			From, To int
			Level    string
			Rows     []map[string]any
			Movers   []map[string]any
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("one JSON document: %v\n%s", err, out)
		}
		all, movers := doc.Rows, doc.Movers
		if doc.From != 2021 || doc.To != 2022 || doc.Level != "county" || len(all) == 0 || len(movers) == 0 || len(movers) > 6 {
			t.Errorf("%d/%d/%s: %d rows, %d movers", doc.From, doc.To, doc.Level, len(all), len(movers))
		}
		// each county's requests in both years, summed here from the base tables with the
		// county-once rule written out (its area report when it has one with table 3, the first
		// by body, else the sum of its bodies): not from the views compare reads
		want := map[string][2]*int64{}
		for _, row := range independentRows(t, db, `with cur as (
				select r.region_code, r.year, r.scope, r.body, f.total as req from reports r join table3_facts f using (report_id)
				where r.is_current and r.status <> 'failed' and r.year in (2021, 2022) and f.row_key = 'new_received'
				and length(r.region_code) = 6),
			area as (select region_code, year, min(body) filter (where scope = 'area') as area_body from cur group by all)
			select region_code, year, sum(req)::bigint from cur join area using (region_code, year)
			where area_body is null or (scope = 'area' and body = area_body) group by all`) {
			w := want[row[0].(string)]
			n, _ := row[2].(int64)
			w[row[1].(int32)-2021] = &n
			if row[2] == nil {
				w[row[1].(int32)-2021] = nil
			}
			want[row[0].(string)] = w
		}
		type move struct {
			code  string
			delta float64
		}
		var moves []move
		seen := 0
		for _, r := range all {
			if r["measure"] != "requests_count" {
				continue
			}
			seen++
			code := r["region_code"].(string)
			w, ok := want[code]
			if !ok {
				t.Errorf("compare: county %s, which has no report in either year", code)
				continue
			}
			for i, col := range []string{"value_from", "value_to"} {
				if got, wv := r[col], w[i]; (wv == nil) != (got == nil) || (wv != nil && got.(float64) != float64(*wv)) {
					t.Errorf("compare %s %s: %v, want %v", code, col, got, show(wv))
				}
			}
			if w[0] != nil && w[1] != nil {
				d := float64(*w[1] - *w[0])
				if r["delta"] != d {
					t.Errorf("compare %s: delta %v, want %v", code, r["delta"], d)
				}
				moves = append(moves, move{code, d})
			} else if r["delta"] != nil {
				t.Errorf("compare %s: delta %v for a county without both years", code, r["delta"])
			}
		}
		if seen != len(want) {
			t.Errorf("compare: %d counties for requests_count, the base tables have %d", seen, len(want))
		}
		// the two largest movers by absolute difference (ties by code)
		sort.Slice(moves, func(i, j int) bool {
			a, b := math.Abs(moves[i].delta), math.Abs(moves[j].delta)
			return a > b || a == b && moves[i].code < moves[j].code
		})
		var wantMovers, gotMovers []string
		for i := 0; i < len(moves) && i < 2; i++ {
			wantMovers = append(wantMovers, moves[i].code)
		}
		for _, m := range movers {
			if m["measure"] == "requests_count" {
				gotMovers = append(gotMovers, m["region_code"].(string))
			}
		}
		t.Logf("compare: %d counties, movers %v", seen, wantMovers)
		if strings.Join(gotMovers, ",") != strings.Join(wantMovers, ",") {
			t.Errorf("compare movers of requests_count: %v, want %v", gotMovers, wantMovers)
		}
		out, _, code = run(t, "compare", "--db", db, "--from", "2021", "--to", "2022", "--level", "county", "--top", "2",
			"--measures", "requests_count,disclosure_rate,table2.rules.in_force", "--format", "csv")
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		ranked := 0
		for _, r := range recs[1:] {
			if r[len(r)-1] != "" {
				ranked++
			}
		}
		if code != exitOK || err != nil || recs[0][len(recs[0])-1] != "mover_rank" || ranked != len(movers) || len(recs)-1 != len(all) {
			t.Errorf("compare csv (%v): %d rows, %d marked movers, want %d and %d:\n%s", err, len(recs)-1, ranked, len(all), len(movers), out)
		}
		out, _, code = run(t, "compare", "--db", db, "--from", "2021", "--to", "2022", "--level", "prefecture")
		if code != exitOK || !strings.Contains(out, "朝阳市") || !strings.Contains(out, "pp") {
			t.Errorf("compare table (exit %d):\n%s", code, out)
		}
		_, errs, code = run(t, "compare", "--db", db, "--from", "2021", "--to", "2022", "--measures", "nonsense")
		if code != exitFailed || !strings.Contains(errs, "requests_count") {
			t.Errorf("unknown measure: exit %d: %s", code, errs)
		}
	})

	t.Run("coverage and checks", func(t *testing.T) {
		out, errs, code := run(t, "coverage", "--db", db, "--year", "2022")
		if code != exitOK || !strings.Contains(out, "应报县级") {
			t.Errorf("coverage: exit %d: %s\n%s", code, errs, out)
		}
		// counties of the registry under the provinces reported on, less those with a 2022
		// report: from the base tables, not from analytics.coverage
		n := independent(t, db, `select count(*) from regions c where c.level = 'county'
			and left(c.code, 2) in (select distinct left(region_code, 2) from reports where region_code is not null)
			and c.code not in (select region_code from reports where is_current and year = 2022 and region_code is not null)`)
		if !strings.Contains(out, "未报 "+n+" 个") {
			t.Errorf("coverage: want %s not reported:\n%s", n, out)
		}
		out, errs, code = run(t, "coverage", "--db", db, "--year", "2022", "--format", "json")
		var cov struct {
			Summary struct {
				NotReported int `json:"counties_not_reported"`
			}
			Counties      []map[string]any `json:"counties"`
			MissingBodies []map[string]any `json:"missing_bodies"`
		}
		if err := json.Unmarshal([]byte(out), &cov); code != exitOK || err != nil || itoa(cov.Summary.NotReported) != n || len(cov.Counties) != cov.Summary.NotReported || cov.MissingBodies == nil {
			t.Errorf("coverage json (exit %d, %v): %s\n%s", code, err, errs, out)
		}
		out, _, code = run(t, "coverage", "--db", db, "--year", "2022", "--format", "csv", "--level", "county")
		if recs, err := csv.NewReader(strings.NewReader(out)).ReadAll(); code != exitOK || err != nil || itoa(len(recs)-1) != n {
			t.Errorf("coverage csv (%v): want %s rows:\n%s", err, n, out)
		}
		out, errs, code = run(t, "checks", "--db", db, "--format", "csv")
		if code != exitOK {
			t.Fatalf("checks: exit %d: %s", code, errs)
		}
		// the violations by rule, from the base tables (not from analytics.rule_violations,
		// which the command prints): what the validator stored for each report of record
		// (R6 aside), and R6 counted here as the columns where a body's 上年结转 differs from
		// its 结转下年度 of the report of record of the year before
		byRule := map[string]int64{}
		total := int64(0)
		for _, row := range independentRows(t, db, `with rec as (
				select * from reports where is_current and status <> 'failed' and region_code is not null and body is not null),
			co as (select rec.region_code, rec.body, rec.year, f.* from rec join table3_facts f using (report_id) where f.row_key = 'carried_over'),
			cf as (select rec.region_code, rec.body, rec.year, f.* from rec join table3_facts f using (report_id) where f.row_key = 'carried_forward')
			select c.rule, count(*) from checks c join rec using (report_id) where c.rule <> 'R6' group by c.rule
			union all
			select 'R6', count(*) filter (where d) from co join cf on cf.region_code = co.region_code and cf.body = co.body
				and cf.year = co.year - 1, unnest([co.natural_person <> cf.natural_person, co.commercial <> cf.commercial,
				co.research <> cf.research, co.social_welfare <> cf.social_welfare, co.legal_services <> cf.legal_services,
				co.other_org <> cf.other_org, co.total <> cf.total]) as u(d)`) {
			n, _ := row[1].(int64)
			if b, ok := row[1].(*big.Int); ok {
				n = b.Int64()
			}
			if n > 0 {
				byRule[row[0].(string)] = n
				total += n
			}
		}
		t.Logf("checks: %d violations by rule %v", total, byRule)
		if got := strings.Count(out, "\n") - 1; int64(got) != total || total == 0 {
			t.Errorf("checks: %d rows, want %d (%v)", got, total, byRule)
		}
		out, _, code = run(t, "checks", "--db", db)
		rules := make([]string, 0, len(byRule))
		for r := range byRule {
			rules = append(rules, r)
		}
		sort.Strings(rules)
		line := fmt.Sprintf("规则违反 %d 条 / violations:", total)
		for _, r := range rules {
			line += fmt.Sprintf(" %s %d", r, byRule[r])
		}
		line += "；已核实 0 / acknowledged 0" // nothing is acknowledged in this warehouse
		if first, _, _ := strings.Cut(out, "\n"); code != exitOK || first != line {
			t.Errorf("checks summary: %q, want %q", first, line)
		}
		_, errs, code = run(t, "checks", "--db", db, "--rule", "R9")
		if code != exitFailed || !strings.Contains(errs, "R1 … R8") {
			t.Errorf("checks --rule R9: exit %d: %s", code, errs)
		}
	})

	t.Run("bad input", func(t *testing.T) {
		for _, tc := range []struct {
			args []string
			want string
		}{
			{[]string{"rollup", "--year", "2030"}, "2021, 2022"},
			{[]string{"rollup", "--year", "2022", "--region", "2114"}, "葫芦岛市"},
			{[]string{"rollup", "--year", "2022", "--region", "9999"}, "2113 朝阳市"},
			{[]string{"rollup", "--year", "2022", "--level", "town"}, "province, prefecture or county"},
			{[]string{"query", "select * from nosuch"}, "Table with name nosuch does not exist"},
			{[]string{"query", "select 1 +"}, "Parser Error"},
			{[]string{"query", "insert into regions (code) values ('1')"}, "INSERT"},
			{[]string{"query", "/* hi */ delete from reports"}, "DELETE"},
			{[]string{"query", "create temp table x as select 1"}, "CREATE"},
			{[]string{"query", "copy reports to 'x.csv'"}, "COPY"},
			{[]string{"query", "with a as (select 1) delete from reports"}, "WITH"},
			{[]string{"query", "explain analyze copy (select 'gone' x) to 'gone.csv' (format csv)"}, "COPY"},
			{[]string{"query", "set log_query_path = 'q.log'"}, "SET"},
			{[]string{"query", "--format", "csv", "select 1; select 2"}, "one result"},
			{[]string{"query", "--no-external", "select * from read_csv('/etc/passwd')"}, "disabled"},
			{[]string{"query", "select 1; drop table reports"}, "DROP"},
			{[]string{"views", "nosuch"}, "county_years"},
		} {
			_, errs, code := run(t, append(tc.args, "--db", db)...)
			if code != exitFailed || !strings.Contains(errs, tc.want) || strings.Contains(errs, "goroutine") {
				t.Errorf("%v: exit %d, stderr %q (want %q)", tc.args, code, errs, tc.want)
			}
		}
		_, errs, code := run(t, "query", "--db", filepath.Join(t.TempDir(), "none.duckdb"), "select 1")
		if code != exitFailed || !strings.Contains(errs, "no warehouse") {
			t.Errorf("missing warehouse: exit %d: %s", code, errs)
		}
		// nothing was written
		if n := q(`select count(*) from reports where report_id is null`)[1][0]; n != "0" {
			t.Error(n)
		}
	})

	t.Run("query formats", func(t *testing.T) {
		out, _, code := run(t, "query", "--db", db, "--format", "markdown", "select county_code, county_name from analytics.county_years order by 1 limit 2")
		if code != exitOK || !strings.HasPrefix(out, "| county_code | county_name |\n|---|---|\n| 211302 | 双塔区 |") {
			t.Errorf("markdown:\n%s", out)
		}
		out, _, code = run(t, "query", "--db", db, "select '朝阳县' as name, 12345 as n union all select 'ab', 1 order by n")
		lines := strings.Split(out, "\n")
		if code != exitOK || len(lines) < 4 || textgrid.Width(lines[2]) != textgrid.Width(lines[3]) || !strings.HasSuffix(lines[3], "12345") {
			t.Errorf("aligned table:\n%s", out)
		}
		// values written out by hand: exact decimals, nested values in order, dates, NULL
		sql := `select 1.50::decimal(18,4) as d, 123456789012345678.91::decimal(38,2) as big, null as x, 'a"b' as s,
			[1, 2] as l, {'b': 1, 'a': 'x'} as st, map {'k': 2} as m, date '2024-03-31' as dt,
			timestamp '2024-03-31 00:00:00' as ts, 170141183460469231731687303715884105727::hugeint as h`
		out, _, code = run(t, "query", "--db", db, "--format", "json", sql)
		for _, want := range []string{`"d": 1.5000`, `"big": 123456789012345678.91`, `"x": null`, `"s": "a\"b"`, `"l": [1,2]`,
			`"st": {"b":1,"a":"x"}`, `"m": {"k":2}`, `"dt": "2024-03-31"`, `"ts": "2024-03-31T00:00:00"`, `"h": 170141183460469231731687303715884105727`} {
			if code != exitOK || !strings.Contains(out, want) {
				t.Errorf("json lacks %s:\n%s", want, out)
			}
		}
		if !json.Valid([]byte(out)) {
			t.Errorf("not one JSON document:\n%s", out)
		}
		out, _, code = run(t, "query", "--db", db, "--format", "csv", sql)
		if recs, err := csv.NewReader(strings.NewReader(out)).ReadAll(); code != exitOK || err != nil || len(recs) != 2 ||
			strings.Join(recs[1], "|") != "1.5000|123456789012345678.91||a\"b|[1, 2]|{'b': 1, 'a': x}|{k=2}|2024-03-31|2024-03-31 00:00:00|170141183460469231731687303715884105727" {
			t.Errorf("csv (%v):\n%s", err, out)
		}
		out, _, code = run(t, "query", "--db", db, "--format", "json", "select 1 as a; select 2 as b")
		var multi struct {
			Results []struct {
				Statement string
				Rows      []map[string]int
			}
		}
		if err := json.Unmarshal([]byte(out), &multi); code != exitOK || err != nil || len(multi.Results) != 2 || multi.Results[1].Rows[0]["b"] != 2 {
			t.Errorf("two statements, one JSON document (%v):\n%s", err, out)
		}
		out, _, code = run(t, "query", "--db", db, "pivot (select county_name, year, requests_count from analytics.county_years where county_code = '211321') on year in (2021, 2022) using sum(requests_count)")
		if code != exitOK || !strings.Contains(out, "朝阳县") || !strings.Contains(out, "2022") {
			t.Errorf("pivot (exit %d):\n%s", code, out)
		}
		// the analyst's own CSV file can be read (not with --no-external)
		mine := filepath.Join(t.TempDir(), "budgets.csv")
		if err := os.WriteFile(mine, []byte("county_code,budget\n211321,12.5\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		out, errs, code := run(t, "query", "--db", db, "--format", "csv", fmt.Sprintf(`select c.county_name, b.budget from analytics.county_years c
			join read_csv('%s', types = {'county_code': 'VARCHAR'}) b using (county_code) where c.year = 2022`, mine))
		if code != exitOK || out != "county_name,budget\n朝阳县,12.5\n" {
			t.Errorf("own csv (exit %d, %s):\n%s", code, errs, out)
		}
	})

	t.Run("views", func(t *testing.T) {
		out, _, code := run(t, "views", "--db", db)
		if code != exitOK || !strings.Contains(out, "analytics.county_years") || !strings.Contains(out, "县级年度汇总") {
			t.Errorf("views:\n%s", out)
		}
		out, _, code = run(t, "views", "--db", db, "county_years")
		if code != exitOK || !strings.Contains(out, "disclosure_rate") || !strings.Contains(out, "公开率") {
			t.Errorf("views county_years:\n%s", out)
		}
		// full comments, the region_code one no longer cut at its comma
		out, _, code = run(t, "views", "--db", db, "region_years", "--format", "json")
		var v struct {
			Name    string
			Columns []map[string]string
		}
		if err := json.Unmarshal([]byte(out), &v); code != exitOK || err != nil || v.Name != "analytics.region_years" {
			t.Fatalf("views --format json (%v):\n%s", err, out)
		}
		found := false
		for _, c := range v.Columns {
			if c["column"] == "region_code" {
				found = strings.HasSuffix(c["comment"], "2-digit province)")
			}
		}
		if !found {
			t.Errorf("region_code comment:\n%s", out)
		}
		out, _, code = run(t, "views", "--db", db, "--format", "csv")
		if recs, err := csv.NewReader(strings.NewReader(out)).ReadAll(); code != exitOK || err != nil || len(recs) < 5 || recs[0][0] != "name" {
			t.Errorf("views --format csv (%v):\n%s", err, out)
		}
		out, errs, code := run(t, "views", "--db", db, "--test")
		if code != exitOK {
			t.Errorf("views --test: exit %d: %s\n%s", code, errs, out)
		}
		out, _, code = run(t, "--version")
		if code != exitOK || !strings.HasPrefix(out, "xxgk ") || !strings.Contains(out, "parser") {
			t.Errorf("--version (exit %d): %q", code, out)
		}
	})
}

// independent runs a statement written in the test on the warehouse (read-only) and returns
// its one value as text: expected values computed from the base tables, not from the views
// the commands print.
func independent(t *testing.T, db, q string) string {
	t.Helper()
	rows := independentRows(t, db, q)
	if len(rows) != 1 || len(rows[0]) != 1 {
		t.Fatalf("%s: %v, want one value", q, rows)
	}
	return fmt.Sprint(rows[0][0])
}

// independentRows is independent for a statement returning rows.
func independentRows(t *testing.T, db, q string) [][]any {
	t.Helper()
	s, err := store.OpenSession(context.Background(), db, store.SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, err := s.Query(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return r.Rows
}

func show(p *int64) string {
	if p == nil {
		return "NULL"
	}
	return fmt.Sprint(*p)
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
