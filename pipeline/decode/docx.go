package decode

import (
	"archive/zip"
	"bytes"
	"context"
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
// cell continuing a vertical merge (w:vMerge). Legacy .doc and .wps files (OLE compound
// documents) are converted to .docx with LibreOffice when it is installed.

// decodeDocument reads the container formats: PDF, DOCX and OLE Word files. ok is false when
// b is none of them (the text path reads it).
func decodeDocument(name string, b []byte) (doc *Doc, ok bool, err error) {
	switch {
	case isPDF(b):
		doc, err = decodePDF(name, b)
		return doc, true, err
	case bytes.HasPrefix(b, []byte("PK\x03\x04")) || bytes.HasPrefix(b, []byte("PK\x05\x06")):
		head := b[:min(len(b), 64<<10)]
		ext := strings.ToLower(filepath.Ext(name))
		if bytes.Contains(head, []byte("word/")) || ext == ".docx" || ext == ".docm" || ext == ".wps" || ext == ".doc" {
			doc, err = decodeDOCX(name, b)
			return doc, true, err
		}
	case bytes.HasPrefix(b, []byte(oleMagic)):
		doc, err = decodeOLE(name, b)
		return doc, true, err
	}
	return nil, false, nil
}

const oleMagic = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"

// maxXML bounds the uncompressed size of word/document.xml (a zip bomb stops here).
var maxXML = int64(256 << 20)

func decodeDOCX(name string, b []byte) (*Doc, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, inputError(name, pipeline.ErrCorrupt, "Word（.docx）文件已损坏，无法作为 ZIP 打开：%v", err)
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
	root, err := readXMLTree(io.LimitReader(rc, maxXML+1))
	if err != nil {
		return nil, inputError(name, pipeline.ErrCorrupt, "Word（.docx）文件已损坏：word/document.xml：%v", err)
	}
	body := root.find("body")
	if body == nil {
		return nil, inputError(name, pipeline.ErrCorrupt, "Word（.docx）文件已损坏：word/document.xml 没有 w:body")
	}
	w := &docxWriter{}
	w.blocks(body)
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
	return d, nil
}

// xnode is an element of word/document.xml, reduced to what the reader needs.
type xnode struct {
	name string // local name
	val  string // w:val attribute
	kids []*xnode
	text string // character data of w:t
}

func (n *xnode) find(name string) *xnode {
	if n.name == name {
		return n
	}
	for _, k := range n.kids {
		if f := k.find(name); f != nil {
			return f
		}
	}
	return nil
}

func (n *xnode) child(name string) *xnode {
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

// skipped elements: properties that hold no text, deleted text, field codes, and the
// fallback copy of alternate content.
var skipXML = map[string]bool{"rPr": true, "sectPr": true, "delText": true, "instrText": true,
	"Fallback": true, "pict": false, "numPr": true, "rFonts": true, "proofErr": true, "bookmarkStart": true}

func readXMLTree(r io.Reader) (*xnode, error) {
	dec := xml.NewDecoder(r)
	dec.Strict = false
	root := &xnode{name: "#root"}
	stack := []*xnode{root}
	skip := 0
	for {
		t, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if lr, ok := r.(*io.LimitedReader); ok && lr.N <= 0 {
				return nil, fmt.Errorf("超过 %d 字节", maxXML)
			}
			return nil, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			if skip > 0 || skipXML[t.Name.Local] {
				skip++
				continue
			}
			n := &xnode{name: t.Name.Local}
			for _, a := range t.Attr {
				if a.Name.Local == "val" {
					n.val = a.Value
				}
			}
			top := stack[len(stack)-1]
			top.kids = append(top.kids, n)
			stack = append(stack, n)
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			if skip == 0 {
				if top := stack[len(stack)-1]; top.name == "t" {
					top.text += string(t)
				}
			}
		}
	}
	if lr, ok := r.(*io.LimitedReader); ok && lr.N <= 0 {
		return nil, fmt.Errorf("超过 %d 字节", maxXML)
	}
	return root, nil
}

type docxWriter struct {
	out    []byte
	tables int
}

func (w *docxWriter) line(s string) {
	w.out = append(w.out, s...)
	w.out = append(w.out, '\n')
}

// blocks renders the block-level content of n: paragraphs, tables, content controls.
func (w *docxWriter) blocks(n *xnode) {
	for _, k := range n.kids {
		switch k.name {
		case "p":
			w.line(paraText(k))
		case "tbl":
			w.table(k)
		case "sdt", "sdtContent", "customXml", "ins", "smartTag":
			w.blocks(k)
		}
	}
}

// paraText is the text of a paragraph: runs, tabs as spaces, breaks as line breaks; text
// boxes and nested content are included in reading order.
func paraText(n *xnode) string {
	var b strings.Builder
	var walk func(n *xnode)
	walk = func(n *xnode) {
		for _, k := range n.kids {
			switch k.name {
			case "t":
				b.WriteString(k.text)
			case "tab", "ptab":
				b.WriteByte(' ')
			case "br", "cr":
				b.WriteByte('\n')
			case "noBreakHyphen":
				b.WriteByte('-')
			case "p":
				if b.Len() > 0 {
					b.WriteByte('\n')
				}
				walk(k)
			case "tbl":
				b.WriteString(cellText(k))
			default:
				walk(k)
			}
		}
	}
	walk(n)
	return b.String()
}

// cellText is the text of a table cell on one line: its paragraphs joined by a space.
func cellText(n *xnode) string {
	var parts []string
	var walk func(n *xnode)
	walk = func(n *xnode) {
		for _, k := range n.kids {
			switch k.name {
			case "p":
				if t := strings.TrimSpace(paraText(k)); t != "" {
					parts = append(parts, t)
				}
			case "tcPr", "tblPr", "trPr", "tblGrid":
			default:
				walk(k)
			}
		}
	}
	walk(n)
	s := collapseSpaces(strings.Join(parts, " "))
	if strings.IndexByte(s, '|') >= 0 {
		s = strings.ReplaceAll(s, "|", "¦")
	}
	return s
}

func atoiDef(s string, def int) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 1000 {
		return def
	}
	return n
}

// table renders a w:tbl as grid lines.
func (w *docxWriter) table(t *xnode) {
	var grid [][]string
	width := 0
	var rows []*xnode
	var collect func(n *xnode)
	collect = func(n *xnode) {
		for _, k := range n.kids {
			switch k.name {
			case "tr":
				rows = append(rows, k)
			case "sdt", "sdtContent", "customXml", "ins":
				collect(k)
			}
		}
	}
	collect(t)
	for _, tr := range rows {
		var row []string
		if pr := tr.child("trPr"); pr != nil {
			if gb := pr.child("gridBefore"); gb != nil {
				for range atoiDef(gb.val, 0) {
					row = append(row, "")
				}
			}
		}
		var cells []*xnode
		var cellsOf func(n *xnode)
		cellsOf = func(n *xnode) {
			for _, k := range n.kids {
				switch k.name {
				case "tc":
					cells = append(cells, k)
				case "sdt", "sdtContent", "customXml":
					cellsOf(k)
				}
			}
		}
		cellsOf(tr)
		for _, tc := range cells {
			span, cont := 1, false
			if pr := tc.child("tcPr"); pr != nil {
				if gs := pr.child("gridSpan"); gs != nil {
					span = atoiDef(gs.val, 1)
				}
				if vm := pr.child("vMerge"); vm != nil && vm.val != "restart" {
					cont = true
				}
				if hm := pr.child("hMerge"); hm != nil && hm.val != "restart" {
					cont = true
				}
			}
			text := ""
			if !cont {
				text = cellText(tc)
			}
			row = append(row, text)
			for k := 1; k < span; k++ {
				row = append(row, "")
			}
		}
		if len(row) > width {
			width = len(row)
		}
		grid = append(grid, row)
	}
	if width == 0 {
		return
	}
	w.tables++
	w.line("")
	for _, row := range grid {
		w.out = append(w.out, '|')
		for c := 0; c < width; c++ {
			w.out = append(w.out, ' ')
			if c < len(row) {
				w.out = append(w.out, row[c]...)
			}
			w.out = append(w.out, " |"...)
		}
		w.out = append(w.out, '\n')
	}
	w.line("")
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
	conv, rerr := os.ReadFile(out)
	if err != nil || rerr != nil {
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
