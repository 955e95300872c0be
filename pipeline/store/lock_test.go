package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestMain lets a test run this binary as another process: XXGK_STORE_CHILD=hold-rw opens
// XXGK_STORE_DB for writing (as an in-place merge does), says "held", keeps it for
// XXGK_STORE_HOLD_MS and exits; hold-ro does the same with a read-only session.
func TestMain(m *testing.M) {
	switch os.Getenv("XXGK_STORE_CHILD") {
	case "hold-rw", "hold-ro":
		os.Exit(childHold())
	case "commit-and-die":
		os.Exit(childCommitAndDie())
	}
	os.Exit(m.Run())
}

func childHold() int {
	ctx := context.Background()
	path := os.Getenv("XXGK_STORE_DB")
	ms, _ := strconv.Atoi(os.Getenv("XXGK_STORE_HOLD_MS"))
	var closeFn func() error
	if os.Getenv("XXGK_STORE_CHILD") == "hold-rw" {
		db, conn, err := openRW(ctx, path, Options{MemoryLimit: "256MB", Threads: 1})
		if err != nil {
			fmt.Println("error", err)
			return 2
		}
		closeFn = func() error { return errorsJoin(conn.Close(), db.Close()) }
	} else {
		s, err := OpenSession(ctx, path, SessionOptions{LockWait: -1})
		if err != nil {
			fmt.Println("error", err)
			return 2
		}
		closeFn = s.Close
	}
	fmt.Println("held")
	time.Sleep(time.Duration(ms) * time.Millisecond)
	if err := closeFn(); err != nil {
		fmt.Println("error", err)
		return 2
	}
	return 0
}

func errorsJoin(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// hold starts a child holding the file (mode hold-rw or hold-ro) for d and returns once it
// holds it.
func hold(t *testing.T, mode, path string, d time.Duration) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "XXGK_STORE_CHILD="+mode, "XXGK_STORE_DB="+path, fmt.Sprintf("XXGK_STORE_HOLD_MS=%d", d.Milliseconds()))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "held" {
		t.Fatalf("child %s: %q %v", mode, line, err)
	}
	return cmd
}

func newWarehouseFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := Begin(context.Background(), Options{Path: path, MemoryLimit: "256MB", Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Finish(context.Background(), Run{Roots: []string{"x"}, Status: "ok"}); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSessionWaitsForInPlaceMerge: while another process holds the published file for writing
// (an in-place merge), OpenSession waits for it and then opens; with no wait it fails at once
// with a message saying a run is writing.
func TestSessionWaitsForInPlaceMerge(t *testing.T) {
	path := newWarehouseFile(t)
	cmd := hold(t, "hold-rw", path, 1500*time.Millisecond)
	if _, err := OpenSession(context.Background(), path, SessionOptions{LockWait: -1}); err == nil || !strings.Contains(err.Error(), "请稍后重试") {
		t.Errorf("without waiting: %v, want the file-lock error saying a run is writing", err)
	}
	start := time.Now()
	s, err := OpenSession(context.Background(), path, SessionOptions{LockWait: 30 * time.Second})
	if err != nil {
		t.Fatalf("waiting: %v", err)
	}
	waited := time.Since(start)
	var n int64
	if err := s.QueryRowContext(context.Background(), `select count(*) from ingest_runs`).Scan(&n); err != nil || n != 1 {
		t.Errorf("the session reads %d runs (%v)", n, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if waited < 200*time.Millisecond {
		t.Errorf("opened after %v: it did not wait for the writer", waited)
	}
}

// TestOpenPublishedWaitsForReaders: a writer waits up to LockWait for a reader of another
// process to close, and gives up (for the copy) when the reader stays.
func TestOpenPublishedWaitsForReaders(t *testing.T) {
	path := newWarehouseFile(t)
	ctx := context.Background()
	cmd := hold(t, "hold-ro", path, time.Second)
	db, conn, err := openPublished(ctx, path, Options{MemoryLimit: "256MB", Threads: 1, LockWait: 30 * time.Second})
	if err != nil {
		t.Fatalf("the writer did not get the file after the reader closed: %v", err)
	}
	if err := errorsJoin(conn.Close(), db.Close(), cmd.Wait()); err != nil {
		t.Fatal(err)
	}
	cmd = hold(t, "hold-ro", path, 5*time.Second)
	defer func() { _ = cmd.Wait() }()
	start := time.Now()
	if _, _, err := openPublished(ctx, path, Options{MemoryLimit: "256MB", Threads: 1, LockWait: 300 * time.Millisecond}); err == nil {
		t.Fatal("the writer opened the file a reader holds")
	} else if !isLockConflict(err) {
		t.Errorf("error %v: want a lock conflict", err)
	}
	if d := time.Since(start); d < 300*time.Millisecond || d > 4*time.Second {
		t.Errorf("gave up after %v, want about 300ms", d)
	}
}

// childCommitAndDie commits a run record into XXGK_STORE_DB in place and exits before any
// checkpoint: the committed transaction is left in the WAL, as by a run killed after its commit.
func childCommitAndDie() int {
	ctx := context.Background()
	db, conn, err := openRW(ctx, os.Getenv("XXGK_STORE_DB"), Options{MemoryLimit: "256MB", Threads: 1})
	if err != nil {
		fmt.Println("error", err)
		return 2
	}
	_ = db
	for _, q := range []string{`set checkpoint_threshold = '10GB'`, `insert into ingest_runs select run_id + 100, started_at, finished_at,
		xxgk_version, parser_version, roots, manifest, inputs_count, loaded_count, unchanged_count, duplicate_count, failed_count,
		incomplete_count, new_version_count, status from ingest_runs`} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			fmt.Println("error", err)
			return 2
		}
	}
	os.Exit(0) // no close: no checkpoint
	return 0
}

// TestNoCopyOverAWAL: a run killed after its in-place commit leaves the commit in <db>.wal.
// Readers see it (DuckDB replays it on open). A run that then cannot open the file for writing
// (a reader holds it) must not publish a copy over it — DuckDB would replay that WAL onto the
// new file — and fails with a message saying so; once the reader is gone, the next run merges
// in place and the WAL is checkpointed away.
func TestNoCopyOverAWAL(t *testing.T) {
	path := newWarehouseFile(t)
	ctx := context.Background()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "XXGK_STORE_CHILD=commit-and-die", "XXGK_STORE_DB="+path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v %s", err, out)
	}
	if _, err := os.Stat(path + ".wal"); err != nil {
		t.Fatalf("no WAL left by the killed writer: %v", err)
	}
	runs := func() int64 {
		s, err := OpenSession(ctx, path, SessionOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var n int64
		if err := s.QueryRowContext(ctx, `select count(*) from ingest_runs`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := runs(); n != 2 {
		t.Fatalf("a reader sees %d runs, want 2 (the WAL replayed)", n)
	}
	reader := hold(t, "hold-ro", path, 3*time.Second)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := Begin(ctx, Options{Path: path, MemoryLimit: "256MB", Threads: 1, LockWait: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.Finish(ctx, Run{Roots: []string{"y"}, Status: "ok"})
	if err == nil || !strings.Contains(err.Error(), "WAL") {
		t.Fatalf("finish with a WAL and a reader: %v, want a refusal naming the WAL", err)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(before) != string(after) {
		t.Fatal("the published file changed")
	}
	if err := reader.Wait(); err != nil {
		t.Fatal(err)
	}
	w, err = Begin(ctx, Options{Path: path, MemoryLimit: "256MB", Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	res, err := w.Finish(ctx, Run{Roots: []string{"z"}, Status: "ok"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.InPlace {
		t.Errorf("published by copy (%s), want in place", res.Fallback)
	}
	if _, err := os.Stat(path + ".wal"); err == nil {
		t.Error("the WAL is still there after an in-place run")
	}
	if n := runs(); n != 3 {
		t.Errorf("%d runs after the next run, want 3", n)
	}
}
