package parse

import (
	"sort"
	"strings"
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
			}
			// a number needs its own box; a label or header chunk takes what is known
			if some && (all || !ch.val) {
				ch.x0, ch.x1, ch.placed = x0, x1, true
			}
		}
		if !ok || j != len(ws) {
			for c := range l.chunks {
				l.chunks[c].placed = false
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

// pointBlanks gives back the empty cells of the rows of fewer than width numbers whose
// numbers all have positions (see the comment at the top). It reports, per line, whether
// the line's numbers were placed (so that the character-column fallback leaves it alone).
func (p *parser) pointBlanks(lines []lline, width int) []bool {
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
	if valueLeft == 1e18 {
		return decided
	}
	labelRight := valueLeft - 15
	for k := range lines {
		for _, w := range lines[k].boxes {
			if w.x1 <= valueLeft+1 {
				labelRight = max(labelRight, w.x1)
			}
		}
	}
	// blocks: runs of value lines under the same header words
	type block struct {
		header []xr
		rows   []int // value lines
	}
	var blocks []*block
	cur := &block{}
	for k := range lines {
		l := &lines[k]
		if l.nval == 0 {
			var hs []xr
			for _, w := range l.boxes {
				if w.centre() > labelRight {
					hs = append(hs, w)
				}
			}
			if len(hs) > 0 {
				if len(cur.rows) > 0 {
					blocks = append(blocks, cur)
					cur = &block{}
				}
				cur.header = append(cur.header, hs...)
			}
			continue
		}
		cur.rows = append(cur.rows, k)
	}
	if len(cur.rows) > 0 {
		blocks = append(blocks, cur)
	}
	for _, b := range blocks {
		short := false
		var full []int
		for _, k := range b.rows {
			l := &lines[k]
			if !l.valuesPlaced() {
				continue
			}
			switch {
			case l.nval == width:
				full = append(full, k)
			case l.nval < width:
				short = true
			}
		}
		if !short {
			continue
		}
		var cols []xr
		if len(full) >= 2 {
			cols = rowColumns(lines, full, width)
		} else {
			cols = headerColumns(b.header, width)
			// a complete row must read in these columns
			if cols != nil && len(full) == 1 {
				if a := placeRow(&lines[full[0]], cols); a == nil {
					cols = nil
				}
			}
		}
		if cols == nil {
			continue
		}
		for _, k := range b.rows {
			l := &lines[k]
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
			fillRow(l, vals, assign, width, func(c int) lchunk {
				return lchunk{empty: true, col0: -1, col1: -1, placed: true, x0: cols[c].x0, x1: cols[c].x1}
			})
		}
	}
	return decided
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
// none, and is left out when it meets two: it spans columns (申请人情况, 行政复议). Nil unless
// exactly width groups, apart from each other, result.
func headerColumns(words []xr, width int) []xr {
	if len(words) < width {
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
	if len(cols) != width || !ordered(cols) {
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
// neighbours, holds its centre at least a point from the edges; nil unless every number
// lands in a column, each in a later column than the one before.
func placeRow(l *lline, cols []xr) []int {
	n := len(cols)
	bound := make([]float64, n+1)
	for c := 1; c < n; c++ {
		bound[c] = (cols[c-1].x1 + cols[c].x0) / 2
	}
	bound[0] = cols[0].x0 - (bound[1] - cols[0].x1)
	bound[n] = cols[n-1].x1 + (cols[n-1].x0 - bound[n-1])
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
