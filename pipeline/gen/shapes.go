package gen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode/utf8"

	"xxgk/schemas"
)

// Tables as they are really published (issue 13): a share of the reports is printed as padded
// rows, with cells run together, or as an HTML page with the official merged-cell table 2, and
// some print table 2's first block in the other template (mixed-t2). Their gold says what a
// careful reader can know: a run-together row whose split the rules force has cells of state
// split (its dash marks, as a table 2 row of an item a body does not have prints them, "规章///",
// cells of state dash), one they do not force is flagged (cells missing, a problem, the R8
// checks validate then reports). Which rows are forced is decided here, by an enumeration
// written for the generator alone (independent of the parser's splitter), with the same
// limits as the parser: at most splitMaxCell digits a cell, runs of at most runMax(k)
// characters, at most splitMaxCandidates splits a row and splitMaxCombos combinations for the
// whole table.
const (
	splitMaxCell       = 9
	splitMaxCandidates = 16
	splitMaxCombos     = 4096
)

func runMax(k int) int { return max(4*k, splitMaxCell) }

// Shares of the shapes and of mixed-t2, drawn from a stream of their own.
const (
	sharePadded      = 0.03
	shareRunTogether = 0.04
	shareOfficial    = 0.25 // of HTML pages
	shareMixedT2     = 0.03
)

// moreShapes may print d in one of the shapes of issue 13 and may print table 2's first block
// in the other template; it changes d's gold accordingly and returns the traits. vr is the
// report's variant; traits are those already drawn (units, dashes …).
func moreShapes(rng *rand.Rand, d *Doc, vr variant, traits []string) []string {
	var out []string
	text := d.Shape >= ShapeCells && d.Shape <= ShapeMarkdown
	d.Opts.SpanSeed = rng.Uint64()
	x := rng.Float64()
	fits := text && runTogetherFits(d.Gold, vr, traits)
	dashed := false // dashes in tables 3 or 4: run together four times as often, to be seen
	for _, t := range traits {
		dashed = dashed || t == "dash-t3" || t == "dash-t4"
	}
	share := shareRunTogether
	if dashed {
		share *= 4
	}
	switch {
	case text && x < sharePadded:
		d.Shape = ShapePadded
	case fits && x < sharePadded+share:
		d.Shape = ShapeRunTogether
	case d.Shape == ShapeHTML && x < shareOfficial:
		d.Shape = ShapeHTMLOfficial
	}
	if d.Shape != ShapeRunTogether && rng.Float64() < shareMixedT2 {
		mixTable2(d.Gold)
		out = append(out, "mixed-t2")
	}
	if d.Shape == ShapeRunTogether {
		if rng.IntN(2) == 0 {
			ambiguate(rng, d)
			out = append(out, "run-ambiguous")
		}
		runTogetherGold(d.Gold)
	}
	return out
}

// ambiguate gives a report to be printed run together rows whose splits the rules cannot
// decide, as real tables sometimes have: two result rows of table 3 whose cells in a pair of
// neighbouring columns read 1 | 10 and 11 | 0 (run together "110…" both: each also splits as
// 11 | 0 and 1 | 10, and those two other splits together give the same column sums); and
// table 4's review group 1 | 0 | 0 | 10 | 11 (also 10 | 0 | 1 | 0 | 11). The tables stay
// consistent: the other result rows give up what the two rows gain, as far as they hold it,
// and the rest is added to 本年新收 (and to the request count the prose states).
func ambiguate(rng *rand.Rand, d *Doc) {
	r := d.Gold
	ko := catKeys()
	results := ko.outcomes[:ko.nResults]
	if ko.subtotals != nil {
		for _, st := range ko.subOrder {
			delete(r.Table3, st) // subtotals are not printed here: the rows change
		}
	}
	get := func(row, col string) int64 { v, _ := r.Table3.Get(row, col); return v.Value.Int() }
	set := func(row, col string, v int64) {
		r.Table3.Set(row, col, schemas.Cell{State: schemas.StateNumber, Value: schemas.DecInt(v)})
	}
	c := rng.IntN(len(ko.applicant) - 1)
	cols := [2]string{ko.applicant[c], ko.applicant[c+1]}
	ia := rng.IntN(len(results))
	ib := (ia + 1 + rng.IntN(len(results)-1)) % len(results)
	a, b := results[ia], results[ib]
	want := map[string][2]int64{a: {1, 10}, b: {11, 0}}
	oldReq := get(schemas.RowNewReceived, schemas.ColTotal)
	for k, col := range cols {
		diff := want[a][k] + want[b][k] - get(a, col) - get(b, col) // what the two rows gain
		set(a, col, want[a][k])
		set(b, col, want[b][k])
		for _, row := range results {
			if row == a || row == b || diff == 0 {
				continue
			}
			v := get(row, col)
			t := min(v, diff) // diff < 0: the row takes it all
			set(row, col, v-t)
			diff -= t
		}
		// what the others could not give: more requests handled, and so received
		set(schemas.RowTotalHandled, col, get(schemas.RowTotalHandled, col)+diff)
		set(schemas.RowNewReceived, col, get(schemas.RowNewReceived, col)+diff)
	}
	for _, row := range append([]string{schemas.RowTotalHandled, schemas.RowNewReceived}, results...) {
		var t int64
		for _, col := range ko.applicant {
			t += get(row, col)
		}
		set(row, schemas.ColTotal, t)
	}
	if req := get(schemas.RowNewReceived, schemas.ColTotal); req != oldReq {
		for i := range r.Statements {
			if r.Statements[i].Measure == schemas.StatedRequests {
				r.Statements[i].Value = schemas.DecInt(req)
			}
		}
		from, to := "申请"+strconv.FormatInt(oldReq, 10)+"件", "申请"+strconv.FormatInt(req, 10)+"件"
		for i := range d.Prose.Sections {
			for j, p := range d.Prose.Sections[i] {
				d.Prose.Sections[i][j] = strings.ReplaceAll(p, from, to)
			}
		}
		for j, p := range d.Prose.Intro {
			d.Prose.Intro[j] = strings.ReplaceAll(p, from, to)
		}
	}
	for i, v := range []int64{1, 0, 0, 10, 11} {
		r.Table4.Set(ko.t4groups[0], ko.t4cols[i], schemas.Cell{State: schemas.StateNumber, Value: schemas.DecInt(v)})
	}
}

// runTogetherFits says whether a report can be printed with its cells run together: every
// cell of tables 3 and 4 printed as a plain number or a dash (no blank or unit: run together
// they leave no trace or are no digits) and no injected fault (a row breaking a rule may split
// another way by chance).
func runTogetherFits(r *schemas.Report, vr variant, traits []string) bool {
	if vr.fault != FaultNone || vr.blankTotals || vr.blankZeros {
		return false
	}
	for _, t := range traits {
		if t == "units" {
			return false
		}
	}
	ko := catKeys()
	for row, cells := range r.Table3 {
		if row == schemas.RowOtherTotal && r.Format == schemas.FormatGB2021 {
			continue // derived, not printed
		}
		for _, col := range ko.cols {
			if c := cells[col]; !plainOrDash(c) {
				return false
			}
		}
	}
	for _, grp := range ko.t4groups {
		for _, o := range ko.t4cols {
			if c, _ := r.Table4.Get(grp, o); !plainOrDash(c) {
				return false
			}
		}
	}
	return true
}

// plainOrDash: a cell printed as a plain number or as a dash.
func plainOrDash(c schemas.Cell) bool {
	return c.State == schemas.StateNumber && c.Text == "" || c.State == schemas.StateDash
}

func allDigits(d string) bool {
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	return true
}

// compositions returns every way to cut the digit run d into k cells of 1..splitMaxCell digits
// without a leading zero (none when d holds anything but digits), as cell values.
func compositions(d string, k int) [][]int64 {
	if !allDigits(d) {
		return nil
	}
	var out [][]int64
	cur := make([]int64, 0, k)
	var rec func(rest string)
	rec = func(rest string) {
		if len(cur) == k {
			if rest == "" {
				out = append(out, append([]int64(nil), cur...))
			}
			return
		}
		for l := 1; l <= len(rest) && l <= splitMaxCell; l++ {
			if l > 1 && rest[0] == '0' {
				break
			}
			v, _ := strconv.ParseInt(rest[:l], 10, 64)
			cur = append(cur, v)
			rec(rest[l:])
			cur = cur[:len(cur)-1]
		}
	}
	rec(d)
	return out
}

// Dash marks in a run (as pipeline/parse reads them): a line dash (- — – － ― ─ ‐ ‑ −) is a
// dash cell alone or together with the line dashes next to it; / ／ \ 无 are each a dash cell
// of their own.
const (
	lineDashes  = "-—–－―─‐‑−"
	singleMarks = "/／\\无"
)

// runPieces cuts a run into its pieces: maximal digit strings, maximal strings of line
// dashes, single marks; ok is false when the run holds anything else.
func runPieces(d string) (pieces []string, ok bool) {
	kind := func(r rune) int {
		switch {
		case r >= '0' && r <= '9':
			return 1
		case strings.ContainsRune(lineDashes, r):
			return 2
		case strings.ContainsRune(singleMarks, r):
			return 3
		}
		return 0
	}
	prev := 0
	for _, r := range d {
		k := kind(r)
		if k == 0 {
			return nil, false
		}
		if k == prev && k != 3 {
			pieces[len(pieces)-1] += string(r)
		} else {
			pieces = append(pieces, string(r))
		}
		prev = k
	}
	return pieces, true
}

// pieceCells returns every way to read one piece as cells: a digit string cut into counts,
// line dashes grouped into one or more dash cells, a single mark one dash cell.
func pieceCells(p string) [][]string {
	if allDigits(p) {
		var out [][]string
		for j := 1; j <= len(p); j++ {
			for _, vs := range compositions(p, j) {
				texts := make([]string, len(vs))
				for i, v := range vs {
					texts[i] = strconv.FormatInt(v, 10)
				}
				out = append(out, texts)
			}
		}
		return out
	}
	rs := []rune(p)
	if len(rs) == 1 {
		return [][]string{{p}}
	}
	// line dashes: each of the 2^(n-1) choices of where to cut between them
	var out [][]string
	for mask := 0; mask < 1<<(len(rs)-1); mask++ {
		var texts []string
		start := 0
		for i := 1; i <= len(rs); i++ {
			if i == len(rs) || mask&(1<<(i-1)) != 0 {
				texts = append(texts, string(rs[start:i]))
				start = i
			}
		}
		out = append(out, texts)
	}
	return out
}

// runReadings returns every reading of a table 2 run as k cell texts (at most
// splitMaxCandidates+1 of them): the readings of its pieces, one after the other, that make k
// cells together. None when the run holds anything but digits and dash marks or is longer
// than runMax(k) characters.
func runReadings(d string, k int) [][]string {
	return readings(d, k, splitMaxCandidates+1)
}

// readings returns the readings of the run d as k cells, at most limit of them (limit < 0: all).
func readings(d string, k, limit int) [][]string {
	pieces, ok := runPieces(d)
	if !ok || utf8.RuneCountInString(d) > runMax(k) {
		return nil
	}
	var out [][]string
	var cur []string
	var rec func(i int)
	rec = func(i int) {
		if limit >= 0 && len(out) >= limit || len(cur) > k {
			return
		}
		if i == len(pieces) {
			if len(cur) == k {
				out = append(out, append([]string(nil), cur...))
			}
			return
		}
		for _, cells := range pieceCells(pieces[i]) {
			n := len(cur)
			cur = append(cur, cells...)
			rec(i + 1)
			cur = cur[:n]
		}
	}
	rec(0)
	return out
}

// dashSplits returns the readings of a run holding dash marks as k cells whose groups of
// group cells each end with the sum of their others, a dash counting 0 (R2: group 7 for a
// table 3 row; R4: group 5 for table 4), as values, a dash -1; at most splitMaxCandidates+1.
func dashSplits(d string, k, group int) [][]int64 {
	var out [][]int64
	for _, texts := range readings(d, k, -1) {
		vals := make([]int64, k)
		for i, t := range texts {
			v, err := strconv.ParseInt(t, 10, 64)
			if err != nil {
				v = -1
			}
			vals[i] = v
		}
		ok := true
		for g := 0; g < k && ok; g += group {
			var sum int64
			for _, v := range vals[g : g+group-1] {
				sum += max(v, 0)
			}
			ok = max(vals[g+group-1], 0) == sum
		}
		if ok {
			out = append(out, vals)
			if len(out) > splitMaxCandidates {
				break
			}
		}
	}
	return out
}

// splitCell is the gold cell of a run-together cell read as v (-1: a dash), checked against
// the truth: a consistent table's only reading is its own.
func splitCell(truth schemas.Cell, v int64, what string) schemas.Cell {
	switch {
	case v < 0 && truth.State == schemas.StateDash:
		return schemas.Cell{State: schemas.StateDash, Text: cellText(truth)}
	case v >= 0 && truth.State == schemas.StateNumber && truth.Value == schemas.DecInt(v):
		return schemas.Cell{State: schemas.StateSplit, Value: truth.Value}
	}
	panic("gen: run-together split of " + what + " differs from the truth")
}

// signBeforeDigit reports whether a "-" (or － −, read as a minus sign) stands right before
// a digit: in a row with a signed column it may be a sign as well as a dash.
func signBeforeDigit(d string) bool {
	rs := []rune(d)
	for i := 1; i < len(rs); i++ {
		if rs[i] >= '0' && rs[i] <= '9' && strings.ContainsRune("-－−", rs[i-1]) {
			return true
		}
	}
	return false
}

// rowSplits returns every split of a table 3 row's run d into seven cells whose last is the
// sum of the six others: for each possible last cell (the total), the ways to cut the rest
// into six cells adding up to it.
func rowSplits(d string) [][]int64 {
	if !allDigits(d) {
		return nil
	}
	var out [][]int64
	for l := 1; l <= splitMaxCell && l <= len(d)-6; l++ {
		last := d[len(d)-l:]
		if l > 1 && last[0] == '0' {
			continue
		}
		total, _ := strconv.ParseInt(last, 10, 64)
		cur := make([]int64, 0, 7)
		var rec func(rest string, sum int64)
		rec = func(rest string, sum int64) {
			if len(cur) == 6 {
				if rest == "" && sum == total {
					out = append(out, append(append([]int64(nil), cur...), total))
				}
				return
			}
			for n := 1; n <= len(rest) && n <= splitMaxCell; n++ {
				if n > 1 && rest[0] == '0' {
					break
				}
				v, _ := strconv.ParseInt(rest[:n], 10, 64)
				if sum+v > total {
					break // longer cells only grow
				}
				cur = append(cur, v)
				rec(rest[n:], sum+v)
				cur = cur[:len(cur)-1]
			}
		}
		rec(d[:len(d)-l], 0)
	}
	return out
}

// groupSplits returns every split of table 4's run d into groups of five cells, each group's
// fifth cell the sum of its four others: the four cells of a group are cut freely, the fifth
// must then read as their sum.
func groupSplits(d string, groups int) [][]int64 {
	if !allDigits(d) {
		return nil
	}
	var out [][]int64
	cur := make([]int64, 0, 5*groups)
	var rec func(rest string)
	rec = func(rest string) {
		if len(cur) == 5*groups {
			if rest == "" {
				out = append(out, append([]int64(nil), cur...))
			}
			return
		}
		if len(cur)%5 == 4 {
			var s int64
			for _, v := range cur[len(cur)-4:] {
				s += v
			}
			t := strconv.FormatInt(s, 10)
			if strings.HasPrefix(rest, t) {
				cur = append(cur, s)
				rec(rest[len(t):])
				cur = cur[:len(cur)-1]
			}
			return
		}
		for n := 1; n <= len(rest) && n <= splitMaxCell; n++ {
			if n > 1 && rest[0] == '0' {
				break
			}
			v, _ := strconv.ParseInt(rest[:n], 10, 64)
			cur = append(cur, v)
			rec(rest[n:])
			cur = cur[:len(cur)-1]
		}
	}
	rec(d)
	return out
}

// runTogetherGold turns r's gold into what a reader of its run-together print can know.
func runTogetherGold(r *schemas.Report) {
	c := schemas.Labels()
	ko := catKeys()
	flag := func(table, row, msg string) {
		r.Problems = append(r.Problems, schemas.Problem{Code: schemas.ProblemAmbiguous, Severity: schemas.SeverityError,
			Table: table, Row: row, Message: msg})
		r.Status = schemas.StatusIncomplete
	}
	// table 2: one cell is printed whole; several are read when the run allows one reading
	// (its dash marks are dash cells, its digits cut into counts: no rule ties table 2's cells
	// together), but not when a "-" before a digit may be a minus sign (本年增/减)
	for _, it := range c.Table2Items(r.Format) {
		row := r.Table2[it.Key]
		if row == nil || len(it.Measures) == 1 {
			continue
		}
		var d strings.Builder
		signed := false
		for _, m := range it.Measures {
			cell := row[m]
			cell.Text = strings.TrimPrefix(strings.TrimSuffix(cell.Text, "元"), "+") // printed plain
			row[m] = cell
			d.WriteString(cellText(cell))
			signed = signed || c.Measure(m).Signed
		}
		cs := runReadings(d.String(), len(it.Measures))
		if signed && signBeforeDigit(d.String()) {
			cs = nil
		}
		if len(cs) == 1 {
			for k, m := range it.Measures {
				truth := row[m]
				text := cs[0][k]
				v, err := strconv.ParseInt(text, 10, 64)
				switch {
				case err != nil && truth.State == schemas.StateDash && cellText(truth) == text:
					row[m] = schemas.Cell{State: schemas.StateDash, Text: text}
				case err == nil && truth.State == schemas.StateNumber && truth.Value == schemas.DecInt(v):
					row[m] = schemas.Cell{State: schemas.StateSplit, Value: truth.Value}
				default:
					panic(fmt.Sprintf("gen: run-together reading of table 2 %s differs from the truth", it.Key))
				}
			}
			continue
		}
		for _, m := range it.Measures {
			row[m] = schemas.Cell{State: schemas.StateMissing, Text: cellText(row[m])}
		}
		flag(schemas.Table2, it.Key, fmt.Sprintf("表二“%s”行数字连在一起（%s），无法确定", it.Label, d.String()))
	}

	// table 3: the splits of each row satisfying R2, then the table's column equations
	printed := map[string]bool{}
	cands := map[string][][]int64{}
	var rows []string
	for _, l := range c.Table3.Rows {
		cells, ok := r.Table3[l.Key]
		if !ok || l.Key == schemas.RowOtherTotal && r.Format == schemas.FormatGB2021 {
			continue
		}
		printed[l.Key] = true
		rows = append(rows, l.Key)
		var d strings.Builder
		for _, col := range ko.cols {
			d.WriteString(cellText(cells[col]))
		}
		if utf8.RuneCountInString(d.String()) > runMax(7) {
			continue
		}
		split := rowSplits
		if !allDigits(d.String()) {
			split = func(d string) [][]int64 { return dashSplits(d, 7, 7) }
		}
		if cs := split(d.String()); len(cs) >= 1 && len(cs) <= splitMaxCandidates {
			cands[l.Key] = cs
		}
	}
	forced := table3Forced(r.Format, printed, cands)
	anyOtherFlagged := false
	for _, row := range rows {
		if v, ok := forced[row]; ok {
			for k, col := range ko.cols {
				truth, _ := r.Table3.Get(row, col)
				r.Table3.Set(row, col, splitCell(truth, v[k], row)) // consistent tables cannot differ
			}
			continue
		}
		for _, col := range ko.cols {
			truth, _ := r.Table3.Get(row, col)
			r.Table3.Set(row, col, schemas.Cell{State: schemas.StateMissing, Text: cellText(truth)})
		}
		if ko.groupOf[row] == schemas.GroupOther {
			anyOtherFlagged = true
		}
		flag(schemas.Table3, row, "表三“"+c.Table3Row(row).Label+"”行数字连在一起，无法确定")
	}
	if anyOtherFlagged && r.Format == schemas.FormatGB2021 {
		// other_total is derived from the three （六） rows: not when one is unknown
		for _, col := range ko.cols {
			r.Table3.Set(schemas.RowOtherTotal, col, schemas.Cell{State: schemas.StateMissing})
		}
	}

	// table 4: the fifteen numbers, each group's total the sum of its four others
	var d strings.Builder
	for _, grp := range ko.t4groups {
		for _, o := range ko.t4cols {
			cell, _ := r.Table4.Get(grp, o)
			d.WriteString(cellText(cell))
		}
	}
	var cs [][]int64
	switch {
	case utf8.RuneCountInString(d.String()) > runMax(15):
	case allDigits(d.String()):
		cs = groupSplits(d.String(), 3)
	default:
		cs = dashSplits(d.String(), 15, 5)
	}
	for gi, grp := range ko.t4groups {
		for oi, o := range ko.t4cols {
			cell, _ := r.Table4.Get(grp, o)
			if len(cs) == 1 {
				r.Table4.Set(grp, o, splitCell(cell, cs[0][gi*5+oi], "table 4"))
				continue
			}
			r.Table4.Set(grp, o, schemas.Cell{State: schemas.StateMissing, Text: cellText(cell)})
		}
	}
	if len(cs) != 1 {
		flag(schemas.Table4, "", "表四数字连在一起（"+d.String()+"），无法确定")
	}
	r.Checks = append(r.Checks, missingChecks(r)...)
}

// missingChecks are the R8 checks validate reports for the cells a reader cannot know: per
// table 2 measure, per official table 3 row, per table 4 cell; one for a table of which no
// cell is known.
func missingChecks(r *schemas.Report) []schemas.Check {
	c := schemas.Labels()
	ko := catKeys()
	var out []schemas.Check
	add := func(table, row, col string) {
		out = append(out, schemas.Check{Rule: "R8", Severity: schemas.SeverityWarning, Table: table, Row: row, Column: col,
			Message: "未读到" + table + " " + row + " " + col})
	}
	known := func(g schemas.Grid) bool {
		for _, cells := range g {
			for _, cell := range cells {
				if cell.State != schemas.StateMissing {
					return true
				}
			}
		}
		return false
	}
	if !known(r.Table2) {
		add(schemas.Table2, "", "")
	} else {
		for _, it := range c.Table2Items(r.Format) {
			for _, m := range it.Measures {
				if cell, ok := r.Table2.Get(it.Key, m); !ok || cell.State == schemas.StateMissing {
					add(schemas.Table2, it.Key, m)
				}
			}
		}
	}
	if !known(r.Table3) {
		add(schemas.Table3, "", "")
	} else {
		for _, l := range c.Table3Rows(r.Format) {
			for _, col := range ko.cols {
				if cell, ok := r.Table3.Get(l.Key, col); !ok || cell.State == schemas.StateMissing {
					add(schemas.Table3, l.Key, "")
					break
				}
			}
		}
	}
	if !known(r.Table4) {
		add(schemas.Table4, "", "")
	} else {
		for _, grp := range ko.t4groups {
			for _, o := range ko.t4cols {
				if cell, _ := r.Table4.Get(grp, o); cell.State == schemas.StateMissing {
					add(schemas.Table4, grp, o)
				}
			}
		}
	}
	return out
}

// table3Forced decides which run-together rows of table 3 are forced: a row with one split
// keeps it; the rows with several are tried in every combination (at most splitMaxCombos)
// against R1 (new + carried over = handled + carried forward), R3 (handled = the results and
// （六）: the printed other_total of gb2019, the three rows of gb2021) and the printed
// subtotals, column by column, an equation being skipped when one of its rows has no split;
// a row is forced when one of its splits alone occurs in the combinations that hold.
func table3Forced(f schemas.Format, printed map[string]bool, cands map[string][][]int64) map[string][]int64 {
	ko := catKeys()
	forced := map[string][]int64{}
	var amb []string
	combos := 1
	for _, l := range schemas.Labels().Table3.Rows {
		cs, ok := cands[l.Key]
		switch {
		case !ok:
		case len(cs) == 1:
			forced[l.Key] = cs[0]
		default:
			amb = append(amb, l.Key)
			combos *= len(cs)
		}
	}
	if len(amb) == 0 || combos > splitMaxCombos {
		return forced
	}
	// the equations: lists of (row, sign)
	type term struct {
		row  string
		sign int64
	}
	var eqs [][]term
	eqs = append(eqs, []term{{schemas.RowNewReceived, 1}, {schemas.RowCarriedOver, 1}, {schemas.RowTotalHandled, -1}, {schemas.RowCarriedForward, -1}})
	r3 := []term{{schemas.RowTotalHandled, 1}}
	for _, o := range ko.outcomes[:ko.nResults] {
		r3 = append(r3, term{o, -1})
	}
	if printed[schemas.RowOtherTotal] {
		r3 = append(r3, term{schemas.RowOtherTotal, -1})
	} else {
		for _, o := range ko.outcomes[ko.nResults:] {
			r3 = append(r3, term{o, -1})
		}
	}
	eqs = append(eqs, r3)
	for _, st := range ko.subOrder {
		if !printed[st] {
			continue
		}
		e := []term{{st, 1}}
		for _, m := range ko.subtotals[st] {
			e = append(e, term{m, -1})
		}
		eqs = append(eqs, e)
	}
	choice := map[string]int{}
	value := func(row string) ([]int64, bool) {
		if k, ok := choice[row]; ok {
			return cands[row][k], true
		}
		v, ok := forced[row]
		return v, ok
	}
	seen := map[string]map[int]bool{}
	idx := make([]int, len(amb))
	for {
		for i, row := range amb {
			choice[row] = idx[i]
		}
		holds := true
		for _, e := range eqs {
			for col := 0; col < 7 && holds; col++ {
				var s int64
				known := true
				for _, t := range e {
					v, ok := value(t.row)
					if !ok || v[col] < 0 { // unknown, or a dash: no number to check
						known = false
						break
					}
					s += t.sign * v[col]
				}
				if known && s != 0 {
					holds = false
				}
			}
		}
		if holds {
			for i, row := range amb {
				if seen[row] == nil {
					seen[row] = map[int]bool{}
				}
				seen[row][idx[i]] = true
			}
		}
		i := 0
		for ; i < len(amb); i++ {
			if idx[i]++; idx[i] < len(cands[amb[i]]) {
				break
			}
			idx[i] = 0
		}
		if i == len(amb) {
			break
		}
	}
	for _, row := range amb {
		if len(seen[row]) == 1 {
			for k := range seen[row] {
				forced[row] = cands[row][k]
			}
		}
	}
	return forced
}

// mixTable2 prints table 2's first block (第二十条第（一）项) in the other template: a gb2021
// report with the 2019 header (本年新制作数量 …) and the reverse, the numbers carried over as
// the other template counts them. The gold gets the other template's measures for those rows,
// its marker words, and the R8 checks validate reports: the markers, and one per row.
func mixTable2(r *schemas.Report) {
	c := schemas.Labels()
	other := schemas.FormatGB2019
	if r.Format == schemas.FormatGB2019 {
		other = schemas.FormatGB2021
	}
	var words []string
	for _, it := range c.Table2Items(other) {
		if it.Article != "第二十条第（一）项" {
			continue
		}
		old := r.Table2[it.Key]
		get := func(k string) schemas.Cell { return old[k] }
		row := map[string]schemas.Cell{}
		if other == schemas.FormatGB2019 {
			row["new_made"], row["new_published"], row["published_total"] = get("issued"), get("issued"), get("in_force")
		} else {
			row["issued"], row["repealed"], row["in_force"] = get("new_made"), get("new_made"), get("published_total")
			if v := row["repealed"]; v.State == schemas.StateNumber {
				v.Value, v.Text = 0, "" // nothing repealed
				row["repealed"] = v
			}
		}
		r.Table2[it.Key] = row
		r.Checks = append(r.Checks, schemas.Check{Rule: "R8", Severity: schemas.SeverityWarning, Table: schemas.Table2, Row: it.Key,
			Message: "表二“" + it.Label + "”行按另一版格式的表头填报"})
		if len(words) == 0 {
			for _, m := range it.Measures {
				words = append(words, c.Measure(m).Label)
			}
		}
	}
	markers := map[string]bool{}
	for _, m := range c.Formats[other].Markers {
		markers[m] = true
	}
	var found []string
	for _, w := range words {
		if markers[w] {
			found = append(found, w)
		}
	}
	if r.Markers == nil {
		r.Markers = map[schemas.Format][]string{}
	}
	r.Markers[other] = found
	r.Checks = append(r.Checks, schemas.Check{Rule: "R8", Severity: schemas.SeverityWarning,
		Message: "报告出现另一版格式的标签：" + strings.Join(found, "、")})
}

// chainKnown reports whether every carried_forward cell of last year's gold is known, so that
// this year's R6 can be checked (a run-together row left unsplit is not).
func chainKnown(prev *schemas.Report) bool {
	for _, c := range prev.Table3[schemas.RowCarriedForward] {
		if !c.HasValue() {
			return false
		}
	}
	return true
}
