package decode

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Limits that keep malformed pages cheap.
const (
	maxColspan  = 64
	maxRowspan  = 1000
	maxGridCols = 256
	maxMarks    = 4 << 20 // grid slots a table's spans may mark before spans are ignored
	maxDepth    = 400     // deeper elements are read as plain text
	// A table is a layout table (its cells rendered as blocks, inner tables as grids) when a
	// cell holds more text than this or a nested table of several rows.
	layoutCellBytes = 600
	layoutInnerRows = 3
)

// page is what extractHTML read from an HTML page.
type page struct {
	text     string
	title    string
	tables   int // data tables rebuilt as grids
	images   int
	unclosed bool // <html> without </html> or </body>
}

// Class and id fragments of page chrome (case-insensitive).
var chromeWords = []string{"nav", "menu", "footer", "header", "breadcrumb", "crumb", "sidebar",
	"share", "toolbar", "login", "search", "copyright"}

// Words whose presence keeps page chrome: the report's section headings.
var sectionWords = []string{"总体情况", "總體情況", "主动公开政府信息情况", "主動公開政府信息情況",
	"收到和处理政府信息公开申请", "收到和處理政府信息公開申請"}

// titleWords in a heading (h1–h3, or an element whose class or id says title) keep chrome.
var titleWords = []string{"年度报告", "年度報告"}

// extractHTML renders an HTML page as text: chrome dropped, blocks on their own lines,
// tables as grids (see Doc.Text).
func extractHTML(s string) page {
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil { // a strings.Reader does not fail
		return page{text: s}
	}
	x := &extractor{out: make([]byte, 0, len(s)/2)}
	x.walk(doc, 0)
	for len(x.out) > 1 && x.out[len(x.out)-2] == '\n' { // end with one line feed
		x.out = x.out[:len(x.out)-1]
	}
	p := page{text: string(x.out), title: x.title, tables: x.tables, images: x.images}
	if indexFold([]byte(s[:min(len(s), 8192)]), "<html") >= 0 {
		tail := []byte(s[max(0, len(s)-16384):])
		p.unclosed = indexFold(tail, "</html") < 0 && indexFold(tail, "</body") < 0
	}
	return p
}

type extractor struct {
	out    []byte
	space  bool // whitespace seen since the last character written
	pre    int  // inside <pre>
	title  string
	tables int
	images int
}

func (x *extractor) newline() {
	if len(x.out) > 0 && x.out[len(x.out)-1] != '\n' {
		x.out = append(x.out, '\n')
	}
	x.space = false
}

// blank ends the line and leaves one empty line (none at the start of the text).
func (x *extractor) blank() {
	x.newline()
	if n := len(x.out); n > 0 && (n < 2 || x.out[n-2] != '\n') {
		x.out = append(x.out, '\n')
	}
}

// text appends HTML text: whitespace runs collapse to one space (kept inside <pre>), and
// '|' becomes '¦' so that a line with '|' is always a table row.
func (x *extractor) text(s string) {
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
			if n := wideSpace(s[i:]); n > 0 {
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

// wideSpace returns the length of a leading NBSP or U+3000 in s, or 0.
func wideSpace(s string) int {
	for _, sp := range [...]string{"\u00a0", "\u3000"} {
		if strings.HasPrefix(s, sp) {
			return len(sp)
		}
	}
	return 0
}

func (x *extractor) walkChildren(n *html.Node, depth int) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		x.walk(c, depth+1)
	}
}

func (x *extractor) walk(n *html.Node, depth int) {
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
		x.text(" " + flatText(n) + " ")
		return
	}
	switch n.DataAtom {
	case atom.Title:
		if x.title == "" {
			x.title = cleanCell(flatText(n))
		}
		return
	case atom.Head:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.DataAtom == atom.Title && x.title == "" {
				x.title = cleanCell(flatText(c))
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
	if isChrome(n) && !keepsContent(n) {
		x.space = true
		return
	}
	if n.DataAtom == atom.Table {
		x.table(n, depth)
		return
	}
	block := isBlock(n.DataAtom)
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

func isBlock(a atom.Atom) bool {
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

// isChrome says whether n is page furniture: navigation, header, footer, forms, hidden
// elements, or an element whose class or id names such furniture.
func isChrome(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Nav, atom.Header, atom.Footer, atom.Aside, atom.Form, atom.Select:
		return true
	}
	for _, a := range n.Attr {
		switch a.Key {
		case "class", "id":
			v := strings.ToLower(a.Val)
			for _, w := range chromeWords {
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

// keepsContent says whether n holds report content that chrome removal must not drop: a
// table, a section heading, or a heading with the report title.
func keepsContent(n *html.Node) bool {
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
				if containsAny(flatText(c), titleWords) {
					return true
				}
			default:
				if c != n && hasTitleClass(c) && containsAny(flatText(c), titleWords) {
					return true
				}
			}
		}
		for k := c.LastChild; k != nil; k = k.PrevSibling {
			stack = append(stack, k)
		}
	}
	return containsAny(text.String(), sectionWords)
}

func hasTitleClass(n *html.Node) bool {
	for _, a := range n.Attr {
		if (a.Key == "class" || a.Key == "id") && strings.Contains(strings.ToLower(a.Val), "title") {
			return true
		}
	}
	return false
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// flatText is the text of n's subtree, blocks and cells separated by spaces, scripts and
// styles left out. It does not recurse, so any depth is safe.
func flatText(n *html.Node) string {
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
			if isBlock(c.DataAtom) {
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

// cleanCell collapses whitespace (including NBSP and U+3000), normalises, and replaces '|'
// so that the text can sit in a grid slot.
func cleanCell(s string) string {
	s = collapseSpaces(s)
	s, _ = normalize(s)
	s = collapseSpaces(s)
	if strings.IndexByte(s, '|') >= 0 {
		s = strings.ReplaceAll(s, "|", "¦")
	}
	return s
}

// collapseSpaces turns every run of white space into one space and trims both ends.
func collapseSpaces(s string) string {
	clean := true
	prevSpace := true
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			sp := c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
			if sp && (c != ' ' || prevSpace) {
				clean = false
				break
			}
			prevSpace = sp
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			clean = false
			break
		}
		prevSpace = false
		i += n
	}
	if clean && !prevSpace {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// table renders a <table>: a data table as grid lines, a layout table as blocks.
func (x *extractor) table(t *html.Node, depth int) {
	rows, caption := tableRows(t)
	if isLayout(rows) {
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
	grid, width := buildGrid(rows)
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

// tableRows lists the rows of t (not of tables nested in its cells) and its caption.
func tableRows(t *html.Node) (rows []*html.Node, caption *html.Node) {
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

func isCell(n *html.Node) bool {
	return n.Type == html.ElementNode && (n.DataAtom == atom.Td || n.DataAtom == atom.Th)
}

// isLayout says whether a table lays out a page rather than holding data: one of its cells
// holds a long text or a nested table of several rows.
func isLayout(rows []*html.Node) bool {
	for _, tr := range rows {
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if !isCell(c) {
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
						if inner, _ := tableRows(k); len(inner) >= layoutInnerRows {
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

// buildGrid places the cells of rows on a grid honouring rowspan and colspan: a cell's text
// goes to its top-left slot, the other slots it covers stay empty.
func buildGrid(rows []*html.Node) (grid [][]string, width int) {
	grid = make([][]string, len(rows))
	taken := make([][]bool, len(rows))
	marks := 0
	for r, tr := range rows {
		col := 0
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if !isCell(c) {
				continue
			}
			text := cleanCell(flatText(c))
			for col < len(taken[r]) && taken[r][col] {
				col++
			}
			if col >= maxGridCols { // no room: the text joins the last slot
				last := &grid[r][maxGridCols-1]
				if text != "" {
					*last = strings.TrimSpace(*last + " " + text)
				}
				continue
			}
			cs, rs := span(c, "colspan", 1), span(c, "rowspan", 1)
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

// span reads a rowspan or colspan attribute the way browsers do: leading digits count, a
// missing or unreadable value gives def.
func span(n *html.Node, key string, def int) int {
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
