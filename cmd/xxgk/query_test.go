package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"xxgk/pipeline/textgrid"

	"xxgk/pipeline/gen"
	"xxgk/pipeline/ingest"
)

// analystDB generates a small province (朝阳市, 2021–2022) and ingests it; the ingest builds the
// SQL models when it publishes.
func analystDB(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cfg := gen.Defaults()
	cfg.Provinces = []string{"2113"}
	cfg.FirstYear, cfg.LastYear = 2021, 2022
	cfg.Departments, cfg.Townships = 2, 1
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
		want := q(`select province_code, requests_count, handled_count from analytics.province_years where year = 2022`)
		out, errs, code := run(t, "rollup", "--db", db, "--level", "province", "--year", "2022", "--format", "csv")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errs)
		}
		recs, _ := csv.NewReader(strings.NewReader(out)).ReadAll()
		if len(recs) != 2 || recs[1][0] != "21" || !strings.Contains(out, want[1][1]) || recs[0][4] != "requests_count" {
			t.Errorf("rollup csv:\n%s\nwant requests %v", out, want[1])
		}
		out, _, code = run(t, "rollup", "--db", db, "--level", "county", "--year", "2022", "--region", "2113")
		if code != exitOK || !strings.Contains(out, "朝阳县") || !strings.Contains(out, "公开率") || !strings.Contains(out, "%") {
			t.Errorf("rollup table (exit %d):\n%s", code, out)
		}
		// aligned: every line of the grid has the same display width up to the last column
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if textgrid.Width(lines[0]) < 40 || !strings.HasPrefix(lines[1], "──") {
			t.Errorf("rollup table layout:\n%s", out)
		}
	})

	t.Run("compare", func(t *testing.T) {
		out, errs, code := run(t, "compare", "--db", db, "--from", "2021", "--to", "2022", "--level", "county", "--top", "2",
			"--measures", "requests_count,disclosure_rate,table2.rules.in_force", "--format", "json")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errs)
		}
		dec := json.NewDecoder(strings.NewReader(out))
		var all, movers []map[string]any
		if err := dec.Decode(&all); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if err := dec.Decode(&movers); err != nil {
			t.Fatalf("movers: %v\n%s", err, out)
		}
		if len(all) == 0 || len(movers) == 0 || len(movers) > 6 {
			t.Errorf("%d rows, %d movers", len(all), len(movers))
		}
		for _, r := range all {
			if r["measure"] == "requests_count" && r["value_from"] != nil && r["value_to"] != nil {
				if d := r["value_to"].(float64) - r["value_from"].(float64); d != r["delta"].(float64) {
					t.Errorf("%v: delta %v, want %v", r["region_code"], r["delta"], d)
				}
			}
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
		n := q(`select count(*) from analytics.coverage where year = 2022 and not reported`)[1][0]
		if !strings.Contains(out, "未报 "+n+" 个") {
			t.Errorf("coverage: want %s not reported:\n%s", n, out)
		}
		out, errs, code = run(t, "checks", "--db", db, "--format", "csv")
		if code != exitOK {
			t.Fatalf("checks: exit %d: %s", code, errs)
		}
		want := q(`select count(*) from analytics.rule_violations`)[1][0]
		if got := strings.Count(out, "\n") - 1; want != itoa(got) {
			t.Errorf("checks: %d rows, want %s", got, want)
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
			{[]string{"query", "insert into regions (code) values ('1')"}, "read-only"},
			{[]string{"query", "/* hi */ delete from reports"}, "DELETE"},
			{[]string{"query", "create temp table x as select 1"}, "read-only"},
			{[]string{"query", "copy reports to 'x.csv'"}, "read-only"},
			{[]string{"query", "with a as (select 1) delete from reports"}, "read-only"},
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
		if code != exitOK || !strings.HasPrefix(out, "| county_code | county_name |\n| --- | --- |\n| 211302 | 双塔区 |") {
			t.Errorf("markdown:\n%s", out)
		}
		out, _, code = run(t, "query", "--db", db, "select '朝阳县' as name, 12345 as n union all select 'ab', 1 order by n")
		lines := strings.Split(out, "\n")
		if code != exitOK || len(lines) < 4 || textgrid.Width(lines[2]) != textgrid.Width(lines[3]) || !strings.HasSuffix(lines[3], "12345") {
			t.Errorf("aligned table:\n%s", out)
		}
		out, _, code = run(t, "query", "--db", db, "--format", "json", "select 1.5::decimal(18,4) as d, null as x, 'a\"b' as s")
		if code != exitOK || !strings.Contains(out, `"d": 1.5`) || !strings.Contains(out, `"x": null`) || !strings.Contains(out, `"s": "a\"b"`) {
			t.Errorf("json:\n%s", out)
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
		out, errs, code := run(t, "views", "--db", db, "--test")
		if code != exitOK {
			t.Errorf("views --test: exit %d: %s\n%s", code, errs, out)
		}
	})
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
