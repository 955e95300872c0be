package parse

import (
	"sort"
	"strings"
	"unicode/utf8"

	"xxgk/pipeline/decode"
)

// Columns from word positions. A PDF's Doc.Words gives each word of a layout line its
// horizontal extent on the page in points (pdftotext -tsv). Unlike the character columns of
// the layout text, these are the same for a table's header words and its numbers, on every
// page. A row printing fewer numbers than the table has columns gets its empty cells back
// from them:
//   - the rows of a table block (the value lines under one header) that print all their
//     numbers give the columns, when there are two or more of them;
//   - else the header: the header words right of the row labels, without the words that
//     span several columns (申请人情况, 法人或其他组织, 行政复议, 未经复议直接起诉…), fall
//     into as many groups of overlapping words as the table has columns (自 / 然人, 结 / 果维持).
// A number is put in a column only when it stands clearly inside that column's range (the
// gaps between columns are split halfway, and a number within a point of a boundary is not
// placed); a row any of whose numbers cannot be placed, or two in one column, is left as it
// is, and the walk reports it.

// xr is a horizontal range in points.
type xr struct{ x0, x1 float64 }

func (r xr) centre() float64 { return (r.x0 + r.x1) / 2 }

// placeChunks gives the chunks of each line their position from the document's words; it
// reports whether any line has them.
func (p *parser) placeChunks(lines []lline) bool {
	if p.doc == nil || p.doc.Words == nil {
		return false
	}
	any := false
	for k := range lines {
		l := &lines[k]
		if l.idx >= len(p.doc.Words) {
			continue
		}
		ws := p.doc.Words[l.idx]
		if ws == nil {
			continue
		}
		j := 0
		ok := true
		for c := range l.chunks {
			ch := &l.chunks[c]
			want := strings.Join(strings.Fields(ch.text), "")
			got := ""
			x0, x1, all, some := 1e18, -1e18, true, false
			from := j
			for j < len(ws) && len(got) < len(want) {
				got += ws[j].Text
				if ws[j].Placed() {
					x0, x1, some = min(x0, ws[j].X0), max(x1, ws[j].X1), true
				} else {
					all = false
				}
				j++
			}
			if got != want {
				ok = false
				break
			}
			if !ch.val {
				for _, w := range ws[from:j] {
					if w.Placed() {
						l.boxes = append(l.boxes, xr{w.X0, w.X1})
					}
				}
				if all {
					ch.words = ws[from:j]
				}
			}
			// a number needs its own box; a label or header chunk takes what is known
			if some && (all || !ch.val) {
				ch.x0, ch.x1, ch.placed = x0, x1, true
			}
		}
		if !ok || j != len(ws) {
			for c := range l.chunks {
				l.chunks[c].placed = false
				l.chunks[c].words = nil
			}
			l.boxes = nil
			continue
		}
		any = true
	}
	return any
}

// valuesPlaced reports whether every number of the line has a position.
func (l *lline) valuesPlaced() bool {
	n := 0
	for _, ch := range l.chunks {
		if ch.val {
			if !ch.placed {
				return false
			}
			n++
		}
	}
	return n > 0
}

// pointWidths are the numbers of value columns a block of table 2, 3 or 4 may have.
var pointWidths = map[int]bool{1: true, 2: true, 3: true, 4: true, 7: true, 15: true}

// pointBlanks gives back the empty cells of the rows of a block that print fewer numbers
// than the block has columns, when their numbers all have positions (see the comment at the
// top), and gives a row that prints no number at all (its label names a row of table 2 or 3)
// its empty cells. It reports, per line, whether the line was decided here (so that the
// character-column fallback leaves it alone).
func (p *parser) pointBlanks(lines []lline) []bool {
	decided := make([]bool, len(lines))
	// the left edge of the numbers, and the right edge of the row labels left of it
	valueLeft := 1e18
	for k := range lines {
		for _, ch := range lines[k].chunks {
			if ch.val && ch.placed {
				valueLeft = min(valueLeft, ch.x0)
			}
		}
	}
	noValues := valueLeft == 1e18
	if noValues {
		// a table printing no number at all: the row labels tell where the labels end
		labelRight := -1e18
		for k := range lines {
			if l := &lines[k]; p.blankRow(lines, k, 1e18) {
				for _, w := range l.boxes {
					labelRight = max(labelRight, w.x1)
				}
			}
		}
		if labelRight == -1e18 {
			p.blankTable4(lines, decided)
			return decided
		}
		valueLeft = labelRight + 1
	}
	// row labels: the words left of the numbers on lines with numbers, and the words of the
	// other lines that stand among them (wrapped labels; not a header word over the first
	// column, which may stand left of the numbers too)
	labelRight := -1e18
	var labels []xr
	for k := range lines {
		if lines[k].nval == 0 && !(noValues && p.blankRow(lines, k, 1e18)) {
			continue
		}
		for _, w := range lines[k].boxes {
			if w.x1 <= valueLeft+1 {
				labelRight = max(labelRight, w.x1)
				labels = append(labels, w)
			}
		}
	}
	for k := range lines {
		if lines[k].nval > 0 || noValues {
			continue
		}
		for _, w := range lines[k].boxes {
			if w.x1 > valueLeft+1 || w.x1 <= labelRight {
				continue
			}
			for _, o := range labels {
				if w.x0 < o.x1 && o.x0 < w.x1 {
					labelRight = w.x1
					break
				}
			}
		}
	}
	// blocks: the lines under the same header words, up to the next header
	type block struct {
		header [][]xr // the header words of each header line
		lines  []int  // lines after the header
		rows   int    // lines with numbers
	}
	var blocks []*block
	cur := &block{}
	for k := range lines {
		l := &lines[k]
		if l.nval == 0 {
			var hs []xr
			for _, w := range l.boxes {
				if w.centre() <= labelRight {
					continue
				}
				hs = append(hs, w)
			}
			if len(hs) > 0 {
				if cur.rows > 0 || len(cur.lines) > 0 && cur.header == nil {
					blocks = append(blocks, cur)
					cur = &block{}
				}
				cur.header = append(cur.header, hs)
				cur.lines = cur.lines[:0]
				continue
			}
		} else {
			cur.rows++
		}
		cur.lines = append(cur.lines, k)
	}
	blocks = append(blocks, cur)
	for _, b := range blocks {
		if b.rows == 0 && (!noValues || b.header == nil) {
			continue
		}
		cols := wordColumns(b.header, pointWidths)
		if cols == nil {
			var full []int
			for _, k := range b.lines {
				if l := &lines[k]; l.nval == 7 && l.valuesPlaced() {
					full = append(full, k)
				}
			}
			if len(full) >= 2 {
				cols = rowColumns(lines, full, 7)
			}
		}
		if cols == nil {
			continue
		}
		width := len(cols)
		// the complete rows must read in these columns, and no row may print more
		ok := true
		for _, k := range b.lines {
			l := &lines[k]
			if l.nval > width || l.nval == width && l.valuesPlaced() && placeRow(l, cols) == nil {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		empty := func(c int) lchunk {
			return lchunk{empty: true, col0: -1, col1: -1, placed: true, x0: cols[c].x0, x1: cols[c].x1}
		}
		for _, k := range b.lines {
			l := &lines[k]
			if l.nval == 0 {
				if p.blankRow(lines, k, labelRight) {
					decided[k] = true
					fillRow(l, nil, nil, width, empty)
				}
				continue
			}
			if l.nval >= width || !l.valuesPlaced() {
				continue
			}
			decided[k] = true
			assign := placeRow(l, cols)
			if assign == nil {
				continue
			}
			var vals []int
			for c, ch := range l.chunks {
				if ch.val {
					vals = append(vals, c)
				}
			}
			fillRow(l, vals, assign, width, empty)
		}
	}
	return decided
}

// blankRow reports whether a line without numbers is a row all of whose cells are blank:
// its words stand left of the value columns and its last label names a row (not a group)
// of table 2 or 3.
func (p *parser) blankRow(lines []lline, k int, labelRight float64) bool {
	l := &lines[k]
	if len(l.boxes) == 0 {
		return false
	}
	for _, w := range l.boxes {
		if w.x1 > labelRight+1 {
			return false
		}
	}
	last := ""
	for _, ch := range l.chunks {
		if !ch.val && !ch.empty {
			last = ch.text
		}
	}
	n := norm(last)
	if n == "" || !labelLike(last) || p.numbersBelow(lines, k, labelRight) {
		return false
	}
	row := false
	// table 3's rows start with an enumerator (一、 （一） 1.); the line of a wrapped label that
	// does not is its continuation
	for _, s := range []string{n, p.wrappedLabel(lines, k, last)} {
		if !enumerated(last) {
			break
		}
		for i := range p.c.t3 {
			e := &p.c.t3[i]
			match := e.label.Matches(s)
			if e.exact {
				match = false
				for _, x := range e.label.Exact {
					match = match || stripEnum(s) == x
				}
			}
			if match {
				// a group label is no row, except （六）其他处理: gb2019 prints it as one
				// (the walk tells the two apart)
				if e.isGroup && e.key != "other" {
					return false
				}
				row = true
			}
		}
	}
	return row || p.t2Row(l)
}

// t2Row: a line whose only text is the label of a row of table 2 ("行政强制").
func (p *parser) t2Row(l *lline) bool {
	text := ""
	for _, ch := range l.chunks {
		if !ch.val && !ch.empty {
			if text != "" {
				return false
			}
			text = ch.text
		}
	}
	n := norm(text)
	if n == "" || !labelLike(text) {
		return false
	}
	for _, items := range p.c.t2 {
		for i := range items {
			if items[i].label.Matches(n) {
				return true
			}
		}
	}
	return false
}

// centre2 is the chunk's centre in points.
func (c lchunk) centre2() float64 { return (c.x0 + c.x1) / 2 }

// fillRow rebuilds a line: its labels as they are, then width slots in column order, the
// numbers vals (chunk indexes) in the columns assign gives them, empty cells elsewhere.
func fillRow(l *lline, vals, assign []int, width int, empty func(c int) lchunk) {
	var nc []lchunk
	for _, ch := range l.chunks {
		if !ch.val {
			nc = append(nc, ch)
		}
	}
	next := 0
	for c := range width {
		if next < len(assign) && assign[next] == c {
			nc = append(nc, l.chunks[vals[next]])
			next++
			continue
		}
		nc = append(nc, empty(c))
	}
	l.chunks = nc
	l.nval = width
}

// rowColumns: the columns of complete rows, each the union of its numbers' ranges; nil when
// they overlap or are out of order.
func rowColumns(lines []lline, full []int, width int) []xr {
	cols := make([]xr, width)
	for c := range cols {
		cols[c] = xr{1e18, -1e18}
	}
	for _, k := range full {
		c := 0
		for _, ch := range lines[k].chunks {
			if ch.val {
				cols[c].x0, cols[c].x1 = min(cols[c].x0, ch.x0), max(cols[c].x1, ch.x1)
				c++
			}
		}
	}
	if !ordered(cols) {
		return nil
	}
	return cols
}

// ordered: the ranges are left to right with a gap between each two.
func ordered(cols []xr) bool {
	for c := 1; c < len(cols); c++ {
		if cols[c].x0 <= cols[c-1].x1 {
			return false
		}
	}
	return len(cols) > 1
}

// headerColumns groups the header words into width columns. Narrowest first, a word joins
// the group of words it overlaps or touches (the lines of a wrapped header do not always
// start at the same x: "总" over "计" may stand side by side), starts a group when it meets
// none, and is left out when it meets two: it spans columns (申请人情况, 行政复议). Nil when
// the groups end up touching.
func headerColumns(words []xr) []xr {
	if len(words) == 0 {
		return nil
	}
	ws := append([]xr(nil), words...)
	sort.SliceStable(ws, func(i, j int) bool {
		wi, wj := ws[i].x1-ws[i].x0, ws[j].x1-ws[j].x0
		if wi != wj {
			return wi < wj
		}
		return ws[i].x0 < ws[j].x0
	})
	join := func(a, b xr) bool { return a.x0 <= b.x1+1.5 && b.x0 <= a.x1+1.5 }
	var cols []xr
	for _, w := range ws {
		at, n := -1, 0
		for c := range cols {
			if join(cols[c], w) {
				at, n = c, n+1
			}
		}
		switch n {
		case 0:
			cols = append(cols, w)
		case 1:
			cols[at].x0, cols[at].x1 = min(cols[at].x0, w.x0), max(cols[at].x1, w.x1)
		}
	}
	sort.Slice(cols, func(i, j int) bool { return cols[i].x0 < cols[j].x0 })
	if len(cols) > 1 && !ordered(cols) {
		return nil
	}
	for c := 1; c < len(cols); c++ {
		if join(cols[c-1], cols[c]) {
			return nil
		}
	}
	return cols
}

// placeRow puts each number of the line in the column whose range, widened halfway to its
// neighbours (a lone column by half its width), holds its centre at least a point from the edges; nil unless every number
// lands in a column, each in a later column than the one before.
func placeRow(l *lline, cols []xr) []int {
	n := len(cols)
	bound := make([]float64, n+1)
	if n == 1 {
		pad := (cols[0].x1 - cols[0].x0) / 2
		bound[0], bound[1] = cols[0].x0-pad, cols[0].x1+pad
	} else {
		for c := 1; c < n; c++ {
			bound[c] = (cols[c-1].x1 + cols[c].x0) / 2
		}
		bound[0] = cols[0].x0 - (bound[1] - cols[0].x1)
		bound[n] = cols[n-1].x1 + (cols[n-1].x0 - bound[n-1])
	}
	const margin = 1.0
	var assign []int
	last := -1
	for _, ch := range l.chunks {
		if !ch.val {
			continue
		}
		x := ch.centre2()
		col := -1
		for c := range n {
			if x >= bound[c]+margin && x <= bound[c+1]-margin {
				col = c
				break
			}
		}
		if col <= last {
			return nil
		}
		assign = append(assign, col)
		last = col
	}
	if len(assign) == 0 {
		return nil
	}
	return assign
}

// wrappedLabel: the row label of line k that starts a cell ("1.申请人无正当理由逾期不"),
// continued by the label text standing in the same columns on the next two lines without
// numbers, up to one that starts a cell ("补正、行政机关不再处理其", "政府信息公开申请"); ""
// for a label that does not start with an enumerator.
func (p *parser) wrappedLabel(lines []lline, k int, last string) string {
	if !enumerated(last) {
		return ""
	}
	var at lchunk
	for _, c := range lines[k].chunks {
		if !c.val && !c.empty {
			at = c
		}
	}
	if !at.placed {
		return ""
	}
	out := norm(last)
	for j := k + 1; j < len(lines) && j <= k+2; j++ {
		if lines[j].nval > 0 {
			break
		}
		next := ""
		for _, c := range lines[j].chunks {
			if c.placed && c.x0 < at.x1 && at.x0 < c.x1 {
				next = c.text
			}
		}
		if next == "" {
			continue // a group label beside it
		}
		if enumerated(next) {
			break
		}
		out += norm(next)
	}
	return out
}

// numbersBelow reports whether the label of line k, a line without numbers, may own numbers
// printed on another line: its numbers stand beside the second, third or fourth line of a
// wrapped label, or beside a group label a line above or below it. Among the next three
// lines with text in the label's columns (and the lines of other labels between them: a
// group label wrapped beside it), a line with numbers comes before a line that starts a row
// (the label in the row label's columns starts with an enumerator, or names a row of table 2)
// or holds header words; or the line above has numbers and no label in those columns. Unsure
// (no position), it says yes.
func (p *parser) numbersBelow(lines []lline, k int, labelRight float64) bool {
	var at lchunk
	for _, c := range lines[k].chunks {
		if !c.val && !c.empty {
			at = c
		}
	}
	if !at.placed {
		return true
	}
	// own: the label of line j in the row label's columns
	own := func(j int) (string, bool) {
		for _, c := range lines[j].chunks {
			if !c.val && !c.empty && c.placed && c.x0 < at.x1 && at.x0 < c.x1 {
				return c.text, true
			}
		}
		return "", false
	}
	if k > 0 && lines[k-1].nval > 0 && lines[k].idx-lines[k-1].idx <= 2 {
		if _, ok := own(k - 1); !ok {
			return true
		}
	}
	// the next three lines with text in the label's columns, and the lines between them
	// (a group label's lines interleave with a long label's, up to six lines in all)
	seen := 0
	for j := k + 1; j < len(lines) && j <= k+6 && seen < 3; j++ {
		l := &lines[j]
		t, ok := own(j)
		if ok && (enumerated(t) || p.t2Row(l)) {
			return false
		}
		if l.nval > 0 {
			return true
		}
		for _, w := range l.boxes {
			if w.centre() > labelRight {
				return false
			}
		}
		if ok {
			seen++
		}
	}
	return false
}

// blankTable4: a region without numbers and without row labels whose header words fall into
// table 4's 15 columns prints table 4 with every cell blank: its last header line gets the 15
// empty cells (the walk reads the empty cells after the header as the values).
func (p *parser) blankTable4(lines []lline, decided []bool) {
	var words [][]xr
	last := -1
	for k := range lines {
		if len(lines[k].boxes) > 0 {
			words = append(words, lines[k].boxes)
			last = k
		}
	}
	cols := wordColumns(words, map[int]bool{15: true})
	if cols == nil || last < 0 {
		return
	}
	for _, w := range lines[last].boxes {
		if w.x0 < cols[0].x0-1 || w.x1 > cols[14].x1+1 {
			return // not a header line under the columns
		}
	}
	fillRow(&lines[last], nil, nil, 15, func(c int) lchunk {
		return lchunk{empty: true, col0: -1, col1: -1, placed: true, x0: cols[c].x0, x1: cols[c].x1}
	})
	decided[last] = true
}

// wordColumns groups header words (per line, left to right) into columns (headerColumns), a
// number of columns widths allows: from the words as they are, else with the words of each line
// that stand less than 4 points apart joined (joinSpaced). Nil when neither gives one.
// Letter-spaced characters of one cell ("未 审") and two cells whose texts fill them (LibreOffice
// sets "本年新制作数量" and "本年新公开数量" 4 points apart) look alike on one line; the
// columns the header must have tell them apart.
func wordColumns(lines [][]xr, widths map[int]bool) []xr {
	var words []xr
	for _, l := range lines {
		words = append(words, l...)
	}
	if cols := headerColumns(words); widths[len(cols)] {
		return cols
	}
	words = words[:0]
	for _, l := range lines {
		words = append(words, joinSpaced(l)...)
	}
	if cols := headerColumns(words); widths[len(cols)] {
		return cols
	}
	return nil
}

// joinSpaced joins the words of a line (left to right) that stand less than 4 points apart:
// the characters of one cell's text set letter-spaced ("未 审", "业 企业"), not two cells.
func joinSpaced(ws []xr) []xr {
	out := make([]xr, 0, len(ws))
	for _, w := range ws {
		if n := len(out); n > 0 && w.x0 >= out[n-1].x1 && w.x0-out[n-1].x1 < 4 {
			out[n-1].x1 = max(out[n-1].x1, w.x1)
			continue
		}
		out = append(out, w)
	}
	return out
}

// valueLeft is the left edge of the leftmost placed number of the region; ok is false when no
// number has a position.
func valueLeft(lines []lline) (x float64, ok bool) {
	x = 1e18
	for k := range lines {
		if len(lines[k].chunks) == 1 && lines[k].nval == 1 {
			continue // a lone number: a stray enumerator digit or a note, not a column
		}
		for _, ch := range lines[k].chunks {
			if ch.val && ch.placed {
				x = min(x, ch.x0)
			}
		}
	}
	return x, x < 1e18
}

// joinEnumerators puts back the number of an enumerator that pdftotext printed on a line of
// its own: when the digits come from another font than the "．" after them, their boxes have
// different heights and -layout may set "5" a line below or above ".要求行政机关确". A line
// whose only text is a number of one or two digits that ends where a text of the line above
// or below starting with "." "、" or "," begins is that text's enumerator.
func joinEnumerators(lines []lline) {
	for k := range lines {
		l := &lines[k]
		if len(l.chunks) != 1 || !l.chunks[0].val || !l.chunks[0].placed {
			continue
		}
		n := l.chunks[0]
		if len(n.text) > 2 || strings.Trim(n.text, "0123456789") != "" {
			continue
		}
		for _, j := range []int{k - 1, k + 1} {
			if j < 0 || j >= len(lines) || abs(lines[j].idx-l.idx) != 1 {
				continue
			}
			done := false
			for c := range lines[j].chunks {
				ch := &lines[j].chunks[c]
				if ch.val || !ch.placed || absf(ch.x0-n.x1) > 1 ||
					!strings.HasPrefix(ch.text, ".") && !strings.HasPrefix(ch.text, "、") && !strings.HasPrefix(ch.text, ",") {
					continue
				}
				ch.text = n.text + ch.text
				ch.x0 = n.x0
				if len(ch.words) > 0 {
					ch.words = append([]decode.Word(nil), ch.words...)
					ch.words[0].Text = n.text + ch.words[0].Text
					ch.words[0].X0 = n.x0
				}
				done = true
				break
			}
			if done {
				l.chunks, l.nval = nil, 0
				break
			}
		}
	}
}

// headerLines marks the header lines of a region: lines without numbers with a word whose
// centre stands over the value columns (本年制发件数, 自 / 然人, 第二十条第（五）项). How close a header
// line stands to the rows, and whether pdftotext leaves a blank line between them, depends on
// the font's ascent and descent and the cell padding, never on what the text is: layoutTokens
// uses these marks, not the blank lines, to keep header words and row labels apart. In a
// table that prints no number, the value columns begin where the row labels end. Nil when
// neither is known.
func headerLines(lines []lline) []bool {
	left, ok := valueLeft(lines)
	if !ok {
		if left, ok = labelsRight(lines); !ok {
			return nil
		}
	}
	out := make([]bool, len(lines))
	for k := range lines {
		if lines[k].nval > 0 {
			continue
		}
		for _, ch := range lines[k].chunks {
			if !ch.val && !ch.empty && ch.placed && ch.centre2() >= left {
				out[k] = true
				break
			}
		}
	}
	return out
}

// labelsRight is where the row labels end (they start with an enumerator) in a table that
// prints no number: the value columns begin there.
func labelsRight(lines []lline) (x float64, ok bool) {
	x = -1e18
	for k := range lines {
		for _, ch := range lines[k].chunks {
			if !ch.val && ch.placed && enumerated(ch.text) {
				x, ok = max(x, ch.x1), true
			}
		}
	}
	return x, ok
}

// splitAtColumns cuts the text chunks of the row-label columns where a cell boundary runs
// between two of their words: pdftotext separates two cells by a single space when they stand
// close (a centred group label beside a row label: "他处理 补正、行政机关不再处理其"), and
// normalisation drops a single space between Chinese characters, so the layout text runs them
// together. A boundary is a gap between the words where a text word of a line at most two
// lines above or below starts or ends ("（六）其" ends there, "1.申请人…" starts there): the
// edges of cells, whatever the font's character widths.
func splitAtColumns(lines []lline) {
	left, ok := valueLeft(lines)
	if !ok {
		if left, ok = labelsRight(lines); !ok {
			return
		}
	}
	for k := range lines {
		l := &lines[k]
		var out []lchunk
		changed := false
		for _, ch := range l.chunks {
			if ch.val || !ch.placed || len(ch.words) < 2 || ch.x1 > left+1 {
				out = append(out, ch)
				continue
			}
			from := 0
			col := ch.col0
			for i := 1; i <= len(ch.words); i++ {
				// centred text in a cell does not end at one x: allow half a character
				w := ch.words[i-1]
				tol := (w.X1 - w.X0) / float64(max(1, utf8.RuneCountInString(w.Text))) / 2
				if i < len(ch.words) && !cellEdgeBetween(lines, k, w.X1-tol, ch.words[i].X0+tol) {
					continue
				}
				part := ch
				part.words = ch.words[from:i]
				var b strings.Builder
				for _, w := range part.words {
					b.WriteString(w.Text)
				}
				part.text = b.String()
				part.x0, part.x1 = part.words[0].X0, part.words[len(part.words)-1].X1
				part.col0 = col
				part.col1 = col + len([]rune(part.text))
				if i == len(ch.words) {
					part.col1 = max(part.col1, ch.col1)
				} else {
					changed = true
				}
				col = part.col1
				out = append(out, part)
				from = i
			}
		}
		if changed {
			l.chunks = out
		}
	}
}

// cellEdgeBetween reports whether a text word of a line near line k (two lines up or down)
// (or one of its words) has an edge within the gap [g0, g1] between two words of line k.
func cellEdgeBetween(lines []lline, k int, g0, g1 float64) bool {
	if g1 < g0 {
		return false
	}
	for j := max(0, k-2); j <= min(len(lines)-1, k+2); j++ {
		if j == k {
			continue
		}
		for _, o := range lines[j].chunks {
			if o.val || o.empty || !o.placed {
				continue
			}
			edges := []float64{o.x0, o.x1}
			for _, w := range o.words {
				edges = append(edges, w.X0, w.X1)
			}
			for _, x := range edges {
				if x >= g0 && x <= g1 {
					return true
				}
			}
		}
	}
	return false
}

// t2Label reports whether a chunk names a row of table 2 ("规章", "行政规范性文件"): such text
// starts a cell, it never continues the text above it (信息内容).
func (p *parser) t2Label(text string) bool {
	n := norm(text)
	if n == "" {
		return false
	}
	for _, items := range p.c.t2 {
		for i := range items {
			for _, m := range items[i].label.Match {
				if at := strings.Index(n, m); at >= 0 && at <= len("行政") {
					return true
				}
			}
		}
	}
	return false
}
