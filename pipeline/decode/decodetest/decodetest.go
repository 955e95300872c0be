// Package decodetest generates hostile inputs for the tests and fuzz seeds of the readers:
// documents that attack a reader's stack, time or memory (deep nesting, floods of empty
// elements, text split by comments, huge spans, zip bombs, tools that hang or flood). Large
// cases are generated when a test runs, never committed: a Word document whose document.xml
// expands to a gigabyte takes kilobytes and milliseconds to make (each repeated segment is
// compressed once and its deflate blocks repeated).
package decodetest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"

	"xxgk/pipeline"
)

// Case is a hostile input.
type Case struct {
	Name string // file name, with the extension the office would see
	What string // the attack
	// Reason is what reading it must fail with; nil when it may be read (what matters is that
	// reading ends cleanly within its budget, whether the text is a report or not).
	Reason error
	// Tools: the case needs the fake tools of FakeTools on PATH (it hangs or floods only
	// through them).
	Tools bool
	Make  func() []byte
}

// Segment is a piece of text repeated N times.
type Segment struct {
	Text string
	N    int
}

// Rep is a Segment.
func Rep(text string, n int) Segment { return Segment{text, n} }

// One is a Segment written once.
func One(text string) Segment { return Segment{text, 1} }

// WordNS is the namespace declaration of WordprocessingML.
const WordNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`

// DocHead and DocTail open and close word/document.xml around the body's content.
const (
	DocHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ` + WordNS + `><w:body>`
	DocTail = `<w:sectPr/></w:body></w:document>`
)

const (
	contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`
	packageRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`
)

// DOCX returns a Word package whose word/document.xml is DocHead, the segments, DocTail.
func DOCX(body ...Segment) []byte {
	segs := append(append([]Segment{One(DocHead)}, body...), One(DocTail))
	return Zip(Entry{Name: "[Content_Types].xml", Segments: []Segment{One(contentTypes)}},
		Entry{Name: "_rels/.rels", Segments: []Segment{One(packageRels)}},
		Entry{Name: "word/document.xml", Segments: segs})
}

// Entry is a file of a Zip.
type Entry struct {
	Name     string
	Segments []Segment
}

// Zip returns a ZIP archive of the entries, each deflated segment by segment: a segment of
// text t repeated n times is cut into chunks of about 1 MiB that are compressed once, and
// their blocks are repeated. The archive is valid (sizes and CRC-32 are those of the
// expanded content).
func Zip(entries ...Entry) []byte {
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, e := range entries {
		var raw bytes.Buffer
		crc := crc32.NewIEEE()
		var size uint64
		for _, s := range e.Segments {
			if s.N <= 0 || s.Text == "" {
				continue
			}
			// a chunk of whole repetitions, about 1 MiB, compressed once
			per := max(1, min(s.N, (1<<20)/len(s.Text)))
			chunk := strings.Repeat(s.Text, per)
			block := deflateBlock(chunk)
			full, rest := s.N/per, s.N%per
			for range full {
				raw.Write(block)
				crc.Write([]byte(chunk))
			}
			if rest > 0 {
				tail := strings.Repeat(s.Text, rest)
				raw.Write(deflateBlock(tail))
				crc.Write([]byte(tail))
			}
			size += uint64(len(s.Text)) * uint64(s.N)
		}
		raw.Write([]byte{0x03, 0x00}) // the final (empty, fixed-Huffman) block
		w, err := zw.CreateRaw(&zip.FileHeader{Name: e.Name, Method: zip.Deflate, CRC32: crc.Sum32(),
			CompressedSize64: uint64(raw.Len()), UncompressedSize64: size})
		if err != nil {
			panic(err)
		}
		if _, err := w.Write(raw.Bytes()); err != nil {
			panic(err)
		}
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return out.Bytes()
}

// deflateBlock compresses s on its own (no reference to what comes before it) and ends with
// a sync flush, so that the blocks can be repeated and concatenated.
func deflateBlock(s string) []byte {
	var b bytes.Buffer
	fw, err := flate.NewWriter(&b, flate.BestSpeed)
	if err != nil {
		panic(err)
	}
	if _, err := fw.Write([]byte(s)); err != nil {
		panic(err)
	}
	if err := fw.Flush(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// ZipEntries returns a ZIP archive of n tiny entries besides a small valid Word document.
func ZipEntries(n int) []byte {
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for i := range n {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("word/media/x%d", i), Method: zip.Store})
		if err != nil {
			panic(err)
		}
		w.Write([]byte{'x'})
	}
	w, _ := zw.Create("word/document.xml")
	w.Write([]byte(DocHead + Para("一、总体情况") + DocTail))
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return out.Bytes()
}

// Para is a paragraph of text.
func Para(s string) string { return `<w:p><w:r><w:t xml:space="preserve">` + s + `</w:t></w:r></w:p>` }

// Markers the fake tools of FakeTools react to, anywhere in their input.
const (
	MarkHang  = "XXGK-FAKE-HANG"  // sleep (in a child process) until killed
	MarkFlood = "XXGK-FAKE-FLOOD" // write to standard output without end (libreoffice: a file of FloodFile bytes)
	MarkSpin  = "XXGK-FAKE-SPIN"  // burn CPU until killed
)

// FloodFile is the size of the file the fake libreoffice writes on MarkFlood. Tests lower
// decode.MaxToolOutput below it (the default cap is 64 MB).
const FloodFile = 8 << 20

// SleepToken is the argument of the sleeps the fake tools written by this process leave
// behind (4242.<pid>): a test finds its own survivors in /proc with Sleepers, and never those
// of another test binary running at the same time.
var SleepToken = fmt.Sprintf("4242.%d", os.Getpid())

// Sleepers lists the processes (pid: command line) sleeping on this process's SleepToken.
func Sleepers() []string {
	var out []string
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		b, err := os.ReadFile("/proc/" + p.Name() + "/cmdline")
		if err != nil {
			continue
		}
		for _, arg := range strings.Split(string(b), "\x00") {
			if arg == SleepToken {
				out = append(out, p.Name()+": "+strings.TrimSpace(strings.ReplaceAll(string(b), "\x00", " ")))
				break
			}
		}
	}
	return out
}

// FakeTools writes fake pdftotext and libreoffice scripts into dir: on an input holding one
// of the markers they hang, flood or spin; otherwise they run the real tool found on PATH now
// (or fail like a missing tool). Put dir first on PATH.
func FakeTools(dir string) error {
	realPDF, _ := lookPath("pdftotext")
	realLO, _ := lookPath("libreoffice")
	pdf := `#!/bin/sh
tmp=$(mktemp) || exit 9
trap 'rm -f "$tmp"' EXIT
cat > "$tmp"
if grep -q ` + MarkHang + ` "$tmp"; then sleep ` + SleepToken + ` & wait; exit 1; fi
if grep -q ` + MarkFlood + ` "$tmp"; then while :; do echo "flood flood flood flood flood flood flood flood"; done; fi
if grep -q ` + MarkSpin + ` "$tmp"; then while :; do :; done; fi
` + delegate(realPDF, `"$@" < "$tmp"`)
	// libreoffice … --outdir DIR FILE: the input is the last argument
	lo := `#!/bin/sh
for a in "$@"; do in="$a"; done
out=""; prev=""
for a in "$@"; do [ "$prev" = "--outdir" ] && out="$a"; prev="$a"; done
if grep -q ` + MarkHang + ` "$in"; then sleep ` + SleepToken + ` & wait; exit 1; fi
if grep -q ` + MarkFlood + ` "$in"; then mkdir -p "$out"; head -c ` + fmt.Sprint(FloodFile) + ` /dev/zero > "$out/input.docx"; exit 0; fi
if grep -q ` + MarkSpin + ` "$in"; then while :; do :; done; fi
` + delegate(realLO, `"$@"`)
	if err := os.WriteFile(filepath.Join(dir, "pdftotext"), []byte(pdf), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "libreoffice"), []byte(lo), 0o755)
}

func delegate(real, args string) string {
	if real == "" {
		return "echo 'tool not installed' >&2; exit 127\n"
	}
	return "exec '" + real + "' " + args + "\n"
}

func lookPath(name string) (string, error) {
	for _, d := range filepath.SplitList(os.Getenv("PATH")) {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", os.ErrNotExist
}

// fakePDF is a small PDF-looking file carrying a marker (only the fake pdftotext reads it).
func fakePDF(mark string) []byte {
	return []byte("%PDF-1.4\n% " + mark + "\n1 0 obj\n<</Type/Catalog>>\nendobj\ntrailer\n<</Root 1 0 R>>\n%%EOF\n")
}

// fakeDOC is a small OLE file with a Word stream name and a marker (only the fake
// libreoffice reads it).
func fakeDOC(mark string) []byte {
	b := []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
	b = append(b, make([]byte, 504)...)
	for _, c := range "WordDocument" {
		b = append(b, byte(c), 0)
	}
	return append(b, []byte("\n"+mark+"\n")...)
}

// Hostile returns the hostile corpus: each case with the reason reading it must fail with
// (or nil: it may be read). Cases marked Tools need FakeTools on PATH.
func Hostile() []Case {
	const p = `<w:p>`
	return []Case{
		// Word: depth
		{Name: "deep-paragraphs.docx", What: "8 million nested <w:p> (62 KB; the stack overflow of issue 11)", Reason: pipeline.ErrLimit,
			Make: func() []byte { return DOCX(Rep(p, 8_000_000), Rep(`</w:p>`, 8_000_000)) }},
		{Name: "deep-tables.docx", What: "1 million nested tables (<w:tbl><w:tr><w:tc>)", Reason: pipeline.ErrLimit,
			Make: func() []byte { return DOCX(Rep(`<w:tbl><w:tr><w:tc>`, 1_000_000)) }},
		{Name: "deep-runs.docx", What: "1 million nested <w:r> in a paragraph", Reason: pipeline.ErrLimit,
			Make: func() []byte { return DOCX(One(p), Rep(`<w:r>`, 1_000_000)) }},
		{Name: "deep-skipped.docx", What: "1 million nested <w:rPr> (an element the reader skips)", Reason: pipeline.ErrLimit,
			Make: func() []byte { return DOCX(One(p+`<w:r>`), Rep(`<w:rPr>`, 1_000_000)) }},
		{Name: "deep-unknown.docx", What: "1 million nested unknown elements at block level", Reason: pipeline.ErrLimit,
			Make: func() []byte { return DOCX(Rep(`<w:zz a="1">`, 1_000_000)) }},
		{Name: "deep-textboxes.docx", What: "paragraphs nested in tables nested in paragraphs, 50 levels, 1 MB of text at the bottom",
			Make: func() []byte {
				return DOCX(Rep(`<w:p><w:r><w:t>层</w:t></w:r><w:tbl><w:tr><w:tc>`, 50), One(`<w:p><w:r><w:t>`), Rep("政府信息公开", 60_000),
					One(`</w:t></w:r></w:p>`), Rep(`</w:tc></w:tr></w:tbl></w:p>`, 50))
			}},
		// Word: floods
		{Name: "empty-paragraphs.docx", What: "250 MB of <w:p/> (383 KB; 35 s and 6.5 GB before)", Reason: pipeline.ErrLimit,
			Make: func() []byte { return DOCX(Rep(`<w:p/>`, 250_000_000/6)) }},
		{Name: "expanded-1GB.docx", What: "document.xml of 1 GB expanded (comments)", Reason: pipeline.ErrTooLarge,
			Make: func() []byte { return DOCX(Rep(`<!---->`, 1<<30/7)) }},
		{Name: "comment-split.docx", What: "a<!----> repeated inside w:t, 48 MB (quadratic text assembly before)",
			Make: func() []byte {
				return DOCX(One(Para("一、总体情况")+`<w:p><w:r><w:t>`), Rep(`a<!---->`, 6_000_000), One(`</w:t></w:r></w:p>`))
			}},
		{Name: "huge-attribute.docx", What: "a 60 MB attribute value", Reason: pipeline.ErrEmpty,
			Make: func() []byte { return DOCX(One(`<w:p w:rsidR="`), Rep("A", 60<<20), One(`"/>`)) }},
		{Name: "many-runs.docx", What: "600,000 runs of one character",
			Make: func() []byte { return DOCX(One(p), Rep(`<w:r><w:t>字</w:t></w:r>`, 600_000), One(`</w:p>`)) }},
		{Name: "many-entries.docx", What: "a ZIP of 50,000 entries", Reason: pipeline.ErrLimit,
			Make: func() []byte { return ZipEntries(50_000) }},
		// Word: tables
		{Name: "huge-spans.docx", What: "cells of gridSpan 1000", Reason: pipeline.ErrLimit,
			Make: func() []byte {
				return DOCX(One(`<w:tbl><w:tr>`), Rep(`<w:tc><w:tcPr><w:gridSpan w:val="1000"/></w:tcPr><w:p/></w:tc>`, 1000), One(`</w:tr></w:tbl>`))
			}},
		{Name: "padding-bomb.docx", What: "a row of 500 grid columns over 300,000 one-cell rows (padding of 450 MB)", Reason: pipeline.ErrTooLarge,
			Make: func() []byte {
				return DOCX(One(`<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="500"/></w:tcPr>`+Para("一")+`</w:tc></w:tr>`),
					Rep(`<w:tr><w:tc><w:p/></w:tc></w:tr>`, 300_000), One(`</w:tbl>`))
			}},
		{Name: "many-cells.docx", What: "40,000 rows of 10 cells (1.6 million elements)",
			Make: func() []byte {
				return DOCX(One(`<w:tbl>`), Rep(`<w:tr>`+strings.Repeat(`<w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>`, 10)+`</w:tr>`, 40_000), One(`</w:tbl>`))
			}},
		// text and HTML, read in-process
		{Name: "long-line.txt", What: "256 KB of Chinese on one line",
			Make: func() []byte { return []byte(strings.Repeat("政府信息公开申请", 256<<10/24)) }},
		{Name: "long-ascii-line.txt", What: "8 MB of ASCII on one line",
			Make: func() []byte { return []byte(strings.Repeat("request 1 ", 800<<10)) }},
		{Name: "many-lines.txt", What: "2 million short lines",
			Make: func() []byte { return []byte(strings.Repeat("一\n", 2_000_000)) }},
		{Name: "grid-rows.txt", What: "500,000 grid rows",
			Make: func() []byte {
				return []byte("一、总体情况\n" + strings.Repeat("| 自然人 | 1 | 2 | 3 |\n", 500_000))
			}},
		{Name: "deep-divs.html", What: "200,000 nested <div>",
			Make: func() []byte {
				return []byte("<html><body>" + strings.Repeat("<div>", 200_000) + "一、总体情况" + strings.Repeat("</div>", 200_000) + "</body></html>")
			}},
		{Name: "colspans.html", What: "colspan=64 four times and one cell (the 144-byte panic of issue 11)",
			Make: func() []byte {
				return []byte(`<html><body><table><tr><td colspan=64>a</td><td colspan=64>b</td><td colspan=64>c</td><td colspan=64>d</td><td>e</td></tr></table></body></html>`)
			}},
		{Name: "rowspan-flood.html", What: "2,000 rows of rowspan=1000 colspan=64 cells",
			Make: func() []byte {
				return []byte("<html><body><table>" + strings.Repeat(`<tr><td rowspan=1000 colspan=64>1</td><td>2</td></tr>`, 2000) + "</table></body></html>")
			}},
		// external tools (fake ones, see FakeTools)
		{Name: "hang.pdf", What: "pdftotext never ends (and leaves a child sleeping)", Reason: pipeline.ErrTimeout, Tools: true,
			Make: func() []byte { return fakePDF(MarkHang) }},
		{Name: "flood.pdf", What: "pdftotext prints without end (past decode.MaxToolOutput, which a test lowers)", Reason: pipeline.ErrLimit, Tools: true,
			Make: func() []byte { return fakePDF(MarkFlood) }},
		{Name: "spin.pdf", What: "pdftotext burns CPU without end", Reason: pipeline.ErrTimeout, Tools: true,
			Make: func() []byte { return fakePDF(MarkSpin) }},
		{Name: "hang.doc", What: "LibreOffice never ends", Reason: pipeline.ErrTimeout, Tools: true,
			Make: func() []byte { return fakeDOC(MarkHang) }},
		{Name: "flood.doc", What: "LibreOffice writes a converted file past the cap (which a test lowers)", Reason: pipeline.ErrLimit, Tools: true,
			Make: func() []byte { return fakeDOC(MarkFlood) }},
	}
}
