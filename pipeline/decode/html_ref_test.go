package decode

// This file keeps the HTML reader as it was before the streaming rewrite (a full x/net/html
// tree, walked recursively), renamed ref…, as the oracle of the differential tests: on
// well-formed pages the streaming reader must produce exactly its text. One change: the
// overflow slot of a row wider than maxGridCols is grown before it is written (issue 11's
// panic).

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// refPage is what refExtractHTML read from an HTML refPage.
type refPage struct {
	text     string
	title    string
	tables   int // data tables rebuilt as grids
	images   int
	unclosed bool // <html> without </html> or </body>
}

// refExtractHTML renders an HTML refPage as text: chrome dropped, blocks on their own lines,
// tables as grids (see Doc.Text).
func refExtractHTML(s string) refPage {
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil { // a strings.Reader does not fail
		return refPage{text: s}
	}
	x := &refExtractor{out: make([]byte, 0, len(s)/2)}
	x.walk(doc, 0)
	for len(x.out) > 1 && x.out[len(x.out)-2] == '\n' { // end with one line feed
		x.out = x.out[:len(x.out)-1]
	}
	p := refPage{text: string(x.out), title: x.title, tables: x.tables, images: x.images}
	if indexFold([]byte(s[:min(len(s), 8192)]), "<html") >= 0 {
		tail := []byte(s[max(0, len(s)-16384):])
		p.unclosed = indexFold(tail, "</html") < 0 && indexFold(tail, "</body") < 0
	}
	return p
}

type refExtractor struct {
	out    []byte
	space  bool // whitespace seen since the last character written
	pre    int  // inside <pre>
	title  string
	tables int
	images int
}

func (x *refExtractor) newline() {
	if len(x.out) > 0 && x.out[len(x.out)-1] != '\n' {
		x.out = append(x.out, '\n')
	}
	x.space = false
}

// blank ends the line and leaves one empty line (none at the start of the text).
func (x *refExtractor) blank() {
	x.newline()
	if n := len(x.out); n > 0 && (n < 2 || x.out[n-2] != '\n') {
		x.out = append(x.out, '\n')
	}
}

// text appends HTML text: whitespace runs collapse to one space (kept inside <pre>), and
// '|' becomes '¦' so that a line with '|' is always a table row.
func (x *refExtractor) text(s string) {
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case ' ', '\t', '\n', '\r', '\f':
			if x.pre > 0 {
				if c == '\n' {
					x.out = append(x.out, '\n')
					x.space = false
				} else if c != '\r' {
					x.out = append(x.out, ' ')
				}
			} else {
				x.space = true
			}
			i++
			continue
		}
		if c >= 0xC2 && x.pre == 0 { // non-breaking and ideographic spaces collapse too
			if n := refWideSpace(s[i:]); n > 0 {
				x.space = true
				i += n
				continue
			}
		}
		if x.space {
			if n := len(x.out); n > 0 && x.out[n-1] != '\n' && x.out[n-1] != ' ' {
				x.out = append(x.out, ' ')
			}
			x.space = false
		}
		if c == '|' {
			x.out = append(x.out, "¦"...)
			i++
			continue
		}
		if strings.HasPrefix(s[i:], "｜") {
			x.out = append(x.out, "¦"...)
			i += len("｜")
			continue
		}
		x.out = append(x.out, c)
		i++
	}
}

func (x *refExtractor) walkChildren(n *html.Node, depth int) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		x.walk(c, depth+1)
	}
}

func (x *refExtractor) walk(n *html.Node, depth int) {
	switch n.Type {
	case html.TextNode:
		x.text(n.Data)
		return
	case html.DocumentNode:
		x.walkChildren(n, depth)
		return
	case html.ElementNode:
	default:
		return
	}
	if depth > maxDepth {
		x.text(" " + refFlatText(n) + " ")
		return
	}
	switch n.DataAtom {
	case atom.Title:
		if x.title == "" {
			x.title = refCleanCell(refFlatText(n))
		}
		return
	case atom.Head:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.DataAtom == atom.Title && x.title == "" {
				x.title = refCleanCell(refFlatText(c))
			}
		}
		return
	case atom.Script, atom.Style, atom.Template, atom.Noscript, atom.Iframe, atom.Object,
		atom.Embed, atom.Svg, atom.Math, atom.Canvas, atom.Audio, atom.Video, atom.Input,
		atom.Textarea, atom.Button, atom.Link, atom.Meta:
		return
	case atom.Br:
		x.newline()
		return
	case atom.Img:
		x.images++
		return
	}
	if refIsChrome(n) && !refKeepsContent(n) {
		x.space = true
		return
	}
	if n.DataAtom == atom.Table {
		x.refTable(n, depth)
		return
	}
	block := refIsBlock(n.DataAtom)
	if block {
		x.newline()
	}
	if n.DataAtom == atom.Pre {
		x.pre++
		defer func() { x.pre-- }()
	}
	x.walkChildren(n, depth)
	if block {
		x.newline()
	}
}

func refIsBlock(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Body, atom.Caption,
		atom.Center, atom.Dd, atom.Details, atom.Dialog, atom.Dir, atom.Div, atom.Dl, atom.Dt,
		atom.Fieldset, atom.Figcaption, atom.Figure, atom.Footer, atom.Form, atom.H1, atom.H2,
		atom.H3, atom.H4, atom.H5, atom.H6, atom.Header, atom.Hgroup, atom.Hr, atom.Html,
		atom.Legend, atom.Li, atom.Main, atom.Menu, atom.Nav, atom.Ol, atom.Option, atom.P,
		atom.Pre, atom.Section, atom.Summary, atom.Table, atom.Tbody, atom.Td, atom.Tfoot,
		atom.Th, atom.Thead, atom.Tr, atom.Ul:
		return true
	}
	return false
}

// refIsChrome says whether n is refPage furniture: navigation, header, footer, forms, hidden
// elements, or an element whose class or id names such furniture.
func refIsChrome(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Nav, atom.Header, atom.Footer, atom.Aside, atom.Form, atom.Select:
		return true
	}
	for _, a := range n.Attr {
		switch a.Key {
		case "class", "id":
			v := strings.ToLower(a.Val)
			for _, w := range refChromeWords {
				if strings.Contains(v, w) {
					return true
				}
			}
		case "style":
			v := strings.ToLower(strings.ReplaceAll(a.Val, " ", ""))
			if strings.Contains(v, "display:none") || strings.Contains(v, "visibility:hidden") {
				return true
			}
		case "hidden":
			return true
		}
	}
	return false
}

// refKeepsContent says whether n holds report content that chrome removal must not drop: a
// table, a section heading, or a heading with the report title.
func refKeepsContent(n *html.Node) bool {
	var text strings.Builder
	stack := []*html.Node{n}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch c.Type {
		case html.TextNode:
			text.WriteString(c.Data)
		case html.ElementNode:
			switch c.DataAtom {
			case atom.Table:
				return true
			case atom.Script, atom.Style:
				continue
			case atom.H1, atom.H2, atom.H3:
				if refContainsAny(refFlatText(c), refTitleWords) {
					return true
				}
			default:
				if c != n && refHasTitleClass(c) && refContainsAny(refFlatText(c), refTitleWords) {
					return true
				}
			}
		}
		for k := c.LastChild; k != nil; k = k.PrevSibling {
			stack = append(stack, k)
		}
	}
	return refContainsAny(text.String(), refSectionWords)
}

func refHasTitleClass(n *html.Node) bool {
	for _, a := range n.Attr {
		if (a.Key == "class" || a.Key == "id") && strings.Contains(strings.ToLower(a.Val), "title") {
			return true
		}
	}
	return false
}

// refFlatText is the text of n's subtree, blocks and cells separated by spaces, scripts and
// styles left out. It does not recurse, so any depth is safe.
func refFlatText(n *html.Node) string {
	var b strings.Builder
	stack := []*html.Node{n}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if c == nil { // end of a block
			b.WriteByte(' ')
			continue
		}
		switch c.Type {
		case html.TextNode:
			b.WriteString(c.Data)
			continue
		case html.ElementNode:
			switch c.DataAtom {
			case atom.Script, atom.Style, atom.Template, atom.Noscript, atom.Iframe, atom.Head:
				continue
			case atom.Br:
				b.WriteByte(' ')
				continue
			}
			if refIsBlock(c.DataAtom) {
				b.WriteByte(' ')
				stack = append(stack, nil)
			}
		case html.DocumentNode:
		default:
			continue
		}
		for k := c.LastChild; k != nil; k = k.PrevSibling {
			stack = append(stack, k)
		}
	}
	return b.String()
}

// table renders a <table>: a data table as grid lines, a layout table as blocks.
func (x *refExtractor) refTable(t *html.Node, depth int) {
	rows, caption := refTableRows(t)
	if refIsLayout(rows) {
		for _, tr := range rows {
			x.newline()
			for c := tr.FirstChild; c != nil; c = c.NextSibling {
				x.newline()
				x.walk(c, depth+2)
				x.newline()
			}
		}
		x.newline()
		return
	}
	if caption != nil {
		x.newline()
		x.walkChildren(caption, depth)
		x.newline()
	}
	grid, width := refBuildGrid(rows)
	if width == 0 {
		x.space = true
		return
	}
	x.tables++
	x.blank()
	for _, row := range grid {
		x.out = append(x.out, '|')
		for c := 0; c < width; c++ {
			x.out = append(x.out, ' ')
			if c < len(row) {
				x.out = append(x.out, row[c]...)
			}
			x.out = append(x.out, " |"...)
		}
		x.out = append(x.out, '\n')
	}
	x.blank()
}

// refTableRows lists the rows of t (not of tables nested in its cells) and its caption.
func refTableRows(t *html.Node) (rows []*html.Node, caption *html.Node) {
	for c := t.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		switch c.DataAtom {
		case atom.Tr:
			rows = append(rows, c)
		case atom.Thead, atom.Tbody, atom.Tfoot:
			for r := c.FirstChild; r != nil; r = r.NextSibling {
				if r.Type == html.ElementNode && r.DataAtom == atom.Tr {
					rows = append(rows, r)
				}
			}
		case atom.Caption:
			caption = c
		}
	}
	return rows, caption
}

func refIsCell(n *html.Node) bool {
	return n.Type == html.ElementNode && (n.DataAtom == atom.Td || n.DataAtom == atom.Th)
}

// refIsLayout says whether a table lays out a refPage rather than holding data: one of its cells
// holds a long text or a nested table of several rows.
func refIsLayout(rows []*html.Node) bool {
	for _, tr := range rows {
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if !refIsCell(c) {
				continue
			}
			size := 0
			stack := []*html.Node{c}
			for len(stack) > 0 {
				k := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				switch k.Type {
				case html.TextNode:
					size += len(strings.TrimSpace(k.Data))
					if size > layoutCellBytes {
						return true
					}
				case html.ElementNode:
					if k.DataAtom == atom.Script || k.DataAtom == atom.Style {
						continue
					}
					if k.DataAtom == atom.Table && k != c {
						if inner, _ := refTableRows(k); len(inner) >= layoutInnerRows {
							return true
						}
					}
				}
				for ch := k.LastChild; ch != nil; ch = ch.PrevSibling {
					stack = append(stack, ch)
				}
			}
		}
	}
	return false
}

// refBuildGrid places the cells of rows on a grid honouring rowspan and colspan: a cell's text
// goes to its top-left slot, the other slots it covers stay empty.
func refBuildGrid(rows []*html.Node) (grid [][]string, width int) {
	grid = make([][]string, len(rows))
	taken := make([][]bool, len(rows))
	marks := 0
	for r, tr := range rows {
		col := 0
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if !refIsCell(c) {
				continue
			}
			text := refCleanCell(refFlatText(c))
			for col < len(taken[r]) && taken[r][col] {
				col++
			}
			if col >= maxGridCols { // no room: the text joins the last slot
				if len(grid[r]) < maxGridCols {
					grid[r] = append(grid[r], make([]string, maxGridCols-len(grid[r]))...)
				}
				last := &grid[r][maxGridCols-1]
				if text != "" {
					*last = strings.TrimSpace(*last + " " + text)
				}
				continue
			}
			cs, rs := refSpan(c, "colspan", 1), refSpan(c, "rowspan", 1)
			if cs < 1 {
				cs = 1
			}
			if rs < 1 { // rowspan="0": to the end of the table
				rs = len(rows) - r
			}
			cs = min(cs, maxColspan, maxGridCols-col)
			rs = min(rs, maxRowspan, len(rows)-r)
			if marks += cs * rs; marks > maxMarks {
				cs, rs = 1, 1
			}
			for k := r; k < r+rs; k++ {
				if need := col + cs; len(taken[k]) < need {
					taken[k] = append(taken[k], make([]bool, need-len(taken[k]))...)
				}
				for j := col; j < col+cs; j++ {
					taken[k][j] = true
				}
			}
			if len(grid[r]) < col+1 {
				grid[r] = append(grid[r], make([]string, col+1-len(grid[r]))...)
			}
			grid[r][col] = text
			col += cs
		}
	}
	for r := range rows {
		width = max(width, len(taken[r]), len(grid[r]))
	}
	return grid, width
}

// refSpan reads a rowspan or colspan attribute the way browsers do: leading digits count, a
// missing or unreadable value gives def.
func refSpan(n *html.Node, key string, def int) int {
	for _, a := range n.Attr {
		if a.Key != key {
			continue
		}
		v := strings.TrimLeft(a.Val, " \t\n\r\f")
		v = strings.TrimPrefix(v, "+")
		num, digits := 0, 0
		for digits < len(v) && v[digits] >= '0' && v[digits] <= '9' {
			if num < 1e6 {
				num = num*10 + int(v[digits]-'0')
			}
			digits++
		}
		if digits == 0 {
			return def
		}
		return num
	}
	return def
}

// refWideSpace returns the length of a leading NBSP or U+3000 in s, or 0.
func refWideSpace(s string) int {
	for _, sp := range [...]string{"\u00a0", "\u3000"} {
		if strings.HasPrefix(s, sp) {
			return len(sp)
		}
	}
	return 0
}

// refCleanCell collapses whitespace (including NBSP and U+3000), normalises, and replaces '|'
// so that the text can sit in a grid slot.
func refCleanCell(s string) string {
	s = collapseSpaces(s)
	s, _ = normalize(s)
	s = collapseSpaces(s)
	if strings.IndexByte(s, '|') >= 0 {
		s = strings.ReplaceAll(s, "|", "¦")
	}
	return s
}

// Class and id fragments of page chrome (case-insensitive).
var refChromeWords = []string{"nav", "menu", "footer", "header", "breadcrumb", "crumb", "sidebar",
	"share", "toolbar", "login", "search", "copyright"}

// Words whose presence keeps page chrome: the report's section headings.
var refSectionWords = []string{"总体情况", "總體情況", "主动公开政府信息情况", "主動公開政府信息情況",
	"收到和处理政府信息公开申请", "收到和處理政府信息公開申請"}

// refTitleWords in a heading (h1–h3, or an element whose class or id says title) keep chrome.
var refTitleWords = []string{"年度报告", "年度報告"}

func refContainsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
