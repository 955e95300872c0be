package decode

import (
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Lines from word boxes. `pdftotext -layout` decides which words share a line, and how many
// blank lines separate two lines, from the fonts' ascent and descent. Those differ from font to
// font, and wildly so for a CJK font that Chromium embeds as a Type 3 font (Noto CJK): its
// boxes are about 2.6 em tall where a TrueType font's are 1.1 to 1.2 em. With such boxes
// -layout prints the number and the unit of one table cell ("17" in DejaVu, "件" in Noto) on
// different lines, a row's numbers on three staggered lines, a label's "3." after its "其他",
// and a row of numbers that LibreOffice set on one baseline as two lines. What a reader sees
// does not depend on the font: words stand on one line when their vertical centres do.
//
// So when the word boxes of a page are known (`pdftotext -tsv`), its lines are built from them:
//   - the size of a box's font (its em) is taken from the width of its Chinese characters,
//     which are one em wide in every CJK font (never from the box height); a box without
//     Chinese characters takes its height as an upper bound;
//   - a vertical run of boxes (text set top to bottom in a narrow cell, Identity-V fonts:
//     "三" "、本" "年" "度办" …) is one word, read top to bottom, at the run's middle;
//   - boxes of different fonts on one baseline have different centres (a Type 3 box's centre
//     stands 0.25 em above a TrueType digit's): the difference is measured where a word
//     changes font and its boxes touch, and every box of that font is moved by it;
//   - boxes whose vertical centres are within 0.4 em and that do not overlap form a line,
//     read left to right;
//   - words are placed at the character column of their left edge (a column is half the em
//     of the document's body text), two words that touch are joined, two a space apart stay
//     one space apart, and two further apart (different table cells) are at least two spaces
//     apart: the runs of spaces package parse cuts cells at;
//   - a blank line separates two lines whose centres are more than 3 em apart: more than a
//     table row or a line of text with generous spacing (LibreOffice sets CSS line-height 1.7
//     as 170 % of the font's own line height, 2.4 em for Noto CJK), so the lines of a cell
//     and the rows of a table are never apart, whatever the font and printer (-layout leaves
//     blank lines between table rows in one font and not in another).
//
// Every word keeps its box (Doc.Words), so the parser reads columns from positions; the text
// only has to keep cells apart. A page without word boxes (or with more than maxBoxes, or a
// document without Chinese text) keeps pdftotext's -layout text, without positions.

// lbox is a word box being laid out.
type lbox struct {
	text           string
	x0, x1, y0, y1 float64
	em             float64 // font size estimate; 0 when unknown
}

func (b *lbox) cy() float64 { return (b.y0 + b.y1) / 2 }

// wide reports whether r is set one em wide in a CJK font (Chinese characters, CJK and
// full-width punctuation).
func wide(r rune) bool {
	return r >= 0x1100 && (isHan(r) || r >= 0x3000 && r <= 0x303F || r >= 0xFF00 && r <= 0xFF60 || r >= 0x2E80 && r <= 0xA4CF)
}

// finite: no coordinate is NaN or infinite, or further than 10⁶ points (350 m) from the origin.
func finite(v ...float64) bool {
	for _, x := range v {
		if !(math.Abs(x) <= 1e6) {
			return false
		}
	}
	return true
}

// boxEm estimates the font size of a box from its Chinese characters (one em wide each; other
// characters count half); 0 when it has none.
func boxEm(text string, width float64) float64 {
	w, n := 0, 0
	for _, r := range text {
		if wide(r) {
			w++
		} else {
			n++
		}
	}
	if w == 0 || width <= 0 {
		return 0
	}
	return width / (float64(w) + 0.5*float64(n))
}

// layoutGrid is what the pages of a document share: the left edge of the text and the width
// of a character column.
type layoutGrid struct {
	left  float64
	col   float64 // points per character column (half the body text's em)
	bodyE float64 // the body text's em
	// shift moves the boxes of each height (a font at a size, key heightKey) so that boxes
	// on one baseline have one centre (fontShifts)
	shift map[int]float64
}

// Bounds on the work of laying out a page (its text comes from the file): a page with more
// than maxBoxes word boxes keeps -layout's text (a report's densest page, every character a
// box of its own, has about 2000); at most maxRuns runs of vertical text are joined per page,
// and a box is compared with at most maxNear boxes starting where it ends.
const (
	maxColumn = 400 // the character column of a word's left edge, at most
	maxBoxes  = 6000
	maxRuns   = 200
	maxNear   = 16
)

// newGrid measures the body text's em (the median em of the Chinese characters of all pages)
// and the left edge of the text (the leftmost box that starts with Chinese text, else the
// leftmost box). ok is false when no page has a box with Chinese text.
func newGrid(pages [][]tsvWord) (layoutGrid, bool) {
	type sample struct{ em, n float64 }
	var ss []sample
	total := 0.0
	left, anyLeft := math.Inf(1), math.Inf(1)
	for _, pg := range pages {
		for i := range pg {
			b := &pg[i]
			if !finite(b.x0, b.x1, b.yb, b.h) || b.x1 < b.x0 || b.h < 0 {
				continue
			}
			anyLeft = min(anyLeft, b.x0)
			em := boxEm(b.text, b.x1-b.x0)
			if em <= 0 {
				continue
			}
			n := 0.0
			for _, r := range b.text {
				if wide(r) {
					n++
				}
			}
			ss = append(ss, sample{em, n})
			total += n
			left = min(left, b.x0)
		}
	}
	if len(ss) == 0 || math.IsInf(anyLeft, 1) {
		return layoutGrid{}, false
	}
	sort.Slice(ss, func(i, j int) bool { return ss[i].em < ss[j].em })
	acc, em := 0.0, ss[len(ss)-1].em
	for _, s := range ss {
		if acc += s.n; acc >= total/2 {
			em = s.em
			break
		}
	}
	if em <= 0 || math.IsNaN(em) || math.IsInf(em, 0) {
		return layoutGrid{}, false
	}
	if math.IsInf(left, 1) {
		left = anyLeft
	}
	return layoutGrid{left: left, col: em / 2, bodyE: em, shift: fontShifts(pages, em)}, true
}

// heightKey identifies the boxes of one font at one size: pdftotext gives every box of a font
// the same height (the font's ascent and descent), whatever its characters.
func heightKey(h float64) int { return int(math.Round(h * 10)) }

// fontShifts measures how far apart the centres of boxes of different fonts on one baseline
// stand: a Type 3 Noto box is about 2.6 em tall and its centre 0.25 em above that of a DejaVu
// digit beside it, enough to put a label's "5." and "属于三类内部事务信息" on different lines.
// Where a word changes font ("5." + "属于…", "(" + "五" + ")"), its boxes touch end to start
// and stand on one baseline: each such pair gives the difference of the centres of its two
// heights. In each group of heights linked by such pairs (directly or through others), the
// most frequent height is the reference and every other gets the median difference as its
// shift. A pair counts
// when its centres are less than half a box height (and half an em) apart, and a link needs
// two pairs: tall boxes of consecutive lines overlap, and a word of one line may end where
// one of the next begins. Heights never seen beside another keep their centres.
func fontShifts(pages [][]tsvWord, em float64) map[int]float64 {
	type pair struct{ a, b int }
	diffs := map[pair][]float64{}
	count := map[int]int{}
	tol := 0.15 * em
	for _, pg := range pages {
		if len(pg) > maxBoxes {
			continue
		}
		idx := make([]int, len(pg))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(i, j int) bool { return pg[idx[i]].x0 < pg[idx[j]].x0 })
		for _, i := range idx {
			a := &pg[i]
			if !finite(a.x0, a.x1, a.yb, a.h) {
				continue
			}
			count[heightKey(a.h)]++
			// the boxes starting where a ends
			lo := sort.Search(len(idx), func(k int) bool { return pg[idx[k]].x0 >= a.x1-tol })
			for k := lo; k < len(idx) && k < lo+maxNear && pg[idx[k]].x0 <= a.x1+tol; k++ {
				b := &pg[idx[k]]
				ka, kb := heightKey(a.h), heightKey(b.h)
				if b == a || !finite(b.x0, b.x1, b.yb, b.h) || ka == kb || b.yb-b.h >= a.yb || a.yb-a.h >= b.yb {
					continue // the same font, or not side by side
				}
				d := b.cy() - a.cy()
				if math.Abs(d) > 0.5*min(a.h, b.h, em) {
					continue // the lines above or below: tall boxes overlap them
				}
				diffs[pair{ka, kb}] = append(diffs[pair{ka, kb}], d)
				diffs[pair{kb, ka}] = append(diffs[pair{kb, ka}], -d)
			}
		}
	}
	if len(diffs) == 0 {
		return nil
	}
	med := map[pair]float64{}
	links := map[int][]int{}
	for p, ds := range diffs {
		if len(ds) < 2 {
			continue // one pair may be a coincidence
		}
		sort.Float64s(ds)
		med[p] = ds[len(ds)/2]
		links[p.a] = append(links[p.a], p.b)
	}
	// each group of linked heights is moved onto its most frequent height
	keys := make([]int, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if count[keys[i]] != count[keys[j]] {
			return count[keys[i]] > count[keys[j]]
		}
		return keys[i] < keys[j]
	})
	shift := map[int]float64{}
	for _, ref := range keys {
		if _, done := shift[ref]; done || len(links[ref]) == 0 {
			continue
		}
		shift[ref] = 0
		queue := []int{ref}
		for len(queue) > 0 {
			a := queue[0]
			queue = queue[1:]
			ns := links[a]
			sort.Ints(ns)
			for _, b := range ns {
				if _, done := shift[b]; !done {
					shift[b] = shift[a] + med[pair{a, b}]
					queue = append(queue, b)
				}
			}
		}
	}
	return shift
}

// boxPage lays out the boxes of one page as lines of text and their words (see above).
func (g layoutGrid) boxPage(tw []tsvWord) ([]string, [][]Word) {
	bs := make([]lbox, 0, len(tw))
	for _, w := range tw {
		t := strings.TrimSpace(w.text)
		if t == "" || !finite(w.x0, w.x1, w.yb, w.h) || w.x1 < w.x0 || w.h < 0 {
			continue
		}
		if strings.IndexFunc(t, unicode.IsSpace) >= 0 {
			t = strings.Join(strings.Fields(t), "") // a box is one word
		}
		sh := g.shift[heightKey(w.h)]
		b := lbox{text: t, x0: w.x0, x1: w.x1, y0: w.yb - w.h - sh, y1: w.yb - sh}
		b.em = boxEm(t, b.x1-b.x0)
		if b.em == 0 {
			// no Chinese character: the height bounds the size (a TrueType font's box is
			// about 1.15 em tall, a Type 3 font's up to twice that)
			b.em = min((b.y1-b.y0)/1.15, 1.5*g.bodyE)
		}
		if !(b.em > 0) {
			b.em = g.bodyE
		}
		bs = append(bs, b)
	}
	bs = verticalRuns(bs)
	lines := groupLines(bs)
	var text []string
	var words [][]Word
	for i, l := range lines {
		if i > 0 {
			prev := &lines[i-1]
			d := l.cy - prev.cy
			e := max(l.em, prev.em)
			if d > 3*e {
				n := min(3, max(1, int(math.Round(d/(1.7*e)))-1))
				for range n {
					text = append(text, "")
					words = append(words, nil)
				}
			}
		}
		s, ws := g.render(l)
		text = append(text, s)
		words = append(words, ws)
	}
	return text, words
}

// vline is a line of boxes.
type vline struct {
	boxes []lbox
	cy    float64 // mean vertical centre
	em    float64 // median em
}

// groupLines sorts boxes into lines. Boxes that touch end to start at nearly the same height
// are one word whose font changes ("5." + "属于三类内部事务信息") and stay together: a unit.
// Top to bottom, a unit joins the line whose centre is nearest to its own, within 0.4 em (the
// smaller of the two), when it overlaps none of the line's boxes by more than 0.6 em (a
// full-width comma after "》" is set half an em into it); else it starts a line. Then each
// unit moves to the line whose centre is now nearest, if that is nearer than its own (a unit
// met a line before the nearer one was started), until none moves (three rounds at most).
// Lines come out top to bottom, their boxes left to right.
func groupLines(bs []lbox) []vline {
	units := touchingUnits(bs)
	sort.SliceStable(units, func(i, j int) bool {
		if units[i].cy != units[j].cy {
			return units[i].cy < units[j].cy
		}
		return units[i].x0 < units[j].x0
	})
	type line struct {
		units []int
		cy    float64
	}
	var lines []line
	at := make([]int, len(units)) // the line of each unit
	clash := func(l *line, u *unit) bool {
		for _, k := range l.units {
			o := &units[k]
			if o == u {
				continue
			}
			for _, a := range o.boxes {
				for _, b := range u.boxes {
					if min(a.x1, b.x1)-max(a.x0, b.x0) > 0.6*min(a.em, b.em) {
						return true
					}
				}
			}
		}
		return false
	}
	near := func(l *line, u *unit) (float64, bool) {
		d := math.Abs(l.cy - u.cy)
		return d, d <= 0.4*min(units[l.units[0]].em, u.em)
	}
	first := 0
	for ui := range units {
		u := &units[ui]
		for first < len(lines) && lines[first].cy < u.cy-6*u.em {
			first++
		}
		best, bestD := -1, math.Inf(1)
		for k := first; k < len(lines); k++ {
			if d, ok := near(&lines[k], u); ok && d < bestD && !clash(&lines[k], u) {
				best, bestD = k, d
			}
		}
		if best < 0 {
			lines = append(lines, line{units: []int{ui}, cy: u.cy})
			at[ui] = len(lines) - 1
			continue
		}
		l := &lines[best]
		l.units = append(l.units, ui)
		l.cy += (u.cy - l.cy) / float64(len(l.units))
		at[ui] = best
	}
	for round := 0; round < 3; round++ {
		moved := false
		for ui := range units {
			u := &units[ui]
			own := &lines[at[ui]]
			ownD := math.Abs(own.cy - u.cy)
			best, bestD := -1, ownD-0.05*u.em
			for k := max(0, at[ui]-3); k < min(len(lines), at[ui]+4); k++ {
				if k == at[ui] || len(lines[k].units) == 0 {
					continue
				}
				if d, ok := near(&lines[k], u); ok && d < bestD && !clash(&lines[k], u) {
					best, bestD = k, d
				}
			}
			if best < 0 {
				continue
			}
			for i, k := range own.units {
				if k == ui {
					own.units = append(own.units[:i], own.units[i+1:]...)
					break
				}
			}
			lines[best].units = append(lines[best].units, ui)
			at[ui] = best
			moved = true
		}
		if !moved {
			break
		}
		for k := range lines {
			if n := len(lines[k].units); n > 0 {
				sum := 0.0
				for _, ui := range lines[k].units {
					sum += units[ui].cy
				}
				lines[k].cy = sum / float64(n)
			}
		}
	}
	var out []vline
	for _, l := range lines {
		if len(l.units) == 0 {
			continue
		}
		var v vline
		for _, ui := range l.units {
			v.boxes = append(v.boxes, units[ui].boxes...)
		}
		sort.SliceStable(v.boxes, func(i, j int) bool { return v.boxes[i].x0 < v.boxes[j].x0 })
		ems := make([]float64, 0, len(v.boxes))
		sum := 0.0
		for _, b := range v.boxes {
			ems = append(ems, b.em)
			sum += b.cy()
		}
		sort.Float64s(ems)
		v.em = ems[len(ems)/2]
		v.cy = sum / float64(len(v.boxes))
		out = append(out, v)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].cy < out[j].cy })
	return out
}

// unit is a run of boxes that touch end to start (one word changing font), or one box.
type unit struct {
	boxes []lbox
	cy    float64 // mean centre of its boxes
	em    float64 // the largest em of a box with Chinese characters, else of any box
	x0    float64
}

// touchingUnits joins boxes that touch end to start (within 0.15 em) with centres less than
// half the smaller box height apart into units.
func touchingUnits(bs []lbox) []unit {
	n := len(bs)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(i, j int) bool { return bs[idx[i]].x0 < bs[idx[j]].x0 })
	for _, i := range idx {
		a := &bs[i]
		tol := 0.15 * a.em
		lo := sort.Search(n, func(k int) bool { return bs[idx[k]].x0 >= a.x1-tol })
		for k := lo; k < n && k < lo+maxNear && bs[idx[k]].x0 <= a.x1+tol; k++ {
			j := idx[k]
			b := &bs[j]
			if j == i || math.Abs(a.cy()-b.cy()) >= 0.5*min(a.y1-a.y0, b.y1-b.y0, a.em, b.em) {
				continue
			}
			if ri, rj := find(i), find(j); ri != rj {
				parent[ri] = rj
			}
		}
	}
	groups := map[int]int{}
	var out []unit
	for i := range bs {
		r := find(i)
		g, ok := groups[r]
		if !ok {
			g = len(out)
			groups[r] = g
			out = append(out, unit{x0: math.Inf(1)})
		}
		out[g].boxes = append(out[g].boxes, bs[i])
	}
	for k := range out {
		u := &out[k]
		sum, cjk := 0.0, 0.0
		for _, b := range u.boxes {
			sum += b.cy()
			u.x0 = min(u.x0, b.x0)
			u.em = max(u.em, b.em)
			if boxEm(b.text, b.x1-b.x0) > 0 {
				cjk = max(cjk, b.em)
			}
		}
		if cjk > 0 {
			u.em = cjk
		}
		u.cy = sum / float64(len(u.boxes))
	}
	return out
}

// verticalRuns joins the boxes of text set top to bottom into one box each: a box of two or
// more Chinese characters at least 1.6 times as tall as it is wide starts a run (set side by
// side, two of them are two em wide, and even a Type 3 font's box is not 3.2 em tall), which takes every
// box of the same horizontal extent (within a fifth of an em) that touches it above or below
// (within a third of an em), and so on.
func verticalRuns(bs []lbox) []lbox {
	seed := func(b *lbox) bool {
		n := 0
		for _, r := range b.text {
			if !wide(r) {
				return false
			}
			n++
		}
		w, h := b.x1-b.x0, b.y1-b.y0
		return n >= 2 && h >= 1.6*w && w > 0
	}
	any := false
	for i := range bs {
		if seed(&bs[i]) {
			any = true
			break
		}
	}
	if !any {
		return bs
	}
	// the boxes in order of their left edge, to find those of a seed's extent
	byX := make([]int, len(bs))
	for i := range byX {
		byX[i] = i
	}
	sort.Slice(byX, func(a, b int) bool { return bs[byX[a]].x0 < bs[byX[b]].x0 })
	used := make([]bool, len(bs))
	var out []lbox
	seeds := 0
	for i := range bs {
		if used[i] || !seed(&bs[i]) {
			continue
		}
		if seeds++; seeds > maxRuns {
			break
		}
		e := bs[i].x1 - bs[i].x0 // one character wide: the em
		// the boxes of the same extent, top to bottom; the run grows from the seed up and
		// down while they touch
		lo := sort.Search(len(byX), func(k int) bool { return bs[byX[k]].x0 >= bs[i].x0-0.2*e })
		var col []int
		for k := lo; k < len(byX) && bs[byX[k]].x0 <= bs[i].x0+0.2*e; k++ {
			if j := byX[k]; !used[j] && math.Abs(bs[j].x1-bs[i].x1) <= 0.2*e {
				col = append(col, j)
			}
		}
		sort.Slice(col, func(a, b int) bool { return bs[col[a]].y0 < bs[col[b]].y0 })
		at := 0
		for k, j := range col {
			if j == i {
				at = k
			}
		}
		from, to := at, at
		for from > 0 && bs[col[from-1]].y1+e/3 > bs[col[from]].y0 {
			from--
		}
		for to+1 < len(col) && bs[col[to]].y1+e/3 > bs[col[to+1]].y0 {
			to++
		}
		run := col[from : to+1]
		v := lbox{x0: bs[i].x0, x1: bs[i].x1, y0: math.Inf(1), y1: math.Inf(-1), em: e}
		var sb strings.Builder
		for _, k := range run {
			used[k] = true
			sb.WriteString(bs[k].text)
			v.x0, v.x1 = min(v.x0, bs[k].x0), max(v.x1, bs[k].x1)
			v.y0, v.y1 = min(v.y0, bs[k].y0), max(v.y1, bs[k].y1)
		}
		v.text = sb.String()
		// the run stands as one line of text at its middle
		mid := (v.y0 + v.y1) / 2
		v.y0, v.y1 = mid-e/2, mid+e/2
		out = append(out, v)
	}
	for i := range bs {
		if !used[i] {
			out = append(out, bs[i])
		}
	}
	return out
}

// render writes a line: each word at the character column of its left edge, touching words
// joined (into one Word), words a space apart one space apart, words further apart at least
// two spaces apart.
func (g layoutGrid) render(l vline) (string, []Word) {
	var sb strings.Builder
	ws := make([]Word, 0, len(l.boxes))
	cur := 0 // display columns written
	for i, b := range l.boxes {
		target := int(math.Round(min(maxColumn, max(0, (b.x0-g.left)/g.col))))
		spaces := 0
		if i == 0 {
			spaces = max(0, target)
		} else {
			prev := &l.boxes[i-1]
			gap := b.x0 - prev.x1
			e := min(b.em, prev.em)
			switch {
			case gap < 0.15*e && !cellBoundary(prev.text, b.text):
			case gap < 0.55*e && !cellBoundary(prev.text, b.text):
				spaces = 1
			default:
				spaces = max(2, target-cur)
			}
		}
		sb.WriteString(strings.Repeat(" ", spaces))
		sb.WriteString(b.text)
		cur += spaces + displayWidth(b.text)
		if i > 0 && spaces == 0 {
			// one word of the line: the boxes of a font change inside it
			w := &ws[len(ws)-1]
			w.Text += b.text
			w.X1 = max(w.X1, b.x1)
			continue
		}
		ws = append(ws, Word{Text: b.text, X0: b.x0, X1: b.x1})
	}
	return sb.String(), ws
}

// cellBoundary reports whether two boxes that stand close are two table cells all the same:
// a number (with its unit, or a dash for none) followed by a box that starts a number
// ("0件" "2件" in two narrow columns whose padding LibreOffice leaves out). A number never
// continues right after its unit, and pdftotext gives one box to the digits of one number.
func cellBoundary(prev, next string) bool {
	a, _ := utf8.DecodeLastRuneInString(prev)
	b, _ := utf8.DecodeRuneInString(next)
	endsValue := isDigit(a) || strings.ContainsRune("件条个项次元人万—–-/", a)
	startsValue := isDigit(b) || strings.ContainsRune("+-—–－", b)
	return endsValue && startsValue
}
