package extract_test

import (
	"crypto/sha256"
	"html"
	"os"
	"strings"
	"testing"

	"xxgk/pipeline/decode"
	"xxgk/pipeline/decode/decodetest"
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

// BenchmarkPDFInProcess is BenchmarkPDF with the decoding in-process (Isolate false): the
// difference is the cost of the worker (a pipe each way and the Doc's encoding).
func BenchmarkPDFInProcess(b *testing.B) {
	l := extract.DefaultLimits()
	l.Isolate = false
	extract.SetLimits(l)
	defer extract.SetLimits(extract.DefaultLimits())
	BenchmarkPDF(b)
}

// BenchmarkDOCX reads a Word report (the real seed report's text as paragraphs, its grid
// rows as a Word table) through decode in a worker, parse and validate; BenchmarkDOCXInProcess
// decodes it in-process.
func BenchmarkDOCX(b *testing.B) {
	doc := seedDOCX(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if r, err := extract.Bytes("seed.docx", doc, extract.Options{}); err != nil || r.Status == "failed" {
			b.Fatal(err, r.Status)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(float64(b.N*len(doc))/1e6/b.Elapsed().Seconds(), "MB/s")
}

func BenchmarkDOCXInProcess(b *testing.B) {
	l := extract.DefaultLimits()
	l.Isolate = false
	extract.SetLimits(l)
	defer extract.SetLimits(extract.DefaultLimits())
	BenchmarkDOCX(b)
}

// seedDOCX renders the real seed report as a Word document: a paragraph per line, a table per
// run of grid lines.
func seedDOCX(b *testing.B) []byte {
	text, err := os.ReadFile("../../cmd/xxgk/testdata/seed.txt")
	if err != nil {
		b.Fatal(err)
	}
	var body strings.Builder
	inTable := false
	for _, line := range strings.Split(string(text), "\n") {
		t := strings.TrimSpace(line)
		row := strings.HasPrefix(t, "|") && strings.HasSuffix(t, "|") && len(t) > 1
		if row != inTable {
			if row {
				body.WriteString("<w:tbl>")
			} else {
				body.WriteString("</w:tbl>")
			}
			inTable = row
		}
		if !row {
			body.WriteString(decodetest.Para(html.EscapeString(t)))
			continue
		}
		body.WriteString("<w:tr>")
		for _, c := range strings.Split(strings.Trim(t, "|"), "|") {
			body.WriteString("<w:tc>" + decodetest.Para(html.EscapeString(strings.TrimSpace(c))) + "</w:tc>")
		}
		body.WriteString("</w:tr>")
	}
	if inTable {
		body.WriteString("</w:tbl>")
	}
	return decodetest.DOCX(decodetest.One(body.String()))
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
