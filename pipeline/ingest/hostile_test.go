package ingest_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"xxgk/pipeline"
	"xxgk/pipeline/decode"
	"xxgk/pipeline/decode/decodetest"
	"xxgk/pipeline/extract"
	"xxgk/pipeline/gen"
	"xxgk/pipeline/ingest"
)

// knownSlow: hostile cases the parser (not the readers) is known to take too long on; the
// in-process deadline records them as timed out (see extract's hostile test).
var knownSlow = map[string]bool{"long-line.txt": true}

// TestHostileBatch ingests, with the real readers, a province of good reports (generated text,
// HTML and Word reports, the two real PDFs, the real seed report) mixed with the whole hostile
// corpus and two files that bring their decoding worker down (a fatal stack overflow and an
// exit). Every good report loads, every bad input is recorded in failed_inputs with its
// reason and listed in the summary, no tool process is left behind, and the run is partial —
// not failed, not aborted. It logs the peak memory of the batch: this process and its workers
// and tools together.
func TestHostileBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("hostile corpus")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	cfg := smallProvince()
	cfg.DOCXShare = 0.3
	st := generate(t, out, cfg)
	reports := filepath.Join(out, gen.ReportsDir)

	// good inputs: everything generated, and the real reports
	real := filepath.Join(reports, "real")
	must(t, os.MkdirAll(real, 0o755))
	pdfs, _ := filepath.Glob("../decode/testdata/pdf/*.pdf")
	for _, src := range append(pdfs, "../../cmd/xxgk/testdata/seed.txt") {
		b, err := os.ReadFile(src)
		must(t, err)
		must(t, os.WriteFile(filepath.Join(real, filepath.Base(src)), b, 0o644))
	}
	good := map[string]bool{}
	must(t, filepath.WalkDir(reports, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			good[filepath.ToSlash(p)] = true
		}
		return err
	}))
	if len(good) != st.Reports+len(pdfs)+1 {
		t.Fatalf("%d good inputs, generated %d", len(good), st.Reports)
	}
	kinds := map[string]int{}
	for p := range good {
		kinds[filepath.Ext(p)]++
	}
	if kinds[".docx"] == 0 || kinds[".pdf"] == 0 {
		t.Fatalf("good inputs by extension %v: Word and PDF reports (read by workers) are missing", kinds)
	}
	t.Logf("good inputs by extension: %v", kinds)

	// bad inputs: the hostile corpus, and two files whose worker dies
	bad := filepath.Join(reports, "hostile")
	must(t, os.MkdirAll(bad, 0o755))
	want := map[string]error{} // path → reason (nil: read, or failed with any reason but a timeout)
	for _, c := range decodetest.Hostile() {
		p := filepath.Join(bad, c.Name)
		must(t, os.WriteFile(p, c.Make(), 0o644))
		want[filepath.ToSlash(p)] = c.Reason
	}
	someDOCX := decodetest.DOCX(decodetest.One(decodetest.Para("一、总体情况")))
	for name, reason := range map[string]error{"XXGK-FAULT:stack;.docx": pipeline.ErrLimit, "XXGK-FAULT:exit;.docx": pipeline.ErrInternal} {
		p := filepath.Join(bad, name)
		must(t, os.WriteFile(p, someDOCX, 0o644))
		want[filepath.ToSlash(p)] = reason
	}

	fake := filepath.Join(dir, "bin")
	must(t, os.MkdirAll(fake, 0o755))
	must(t, decodetest.FakeTools(fake))
	t.Setenv("PATH", fake+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("XXGK_TEST_WORKER_FAULTS", "1") // extract's workers fail on the XXGK-FAULT files
	d, c, o := decode.ToolTimeout, decode.ConvertTimeout, decode.MaxToolOutput
	decode.ToolTimeout, decode.ConvertTimeout, decode.MaxToolOutput = 20*time.Second, 20*time.Second, 4<<20
	defer func() { decode.ToolTimeout, decode.ConvertTimeout, decode.MaxToolOutput = d, c, o }()
	extract.SetLimits(extract.Limits{CPU: 30 * time.Second, Wall: 2 * time.Minute, InProcess: 20 * time.Second,
		Memory: decodetest.WorkerMemory, Workers: 2, Isolate: true})
	defer extract.SetLimits(extract.DefaultLimits())

	stop := sampleRSS()
	start := time.Now()
	db := filepath.Join(dir, "w.duckdb")
	s, err := ingest.Run(context.Background(), ingest.Options{Roots: []string{reports}, DB: db, Workers: 2, Threads: 2, MemoryLimit: "1GB"})
	took := time.Since(start)
	peak, peakSelf := stop()
	if err != nil {
		t.Fatalf("the run was aborted: %v", err)
	}
	var self, kids syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
	t.Logf("%d inputs in %v; peak RSS of the batch (this process, its workers and tools, sampled every 100 ms) %d MB, "+
		"of this process alone %d MB (getrusage: %d MB; largest exited child %d MB)",
		s.Inputs, took.Round(time.Second), peak>>20, peakSelf>>20, self.Maxrss>>10, kids.Maxrss>>10)

	if s.Status() != "partial" {
		t.Errorf("status %s, want partial", s.Status())
	}
	if s.Inputs != len(good)+len(want) {
		t.Errorf("%d inputs, want %d", s.Inputs, len(good)+len(want))
	}
	rdb := readOnly(t, db)
	rows, err := rdb.Query(`select i.path, i.status, coalesce(f.reason, ''), coalesce(f.detail, '')
		from inputs i left join failed_inputs f using (path)`)
	must(t, err)
	defer rows.Close()
	seen := map[string]bool{}
	for rows.Next() {
		var path, status, reason, detail string
		must(t, rows.Scan(&path, &status, &reason, &detail))
		seen[path] = true
		name := filepath.Base(path)
		switch wantReason, hostile := want[path]; {
		case good[path]:
			if status != "loaded" && status != "duplicate" {
				t.Errorf("good %s: %s %s %s", path, status, reason, detail)
			}
		case !hostile:
			t.Errorf("unexpected input %s", path)
		case wantReason != nil:
			if status != "failed" || reason != wantReason.Error() {
				t.Errorf("%s: %s %q %s, want failed %q", name, status, reason, detail, wantReason)
			}
		case reason == pipeline.ErrTimeout.Error() && !knownSlow[name]:
			t.Errorf("%s: over its budget: %s", name, detail)
		}
		if status == "failed" && !strings.Contains(strings.Join(s.Failures, "\n"), path+": "+reason) {
			t.Errorf("%s is not listed in the summary's failures", path)
		}
	}
	must(t, rows.Err())
	for p := range good {
		if !seen[p] {
			t.Errorf("good input %s not recorded", p)
		}
	}
	for p := range want {
		if !seen[p] {
			t.Errorf("hostile input %s not recorded", p)
		}
	}
	if left := decodetest.Sleepers(); len(left) > 0 {
		t.Errorf("tool processes left behind: %v", left)
	}
}

// sampleRSS samples, every 100 ms until stopped, the resident memory of this process and of
// all its descendants (decoding workers, tools) together; stop returns the peak of the sum
// and of this process alone.
func sampleRSS() (stop func() (total, self int64)) {
	var (
		mu          sync.Mutex
		peak, peak1 int64
	)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			total, self := treeRSS(os.Getpid())
			mu.Lock()
			peak, peak1 = max(peak, total), max(peak1, self)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() (int64, int64) {
		close(done)
		wg.Wait()
		return peak, peak1
	}
}

// treeRSS returns the resident memory of pid and all its descendants, and of pid alone.
func treeRSS(pid int) (total, self int64) {
	parent := map[int]int{}
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		n, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + p.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid …: comm may hold spaces, so read after the last ')'
		if i := bytes.LastIndexByte(b, ')'); i >= 0 {
			f := strings.Fields(string(b[i+1:]))
			if len(f) > 1 {
				parent[n], _ = strconv.Atoi(f[1])
			}
		}
	}
	in := func(n int) bool {
		for k := 0; k < 64 && n > 1; k++ {
			if n == pid {
				return true
			}
			n = parent[n]
		}
		return false
	}
	for n := range parent {
		if !in(n) {
			continue
		}
		b, err := os.ReadFile("/proc/" + strconv.Itoa(n) + "/statm")
		if err != nil {
			continue
		}
		f := strings.Fields(string(b))
		if len(f) < 2 {
			continue
		}
		pages, _ := strconv.ParseInt(f[1], 10, 64)
		rss := pages * int64(os.Getpagesize())
		total += rss
		if n == pid {
			self = rss
		}
	}
	return total, self
}
