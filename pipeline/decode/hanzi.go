package decode

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/traditionalchinese"
)

// Traditional ↔ simplified conversion, one character at a time (first candidate).
//
// NOTICE: data/TSCharacters.txt and data/STCharacters.txt are dictionaries of Open Chinese
// Convert (OpenCC, https://github.com/BYVoid/OpenCC), Copyright BYVoid and contributors,
// licensed under the Apache License 2.0. They are embedded unmodified.

//go:embed data/TSCharacters.txt
var tsData string

//go:embed data/STCharacters.txt
var stData string

type hanTables struct {
	ts     map[rune]rune // traditional → simplified
	tsConv *convTable
	// trad marks BMP runes that only occur in traditional text: keys of TSCharacters that
	// convert to something else and are not themselves simplified characters.
	trad bitset
}

var (
	hanOnce sync.Once
	han     *hanTables
	stOnce  sync.Once
	stConv  *convTable // simplified → traditional
)

func tables() *hanTables {
	hanOnce.Do(func() {
		t := &hanTables{ts: firstCandidates(parseOpenCC(tsData))}
		simplified := make(map[rune]bool, len(t.ts))
		for _, v := range t.ts {
			simplified[v] = true
		}
		stKeys := parseOpenCC(stData)
		for k := range t.ts {
			if k > 0xFFFF || simplified[k] {
				continue
			}
			if _, ok := stKeys[k]; ok {
				continue
			}
			t.trad.set(k)
		}
		t.tsConv = newConvTable(t.ts)
		han = t
	})
	return han
}

// stTable builds simplified → traditional: the first candidate of STCharacters, except
// where Big5 cannot spell it (爲, 衆, 啓…): then a Big5 form that converts back to the same
// simplified character (為, 眾, 啟), or the character itself (群), as Taiwan and Hong Kong
// print them, so that traditional copies can be written in Big5.
func stTable() *convTable {
	stOnce.Do(func() {
		ts := tables().ts
		simplify := func(r rune) rune {
			if v, ok := ts[r]; ok {
				return v
			}
			return r
		}
		inverse := map[rune][]rune{}
		for k, v := range ts {
			inverse[v] = append(inverse[v], k)
		}
		for _, ks := range inverse {
			slices.Sort(ks)
		}
		enc := traditionalchinese.Big5.NewEncoder()
		big5 := func(r rune) bool {
			_, err := enc.String(string(r))
			return err == nil
		}
		cands := parseOpenCC(stData)
		st := make(map[rune]rune, len(cands))
		for s, cs := range cands {
			pick := cs[0]
			if !big5(pick) {
				for _, c := range append(cs[1:len(cs):len(cs)], inverse[s]...) {
					if big5(c) && simplify(c) == s {
						pick = c
						break
					}
				}
				if !big5(pick) && big5(s) && simplify(s) == s {
					pick = s
				}
			}
			if pick != s {
				st[s] = pick
			}
		}
		stConv = newConvTable(st)
	})
	return stConv
}

// parseOpenCC reads "key<TAB>cand1 cand2 …" lines into key → candidates, for single-rune
// keys and candidates.
func parseOpenCC(data string) map[rune][]rune {
	m := make(map[rune][]rune, 5000)
	for line := range strings.Lines(data) {
		if line == "" || line[0] == '#' {
			continue
		}
		key, vals, ok := strings.Cut(strings.TrimRight(line, "\r\n"), "\t")
		if !ok {
			continue
		}
		k, n := utf8.DecodeRuneInString(key)
		if n != len(key) || k == utf8.RuneError {
			continue
		}
		var cs []rune
		for _, v := range strings.Fields(vals) {
			r, n := utf8.DecodeRuneInString(v)
			if n == len(v) && r != utf8.RuneError {
				cs = append(cs, r)
			}
		}
		if len(cs) > 0 {
			m[k] = cs
		}
	}
	return m
}

// firstCandidates keeps each key's first candidate where it differs from the key.
func firstCandidates(m map[rune][]rune) map[rune]rune {
	out := make(map[rune]rune, len(m))
	for k, cs := range m {
		if cs[0] != k {
			out[k] = cs[0]
		}
	}
	return out
}

// ToSimplified converts traditional characters to simplified ones, character by character
// (OpenCC TSCharacters, first candidate). Other text is returned unchanged.
func ToSimplified(s string) string { return tables().tsConv.convert(s) }

// ToTraditional converts simplified characters to traditional ones, character by character
// (OpenCC STCharacters, first candidate that Big5 can spell; see stTable). ToSimplified
// brings report text back exactly.
func ToTraditional(s string) string { return stTable().convert(s) }

// convTable maps runes to runes: an array for the BMP, a map for the rest.
type convTable struct {
	bmp  [0x10000]uint16 // 0: unchanged; wideMark: look in wide
	wide map[rune]rune
}

const wideMark = 0xFFFF

func newConvTable(m map[rune]rune) *convTable {
	t := &convTable{wide: map[rune]rune{}}
	for k, v := range m {
		switch {
		case k > 0xFFFF:
			t.wide[k] = v
		case v > 0xFFFF || v == 0 || v == wideMark:
			t.bmp[k] = wideMark
			t.wide[k] = v
		default:
			t.bmp[k] = uint16(v)
		}
	}
	return t
}

func (t *convTable) lookup(r rune) (rune, bool) {
	if r <= 0xFFFF {
		switch v := t.bmp[r]; v {
		case 0:
			return r, false
		case wideMark:
		default:
			return rune(v), true
		}
	}
	if v, ok := t.wide[r]; ok {
		return v, true
	}
	return r, false
}

func (t *convTable) convert(s string) string {
	for i, r := range s {
		if r < 0x2E80 {
			continue
		}
		if _, ok := t.lookup(r); !ok {
			continue
		}
		b := make([]byte, 0, len(s)+16)
		b = append(b, s[:i]...)
		for _, r := range s[i:] {
			if r >= 0x2E80 {
				r, _ = t.lookup(r)
			}
			b = utf8.AppendRune(b, r)
		}
		return string(b)
	}
	return s
}

// bitset is a set of BMP runes.
type bitset [0x10000 / 64]uint64

func (b *bitset) set(r rune)      { b[r>>6] |= 1 << (uint(r) & 63) }
func (b *bitset) has(r rune) bool { return r <= 0xFFFF && b[r>>6]&(1<<(uint(r)&63)) != 0 }
