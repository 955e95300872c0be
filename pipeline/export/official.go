package export

import (
	"fmt"
	"strings"

	"xxgk/schemas"
)

// The official tables are laid out once as a grid of (possibly merged) cells, which the XLSX
// and HTML writers both render: columns A–C hold the row labels (三、本年度办理结果 / （三）不予公开 /
// 1.属于国家秘密), D–J the seven applicant columns of table 3; table 2 spreads its measures over
// D–J; table 4 takes D–R (15 cells).

type cellKind int

const (
	kTitle cellKind = iota
	kNote
	kSection
	kCaption
	kHead
	kLabel
	kNum
)

// gcell is one cell of the grid; rowSpan/colSpan > 1 merge.
type gcell struct {
	row, col         int
	rowSpan, colSpan int
	kind             cellKind
	text             string
	val              Val
	decimal          bool
	key              string // t3/<row>/<col>, t4/<group>/<outcome>, t2/<format>/<item>/<measure>
	src              string // view.column the number comes from
}

type grid struct {
	cells []gcell
	rows  int
	cols  int
}

func (g *grid) add(c gcell) {
	if c.rowSpan == 0 {
		c.rowSpan = 1
	}
	if c.colSpan == 0 {
		c.colSpan = 1
	}
	g.cells = append(g.cells, c)
	if e := c.row + c.rowSpan; e > g.rows {
		g.rows = e
	}
	if e := c.col + c.colSpan; e > g.cols {
		g.cols = e
	}
}

const (
	labelCols = 3 // A–C
	t3Cols    = 7 // D–J
)

var cn = []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// sectionTitle returns "三、收到和处理政府信息公开申请情况" from the catalogue.
func sectionTitle(n int) string {
	for _, s := range schemas.Labels().Sections {
		if s.Number == n {
			return cn[n] + "、" + s.Label
		}
	}
	return cn[n]
}

func groupLabel(key string) string {
	for _, g := range schemas.Labels().Table3.Groups {
		if g.Key == key {
			return g.Label
		}
	}
	return key
}

// officialGrid lays out the title, tables 2, 3 and 4 summed over the region.
func officialGrid(s *Summary) *grid {
	g := &grid{}
	width := labelCols + t3Cols
	g.add(gcell{row: 0, col: 0, colSpan: width, kind: kTitle, text: s.title()})
	g.add(gcell{row: 1, col: 0, colSpan: width, kind: kNote, text: s.scopeNote()})
	r := 3
	g.add(gcell{row: r, col: 0, colSpan: width, kind: kSection, text: sectionTitle(2)})
	r++
	for _, b := range s.Table2 {
		if len(s.Table2) > 1 {
			g.add(gcell{row: r, col: 0, colSpan: width, kind: kCaption, text: fmt.Sprintf("按%s格式填报的%d份报告", formatName(b.Format), b.Reports)})
			r++
		}
		r = table2Grid(g, r, b)
	}
	if len(s.Table2) == 0 {
		g.add(gcell{row: r, col: 0, colSpan: width, kind: kCaption, text: "（无计入汇总的报告）"})
		r++
	}
	r++
	g.add(gcell{row: r, col: 0, colSpan: width, kind: kSection, text: sectionTitle(3)})
	r = table3Grid(g, r+1, s)
	if n := s.Formats[schemas.FormatGB2019]; n > 0 && s.Format() == schemas.FormatGB2021 {
		other := s.Table3["other_total"][6]
		var parts int64
		for _, k := range []string{"other_no_correction", "other_no_fee", "other_other"} {
			parts += s.Table3[k][6].i // a count; 0 when NULL
		}
		g.add(gcell{row: r, col: 0, colSpan: width, kind: kNote, text: fmt.Sprintf(
			"注：%d份报告按2019年格式填报，只印“%s”一行（共%s件），计入“%s”，未分入其下1–3项。",
			n, groupLabel("other"), fmtInt(other.i-parts), schemas.Labels().Table3Row("total_handled").Label)})
		r++
	}
	r++
	g.add(gcell{row: r, col: 0, colSpan: width, kind: kSection, text: sectionTitle(4)})
	table4Grid(g, r+1, s)
	return g
}

func formatName(f schemas.Format) string {
	switch f {
	case schemas.FormatGB2019:
		return "2019年"
	case schemas.FormatGB2021:
		return "2021年"
	}
	return string(f)
}

// title is "辽宁省2024年政府信息公开工作年度报告汇总表".
func (s *Summary) title() string {
	return fmt.Sprintf("%s%d年政府信息公开工作年度报告汇总表", s.Region.Name, s.Year)
}

// scopeNote says what was summed and how.
func (s *Summary) scopeNote() string {
	counties := s.Cur.CountyCount
	var fm []string
	for _, f := range []schemas.Format{schemas.FormatGB2021, schemas.FormatGB2019} {
		if n := s.Formats[f]; n > 0 {
			fm = append(fm, fmt.Sprintf("%s格式%d份", formatName(f), n))
		}
	}
	return fmt.Sprintf("汇总范围：%s计入汇总的报告%s份（%s），涉及%d个县级区划；其中本级机关报告%d份，汇总报告（全省/全市/全县汇总）%d份，"+
		"以汇总报告为准的区划其下级不另计；每个区划只计一次。数据：analytics.region_table2/3/4（运行 #%d）。",
		s.Region.Name, fmtInt(s.Cur.CountedReportCount), strings.Join(fm, "，"), counties,
		s.Cur.OwnReportCount, s.Cur.AreaBasisCount, s.Run.ID)
}

// spans splits the seven number columns among k measures.
func spans(k int) []int {
	switch k {
	case 1:
		return []int{7}
	case 2:
		return []int{3, 4}
	case 3:
		return []int{2, 2, 3}
	}
	out := make([]int, k)
	for i := range out {
		out[i] = 7 / k
	}
	out[k-1] += 7 - 7/k*k
	return out
}

// table2Grid lays out table 2 of one template: per article a title row, a header row
// (信息内容 and the measures) and one row per item.
func table2Grid(g *grid, r int, b Table2Block) int {
	cat := schemas.Labels()
	items := cat.Table2Items(b.Format)
	width := labelCols + t3Cols
	for i := 0; i < len(items); {
		j := i
		for j < len(items) && items[j].Article == items[i].Article && strings.Join(items[j].Measures, ",") == strings.Join(items[i].Measures, ",") {
			j++
		}
		ms := items[i].Measures
		sp := spans(len(ms))
		g.add(gcell{row: r, col: 0, colSpan: width, kind: kHead, text: items[i].Article})
		r++
		g.add(gcell{row: r, col: 0, colSpan: labelCols, kind: kHead, text: schemas.Labels().Headers.Table2Content})
		c := labelCols
		for k, m := range ms {
			g.add(gcell{row: r, col: c, colSpan: sp[k], kind: kHead, text: cat.Measure(m).Label})
			c += sp[k]
		}
		r++
		for _, it := range items[i:j] {
			g.add(gcell{row: r, col: 0, colSpan: labelCols, kind: kLabel, text: it.Label})
			c := labelCols
			for k, m := range ms {
				g.add(gcell{row: r, col: c, colSpan: sp[k], kind: kNum, val: b.Values[it.Key][m], decimal: cat.Measure(m).Decimal,
					key: fmt.Sprintf("t2/%s/%s/%s", b.Format, it.Key, m), src: "analytics.region_table2.value"})
				c += sp[k]
			}
			r++
		}
		i = j
	}
	return r
}

// table3Grid lays out table 3 in the layout of the region's template.
func table3Grid(g *grid, r int, s *Summary) int {
	cat := schemas.Labels()
	cols := cat.Table3.Columns
	// header: 申请人情况 / 自然人, 法人或其他组织 (5), 总计
	g.add(gcell{row: r, col: 0, rowSpan: 3, colSpan: labelCols, kind: kHead})
	g.add(gcell{row: r, col: labelCols, colSpan: t3Cols, kind: kHead, text: schemas.Labels().Headers.Table3Applicants})
	for i := 0; i < len(cols); {
		c := cols[i]
		if c.Group == "" {
			g.add(gcell{row: r + 1, col: labelCols + i, rowSpan: 2, kind: kHead, text: c.Label})
			i++
			continue
		}
		j := i
		for j < len(cols) && cols[j].Group == c.Group {
			g.add(gcell{row: r + 2, col: labelCols + j, kind: kHead, text: cols[j].Label})
			j++
		}
		g.add(gcell{row: r + 1, col: labelCols + i, colSpan: j - i, kind: kHead, text: c.Group})
		i = j
	}
	r += 3
	rows := cat.Table3Rows(s.Format())
	first, last := -1, -1
	for i, row := range rows {
		if row.Group != "" && first < 0 {
			first = i
		}
		if row.Key == "total_handled" {
			last = i
		}
	}
	if first >= 0 && last >= first {
		g.add(gcell{row: r + first, col: 0, rowSpan: last - first + 1, kind: kLabel, text: groupLabel("results")})
	}
	for i := 0; i < len(rows); {
		row := rows[i]
		inResults := i >= first && i <= last
		switch {
		case row.Group != "" && row.Group != "results":
			j := i
			for j < len(rows) && rows[j].Group == row.Group {
				j++
			}
			g.add(gcell{row: r + i, col: 1, rowSpan: j - i, kind: kLabel, text: groupLabel(row.Group)})
			for k := i; k < j; k++ {
				g.add(gcell{row: r + k, col: 2, kind: kLabel, text: rows[k].Label})
				t3Values(g, r+k, rows[k].Key, s)
			}
			i = j
			continue
		case inResults:
			g.add(gcell{row: r + i, col: 1, colSpan: 2, kind: kLabel, text: row.Label})
		default:
			g.add(gcell{row: r + i, col: 0, colSpan: labelCols, kind: kLabel, text: row.Label})
		}
		t3Values(g, r+i, row.Key, s)
		i++
	}
	return r + len(rows)
}

func t3Values(g *grid, r int, key string, s *Summary) {
	vals := s.Table3[key]
	for i, c := range schemas.Labels().Table3ColumnKeys() {
		g.add(gcell{row: r, col: labelCols + i, kind: kNum, val: vals[i], key: "t3/" + key + "/" + c, src: "analytics.region_table3." + c})
	}
}

// table4Grid lays out table 4: 行政复议 (5) | 行政诉讼: 未经复议直接起诉 (5), 复议后起诉 (5).
func table4Grid(g *grid, r int, s *Summary) int {
	cat := schemas.Labels()
	outs := cat.Table4.Outcomes
	g.add(gcell{row: r, col: 0, rowSpan: 3, colSpan: labelCols, kind: kHead})
	c := labelCols
	var parent string
	parentCol := 0
	for _, grp := range cat.Table4.Groups {
		top, sub, nested := strings.Cut(grp.Label, "·")
		if !nested {
			g.add(gcell{row: r, col: c, colSpan: len(outs), kind: kHead, text: grp.Label})
			for k, o := range outs {
				g.add(gcell{row: r + 1, col: c + k, rowSpan: 2, kind: kHead, text: o.Label})
			}
		} else {
			if top != parent {
				parent, parentCol = top, c
			}
			g.add(gcell{row: r + 1, col: c, colSpan: len(outs), kind: kHead, text: sub})
			for k, o := range outs {
				g.add(gcell{row: r + 2, col: c + k, kind: kHead, text: o.Label})
			}
		}
		c += len(outs)
		if nested {
			// the parent header spans every nested group seen so far
			g.cells = removeParent(g.cells, r, parentCol)
			g.add(gcell{row: r, col: parentCol, colSpan: c - parentCol, kind: kHead, text: parent})
		}
	}
	r += 3
	g.add(gcell{row: r, col: 0, colSpan: labelCols, kind: kLabel, text: s.Region.Name})
	c = labelCols
	for _, grp := range cat.Table4.Groups {
		vals := s.Table4[grp.Key]
		for k, o := range outs {
			g.add(gcell{row: r, col: c, kind: kNum, val: vals[k], key: "t4/" + grp.Key + "/" + o.Key, src: "analytics.region_table4." + o.Key})
			c++
		}
	}
	return r + 1
}

func removeParent(cells []gcell, row, col int) []gcell {
	out := cells[:0]
	for _, c := range cells {
		if c.row == row && c.col == col && c.kind == kHead {
			continue
		}
		out = append(out, c)
	}
	return out
}
