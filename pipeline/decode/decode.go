// Package decode turns the bytes of an input file into normalised text for the parser.
//
// Decode recognises the character set (UTF-8 with or without BOM, UTF-16 with BOM or
// recognisably without, GB18030/GBK, Big5), rejects what is not a text document (empty,
// binary, too large), turns HTML pages into text with their tables rebuilt as grids, reads
// PDF (pdf.go, through poppler's pdftotext) and Word documents (docx.go, in pure Go; .doc and
// .wps through LibreOffice), and normalises the text: line ends, NFKC, spaces, traditional →
// simplified characters. Everything after this stage reads Doc.Text.
package decode

import (
	"fmt"
	"strings"

	"xxgk/pipeline"
)

// MaxSize is the largest input Decode accepts, in bytes.
var MaxSize = 32 << 20

// Doc is a decoded input.
type Doc struct {
	Name string // the path as given
	// Text is normalised: UTF-8, "\n" line ends, NFKC (full-width digits and brackets folded),
	// traditional characters converted to simplified. HTML tables are rebuilt as one line per
	// <tr>: "| c1 | c2 | … |", one slot per grid column; a spanned cell's text sits in its
	// top-left slot and the other slots it covers are empty; &nbsp;-only cells are empty.
	Text        string
	Encoding    string // utf-8, utf-8-bom, gb18030, big5, utf-16le, utf-16be
	Kind        string // text, html
	Traditional bool   // traditional characters were found and converted
	Size        int    // bytes read

	// Title is the HTML page's <title>, normalised like Text ("" for plain text). It is not
	// part of Text; the report's own heading, when the page prints one, is.
	Title string
	// Truncated says the input ends inside a multi-byte character (or an HTML page stops
	// before </html>): what was there is decoded, the rest is missing.
	Truncated bool
	// Notes are short Chinese remarks about what decoding saw or repaired (invalid bytes
	// replaced, truncation, tables that are only images…), for the problem list.
	Notes []string

	// Pages is the number of pages of a PDF (0 for other kinds).
	Pages int
	// PageOfLine maps the lines of Text to PDF pages: PageOfLine[i] is the 1-based page of
	// line i+1 (the 1-based line numbers that cells and problems carry). It is nil when the
	// source has no pages (text, HTML, Word). Use Page to look a line up.
	PageOfLine []int
	// Words holds, for a PDF, the words of each line of Text with their horizontal position
	// on the page (pdfwords.go): Words[i] for line i+1, nil for a line whose words are not
	// known. Words is nil when the positions could not be read.
	Words [][]Word
	// Spans holds, for a table rebuilt as grid lines from HTML or Word, the layout of each
	// line's slots: Spans[i] for line i+1, nil for a line that is no grid row (Spans itself is
	// nil when the input has no such table). Spans[i][c] is the number of grid columns the cell
	// whose top-left slot is c covers (its colspan, ≥ 1), or 0 when slot c is covered by a cell
	// from the left or from a row above (span padding: never a blank cell of its own). An empty
	// cell of its own has 1 and empty text, and so has a slot no cell covers (a row shorter
	// than the grid). The parser uses it to put each value under the header whose area
	// overlaps it; scraped text, which loses this, is read by its padding.
	Spans [][]uint16
}

// Page returns the 1-based PDF page of the 1-based line of Text, or 0 when unknown.
func (d *Doc) Page(line int) int {
	if d == nil || line < 1 || line > len(d.PageOfLine) {
		return 0
	}
	return d.PageOfLine[line-1]
}

// Kinds of Doc.
const (
	KindText = "text"
	KindHTML = "html"
	KindPDF  = "pdf"  // text layer of a PDF, laid out by pdftotext -layout
	KindDOCX = "docx" // Word document (a .doc or .wps is converted to .docx first)
)

// Decode reads b (the content of the file called name) into a Doc. Errors are
// *pipeline.InputError wrapping one of the pipeline sentinel errors.
func Decode(name string, b []byte) (*Doc, error) {
	d := &Doc{Name: name, Size: len(b), Kind: KindText}
	if len(b) > MaxSize {
		return nil, inputError(name, pipeline.ErrTooLarge, "%d 字节，上限 %d 字节", len(b), MaxSize)
	}
	if len(b) == 0 {
		return nil, inputError(name, pipeline.ErrEmpty, "0 字节")
	}
	if doc, ok, err := decodeDocument(name, b); ok {
		return doc, err
	}

	text, err := decodeCharset(d, b)
	if err != nil {
		return nil, err
	}

	if looksHTML(name, text) {
		d.Kind = KindHTML
		page := extractHTML(text)
		text = page.text
		d.Title = page.title
		d.Spans = page.spans
		d.Notes = append(d.Notes, page.notes...)
		if page.unclosed && !d.Truncated {
			d.Truncated = true
			d.Notes = append(d.Notes, "HTML 页面没有结束标记 </html>，可能不完整")
		}
		if page.tables == 0 && page.images > 0 {
			d.Notes = append(d.Notes, fmt.Sprintf("页面没有表格，含 %d 张图片（表格可能以图片形式发布）", page.images))
		}
	}

	text, st := normalize(text)
	if d.Encoding == "big5" || st.traditional() {
		text = ToSimplified(text)
		if d.Kind == KindHTML {
			d.Title = ToSimplified(d.Title)
		}
		d.Traditional = true
	}
	if strings.TrimSpace(text) == "" {
		if d.Kind == KindHTML {
			return nil, inputError(name, pipeline.ErrEmpty, "HTML 页面没有正文文字")
		}
		return nil, inputError(name, pipeline.ErrEmpty, "只有空白字符")
	}
	d.Text = text
	if d.Spans != nil {
		// one entry per line: the lines after the last grid row (a page ending in its
		// table ends in "\n") are no grid rows
		for n := strings.Count(text, "\n") + 1; len(d.Spans) < n; {
			d.Spans = append(d.Spans, nil)
		}
	}
	return d, nil
}

// Normalize applies the text normalisation of Doc.Text to s: "\n" line ends, NFKC, spaces
// (U+3000, NBSP → space; zero-width characters and BOMs removed; trailing spaces trimmed; a
// single space between two Chinese characters removed) and, when s is recognisably
// traditional, traditional → simplified characters.
func Normalize(s string) string {
	s, st := normalize(s)
	if st.traditional() {
		s = ToSimplified(s)
	}
	return s
}

func inputError(name string, reason error, format string, args ...any) error {
	return &pipeline.InputError{Path: name, Reason: reason, Detail: fmt.Sprintf(format, args...)}
}
