// Package validate applies the consistency rules (勾稽关系) R1–R8 of the report format to
// parsed reports, derives the totals a report left blank, and decides a report's status.
//
// A report that breaks a rule is kept as printed: every broken equation becomes one
// schemas.Check with the rule, the cell it concerns, the value the parts sum to (Expected), the
// value printed (Found) and a short Chinese message for the office. Cells that are a dash or
// missing take no part in an equation: an equation with such a term is skipped (the parser
// reports missing cells as problems already). Blank cells count as 0. An equation whose terms
// are all derived is skipped too: it follows from the equations of its parts.
//
// Use: r.Checks = append(Validate(r), Chain(prev, r)...) (Validate is Derive then Report),
// r.Status = Status(r).
package validate

import (
	"fmt"
	"strings"

	"xxgk/schemas"
)

// Rules and their severities.
const (
	RuleColumns    = "R1" // new_received + carried_over = total_handled + carried_forward
	RuleRows       = "R2" // total = sum of the six applicant columns
	RuleResults    = "R3" // total_handled = sum of the results; subtotals = sum of their group
	RuleAppeals    = "R4" // table 4 total = upheld + corrected + other + pending
	RuleWhole      = "R5" // counts are whole numbers ≥ 0
	RuleChain      = "R6" // carried_over = last year's carried_forward
	RuleStatements = "R7" // figures stated in the prose agree with the tables
	RuleFormat     = "R8" // no marker words of the other format; all expected cells present
)

// Severity returns the severity of a rule: error for R1–R5, warning for R6–R8.
func Severity(rule string) schemas.Severity {
	switch rule {
	case RuleChain, RuleStatements, RuleFormat:
		return schemas.SeverityWarning
	}
	return schemas.SeverityError
}

// Validate derives what can be derived (Derive) and returns the checks of Report, reading the
// tables once. Use it when both are wanted, as parse and ingest do.
func Validate(r *schemas.Report) []schemas.Check {
	if r == nil {
		return nil
	}
	v := &checker{s: catalogue(), r: r}
	v.d.load(v.s, r)
	derive(r, &v.d)
	return v.run()
}

// Report checks rules R1, R2, R3, R4, R5, R7 and R8 on one report and returns the violations in
// rule order, then catalogue order (rows, columns, groups as printed). Call Derive first. A
// pre2019 report has no tables and gives no checks. R6 needs two years: see Chain.
func Report(r *schemas.Report) []schemas.Check {
	if r == nil || r.Format == schemas.FormatPre2019 {
		return nil
	}
	v := &checker{s: catalogue(), r: r}
	v.d.load(v.s, r)
	return v.run()
}

func (v *checker) run() []schemas.Check {
	if v.r.Format == schemas.FormatPre2019 {
		return nil
	}
	v.columns()
	v.rows()
	v.results()
	v.appeals()
	v.whole()
	v.statements()
	v.format()
	return v.out
}

// Chain checks rule R6: this year's carried_over equals last year's carried_forward, column by
// column. The caller pairs the reports (same body); Chain returns nil when either is nil or
// when both years are known and cur is not the year after prev. Cells without a value on
// either side are skipped.
func Chain(prev, cur *schemas.Report) []schemas.Check {
	if prev == nil || cur == nil {
		return nil
	}
	if prev.Year != 0 && cur.Year != 0 && cur.Year != prev.Year+1 {
		return nil
	}
	s := catalogue()
	var out []schemas.Check
	for _, col := range s.cols {
		p, _ := prev.Table3.Get(schemas.RowCarriedForward, col)
		c, _ := cur.Table3.Get(schemas.RowCarriedOver, col)
		if !p.HasValue() || !c.HasValue() || p.Value == c.Value {
			continue
		}
		year := "上一年度"
		if prev.Year != 0 {
			year = fmt.Sprintf("%d年", prev.Year)
		}
		out = append(out, check(RuleChain, schemas.Table3, schemas.RowCarriedOver, col, &p.Value, &c.Value,
			fmt.Sprintf("表三“%s”列：上年结转=%s，%s报告结转下年度=%s", s.col(col), c.Value, year, p.Value)))
	}
	return out
}

func check(rule, table, row, col string, expected, found *schemas.Dec, msg string) schemas.Check {
	c := schemas.Check{Rule: rule, Severity: Severity(rule), Table: table, Row: row, Column: col, Message: msg}
	if expected != nil {
		e := *expected
		c.Expected = &e
	}
	if found != nil {
		f := *found
		c.Found = &f
	}
	return c
}

type checker struct {
	s   *shape
	r   *schemas.Report
	d   dense
	out []schemas.Check
}

func (v *checker) add(rule, table, row, col string, expected, found *schemas.Dec, msg string) {
	v.out = append(v.out, check(rule, table, row, col, expected, found, msg))
}

// broken reports whether an equation parts = total is checked and fails: both sides have
// every term, not every term is derived, and the sides differ.
func broken(parts, total sum) bool {
	return parts.ok && total.ok && parts.v != total.v && !(parts.allDerived && total.allDerived)
}

// R1: every column of table 3, new_received + carried_over = total_handled + carried_forward.
func (v *checker) columns() {
	s, d := v.s, &v.d
	for ci, col := range s.cols {
		in := join(one(d.t3[s.iNew][ci]), one(d.t3[s.iOver][ci]))
		out := join(one(d.t3[s.iHandled][ci]), one(d.t3[s.iFwd][ci]))
		if broken(in, out) {
			v.add(RuleColumns, schemas.Table3, "", col, &in.v, &out.v,
				fmt.Sprintf("表三“%s”列：本年新收+上年结转=%s，办理结果总计+结转下年度=%s", s.col(col), in.v, out.v))
		}
	}
}

// R2: every row of table 3 present in the report, total = sum of the six applicant columns.
func (v *checker) rows() {
	s, d := v.s, &v.d
	for ri, row := range s.rows {
		if !d.row3[ri] {
			continue
		}
		parts, total := d.rowSum(ri, s.iApplicant), one(d.t3[ri][s.iTotal])
		if broken(parts, total) {
			v.add(RuleRows, schemas.Table3, row, schemas.ColTotal, &parts.v, &total.v,
				fmt.Sprintf("表三“%s”行：各类申请人之和=%s，总计=%s", s.row(row), parts.v, total.v))
		}
	}
}

// R3: every column, total_handled = sum of the results; each printed subtotal (and a printed
// gb2021 other_total) = sum of its group.
func (v *checker) results() {
	s, d := v.s, &v.d
	for ci, col := range s.cols {
		parts := d.colSum(s.iResults, ci)
		// (六): the three gb2021 rows when they all have a value, else other_total.
		other := d.colSum(s.iOtherRows, ci)
		if !other.ok || v.r.Format == schemas.FormatGB2019 {
			other = one(d.t3[s.iOther][ci])
		}
		parts = join(parts, other)
		total := one(d.t3[s.iHandled][ci])
		if broken(parts, total) {
			v.add(RuleResults, schemas.Table3, schemas.RowTotalHandled, col, &parts.v, &total.v,
				fmt.Sprintf("表三“%s”列：予以公开+部分公开+不予公开+无法提供+不予处理+其他处理=%s，办理结果总计=%s",
					s.col(col), parts.v, total.v))
		}
	}
	subs := s.subtotals
	if v.r.Format != schemas.FormatGB2019 {
		subs = append(subs[:len(subs):len(subs)], subtotal{key: schemas.RowOtherTotal, idx: s.iOther, iPart: s.iOtherRows})
	}
	for _, st := range subs {
		if !d.row3[st.idx] {
			continue
		}
		for ci, col := range s.cols {
			c := d.t3[st.idx][ci]
			if c.s != sNumber {
				continue
			}
			parts, total := d.colSum(st.iPart, ci), one(c)
			if broken(parts, total) {
				v.add(RuleResults, schemas.Table3, st.key, col, &parts.v, &total.v,
					fmt.Sprintf("表三“%s”行“%s”列：分项之和=%s，小计=%s", s.row(st.key), s.col(col), parts.v, total.v))
			}
		}
	}
}

// R4: table 4, each group's total = upheld + corrected + other + pending.
func (v *checker) appeals() {
	s, d := v.s, &v.d
	for gi, grp := range s.t4groups {
		if !d.row4[gi] {
			continue
		}
		parts, total := d.t4Sum(gi, s.i4Parts), one(d.t4[gi][s.i4Total])
		if broken(parts, total) {
			v.add(RuleAppeals, schemas.Table4, grp, s.t4cols[s.i4Total], &parts.v, &total.v,
				fmt.Sprintf("表四“%s”：结果维持+结果纠正+其他结果+尚未审结=%s，总计=%s", s.group4(grp), parts.v, total.v))
		}
	}
}

// R5: every printed count is a whole number ≥ 0. Table 2 measures flagged signed may be
// negative; decimal measures and the fee may have decimals but not be negative. Blank cells
// are 0 and derived cells follow from their parts, so only printed numbers are looked at.
func (v *checker) whole() {
	s, d := v.s, &v.d
	g2 := v.r.Table2
	for _, m := range s.t2[v.r.Format] {
		cell, ok := g2.Get(m.item, m.measure)
		if !ok || cell.State != schemas.StateNumber {
			continue
		}
		if msg := badValue(cell.Value, m.signed, m.decimal); msg != "" {
			v.add(RuleWhole, schemas.Table2, m.item, m.measure, nil, &cell.Value,
				fmt.Sprintf("表二%s：%s，实为%s", m.name, msg, cell.Value))
		}
	}
	for ri, row := range s.rows {
		if !d.row3[ri] {
			continue
		}
		for ci, col := range s.cols {
			c := d.t3[ri][ci]
			if c.s != sNumber {
				continue
			}
			if msg := badValue(c.v, false, false); msg != "" {
				v.add(RuleWhole, schemas.Table3, row, col, nil, &c.v,
					fmt.Sprintf("表三“%s”行“%s”列：%s，实为%s", s.row(row), s.col(col), msg, c.v))
			}
		}
	}
	for gi, grp := range s.t4groups {
		for oi, o := range s.t4cols {
			c := d.t4[gi][oi]
			if c.s != sNumber {
				continue
			}
			if msg := badValue(c.v, false, false); msg != "" {
				v.add(RuleWhole, schemas.Table4, grp, o, nil, &c.v,
					fmt.Sprintf("表四“%s·%s”：%s，实为%s", s.group4(grp), s.outcome4(o), msg, c.v))
			}
		}
	}
	if fee := v.r.Fee; fee.State == schemas.StateNumber {
		if msg := badValue(fee.Value, false, true); msg != "" {
			v.add(RuleWhole, "", schemas.StatedFees, "", nil, &fee.Value,
				fmt.Sprintf("信息处理费：%s，实为%s", msg, fee.Value))
		}
	}
}

// badValue says what is wrong with a printed value, or "".
func badValue(d schemas.Dec, signed, decimal bool) string {
	switch {
	case decimal && d < 0:
		return "金额不应为负数"
	case decimal:
		return ""
	case !d.IsInt() && (signed || d >= 0):
		return "应为整数"
	case !signed && d < 0:
		return "应为非负整数"
	}
	return ""
}

// R7: figures stated in the prose (not approximate) agree with the tables.
func (v *checker) statements() {
	for _, st := range v.r.Statements {
		if st.Approx {
			continue
		}
		switch st.Measure {
		case schemas.StatedRequests:
			c := v.d.t3[v.s.iNew][v.s.iTotal]
			if !c.has() || c.v == st.Value {
				continue
			}
			v.add(RuleStatements, schemas.Table3, schemas.RowNewReceived, schemas.ColTotal, &c.v, &st.Value,
				fmt.Sprintf("正文%s所述申请数为%s件，表三“%s”行“总计”列为%s件",
					sectionName(st.Section), st.Value, v.s.row(schemas.RowNewReceived), c.v))
		case schemas.StatedFees:
			c := v.r.Fee
			if !c.HasValue() || c.Value == st.Value {
				continue
			}
			v.add(RuleStatements, "", schemas.StatedFees, "", &c.Value, &st.Value,
				fmt.Sprintf("正文%s所述信息处理费为%s元，报告所记信息处理费为%s元", sectionName(st.Section), st.Value, c.Value))
		}
	}
}

func sectionName(n int) string {
	const numerals = "一二三四五六"
	if n < 1 || n > 6 {
		return ""
	}
	return "第" + string([]rune(numerals)[n-1]) + "部分"
}

// R8: no marker words of the other format; every official row, every table 4 cell and every
// table 2 item/measure of the format present. A table with no cell at all gives one check for
// the table instead of one per row. A table 2 row printed in the other template (a block with
// the other format's header words, read by them) gives one check for the row instead of one
// per measure it lacks. Reports of unknown format are not checked.
func (v *checker) format() {
	f := v.r.Format
	if f != schemas.FormatGB2019 && f != schemas.FormatGB2021 {
		return
	}
	other := schemas.FormatGB2019
	if f == schemas.FormatGB2019 {
		other = schemas.FormatGB2021
	}
	if words := v.r.Markers[other]; len(words) > 0 {
		v.add(RuleFormat, "", "", "", nil, nil,
			fmt.Sprintf("报告为%s格式，却出现%s的标签：%s", formatName(f), formatName(other), strings.Join(words, "、")))
	}

	s, d := v.s, &v.d
	if g := v.r.Table2; v.tablePresent(schemas.Table2, anyPresent(g)) {
		// a block printed in the other template (its rows read by their own header words):
		// one check per such row, instead of one per measure of f it lacks
		mixed := map[string]bool{}
		for _, m := range s.t2[other] {
			if mixed[m.item] {
				continue
			}
			if c, _ := g.Get(m.item, m.measure); !present(c) || s.inFormat(f, m.item, m.measure) {
				continue
			}
			mixed[m.item] = true
			var words []string
			for _, o := range s.t2[other] {
				if o.item == m.item {
					words = append(words, o.label)
				}
			}
			v.add(RuleFormat, schemas.Table2, m.item, "", nil, nil,
				fmt.Sprintf("表二“%s”行按%s的表头填报（%s），报告为%s", s.t2item(other, m.item), formatName(other), strings.Join(words, "、"), formatName(f)))
		}
		for _, m := range s.t2[f] {
			if mixed[m.item] {
				continue
			}
			if c, _ := g.Get(m.item, m.measure); !present(c) {
				v.add(RuleFormat, schemas.Table2, m.item, m.measure, nil, nil, "表二缺少"+m.name)
			}
		}
	}
	if v.tablePresent(schemas.Table3, d.any3()) {
		for _, ri := range s.iOfficial[f] {
			var missing []string
			for ci, col := range s.cols {
				if !d.t3[ri][ci].present() {
					missing = append(missing, "“"+s.col(col)+"”")
				}
			}
			row := s.rows[ri]
			switch {
			case len(missing) == len(s.cols):
				v.add(RuleFormat, schemas.Table3, row, "", nil, nil, fmt.Sprintf("表三缺少“%s”行", s.row(row)))
			case len(missing) > 0:
				v.add(RuleFormat, schemas.Table3, row, "", nil, nil,
					fmt.Sprintf("表三“%s”行缺少%s列", s.row(row), strings.Join(missing, "、")))
			}
		}
	}
	if v.tablePresent(schemas.Table4, d.any4()) {
		for gi, grp := range s.t4groups {
			for oi, o := range s.t4cols {
				if !d.t4[gi][oi].present() {
					v.add(RuleFormat, schemas.Table4, grp, o, nil, nil,
						fmt.Sprintf("表四缺少“%s·%s”", s.group4(grp), s.outcome4(o)))
				}
			}
		}
	}
}

// tablePresent returns ok; if the table holds no cell at all, it records one R8 check for the
// whole table.
func (v *checker) tablePresent(table string, ok bool) bool {
	if !ok {
		v.add(RuleFormat, table, "", "", nil, nil, fmt.Sprintf("未读到%s", tableName(table)))
	}
	return ok
}

func anyPresent(g schemas.Grid) bool {
	for _, row := range g {
		for _, c := range row {
			if present(c) {
				return true
			}
		}
	}
	return false
}

func (d *dense) any3() bool {
	for ri := range d.t3 {
		for _, c := range d.t3[ri] {
			if c.present() {
				return true
			}
		}
	}
	return false
}

func (d *dense) any4() bool {
	for gi := range d.t4 {
		for _, c := range d.t4[gi] {
			if c.present() {
				return true
			}
		}
	}
	return false
}

func present(c schemas.Cell) bool { return c.State != "" && c.State != schemas.StateMissing }

// Status returns the status of a report from its format and problems, the one definition
// shared by parse and ingest:
//
//   - failed: the format is pre2019, or a problem says the input is not a report, could not be
//     decoded or read (not_report, undecodable, unsupported, needs_ocr, pre2019), or
//     table_missing problems cover all three tables (a table_missing problem without a
//     table counts for all);
//   - incomplete: otherwise, any problem of severity error (or without a severity);
//   - complete: otherwise. Rule violations (checks) do not change the status.
func Status(r *schemas.Report) string {
	if r == nil {
		return schemas.StatusFailed
	}
	if r.Format == schemas.FormatPre2019 {
		return schemas.StatusFailed
	}
	var missing [3]bool
	incomplete := false
	for _, p := range r.Problems {
		switch p.Code {
		case schemas.ProblemNotReport, schemas.ProblemUndecodable, schemas.ProblemUnsupported,
			schemas.ProblemNeedsOCR, schemas.ProblemPre2019:
			return schemas.StatusFailed
		case schemas.ProblemTableMissing:
			switch p.Table {
			case schemas.Table2:
				missing[0] = true
			case schemas.Table3:
				missing[1] = true
			case schemas.Table4:
				missing[2] = true
			case "":
				missing = [3]bool{true, true, true}
			}
		}
		if p.Severity == schemas.SeverityError || p.Severity == "" {
			incomplete = true
		}
	}
	switch {
	case missing[0] && missing[1] && missing[2]:
		return schemas.StatusFailed
	case incomplete:
		return schemas.StatusIncomplete
	}
	return schemas.StatusComplete
}
