// Package regions is the administrative division registry: province → prefecture → county,
// with the codes of the National Bureau of Statistics (configs/regions/*.csv: 2 digits a
// province, 4 a prefecture, 6 a county). It finds a report's division at every level and says
// when it cannot tell (never guessing silently):
//
//   - Place: a division by its code at any level (21, 2113, 211321; 210100 and 210000 read as
//     2101 and 21). The groups the registry lists where there is no prefecture (the 市辖区 and 县
//     of the four municipalities, a province's 省直辖县级行政区划) are not places.
//   - ResolveName: the divisions a body's name starts with (辽宁省教育厅 → 21, 沈阳市和平区教育局
//     → 210102, 楚雄州人民政府 → 5323, 重庆市万州区 → 500101, 东莞市虎门镇人民政府 → 441900,
//     成都市公安局锦江区分局 → 510104), with the short forms of autonomous divisions.
//   - FindPlaceInPath: a file path's division (a code, 省直/市直 folders, a file named after its
//     body, a county's folder; a province's or prefecture's folder as a container).
//   - FindInPath, FindInText: the county-only searches (a county named in a path; the county the
//     prose names most), used when a report's body names no division.
//
// A prefecture without districts (东莞市, 中山市, 嘉峪关市, 儋州市) is listed with one county-level
// entry under its own name, holding its towns and streets (SoleCounty): the city's own bodies
// are the prefecture's, its towns the entry's.
package regions

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"xxgk/configs"
	"xxgk/schemas"
)

// Division is one county-level division with its parents.
type Division struct {
	Code           string // 6 digits
	Name           string // 朝阳县
	PrefectureCode string // 4 digits
	Prefecture     string // 朝阳市 (the province's name for 市辖区 and 省直辖 groups)
	ProvinceCode   string // 2 digits
	Province       string // 辽宁省
}

// Region returns the division as the report model's region, found by method.
func (d Division) Region(method string) schemas.Region {
	return d.Place().Region(method)
}

// Area is a province or prefecture.
type Area struct {
	Code string
	Name string
	// Real is false for the groups the registry lists in place of a prefecture where there is
	// none: the 市辖区 and 县 of the four municipalities and a province's 省直辖县级行政区划
	// (named after their province). Provinces are real.
	Real bool
}

// Registry holds the divisions, ordered by code.
type Registry struct {
	Provinces   []Area
	Prefectures []Area
	Counties    []Division

	byCode    map[string]int      // county code → index
	byName    map[string][]int    // county name → indexes (names repeat across provinces)
	areaNames map[string][]string // prefecture/province name (and short form) → codes
	maxName   int                 // longest county name in runes

	provPlaces, prefPlaces []Place // Provinces and Prefectures as places
	provIdx, prefIdx       map[string]int
	names                  map[string][]nameRef // every name and short form → places (places.go)
	maxPlaceName           int                  // longest of them in runes
}

var (
	defOnce sync.Once
	def     *Registry
	defErr  error
)

// Default returns the registry embedded in the binary (configs/regions).
func Default() *Registry {
	defOnce.Do(func() {
		sub, err := fs.Sub(configs.Regions, "regions")
		if err == nil {
			def, err = LoadFS(sub)
		}
		defErr = err
	})
	if defErr != nil {
		panic(fmt.Sprintf("regions: embedded registry: %v", defErr))
	}
	return def
}

// Load reads provinces.csv, cities.csv and areas.csv from dir.
func Load(dir string) (*Registry, error) { return LoadFS(os.DirFS(dir)) }

// LoadFS reads provinces.csv, cities.csv and areas.csv from fsys.
func LoadFS(fsys fs.FS) (*Registry, error) {
	prov, err := readCSV(fsys, "provinces.csv", 2)
	if err != nil {
		return nil, err
	}
	cities, err := readCSV(fsys, "cities.csv", 3)
	if err != nil {
		return nil, err
	}
	areas, err := readCSV(fsys, "areas.csv", 4)
	if err != nil {
		return nil, err
	}
	r := &Registry{byCode: map[string]int{}, byName: map[string][]int{}, areaNames: map[string][]string{}}
	provName := map[string]string{}
	for _, p := range prov {
		provName[p[0]] = p[1]
		r.Provinces = append(r.Provinces, Area{Code: p[0], Name: p[1], Real: true})
	}
	cityName := map[string]string{}
	for _, c := range cities {
		name, real := c[1], true
		if name == "市辖区" || name == "县" || strings.Contains(name, "直辖") {
			name, real = provName[c[2]], false
		}
		cityName[c[0]] = name
		r.Prefectures = append(r.Prefectures, Area{Code: c[0], Name: name, Real: real})
	}
	for _, a := range areas {
		if len(a[0]) != 6 {
			return nil, fmt.Errorf("areas.csv: bad code %q", a[0])
		}
		d := Division{Code: a[0], Name: a[1], PrefectureCode: a[2], Prefecture: cityName[a[2]],
			ProvinceCode: a[3], Province: provName[a[3]]}
		r.Counties = append(r.Counties, d)
	}
	sort.Slice(r.Counties, func(i, j int) bool { return r.Counties[i].Code < r.Counties[j].Code })
	for i, d := range r.Counties {
		r.byCode[d.Code] = i
		r.byName[d.Name] = append(r.byName[d.Name], i)
		if n := utf8.RuneCountInString(d.Name); n > r.maxName {
			r.maxName = n
		}
	}
	for _, a := range append(append([]Area{}, r.Provinces...), r.Prefectures...) {
		r.areaNames[a.Name] = append(r.areaNames[a.Name], a.Code)
	}
	if len(r.Counties) == 0 {
		return nil, errors.New("regions: no counties")
	}
	r.provIdx, r.prefIdx = map[string]int{}, map[string]int{}
	for i, p := range r.Provinces {
		r.provIdx[p.Code] = i
		r.provPlaces = append(r.provPlaces, Place{Level: schemas.LevelProvince, Code: p.Code, Name: p.Name,
			ProvinceCode: p.Code, Province: p.Name})
	}
	for i, p := range r.Prefectures {
		r.prefIdx[p.Code] = i
		pc := p.Code[:2]
		r.prefPlaces = append(r.prefPlaces, Place{Level: schemas.LevelPrefecture, Code: p.Code, Name: p.Name,
			PrefectureCode: p.Code, Prefecture: p.Name, ProvinceCode: pc, Province: provName[pc]})
	}
	r.buildNames()
	return r, nil
}

func readCSV(fsys fs.FS, name string, cols int) ([][]string, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("regions: %w", err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = cols
	var out [][]string
	for first := true; ; first = false {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("regions: %s: %w", name, err)
		}
		if first && rec[0] == "code" {
			continue
		}
		out = append(out, rec)
	}
}

// County returns the county with this 6-digit code.
func (r *Registry) County(code string) (Division, bool) {
	i, ok := r.byCode[code]
	if !ok {
		return Division{}, false
	}
	return r.Counties[i], true
}

// Under returns the counties whose code starts with prefix ("21" a province, "2113" a
// prefecture, "" all), ordered by code.
func (r *Registry) Under(prefix string) []Division {
	i := sort.Search(len(r.Counties), func(i int) bool { return r.Counties[i].Code >= prefix })
	var out []Division
	for ; i < len(r.Counties) && strings.HasPrefix(r.Counties[i].Code, prefix); i++ {
		out = append(out, r.Counties[i])
	}
	return out
}

// PrefecturesOf returns the prefectures of a province, ordered by code.
func (r *Registry) PrefecturesOf(province string) []Area {
	var out []Area
	for _, p := range r.Prefectures {
		if strings.HasPrefix(p.Code, province) {
			out = append(out, p)
		}
	}
	return out
}

// AreaName returns the name of a province (2 digits), prefecture (4) or county (6) code.
func (r *Registry) AreaName(code string) (string, bool) {
	switch len(code) {
	case 2:
		for _, p := range r.Provinces {
			if p.Code == code {
				return p.Name, true
			}
		}
	case 4:
		for _, p := range r.Prefectures {
			if p.Code == code {
				return p.Name, true
			}
		}
	case 6:
		d, ok := r.County(code)
		return d.Name, ok
	}
	return "", false
}

// Match is the outcome of a search for a report's county.
type Match struct {
	Division   Division
	Found      bool
	Candidates []Division // when ambiguous: the divisions that tied
	Evidence   string     // what was matched (a path component, a name and its count)
}

// Ambiguous reports whether several divisions fit equally well.
func (m Match) Ambiguous() bool { return !m.Found && len(m.Candidates) > 1 }

var codeRe = regexp.MustCompile(`(^|[^0-9])([1-9][0-9]{5})($|[^0-9])`)

// FindInPath looks for the county in a file path: a 6-digit code that is a county code in a
// path component, else county names in the components (the deepest wins), disambiguated by
// prefecture or province names in the other components.
func (r *Registry) FindInPath(path string) Match {
	comps := strings.FieldsFunc(filepath.ToSlash(path), func(c rune) bool { return c == '/' })
	for i := len(comps) - 1; i >= 0; i-- {
		for _, m := range codeRe.FindAllStringSubmatch(comps[i], -1) {
			if d, ok := r.County(m[2]); ok {
				return Match{Division: d, Found: true, Evidence: comps[i]}
			}
		}
	}
	for i := len(comps) - 1; i >= 0; i-- {
		hits := r.scan(comps[i])
		if len(hits) == 0 {
			continue
		}
		m := r.decide(hits, strings.Join(comps, "/"))
		m.Evidence = comps[i]
		return m
	}
	return Match{}
}

// FindInText looks for the county in a report's text: the county names it mentions (found by
// their suffix 县/区/市/旗 and a look-up of the characters before it), the most frequent
// winning; ties are broken by the prefecture or province named in the text; a remaining tie
// is reported as ambiguous with its candidates. The title (first lines) counts triple.
func (r *Registry) FindInText(title, text string) Match {
	hits := r.scan(text)
	for k, v := range r.scan(title) {
		hits[k] += 3 * v
	}
	if len(hits) == 0 {
		return Match{}
	}
	// the names looked for in the context hold no line break, so looking in title and in
	// text is looking in title+"\n"+text, without copying the text
	return r.decide(hits, title, text)
}

// scan counts county-name occurrences in s: name → count. At each suffix rune it takes the
// longest registered name ending there.
func (r *Registry) scan(s string) map[string]int {
	hits := map[string]int{}
	// the byte offsets of the last maxName+1 runes are buf[start:]; buf is compacted when
	// full instead of being reallocated (it was 26 KB of garbage per report)
	win := r.maxName + 1
	var arr [128]int
	buf := arr[:0]
	if 4*win > len(arr) {
		buf = make([]int, 0, 4*win)
	}
	start := 0
	for i, c := range s {
		if len(buf) == cap(buf) {
			buf = buf[:copy(buf, buf[start:])]
			start = 0
		}
		buf = append(buf, i)
		if len(buf)-start > win {
			start++
		}
		if c != '县' && c != '区' && c != '市' && c != '旗' {
			continue
		}
		offs := buf[start:]
		end := i + utf8.RuneLen(c)
		for k := 0; k < len(offs)-1; k++ { // longest first
			name := s[offs[k]:end]
			if _, ok := r.byName[name]; ok {
				hits[name]++
				break
			}
		}
	}
	return hits
}

// decide picks the best county from name counts, using parent names in context to split ties
// between same-named counties and between different names with equal counts.
func (r *Registry) decide(hits map[string]int, context ...string) Match {
	mentions := func(name string) bool {
		for _, c := range context {
			if strings.Contains(c, name) {
				return true
			}
		}
		return false
	}
	type cand struct {
		d     Division
		score int
	}
	var cands []cand
	for name, n := range hits {
		for _, i := range r.byName[name] {
			d := r.Counties[i]
			score := n * 10
			if d.Prefecture != "" && mentions(d.Prefecture) {
				score += 5
			} else if short := shortName(d.Prefecture); short != "" && mentions(short) {
				score += 2
			}
			if mentions(d.Province) || mentions(shortName(d.Province)) {
				score += 3
			}
			cands = append(cands, cand{d, score})
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		return cands[i].d.Code < cands[j].d.Code
	})
	best := cands[0]
	var tied []Division
	for _, c := range cands {
		if c.score == best.score {
			tied = append(tied, c.d)
		}
	}
	if len(tied) > 1 {
		return Match{Candidates: tied, Evidence: fmt.Sprintf("%d个同分候选", len(tied))}
	}
	return Match{Division: best.d, Found: true, Evidence: fmt.Sprintf("%s×%d", best.d.Name, hits[best.d.Name])}
}

// shortName drops the administrative suffix: 辽宁省 → 辽宁, 朝阳市 → 朝阳. Names of two runes
// are kept whole (too short to be safe).
func shortName(s string) string {
	for _, suf := range []string{"维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "地区", "省", "市", "盟"} {
		if strings.HasSuffix(s, suf) {
			t := strings.TrimSuffix(s, suf)
			if utf8.RuneCountInString(t) >= 2 {
				return t
			}
			return ""
		}
	}
	return ""
}
