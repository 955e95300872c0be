package parse

import (
	"hash/crc32"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"xxgk/pipeline/decode"
	"xxgk/schemas"
)

// benchParse parses one file repeatedly and reports MB/s, reports/s and the ratio to a floor
// measured in the same run (a CRC over the same bytes, i.e. touching every byte once).
func benchParse(b *testing.B, name string) {
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		b.Fatal(err)
	}
	doc := &decode.Doc{Name: name, Text: string(data), Kind: "text"}
	schemas.Labels()
	cat()
	Parse(doc, Options{}) // warm the registry
	const floorN = 2000
	start := time.Now()
	var sink uint32
	for i := 0; i < floorN; i++ {
		sink += crc32.ChecksumIEEE(data)
	}
	floor := float64(time.Since(start).Nanoseconds()) / floorN
	_ = sink
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		Parse(doc, Options{})
	}
	// CPU time of the process (GC included): on a shared machine wall time is noisy, the
	// CPU cost per report is what sets the reports/s per core.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e3, "cpu-µs/report")
	per := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(1e9/per, "reports/s")
	b.ReportMetric(per/1e3, "µs/report")
	b.ReportMetric(per/floor, "x-crc32")
}

func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func BenchmarkParseSeed(b *testing.B) { benchParse(b, seedFile) }

func BenchmarkParseHTML(b *testing.B) { benchParse(b, "shapes/gb2021_html.txt") }

func BenchmarkParseParagraphs(b *testing.B) { benchParse(b, "shapes/gb2019_paras2.txt") }
