package parse

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"xxgk/schemas"
)

// headingHints are raw substrings one of which every heading line contains; they keep the
// normalisation off the ordinary lines.
var headingHints = []string{"总体情况", "主动公开政府信息", "收到和处理", "行政诉讼", "主要问题", "需要报告"}

// headingNum says which of the six section headings line is (1..6), or 0.
func (p *parser) headingNum(line string) int {
	if len(line) > 200 || len(line) < 12 {
		return 0
	}
	t := trimCell(line)
	if t == "" || len(t) > 180 || strings.IndexByte(t, '|') >= 0 {
		return 0
	}
	// headings start with an enumerator or a bracket, or are short
	if len(t) > 60 {
		r, _ := utf8.DecodeRuneInString(t)
		if !strings.ContainsRune("一二三四五六七八九十第(（0123456789", r) {
			return 0
		}
	}
	// every heading names 情况, 事项 or 问题 (or 行政诉讼 in the short form of 四)
	if !strings.Contains(t, "情况") && !strings.Contains(t, "事项") && !strings.Contains(t, "问题") && !strings.Contains(t, "行政诉讼") {
		return 0
	}
	hint := false
	for _, h := range headingHints {
		if strings.Contains(t, h) {
			hint = true
			break
		}
	}
	if !hint || strings.Contains(t, "。") {
		return 0
	}
	n := norm(t)
	rest := strings.TrimPrefix(n, "第")
	rest = stripEnum(rest)
	rest = strings.TrimPrefix(rest, "部分")
	for _, s := range p.c.sections {
		for _, w := range s.words {
			k := strings.Index(rest, w)
			if k < 0 || k > 36 || len(rest)-len(w) > 40 {
				continue
			}
			return s.num
		}
	}
	return 0
}

func (p *parser) findSections() {
	for i := range p.sec {
		p.sec[i] = -1
	}
	last := 0
	for i := range p.lines {
		if n := p.headingNum(p.line(i)); n > last {
			p.sec[n] = i
			last = n
			p.nsec++
		}
	}
	p.first = len(p.lines)
	for n := 1; n <= 6; n++ {
		if p.sec[n] >= 0 {
			p.first = p.sec[n]
			break
		}
	}
	for n := 1; n <= 6; n++ {
		h := p.sec[n]
		if h < 0 {
			continue
		}
		end := len(p.text)
		for m := n + 1; m <= 6; m++ {
			if p.sec[m] >= 0 {
				end = p.lines[p.sec[m]].s
				break
			}
		}
		text := strings.TrimRight(p.text[p.lines[h].s:end], "\r\n")
		p.r.Sections = append(p.r.Sections, schemas.Section{Number: n,
			Heading: trimCell(p.line(h)), Line: h + 1, Text: text})
	}
}

// findTitle takes the first line before the first section that names the annual report.
func (p *parser) findTitle() {
	limit := p.first
	if limit == len(p.lines) && limit > 12 {
		limit = 12
	}
	for i := 0; i < limit; i++ {
		t := trimCell(p.line(i))
		if t == "" || len(t) > 240 {
			continue
		}
		if strings.Contains(t, "年度报告") && strings.Contains(t, "信息公开") && !isSentence(t) {
			p.titleIdx = i
			p.r.Title = p.joinTitle(i, t)
			return
		}
	}
	// an HTML page that prints no heading: its <title>, without the site's name
	// ("朝阳县教育局2021年政府信息公开工作年度报告_朝阳县人民政府")
	if t := p.doc.Title; strings.Contains(t, "年度报告") && strings.Contains(t, "信息公开") {
		k := strings.Index(t, "年度报告") + len("年度报告")
		p.r.Title = trimSpace(t[:k])
	}
}

// isSentence tells a line of prose that names the annual report ("…年度报告格式》要求编制。报告
// 中所列数据…", "现将XX2022年政府信息公开工作年度报告公布如下：") from a title: a title has no
// sentence punctuation, does not speak of itself, does not announce the report and does not end
// with a colon.
func isSentence(t string) bool {
	return strings.ContainsAny(t, "。；！？") || strings.Contains(t, "本报告") || strings.Contains(t, "编制") ||
		strings.Contains(t, "现将") || strings.Contains(t, "现公布") || strings.Contains(t, "公布如下") ||
		strings.HasSuffix(t, "：") || strings.HasSuffix(t, ":")
}

// trimCell trims white space and the pipes of a table row around a line
// ("| 二、主动公开政府信息情况 |  |  |" → "二、主动公开政府信息情况").
func trimCell(s string) string {
	for {
		t := trimSpace(strings.Trim(trimSpace(s), "|"))
		if t == s {
			return t
		}
		s = t
	}
}

// joinTitle joins a title broken over two lines:
// "朝阳县教育局2021年" + "政府信息公开工作年度报告", or "朝阳县教育局" + "2021年政府信息公开工作年度报告".
func (p *parser) joinTitle(i int, t string) string {
	if !strings.HasPrefix(t, "政府信息公开") && !strings.HasPrefix(t, "年度") && !startsWithYear(t) {
		return t
	}
	for k := i - 1; k >= 0; k-- {
		prev := trimCell(p.line(k))
		if prev == "" {
			continue
		}
		if utf8.RuneCountInString(prev) <= 30 && !strings.ContainsAny(prev, "。，,;；:：|>》") &&
			!strings.Contains(prev, "信息公开") && !strings.Contains(prev, "首页") &&
			!(startsWithYear(t) && endsWithYear(prev)) {
			return prev + t
		}
		break
	}
	return t
}

func startsWithYear(s string) bool {
	_, k := firstYear(s)
	return k == 0
}

func endsWithYear(s string) bool {
	s = strings.TrimSuffix(strings.TrimSuffix(s, "度"), "年")
	return len(s) >= 4 && s[len(s)-1] >= '0' && s[len(s)-1] <= '9'
}

// sectionEnd is the line index where the section after heading n ends (the next heading found).
func (p *parser) sectionEnd(n int) int {
	for m := n + 1; m <= 6; m++ {
		if p.sec[m] >= 0 {
			return p.sec[m]
		}
	}
	return len(p.lines)
}

// appendixSpan is where tables printed as an appendix stand: after the heading of section
// 六 ("详见附件" in the sections themselves). ok is false when there is no such region.
func (p *parser) appendixSpan() (span, bool) {
	h := p.sec[6]
	if h < 0 || h+1 >= len(p.lines) {
		return span{}, false
	}
	return span{h + 1, len(p.lines)}, true
}

// tableSpan is the region of the table of section n (2, 3, 4). ok is false when the heading
// was not found: the region is then the gap between the neighbouring headings found.
func (p *parser) tableSpan(n int) (span, bool) {
	if h := p.sec[n]; h >= 0 {
		return span{h + 1, p.sectionEnd(n)}, true
	}
	from := 0
	if p.titleIdx >= 0 {
		from = p.titleIdx + 1
	}
	for m := n - 1; m >= 1; m-- {
		if p.sec[m] >= 0 {
			from = p.sec[m] + 1
			break
		}
	}
	return span{from, p.sectionEnd(n)}, false
}

// collectMarkers records the format marker words found in the cells of the table regions
// (short cells only: the markers are header words). Two short neighbouring cells are also
// tried joined, so a header word split over cells ("本年制发" "件数") still matches. The first
// region is table 2's: which formats' words it prints is kept in p.t2words.
func (p *parser) collectMarkers(regions ...[]tok) {
	var found [2][16]bool
	formats := [2]schemas.Format{schemas.FormatGB2019, schemas.FormatGB2021}
	region := 0
	check := func(n []byte) {
		for fi, f := range formats {
			for mi, m := range p.c.markerBytes[f] {
				if mi < len(found[fi]) && !found[fi][mi] && len(n) >= len(m) && bytes.Contains(n, m) {
					found[fi][mi] = true
					if region == 0 {
						p.t2words[fi] = true
					}
				}
			}
		}
	}
	var buf [64]byte
	for ri, toks := range regions {
		region = ri
		prev := ""
		for i := range toks {
			t := &toks[i]
			if t.empty {
				continue
			}
			if len(t.text) > 150 || t.valueOK() {
				prev = ""
				continue
			}
			n := t.normOf()
			if ri > 0 && !strings.Contains(n, "逾期") && !strings.Contains(n, "缴纳") {
				// tables 三 and 四 carry markers only in the （六） rows
				prev = ""
				continue
			}
			if len(prev)+len(n) <= len(buf) {
				// the cell, and the cell joined to the one before it
				b := append(append(buf[:0], prev...), n...)
				check(b)
			} else {
				check([]byte(n))
			}
			prev = n
		}
	}
	for fi, f := range formats {
		for mi, m := range p.c.markers[f] {
			if mi < len(found[fi]) && found[fi][mi] {
				if p.r.Markers == nil {
					p.r.Markers = map[schemas.Format][]string{}
				}
				p.r.Markers[f] = append(p.r.Markers[f], m)
			}
		}
	}
}

// decideFormat: the format whose markers dominate; then the table 3 (六) rows; then which
// format's table 2 reads cleanly. Never the year.
func (p *parser) decideFormat(toks2 []tok, sh2 Shape) {
	r := p.r
	n19, n21 := len(r.Markers[schemas.FormatGB2019]), len(r.Markers[schemas.FormatGB2021])
	switch {
	case n21 > n19:
		r.Format = schemas.FormatGB2021
		return
	case n19 > n21:
		r.Format = schemas.FormatGB2019
		return
	}
	switch {
	case p.t3other:
		r.Format = schemas.FormatGB2021
		return
	case p.t3otherT:
		r.Format = schemas.FormatGB2019
		return
	}
	if len(toks2) > 0 {
		// try both on a scratch report: the one that reads more items cleanly wins
		save := r.Problems
		f19, c19 := p.walkTable2(toks2, sh2, schemas.FormatGB2019, schemas.Grid{})
		f21, c21 := p.walkTable2(toks2, sh2, schemas.FormatGB2021, schemas.Grid{})
		r.Problems = save
		switch {
		case c19 > c21 && len(f19) > 0:
			r.Format = schemas.FormatGB2019
		case c21 > c19 && len(f21) > 0:
			r.Format = schemas.FormatGB2021
		}
		if r.Format != schemas.FormatUnknown {
			p.problem(schemas.Problem{Code: schemas.ProblemFormat, Severity: schemas.SeverityWarning,
				Message: "没有找到格式标志词，按表二的结构判断为" + string(r.Format)})
			return
		}
	}
	if p.t3any || n19+n21 > 0 {
		p.problem(schemas.Problem{Code: schemas.ProblemFormat,
			Message: "无法确定报告格式（2019年版或2021年版）：格式标志词不足或相互矛盾"})
	}
}

// oldHeadings are section titles of the 2008–2018 free-prose reports.
var oldHeadings = []string{"主动公开政府信息的情况", "依申请公开政府信息", "政府信息公开的收费及减免",
	"因政府信息公开申请行政复议", "政府信息公开咨询处理", "因政府信息公开工作"}

// isPre2019: no table at all, and an old year or the old headings.
func (p *parser) isPre2019(toks2, toks4 []tok, sh4 Shape, ok4 bool) bool {
	r := p.r
	if p.t3any || len(r.Markers) > 0 {
		return false
	}
	for _, f := range []schemas.Format{schemas.FormatGB2019, schemas.FormatGB2021} {
		if found, _ := p.walkTable2Probe(toks2, f); found {
			return false
		}
	}
	if r.Year >= 2008 && r.Year < 2019 {
		return true
	}
	for _, h := range oldHeadings {
		if strings.Contains(p.text, h) {
			return true
		}
	}
	return false
}

// walkTable2Probe reports whether any table 2 item label of format f appears as a label.
func (p *parser) walkTable2Probe(toks []tok, f schemas.Format) (bool, int) {
	for i := range toks {
		n, _, ok := labelOf(&toks[i])
		if !ok {
			continue
		}
		for _, it := range p.c.t2[f] {
			if it.label.Matches(n) && len(n) < len(it.label.Label)+30 {
				return true, i
			}
		}
	}
	return false, -1
}
