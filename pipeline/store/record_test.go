package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"xxgk/pipeline/batch"
	"xxgk/pipeline/batch/batchtest"
	"xxgk/pipeline/store"
	"xxgk/schemas"
)

// file is one version of the same report (朝阳县人民政府, 2024) as a run would load it.
type file struct {
	name   string // the version's label in the expectations
	path   string
	status string // complete, incomplete, failed
	mtime  time.Time
	sha    string // "" → derived from name
	parser string // "" → "1"
}

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC) // on a whole second

// loadFiles runs one load of the given versions of the one identity; ids are derived from
// the names so expectations can name them.
func loadFiles(t *testing.T, path string, fs ...file) {
	t.Helper()
	ctx := context.Background()
	w := begin(t, path)
	b := batch.NewBuilder(nil)
	defer b.Release()
	for _, f := range fs {
		r := batchtest.Report("211321", 2024, 0, 1)
		r.Status = f.status
		sha, pv := f.sha, f.parser
		if sha == "" {
			sha = fmt.Sprintf("%064x", idOf(f.name))
		}
		if pv == "" {
			pv = "1"
		}
		b.AddReport(batch.Meta{ReportID: idOf(f.name + "@" + pv), IdentityKey: batch.Identity(r, f.path), Path: f.path,
			SHA256: sha, Size: 100, ParserVersion: pv, RunID: w.RunID(), Modified: f.mtime}, r)
	}
	if err := w.Load(ctx, b.Flush()...); err != nil {
		t.Fatal(errors.Join(err, w.Abort()))
	}
	if _, err := w.Finish(ctx, store.Run{Roots: []string{"in"}, Status: "ok"}); err != nil {
		t.Fatal(err)
	}
}

// idOf gives each label a stable report id (the labels are short ASCII).
func idOf(name string) int64 {
	var id int64
	for _, c := range name {
		id = id*131 + int64(c)
	}
	return id & (1<<62 - 1)
}

// state returns the current version's label and, per other version, the label of the
// version it is superseded by ("name→by").
func state(t *testing.T, path string, labels ...string) (current string, superseded []string) {
	t.Helper()
	byID := map[int64]string{}
	for _, l := range labels {
		for _, pv := range []string{"1", "2"} {
			byID[idOf(l+"@"+pv)] = l + map[string]string{"1": "", "2": "@2"}[pv]
		}
	}
	ss, err := store.OpenSession(context.Background(), path, store.SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	rows, err := ss.DB().Query(`select report_id, is_current, superseded_by from reports order by report_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var cur bool
		var sup *int64
		if err := rows.Scan(&id, &cur, &sup); err != nil {
			t.Fatal(err)
		}
		switch {
		case cur && sup != nil:
			t.Errorf("%s is current and superseded", byID[id])
		case cur:
			if current != "" {
				t.Errorf("two current versions: %s and %s", current, byID[id])
			}
			current = byID[id]
		case sup == nil:
			superseded = append(superseded, byID[id]+"→nil")
		default:
			superseded = append(superseded, byID[id]+"→"+byID[*sup])
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(superseded)
	return current, superseded
}

// TestReportOfRecord: when several files claim one report (same county, body and year), the
// complete one beats an incomplete or failed one, then the newer file (to the second), then
// the later path, then the later load; the same whether the files come in one run or over
// several; every other version points at the one that replaces it. Expectations are written
// from that rule by hand.
func TestReportOfRecord(t *testing.T) {
	type step []file
	cases := []struct {
		name    string
		runs    []step
		current string
		others  []string
	}{
		{
			name: "a truncated copy in a folder that sorts after the complete one",
			runs: []step{{
				{name: "full", path: "a/朝阳县/2024.html", status: "complete", mtime: t0},
				{name: "cut", path: "b/朝阳县/2024.html", status: "incomplete", mtime: t0},
			}},
			current: "full", others: []string{"cut→full"},
		},
		{
			name: "a PDF twin that reads incomplete, newer than the complete HTML",
			runs: []step{{
				{name: "html", path: "朝阳县/2024.html", status: "complete", mtime: t0},
				{name: "pdf", path: "朝阳县/2024.pdf", status: "incomplete", mtime: t0.Add(time.Hour)},
			}},
			current: "html", others: []string{"pdf→html"},
		},
		{
			name: "incomplete beats failed",
			runs: []step{{
				{name: "failed", path: "z.html", status: "failed", mtime: t0.Add(time.Hour)},
				{name: "part", path: "a.html", status: "incomplete", mtime: t0},
			}},
			current: "part", others: []string{"failed→part"},
		},
		{
			name: "two complete files: the newer wins over the later path",
			runs: []step{{
				{name: "older", path: "z/2024.html", status: "complete", mtime: t0},
				{name: "newer", path: "a/2024.html", status: "complete", mtime: t0.Add(2 * time.Second)},
			}},
			current: "newer", others: []string{"older→newer"},
		},
		{
			name: "within one second: the later path",
			runs: []step{{
				{name: "b", path: "b/2024.html", status: "complete", mtime: t0.Add(100 * time.Millisecond)},
				{name: "a", path: "a/2024.html", status: "complete", mtime: t0.Add(900 * time.Millisecond)},
			}},
			current: "b", others: []string{"a→b"},
		},
		{
			name: "a newer incomplete file in a later run does not replace the complete one; a newer complete one does",
			runs: []step{
				{{name: "v1", path: "2024.html", status: "complete", mtime: t0}},
				{{name: "v2", path: "2024-更正.html", status: "incomplete", mtime: t0.Add(time.Hour)}},
				{{name: "v3", path: "2024-更正2.html", status: "complete", mtime: t0.Add(2 * time.Hour)}},
			},
			current: "v3", others: []string{"v1→v3", "v2→v3"},
		},
		{
			name: "the same three files in one run choose the same",
			runs: []step{{
				{name: "v1", path: "2024.html", status: "complete", mtime: t0},
				{name: "v2", path: "2024-更正.html", status: "incomplete", mtime: t0.Add(time.Hour)},
				{name: "v3", path: "2024-更正2.html", status: "complete", mtime: t0.Add(2 * time.Hour)},
			}},
			current: "v3", others: []string{"v1→v3", "v2→v3"},
		},
		{
			name: "an older file loaded later does not replace a newer one",
			runs: []step{
				{{name: "new", path: "2024.html", status: "complete", mtime: t0.Add(time.Hour)}},
				{{name: "old", path: "archive/2024.html", status: "complete", mtime: t0}},
			},
			current: "new", others: []string{"old→new"},
		},
		{
			name: "a version stored without a time is older than one with a time",
			runs: []step{
				{{name: "untimed", path: "z/2024.html", status: "complete"}},
				{{name: "timed", path: "a/2024.html", status: "complete", mtime: t0}},
			},
			current: "timed", others: []string{"untimed→timed"},
		},
		{
			name: "the same path rewritten within a second: the later load",
			runs: []step{
				{{name: "first", path: "2024.html", status: "complete", mtime: t0}},
				{{name: "second", path: "2024.html", status: "complete", mtime: t0.Add(300 * time.Millisecond)}},
			},
			current: "second", others: []string{"first→second"},
		},
		{
			name: "a newer parser's reading of the same bytes replaces the old reading, even when it reads less",
			runs: []step{
				{{name: "x", path: "2024.html", status: "complete", mtime: t0, sha: strings.Repeat("a", 64)}},
				{{name: "x", path: "2024.html", status: "incomplete", mtime: t0, sha: strings.Repeat("a", 64), parser: "2"}},
			},
			current: "x@2", others: []string{"x→x@2"},
		},
		{
			name: "a newer parser's reading competes with the other files as they are",
			runs: []step{
				{
					{name: "x", path: "b/2024.html", status: "complete", mtime: t0, sha: strings.Repeat("a", 64)},
					{name: "y", path: "a/2024.html", status: "complete", mtime: t0},
				},
				{{name: "x", path: "b/2024.html", status: "incomplete", mtime: t0, sha: strings.Repeat("a", 64), parser: "2"}},
			},
			current: "y", others: []string{"x@2→y", "x→x@2"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "w.duckdb")
			var labels []string
			for _, r := range tc.runs {
				loadFiles(t, path, r...)
				for _, f := range r {
					labels = append(labels, f.name)
				}
			}
			cur, others := state(t, path, labels...)
			if cur != tc.current || !reflect.DeepEqual(others, tc.others) {
				t.Errorf("current %s, others %v; want %s, %v", cur, others, tc.current, tc.others)
			}
			// a rerun with nothing new changes nothing
			before := fingerprints(t, path)
			loadFiles(t, path)
			if after := fingerprints(t, path); !reflect.DeepEqual(before[schemas.TableReports], after[schemas.TableReports]) {
				t.Error("reports changed on a rerun with nothing new")
			}
		})
	}
}

func fingerprints(t *testing.T, path string) map[string]store.Fingerprint {
	t.Helper()
	ss, err := store.OpenSession(context.Background(), path, store.SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	fp, err := store.Fingerprints(context.Background(), ss.DB())
	if err != nil {
		t.Fatal(err)
	}
	return fp
}
