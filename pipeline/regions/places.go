package regions

import (
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"xxgk/schemas"
)

// Place is a division at any level: a province (2-digit code), a prefecture-level division
// (4 digits: 地级市, 自治州, 地区, 盟) or a county-level one (6 digits). The parent codes and
// names are filled as far as they apply: a prefecture's Prefecture is itself, a province has
// none.
type Place struct {
	Level          schemas.Level
	Code           string
	Name           string
	PrefectureCode string
	Prefecture     string
	ProvinceCode   string
	Province       string
}

// Region returns the place as the report model's region, found by method.
func (p Place) Region(method string) schemas.Region {
	return schemas.Region{Code: p.Code, Level: p.Level, Name: p.Name, Prefecture: p.Prefecture, Province: p.Province,
		PrefectureCode: p.PrefectureCode, ProvinceCode: p.ProvinceCode, Method: method}
}

// Contains reports whether q lies within p (or is p).
func (p Place) Contains(q Place) bool { return p.Code != "" && strings.HasPrefix(q.Code, p.Code) }

// Place returns the county as a Place.
func (d Division) Place() Place {
	return Place{Level: schemas.LevelCounty, Code: d.Code, Name: d.Name, PrefectureCode: d.PrefectureCode,
		Prefecture: d.Prefecture, ProvinceCode: d.ProvinceCode, Province: d.Province}
}

// Place returns the division with this code: 2 digits a province, 4 a prefecture, 6 a county.
// The 6-digit forms of the National Bureau of Statistics for a prefecture (210100) and a
// province (210000) are read as the prefecture and the province. The groups the registry holds
// in place of a prefecture where there is none (the 市辖区 and 县 of the four municipalities,
// the 省直辖县级行政区划 of a province) are not places: a body cannot sit at their level.
func (r *Registry) Place(code string) (Place, bool) {
	if len(code) == 6 && strings.Trim(code, "0123456789") == "" {
		if d, ok := r.County(code); ok {
			return d.Place(), true
		}
		switch {
		case code[2:] == "0000":
			code = code[:2]
		case code[4:] == "00":
			code = code[:4]
		}
	}
	switch len(code) {
	case 2:
		if i, ok := r.provIdx[code]; ok {
			return r.provPlaces[i], true
		}
	case 4:
		if i, ok := r.prefIdx[code]; ok && r.Prefectures[i].Real {
			return r.prefPlaces[i], true
		}
	}
	return Place{}, false
}

// Parent returns the place directly above p that has a government of its own: a county's
// prefecture (its province for a county of a municipality or one directly under the province),
// a prefecture's province.
func (r *Registry) Parent(p Place) (Place, bool) {
	switch p.Level {
	case schemas.LevelCounty:
		if q, ok := r.Place(p.PrefectureCode); ok {
			return q, true
		}
		return r.Place(p.ProvinceCode)
	case schemas.LevelPrefecture:
		return r.Place(p.ProvinceCode)
	}
	return Place{}, false
}

// SoleCounty returns the only county-level division of a prefecture that has no districts
// (东莞市, 中山市, 嘉峪关市, 儋州市: the registry lists one county-level entry under the same
// name, which holds the towns and streets).
func (r *Registry) SoleCounty(prefecture string) (Division, bool) {
	ds := r.Under(prefecture)
	if len(prefecture) != 4 || len(ds) != 1 {
		return Division{}, false
	}
	return ds[0], true
}

// IsSoleCounty reports whether d is the only county-level entry of a prefecture without
// districts, under the prefecture's own name (441900 东莞市 in 4419 东莞市).
func (r *Registry) IsSoleCounty(d Division) bool {
	s, ok := r.SoleCounty(d.PrefectureCode)
	return ok && s.Code == d.Code && d.Name == d.Prefecture
}

// SameBody reports whether two codes name the same division for a body: equal, or a
// prefecture without districts and its one county-level entry (4419 and 441900 东莞市).
func (r *Registry) SameBody(a, b string) bool {
	if a == b {
		return true
	}
	if len(a) == 6 {
		a, b = b, a
	}
	if len(a) != 4 || len(b) != 6 {
		return false
	}
	d, ok := r.SoleCounty(a)
	return ok && d.Code == b && r.IsSoleCounty(d)
}

// ---- names ----

// nameRef is one place a name (or one of its short forms) stands for.
type nameRef struct {
	level schemas.Level
	idx   int  // index into provPlaces, prefPlaces or Counties
	bare  bool // a form without its administrative suffix (辽宁, 沈阳): only before another name
}

// minorities are the names of the nationalities in the names of autonomous divisions; a short
// form drops them with 自治 (楚雄彝族自治州 → 楚雄州, 本溪满族自治县 → 本溪县).
var minorities = []string{
	"蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克",
	"傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬",
	"羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克",
	"德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "各",
}

// irregularShort are the customary short forms that cannot be derived from the full name.
var irregularShort = map[string]string{
	"博州": "博尔塔拉蒙古自治州", "巴州": "巴音郭楞蒙古自治州", "克州": "克孜勒苏柯尔克孜自治州",
	"喀左县": "喀喇沁左翼蒙古族自治县", "前郭县": "前郭尔罗斯蒙古族自治县", "莫旗": "莫力达瓦达斡尔族自治旗",
}

// nationalitiesOnly reports whether s is made of nationality names and 族 only ("彝族", "土家族苗族").
func nationalitiesOnly(s string) bool {
	if s == "" {
		return false
	}
	for s != "" {
		best := 0
		for _, m := range minorities {
			if strings.HasPrefix(s, m) && len(m) > best {
				best = len(m)
			}
		}
		if best == 0 {
			return false
		}
		s = strings.TrimPrefix(s[best:], "族")
	}
	return true
}

// AutonomousShort returns the short form of an autonomous division's name: the name before its
// nationalities, with the kind of division (楚雄彝族自治州 → 楚雄州, 龙胜各族自治县 → 龙胜县), or "".
func AutonomousShort(name string) string {
	for _, kind := range []string{"自治州", "自治县", "自治旗"} {
		if !strings.HasSuffix(name, kind) {
			continue
		}
		head := strings.TrimSuffix(name, kind)
		for i := range head {
			if utf8.RuneCountInString(head[:i]) >= 2 && nationalitiesOnly(head[i:]) {
				return head[:i] + strings.TrimPrefix(kind, "自治")
			}
		}
	}
	return ""
}

// bareName is a prefecture's or province's name without its suffix (沈阳市 → 沈阳, 楚雄彝族自治州
// → 楚雄, 阿克苏地区 → 阿克苏), or "" when that would leave fewer than two runes.
func bareName(name string) string {
	if s := AutonomousShort(name); s != "" {
		name = s
	}
	for _, suf := range []string{"维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "地区", "省", "市", "州", "盟"} {
		if strings.HasSuffix(name, suf) {
			t := strings.TrimSuffix(name, suf)
			if utf8.RuneCountInString(t) >= 2 {
				return t
			}
			return ""
		}
	}
	return ""
}

// buildNames indexes every province, real prefecture and county under its full name and short
// forms.
func (r *Registry) buildNames() {
	r.names = map[string][]nameRef{}
	add := func(name string, ref nameRef) {
		if name == "" {
			return
		}
		for _, x := range r.names[name] {
			if x.level == ref.level && x.idx == ref.idx {
				return
			}
		}
		r.names[name] = append(r.names[name], ref)
		if n := utf8.RuneCountInString(name); n > r.maxPlaceName {
			r.maxPlaceName = n
		}
	}
	full := map[string]bool{}
	for _, p := range r.provPlaces {
		full[p.Name] = true
	}
	for i, a := range r.Prefectures {
		if a.Real {
			full[r.prefPlaces[i].Name] = true
		}
	}
	for _, d := range r.Counties {
		full[d.Name] = true
	}
	for i, p := range r.provPlaces {
		add(p.Name, nameRef{level: schemas.LevelProvince, idx: i})
		if b := bareName(p.Name); b != "" && !full[b] {
			add(b, nameRef{level: schemas.LevelProvince, idx: i, bare: true})
		}
	}
	for i, a := range r.Prefectures {
		if !a.Real {
			continue
		}
		name := r.prefPlaces[i].Name
		add(name, nameRef{level: schemas.LevelPrefecture, idx: i})
		if s := AutonomousShort(name); s != "" && !full[s] {
			add(s, nameRef{level: schemas.LevelPrefecture, idx: i})
		}
		if b := bareName(name); b != "" && !full[b] {
			add(b, nameRef{level: schemas.LevelPrefecture, idx: i, bare: true})
		}
	}
	for i, d := range r.Counties {
		add(d.Name, nameRef{level: schemas.LevelCounty, idx: i})
		if s := AutonomousShort(d.Name); s != "" && !full[s] {
			add(s, nameRef{level: schemas.LevelCounty, idx: i})
		}
	}
	for short, name := range irregularShort {
		if full[short] {
			continue
		}
		for _, ref := range r.names[name] {
			if !ref.bare {
				add(short, ref)
			}
		}
	}
}

func (r *Registry) placeOf(ref nameRef) Place {
	switch ref.level {
	case schemas.LevelProvince:
		return r.provPlaces[ref.idx]
	case schemas.LevelPrefecture:
		return r.prefPlaces[ref.idx]
	}
	return r.Counties[ref.idx].Place()
}

// NameMatch is the outcome of reading the divisions at the start of a body's name.
type NameMatch struct {
	Place Place // the deepest division named
	Found bool
	// Rest is the name after the division names: 教育局, 人民政府办公室, 柳城街道办事处, "" for a
	// division's own name (its consolidated report).
	Rest string
	// Candidates are the divisions that fit equally well when the name is ambiguous (朝阳区 of
	// 北京市 and of 长春市, with nothing in the context to choose).
	Candidates []Place
	Evidence   string
}

// Ambiguous reports whether several divisions fit equally well.
func (m NameMatch) Ambiguous() bool { return !m.Found && len(m.Candidates) > 1 }

// bodyPrefixes are words before the division's name in some bodies' names.
var bodyPrefixes = []string{"中国共产党", "中共", "国家税务总局", "国网"}

// zoneWords start the name of a development zone after its administering division's short
// name (沈阳高新技术产业开发区, 大连金普新区, 辽宁沈抚改革创新示范区).
var zoneWords = []string{"经济技术开发区", "高新技术产业开发区", "经济开发区", "高新区", "开发区", "新区", "保税区", "综合保税区",
	"自由贸易试验区", "自贸区", "工业园区", "产业园区", "园区", "示范区", "试验区", "经济区", "港区", "高新", "经开区", "沈抚", "金普"}

// chain is one reading of the division names at the start of a name.
type chain struct {
	places []Place
	end    int // bytes consumed
}

// ResolveName reads the divisions a body's name starts with (辽宁省教育厅, 沈阳市和平区教育局,
// 楚雄州人民政府, 重庆市万州区, 东莞市虎门镇人民政府, 国家税务总局朝阳县税务局) and returns the
// deepest one and the rest of the name. The longest consistent reading wins (a county within the
// prefecture or province named before it); two-rune county names (城区, 郊区) count only after
// their prefecture; a name without its suffix (沈阳, 辽宁) only before another division or a
// development zone (沈阳高新技术产业开发区). Readings that tie are settled by the prefecture or
// province named in context (other path components, the title, the text); a remaining tie is
// ambiguous. A prefecture without districts (东莞市) is the prefecture, or its one county-level
// entry when the rest names a town or street. A name that does not start with a division
// gives nothing.
func (r *Registry) ResolveName(name string, context ...string) NameMatch {
	s := name
	for _, p := range bodyPrefixes {
		if strings.HasPrefix(s, p) {
			s = s[len(p):]
			break
		}
	}
	off := len(name) - len(s)
	var best []chain
	r.walk(s, 0, Place{}, nil, false, func(c chain) {
		switch {
		case len(best) == 0 || c.end > best[0].end:
			best = []chain{c}
		case c.end == best[0].end:
			best = append(best, c)
		}
	})
	if len(best) == 0 {
		return NameMatch{Rest: name}
	}
	rest := s[best[0].end:]
	var cands []Place
	seen := map[string]bool{}
	for _, c := range best {
		p := c.places[len(c.places)-1]
		if !seen[p.Code] {
			seen[p.Code] = true
			cands = append(cands, p)
		}
	}
	evidence := name[:off+best[0].end]
	if len(cands) > 1 {
		cands = r.soleCountyChoice(cands, rest)
	}
	if len(cands) > 1 {
		cands = byContext(cands, context)
	}
	if len(cands) > 1 {
		sort.Slice(cands, func(i, j int) bool { return cands[i].Code < cands[j].Code })
		return NameMatch{Rest: rest, Candidates: cands, Evidence: evidence}
	}
	m := NameMatch{Place: cands[0], Found: true, Rest: rest, Evidence: evidence}
	if d, ok := r.branchCounty(m.Place, rest); ok {
		m.Place = d.Place() // 成都市公安局锦江区分局: the district's branch
	}
	return m
}

// branchCounty finds the county of a prefecture department's branch named after it, at the
// end of the name: 成都市公安局锦江区分局, 沈阳市生态环境局和平分局.
func (r *Registry) branchCounty(p Place, rest string) (Division, bool) {
	if p.Level != schemas.LevelPrefecture || !strings.HasSuffix(rest, "分局") {
		return Division{}, false
	}
	head := strings.TrimSuffix(rest, "分局")
	var found []Division
	for _, d := range r.Under(p.Code) {
		short := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(d.Name, "区"), "县"), "市")
		if strings.HasSuffix(head, d.Name) || utf8.RuneCountInString(short) >= 2 && strings.HasSuffix(head, short) {
			found = append(found, d)
		}
	}
	if len(found) != 1 || !strings.Contains(head, "局") && !strings.Contains(head, "委") {
		return Division{}, false
	}
	return found[0], true
}

// walk enumerates the readings of the division names at s[pos:] below parent; acc holds the
// divisions read so far, lastBare whether the last was named without its suffix.
func (r *Registry) walk(s string, pos int, parent Place, acc []Place, lastBare bool, yield func(chain)) {
	if len(acc) > 0 && (!lastBare || hasAnyPrefix(s[pos:], zoneWords)) {
		yield(chain{places: append([]Place(nil), acc...), end: pos})
	}
	if len(acc) >= 3 {
		return
	}
	runes := 0
	for end := pos; end < len(s); {
		_, w := utf8.DecodeRuneInString(s[end:])
		end += w
		runes++
		if runes > r.maxPlaceName {
			break
		}
		refs, ok := r.names[s[pos:end]]
		if !ok {
			continue
		}
		for _, ref := range refs {
			p := r.placeOf(ref)
			if parent.Code != "" && (len(p.Code) <= len(parent.Code) || !strings.HasPrefix(p.Code, parent.Code)) {
				continue
			}
			if ref.level == schemas.LevelCounty && runes == 2 && parent.Level != schemas.LevelPrefecture {
				continue // 城区, 郊区, 矿区: only after their prefecture
			}
			r.walk(s, end, p, append(acc, p), ref.bare, yield)
		}
	}
}

func hasAnyPrefix(s string, pre []string) bool {
	for _, p := range pre {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// soleCountyChoice settles 东莞市 between the prefecture and its one county-level entry: the
// entry when the rest of the name is a town or street (虎门镇人民政府), else the prefecture.
func (r *Registry) soleCountyChoice(cands []Place, rest string) []Place {
	if len(cands) != 2 {
		return cands
	}
	pref, county := cands[0], cands[1]
	if pref.Level != schemas.LevelPrefecture {
		pref, county = county, pref
	}
	if pref.Level != schemas.LevelPrefecture || county.Level != schemas.LevelCounty || county.PrefectureCode != pref.Code ||
		county.Name != pref.Name {
		return cands
	}
	if TownLike(rest) {
		return []Place{county}
	}
	return []Place{pref}
}

// TownLike reports whether a body's name (after its county) is a township's or street's
// government: a name, then 镇, 乡, 街道 or 苏木, ending in 人民政府, 政府 or 办事处
// (虎门镇人民政府, 柳城街道办事处; not 住房和城乡建设局, 乡村振兴局).
func TownLike(rest string) bool {
	if !strings.HasSuffix(rest, "政府") && !strings.HasSuffix(rest, "办事处") {
		return false
	}
	for _, w := range []string{"镇", "乡", "街道", "苏木"} {
		if k := strings.Index(rest, w); k > 0 && utf8.RuneCountInString(rest[:k]) >= 1 {
			return true
		}
	}
	return false
}

// byContext keeps the candidates whose prefecture or province the context names most clearly
// (the rule of FindInText: the prefecture's full name counts 5, its short name 2, the
// province 3).
func byContext(cands []Place, context []string) []Place {
	mentions := func(name string) bool {
		if name == "" {
			return false
		}
		for _, c := range context {
			if strings.Contains(c, name) {
				return true
			}
		}
		return false
	}
	best, bestScore := []Place(nil), -1
	for _, p := range cands {
		score := 0
		if p.Level == schemas.LevelCounty {
			if mentions(p.Prefecture) {
				score += 5
			} else if mentions(shortName(p.Prefecture)) {
				score += 2
			}
		}
		if p.Level != schemas.LevelProvince && (mentions(p.Province) || mentions(shortName(p.Province))) {
			score += 3
		}
		switch {
		case score > bestScore:
			best, bestScore = []Place{p}, score
		case score == bestScore:
			best = append(best, p)
		}
	}
	return best
}

// ---- paths ----

// PathMatch is what a file path says about a report's division.
type PathMatch struct {
	Place Place
	Found bool
	// Exact: the path names the body's own division — a code, a county's folder, a 省直 or 市直
	// folder under its province or prefecture, a file or folder named after the body. Otherwise
	// the path names a province's or prefecture's folder, and the body may sit anywhere in it.
	Exact      bool
	Candidates []Place // when ambiguous
	Evidence   string  // the path component read
}

// Ambiguous reports whether several divisions fit the path equally well.
func (m PathMatch) Ambiguous() bool { return !m.Found && len(m.Candidates) > 1 }

// levelFolders are folder names offices use for the bodies of a province or prefecture itself.
var levelFolders = map[string]schemas.Level{
	"省直": schemas.LevelProvince, "省级": schemas.LevelProvince, "省本级": schemas.LevelProvince,
	"省直部门": schemas.LevelProvince, "省直单位": schemas.LevelProvince, "省直机关": schemas.LevelProvince,
	"市直": schemas.LevelPrefecture, "市级": schemas.LevelPrefecture, "市本级": schemas.LevelPrefecture,
	"市直部门": schemas.LevelPrefecture, "市直单位": schemas.LevelPrefecture, "市直机关": schemas.LevelPrefecture,
	"州直": schemas.LevelPrefecture, "州本级": schemas.LevelPrefecture, "盟直": schemas.LevelPrefecture,
	"地直": schemas.LevelPrefecture, "地区直属": schemas.LevelPrefecture,
}

var (
	code6Re  = regexp.MustCompile(`(^|[^0-9])([1-9][0-9]{5})($|[^0-9])`)
	yearHead = regexp.MustCompile(`^(19|20)[0-9]{2}年度?`)
	yearAny  = regexp.MustCompile(`(19|20)[0-9]{2}`)
)

// pathKey is the part of a path component that may name a body: leading digits and separators
// and a leading year dropped, cut at the year or the words of the report's title
// ("211321_朝阳县教育局2022年政府信息公开工作年度报告" → "朝阳县教育局").
func pathKey(c string) string {
	c = strings.TrimLeft(c, "0123456789_-. ")
	c = yearHead.ReplaceAllString(c, "")
	end := len(c)
	if loc := yearAny.FindStringIndex(c); loc != nil {
		end = loc[0]
	}
	for _, w := range []string{"政府信息公开", "信息公开", "政务公开", "年度报告", "_", "-", " ", "（", "(", "."} {
		if k := strings.Index(c, w); k >= 0 && k < end {
			end = k
		}
	}
	return c[:end]
}

// FindPlaceInPath reads a report's division from its path, at any level: a 6-digit code in a
// component (a county, or 210100 a prefecture, 210000 a province), else the deepest component
// naming a division — a file or folder named after a body (辽宁省教育厅2023年…, 沈阳市和平区教育局),
// a county's folder, a province's or prefecture's folder (a container, exact only with a 省直 or
// 市直 folder below it), else a county named anywhere in a component (FindInPath's rule). Other
// components settle ties (和平区 under 沈阳市).
func (r *Registry) FindPlaceInPath(path string) PathMatch {
	comps := strings.FieldsFunc(filepath.ToSlash(path), func(c rune) bool { return c == '/' })
	if n := len(comps); n > 0 {
		comps[n-1] = strings.TrimSuffix(comps[n-1], filepath.Ext(comps[n-1]))
	}
	for i := len(comps) - 1; i >= 0; i-- {
		for _, m := range code6Re.FindAllStringSubmatch(comps[i], -1) {
			if p, ok := r.Place(m[2]); ok {
				return PathMatch{Place: p, Found: true, Exact: true, Evidence: comps[i]}
			}
		}
	}
	joined := strings.Join(comps, "/")
	marker := schemas.LevelUnknown
	town := false // the file is named after a town or street (杏洼镇人民政府2022年…)
	for i := len(comps) - 1; i >= 0; i-- {
		c := comps[i]
		file := i == len(comps)-1
		if file {
			town = TownLike(pathKey(c))
		}
		if lvl, ok := levelFolders[c]; ok {
			marker = lvl
			continue
		}
		if (len(c) == 2 || len(c) == 4) && strings.Trim(c, "0123456789") == "" {
			if p, ok := r.Place(c); ok {
				return PathMatch{Place: p, Found: true, Exact: marker == p.Level, Evidence: c}
			}
			continue
		}
		key := pathKey(c)
		if key != "" {
			m := r.ResolveName(key, joined)
			if m.Found {
				exact := file || m.Rest != "" || m.Place.Level == schemas.LevelCounty || marker == m.Place.Level
				if d, ok := r.SoleCounty(m.Place.Code); ok && !exact && town && m.Place.Level == schemas.LevelPrefecture {
					// a town's report in the folder of a prefecture without districts: its one county
					return PathMatch{Place: d.Place(), Found: true, Exact: true, Evidence: comps[i]}
				}
				return PathMatch{Place: m.Place, Found: true, Exact: exact, Evidence: comps[i]}
			}
			if m.Ambiguous() {
				return PathMatch{Candidates: m.Candidates, Evidence: comps[i]}
			}
		}
		if hits := r.scan(c); len(hits) > 0 {
			dm := r.decide(hits, joined)
			pm := PathMatch{Found: dm.Found, Exact: dm.Found, Evidence: c}
			if dm.Found {
				pm.Place = dm.Division.Place()
			}
			for _, d := range dm.Candidates {
				pm.Candidates = append(pm.Candidates, d.Place())
			}
			return pm
		}
	}
	return PathMatch{}
}

// PlaceNames lists places as 名称（代码）, separated by 、.
func PlaceNames(ps []Place) string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteString("、")
		}
		switch p.Level {
		case schemas.LevelCounty:
			b.WriteString(p.Province)
			if p.Prefecture != p.Province {
				b.WriteString(p.Prefecture)
			}
			b.WriteString(p.Name)
		case schemas.LevelPrefecture:
			b.WriteString(p.Province + p.Name)
		default:
			b.WriteString(p.Name)
		}
		b.WriteString(fmt.Sprintf("（%s）", p.Code))
	}
	return b.String()
}
