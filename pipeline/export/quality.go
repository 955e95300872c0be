package export

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"xxgk/schemas"
)

// A summed row that does not add up. The summed tables add the numbers as published, faulty
// ones too (never corrected). A row of the summed tables is marked 不平 when at least one report
// counted in the region's figure has an error of the summing rules located in that row:
//
//   - R2 (the row's 总计 is not the sum of its six applicant columns), R3 (办理结果总计, or a
//     printed subtotal, is not the sum of its results), R5 (a printed number that is not a whole
//     count ≥ 0) — on the row they name; a subtotal row, which the summed table does not print,
//     on the first row of its group;
//   - R1 (a column's 本年新收 + 上年结转 ≠ 办理结果总计 + 结转下年度) names a column, not a row: on
//     the row 四、结转下年度继续办理, the last term of its equation;
//   - R4 (a table 4 group's 总计 is not the sum of its outcomes) and R5 in table 4: on table 4's row;
//   - R5 in table 2: on the item's row of the block of the report's template.
//
// Warnings (R6 carry-over across years, R7 prose, R8 completeness) and the violations of reports
// that the region's figure does not count (a county under a prefecture counted from its 全市汇总)
// mark nothing; all are listed in 数据质量, whose lines are ordered so that each marked row's
// lines are contiguous: the mark links to exactly them.

// qualityLine is one rule violation as 数据质量 lists it.
type qualityLine struct {
	v      *Violation
	row    string // the summed row it marks (rowKey), "" for none
	rank   int    // the summed row's position in the official tables (for the order)
	inSum  bool   // the region's figure counts the report
	number int    // 1-based position in the list
}

// mark is a summed row that does not add up: its quality lines (first..last, 1-based,
// contiguous) and how many reports they come from.
type mark struct {
	key          string
	first, last  int
	reports      int
	rules        []string
	acknowledged int
}

// rowKeys of the summed tables: t3/<row>, t4, t2/<format>/<item>.
func t3Key(row string) string                    { return "t3/" + row }
func t2Key(f schemas.Format, item string) string { return "t2/" + string(f) + "/" + item }

const t4Key = "t4"

// summedRows lists the row keys of the official tables in printed order.
func (s *Summary) summedRows() []string {
	cat := schemas.Labels()
	var out []string
	for _, b := range s.Table2 {
		for _, it := range cat.Table2Items(b.Format) {
			out = append(out, t2Key(b.Format, it.Key))
		}
	}
	for _, r := range cat.Table3Rows(s.Format()) {
		out = append(out, t3Key(r.Key))
	}
	return append(out, t4Key)
}

var summingRules = []string{"R1", "R2", "R3", "R4", "R5"}

// rowOf returns the summed row a violation marks ("" for none), by the rule above.
func (s *Summary) rowOf(v *Violation, present map[string]bool) string {
	if v.Severity != "error" || !slices.Contains(summingRules, v.Rule) || v.Source != "report" {
		return ""
	}
	row := text(v.RowKey)
	var k string
	switch text(v.TableName) {
	case schemas.Table4:
		k = t4Key
	case schemas.Table2:
		k = t2Key(schemas.Format(text(v.Format)), row)
	case schemas.Table3:
		switch {
		case row == "":
			k = t3Key(schemas.RowCarriedForward)
		case present[t3Key(row)]:
			k = t3Key(row)
		default:
			// a subtotal row (withheld_total …) or gb2019's (六) in the gb2021 layout: the first
			// row of its group
			g := strings.TrimSuffix(row, "_total")
			for _, r := range schemas.Labels().Table3Rows(s.Format()) {
				if r.Group == g {
					k = t3Key(r.Key)
					break
				}
			}
		}
	}
	if !present[k] {
		return ""
	}
	return k
}

// quality orders the rule violations for 数据质量 and finds the marks: first the lines that
// mark a summed row, by the row's position in the tables, then the others; within each by
// division, body, rule and order in the report. It is computed once per summary.
func (s *Summary) quality() ([]qualityLine, map[string]*mark) {
	if s.qlines != nil || s.qmarks != nil {
		return s.qlines, s.qmarks
	}
	rows := s.summedRows()
	rank := map[string]int{}
	present := map[string]bool{}
	for i, k := range rows {
		rank[k] = i + 1
		present[k] = true
	}
	lines := make([]qualityLine, len(s.Violations))
	for i := range s.Violations {
		v := &s.Violations[i]
		l := qualityLine{v: v, inSum: s.counted[v.ReportID]}
		if l.inSum {
			l.row = s.rowOf(v, present)
			l.rank = rank[l.row]
		}
		lines[i] = l
	}
	sort.SliceStable(lines, func(i, j int) bool {
		a, b := lines[i], lines[j]
		ra, rb := a.rank, b.rank
		if ra == 0 {
			ra = 1 << 30
		}
		if rb == 0 {
			rb = 1 << 30
		}
		if ra != rb {
			return ra < rb
		}
		if a.v.RegionCode != b.v.RegionCode {
			return a.v.RegionCode < b.v.RegionCode
		}
		if a.v.Body != b.v.Body {
			return a.v.Body < b.v.Body
		}
		if a.v.Rule != b.v.Rule {
			return a.v.Rule < b.v.Rule
		}
		return a.v.Seq < b.v.Seq
	})
	marks := map[string]*mark{}
	reports := map[string]map[int64]bool{}
	for i := range lines {
		l := &lines[i]
		l.number = i + 1
		if l.row == "" {
			continue
		}
		m := marks[l.row]
		if m == nil {
			m = &mark{key: l.row, first: l.number}
			marks[l.row] = m
			reports[l.row] = map[int64]bool{}
		}
		m.last = l.number
		reports[l.row][l.v.ReportID] = true
		if !slices.Contains(m.rules, l.v.Rule) {
			m.rules = append(m.rules, l.v.Rule)
		}
		if l.v.Acknowledged {
			m.acknowledged++
		}
	}
	for k, m := range marks {
		m.reports = len(reports[k])
		sort.Strings(m.rules)
	}
	s.qlines, s.qmarks = lines, marks
	return lines, marks
}

// words says what a mark means: 2份计入报告本行不平（R2、R3），3条，见数据质量第4–6条.
func (m *mark) words() string {
	n := m.last - m.first + 1
	w := fmt.Sprintf("不平：%d份计入报告本行印出的各部分之和与合计不符（%s），%d条", m.reports, strings.Join(m.rules, "、"), n)
	if m.acknowledged > 0 {
		w += fmt.Sprintf("（已核实%d条）", m.acknowledged)
	}
	return w
}

// markNote explains the marks in the sheets and the page.
const markNote = "“不平”标记：计入本汇总的报告中，有报告在该行违反求和规则（R1列平衡、R2行合计、R3办理结果合计或小计、" +
	"R4表四合计、R5非负整数；R1标在“结转下年度继续办理”行，小计标在该组第一行），即该行的合计数含有印出时就不平的数字；" +
	"数字按印出原样相加，不作更正。标记链接到数据质量中的相应各条。"

// location says where a violation is in words: 表三“予以公开”行“总计”列.
func location(v *Violation) string {
	t, row, col := text(v.TableName), text(v.RowKey), text(v.ColKey)
	if t == "" {
		return ""
	}
	f := schemas.Format(text(v.Format))
	w := nameOr(tableNames, t)
	if row != "" {
		l := rowLabel(t, row, f)
		if t == schemas.Table3 {
			if r := schemas.Labels().Table3Row(row); r != nil {
				l = r.Short()
			}
		}
		w += quoted(l)
		if t == schemas.Table3 {
			w += "行"
		}
	}
	if col != "" {
		w += quoted(colLabel(t, col))
		if t == schemas.Table3 {
			w += "列"
		}
	}
	return w
}

// rowName names a summed row in words: 表三“予以公开”, 表二（2021年格式）“规章”, 表四.
func rowName(key string) string {
	switch {
	case key == t4Key:
		return "表四"
	case strings.HasPrefix(key, "t3/"):
		return "表三" + quoted(t3RowShort(strings.TrimPrefix(key, "t3/")))
	case strings.HasPrefix(key, "t2/"):
		f, item, _ := strings.Cut(strings.TrimPrefix(key, "t2/"), "/")
		return fmt.Sprintf("表二（%s格式）%s", formatName(schemas.Format(f)), quoted(rowLabel(schemas.Table2, item, schemas.Format(f))))
	}
	return key
}

// fileName is the file of a report as 数据质量 shows it: the path as ingested.
func fileName(v *Violation) string {
	p := text(v.SourcePath)
	if p == "" {
		return ""
	}
	return filepath.ToSlash(p)
}
