package decode

import (
	"sync"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/unicode/norm"
)

// Traditional text is recognised when at least tradMinRunes runes are traditional-only and
// they make at least 1/tradShare of the Chinese characters: simplified reports with an
// incidental 於 or 乾 stay as they are.
const (
	tradMinRunes = 5
	tradShare    = 50 // 2 %
)

type normStats struct {
	han  int // Chinese characters
	trad int // of which traditional-only
}

func (st normStats) traditional() bool {
	return st.trad >= tradMinRunes && st.trad*tradShare >= st.han
}

var (
	plainOnce sync.Once
	plainSet  bitset // non-ASCII BMP runes that normalisation leaves as they are
)

// buildPlain marks the BMP runes that are NFKC-normal on their own, start a normalisation
// segment (nothing before them can combine with them), and are none of the spaces and
// format characters that mapSpecial maps.
func buildPlain() {
	var buf [4]byte
	for r := rune(0x80); r <= 0xFFFF; r++ {
		switch {
		case r >= 0xD800 && r <= 0xDFFF:
			continue
		case r >= 0x3400 && r <= 0x4DBF, r >= 0x4E00 && r <= 0x9FFF:
			plainSet.set(r)
			continue
		}
		if _, ok := mapSpecial(r); ok {
			continue
		}
		n := utf8.EncodeRune(buf[:], r)
		p := norm.NFKC.Properties(buf[:n])
		if p.BoundaryBefore() && norm.NFKC.IsNormal(buf[:n]) {
			plainSet.set(r)
		}
	}
}

// mapSpecial says what the normaliser does with r itself, without NFKC: it returns the
// replacement (-1 to drop r) and true, or false when r is left to NFKC or kept.
func mapSpecial(r rune) (rune, bool) {
	switch {
	case r < 0x20:
		switch r {
		case '\t', '\n':
			return r, false
		case '\v', '\f':
			return '\n', true
		}
		return -1, true // '\r' is handled by the caller
	case r < 0x7F:
		return r, false
	case r <= 0x9F: // DEL, C1 controls
		if r == 0x85 {
			return '\n', true
		}
		return -1, true
	case r == 0xA0, r == 0x1680, r >= 0x2000 && r <= 0x200A, r == 0x202F, r == 0x205F, r == 0x3000:
		return ' ', true
	case r == 0xAD, r == 0x180E, r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E,
		r >= 0x2060 && r <= 0x206F, r == 0xFEFF:
		return -1, true
	case r == 0x2028, r == 0x2029:
		return '\n', true
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII, as NFKC folds it
		return r - 0xFEE0, true
	}
	return r, false
}

// isHan reports whether r is a Chinese character.
func isHan(r rune) bool {
	switch {
	case r < 0x2E80:
		return false
	case r >= 0x4E00 && r <= 0x9FFF, r >= 0x3400 && r <= 0x4DBF:
		return true
	case r == 0x3005, r == 0x3007, r >= 0xF900 && r <= 0xFAFF, r >= 0x20000 && r <= 0x323AF:
		return true
	}
	return false
}

// isCJK reports whether r is a Chinese character or Chinese punctuation, between two of
// which a single space is an artefact of scraping.
func isCJK(r rune) bool {
	if r >= 0x3001 && r <= 0x301F || r >= 0x2018 && r <= 0x201D && r != 0x201A && r != 0x201B {
		return true
	}
	return isHan(r)
}

// normalize folds s into the form of Doc.Text (see Normalize; traditional characters are
// only counted here, the caller converts them). It returns s itself when nothing changes.
func normalize(s string) (string, normStats) {
	plainOnce.Do(buildPlain)
	out, st, ok := fold(s, false)
	if !ok {
		out, st, _ = fold(norm.NFKC.String(s), true)
	}
	return out, st
}

// fold applies the per-rune mappings, folds line ends, removes single spaces between CJK
// runes and trims trailing spaces, in one pass. Unless s is NFKC already, it stops with
// ok == false at the first rune that needs NFKC beyond what mapSpecial does; the caller
// applies NFKC and folds again.
func fold(s string, isNFKC bool) (_ string, st normStats, ok bool) {
	tr := &tables().trad
	out := make([]byte, 0, len(s))
	lineStart := 0
	newline := func() {
		j := len(out)
		for j > lineStart && (out[j-1] == ' ' || out[j-1] == '\t') {
			j--
		}
		out = append(out[:j], '\n')
		lineStart = len(out)
	}
	// dropSpace removes a single space between the CJK rune before it and the one to come.
	dropSpace := func() {
		if n := len(out); n-lineStart >= 2 && out[n-1] == ' ' {
			if p, _ := utf8.DecodeLastRune(out[:n-1]); isCJK(p) {
				out = out[:n-1]
			}
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c >= 0x20 && c < 0x7F, c == '\t':
				out = append(out, c)
			case c == '\r':
				if i < len(s) && s[i] == '\n' {
					i++
				}
				newline()
			case c == '\n', c == '\v', c == '\f':
				newline()
			}
			continue // other controls and DEL are dropped
		}
		var r rune
		n := 3
		start := i
		if c >= 0xE0 && c < 0xF0 && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			r = rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F)
			if r < 0x800 || r >= 0xD800 && r <= 0xDFFF {
				r, n = utf8.RuneError, 1
			}
		} else {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		i += n
		switch {
		case isHan(r):
			if !isNFKC && (r >= 0xF900 && r <= 0xFAFF || r >= 0x2F800 && r <= 0x2FA1F) {
				return "", st, false // compatibility ideographs
			}
			st.han++
			if tr.has(r) {
				st.trad++
			}
			if len(out) > 0 && out[len(out)-1] == ' ' {
				dropSpace()
			}
		case r <= 0xFFFF && plainSet.has(r):
			if len(out) > 0 && out[len(out)-1] == ' ' && isCJK(r) {
				dropSpace()
			}
		case r > 0xFFFF:
			if !isNFKC && (!norm.NFKC.IsNormalString(s[i-n:i]) || !norm.NFKC.PropertiesString(s[i-n:i]).BoundaryBefore()) {
				return "", st, false
			}
		default:
			m, special := mapSpecial(r)
			switch {
			case !special && isNFKC:
			case !special:
				return "", st, false
			case m == -1:
				continue
			case m == '\n':
				newline()
				continue
			}
			out = utf8.AppendRune(out, m)
			continue
		}
		if r == utf8.RuneError && n == 1 {
			out = utf8.AppendRune(out, r)
		} else {
			out = append(out, s[start:i]...)
		}
	}
	j := len(out)
	for j > lineStart && (out[j-1] == ' ' || out[j-1] == '\t') {
		j--
	}
	out = out[:j]
	if string(out) == s {
		return s, st, true
	}
	return unsafe.String(unsafe.SliceData(out), len(out)), st, true
}
