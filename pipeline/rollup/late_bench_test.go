package rollup_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"xxgk/pipeline/gen"
	"xxgk/pipeline/ingest"
	"xxgk/pipeline/regions"
	"xxgk/pipeline/store"
)

// LateFiles is the number of late files each iteration of the late-report benchmarks ingests.
const LateFiles = 10

// lateSeed seeds the late files: from the clock, so that a warehouse kept between runs
// (XXGK_BENCH_DB) gets new bytes every time, not the files it already holds.
var lateSeed = uint64(time.Now().UnixNano() % 1_000_000_000)

// BenchmarkLateReports: `xxgk ingest` of 10 late files (one county, 2024: new bodies, generated
// with gen and read by the real pipeline) into the national warehouse of XXGK_BENCH_REPORTS
// reports (make bench: 1,000,000), published as by default: merged in place, the models
// refreshed for the one province-year. Each iteration adds 10 more files (another seed).
// Metrics: s/op is the whole ingest; merge-s the time from the end of loading to the
// published warehouse (readers are locked out for it); written-MB the bytes the process wrote
// (write system calls: the run's delta, the WAL, the checkpoint); growth-MB the published
// file's growth; cpu-s the process's CPU time per run (user + system, all threads: on a shared
// machine the wall time says more about the other processes); in-place 1 when every run
// merged in place.
func BenchmarkLateReports(b *testing.B) { benchLate(b, store.PublishAuto) }

// BenchmarkLateReportsByCopy is BenchmarkLateReports published by copy (store.PublishCopy):
// the copy of the whole published file that the in-place merge saves.
func BenchmarkLateReportsByCopy(b *testing.B) { benchLate(b, store.PublishCopy) }

func benchLate(b *testing.B, mode store.Publish) {
	db := benchWarehouse(b)
	ctx := context.Background()
	county := regions.Default().Counties[0].Code
	dir := b.TempDir()
	var merge time.Duration
	var written, growth int64
	var cpu time.Duration
	inPlace := 1.0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		lateSeed++ // new bytes in every iteration of every round
		root := lateFiles(b, filepath.Join(dir, strconv.Itoa(int(lateSeed))), county, lateSeed)
		w0, size0, c0 := writtenBytes(), fileBytes(db), cpuTime()
		b.StartTimer()
		s, err := ingest.Run(ctx, ingest.Options{Roots: []string{root}, DB: db, Workers: 2, Threads: 2, MemoryLimit: "2GB", Publish: mode})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		cpu += cpuTime() - c0
		if s.Parsed != LateFiles {
			b.Fatalf("loaded %d of %d late reports", s.Parsed, LateFiles)
		}
		if !s.InPlace {
			inPlace = 0
			if mode == store.PublishAuto {
				b.Logf("published by copy: %s", s.Fallback)
			}
		}
		merge += s.Merge
		written += writtenBytes() - w0
		growth += fileBytes(db) - size0
		if testing.Verbose() {
			b.Logf("late run %d: %.2fs (merge %.2fs), models: %s", i, s.Elapsed.Seconds(), s.Merge.Seconds(), s.Models)
		}
		b.StartTimer()
	}
	b.ReportMetric(merge.Seconds()/float64(b.N), "merge-s")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s")
	b.ReportMetric(float64(written)/1e6/float64(b.N), "written-MB")
	b.ReportMetric(float64(growth)/1e6/float64(b.N), "growth-MB")
	b.ReportMetric(inPlace, "in-place")
	b.ReportMetric(float64(benchReports()), "reports")
}

// lateFiles generates LateFiles reports of one county for 2024 under dir (with a manifest)
// and returns the directory to ingest.
func lateFiles(b *testing.B, dir, county string, seed uint64) string {
	b.Helper()
	cfg := gen.Defaults()
	cfg.Provinces = []string{county}
	cfg.FirstYear, cfg.LastYear = 2024, 2024
	cfg.Seed = seed
	cfg.MissingShare, cfg.FaultShare = 0, 0
	cfg.Limit = LateFiles
	cfg.Manifest = true
	if _, err := gen.Generate(context.Background(), cfg, dir); err != nil {
		b.Fatal(err)
	}
	return filepath.Join(dir, gen.ReportsDir)
}

// writtenBytes is what the process has passed to write system calls (/proc/self/io wchar).
func writtenBytes() int64 {
	raw, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(l, "wchar:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n
		}
	}
	return 0
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var r syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &r); err != nil {
		return 0
	}
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}

func fileBytes(p string) int64 {
	st, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return st.Size()
}
