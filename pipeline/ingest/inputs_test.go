package ingest_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"xxgk/pipeline"
	"xxgk/pipeline/extract"
	"xxgk/pipeline/ingest"
	"xxgk/pipeline/store"
	"xxgk/schemas"
)

// within fails the test when f has not returned within two minutes: what it runs must never
// block (an assertion that it returns, not a timing).
func within(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatalf("%s blocked", what)
	}
}

// notFiles adds to dir what is not a file: a FIFO, a link to it, a link to /dev/zero, a
// socket, a link to a directory and a dangling link; it returns their names with the reason
// each must be recorded with.
func notFiles(t *testing.T, dir string) (map[string]string, func()) {
	t.Helper()
	must(t, syscall.Mkfifo(filepath.Join(dir, "pipe.html"), 0o644))
	must(t, os.Symlink(filepath.Join(dir, "pipe.html"), filepath.Join(dir, "link-to-pipe.html")))
	must(t, os.Symlink("/dev/zero", filepath.Join(dir, "zero.html")))
	must(t, os.Symlink(os.TempDir(), filepath.Join(dir, "link-to-dir.html")))
	must(t, os.Symlink(filepath.Join(dir, "gone.html"), filepath.Join(dir, "dangling.html")))
	ln, err := net.Listen("unix", filepath.Join(dir, "sock"))
	must(t, err)
	notReg := pipeline.ErrNotRegular.Error()
	return map[string]string{
		"pipe.html":         notReg,
		"link-to-pipe.html": notReg,
		"zero.html":         notReg,
		"link-to-dir.html":  notReg,
		"sock":              notReg,
		"dangling.html":     "无法读取文件（unreadable）",
	}, func() { ln.Close() }
}

// TestFilesThatAreNotFiles: FIFOs, sockets, devices and links to them in the inputs never
// block the batch (a FIFO's open would wait for a writer for ever, /dev/zero never ends): each
// is recorded as a failed input with its reason, before anything opens it, and every report is
// loaded. InputFiles (xxgk run's scan) lists them the same way.
func TestFilesThatAreNotFiles(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	reps := corpus(t, in, 6, 4)
	want, closeSock := notFiles(t, in)
	defer closeSock()
	db := filepath.Join(dir, "w.duckdb")
	var s *ingest.Summary
	within(t, "ingest", func() { s = run(t, db, in) })
	if s.Parsed != len(reps) || s.InputsFailed != len(want) || s.Status() != "partial" {
		t.Errorf("parsed %d, failed %d, status %s; want %d, %d, partial\n%v", s.Parsed, s.InputsFailed, s.Status(),
			len(reps), len(want), s.Failures)
	}
	rdb := readOnly(t, db)
	rows, err := rdb.Query(`select path, reason, detail from failed_inputs order by path`)
	must(t, err)
	got := map[string]string{}
	for rows.Next() {
		var p, reason string
		var detail *string
		must(t, rows.Scan(&p, &reason, &detail))
		got[filepath.Base(p)] = reason
		if filepath.Base(p) == "zero.html" && (detail == nil || !strings.Contains(*detail, "/dev/zero")) {
			t.Errorf("zero.html: detail %v does not name the device", detail)
		}
	}
	must(t, rows.Err())
	must(t, rows.Close())
	for name, reason := range want {
		if got[name] != reason {
			t.Errorf("%s: recorded %q, want %q", name, got[name], reason)
		}
	}
	if len(got) != len(want) {
		t.Errorf("failed inputs %v, want %v", got, want)
	}
	if n := count(t, rdb, `select count(*) from inputs where status = 'failed'`); n != int64(len(want)) {
		t.Errorf("%d failed rows in inputs, want %d", n, len(want))
	}

	files, _, err := ingest.InputFiles(ingest.Options{Roots: []string{in}, DB: db})
	must(t, err)
	listed := map[string]bool{}
	for _, f := range files {
		if f.Err != nil {
			listed[filepath.Base(f.Path)] = true
		}
	}
	if len(listed) != len(want) {
		t.Errorf("InputFiles refuses %v, want %v", listed, want)
	}
}

// TestSymlinkedRootDirectory: a root that is a link to a directory is walked (a link below a
// root is not followed: it is recorded).
func TestSymlinkedRootDirectory(t *testing.T) {
	dir := t.TempDir()
	reps := corpus(t, filepath.Join(dir, "real"), 3, 5)
	must(t, os.Symlink(filepath.Join(dir, "real"), filepath.Join(dir, "reports")))
	s := run(t, filepath.Join(dir, "w.duckdb"), filepath.Join(dir, "reports"))
	if s.Parsed != len(reps) || s.Failed != 0 {
		t.Errorf("parsed %d failed %d: %v", s.Parsed, s.Failed, s.Failures)
	}
}

// childStuck runs an ingest whose worker blocks in open() of a FIFO nobody writes to (as the
// ingest itself did on a FIFO in the inputs, before package source) and stops on SIGTERM as
// xxgk ingest does. It prints "stuck" when the worker is about to block.
func childStuck() int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	fifo := os.Getenv("XXGK_CHILD_FIFO")
	_, err := ingest.Run(ctx, ingest.Options{Roots: strings.Split(os.Getenv("XXGK_CHILD_ROOTS"), "\n"),
		DB: os.Getenv("XXGK_CHILD_DB"), Workers: 2, Threads: 1, MemoryLimit: "512MB",
		Extract: func(path string, b []byte, o extract.Options) (*schemas.Report, error) {
			if strings.HasSuffix(path, "/stuck.json") {
				fmt.Println("stuck")
				f, err := os.Open(fifo) // blocks in the kernel until a writer comes: never
				if err == nil {
					f.Close()
				}
			}
			return jsonExtract(path, b, o)
		}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	return 0
}

// TestSIGTERMWhileStuck: SIGTERM stops an ingest whose worker is stuck in a blocking system
// call: the process exits with status 2 instead of waiting for the worker, nothing is
// published (the warehouse keeps its bytes), no working copy is left and the lock is free.
func TestSIGTERMWhileStuck(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	corpus(t, in, 4, 6)
	db := filepath.Join(dir, "w.duckdb")
	run(t, db, in)
	before := fileSum(t, db)
	corpus(t, filepath.Join(in, "more"), 4, 60)
	writeJSON(t, filepath.Join(in, "more", "stuck.json"), nil)
	fifo := filepath.Join(dir, "never-written")
	must(t, syscall.Mkfifo(fifo, 0o644))

	cmd := child("stuck", db, []string{in}, "XXGK_CHILD_FIFO="+fifo)
	stdout, err := cmd.StdoutPipe()
	must(t, err)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	must(t, cmd.Start())
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "stuck\n" {
		t.Fatalf("child: %q %v\n%s", line, err, stderr.String())
	}
	time.Sleep(200 * time.Millisecond) // let it enter open()
	must(t, cmd.Process.Signal(syscall.SIGTERM))
	var werr error
	within(t, "the child after SIGTERM", func() { werr = cmd.Wait() })
	var ee *exec.ExitError
	if !errors.As(werr, &ee) || ee.ExitCode() != 2 {
		t.Fatalf("child exit: %v, want status 2\n%s", werr, stderr.String())
	}
	if !strings.Contains(stderr.String(), "已中断") {
		t.Errorf("stderr does not say it was interrupted: %s", stderr.String())
	}
	if fileSum(t, db) != before {
		t.Error("the published warehouse changed")
	}
	if m, _ := filepath.Glob(db + ".tmp-*"); len(m) != 0 {
		t.Errorf("working copies left: %v", m)
	}
	w, err := store.Begin(context.Background(), store.Options{Path: db})
	if err != nil {
		t.Fatalf("the lock was not released: %v", err)
	}
	must(t, w.Abort())
}

// TestReportOfRecordFromFiles: through a real ingest, a truncated copy of a report in a folder
// that sorts after the complete one, and a newer copy that reads incomplete, do not replace
// the complete report; the file's modification time reaches the warehouse.
func TestReportOfRecordFromFiles(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	reps := corpus(t, filepath.Join(in, "a"), 3, 8)
	var paths []string
	for p := range reps {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	full := paths[0]
	r := reps[full]
	cut := *r
	// what a truncated copy reads as: table 4 cut off, reported by the parser
	cut.Table4 = nil
	cut.Problems = append(append([]schemas.Problem(nil), r.Problems...), schemas.Problem{Code: schemas.ProblemTableMissing,
		Severity: schemas.SeverityError, Table: schemas.Table4, Message: "表四缺失（文件截断）"})
	cutPath := filepath.Join(in, "b", filepath.Base(full))
	writeJSON(t, cutPath, &cut)
	mtime := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	must(t, os.Chtimes(full, mtime, mtime))
	must(t, os.Chtimes(cutPath, mtime.Add(time.Hour), mtime.Add(time.Hour))) // and newer
	db := filepath.Join(dir, "w.duckdb")
	run(t, db, in)
	rdb := readOnly(t, db)
	var cur, status string
	var mod time.Time
	if err := rdb.QueryRow(`select source_path, status, source_modified_at from reports
		where is_current and identity_key = (select identity_key from reports where source_path = ?)`,
		filepath.ToSlash(cutPath)).Scan(&cur, &status, &mod); err != nil {
		t.Fatal(err)
	}
	if cur != filepath.ToSlash(full) || status != schemas.StatusComplete || !mod.Equal(mtime) {
		t.Errorf("report of record %s (%s, %v), want %s (complete, %v)", cur, status, mod, full, mtime)
	}
	var cutStatus string
	if err := rdb.QueryRow(`select status from reports where source_path = ?`, filepath.ToSlash(cutPath)).Scan(&cutStatus); err != nil || cutStatus == schemas.StatusComplete {
		t.Errorf("the truncated copy reads %q (%v): the test needs it incomplete", cutStatus, err)
	}
}
