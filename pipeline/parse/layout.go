package parse

import (
	"sort"
	"strings"
	"unicode/utf8"

	"xxgk/pipeline/decode"
	"xxgk/schemas"
)

// The layout shape: tables as `pdftotext -layout` prints them. Each table row is a line of
// column-aligned cells separated by runs of spaces, but
//   - a row label may wrap over several lines, its numbers on the first, the last or a line
//     of their own ("（二）部分公开（区分处理的，只计这一情形，不" / "计其他情形）" / "4 0 0 0 0 0 4");
//   - a label of a merged cell (三、本年度办理结果, （三）不予公开) sits on a line of its own,
//     vertically centred among the rows it spans, or on the line of one of them;
//   - header words are stacked over several lines;
//   - page breaks and page numbers ("-3-") fall inside tables;
//   - table 4's 15 numbers stand on one line under a collapsed header;
//   - an empty cell prints nothing.
//
// layoutTokens turns such a region into grid tokens: a logical row is every text-only line
// up to and including the next line that holds numbers (so wrapped labels, centred group
// labels and stacked headers travel with the numbers below them), and the label-driven walk
// of tables 2–4 reads it as it reads any grid row. Rows of table 3 that print fewer than
// seven numbers get their empty cells back from the column positions of the complete rows
// near them.

// ShapeLayout is the shape of column-aligned text from a PDF (see above).
const ShapeLayout = ShapeMarkdown + 1

// lchunk is a piece of a layout line between runs of two or more spaces, or a single value
// split off a chunk.
type lchunk struct {
	text       string
	col0, col1 int // rune columns [col0, col1) in the line
	val        bool
	empty      bool
	// the chunk's extent on the PDF page in points, when known (layoutpos.go)
	x0, x1 float64
	placed bool
	words  []decode.Word // a text chunk's placed words (layoutpos.go)
}

func (c lchunk) centre() float64 { return float64(c.col0+c.col1-1) / 2 }

// lline is one non-blank line of a layout region.
type lline struct {
	idx    int // 0-based line index
	chunks []lchunk
	nval   int
	boxes  []xr // the placed words that are not values, in points (layoutpos.go)
}

// isLayout reports whether the table regions of the document are layout text: a PDF, or
// text without cell separators whose lines carry several numbers apart by runs of spaces.
func (p *parser) isLayout(sp span) bool {
	if p.doc != nil && p.doc.Kind == decode.KindPDF {
		return true
	}
	rows := 0
	for i := sp.from; i < sp.to; i++ {
		l := p.line(i)
		if strings.IndexByte(l, '|') >= 0 {
			return false
		}
		if !strings.Contains(l, "  ") {
			continue
		}
		n := 0
		for _, c := range splitLayout(l) {
			if c.val {
				n++
			}
		}
		if n >= 3 {
			rows++
		}
	}
	return rows >= 3
}

// isValueWord: a word that reads as a cell value (number, dash, number with unit).
func isValueWord(s string) bool {
	if s == "" || len(s) > 24 {
		return false
	}
	_, _, _, err := value(s, true, true)
	return err == nil
}

// splitLayout cuts a line into chunks at runs of two or more spaces (or tabs); a chunk made
// of values separated by single spaces becomes one chunk per value, and values trailing a
// label after a single space are split off it ("行政许可 550").
func splitLayout(line string) []lchunk {
	var out []lchunk
	col := 0
	start, startCol := -1, 0
	spaces := 0
	flush := func(end, endCol int) {
		if start < 0 {
			return
		}
		out = appendChunk(out, line[start:end], startCol, endCol)
		start = -1
	}
	for i, r := range line {
		if r == ' ' || r == '\t' || r == '\u3000' {
			spaces++
			if spaces == 2 {
				flush(i-1, col-1)
			}
		} else {
			if start < 0 {
				start, startCol = i, col
			}
			spaces = 0
		}
		col++
	}
	end := len(line)
	endCol := col
	for end > 0 && (line[end-1] == ' ' || line[end-1] == '\t') {
		end--
		endCol--
	}
	if start >= 0 && start < end {
		out = appendChunk(out, line[start:end], startCol, endCol)
	}
	return out
}

// appendChunk appends the chunk s at columns [c0, c1), split into its values.
func appendChunk(out []lchunk, s string, c0, c1 int) []lchunk {
	s = strings.TrimRight(s, " \t")
	if s == "" {
		return out
	}
	if strings.IndexByte(s, ' ') < 0 {
		return append(out, lchunk{text: s, col0: c0, col1: c1, val: isValueWord(s)})
	}
	// words with their byte and rune positions
	type word struct {
		b0, b1 int
		c0, c1 int
	}
	var words []word
	col := c0
	ws, wc := -1, 0
	for i, r := range s {
		if r == ' ' {
			if ws >= 0 {
				words = append(words, word{ws, i, wc, col})
				ws = -1
			}
		} else if ws < 0 {
			ws, wc = i, col
		}
		col++
	}
	if ws >= 0 {
		words = append(words, word{ws, len(s), wc, col})
	}
	k := len(words)
	for k > 0 && isValueWord(s[words[k-1].b0:words[k-1].b1]) {
		k--
	}
	// the label part, cut before a word that starts a new label ("度办理结 (二)部分公开")
	from := 0
	for i := 1; i <= k; i++ {
		if i == k || enumerated(s[words[i].b0:words[i].b1]) {
			out = append(out, lchunk{text: s[words[from].b0:words[i-1].b1], col0: words[from].c0, col1: words[i-1].c1})
			from = i
		}
	}
	for _, w := range words[k:] {
		out = append(out, lchunk{text: s[w.b0:w.b1], col0: w.c0, col1: w.c1, val: true})
	}
	return out
}

// layoutPageNumber: a line that is only a printed page number ("-3-", "- 3 -", "第3页").
func layoutPageNumber(s string) bool {
	t := strings.Join(strings.Fields(s), "")
	if t == "" || len(t) > 16 {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(t); r == '-' || r == '—' || r == '－' {
		inner := strings.Trim(t, "-—－")
		return inner != "" && strings.Trim(inner, "0123456789") == "" && len(inner) <= 4
	}
	if strings.HasPrefix(t, "第") && strings.HasSuffix(t, "页") {
		inner := strings.TrimSuffix(strings.TrimPrefix(t, "第"), "页")
		return inner != "" && strings.Trim(inner, "0123456789") == ""
	}
	return false
}

// layoutLines reads the non-blank lines of a region.
func (p *parser) layoutLines(sp span) []lline {
	var out []lline
	for i := sp.from; i < sp.to; i++ {
		t := p.line(i)
		if trimSpace(t) == "" || layoutPageNumber(t) {
			continue
		}
		ch := splitLayout(t)
		n := 0
		for _, c := range ch {
			if c.val {
				n++
			}
		}
		out = append(out, lline{idx: i, chunks: ch, nval: n})
	}
	return out
}

// tblock is a cell's text in a layout region: the text chunks of consecutive lines that
// stand in the same columns (a label wrapped over lines: "2.其他法律行政法规" / "禁止公开").
type tblock struct {
	first, last int // positions in the lines slice
	c0, c1      int // column range (union)
	parts       []string
	line        int // 1-based text line of the first part
	anchor      int // position of the line with numbers one of its parts is on, or -1
	// the extent on the page in points (union), when every part has a position
	x0, x1 float64
	placed bool
	header bool // a part stands on a header line (see headerLines)
}

// overlaps reports whether columns [c0, c1) meet the block's, give or take one column
// (centred text on a wider page).
func (b *tblock) overlaps(c0, c1 int) bool { return c0 <= b.c1 && b.c0 <= c1 }

// meets reports whether the chunk stands in the block's columns: by their extents on the page
// when both are known, else by character columns. On the page, the lines of one cell's
// wrapped text are aligned, centred or left or right: one's extent holds the other's (within
// 3 points). Text that only overlaps the block partly is another cell's: a block heading
// centred across the table (第二十条第（一）项) over one of the header cells below it.
func (b *tblock) meets(ch *lchunk) bool {
	if b.placed && ch.placed {
		const tol = 3
		return ch.x0 < b.x1-0.5 && b.x0 < ch.x1-0.5 &&
			(ch.x0 >= b.x0-tol && ch.x1 <= b.x1+tol || b.x0 >= ch.x0-tol && b.x1 <= ch.x1+tol)
	}
	return b.overlaps(ch.col0, ch.col1)
}

// add puts the chunk of line k into the block.
func (b *tblock) add(ch *lchunk, k int, header bool) {
	if len(b.parts) == 0 {
		b.x0, b.x1, b.placed = ch.x0, ch.x1, ch.placed
	} else {
		b.x0, b.x1, b.placed = min(b.x0, ch.x0), max(b.x1, ch.x1), b.placed && ch.placed
	}
	b.last = k
	b.c0, b.c1 = min(b.c0, ch.col0), max(b.c1, ch.col1)
	b.parts = append(b.parts, ch.text)
	b.header = b.header || header
}

// layoutTokens turns a layout region into grid tokens (see the comment at the top). Lines
// with numbers are the rows. The text around them is grouped into blocks of wrapped cell
// text; a block belongs to the row whose numbers it stands beside (its lines span the row's
// line), else to the nearest row it touches without a blank line in between whose own
// labels do not already fill its columns, else it is a heading of the next row (table
// headers, 第二十条第（五）项). A row's tokens are its headings, then its label blocks from
// left to right (a merged group label before the row label), then its numbers.
func (p *parser) layoutTokens(sp span, out []tok) []tok {
	lines := p.layoutLines(sp)
	var decided []bool
	var header []bool
	if p.placeChunks(lines) {
		joinWrapped(lines)
		joinEnumerators(lines)
		splitAtColumns(lines)
		header = headerLines(lines)
		decided = p.pointBlanks(lines)
	}
	p.layoutBlanks(lines, 7, decided)
	isHeader := func(k int) bool { return header != nil && header[k] }
	// contiguous reports whether lines a < b have no blank line between them
	contiguous := func(a, b int) bool {
		return lines[b].idx-lines[a].idx == b-a
	}
	var blocks []*tblock
	for k := range lines {
		l := &lines[k]
		anchor := -1
		if l.nval > 0 {
			anchor = k
		}
		for ci := range l.chunks {
			ch := &l.chunks[ci]
			if ch.val || ch.empty {
				continue
			}
			var into *tblock
			for _, b := range blocks {
				if enumerated(ch.text) || p.t2Label(ch.text) { // "(二)…", "2.…", "四、…", "规章" start a cell
					break
				}
				if b.last >= k || k-b.last > 3 || !contiguous(b.last, k) || !b.meets(ch) ||
					anchor >= 0 && b.anchor >= 0 {
					continue
				}
				// header words and row labels are different cells however close their lines
				// are: a row's label never continues a header, header words never continue a
				// label (a line of text under a header may: a note wrapped in the header cell)
				if anchor >= 0 && b.header || isHeader(k) && !b.header {
					continue
				}
				// no text of another cell between them in these columns, and no number
				clear := true
				for j := b.last + 1; j < k && clear; j++ {
					for oi := range lines[j].chunks {
						o := &lines[j].chunks[oi]
						if o.empty {
							continue
						}
						if o.val {
							if o.placed && (ch.placed && o.x0 < ch.x1 && ch.x0 < o.x1 || b.placed && o.x0 < b.x1 && b.x0 < o.x1) {
								clear = false
								break
							}
							continue
						}
						if o.col0 <= ch.col1 && ch.col0 <= o.col1 {
							clear = false
							break
						}
					}
				}
				if clear && (into == nil || b.last > into.last) {
					into = b
				}
			}
			if into == nil {
				into = &tblock{first: k, c0: ch.col0, c1: ch.col1, line: l.idx + 1, anchor: -1}
				blocks = append(blocks, into)
			}
			into.add(ch, k, isHeader(k))
			if anchor >= 0 {
				into.anchor = anchor
			}
		}
	}
	var anchors []int
	for k := range lines {
		if lines[k].nval > 0 {
			anchors = append(anchors, k)
		}
	}
	labels := map[int][]*tblock{}   // anchor → label blocks
	headings := map[int][]*tblock{} // anchor (or -1: after the last row) → heading blocks
	occupied := func(a int, b *tblock) bool {
		for _, o := range labels[a] {
			if o.overlaps(b.c0, b.c1) {
				return true
			}
		}
		return false
	}
	for _, b := range blocks {
		if b.anchor >= 0 {
			labels[b.anchor] = append(labels[b.anchor], b)
		}
	}
	for _, b := range blocks {
		if b.anchor >= 0 {
			continue
		}
		above, below := -1, -1
		for _, a := range anchors {
			if a < b.first {
				above = a
			} else if a > b.last && below < 0 {
				below = a
			} else if a > b.first && a < b.last && below < 0 {
				below = a // the numbers stand between its lines
			}
		}
		target := -1
		switch {
		case b.header:
			// header words head the next row
		case below >= 0 && below < b.last:
			target = below
		default:
			okA := above >= 0 && contiguous(above, b.first) && !occupied(above, b)
			okB := below >= 0 && contiguous(b.last, below) && !occupied(below, b)
			switch {
			case okA && okB:
				if b.first-above < below-b.last {
					target = above
				} else {
					target = below
				}
			case okA:
				target = above
			case okB:
				target = below
			}
		}
		if target >= 0 {
			labels[target] = append(labels[target], b)
		} else {
			headings[below] = append(headings[below], b) // below is -1 after the last row
		}
	}
	for _, a := range anchors {
		if len(labels[a]) == 0 && len(headings[a]) == 0 {
			if p.orphans == nil {
				p.orphans = map[int]bool{}
			}
			p.orphans[lines[a].idx+1] = true
		}
	}
	emit := func(b *tblock, row int) {
		out = append(out, tok{text: strings.Join(b.parts, ""), line: b.line, row: row})
	}
	row := 0
	for _, a := range anchors {
		row++
		hs := headings[a]
		sort.SliceStable(hs, func(i, j int) bool { return hs[i].first < hs[j].first })
		for _, b := range hs {
			emit(b, row)
		}
		ls := labels[a]
		sort.SliceStable(ls, func(i, j int) bool { return ls[i].c0 < ls[j].c0 })
		for _, b := range ls {
			emit(b, row)
		}
		l := &lines[a]
		for _, c := range l.chunks {
			if c.val || c.empty {
				out = append(out, tok{text: c.text, line: l.idx + 1, row: row, empty: c.empty})
			}
		}
	}
	if hs := headings[-1]; len(hs) > 0 {
		row++
		sort.SliceStable(hs, func(i, j int) bool { return hs[i].first < hs[j].first })
		for _, b := range hs {
			emit(b, row)
		}
	}
	return out
}

// isUnit: a unit a value cell may carry (value.go).
func isUnit(s string) bool {
	for _, u := range units {
		if s == u {
			return true
		}
	}
	return false
}

// joinWrapped puts back the parts of a number that wrapped in its cell. In a narrow column
// LibreOffice Writer breaks a cell's text anywhere: "0件" prints as "0" over "件", "0件次" as
// "0" / "件" / "次", and "10" as "1" over "0". A reader reads the cell top to bottom, and so
// does this, line by line, each part on the line right after the one before (no line between):
//   - a text chunk that is only a unit (value.go's list), standing under a number (their
//     extents on the page overlap), is that number's unit when the two read as one value;
//   - a line that holds numbers and nothing else (no label: a row of table 3 always has one),
//     each of them under a number of digits only with which it reads as one value, continues
//     those numbers ("1" over "0" is 10): no row's numbers stand under another row's with
//     nothing beside them. Not when the line below holds numbers but none under one of these:
//     then a cell centred on that row may have been split around it ("1" above, "0" below);
//     such numbers are left alone, and flagged (flagOrphans);
//   - a part may continue a number that continued on the line above ("0" / "件" / "次").
//
// The cell reads as if printed on one line ("0件次", "10"), at its first line; the parts leave
// their lines.
func joinWrapped(lines []lline) {
	joinCentred(lines)
	// cont[k]: the numbers that continued onto line k (they stand on a line above it)
	cont := make([][]*lchunk, len(lines))
	for k := 1; k < len(lines); k++ {
		if lines[k].idx-lines[k-1].idx != 1 {
			continue
		}
		var above []*lchunk
		for i := range lines[k-1].chunks {
			if c := &lines[k-1].chunks[i]; c.val && c.placed {
				above = append(above, c)
			}
		}
		above = append(above, cont[k-1]...)
		under := func(ch *lchunk, ok func(v *lchunk) bool) *lchunk {
			var found *lchunk
			for _, v := range above {
				if ch.x0 < v.x1 && v.x0 < ch.x1 && ok(v) {
					if found != nil {
						return nil // under two numbers: not sure
					}
					found = v
				}
			}
			return found
		}
		l := &lines[k]
		// a line of numbers only: every one continues a number of digits above it
		digits := l.nval > 0
		var joins []*lchunk
		for i := range l.chunks {
			ch := &l.chunks[i]
			if ch.empty {
				continue
			}
			if !ch.val || !ch.placed {
				if !ch.placed || !isUnit(strings.TrimSpace(ch.text)) {
					digits = false
					break
				}
				continue
			}
			v := under(ch, func(v *lchunk) bool {
				return strings.Trim(v.text, "0123456789") == "" && isValueWord(v.text+ch.text)
			})
			if v == nil {
				digits = false
				break
			}
			joins = append(joins, v)
		}
		// a number split around its row's line (a cell centred on the row: "1" above the
		// line, "0" below, the line's own slot in that column empty) is no continuation of
		// the row above: the line below holds numbers, none under this one's
		if digits && k+1 < len(lines) && lines[k+1].idx-l.idx == 1 && lines[k+1].nval > 0 {
			for i := range l.chunks {
				ch := &l.chunks[i]
				if !ch.val {
					continue
				}
				below := false
				for _, o := range lines[k+1].chunks {
					if o.val && o.placed && o.x0 < ch.x1 && ch.x0 < o.x1 {
						below = true
					}
				}
				if !below {
					digits = false
				}
			}
		}
		// nor when the line right below starts a row (a row label left of the numbers) and
		// holds no number, nor does a line after it before the next row: that row's label
		// stands a little lower than its numbers (a cell set lower in its row: the decoder
		// keeps the two on separate lines), and the numbers are its own
		if digits && labelBelowWithout(lines, k) {
			digits = false
		}
		kept := l.chunks[:0:0]
		changed := false
		n := 0
		for i := range l.chunks {
			ch := l.chunks[i]
			switch {
			case ch.val && digits:
				v := joins[n]
				n++
				v.text += ch.text
				cont[k] = append(cont[k], v)
				changed = true
				continue
			case !ch.val && !ch.empty && ch.placed && isUnit(strings.TrimSpace(ch.text)):
				unit := strings.TrimSpace(ch.text)
				if v := under(&ch, func(v *lchunk) bool { return isValueWord(v.text + unit) }); v != nil {
					v.text += unit
					cont[k] = append(cont[k], v)
					changed = true
					continue
				}
			}
			kept = append(kept, ch)
		}
		if !changed {
			continue
		}
		l.chunks = kept
		l.nval = 0
		l.boxes = l.boxes[:0]
		for _, ch := range kept {
			if ch.val {
				l.nval++
			} else if ch.placed {
				for _, w := range ch.words {
					l.boxes = append(l.boxes, xr{w.X0, w.X1})
				}
				if ch.words == nil {
					l.boxes = append(l.boxes, xr{ch.x0, ch.x1})
				}
			}
		}
	}
}

// leftText reports whether the line holds text, all of it placed and left of x, and nothing
// else.
func leftText(l *lline, x float64) bool {
	n := 0
	for _, c := range l.chunks {
		if c.empty {
			continue
		}
		if c.val || !c.placed || c.x1 > x {
			return false
		}
		n++
	}
	return n > 0
}

// labelBelowWithout reports whether the line after k (no line between) starts a row of the
// table, by a label with an enumerator standing left of line k's numbers, and neither it nor
// any line after it, up to the next line that starts a row or three lines on, holds a number.
func labelBelowWithout(lines []lline, k int) bool {
	if k+1 >= len(lines) || lines[k+1].idx-lines[k].idx != 1 || lines[k+1].nval > 0 {
		return false
	}
	left := 1e18
	for _, c := range lines[k].chunks {
		if c.val && c.placed {
			left = min(left, c.x0)
		}
	}
	starts := func(l *lline) bool {
		for _, c := range l.chunks {
			if !c.val && !c.empty && c.placed && c.x1 <= left && enumerated(c.text) {
				return true
			}
		}
		return false
	}
	if !starts(&lines[k+1]) {
		return false
	}
	for j := k + 2; j < len(lines) && j <= k+4 && lines[j].idx-lines[j-1].idx == 1; j++ {
		if lines[j].nval > 0 {
			return false
		}
		if starts(&lines[j]) {
			break
		}
	}
	return true
}

// joinCentred puts back the units of cells that a row centres on its line and that wrapped
// over two lines: a cell of two lines is centred with its first line above the row's line and
// its second below (LibreOffice prints a web page's cells so), while the cells of one line
// stand on it: "0件次" prints "0件" on the line above the row and "次" on the line below. A
// line A of numbers (text only left of them: a group label, the first line of a row label
// wrapped around R), right above a line R with numbers (or above one or two lines holding
// only text left of R's numbers, a group label's: "度办理结" / "果"), none of A's numbers over
// one of R's,
// and the line B right below R holding, under each of A's numbers, a unit with which it reads
// as one value, and no other unit among the numbers' columns: A's numbers with their units
// are R's cells. A unit on R under one of A's numbers is the middle part ("0" / "件" / "次").
// Only units: a unit never stands alone, while a number under a number may be the next row's
// (a row printing its numbers on the second line of its label); digits split around a row
// ("1" above, "0" below) are left as they are, and flagged (flagOrphans).
func joinCentred(lines []lline) {
	for k := 1; k+1 < len(lines); k++ {
		r, b := &lines[k], &lines[k+1]
		if b.idx-r.idx != 1 || r.nval == 0 {
			continue
		}
		// A: the line above R, past at most two lines of text left of R's numbers only (a
		// group label's lines: "度办理结" / "果")
		rleft := 1e18
		for _, c := range r.chunks {
			if c.val && c.placed {
				rleft = min(rleft, c.x0)
			}
		}
		ai := k - 1
		for ai > 0 && k-ai <= 2 && lines[ai].nval == 0 && lines[ai].idx-lines[ai-1].idx == 1 && leftText(&lines[ai], rleft) {
			ai--
		}
		a := &lines[ai]
		if lines[ai+1].idx-a.idx != 1 || a.nval == 0 {
			continue
		}
		// A's text must stand left of its numbers (the label columns: a group label, the
		// first line of a wrapped row label)
		left := 1e18
		for _, c := range a.chunks {
			if c.val && c.placed {
				left = min(left, c.x0)
			}
		}
		over := func(x *lchunk, l *lline, what func(c *lchunk) bool) []int {
			var at []int
			for i := range l.chunks {
				c := &l.chunks[i]
				if c.placed && what(c) && c.x0 < x.x1 && x.x0 < c.x1 {
					at = append(at, i)
				}
			}
			return at
		}
		isPart := func(c *lchunk) bool { return !c.val && !c.empty && isUnit(strings.TrimSpace(c.text)) }
		ok := true
		type join struct{ ai, mid, bi int }
		var js []join
		for i := range a.chunks {
			v := &a.chunks[i]
			if v.empty {
				continue
			}
			if !v.val {
				if !v.placed || v.x1 > left && !isUnit(strings.TrimSpace(v.text)) {
					ok = false // text among A's numbers: not the first lines of cells
					break
				}
				continue
			}
			if !v.placed {
				ok = false
				break
			}
			if len(over(v, r, func(c *lchunk) bool { return c.val })) > 0 {
				ok = false
				break
			}
			mid := -1
			if m := over(v, r, isPart); len(m) == 1 {
				mid = m[0]
			}
			bs := over(v, b, isPart)
			if len(bs) != 1 {
				ok = false
				break
			}
			text := v.text
			if mid >= 0 {
				text += r.chunks[mid].text
			}
			if !isValueWord(text + strings.TrimSpace(b.chunks[bs[0]].text)) {
				ok = false
				break
			}
			js = append(js, join{i, mid, bs[0]})
		}
		if !ok || len(js) == 0 {
			continue
		}
		// B holds nothing else among the numbers' columns (right of A's first number)
		taken := map[int]bool{}
		for _, j := range js {
			taken[j.bi] = true
		}
		for i := range b.chunks {
			// (a label's last character may be a unit word: "8.属于行政查询事" / "项")
			if c := &b.chunks[i]; isPart(c) && !taken[i] && c.x1 > left {
				ok = false
			}
		}
		if !ok {
			continue
		}
		drop := func(l *lline, idx map[int]bool) {
			kept := l.chunks[:0:0]
			for i, c := range l.chunks {
				if !idx[i] {
					kept = append(kept, c)
				}
			}
			l.chunks = kept
			l.nval = 0
			l.boxes = l.boxes[:0]
			for _, c := range kept {
				if c.val {
					l.nval++
				} else if c.placed {
					for _, w := range c.words {
						l.boxes = append(l.boxes, xr{w.X0, w.X1})
					}
					if c.words == nil {
						l.boxes = append(l.boxes, xr{c.x0, c.x1})
					}
				}
			}
		}
		fromA, fromR := map[int]bool{}, map[int]bool{}
		var moved []lchunk
		for _, j := range js {
			v := a.chunks[j.ai]
			if j.mid >= 0 {
				v.text += strings.TrimSpace(r.chunks[j.mid].text)
				fromR[j.mid] = true
			}
			v.text += strings.TrimSpace(b.chunks[j.bi].text)
			moved = append(moved, v)
			fromA[j.ai] = true
		}
		drop(a, fromA)
		drop(b, taken)
		drop(r, fromR)
		// A's numbers join R's, in order of their place on the page
		r.chunks = append(r.chunks, moved...)
		sort.SliceStable(r.chunks, func(i, j int) bool {
			ci, cj := &r.chunks[i], &r.chunks[j]
			if ci.val != cj.val {
				return !ci.val // labels first, as on the line
			}
			return ci.x0 < cj.x0
		})
		r.nval += len(moved)
	}
}

// layoutBlanks gives back the empty cells of rows that print fewer than width numbers and
// were not decided from the positions of the words on the page (layoutpos.go), from the
// character columns of the complete rows (exactly width numbers on one line) nearest to
// them, preferably on the same page. A row whose numbers do not sit within the columns is
// left as it is (the walk then reports it).
func (p *parser) layoutBlanks(lines []lline, width int, decided []bool) {
	var full []int
	for i := range lines {
		// rows given their empty cells from word positions are not complete rows here
		if lines[i].nval == width && (decided == nil || !decided[i]) {
			full = append(full, i)
		}
	}
	if len(full) < 2 {
		return
	}
	page := func(i int) int {
		if p.doc == nil {
			return 0
		}
		return p.doc.Page(lines[i].idx + 1)
	}
	for i := range lines {
		l := &lines[i]
		if l.nval == 0 || l.nval >= width || decided != nil && decided[i] {
			continue
		}
		// the nearest complete rows, same page first
		ref := append([]int(nil), full...)
		pg := page(i)
		sort.SliceStable(ref, func(a, b int) bool {
			sa, sb := page(ref[a]) == pg, page(ref[b]) == pg
			if sa != sb {
				return sa
			}
			return abs(ref[a]-i) < abs(ref[b]-i)
		})
		if len(ref) > 3 {
			ref = ref[:3]
		}
		cols := make([]float64, width)
		for c := range width {
			var v []float64
			for _, r := range ref {
				k := 0
				for _, ch := range lines[r].chunks {
					if ch.val {
						if k == c {
							v = append(v, ch.centre())
						}
						k++
					}
				}
			}
			if len(v) == 0 {
				return // not reached: complete rows have width numbers
			}
			sort.Float64s(v)
			cols[c] = v[len(v)/2]
		}
		gap := 1e9
		for c := 1; c < width; c++ {
			gap = min(gap, cols[c]-cols[c-1])
		}
		if gap < 2 {
			continue
		}
		var vals []int // chunk indexes of the values
		for k, ch := range l.chunks {
			if ch.val {
				vals = append(vals, k)
			}
		}
		pos := make([]float64, len(vals))
		for k, ci := range vals {
			pos[k] = l.chunks[ci].centre()
		}
		assign, worst := alignColumns(pos, cols)
		if assign == nil || worst > gap/2 {
			continue
		}
		fillRow(l, vals, assign, width, func(c int) lchunk {
			return lchunk{empty: true, col0: int(cols[c]), col1: int(cols[c]) + 1}
		})
	}
}

// alignColumns assigns the positions (ascending) to distinct columns in order, minimising the
// total distance; it returns the column of each position and the largest distance.
func alignColumns(pos, cols []float64) ([]int, float64) {
	n, m := len(pos), len(cols)
	if n > m || n == 0 {
		return nil, 0
	}
	const inf = 1e18
	// cost[i][j]: best cost placing the first i positions within the first j columns
	cost := make([][]float64, n+1)
	for i := range cost {
		cost[i] = make([]float64, m+1)
		for j := range cost[i] {
			if i > 0 {
				cost[i][j] = inf
			}
		}
	}
	for i := 1; i <= n; i++ {
		for j := i; j <= m; j++ {
			skip := cost[i][j-1]
			take := cost[i-1][j-1] + absf(pos[i-1]-cols[j-1])
			cost[i][j] = min(skip, take)
		}
	}
	assign := make([]int, n)
	worst := 0.0
	i, j := n, m
	for i > 0 {
		if j > i && cost[i][j] == cost[i][j-1] {
			j--
			continue
		}
		assign[i-1] = j - 1
		worst = max(worst, absf(pos[i-1]-cols[j-1]))
		i--
		j--
	}
	return assign, worst
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func absf(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// flagOrphans reports the lines of numbers in a layout table that no row label owns and
// from which no cell was read: a row of table 2 or 3 always has a label, so such numbers
// belong to a row the reader could not tell (a number wrapped in its cell in a way joinWrapped
// does not take apart); the walk of the rows passes them by, so they are reported here.
func (p *parser) flagOrphans() {
	if len(p.orphans) == 0 {
		return
	}
	read := map[int]bool{}
	for _, g := range []schemas.Grid{p.r.Table2, p.r.Table3, p.r.Table4} {
		for _, row := range g {
			for _, c := range row {
				if c.State != schemas.StateMissing {
					read[c.Line] = true
				}
			}
		}
	}
	lines := make([]int, 0, len(p.orphans))
	for l := range p.orphans {
		if !read[l] {
			lines = append(lines, l)
		}
	}
	sort.Ints(lines)
	for _, l := range lines {
		table := ""
		switch p.sectionOf(l - 1) {
		case 2:
			table = schemas.Table2
		case 3:
			table = schemas.Table3
		case 4:
			table = schemas.Table4
		}
		p.problem(schemas.Problem{Code: schemas.ProblemAmbiguous, Table: table, Line: l, Text: trimSpace(p.line(l - 1)),
			Message: "这一行的数字没有行标题，不知道属于哪一行（可能是上一行单元格里换行的数字），未读取"})
	}
}

// setPages records the PDF page of every cell, statement-bearing problem and the fee, from
// the line each was read from (Doc.PageOfLine); nothing for documents without pages.
func (p *parser) setPages() {
	p.flagOrphans()
	if p.doc == nil || len(p.doc.PageOfLine) == 0 {
		return
	}
	r := p.r
	for _, g := range []schemas.Grid{r.Table2, r.Table3, r.Table4} {
		for _, row := range g {
			for k, c := range row {
				if c.Line > 0 && c.Page == 0 {
					c.Page = p.doc.Page(c.Line)
					row[k] = c
				}
			}
		}
	}
	if r.Fee.Line > 0 {
		r.Fee.Page = p.doc.Page(r.Fee.Line)
	}
	for i := range r.Problems {
		if pr := &r.Problems[i]; pr.Line > 0 && pr.Page == 0 {
			pr.Page = p.doc.Page(pr.Line)
		}
	}
}

// enumerated reports whether a label starts with an enumerator: "(二)", "（二）", "二、",
// "2.", "2．", "2、", or is the opening of one wrapped in a narrow cell ("(六"). Such text
// starts a cell; it never continues the label above it.
func enumerated(s string) bool {
	t := strings.TrimLeft(s, " ")
	if t == "" {
		return false
	}
	const numerals = "一二三四五六七八九十"
	r, n := utf8.DecodeRuneInString(t)
	switch {
	case r == '(' || r == '（':
		rest := t[n:]
		k := 0
		for _, c := range rest {
			if !strings.ContainsRune(numerals, c) && (c < '0' || c > '9') {
				return k > 0 && (c == ')' || c == '）')
			}
			k++
		}
		// "(六" alone: an enumerator whose closing bracket wrapped to the next line of a
		// narrow cell ("(六" / ")其" / "他处" / "理")
		return k > 0 && k <= 2
	case strings.ContainsRune(numerals, r) || r >= '0' && r <= '9':
		for _, c := range t {
			if strings.ContainsRune(numerals, c) || c >= '0' && c <= '9' {
				continue
			}
			return c == '、' || c == '.' || c == '．' || c == ','
		}
	}
	return false
}
