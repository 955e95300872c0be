package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"xxgk/pipeline/extract"
	annual "xxgk/pipeline/run"
	"xxgk/pipeline/store"
	"xxgk/schemas"
)

// TestMain lets the tests run the CLI as a real child process: the test binary re-executed with
// XXGK_CLI_CHILD set runs main with the arguments in XXGK_CLI_ARGS (one per line).
//
//	stuck: the ingest's extract blocks in open() of the FIFO XXGK_CLI_FIFO for an input named
//	       stuck.txt (a worker stuck in a system call that cannot be interrupted);
//	hang:  the command context is made as xxgk ingest makes it, then the child waits for ever
//	       without looking at it (what the grace period and a second signal are for).
func TestMain(m *testing.M) {
	switch os.Getenv("XXGK_CLI_CHILD") {
	case "":
		os.Exit(m.Run())
	case "stuck":
		fifo := os.Getenv("XXGK_CLI_FIFO")
		testExtract = func(path string, b []byte, o extract.Options) (*schemas.Report, error) {
			if strings.HasSuffix(path, "stuck.txt") {
				fmt.Fprintln(os.Stderr, "child: stuck")
				if f, err := os.Open(fifo); err == nil {
					f.Close()
				}
			}
			return extract.Bytes(path, b, o)
		}
	case "hang":
		if d, err := time.ParseDuration(os.Getenv("XXGK_CLI_GRACE")); err == nil {
			stopGrace = d
		}
		_, stop := interruptible(context.Background())
		defer stop()
		fmt.Fprintln(os.Stderr, "child: stuck")
		select {}
	}
	os.Args = append([]string{"xxgk"}, strings.Split(os.Getenv("XXGK_CLI_ARGS"), "\n")...)
	main()
}

// cli starts the CLI as a child process; stuck waits until it says it is stuck.
// childLog is what a child wrote on stderr; drained is closed once all of it has been read
// (the child closed its stderr: it has exited).
type childLog struct {
	strings.Builder
	drained chan struct{}
}

func cli(t *testing.T, mode string, env []string, args ...string) (*exec.Cmd, *childLog) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "XXGK_CLI_CHILD="+mode, "XXGK_CLI_ARGS="+strings.Join(args, "\n"))
	cmd.Env = append(cmd.Env, env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	log := &childLog{drained: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	lines := bufio.NewScanner(stderr)
	stuck := make(chan bool, 1)
	go func() {
		seen := false
		for lines.Scan() {
			log.WriteString(lines.Text() + "\n")
			if !seen && lines.Text() == "child: stuck" {
				seen = true
				stuck <- true
			}
		}
		close(stuck)
		close(log.drained)
	}()
	select {
	case ok := <-stuck:
		if !ok {
			t.Fatalf("the child ended before it got stuck:\n%s", log.String())
		}
	case <-time.After(2 * time.Minute):
		t.Fatalf("the child never got stuck:\n%s", log.String())
	}
	time.Sleep(200 * time.Millisecond) // into the system call
	return cmd, log
}

// waitExit waits (at most two minutes: it must return, this is no timing) and returns the
// exit status.
func waitExit(t *testing.T, cmd *exec.Cmd, log *childLog) int {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		// every line the child wrote is read before Wait closes the pipe (and before log is
		// read here): its last words are what the tests look for
		<-log.drained
		done <- cmd.Wait()
	}()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if err == nil {
			return 0
		}
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		t.Fatalf("wait: %v", err)
	case <-time.After(2 * time.Minute):
		t.Fatalf("the child did not stop:\n%s", log.String())
	}
	return -1
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func sum(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", b)
}

// freeLocks fails unless both the run lock and the store lock of db can be taken.
func freeLocks(t *testing.T, db string) {
	t.Helper()
	l, err := annual.Acquire(annual.LockPath(db))
	if err != nil {
		t.Fatalf("the run lock is still held: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	w, err := store.Begin(t.Context(), store.Options{Path: db})
	if err != nil {
		t.Fatalf("the store lock is still held: %v", err)
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
}

// TestSignalStopsIngestAndRun: SIGTERM stops xxgk ingest and xxgk run (real processes) while a
// worker is stuck in a system call: exit status 2, the published warehouse unchanged, no
// working copy left, both locks free, no run record.
func TestSignalStopsIngestAndRun(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	copyFile(t, "testdata/seed.txt", filepath.Join(in, "a", "朝阳县2021.txt"))
	db := filepath.Join(dir, "w.duckdb")
	if out, errs, code := run(t, "ingest", "--db", db, "--workers", "2", "--threads", "1", in); code != exitOK {
		t.Fatalf("first ingest: exit %d\n%s\n%s", code, out, errs)
	}
	before := sum(t, db)
	if err := os.MkdirAll(filepath.Join(in, "b"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(in, "b", "stuck.txt"), []byte("新的字节 new bytes"), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "never-written")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "annual.yaml")
	yaml := fmt.Sprintf("warehouse: %s\ninputs: [%s]\nworkers: 2\nduckdb: {threads: 1, memory_limit: 512MB}\nexport: {out: %s, formats: [csv]}\n",
		db, in, filepath.Join(dir, "out"))
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"ingest", "--db", db, "--workers", "2", "--threads", "1", "--log-format", "json", in},
		{"run", "--config", cfg, "--log-format", "json"},
	} {
		t.Run(args[0], func(t *testing.T) {
			cmd, log := cli(t, "stuck", []string{"XXGK_CLI_FIFO=" + fifo}, args...)
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if code := waitExit(t, cmd, log); code != exitFailed {
				t.Errorf("exit %d, want %d\n%s", code, exitFailed, log.String())
			}
			if !strings.Contains(log.String(), "interrupted") {
				t.Errorf("the log does not say it was interrupted:\n%s", log.String())
			}
			if sum(t, db) != before {
				t.Error("the published warehouse changed")
			}
			if m, _ := filepath.Glob(db + ".tmp-*"); len(m) != 0 {
				t.Errorf("working copies left: %v", m)
			}
			freeLocks(t, db)
		})
	}
	out, _, _ := run(t, "runs", "--db", db, "--format", "csv")
	if strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Errorf("an interrupted run left a record:\n%s", out)
	}
}

// TestSignalGraceAndSecondSignal: a command that does not stop on its own after SIGTERM is
// ended with status 2 by a second signal, or at the end of the grace period.
func TestSignalGraceAndSecondSignal(t *testing.T) {
	cmd, log := cli(t, "hang", []string{"XXGK_CLI_GRACE=1h"})
	for i := 0; i < 2; i++ {
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if code := waitExit(t, cmd, log); code != exitFailed || !strings.Contains(log.String(), "did not stop in time") {
		t.Errorf("second signal: exit %d\n%s", code, log.String())
	}
	cmd, log = cli(t, "hang", []string{"XXGK_CLI_GRACE=100ms"})
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := waitExit(t, cmd, log); code != exitFailed || !strings.Contains(log.String(), "did not stop in time") {
		t.Errorf("grace period: exit %d\n%s", code, log.String())
	}
}

// TestOneWriterAtATime: while xxgk run holds the run lock, xxgk ingest and xxgk views --refresh
// exit 3 naming it; while xxgk ingest holds it, xxgk run exits 3 naming the ingest. Nothing is
// done in either case.
func TestOneWriterAtATime(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	copyFile(t, "testdata/seed.txt", filepath.Join(in, "seed.txt"))
	db := filepath.Join(dir, "w.duckdb")
	cfg := filepath.Join(dir, "annual.yaml")
	yaml := fmt.Sprintf("warehouse: %s\ninputs: [%s]\nworkers: 2\nduckdb: {threads: 1, memory_limit: 512MB}\nexport: {out: %s, formats: [csv]}\n",
		db, in, filepath.Join(dir, "out"))
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	pid := fmt.Sprintf("(pid %d, since ", os.Getpid())

	lock, err := annual.Acquire(annual.LockPath(db)) // as xxgk run takes it
	if err != nil {
		t.Fatal(err)
	}
	_, errs, code := run(t, "ingest", "--db", db, in)
	if code != exitBusy || !strings.Contains(errs, "another run is in progress "+pid) {
		t.Errorf("ingest during a run: exit %d, %q", code, errs)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("the ingest wrote the warehouse")
	}
	_, errs, code = run(t, "views", "--refresh", "--db", db)
	if code != exitBusy || !strings.Contains(errs, "another run is in progress "+pid) {
		t.Errorf("views --refresh during a run: exit %d, %q", code, errs)
	}
	if err := lock.Release(); err != nil {
		t.Fatal(err)
	}

	lock, err = annual.AcquireAs(annual.LockPath(db), "xxgk ingest") // as xxgk ingest takes it
	if err != nil {
		t.Fatal(err)
	}
	_, errs, code = run(t, "run", "--config", cfg)
	if code != exitBusy || !strings.Contains(errs, "another xxgk ingest is in progress "+pid) {
		t.Errorf("run during an ingest: exit %d, %q", code, errs)
	}
	_, errs, code = run(t, "ingest", "--db", db, in)
	if code != exitBusy || !strings.Contains(errs, "another xxgk ingest is in progress "+pid) {
		t.Errorf("ingest during an ingest: exit %d, %q", code, errs)
	}
	if err := lock.Release(); err != nil {
		t.Fatal(err)
	}
	// free again: both work
	if out, errs, code := run(t, "ingest", "--db", db, in); code != exitOK {
		t.Errorf("ingest after: exit %d\n%s\n%s", code, out, errs)
	}
	if out, errs, code := run(t, "run", "--config", cfg); code != exitOK && code != exitPartial {
		t.Errorf("run after: exit %d\n%s\n%s", code, out, errs)
	}
}

// deepDir creates dir/<name>/<name>/…/report.txt whose path is longer than PATH_MAX (4096),
// with *at calls relative to each directory (a path that long cannot be created, opened or
// listed whole), and returns the path of its first directory.
func deepDir(t *testing.T, dir string) string {
	t.Helper()
	fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.Repeat("深", 80)
	for p := dir; len(p) < 4400; p += "/" + name {
		if err := syscall.Mkdirat(fd, name, 0o755); err != nil {
			t.Fatal(err)
		}
		nfd, err := syscall.Openat(fd, name, syscall.O_RDONLY|syscall.O_DIRECTORY, 0)
		syscall.Close(fd)
		if err != nil {
			t.Fatal(err)
		}
		fd = nfd
	}
	ffd, err := syscall.Openat(fd, "report.txt", syscall.O_WRONLY|syscall.O_CREAT, 0o644)
	syscall.Close(fd)
	if err != nil {
		t.Fatal(err)
	}
	syscall.Close(ffd)
	return filepath.Join(dir, name)
}

// TestParseLikeIngest: parse DIR walks and opens files as ingest does. A FIFO, a link to it, a
// link to /dev/zero, a dangling link, a 3 GB file (sparse: its size is checked before reading),
// a path longer than PATH_MAX, a file that makes the parser panic (and the 144-byte colspan
// table that did on main) each get a line on stderr; the report among them is still printed;
// the exit status is 1; nothing blocks.
func TestParseLikeIngest(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, "testdata/seed.txt", filepath.Join(dir, "a-seed.txt"))
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.txt"), 0o644); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{"link-pipe.txt": filepath.Join(dir, "pipe.txt"), "zero.txt": "/dev/zero",
		"dangling.txt": filepath.Join(dir, "gone.txt")} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Create(filepath.Join(dir, "big.html"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(3 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.WriteFile(filepath.Join(dir, "panic.txt"), []byte("政府信息公开工作年度报告"), 0o644); err != nil {
		t.Fatal(err)
	}
	colspan := "<table><tr>" + strings.Repeat("<td colspan=64>", 4) + "</tr><tr><td>1</td></tr></table>"
	if err := os.WriteFile(filepath.Join(dir, "colspan.html"), []byte(colspan), 0o644); err != nil {
		t.Fatal(err)
	}
	deep := deepDir(t, dir)
	want := map[string]string{ // file → what its stderr line must say
		"pipe.txt":          "FIFO",
		"link-pipe.txt":     "符号链接指向命名管道",
		"zero.txt":          "/dev/zero",
		"dangling.txt":      "no such file",
		"big.html":          "文件过大",
		"panic.txt":         "解析器内部错误",
		"colspan.html":      "",
		filepath.Base(deep): "file name too long",
	}
	if os.Geteuid() != 0 { // root reads a mode-000 file
		if err := os.WriteFile(filepath.Join(dir, "locked.txt"), []byte("x"), 0o000); err != nil {
			t.Fatal(err)
		}
		want["locked.txt"] = "permission denied"
	}
	old := extractBytes
	extractBytes = func(path string, b []byte, o extract.Options) (*schemas.Report, error) {
		if strings.HasSuffix(path, "panic.txt") {
			panic("index out of range [64] with length 64")
		}
		return old(path, b, o)
	}
	defer func() { extractBytes = old }()

	var out, errs string
	var code int
	done := make(chan struct{})
	go func() {
		defer close(done)
		out, errs, code = run(t, "parse", "--json", dir)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("parse blocked")
	}
	if code != exitPartial {
		t.Errorf("exit %d, want %d", code, exitPartial)
	}
	lines := map[string]string{}
	for _, l := range strings.Split(errs, "\n") {
		for name := range want {
			if strings.Contains(l, "/"+name) {
				lines[name] = l
			}
		}
	}
	for name, says := range want {
		l, ok := lines[name]
		if name == "colspan.html" && !ok && strings.Contains(out, "colspan.html") {
			continue // read (as not a report) and printed: fine too
		}
		if !ok || !strings.Contains(l, says) {
			t.Errorf("%s: stderr line %q, want one saying %q", name, l, says)
		}
	}
	var seed bool
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.Contains(l, "a-seed.txt") && strings.Contains(l, `"status":"complete"`) && strings.Contains(l, `"211321"`) {
			seed = true
		}
	}
	if !seed {
		t.Errorf("the seed report was not printed:\n%.2000s", out)
	}
}

// TestTruncatedCopyIsNotTheReportOfRecord reproduces the case of issue 11: a truncated copy of a
// county's report, in a folder that sorts after the complete copy and newer than it, does not
// become the report of record (the county's handled count stays the complete report's instead
// of turning NULL); xxgk coverage shows both files and why, and the audit
// checks.contested_reports flags the newer file for a person to confirm.
func TestTruncatedCopyIsNotTheReportOfRecord(t *testing.T) {
	seedPath, err := filepath.Abs("testdata/seed.txt")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir()) // relative paths, as the office types them (and as the table shows them whole)
	dir := "."
	in := "in"
	full, cut := filepath.Join(in, "a", "朝阳县2021.txt"), filepath.Join(in, "b", "朝阳县2021.txt")
	copyFile(t, seedPath, full)
	seed, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(cut), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cut, seed[:5500], 0o644); err != nil { // table 3's totals cut off
		t.Fatal(err)
	}
	old := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	if err := os.Chtimes(full, old, old); err != nil {
		t.Fatal(err)
	}
	man := "path,region_code,year,scope,body\na/朝阳县2021.txt,211321,2021,area,朝阳县人民政府\nb/朝阳县2021.txt,211321,2021,area,朝阳县人民政府\n"
	if err := os.WriteFile(filepath.Join(in, "manifest.csv"), []byte(man), 0o644); err != nil {
		t.Fatal(err)
	}
	// the handled count of the complete report, and the copy reads incomplete without it
	handled := func(path string) (string, string) {
		out, _, _ := run(t, "parse", "--json", path)
		var r struct {
			Status string                        `json:"status"`
			Table3 map[string]map[string]float64 `json:"table3"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("parse %s: %v", path, err)
		}
		total := ""
		if v, ok := r.Table3["total_handled"]["total"]; ok {
			total = fmt.Sprint(v)
		}
		return r.Status, total
	}
	fullStatus, want := handled(full)
	cutStatus, cutTotal := handled(cut)
	if fullStatus != "complete" || want == "" || cutStatus != "incomplete" || cutTotal != "" {
		t.Fatalf("the test needs a complete report with a handled total and an incomplete copy without: %s %s / %s %s",
			fullStatus, want, cutStatus, cutTotal)
	}
	db := filepath.Join(dir, "w.duckdb")
	if out, errs, code := run(t, "ingest", "--db", db, in); code != exitPartial {
		t.Fatalf("ingest: exit %d, want %d (one input incomplete)\n%s\n%s", code, exitPartial, out, errs)
	}
	out, errs, code := run(t, "query", "--db", db, "--format", "csv",
		"select handled_count from analytics.county_years where county_code = '211321' and year = 2021")
	if code != exitOK || strings.TrimSpace(out) != "handled_count\n"+want {
		t.Errorf("handled_count: exit %d %s\n%s, want %s", code, errs, out, want)
	}
	out, errs, code = run(t, "coverage", "--db", db, "--year", "2021", "--region", "211321")
	if code != exitOK || !strings.Contains(out, "in/b/朝阳县2021.txt") || !strings.Contains(out, "不如汇总依据完整") {
		t.Errorf("coverage: exit %d %s\n%s", code, errs, out)
	}
	out, errs, _ = run(t, "views", "--test", "--db", db)
	if !strings.Contains(out+errs, "checks.contested_reports") {
		t.Errorf("views --test does not flag checks.contested_reports:\n%s\n%s", out, errs)
	}
}
