package parse

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"xxgk/schemas"
)

// bruteSplits is the reference for splitRun, written independently of it: every choice of
// k-1 cut positions among the n-1 gaps of d (a bitmask), kept when every cell is a count as
// printed (1..9 digits, no leading zero) and, with group > 0, every group's last cell is the
// sum of its others. Splits are printed "a|b|c" and sorted.
func bruteSplits(d string, k, group int) []string {
	n := len(d)
	var out []string
	if n < k || n > 22 {
		return nil
	}
	// the masks of n-1 bits with k-1 set, in increasing order (Gosper's hack)
	for mask := 1<<(k-1) - 1; mask < 1<<(n-1); mask = nextMask(mask) {
		var cells []string
		start := 0
		for g := 0; g < n-1; g++ {
			if mask&(1<<g) != 0 {
				cells = append(cells, d[start:g+1])
				start = g + 1
			}
		}
		cells = append(cells, d[start:])
		ok := true
		vals := make([]int64, k)
		for i, c := range cells {
			if len(c) > 9 || len(c) > 1 && c[0] == '0' {
				ok = false
				break
			}
			vals[i], _ = strconv.ParseInt(c, 10, 64)
		}
		for g := 0; ok && group > 0 && g < k; g += group {
			var s int64
			for i := g; i < g+group-1; i++ {
				s += vals[i]
			}
			ok = s == vals[g+group-1]
		}
		if ok {
			out = append(out, strings.Join(cells, "|"))
		}
	}
	sort.Strings(out)
	return out
}

// nextMask returns the next larger integer with as many bits set as x (x > 0); x == 0 (one
// cell, no cut) has no successor.
func nextMask(x int) int {
	if x == 0 {
		return 1 << 62
	}
	c := x & -x
	r := x + c
	return (((r ^ x) >> 2) / c) | r
}

func splitStrings(d string, splits [][]int) []string {
	var out []string
	for _, cuts := range splits {
		texts, _ := cellsOf(d, cuts)
		out = append(out, strings.Join(texts, "|"))
	}
	sort.Strings(out)
	return out
}

func TestSplitRunExamples(t *testing.T) {
	for _, c := range []struct {
		d        string
		k, group int
		want     string // splits joined by ";", or an outcome
	}{
		{"312010034", 7, 7, "31|2|0|1|0|0|34"},                 // the row
		{"0000000", 7, 7, "0|0|0|0|0|0|0"},                     // zeros are cells of their own
		{"1100002", 7, 7, "1|1|0|0|0|0|2"},                     // one digit a cell
		{"1100003", 7, 7, "none"},                              // the row breaks R2: no split is chosen
		{"110000011", 7, 7, "11|0|0|0|0|0|11;1|10|0|0|0|0|11"}, // R2 leaves two
		{"1010000011", 7, 7, "none"},                           // 01 is no cell: 8 cells needed
		{"101000011", 7, 7, "10|1|0|0|0|0|11;1|0|10|0|0|0|11"},
		{"005", 3, 0, "0|0|5"},
		{"1005", 3, 0, "10|0|5"},
		{"1234", 3, 0, "12|3|4;1|23|4;1|2|34"},
		{"12a4", 3, 0, "notdigit"},
		{strings.Repeat("1", 29), 7, 7, "toolong"},
		{"100010000000000", 15, 5, "1|0|0|0|1|0|0|0|0|0|0|0|0|0|0"},
	} {
		splits, out := splitRun(c.d, c.k, c.group)
		got := strings.Join(splitStrings(c.d, splits), ";")
		switch out {
		case runNone:
			got = "none"
		case runNotDigit:
			got = "notdigit"
		case runTooLong:
			got = "toolong"
		case runTooMany:
			got = "toomany"
		}
		if got != c.want {
			t.Errorf("splitRun(%q, %d, %d) = %s, want %s", c.d, c.k, c.group, got, c.want)
		}
		if out == runSplit || out == runNone {
			if b := strings.Join(bruteSplits(c.d, c.k, c.group), ";"); b != strings.Join(splitStrings(c.d, splits), ";") {
				t.Errorf("splitRun(%q) differs from the brute force %s", c.d, b)
			}
		}
	}
}

// splitRun finds exactly the splits the brute force finds, on random runs of the lengths real
// rows have.
func TestSplitRunMatchesBrute(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 13))
	for i := 0; i < 600; i++ {
		k, group := []int{7, 15, 3, 2}[i%4], []int{7, 5, 0, 0}[i%4]
		n := k + rng.IntN(6)
		if n > 20 {
			n = 20
		}
		var b strings.Builder
		for range n {
			// mostly zeros and ones, as real rows are
			b.WriteByte("0001112345"[rng.IntN(10)])
		}
		d := b.String()
		splits, out := splitRun(d, k, group)
		want := bruteSplits(d, k, group)
		switch {
		case len(want) > maxCandidates:
			if out != runTooMany {
				t.Errorf("%q k%d: %d splits, outcome %d", d, k, len(want), out)
			}
		case len(want) == 0:
			if out != runNone {
				t.Errorf("%q k%d: no split, outcome %d", d, k, out)
			}
		default:
			if got := splitStrings(d, splits); strings.Join(got, ";") != strings.Join(want, ";") {
				t.Errorf("%q k%d g%d: got %v, want %v", d, k, group, got, want)
			}
		}
	}
}

// The search stays far inside its budget on the worst runs within the digit limits, so the
// budget never decides an outcome.
func TestSplitBudget(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	worst := 0
	for _, c := range []struct{ k, group int }{{7, 7}, {15, 5}, {3, 0}, {2, 0}} {
		var runs []string
		for n := c.k; n <= runLimit(c.k); n++ {
			for _, digit := range "123456789" {
				runs = append(runs, strings.Repeat(string(digit), n))
			}
			for range 20 {
				var b strings.Builder
				for range n {
					b.WriteByte(byte('0' + rng.IntN(10)))
				}
				runs = append(runs, b.String())
			}
			// dash marks: all line dashes, line dashes among zeros, random marks
			runs = append(runs, strings.Repeat("—", n), strings.Repeat("—", n/2)+strings.Repeat("0", n-n/2),
				strings.Repeat("0—", n/2)+strings.Repeat("0", n%2), strings.Repeat("1—", n/2)+strings.Repeat("1", n%2))
			for range 20 {
				runs = append(runs, randomDashRun(rng, n))
			}
		}
		for _, d := range runs {
			s, out := newSplitter(d, c.k, c.group)
			if out != runSplit {
				t.Fatalf("%q: not searched (%s)", d, outcomeName(out))
			}
			s.walk(0, 0, 0)
			worst = max(worst, s.nodes)
			if s.nodes > splitBudget/8 {
				t.Errorf("k %d, %q: %d nodes", c.k, d, s.nodes)
			}
		}
	}
	t.Logf("at most %d nodes a run (budget %d)", worst, splitBudget)
}

func TestSplitTail(t *testing.T) {
	for _, c := range []struct{ in, label, tail string }{
		{"一、本年新收政府信息公开申请数量312010034", "一、本年新收政府信息公开申请数量", "312010034"},
		{"3.其他0000000", "3.其他", "0000000"},
		{"行政事业性收费0.35", "行政事业性收费", "0.35"},
		{"行政许可150-31200", "行政许可", "150-31200"},
		{"行政强制—", "行政强制", "—"},
		{"规章///", "规章", "///"},
		{"规章", "规章", ""},
		{"123", "123", ""},
		{"（七）总计.5", "（七）总计.", "5"},
	} {
		l, tl := splitTail(c.in)
		if l != c.label || tl != c.tail {
			t.Errorf("splitTail(%q) = %q, %q; want %q, %q", c.in, l, tl, c.label, c.tail)
		}
	}
}

// ---- whole reports with cells run together ----

// t3truth is a consistent table 3: per printed row, the six applicant counts and the total.
type t3truth map[string][7]int64

// randomTable3 draws a table 3 that obeys R1, R2 and R3 (gb2021 rows, or gb2019's single
// （六） row), with the small counts most reports have.
func randomTable3(rng *rand.Rand, f schemas.Format) t3truth {
	draw := func() [7]int64 {
		var v [7]int64
		for c := range 6 {
			switch x := rng.IntN(20); {
			case x < 12:
			case x < 17:
				v[c] = int64(1 + rng.IntN(3))
			default:
				v[c] = int64(rng.IntN(40))
			}
		}
		return total7(v)
	}
	out := t3truth{}
	var handled [7]int64
	for _, r := range schemas.Labels().Table3Rows(f) {
		switch r.Key {
		case "new_received", "carried_over", "total_handled", "carried_forward":
			continue
		}
		v := draw()
		for c := range 7 {
			handled[c] += v[c]
		}
		out[r.Key] = v
	}
	var nr, co, cf [7]int64
	for c := range 6 {
		cf[c] = int64(rng.IntN(3))
		co[c] = min(int64(rng.IntN(4)), handled[c]+cf[c])
		nr[c] = handled[c] + cf[c] - co[c]
	}
	out["new_received"], out["carried_over"] = total7(nr), total7(co)
	out["total_handled"], out["carried_forward"] = handled, total7(cf)
	return out
}

func total7(v [7]int64) [7]int64 {
	v[6] = 0
	for c := range 6 {
		v[6] += v[c]
	}
	return v
}

func digitsOf(v [7]int64) string {
	var b strings.Builder
	for _, x := range v {
		b.WriteString(strconv.FormatInt(x, 10))
	}
	return b.String()
}

// runTogetherReport prints a report whose table 3 and table 4 rows have their cells run
// together, labels as the official template prints them.
func runTogetherReport(f schemas.Format, t3 t3truth, t4 [15]int64) string {
	rows := map[string]string{}
	for k, v := range t3 {
		rows[k] = digitsOf(v)
	}
	var d strings.Builder
	for _, v := range t4 {
		d.WriteString(strconv.FormatInt(v, 10))
	}
	return runTogetherText(f, "000", rows, d.String())
}

// runTogetherText prints such a report from the runs of its rows: table 2's 规章 row, the
// table 3 rows, table 4.
func runTogetherText(f schemas.Format, rules string, t3 map[string]string, t4 string) string {
	c := schemas.Labels()
	var b strings.Builder
	b.WriteString("朝阳县2022年政府信息公开工作年度报告\n一、总体情况\n无。\n二、主动公开政府信息情况\n")
	if f == schemas.FormatGB2021 {
		b.WriteString("第二十条第（一）项\n信息内容本年制发件数本年废止件数现行有效件数\n规章" + rules + "\n行政规范性文件3117\n")
	} else {
		b.WriteString("第二十条第（一）项\n信息内容本年新制作数量本年新公开数量对外公开总数量\n规章" + rules + "\n规范性文件3317\n")
	}
	b.WriteString("三、收到和处理政府信息公开申请情况\n（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况\n自然人法人或其他组织总计\n商业企业科研机构社会公益组织法律服务机构其他\n")
	groupLabel := map[string]string{}
	for _, g := range c.Table3.Groups {
		groupLabel[g.Key] = g.Label
	}
	prevGroup := ""
	for _, r := range c.Table3Rows(f) {
		label := r.Label
		if r.Group != "" && r.Group != prevGroup && r.Key != "other_total" {
			label = groupLabel[r.Group] + label
		}
		if r.Key == "granted" {
			label = groupLabel["results"] + r.Label
		}
		prevGroup = r.Group
		b.WriteString(label + t3[r.Key] + "\n")
	}
	b.WriteString("四、政府信息公开行政复议、行政诉讼情况\n行政复议行政诉讼\n结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉\n")
	b.WriteString(strings.Repeat("结果维持结果纠正其他结果尚未审结总计", 2) + "\n")
	b.WriteString(t4)
	b.WriteString("\n五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n无。\n")
	return b.String()
}

// oracleTable3 says, independently of solveTable3, which rows of a run-together table 3 are
// forced: per row the brute-force splits satisfying R2 (more than maxCandidates, or a run
// longer than runLimit(7): the row is unknown); then every combination of the rows with
// several splits (when there are at most maxCombos) is tried against R1, R3 and the （六）
// equation, each equation skipped when one of its rows is unknown.
func oracleTable3(f schemas.Format, t3 t3truth) map[string][7]int64 {
	cands := map[string][][7]int64{}
	for row, v := range t3 {
		d := digitsOf(v)
		if len(d) > runLimit(7) {
			continue
		}
		var cs [][7]int64
		for _, s := range bruteSplits(d, 7, 7) {
			var w [7]int64
			for i, x := range strings.Split(s, "|") {
				w[i], _ = strconv.ParseInt(x, 10, 64)
			}
			cs = append(cs, w)
		}
		if len(cs) >= 1 && len(cs) <= maxCandidates {
			cands[row] = cs
		}
	}
	var results, others []string
	for _, r := range schemas.Labels().Table3Rows(f) {
		switch {
		case r.Group == "other" && r.Key != "other_total":
			others = append(others, r.Key)
		case r.Group != "" && r.Group != "other":
			results = append(results, r.Key)
		}
	}
	if f == schemas.FormatGB2019 {
		others = []string{"other_total"}
	}
	var amb []string
	combos := 1
	for row, cs := range cands {
		if len(cs) > 1 {
			amb = append(amb, row)
			combos *= len(cs)
		}
	}
	sort.Strings(amb)
	forced := map[string][7]int64{}
	for row, cs := range cands {
		if len(cs) == 1 {
			forced[row] = cs[0]
		}
	}
	if len(amb) == 0 || combos > maxCombos {
		return forced
	}
	seen := map[string]map[int]bool{}
	choice := make([]int, len(amb))
	for {
		val := func(row string) ([7]int64, bool) {
			for i, a := range amb {
				if a == row {
					return cands[row][choice[i]], true
				}
			}
			v, ok := forced[row]
			return v, ok
		}
		ok := true
		for col := 0; col < 7 && ok; col++ {
			sum := func(rows ...string) (int64, bool) {
				var s int64
				for _, r := range rows {
					v, k := val(r)
					if !k {
						return 0, false
					}
					s += v[col]
				}
				return s, true
			}
			a, ka := sum("new_received", "carried_over")
			b, kb := sum("total_handled", "carried_forward")
			if ka && kb && a != b {
				ok = false
			}
			h, kh := sum("total_handled")
			p, kp := sum(append(append([]string(nil), results...), others...)...)
			if kh && kp && h != p {
				ok = false
			}
		}
		if ok {
			for i, a := range amb {
				if seen[a] == nil {
					seen[a] = map[int]bool{}
				}
				seen[a][choice[i]] = true
			}
		}
		i := 0
		for ; i < len(amb); i++ {
			if choice[i]++; choice[i] < len(cands[amb[i]]) {
				break
			}
			choice[i] = 0
		}
		if i == len(amb) {
			break
		}
	}
	for _, a := range amb {
		if len(seen[a]) == 1 {
			for k := range seen[a] {
				forced[a] = cands[a][k]
			}
		}
	}
	return forced
}

// The property: random consistent tables run together read back with every split row equal
// to the truth, exactly the rows the oracle says are forced split, the others flagged; never a
// wrong split.
func TestRunTogetherProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(2024, 13))
	forcedRows, flaggedRows := 0, 0
	for i := 0; i < 150; i++ {
		f := schemas.FormatGB2021
		if i%3 == 0 {
			f = schemas.FormatGB2019
		}
		t3 := randomTable3(rng, f)
		var t4 [15]int64
		for g := 0; g < 3; g++ {
			var s int64
			for o := 0; o < 4; o++ {
				t4[g*5+o] = int64(rng.IntN(3) * rng.IntN(3))
				s += t4[g*5+o]
			}
			t4[g*5+4] = s
		}
		text := runTogetherReport(f, t3, t4)
		r := parseText(fmt.Sprintf("run%d.txt", i), text, Options{})
		if r.Format != f {
			t.Fatalf("report %d: format %s, want %s\n%s", i, r.Format, f, text)
		}
		forced := oracleTable3(f, t3)
		cols := schemas.Labels().Table3ColumnKeys()
		for row, truth := range t3 {
			want, isForced := forced[row]
			for ci, col := range cols {
				c, _ := r.Table3.Get(row, col)
				switch {
				case isForced && (c.State != schemas.StateSplit || c.Value != schemas.DecInt(want[ci])):
					t.Errorf("report %d %s.%s: got %s (%s), forced %d", i, row, col, c.Value, c.State, want[ci])
				case isForced && want[ci] != truth[ci]:
					t.Errorf("report %d %s.%s: the oracle forced %d, truth %d", i, row, col, want[ci], truth[ci])
				case !isForced && c.State != schemas.StateMissing:
					t.Errorf("report %d %s.%s: %s (%s), want flagged (%s)", i, row, col, c.Value, c.State, digitsOf(truth))
				}
			}
			if isForced {
				forcedRows++
			} else {
				flaggedRows++
				if !hasProblem(r, schemas.ProblemAmbiguous, schemas.Table3, row) {
					t.Errorf("report %d %s: flagged without a problem", i, row)
				}
			}
		}
		// table 4: forced exactly when R4 leaves one split of the fifteen
		var d strings.Builder
		for _, v := range t4 {
			d.WriteString(strconv.FormatInt(v, 10))
		}
		brute := bruteSplits(d.String(), 15, 5)
		for gi, g := range schemas.Labels().Table4GroupKeys() {
			for oi, o := range schemas.Labels().Table4OutcomeKeys() {
				c, _ := r.Table4.Get(g, o)
				if len(brute) == 1 {
					if c.State != schemas.StateSplit || c.Value != schemas.DecInt(t4[gi*5+oi]) {
						t.Errorf("report %d table4 %s.%s = %s (%s), want %d", i, g, o, c.Value, c.State, t4[gi*5+oi])
					}
				} else if c.State != schemas.StateMissing {
					t.Errorf("report %d table4 %s.%s = %s (%s), want flagged (%d splits)", i, g, o, c.Value, c.State, len(brute))
				}
			}
		}
	}
	t.Logf("%d rows split, %d flagged", forcedRows, flaggedRows)
	if forcedRows == 0 || flaggedRows == 0 {
		t.Errorf("the property test must see both forced and flagged rows")
	}
}

// A row whose published numbers break R2 is flagged, never "fixed" by another split; the
// rest of the table is read and the rules report what they see.
func TestRunTogetherBrokenRow(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	t3 := randomTable3(rng, schemas.FormatGB2021)
	v := t3["granted"]
	v[6]++ // the published total is one more than its parts
	t3["granted"] = v
	var t4 [15]int64
	r := parseText("broken.txt", runTogetherReport(schemas.FormatGB2021, t3, t4), Options{})
	for _, col := range schemas.Labels().Table3ColumnKeys() {
		c, _ := r.Table3.Get("granted", col)
		if c.State == schemas.StateSplit {
			splits, _ := splitRun(digitsOf(v), 7, 7)
			// a split of the row satisfies R2: it may only be taken if it is the row's only one
			// and the digits say so; the truth breaks R2, so the printed cells are not it
			if len(bruteSplits(digitsOf(v), 7, 7)) == 0 {
				t.Errorf("granted.%s split (%v) although no split satisfies R2", col, splits)
			}
		}
	}
	if len(bruteSplits(digitsOf(v), 7, 7)) == 0 && !hasProblem(r, schemas.ProblemAmbiguous, schemas.Table3, "granted") {
		t.Errorf("broken row not flagged: %v", problemCodes(r))
	}
}

// The 2021 report with every cell boundary dropped is recognised as gb2021 (by its
// labels, not its separators) and read.
func TestRunTogetherFormat(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	t3 := randomTable3(rng, schemas.FormatGB2021)
	t3["new_received"] = [7]int64{31, 2, 0, 1, 0, 0, 34}
	var t4 [15]int64
	r := parseText("issue.txt", runTogetherReport(schemas.FormatGB2021, t3, t4), Options{})
	if r.Format != schemas.FormatGB2021 || r.Year != 2022 {
		t.Fatalf("format %s year %d, problems %v", r.Format, r.Year, problemCodes(r))
	}
	checkRows(t, "table3", r.Table3, t3cols(map[string]string{"new_received": ""}), map[string]string{"new_received": "s31 s2 s0 s1 s0 s0 s34"})
	checkRows(t, "table2", r.Table2, map[string][]string{"rules": {"issued", "repealed", "in_force"}}, map[string]string{"rules": "s0 s0 s0"})
	checkRows(t, "table4", r.Table4, t4cols(), t4spec(strings.TrimSpace(strings.Repeat("s0 ", 15))))
}

// ---- dash marks in a run ----

// bruteRunSplits is the reference for splitRun on runs holding dash marks, written
// independently of it: every choice of k-1 cut positions among the gaps between the runs's
// characters, kept when every cell is a count as printed (1..9 digits, no leading zero), one
// of the single marks / ／ \ 无, or one or more line dashes (- — – － ― ─ ‐ ‑ −), and, with
// group > 0, every group's last cell is the sum of its others, a dash counting 0.
func bruteRunSplits(d string, k, group int) []string {
	rs := []rune(d)
	n := len(rs)
	var out []string
	if n < k || n > 22 {
		return nil
	}
	cellOK := func(c []rune) (int64, bool) {
		s := string(c)
		if strings.Trim(s, "0123456789") == "" {
			if len(s) > 9 || len(s) > 1 && s[0] == '0' {
				return 0, false
			}
			v, _ := strconv.ParseInt(s, 10, 64)
			return v, true
		}
		switch s {
		case "/", "／", "\\", "无":
			return 0, true
		}
		return 0, strings.Trim(s, "-—–－―─‐‑−") == ""
	}
	for mask := 1<<(k-1) - 1; mask < 1<<(n-1); mask = nextMask(mask) {
		var cells []string
		vals := make([]int64, 0, k)
		start, ok := 0, true
		for g := 0; g < n && ok; g++ {
			if g == n-1 || mask&(1<<g) != 0 {
				v, good := cellOK(rs[start : g+1])
				ok = good
				cells = append(cells, string(rs[start:g+1]))
				vals = append(vals, v)
				start = g + 1
			}
		}
		for g := 0; ok && group > 0 && g < k; g += group {
			var s int64
			for i := g; i < g+group-1; i++ {
				s += vals[i]
			}
			ok = s == vals[g+group-1]
		}
		if ok {
			out = append(out, strings.Join(cells, "|"))
		}
	}
	sort.Strings(out)
	return out
}

func outcomeName(out runOutcome) string {
	return [...]string{"split", "none", "toolong", "toomany", "notdigit", "tooshort", "sign"}[out]
}

// The forms of issue 13 part 3: a run of dash marks under as many columns reads as that many
// dashes; a double dash that may be one cell or two is never guessed; dashes among digits
// are split by the row's rule where the count does not force it.
func TestSplitRunDashes(t *testing.T) {
	for _, c := range []struct {
		d        string
		k, group int
		want     string // splits joined by ";", or an outcome
	}{
		{"///", 3, 0, "/|/|/"},                                 // the 规范性文件 row
		{"———", 3, 0, "—|—|—"},                                 // （———） under three columns
		{"———", 2, 0, "—|——;——|—"},                             // two readings
		{"——", 1, 0, "——"},                                     // one cell of two dashes
		{"1——12", 4, 0, "1|—|—|12;1|——|1|2"},                   // the brief's ambiguous double dash
		{"1——12", 3, 0, "1|——|12"},                             // only one reading fits three columns
		{"1—2", 3, 0, "1|—|2"},                                 // forced by the count
		{"10—2", 3, 0, "10|—|2"},                               // likewise: 1|0—… is no cell
		{"12/3", 3, 0, "12|/|3"},                               // forced by the count
		{"123/", 3, 0, "1|23|/;12|3|/"},                        // not forced: table 2 flags it
		{"//", 3, 0, "tooshort"},                               // fewer marks than columns
		{"无无无", 3, 0, "无|无|无"},                                 // 无 is a dash cell of its own
		{"1—1000—11", 7, 7, "1|—|10|0|0|—|11"},                 // R2 decides (1|—|100|0|—|1|1 breaks it)
		{"1—1000—11", 7, 0, "1|—|100|0|—|1|1;1|—|10|0|0|—|11"}, // without the rule: two
		{"——————", 7, 7, "tooshort"},
		{"———————", 7, 7, "—|—|—|—|—|—|—"}, // a total of dashes sums to 0
		{"1—————1", 7, 7, "1|—|—|—|—|—|1"}, // forced by the count and R2
		{"1—————2", 7, 7, "none"},
		{"10——120022", 7, 7, "10|—|—|12|0|0|22;1|0|——|1|20|0|22"}, // R2 leaves both: a double dash is not guessed          // breaks R2: never "fixed"
		{"1a—", 3, 0, "notdigit"},
		{"1+2", 3, 0, "notdigit"},
		{"1.5—", 2, 0, "notdigit"},
		{"0000—000000—000", 15, 5, "0|0|0|0|—|0|0|0|0|0|0|—|0|0|0"}, // table 4
	} {
		splits, out := splitRun(c.d, c.k, c.group)
		got := strings.Join(splitStrings(c.d, splits), ";")
		if out != runSplit {
			got = outcomeName(out)
		}
		want := c.want
		if strings.Contains(want, "|") || !strings.Contains("none tooshort notdigit", want) {
			// splits are compared sorted
			ws := strings.Split(want, ";")
			sort.Strings(ws)
			want = strings.Join(ws, ";")
		}
		if got != want {
			t.Errorf("splitRun(%q, %d, %d) = %s, want %s", c.d, c.k, c.group, got, want)
		}
		if out == runSplit || out == runNone || out == runTooShort {
			if b := strings.Join(bruteRunSplits(c.d, c.k, c.group), ";"); b != strings.Join(splitStrings(c.d, splits), ";") {
				t.Errorf("splitRun(%q) differs from the brute force %s", c.d, b)
			}
		}
	}
}

// randomDashRun draws a run of n characters: mostly zeros and ones, some dash marks.
func randomDashRun(rng *rand.Rand, n int) string {
	marks := []string{"—", "—", "/", "-", "无", "－", "–"}
	var b strings.Builder
	for range n {
		if rng.IntN(4) == 0 {
			b.WriteString(marks[rng.IntN(len(marks))])
		} else {
			b.WriteByte("0001112345"[rng.IntN(10)])
		}
	}
	return b.String()
}

// splitRun finds exactly the splits the brute force finds on random runs with dash marks.
func TestSplitRunDashesMatchBrute(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 17))
	splitRows := 0
	for i := 0; i < 1500; i++ {
		k, group := []int{7, 15, 3, 2, 7}[i%5], []int{7, 5, 0, 0, 0}[i%5]
		n := min(k+rng.IntN(6), 20)
		d := randomDashRun(rng, n)
		splits, out := splitRun(d, k, group)
		want := bruteRunSplits(d, k, group)
		switch {
		case len(want) > maxCandidates:
			if out != runTooMany {
				t.Errorf("%q k%d: %d splits, outcome %s", d, k, len(want), outcomeName(out))
			}
		case len(want) == 0:
			if out != runNone {
				t.Errorf("%q k%d g%d: no split, outcome %s", d, k, group, outcomeName(out))
			}
		default:
			splitRows++
			if got := splitStrings(d, splits); strings.Join(got, ";") != strings.Join(want, ";") {
				t.Errorf("%q k%d g%d: got %v, want %v", d, k, group, got, want)
			}
		}
	}
	if splitRows < 100 {
		t.Errorf("only %d runs with splits: the test sees too little", splitRows)
	}
}

// dashTexts prints the cells of v, some of its zero cells as dash marks (a total only when
// its row is all zero): the texts of the cells, in order.
func dashTexts(rng *rand.Rand, v []int64, share int) []string {
	marks := []string{"—", "/", "-", "无", "——", "－", "–"}
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = strconv.FormatInt(x, 10)
		if x == 0 && rng.IntN(100) < share {
			out[i] = marks[rng.IntN(len(marks))]
		}
	}
	return out
}

// oracleRuns says, independently of splitRun and solveTable3, which run-together rows of
// table 3 are forced and how: per row the brute-force splits of its run satisfying R2 (a dash
// counting 0); rows with more than maxCandidates, or runs longer than runLimit(7), are
// unknown; then every combination of the rows with several splits (at most maxCombos) is
// tried against R1, R3 and the （六） equation, column by column, a column skipped where a
// row is unknown or holds a dash. known is false when a run is too long for the brute force
// (the test then only checks that a split row is right).
func oracleRuns(f schemas.Format, runs map[string]string) (forced map[string][]string, known bool) {
	type cand struct {
		texts []string
		vals  [7]int64
		dash  [7]bool
	}
	known = true
	cands := map[string][]cand{}
	for row, d := range runs {
		n := utf8.RuneCountInString(d)
		if n > runLimit(7) {
			continue
		}
		if n > 22 {
			known = false
			continue
		}
		var cs []cand
		for _, sp := range bruteRunSplits(d, 7, 7) {
			c := cand{texts: strings.Split(sp, "|")}
			for i, x := range c.texts {
				v, err := strconv.ParseInt(x, 10, 64)
				c.vals[i], c.dash[i] = v, err != nil
			}
			cs = append(cs, c)
		}
		if len(cs) >= 1 && len(cs) <= maxCandidates {
			cands[row] = cs
		}
	}
	var results, others []string
	for _, r := range schemas.Labels().Table3Rows(f) {
		switch {
		case r.Group == "other" && r.Key != "other_total":
			others = append(others, r.Key)
		case r.Group != "" && r.Group != "other":
			results = append(results, r.Key)
		}
	}
	if f == schemas.FormatGB2019 {
		others = []string{"other_total"}
	}
	forced = map[string][]string{}
	var amb []string
	combos := 1
	for row, cs := range cands {
		if len(cs) == 1 {
			forced[row] = cs[0].texts
		} else {
			amb = append(amb, row)
			combos *= len(cs)
		}
	}
	sort.Strings(amb)
	if len(amb) == 0 || combos > maxCombos {
		return forced, known
	}
	seen := map[string]map[int]bool{}
	choice := make([]int, len(amb))
	val := func(row string, col int) (int64, bool) {
		for i, a := range amb {
			if a == row {
				c := cands[row][choice[i]]
				return c.vals[col], !c.dash[col]
			}
		}
		if cs, ok := cands[row]; ok && len(cs) == 1 {
			return cs[0].vals[col], !cs[0].dash[col]
		}
		return 0, false
	}
	sum := func(col int, rows ...string) (int64, bool) {
		var s int64
		for _, r := range rows {
			v, ok := val(r, col)
			if !ok {
				return 0, false
			}
			s += v
		}
		return s, true
	}
	for {
		ok := true
		for col := 0; col < 7 && ok; col++ {
			a, ka := sum(col, "new_received", "carried_over")
			b, kb := sum(col, "total_handled", "carried_forward")
			h, kh := sum(col, "total_handled")
			p, kp := sum(col, append(append([]string(nil), results...), others...)...)
			ok = !(ka && kb && a != b) && !(kh && kp && h != p)
		}
		if ok {
			for i, a := range amb {
				if seen[a] == nil {
					seen[a] = map[int]bool{}
				}
				seen[a][choice[i]] = true
			}
		}
		i := 0
		for ; i < len(amb); i++ {
			if choice[i]++; choice[i] < len(cands[amb[i]]) {
				break
			}
			choice[i] = 0
		}
		if i == len(amb) {
			break
		}
	}
	for _, a := range amb {
		if len(seen[a]) == 1 {
			for k := range seen[a] {
				forced[a] = cands[a][k].texts
			}
		}
	}
	return forced, known
}

// The property with dash cells: random consistent tables whose zero cells are partly printed
// as dash marks (—, /, -, 无, ——, －, –), run together. Every row read equals the truth (its
// dash cells of state dash with the printed mark, its numbers split), exactly the rows the
// oracle says are forced are read, the others flagged; never a wrong split. Table 2's 规章
// row of dashes alone, and table 4 with dashes, likewise.
func TestRunTogetherDashProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 3))
	forcedRows, flaggedRows, dashCells := 0, 0, 0
	cols := schemas.Labels().Table3ColumnKeys()
	check := func(i int, what string, c schemas.Cell, text string) {
		t.Helper()
		if v, err := strconv.ParseInt(text, 10, 64); err == nil {
			if c.State != schemas.StateSplit || c.Value != schemas.DecInt(v) {
				t.Errorf("report %d %s: got %s (%s), truth %s", i, what, c.Value, c.State, text)
			}
			return
		}
		if c.State != schemas.StateDash || c.Text != text {
			t.Errorf("report %d %s: got %q (%s), truth the dash %q", i, what, c.Text, c.State, text)
		}
		dashCells++
	}
	for i := 0; i < 200; i++ {
		f := schemas.FormatGB2021
		if i%3 == 0 {
			f = schemas.FormatGB2019
		}
		t3 := randomTable3(rng, f)
		truth := map[string][]string{}
		runs := map[string]string{}
		for row, v := range t3 {
			truth[row] = dashTexts(rng, v[:], 35)
			runs[row] = strings.Join(truth[row], "")
		}
		var t4 [15]int64
		for g := 0; g < 3; g++ {
			var s int64
			for o := 0; o < 4; o++ {
				t4[g*5+o] = int64(rng.IntN(3) * rng.IntN(3))
				s += t4[g*5+o]
			}
			t4[g*5+4] = s
		}
		t4texts := dashTexts(rng, t4[:], 35)
		rules := []string{"000", "///", "———", "—/—", "0—0", "无无无", "1——"}[rng.IntN(7)]
		text := runTogetherText(f, rules, runs, strings.Join(t4texts, ""))
		r := parseText(fmt.Sprintf("dash%d.txt", i), text, Options{})
		if r.Format != f {
			t.Fatalf("report %d: format %s, want %s\n%s", i, r.Format, f, text)
		}
		forced, known := oracleRuns(f, runs)
		for row := range t3 {
			want, isForced := forced[row]
			c0, _ := r.Table3.Get(row, cols[0])
			read := c0.State != schemas.StateMissing
			if read {
				for ci, col := range cols {
					c, _ := r.Table3.Get(row, col)
					check(i, row+"."+col, c, truth[row][ci])
				}
			}
			switch {
			case isForced && strings.Join(want, "|") != strings.Join(truth[row], "|"):
				t.Errorf("report %d %s: the oracle forced %v, truth %v", i, row, want, truth[row])
			case known && isForced != read:
				t.Errorf("report %d %s (%s): read %v, the oracle says forced %v", i, row, runs[row], read, isForced)
			}
			if read {
				forcedRows++
			} else {
				flaggedRows++
				for _, col := range cols {
					if c, _ := r.Table3.Get(row, col); c.State != schemas.StateMissing {
						t.Errorf("report %d %s.%s: %s in a flagged row", i, row, col, c.State)
					}
				}
				if !hasProblem(r, schemas.ProblemAmbiguous, schemas.Table3, row) {
					t.Errorf("report %d %s: flagged without a problem", i, row)
				}
			}
		}
		// table 2: each of these makes three cells in one way only ("1——" as 1|——| is two)
		rulesTruth := map[string][]string{"000": {"0", "0", "0"}, "///": {"/", "/", "/"}, "———": {"—", "—", "—"},
			"—/—": {"—", "/", "—"}, "0—0": {"0", "—", "0"}, "无无无": {"无", "无", "无"}, "1——": {"1", "—", "—"}}[rules]
		for mi, m := range schemas.Labels().Table2Items(f)[0].Measures {
			c, _ := r.Table2.Get("rules", m)
			check(i, "rules."+m, c, rulesTruth[mi])
		}
		// table 4: forced exactly when R4 leaves one split of the run
		d := strings.Join(t4texts, "")
		brute := bruteRunSplits(d, 15, 5)
		t4known := utf8.RuneCountInString(d) <= 22
		for gi, g := range schemas.Labels().Table4GroupKeys() {
			for oi, o := range schemas.Labels().Table4OutcomeKeys() {
				c, _ := r.Table4.Get(g, o)
				switch {
				case c.State != schemas.StateMissing:
					check(i, "table4 "+g+"."+o, c, t4texts[gi*5+oi])
				case t4known && len(brute) == 1:
					t.Errorf("report %d table4 %s.%s flagged, forced (%s)", i, g, o, d)
				}
				if c.State != schemas.StateMissing && t4known && len(brute) != 1 {
					t.Errorf("report %d table4 %s.%s read, %d splits (%s)", i, g, o, len(brute), d)
				}
			}
		}
	}
	t.Logf("%d rows read, %d flagged, %d dash cells read", forcedRows, flaggedRows, dashCells)
	if forcedRows == 0 || flaggedRows == 0 || dashCells == 0 {
		t.Errorf("the property test must see forced rows, flagged rows and dash cells")
	}
}

// Whole reports with dash marks run onto their rows' labels (issue 13 part 3).
func TestRunTogetherDashRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	t3 := randomTable3(rng, schemas.FormatGB2019)
	runs := map[string]string{}
	for k, v := range t3 {
		runs[k] = digitsOf(v)
	}
	runs["granted"] = "1—1000—11" // R2 leaves 1|—|10|0|0|—|11 (1|—|100|0|—|1|1 breaks it)
	text := runTogetherText(schemas.FormatGB2019, "——12", runs, "000000000000000")
	// table 2's other rows: dashes alone under three columns; a "-" before a digit under
	// 本年增/减 may be a minus sign; an em dash may not
	text = strings.Replace(text, "规范性文件3317\n", "规范性文件///\n第二十条第（五）项\n信息内容上一年项目数量本年增/减处理决定数量\n"+
		"行政许可12-3100\n其他对外管理服务事项12—100\n第二十条第（六）项\n信息内容上一年项目数量本年增/减处理决定数量\n行政处罚———\n", 1)
	r := parseText("dashrows.txt", text, Options{})
	if r.Format != schemas.FormatGB2019 {
		t.Fatalf("format %s\n%s", r.Format, text)
	}
	checkRows(t, "table2", r.Table2, t2cols(schemas.FormatGB2019, nil), map[string]string{
		"normative_documents": "- - -",
		"rules":               "? ? ?",
		"licensing":           "? ? ?",
		"other_services":      "s12 - s100",
		"penalty":             "- - -",
	})
	checkRows(t, "table3", r.Table3, t3cols(map[string]string{"granted": ""}), map[string]string{"granted": "s1 - s10 s0 s0 - s11"})
	for _, want := range []string{
		"表二“规章”行各格数字连在一起（——12），可拆为2种：—|—|12；——|1|2，无法确定",
		"表二“行政许可”行各格数字连在一起（12-3100），“-”既可能是占位符也可能是负号，无法确定",
	} {
		found := false
		for _, p := range r.Problems {
			found = found || p.Message == want && p.Code == schemas.ProblemAmbiguous
		}
		if !found {
			t.Errorf("no problem %q in %v", want, r.Problems)
		}
	}
	for _, p := range r.Problems {
		if p.Row == "normative_documents" || p.Row == "other_services" || p.Row == "penalty" || p.Row == "granted" {
			t.Errorf("a forced row has a problem: %+v", p)
		}
	}
}
