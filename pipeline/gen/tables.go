package gen

import (
	"math/rand/v2"
	"strings"

	"xxgk/schemas"
)

// tcell is one cell of a printed table, at its top-left grid slot.
type tcell struct {
	text   string
	cs, rs int // colspan, rowspan (0 means 1)
	header bool
}

func (c tcell) colspan() int { return max(c.cs, 1) }
func (c tcell) rowspan() int { return max(c.rs, 1) }

// tmodel is a printed table: rows of cells with spans on a grid of cols columns.
type tmodel struct {
	cols int
	rows [][]tcell
}

func (t *tmodel) add(cells ...tcell) { t.rows = append(t.rows, cells) }

// slots returns the grid: for each row, the index of the cell starting at each slot or -1
// (covered by a span from the left or from above).
func (t *tmodel) slots() [][]int {
	grid := make([][]int, len(t.rows))
	for i := range grid {
		grid[i] = make([]int, t.cols)
		for j := range grid[i] {
			grid[i][j] = -2 // free
		}
	}
	for i, row := range t.rows {
		j := 0
		for k, c := range row {
			for j < t.cols && grid[i][j] != -2 {
				j++
			}
			if j >= t.cols {
				break
			}
			grid[i][j] = k
			for di := 0; di < c.rowspan() && i+di < len(t.rows); di++ {
				for dj := 0; dj < c.colspan() && j+dj < t.cols; dj++ {
					if di != 0 || dj != 0 {
						grid[i+di][j+dj] = -1
					}
				}
			}
			j += c.colspan()
		}
	}
	for i := range grid {
		for j := range grid[i] {
			if grid[i][j] == -2 {
				grid[i][j] = -1
			}
		}
	}
	return grid
}

// labelStyle says how the labels of one report are printed.
type labelStyle struct {
	short      bool   // drop long notes in brackets (（二）部分公开)
	enum       string // "." "．" "、" after 1 2 3 in row labels
	splitWords bool   // 商业 企业, 结果 纠正
	note       bool   // the 勾稽 note in the corner of table 3
	// splitLines breaks the 4-character header words by a line break instead (商业\n企业):
	// shapes 1, 4 and 5 only, where a cell may hold several lines.
	splitLines bool
	// mixBrackets prints the brackets of row and group labels half- or full-width, label by
	// label: (三)不予公开 next to （四）无法提供.
	mixBrackets bool
	// numSep replaces the "、" after 一 二 三 in row labels (一，本年新收…); "" keeps it.
	numSep string
}

// label applies the report's bracket and separator choices to a row or group label.
func (ls labelStyle) label(l string) string {
	if ls.numSep != "" {
		for _, n := range sectionNumerals {
			if strings.HasPrefix(l, n+"、") {
				l = n + ls.numSep + l[len(n+"、"):]
				break
			}
		}
	}
	if ls.mixBrackets && strings.HasPrefix(l, "（") {
		// label by label, by the label itself: the same label always looks the same
		h := 0
		for _, r := range l {
			h += int(r)
		}
		if h%2 == 0 {
			if i := strings.Index(l, "）"); i > 0 {
				l = "(" + l[len("（"):i] + ")" + l[i+len("）"):]
			}
		}
	}
	return l
}

// cellText is how a value cell is printed.
func cellText(c schemas.Cell) string {
	switch c.State {
	case schemas.StateNumber, schemas.StateSplit:
		if c.Text != "" {
			return c.Text
		}
		return c.Value.String()
	case schemas.StateDash:
		if c.Text != "" {
			return c.Text
		}
		return "—"
	case schemas.StateMissing:
		return c.Text // a cell printed but not readable (cells run together): the text printed
	}
	return "" // blank, derived (printed empty)
}

// rowLabel is a table 3 row label as this report prints it.
func (ls labelStyle) rowLabel(l string) string {
	if ls.short {
		if i := strings.Index(l, "（区分"); i > 0 {
			l = l[:i]
		}
	}
	if ls.enum != "." && len(l) > 2 && l[0] >= '1' && l[0] <= '9' && l[1] == '.' {
		l = l[:1] + ls.enum + l[2:]
	}
	return ls.label(l)
}

// split inserts a stray space in the middle of a 4-character header word (商业 企业).
func (ls labelStyle) split(s string) string {
	if !ls.splitWords && !ls.splitLines {
		return s
	}
	sep := " "
	if ls.splitLines {
		sep = "\n"
	}
	r := []rune(s)
	if len(r) == 4 {
		return string(r[:2]) + sep + string(r[2:])
	}
	return s
}

// t2block is one block of table 2 as printed: its article, the measures of its header and
// its items.
type t2block struct {
	article  string
	measures []string // measure keys, as the block's header prints them
	format   schemas.Format
	items    []schemas.Label
}

// table2Blocks lists the blocks of r's table 2: those of r's format, except a block whose rows
// hold the other format's measures (a block printed in the other template, variant mixed-t2),
// which prints that template's header and items.
func table2Blocks(r *schemas.Report) []t2block {
	c := schemas.Labels()
	other := schemas.FormatGB2019
	if r.Format == schemas.FormatGB2019 {
		other = schemas.FormatGB2021
	}
	var out []t2block
	items := c.Table2Items(r.Format)
	for i := 0; i < len(items); {
		art := items[i].Article
		j := i
		for j < len(items) && items[j].Article == art {
			j++
		}
		b := t2block{article: art, measures: items[i].Measures, format: r.Format, items: items[i:j]}
		// the other template's block of the same article, when the rows say so
		var alt []schemas.Label
		for _, it := range c.Table2Items(other) {
			if it.Article == art {
				alt = append(alt, it)
			}
		}
		if len(alt) > 0 {
			if row := r.Table2[alt[0].Key]; row != nil {
				if _, ok := row[alt[0].Measures[0]]; ok && !contains(items[i].Measures, alt[0].Measures[0]) {
					b = t2block{article: art, measures: alt[0].Measures, format: other, items: alt}
				}
			}
		}
		out = append(out, b)
		i = j
	}
	return out
}

func contains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// measureHeader is the header text of a table 2 measure in a block of format f.
func measureHeader(m string, f schemas.Format) string {
	l := schemas.Labels().Measure(m).Label
	if f == schemas.FormatGB2019 && m == "decisions" {
		l = strings.TrimPrefix(l, "本年") // gb2019 prints 处理决定数量
	}
	return l
}

// table2Model prints table 2 of r's format.
func table2Model(r *schemas.Report, ls labelStyle) *tmodel {
	t := &tmodel{cols: 4}
	for _, b := range table2Blocks(r) {
		t.add(tcell{text: b.article, cs: 4, header: true})
		ms := b.measures
		head := []tcell{{text: "信息内容", header: true}}
		for k, m := range ms {
			cell := tcell{text: measureHeader(m, b.format), header: true}
			if k == len(ms)-1 {
				cell.cs = 4 - len(ms)
			}
			head = append(head, cell)
		}
		t.add(head...)
		for _, it := range b.items {
			row := []tcell{{text: it.Label}}
			for k, m := range it.Measures {
				v, _ := r.Table2.Get(it.Key, m)
				cell := tcell{text: cellText(v)}
				if k == len(it.Measures)-1 {
					cell.cs = 4 - len(it.Measures)
				}
				row = append(row, cell)
			}
			t.add(row...)
		}
	}
	return t
}

// spanPatterns are the ways the official template spreads k cells over its four value columns
// (the Word table's column widths, published as colspans).
var spanPatterns = map[int][][]int{
	1: {{4}},
	2: {{1, 3}, {2, 2}, {3, 1}},
	3: {{1, 2, 1}, {1, 1, 2}, {2, 1, 1}},
}

// overlapsAll reports whether cells spread as a, in order, each overlap the header cell spread
// as h (the parser's rule: a value belongs to the header column whose area overlaps it).
func overlapsAll(a, h []int) bool {
	if len(a) != len(h) {
		return false
	}
	x, y := 1, 1
	for i := range a {
		if x > y+h[i]-1 || x+a[i]-1 < y {
			return false
		}
		x, y = x+a[i], y+h[i]
	}
	return true
}

// table2Official prints table 2 as the official template's Word table is published in HTML:
// one grid of five columns (the label and four value columns), the article rows over all five,
// each block's header cells spread over the four value columns as the template's widths do,
// and each value row's cells spread their own way when every cell is printed (the spread then
// differs from the header's but still puts each value over its own header), else like the
// header. seed chooses the spreads.
func table2Official(r *schemas.Report, ls labelStyle, seed uint64) *tmodel {
	rng := rand.New(rand.NewPCG(seed, 0x5ea5))
	t := &tmodel{cols: 5}
	for _, b := range table2Blocks(r) {
		t.add(tcell{text: b.article, cs: 5, header: true})
		ms := b.measures
		pats := spanPatterns[len(ms)]
		hp := pats[0]
		if len(pats) > 1 && rng.IntN(3) == 0 {
			hp = pats[rng.IntN(len(pats))]
		}
		head := []tcell{{text: "信息内容", header: true}}
		for k, m := range ms {
			head = append(head, tcell{text: measureHeader(m, b.format), header: true, cs: hp[k]})
		}
		t.add(head...)
		for _, it := range b.items {
			row := []tcell{{text: it.Label}}
			vals := make([]string, len(it.Measures))
			full := true
			for k, m := range it.Measures {
				v, _ := r.Table2.Get(it.Key, m)
				vals[k] = cellText(v)
				full = full && vals[k] != ""
			}
			vp := hp
			if full {
				var fits [][]int
				for _, p := range pats {
					if overlapsAll(p, hp) {
						fits = append(fits, p)
					}
				}
				vp = fits[rng.IntN(len(fits))]
			}
			for k := range vals {
				row = append(row, tcell{text: vals[k], cs: vp[k]})
			}
			if full && len(vals) == 1 && rng.IntN(3) == 0 {
				// one value over half the columns, an empty cell of its own over the rest
				row[1].cs = 2
				row = append(row, tcell{cs: 2})
			}
			t.add(row...)
		}
	}
	return t
}

// table3Model prints table 3: a 10-column grid (3 label columns, 7 value columns) with the
// official two-level header. Rows absent from the report's grid are not printed.
func table3Model(r *schemas.Report, ls labelStyle) *tmodel {
	c := schemas.Labels()
	ko := catKeys()
	g := r.Table3
	t := &tmodel{cols: 10}
	note := ""
	if ls.note {
		note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
	}
	orgGroup := ""
	var orgs []tcell
	for _, col := range c.Table3.Columns {
		if col.Group != "" {
			orgGroup = col.Group
			orgs = append(orgs, tcell{text: ls.split(col.Label), header: true})
		}
	}
	t.add(tcell{text: note, cs: 3, rs: 3, header: true}, tcell{text: "申请人情况", cs: 7, header: true})
	t.add(tcell{text: c.Table3.Columns[0].Label, rs: 2, header: true}, tcell{text: orgGroup, cs: 5, header: true},
		tcell{text: c.Table3.Columns[6].Label, rs: 2, header: true})
	t.add(orgs...)

	values := func(row string) []tcell {
		out := make([]tcell, 0, 7)
		for _, col := range ko.cols {
			v, _ := g.Get(row, col)
			out = append(out, tcell{text: cellText(v)})
		}
		return out
	}
	printed := func(row string) bool { _, ok := g[row]; return ok }
	groupLabel := map[string]string{}
	for _, gr := range c.Table3.Groups {
		groupLabel[gr.Key] = gr.Label
	}
	sub := map[string]string{} // group → subtotal row
	for _, s := range ko.subOrder {
		if printed(s) {
			sub[ko.groupOf[ko.subtotals[s][0]]] = s
		}
	}

	// the block under 三、本年度办理结果, as label cells + row key
	type brow struct {
		cells []tcell
		key   string
	}
	var block []brow
	rows := c.Table3Rows(r.Format)
	for i := 0; i < len(rows); i++ {
		row := rows[i]
		switch {
		case row.Key == schemas.RowNewReceived || row.Key == schemas.RowCarriedOver || row.Key == schemas.RowCarriedForward:
			continue
		case row.Group == schemas.GroupResults || row.Key == schemas.RowTotalHandled || row.Key == schemas.RowOtherTotal:
			if printed(row.Key) {
				block = append(block, brow{[]tcell{{text: ls.rowLabel(row.Label), cs: 2}}, row.Key})
			}
		default: // a group of numbered rows
			grp := row.Group
			j := i
			var members []string
			for j < len(rows) && rows[j].Group == grp {
				if printed(rows[j].Key) {
					members = append(members, rows[j].Key)
				}
				j++
			}
			i = j - 1
			if s, ok := sub[grp]; ok {
				block = append(block, brow{[]tcell{{text: ls.label(groupLabel[grp]), cs: 2}}, s})
				for _, m := range members {
					block = append(block, brow{[]tcell{{text: ls.rowLabel(c.Table3Row(m).Label), cs: 2}}, m})
				}
				continue
			}
			for k, m := range members {
				var cells []tcell
				if k == 0 {
					cells = append(cells, tcell{text: ls.label(groupLabel[grp]), rs: len(members)})
				}
				cells = append(cells, tcell{text: ls.rowLabel(c.Table3Row(m).Label)})
				block = append(block, brow{cells, m})
			}
		}
	}
	for _, k := range []string{schemas.RowNewReceived, schemas.RowCarriedOver} {
		if printed(k) {
			t.add(append([]tcell{{text: ls.rowLabel(c.Table3Row(k).Label), cs: 3}}, values(k)...)...)
		}
	}
	for i, b := range block {
		var cells []tcell
		if i == 0 {
			cells = append(cells, tcell{text: ls.label(groupLabel[schemas.GroupResults]), rs: len(block)})
		}
		cells = append(cells, b.cells...)
		t.add(append(cells, values(b.key)...)...)
	}
	if printed(schemas.RowCarriedForward) {
		t.add(append([]tcell{{text: ls.rowLabel(c.Table3Row(schemas.RowCarriedForward).Label), cs: 3}}, values(schemas.RowCarriedForward)...)...)
	}
	return t
}

// table4Model prints table 4: 15 columns, the official three-level header.
func table4Model(r *schemas.Report, ls labelStyle) *tmodel {
	c := schemas.Labels()
	ko := catKeys()
	t := &tmodel{cols: 15}
	top, subs := []string{}, []string{}
	for _, gr := range c.Table4.Groups {
		a, b, ok := strings.Cut(gr.Label, "·")
		if !ok {
			top, subs = append(top, a), append(subs, "")
			continue
		}
		top, subs = append(top, a), append(subs, b)
	}
	t.add(tcell{text: top[0], cs: 5, header: true}, tcell{text: top[1], cs: 10, header: true})
	var row2, row3 []tcell
	for _, o := range c.Table4.Outcomes {
		row2 = append(row2, tcell{text: ls.split(o.Label), rs: 2, header: true})
	}
	row2 = append(row2, tcell{text: subs[1], cs: 5, header: true}, tcell{text: subs[2], cs: 5, header: true})
	for range 2 {
		for _, o := range c.Table4.Outcomes {
			row3 = append(row3, tcell{text: ls.split(o.Label), header: true})
		}
	}
	t.add(row2...)
	t.add(row3...)
	var vals []tcell
	for _, grp := range ko.t4groups {
		for _, o := range ko.t4cols {
			v, _ := r.Table4.Get(grp, o)
			vals = append(vals, tcell{text: cellText(v)})
		}
	}
	t.add(vals...)
	return t
}
