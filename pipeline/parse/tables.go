package parse

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"xxgk/schemas"
)

// walk is a label-driven pass over the cell tokens of one table region.
type walk struct {
	p     *parser
	toks  []tok
	grid  bool
	table string
	stop  []string // words that end a label run (table 2 block headers)
	// leading: extra empty slots of a row are first taken to be covered label cells before
	// the values (markdown/HTML grids, one slot per grid column); otherwise filler after them
	// (rows shape pads its lines with "||", stream shapes with "|").
	leading bool
	// positional: the rows and markdown shapes, whose tokens carry their slot in the row, so
	// that a header's layout places the values (grid.go).
	positional bool
	// scratch of place, reused row after row (fill consumes a placement before the next)
	sel    []int
	filled []bool
}

func newWalk(p *parser, toks []tok, sh Shape, table string) *walk {
	return &walk{p: p, toks: toks, grid: sh.grid(), table: table, positional: sh == ShapeRows || sh == ShapeMarkdown}
}

func (w *walk) nextNonEmpty(j, row int) int {
	for ; j < len(w.toks); j++ {
		t := &w.toks[j]
		if w.grid && t.row != row {
			return -1
		}
		if !t.empty {
			return j
		}
	}
	return -1
}

// valueLike: a token that takes a value slot: a number or dash, short text that looks like a
// (bad) number ("十二", "约20", "20余", "a1"), or digits and dashes run together ("0—0—1").
func valueLike(t *tok) bool {
	if t.empty {
		return false
	}
	if !t.likeKnown {
		t.like, t.likeKnown = t.valueOK() || numericLooking(t.text) || isRun(t.text), true
	}
	return t.like
}

// numericLooking reports whether short text is meant as a number: it is made of ASCII,
// Chinese numerals, units and words of approximation only ("十二", "约20", "20余", "a1").
func numericLooking(s string) bool {
	if s == "" || len(s) > 30 {
		return false
	}
	for _, r := range s {
		if r < utf8.RuneSelf || r >= '０' && r <= '９' {
			continue
		}
		if !strings.ContainsRune("零〇一二三四五六七八九十百千万两几约余多左右个件次条项元，．", r) {
			return false
		}
	}
	return true
}

// labelLike: text that may be a row label (not a sentence of prose stating numbers).
func labelLike(s string) bool {
	if len(s) > 300 || strings.Contains(s, "。") || strings.Contains(s, "；") {
		return false
	}
	for i := 0; i+1 < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			rest := s[i+1:]
			if rest[0] >= '0' && rest[0] <= '9' {
				return false
			}
			r, _ := utf8.DecodeRuneInString(rest)
			if strings.ContainsRune("件条个人次元万项", r) {
				return false
			}
		}
	}
	return true
}

// continuation: text after a label that continues it (a label split over lines or cells).
func (w *walk) continuation(t *tok) bool {
	if t.empty || valueLike(t) || !labelLike(t.text) {
		return false
	}
	if len(w.stop) > 0 && containsAny(t.normOf(), w.stop) {
		return false
	}
	return true
}

// collect gathers the value slots from j: empties and value-like tokens, up to the first
// other token (or the end of the row in grid shapes).
func (w *walk) collect(j, row int) ([]int, int) {
	var slots []int
	for ; j < len(w.toks); j++ {
		t := &w.toks[j]
		if w.grid && t.row != row {
			break
		}
		if t.spanned && t.cs == 0 {
			continue // span padding is no cell
		}
		if t.empty || valueLike(t) {
			slots = append(slots, j)
			continue
		}
		break
	}
	return slots, j
}

// single returns the one non-empty slot among idx, or -1.
func (w *walk) single(idx []int) int {
	k := -1
	for _, i := range idx {
		if !w.toks[i].empty {
			if k >= 0 {
				return -1
			}
			k = i
		}
	}
	return k
}

func (w *walk) allEmpty(idx []int) bool {
	for _, i := range idx {
		if !w.toks[i].empty {
			return false
		}
	}
	return true
}

func (w *walk) nonEmpty(idx []int) int {
	n := 0
	for _, i := range idx {
		if !w.toks[i].empty {
			n++
		}
	}
	return n
}

// align picks k slots out of the collected ones: the extra ones must be empty cells at the
// start (covered label cells of a grid) or at the end (filler). preferLeading says which to
// drop first when both would do.
func (w *walk) align(slots []int, k int, preferLeading bool) ([]int, bool) {
	n := len(slots)
	if n == k {
		return slots, true
	}
	if n < k {
		return nil, false
	}
	extra := n - k
	lead := w.allEmpty(slots[:extra])
	trail := w.allEmpty(slots[n-extra:])
	switch {
	case lead && (preferLeading || !trail):
		return slots[extra:], true
	case trail:
		return slots[:k], true
	}
	return nil, false
}

// column describes one value slot of a row.
type column struct {
	key     string
	name    string
	decimal bool
	signed  bool
	unit    string // the unit the header implies: "" count, "元", "万元"
}

var countCols3 = func() []column {
	out := make([]column, 0, 7)
	for _, c := range schemas.Labels().Table3.Columns {
		name := c.Label
		if c.Key == "other_org" {
			name = "法人或其他组织·其他"
		}
		out = append(out, column{key: c.Key, name: name})
	}
	return out
}()

// place chooses the slot of each of k columns among the collected slots of a row: -1 for a
// blank column that has no token of its own (a padded row's blank under a spanned header).
// In order: with spans, the header overlap (placeSpans); every column filled, the empty slots
// are padding; with a header layout, the padded reading (placePadded); else align. ok is
// false when the row cannot be placed with certainty.
func (w *walk) place(slots []int, k int, preferLeading bool, h *layout) ([]int, bool) {
	if h != nil && (len(slots) == 0 || w.rowWidth(slots[0]) != h.width) {
		h = nil // a row not on the header's grid
	}
	if h != nil && h.spanTo != nil {
		if cells, ok := w.spanCells(slots); ok {
			sel, ok := placeSpans(cells, &hdr{from: h.from, to: h.spanTo})
			if !ok {
				return nil, false
			}
			out := make([]int, k)
			for i, j := range sel {
				out[i] = slots[j]
			}
			return out, true
		}
	}
	if ne := w.nonEmpty(slots); ne == k {
		if len(slots) == k {
			return slots, true
		}
		out := w.sel[:0]
		for _, i := range slots {
			if !w.toks[i].empty {
				out = append(out, i)
			}
		}
		w.sel = out
		return out, true
	}
	if h != nil && w.positional {
		if ph := h.padded(); ph != nil {
			base := int(w.toks[slots[0]].slot)
			w.filled = append(w.filled[:0], make([]bool, len(slots))...)
			filled := w.filled
			contiguous := true
			for j, i := range slots {
				t := &w.toks[i]
				filled[j] = !t.empty
				if int(t.slot) != base+j {
					contiguous = false
				}
			}
			if contiguous {
				sel, ok := placePadded(filled, base, ph)
				if !ok {
					return nil, false
				}
				for i, j := range sel {
					if j >= 0 {
						sel[i] = slots[j]
					}
				}
				return sel, true
			}
		}
	}
	return w.align(slots, k, preferLeading)
}

// rowWidth is the number of tokens (slots) of the grid row token i belongs to.
func (w *walk) rowWidth(i int) int {
	row := w.toks[i].row
	a, b := i, i
	for a > 0 && w.toks[a-1].row == row {
		a--
	}
	for b+1 < len(w.toks) && w.toks[b+1].row == row {
		b++
	}
	return b - a + 1
}

// spanCells reads the slots of a row as cells with their spans; ok is false when a token has
// no span recorded.
func (w *walk) spanCells(slots []int) ([]spanCell, bool) {
	cells := make([]spanCell, len(slots))
	for j, i := range slots {
		t := &w.toks[i]
		if !t.spanned || t.cs == 0 {
			return nil, false
		}
		cells[j] = spanCell{from: int(t.slot), to: int(t.slot) + int(t.cs) - 1, filled: !t.empty}
	}
	return cells, true
}

// fill assigns the value slots of one row to its cells, or records why it cannot. h is the
// layout of the header over the row (nil when unknown).
func (w *walk) fill(g schemas.Grid, rowKey, rowName string, cols []column, slots []int, preferLeading bool, labelLine int, h *layout) {
	p := w.p
	sel, ok := w.place(slots, len(cols), preferLeading, h)
	if !ok {
		// trailing empties are filler; report what was seen
		seen := slots
		for len(seen) > 0 && w.toks[seen[len(seen)-1]].empty {
			seen = seen[:len(seen)-1]
		}
		for len(seen) > 0 && w.toks[seen[0]].empty && len(seen) > len(cols) {
			seen = seen[1:]
		}
		line := labelLine
		if len(seen) > 0 {
			line = w.toks[seen[0]].line
		}
		var b strings.Builder
		for k, i := range seen {
			if k > 0 {
				b.WriteString(" | ")
			}
			b.WriteString(w.toks[i].text)
		}
		msg := tableNames[w.table] + "“" + rowName + "”行：读到" + strconv.Itoa(w.nonEmpty(seen)) + "个数"
		if ne := w.nonEmpty(seen); ne != len(seen) {
			msg += "（另有" + strconv.Itoa(len(seen)-ne) + "个空格）"
		}
		msg += "，应为" + strconv.Itoa(len(cols)) + "个，无法确定各数对应的列"
		p.problem(schemas.Problem{Code: schemas.ProblemAmbiguous, Table: w.table, Row: rowKey, Line: line,
			Text: b.String(), Message: msg})
		w.missingRow(g, rowKey, cols)
		return
	}
	cells := g[rowKey]
	if cells == nil {
		cells = make(map[string]schemas.Cell, len(cols))
		g[rowKey] = cells
	}
	for k, c := range cols {
		if sel[k] < 0 {
			cells[c.key] = schemas.Cell{State: schemas.StateBlank, Line: labelLine}
			continue
		}
		t := &w.toks[sel[k]]
		t.valueOK()
		w.setCell(cells, rowKey, rowName, c, t.v, t.text, t.line)
	}
}

// setCell stores the cell of column c read from text (its lenient reading v), or a problem.
func (w *walk) setCell(cells map[string]schemas.Cell, rowKey, rowName string, c column, v parsed, text string, line int) {
	st, d, unit, err := v.with(c.decimal, c.signed)
	if err == nil && unit != "" && !unitFits(unit, c.unit) {
		err = ErrUnit
	}
	if err != nil {
		w.p.problem(schemas.Problem{Code: schemas.ProblemValue, Table: w.table, Row: rowKey, Column: c.key,
			Line: line, Text: text,
			Message: tableNames[w.table] + "“" + rowName + "”行“" + c.name + "”列：“" + text + "”" + err.Error()})
		cells[c.key] = schemas.Cell{State: schemas.StateMissing, Line: line, Text: text}
		return
	}
	cells[c.key] = schemas.Cell{State: st, Value: d, Line: line, Text: text}
}

func (w *walk) missingRow(g schemas.Grid, rowKey string, cols []column) {
	for _, c := range cols {
		g.Set(rowKey, c.key, schemas.Cell{State: schemas.StateMissing})
	}
}

// setSplit stores the cells of a forced split of the run d: its counts of state split, its
// dash marks as dash cells.
func (w *walk) setSplit(g schemas.Grid, rowKey, rowName string, cols []column, d string, cuts []int, line int) {
	texts, _ := cellsOf(d, cuts)
	cells := g[rowKey]
	if cells == nil {
		cells = make(map[string]schemas.Cell, len(cols))
		g[rowKey] = cells
	}
	for k, c := range cols {
		v := parseValue(texts[k])
		st, dv, _, err := v.with(c.decimal, c.signed)
		if err == nil && st == schemas.StateDash {
			// a dash mark of the run: a dash cell, as printed in a cell of its own
			cells[c.key] = schemas.Cell{State: schemas.StateDash, Line: line, Text: texts[k]}
			continue
		}
		if err != nil || st != schemas.StateNumber {
			w.p.problem(schemas.Problem{Code: schemas.ProblemValue, Table: w.table, Row: rowKey, Column: c.key,
				Line: line, Text: texts[k],
				Message: tableNames[w.table] + "“" + rowName + "”行“" + c.name + "”列：“" + texts[k] + "”不是数字"})
			cells[c.key] = schemas.Cell{State: schemas.StateMissing, Line: line, Text: texts[k]}
			continue
		}
		cells[c.key] = schemas.Cell{State: schemas.StateSplit, Value: dv, Line: line, Text: texts[k]}
	}
}

// flagRun records a row whose cells ran together and could not be split with certainty.
func (w *walk) flagRun(g schemas.Grid, rowKey, rowName string, cols []column, d string, line int, out runOutcome, splits [][]int) {
	msg := tableNames[w.table] + "“" + rowName + "”行各格数字连在一起（" + clip(d, 60) + "）"
	switch out {
	case runNotDigit:
		msg += "，夹有数字和占位符（—、/）以外的字符，无法拆分到" + strconv.Itoa(len(cols)) + "列"
	case runTooShort:
		msg += "，共" + strconv.Itoa(utf8.RuneCountInString(d)) + "个字符，不足" + strconv.Itoa(len(cols)) + "列"
	case runSign:
		msg += "，“-”既可能是占位符也可能是负号，无法确定"
	case runTooLong:
		msg += "，共" + strconv.Itoa(len(d)) + "位，超过可拆分的长度（" + strconv.Itoa(runLimit(len(cols))) + "位），不予拆分"
	case runTooMany:
		msg += "，可拆为超过" + strconv.Itoa(maxCandidates) + "种，无法确定"
	case runNone:
		msg += "，没有一种拆分满足勾稽关系，无法确定"
	default:
		msg += "，可拆为" + strconv.Itoa(len(splits)) + "种：" + showSplits(d, splits) + "，无法确定"
	}
	w.p.problem(schemas.Problem{Code: schemas.ProblemAmbiguous, Table: w.table, Row: rowKey, Line: line, Text: d, Message: msg})
	w.missingRow(g, rowKey, cols)
}

func unitFits(unit, want string) bool {
	switch want {
	case "元":
		return unit == "元"
	case "万元":
		return unit == "万元"
	}
	return unit != "元" && unit != "万元"
}

// ---- table 3 ----

// labelOf returns the normalised label text of a token that may be a row label, and the value
// text run onto its end ("…申请数量312010034": cells run together), or ok false.
func labelOf(t *tok) (n, tail string, ok bool) {
	if t.empty || valueLike(t) {
		return "", "", false
	}
	s := t.text
	if endsInRun(s) {
		// ends in a digit or a dash mark
		if l, tl := splitTail(s); tl != "" && labelLike(l) {
			return norm(l), tl, true
		}
	}
	if !labelLike(s) {
		return "", "", false
	}
	return t.normOf(), "", true
}

// wordsLayout finds the header cells of a table's value columns in a grid region: for column
// i a cell that reads exactly as one of words[i], before the first value. ordered takes the
// matches in token order (table 4 repeats its words); otherwise each column takes the first
// cell that reads as it (table 3 prints its leaves on two header rows). nil when a column is
// not found or the cells are out of order.
func (w *walk) wordsLayout(words [][]string, ordered bool) *layout {
	k := len(words)
	if k > 16 {
		return nil
	}
	var fromA, toA [16]int
	var found [16]bool
	from, spanTo := fromA[:k], toA[:k]
	spans := true
	next, n, width := 0, 0, 0
	for i := range w.toks {
		t := &w.toks[i]
		if t.empty {
			continue
		}
		if valueLike(t) || n == k || i > 400 {
			break
		}
		nt := t.normOf()
		for c := range words {
			if found[c] || ordered && c != next {
				continue
			}
			hit := false
			for _, x := range words[c] {
				if nt == x {
					hit = true
					break
				}
			}
			if !hit {
				continue
			}
			found[c], from[c] = true, int(t.slot)
			switch rw := w.rowWidth(i); {
			case width == 0:
				width = rw
			case width != rw:
				return nil // header rows of different widths: no common grid
			}
			if t.spanned && t.cs > 0 {
				spanTo[c] = int(t.slot) + int(t.cs) - 1
			} else {
				spans = false
			}
			n++
			next++
			break
		}
	}
	if n < k {
		return nil
	}
	if !spans {
		spanTo = nil
	}
	l := newLayout(append([]int(nil), from...), append([]int(nil), spanTo...))
	if l != nil {
		l.width = width
		if !spans {
			l.spanTo = nil
		}
	}
	return l
}

var (
	t3words = func() [][]string {
		var out [][]string
		for _, c := range schemas.Labels().Table3.Columns {
			out = append(out, c.Match)
		}
		return out
	}()
	t4words = func() [][]string {
		var out [][]string
		for range schemas.Labels().Table4.Groups {
			for _, o := range schemas.Labels().Table4.Outcomes {
				out = append(out, []string{norm(o.Label)})
			}
		}
		return out
	}()
)

func (p *parser) table3(toks []tok, sh Shape) {
	c := p.c
	w := newWalk(p, toks, sh, schemas.Table3)
	w.leading = sh == ShapeMarkdown
	var lay *layout
	if w.positional {
		lay = w.wordsLayout(t3words, false)
	}
	p.t3found = map[string]bool{}
	lastPos, ctx, data := -1, "", false
	totalIdx := -1
	for i := range c.t3 {
		if c.t3[i].key == "total_handled" {
			totalIdx = i
		}
	}
	match := func(t *tok) (int, string) {
		n, tail, ok := labelOf(t)
		if !ok || n == "" {
			return -1, ""
		}
		s := stripEnum(n)
		for pass := 0; pass < 2; pass++ {
			for i := range c.t3 {
				e := &c.t3[i]
				if e.pos <= lastPos || e.isGroup != (pass == 1) {
					continue
				}
				if e.exact {
					if ctx == e.group {
						for _, x := range e.label.Exact {
							if s == x {
								return i, tail
							}
						}
					}
					continue
				}
				if e.label.Matches(n) {
					return i, tail
				}
			}
		}
		if data && totalIdx >= 0 && c.t3[totalIdx].pos > lastPos && (s == "总计" || s == "合计") {
			return totalIdx, tail
		}
		return -1, ""
	}
	commit := func(i int) {
		e := &c.t3[i]
		lastPos, data = e.pos, true
		if e.isGroup {
			ctx = e.key
		} else {
			ctx = e.group
		}
	}
	var otherBlank []int
	otherLine := 0
	var runs []*run3
	defer func() {
		if otherBlank != nil && !p.t3other && !p.t3found["other_total"] {
			w.fill(p.r.Table3, "other_total", p.c.rowNames["other_total"], countCols3, otherBlank, w.leading, otherLine, lay)
			p.t3found["other_total"] = true
			p.t3otherT = true
		}
	}()
	for i := 0; i < len(toks); {
		t := &toks[i]
		mi, tail := -1, ""
		if !t.empty {
			mi, tail = match(t)
		}
		if mi < 0 {
			i++
			continue
		}
		row := t.row
		tgt := mi
		commit(mi)
		j := i + 1
		tailLine := t.line // the line of the token the digits ran onto
		for tail == "" {
			k := w.nextNonEmpty(j, row)
			if k < 0 {
				break
			}
			tk := &toks[k]
			if m, mt := match(tk); m >= 0 {
				if !c.t3[tgt].isGroup || k-j >= len(countCols3) {
					// a row, or a group label followed by a row of empty cells (gb2019's
					// blank （六）其他处理): the cells before the next label are its values
					break
				}
				tgt, tail, tailLine = m, mt, tk.line
				commit(m)
				j = k + 1
				continue
			}
			if w.continuation(tk) {
				j = k + 1
				continue
			}
			break
		}
		slots, next := w.collect(j, row)
		e := &c.t3[tgt]
		key, name := e.key, e.name
		if e.isGroup {
			key, name = e.subtotal, p.c.rowNames[e.subtotal]
		}
		switch {
		case tail != "" && key != "":
			if w.nonEmpty(slots) > 0 {
				p.problem(schemas.Problem{Code: schemas.ProblemAmbiguous, Table: schemas.Table3, Row: key,
					Line: tailLine, Text: tail, Message: "表三“" + name + "”行：行标签后紧跟数字“" + tail + "”，其后又有数字，无法确定各数对应的列"})
				w.missingRow(p.r.Table3, key, countCols3)
			} else {
				runs = append(runs, &run3{row: key, name: name, line: tailLine, digits: tail})
				next = i + 1
			}
			p.t3found[key] = true
			p.t3any = true
			if e.key == "other" || e.group == "other" {
				if e.isGroup {
					p.t3otherT = true
				} else {
					p.t3other = true
				}
			}
		case tail != "":
			// a group label without a row of its own, with digits run onto it
			p.problem(schemas.Problem{Code: schemas.ProblemAmbiguous, Table: schemas.Table3,
				Line: t.line, Text: t.text, Message: "表三“" + e.name + "”行带有数字，无法确定其含义"})
		case e.isGroup && e.key == "other" && w.nonEmpty(slots) == 0 && len(slots) >= len(countCols3):
			// gb2019 prints （六）其他处理 as a row; all blank, it is told from the gb2021
			// group label only by the absence of the three rows under it (decided below)
			otherBlank, otherLine = slots, t.line
		case e.isGroup:
			if w.nonEmpty(slots) > 0 {
				if e.subtotal == "" {
					p.problem(schemas.Problem{Code: schemas.ProblemAmbiguous, Table: schemas.Table3,
						Line: t.line, Text: t.text, Message: "表三“" + e.name + "”行带有数字，无法确定其含义"})
				} else {
					w.fill(p.r.Table3, e.subtotal, p.c.rowNames[e.subtotal], countCols3, slots, w.leading, t.line, lay)
					p.t3found[e.subtotal] = true
					p.t3any = true
					if e.key == "other" {
						p.t3otherT = true
					}
				}
			}
		default:
			w.fill(p.r.Table3, e.key, e.name, countCols3, slots, w.leading, t.line, lay)
			p.t3found[e.key] = true
			p.t3any = true
			if e.group == "other" {
				p.t3other = true
			}
		}
		if next <= i {
			next = i + 1
		}
		i = next
	}
	if len(runs) > 0 {
		w.runs3(runs)
	}
}

// runs3 splits the table 3 rows whose cells ran together (runs.go) and stores them.
func (w *walk) runs3(runs []*run3) {
	g := w.p.r.Table3
	for _, r := range runs {
		r.splits, r.out = splitRun(r.digits, 7, 7)
		if r.out == runSplit {
			r.vals = make([][]int64, len(r.splits))
			r.dash = make([]uint8, len(r.splits))
			for k, cuts := range r.splits {
				var texts []string
				texts, r.vals[k] = cellsOf(r.digits, cuts)
				for col, t := range texts {
					if isDashCell(t) {
						r.dash[k] |= 1 << uint(col)
					}
				}
			}
		}
	}
	solveTable3(runs, func(row string, col int) (int64, bool) {
		cell, ok := g.Get(row, countCols3[col].key)
		if !ok || !cell.HasValue() {
			return 0, false
		}
		return cell.Value.Int(), true
	})
	for _, r := range runs {
		switch {
		case r.keep >= 0:
			w.setSplit(g, r.row, r.name, countCols3, r.digits, r.splits[r.keep], r.line)
		case r.out != runSplit:
			w.flagRun(g, r.row, r.name, countCols3, r.digits, r.line, r.out, nil)
		default:
			splits := r.splits
			if r.seen != 0 {
				splits = nil
				for k := range r.splits {
					if r.seen&(1<<uint(k)) != 0 {
						splits = append(splits, r.splits[k])
					}
				}
			}
			w.flagRun(g, r.row, r.name, countCols3, r.digits, r.line, runSplit, splits)
		}
	}
}

// finishTable3 marks the rows of the format that were not found.
func (p *parser) finishTable3(ok bool) {
	c := schemas.Labels()
	var rows []schemas.Label
	f := p.r.Format
	// table 3's own rows say which template it printed (2022 reports may mix a gb2019 table
	// 二 with a gb2021 table 三); rule R8 reports the mix
	switch {
	case p.t3other:
		f = schemas.FormatGB2021
	case p.t3otherT && f == schemas.FormatGB2021:
		f = schemas.FormatGB2019
	}
	switch f {
	case schemas.FormatGB2019, schemas.FormatGB2021:
		rows = p.c.t3rows[f]
	default:
		for _, r := range c.Table3Rows(schemas.FormatGB2021) {
			if r.InFormat(schemas.FormatGB2019) {
				rows = append(rows, r)
			}
		}
	}
	if !p.t3any {
		p.tableMissing(schemas.Table3, 3)
		for _, r := range rows {
			p.setMissingRow(p.r.Table3, r.Key, p.c.t3cols)
		}
		return
	}
	for _, r := range rows {
		if p.t3found[r.Key] {
			continue
		}
		p.setMissingRow(p.r.Table3, r.Key, p.c.t3cols)
		p.problem(schemas.Problem{Code: schemas.ProblemRowMissing, Table: schemas.Table3, Row: r.Key,
			Message: "表三缺少“" + p.c.rowNames[r.Key] + "”行"})
	}
}

func (p *parser) setMissingRow(g schemas.Grid, row string, cols []string) {
	for _, c := range cols {
		if _, ok := g.Get(row, c); !ok {
			g.Set(row, c, schemas.Cell{State: schemas.StateMissing})
		}
	}
}

func (p *parser) tableMissing(table string, sec int) {
	pr := schemas.Problem{Code: schemas.ProblemTableMissing, Table: table}
	what := tableNames[table] + "（" + sectionLabel(sec) + "）"
	if h := p.sec[sec]; h >= 0 {
		pr.Line = h + 1
		sp, _ := p.tableSpan(sec)
		for i := sp.from; i < sp.to; i++ {
			if t := trimSpace(p.line(i)); t != "" {
				pr.Text = clip(t, 120)
				break
			}
		}
		pr.Message = what + "：标题下没有可读的表格（可能是图片、缺页或见附件）"
	} else {
		pr.Message = what + "：未找到该部分及其表格"
	}
	p.problem(pr)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// ---- table 2 ----

func (p *parser) table2Cols(it *t2item) []column { return it.cols }

// itemCols makes the value columns of a table 2 item (once, in the catalogue).
func itemCols(it *t2item) []column {
	cols := make([]column, len(it.measures))
	for k, m := range it.measures {
		cols[k] = column{key: m.Key, name: m.Short(), decimal: m.Decimal, signed: m.Signed}
		switch m.Key {
		case "amount_yuan":
			cols[k].unit = "元"
		case "amount_10k_yuan":
			cols[k].unit = "万元"
		}
	}
	return cols
}

// t2head is the header row of a block of table 2 (信息内容 | 本年制发件数 | …): the measures
// its cells name, in order, and their layout in the grid (nil when unknown).
type t2head struct {
	measures []string
	lay      *layout
}

// header reads the header of a table 2 block at token i (a cell naming a measure): in a grid,
// the whole row; in a stream, the run of header cells from i. It returns the header and the
// index after it.
func (w *walk) t2header(i int) (*t2head, int) {
	c := w.p.c
	h := &t2head{}
	if w.positional { // one line per row (the layout shape groups several lines in a row)
		row := w.toks[i].row
		a := i
		for a > 0 && w.toks[a-1].row == row {
			a--
		}
		var from, spanTo []int
		posOK, spans := true, true
		j := a
		for ; j < len(w.toks) && w.toks[j].row == row; j++ {
			t := &w.toks[j]
			if t.empty || t.spanned && t.cs == 0 {
				continue
			}
			before := len(h.measures)
			h.measures = c.measuresIn(t.normOf(), h.measures)
			switch n := len(h.measures) - before; {
			case n == 0:
				if !strings.Contains(t.normOf(), "信息内容") {
					posOK = false
				}
				continue
			case n > 1:
				posOK = false
			}
			from = append(from, int(t.slot))
			if t.spanned {
				spanTo = append(spanTo, int(t.slot)+int(t.cs)-1)
			} else {
				spans = false
			}
		}
		if posOK {
			if !spans {
				spanTo = nil
			}
			if h.lay = newLayout(from, spanTo); h.lay != nil {
				h.lay.width = j - a
			}
		}
		return h, j
	}
	j := i
	for ; j < len(w.toks); j++ {
		t := &w.toks[j]
		if t.empty {
			continue
		}
		if valueLike(t) {
			break
		}
		before := len(h.measures)
		if h.measures = c.measuresIn(t.normOf(), h.measures); len(h.measures) == before {
			break
		}
	}
	return h, j
}

// t2item returns the item of table 2 a row label names under the block header h in a report
// of format f: the item of f or of the other format whose measures are exactly the header's
// (a block printed in the other template), else the item of f. fromHead says the header
// decided. A header that belongs to the item (one format's item has all its measures) but
// names a measure f's item lacks, without matching the other format's exactly, leaves the
// columns unknown: nil, and the row is not read (never read under the wrong measures). A
// header of another block (its measures no item of this key has) is ignored.
func (p *parser) t2item(key string, h *t2head, f schemas.Format) (*t2item, bool) {
	own := p.c.t2byKey(f, key)
	if h == nil || len(h.measures) == 0 {
		return own, false
	}
	relevant := false
	for _, fm := range [2]schemas.Format{f, otherFormat(f)} {
		it := p.c.t2byKey(fm, key)
		if it == nil {
			continue
		}
		if sameMeasures(it, h.measures) {
			return it, true
		}
		relevant = relevant || hasMeasures(it, h.measures)
	}
	if relevant && (own == nil || !hasMeasures(own, h.measures)) {
		return nil, false
	}
	return own, false
}

// hasMeasures reports whether the item has every measure in ms.
func hasMeasures(it *t2item, ms []string) bool {
	for _, m := range ms {
		found := false
		for _, x := range it.measures {
			if x.Key == m {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func sameMeasures(it *t2item, ms []string) bool {
	if len(it.measures) != len(ms) {
		return false
	}
	for k, m := range it.measures {
		if m.Key != ms[k] {
			return false
		}
	}
	return true
}

func otherFormat(f schemas.Format) schemas.Format {
	switch f {
	case schemas.FormatGB2019:
		return schemas.FormatGB2021
	case schemas.FormatGB2021:
		return schemas.FormatGB2019
	}
	return schemas.FormatUnknown
}

// walkTable2 reads table 2 into g, block by block: each item row with the measures of the
// header row above it (a block printed in the other template is read by its own header), or
// with those of format f when its header is missing or does not fit. It returns the items
// found and how many of them were read, without a problem, as items of format f.
func (p *parser) walkTable2(toks []tok, sh Shape, f schemas.Format, g schemas.Grid) (map[string]bool, int) {
	items := p.c.t2all
	w := newWalk(p, toks, sh, schemas.Table2)
	w.stop = p.c.t2header
	found := map[string]bool{}
	clean := 0
	last := -1
	var head *t2head
	// a table 2 that prints the other template's words somewhere mixes templates: a row whose
	// block header was not read cannot be taken to be in f's template
	mixed := p.otherWords(f)
	match := func(t *tok) (int, string) {
		n, tail, ok := labelOf(t)
		if !ok {
			return -1, ""
		}
		for i := last + 1; i < len(items); i++ {
			if !items[i].label.Matches(n) {
				continue
			}
			if it, _ := p.t2item(items[i].key, head, f); it != nil {
				return i, tail
			}
		}
		return -1, ""
	}
	for i := 0; i < len(toks); {
		t := &toks[i]
		if t.empty {
			i++
			continue
		}
		mi, tail := match(t)
		if mi < 0 {
			// a block's header row (item labels never name a measure)
			if len(t.text) <= 150 && !valueLike(t) && p.c.hasMeasure(t.normOf()) {
				var next int
				head, next = w.t2header(i)
				i = max(next, i+1)
				continue
			}
			i++
			continue
		}
		last = mi
		row := t.row
		j := i + 1
		for tail == "" {
			k := w.nextNonEmpty(j, row)
			if k < 0 {
				break
			}
			if m, _ := match(&toks[k]); m >= 0 || !w.continuation(&toks[k]) {
				break
			}
			j = k + 1
		}
		slots, next := w.collect(j, row)
		it, fromHead := p.t2item(items[mi].key, head, f)
		cols := p.table2Cols(it)
		var lay *layout
		if fromHead {
			lay = head.lay
		}
		before := len(p.r.Problems)
		switch {
		case mixed && !fromHead && p.c.t2differs(it.key):
			p.problem(schemas.Problem{Code: schemas.ProblemAmbiguous, Table: schemas.Table2, Row: it.key, Line: t.line, Text: t.text,
				Message: "表二“" + it.name + "”行：所在栏目的表头未能识别，而表二混用2019年版和2021年版表头，无法确定各数对应的指标"})
			w.missingRow(g, it.key, cols)
		case tail == "":
			w.fill(g, it.key, it.name, cols, slots, false, t.line, lay)
		case w.nonEmpty(slots) > 0:
			p.problem(schemas.Problem{Code: schemas.ProblemAmbiguous, Table: schemas.Table2, Row: it.key,
				Line: t.line, Text: t.text, Message: "表二“" + it.name + "”行：行标签后紧跟数字“" + tail + "”，其后又有数字，无法确定各数对应的列"})
			w.missingRow(g, it.key, cols)
		default:
			w.t2run(g, it, cols, tail, t.line)
		}
		if len(p.r.Problems) == before && (!fromHead || it.format == f) {
			clean++
		}
		found[it.key] = true
		if next <= i {
			next = i + 1
		}
		i = next
	}
	return found, clean
}

// otherWords reports whether table 2 prints a marker word of the format other than f
// (本年新制作数量 in a gb2021 report …), as collectMarkers found them.
func (p *parser) otherWords(f schemas.Format) bool {
	switch f {
	case schemas.FormatGB2019:
		return p.t2words[1]
	case schemas.FormatGB2021:
		return p.t2words[0]
	}
	return false
}

// t2run stores a table 2 row whose cells ran together: one cell is the run itself; several are
// split only when the run allows exactly one split (no rule ties table 2's cells together): its
// dash marks and digits make exactly as many cells as the row has columns in one way only. In
// a row with a signed column (本年增/减) a "-" before a digit may be a minus sign: flagged.
func (w *walk) t2run(g schemas.Grid, it *t2item, cols []column, tail string, line int) {
	if len(cols) == 1 {
		cells := g[it.key]
		if cells == nil {
			cells = make(map[string]schemas.Cell, 1)
			g[it.key] = cells
		}
		w.setCell(cells, it.key, it.name, cols[0], parseValue(tail), tail, line)
		return
	}
	splits, out := splitRun(tail, len(cols), 0)
	for _, c := range cols {
		if c.signed && out != runNotDigit && signBeforeDigit(tail) {
			splits, out = nil, runSign
		}
	}
	if out == runSplit && len(splits) == 1 {
		w.setSplit(g, it.key, it.name, cols, tail, splits[0], line)
		return
	}
	w.flagRun(g, it.key, it.name, cols, tail, line, out, splits)
}

func (p *parser) table2(toks []tok, sh Shape, ok bool) {
	f := p.r.Format
	items := p.c.t2[f]
	if len(items) == 0 {
		// format unknown: the table cannot be read without it
		found19, _ := p.walkTable2Probe(toks, schemas.FormatGB2019)
		found21, _ := p.walkTable2Probe(toks, schemas.FormatGB2021)
		if !found19 && !found21 {
			p.tableMissing(schemas.Table2, 2)
		} else {
			p.problem(schemas.Problem{Code: schemas.ProblemFormat, Table: schemas.Table2,
				Message: "表二：格式（2019年版或2021年版）无法确定，不读取表二"})
		}
		return
	}
	found, _ := p.walkTable2(toks, sh, f, p.r.Table2)
	if len(found) == 0 {
		p.tableMissing(schemas.Table2, 2)
	}
	for k := range items {
		it := &items[k]
		if found[it.key] {
			continue
		}
		keys := make([]string, len(it.measures))
		for m := range it.measures {
			keys[m] = it.measures[m].Key
		}
		p.setMissingRow(p.r.Table2, it.key, keys)
		if len(found) > 0 {
			p.problem(schemas.Problem{Code: schemas.ProblemRowMissing, Table: schemas.Table2, Row: it.key,
				Message: "表二缺少“" + it.name + "”行"})
		}
	}
}

// ---- table 4 ----

// hasTable4 reports whether toks hold a table 4: a number after one of its header words.
func (p *parser) hasTable4(toks []tok) bool {
	seen := false
	for i := range toks {
		t := &toks[i]
		if t.empty {
			continue
		}
		if valueLike(t) {
			if seen {
				return true
			}
			continue
		}
		if containsAny(t.normOf(), t4distinct) {
			seen = true
		}
	}
	return false
}

// t4distinct are table 4 header words no other table has; when section 四's heading is
// missing, the 15 numbers must follow one of them.
var t4distinct = []string{"行政复议", "行政诉讼", "复议后起诉", "直接起诉", "结果维持", "尚未审结", "结果纠正"}

func (p *parser) table4(toks []tok, sh Shape, ok bool) {
	c := p.c
	w := newWalk(p, toks, sh, schemas.Table4)
	w.leading = sh == ShapeMarkdown
	cols := c.t4flat
	var lay *layout
	if w.positional {
		lay = w.wordsLayout(t4words, true)
	}
	needHeader := !ok
	seenHeader := false
	start, lastText := -1, -1
	for i := range toks {
		t := &toks[i]
		if t.empty {
			continue
		}
		if valueLike(t) {
			if !needHeader || seenHeader {
				start = i
				break
			}
			continue
		}
		if containsAny(t.normOf(), t4distinct) {
			seenHeader = true
		}
		lastText = i
	}
	g := p.r.Table4
	if start < 0 && (seenHeader || ok) && lastText >= 0 {
		// every cell blank: the empty cells after the header are the values
		empties := 0
		for j := lastText + 1; j < len(toks); j++ {
			if toks[j].empty {
				empties++
			}
		}
		if empties >= len(cols) {
			start = lastText + 1
			for start < len(toks) && !toks[start].empty {
				start++
			}
		}
	}
	if start < 0 {
		p.tableMissing(schemas.Table4, 4)
		for _, grp := range c.t4groups {
			p.setMissingRow(g, grp, c.t4outcomes)
		}
		return
	}
	begin := lastText + 1
	if w.grid {
		for begin < start && toks[begin].row != toks[start].row {
			begin++
		}
	}
	var slots []int
	j := begin
	for ; j < len(toks); j++ {
		t := &toks[j]
		if t.spanned && t.cs == 0 {
			continue // span padding is no cell
		}
		if t.empty || valueLike(t) {
			slots = append(slots, j)
			continue
		}
		break
	}
	// fill through a flat grid keyed "group.outcome", then spread into the table 4 grid
	flat := schemas.Grid{}
	if k := w.single(slots); k >= 0 && isRun(toks[k].text) && utf8.RuneCountInString(toks[k].text) >= len(cols) {
		// the fifteen numbers (and dashes) run together: split by R4 (each group's total is
		// the sum of its four outcomes, a dash counting 0) when exactly one split satisfies it
		d := toks[k].text
		splits, out := splitRun(d, len(cols), 5)
		if out == runSplit && len(splits) == 1 {
			w.setSplit(flat, "t4", "行政复议、行政诉讼", cols, d, splits[0], toks[k].line)
		} else {
			w.flagRun(flat, "t4", "行政复议、行政诉讼", cols, d, toks[k].line, out, splits)
		}
	} else {
		w.fill(flat, "t4", "行政复议、行政诉讼", cols, slots, w.leading, toks[start].line, lay)
	}
	for _, col := range cols {
		cell, _ := flat.Get("t4", col.key)
		grp, out, _ := strings.Cut(col.key, ".")
		g.Set(grp, out, cell)
	}
	// problems name the row and column of the table 4 grid
	for k := range p.r.Problems {
		pr := &p.r.Problems[k]
		if pr.Table == schemas.Table4 && pr.Row == "t4" {
			pr.Row = ""
			if grp, out, ok := strings.Cut(pr.Column, "."); ok {
				pr.Row, pr.Column = grp, out
			}
		}
	}
}
