package export_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"xxgk/pipeline/export"
)

// BenchmarkExport exports province 21 (the summaries: xlsx, html and md; then csv; then parquet;
// then everything) from the test fixture, or from the warehouse in XXGK_BENCH_DB for the year in
// XXGK_BENCH_YEAR (make bench points it at the demo warehouse). Reported per export: ns/op, and
// cpu-s/op, the process's CPU time, which a loaded machine inflates less than the wall time.
func BenchmarkExport(b *testing.B) {
	db, y := os.Getenv("XXGK_BENCH_DB"), year
	if db == "" {
		db = getFixture(b).db
	} else if v, err := strconv.Atoi(os.Getenv("XXGK_BENCH_YEAR")); err == nil {
		y = v
	}
	for _, c := range []struct {
		name    string
		formats []string
	}{{"summaries", []string{"xlsx", "html", "md"}}, {"csv", []string{"csv"}}, {"parquet", []string{"parquet"}}, {"all", nil}} {
		b.Run(c.name, func(b *testing.B) {
			out := b.TempDir()
			cpu0 := cpuSeconds(b)
			for i := 0; i < b.N; i++ {
				if _, err := export.Run(context.Background(), export.Options{DB: db, Region: "21", Year: y, Out: out, Formats: c.formats,
					CSVBOM: true, Version: "xxgk bench", Threads: 2}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cpuSeconds(b)-cpu0)/float64(b.N), "cpu-s/op")
		})
	}
}
