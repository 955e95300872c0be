package run_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"xxgk/pipeline/gen"
)

// TestScanRefusesNotFiles: the run's scan opens the inputs as the ingest does. A FIFO, a link
// to /dev/zero and a file over the size limit (3 GB, sparse) in the inputs never block the
// scan (a FIFO's open waited for a writer, /dev/zero was hashed for ever), count as failed
// inputs — problems to review, named with their reason — and do not make every later run ingest
// again (the ingest would only record the same failures).
func TestScanRefusesNotFiles(t *testing.T) {
	dir := t.TempDir()
	cfg := gen.Defaults()
	cfg.Provinces = []string{"211302"}
	cfg.FirstYear, cfg.LastYear = 2023, 2023
	cfg.Departments, cfg.Townships = 1, 0
	cfg.MissingShare = 0
	out := filepath.Join(dir, "corpus")
	if _, err := gen.Generate(context.Background(), cfg, out); err != nil {
		t.Fatal(err)
	}
	reports := filepath.Join(out, gen.ReportsDir)
	c := configFor(reports, filepath.Join(dir, "w.duckdb"), filepath.Join(dir, "out"))
	first := runOnce(t, c)

	if err := syscall.Mkfifo(filepath.Join(reports, "pipe.html"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(reports, "zero.html")); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(reports, "huge.html"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(3 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for i := 0; i < 2; i++ {
		done := make(chan struct{})
		var recFailures int
		var changed bool
		var problems string
		go func() {
			defer close(done)
			rec := runOnce(t, c)
			var ps []string
			for _, q := range rec.Unacknowledged() {
				ps = append(ps, q.String()+" "+q.Message)
			}
			recFailures, changed, problems = rec.Failures, rec.Changed, strings.Join(ps, "\n")
		}()
		select {
		case <-done:
		case <-time.After(2 * time.Minute):
			t.Fatal("the run blocked")
		}
		if recFailures != first.Failures+3 {
			t.Errorf("run %d: %d failures, want %d + 3\n%s", i+2, recFailures, first.Failures, problems)
		}
		if changed {
			t.Errorf("run %d ingested: inputs that cannot be read must not make a run ingest", i+2)
		}
		for _, want := range []string{"pipe.html", "zero.html", "huge.html", "文件过大", "命名管道"} {
			if !strings.Contains(problems, want) {
				t.Errorf("run %d: problems do not mention %s:\n%s", i+2, want, problems)
			}
		}
	}
}
