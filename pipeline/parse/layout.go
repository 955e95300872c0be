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
}

func (c lchunk) centre() float64 { return float64(c.col0+c.col1-1) / 2 }

// lline is one non-blank line of a layout region.
type lline struct {
	idx    int // 0-based line index
	chunks []lchunk
	nval   int
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
	if k == len(words) {
		return append(out, lchunk{text: s, col0: c0, col1: c1})
	}
	if k > 0 {
		out = append(out, lchunk{text: s[:words[k-1].b1], col0: c0, col1: words[k-1].c1})
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

// layoutTokens turns a layout region into grid tokens (see the comment at the top).
func (p *parser) layoutTokens(sp span, out []tok) []tok {
	lines := p.layoutLines(sp)
	var rows [][]*lline
	var pending []*lline
	for i := range lines {
		l := &lines[i]
		if l.nval == 0 {
			pending = append(pending, l)
			continue
		}
		rows = append(rows, append(pending, l))
		pending = nil
	}
	if len(pending) > 0 {
		rows = append(rows, pending)
	}
	p.layoutBlanks(lines, 7)
	for r, row := range rows {
		for _, l := range row {
			for _, c := range l.chunks {
				out = append(out, tok{text: c.text, line: l.idx + 1, row: r + 1, empty: c.empty})
			}
		}
	}
	return out
}

// layoutBlanks gives back the empty cells of rows that print fewer than width numbers, from
// the columns of the complete rows (exactly width numbers on one line) nearest to them,
// preferably on the same page. A row whose numbers do not sit within the columns is left as
// it is (the walk then reports it).
func (p *parser) layoutBlanks(lines []lline, width int) {
	var full []int
	for i := range lines {
		if lines[i].nval == width {
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
		if l.nval == 0 || l.nval >= width {
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
		// rebuild: labels as they are, then the width slots in column order
		var nc []lchunk
		for _, ch := range l.chunks {
			if !ch.val {
				nc = append(nc, ch)
			}
		}
		next := 0
		for c := range width {
			if next < len(assign) && assign[next] == c {
				nc = append(nc, l.chunks[vals[next]])
				next++
				continue
			}
			nc = append(nc, lchunk{empty: true, col0: int(cols[c]), col1: int(cols[c]) + 1})
		}
		l.chunks = nc
		l.nval = width
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

// setPages records the PDF page of every cell, statement-bearing problem and the fee, from
// the line each was read from (Doc.PageOfLine); nothing for documents without pages.
func (p *parser) setPages() {
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
