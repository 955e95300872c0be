package parse

import (
	"strconv"
	"strings"
)

// Cells run together: crawled text that dropped every cell boundary of a row
// ("一、本年新收政府信息公开申请数量312010034" is 31 | 2 | 0 | 1 | 0 | 0 | 34; table 4 becomes
// one run of 15 numbers). Such a run is split only when the split is forced:
//
//   - a cell is a count as printed: 1 to maxCellDigits digits, no leading zero ("05" is no
//     cell; "0" is);
//   - a table 3 row's last cell is the sum of its six others (R2); each group of five cells of
//     table 4 ends with the sum of its four others (R4); table 2 has no such rule;
//   - when a table 3 row still splits several ways, the column rules of the whole table (R1:
//     new + carried over = handled + carried forward; R3: handled = the sum of the results;
//     printed subtotals = the sum of their group) must leave exactly one of its splits
//     (solveTable3).
//
// Bounds, so that a hostile run costs little: a run longer than runLimit(k) digits is not
// split; a row with more than maxCandidates splits satisfying its own rule is flagged without
// looking further; the whole-table search runs only when the product of the ambiguous rows'
// candidate counts is at most maxCombos. Within those limits the depth-first search (which
// drops a branch as soon as the group's total, at least the sum so far, no longer fits the
// digits left) visits at most some 45,000 nodes for a row, about 1.5 ms (TestSplitBudget
// measures repeated and random runs of every length), far below splitBudget: the budget is a
// safety net that never changes a result. The generator (pipeline/gen) decides with its own,
// separately written enumeration which rows of a generated report are forced, with the same
// constants.
const (
	maxCellDigits = 9
	maxCandidates = 16
	maxCombos     = 4096
	splitBudget   = 1 << 20
)

// runLimit is the longest run of digits a row of k cells is split from: four digits a cell on
// average (at least 9).
func runLimit(k int) int { return max(4*k, maxCellDigits) }

// runOutcome says why a run was not split.
type runOutcome int

const (
	runSplit    runOutcome = iota // candidates found (one or more)
	runNone                       // no split satisfies the rules
	runTooLong                    // longer than runLimit
	runTooMany                    // more than maxCandidates splits
	runNotDigit                   // the run holds something other than digits
)

// splitRun enumerates the splits of the digit run d into k cells (see the package comment
// above). group > 0 asks that in each consecutive group of that many cells the last be the
// sum of the others (7 for a table 3 row, 5 for table 4); group 0 asks nothing. A split is
// returned as k+1 offsets into d. At most maxCandidates+1 splits are collected.
func splitRun(d string, k, group int) ([][]int, runOutcome) {
	if k <= 0 || len(d) < k {
		return nil, runNone
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return nil, runNotDigit
		}
	}
	if len(d) > runLimit(k) {
		return nil, runTooLong
	}
	s := &splitter{d: d, k: k, group: group, cuts: make([]int, k+1)}
	s.walk(0, 0, 0)
	switch {
	case s.nodes > splitBudget || len(s.found) > maxCandidates:
		return s.found, runTooMany
	case len(s.found) == 0:
		return nil, runNone
	}
	return s.found, runSplit
}

type splitter struct {
	d     string
	k     int
	group int
	cuts  []int
	found [][]int
	nodes int
}

// walk places cell c at position pos; sum is the sum of the group's cells so far.
func (s *splitter) walk(c, pos int, sum int64) {
	if s.nodes++; s.nodes > splitBudget || len(s.found) > maxCandidates {
		return
	}
	n := len(s.d)
	s.cuts[c] = pos
	if c == s.k {
		if pos == n {
			s.found = append(s.found, append([]int(nil), s.cuts...))
		}
		return
	}
	left := s.k - c - 1 // cells after this one, one digit at least each
	if s.group > 0 && c%s.group == s.group-1 {
		// the group's total: its digits are fixed by the sum
		var buf [20]byte
		t := strconv.AppendInt(buf[:0], sum, 10)
		if pos+len(t) > n || s.d[pos:pos+len(t)] != string(t) || n-pos-len(t) < left {
			return
		}
		s.walk(c+1, pos+len(t), 0)
		return
	}
	if c == s.k-1 {
		// the last cell takes the rest
		if l := n - pos; l >= 1 && l <= maxCellDigits && (s.d[pos] != '0' || l == 1) {
			s.walk(c+1, n, 0)
		}
		return
	}
	maxL := min(maxCellDigits, n-pos-left)
	if s.d[pos] == '0' {
		maxL = min(maxL, 1)
	}
	var v int64
	for l := 1; l <= maxL; l++ {
		v = v*10 + int64(s.d[pos+l-1]-'0')
		if n-pos-l > left*maxCellDigits {
			continue // too many digits left for the cells after
		}
		if s.group > 0 && n-pos-l < left-1+digits(sum+v) {
			break // the group's total, at least this sum, no longer fits (longer cells only add)
		}
		s.walk(c+1, pos+l, sum+v)
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

// splitTail separates a label from the value text run onto its end: the trailing digits
// (with signs, points and commas among them) or the trailing dashes. "规章005" → "规章",
// "005"; "行政强制—" → "行政强制", "—". tail is "" when the text ends otherwise.
func splitTail(s string) (label, tail string) {
	i := len(s)
	digit := false
	for i > 0 {
		c := s[i-1]
		if c >= '0' && c <= '9' {
			digit = true
		} else if c != '.' && c != ',' && c != '+' && c != '-' {
			break
		}
		i--
	}
	if !digit {
		// a dash run: ASCII hyphens, slashes, or the long dashes (U+2014, U+2013)
		i = len(s)
		for i > 0 {
			switch {
			case s[i-1] == '-' || s[i-1] == '/':
				i--
				continue
			case strings.HasSuffix(s[:i], "—") || strings.HasSuffix(s[:i], "–"):
				i -= len("—")
				continue
			}
			break
		}
		if i == len(s) {
			return s, ""
		}
	} else {
		// a run starts with a digit or a sign, not with a point or a comma
		for i < len(s) && (s[i] == '.' || s[i] == ',') {
			i++
		}
	}
	label = trimSpace(s[:i])
	if label == "" {
		return s, ""
	}
	return label, s[i:]
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
	vals   [][]int64 // the cell values of each split
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
				vals[at][col], ok[at][col] = r.vals[r.keep][col], true
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
			vals[at][col], ok[at][col] = r.vals[k][col], true
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
