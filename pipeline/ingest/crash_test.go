package ingest_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"xxgk/pipeline/gen"
	"xxgk/pipeline/ingest"
	"xxgk/pipeline/store"
)

// The tests below run ingests and readers in child processes: the test binary re-executed
// with XXGK_INGEST_CHILD set (TestMain dispatches).
func TestMain(m *testing.M) {
	switch os.Getenv("XXGK_INGEST_CHILD") {
	case "ingest":
		os.Exit(childIngest())
	case "reader":
		os.Exit(childReader())
	case "stuck":
		os.Exit(childStuck())
	}
	code := m.Run()
	if bench.dir != "" && os.Getenv("XXGK_BENCH_DIR") == "" {
		_ = os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}

// childIngest runs one ingest of XXGK_CHILD_ROOTS into XXGK_CHILD_DB. With XXGK_CHILD_FSIZE it
// first limits the size of the files it may write (RLIMIT_FSIZE): a full disk.
func childIngest() int {
	if lim := os.Getenv("XXGK_CHILD_FSIZE"); lim != "" {
		n, _ := strconv.ParseUint(lim, 10, 64)
		signal.Ignore(syscall.SIGXFSZ) // writes past the limit fail with EFBIG instead
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
			fmt.Fprintln(os.Stderr, "setrlimit:", err)
			return 3
		}
	}
	fr, _ := strconv.Atoi(os.Getenv("XXGK_CHILD_FLUSH"))
	s, err := ingest.Run(context.Background(), ingest.Options{Roots: strings.Split(os.Getenv("XXGK_CHILD_ROOTS"), "\n"),
		DB: os.Getenv("XXGK_CHILD_DB"), Workers: 2, Threads: 1, MemoryLimit: "512MB", FlushRows: fr})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	fmt.Println("done", s.Parsed, s.InPlace, s.Merge.Seconds())
	return 0
}

// childReader opens the warehouse read-only, prints the number of reports, waits for a line on
// stdin, prints the number again from the same session, and exits.
func childReader() int {
	s, err := store.OpenSession(context.Background(), os.Getenv("XXGK_CHILD_DB"), store.SessionOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer s.Close()
	conn, err := s.DB().Conn(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer conn.Close()
	for i := 0; i < 2; i++ {
		var n int64
		if err := conn.QueryRowContext(context.Background(), `select count(*) from reports`).Scan(&n); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		fmt.Println(n)
		if i == 0 {
			if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 2
			}
		}
	}
	return 0
}

func child(mode, db string, roots []string, extra ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "XXGK_INGEST_CHILD="+mode, "XXGK_CHILD_DB="+db,
		"XXGK_CHILD_ROOTS="+strings.Join(roots, "\n"))
	cmd.Env = append(cmd.Env, extra...)
	return cmd
}

func fileSum(t testing.TB, p string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// twoCorpora generates a small province subset (A) and a larger one (B) for two-run tests.
func twoCorpora(t testing.TB, dir string) (a, b string) {
	cfgA := smallProvince()
	cfgA.Manifest = false
	generate(t, filepath.Join(dir, "a"), cfgA)
	cfgB := cfgA
	cfgB.FirstYear, cfgB.LastYear = 2019, 2021
	cfgB.Departments, cfgB.Townships = 12, 6
	generate(t, filepath.Join(dir, "b"), cfgB)
	return filepath.Join(dir, "a", gen.ReportsDir), filepath.Join(dir, "b", gen.ReportsDir)
}

func runReal(t testing.TB, db string, roots ...string) *ingest.Summary {
	t.Helper()
	s, err := ingest.Run(context.Background(), ingest.Options{Roots: roots, DB: db, Workers: 2, Threads: 2, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestKillMidRun kills ingests with SIGKILL at several moments of the second run: the
// published warehouse stays as it was, and a re-run completes and converges to what an
// uninterrupted history builds.
func TestKillMidRun(t *testing.T) {
	if testing.Short() {
		t.Skip("child processes")
	}
	dir := t.TempDir()
	a, b := twoCorpora(t, dir)

	ref := filepath.Join(dir, "ref", "w.duckdb")
	runReal(t, ref, a)
	t0 := time.Now()
	runReal(t, ref, a, b)
	full := time.Since(t0)

	db := filepath.Join(dir, "data", "w.duckdb")
	runReal(t, db, a)
	sum1 := fileSum(t, db)
	fp1 := fingerprints(t, db)
	backup, err := os.ReadFile(db)
	must(t, err)

	killed := 0
	for _, frac := range []float64{0, 0.1, 0.3, 0.6, 0.9} {
		delay := time.Duration(frac * float64(full))
		cmd := child("ingest", db, []string{a, b}, "XXGK_CHILD_FLUSH=2000")
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		must(t, cmd.Start())
		// wait for the working copy, i.e. the run is under way
		deadline := time.Now().Add(20 * time.Second)
		for {
			m, _ := filepath.Glob(db + ".tmp-*")
			if len(m) > 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
		time.Sleep(delay)
		must(t, cmd.Process.Signal(syscall.SIGKILL))
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			killed++
		} else {
			// it published: put the first run's warehouse back for the next kill
			t.Logf("delay %v: the child finished before the kill (%v)", delay, err)
			must(t, os.WriteFile(db, backup, 0o644))
		}
		if fileSum(t, db) != sum1 {
			// A kill after the rename (while the run closes and logs) finds the run published
			// whole: that is a completed run, not a half-published one. Anything else fails.
			want := fingerprints(t, ref, "started_at", "finished_at")
			got := fingerprints(t, db, "started_at", "finished_at")
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("delay %v: the published warehouse changed under a killed run", delay)
			}
			t.Logf("delay %v: killed after its publish: the warehouse holds the whole run", delay)
			must(t, os.WriteFile(db, backup, 0o644))
		}
	}
	if killed == 0 {
		t.Fatal("no child was killed mid-run")
	}
	t.Logf("%d runs killed", killed)
	if m, _ := filepath.Glob(db + ".tmp-*"); len(m) == 0 {
		t.Log("no stale working copy left by the killed runs (killed before it grew?)")
	}
	if got := fingerprints(t, db); fmt.Sprint(got) != fmt.Sprint(fp1) {
		t.Fatal("published warehouse content changed")
	}
	// the re-run cleans up and converges
	runReal(t, db, a, b)
	if m, _ := filepath.Glob(db + ".tmp-*"); len(m) != 0 {
		t.Errorf("stale working copies left: %v", m)
	}
	want := fingerprints(t, ref, "started_at", "finished_at")
	got := fingerprints(t, db, "started_at", "finished_at")
	for tbl, w := range want {
		if got[tbl] != w {
			t.Errorf("%s: after kills and a re-run %+v, uninterrupted %+v", tbl, got[tbl], w)
		}
	}
}

// TestReaderDuringIngest holds a read-only session on the published file in another process
// while an ingest runs: both succeed, the reader keeps its snapshot, a new reader sees the run.
func TestReaderDuringIngest(t *testing.T) {
	if testing.Short() {
		t.Skip("child processes")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	corpus(t, in, 10, 1)
	db := filepath.Join(dir, "w.duckdb")
	run(t, db, in)

	cmd := child("reader", db, nil)
	stdin, err := cmd.StdinPipe()
	must(t, err)
	stdout, err := cmd.StdoutPipe()
	must(t, err)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	must(t, cmd.Start())
	out := bufio.NewReader(stdout)
	line, err := out.ReadString('\n')
	if err != nil {
		t.Fatalf("reader: %v %s", err, stderr.String())
	}
	if strings.TrimSpace(line) != "10" {
		t.Fatalf("reader saw %q reports", line)
	}

	corpus(t, in, 25, 100) // 15 more bodies (and new versions of the first 10)
	s := run(t, db, in)    // must not be blocked by the reader
	if s.Parsed == 0 {
		t.Fatal("nothing loaded")
	}
	_, err = io.WriteString(stdin, "go\n")
	must(t, err)
	line, err = out.ReadString('\n')
	if err != nil {
		t.Fatalf("reader after the run: %v %s", err, stderr.String())
	}
	if strings.TrimSpace(line) != "10" {
		t.Errorf("the open session saw %q reports: it must keep its snapshot", line)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("reader: %v %s", err, stderr.String())
	}
	rdb := readOnly(t, db)
	if n := count(t, rdb, `select count(*) from reports where is_current`); n != 25 {
		t.Errorf("a new session sees %d current reports, want 25", n)
	}
}

// TestFullDisk runs ingests that cannot write past a file size limit (RLIMIT_FSIZE): while
// copying the published file, and while loading. Each aborts with a clear message and leaves
// the published warehouse and no working copy; the next run succeeds.
func TestFullDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("child processes")
	}
	dir := t.TempDir()
	a, b := twoCorpora(t, dir)
	db := filepath.Join(dir, "w.duckdb")
	runReal(t, db, a)
	sum := fileSum(t, db)
	st, err := os.Stat(db)
	must(t, err)
	committed := false // an in-place merge committed before its checkpoint hit the limit
	for _, limit := range []int64{st.Size() / 2, st.Size() + 64<<10} {
		cmd := child("ingest", db, []string{a, b}, fmt.Sprintf("XXGK_CHILD_FSIZE=%d", limit))
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		if err == nil {
			t.Fatalf("limit %d: the ingest succeeded", limit)
		}
		msg := stderr.String()
		t.Logf("limit %d: %v: %s", limit, err, strings.TrimSpace(msg))
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
			t.Errorf("limit %d: %v, want exit status 2 (a clean abort)", limit, err)
		}
		if !strings.Contains(msg, "磁盘空间不足") {
			t.Errorf("limit %d: the message does not say the disk is full: %s", limit, msg)
		}
		if strings.Contains(msg, "已提交并发布") {
			// the commit is in the WAL: the main file is as it was, the warehouse is not
			if strings.Contains(msg, "未改动") {
				t.Errorf("limit %d: a committed run says the warehouse is unchanged: %s", limit, msg)
			}
			committed = true
		}
		if fileSum(t, db) != sum {
			t.Fatalf("limit %d: the published warehouse changed", limit)
		}
		if m, _ := filepath.Glob(db + ".tmp-*"); len(m) != 0 {
			t.Errorf("limit %d: working copies left: %v", limit, m)
		}
	}
	s := runReal(t, db, a, b)
	if s.Parsed == 0 && !committed {
		t.Error("the run after the full disk loaded nothing")
	}
	// whichever way it went, the warehouse now holds what an undisturbed run loads
	want := filepath.Join(dir, "undisturbed.duckdb")
	runReal(t, want, a, b)
	q := `select count(*) from reports where is_current`
	if got, exp := count(t, readOnly(t, db), q), count(t, readOnly(t, want), q); got != exp || got == 0 {
		t.Errorf("after the full disk the warehouse has %d current reports, an undisturbed run %d", got, exp)
	}
	if _, err := os.Stat(db + ".wal"); err == nil {
		t.Error("the run after the full disk left the WAL unwritten")
	}
}

// martsFingerprint is the row count and an order-independent checksum of every materialised
// model (the marts a run refreshes), by name.
func martsFingerprint(t testing.TB, path string) map[string]string {
	t.Helper()
	s, err := store.OpenSession(context.Background(), path, store.SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rows, err := s.Query(context.Background(), `select table_name from duckdb_tables() where schema_name = 'marts' order by 1`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range rows.Rows {
		name := r[0].(string)
		var n int64
		var sum sql.NullString
		if err := s.QueryRowContext(context.Background(), `select count(*), sum(hash(m))::varchar from marts.`+name+` as m`).Scan(&n, &sum); err != nil {
			t.Fatalf("marts.%s: %v", name, err)
		}
		out[name] = fmt.Sprint(n, " ", sum.String)
	}
	if len(out) == 0 {
		t.Fatal("no materialised marts")
	}
	return out
}

// TestKillLateInPlace kills, with SIGKILL, late ingests that merge into the published file in
// place, at moments spread over the end of the run — loading, the merge transaction, the models'
// refresh, the commit and the CHECKPOINT. After every kill the published warehouse (the file and
// the WAL DuckDB replays on opening it) is the old warehouse or the new one — every table and
// every materialised model — never a mix; a run after the kills converges on an uninterrupted
// history, leaving no WAL and no working file.
func TestKillLateInPlace(t *testing.T) {
	if testing.Short() {
		t.Skip("child processes")
	}
	dir := t.TempDir()
	a, b := twoCorpora(t, dir)
	ref := filepath.Join(dir, "ref", "w.duckdb")
	runReal(t, ref, a)
	s := runReal(t, ref, a, b)
	if !s.InPlace {
		t.Fatalf("the late run was published by copy (%s): want in place", s.Fallback)
	}
	newFP, newMarts := fingerprints(t, ref, "started_at", "finished_at"), martsFingerprint(t, ref)

	db := filepath.Join(dir, "data", "w.duckdb")
	runReal(t, db, a)
	oldFP, oldMarts := fingerprints(t, db), martsFingerprint(t, db)
	backup, err := os.ReadFile(db)
	must(t, err)
	restore := func() {
		must(t, os.WriteFile(db, backup, 0o644))
		if err := os.Remove(db + ".wal"); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}

	// one uninterrupted child run: how long it takes, how long its merge
	cmd := child("ingest", db, []string{a, b})
	t0 := time.Now()
	out, err := cmd.Output()
	total := time.Since(t0)
	if err != nil {
		t.Fatalf("child ingest: %v", err)
	}
	var parsed int
	var inPlace bool
	var merge float64
	if _, err := fmt.Sscanf(strings.TrimSpace(string(out)), "done %d %t %g", &parsed, &inPlace, &merge); err != nil || !inPlace {
		t.Fatalf("child ingest printed %q (%v): want an in-place run", out, err)
	}
	restore()
	window := time.Duration(merge * float64(time.Second))
	t.Logf("child run %v, its merge %v", total.Round(time.Millisecond), window.Round(time.Millisecond))

	outcomes := map[string]int{}
	for i := 0; i < 14; i++ {
		// from shortly before the merge to shortly after the run's usual end
		frac := -0.3 + 1.6*float64(i)/13
		delay := max(0, total-window+time.Duration(frac*float64(window)))
		cmd := child("ingest", db, []string{a, b})
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		must(t, cmd.Start())
		time.Sleep(delay)
		must(t, cmd.Process.Signal(syscall.SIGKILL))
		_ = cmd.Wait()
		ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
		_, walErr := os.Stat(db + ".wal")
		wal := walErr == nil
		fp, marts := fingerprints(t, db), martsFingerprint(t, db)
		state := ""
		switch {
		case fmt.Sprint(fp) == fmt.Sprint(oldFP) && fmt.Sprint(marts) == fmt.Sprint(oldMarts):
			state = "old"
		case fmt.Sprint(fingerprints(t, db, "started_at", "finished_at")) == fmt.Sprint(newFP) && fmt.Sprint(marts) == fmt.Sprint(newMarts):
			state = "new"
		default:
			t.Fatalf("kill at %v (signalled %v, WAL %v): the published warehouse is neither the old nor the new one:\n%v\n%v\nold %v\n%v\nnew %v\n%v", delay, ws.Signaled(), wal,
				fp, marts, oldFP, oldMarts, newFP, newMarts)
		}
		key := state
		if wal {
			key += " (WAL replayed)"
		}
		if !ws.Signaled() {
			key += ", not killed"
		}
		outcomes[key]++
		if state == "new" || wal {
			restore()
		}
	}
	t.Logf("outcomes: %v", outcomes)
	if outcomes["old"] == 0 || outcomes["new"]+outcomes["new (WAL replayed)"] == 0 {
		t.Logf("the kills did not fall on both sides of the commit (machine load?)")
	}
	// the re-run cleans up and converges
	if s := runReal(t, db, a, b); !s.InPlace {
		t.Errorf("the re-run was published by copy (%s): want in place", s.Fallback)
	}
	if m, _ := filepath.Glob(db + ".tmp-*"); len(m) != 0 {
		t.Errorf("working files left: %v", m)
	}
	if _, err := os.Stat(db + ".wal"); err == nil {
		t.Error("a WAL is left after a completed run")
	}
	if got := fingerprints(t, db, "started_at", "finished_at"); fmt.Sprint(got) != fmt.Sprint(newFP) {
		t.Errorf("after kills and a re-run %v, uninterrupted %v", got, newFP)
	}
	if got := martsFingerprint(t, db); fmt.Sprint(got) != fmt.Sprint(newMarts) {
		t.Errorf("marts after kills and a re-run %v, uninterrupted %v", got, newMarts)
	}
}
