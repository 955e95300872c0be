package decode

import (
	"hash/crc32"
	"os"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// BenchmarkDecode reports MB/s and reports/s per input kind; "floor" copies and hashes the
// seed bytes, the least any stage must spend on them, for a ratio measured in the same run.
func BenchmarkDecode(b *testing.B) {
	raw := seed(b)
	page, err := os.ReadFile("testdata/page.html")
	if err != nil {
		b.Fatal(err)
	}
	gbkPage := encode(b, simplifiedchinese.GBK, strings.Replace(string(page), "charset=utf-8", "charset=gbk", 1))
	report, err := os.ReadFile("testdata/report.html")
	if err != nil {
		b.Fatal(err)
	}
	inputs := []struct {
		name, file string
		in         []byte
	}{
		{"seed-utf8", "seed.txt", raw},
		{"seed-gbk", "seed.txt", encode(b, simplifiedchinese.GBK, string(raw))},
		{"seed-big5", "seed.txt", encode(b, traditionalchinese.Big5, ToTraditional(string(raw)))},
		{"html-utf8", "page.html", page},
		{"html-gbk", "page.html", gbkPage},
		{"html-report", "report.html", report},
	}
	b.Run("floor", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			s := string(raw)
			_ = crc32.ChecksumIEEE([]byte(s))
		}
	})
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			if _, err := Decode(in.file, in.in); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(in.in)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Decode(in.file, in.in); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
		})
	}
}

// BenchmarkHTMLReader compares, in the same run, the streaming HTML reader with the
// tree-walking reader it replaced (html_ref_test.go) on testdata/page.html (a county site's
// page, 4.6 KB) and testdata/report.html (a generated report page, 22 KB): the readers alone
// (tree, stream) and all of Decode with each (decode-tree, decode-stream). cpu-ms/op is the
// process CPU time per page, steadier than ns/op on a machine shared with other work.
func BenchmarkHTMLReader(b *testing.B) {
	for _, f := range []string{"page.html", "report.html"} {
		raw, err := os.ReadFile("testdata/" + f)
		if err != nil {
			b.Fatal(err)
		}
		s := string(raw)
		for _, r := range []struct {
			name string
			read func(string)
		}{
			{"tree", func(s string) { refExtractHTML(s) }},
			{"stream", func(s string) { extractHTML(s) }},
			{"decode-tree", func(string) { refDecode(f, raw) }},
			{"decode-stream", func(string) { Decode(f, raw) }},
		} {
			b.Run(strings.TrimSuffix(f, ".html")+"/"+r.name, func(b *testing.B) {
				b.SetBytes(int64(len(s)))
				b.ReportAllocs()
				cpu := cpuTime()
				for b.Loop() {
					r.read(s)
				}
				b.ReportMetric(float64(cpuTime()-cpu)/1e6/float64(b.N), "cpu-ms/op")
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
			})
		}
	}
}

// BenchmarkRejectNoise shows that 10 MB of random bytes is turned away from a sample.
func BenchmarkRejectNoise(b *testing.B) {
	noise := make([]byte, 10<<20)
	x := uint32(1)
	for i := range noise {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		noise[i] = byte(x) | 0x80 // no NUL, no ASCII: only the charset check can refuse it
	}
	b.SetBytes(int64(len(noise)))
	for b.Loop() {
		if _, err := Decode("noise.bin", noise); err == nil {
			b.Fatal("noise accepted")
		}
	}
}

// refDecode is Decode of an HTML page as it was before the streaming reader: the same steps
// with the tree-walking reader.
func refDecode(name string, b []byte) (string, error) {
	d := &Doc{Name: name, Size: len(b), Kind: KindText}
	s, err := decodeCharset(d, b)
	if err != nil {
		return "", err
	}
	if !looksHTML(name, s) {
		return "", nil
	}
	p := refExtractHTML(s)
	text, st := normalize(p.text)
	if d.Encoding == "big5" || st.traditional() {
		text = ToSimplified(text)
	}
	return strings.TrimSpace(text), nil
}
