package decode

import (
	"fmt"

	"golang.org/x/net/html/atom"
)

// table is an open <table> of the page.
//
// While it streams, its cells are written to home as a layout table would be (a line per
// row, each cell's content as blocks), a caption to capBuf and whatever the page puts
// between its rows to foster (browsers show that before the table). When it ends (tableEnd)
// a layout table keeps what was written; a data table takes it back and writes its caption
// and its grid, built from the cells' flat text (flatText).
type table struct {
	elem   int32 // stack index of the <table>
	home   *textBuf
	start  bufMark // home when the table began
	render bool    // the table is shown
	layout bool    // known to be a layout table

	section, row, cell, caption int32 // stack indexes of the open parts, or -1
	cellSize                    int   // x.textSize when the open cell began
	nrows                       int
	cells                       []cellRec

	capBuf     *textBuf // the last caption
	capCtx     int
	flatStart  int    // len(x.flat) when the table began
	fosterFlat []byte // flat text of what is shown before the table
	capSeen    bool
	foster     *textBuf
	fosterCtx  int
}

// cellRec is a cell of a table: its flat text x.flat[a:b] and its spans as written; col and
// cs are its place on the grid once built (col -1: joined to another cell or dropped).
type cellRec struct {
	row              int32
	a, b             int32
	colspan, rowspan int32
	col, cs          int32
	next             int32 // a cell whose text joins this one's (a row wider than the grid), or -1
}

// Results of a table rule.
const (
	done  = iota // the tag was handled
	again        // something was closed: apply the rules again
	body         // apply the body's rules (inside a cell or caption, or shown before the table)
)

// Where content goes inside the innermost table.
const (
	mTable = iota
	mSection
	mRow
	mCell
	mCaption
)

func (t *table) mode() int {
	switch {
	case t.caption >= 0:
		return mCaption
	case t.cell >= 0:
		return mCell
	case t.row >= 0:
		return mRow
	case t.section >= 0:
		return mSection
	}
	return mTable
}

func (x *extractor) innermost() *table {
	if n := len(x.tables); n > 0 {
		return x.tables[n-1]
	}
	return nil
}

func (x *extractor) getBuf() *textBuf {
	if n := len(x.freeBufs); n > 0 {
		b := x.freeBufs[n-1]
		x.freeBufs = x.freeBufs[:n-1]
		return b
	}
	return new(textBuf)
}

func (x *extractor) putBuf(b *textBuf) {
	if b != nil {
		x.freeBufs = append(x.freeBufs, b)
	}
}

// lineContext returns the last two bytes of b[:n], with a line end added when lineEnd is set
// (the text that a buffer continuing b at n sees before it).
func lineContext(b []byte, n int, lineEnd bool, dst []byte) []byte {
	dst = append(dst[:0], b[max(0, n-2):n]...)
	if lineEnd && len(dst) > 0 && dst[len(dst)-1] != '\n' {
		dst = append(dst, '\n')
		dst = dst[len(dst)-min(2, len(dst)):]
	}
	return dst
}

// setCur points x.cur at the buffer content goes to now.
func (x *extractor) setCur() {
	t := x.innermost()
	if t == nil {
		x.cur = &x.main
		return
	}
	switch t.mode() {
	case mCaption:
		x.cur = t.capBuf
	case mCell:
		x.cur = t.home
	default:
		if t.foster == nil {
			t.foster = x.getBuf()
			var ctx [3]byte
			c := lineContext(t.home.b, t.start.n, false, ctx[:0])
			t.foster.reset(c, t.start.space)
			t.fosterCtx = len(c)
		}
		x.cur = t.foster
	}
}

// tableStartTag opens a table (the body's rules for <table>).
func (x *extractor) tableStartTag(tag *tagTok) {
	x.keptUpTo = len(x.chrome) // a table is report content
	x.tablesSeen++
	if len(x.tables) >= maxTables {
		e := x.push(tag)
		e.flags |= fPlain
		x.plainAt = len(x.stack)
		x.plainText(spaceB)
		return
	}
	var t *table
	if n := len(x.freeTabs); n > 0 {
		t = x.freeTabs[n-1]
		x.freeTabs = x.freeTabs[:n-1]
		*t = table{cells: t.cells[:0], fosterFlat: t.fosterFlat[:0]}
	} else {
		t = &table{}
	}
	t.home = x.cur
	t.start = x.cur.mark()
	t.render = x.rendering()
	t.section, t.row, t.cell, t.caption = -1, -1, -1, -1
	t.elem = int32(len(x.stack))
	t.flatStart = len(x.flat)
	x.push(tag)
	x.tables = append(x.tables, t)
	x.setCur()
}

var spaceB = []byte(" ")

// tableStart applies the table rules to a start tag met while t is the innermost table.
func (x *extractor) tableStart(t *table, tag *tagTok) int {
	switch t.mode() {
	case mCell:
		if tableStructure(tag.a) {
			x.popTo(int(t.cell))
			return again
		}
		return body
	case mCaption:
		if tableStructure(tag.a) && tag.a != atom.Th { // as x/net/html does
			x.popTo(int(t.caption))
			return again
		}
		return body
	case mRow:
		switch tag.a {
		case atom.Td, atom.Th:
			x.popTo(int(t.row) + 1)
			x.cellStart(t, tag)
			return done
		case atom.Caption, atom.Col, atom.Colgroup, atom.Tbody, atom.Tfoot, atom.Thead, atom.Tr:
			x.popTo(int(t.row))
			return again
		}
	case mSection:
		switch tag.a {
		case atom.Tr:
			x.popTo(int(t.section) + 1)
			x.rowStart(t, tag)
			return done
		case atom.Td, atom.Th:
			x.popTo(int(t.section) + 1)
			x.rowStart(t, &tagTok{a: atom.Tr, info: tagInfoOf(atom.Tr)})
			return again
		case atom.Caption, atom.Col, atom.Colgroup, atom.Tbody, atom.Tfoot, atom.Thead:
			x.popTo(int(t.section))
			return again
		}
	}
	switch tag.a {
	case atom.Caption:
		x.popTo(int(t.elem) + 1)
		x.captionStart(t, tag)
		return done
	case atom.Colgroup, atom.Col:
		x.popTo(int(t.elem) + 1)
		return done
	case atom.Tbody, atom.Tfoot, atom.Thead:
		x.popTo(int(t.elem) + 1)
		t.section = int32(len(x.stack))
		x.push(tag)
		return done
	case atom.Td, atom.Th, atom.Tr:
		x.popTo(int(t.elem) + 1)
		t.section = int32(len(x.stack))
		x.push(&tagTok{a: atom.Tbody, info: tagInfoOf(atom.Tbody)})
		return again
	case atom.Table:
		x.popTo(int(t.elem))
		return again
	case atom.Input:
		return done
	case atom.Form:
		// a form inside a table holds nothing; inside an element shown before the table it
		// is an empty form there
		if !x.formOpen {
			x.formOpen = true
			if !isTablePart(x.top().a) {
				x.push(tag)
				x.pop()
			}
			x.formIdx = -1
		}
		return done
	}
	return body // script, style, template; anything else is shown before the table
}

func tableStructure(a atom.Atom) bool {
	switch a {
	case atom.Caption, atom.Col, atom.Colgroup, atom.Tbody, atom.Td, atom.Tfoot, atom.Th, atom.Thead, atom.Tr:
		return true
	}
	return false
}

// tableEnd1 applies the table rules to an end tag met while t is the innermost table.
func (x *extractor) tableEnd1(t *table, tag *tagTok) int {
	a := tag.a
	switch t.mode() {
	case mCell:
		switch a {
		case atom.Td, atom.Th:
			if x.stack[t.cell].a == a {
				x.popTo(int(t.cell))
			}
			return done
		case atom.Body, atom.Caption, atom.Col, atom.Colgroup, atom.Html:
			return done
		case atom.Table, atom.Tbody, atom.Tfoot, atom.Thead, atom.Tr:
			if x.tableHas(t, a) {
				x.popTo(int(t.cell))
				return again
			}
			return done
		}
		return body
	case mCaption:
		switch a {
		case atom.Caption:
			x.popTo(int(t.caption))
			return done
		case atom.Table:
			x.popTo(int(t.caption))
			return again
		case atom.Body, atom.Col, atom.Colgroup, atom.Html, atom.Tbody, atom.Td, atom.Tfoot, atom.Th, atom.Thead, atom.Tr:
			return done
		}
		return body
	case mRow:
		switch a {
		case atom.Tr:
			x.popTo(int(t.row))
			return done
		case atom.Table:
			x.popTo(int(t.row))
			return again
		case atom.Tbody, atom.Tfoot, atom.Thead:
			if x.tableHas(t, a) {
				x.popTo(int(t.row))
				return again
			}
			return done
		case atom.Body, atom.Caption, atom.Col, atom.Colgroup, atom.Html, atom.Td, atom.Th:
			return done
		}
	case mSection:
		switch a {
		case atom.Tbody, atom.Tfoot, atom.Thead:
			if x.tableHas(t, a) {
				x.popTo(int(t.section))
			}
			return done
		case atom.Table:
			x.popTo(int(t.section))
			return again
		case atom.Body, atom.Caption, atom.Col, atom.Colgroup, atom.Html, atom.Td, atom.Th, atom.Tr:
			return done
		}
	}
	switch a {
	case atom.Table:
		x.popTo(int(t.elem))
		return done
	case atom.Body, atom.Caption, atom.Col, atom.Colgroup, atom.Html, atom.Tbody, atom.Td, atom.Tfoot, atom.Th, atom.Thead, atom.Tr:
		return done
	}
	return body
}

// tableHas says whether the part a of t is open (an element in table scope).
func (x *extractor) tableHas(t *table, a atom.Atom) bool {
	switch a {
	case atom.Table:
		return true
	case atom.Tr:
		return t.row >= 0
	}
	return t.section >= 0 && x.stack[t.section].a == a
}

func (x *extractor) rowStart(t *table, tag *tagTok) {
	if t.render {
		t.home.newline()
	}
	t.row = int32(len(x.stack))
	x.push(tag)
	t.nrows++
	if t.nrows == layoutInnerRows { // tables around it whose cell holds it lay out the page
		for _, o := range x.tables[:len(x.tables)-1] {
			if o.cell >= 0 {
				o.layout = true
			}
		}
	}
}

func (x *extractor) cellStart(t *table, tag *tagTok) {
	if t.render {
		t.home.newline()
	}
	t.cell = int32(len(x.stack))
	t.cellSize = x.textSize
	x.setCur()
	x.push(tag)
	x.afe = append(x.afe, afeEntry{marker: true, idx: -1})
	cs, rs := tag.colspan, tag.rowspan
	if cs < 0 {
		cs = 1
	}
	if rs < 0 {
		rs = 1
	}
	t.cells = append(t.cells, cellRec{row: int32(t.nrows - 1), a: int32(len(x.flat)), b: int32(len(x.flat)),
		colspan: int32(min(cs, 1<<30)), rowspan: int32(min(rs, 1<<30)), next: -1})
}

// cellEnd is called when the open cell of t has closed.
func (x *extractor) cellEnd(t *table) {
	t.cells[len(t.cells)-1].b = int32(len(x.flat))
	t.cell = -1
	x.afeClear()
	if t.render {
		t.home.newline()
	}
	x.setCur()
}

func (x *extractor) captionStart(t *table, tag *tagTok) {
	if t.capBuf == nil {
		t.capBuf = x.getBuf()
	}
	var ctx [3]byte
	c := lineContext(t.home.b, t.start.n, true, ctx[:0])
	t.capBuf.reset(c, false)
	t.capCtx = len(c)
	t.capSeen = true
	t.caption = int32(len(x.stack))
	x.push(tag)
	x.afe = append(x.afe, afeEntry{marker: true, idx: -1})
	x.setCur()
}

// tablePop is called when the element at idx, inside t, closes.
func (x *extractor) tablePop(t *table, idx int32) {
	switch idx {
	case t.row:
		t.row = -1
	case t.section:
		t.section = -1
	case t.caption:
		t.capBuf.newline()
		t.caption = -1
		x.afeClear()
		x.setCur()
	}
}

// tableEnd writes t, which has just closed, to its home buffer.
func (x *extractor) tableEnd(t *table) {
	x.tables = x.tables[:len(x.tables)-1]
	home := t.home
	foster := t.foster != nil && (len(t.foster.b) > t.fosterCtx || t.foster.images > 0 || t.foster.title != "")
	switch {
	case !t.render:
	case t.layout:
		if foster {
			rows := x.getBuf()
			rows.b = append(rows.b[:0], home.b[t.start.n:]...)
			rows.grid = rows.grid[:0]
			for _, g := range home.grid[t.start.grid:] {
				rows.grid = append(rows.grid, gridLine{off: g.off - t.start.n, spans: g.spans})
			}
			rows.images, rows.tables, rows.title = home.images-t.start.images, home.tables-t.start.tables, ""
			if t.start.title == "" {
				rows.title = home.title
			}
			rows.space = home.space
			home.restore(t.start)
			home.join(t.foster, t.fosterCtx)
			// the rows began with line ends for the text before the table: write them again
			// for the text now before them (a blank line before a grid, else a line end)
			skip := 0
			for skip < len(rows.b) && rows.b[skip] == '\n' {
				skip++
			}
			if len(rows.grid) > 0 && rows.grid[0].off == skip {
				home.blank()
			} else {
				home.newline()
			}
			home.join(rows, skip)
			x.putBuf(rows)
		}
		home.newline()
	default:
		home.restore(t.start)
		if foster {
			home.join(t.foster, t.fosterCtx)
		}
		if t.capSeen {
			home.newline()
			home.join(t.capBuf, t.capCtx)
		}
		x.writeGrid(t, home)
	}
	if len(t.fosterFlat) > 0 && x.flatOn() {
		// the flat text of a cell around the table reads what is shown before it first
		n := len(t.fosterFlat)
		x.flat = append(x.flat, t.fosterFlat...)
		copy(x.flat[t.flatStart+n:], x.flat[t.flatStart:len(x.flat)-n])
		copy(x.flat[t.flatStart:], t.fosterFlat)
	}
	x.putBuf(t.foster)
	x.putBuf(t.capBuf)
	t.foster, t.capBuf = nil, nil
	clear(t.cells)
	x.freeTabs = append(x.freeTabs, t)
	x.setCur()
}

// writeGrid writes the rows of data table t to home as grid lines "| a | b |", one slot per
// grid column, honouring rowspan and colspan: a cell's text goes to its top-left slot, the
// other slots it covers stay empty, and each line's span layout goes to home.grid.
func (x *extractor) writeGrid(t *table, home *textBuf) {
	width := x.placeCells(t)
	if width == 0 {
		home.space = true
		return
	}
	rows := t.nrows
	if rows*width > maxSlots-x.slots {
		x.note(fmt.Sprintf("表格过大（%d 行 × %d 列），按文字读取，未还原表格", rows, width))
		x.writeTableText(t, home)
		return
	}
	x.slots += rows * width
	home.tables++
	home.blank()
	spans := make([]uint16, rows*width)
	var until [maxGridCols]int32 // per column: the row below the cells placed so far
	k := 0
	for r := range rows {
		line := spans[r*width : (r+1)*width : (r+1)*width]
		for c := range line {
			if until[c] > int32(r) {
				line[c] = 0 // covered from a row above
			} else {
				line[c] = 1
			}
		}
		row := k
		for k < len(t.cells) && t.cells[k].row == int32(r) {
			c := &t.cells[k]
			if c.col >= 0 {
				for j := c.col; j < c.col+c.cs; j++ {
					until[j] = max(until[j], int32(r)+c.rowspan)
					line[j] = 0
				}
				line[c.col] = uint16(c.cs)
			}
			k++
		}
		home.grid = append(home.grid, gridLine{off: len(home.b), spans: line})
		home.b = append(home.b, '|')
		j := row
		for c := range width {
			home.b = append(home.b, ' ')
			for j < k && (t.cells[j].col < 0 || int(t.cells[j].col) < c) {
				j++
			}
			if j < k && int(t.cells[j].col) == c {
				home.b = x.appendCellText(home.b, t, int32(j))
			}
			home.b = append(home.b, " |"...)
		}
		home.b = append(home.b, '\n')
	}
	home.blank()
}

// placeCells gives every cell of t its grid column and returns the grid's width (0 when
// the table has no cell). A cell that finds no free column left joins the last cell that
// begins in its row; with none it is dropped and noted.
func (x *extractor) placeCells(t *table) int {
	var until [maxGridCols]int32
	width := 0
	marks := 0
	k := 0
	for r := 0; r < t.nrows && k < len(t.cells); r++ {
		col := int32(0)
		host := int32(-1)
		tail := int32(-1)
		for ; k < len(t.cells) && t.cells[k].row == int32(r); k++ {
			c := &t.cells[k]
			for col < maxGridCols && until[col] > int32(r) {
				col++
			}
			if col >= maxGridCols {
				c.col = -1
				if host < 0 {
					x.note("表格超过 256 列，多出的单元格未读")
					continue
				}
				t.cells[tail].next = int32(k)
				tail = int32(k)
				continue
			}
			cs, rs := int(c.colspan), int(c.rowspan)
			if cs < 1 {
				cs = 1
			}
			if rs < 1 { // rowspan="0": to the end of the table
				rs = t.nrows - r
			}
			cs = min(cs, maxColspan, maxGridCols-int(col))
			rs = min(rs, maxRowspan, t.nrows-r)
			if marks += cs * rs; marks > maxMarks {
				cs, rs = 1, 1
			}
			c.col, c.cs, c.rowspan = col, int32(cs), int32(rs)
			for j := col; j < col+int32(cs); j++ {
				until[j] = max(until[j], int32(r+rs))
			}
			host, tail = int32(k), int32(k)
			col += int32(cs)
			width = max(width, int(col))
		}
	}
	return width
}

// appendCellText appends the clean text of cell i and of the cells joined to it.
func (x *extractor) appendCellText(b []byte, t *table, i int32) []byte {
	first := true
	for ; i >= 0; i = t.cells[i].next {
		c := &t.cells[i]
		n := len(b)
		if !first {
			b = append(b, ' ')
		}
		m := len(b)
		if b = appendCell(b, x.flat[c.a:c.b]); len(b) == m {
			b = b[:n] // empty
			continue
		}
		first = false
	}
	return b
}

// writeTableText writes a table too large for a grid as one line of text per row.
func (x *extractor) writeTableText(t *table, home *textBuf) {
	home.blank()
	k := 0
	for r := 0; r < t.nrows; r++ {
		n := len(home.b)
		for ; k < len(t.cells) && t.cells[k].row == int32(r); k++ {
			if t.cells[k].col < 0 {
				continue
			}
			if len(home.b) > n {
				home.b = append(home.b, ' ')
			}
			m := len(home.b)
			home.b = x.appendCellText(home.b, t, int32(k))
			if len(home.b) == m && m > n {
				home.b = home.b[:m-1]
			}
		}
		home.newline()
	}
	home.blank()
}
