package ingest_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"xxgk/pipeline/gen"
	"xxgk/pipeline/ingest"
	"xxgk/pipeline/regions"
)

// The benchmarks ingest a generated corpus of XXGK_BENCH_REPORTS reports (default 2,000;
// `make bench` uses 100,000, issue 17 measures 20,000) and measure, in the same run, the floor
// of merely reading and hashing the same files. The corpus is generated once per process.
//
//	XXGK_BENCH_REPORTS=20000 go test -run '^$' -bench 'Ingest|ReadHash' -benchtime 1x ./pipeline/ingest
//
// XXGK_BENCH_DIR names a directory that keeps the corpus between runs (generated there on the
// first run), so that a CPU profile of the benchmark holds the ingest and not the generator.
//
// # Profiling the ingest
//
// Generate the corpus once, then profile the benchmark alone and read the profile by
// cumulative time (the tree of the stages) and by flat time (the hot spots):
//
//	export CGO_ENABLED=1 GOFLAGS=-tags=duckdb_arrow XXGK_BENCH_REPORTS=20000 XXGK_BENCH_DIR=/tmp/xxgk-bench20k
//	go test -run '^$' -bench ReadHash -benchtime 1x ./pipeline/ingest       # generates the corpus
//	go test -c -o /tmp/ingest.test ./pipeline/ingest
//	(cd pipeline/ingest && /tmp/ingest.test -test.run '^$' -test.bench Ingest -test.benchtime 1x -test.cpuprofile /tmp/ingest.prof)
//	go tool pprof -top -cum -nodecount 60 /tmp/ingest.test /tmp/ingest.prof
//	go tool pprof -peek 'store.\(\*Warehouse\).Finish$' /tmp/ingest.test /tmp/ingest.prof
//
// Read it by stage: extract.inProcess (decode → parse → validate on the workers),
// ingest.(*loader).work (reading and hashing), ingest.(*loader).handle (building the Arrow
// batches), store.(*Warehouse).Load (DuckDB's inserts; its own threads show as
// runtime._ExternalCode), store.(*Warehouse).Finish (commit, the SQL models, checkpoint) and
// runtime.gcBgMarkWorker (garbage collection). GODEBUG=gctrace=1 counts the collections. On a
// machine shared with other jobs wall times vary several-fold: compare the cpu-s metric (user +
// sys of the process) and x_floor_cpu, and for a steady A/B of one function use
// `valgrind --tool=callgrind` on a focused benchmark (instruction counts do not depend on the
// load).

var bench struct {
	once  sync.Once
	dir   string
	files int
	bytes int64
	err   error
}

func benchCorpus(b *testing.B) (string, int, int64) {
	b.Helper()
	bench.once.Do(func() {
		n := 2000
		if s := os.Getenv("XXGK_BENCH_REPORTS"); s != "" {
			if n, bench.err = strconv.Atoi(s); bench.err != nil {
				return
			}
		}
		if d := os.Getenv("XXGK_BENCH_DIR"); d != "" {
			bench.dir = d
			if st, err := os.Stat(filepath.Join(d, "corpus.txt")); err == nil && st.Size() > 0 {
				var b []byte
				if b, bench.err = os.ReadFile(filepath.Join(d, "corpus.txt")); bench.err != nil {
					return
				}
				_, bench.err = fmt.Sscan(string(b), &bench.files, &bench.bytes)
				return
			}
			if bench.err = os.MkdirAll(d, 0o755); bench.err != nil {
				return
			}
		} else if bench.dir, bench.err = os.MkdirTemp("", "xxgk-bench-"); bench.err != nil {
			return
		}
		cfg := gen.Defaults()
		cfg.Provinces = nil
		for _, p := range regions.Default().Provinces {
			cfg.Provinces = append(cfg.Provinces, p.Code)
		}
		cfg.Limit = n
		cfg.Manifest = true
		cfg.Workers = runtime.NumCPU()
		var st gen.Stats
		st, bench.err = gen.Generate(context.Background(), cfg, bench.dir)
		bench.files, bench.bytes = st.Reports, st.Bytes
		// the gold files are not needed: free the disk
		if bench.err == nil {
			bench.err = os.RemoveAll(filepath.Join(bench.dir, gen.GoldDir))
		}
		if bench.err == nil && os.Getenv("XXGK_BENCH_DIR") != "" {
			bench.err = os.WriteFile(filepath.Join(bench.dir, "corpus.txt"), fmt.Appendf(nil, "%d %d\n", bench.files, bench.bytes), 0o644)
		}
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return filepath.Join(bench.dir, gen.ReportsDir), bench.files, bench.bytes
}

// peakRSS resets the process's peak resident set size (Linux: clear_refs 5) and returns a
// function that reads it (VmHWM), in bytes; 0 where /proc is not available.
func peakRSS() func() int64 {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	return func() int64 {
		b, err := os.ReadFile("/proc/self/status")
		if err != nil {
			return 0
		}
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "VmHWM:") {
				f := strings.Fields(l)
				if len(f) >= 2 {
					kb, _ := strconv.ParseInt(f[1], 10, 64)
					return kb << 10
				}
			}
		}
		return 0
	}
}

// readHash reads and hashes every file under root with one worker per core: the floor of
// any ingest.
func readHash(root string) (int, int64, error) {
	paths := make(chan string, 64)
	var files, size atomic.Int64
	var wg sync.WaitGroup
	var firstErr atomic.Value
	for i := 0; i < runtime.NumCPU(); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range paths {
				b, err := os.ReadFile(p)
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					continue
				}
				_ = sha256.Sum256(b)
				files.Add(1)
				size.Add(int64(len(b)))
			}
		}()
	}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths <- p
		}
		return err
	})
	close(paths)
	wg.Wait()
	if e, ok := firstErr.Load().(error); ok && err == nil {
		err = e
	}
	return int(files.Load()), size.Load(), err
}

// cpuTime returns the CPU time (user + system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkReadHash(b *testing.B) {
	root, _, _ := benchCorpus(b)
	b.ResetTimer()
	var files int
	var size int64
	for i := 0; i < b.N; i++ {
		var err error
		if files, size, err = readHash(root); err != nil {
			b.Fatal(err)
		}
	}
	secs := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(files)/secs, "reports/s")
	b.ReportMetric(float64(size)/1e6/secs, "MB/s")
}

// BenchmarkIngest ingests the corpus into a new warehouse per iteration (real decode, parse,
// validate, load, publish). Metrics: reports/s, MB/s, CPU seconds (user + sys) per ingest,
// peak RSS of the process during the ingest (MB), peak Go heap (MB), and the ratio of its time
// to the read+hash floor measured in the same run (x_floor), and of its CPU time to the floor's
// (x_floor_cpu: steadier on a shared machine). It prints the same as three lines for `make
// bench`: the ingest, the ratio (ingest / floor) and the memory.
func BenchmarkIngest(b *testing.B) {
	root, n, size := benchCorpus(b)
	c0, t0 := cpuTime(), time.Now()
	if _, _, err := readHash(root); err != nil {
		b.Fatal(err)
	}
	floor, floorCPU := time.Since(t0), cpuTime()-c0
	dir := b.TempDir()
	var peak, heap int64
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		db := filepath.Join(dir, fmt.Sprintf("w%d.duckdb", i))
		hwm := peakRSS()
		stop := make(chan struct{})
		var maxHeap atomic.Int64
		go func() {
			var ms runtime.MemStats
			t := time.NewTicker(50 * time.Millisecond)
			defer t.Stop()
			for {
				runtime.ReadMemStats(&ms)
				if h := int64(ms.HeapInuse); h > maxHeap.Load() {
					maxHeap.Store(h)
				}
				select {
				case <-stop:
					return
				case <-t.C:
				}
			}
		}()
		s, err := ingest.Run(context.Background(), ingest.Options{Roots: []string{root}, DB: db})
		close(stop)
		if err != nil {
			b.Fatal(err)
		}
		if s.Parsed != n {
			b.Fatalf("loaded %d of %d reports", s.Parsed, n)
		}
		if p := hwm(); p > peak {
			peak = p
		}
		if h := maxHeap.Load(); h > heap {
			heap = h
		}
		b.StopTimer()
		if err := os.Remove(db); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	secs := b.Elapsed().Seconds() / float64(b.N)
	cpu := (cpuTime() - cpu0).Seconds() / float64(b.N)
	b.ReportMetric(float64(n)/secs, "reports/s")
	b.ReportMetric(float64(size)/1e6/secs, "MB/s")
	b.ReportMetric(cpu, "cpu-s") // user+sys: a figure the machine's other load does not inflate as much
	b.ReportMetric(float64(peak)/1e6, "peak-RSS-MB")
	b.ReportMetric(float64(heap)/1e6, "peak-heap-MB")
	b.ReportMetric(secs/floor.Seconds(), "x_floor")
	b.ReportMetric(cpu/floorCPU.Seconds(), "x_floor_cpu")
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "ingest %d reports (%.1f MB): %.2f s, %.0f reports/s, %.1f MB/s, CPU %.2f s (user+sys)\n",
		n, float64(size)/1e6, secs, float64(n)/secs, float64(size)/1e6/secs, cpu)
	fmt.Fprintf(&buf, "ingest / floor: x%.1f wall, x%.1f CPU (read+SHA-256 of the same files in the same run: %.2f s, CPU %.2f s)\n",
		secs/floor.Seconds(), cpu/floorCPU.Seconds(), floor.Seconds(), floorCPU.Seconds())
	fmt.Fprintf(&buf, "memory: peak RSS %.0f MB, peak Go heap %.0f MB (%d reports)\n", float64(peak)/1e6, float64(heap)/1e6, n)
	fmt.Print(buf.String())
}
