package serve

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"xxgk/pipeline/store"
)

func publishEmpty(t *testing.T, path string) int64 {
	t.Helper()
	w, err := store.Begin(context.Background(), store.Options{Path: path, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	res, err := w.Finish(context.Background(), store.Run{Roots: []string{"probe"}, Status: "ok"})
	if err != nil {
		t.Fatal(err)
	}
	return res.RunID
}

func lastRun(t *testing.T, s *store.Session) int64 {
	var n int64
	if err := s.QueryRowContext(context.Background(), `select max(run_id) from ingest_runs`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestProbeInstanceCache(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	publishEmpty(t, path)
	o := store.SessionOptions{NoExternalAccess: true, NoTempFiles: true, Threads: 1}
	s1, err := store.OpenSession(ctx, path, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("s1 sees run %d", lastRun(t, s1))
	publishEmpty(t, path)
	s2, err := store.OpenSession(ctx, path, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("s2 (opened by path while s1 open, after the rename) sees run %d", lastRun(t, s2))
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	fdPath := fmt.Sprintf("/proc/self/fd/%d", f.Fd())
	s3, err := store.OpenSession(ctx, fdPath, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("s3 (opened by %s while s1 open) sees run %d", fdPath, lastRun(t, s3))
	s1.Close()
	s2.Close()
	s4, err := store.OpenSession(ctx, path, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("s4 (by path after s1, s2 closed) sees run %d", lastRun(t, s4))
	publishEmpty(t, path)
	t.Logf("after a third publish: s3 sees run %d, s4 sees %d", lastRun(t, s3), lastRun(t, s4))
	s4.Close()
	s3.Close()
	f.Close()
}

func TestProbeSequential(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	o := store.SessionOptions{NoExternalAccess: true, NoTempFiles: true, Threads: 1}
	for i := 0; i < 3; i++ {
		id := publishEmpty(t, path)
		s, err := store.OpenSession(ctx, path, o)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("published run %d; fresh session sees %d", id, lastRun(t, s))
		s.Close()
	}
}

func TestProbeAliases(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "w.duckdb")
	publishEmpty(t, path)
	o := store.SessionOptions{NoExternalAccess: true, NoTempFiles: true, Threads: 1}
	s1, err := store.OpenSession(ctx, path, o)
	if err != nil {
		t.Fatal(err)
	}
	defer s1.Close()
	publishEmpty(t, path)
	f, _ := os.Open(path)
	defer f.Close()
	link := filepath.Join(t.TempDir(), "alias.duckdb")
	os.Symlink(path, link)
	for _, p := range []string{dir + "//w.duckdb", dir + "/./w.duckdb", link, fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), f.Fd()), fmt.Sprintf("/dev/fd/%d", f.Fd())} {
		s, err := store.OpenSession(ctx, p, o)
		if err != nil {
			t.Logf("%s: %v", p, err)
			continue
		}
		t.Logf("%s sees run %d", p, lastRun(t, s))
		defer s.Close()
	}
}
