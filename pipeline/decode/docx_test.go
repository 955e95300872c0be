package decode

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"xxgk/pipeline"
)

// zipFiles builds a zip archive from name → content pairs.
func zipFiles(t testing.TB, files ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[i+1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const wordNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`

// docxOf builds a minimal but complete Word package (LibreOffice opens it) around body.
func docxOf(t testing.TB, body string) []byte {
	return zipFiles(t, "[Content_Types].xml", contentTypes, "_rels/.rels", packageRels,
		"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document `+wordNS+`><w:body>`+body+`<w:sectPr/></w:body></w:document>`)
}

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

func para(s string) string { return `<w:p><w:r><w:t xml:space="preserve">` + s + `</w:t></w:r></w:p>` }

func cell(s string, props string) string {
	return `<w:tc><w:tcPr>` + props + `</w:tcPr>` + para(s) + `</w:tc>`
}

func TestDOCX(t *testing.T) {
	body := para("XX县2023年政府信息公开工作年度报告") +
		`<w:p><w:r><w:t>一、总体</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>情况</w:t></w:r></w:p>` +
		`<w:p><w:r><w:t>本年</w:t></w:r><w:r><w:tab/><w:t>收到</w:t><w:br/><w:t>申请</w:t></w:r><w:r><w:delText>删除</w:delText></w:r><w:r><w:instrText>PAGE</w:instrText></w:r></w:p>` +
		`<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>` +
		`<w:tr>` + cell("申请人情况", `<w:gridSpan w:val="2"/>`) + cell("总计", `<w:vMerge w:val="restart"/>`) + `</w:tr>` +
		`<w:tr>` + cell("自然人", "") + cell("商业 企业", "") + cell("", `<w:vMerge/>`) + `</w:tr>` +
		`<w:tr>` + cell("3", "") + cell("a|b", "") + cell("3", "") + `</w:tr>` +
		`<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>` + cell("x", "") + `</w:tr>` +
		`</w:tbl>` + para("二、主动公开政府信息情况")
	d, err := Decode("r.docx", docxOf(t, body))
	if err != nil {
		t.Fatal(err)
	}
	want := "XX县2023年政府信息公开工作年度报告\n一、总体情况\n本年收到\n申请\n\n" +
		"| 申请人情况 |  | 总计 |\n" +
		"| 自然人 | 商业企业 |  |\n" +
		"| 3 | a¦b | 3 |\n" +
		"|  | x |  |\n" +
		"\n二、主动公开政府信息情况\n"
	if d.Text != want {
		t.Errorf("text\n%s\nwant\n%s", d.Text, want)
	}
	if d.Kind != KindDOCX || d.PageOfLine != nil {
		t.Errorf("kind %s pages %v", d.Kind, d.PageOfLine)
	}
}

func TestDOCXTraditional(t *testing.T) {
	d, err := Decode("r.docx", docxOf(t, para("一、總體情況。本機關收到政府信息公開申請，依申請公開，處理費")))
	if err != nil {
		t.Fatal(err)
	}
	if !d.Traditional || !strings.Contains(d.Text, "总体情况") {
		t.Errorf("traditional %v text %q", d.Traditional, d.Text)
	}
}

func TestBadDOCX(t *testing.T) {
	png := "\x89PNG\r\n\x1A\n"
	cases := []struct {
		name   string
		file   string
		in     []byte
		reason error
		detail string
	}{
		{"renamed zip", "2023年报告.docx", zipFiles(t, "report.txt", "一、总体情况", "img/a.png", png), pipeline.ErrUnsupported, "不是 Word 文档"},
		{"renamed xlsx", "2023年报告.docx", zipFiles(t, "[Content_Types].xml", "<Types/>", "xl/workbook.xml", "<workbook/>"), pipeline.ErrUnsupported, "Excel"},
		{"truncated", "2023年报告.docx", docxOf(t, para("一、总体情况"))[:60], pipeline.ErrCorrupt, "ZIP"},
		{"bad xml", "2023年报告.docx", zipFiles(t, "word/document.xml", "<w:document "+wordNS+"><w:body><w:p>"), pipeline.ErrCorrupt, "document.xml"},
		{"images only", "2023年报告.docx", zipFiles(t, "word/document.xml", "<w:document "+wordNS+"><w:body><w:p/></w:body></w:document>", "word/media/image1.png", png), pipeline.ErrNeedsOCR, "图片"},
		{"empty", "2023年报告.docx", docxOf(t, "<w:p/>"), pipeline.ErrEmpty, "没有文字"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := Decode(c.file, c.in)
			if err == nil {
				t.Fatalf("no error: %.80q", d.Text)
			}
			var ie *pipeline.InputError
			if !errors.As(err, &ie) || ie.Path != c.file || !strings.Contains(err.Error(), c.file) {
				t.Fatalf("error %v does not name %s", err, c.file)
			}
			if !errors.Is(err, c.reason) || !strings.Contains(ie.Detail, c.detail) {
				t.Errorf("error %v, want %v with %q", err, c.reason, c.detail)
			}
			t.Logf("%v", err)
		})
	}
}

func TestDOCToolMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	ole := append(append([]byte(oleMagic), bytes.Repeat([]byte{0}, 600)...), utf16le("WordDocument")...)
	_, err := Decode("old.doc", ole)
	if !errors.Is(err, pipeline.ErrToolMissing) || !strings.Contains(err.Error(), "libreoffice-writer") || !strings.Contains(err.Error(), "old.doc") {
		t.Fatalf("err = %v", err)
	}
	xls := append([]byte(oleMagic), utf16le("Workbook")...)
	if _, err := Decode("a.xls", xls); !errors.Is(err, pipeline.ErrUnsupported) {
		t.Fatalf("xls: %v", err)
	}
}

// TestDOCConvert converts a .docx to .doc with LibreOffice and reads it back.
func TestDOCConvert(t *testing.T) {
	if !HasTool("libreoffice") {
		t.Skip("libreoffice not installed (Debian package libreoffice-writer-nogui): .doc/.wps conversion untested")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "r.docx")
	body := para("XX县2023年政府信息公开工作年度报告") + `<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/></w:tblGrid><w:tr>` +
		cell("自然人", "") + cell("3", "") + `</w:tr></w:tbl>` + para("二、主动公开政府信息情况")
	// LibreOffice needs the package relationships that docxOf leaves out, and drops a table
	// that ends the document (Word always ends it with a paragraph)
	docx := zipFiles(t, "[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`+
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>`+
		`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
		"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document `+wordNS+`><w:body>`+body+`<w:sectPr/></w:body></w:document>`)
	if err := os.WriteFile(src, docx, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("libreoffice", "-env:UserInstallation=file://"+filepath.Join(dir, "p"), "--headless", "--convert-to", "doc", "--outdir", dir, src)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("libreoffice: %v %s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "r.doc"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := Decode("r.doc", b)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.Text, "| 自然人 | 3 |") || d.Kind != KindDOCX {
		t.Errorf("text %q", d.Text)
	}
}

// TestDOCXSpans checks Doc.Spans of Word tables against spans written out by hand: gridSpan,
// vMerge (covered slots are 0), hMerge (the merged cell's span grows), gridBefore and short
// rows (empty slots of their own), and that the spans sit on the lines of their rows even
// when the text before holds breaks and characters that normalisation folds.
func TestDOCXSpans(t *testing.T) {
	body := para("XX县2023年政府信息公开工作年度报告") +
		`<w:p><w:r><w:t>一、总体` + "\u2028" + `情况</w:t><w:br/><w:t>本年&#10;收到</w:t></w:r></w:p>` +
		`<w:tbl>` +
		`<w:tr>` + cell("申请人情况", `<w:gridSpan w:val="2"/>`) + cell("总计", `<w:vMerge w:val="restart"/>`) + cell("备注", "") + `</w:tr>` +
		`<w:tr>` + cell("自然人", "") + cell("商业企业", "") + cell("", `<w:vMerge/>`) + cell("", "") + `</w:tr>` +
		`<w:tr>` + cell("合", `<w:hMerge w:val="restart"/>`) + cell("", `<w:hMerge/>`) + cell("3", "") + `</w:tr>` +
		`<w:tr>` + cell("a", "") + cell("", `<w:vMerge/><w:gridSpan w:val="2"/>`) + cell("b", "") + `</w:tr>` +
		`<w:tr>` + cell("x", "") + `<w:trPr><w:gridBefore w:val="1"/></w:trPr></w:tr>` +
		`</w:tbl>` + para("二、主动公开")
	d, err := Decode("r.docx", docxOf(t, body))
	if err != nil {
		t.Fatal(err)
	}
	wantText := "XX县2023年政府信息公开工作年度报告\n一、总体情况\n本年收到\n\n" +
		"| 申请人情况 |  | 总计 | 备注 |\n" +
		"| 自然人 | 商业企业 |  |  |\n" +
		"| 合 |  | 3 |  |\n" +
		"| a |  |  | b |\n" +
		"|  | x |  |  |\n" +
		"\n二、主动公开\n"
	if d.Text != wantText {
		t.Fatalf("text\n%s\nwant\n%s", d.Text, wantText)
	}
	want := make([][]uint16, strings.Count(wantText, "\n")+1)
	want[4] = []uint16{2, 0, 1, 1}
	want[5] = []uint16{1, 1, 0, 1}
	want[6] = []uint16{2, 0, 1, 1} // 合 covers its hMerge continuation; the row is short by one
	want[7] = []uint16{1, 0, 0, 1}
	want[8] = []uint16{1, 1, 1, 1} // gridBefore, x, and two slots without cells
	if !reflect.DeepEqual(d.Spans, want) {
		t.Errorf("spans\n%v\nwant\n%v", d.Spans, want)
	}
	CheckSpans(t, d)

	if d, err := Decode("r.docx", docxOf(t, para("一、总体情况，没有表格的文档内容在这里"))); err != nil || d.Spans != nil {
		t.Errorf("no table: spans %v, %v", d.Spans, err)
	}
}

// CheckSpans asserts the invariants of Doc.Spans: one entry per line of Text, set exactly on
// grid rows, one value per slot, each span covering slots that exist and are padding.
func CheckSpans(t testing.TB, d *Doc) {
	t.Helper()
	if d.Spans == nil {
		return
	}
	lines := strings.Split(d.Text, "\n")
	if len(d.Spans) != len(lines) {
		t.Fatalf("%d spans for %d lines", len(d.Spans), len(lines))
	}
	for i, sp := range d.Spans {
		if sp == nil {
			continue
		}
		l := lines[i]
		if !strings.HasPrefix(l, "| ") || !strings.HasSuffix(l, " |") {
			t.Fatalf("line %d has spans but is no grid row: %.80q", i+1, l)
		}
		if slots := strings.Count(l, " |"); slots != len(sp) {
			t.Fatalf("line %d: %d slots, %d spans", i+1, slots, len(sp))
		}
		for c := 0; c < len(sp); c++ {
			n := int(sp[c])
			if c+n > len(sp) {
				t.Fatalf("line %d slot %d: span %d past the %d slots", i+1, c, n, len(sp))
			}
			for k := c + 1; k < c+n; k++ {
				if sp[k] != 0 {
					t.Fatalf("line %d slot %d: inside the span of slot %d but %d", i+1, k, c, sp[k])
				}
			}
		}
	}
}

// FuzzDOCXDocument fuzzes the Word reader on document.xml (zipped here, so the fuzzer spends
// its time on the XML of paragraphs and tables, gridSpan and vMerge, not on zip checksums):
// never a panic; an error names the file; text comes out as valid UTF-8 with well-formed rows
// and spans; and within the reader's limits it writes what the old recursive reader
// (docx_oracle_test.go) writes. Seeds in testdata/fuzz/FuzzDOCXDocument hold small forms of
// the attacks of issue 11 (deep nesting of every kind, long runs of empty elements, text split
// by comments and processing instructions, huge spans and padding, hMerge, odd w:trPr); the
// full-size attacks are in the hostile corpus (decodetest.Hostile, TestHostile).
func FuzzDOCXDocument(f *testing.F) {
	f.Add(para("XX县2023年政府信息公开工作年度报告") + `<w:tbl><w:tr>` + cell("申请人情况", `<w:gridSpan w:val="2"/>`) +
		cell("总计", `<w:vMerge w:val="restart"/>`) + `</w:tr><w:tr>` + cell("自然人", "") + cell("3", "") + cell("", `<w:vMerge/>`) + `</w:tr></w:tbl>`)
	f.Add(`<w:tbl><w:tr><w:trPr><w:gridBefore w:val="99"/></w:trPr>` + cell("x", `<w:gridSpan w:val="-3"/>`) + `</w:tr></w:tbl>`)
	f.Add(`<w:tbl><w:tbl><w:tr>` + cell("嵌套", "") + `</w:tr></w:tbl></w:tbl>` + para("一、总体情况"))
	f.Fuzz(func(t *testing.T, body string) {
		d, err := Decode("f.docx", docxOf(t, body))
		if err != nil {
			var ie *pipeline.InputError
			if !errors.As(err, &ie) || ie.Path != "f.docx" {
				t.Fatalf("error %T %v is not an InputError naming the file", err, err)
			}
		} else {
			if !utf8.ValidString(d.Text) {
				t.Fatal("invalid UTF-8")
			}
			for _, l := range strings.Split(d.Text, "\n") {
				if strings.HasPrefix(l, "|") && !strings.HasSuffix(l, "|") {
					t.Fatalf("malformed table row %q", l)
				}
			}
			CheckSpans(t, d)
		}
		// the same document.xml through both readers, without the zip and normalisation
		doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ` + wordNS + `><w:body>` + body + `<w:sectPr/></w:body></w:document>`
		w := &docxWriter{}
		werr := w.read(strings.NewReader(doc))
		var le *docxLimitError
		if errors.As(werr, &le) {
			return // beyond the new reader's limits: the old one would recurse or crawl
		}
		old, oerr := oracleRender(doc)
		switch {
		case (werr == nil) != (oerr == nil):
			t.Fatalf("new reader: %v, old reader: %v", werr, oerr)
		case werr == nil && string(w.out) != old:
			t.Fatalf("text differs from the old reader:\n%s", firstDiff(string(w.out), old))
		}
	})
}
