package rollup_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"xxgk/pipeline/batch"
	"xxgk/pipeline/batch/batchtest"
	"xxgk/pipeline/regions"
	"xxgk/pipeline/rollup"
	"xxgk/pipeline/store"
	"xxgk/queries"
)

// version is one file (or re-reading) of a report loaded by a test run.
type version struct {
	label  string
	n      int // the body: batchtest.Report's department number (one identity per n)
	path   string
	status string
	mtime  time.Time
	sha    string // "" → from the label
	parser string // "" → "1"
}

// TestReportVersions: analytics.report_versions explains, for every version, the store's choice
// of the report of record, and checks.contested_reports lists the one file as new as the
// report of record that lost only because it reads less completely. The expected choices are
// written from the rule by hand; the view's own data tests (accepted_values of choice: no
// 'unexplained') pass.
func TestReportVersions(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	same := strings.Repeat("5", 64)
	runs := [][]version{
		{
			{label: "full", n: 1, path: "a/1.html", status: "complete", mtime: t0},
			{label: "cut", n: 1, path: "b/1.html", status: "incomplete", mtime: t0},
			{label: "old", n: 2, path: "2.html", status: "complete", mtime: t0},
			{label: "p1", n: 3, path: "a/3.html", status: "complete", mtime: t0.Add(100 * time.Millisecond)},
			{label: "p2", n: 3, path: "b/3.html", status: "complete", mtime: t0.Add(900 * time.Millisecond)},
			{label: "r1", n: 4, path: "4.html", status: "complete", mtime: t0, sha: same},
			{label: "e1", n: 5, path: "5.html", status: "complete", mtime: t0},
			{label: "pdf", n: 6, path: "6.pdf", status: "incomplete", mtime: t0.Add(-time.Hour)},
			{label: "html", n: 6, path: "6.html", status: "complete", mtime: t0},
			{label: "solo", n: 7, path: "7.html", status: "complete", mtime: t0},
		},
		{
			{label: "new", n: 2, path: "2-更正.html", status: "complete", mtime: t0.Add(time.Hour)},
			{label: "r2", n: 4, path: "4.html", status: "incomplete", mtime: t0, sha: same, parser: "2"},
			{label: "e2", n: 5, path: "5.html", status: "complete", mtime: t0.Add(300 * time.Millisecond)},
		},
	}
	want := map[string]string{ // label → choice, current label, contested
		"full": "current full false", "cut": "less_complete full true",
		"new": "current new false", "old": "older new false",
		"p2": "current p2 false", "p1": "path_order p2 false",
		"r2": "current r2 false", "r1": "reread r2 false",
		"e2": "current e2 false", "e1": "earlier_load e2 false",
		"html": "current html false", "pdf": "less_complete html false",
		"solo": "current solo false",
	}
	path := filepath.Join(t.TempDir(), "w.duckdb")
	ids := map[int64]string{}
	for i, vs := range runs {
		loadVersions(t, path, i == 0, vs, ids)
	}
	r := open(t, &fixture{db: path})
	tb := query(t, r, `select report_id, choice, current_report_id, contested, competing_count from analytics.report_versions`)
	if len(tb.Rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(tb.Rows), len(want))
	}
	for _, row := range tb.Rows {
		label := ids[row[0].(int64)]
		cur := ""
		if row[2] != nil {
			cur = ids[row[2].(int64)]
		}
		if got := fmt.Sprintf("%s %s %v", row[1], cur, row[3]); got != want[label] {
			t.Errorf("%s: %s, want %s", label, got, want[label])
		}
		if label == "solo" && row[4].(int64) != 1 || label == "full" && row[4].(int64) != 2 {
			t.Errorf("%s: competing_count %v", label, row[4])
		}
	}

	var audit string
	audits, err := queries.Audits()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range audits {
		if a.Name == "checks.contested_reports" {
			audit = a.SQL
		}
	}
	tb = query(t, r, `select contesting_report_id, current_report_id, contesting_status from (`+audit+`)`)
	if len(tb.Rows) != 1 || ids[tb.Rows[0][0].(int64)] != "cut" || ids[tb.Rows[0][1].(int64)] != "full" || tb.Rows[0][2] != "incomplete" {
		t.Errorf("checks.contested_reports: %v, want the truncated copy against the full one", tb.Rows)
	}
	fails, err := rollup.RunTests(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fails {
		if f.Model == "analytics.report_versions" {
			t.Errorf("%s %s: %d rows\n%s", f.Model, f.Test, f.Rows, f.SQL)
		}
	}
}

// loadVersions runs one ingest-like load of vs into the warehouse at path (with the models),
// recording each version's report id under its label.
func loadVersions(t *testing.T, path string, first bool, vs []version, ids map[int64]string) {
	t.Helper()
	ctx := context.Background()
	w, err := store.Begin(ctx, store.Options{Path: path, MemoryLimit: "1GB", Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	b := batch.NewBuilder(nil)
	defer b.Release()
	if first {
		b.AddRegions(regions.Default())
	}
	for i, v := range vs {
		rep := batchtest.Report("211321", 2024, v.n, int64(i))
		rep.Status = v.status
		sha, pv := v.sha, v.parser
		if sha == "" {
			sha = fmt.Sprintf("%064x", len(ids)+1)
		}
		if pv == "" {
			pv = "1"
		}
		id := int64(1000*w.RunID()) + int64(i)
		ids[id] = v.label
		b.AddReport(batch.Meta{ReportID: id, IdentityKey: batch.Identity(rep, v.path), Path: v.path, SHA256: sha, Size: 10,
			ParserVersion: pv, RunID: w.RunID(), Modified: v.mtime}, rep)
	}
	if err := w.Load(ctx, b.Flush()...); err != nil {
		t.Fatal(errors.Join(err, w.Abort()))
	}
	if _, err := w.Finish(ctx, store.Run{Roots: []string{"versions-test"}, Status: "ok", Models: rollup.Apply}); err != nil {
		t.Fatal(err)
	}
}
