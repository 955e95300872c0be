package gen

import (
	"bytes"
	"html"
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"

	"xxgk/schemas"
)

// Shape is how a report's text is laid out.
type Shape int

// Shapes: the five flattened-table text shapes of the spec, and HTML pages.
const (
	ShapeCells      Shape = iota + 1 // 1: one cell per line ending in " |", covered cells as lines of bare pipes
	ShapeRows                        // 2: one row per line, cells separated by " | "
	ShapeCellPipe                    // 3: each cell on its own line, then a line "|"
	ShapeParagraphs                  // 4: one cell per line, no separators
	ShapeMarkdown                    // 5: "| a | b |" rows, one slot per grid column
	ShapeHTML                        // an HTML page with real tables
)

// Shapes of tables as they are really published (issue 13), chosen by moreShapes
// (shapes.go): padded rows, cells run together, and HTML pages whose table 2 is the official
// template's merged-cell grid.
const (
	// ShapePadded: one row per line, every grid slot a cell ending in " |", a spanned or
	// covered slot an empty cell ("一、本年新收… |  |  | 16 | 2 | … | 20 |"); table 2 in the
	// official template's five-column grid.
	ShapePadded Shape = ShapePDF + 1 + iota
	// ShapeRunTogether: one row per line with no cell boundary at all ("规章005", "规章///",
	// "一、本年新收政府信息公开申请数量312010034", table 4 one run of fifteen numbers).
	ShapeRunTogether
	// ShapeHTMLOfficial: an HTML page whose table 2 is the official template's grid of five
	// columns with colspans that differ between a header and the rows under it.
	ShapeHTMLOfficial
)

// Shapes lists every shape a report's text is chosen in (DOCX and PDF come on top, by share).
var Shapes = []Shape{ShapeCells, ShapeRows, ShapeCellPipe, ShapeParagraphs, ShapeMarkdown, ShapeHTML,
	ShapePadded, ShapeRunTogether, ShapeHTMLOfficial}

func (s Shape) String() string {
	switch s {
	case ShapeCells:
		return "cells"
	case ShapeRows:
		return "rows"
	case ShapeCellPipe:
		return "cell-pipe"
	case ShapeParagraphs:
		return "paragraphs"
	case ShapeMarkdown:
		return "markdown"
	case ShapeHTML:
		return "html"
	case ShapeDOCX:
		return "docx"
	case ShapePDF:
		return "pdf"
	case ShapePadded:
		return "padded"
	case ShapeRunTogether:
		return "run-together"
	case ShapeHTMLOfficial:
		return "html-official"
	}
	return "shape" + strconv.Itoa(int(s))
}

// Ext is the file extension of a shape.
func (s Shape) Ext() string {
	switch s {
	case ShapeHTML, ShapeHTMLOfficial:
		return ".html"
	case ShapeDOCX:
		return ".docx"
	case ShapePDF:
		return ".pdf"
	}
	return ".txt"
}

// RenderOptions are the printing choices that do not change a report's numbers.
type RenderOptions struct {
	Charset     string // utf-8 (default), gbk, gb18030, big5
	BOM         bool   // UTF-8 byte-order mark (text files)
	CRLF        bool   // "\r\n" line ends (text files)
	Traditional bool   // the whole document in traditional characters
	FullWidth   bool   // digits and brackets full-width: ２０２２, （一）
	HalfWidth   bool   // full-width punctuation narrowed, as scraped text often is: (一) , :
	SplitWords  bool   // stray spaces inside header words: 商业 企业, 结果 纠正, 政府信 息公开
	ShortLabels bool   // （二）部分公开 without its note
	Enum        string // separator after 1 2 3 in row labels: "." (default), "．", "、"
	HeadingSep  string // after 一 二 三 in section headings: "、" (default) or "，"
	Note        bool   // the 勾稽 note in the corner of table 3
	// TrailingPipes (shape 1) ends a table's last row with its line of bare pipes too.
	TrailingPipes bool
	MarkdownRule  bool // shape 5: a |---| line after the first row
	WrapLabels    bool // shape 5: long labels broken across two lines
	// SplitLines breaks header words by a line break inside their cell (商业\n企业, 结果\n纠正):
	// shapes 1, 4 and 5, and HTML (商业<br>企业); a cell of shape 2 or 3 cannot hold one.
	SplitLines bool
	// MixBrackets prints row-label brackets half- or full-width label by label ((三)不予公开
	// next to （四）无法提供); NumSep replaces the "、" of 一、本年新收… in row labels ("，").
	MixBrackets bool
	NumSep      string
	// DoubleSpaced (shape 4) puts a blank line after every line; an empty cell is one more
	// blank line (k blank lines after a cell = k−1 empty cells).
	DoubleSpaced bool
	// TitleBreak prints the title over two lines (HTML: a <br> in the heading): 1 after the
	// year (朝阳县教育局2021年 / 政府信息公开工作年度报告), 2 before it (朝阳县教育局 / 2021年政府…).
	TitleBreak int
	// SpanSeed chooses the colspans of the official table 2 grid (shapes padded and
	// html-official).
	SpanSeed uint64
}

// chooseRendering picks a shape and printing options for one report.
func chooseRendering(rng *rand.Rand, b Body) (Shape, RenderOptions) {
	o := RenderOptions{Charset: "utf-8", Enum: ".", HeadingSep: "、", Note: rng.IntN(10) < 7}
	var s Shape
	switch x := rng.IntN(100); {
	case x < 24:
		s = ShapeCells
	case x < 36:
		s = ShapeRows
	case x < 46:
		s = ShapeCellPipe
	case x < 56:
		s = ShapeParagraphs
	case x < 68:
		s = ShapeMarkdown
	default:
		s = ShapeHTML
	}
	o.Traditional = rng.IntN(100) < 3
	switch x := rng.IntN(100); {
	case x < 8:
		o.FullWidth = true
	case x < 40:
		o.HalfWidth = true
	}
	o.SplitWords = rng.IntN(4) == 0
	o.ShortLabels = rng.IntN(10) < 3
	switch rng.IntN(10) {
	case 0:
		o.Enum = "．"
	case 1:
		o.Enum = "、"
	}
	if rng.IntN(8) == 0 {
		o.HeadingSep = "，"
	}
	o.TrailingPipes = rng.IntN(3) == 0
	o.MarkdownRule = rng.IntN(2) == 0
	o.WrapLabels = rng.IntN(3) == 0
	if s == ShapeHTML {
		switch x := rng.IntN(100); {
		case o.Traditional && x < 50:
			o.Charset = "big5"
		case x < 35:
			o.Charset = "gbk"
		}
	} else {
		switch x := rng.IntN(100); {
		case x < 4 && !o.Traditional:
			o.Charset = "gbk"
		case x < 10:
			o.BOM = true
		}
		o.CRLF = rng.IntN(10) == 0
	}
	return s, o
}

// ToTraditional converts simplified Chinese to traditional for the traditional-character
// copies (decode.ToTraditional, installed in traditional.go).
var ToTraditional = func(s string) string { return s }

// Render prints report r with its prose in a shape. The numbers printed are those of r's
// grids: a blank or derived cell is printed empty, a dash as its text, a row absent from the
// grid is not printed. Exported so that tests elsewhere can print a known report.
func Render(r *schemas.Report, prose Prose, shape Shape, opts RenderOptions) []byte {
	var buf bytes.Buffer
	render(&buf, r, prose, shape, opts)
	return buf.Bytes()
}

// render appends the document to buf and returns the charset it was written in (UTF-8 when
// the one asked for lacks a character of the text).
func render(buf *bytes.Buffer, r *schemas.Report, prose Prose, shape Shape, opts RenderOptions) string {
	if opts.Enum == "" {
		opts.Enum = "."
	}
	if opts.HeadingSep == "" {
		opts.HeadingSep = "、"
	}
	if opts.Charset == "" {
		opts.Charset = "utf-8"
	}
	w := &writer{buf: buf, opts: opts, shape: shape}
	ls := labelStyle{short: opts.ShortLabels, enum: opts.Enum, splitWords: opts.SplitWords, note: opts.Note,
		mixBrackets: opts.MixBrackets, numSep: opts.NumSep}
	switch shape {
	case ShapeCells, ShapeParagraphs, ShapeMarkdown, ShapeHTML, ShapeHTMLOfficial: // HTML: <br> inside the cell
		ls.splitLines = opts.SplitLines
	}
	if shape != ShapeParagraphs {
		w.opts.DoubleSpaced = false
	}
	start := buf.Len()
	if shape == ShapeHTML || shape == ShapeHTMLOfficial {
		w.html(r, prose, ls)
	} else {
		w.text(r, prose, ls)
	}
	out := buf.Bytes()[start:]
	if opts.Traditional {
		t := ToTraditional(string(out))
		buf.Truncate(start)
		buf.WriteString(t)
		out = buf.Bytes()[start:]
	}
	if opts.CRLF && shape.Ext() != ".html" {
		t := bytes.ReplaceAll(out, []byte("\n"), []byte("\r\n"))
		buf.Truncate(start)
		buf.Write(t)
		out = buf.Bytes()[start:]
	}
	if enc := encoderOf(opts.Charset); enc != nil {
		b, err := enc.NewEncoder().Bytes(out)
		if err != nil {
			// a character the charset lacks: print the page in UTF-8 instead
			buf.Truncate(start)
			opts.Charset = "utf-8"
			return render(buf, r, prose, shape, opts)
		}
		buf.Truncate(start)
		buf.Write(b)
		return opts.Charset
	}
	if opts.BOM && shape.Ext() != ".html" {
		t := append([]byte("\xef\xbb\xbf"), out...)
		buf.Truncate(start)
		buf.Write(t)
	}
	return "utf-8"
}

func encoderOf(charset string) encoding.Encoding {
	switch charset {
	case "gbk":
		return simplifiedchinese.GBK
	case "gb18030":
		return simplifiedchinese.GB18030
	case "big5":
		return traditionalchinese.Big5
	}
	return nil
}

type writer struct {
	buf   *bytes.Buffer
	opts  RenderOptions
	shape Shape
}

// fix applies the character-width choices to a piece of text.
func (w *writer) fix(s string) string {
	switch {
	case w.opts.FullWidth:
		if strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' || r == '(' || r == ')' }) < 0 {
			return s
		}
		var b strings.Builder
		for _, r := range s {
			switch {
			case r >= '0' && r <= '9', r == '(', r == ')':
				r += 0xFEE0
			}
			b.WriteRune(r)
		}
		return b.String()
	case w.opts.HalfWidth:
		if strings.IndexFunc(s, func(r rune) bool { return r >= 0xFF01 && r <= 0xFF5E }) < 0 {
			return s
		}
		var b strings.Builder
		for _, r := range s {
			if r >= 0xFF01 && r <= 0xFF5E {
				r -= 0xFEE0
			}
			b.WriteRune(r)
		}
		return b.String()
	}
	return s
}

func (w *writer) line(s string) {
	w.buf.WriteString(w.fix(s))
	w.buf.WriteByte('\n')
	if w.opts.DoubleSpaced {
		w.buf.WriteByte('\n')
	}
}

// title prints the title line, or two lines when the report breaks it.
func (w *writer) title(t string) {
	for _, l := range w.titleLines(t) {
		w.line(l)
	}
}

// titleLines is the title as printed: one line, or two when the report breaks it.
func (w *writer) titleLines(t string) []string {
	y, _, ok := strings.Cut(t, "年政府信息公开")
	if !ok || len(y) < 4 || w.opts.TitleBreak == 0 || strings.Trim(y[len(y)-4:], "0123456789") != "" {
		return []string{t}
	}
	head := y[:len(y)-4] // the body's name, before the year
	if w.opts.TitleBreak == 1 || head == "" {
		return []string{y + "年", t[len(y+"年"):]}
	}
	return []string{head, t[len(head):]}
}

var sectionNumerals = []string{"一", "二", "三", "四", "五", "六"}

// heading is a section heading: 一、总体情况; now and then with a stray space inside a word.
func (w *writer) heading(i int) string {
	l := schemas.Labels().Sections[i].Label
	if w.opts.SplitWords && strings.Contains(l, "政府信息公开") {
		l = strings.Replace(l, "政府信息公开", "政府信 息公开", 1)
	}
	return sectionNumerals[i] + w.opts.HeadingSep + l
}

// text prints a plain-text report (shapes 1–5).
func (w *writer) text(r *schemas.Report, p Prose, ls labelStyle) {
	if p.Title != "" {
		w.title(p.Title)
	}
	for _, s := range p.Intro {
		w.line(s)
	}
	tables := [3]*tmodel{w.table2(r, ls), table3Model(r, ls), table4Model(r, ls)}
	for i := range 6 {
		w.line(w.heading(i))
		for _, s := range p.Sections[i] {
			w.line(s)
		}
		if i >= 1 && i <= 3 {
			w.table(tables[i-1])
		}
	}
	for _, s := range p.Signature {
		w.line(s)
	}
}

// table2 is the model of table 2 the shape prints: the official five-column grid for the
// padded and html-official shapes, the four-column one otherwise.
func (w *writer) table2(r *schemas.Report, ls labelStyle) *tmodel {
	if w.shape == ShapePadded || w.shape == ShapeHTMLOfficial {
		return table2Official(r, ls, w.opts.SpanSeed)
	}
	return table2Model(r, ls)
}

// table prints a table model in the writer's text shape.
func (w *writer) table(t *tmodel) {
	grid := t.slots()
	for i, row := range t.rows {
		covered := t.cols - len(row)
		last := i == len(t.rows)-1
		switch w.shape {
		case ShapePadded:
			// every grid slot a cell ending in " |": the text of the cell starting there, or
			// empty (span padding, from the left or from above)
			var b strings.Builder
			for j, k := range grid[i] {
				if j > 0 {
					b.WriteByte(' ')
				}
				if k >= 0 && row[k].text != "" {
					b.WriteString(row[k].text + " ")
				} else if j > 0 {
					b.WriteByte(' ')
				}
				b.WriteByte('|')
			}
			w.line(b.String())
		case ShapeRunTogether:
			// no cell boundary: the cells' texts one after the other
			var b strings.Builder
			for _, c := range row {
				b.WriteString(c.text)
			}
			w.line(b.String())
		case ShapeCells:
			for _, c := range row {
				if c.text == "" {
					w.line("|")
				} else {
					w.line(c.text + " |")
				}
			}
			if covered > 0 && (!last || w.opts.TrailingPipes) {
				w.line(strings.Repeat("|", covered))
			}
		case ShapeRows:
			var b strings.Builder
			for k, c := range row {
				if k > 0 {
					b.WriteString(" | ")
				}
				b.WriteString(c.text)
			}
			if covered > 0 {
				b.WriteString(" " + strings.Repeat("|", covered))
			}
			w.line(b.String())
		case ShapeCellPipe:
			for _, c := range row {
				w.line(c.text)
				w.line("|")
			}
		case ShapeParagraphs:
			for _, c := range row {
				if c.text == "" && w.opts.DoubleSpaced {
					w.buf.WriteByte('\n') // an empty cell: one more blank line
					continue
				}
				w.line(c.text)
			}
		case ShapeMarkdown:
			var b strings.Builder
			b.WriteString("|")
			for _, k := range grid[i] {
				s := ""
				if k >= 0 {
					s = row[k].text
				}
				if w.opts.WrapLabels && utf8.RuneCountInString(s) > 16 {
					rs := []rune(s)
					s = string(rs[:len(rs)/2]) + "\n" + string(rs[len(rs)/2:])
				}
				b.WriteString(" " + s)
				for n := utf8.RuneCountInString(s); n < 3; n++ {
					b.WriteByte(' ')
				}
				b.WriteString(" |")
			}
			w.line(b.String())
			if i == 0 && w.opts.MarkdownRule {
				w.line("|" + strings.Repeat("---|", t.cols))
			}
		}
	}
}

// html prints a full web page around the report, with real tables.
func (w *writer) html(r *schemas.Report, p Prose, ls labelStyle) {
	b := w.buf
	e := func(s string) string { return html.EscapeString(w.fix(s)) }
	county := r.Region.Name
	site := county + "人民政府"
	title := p.Title
	if title == "" {
		title = r.Body + strconv.Itoa(r.Year) + "年政府信息公开工作年度报告"
	}
	b.WriteString("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=")
	b.WriteString(w.opts.Charset)
	b.WriteString("\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
	b.WriteString(e(title) + "_" + e(site))
	b.WriteString("</title>\n<meta name=\"SiteName\" content=\"" + e(site) + "\">\n<meta name=\"ColumnName\" content=\"政府信息公开年报\">\n")
	b.WriteString("<link rel=\"stylesheet\" href=\"/css/common.css\">\n<script src=\"/js/jquery-1.12.4.min.js\"></script>\n</head>\n<body>\n")
	b.WriteString("<div class=\"header\"><div class=\"logo\"><a href=\"/\">" + e(site) + "</a></div>\n<ul class=\"nav\">")
	for _, n := range []string{"首页", "走进" + county, "政务公开", "政务服务", "互动交流", "专题专栏"} {
		b.WriteString("<li><a href=\"/\">" + e(n) + "</a></li>")
	}
	b.WriteString("</ul></div>\n<div class=\"breadcrumb\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"/zwgk/\">政务公开</a> &gt; <a href=\"/zwgk/ndbg/\">政府信息公开年报</a></div>\n")
	var h1 []string
	for _, l := range w.titleLines(title) {
		h1 = append(h1, e(l))
	}
	b.WriteString("<div class=\"article\">\n<h1 class=\"title\">" + strings.Join(h1, "<br>") + "</h1>\n")
	b.WriteString("<div class=\"info\">发布时间：" + strconv.Itoa(r.Year+1) + "-01-" + strconv.Itoa(10+r.Year%18) + "&nbsp;&nbsp;来源：" + e(r.Body) + "&nbsp;&nbsp;浏览次数：<span id=\"hits\"></span></div>\n<div class=\"content\" id=\"zoom\">\n")
	para := func(s string) { b.WriteString("<p style=\"text-indent:2em;\">" + e(s) + "</p>\n") }
	for _, s := range p.Intro {
		para(s)
	}
	tables := [3]*tmodel{w.table2(r, ls), table3Model(r, ls), table4Model(r, ls)}
	for i := range 6 {
		b.WriteString("<p style=\"text-indent:2em;\"><strong>" + e(w.heading(i)) + "</strong></p>\n")
		for _, s := range p.Sections[i] {
			para(s)
		}
		if i >= 1 && i <= 3 {
			w.htmlTable(tables[i-1], e)
		}
	}
	for _, s := range p.Signature {
		b.WriteString("<p style=\"text-align:right;\">" + e(s) + "</p>\n")
	}
	b.WriteString("</div>\n<div class=\"share\">分享到：<a href=\"javascript:;\">微信</a> <a href=\"javascript:;\">微博</a></div>\n")
	b.WriteString("<div class=\"print\"><a href=\"javascript:window.print();\">【打印本页】</a> <a href=\"javascript:window.close();\">【关闭窗口】</a></div>\n</div>\n")
	b.WriteString("<div class=\"footer\"><p>主办：" + e(site) + "办公室&nbsp;&nbsp;网站标识码：" + r.Region.Code + "0001</p><p>版权所有：" + e(site) + "&nbsp;&nbsp;技术支持：" + e(r.Region.Prefecture) + "大数据中心</p></div>\n")
	b.WriteString("<script>var _hmt = _hmt || [];(function(){var hm=document.createElement(\"script\");hm.src=\"/js/stat.js\";document.body.appendChild(hm);})();</script>\n</body>\n</html>\n")
}

func (w *writer) htmlTable(t *tmodel, e func(string) string) {
	b := w.buf
	b.WriteString("<table border=\"1\" cellspacing=\"0\" cellpadding=\"0\" style=\"border-collapse:collapse;width:100%;\">\n<tbody>\n")
	for _, row := range t.rows {
		b.WriteString("<tr>")
		for _, c := range row {
			b.WriteString("<td")
			if c.cs > 1 {
				b.WriteString(" colspan=\"" + strconv.Itoa(c.cs) + "\"")
			}
			if c.rs > 1 {
				b.WriteString(" rowspan=\"" + strconv.Itoa(c.rs) + "\"")
			}
			b.WriteString(" style=\"text-align:center;\">")
			switch {
			case c.text == "":
				b.WriteString("&nbsp;")
			case c.header:
				b.WriteString("<p><span style=\"font-family:宋体;\">" + strings.ReplaceAll(e(c.text), "\n", "<br>") + "</span></p>")
			default:
				b.WriteString(e(c.text))
			}
			b.WriteString("</td>")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
}
