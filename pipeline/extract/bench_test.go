package extract_test

import (
	"crypto/sha256"
	"os"
	"testing"

	"xxgk/pipeline/decode"
	"xxgk/pipeline/extract"
)

// BenchmarkPDF reads the two real PDF reports through the whole ingest path of one file —
// decode (pdftotext -layout, an external process), parse, validate — and reports PDFs per
// second and MB/s. BenchmarkPDFFloor hashes the same bytes: the floor of any reader.
func BenchmarkPDF(b *testing.B) {
	if !decode.HasTool("pdftotext") {
		b.Skip("pdftotext not installed (Debian package poppler-utils)")
	}
	files := pdfBytes(b)
	b.ReportAllocs()
	b.ResetTimer()
	n, size := 0, 0
	for b.Loop() {
		f := files[n%len(files)]
		r, err := extract.Bytes("hongze.pdf", f, extract.Options{})
		if err != nil || r.Status == "failed" {
			b.Fatal(err)
		}
		n++
		size += len(f)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "pdfs/s")
	b.ReportMetric(float64(size)/1e6/b.Elapsed().Seconds(), "MB/s")
}

func BenchmarkPDFFloor(b *testing.B) {
	files := pdfBytes(b)
	n, size := 0, 0
	for b.Loop() {
		f := files[n%len(files)]
		_ = sha256.Sum256(f)
		n++
		size += len(f)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "pdfs/s")
	b.ReportMetric(float64(size)/1e6/b.Elapsed().Seconds(), "MB/s")
}

func pdfBytes(b *testing.B) [][]byte {
	var out [][]byte
	for _, f := range []string{"../decode/testdata/pdf/hongze-2023.pdf", "../decode/testdata/pdf/hongze-2024.pdf"} {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}
