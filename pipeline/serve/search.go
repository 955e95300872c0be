package serve

import (
	"context"
	"sort"
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

// Search finds bodies by any part of their name — in characters (教育局), or in pinyin:
// initials (jyj), full syllables (jiaoyuju) or a mix (jiaoyj) — divisions the same way, and
// reports by any part of their file path. Polyphonic characters match any of their readings
// (长春: cc or zc). The pinyin comes from github.com/mozillazg/go-pinyin (MIT, no
// dependencies, the dictionary of the Unicode Han database in the binary): there is no other
// offline source of readings, and analysts type initials.
//
// The bodies are indexed once per warehouse version (one grouped query over the reports of
// record; the pinyin of each distinct name); a search scans the index in memory.

type bodyEntry struct {
	_            struct{} `query:"serve/search-bodies"` // analytics.reports by body
	RegionCode   string   `col:"region_code"`
	RegionName   string   `col:"region_name"`
	Body         string   `col:"body"`
	Reports      int64    `col:"report_count"`
	FirstYear    int64    `col:"first_year"`
	LastYear     int64    `col:"last_year"`
	LastReportID int64    `col:"last_report_id"`

	syl [][]string
	key nameKey
}

type divisionEntry struct {
	division
	syl [][]string
	key nameKey
}

// nameKey is what a search compares a name with, computed once per name: the lowercase
// name, and the set of letters its readings use (a query with another letter cannot match).
type nameKey struct {
	lower   string
	letters uint64
}

func keyOf(name string, syl [][]string) nameKey {
	k := nameKey{lower: strings.ToLower(name)}
	for _, opts := range syl {
		for _, o := range opts {
			for i := 0; i < len(o); i++ {
				k.letters |= letterBit(o[i])
			}
		}
	}
	return k
}

// letterBit is the bit of an ASCII letter or digit (0 for anything else).
func letterBit(c byte) uint64 {
	switch {
	case c >= 'a' && c <= 'z':
		return 1 << (c - 'a')
	case c >= '0' && c <= '9':
		return 1 << (26 + c - '0')
	}
	return 0
}

// queryLetters is the set of letters of a lowercase ASCII query.
func queryLetters(lq string) uint64 {
	var m uint64
	for i := 0; i < len(lq); i++ {
		m |= letterBit(lq[i])
	}
	return m
}

type searchIndex struct {
	bodies    []bodyEntry
	divisions []divisionEntry
}

var pinyinArgs = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Heteronym = true
	a.Style = pinyin.Normal
	return a
}()

// syllables returns, per character of s, the lowercase readings it may be typed as: the
// pinyin syllables of a Chinese character, the character itself for a letter or digit; other
// characters (punctuation) are left out.
func syllables(s string) [][]string {
	var out [][]string
	for _, r := range s {
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			out = append(out, []string{string(unicode.ToLower(r))})
		case unicode.Is(unicode.Han, r):
			if p := pinyin.SinglePinyin(r, pinyinArgs); len(p) > 0 {
				out = append(out, p)
			}
		}
	}
	return out
}

// pinyinMatch reports whether the lowercase ASCII query q is typed by consecutive characters
// of a name, each contributing a non-empty prefix of one of its readings (an initial, a
// syllable, or the beginning of one); where is the index of the first such character.
func pinyinMatch(syl [][]string, q string) (int, bool) {
	return pinyinMatchBuf(syl, q, nil)
}

// pinyinMatchBuf is pinyinMatch with a reusable memo (grown as needed): 0 unknown, 1 no,
// 2 yes, for each character and query position.
func pinyinMatchBuf(syl [][]string, q string, memo *[]byte) (int, bool) {
	if q == "" || len(syl) == 0 {
		return 0, false
	}
	var buf []byte
	if memo == nil {
		memo = &buf
	}
	w := len(q) + 1
	need := (len(syl) + 1) * w
	if cap(*memo) < need {
		*memo = make([]byte, need)
	}
	m := (*memo)[:need]
	clear(m)
	var match func(i, j int) bool
	match = func(i, j int) bool {
		if j == len(q) {
			return true
		}
		if i == len(syl) {
			return false
		}
		if v := m[i*w+j]; v != 0 {
			return v == 2
		}
		ok := false
		for _, s := range syl[i] {
			for n := min(len(s), len(q)-j); n >= 1 && !ok; n-- {
				if s[:n] == q[j:j+n] {
					ok = match(i+1, j+n)
				}
			}
			if ok {
				break
			}
		}
		m[i*w+j] = 1
		if ok {
			m[i*w+j] = 2
		}
		return ok
	}
	for start := range syl {
		if match(start, 0) {
			return start, true
		}
	}
	return 0, false
}

// isPinyinQuery reports whether q is typed in ASCII letters (and digits) only.
func isPinyinQuery(q string) bool {
	if q == "" {
		return false
	}
	for _, r := range q {
		if r >= 128 || !(unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}

// nameMatch says whether a name matches the query and how well (lower is better: 0 the name
// starts with it, 1 contains it, 2 pinyin from the first character, 3 pinyin elsewhere).
func nameMatch(name string, syl [][]string, q, lq string, py bool) (int, bool) {
	return keyedMatch(name, syl, keyOf(name, syl), q, lq, queryLetters(lq), py)
}

func keyedMatch(name string, syl [][]string, k nameKey, q, lq string, ql uint64, py bool) (int, bool) {
	return keyedMatchBuf(name, syl, k, q, lq, ql, py, nil)
}

func keyedMatchBuf(name string, syl [][]string, k nameKey, q, lq string, ql uint64, py bool, memo *[]byte) (int, bool) {
	if i := strings.Index(name, q); i >= 0 {
		if i == 0 {
			return 0, true
		}
		return 1, true
	}
	if py {
		if strings.Contains(k.lower, lq) {
			return 1, true
		}
		if ql&^k.letters != 0 {
			return 0, false // a letter no reading of the name has
		}
		if at, ok := pinyinMatchBuf(syl, lq, memo); ok {
			if at == 0 {
				return 2, true
			}
			return 3, true
		}
	}
	return 0, false
}

func (q *req) searchIndex() (*searchIndex, error) {
	basic, err := q.basic()
	if err != nil {
		return nil, err
	}
	return q.l.g.cache.search.get(q.ctx(), func(ctx context.Context) (*searchIndex, error) {
		bodies, err := scan[bodyEntry](ctx, q.session(), `select region_code, any_value(region_name) as region_name,
				body, count(*) as report_count, min(year) as first_year, max(year) as last_year,
				arg_max(report_id, year) as last_report_id
			from analytics.reports
			group by region_code, body
			order by region_code, body`)
		if err != nil {
			return nil, err
		}
		ix := &searchIndex{bodies: bodies}
		cache := map[string][][]string{}
		keys := map[string]nameKey{}
		for i := range ix.bodies {
			b := &ix.bodies[i]
			if s, ok := cache[b.Body]; ok {
				b.syl, b.key = s, keys[b.Body]
				continue
			}
			b.syl = syllables(b.Body)
			b.key = keyOf(b.Body, b.syl)
			cache[b.Body], keys[b.Body] = b.syl, b.key
		}
		codes := make([]string, 0, len(basic.byCode))
		for code, d := range basic.byCode {
			if d.HasFigures {
				codes = append(codes, code)
			}
		}
		sort.Strings(codes)
		for _, code := range codes {
			d := basic.byCode[code]
			syl := syllables(d.Name)
			ix.divisions = append(ix.divisions, divisionEntry{division: d, syl: syl, key: keyOf(d.Name, syl)})
		}
		return ix, nil
	})
}

// fileHit is a report found by its file path.
type fileHit struct {
	_          struct{} `query:"serve/search-files"`
	ReportID   int64    `col:"report_id"`
	SourcePath string   `col:"source_path"`
	Body       *string  `col:"body"`
	Year       *int64   `col:"year"`
	RegionName *string  `col:"region_name"`
	Status     string   `col:"status"`
	IsCurrent  bool     `col:"is_current"`
}

type searchBody struct {
	Query     string
	Bodies    []bodyEntry
	Divisions []division
	Files     []fileHit
	More      bool
}

const searchLimit = 50

func (s *Server) search(q *req) error {
	text := strings.TrimSpace(q.URL.Query().Get("q"))
	b := searchBody{Query: text}
	if len([]rune(text)) > 100 {
		return badRequest("搜索词太长 / the search text is too long")
	}
	if text != "" {
		ix, err := q.searchIndex()
		if err != nil {
			return err
		}
		lq, py := strings.ToLower(text), isPinyinQuery(text)
		ql := queryLetters(lq)
		type ranked struct {
			rank int
			i    int
		}
		var hits []ranked
		var memo []byte
		type result struct {
			rank int
			ok   bool
		}
		byName := map[string]result{} // bodies of the same name in many divisions match alike
		for i := range ix.bodies {
			b := &ix.bodies[i]
			res, seen := byName[b.Body]
			if !seen {
				res.rank, res.ok = keyedMatchBuf(b.Body, b.syl, b.key, text, lq, ql, py, &memo)
				byName[b.Body] = res
			}
			if res.ok {
				hits = append(hits, ranked{res.rank, i})
			}
		}
		sort.SliceStable(hits, func(a, c int) bool { return hits[a].rank < hits[c].rank })
		if len(hits) > searchLimit {
			hits, b.More = hits[:searchLimit], true
		}
		for _, h := range hits {
			b.Bodies = append(b.Bodies, ix.bodies[h.i])
		}
		var dhits []ranked
		for i := range ix.divisions {
			if r, ok := keyedMatch(ix.divisions[i].Name, ix.divisions[i].syl, ix.divisions[i].key, text, lq, ql, py); ok {
				dhits = append(dhits, ranked{r, i})
			}
		}
		sort.SliceStable(dhits, func(a, c int) bool { return dhits[a].rank < dhits[c].rank })
		for i, h := range dhits {
			if i == searchLimit {
				break
			}
			b.Divisions = append(b.Divisions, ix.divisions[h.i].division)
		}
		// a cheap filter on the whole path first — the text as typed, in lower case or in upper
		// case (lower-casing a million paths costs more than the page may take) — then the
		// file name itself, any case; contains() has no wildcard: % and _ are plain characters
		lq = strings.ToLower(text)
		pathFilter := `(contains(r.source_path, $1) or contains(r.source_path, $2) or contains(r.source_path, $3))`
		files, err := scan[fileHit](q.ctx(), q.session(), `select r.report_id, r.source_path, r.body, r.year, g.name as region_name,
				r.status, r.is_current
			from main.reports as r
			left join main.regions as g on g.code = r.region_code
			where `+pathFilter+` and contains(lower(string_split(r.source_path, '/')[-1]), $2)
			order by r.is_current desc, r.source_path, r.report_id
			limit $4`, text, lq, strings.ToUpper(text), searchLimit+1)
		if err != nil {
			return err
		}
		if len(files) > searchLimit {
			files, b.More = files[:searchLimit], true
		}
		b.Files = files
	}
	s.render(q, "search", "搜索", "search", b)
	return nil
}
