package parse

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"xxgk/schemas"
)

// norm is schemas.Normalize for text that decode has already folded with NFKC: it drops
// white space, punctuation and symbols (and folds any full-width ASCII left over). It returns
// s itself, without allocating, when there is nothing to drop.
func norm(s string) string {
	clean := true
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if !isAlnum(c) {
				clean = false
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !(r >= 0x4E00 && r <= 0x9FFF) && dropOrFold(r) {
			clean = false
			break
		}
		i += n
	}
	if clean {
		return s
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E {
			r -= 0xFEE0
		}
		if r < utf8.RuneSelf {
			if isAlnum(byte(r)) {
				b = append(b, byte(r))
			}
			continue
		}
		if !(r >= 0x4E00 && r <= 0x9FFF) && dropOrFold(r) {
			continue
		}
		b = utf8.AppendRune(b, r)
	}
	return string(b)
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// dropOrFold reports whether a non-ASCII rune is dropped by norm (or must be folded).
func dropOrFold(r rune) bool {
	if r >= 0xFF01 && r <= 0xFF5E {
		return true
	}
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || r == utf8.RuneError
}

// stripEnum removes one leading enumerator from normalised text: digits ("3其他"), a Chinese
// numeral ("七总计"), or 第…部分/第…章.
func stripEnum(n string) string {
	return schemas.StripEnumerator(n)
}

// Catalogue views the parser walks, built once.

type secWords struct {
	num   int
	words []string
}

// t3target is something a table 3 label can name: a row, or a group label (whose printed
// numbers, if any, are the group's subtotal row).
type t3target struct {
	key      string // row key, or group key for groups
	group    string // the group a row belongs to; for a group, its own key
	isGroup  bool
	subtotal string // for groups: the row key its numbers go to ("" for results)
	pos      int    // printed position, for catalogue-order matching
	label    *schemas.Label
	exact    bool // matched only by Exact, inside its group
	name     string
}

type t2item struct {
	key      string
	label    *schemas.Label
	measures []*schemas.Label
	name     string
	format   schemas.Format
	cols     []column // the value columns (read only)
}

// measureWord is one word a measure's header cell is known by.
type measureWord struct{ word, key string }

// t2measure is a table 2 measure with the words its header cell is known by.
type t2measure struct {
	key   string
	words []string
}

type catalogue struct {
	sections    []secWords
	t3          []t3target // rows and groups in printed order
	t3cols      []string
	t2          map[schemas.Format][]t2item
	t2all       []t2item // the items of both formats, in printed order (gb2019's, with gb2021's labels matched too)
	t2by19      []t2item // t2[gb2019] and t2[gb2021], without the map lookup
	t2by21      []t2item
	t2measures  []t2measure
	t2first     map[rune][]measureWord // the measure words by their first character
	t2header    []string
	t4groups    []string
	t4outcomes  []string
	t4flat      []column // the fifteen cells of table 4 as columns "group.outcome" (read only)
	markers     map[schemas.Format][]string
	markerBytes map[schemas.Format][][]byte
	t3rows      map[schemas.Format][]schemas.Label // official printed rows per format
	rowNames    map[string]string
}

var (
	catOnce sync.Once
	catv    *catalogue
)

func cat() *catalogue {
	catOnce.Do(func() { catv = buildCatalogue(schemas.Labels()) })
	return catv
}

var subtotalOf = map[string]string{
	"withheld":    "withheld_total",
	"unavailable": "unavailable_total",
	"rejected":    "rejected_total",
	"other":       "other_total",
}

func buildCatalogue(c *schemas.Catalogue) *catalogue {
	k := &catalogue{
		t2:          map[schemas.Format][]t2item{},
		markers:     map[schemas.Format][]string{},
		markerBytes: map[schemas.Format][][]byte{},
		t3rows:      map[schemas.Format][]schemas.Label{},
		rowNames:    map[string]string{},
	}
	for _, s := range c.Sections {
		k.sections = append(k.sections, secWords{num: s.Number, words: s.Match})
	}
	groups := map[string]*schemas.Label{}
	for i := range c.Table3.Groups {
		groups[c.Table3.Groups[i].Key] = &c.Table3.Groups[i]
	}
	pos := 0
	prevGroup := ""
	for i := range c.Table3.Rows {
		r := &c.Table3.Rows[i]
		k.rowNames[r.Key] = r.Short()
		if r.Subtotal || r.Key == "other_total" {
			continue
		}
		if r.Group != "" && r.Group != prevGroup {
			if g := groups[r.Group]; g != nil {
				k.t3 = append(k.t3, t3target{key: g.Key, group: g.Key, isGroup: true,
					subtotal: subtotalOf[g.Key], pos: pos, label: g, name: g.Short()})
				pos++
			}
		}
		prevGroup = r.Group
		k.t3 = append(k.t3, t3target{key: r.Key, group: r.Group, pos: pos, label: r,
			exact: len(r.Match) == 0 && len(r.Exact) > 0, name: k.rowNames[r.Key]})
		pos++
	}
	for _, g := range []string{"withheld", "unavailable", "rejected"} {
		if l := groups[g]; l != nil {
			k.rowNames[subtotalOf[g]] = l.Short() + "小计"
		}
	}
	k.rowNames["total_handled"] = "总计"
	for _, col := range c.Table3.Columns {
		k.t3cols = append(k.t3cols, col.Key)
	}
	for _, f := range []schemas.Format{schemas.FormatGB2019, schemas.FormatGB2021} {
		items := c.Table2Items(f)
		for i := range items {
			it := t2item{key: items[i].Key, label: &items[i], name: items[i].Label, format: f}
			for _, m := range items[i].Measures {
				it.measures = append(it.measures, c.Measure(m))
			}
			it.cols = itemCols(&it)
			k.t2[f] = append(k.t2[f], it)
		}
		k.markers[f] = c.Formats[f].Markers
		k.t3rows[f] = c.Table3Rows(f)
		for _, m := range k.markers[f] {
			k.markerBytes[f] = append(k.markerBytes[f], []byte(m))
		}
	}
	for _, m := range c.Table2.Measures {
		k.t2header = append(k.t2header, m.Match...)
		// the words no other word of the measure is part of: 制发件数 finds 本年制发件数 too
		var words []string
		for _, w := range m.Match {
			minimal := true
			for _, o := range m.Match {
				if o != w && strings.Contains(w, o) {
					minimal = false
				}
			}
			if minimal {
				words = append(words, w)
			}
		}
		k.t2measures = append(k.t2measures, t2measure{key: m.Key, words: words})
		if k.t2first == nil {
			k.t2first = map[rune][]measureWord{}
		}
		for _, w := range words {
			r, _ := utf8.DecodeRuneInString(w)
			k.t2first[r] = append(k.t2first[r], measureWord{word: w, key: m.Key})
		}
	}
	// the union of both formats' items in printed order: gb2019 has every item key (gb2021
	// drops other_services and procurement), and both formats' labels share their match words
	k.t2all = k.t2[schemas.FormatGB2019]
	k.t2by19, k.t2by21 = k.t2[schemas.FormatGB2019], k.t2[schemas.FormatGB2021]
	k.t2header = append(k.t2header, "第二十条", "信息内容", "单位")
	k.t4groups = c.Table4GroupKeys()
	k.t4outcomes = c.Table4OutcomeKeys()
	for gi, g := range k.t4groups {
		for oi, o := range k.t4outcomes {
			k.t4flat = append(k.t4flat, column{key: g + "." + o, name: c.Table4.Groups[gi].Label + "·" + c.Table4.Outcomes[oi].Label})
		}
	}
	return k
}

// t2differs reports whether the table 2 item is printed with other measures in the two
// formats (every item but those only gb2019 has).
func (k *catalogue) t2differs(key string) bool {
	a, b := k.t2byKey(schemas.FormatGB2019, key), k.t2byKey(schemas.FormatGB2021, key)
	if a == nil || b == nil {
		return false
	}
	return !sameMeasures(a, keysOf(b))
}

func keysOf(it *t2item) []string {
	out := make([]string, len(it.measures))
	for i, m := range it.measures {
		out[i] = m.Key
	}
	return out
}

// t2byKey returns the table 2 item of format f with the key, or nil.
func (k *catalogue) t2byKey(f schemas.Format, key string) *t2item {
	var items []t2item
	switch f {
	case schemas.FormatGB2019:
		items = k.t2by19
	case schemas.FormatGB2021:
		items = k.t2by21
	}
	for i := range items {
		if items[i].key == key {
			return &items[i]
		}
	}
	return nil
}

// measureChars are characters one of which every measure word has: a cheap test first.
func measureChars(n string) bool {
	return len(n) >= 6 && (strings.Contains(n, "数") || strings.Contains(n, "额") || strings.Contains(n, "减") || strings.Contains(n, "效"))
}

// hasMeasure reports whether the normalised text n names a table 2 measure.
func (k *catalogue) hasMeasure(n string) bool {
	if !measureChars(n) {
		return false
	}
	for _, m := range k.t2measures {
		for _, w := range m.words {
			if strings.Contains(n, w) {
				return true
			}
		}
	}
	return false
}

// measuresIn appends to dst the table 2 measures whose header words occur in the normalised
// text n, in the order they occur ("信息内容本年制发件数本年废止件数现行有效件数" names three).
// It walks n once, trying the words that start with each character.
func (k *catalogue) measuresIn(n string, dst []string) []string {
	if !measureChars(n) {
		return dst
	}
	start := len(dst)
	for i, r := range n {
		for _, mw := range k.t2first[r] {
			if !strings.HasPrefix(n[i:], mw.word) {
				continue
			}
			dup := false
			for _, d := range dst[start:] {
				dup = dup || d == mw.key
			}
			if !dup {
				dst = append(dst, mw.key)
			}
		}
	}
	return dst
}

func containsAny(n string, words []string) bool {
	for _, w := range words {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}
