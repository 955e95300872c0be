package parse

import (
	"hash/crc32"
	"os"
	"path/filepath"
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
	for b.Loop() {
		Parse(doc, Options{})
	}
	per := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(1e9/per, "reports/s")
	b.ReportMetric(per/1e3, "µs/report")
	b.ReportMetric(per/floor, "x-crc32")
}

func BenchmarkParseSeed(b *testing.B) { benchParse(b, seedFile) }

func BenchmarkParseHTML(b *testing.B) { benchParse(b, "shapes/gb2021_html.txt") }

func BenchmarkParseParagraphs(b *testing.B) { benchParse(b, "shapes/gb2019_paras2.txt") }
