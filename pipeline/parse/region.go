package parse

import (
	"strings"
	"unicode/utf8"

	"xxgk/pipeline/regions"
	"xxgk/schemas"
)

// The region: the division at the body's own level (a provincial body's province, 2 digits; a
// prefecture body's prefecture, 4; a county body's county, 6). It is resolved from, in this
// order: the code given by a flag or the manifest; the file path; the body's name; the title;
// and, only for a body at county level (or none found) whose name names no county, the county
// names in the prose — with every contact, address, telephone and web-site clause left out.
// When the evidence conflicts or is missing the region stays empty and a region problem says
// what was seen: never a guess.

func (p *parser) registry() *regions.Registry {
	if p.opt.Registry != nil {
		return p.opt.Registry
	}
	return regions.Default()
}

// resolve reads the divisions a name starts with; the context is read only for a name that
// several divisions share.
func (p *parser) resolve(name string) regions.NameMatch {
	m := p.registry().ResolveName(name)
	if m.Ambiguous() {
		m = p.registry().ResolveName(name, p.context()...)
	}
	return m
}

// context is what settles a name shared by several divisions (和平区 of 沈阳市 or 天津市): the
// path, the title and the prose, contact clauses left out.
func (p *parser) context() []string {
	return []string{p.doc.Name, p.r.Title, p.regionProse()}
}

// contactWords mark the clauses of contact details, addresses and web sites: a district named
// there is where the office sits, not whom the report speaks for.
var contactWords = []string{"地址", "住址", "地点", "邮编", "邮政编码", "电话", "传真", "热线", "网址", "网站", "门户",
	"邮箱", "信箱", "电子邮件", "E-mail", "e-mail", "Email", "email", "联系方式", "联系人", "联系部门", "来源",
	"http", "www.", "主办", "承办", "版权", "技术支持", "标识码", "公众号", "微博"}

// isContact: a clause of contact details — a contact word, or a street address (a number
// followed by 号: "十一纬路36号", "洪泽湖大道 90 号").
func isContact(c string) bool {
	if containsAny(c, contactWords) {
		return true
	}
	for k := strings.Index(c, "号"); k >= 0; {
		j := k - 1
		for j >= 0 && c[j] == ' ' {
			j--
		}
		if j >= 0 && c[j] >= '0' && c[j] <= '9' {
			return true
		}
		n := strings.Index(c[k+len("号"):], "号")
		if n < 0 {
			break
		}
		k += len("号") + n
	}
	return false
}

// withoutContacts returns s without its contact clauses: each clause (between 。；，, line
// breaks and brackets) that is a contact detail (isContact) is dropped.
//
// One pass over s: a contact word is looked for only where one of the words' first runes
// stands (contactLead), and a 号 looks back over spaces for a digit within its clause. The
// clause-by-clause form (isContact on every clause, each a search for every word) was 9% of
// an ingest's CPU; FuzzWithoutContacts checks that both drop the same clauses.
func withoutContacts(s string) string {
	var b strings.Builder
	start, contact, dropped := 0, false, false
	end := func(i int) { // the clause s[start:i] ends
		if contact && !dropped {
			dropped = true
			b.Grow(len(s))
			b.WriteString(s[:start])
		} else if dropped && !contact {
			b.WriteString(s[start:i])
		}
	}
	for i, c := range s {
		switch c {
		case '。', '；', ';', '，', ',', '\n', '（', '）', '(', ')', '|':
			end(i)
			if dropped {
				b.WriteRune(c)
			}
			start, contact = i+len(string(c)), false
			continue
		}
		if contact {
			continue
		}
		if c == '号' {
			j := i - 1
			for j >= start && s[j] == ' ' {
				j--
			}
			contact = j >= start && s[j] >= '0' && s[j] <= '9'
			continue
		}
		if !contactStart(c) {
			continue
		}
		for _, w := range contactLead[c] {
			if strings.HasPrefix(s[i:], w) {
				contact = true
				break
			}
		}
	}
	end(len(s))
	if !dropped {
		return s
	}
	return b.String()
}

// contactLead indexes contactWords by their first rune; contactStart says, without a map
// look-up for every rune of the text, whether a rune is one of those.
var contactLead = func() map[rune][]string {
	m := map[rune][]string{}
	for _, w := range contactWords {
		r, _ := utf8.DecodeRuneInString(w)
		m[r] = append(m[r], w)
	}
	return m
}()

const cjkFirst, cjkEnd = 0x4E00, 0xA000 // CJK Unified Ideographs

var asciiLead, cjkLead = func() (a [utf8.RuneSelf]bool, c [(cjkEnd - cjkFirst) / 64]uint64) {
	for r := range contactLead {
		switch {
		case r < utf8.RuneSelf:
			a[r] = true
		case r >= cjkFirst && r < cjkEnd:
			c[(r-cjkFirst)/64] |= 1 << ((r - cjkFirst) % 64)
		}
	}
	return a, c
}()

func contactStart(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return asciiLead[r]
	case r >= cjkFirst && r < cjkEnd:
		return cjkLead[(r-cjkFirst)/64]&(1<<((r-cjkFirst)%64)) != 0
	}
	_, ok := contactLead[r]
	return ok
}

// regionProse is the prose the county names are looked for in: the title, intro and section 一
// (place names are there; the tables have none), without contact clauses.
func (p *parser) regionProse() string {
	if p.proseDone {
		return p.proseText
	}
	s := p.text
	if h := p.sec[2]; h > 0 {
		s = p.text[:p.lines[h].s]
	}
	p.proseText, p.proseDone = withoutContacts(s), true
	return p.proseText
}

// upperSelf are how a provincial body speaks of itself: with one of them and no body found, the
// counties the prose mentions are not taken for the report's.
var upperSelf = []string{"我厅", "本厅", "省直各部门", "全省各级行政机关"}

// textCounty looks for the county in the prose (contact clauses left out), the whole text when
// the prose names none; within limits when given.
func (p *parser) textCounty(title string, within regions.Place) regions.Match {
	reg := p.registry()
	m := reg.FindInText(title, p.regionProse())
	if !m.Found && !m.Ambiguous() && p.sec[2] > 0 {
		if !p.wholeDone { // the prose was the text before section 二: now all of it
			p.wholeText, p.wholeDone = withoutContacts(p.text), true
		}
		m = reg.FindInText(title, p.wholeText)
	}
	if within.Code == "" {
		return m
	}
	if m.Found && !within.Contains(m.Division.Place()) {
		return regions.Match{Evidence: m.Evidence}
	}
	if m.Ambiguous() {
		var in []regions.Division
		for _, d := range m.Candidates {
			if within.Contains(d.Place()) {
				in = append(in, d)
			}
		}
		switch len(in) {
		case 0:
			return regions.Match{}
		case 1:
			return regions.Match{Division: in[0], Found: true, Evidence: m.Evidence}
		}
		m.Candidates = in
	}
	return m
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
	return "正文"
}

func placeName(pl regions.Place) string { return regions.PlaceNames([]regions.Place{pl}) }

func (p *parser) regionProblem(sev schemas.Severity, text, msg string) {
	p.problem(schemas.Problem{Code: schemas.ProblemRegion, Severity: sev, Text: text, Message: msg})
}

// sameBody reports whether two places are the same division for a body (regions.SameBody).
func (p *parser) sameBody(a, b regions.Place) bool { return p.registry().SameBody(a.Code, b.Code) }

// namedPlace returns what the body's name, else the title, says of the body's division.
func (p *parser) namedPlace() (regions.NameMatch, string) {
	if p.named.Found || p.named.Ambiguous() {
		return p.named, p.r.Body
	}
	if t := p.r.Title; t != "" && !isProse(t) {
		if b := bodyOfTitle(t); b != "" && b != p.r.Body {
			if m := p.resolve(b); m.Found || m.Ambiguous() {
				return m, b
			}
		}
	}
	return regions.NameMatch{}, ""
}

func (p *parser) findRegion() {
	r := p.r
	reg := p.registry()
	level := p.bodyLevel()
	named, namedFrom := p.namedPlace()
	if named.Found && level == schemas.LevelCounty && named.Place.Level != schemas.LevelCounty {
		// a township named after its prefecture (沈阳市XX街道办事处): the county is still unknown
		level = schemas.LevelCounty
	}

	// 1. a code given by a flag or the manifest wins; a body naming another division is warned of
	if p.opt.Region != "" {
		if pl, ok := reg.Place(p.opt.Region); ok {
			m := p.opt.RegionMethod
			if m == "" {
				m = schemas.RegionFlag
			}
			r.Region = pl.Region(m)
			switch {
			case named.Found && !p.sameBody(pl, named.Place):
				p.regionProblem(schemas.SeverityWarning, namedFrom,
					"行政区划不一致："+methodName(m)+"为"+placeName(pl)+"，发布机关“"+namedFrom+"”为"+placeName(named.Place)+"，采用前者")
			case !named.Found && pl.Level == schemas.LevelCounty:
				if tm := p.textCounty(r.Title, regions.Place{}); tm.Found && tm.Division.Code != pl.Code {
					p.regionProblem(schemas.SeverityWarning, tm.Evidence,
						"行政区划不一致："+methodName(m)+"为"+placeName(pl)+"，正文为"+placeName(tm.Division.Place())+"，采用前者")
				}
			}
			return
		}
		p.regionProblem(schemas.SeverityError, p.opt.Region,
			"指定的行政区划代码“"+p.opt.Region+"”不是已知的省级、地级或县级区划")
	}

	pm := regions.PathMatch{}
	if p.doc.Name != "" {
		pm = reg.FindPlaceInPath(p.doc.Name)
	}
	set := func(pl regions.Place, method string) { r.Region = pl.Region(method) }
	conflict := func(pl regions.Place) {
		p.regionProblem(schemas.SeverityError, pm.Evidence,
			"行政区划不一致：文件路径为"+placeName(pm.Place)+"，发布机关“"+namedFrom+"”为"+placeName(pl)+"，无法确定，未采用任何一方")
	}

	// 2. the body's name (or the title) names its division
	if named.Found && (named.Place.Level == level || level == schemas.LevelUnknown) {
		pl := named.Place
		switch {
		case !pm.Found:
			set(pl, schemas.RegionText)
		case p.sameBody(pm.Place, pl):
			set(pl, schemas.RegionPath)
		case pm.Place.Contains(pl) && !pm.Exact:
			set(pl, schemas.RegionText) // a province's or prefecture's folder holding it
		default:
			conflict(pl)
		}
		return
	}
	if named.Ambiguous() {
		var in []regions.Place
		for _, c := range named.Candidates {
			if pm.Found && pm.Place.Contains(c) {
				in = append(in, c)
			}
		}
		if len(in) == 1 {
			method := schemas.RegionText
			if p.sameBody(pm.Place, in[0]) {
				method = schemas.RegionPath
			}
			set(in[0], method)
			return
		}
		p.regionProblem(schemas.SeverityError, named.Evidence,
			"无法确定发布机关“"+namedFrom+"”所属行政区划，候选："+regions.PlaceNames(named.Candidates))
		return
	}

	// 3. the name names no division at the body's level (or a larger one holding it)
	within := regions.Place{}
	if named.Found {
		within = named.Place // 沈阳市XX街道办事处: a county of 沈阳市
	}
	body := r.Body
	if body != "" && isDevZone(p.named) && !pm.Exact {
		p.regionProblem(schemas.SeverityError, body,
			"开发区“"+body+"”的名称没有写明管理它的行政区划，文件路径也没有，无法确定所属区划")
		return
	}
	if pm.Found {
		switch {
		case within.Code != "" && !within.Contains(pm.Place) && !pm.Place.Contains(within):
			conflict(within)
			return
		case pm.Exact && (level == schemas.LevelUnknown || level == pm.Place.Level):
			set(pm.Place, schemas.RegionPath)
			if pm.Place.Level == schemas.LevelCounty {
				if tm := p.textCounty(r.Title, regions.Place{}); tm.Found && tm.Division.Code != pm.Place.Code && !p.upper() {
					p.regionProblem(schemas.SeverityWarning, tm.Evidence,
						"行政区划不一致：文件路径为"+placeName(pm.Place)+"，正文为"+placeName(tm.Division.Place())+"，采用前者")
				}
			}
			return
		case pm.Exact:
			p.regionProblem(schemas.SeverityError, pm.Evidence,
				"行政区划不一致：文件路径为"+placeName(pm.Place)+"（"+levelName(pm.Place.Level)+"），发布机关“"+body+"”是"+levelName(level)+"机关")
			return
		}
		// a province's or prefecture's folder: the body may be anywhere in it
		if level == pm.Place.Level {
			set(pm.Place, schemas.RegionPath)
			return
		}
		if level == schemas.LevelCounty || level == schemas.LevelUnknown {
			if d, ok := reg.SoleCounty(pm.Place.Code); ok && level == schemas.LevelCounty {
				set(d.Place(), schemas.RegionPath)
				return
			}
			if within.Code == "" || pm.Place.Contains(within) {
				within = pm.Place
			}
		}
	}
	if level != schemas.LevelCounty && level != schemas.LevelUnknown {
		what := "发布机关“" + body + "”是" + levelName(level) + "机关，但名称中没有写明所属行政区划"
		if pm.Found {
			what += "；文件路径只给出" + placeName(pm.Place)
		}
		p.regionProblem(schemas.SeverityError, body, what)
		return
	}
	if p.upper() {
		p.regionProblem(schemas.SeverityError, "",
			"未找到发布机关；正文以省级机关的口吻写成（我厅、全省各级行政机关），不从正文提到的县区推断所属区划")
		return
	}
	if within.Code == "" && pm.Ambiguous() {
		// the counties the path hesitates between, settled by the prose
		tm := p.textCounty(r.Title, regions.Place{})
		for _, c := range pm.Candidates {
			if tm.Found && tm.Division.Code == c.Code {
				set(c, schemas.RegionText)
				return
			}
		}
		p.regionProblem(schemas.SeverityError, pm.Evidence,
			"无法确定所属县级行政区划（路径），候选："+regions.PlaceNames(pm.Candidates))
		return
	}
	tm := p.textCounty(r.Title, within)
	switch {
	case tm.Found && reg.IsSoleCounty(tm.Division) && level != schemas.LevelCounty:
		p.regionProblem(schemas.SeverityError, tm.Evidence,
			"正文提到"+tm.Division.Name+"，但发布机关未知，无法判断是地级机关还是其下的镇街")
	case tm.Found:
		set(tm.Division.Place(), schemas.RegionText)
	case tm.Ambiguous():
		var cs []regions.Place
		for _, d := range tm.Candidates {
			cs = append(cs, d.Place())
		}
		p.regionProblem(schemas.SeverityError, tm.Evidence, "无法确定所属县级行政区划，候选："+regions.PlaceNames(cs))
	case within.Code != "":
		p.regionProblem(schemas.SeverityError, "",
			"只能确定在"+placeName(within)+"内，正文中没有写明所属县级行政区划（不从联系地址推断）")
	default:
		p.regionProblem(schemas.SeverityError, "",
			"未找到所属行政区划：发布机关、标题、文件路径和正文中都没有省、市、县（区）名（不从联系地址推断）")
	}
}

// upper reports whether the prose speaks as a provincial body (我厅, 全省各级行政机关).
func (p *parser) upper() bool { return containsAny(p.regionProse(), upperSelf) }

func levelName(l schemas.Level) string {
	switch l {
	case schemas.LevelProvince:
		return "省级"
	case schemas.LevelPrefecture:
		return "地级"
	case schemas.LevelCounty:
		return "县级"
	}
	return "级别不明的"
}
