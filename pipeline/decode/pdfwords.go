package decode

import (
	"bytes"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Word positions. `pdftotext -layout` places words in character columns, but the columns of
// a table's header words and of its numbers do not line up (it spaces each line on its own),
// and an empty cell prints nothing. `pdftotext -tsv` gives every word's box in PDF points;
// decodePDF runs it alongside -layout and matches its words to the words of the layout lines,
// so that package parse can tell which column a number stands in (Doc.Words).

// Word is one space-separated word of a line of Doc.Text with its horizontal extent on the
// PDF page, in points from the left edge. X0 and X1 are both -1 when the word was not found
// among pdftotext's word boxes.
type Word struct {
	Text   string // normalised like Doc.Text
	X0, X1 float64
}

// Placed reports whether the word's position is known.
func (w Word) Placed() bool { return w.X1 >= 0 }

// tsvWord is a word box of `pdftotext -tsv` output.
type tsvWord struct {
	text   string
	x0, x1 float64
	yb     float64 // baseline (bottom of the box)
	h      float64
	used   bool
}

// parseTSV reads `pdftotext -tsv` output into the word boxes of each page (index 0 = page 1).
func parseTSV(out []byte) [][]tsvWord {
	var pages [][]tsvWord
	for len(out) > 0 {
		var line []byte
		if i := bytes.IndexByte(out, '\n'); i >= 0 {
			line, out = out[:i], out[i+1:]
		} else {
			line, out = out, nil
		}
		if len(line) < 2 || line[0] != '5' || line[1] != '\t' {
			continue // level 5: words; the rest are pages, flows, blocks, lines, the header
		}
		f := strings.Split(strings.TrimSuffix(string(line), "\r"), "\t")
		if len(f) < 12 {
			continue
		}
		pg, err1 := strconv.Atoi(f[1])
		x, err2 := strconv.ParseFloat(f[6], 64)
		y, err3 := strconv.ParseFloat(f[7], 64)
		w, err4 := strconv.ParseFloat(f[8], 64)
		h, err5 := strconv.ParseFloat(f[9], 64)
		text := strings.Join(f[11:], "\t")
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil || err5 != nil || pg < 1 || pg > 100000 || text == "" {
			continue
		}
		for len(pages) < pg {
			pages = append(pages, nil)
		}
		if !utf8.ValidString(text) {
			text = strings.ToValidUTF8(text, "\uFFFD")
		}
		pages[pg-1] = append(pages[pg-1], tsvWord{text: sanitizeLine(text), x0: x, x1: x + w, yb: y + h, h: h})
	}
	return pages
}

// placeWords finds the box of every word of the layout lines of one page (raw pdftotext
// lines, top to bottom). Lines are matched in order: for each, the band (the vertical centre
// of a box, below the previous line's, give or take a line height) where most of its words
// stand among the boxes not yet taken, then its words left to right to boxes of the same text
// in that band, left to right. A word of the layout text may be several boxes of -tsv: a font
// change inside it starts a new box ("本年增" "/" "减" when the slash comes from a Latin
// font), and such boxes touch; they are matched together. A word without a box keeps X0 = X1
// = -1.
//
// The vertical test is on the centre of the boxes, not their bottom: pdftotext's box of a word
// spans the font's ascent and descent, which differ from font to font (a CJK font printed by
// Chromium as a Type 3 font has boxes twice as tall as its TrueType form), so the bottoms of
// two words on one baseline can be far apart while their centres are not.
func placeWords(lines []string, boxes []tsvWord) [][]Word {
	out := make([][]Word, len(lines))
	byText := map[string][]int{}
	order := make([]int, len(boxes))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		wa, wb := &boxes[order[a]], &boxes[order[b]]
		if wa.yb != wb.yb {
			return wa.yb < wb.yb
		}
		return wa.x0 < wb.x0
	})
	for _, i := range order {
		byText[boxes[i].text] = append(byText[boxes[i].text], i)
	}
	m := &matcher{boxes: boxes, byText: byText}
	prevY := -1e9
	var bands []float64
	for li, l := range lines {
		fs := strings.Fields(l)
		if len(fs) == 0 {
			continue
		}
		ws := make([]Word, len(fs))
		for j, f := range fs {
			ws[j] = Word{Text: f, X0: -1, X1: -1}
		}
		out[li] = ws
		// candidate bands: the centres of the boxes (not taken, not above the previous line)
		// that start a word of the line
		bands = bands[:0]
		for _, f := range fs {
			for _, bi := range m.starts(f) {
				b := &boxes[bi]
				if b.used || b.cy() < prevY-b.h/2 {
					continue
				}
				bands = append(bands, b.cy())
			}
		}
		if len(bands) == 0 {
			continue
		}
		sort.Float64s(bands)
		best, bestN := 0.0, 0
		tried := 0
		for k, y := range bands {
			if k > 0 && y-bands[k-1] < 0.5 {
				continue
			}
			if tried++; tried > 8 {
				break
			}
			if n := m.assignBand(fs, y, nil); n > bestN {
				best, bestN = y, n
			}
		}
		if bestN == 0 {
			continue
		}
		m.assignBand(fs, best, ws)
		prevY = best
	}
	return out
}

// cy is the vertical centre of the box.
func (w *tsvWord) cy() float64 { return w.yb - w.h/2 }

// inBand: the box's centre is within 40 % of its height of y.
func (w *tsvWord) inBand(y float64) bool { return absf(w.cy()-y) <= 0.4*w.h }

// matcher finds the boxes of layout words among a page's boxes.
type matcher struct {
	boxes  []tsvWord
	byText map[string][]int
	taken  []int
}

// maxParts bounds the number of boxes one layout word is made of.
const maxParts = 8

// starts lists the boxes whose text is the word or a beginning of it.
func (m *matcher) starts(f string) []int {
	var out []int
	for i := range f {
		if i > 0 {
			out = append(out, m.byText[f[:i]]...)
		}
	}
	return append(out, m.byText[f]...)
}

// find returns the boxes (not taken, in band y, left of none taken after last) that spell f:
// one box of that text, or up to maxParts touching boxes, leftmost first; nil when none.
func (m *matcher) find(f string, y, last float64) []int {
	var best []int
	bestX := 1e18
	for _, bi := range m.byText[f] {
		b := &m.boxes[bi]
		if !b.used && b.x0 > last && b.inBand(y) && b.x0 < bestX {
			best, bestX = []int{bi}, b.x0
		}
	}
	if utf8.RuneCountInString(f) < 2 {
		return best
	}
	for i := range f {
		if i == 0 {
			continue
		}
		for _, bi := range m.byText[f[:i]] {
			b := &m.boxes[bi]
			if b.used || b.x0 <= last || !b.inBand(y) || b.x0 >= bestX {
				continue
			}
			if rest := m.follow(f[i:], y, b.x1, b.h, maxParts-1); rest != nil {
				best, bestX = append([]int{bi}, rest...), b.x0
			}
		}
	}
	return best
}

// follow returns the boxes that spell f starting where the previous box ended (at x, within
// a quarter of its height h), or nil.
func (m *matcher) follow(f string, y, x, h float64, parts int) []int {
	if parts <= 0 {
		return nil
	}
	near := func(b *tsvWord) bool {
		return !b.used && b.inBand(y) && b.x0 >= x-1 && b.x0 <= x+h/4
	}
	for _, bi := range m.byText[f] {
		if near(&m.boxes[bi]) {
			return []int{bi}
		}
	}
	for i := range f {
		if i == 0 {
			continue
		}
		for _, bi := range m.byText[f[:i]] {
			b := &m.boxes[bi]
			if !near(b) {
				continue
			}
			if rest := m.follow(f[i:], y, b.x1, b.h, parts-1); rest != nil {
				return append([]int{bi}, rest...)
			}
		}
	}
	return nil
}

// assignBand matches the words fs, left to right, to boxes not yet taken in band y (find);
// it returns how many matched. With ws non-nil it records the positions and takes the boxes.
func (m *matcher) assignBand(fs []string, y float64, ws []Word) int {
	n := 0
	last := -1e9
	m.taken = m.taken[:0]
	for j, f := range fs {
		pick := m.find(f, y, last)
		if pick == nil {
			continue
		}
		n++
		first, end := &m.boxes[pick[0]], &m.boxes[pick[len(pick)-1]]
		last = first.x0
		if ws != nil {
			ws[j].X0, ws[j].X1 = first.x0, end.x1
		}
		for _, bi := range pick {
			m.boxes[bi].used = true
			if ws == nil {
				m.taken = append(m.taken, bi) // provisionally, so that repeated words take distinct boxes
			}
		}
	}
	for _, bi := range m.taken {
		m.boxes[bi].used = false
	}
	return n
}

func absf(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// finishWords normalises the words like the text and keeps a line's words only where they
// still spell the line (joined or emptied lines lose theirs).
func finishWords(words [][]Word, text string, traditional bool) [][]Word {
	var b strings.Builder
	n := 0
	for _, ws := range words {
		for _, w := range ws {
			if n > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(w.Text)
			n++
		}
	}
	if n == 0 {
		return nil
	}
	norm, _ := normalize(b.String())
	if traditional {
		norm = ToSimplified(norm)
	}
	parts := strings.Split(norm, "\n")
	if len(parts) != n {
		return nil
	}
	k := 0
	lines := strings.Split(text, "\n")
	if len(lines) != len(words) {
		return nil
	}
	any := false
	for i, ws := range words {
		var joined strings.Builder
		for j := range ws {
			ws[j].Text = parts[k]
			joined.WriteString(parts[k])
			k++
		}
		if ws != nil && joined.String() != strings.Join(strings.Fields(lines[i]), "") {
			words[i] = nil
			continue
		}
		for _, w := range ws {
			if w.Placed() {
				any = true
			}
		}
	}
	if !any {
		return nil
	}
	return words
}
