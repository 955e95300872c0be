package rollup_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"xxgk/pipeline/batch"
	"xxgk/pipeline/batch/batchtest"
	"xxgk/pipeline/regions"
	"xxgk/pipeline/rollup"
	"xxgk/pipeline/rollup/rolluptest"
	"xxgk/pipeline/store"
	"xxgk/queries"
	"xxgk/schemas"
)

// lateRun is one run of TestUpdateEqualsBuild: reports loaded in one ingest-like run.
type lateRun struct {
	name string
	reps []*schemas.Report
}

// TestUpdateEqualsBuild loads the every-level fixture (rolluptest.Province: provincial bodies,
// prefectures with and without a consolidated report, counties with both) over several runs —
// a first part, then late reports in chunks (area reports of a prefecture and of the province
// among them), then corrected versions that replace reports of record, an incomplete version
// that must not, and a run with nothing new — each published in place with the incremental
// refresh (rollup.Update). After every run, every model of staging, marts and analytics must
// equal, row for row, what a full rebuild from scratch (rollup.Apply on a copy) gives.
func TestUpdateEqualsBuild(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.duckdb")
	reps := rolluptest.Province()
	rng := rand.New(rand.NewSource(17))
	rng.Shuffle(len(reps), func(i, j int) { reps[i], reps[j] = reps[j], reps[i] })
	var runs []lateRun
	first := len(reps) * 2 / 5
	runs = append(runs, lateRun{"first part", reps[:first]})
	for i, rest := 0, reps[first:]; len(rest) > 0; i++ {
		n := min(len(rest), 1+rng.Intn(9))
		runs = append(runs, lateRun{fmt.Sprintf("late %d", i+1), rest[:n]})
		rest = rest[n:]
	}
	// corrected versions (new numbers, same identity) of some reports of every level, one
	// incomplete version (never the report of record over a complete one)
	var corrected []*schemas.Report
	for i, r := range reps {
		if i%7 != 0 {
			continue
		}
		c := batchtest.Body(r.Region.Code, r.Body, r.Scope, r.Year, int64(9000+i))
		c.Format = r.Format
		if r.Format == schemas.FormatPre2019 {
			c.Table2, c.Table3, c.Table4 = schemas.Grid{}, schemas.Grid{}, schemas.Grid{}
			c.Checks, c.Statements = nil, nil
		}
		c.Source = strings.TrimSuffix(r.Source, ".txt") + "（更正）.txt"
		if i%14 == 0 {
			c.Status = schemas.StatusIncomplete
		}
		corrected = append(corrected, c)
	}
	runs = append(runs, lateRun{"corrected versions", corrected}, lateRun{"nothing new", nil})
	t.Logf("%d reports in %d runs", len(reps)+len(corrected), len(runs))

	id := int64(1000)
	for i, run := range runs {
		stats, res := loadRun(t, path, run.reps, &id, time.Date(2025, 1, 1, 0, 0, i, 0, time.UTC))
		if i > 0 {
			if !res.InPlace {
				t.Errorf("%s: published by copy (%s), want in place", run.name, res.Fallback)
			}
			if stats == nil || stats.Full {
				t.Fatalf("%s: the models were rebuilt (%+v), want an incremental refresh", run.name, stats)
			}
			if len(run.reps) > 0 && stats.Scope == 0 {
				t.Errorf("%s: nothing refreshed", run.name)
			}
			t.Logf("%s: %d reports, %d province-years, %d rows", run.name, len(run.reps), stats.Scope, stats.Rows)
		}
		compareWithBuild(t, path, run.name)
	}
}

// loadRun publishes reps as one run through the real store, with rollup.Update (Build when
// the store asks for every model) in the publishing transaction. Each run's files are newer
// than the last's.
func loadRun(t *testing.T, path string, reps []*schemas.Report, id *int64, mod time.Time) (*rollup.UpdateStats, store.Result) {
	t.Helper()
	ctx := context.Background()
	w, err := store.Begin(ctx, store.Options{Path: path, MemoryLimit: "512MB", Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	b := batch.NewBuilder(nil)
	defer b.Release()
	b.AddRegions(regions.Default())
	for _, r := range reps {
		*id++
		sha := fmt.Sprintf("%064x", *id)
		b.AddReport(batch.Meta{ReportID: *id, IdentityKey: batch.Identity(r, r.Source), Path: r.Source, SHA256: sha,
			Size: 100, ParserVersion: "test", RunID: w.RunID(), Modified: mod}, r)
		b.AddInput(batch.Input{RunID: w.RunID(), Path: r.Source, SHA256: sha, Size: 100, Status: schemas.InputLoaded, ReportID: *id})
	}
	if err := w.Load(ctx, b.Flush()...); err != nil {
		t.Fatal(errors.Join(err, w.Abort()))
	}
	var stats *rollup.UpdateStats
	res, err := w.Finish(ctx, store.Run{Roots: []string{"late"}, Inputs: int64(len(reps)), Loaded: int64(len(reps)), Status: "ok",
		Update: func(ctx context.Context, conn *sql.Conn, full bool) error {
			if full {
				stats = &rollup.UpdateStats{Full: true, Reason: "the store asked for it"}
				return rollup.Build(ctx, conn, nil)
			}
			st, err := rollup.Update(ctx, conn, store.Delta)
			stats = &st
			return err
		}})
	if err != nil {
		t.Fatal(err)
	}
	return stats, res
}

// compareWithBuild rebuilds every model from scratch on a copy of the warehouse and compares
// every model, row for row, with the warehouse's.
func compareWithBuild(t *testing.T, path, what string) {
	t.Helper()
	ctx := context.Background()
	ref := filepath.Join(filepath.Dir(path), "ref.duckdb")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + ".wal"); err == nil {
		t.Fatalf("%s: a WAL is left next to the published file", what)
	}
	if err := os.WriteFile(ref, b, 0o644); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(ref)
	if err := store.Refresh(ctx, store.Options{Path: ref, MemoryLimit: "512MB", Threads: 2}, rollup.Apply); err != nil {
		t.Fatal(err)
	}
	models, err := queries.Models()
	if err != nil {
		t.Fatal(err)
	}
	got, want := dump(t, path, models), dump(t, ref, models)
	compared := 0
	for _, m := range models {
		g, w := got[m.Name], want[m.Name]
		if strings.Join(g, "\n") != strings.Join(w, "\n") {
			t.Errorf("%s: %s differs from a full rebuild: %d rows, rebuilt %d\n%s", what, m.Name, len(g), len(w), firstDiff(g, w))
		}
		compared += len(w)
	}
	if compared == 0 {
		t.Fatalf("%s: no rows compared", what)
	}
}

// dump reads every model of the warehouse, each row as text, sorted.
func dump(t *testing.T, path string, models []*queries.Model) map[string][]string {
	t.Helper()
	s, err := store.OpenSession(context.Background(), path, store.SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out := map[string][]string{}
	for _, m := range models {
		rows, err := s.Query(context.Background(), `select * from `+m.Name)
		if err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		var lines []string
		for _, r := range rows.Rows {
			lines = append(lines, fmt.Sprint(r...))
		}
		sort.Strings(lines)
		out[m.Name] = lines
	}
	return out
}

func firstDiff(got, want []string) string {
	gs, ws := map[string]int{}, map[string]int{}
	for _, g := range got {
		gs[g]++
	}
	for _, w := range want {
		ws[w]++
	}
	var b strings.Builder
	n := 0
	for _, w := range want {
		if gs[w] == 0 && n < 5 {
			fmt.Fprintf(&b, "  missing: %s\n", w)
			n++
		}
	}
	n = 0
	for _, g := range got {
		if ws[g] == 0 && n < 5 {
			fmt.Fprintf(&b, "  extra:   %s\n", g)
			n++
		}
	}
	return b.String()
}

// TestRegistryCodesStartWithProvince: the sidecars of marts.region_measures and
// marts.region_yoy find a row's province as the first two digits of its division's code, and
// rollup.Update rebuilds every model when the warehouse's regions say otherwise. The registry
// shipped must not.
func TestRegistryCodesStartWithProvince(t *testing.T) {
	reg := regions.Default()
	n := 0
	for _, c := range reg.Counties {
		if c.Code[:2] != c.ProvinceCode || c.PrefectureCode[:2] != c.ProvinceCode {
			t.Errorf("county %s %s: province %s, prefecture %s", c.Code, c.Name, c.ProvinceCode, c.PrefectureCode)
		}
		n++
	}
	if n < 2800 {
		t.Fatalf("%d counties in the registry", n)
	}
}
