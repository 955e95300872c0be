package decode

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"xxgk/pipeline"
)

// Word documents. A .docx is read directly: word/document.xml, its paragraphs and tables,
// in pure Go (archive/zip, encoding/xml). Tables are rendered the way HTML tables are: one
// line per row, "| c1 | c2 | … |", one slot per grid column; a cell spanning columns
// (w:gridSpan) keeps its text in its first slot and leaves the others empty, and so does a
// cell continuing a vertical merge (w:vMerge); Doc.Spans records which slots are such
// padding. Legacy .doc and .wps files (OLE compound documents) are converted to .docx with
// LibreOffice when it is installed.
//
// word/document.xml is read in one pass, token by token, with an explicit stack of open
// elements and of the paragraphs and cells being collected: no recursion on the document's
// depth, text appended to byte slices. What a document can make the reader do is bounded by
// the caps below (depth, elements, expanded size, ZIP entries, table width, text written and
// copied): a document past one fails with pipeline.ErrLimit or ErrTooLarge, saying which.

// Container kinds: the formats read by decodeDocument rather than the text path.
const (
	containerNone = iota
	containerPDF
	containerDOCX
	containerOLE
)

// containerOf says which container format b is (containerNone: the text path reads it).
func containerOf(name string, b []byte) int {
	switch {
	case isPDF(b):
		return containerPDF
	case bytes.HasPrefix(b, []byte("PK\x03\x04")) || bytes.HasPrefix(b, []byte("PK\x05\x06")):
		head := b[:min(len(b), 64<<10)]
		ext := strings.ToLower(filepath.Ext(name))
		if bytes.Contains(head, []byte("word/")) || ext == ".docx" || ext == ".docm" || ext == ".wps" || ext == ".doc" {
			return containerDOCX
		}
	case bytes.HasPrefix(b, []byte(oleMagic)):
		return containerOLE
	}
	return containerNone
}

// IsContainer reports whether Decode reads b (the content of the file called name) as a
// container document — PDF, Word (.docx) or a legacy OLE file (.doc, .wps) — through an
// archive, an XML parser or an external tool, rather than as text or HTML. Callers that
// isolate the reading of untrusted containers (package extract) decode these in a worker.
func IsContainer(name string, b []byte) bool {
	return len(b) > 0 && len(b) <= MaxSize && containerOf(name, b) != containerNone
}

// decodeDocument reads the container formats: PDF, DOCX and OLE Word files. ok is false when
// b is none of them (the text path reads it).
func decodeDocument(name string, b []byte) (doc *Doc, ok bool, err error) {
	switch containerOf(name, b) {
	case containerPDF:
		doc, err = decodePDF(name, b)
	case containerDOCX:
		doc, err = decodeDOCX(name, b)
	case containerOLE:
		doc, err = decodeOLE(name, b)
	default:
		return nil, false, nil
	}
	return doc, true, err
}

const oleMagic = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"

// Limits of the Word reader. Every document is read in one pass over word/document.xml with
// an explicit stack (no recursion on the document's depth) and appends to byte slices (no
// quadratic text assembly); these caps bound what any content can make it do.
var (
	// docxMaxXML bounds the expanded (decompressed) size of word/document.xml: a zip bomb
	// stops here. Real reports have a few MB.
	docxMaxXML = int64(64 << 20)
	// docxMaxDepth bounds the nesting of XML elements (real documents: about 20; Word itself
	// nests tables at most 63 deep).
	docxMaxDepth = 256
	// docxMaxElements bounds the number of XML elements.
	docxMaxElements = 2_000_000
	// docxMaxEntries bounds the entries of the ZIP container (real ones: 10 to a few hundred).
	docxMaxEntries = 20_000
	// docxMaxCols bounds the grid columns of a table (Word itself allows 63).
	docxMaxCols = 512
	// docxMaxText bounds the text the reader writes, tables' padding included; docxMaxCopy
	// bounds the bytes it copies in all (text nested in tables inside paragraphs is copied
	// once per level), so that the work stays linear in the input.
	docxMaxText = 32 << 20
	docxMaxCopy = 4 * docxMaxText
)

func decodeDOCX(name string, b []byte) (*Doc, error) {
	if n, ok := zipEntries(b); ok && n > uint64(docxMaxEntries) {
		return nil, inputError(name, pipeline.ErrLimit, "Word（.docx）压缩包含 %d 个条目，上限 %d", n, docxMaxEntries)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, inputError(name, pipeline.ErrCorrupt, "Word（.docx）文件已损坏，无法作为 ZIP 打开：%v", err)
	}
	if len(zr.File) > docxMaxEntries {
		return nil, inputError(name, pipeline.ErrLimit, "Word（.docx）压缩包含 %d 个条目，上限 %d", len(zr.File), docxMaxEntries)
	}
	var docXML *zip.File
	var names []string
	media := 0
	for _, f := range zr.File {
		switch {
		case f.Name == "word/document.xml":
			docXML = f
		case strings.HasPrefix(f.Name, "word/media/"):
			media++
		}
		names = append(names, f.Name)
	}
	if docXML == nil {
		what := "ZIP 压缩包"
		for _, n := range names {
			switch {
			case strings.HasPrefix(n, "xl/"):
				what = "Excel（.xlsx）表格"
			case strings.HasPrefix(n, "ppt/"):
				what = "PowerPoint（.pptx）文档"
			case n == "OFD.xml":
				what = "OFD 版式文档"
			}
		}
		sort.Strings(names)
		if len(names) > 5 {
			names = append(names[:5], "…")
		}
		return nil, inputError(name, pipeline.ErrUnsupported,
			"不是 Word 文档：%s，没有 word/document.xml（包含 %s）", what, strings.Join(names, ", "))
	}
	rc, err := docXML.Open()
	if err != nil {
		return nil, inputError(name, pipeline.ErrCorrupt, "Word（.docx）文件已损坏：word/document.xml 无法解压：%v", err)
	}
	defer rc.Close()
	w := &docxWriter{}
	if err := w.read(io.LimitReader(rc, docxMaxXML+1)); err != nil {
		var le *docxLimitError
		if errors.As(err, &le) {
			return nil, inputError(name, le.reason, "Word（.docx）word/document.xml：%s", le.what)
		}
		return nil, inputError(name, pipeline.ErrCorrupt, "Word（.docx）文件已损坏：word/document.xml：%v", err)
	}
	if !w.sawBody {
		return nil, inputError(name, pipeline.ErrCorrupt, "Word（.docx）文件已损坏：word/document.xml 没有 w:body")
	}
	d := &Doc{Name: name, Size: len(b), Kind: KindDOCX, Encoding: "utf-8"}
	text, st := normalize(string(w.out))
	if st.traditional() {
		text = ToSimplified(text)
		d.Traditional = true
	}
	if textRunes(text) < MinPDFTextRunes {
		if media > 0 {
			return nil, inputError(name, pipeline.ErrNeedsOCR, "Word 文档只有图片（%d 张），没有文字，需要 OCR 识别", media)
		}
		if strings.TrimSpace(text) == "" {
			return nil, inputError(name, pipeline.ErrEmpty, "Word 文档没有文字")
		}
	}
	if w.tables == 0 && media > 0 {
		d.Notes = append(d.Notes, fmt.Sprintf("文档没有表格，含 %d 张图片（表格可能以图片形式插入）", media))
	}
	d.Text = text
	if len(w.rowLines) > 0 {
		// normalisation keeps lines (the reader wrote no other line breaks than '\n'); if it
		// did not, the spans would sit on the wrong lines: drop them rather than lie
		if lines := strings.Count(text, "\n") + 1; lines == w.lines+1 {
			d.Spans = make([][]uint16, lines)
			for i, l := range w.rowLines {
				d.Spans[l] = w.rowSpans[i]
			}
		}
	}
	return d, nil
}

// zipEntries reads the number of entries from the end of central directory record (ZIP64
// too) without reading the directory; ok is false when the record is not found (archive/zip
// then says what is wrong).
func zipEntries(b []byte) (n uint64, ok bool) {
	const eocdLen, sig = 22, "PK\x05\x06"
	lo := max(0, len(b)-eocdLen-0xFFFF)
	i := bytes.LastIndex(b[lo:], []byte(sig))
	if i < 0 || lo+i+eocdLen > len(b) {
		return 0, false
	}
	i += lo
	n = uint64(binary.LittleEndian.Uint16(b[i+10:]))
	if n != 0xFFFF || i < 20 || string(b[i-20:i-16]) != "PK\x06\x07" {
		return n, true
	}
	off := binary.LittleEndian.Uint64(b[i-20+8:])
	if off > uint64(len(b)-56) || string(b[off:off+4]) != "PK\x06\x06" {
		return n, true
	}
	return binary.LittleEndian.Uint64(b[off+32:]), true
}

// docxLimitError is a cap of the Word reader that the document reached.
type docxLimitError struct {
	reason error // pipeline.ErrLimit or pipeline.ErrTooLarge
	what   string
}

func (e *docxLimitError) Error() string { return e.what }

func docxLimit(reason error, format string, args ...any) error {
	return &docxLimitError{reason: reason, what: fmt.Sprintf(format, args...)}
}

// Kinds of elements on the reader's stack: what their children are read as.
const (
	fSeek     uint8 = iota // before w:body: looking for it
	fBlock                 // body, and the containers of blocks in it (w:sdt, w:customXml…)
	fPara                  // paragraph content: runs, text, tabs, breaks; nested paragraphs
	fText                  // w:t: its character data is text
	fTable                 // w:tbl at block level: rows
	fRow                   // w:tr: cells
	fTrPr                  // w:trPr: w:gridBefore
	fCell                  // w:tc: paragraphs (and anything holding them), w:tcPr
	fTcPr                  // w:tcPr: w:gridSpan, w:vMerge, w:hMerge
	fCellText              // inside a cell, or a table flattened into a paragraph: paragraphs
	fSkip                  // ignored with everything in it
)

// frame is an open element.
type frame struct {
	kind uint8
	// owns says the element pushed the top sink and hands its text on when it ends.
	owns bool
}

// sink collects text: a paragraph's (para) or a cell's, whose paragraphs are joined by a
// space (a table flattened into a paragraph is read as one cell).
type sink struct {
	para bool
	buf  []byte
}

// docxCell is a cell of the row being read.
type docxCell struct {
	span       int  // grid columns (w:gridSpan)
	cont       bool // continues a vertical merge (w:vMerge) from the row above
	hcont      bool // continues a horizontal merge (legacy w:hMerge) from the left
	spanSet    bool
	vMergeSeen bool
	hMergeSeen bool
	sawPr      bool // its first w:tcPr was read
}

// docxRow is a table row: its slots' spans (Doc.Spans) and the text of the slots that hold some.
type docxRow struct {
	spans  []uint16
	texts  []string
	at     []int // slot of texts[i]
	before int   // w:gridBefore
	sawPr  bool  // its first w:trPr was read
	sawGB  bool  // its first w:gridBefore was read
	placed bool  // the w:gridBefore slots are in spans
	live   int   // slot of the last cell of the row that is no continuation, -1 if none
}

// placeBefore puts the row's w:gridBefore slots (empty slots of their own) before its cells,
// whether its w:trPr came before them (as it should) or not.
func (r *docxRow) placeBefore() {
	r.placed = true
	n := r.before // at most 1000 (atoiDef); the caller checks the width
	spans := make([]uint16, n, n+len(r.spans))
	for k := range spans {
		spans[k] = 1
	}
	r.spans = append(spans, r.spans...)
	for i := range r.at {
		r.at[i] += n
	}
	if r.live >= 0 {
		r.live += n
	}
}

// docxWriter renders word/document.xml as text while reading it (see the comment at the top
// of this file for the rendering).
type docxWriter struct {
	out     []byte
	lines   int // '\n' in out
	tables  int
	sawBody bool

	stack []frame
	skip  int // depth inside an fSkip element
	sinks []sink
	free  [][]byte // buffers of popped sinks, reused

	rows []docxRow // of the block-level table being read
	cell docxCell  // the block-level table's cell being read
	row  *docxRow  // the row being read, nil outside a row

	rowLines []int // line of each grid row written
	rowSpans [][]uint16

	elements int
	copied   int
}

// skipXML: elements ignored with their content: properties that hold no text, deleted text,
// field codes, and the fallback copy of alternate content.
var skipXML = map[string]bool{"rPr": true, "sectPr": true, "delText": true, "instrText": true,
	"Fallback": true, "numPr": true, "rFonts": true, "proofErr": true, "bookmarkStart": true}

// read reads the XML of r token by token.
func (w *docxWriter) read(r io.Reader) error {
	dec := xml.NewDecoder(r)
	dec.Strict = false
	w.stack = append(w.stack, frame{kind: fSeek})
	for {
		t, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if lr, ok := r.(*io.LimitedReader); ok && lr.N <= 0 {
				return docxLimit(pipeline.ErrTooLarge, "解压后超过 %d 字节", docxMaxXML)
			}
			return err
		}
		switch t := t.(type) {
		case xml.StartElement:
			w.elements++
			if w.elements > docxMaxElements {
				return docxLimit(pipeline.ErrLimit, "超过 %d 个 XML 元素", docxMaxElements)
			}
			if len(w.stack)+w.skip > docxMaxDepth {
				return docxLimit(pipeline.ErrLimit, "XML 元素嵌套超过 %d 层", docxMaxDepth)
			}
			if w.skip > 0 {
				w.skip++
				continue
			}
			if err := w.start(t); err != nil {
				return err
			}
		case xml.EndElement:
			if w.skip > 0 {
				w.skip--
				continue
			}
			if len(w.stack) > 1 {
				if err := w.end(); err != nil {
					return err
				}
			}
		case xml.CharData:
			if w.skip == 0 && w.stack[len(w.stack)-1].kind == fText {
				s := &w.sinks[len(w.sinks)-1]
				if err := w.count(len(t)); err != nil {
					return err
				}
				s.buf = appendRunText(s.buf, t)
			}
		}
	}
	if lr, ok := r.(*io.LimitedReader); ok && lr.N <= 0 {
		return docxLimit(pipeline.ErrTooLarge, "解压后超过 %d 字节", docxMaxXML)
	}
	return nil
}

// count adds n bytes to the bytes copied, within docxMaxCopy.
func (w *docxWriter) count(n int) error {
	w.copied += n
	if w.copied > docxMaxCopy {
		return docxLimit(pipeline.ErrLimit, "文字嵌套复制超过 %d 字节", docxMaxCopy)
	}
	return nil
}

// appendRunText appends the character data of a w:t. A line break in it is a space (Word
// shows it so; breaks are w:br), so that every line of Text comes from the document's structure.
func appendRunText(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] != '\n' && s[j] != '\r' && s[j] != '\v' && s[j] != '\f' && s[j] != 0xC2 && s[j] != 0xE2 {
			j++
		}
		dst = append(dst, s[i:j]...)
		if j == len(s) {
			break
		}
		switch {
		case s[j] == 0xC2 && j+1 < len(s) && s[j+1] == 0x85: // U+0085
			dst, i = append(dst, ' '), j+2
		case s[j] == 0xE2 && j+2 < len(s) && s[j+1] == 0x80 && (s[j+2] == 0xA8 || s[j+2] == 0xA9): // U+2028, U+2029
			dst, i = append(dst, ' '), j+3
		case s[j] == 0xC2 || s[j] == 0xE2:
			dst, i = append(dst, s[j]), j+1
		default:
			dst, i = append(dst, ' '), j+1
		}
	}
	return dst
}

func (w *docxWriter) push(kind uint8) { w.stack = append(w.stack, frame{kind: kind}) }

// pushSink opens a sink owned by the element just pushed.
func (w *docxWriter) pushSink(para bool) {
	var buf []byte
	if n := len(w.free); n > 0 {
		buf, w.free = w.free[n-1][:0], w.free[:n-1]
	}
	w.sinks = append(w.sinks, sink{para: para, buf: buf})
	w.stack[len(w.stack)-1].owns = true
}

func attrVal(t xml.StartElement) (string, bool) {
	v, ok := "", false
	for _, a := range t.Attr {
		if a.Name.Local == "val" {
			v, ok = a.Value, true
		}
	}
	return v, ok
}

// start opens element t under the top of the stack.
func (w *docxWriter) start(t xml.StartElement) error {
	name := t.Name.Local
	if skipXML[name] {
		w.skip = 1
		return nil
	}
	top := w.stack[len(w.stack)-1].kind
	switch top {
	case fSeek:
		if name == "body" && !w.sawBody {
			w.sawBody = true
			w.push(fBlock)
		} else {
			w.push(fSeek)
		}
	case fBlock:
		switch name {
		case "p":
			w.push(fPara)
			w.pushSink(true)
		case "tbl":
			w.push(fTable)
			w.rows = w.rows[:0]
		case "sdt", "sdtContent", "customXml", "ins", "smartTag":
			w.push(fBlock)
		default:
			w.skip = 1
		}
	case fPara:
		s := &w.sinks[len(w.sinks)-1]
		switch name {
		case "t":
			w.push(fText)
			return nil
		case "tab", "ptab":
			s.buf = append(s.buf, ' ')
		case "br", "cr":
			s.buf = append(s.buf, '\n')
		case "noBreakHyphen":
			s.buf = append(s.buf, '-')
		case "p":
			if len(s.buf) > 0 {
				s.buf = append(s.buf, '\n')
			}
			w.push(fPara)
			return nil
		case "tbl":
			w.push(fCellText)
			w.pushSink(false)
			return nil
		default:
			w.push(fPara)
			return nil
		}
		w.skip = 1
		if err := w.count(1); err != nil {
			return err
		}
	case fText:
		w.skip = 1
	case fTable:
		switch name {
		case "tr":
			w.push(fRow)
			w.rows = append(w.rows, docxRow{live: -1})
			w.row = &w.rows[len(w.rows)-1]
		case "sdt", "sdtContent", "customXml", "ins":
			w.push(fTable)
		default:
			w.skip = 1
		}
	case fRow:
		switch name {
		case "trPr":
			if w.row.sawPr {
				w.skip = 1
				return nil
			}
			w.row.sawPr = true
			w.push(fTrPr)
		case "tc":
			w.push(fCell)
			w.pushSink(false)
			w.cell = docxCell{span: 1}
		case "sdt", "sdtContent", "customXml":
			w.push(fRow)
		default:
			w.skip = 1
		}
	case fTrPr:
		if name == "gridBefore" && !w.row.sawGB {
			v, _ := attrVal(t)
			w.row.sawGB, w.row.before = true, atoiDef(v, 0)
		}
		w.skip = 1
	case fCell:
		if name == "tcPr" {
			if w.cell.sawPr {
				w.skip = 1
				return nil
			}
			w.cell.sawPr = true
			w.push(fTcPr)
			return nil
		}
		return w.startCellText(name)
	case fTcPr:
		v, hasVal := attrVal(t)
		switch name {
		case "gridSpan":
			if !w.cell.spanSet {
				w.cell.spanSet, w.cell.span = true, atoiDef(v, 1)
			}
		case "vMerge":
			if !w.cell.vMergeSeen {
				w.cell.vMergeSeen, w.cell.cont = true, !hasVal || v != "restart"
			}
		case "hMerge":
			if !w.cell.hMergeSeen {
				w.cell.hMergeSeen, w.cell.hcont = true, !hasVal || v != "restart"
			}
		}
		w.skip = 1
	case fCellText:
		return w.startCellText(name)
	default:
		w.skip = 1
	}
	return nil
}

// startCellText opens an element inside a cell (or a table flattened into a paragraph):
// paragraphs are collected, table properties skipped, anything else looked into.
func (w *docxWriter) startCellText(name string) error {
	switch name {
	case "p":
		w.push(fPara)
		w.pushSink(true)
	case "tcPr", "tblPr", "trPr", "tblGrid":
		w.skip = 1
	default:
		w.push(fCellText)
	}
	return nil
}

// end closes the element on top of the stack.
func (w *docxWriter) end() error {
	f := w.stack[len(w.stack)-1]
	w.stack = w.stack[:len(w.stack)-1]
	switch f.kind {
	case fTable:
		if w.stack[len(w.stack)-1].kind != fTable { // not a w:sdt inside the table
			return w.table()
		}
	case fRow:
		if w.stack[len(w.stack)-1].kind != fRow {
			w.row = nil
		}
	case fCell:
		return w.endCell()
	}
	if !f.owns {
		return nil
	}
	s := w.sinks[len(w.sinks)-1]
	w.sinks = w.sinks[:len(w.sinks)-1]
	defer func() { w.free = append(w.free, s.buf) }()
	if len(w.sinks) == 0 { // a paragraph at block level
		return w.line(s.buf)
	}
	parent := &w.sinks[len(w.sinks)-1]
	if s.para { // a paragraph in a cell
		t := bytes.TrimSpace(s.buf)
		if len(t) == 0 {
			return nil
		}
		if err := w.count(len(t) + 1); err != nil {
			return err
		}
		if len(parent.buf) > 0 {
			parent.buf = append(parent.buf, ' ')
		}
		parent.buf = append(parent.buf, t...)
		return nil
	}
	// a table flattened into the paragraph around it
	t := cellString(s.buf)
	if err := w.count(len(t)); err != nil {
		return err
	}
	parent.buf = append(parent.buf, t...)
	return nil
}

// cellString is a cell's text on one line: white space collapsed, '|' (the grid's column
// separator) shown as '¦'.
func cellString(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if strings.IndexByte(s, '|') >= 0 {
		s = strings.ReplaceAll(s, "|", "¦")
	}
	return s
}

// endCell adds the cell just closed to its row.
func (w *docxWriter) endCell() error {
	s := w.sinks[len(w.sinks)-1]
	w.sinks = w.sinks[:len(w.sinks)-1]
	w.free = append(w.free, s.buf)
	r, c := w.row, w.cell
	if r == nil {
		return nil
	}
	if !r.placed && r.before > 0 {
		r.placeBefore()
	}
	slot := len(r.spans)
	if slot+c.span > docxMaxCols {
		return docxLimit(pipeline.ErrLimit, "表格超过 %d 列", docxMaxCols)
	}
	switch {
	case c.cont: // covered by the cell above
		for range c.span {
			r.spans = append(r.spans, 0)
		}
	case c.hcont && r.live >= 0: // covered by the cell on the left
		for range c.span {
			r.spans = append(r.spans, 0)
		}
		r.spans[r.live] += uint16(c.span)
	default:
		r.spans = append(r.spans, uint16(c.span))
		for k := 1; k < c.span; k++ {
			r.spans = append(r.spans, 0)
		}
		r.live = slot
		if !c.hcont {
			if t := cellString(s.buf); t != "" {
				if err := w.count(len(t)); err != nil {
					return err
				}
				r.texts = append(r.texts, t)
				r.at = append(r.at, slot)
			}
		}
	}
	return nil
}

// line writes a line of text.
func (w *docxWriter) line(s []byte) error {
	if len(w.out)+len(s)+1 > docxMaxText {
		return docxLimit(pipeline.ErrTooLarge, "文字超过 %d 字节", docxMaxText)
	}
	w.out = append(w.out, s...)
	w.out = append(w.out, '\n')
	w.lines += 1 + bytes.Count(s, []byte{'\n'})
	return w.count(len(s) + 1)
}

// table writes the block-level table just read as grid lines, one slot per grid column.
func (w *docxWriter) table() error {
	rows := w.rows
	w.rows, w.row = w.rows[:0], nil
	width, size := 0, 0
	for i := range rows {
		r := &rows[i]
		if !r.placed && r.before > 0 { // a row without cells, or w:trPr after them
			r.placeBefore()
			if len(r.spans) > docxMaxCols {
				return docxLimit(pipeline.ErrLimit, "表格超过 %d 列", docxMaxCols)
			}
		}
		width = max(width, len(r.spans))
		for _, t := range r.texts {
			size += len(t)
		}
	}
	if width == 0 {
		return nil
	}
	size += len(rows)*(3*width+2) + 2
	if len(w.out)+size > docxMaxText {
		return docxLimit(pipeline.ErrTooLarge, "文字超过 %d 字节（表格 %d 行 %d 列）", docxMaxText, len(rows), width)
	}
	if err := w.count(size); err != nil {
		return err
	}
	w.tables++
	w.out = append(w.out, '\n')
	w.lines++
	for _, r := range rows {
		spans := make([]uint16, width)
		copy(spans, r.spans)
		for c := len(r.spans); c < width; c++ {
			spans[c] = 1 // no cell there (a short row): an empty slot of its own
		}
		w.rowLines = append(w.rowLines, w.lines)
		w.rowSpans = append(w.rowSpans, spans)
		w.out = append(w.out, '|')
		k := 0
		for c := 0; c < width; c++ {
			w.out = append(w.out, ' ')
			if k < len(r.at) && r.at[k] == c {
				w.out = append(w.out, r.texts[k]...)
				k++
			}
			w.out = append(w.out, " |"...)
		}
		w.out = append(w.out, '\n')
		w.lines++
	}
	w.out = append(w.out, '\n')
	w.lines++
	return nil
}

func atoiDef(s string, def int) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 1000 {
		return def
	}
	return n
}

// ---- legacy Word (.doc) and WPS (.wps): OLE compound documents, through LibreOffice ----

var libreofficeTool = &tool{name: "libreoffice", pkg: "libreoffice-writer-nogui（或 libreoffice-writer）"}

// ConvertTimeout bounds one LibreOffice conversion (its first start creates a profile).
var ConvertTimeout = 120 * time.Second

func utf16le(s string) []byte {
	out := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		out = append(out, s[i], 0)
	}
	return out
}

func decodeOLE(name string, b []byte) (*Doc, error) {
	switch {
	case bytes.Contains(b, utf16le("Workbook")) || bytes.Contains(b, utf16le("Book\x00")):
		return nil, inputError(name, pipeline.ErrUnsupported, "Excel 97-2003（.xls）表格，不是 Word 文档")
	case bytes.Contains(b, utf16le("PowerPoint Document")):
		return nil, inputError(name, pipeline.ErrUnsupported, "PowerPoint 97-2003（.ppt）文档，不是 Word 文档")
	case !bytes.Contains(b, utf16le("WordDocument")) && !bytes.Contains(b, utf16le("CONTENTS")):
		// LibreOffice would import what it cannot recognise as text, and read junk
		return nil, inputError(name, pipeline.ErrCorrupt, "OLE 复合文档中没有 Word 或 WPS 正文数据流（WordDocument），已损坏或不是 Word 文档")
	}
	path, err := libreofficeTool.look()
	if err != nil {
		if p, err2 := exec.LookPath("soffice"); err2 == nil {
			path = p
		} else {
			return nil, inputError(name, pipeline.ErrToolMissing,
				"Word 97-2003（.doc）或 WPS（.wps）文档需要 LibreOffice 转换，但未安装（Debian/Ubuntu：apt-get install libreoffice-writer-nogui 或 libreoffice-writer）")
		}
	}
	dir, err := os.MkdirTemp("", "xxgk-doc-")
	if err != nil {
		return nil, inputError(name, pipeline.ErrToolMissing, "无法创建临时目录：%v", err)
	}
	defer os.RemoveAll(dir)
	ext := strings.ToLower(filepath.Ext(name))
	if ext != ".doc" && ext != ".wps" && ext != ".dot" {
		ext = ".doc"
	}
	in := filepath.Join(dir, "input"+ext)
	if err := os.WriteFile(in, b, 0o600); err != nil {
		return nil, inputError(name, pipeline.ErrToolMissing, "无法写临时文件：%v", err)
	}
	outDir := filepath.Join(dir, "out")
	profile := "file://" + filepath.Join(dir, "profile")
	// the import filter is named: Word 97-2003 and WPS files are both the Word binary format,
	// and without it LibreOffice opens an unreadable file as plain text and "converts" its bytes
	_, stderr, err := runTool(context.Background(), ConvertTimeout, path, nil, "-env:UserInstallation="+profile,
		"--headless", "--norestore", "--nolockcheck", "--infilter=MS Word 97", "--convert-to", "docx", "--outdir", outDir, in)
	out := filepath.Join(outDir, "input.docx")
	conv, rerr := readCapped(out, int64(MaxToolOutput))
	if err != nil || rerr != nil {
		if reason, ok := toolLimit(err); ok {
			return nil, inputError(name, reason, "LibreOffice 转换此 Word/WPS 文档%v", err)
		}
		if errors.Is(rerr, errToolOutput) {
			return nil, inputError(name, pipeline.ErrLimit, "LibreOffice 转换此 Word/WPS 文档%v", rerr)
		}
		detail := stderr
		if detail == "" && err != nil {
			detail = err.Error()
		}
		if detail == "" {
			detail = "没有生成 .docx"
		}
		return nil, inputError(name, pipeline.ErrCorrupt, "LibreOffice 无法转换此 Word/WPS 文档：%s", detail)
	}
	d, err := decodeDOCX(name, conv)
	if err != nil {
		var ie *pipeline.InputError
		if errors.As(err, &ie) {
			ie.Detail = "（由 LibreOffice 转换）" + ie.Detail
		}
		return nil, err
	}
	d.Size = len(b)
	d.Notes = append(d.Notes, "由 LibreOffice 从 "+ext+" 转换为 .docx 后读取")
	return d, nil
}
