package parse

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"xxgk/pipeline/regions"
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

// findBody takes the issuing body from the title: the text before the year
// ("朝阳县教育局2021年政府信息公开工作年度报告"), or between the year and 政府信息公开.
func (p *parser) findBody() {
	r := p.r
	if p.opt.Body != "" {
		r.Body = p.opt.Body
		return
	}
	t := r.Title
	if t == "" || isProse(t) {
		// no title, or a sentence taken for one (a wrapped intro line)
		r.Body = p.untitledBody()
		return
	}
	body := ""
	y, k := firstYear(t)
	end := strings.Index(t, "政府信息公开")
	if end < 0 {
		end = strings.Index(t, "信息公开")
	}
	switch {
	case y != 0 && k > 0:
		body = t[:k]
	case y != 0 && k == 0:
		rest := t[4+len("年"):]
		rest = strings.TrimPrefix(rest, "度")
		if e := strings.Index(rest, "政府信息公开"); e >= 0 {
			body = rest[:e]
		} else if e := strings.Index(rest, "信息公开"); e >= 0 {
			body = rest[:e]
		}
	case end > 0:
		body = t[:end]
	}
	body = trimSpace(body)
	if body == "" && p.titleIdx > 0 {
		// the body on its own line above the title ("朝阳县教育局" / "2021年政府信息公开工作年度报告")
		for i := p.titleIdx - 1; i >= 0; i-- {
			l := trimCell(p.line(i))
			if l == "" {
				continue
			}
			if utf8.RuneCountInString(l) <= 30 && !strings.ContainsAny(l, "。，,:：0123456789") {
				body = l
			}
			break
		}
	}
	body = strings.TrimSuffix(body, "关于")
	for _, w := range []string{"关于印发", "关于转发", "关于公布", "关于发布", "关于"} {
		if strings.HasPrefix(body, w) {
			body = body[len(w):]
			break
		}
	}
	body = strings.Trim(body, " ,，、:：《》<>\"“”")
	body = trimSpace(body)
	if body != "" && !isIssuingBody(body) {
		// not the name of a body: the signature or the intro may name it, else none
		body = p.untitledBody()
	}
	r.Body = body
}

// isProse: a sentence, not a title ("例》)和《…年度报告格式》要求编制。报告中所列数据…").
func isProse(t string) bool {
	return strings.ContainsAny(t, "。；;！!？?") || containsAny(t, []string{"本报告", "编制", "所列数据"})
}

// untitledBody finds the body of a report without a title: the signature above the closing
// date ("双塔区教育局" / "2021年1月12日"), else the intro ("本报告由双塔区教育局根据…编制").
func (p *parser) untitledBody() string {
	last := -1
	for i := len(p.lines) - 1; i >= 0 && i >= len(p.lines)-8; i-- {
		l := trimCell(p.line(i))
		if l == "" {
			continue
		}
		if last < 0 {
			if !isDateLine(l) {
				break
			}
			last = i
			continue
		}
		if isIssuingBody(l) {
			return trimSpace(l)
		}
		break
	}
	// the intro before section 一, its lines joined (a PDF wraps "本报告由双塔区人力资源和社" /
	// "会保障局根据…")
	end := p.first
	if end > len(p.lines) {
		end = len(p.lines)
	}
	if end > 12 {
		end = 12
	}
	var intro strings.Builder
	for i := 0; i < end; i++ {
		intro.WriteString(trimCell(p.line(i)))
	}
	s := intro.String()
	for off := 0; ; {
		k := strings.Index(s[off:], "本报告由")
		if k < 0 {
			return ""
		}
		rest := s[off+k+len("本报告由"):]
		off += k + len("本报告由")
		e := -1
		for _, w := range []string{"根据", "依据", "按照", "编制", "负责", "发布"} {
			if j := strings.Index(rest, w); j > 0 && (e < 0 || j < e) {
				e = j
			}
		}
		if e > 0 && isIssuingBody(rest[:e]) {
			return trimSpace(rest[:e])
		}
	}
}

// isDateLine: "2021年1月12日" (short, a date and nothing much else).
func isDateLine(l string) bool {
	if len(l) > 40 || !strings.HasSuffix(l, "日") {
		return false
	}
	y, k := firstYear(l)
	return y != 0 && k >= 0 && k <= 3 && strings.Contains(l, "月")
}

// bodySuffixes end the name of an issuing body: a government, its office, a department, a
// commission, a centre, a township or street office, a zone's committee, an institute, a team…
// A county's own name (朝阳县) is its consolidated report's body.
var bodySuffixes = []string{
	"人民政府", "政府", "办公室", "办公厅", "办事处", "办", "局", "分局", "委员会", "管委会", "委", "中心",
	"院", "所", "队", "站", "厅", "处", "署", "部", "会", "社", "馆", "室", "组", "团", "集团", "公司",
	"县", "区", "市", "旗", "盟", "州", "乡", "镇", "街道", "苏木",
}

// proseWords are never part of a body's name: the verbs, pronouns and quantifiers of the
// sentence around it ("本报告由县政府办公室根据…", "由各乡镇根据…汇总编制", "全县各级行政机关").
var proseWords = []string{
	"本报告", "报告", "根据", "依据", "按照", "编制", "汇总", "负责", "发布", "数据", "所列",
	"联系", "查阅", "下载", "情况", "现将", "以下", "结合", "要求", "规定", "条例",
	"本机关", "本单位", "我局", "我单位", "各级", "各乡", "各部门", "各单位", "全县", "全区", "全市", "全旗",
	"的", "由", "将", "了", "等", "及", "或", "并", "其", "该", "本年", "年度",
	"网站", "门户", "网页", "专栏", "关于", "印发", "转发",
}

// relativeGov are a government named relative to the reader ("县政府办公室", "区人民政府"):
// not a name, and the scope cannot be told from it.
var relativeGov = []string{"县政府", "区政府", "市政府", "旗政府", "县人民政府", "区人民政府", "市人民政府", "旗人民政府",
	"本级政府", "乡政府", "镇政府"}

// isIssuingBody: strictly the name of an issuing body — short, without the punctuation,
// digits or words of a sentence, starting with no quantifier or pronoun (各, 我, 该…) and ending in an
// organisation's suffix (局, 委员会, 人民政府, 办公室, 中心…). A sentence fragment is never
// taken for a body: the body is left empty instead (and the scope problem says so).
func isIssuingBody(l string) bool {
	l = trimSpace(l)
	n := utf8.RuneCountInString(l)
	if n < 3 || n > 30 || strings.ContainsAny(l, "。，,;；:：!！?？0123456789０１２３４５６７８９|、《》<>“”\"'‘’…—·/ \t") {
		return false
	}
	if containsAny(l, proseWords) {
		return false
	}
	first, _ := utf8.DecodeRuneInString(l)
	if strings.ContainsRune("各我该此由在对", first) {
		return false
	}
	for _, g := range relativeGov {
		if strings.HasPrefix(l, g) {
			return false
		}
	}
	return hasAnySuffix(l, bodySuffixes)
}

var (
	govSuffixes      = []string{"人民政府办公室", "人民政府办公厅", "政府办公室", "人民政府", "政府", "街道办事处", "办事处"}
	devZoneWords     = []string{"开发区", "高新区", "园区", "管委会", "管理委员会", "新区", "工业区", "示范区"}
	townshipSuffixes = []string{"乡", "镇", "街道", "苏木"}
)

func (p *parser) findScope() {
	r := p.r
	if p.opt.Scope != "" {
		r.Scope = p.opt.Scope
		return
	}
	intro := ""
	if p.titleIdx >= 0 && p.first > p.titleIdx+1 && p.first <= len(p.lines) {
		end := len(p.text)
		if p.first < len(p.lines) {
			end = p.lines[p.first].s
		}
		intro = p.text[p.lines[p.titleIdx+1].s:end]
	}
	whole := false
	for _, w := range []string{"全县", "全区", "全市", "全旗"} {
		if strings.Contains(intro, w) && (strings.Contains(intro, "汇总") || strings.Contains(intro, "全县（区）")) {
			whole = true
		}
	}
	if strings.Contains(intro, "本行政区域") {
		whole = true
	}
	body := r.Body
	rem, suffix := body, ""
	for _, s := range govSuffixes {
		if strings.HasSuffix(body, s) && len(body) > len(s) {
			rem, suffix = strings.TrimSuffix(body, s), s
			break
		}
	}
	county := false
	if n := utf8.RuneCountInString(rem); n >= 2 && n <= 12 {
		last, _ := utf8.DecodeLastRuneInString(rem)
		county = last == '县' || last == '区' || last == '市' || last == '旗'
	}
	switch {
	case body == "" && whole:
		r.Scope = schemas.ScopeArea
	case body == "":
		p.problem(schemas.Problem{Code: schemas.ProblemScope, Severity: schemas.SeverityWarning,
			Message: "未找到发布机关，无法判断报告范围（全县汇总、政府本级、部门、乡镇或开发区）"})
	case containsAny(p.afterCounty(body), devZoneWords):
		r.Scope = schemas.ScopeDevZone
	case suffix == "街道办事处" || hasAnySuffix(rem, townshipSuffixes):
		r.Scope = schemas.ScopeTownship
	case county && (suffix == "" || whole):
		r.Scope = schemas.ScopeArea
	case county && suffix != "":
		r.Scope = schemas.ScopeGovernment
	default:
		r.Scope = schemas.ScopeDepartment
	}
}

func hasAnySuffix(s string, suf []string) bool {
	for _, x := range suf {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}

func (p *parser) registry() *regions.Registry {
	if p.opt.Registry != nil {
		return p.opt.Registry
	}
	return regions.Default()
}

// afterCounty returns body without the county-level division it starts with, so that a
// district named 新区 (沈北新区, 滨海新区) is not taken for a development zone:
// "沈北新区教育局" → "教育局", "朝阳县经济开发区管理委员会" → "经济开发区管理委员会".
func (p *parser) afterCounty(body string) string {
	if !containsAny(body, devZoneWords) {
		return body
	}
	m := p.registry().FindInText(body, "")
	names := make([]string, 0, 1+len(m.Candidates))
	if m.Found {
		names = append(names, m.Division.Name)
	}
	for _, d := range m.Candidates {
		names = append(names, d.Name)
	}
	for _, n := range names {
		if k := strings.Index(body, n); k >= 0 && k <= 12 {
			return body[k+len(n):]
		}
	}
	return body
}

func divisionNames(ds []regions.Division) string {
	var b strings.Builder
	for i, d := range ds {
		if i > 0 {
			b.WriteString("、")
		}
		b.WriteString(d.Province + d.Prefecture + d.Name + "（" + d.Code + "）")
	}
	return b.String()
}

func (p *parser) findRegion() {
	r := p.r
	reg := p.registry()
	if p.opt.Region != "" {
		if d, ok := reg.County(p.opt.Region); ok {
			m := p.opt.RegionMethod
			if m == "" {
				m = schemas.RegionFlag
			}
			r.Region = d.Region(m)
		} else {
			p.problem(schemas.Problem{Code: schemas.ProblemRegion, Text: p.opt.Region,
				Message: "指定的行政区划代码“" + p.opt.Region + "”不是已知的县级区划"})
		}
	}
	var pm regions.Match
	if r.Region.Code == "" && p.doc.Name != "" {
		pm = reg.FindInPath(p.doc.Name)
		if pm.Found {
			r.Region = pm.Division.Region(schemas.RegionPath)
		}
	}
	title := r.Title
	if title == "" {
		title = r.Body
	}
	head := p.prose()
	tm := reg.FindInText(title, head)
	if !tm.Found && !tm.Ambiguous() && len(head) < len(p.text) {
		tm = reg.FindInText(title, p.text)
	}
	switch {
	case r.Region.Code != "":
		if tm.Found && tm.Division.Code != r.Region.Code {
			p.problem(schemas.Problem{Code: schemas.ProblemRegion, Severity: schemas.SeverityWarning,
				Text: tm.Evidence,
				Message: "行政区划不一致：" + methodName(r.Region.Method) + "为" + r.Region.Name + "（" + r.Region.Code +
					"），正文为" + tm.Division.Name + "（" + tm.Division.Code + "），采用前者"})
		}
	case tm.Found:
		r.Region = tm.Division.Region(schemas.RegionText)
	case tm.Ambiguous():
		p.problem(schemas.Problem{Code: schemas.ProblemRegion, Text: tm.Evidence,
			Message: "无法确定所属县级行政区划，候选：" + divisionNames(tm.Candidates)})
	case pm.Ambiguous():
		p.problem(schemas.Problem{Code: schemas.ProblemRegion, Text: pm.Evidence,
			Message: "无法确定所属县级行政区划（路径），候选：" + divisionNames(pm.Candidates)})
	default:
		p.problem(schemas.Problem{Code: schemas.ProblemRegion,
			Message: "未找到所属县级行政区划（路径和正文中都没有县、区、市、旗名）"})
	}
}

// prose is the part of the text the region search reads first: the title, intro and section
// 一 (place names are there; the tables have none). The whole text is read when it finds
// nothing.
func (p *parser) prose() string {
	if h := p.sec[2]; h > 0 {
		return p.text[:p.lines[h].s]
	}
	return p.text
}

func methodName(m string) string {
	switch m {
	case schemas.RegionFlag:
		return "指定代码"
	case schemas.RegionManifest:
		return "清单"
	case schemas.RegionPath:
		return "文件路径"
	}
	return m
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

// clauseAround returns the clause of line holding byte k, and its start offset.
func clauseAround(line string, k int) (string, int) {
	s := 0
	for _, b := range []string{"，", "。", "；", ",", ";", "！", "？"} {
		if j := strings.LastIndex(line[:k], b); j >= 0 && j+len(b) > s {
			s = j + len(b)
		}
	}
	e := len(line)
	for _, b := range []string{"，", "。", "；", ",", ";", "！", "？"} {
		if j := strings.Index(line[k:], b); j >= 0 && k+j < e {
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
