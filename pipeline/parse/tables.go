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

// valueLike: a token that takes a value slot: a number or dash, or short text that looks
// like a (bad) number ("十二", "约20", "20余", "a1").
func valueLike(t *tok) bool {
	if t.empty {
		return false
	}
	return t.valueOK() || numericLooking(t.text)
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
		if t.empty || valueLike(t) {
			slots = append(slots, j)
			continue
		}
		break
	}
	return slots, j
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

// fill assigns the value slots of one row to its cells, or records why it cannot.
func (w *walk) fill(g schemas.Grid, rowKey, rowName string, cols []column, slots []int, preferLeading bool, labelLine int) {
	p := w.p
	sel, ok := w.align(slots, len(cols), preferLeading)
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
		for _, c := range cols {
			g.Set(rowKey, c.key, schemas.Cell{State: schemas.StateMissing})
		}
		return
	}
	cells := g[rowKey]
	if cells == nil {
		cells = make(map[string]schemas.Cell, len(cols))
		g[rowKey] = cells
	}
	for k, c := range cols {
		t := &w.toks[sel[k]]
		t.valueOK()
		st, d, unit, err := t.v.with(c.decimal, c.signed)
		if err == nil && unit != "" && !unitFits(unit, c.unit) {
			err = ErrUnit
		}
		if err != nil {
			p.problem(schemas.Problem{Code: schemas.ProblemValue, Table: w.table, Row: rowKey, Column: c.key,
				Line: t.line, Text: t.text,
				Message: tableNames[w.table] + "“" + rowName + "”行“" + c.name + "”列：“" + t.text + "”" + err.Error()})
			cells[c.key] = schemas.Cell{State: schemas.StateMissing, Line: t.line, Text: t.text}
			continue
		}
		cells[c.key] = schemas.Cell{State: st, Value: d, Line: t.line, Text: t.text}
	}
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

func (p *parser) table3(toks []tok, sh Shape) {
	c := p.c
	w := &walk{p: p, toks: toks, grid: sh.grid(), table: schemas.Table3, leading: sh == ShapeMarkdown}
	p.t3found = map[string]bool{}
	lastPos, ctx, data := -1, "", false
	totalIdx := -1
	for i := range c.t3 {
		if c.t3[i].key == "total_handled" {
			totalIdx = i
		}
	}
	match := func(t *tok) int {
		if t.empty || valueLike(t) || !labelLike(t.text) {
			return -1
		}
		n := t.normOf()
		if n == "" {
			return -1
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
								return i
							}
						}
					}
					continue
				}
				if e.label.Matches(n) {
					return i
				}
			}
		}
		if data && totalIdx >= 0 && c.t3[totalIdx].pos > lastPos && (s == "总计" || s == "合计") {
			return totalIdx
		}
		return -1
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
	defer func() {
		if otherBlank != nil && !p.t3other && !p.t3found["other_total"] {
			w.fill(p.r.Table3, "other_total", p.c.rowNames["other_total"], countCols3, otherBlank, w.leading, otherLine)
			p.t3found["other_total"] = true
			p.t3otherT = true
		}
	}()
	for i := 0; i < len(toks); {
		t := &toks[i]
		mi := -1
		if !t.empty {
			mi = match(t)
		}
		if mi < 0 {
			i++
			continue
		}
		row := t.row
		tgt := mi
		commit(mi)
		j := i + 1
		for {
			k := w.nextNonEmpty(j, row)
			if k < 0 {
				break
			}
			tk := &toks[k]
			if m := match(tk); m >= 0 {
				if !c.t3[tgt].isGroup || k-j >= len(countCols3) {
					// a row, or a group label followed by a row of empty cells (gb2019's
					// blank （六）其他处理): the cells before the next label are its values
					break
				}
				tgt = m
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
		if e.isGroup && e.key == "other" && w.nonEmpty(slots) == 0 && len(slots) >= len(countCols3) {
			// gb2019 prints （六）其他处理 as a row; all blank, it is told from the gb2021
			// group label only by the absence of the three rows under it (decided below)
			otherBlank, otherLine = slots, t.line
		}
		if e.isGroup {
			if w.nonEmpty(slots) > 0 {
				if e.subtotal == "" {
					p.problem(schemas.Problem{Code: schemas.ProblemAmbiguous, Table: schemas.Table3,
						Line: t.line, Text: t.text, Message: "表三“" + e.name + "”行带有数字，无法确定其含义"})
				} else {
					w.fill(p.r.Table3, e.subtotal, p.c.rowNames[e.subtotal], countCols3, slots, w.leading, t.line)
					p.t3found[e.subtotal] = true
					p.t3any = true
					if e.key == "other" {
						p.t3otherT = true
					}
				}
			}
		} else {
			w.fill(p.r.Table3, e.key, e.name, countCols3, slots, w.leading, t.line)
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

func (p *parser) table2Cols(it *t2item) []column {
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

// walkTable2 reads the items of format f into g; it returns the items found and how many of
// them were read without a problem.
func (p *parser) walkTable2(toks []tok, sh Shape, f schemas.Format, g schemas.Grid) (map[string]bool, int) {
	items := p.c.t2[f]
	w := &walk{p: p, toks: toks, grid: sh.grid(), table: schemas.Table2, stop: p.c.t2header}
	found := map[string]bool{}
	clean := 0
	last := -1
	match := func(t *tok) int {
		if t.empty || valueLike(t) || !labelLike(t.text) {
			return -1
		}
		n := t.normOf()
		for i := last + 1; i < len(items); i++ {
			if items[i].label.Matches(n) {
				return i
			}
		}
		return -1
	}
	for i := 0; i < len(toks); {
		t := &toks[i]
		mi := -1
		if !t.empty {
			mi = match(t)
		}
		if mi < 0 {
			i++
			continue
		}
		last = mi
		row := t.row
		j := i + 1
		for {
			k := w.nextNonEmpty(j, row)
			if k < 0 || match(&toks[k]) >= 0 || !w.continuation(&toks[k]) {
				break
			}
			j = k + 1
		}
		slots, next := w.collect(j, row)
		it := &items[mi]
		before := len(p.r.Problems)
		w.fill(g, it.key, it.name, p.table2Cols(it), slots, false, t.line)
		if len(p.r.Problems) == before {
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
	w := &walk{p: p, toks: toks, grid: sh.grid(), table: schemas.Table4, leading: sh == ShapeMarkdown}
	cols := make([]column, 0, 15)
	lc := schemas.Labels()
	for gi, g := range c.t4groups {
		for oi, o := range c.t4outcomes {
			cols = append(cols, column{key: g + "." + o, name: lc.Table4.Groups[gi].Label + "·" + lc.Table4.Outcomes[oi].Label})
		}
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
		if t.empty || valueLike(t) {
			slots = append(slots, j)
			continue
		}
		break
	}
	// fill through a flat grid keyed "group.outcome", then spread into the table 4 grid
	flat := schemas.Grid{}
	w.fill(flat, "t4", "行政复议、行政诉讼", cols, slots, w.leading, toks[start].line)
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
