package rollup_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"xxgk/pipeline/regions"
	"xxgk/pipeline/rollup"
	"xxgk/pipeline/store"
	"xxgk/queries"
)

// areaWarehouse writes a small migrated warehouse: 朝阳县 (211321) 2021 with two consolidated
// (area) reports — 朝阳县人民政府 (requests 7) and 朝阳县 (requests 5) — and a department report
// (requests 3); 建平县 (211322) 2021 with one area report (requests 4).
func areaWarehouse(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	opts := store.Options{Path: path, MemoryLimit: "1GB", Threads: 2}
	w, err := store.Begin(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Finish(ctx, store.Run{Roots: []string{"area-test"}, Status: "ok"}); err != nil {
		t.Fatal(err)
	}
	reg := regions.Default()
	var vals []string
	seen := map[string]bool{}
	add := func(code, v string) {
		if !seen[code] {
			seen[code] = true
			vals = append(vals, v)
		}
	}
	for _, code := range []string{"211321", "211322"} {
		c, ok := reg.County(code)
		if !ok {
			t.Fatalf("county %s not in the registry", code)
		}
		pv, _ := reg.AreaName(c.ProvinceCode)
		pf, _ := reg.AreaName(c.PrefectureCode)
		add(c.Code, fmt.Sprintf("('%s', 'county', '%s', '%s', '%s', '%s', '%s', '%s')", c.Code, c.Name, c.PrefectureCode,
			c.ProvinceCode, c.Province, c.PrefectureCode, c.Prefecture))
		add(c.PrefectureCode, fmt.Sprintf("('%s', 'prefecture', '%s', '%s', '%s', '%s', '%s', '%s')", c.PrefectureCode, pf,
			c.ProvinceCode, c.ProvinceCode, pv, c.PrefectureCode, pf))
		add(c.ProvinceCode, fmt.Sprintf("('%s', 'province', '%s', null, '%s', '%s', null, null)", c.ProvinceCode, pv,
			c.ProvinceCode, pv))
	}
	type rep struct {
		id         int64
		code, body string
		scope      string
		requests   int64
	}
	reps := []rep{
		{1, "211321", "朝阳县人民政府", "area", 7},
		{2, "211321", "朝阳县", "area", 5},
		{3, "211321", "朝阳县教育局", "department", 3},
		{4, "211322", "建平县", "area", 4},
	}
	stmts := []string{"insert or replace into regions values " + strings.Join(vals, ",\n")}
	for _, r := range reps {
		stmts = append(stmts,
			fmt.Sprintf(`insert into reports (report_id, identity_key, region_code, region_method, body, scope, year, format, title,
				source_path, sha256, size_bytes, encoding, parser_version, run_id, status, check_count, problem_count, version,
				is_current, superseded_by)
				values (%d, '%s|%s|2021', '%s', 'manifest', '%s', '%s', 2021, 'gb2021', 't', 'r/%d.txt', md5('%d'), 100,
				'UTF-8', 'test', 1, 'complete', 0, 0, 1, true, null)`,
				r.id, r.code, r.body, r.code, r.body, r.scope, r.id, r.id),
			fmt.Sprintf(`insert into table3_facts values (%d, 'new_received', %d, 0, 0, 0, 0, 0, %d)`, r.id, r.requests, r.requests))
	}
	err = store.Refresh(ctx, opts, func(ctx context.Context, conn *sql.Conn) error {
		for _, q := range stmts {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("%.80s…: %w", q, err)
			}
		}
		return rollup.Apply(ctx, conn)
	})
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSeveralAreaReports: a county-year with two consolidated (area) reports is counted once —
// from the first by body — and is flagged: by the audit checks.area_reports_once (naming both
// reports and the one counted) and by analytics.coverage.area_report_count.
func TestSeveralAreaReports(t *testing.T) {
	r := open(t, &fixture{db: areaWarehouse(t)})

	tb := query(t, r, `select county_code, year, basis, area_report_count, counted_report_count, requests_count
		from analytics.county_years order by county_code`)
	want := []string{"211321 2021 area 2 1 5", "211322 2021 area 1 1 4"}
	if len(tb.Rows) != len(want) {
		t.Fatalf("county_years: %v", tb.Rows)
	}
	for i, row := range tb.Rows {
		if got := line(row); got != want[i] {
			t.Errorf("county_years: %s, want %s", got, want[i])
		}
	}

	tb = query(t, r, `select county_code, area_report_count from analytics.coverage
		where year = 2021 and county_code in ('211321', '211322') order by county_code`)
	if len(tb.Rows) != 2 || asInt(tb.Rows[0][1]) != 2 || asInt(tb.Rows[1][1]) != 1 {
		t.Errorf("coverage: %v", tb.Rows)
	}

	audit := ""
	audits, err := queries.Audits()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range audits {
		if a.Name == "checks.area_reports_once" {
			audit = a.SQL
		}
	}
	if audit == "" {
		t.Fatal("no audit checks.area_reports_once")
	}
	tb = query(t, r, `select region_code, year, area_report_count, report_ids::varchar, bodies::varchar, counted_report_id
		from (`+audit+`)`)
	if len(tb.Rows) != 1 {
		t.Fatalf("checks.area_reports_once: %v, want the one county-year", tb.Rows)
	}
	if got, w := line(tb.Rows[0]), "211321 2021 2 [2, 1] [朝阳县, 朝阳县人民政府] 2"; got != w {
		t.Errorf("checks.area_reports_once: %s, want %s", got, w)
	}

	fails, err := rollup.RunTests(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	flagged := false
	for _, f := range fails {
		if f.Model == "checks.area_reports_once" {
			flagged = f.Rows == 1
		} else {
			t.Logf("also failing: %s %s (%d rows)", f.Model, f.Test, f.Rows)
		}
	}
	if !flagged {
		t.Errorf("RunTests does not report checks.area_reports_once: %+v", fails)
	}
}

func line(row []any) string {
	return strings.TrimSuffix(fmt.Sprintln(row...), "\n")
}
