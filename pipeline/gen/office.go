package gen

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/fnv"
	"html"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"xxgk/pipeline"
	"xxgk/schemas"
)

// Word and PDF copies of a report. Many offices publish their report only as an attachment:
// a .docx written by Word or WPS, or a PDF exported from it. RenderDOCX writes a Word
// document in pure Go (real tables: w:gridSpan for column spans, w:vMerge for row spans);
// RenderPDF prints the report as HTML and has Chromium (or LibreOffice) turn it into a PDF
// with a text layer and A4 pages (Chromium also prints "- N -" page numbers; LibreOffice
// ignores CSS page-margin boxes), so that tables break across pages as they do in published
// PDFs. RenderPDFWith chooses the printer and its fonts (PrintOptions): the round trip in
// office_test.go prints through each printer under several CJK font sets.

// Shapes of office files: a report is rendered as a Word document or a PDF instead of text.
const (
	ShapeDOCX = ShapeHTML + 1 + iota
	ShapePDF
)

// PDFTimeout bounds one HTML → PDF conversion.
var PDFTimeout = 90 * time.Second

// officeShape picks, from the document's path and the seed, whether it is written as DOCX or
// PDF (by cfg.DOCXShare and cfg.PDFShare); the choice never changes the other documents.
func (c *Config) officeShape(d *Doc) Shape {
	if c.DOCXShare <= 0 && c.PDFShare <= 0 || d.Shape == ShapeRunTogether { // its gold is the run's
		return 0
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%d|%s", c.Seed, d.Path)
	u := float64(h.Sum64()>>11) / (1 << 53)
	switch {
	case u < c.PDFShare:
		return ShapePDF
	case u < c.PDFShare+c.DOCXShare:
		return ShapeDOCX
	}
	return 0
}

// renderFile renders d into buf in its shape, or as a Word document or PDF when the
// configuration says so (d.Shape and the extension of d.Path change accordingly). It returns
// the charset of a text file ("utf-8" for DOCX and PDF).
func renderFile(buf *bytes.Buffer, cfg *Config, d *Doc) (string, error) {
	if cfg != nil {
		if s := cfg.officeShape(d); s != 0 {
			d.Path = strings.TrimSuffix(d.Path, d.Shape.Ext()) + s.Ext()
			d.Shape = s
		}
	}
	switch d.Shape {
	case ShapeDOCX:
		buf.Write(RenderDOCX(d.Gold, d.Prose, d.Opts))
		return "utf-8", nil
	case ShapePDF:
		b, err := RenderPDF(context.Background(), d.Gold, d.Prose, d.Opts)
		if err != nil {
			return "", fmt.Errorf("gen: %s: %w", d.Path, err)
		}
		buf.Write(b)
		return "utf-8", nil
	}
	return render(buf, d.Gold, d.Prose, d.Shape, d.Opts), nil
}

// ParseFormats reads the --formats flag: "docx=0.1,pdf=0.01" (shares of the reports written
// as Word documents and PDFs; the rest keep their text or HTML shape).
func ParseFormats(s string) (docx, pdf float64, err error) {
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, val, ok := strings.Cut(part, "=")
		if !ok {
			return 0, 0, fmt.Errorf("--formats %q: want name=share, e.g. docx=0.1,pdf=0.01", part)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil || v < 0 || v > 1 || math.IsNaN(v) {
			return 0, 0, fmt.Errorf("--formats %q: share must be between 0 and 1", part)
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "docx":
			docx = v
		case "pdf":
			pdf = v
		case "txt", "html", "text":
		default:
			return 0, 0, fmt.Errorf("--formats: unknown format %q (docx, pdf)", name)
		}
	}
	if docx+pdf > 1 {
		return 0, 0, fmt.Errorf("--formats: shares add up to more than 1")
	}
	return docx, pdf, nil
}

// ---- DOCX ----

const docxContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`

const docxRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`

// docWriter writes the body of word/document.xml.
type docWriter struct {
	w *writer
	b strings.Builder
}

func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func (d *docWriter) para(s string, bold, center bool, indent bool) {
	d.b.WriteString("<w:p>")
	if center || indent {
		d.b.WriteString("<w:pPr>")
		if indent {
			d.b.WriteString(`<w:ind w:firstLine="480"/>`)
		}
		if center {
			d.b.WriteString(`<w:jc w:val="center"/>`)
		}
		d.b.WriteString("</w:pPr>")
	}
	d.b.WriteString("<w:r>")
	if bold {
		d.b.WriteString("<w:rPr><w:b/></w:rPr>")
	}
	d.b.WriteString(`<w:t xml:space="preserve">` + xmlText(d.w.fix(s)) + "</w:t></w:r></w:p>")
}

// table writes a table model: column spans as w:gridSpan, row spans as w:vMerge.
func (d *docWriter) table(t *tmodel) {
	grid := t.slots()
	vcont := make([]map[int]int, len(t.rows)) // row → slot → colspan of the cell continuing
	for i := range vcont {
		vcont[i] = map[int]int{}
	}
	for i, row := range t.rows {
		for j := 0; j < t.cols; j++ {
			k := grid[i][j]
			if k < 0 {
				continue
			}
			c := row[k]
			for di := 1; di < c.rowspan() && i+di < len(t.rows); di++ {
				vcont[i+di][j] = c.colspan()
			}
		}
	}
	d.b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:tblBorders>`)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		d.b.WriteString(`<w:` + side + ` w:val="single" w:sz="4" w:space="0" w:color="000000"/>`)
	}
	d.b.WriteString(`</w:tblBorders></w:tblPr><w:tblGrid>`)
	for _, w := range gridWidths(t, grid, docxTextWidth) {
		d.b.WriteString(`<w:gridCol w:w="` + strconv.Itoa(w) + `"/>`)
	}
	d.b.WriteString(`</w:tblGrid>`)
	for i, row := range t.rows {
		d.b.WriteString("<w:tr>")
		for j := 0; j < t.cols; {
			var props, text string
			span := 1
			switch k := grid[i][j]; {
			case k >= 0:
				c := row[k]
				span = c.colspan()
				if c.rowspan() > 1 {
					props += `<w:vMerge w:val="restart"/>`
				}
				text = c.text
			case vcont[i][j] > 0:
				span = vcont[i][j]
				props += `<w:vMerge/>`
			}
			if span > 1 {
				props = `<w:gridSpan w:val="` + strconv.Itoa(span) + `"/>` + props
			}
			d.b.WriteString("<w:tc><w:tcPr>" + props + `</w:tcPr><w:p><w:pPr><w:jc w:val="center"/></w:pPr>`)
			if text != "" {
				d.b.WriteString(`<w:r><w:t xml:space="preserve">` + xmlText(d.w.fix(text)) + "</w:t></w:r>")
			}
			d.b.WriteString("</w:p></w:tc>")
			j += span
		}
		d.b.WriteString("</w:tr>")
	}
	d.b.WriteString("</w:tbl>")
}

// docxTextWidth is the width of the text area of the generated documents' A4 pages in
// twentieths of a point (11906 − 2 × 1440).
const docxTextWidth = 9026

// gridWidths gives the grid columns of a table widths (in twips, summing to total) as Word's
// autofit does when it opens a file: each column as wide as the longest text of a cell that
// spans it alone (a Chinese character counting double), at least four characters; spanning
// cells are not counted. Without widths LibreOffice makes every column equally narrow and
// wraps the row labels character by character, which no office's file looks like.
func gridWidths(t *tmodel, grid [][]int, total int) []int {
	want := make([]int, t.cols)
	for j := range want {
		want[j] = 8 // four Chinese characters
	}
	for i, row := range t.rows {
		for j := 0; j < t.cols; j++ {
			k := grid[i][j]
			if k < 0 || row[k].colspan() != 1 {
				continue
			}
			n := 0
			for _, r := range row[k].text {
				if r < 0x2E80 {
					n++
				} else {
					n += 2
				}
			}
			want[j] = max(want[j], min(n, 32)) // a long label wraps at 16 characters
		}
	}
	sum := 0
	for _, w := range want {
		sum += w
	}
	out := make([]int, t.cols)
	used := 0
	for j, w := range want {
		out[j] = total * w / sum
		used += out[j]
	}
	out[t.cols-1] += total - used
	return out
}

// RenderDOCX writes report r with its prose as a Word document (.docx): title, paragraphs,
// section headings in bold and tables 2–4 as Word tables with merged cells.
func RenderDOCX(r *schemas.Report, prose Prose, opts RenderOptions) []byte {
	if opts.Enum == "" {
		opts.Enum = "."
	}
	if opts.HeadingSep == "" {
		opts.HeadingSep = "、"
	}
	d := &docWriter{w: &writer{opts: opts, shape: ShapeDOCX}}
	ls := labelStyle{short: opts.ShortLabels, enum: opts.Enum, splitWords: opts.SplitWords, note: opts.Note}
	d.b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	if prose.Title != "" {
		d.para(prose.Title, true, true, false)
	}
	for _, s := range prose.Intro {
		d.para(s, false, false, true)
	}
	tables := [3]*tmodel{table2Model(r, ls), table3Model(r, ls), table4Model(r, ls)}
	for i := range 6 {
		d.para(d.w.heading(i), true, false, true)
		for _, s := range prose.Sections[i] {
			d.para(s, false, false, true)
		}
		if i >= 1 && i <= 3 {
			d.table(tables[i-1])
		}
	}
	for _, s := range prose.Signature {
		d.para(s, false, false, false)
	}
	d.b.WriteString(`<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr></w:body></w:document>`)
	doc := d.b.String()
	if opts.Traditional {
		doc = ToTraditional(doc) // tags and attributes are ASCII
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range []struct{ name, body string }{
		{"[Content_Types].xml", docxContentTypes}, {"_rels/.rels", docxRels}, {"word/document.xml", doc},
	} {
		// a fixed time keeps the output byte-identical from run to run
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err == nil {
			_, err = w.Write([]byte(f.body))
		}
		if err != nil {
			panic(err) // writing to memory does not fail
		}
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return out.Bytes()
}

// ---- PDF ----

// PrintHTML is the report as a page for printing: A4, Chinese fonts, bordered tables, a page
// number "- N -" at the foot of every page, no web-site chrome.
func PrintHTML(r *schemas.Report, prose Prose, opts RenderOptions) []byte {
	if opts.Enum == "" {
		opts.Enum = "."
	}
	if opts.HeadingSep == "" {
		opts.HeadingSep = "、"
	}
	var buf bytes.Buffer
	w := &writer{buf: &buf, opts: opts, shape: ShapePDF}
	ls := labelStyle{short: opts.ShortLabels, enum: opts.Enum, splitWords: opts.SplitWords, note: opts.Note}
	e := func(s string) string { return html.EscapeString(w.fix(s)) }
	buf.WriteString(`<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 22mm 20mm 25mm 20mm; @bottom-center { content: "- " counter(page) " -"; font-size: 10pt; } }
body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", serif; font-size: 12pt; line-height: 1.7; }
h1 { text-align: center; font-size: 17pt; font-weight: bold; margin: 0 0 12pt 0; }
p { text-indent: 2em; margin: 0; }
p.h { font-weight: bold; }
table { border-collapse: collapse; width: 100%; font-size: 10pt; margin: 4pt 0; }
td { border: 1px solid #000; text-align: center; padding: 2pt 3pt; }
</style></head><body>
`)
	if prose.Title != "" {
		buf.WriteString("<h1>" + e(prose.Title) + "</h1>\n")
	}
	for _, s := range prose.Intro {
		buf.WriteString("<p>" + e(s) + "</p>\n")
	}
	tables := [3]*tmodel{table2Model(r, ls), table3Model(r, ls), table4Model(r, ls)}
	for i := range 6 {
		buf.WriteString(`<p class="h">` + e(w.heading(i)) + "</p>\n")
		for _, s := range prose.Sections[i] {
			buf.WriteString("<p>" + e(s) + "</p>\n")
		}
		if i >= 1 && i <= 3 {
			w.htmlTable(tables[i-1], e)
		}
	}
	for _, s := range prose.Signature {
		buf.WriteString(`<p style="text-align:right">` + e(s) + "</p>\n")
	}
	buf.WriteString("</body></html>\n")
	out := buf.Bytes()
	if opts.Traditional {
		out = []byte(ToTraditional(string(out)))
	}
	return out
}

// PDFConverter names the program RenderPDF uses: chromium (or chromium-browser, google-chrome)
// when installed, else LibreOffice. A missing converter is an error wrapping
// pipeline.ErrToolMissing that names the Debian packages.
func PDFConverter() (string, error) {
	for _, p := range []Printer{PrinterChromium, PrinterLibreOffice} {
		if path, err := p.Program(); err == nil {
			return path, nil
		}
	}
	return "", fmt.Errorf("%w: 生成 PDF 需要 Chromium 或 LibreOffice（Debian/Ubuntu：apt-get install chromium，或 libreoffice-writer-nogui）", pipeline.ErrToolMissing)
}

// Printer is a way of printing a report as a PDF.
type Printer string

const (
	// PrinterChromium prints PrintHTML with Chromium's --print-to-pdf.
	PrinterChromium Printer = "chromium"
	// PrinterLibreOffice prints PrintHTML with LibreOffice: the page opened in Writer (its
	// HTML import) and exported with writer_pdf_Export, as an office that opens a web page in
	// Writer and saves it as PDF does.
	PrinterLibreOffice Printer = "libreoffice"
	// PrinterLibreOfficeDOCX prints RenderDOCX with LibreOffice Writer (writer_pdf_Export), as
	// an office that exports its Word file as PDF does.
	PrinterLibreOfficeDOCX Printer = "libreoffice-docx"
)

// Program finds the printer's program on PATH; a missing one is an error wrapping
// pipeline.ErrToolMissing that names the Debian package.
func (p Printer) Program() (string, error) {
	names, pkg := []string{"libreoffice", "soffice"}, "libreoffice-writer-nogui"
	if p == PrinterChromium {
		names, pkg = []string{"chromium", "chromium-browser", "google-chrome"}, "chromium"
	}
	for _, c := range names {
		if path, err := exec.LookPath(c); err == nil {
			return path, nil
		}
	}
	return "", fmt.Errorf("%w: %s 未安装（Debian/Ubuntu：apt-get install %s）", pipeline.ErrToolMissing, names[0], pkg)
}

// PrintOptions says how RenderPDFWith prints.
type PrintOptions struct {
	// Printer is the program and input used; "" takes Chromium when installed, else
	// LibreOffice (PDFConverter).
	Printer Printer
	// Env is added to the printing program's environment, e.g. FONTCONFIG_FILE=… to print
	// with a chosen set of fonts.
	Env []string
}

// RenderPDF prints report r as a PDF through PrintHTML and Chromium (or LibreOffice).
func RenderPDF(ctx context.Context, r *schemas.Report, prose Prose, opts RenderOptions) ([]byte, error) {
	return RenderPDFWith(ctx, r, prose, opts, PrintOptions{})
}

// RenderPDFWith prints report r as a PDF the way po says.
func RenderPDFWith(ctx context.Context, r *schemas.Report, prose Prose, opts RenderOptions, po PrintOptions) ([]byte, error) {
	p := po.Printer
	if p == "" {
		p = PrinterLibreOffice
		if _, err := PrinterChromium.Program(); err == nil {
			p = PrinterChromium
		}
	}
	var in []byte
	name := "report.html"
	filter := "pdf:writer_pdf_Export"
	switch p {
	case PrinterChromium, PrinterLibreOffice:
		in = PrintHTML(r, prose, opts)
	case PrinterLibreOfficeDOCX:
		in, name = RenderDOCX(r, prose, opts), "report.docx"
	default:
		return nil, fmt.Errorf("gen: unknown printer %q", p)
	}
	if p == PrinterChromium {
		return chromiumPDF(ctx, in, po.Env)
	}
	return LibreOfficeConvert(ctx, in, name, filter, po.Env)
}

// chromiumPDF prints an HTML page with headless Chromium.
func chromiumPDF(ctx context.Context, page []byte, env []string) ([]byte, error) {
	conv, err := PrinterChromium.Program()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "xxgk-pdf-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "report.html")
	if err := os.WriteFile(in, page, 0o600); err != nil {
		return nil, err
	}
	out := filepath.Join(dir, "report.pdf")
	ctx, cancel := context.WithTimeout(ctx, PDFTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, conv, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--disable-extensions", "--no-pdf-header-footer", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--print-to-pdf="+out, "file://"+in)
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = 5 * time.Second
	msg, err := cmd.CombinedOutput()
	b, rerr := os.ReadFile(out)
	if err != nil || rerr != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, fmt.Errorf("%s: HTML → PDF failed: %w: %s", filepath.Base(conv), errors.Join(err, rerr), lastLine(string(msg)))
	}
	return b, nil
}

// LibreOfficeConvert converts the document in (named name: its extension tells LibreOffice
// the input format) with `soffice --headless --convert-to filter` ("pdf:writer_pdf_Export",
// "doc:MS Word 97") and returns the converted file. Each call has its own LibreOffice profile
// directory (-env:UserInstallation), so that parallel conversions do not collide; env is added
// to LibreOffice's environment.
//
// An HTML page is opened in Writer (--writer), not in Writer/Web, LibreOffice's default for
// HTML: converted from Writer/Web, the PDF's first page is blank and the page's first
// paragraph (the report's <h1> title) is missing from the document altogether (LibreOffice
// 7.4; reproduced with a two-paragraph page).
func LibreOfficeConvert(ctx context.Context, in []byte, name, filter string, env []string) ([]byte, error) {
	conv, err := PrinterLibreOffice.Program()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "xxgk-lo-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, filepath.Base(name))
	if err := os.WriteFile(src, in, 0o600); err != nil {
		return nil, err
	}
	ext, _, _ := strings.Cut(filter, ":")
	out := filepath.Join(dir, "out", strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))+"."+ext)
	ctx, cancel := context.WithTimeout(ctx, PDFTimeout)
	defer cancel()
	args := []string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"), "--headless", "--norestore", "--nolockcheck"}
	if e := strings.ToLower(filepath.Ext(name)); e == ".html" || e == ".htm" {
		args = append(args, "--writer")
	}
	args = append(args, "--convert-to", filter, "--outdir", filepath.Join(dir, "out"), src)
	cmd := exec.CommandContext(ctx, conv, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = 5 * time.Second
	msg, err := cmd.CombinedOutput()
	b, rerr := os.ReadFile(out)
	if err != nil || rerr != nil || len(b) == 0 {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, fmt.Errorf("%s: %s → %s failed: %w: %s", filepath.Base(conv), filepath.Ext(name), filter, errors.Join(err, rerr), lastLine(string(msg)))
	}
	return b, nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}
