package decode

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// The Word reader as it was before issue 11: a tree built by recursion and rendered by
// recursive walks, with quadratic text assembly. Too slow and too deep for hostile input, it
// is kept here as an independent oracle: on small documents within the new reader's limits,
// both must write the same text (FuzzDOCXDocument). One deliberate change: a line break in
// the character data of w:t is a space (oracleBreaks).

// oracleRender renders word/document.xml as the old reader did (without normalisation).
func oracleRender(doc string) (string, error) {
	root, err := oracleTree(strings.NewReader(doc))
	if err != nil {
		return "", err
	}
	body := root.find("body")
	if body == nil {
		return "", fmt.Errorf("no body")
	}
	w := &oracleWriter{}
	w.blocks(body)
	return string(w.out), nil
}

func oracleBreaks(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '\n', '\r', '\v', '\f', 0x85, 0x2028, 0x2029:
			return ' '
		}
		return r
	}, s)
}

func oracleCollapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// onode is an element of word/document.xml, reduced to what the reader needs.
type onode struct {
	name string // local name
	val  string // w:val attribute
	kids []*onode
	text string // character data of w:t
}

func (n *onode) find(name string) *onode {
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

func (n *onode) child(name string) *onode {
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

// skipped elements: properties that hold no text, deleted text, field codes, and the
// fallback copy of alternate content.
var oracleSkip = map[string]bool{"rPr": true, "sectPr": true, "delText": true, "instrText": true,
	"Fallback": true, "pict": false, "numPr": true, "rFonts": true, "proofErr": true, "bookmarkStart": true}

func oracleTree(r io.Reader) (*onode, error) {
	dec := xml.NewDecoder(r)
	dec.Strict = false
	root := &onode{name: "#root"}
	stack := []*onode{root}
	skip := 0
	for {
		t, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if lr, ok := r.(*io.LimitedReader); ok && lr.N <= 0 {
				return nil, fmt.Errorf("too large")
			}
			return nil, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			if skip > 0 || oracleSkip[t.Name.Local] {
				skip++
				continue
			}
			n := &onode{name: t.Name.Local}
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
					top.text += oracleBreaks(string(t))
				}
			}
		}
	}
	if lr, ok := r.(*io.LimitedReader); ok && lr.N <= 0 {
		return nil, fmt.Errorf("too large")
	}
	return root, nil
}

type oracleWriter struct {
	out    []byte
	tables int
}

func (w *oracleWriter) line(s string) {
	w.out = append(w.out, s...)
	w.out = append(w.out, '\n')
}

// blocks renders the block-level content of n: paragraphs, tables, content controls.
func (w *oracleWriter) blocks(n *onode) {
	for _, k := range n.kids {
		switch k.name {
		case "p":
			w.line(oracleParaText(k))
		case "tbl":
			w.table(k)
		case "sdt", "sdtContent", "customXml", "ins", "smartTag":
			w.blocks(k)
		}
	}
}

// oracleParaText is the text of a paragraph: runs, tabs as spaces, breaks as line breaks; text
// boxes and nested content are included in reading order.
func oracleParaText(n *onode) string {
	var b strings.Builder
	var walk func(n *onode)
	walk = func(n *onode) {
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
				b.WriteString(oracleCellText(k))
			default:
				walk(k)
			}
		}
	}
	walk(n)
	return b.String()
}

// oracleCellText is the text of a table cell on one line: its paragraphs joined by a space.
func oracleCellText(n *onode) string {
	var parts []string
	var walk func(n *onode)
	walk = func(n *onode) {
		for _, k := range n.kids {
			switch k.name {
			case "p":
				if t := strings.TrimSpace(oracleParaText(k)); t != "" {
					parts = append(parts, t)
				}
			case "tcPr", "tblPr", "trPr", "tblGrid":
			default:
				walk(k)
			}
		}
	}
	walk(n)
	s := oracleCollapse(strings.Join(parts, " "))
	if strings.IndexByte(s, '|') >= 0 {
		s = strings.ReplaceAll(s, "|", "¦")
	}
	return s
}

func oracleAtoi(s string, def int) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 1000 {
		return def
	}
	return n
}

// table renders a w:tbl as grid lines.
func (w *oracleWriter) table(t *onode) {
	var grid [][]string
	width := 0
	var rows []*onode
	var collect func(n *onode)
	collect = func(n *onode) {
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
				for range oracleAtoi(gb.val, 0) {
					row = append(row, "")
				}
			}
		}
		var cells []*onode
		var cellsOf func(n *onode)
		cellsOf = func(n *onode) {
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
					span = oracleAtoi(gs.val, 1)
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
				text = oracleCellText(tc)
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
