package parse

import (
	"strings"
	"unicode/utf8"

	"xxgk/pipeline/regions"
	"xxgk/schemas"
)

// The issuing body, its level and its scope.
//
// The body's name is read where reports state it, in this order: the title ("辽宁省公安厅2023年
// 政府信息公开工作年度报告", or the body on its own line above it); the first sentences before
// section 一 ("根据…规定，现公布辽宁省公安厅2023年政府信息公开工作年度报告", "现将沈阳市人民政府
// 办公室2022年…年度报告公布如下", "辽宁省公安厅根据《条例》…编制本报告"); the signature above the
// closing date at the end ("沈阳市教育局" / "2024年1月20日", or both on one line); the
// "本报告由…编制" sentence. A candidate is taken only when it is strictly the name of a body
// (isIssuingBody). Never from a contact or postal address, a web site's name or a place
// mentioned in the prose: those are not read at all.

// bodyFrom names where the body was read (for tests and problems).
const (
	fromOption    = "option"
	fromTitle     = "title"
	fromSentence  = "sentence"
	fromSignature = "signature"
	fromCompiled  = "compiled"
)

// findBody sets r.Body.
func (p *parser) findBody() {
	r := p.r
	if p.opt.Body != "" {
		r.Body, p.bodyFrom = p.opt.Body, fromOption
		return
	}
	for _, src := range []struct {
		from string
		find func() string
	}{
		{fromTitle, p.titleBody},
		{fromSentence, p.sentenceBody},
		{fromSignature, p.signatureBody},
		{fromCompiled, p.compiledBody},
	} {
		if b := src.find(); b != "" {
			r.Body, p.bodyFrom = b, src.from
			return
		}
	}
}

// titleBody reads the body from the title: the text before the year ("朝阳县教育局2021年…"), or
// between the year and 政府信息公开 ("2021年朝阳县教育局政府信息公开…"), or on its own line above
// the title ("朝阳县教育局" / "2021年政府信息公开工作年度报告").
func (p *parser) titleBody() string {
	t := p.r.Title
	if t == "" || isProse(t) {
		return "" // no title, or a sentence taken for one (a wrapped intro line)
	}
	if b := bodyOfTitle(t); isIssuingBody(b) {
		return b
	}
	if p.titleIdx > 0 {
		for i := p.titleIdx - 1; i >= 0; i-- {
			l := trimCell(p.line(i))
			if l == "" {
				continue
			}
			if isIssuingBody(l) {
				return trimSpace(l)
			}
			break
		}
	}
	return ""
}

// bodyOfTitle returns the part of a title (or of a sentence naming the report) that names the
// body, unchecked: before the year, else between the year and 政府信息公开, else before
// 政府信息公开. "XX关于印发YY…的通知" gives YY, the body whose report it is.
func bodyOfTitle(t string) string {
	body := ""
	t = squeezeYear(t)
	y, k := firstYear(t)
	end := -1
	for _, w := range []string{"政府信息公开", "信息公开", "政务公开"} {
		if end = strings.Index(t, w); end >= 0 {
			break
		}
	}
	switch {
	case y != 0 && k > 0:
		body = t[:k]
	case y != 0 && k == 0:
		rest := strings.TrimPrefix(t[4+len("年"):], "度")
		for _, w := range []string{"政府信息公开", "信息公开", "政务公开"} {
			if e := strings.Index(rest, w); e >= 0 {
				body = rest[:e]
				break
			}
		}
	case end > 0:
		body = t[:end]
	}
	body = strings.TrimSuffix(trimSpace(body), "关于")
	if i := strings.Index(body, "关于"); i >= 0 {
		after := body[i+len("关于"):]
		for _, w := range []string{"印发", "转发", "公布", "发布"} {
			after = strings.TrimPrefix(after, w)
		}
		after = strings.Trim(after, " ,，、:：《》<>\"“”")
		if isIssuingBody(after) || !isIssuingBody(body[:i]) {
			body = after
		} else {
			body = body[:i]
		}
	}
	body = strings.Trim(body, " ,，、:：《》<>\"“”【】[]")
	return cleanBody(body)
}

// squeezeYear writes a year in Chinese numerals (二〇二三年) and a year spaced out by a PDF
// ("2023 年") as 2023年, so that the year of a title is found.
func squeezeYear(t string) string {
	if strings.Contains(t, " 年") {
		t = strings.ReplaceAll(t, " 年", "年")
	}
	const digits = "〇一二三四五六七八九"
	if !strings.ContainsAny(t, "〇○零") {
		return t
	}
	rs := []rune(t)
	for i := 0; i+4 < len(rs); i++ {
		if rs[i+4] != '年' {
			continue
		}
		var y [4]rune
		ok := true
		for j := range 4 {
			c := rs[i+j]
			if c == '○' || c == '零' {
				c = '〇'
			}
			d := strings.IndexRune(digits, c)
			if d < 0 {
				ok = false
				break
			}
			y[j] = rune('0' + utf8.RuneCountInString(digits[:d]))
		}
		if ok {
			return string(rs[:i]) + string(y[:]) + string(rs[i+4:])
		}
	}
	return t
}

// isProse: a sentence, not a title ("例》)和《…年度报告格式》要求编制。报告中所列数据…").
func isProse(t string) bool {
	return strings.ContainsAny(t, "。；;！!？?") || containsAny(t, []string{"本报告", "编制", "所列数据"})
}

// intro returns the text before section 一 after the title (at most 12 lines), its lines joined
// without separators (a PDF wraps "本报告由双塔区人力资源和社" / "会保障局根据…").
func (p *parser) intro() string {
	if p.introDone {
		return p.introText
	}
	from := 0
	if p.titleIdx >= 0 {
		from = p.titleIdx + 1
	}
	end := min(p.first, len(p.lines), from+12)
	var b strings.Builder
	for i := from; i < end && b.Len() < maxIntro; i++ {
		b.WriteString(trimCell(p.line(i)))
	}
	in := b.String()
	if len(in) > maxIntro {
		// an intro is a few sentences: a longer one is cut (at a character), which bounds the
		// searches in it
		k := maxIntro
		for k > 0 && !utf8.RuneStart(in[k]) {
			k--
		}
		in = in[:k]
	}
	p.introText, p.introDone = in, true
	return p.introText
}

// maxIntro is the most of the intro read for the body (bytes).
const maxIntro = 4096

// reportWords end the name of the report in a sentence.
var reportWords = []string{"工作年度报告", "年度报告"}

// publishVerbs come right before the report's name in the first sentence: "现公布{…}年度报告",
// "现将{…}年度报告公布如下"; the nearest one (or clause punctuation) starts the name.
var publishVerbs = []string{"现公布", "现予公布", "现予以公布", "现将", "现发布", "特发布", "现印发", "向社会公布",
	"予以公布", "公布", "发布", "印发", "本报告是", "本报告为", "本报告系", "这是",
	"，", ",", "。", "；", ";", "：", ":", "、", "“", "\"", "（", "("}

// sentenceBody reads the body from the first sentences: the name of the report after a
// publishing verb ("根据…规定，现公布辽宁省公安厅2023年政府信息公开工作年度报告",
// "现将沈阳市人民政府办公室2022年…年度报告公布如下"), or a sentence that starts with the body
// and says it compiled the report ("辽宁省公安厅根据《条例》…编制本报告").
func (p *parser) sentenceBody() string {
	s := p.intro()
	if p.titleIdx >= 0 {
		// a first sentence taken for the title ("现将…年度报告公布如下：")
		s = trimCell(p.line(p.titleIdx)) + "。" + s
	}
	if s == "" {
		return ""
	}
	for off := 0; off < len(s); {
		k, w := -1, ""
		for _, rw := range reportWords {
			if j := strings.Index(s[off:], rw); j >= 0 && (k < 0 || off+j < k) {
				k, w = off+j, rw
			}
		}
		if k < 0 {
			break
		}
		off = k + len(w)
		start := 0
		quoted := false
		for _, v := range publishVerbs {
			if j := strings.LastIndex(s[:k], v); j >= 0 && j+len(v) > start {
				start = j + len(v)
			}
		}
		if j := strings.LastIndex(s[:k], "《"); j >= 0 && j+len("《") >= start {
			quoted = true // 《中华人民共和国政府信息公开工作年度报告格式》
		}
		if quoted {
			continue
		}
		if b := bodyOfTitle(s[start:k] + w); isIssuingBody(b) {
			return b
		}
	}
	// a clause that starts with the body and goes on to compile the report ("甘肃省地震局根据…
	// 编制本报告", "依据…要求，沈阳市教育局编制了…年度报告", "沈阳市教育局对2023年度…进行了梳理")
	for _, sent := range strings.FieldsFunc(s, func(c rune) bool { return c == '。' || c == '；' || c == ';' }) {
		if !strings.Contains(sent, "编制") && !strings.Contains(sent, "报告") {
			continue
		}
		for _, cl := range strings.FieldsFunc(sent, func(c rune) bool { return c == '，' || c == ',' }) {
			e := -1
			for _, v := range compileVerbs {
				if j := strings.Index(cl, v); j > 0 && (e < 0 || j < e) {
					e = j
				}
			}
			if e > 0 {
				if b := cleanBody(cl[:e]); isIssuingBody(b) {
					return b
				}
			}
		}
	}
	return ""
}

// compileVerbs follow the body at the start of the clause that says it compiled the report.
var compileVerbs = []string{"根据", "依据", "按照", "结合", "编制", "编写", "对", "现将", "特"}

// cleanBody trims what surrounds a body's name in a sentence: white space, a verb after it
// ("沈阳市教育局编制了"), a name in brackets after it ("XX市人民政府办公室（XX市政务服务中心）").
func cleanBody(b string) string {
	b = trimSpace(b)
	for _, w := range []string{"编制了", "编制", "编写了", "撰写了", "形成了", "发布了", "特此发布", "发布", "公布"} {
		b = strings.TrimSuffix(b, w)
	}
	for _, br := range [][2]string{{"（", "）"}, {"(", ")"}} {
		if strings.HasSuffix(b, br[1]) {
			if k := strings.LastIndex(b, br[0]); k > 0 && isIssuingBody(b[:k]) {
				b = b[:k]
			}
		}
	}
	return trimSpace(b)
}

// signatureBody reads the signature at the end: the body's name on the line above the closing
// date ("双塔区教育局" / "2021年1月12日"), or on the same line ("双塔区教育局 2021年1月12日"),
// after page numbers and the like at the very end.
func (p *parser) signatureBody() string {
	date := -1
	skipped := 0
	for i := len(p.lines) - 1; i >= 0 && i >= len(p.lines)-10; i-- {
		l := trimCell(p.line(i))
		if l == "" {
			continue
		}
		if isDateLine(l) {
			date = i
			break
		}
		if b, ok := bodyAndDate(l); ok {
			return b
		}
		if !isTrailer(l) || skipped == 3 {
			return ""
		}
		skipped++
	}
	if date < 0 {
		return ""
	}
	for i := date - 1; i >= 0 && i >= date-3; i-- {
		l := trimCell(p.line(i))
		if l == "" {
			continue
		}
		if b := cleanBody(l); isIssuingBody(b) {
			return b
		}
		return ""
	}
	return ""
}

// isTrailer: what may follow the signature at the end of a document: a page number ("-5-",
// "— 5 —", "第5页"), "（此件公开发布）".
func isTrailer(l string) bool {
	l = squeeze(l)
	if strings.Contains(l, "此件公开发布") || strings.Contains(l, "此页无正文") {
		return true
	}
	t := strings.Trim(l, "-—–第页共/（）() ")
	return t != "" && len(t) <= 6 && strings.Trim(t, "0123456789/页共第") == ""
}

// bodyAndDate splits "双塔区教育局 2021年1月12日" into the body and a date.
func bodyAndDate(l string) (string, bool) {
	if len(l) > 160 {
		return "", false // a body's name and a date: a short line
	}
	sq := squeeze(l)
	if !strings.HasSuffix(sq, "日") {
		return "", false
	}
	for k := 0; k < len(sq); {
		_, w := utf8.DecodeRuneInString(sq[k:])
		if c := sq[k]; k > 0 && (c >= '0' && c <= '9' || strings.ContainsRune("〇○零一二", rune0(sq[k:]))) && isDateLine(sq[k:]) {
			b := trimSpace(sq[:k])
			if isIssuingBody(b) {
				return b, true
			}
			return "", false
		}
		k += w
	}
	return "", false
}

func rune0(s string) rune { c, _ := utf8.DecodeRuneInString(s); return c }

// squeeze removes the spaces inside a line (PDF text: "2023 年 1 月 20 日").
func squeeze(l string) string {
	if !strings.ContainsAny(l, " \t\u3000\u00a0") {
		return l
	}
	return strings.Map(func(c rune) rune {
		switch c {
		case ' ', '\t', '\u3000', '\u00a0':
			return -1
		}
		return c
	}, l)
}

// isDateLine: a short line holding a date and nothing much else: "2021年1月12日", "2021 年 1 月",
// "二〇二一年一月十二日".
func isDateLine(l string) bool {
	if len(l) > 120 {
		return false
	}
	l = squeeze(l)
	if len(l) > 40 {
		return false
	}
	if !strings.HasSuffix(l, "日") && !strings.HasSuffix(l, "月") {
		return isNumericDate(l)
	}
	if !strings.Contains(l, "月") {
		return isNumericDate(l)
	}
	if y, k := firstYear(l); y != 0 && k >= 0 && k <= 3 {
		return true
	}
	// a year in Chinese numerals
	n := 0
	for _, c := range l {
		if strings.ContainsRune("〇○零一二三四五六七八九", c) {
			n++
			continue
		}
		return n == 4 && c == '年'
	}
	return false
}

// isNumericDate: 2024-01-20, 2024.1.20, 2024/01/20.
func isNumericDate(l string) bool {
	parts := strings.FieldsFunc(l, func(c rune) bool { return c == '-' || c == '.' || c == '/' })
	if len(parts) != 3 || len(parts[0]) != 4 || len(parts[1]) > 2 || len(parts[2]) > 2 {
		return false
	}
	for _, x := range parts {
		if x == "" || strings.Trim(x, "0123456789") != "" {
			return false
		}
	}
	y := 0
	for _, c := range parts[0] {
		y = y*10 + int(c-'0')
	}
	return y >= minYear && y <= maxYear+1
}

// compiledPrefixes open the sentence that says who compiled the report.
var compiledPrefixes = []string{"本报告由", "本报告是由", "本报告系由", "本年度报告由", "本年报由", "该报告由", "本报告是", "本报告系"}

// compiledBody reads "本报告由双塔区教育局根据…编制" in the intro.
func (p *parser) compiledBody() string {
	s := p.intro()
	for _, pre := range compiledPrefixes {
		for off := 0; ; {
			k := strings.Index(s[off:], pre)
			if k < 0 {
				break
			}
			rest := s[off+k+len(pre):]
			off += k + len(pre)
			e := -1
			for _, w := range []string{"根据", "依据", "按照", "结合", "编制", "负责", "发布", "汇总"} {
				if j := strings.Index(rest, w); j > 0 && (e < 0 || j < e) {
					e = j
				}
			}
			if e <= 0 {
				continue
			}
			if b := cleanBody(rest[:e]); isIssuingBody(b) {
				return b
			}
		}
	}
	return ""
}

// bodySuffixes end the name of an issuing body: a government, its office, a department, a
// commission, a centre, a township or street office, a zone's committee, an institute, a team…
// A division's own name (朝阳县, 沈阳市, 辽宁省) is its consolidated report's body.
var bodySuffixes = []string{
	"人民政府", "政府", "办公室", "办公厅", "办事处", "办", "局", "分局", "委员会", "管委会", "委", "中心",
	"院", "所", "队", "站", "厅", "处", "署", "部", "会", "社", "馆", "室", "组", "团", "集团", "公司", "台", "校", "行",
	"县", "区", "市", "旗", "盟", "州", "省", "乡", "镇", "街道", "苏木",
}

// proseWords are never part of a body's name: the verbs, pronouns and quantifiers of the
// sentence around it ("本报告由县政府办公室根据…", "由各乡镇根据…汇总编制", "全县各级行政机关").
var proseWords = []string{
	"本报告", "报告", "根据", "依据", "按照", "编制", "汇总", "负责", "发布", "数据", "所列",
	"联系", "查阅", "下载", "情况", "现将", "现公布", "以下", "结合", "要求", "规定", "条例",
	"本机关", "本单位", "我局", "我单位", "各级", "各乡", "各部门", "各单位", "全县", "全区", "全市", "全旗", "全省", "全州",
	"的", "由", "将", "了", "等", "及", "或", "并", "其", "该", "本年", "年度",
	"网站", "门户", "网页", "专栏", "关于", "印发", "转发", "地址", "电话", "邮编", "特此", "特发布",
}

// relativeGov are a government named relative to the reader ("县政府办公室", "区人民政府",
// "省政府办公厅"): not a name, and neither the scope nor the division can be told from it.
var relativeGov = []string{"县政府", "区政府", "市政府", "旗政府", "县人民政府", "区人民政府", "市人民政府", "旗人民政府",
	"省政府", "省人民政府", "州政府", "州人民政府", "本级政府", "乡政府", "镇政府"}

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

func hasAnySuffix(s string, suf []string) bool {
	for _, x := range suf {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}

// ---- scope and level ----

var (
	// govRests are what follows a division's name in the name of its government or its office.
	govRests = []string{"人民政府", "人民政府办公室", "人民政府办公厅", "政府", "政府办公室", "政府办公厅",
		"行政公署", "行政公署办公室", "行署", "行署办公室"}
	// zoneWords name a development zone; a zone's committee (管委会) is a zone's body only
	// with one of them, in its name or its division's (长春经济技术开发区管理委员会).
	zoneWords      = []string{"开发区", "高新区", "园区", "新区", "工业区", "示范区", "保税区", "试验区", "经济区", "合作区", "自贸区"}
	committeeWords = []string{"管委会", "管理委员会", "工作委员会"}
	// otherSuffixes end the names of the public institutions and companies that publish a
	// report: scope other.
	otherSuffixes = []string{"公司", "集团", "医院", "卫生院", "保健院", "学校", "大学", "学院", "中学", "小学", "幼儿园",
		"研究院", "研究所", "设计院", "银行", "电视台", "广播电视台", "报社", "出版社", "图书馆", "博物馆", "美术馆", "科技馆"}
	otherWords       = []string{"疾病预防控制中心", "有限责任公司", "股份有限公司"}
	townshipSuffixes = []string{"乡", "镇", "街道", "苏木"}
)

// wholeArea: the intro says the report covers the whole division ("本报告由…根据全市各级行政机关
// 年度报告汇总编制", "全县（区）", "本行政区域").
func (p *parser) wholeArea() bool {
	in := p.intro()
	if strings.Contains(in, "本行政区域") || strings.Contains(in, "全县（区）") {
		return true
	}
	if !strings.Contains(in, "汇总") {
		return false
	}
	return containsAny(in, []string{"全省", "全自治区", "全区", "全市", "全州", "全盟", "全地区", "全县", "全旗"})
}

// resolveBody reads the division the body's name starts with (p.named) and its level.
func (p *parser) resolveBody() {
	p.named = regions.NameMatch{Rest: p.r.Body}
	if p.r.Body == "" {
		return
	}
	p.named = p.resolve(p.r.Body)
}

// findScope sets r.Scope from the body's name: the division's own name is its consolidated
// report (area); its government or office is government (area when the intro says it covers
// the whole division); a name with a development zone is dev_zone, a township's or street's
// government township, a public institution's or company's other, anything else department.
func (p *parser) findScope() {
	r := p.r
	p.resolveBody()
	if p.opt.Scope != "" {
		r.Scope = p.opt.Scope
		return
	}
	whole := p.wholeArea()
	body := r.Body
	if body == "" {
		if whole {
			r.Scope = schemas.ScopeArea
			return
		}
		p.problem(schemas.Problem{Code: schemas.ProblemScope, Severity: schemas.SeverityWarning,
			Message: "未找到发布机关，无法判断报告范围（全省/全市/全县汇总、政府本级、部门、乡镇、开发区或其他单位）"})
		return
	}
	m := p.named
	division := m.Found || m.Ambiguous()
	rest := m.Rest
	switch {
	case containsAny(rest, otherWords) || hasAnySuffix(rest, otherSuffixes):
		r.Scope = schemas.ScopeOther
	case isDevZone(m):
		r.Scope = schemas.ScopeDevZone
	case regions.TownLike(rest) || hasAnySuffix(strings.TrimSuffix(strings.TrimSuffix(rest, "人民政府"), "政府"), townshipSuffixes) ||
		strings.HasSuffix(rest, "街道办事处"):
		r.Scope = schemas.ScopeTownship
	case division && rest == "":
		r.Scope = schemas.ScopeArea
	case division && isGovRest(rest):
		r.Scope = schemas.ScopeGovernment
		if whole {
			r.Scope = schemas.ScopeArea
		}
	case !division && countyLike(body):
		// a county the registry does not know: its own name, its government
		r.Scope = schemas.ScopeGovernment
		if whole || !hasAnySuffix(body, govRests) {
			r.Scope = schemas.ScopeArea
		}
	default:
		r.Scope = schemas.ScopeDepartment
	}
}

func isGovRest(rest string) bool {
	for _, g := range govRests {
		if rest == g {
			return true
		}
	}
	return false
}

// isDevZone: the body is a development zone's — a zone word after the division's name, or a
// committee of a division that is itself a zone (长春经济技术开发区管理委员会).
func isDevZone(m regions.NameMatch) bool {
	if containsAny(m.Rest, zoneWords) {
		return true
	}
	if !containsAny(m.Rest, committeeWords) {
		return false
	}
	if m.Found && containsAny(m.Place.Name, zoneWords) {
		return true
	}
	for _, c := range m.Candidates {
		if containsAny(c.Name, zoneWords) {
			return true
		}
	}
	return false
}

// countyLike: a name the registry does not know that looks like a county's, or its
// government's (XX县, XX区人民政府): 2–12 runes ending in 县, 区, 市 or 旗.
func countyLike(body string) bool {
	rem := body
	for _, g := range govRests {
		if strings.HasSuffix(body, g) && len(body) > len(g) {
			rem = strings.TrimSuffix(body, g)
			break
		}
	}
	n := utf8.RuneCountInString(rem)
	if n < 2 || n > 12 {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(rem)
	return last == '县' || last == '区' || last == '市' || last == '旗'
}

// bodyLevel is the level of the body: its division's, a county's for a township; for a body
// whose name names no division, what its words say (省XX厅 and XX厅 are provincial, a township
// sits under a county), else unknown.
func (p *parser) bodyLevel() schemas.Level {
	m := p.named
	if p.r.Scope == schemas.ScopeTownship {
		return schemas.LevelCounty
	}
	if m.Found {
		return m.Place.Level
	}
	if len(m.Candidates) > 0 {
		l := m.Candidates[0].Level
		for _, c := range m.Candidates {
			if c.Level != l {
				return schemas.LevelUnknown
			}
		}
		return l
	}
	b := p.r.Body
	switch {
	case b == "":
		return schemas.LevelUnknown
	case strings.HasPrefix(b, "省") || strings.HasSuffix(b, "厅") && !strings.HasSuffix(b, "办公厅"):
		return schemas.LevelProvince
	}
	return schemas.LevelUnknown
}
