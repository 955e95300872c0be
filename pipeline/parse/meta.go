package parse

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"xxgk/schemas"
)

const minYear, maxYear = 2008, 2035

// yearAt returns the year whose "年" starts at byte k of s (4 digits right before it, not
// preceded by another digit), or 0.
func yearAt(s string, k int) int {
	if k < 4 {
		return 0
	}
	y := 0
	for i := k - 4; i < k; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0
		}
		y = y*10 + int(c-'0')
	}
	if k > 4 && s[k-5] >= '0' && s[k-5] <= '9' {
		return 0
	}
	if y < minYear || y > maxYear {
		return 0
	}
	return y
}

// firstYear returns the first year ("2021年") in s and its byte offset, or 0, -1.
func firstYear(s string) (int, int) {
	for off := 0; ; {
		k := strings.Index(s[off:], "年")
		if k < 0 {
			return 0, -1
		}
		k += off
		if y := yearAt(s, k); y != 0 {
			return y, k - 4
		}
		off = k + len("年")
	}
}

// statPeriodYear reads "统计期限自2021年1月1日起至2021年12月31日止".
func (p *parser) statPeriodYear() int {
	s := p.text
	for off := 0; ; {
		k := strings.Index(s[off:], "年1月1日")
		if k < 0 {
			return 0
		}
		k += off
		off = k + 1
		y := yearAt(s, k)
		if y == 0 {
			continue
		}
		ls := strings.LastIndexByte(s[:k], '\n') + 1
		le := strings.IndexByte(s[k:], '\n')
		if le < 0 {
			le = len(s)
		} else {
			le += k
		}
		l := s[ls:le]
		if strings.Contains(l, "统计") || strings.Contains(l, "12月31日") {
			return y
		}
	}
}

// frequentYear is the most frequent year in sections 一–四 (the intro included): later
// sections talk about next year's plans.
func (p *parser) frequentYear() int {
	end := len(p.text)
	if h := p.sec[5]; h >= 0 {
		end = p.lines[h].s
	} else if h := p.sec[6]; h >= 0 {
		end = p.lines[h].s
	}
	s := p.text[:end]
	var counts [maxYear - minYear + 1]int
	for off := 0; ; {
		k := strings.Index(s[off:], "年")
		if k < 0 {
			break
		}
		k += off
		if y := yearAt(s, k); y != 0 {
			counts[y-minYear]++
		}
		off = k + len("年")
	}
	best, bestN := 0, 0
	for i, n := range counts {
		if n > bestN {
			best, bestN = minYear+i, n
		}
	}
	return best
}

func (p *parser) findYear() {
	r := p.r
	strong := 0
	if r.Title != "" {
		strong, _ = firstYear(r.Title)
	}
	if strong == 0 {
		strong = p.statPeriodYear()
	}
	if p.opt.Year != 0 {
		r.Year = p.opt.Year
		if strong != 0 && strong != p.opt.Year {
			p.problem(schemas.Problem{Code: schemas.ProblemYear, Severity: schemas.SeverityWarning,
				Text:    strconv.Itoa(strong),
				Message: "指定的年度" + strconv.Itoa(p.opt.Year) + "与报告文字中的年度" + strconv.Itoa(strong) + "不一致"})
		}
		return
	}
	if strong != 0 {
		r.Year = strong
		return
	}
	if y := p.frequentYear(); y != 0 {
		r.Year = y
		return
	}
	p.problem(schemas.Problem{Code: schemas.ProblemYear, Message: "未找到报告年度（标题、统计期限和正文中都没有年份）"})
}

// ---- figures stated in the prose ----

// sectionOf returns the section number (1..6) line index i falls in, 0 before the first.
func (p *parser) sectionOf(i int) int {
	n := 0
	for k := 1; k <= 6; k++ {
		if p.sec[k] >= 0 && p.sec[k] <= i {
			n = k
		}
	}
	return n
}

var (
	feeFillers   = []string{"共计", "合计", "总计", "共", "为", ":", "：", " ", "金额", "总额", "人民币", "收入", "费用"}
	feeNegations = []string{"未收取", "没有收取", "不收取", "未产生", "免收", "未发生", "无收取", "不存在", "均未", "没有产生", "未向"}
	reqFillers   = []string{"共计", "合计", "总计", "总数", "总量", "数量", "件数", "共", "数", "为", ":", "：", " ", "约", "近", "超过"}
	reqVerbs     = []string{"收到", "受理", "新收", "接收", "接到"}
	reqNegations = []string{"未收到", "没有收到", "未受理", "无依申请", "未发生"}
	requestUnits = []string{"件次", "件(次)", "人次", "件", "个", "份", "条", "宗", "次"}
)

func skipFillers(s string, fillers []string) (string, bool) {
	approx := false
	for {
		changed := false
		for _, f := range fillers {
			if strings.HasPrefix(s, f) {
				if f == "约" || f == "近" || f == "超过" {
					approx = true
				}
				s = s[len(f):]
				changed = true
			}
		}
		if !changed {
			return s, approx
		}
	}
}

// readNumber reads digits (with "," and ".") at the start of s: the number, "余"/"多"
// after it, and the rest.
func readNumber(s string) (schemas.Dec, bool, string, bool) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || (i > 0 && (s[i] == '.' || s[i] == ','))) {
		i++
	}
	for i > 0 && (s[i-1] == '.' || s[i-1] == ',') {
		i--
	}
	if i == 0 {
		return 0, false, s, false
	}
	num := strings.ReplaceAll(s[:i], ",", "")
	d, err := schemas.ParseDec(num)
	if err != nil {
		return 0, false, s, false
	}
	rest := s[i:]
	approx := false
	for _, a := range []string{"余", "多"} {
		if strings.HasPrefix(rest, a) {
			approx = true
			rest = rest[len(a):]
		}
	}
	return d, approx, rest, true
}

// maxClause bounds how far clauseAround looks for the ends of a clause on either side of a word:
// a clause of prose is a few dozen characters, and a line without punctuation (a hostile file, or
// a table run into one line) must not make every occurrence of a word scan the whole line.
const maxClause = 512

// clauseSeps end a clause.
var clauseSeps = []string{"，", "。", "；", ",", ";", "！", "？"}

// clauseAround returns the clause of line holding byte k, and its start offset. A clause longer
// than maxClause bytes on either side of k is cut there (at a character boundary), so the cost
// of a call is bounded whatever the line's length.
func clauseAround(line string, k int) (string, int) {
	lo := max(0, k-maxClause)
	for lo > 0 && lo < len(line) && !utf8.RuneStart(line[lo]) {
		lo++
	}
	hi := min(len(line), k+maxClause)
	for hi < len(line) && !utf8.RuneStart(line[hi]) {
		hi--
	}
	s := lo
	for _, b := range clauseSeps {
		if j := strings.LastIndex(line[lo:k], b); j >= 0 && lo+j+len(b) > s {
			s = lo + j + len(b)
		}
	}
	e := hi
	for _, b := range clauseSeps {
		if j := strings.Index(line[k:hi], b); j >= 0 && k+j < e {
			e = k + j
		}
	}
	return line[s:e], s
}

// feeIn reads the 信息处理费 stated in a line.
func feeIn(line string) (schemas.Dec, string, bool) {
	const word = "信息处理费"
	for off := 0; ; {
		k := strings.Index(line[off:], word)
		if k < 0 {
			return 0, "", false
		}
		k += off
		off = k + len(word)
		clause, cs := clauseAround(line, k)
		after, _ := skipFillers(line[k+len(word):], feeFillers)
		if d, _, rest, ok := readNumber(after); ok {
			switch {
			case strings.HasPrefix(rest, "万元"):
				d *= 10000
				rest = rest[len("万元"):]
			case strings.HasPrefix(rest, "元"):
				rest = rest[len("元"):]
			default:
				continue
			}
			end := len(line) - len(rest)
			return d, trimSpace(line[cs:end]), true
		}
		if strings.HasPrefix(after, "无") || strings.HasPrefix(after, "0元") {
			return 0, trimSpace(clause), true
		}
		if containsAny(line[cs:k], feeNegations) {
			return 0, trimSpace(clause), true
		}
	}
}

// requestsIn reads "共收到政府信息公开申请20件" from a line.
func requestsIn(line string) (schemas.Dec, bool, string, bool) {
	const word = "申请"
	for off := 0; ; {
		k := strings.Index(line[off:], word)
		if k < 0 {
			return 0, false, "", false
		}
		k += off
		off = k + len(word)
		clause, cs := clauseAround(line, k)
		head := line[cs:k]
		if !containsAny(head, reqVerbs) && !containsAny(head, reqNegations) {
			continue
		}
		after, approx := skipFillers(line[k+len(word):], reqFillers)
		if d, ap, rest, ok := readNumber(after); ok {
			unit := ""
			for _, u := range requestUnits {
				if strings.HasPrefix(rest, u) {
					unit = u
					break
				}
			}
			if unit == "" || containsAny(head, reqNegations) {
				continue
			}
			if strings.Contains(head, "约") || strings.Contains(head, "近") {
				approx = true
			}
			end := len(line) - len(rest) + len(unit)
			return d, approx || ap, trimSpace(line[cs:end]), true
		}
		if containsAny(head, reqNegations) && !strings.ContainsAny(clause, "0123456789") {
			return 0, false, trimSpace(clause), true
		}
	}
}

func (p *parser) findStatements() {
	r := p.r
	// the fee: section 六 first, then anywhere
	feeDone := false
	tryFee := func(i int) {
		l := p.line(i)
		if feeDone || !strings.Contains(l, "信息处理费") {
			return
		}
		if d, text, ok := feeIn(l); ok {
			r.Fee = schemas.Cell{State: schemas.StateNumber, Value: d, Line: i + 1, Text: text}
			r.Statements = append(r.Statements, schemas.Statement{Measure: schemas.StatedFees, Value: d,
				Section: p.sectionOf(i), Line: i + 1, Text: text})
			feeDone = true
		}
	}
	if h := p.sec[6]; h >= 0 {
		for i := h; i < len(p.lines); i++ {
			tryFee(i)
		}
	}
	for i := 0; i < len(p.lines) && !feeDone; i++ {
		tryFee(i)
	}
	// the requests received: sections 一 and 三 first (prose only), then anywhere
	tryRequests := func(from, to int) bool {
		for i := from; i < to; i++ {
			l := p.line(i)
			if strings.IndexByte(l, '|') >= 0 || !strings.Contains(l, "申请") {
				continue
			}
			if d, approx, text, ok := requestsIn(l); ok {
				r.Statements = append(r.Statements, schemas.Statement{Measure: schemas.StatedRequests, Value: d,
					Approx: approx, Section: p.sectionOf(i), Line: i + 1, Text: text})
				return true
			}
		}
		return false
	}
	for _, n := range []int{1, 3} {
		if h := p.sec[n]; h >= 0 && tryRequests(h+1, p.sectionEnd(n)) {
			return
		}
	}
	tryRequests(0, len(p.lines))
}
