package run_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"xxgk/pipeline/config"
	"xxgk/pipeline/gen"
	"xxgk/pipeline/ingest"
	"xxgk/pipeline/progress"
	"xxgk/pipeline/run"
	"xxgk/pipeline/store"
	"xxgk/schemas"
)

// The concurrency and crash tests run xxgk run in a child process: the test binary re-executed
// with XXGK_RUN_CHILD set to the stage (or "progress", inside the ingest) at which the child
// prints "at <stage> <pid>" and waits on stdin, where the parent kills it or lets it go.
func TestMain(m *testing.M) {
	if at := os.Getenv("XXGK_RUN_CHILD"); at != "" {
		os.Exit(child(at))
	}
	os.Exit(m.Run())
}

// quiet drops the runs' logs (set XXGK_TEST_LOG=1 to see them).
var quiet = func() *slog.Logger {
	if os.Getenv("XXGK_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}()

func child(at string) int {
	c, err := config.Load(os.Getenv("XXGK_RUN_CONFIG"), nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	in := bufio.NewReader(os.Stdin)
	stop := func(where string) {
		fmt.Printf("at %s %d\n", where, os.Getpid())
		_, _ = in.ReadString('\n')
	}
	o := run.Options{Config: c, Version: "xxgk test", Logger: quiet, Hook: func(stage string) {
		if stage == at {
			stop(stage)
		}
	}}
	if at == "progress" {
		stopped := false
		o.Progress = func(p progress.Update) {
			if !stopped && p.Stage == progress.StageIngest && p.Done > 0 && !p.Finished {
				stopped = true
				stop("progress")
			}
		}
	}
	rec, err := run.Run(context.Background(), o)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		if errors.Is(err, run.ErrBusy) {
			return 3
		}
		return 2
	}
	fmt.Println("done", rec.ID, rec.Status)
	return 0
}

// startChild starts a run in a child process that stops at stage and returns once it is there.
func startChild(t *testing.T, cfgPath, stage string) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "XXGK_RUN_CHILD="+stage, "XXGK_RUN_CONFIG="+cfgPath)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "at "+stage) {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("child did not stop at %s: %q %v\n%s", stage, line, err, stderr.String())
	}
	return cmd, stdin
}

func kill(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
}

// province generates 朝阳市 (2113), 2022–2024, a few bodies per county, under dir/corpus.
func province(t *testing.T, dir string) (gen.Config, string) {
	t.Helper()
	cfg := gen.Defaults()
	cfg.Provinces = []string{"2113"}
	cfg.FirstYear, cfg.LastYear = 2022, 2024
	cfg.Departments, cfg.Townships = 2, 1
	cfg.MissingShare = 0
	cfg.Manifest = true
	cfg.Seed = 5
	out := filepath.Join(dir, "corpus")
	if _, err := gen.Generate(context.Background(), cfg, out); err != nil {
		t.Fatal(err)
	}
	return cfg, filepath.Join(out, gen.ReportsDir)
}

// configFor is the run configuration of a test: inputs, warehouse and outputs under dir.
func configFor(reports, db, out string) config.Config {
	c := config.Default()
	c.Warehouse = db
	c.Inputs = []string{reports}
	c.Region = "21"
	c.Workers = 2
	c.DuckDB.Threads = 2
	c.DuckDB.MemoryLimit = "1GB"
	c.Export.Out = out
	c.Export.Formats = []string{"xlsx", "md", "csv"}
	return c
}

func writeConfig(t *testing.T, c config.Config, path string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(c.YAML()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func runOnce(t *testing.T, c config.Config) *run.Record {
	t.Helper()
	rec, err := run.Run(context.Background(), run.Options{Config: c, Version: "xxgk test", Logger: quiet})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if rec.Status == run.StatusFailed {
		t.Fatalf("run failed: %v", rec.Problems)
	}
	return rec
}

func fingerprints(t *testing.T, db string, exclude ...string) map[string]store.Fingerprint {
	t.Helper()
	s, err := store.OpenSession(context.Background(), db, store.SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fp, err := store.Fingerprints(context.Background(), s, exclude...)
	if err != nil {
		t.Fatal(err)
	}
	return fp
}

func count(t *testing.T, db, q string) int64 {
	t.Helper()
	s, err := store.OpenSession(context.Background(), db, store.SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int64
	if err := s.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

type fileState struct {
	sum   string
	mtime time.Time
}

// tree returns every file under dir (relative path → content digest and mtime).
func tree(t *testing.T, dir string) map[string]fileState {
	t.Helper()
	out := map[string]fileState{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		st, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = fileState{sum: fmt.Sprintf("%x", b), mtime: st.ModTime()}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// csvValue reads one column of the row of a CSV file whose column key equals value.
func csvValue(t *testing.T, path, keyCol, key, col string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	ki, ci := -1, -1
	for i, h := range recs[0] {
		if h == keyCol {
			ki = i
		}
		if h == col {
			ci = i
		}
	}
	if ki < 0 || ci < 0 {
		t.Fatalf("%s: no column %s or %s in %v", path, keyCol, col, recs[0])
	}
	for _, r := range recs[1:] {
		if r[ki] == key {
			return r[ci]
		}
	}
	t.Fatalf("%s: no row %s=%s", path, keyCol, key)
	return ""
}

// correct changes one number of one report file: the total of table 3's new requests of an
// area report of year, rendered again in the file's own shape. It returns the county and the
// amount added.
func correct(t *testing.T, cfg gen.Config, reports string, year int) (string, int64) {
	t.Helper()
	var county string
	errFound := errors.New("found")
	err := gen.Docs(cfg, func(d *gen.Doc) error {
		r := d.Gold
		if r.Year != year || r.Scope != schemas.ScopeArea || d.Fault != "" {
			return nil
		}
		p := filepath.Join(reports, filepath.FromSlash(d.Path))
		b, err := os.ReadFile(p)
		if err != nil || !bytes.Equal(gen.Render(r, d.Prose, d.Shape, d.Opts), b) {
			return nil // an encoded or office copy: not rendered as is
		}
		c, ok := r.Table3.Get("new_received", "total")
		if !ok || c.State != schemas.StateNumber {
			return nil
		}
		c.Value = schemas.DecInt(c.Value.Int() + 100)
		r.Table3.Set("new_received", "total", c)
		nb := gen.Render(r, d.Prose, d.Shape, d.Opts)
		if bytes.Equal(nb, b) {
			return nil
		}
		if err := os.WriteFile(p, nb, 0o644); err != nil {
			return err
		}
		county = r.Region.Code
		return errFound
	})
	if !errors.Is(err, errFound) {
		t.Fatalf("no report to correct: %v", err)
	}
	return county, 100
}

// TestRunRerunLateAndCorrected: a run end to end; a rerun with nothing new changes nothing
// and says so; late reports (a county's year) and a corrected report update the warehouse and
// only the outputs they touch.
func TestRunRerunLateAndCorrected(t *testing.T) {
	dir := t.TempDir()
	cfg, reports := province(t, dir)
	// hold back one county's 2024 reports: they arrive late
	late := filepath.Join(dir, "late")
	counties, _ := filepath.Glob(filepath.Join(reports, "辽宁省", "朝阳市", "*", "2024"))
	if len(counties) < 2 {
		t.Fatalf("corpus has %d county-years of 2024", len(counties))
	}
	lateCounty := counties[len(counties)-1]
	if err := os.Rename(lateCounty, late); err != nil {
		t.Fatal(err)
	}
	db, out := filepath.Join(dir, "w.duckdb"), filepath.Join(dir, "out")
	c := configFor(reports, db, out)

	// 1. the first run
	rec := runOnce(t, c)
	if !rec.Changed || !rec.Exported || rec.ID != 1 || rec.Loaded == 0 || rec.Loaded != rec.Inputs || rec.IngestRunID != 1 {
		t.Fatalf("first run: %+v", rec)
	}
	if rec.ConfigSHA256 != run.Digest(c) || len(rec.ConfigSHA256) != 64 {
		t.Errorf("config digest %s", rec.ConfigSHA256)
	}
	if got := fmt.Sprint(rec.Years); got != "[2022 2023 2024]" {
		t.Errorf("years %s", got)
	}
	if rec.Written != len(rec.Outputs) || len(rec.Outputs) == 0 {
		t.Errorf("first run wrote %d of %d outputs", rec.Written, len(rec.Outputs))
	}
	for _, want := range []string{"21_2023_辽宁省.xlsx", "21_2024_辽宁省.md", "csv/21_2022_region_years.csv", "compare/21_2022-2023.csv", "compare/21_2023-2024.csv"} {
		if _, err := os.Stat(filepath.Join(out, want)); err != nil {
			t.Errorf("output %s: %v", want, err)
		}
	}
	// the scan lists exactly what the ingest read
	files, _, err := ingest.InputFiles(ingest.Options{Roots: c.Inputs, DB: db})
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `select count(*) from inputs where run_id = 1`); n != int64(len(files)) || n != int64(rec.Inputs) {
		t.Errorf("ingest read %d inputs, InputFiles lists %d, the record says %d", n, len(files), rec.Inputs)
	}
	var keys []string
	for _, f := range files {
		keys = append(keys, "'"+strings.ReplaceAll(f.Key, "'", "''")+"'")
	}
	if n := count(t, db, `select count(*) from inputs where run_id = 1 and path in (`+strings.Join(keys, ",")+`)`); n != int64(len(files)) {
		t.Errorf("%d of %d listed keys are the ingest's input paths", n, len(files))
	}
	// the record is in the warehouse
	recs, err := run.List(context.Background(), db)
	if err != nil || len(recs) != 1 || recs[0].ID != 1 || recs[0].Status != rec.Status || len(recs[0].Outputs) != len(rec.Outputs) ||
		recs[0].Inputs != rec.Inputs || recs[0].ConfigSHA256 != rec.ConfigSHA256 {
		t.Fatalf("records %+v %v", recs, err)
	}
	if n := count(t, db, `select count(*) from duckdb_views() where view_name like 'ingest_%'`); n != 0 {
		t.Errorf("%d ingest views survived", n)
	}

	// 2. a rerun with nothing new: no ingest, same data, outputs untouched, says so
	fp1 := fingerprints(t, db)
	out1 := tree(t, out)
	time.Sleep(10 * time.Millisecond) // mtimes would show a rewrite
	rec2 := runOnce(t, c)
	if rec2.Changed || rec2.Exported || rec2.Loaded != 0 || rec2.Written != 0 || rec2.ID != 2 || rec2.IngestRunID != 1 {
		t.Errorf("rerun: %+v", rec2)
	}
	if !strings.Contains(rec2.Message, "warehouse unchanged") || !strings.Contains(rec2.Message, "not rewritten") {
		t.Errorf("rerun message %q", rec2.Message)
	}
	if rec2.Status != rec.Status || rec2.Failures != rec.Failures || rec2.Incomplete != rec.Incomplete || rec2.Violations != rec.Violations {
		t.Errorf("rerun counts differ: %+v vs %+v", rec2, rec)
	}
	if fp2 := fingerprints(t, db); fmt.Sprint(fp2) != fmt.Sprint(fp1) {
		t.Errorf("rerun changed the warehouse:\n%v\n%v", fp1, fp2)
	}
	if n := count(t, db, `select count(*) from ingest_runs`); n != 1 {
		t.Errorf("%d ingest runs after a rerun with nothing new", n)
	}
	if out2 := tree(t, out); fmt.Sprint(out2) != fmt.Sprint(out1) {
		t.Errorf("rerun touched the outputs")
	}
	if len(rec2.Outputs) != len(rec.Outputs) {
		t.Errorf("rerun lists %d outputs, want %d", len(rec2.Outputs), len(rec.Outputs))
	}

	// 3. late reports and a corrected report
	region23 := filepath.Join(out, "csv", "21_2023_region_years.csv")
	before23 := csvValue(t, region23, "region_code", "21", "requests_count")
	before24 := csvValue(t, filepath.Join(out, "csv", "21_2024_region_years.csv"), "region_code", "21", "report_count")
	if err := os.Rename(late, lateCounty); err != nil {
		t.Fatal(err)
	}
	lateFiles, _ := filepath.Glob(filepath.Join(lateCounty, "*"))
	corrected, delta := correct(t, cfg, reports, 2023)
	countyBefore := csvValue(t, region23, "region_code", corrected, "requests_count")
	rec3 := runOnce(t, c)
	if !rec3.Changed || !rec3.Exported || rec3.Loaded != len(lateFiles)+1 || rec3.IngestRunID != 2 || rec3.Inputs != rec.Inputs+len(lateFiles) {
		t.Errorf("run with late and corrected reports: %+v (late %d)", rec3, len(lateFiles))
	}
	if n := count(t, db, `select count(*) from reports where version = 2 and is_current and run_id = 2`); n != 1 {
		t.Errorf("%d new versions, want the corrected report", n)
	}
	if n := count(t, db, `select count(*) from reports where not is_current`); n != 1 {
		t.Errorf("%d superseded reports, want 1", n)
	}
	after23 := csvValue(t, region23, "region_code", "21", "requests_count")
	a, _ := strconv.ParseInt(after23, 10, 64)
	b, _ := strconv.ParseInt(before23, 10, 64)
	if a-b != delta {
		t.Errorf("province requests 2023: %s → %s, want +%d", before23, after23, delta)
	}
	if got := csvValue(t, region23, "region_code", corrected, "requests_count"); got == countyBefore {
		t.Errorf("county %s requests 2023 unchanged (%s)", corrected, got)
	}
	if after := csvValue(t, filepath.Join(out, "csv", "21_2024_region_years.csv"), "region_code", "21", "report_count"); after == before24 {
		t.Errorf("2024 report count unchanged (%s) after the late reports", after)
	}
	// only what the new reports touch changed: 2022's data files were left as they were
	out3 := tree(t, out)
	written := map[string]bool{}
	for _, o := range rec3.Outputs {
		rel, _ := filepath.Rel(out, o.Path)
		written[filepath.ToSlash(rel)] = o.Action == "written"
	}
	var changed []string
	for p, st := range out3 {
		old, ok := out1[p]
		if !ok || old != st {
			changed = append(changed, p)
			if !written[p] {
				t.Errorf("%s changed but is not recorded as written", p)
			}
		} else if written[p] {
			t.Errorf("%s recorded as written but unchanged", p)
		}
	}
	sort.Strings(changed)
	for _, p := range changed {
		if strings.HasPrefix(p, "csv/21_2022_") {
			t.Errorf("%s rewritten: no 2022 report changed", p)
		}
	}
	for _, want := range []string{"csv/21_2023_region_years.csv", "csv/21_2024_region_years.csv", "compare/21_2023-2024.csv", "21_2023_辽宁省.xlsx"} {
		if !written[want] {
			t.Errorf("%s not rewritten", want)
		}
	}
	if written["csv/21_2022_table3_facts.csv"] || written["csv/21_2022_region_years.csv"] {
		t.Errorf("2022 data rewritten")
	}
	t.Logf("late %d files, corrected %s: %d of %d outputs written", len(lateFiles), corrected, rec3.Written, len(rec3.Outputs))

	// the runs are listed, newest first
	recs, err = run.List(context.Background(), db)
	if err != nil || len(recs) != 3 || recs[0].ID != 3 || !recs[0].Changed || recs[1].Changed {
		t.Errorf("records: %v %v", recs, err)
	}
}

// TestConcurrentRunsAndStaleLock: a second run while one is in progress refuses at once,
// naming the first one's pid; once that one is killed (SIGKILL: no cleanup) its lock is gone.
func TestConcurrentRunsAndStaleLock(t *testing.T) {
	dir := t.TempDir()
	_, reports := province(t, dir)
	c := configFor(reports, filepath.Join(dir, "w.duckdb"), filepath.Join(dir, "out"))
	cfgPath := writeConfig(t, c, filepath.Join(dir, "annual.yaml"))

	first, _ := startChild(t, cfgPath, run.StageScan) // holds the lock, stopped before the ingest
	_, err := run.Run(context.Background(), run.Options{Config: c, Logger: quiet})
	var busy *run.BusyError
	if !errors.As(err, &busy) || !errors.Is(err, run.ErrBusy) {
		kill(t, first)
		t.Fatalf("second run: %v, want BusyError", err)
	}
	if busy.PID != first.Process.Pid || busy.Since.IsZero() || !strings.Contains(err.Error(), fmt.Sprintf("another run is in progress (pid %d, since ", first.Process.Pid)) {
		t.Errorf("busy error %q (pid %d)", err, first.Process.Pid)
	}
	if _, err := os.Stat(c.Warehouse); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the refused run touched the warehouse: %v", err)
	}

	kill(t, first) // a crash: the kernel drops the flock; the lock file stays, stale
	if b, _ := os.ReadFile(run.LockPath(c.Warehouse)); !strings.Contains(string(b), fmt.Sprint(first.Process.Pid)) {
		t.Fatalf("lock file %q does not name the killed run", b)
	}
	rec := runOnce(t, c)
	if rec.ID != 1 || !rec.Changed {
		t.Errorf("run after the crash: %+v", rec)
	}
	if b, _ := os.ReadFile(run.LockPath(c.Warehouse)); len(b) != 0 {
		t.Errorf("lock file holds %q after the run", b)
	}
}

// TestKilledRunsConverge kills a run inside the ingest and another after the ingest published
// but before its outputs and record; the next run ends where an uninterrupted run does.
func TestKilledRunsConverge(t *testing.T) {
	dir := t.TempDir()
	_, reports := province(t, dir)

	ref := configFor(reports, filepath.Join(dir, "ref", "w.duckdb"), filepath.Join(dir, "ref", "out"))
	refRec := runOnce(t, ref)

	c := configFor(reports, filepath.Join(dir, "w.duckdb"), filepath.Join(dir, "out"))
	cfgPath := writeConfig(t, c, filepath.Join(dir, "annual.yaml"))

	a, _ := startChild(t, cfgPath, "progress") // inside the ingest: the working copy is half loaded
	tmps, _ := filepath.Glob(c.Warehouse + ".tmp-*")
	kill(t, a)
	if _, err := os.Stat(c.Warehouse); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a run killed in the ingest published a warehouse: %v", err)
	}
	if len(tmps) == 0 {
		t.Errorf("no working copy while the ingest ran")
	}

	b, _ := startChild(t, cfgPath, run.StageExport) // the ingest published; the comparisons are staged
	kill(t, b)
	if n := count(t, c.Warehouse, `select count(*) from ingest_runs`); n != 1 {
		t.Fatalf("%d ingest runs after the second kill", n)
	}

	rec := runOnce(t, c)
	if rec.Changed || !rec.Exported || rec.ID != 1 || rec.IngestRunID != 1 {
		t.Errorf("converging run: %+v", rec)
	}
	if rec.Inputs != refRec.Inputs || rec.Failures != refRec.Failures || rec.Incomplete != refRec.Incomplete ||
		rec.Violations != refRec.Violations || rec.TestFailures != refRec.TestFailures || rec.Status != refRec.Status ||
		len(rec.Outputs) != len(refRec.Outputs) {
		t.Errorf("converged record %+v\nuninterrupted %+v", rec, refRec)
	}
	// the same warehouse content (run times aside) …
	skip := []string{"started_at", "finished_at"}
	if got, want := fingerprints(t, c.Warehouse, skip...), fingerprints(t, ref.Warehouse, skip...); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("warehouse differs from an uninterrupted run's:\n%v\n%v", got, want)
	}
	// … and the same outputs: the same files, the same data (the workbooks and documents name
	// their own warehouse file and time, so only the data files are compared byte for byte)
	got, want := tree(t, c.Export.Out), tree(t, ref.Export.Out)
	if len(got) != len(want) {
		t.Errorf("%d outputs, uninterrupted %d", len(got), len(want))
	}
	for p, w := range want {
		g, ok := got[p]
		switch {
		case !ok:
			t.Errorf("output %s missing", p)
		case strings.HasSuffix(p, ".csv") && g.sum != w.sum:
			t.Errorf("output %s differs from the uninterrupted run's", p)
		}
	}
	if left, _ := filepath.Glob(c.Warehouse + ".tmp-*"); len(left) != 0 {
		t.Errorf("working copies left: %v", left)
	}
	if left, _ := filepath.Glob(filepath.Join(c.Export.Out, ".xxgk-run-*")); len(left) != 0 {
		t.Errorf("staging directories left: %v", left)
	}
}

// TestConfigFiles: configs/annual.yaml (the README's main job) is a valid configuration.
func TestConfigFiles(t *testing.T) {
	c, err := config.Load(filepath.Join("..", "..", "configs", "annual.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Region != "21" || len(c.Inputs) == 0 || c.Export.Out == "" || len(c.Export.Formats) != 5 {
		t.Errorf("annual.yaml: %+v", c)
	}
	if d := run.Digest(c); len(d) != 64 || d != run.Digest(c) {
		t.Errorf("digest %q", d)
	}
}
