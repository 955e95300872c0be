package decode

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Word positions. `pdftotext -tsv` gives every word's box in PDF points, and the lines of a
// PDF page are built from those boxes (pdflines.go): every word of a line keeps its
// horizontal extent, the same for a table's header words and its numbers on every page, so
// that package parse can tell which column a number stands in (Doc.Words), where the
// character columns of a text line cannot (an empty cell prints nothing, and Chinese and
// Latin characters differ in width).

// Word is one space-separated word of a line of Doc.Text with its horizontal extent on the
// PDF page, in points from the left edge (a word may be several boxes of -tsv that touch: a
// font change inside it). X0 and X1 are both -1 when the position is not known.
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
	yb     float64 // bottom of the box, from the top of the page
	h      float64 // height of the box (the font's ascent and descent)
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

// cy is the vertical centre of the box.
func (w *tsvWord) cy() float64 { return w.yb - w.h/2 }

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
