package decode

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

// textBuf is text the HTML reader has written, with what it counted on the way. The page
// text is one textBuf; a table's caption and the content a page puts between a table's rows
// (which browsers show before the table) are written into their own and joined when the
// table ends, and everything written since a snapshot can be taken back (page chrome).
type textBuf struct {
	b      []byte
	space  bool       // white space seen since the last character written
	grid   []gridLine // the grid rows in b, in order
	images int
	tables int    // data tables rebuilt as grids
	title  string // the first non-empty <title> met in b
}

// gridLine is a grid row written at offset off of a textBuf: its span layout (Doc.Spans).
type gridLine struct {
	off   int
	spans []uint16
}

// bufMark is the state of a textBuf at some point, to return to.
type bufMark struct {
	n, grid, images, tables int
	title                   string
	space                   bool
}

func (t *textBuf) mark() bufMark {
	return bufMark{n: len(t.b), grid: len(t.grid), images: t.images, tables: t.tables, title: t.title, space: t.space}
}

// restore takes back everything written since m.
func (t *textBuf) restore(m bufMark) {
	t.b = t.b[:m.n]
	clear(t.grid[m.grid:])
	t.grid = t.grid[:m.grid]
	t.images, t.tables, t.title, t.space = m.images, m.tables, m.title, m.space
}

// reset empties t and gives it ctx as the text before it (for the line logic of newline and
// blank); the caller drops the first len(ctx) bytes when it joins t to another buffer.
func (t *textBuf) reset(ctx []byte, space bool) {
	t.b = append(t.b[:0], ctx...)
	clear(t.grid)
	t.grid = t.grid[:0]
	t.images, t.tables, t.title, t.space = 0, 0, "", space
}

// join appends src, without its first skip bytes, to t.
func (t *textBuf) join(src *textBuf, skip int) {
	base := len(t.b) - skip
	t.b = append(t.b, src.b[skip:]...)
	for _, g := range src.grid {
		t.grid = append(t.grid, gridLine{off: g.off + base, spans: g.spans})
	}
	t.images += src.images
	t.tables += src.tables
	if t.title == "" {
		t.title = src.title
	}
	t.space = src.space
}

func (t *textBuf) newline() {
	if len(t.b) > 0 && t.b[len(t.b)-1] != '\n' {
		t.b = append(t.b, '\n')
	}
	t.space = false
}

// blank ends the line and leaves one empty line (none at the start of the text).
func (t *textBuf) blank() {
	t.newline()
	if n := len(t.b); n > 0 && (n < 2 || t.b[n-2] != '\n') {
		t.b = append(t.b, '\n')
	}
}

// text appends HTML text: whitespace runs collapse to one space (kept inside <pre>), and
// '|' becomes '¦' so that a line with '|' is always a table row.
func (t *textBuf) text(s []byte, pre bool) {
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case ' ', '\t', '\n', '\r', '\f':
			if pre {
				if c == '\n' {
					t.b = append(t.b, '\n')
					t.space = false
				} else if c != '\r' {
					t.b = append(t.b, ' ')
				}
			} else {
				t.space = true
			}
			i++
			continue
		}
		if c >= 0xC2 && !pre { // non-breaking and ideographic spaces collapse too
			if n := wideSpace(s[i:]); n > 0 {
				t.space = true
				i += n
				continue
			}
		}
		if t.space {
			if n := len(t.b); n > 0 && t.b[n-1] != '\n' && t.b[n-1] != ' ' {
				t.b = append(t.b, ' ')
			}
			t.space = false
		}
		if c == '|' {
			t.b = append(t.b, "¦"...)
			i++
			continue
		}
		if bytes.HasPrefix(s[i:], fullBar) {
			t.b = append(t.b, "¦"...)
			i += len(fullBar)
			continue
		}
		// copy the run of ordinary bytes at once (up to a space, a '|', or a character that
		// may be NBSP, U+3000 or '｜')
		j := i + 1
		for j < len(s) {
			if c := s[j]; c <= ' ' || c == '|' || c == 0xC2 || c == 0xE3 || c == 0xEF {
				break
			}
			j++
		}
		t.b = append(t.b, s[i:j]...)
		i = j
	}
}

var fullBar = []byte("｜")

// wideSpace returns the length of a leading NBSP or U+3000 in s, or 0.
func wideSpace(s []byte) int {
	switch {
	case len(s) >= 2 && s[0] == 0xC2 && s[1] == 0xA0:
		return 2
	case len(s) >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80:
		return 3
	}
	return 0
}

// cleanCell collapses whitespace (including NBSP and U+3000), normalises, and replaces '|'
// so that the text can sit in a grid slot.
func cleanCell(s string) string {
	s = collapseSpaces(s)
	if !plainASCII(s) {
		s, _ = normalize(s)
		s = collapseSpaces(s)
	}
	if strings.IndexByte(s, '|') >= 0 {
		s = strings.ReplaceAll(s, "|", "¦")
	}
	return s
}

// appendCell appends the clean text of a cell (cleanCell of s) to dst. Most cells are
// digits, Chinese characters and punctuation that normalisation leaves as they are: for
// those it only collapses the white space, without allocating.
func appendCell(dst, s []byte) []byte {
	start := len(dst)
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
				space = len(dst) > start
				continue
			case c < 0x20 || c == 0x7F:
				return slowCell(dst[:start], s)
			}
			if space {
				dst = append(dst, ' ')
				space = false
			}
			if c == '|' {
				dst = append(dst, "¦"...)
			} else {
				dst = append(dst, c)
			}
			continue
		}
		r, n := utf8.DecodeRune(s[i:])
		if unicode.IsSpace(r) {
			space = len(dst) > start
			i += n
			continue
		}
		if r > 0xFFFF || !plainSet.has(r) {
			return slowCell(dst[:start], s)
		}
		if space {
			dst = append(dst, ' ')
			space = false
		}
		dst = append(dst, s[i:i+n]...)
		i += n
	}
	return dst
}

func slowCell(dst, s []byte) []byte { return append(dst, cleanCell(string(s))...) }

// plainASCII says whether s is printable ASCII only, which normalize leaves as it is once
// its spaces are collapsed.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7F {
			return false
		}
	}
	return true
}

// collapseSpaces turns every run of white space into one space and trims both ends.
func collapseSpaces(s string) string {
	clean := true
	prevSpace := true
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			sp := c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
			if sp && (c != ' ' || prevSpace) {
				clean = false
				break
			}
			prevSpace = sp
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			clean = false
			break
		}
		prevSpace = false
		i += n
	}
	if clean && !prevSpace {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// lineStarts turns the offsets of grid rows in text into 0-based line numbers of the text
// after normalisation, which ends a line at every "\n", "\v", "\f", U+0085, U+2028 and
// U+2029 (see fold): Spans is indexed by those lines.
func lineNumbers(text []byte, grid []gridLine) [][]uint16 {
	if len(grid) == 0 {
		return nil
	}
	line, pos := 0, 0
	var spans [][]uint16
	// the other line ends are rare: count "\n" alone when there are none
	other := bytes.IndexByte(text, '\v') >= 0 || bytes.IndexByte(text, '\f') >= 0 ||
		bytes.Contains(text, []byte("\u0085")) || bytes.Contains(text, []byte("\u2028")) || bytes.Contains(text, []byte("\u2029"))
	for _, g := range grid {
		if !other {
			line += bytes.Count(text[pos:g.off], []byte{'\n'})
			pos = g.off
		}
		for pos < g.off {
			switch c := text[pos]; {
			case c == '\n', c == '\v', c == '\f':
				line++
			case c == 0xC2 && pos+1 < len(text) && text[pos+1] == 0x85:
				line++
				pos++
			case c == 0xE2 && pos+2 < len(text) && text[pos+1] == 0x80 && (text[pos+2] == 0xA8 || text[pos+2] == 0xA9):
				line++
				pos += 2
			}
			pos++
		}
		if spans == nil {
			spans = make([][]uint16, 0, line+len(grid))
		}
		for len(spans) < line {
			spans = append(spans, nil)
		}
		spans = append(spans, g.spans)
	}
	return spans
}
