package parse

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Cells run together: crawled text that dropped every cell boundary of a row
// ("一、本年新收政府信息公开申请数量312010034" is 31 | 2 | 0 | 1 | 0 | 0 | 34; table 4 becomes
// one run of 15 numbers; "规范性文件///" is three dashes). Such a run is split only when the
// split is forced:
//
//   - a cell is a count as printed: 1 to maxCellDigits digits, no leading zero ("05" is no
//     cell; "0" is); or a dash: one of the single marks / ／ \ 无, or one or more line dashes
//     (- — – － ― ─ ‐ ‑ −) together, as Value reads a dash cell. So "///" under three
//     columns is three dashes, "1——12" under four columns is 1|—|—|12 or 1|——|1|2 (flagged
//     with both), and a run holding any other character (a point, a plus sign, a letter) is
//     not split;
//   - a table 3 row's last cell is the sum of its six others (R2); each group of five cells of
//     table 4 ends with the sum of its four others (R4); a dash counts 0 there, and a total
//     may be a dash only when its parts are all zero or dashes; table 2 has no such rule, and
//     in its rows with a signed column (本年增/减) a "-" before a digit may be a minus sign:
//     such a row is flagged;
//   - when a table 3 row still splits several ways, the column rules of the whole table (R1:
//     new + carried over = handled + carried forward; R3: handled = the sum of the results;
//     printed subtotals = the sum of their group) must leave exactly one of its splits
//     (solveTable3); there a dash is no number: an equation is not checked in a column where
//     one of its cells is a dash, as validate does not check it.
//
// Bounds, so that a hostile run costs little: a run longer than runLimit(k) characters is not
// split; a row with more than maxCandidates splits satisfying its own rule is flagged without
// looking further; the whole-table search runs only when the product of the ambiguous rows'
// candidate counts is at most maxCombos. Within those limits the depth-first search (which
// drops a branch as soon as the group's total, at least the sum so far, no longer fits the
// characters left, or the characters left cannot make the cells left; and which does not
// search again a state — cell, character, group sum — already searched without a split, as
// the many ways of cutting a long row of dashes lead to the same states) visits at most some
// 40,000 nodes for a row, about 1.5 ms (TestSplitBudget measures repeated and random runs of
// every length, with and without dashes), far below splitBudget: the budget is a
// safety net that never changes a result. The generator (pipeline/gen) decides with its own,
// separately written enumeration which rows of a generated report are forced, with the same
// constants.
const (
	maxCellDigits = 9
	maxCandidates = 16
	maxCombos     = 4096
	splitBudget   = 1 << 20
)

// runLimit is the longest run a row of k cells is split from: four characters (digits or dash
// marks) a cell on average (at least 9).
func runLimit(k int) int { return max(4*k, maxCellDigits) }

// runOutcome says why a run was not split.
type runOutcome int

const (
	runSplit    runOutcome = iota // candidates found (one or more)
	runNone                       // no split satisfies the rules
	runTooLong                    // longer than runLimit
	runTooMany                    // more than maxCandidates splits
	runNotDigit                   // the run holds something other than digits and dash marks
	runTooShort                   // fewer characters than cells
	runSign                       // a "-" before a digit in a row with a signed column
)

// Dash marks in a run. A run may hold, besides digits, the marks a dash cell is printed with
// (Value reads them as StateDash): the line dashes (- — – － ― ─ ‐ ‑ −), of which any
// consecutive ones may also be one cell together ("——" is one dash as often as two), and the
// single marks / ／ \ 无, each always a cell of its own ("//" or "无无" is no one cell).
const (
	unitDigit = iota
	unitLine  // a line dash
	unitMark  // a single mark
)

// dashMark returns the kind of the dash mark r, or -1.
func dashMark(r rune) int {
	switch r {
	case '-', '—', '–', '－', '―', '─', '‐', '‑', '−':
		return unitLine
	case '/', '／', '\\', '无':
		return unitMark
	}
	return -1
}

// signBeforeDigit reports whether run d holds a mark Value would read as a minus sign ("-",
// "－", "−") directly before a digit: in a row with a signed column it may be a sign as well
// as a dash cell.
func signBeforeDigit(d string) bool {
	prevSign := false
	for _, r := range d {
		if r >= '0' && r <= '9' && prevSign {
			return true
		}
		prevSign = r == '-' || r == '－' || r == '−'
	}
	return false
}

// splitRun enumerates the splits of the run d into k cells (see the package comment above).
// d holds digits and dash marks: each dash mark is a dash cell (a line dash may also join the
// line dashes next to it into one cell), each digit segment between them is cut into counts.
// group > 0 asks that in each consecutive group of that many cells the last be the sum of the
// others, a dash counting 0 (7 for a table 3 row, 5 for table 4); group 0 asks nothing. A
// split is returned as k+1 byte offsets into d. At most maxCandidates+1 splits are collected.
// The limits count characters (a digit or a mark each).
func splitRun(d string, k, group int) ([][]int, runOutcome) {
	s, out := newSplitter(d, k, group)
	if out != runSplit {
		return nil, out
	}
	s.walk(0, 0, 0)
	switch {
	case s.nodes > splitBudget || len(s.found) > maxCandidates:
		return s.found, runTooMany
	case len(s.found) == 0:
		return nil, runNone
	}
	return s.found, runSplit
}

// newSplitter prepares the search of splitRun, or says why there is none.
func newSplitter(d string, k, group int) (*splitter, runOutcome) {
	if k <= 0 {
		return nil, runNone
	}
	s := &splitter{d: d, k: k, group: group, cuts: make([]int, k+1)}
	for i, r := range d {
		kind := unitDigit
		if r < '0' || r > '9' {
			if kind = dashMark(r); kind < 0 {
				return nil, runNotDigit
			}
		}
		s.off = append(s.off, i)
		s.kind = append(s.kind, uint8(kind))
	}
	n := len(s.off)
	switch {
	case n < k:
		return nil, runTooShort
	case n > runLimit(k):
		return nil, runTooLong
	}
	s.off = append(s.off, len(d))
	// the end of each unit's segment (digits, or consecutive line dashes) and the fewest cells
	// the units from each position can make
	s.seg = make([]int, n)
	s.minCells = make([]int, n+1)
	for i := n - 1; i >= 0; i-- {
		switch {
		case s.kind[i] == unitMark:
			s.seg[i] = i + 1
		case i+1 < n && s.kind[i+1] == s.kind[i]:
			s.seg[i] = s.seg[i+1]
		default:
			s.seg[i] = i + 1
		}
		switch {
		case s.kind[i] != unitDigit:
			s.minCells[i] = 1 + s.minCells[s.seg[i]]
		case d[s.off[i]] == '0':
			s.minCells[i] = 1 + s.minCells[i+1] // a zero is a cell of its own
		default:
			m := n
			for l := 1; l <= maxCellDigits && i+l <= s.seg[i]; l++ {
				m = min(m, 1+s.minCells[i+l])
			}
			s.minCells[i] = m
		}
	}
	return s, runSplit
}

type splitter struct {
	d        string
	k        int
	group    int
	off      []int   // byte offset of each unit (character), and len(d)
	kind     []uint8 // unitDigit, unitLine, unitMark
	seg      []int   // the end of each unit's segment
	minCells []int   // the fewest cells the units from a position make
	cuts     []int
	found    [][]int
	nodes    int
	// dead holds the states (cell, unit, group sum) searched without a split: many ways of
	// cutting line dashes lead to the same state, which is then not searched again
	dead map[uint64]struct{}
}

// fits reports whether the units from pos can make exactly left cells.
func (s *splitter) fits(pos, left int) bool {
	return s.minCells[pos] <= left && len(s.kind)-pos >= left
}

// walk places cell c at unit pos; sum is the sum of the group's cells so far.
func (s *splitter) walk(c, pos int, sum int64) {
	if s.nodes++; s.nodes > splitBudget || len(s.found) > maxCandidates {
		return
	}
	n := len(s.kind)
	s.cuts[c] = s.off[pos]
	if c == s.k {
		if pos == n {
			s.found = append(s.found, append([]int(nil), s.cuts...))
		}
		return
	}
	if pos == n {
		return
	}
	key := uint64(c) | uint64(pos)<<8 | uint64(sum)<<16
	if _, ok := s.dead[key]; ok {
		return
	}
	before := len(s.found)
	s.place(c, pos, sum)
	if len(s.found) == before && s.nodes <= splitBudget {
		if s.dead == nil {
			s.dead = map[uint64]struct{}{}
		}
		s.dead[key] = struct{}{}
	}
}

// place tries every cell c at unit pos.
func (s *splitter) place(c, pos int, sum int64) {
	n := len(s.kind)
	left := s.k - c - 1 // cells after this one, one character at least each
	end := s.seg[pos]
	if s.group > 0 && c%s.group == s.group-1 {
		// the group's total: its digits are fixed by the sum; a dash only for a sum of 0
		if s.kind[pos] != unitDigit {
			if sum != 0 {
				return
			}
			s.dash(c, pos, end, left, 0)
			return
		}
		var buf [20]byte
		t := strconv.AppendInt(buf[:0], sum, 10)
		next := pos + len(t)
		if next > end || s.d[s.off[pos]:s.off[next]] != string(t) || !s.fits(next, left) {
			return
		}
		s.walk(c+1, next, 0)
		return
	}
	if c == s.k-1 {
		// the last cell takes the rest: one digit segment of a count, one dash, or line dashes
		if end != n {
			return
		}
		switch l := n - pos; {
		case s.kind[pos] != unitDigit:
			if s.kind[pos] == unitLine || l == 1 {
				s.walk(c+1, n, 0)
			}
		case l <= maxCellDigits && (s.d[s.off[pos]] != '0' || l == 1):
			s.walk(c+1, n, 0)
		}
		return
	}
	if s.kind[pos] != unitDigit {
		s.dash(c, pos, end, left, sum)
		return
	}
	maxL := min(maxCellDigits, end-pos, n-pos-left)
	if s.d[s.off[pos]] == '0' {
		maxL = min(maxL, 1)
	}
	var v int64
	for l := 1; l <= maxL; l++ {
		v = v*10 + int64(s.d[s.off[pos+l-1]]-'0')
		next := pos + l
		if s.minCells[next] > left {
			continue // too many characters left for the cells after
		}
		if s.group > 0 && n-next < left-1+digits(sum+v) {
			break // the group's total, at least this sum, no longer fits (longer cells only add)
		}
		s.walk(c+1, next, sum+v)
	}
}

// dash places a dash cell (value 0) at unit pos: a single mark, or 1 to all of the line
// dashes up to end.
func (s *splitter) dash(c, pos, end, left int, sum int64) {
	n := len(s.kind)
	last := pos + 1
	if s.kind[pos] == unitLine {
		last = end
	}
	for next := pos + 1; next <= last; next++ {
		if n-next < left {
			break
		}
		if !s.fits(next, left) {
			continue
		}
		if s.group > 0 && c%s.group != s.group-1 && n-next < left-1+digits(sum) {
			break
		}
		s.walk(c+1, next, sum)
	}
}

// digits is the number of decimal digits of v ≥ 0.
func digits(v int64) int {
	n := 1
	for v >= 10 {
		v /= 10
		n++
	}
	return n
}

// isDashCell reports whether the cell text of a split is a dash (it starts with a mark).
func isDashCell(text string) bool {
	return text != "" && (text[0] < '0' || text[0] > '9')
}

// cellsOf returns the texts and values of split cuts of d.
func cellsOf(d string, cuts []int) ([]string, []int64) {
	texts := make([]string, len(cuts)-1)
	vals := make([]int64, len(cuts)-1)
	for i := range texts {
		texts[i] = d[cuts[i]:cuts[i+1]]
		vals[i], _ = strconv.ParseInt(texts[i], 10, 64)
	}
	return texts, vals
}

// showSplits prints up to four splits of d for a problem text: "31|2|0|1|0|0|34；…".
func showSplits(d string, splits [][]int) string {
	var b strings.Builder
	for i, cuts := range splits {
		if i == 4 {
			b.WriteString("；…")
			break
		}
		if i > 0 {
			b.WriteString("；")
		}
		texts, _ := cellsOf(d, cuts)
		b.WriteString(strings.Join(texts, "|"))
	}
	return b.String()
}

// splitTail separates a label from the value text run onto its end: the trailing digits and
// dash marks (with signs, points and commas among them). "规章005" → "规章", "005";
// "行政强制—" → "行政强制", "—"; "规章1—12" → "规章", "1—12". tail is "" when the text ends
// otherwise.
func splitTail(s string) (label, tail string) {
	i := len(s)
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if !(r >= '0' && r <= '9' || r == '.' || r == ',' || r == '+' || dashMark(r) >= 0) {
			break
		}
		i -= size
	}
	// a run starts with a digit, a sign or a dash, not with a point or a comma
	for i < len(s) && (s[i] == '.' || s[i] == ',') {
		i++
	}
	if i == len(s) || !strings.ContainsFunc(s[i:], func(r rune) bool { return r >= '0' && r <= '9' || dashMark(r) >= 0 }) {
		return s, ""
	}
	label = trimSpace(s[:i])
	if label == "" {
		return s, ""
	}
	return label, s[i:]
}

// endsInRun reports whether s ends in a digit or a dash mark (a value may have run onto it).
func endsInRun(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r >= '0' && r <= '9' || dashMark(r) >= 0
}

// isRun reports whether s is a non-empty run of digits and dash marks.
func isRun(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && dashMark(r) < 0 {
			return false
		}
	}
	return true
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// run3 is a table 3 row whose cells ran together.
type run3 struct {
	row    string // row key
	name   string // row name for messages
	line   int
	digits string
	splits [][]int
	out    runOutcome
	vals   [][]int64 // the cell values of each split (a dash 0)
	dash   []uint8   // per split, the columns holding a dash (bit col)
	// keep is the index of the split the table's rules leave, or -1 (flagged); seen marks
	// the splits that occur in some solution of the whole table.
	keep int
	seen uint64
}

// t3eq is one column equation of table 3: Σ plus = Σ minus, over row keys.
type t3eq struct {
	plus, minus []string
}

// t3equations are the equations the whole-table search checks, per column: R1, R3 and the
// printed subtotals. present says which rows the table printed (read or run together).
func t3equations(present func(string) bool) []t3eq {
	results := []string{"granted", "partially_granted"}
	groups := map[string][]string{}
	for _, r := range cat().t3 {
		if r.isGroup || r.group == "" || r.group == "results" {
			continue
		}
		groups[r.group] = append(groups[r.group], r.key)
	}
	for _, g := range []string{"withheld", "unavailable", "rejected"} {
		results = append(results, groups[g]...)
	}
	eqs := []t3eq{{plus: []string{"new_received", "carried_over"}, minus: []string{"total_handled", "carried_forward"}}}
	r3 := t3eq{plus: []string{"total_handled"}, minus: results}
	if present("other_total") {
		r3.minus = append(r3.minus, "other_total")
		if present(groups["other"][0]) {
			eqs = append(eqs, t3eq{plus: []string{"other_total"}, minus: groups["other"]})
		}
	} else {
		r3.minus = append(r3.minus, groups["other"]...)
	}
	eqs = append(eqs, r3)
	for _, g := range []string{"withheld", "unavailable", "rejected"} {
		if st := subtotalOf[g]; present(st) {
			eqs = append(eqs, t3eq{plus: []string{st}, minus: groups[g]})
		}
	}
	return eqs
}

// solveTable3 decides the run-together rows of table 3: a row with one split satisfying R2
// keeps it; rows with several are decided by the table's column equations when exactly one of
// their splits occurs in the solutions (the choices, one split per ambiguous row, under which
// every equation whose terms are all known holds). No solution, too many combinations, or two
// splits of a row in the solutions: the row is flagged. known returns a printed cell's value.
func solveTable3(runs []*run3, known func(row string, col int) (int64, bool)) {
	var amb []*run3
	byRow := map[string]*run3{}
	for _, r := range runs {
		r.keep = -1
		if r.out != runSplit {
			continue
		}
		byRow[r.row] = r
		if len(r.splits) == 1 {
			r.keep = 0
		} else {
			amb = append(amb, r)
		}
	}
	if len(amb) == 0 {
		return
	}
	combos := 1
	for _, r := range amb {
		if combos *= len(r.splits); combos > maxCombos {
			return
		}
	}
	present := func(row string) bool {
		if _, ok := byRow[row]; ok {
			return true
		}
		_, ok := known(row, 0)
		return ok
	}
	eqs := t3equations(present)
	// the equations over a dense table: one slot per row key they name
	slot := map[string]int{}
	type term struct {
		at   int
		sign int64
	}
	var terms [][]term
	for _, e := range eqs {
		var ts []term
		for k, rows := range [2][]string{e.plus, e.minus} {
			for _, row := range rows {
				at, ok := slot[row]
				if !ok {
					at = len(slot)
					slot[row] = at
				}
				ts = append(ts, term{at, int64(1 - 2*k)})
			}
		}
		terms = append(terms, ts)
	}
	vals := make([][7]int64, len(slot))
	ok := make([][7]bool, len(slot))
	for row, at := range slot {
		r := byRow[row]
		for col := 0; col < 7; col++ {
			switch {
			case r == nil:
				vals[at][col], ok[at][col] = known(row, col)
			case r.keep >= 0:
				vals[at][col], ok[at][col] = r.vals[r.keep][col], r.dash[r.keep]&(1<<uint(col)) == 0
			}
		}
	}
	holds := func() bool {
		for _, ts := range terms {
			for col := 0; col < 7; col++ {
				var s int64
				all := true
				for _, t := range ts {
					s += t.sign * vals[t.at][col]
					all = all && ok[t.at][col]
				}
				if all && s != 0 {
					return false
				}
			}
		}
		return true
	}
	set := func(r *run3, k int) {
		at, used := slot[r.row]
		if !used {
			return
		}
		for col := 0; col < 7; col++ {
			vals[at][col], ok[at][col] = r.vals[k][col], r.dash[k]&(1<<uint(col)) == 0
		}
	}
	idx := make([]int, len(amb))
	solutions := 0
	for {
		for i, r := range amb {
			set(r, idx[i])
		}
		if holds() {
			solutions++
			for i, r := range amb {
				r.seen |= 1 << uint(idx[i])
			}
		}
		i := 0
		for ; i < len(amb); i++ {
			if idx[i]++; idx[i] < len(amb[i].splits) {
				break
			}
			idx[i] = 0
		}
		if i == len(amb) {
			break
		}
	}
	if solutions == 0 {
		for _, r := range amb {
			r.seen = 0
		}
		return
	}
	for _, r := range amb {
		if r.seen&(r.seen-1) == 0 { // exactly one bit
			for k := range r.splits {
				if r.seen == 1<<uint(k) {
					r.keep = k
				}
			}
		}
	}
}
