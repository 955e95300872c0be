package parse

import "strings"

// Shape is how a scraped text flattened a table (see report-format.md, "What the text looks
// like").
type Shape int

const (
	ShapeNone     Shape = iota
	ShapeCells          // 1: one cell per line ending in " |"; covered cells as "||", "|||"
	ShapeRows           // 2: one row per line, cells separated by " | "
	ShapeCellPipe       // 3: each cell on its own line, then a line holding only "|"
	ShapeParas          // 4: one cell per line, no separators; an empty cell is an empty line
	ShapeMarkdown       // 5: "| a | b |" rows, cells may break across lines (and HTML)
)

var shapeNames = [...]string{"none", "cells", "rows", "cell-pipe", "paragraphs", "markdown", "layout"}

func (s Shape) String() string {
	if s < 0 || int(s) >= len(shapeNames) {
		return "?"
	}
	return shapeNames[s]
}

// grid reports whether the shape keeps a table row together (one line or one logical row),
// so a row's value slots are positional.
func (s Shape) grid() bool { return s == ShapeRows || s == ShapeMarkdown || s == ShapeLayout }

// tok is one cell of a table region. (Fields ordered so that the small ones pack: tokens are
// made by the thousand.)
type tok struct {
	text string // trimmed raw text ("" for an empty cell)
	line int    // 1-based line in doc.Text
	row  int    // grid shapes: the row it belongs to (1-based); stream shapes: 0

	// cached classification
	n string // normalised text (valid when hasN)
	v parsed // the lenient reading, when vKnown

	// slot is the token's position in its row (0-based) in the rows and markdown shapes, where
	// a row keeps one slot per grid column (a spanned cell's padding included).
	slot int32
	// cs is, when spanned, the number of grid columns the cell covers (decode.Doc.Spans): 0
	// for span padding, which is never a cell of its own.
	cs      uint16
	spanned bool
	empty   bool
	hasN    bool
	vKnown  bool
	vOK     bool // Value(text, true, true) succeeds
	// like caches valueLike (a value, or short text meant as one), when likeKnown
	like, likeKnown bool
}

// normOf returns the cached normalised text of t.
func (t *tok) normOf() string {
	if !t.hasN {
		t.n = norm(t.text)
		t.hasN = true
	}
	return t.n
}

// valueOK reports whether t reads as a value (number or dash) with the most lenient flags.
func (t *tok) valueOK() bool {
	if !t.vKnown {
		t.v = parseValue(t.text)
		t.vOK = t.v.err == 0
		t.vKnown = true
	}
	return t.vOK
}

// trimPipes drops the pipes and spaces that end a line (shape 1's " |", " ||").
func trimPipes(t string) string {
	i := len(t)
	for i > 0 && (t[i-1] == '|' || t[i-1] == ' ') {
		i--
	}
	return t[:i]
}

// span is a range of lines [from, to) (0-based indexes into parser.lines).
type span struct{ from, to int }

func allPipes(t string) bool {
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] != '|' && t[i] != ' ' {
			return false
		}
	}
	return true
}

func countPipes(t string) int { return strings.Count(t, "|") }

// detectShape looks at the lines of a region and says which shape its table has.
func (p *parser) detectShape(sp span) Shape {
	if p.isLayout(sp) { // layout.go: PDF text
		return ShapeLayout
	}
	var cells, rows, md, single int
	terminated := 0           // rows lines ending in a pipe: "a |  | b |"
	open, openLen := false, 0 // inside a markdown row whose cell breaks across lines
	for i := sp.from; i < sp.to; i++ {
		t := trimSpace(p.line(i))
		if t == "" {
			continue
		}
		if open {
			openLen++
			if t[len(t)-1] == '|' {
				open = false
				md++
			} else if openLen > 20 {
				open = false
			}
			continue
		}
		if allPipes(t) {
			if countPipes(t) == 1 {
				single++
			}
			continue
		}
		if t[0] == '|' {
			switch {
			case isMDSeparator(t):
			case len(t) > 1 && t[len(t)-1] == '|':
				md++
			default:
				open, openLen = true, 0
			}
			continue
		}
		k := strings.IndexByte(t, '|')
		if k < 0 {
			continue
		}
		// shape 1 ends a cell's line with exactly one pipe; a line of cells whose last ones
		// are empty ("标签 |  |  ||") is a row of shape 2
		if countPipes(t) == 1 && t[len(t)-1] == '|' {
			cells++
		} else {
			rows++
			if t[len(t)-1] == '|' {
				terminated++
			}
		}
	}
	switch {
	case terminated >= 2 && rows >= cells:
		// every cell ends in " |" (padded rows): a line that starts with "|" is a row whose
		// first slot is empty, not a markdown row
		return ShapeRows
	case md >= 2 && md >= cells && md >= rows:
		return ShapeMarkdown
	case rows >= 2 && rows >= cells:
		return ShapeRows
	case cells >= 2:
		return ShapeCells
	case single >= 2:
		return ShapeCellPipe
	}
	return ShapeParas
}

// tokens turns a table region into cell tokens according to its shape.
func (p *parser) tokens(sp span, shape Shape) []tok {
	n := sp.to - sp.from + 8
	if shape.grid() {
		n += strings.Count(p.text[p.lines[sp.from].s:p.lines[sp.to-1].e], "|")
	}
	out := make([]tok, 0, n)
	switch shape {
	case ShapeCells:
		for i := sp.from; i < sp.to; i++ {
			t := trimSpace(p.line(i))
			if t == "" {
				continue
			}
			if allPipes(t) {
				if countPipes(t) == 1 {
					out = append(out, tok{line: i + 1, empty: true})
				}
				continue
			}
			body := trimSpace(trimPipes(t))
			if strings.IndexByte(body, '|') >= 0 {
				for rest, more := body, true; more; {
					var part string
					part, rest, more = strings.Cut(rest, "|")
					part = trimSpace(part)
					out = append(out, tok{text: part, line: i + 1, empty: part == ""})
				}
				continue
			}
			out = append(out, tok{text: body, line: i + 1})
		}
	case ShapeCellPipe:
		prevBlank := -1
		for i := sp.from; i < sp.to; i++ {
			t := trimSpace(p.line(i))
			switch {
			case t == "":
				prevBlank = i
				continue
			case t == "|":
				if prevBlank == i-1 && prevBlank >= sp.from {
					out = append(out, tok{line: prevBlank + 1, empty: true})
				}
			case allPipes(t):
			default:
				body := trimSpace(trimPipes(t))
				out = append(out, tok{text: body, line: i + 1, empty: body == ""})
			}
			prevBlank = -1
		}
	case ShapeParas:
		double := p.doubleSpaced(sp)
		blanks, firstBlank := 0, 0
		seen := false
		flush := func() {
			n := blanks
			if double {
				n--
			}
			for k := 0; k < n && seen; k++ {
				out = append(out, tok{line: firstBlank + k + 1, empty: true})
			}
			blanks = 0
		}
		for i := sp.from; i < sp.to; i++ {
			t := trimSpace(p.line(i))
			if t == "" {
				if blanks == 0 {
					firstBlank = i
				}
				blanks++
				continue
			}
			flush()
			seen = true
			out = append(out, tok{text: t, line: i + 1})
		}
		flush()
	case ShapeRows:
		row := 0
		for i := sp.from; i < sp.to; i++ {
			t := trimSpace(p.line(i))
			// bare "|||" is a spanned header's filler; "|  |  |" is a row of empty cells
			if t == "" || allPipes(t) && !strings.Contains(t, "| ") {
				continue
			}
			row++
			if strings.IndexByte(t, '|') < 0 {
				out = append(out, tok{text: t, line: i + 1, row: row})
				continue
			}
			var slot int32
			for rest, more := t, true; more; slot++ {
				var part string
				part, rest, more = strings.Cut(rest, "|")
				part = trimSpace(part)
				out = append(out, tok{text: part, line: i + 1, row: row, empty: part == "", slot: slot})
			}
		}
	case ShapeMarkdown:
		out = p.markdownTokens(sp, out)
	case ShapeLayout:
		out = p.layoutTokens(sp, out)
	}
	return out
}

// markdownTokens reads "| a | b |" rows; a row whose line does not end in "|" continues on
// the next lines (a cell broken across lines, joined without a space).
func (p *parser) markdownTokens(sp span, out []tok) []tok {
	row := 0
	for i := sp.from; i < sp.to; i++ {
		t := trimSpace(p.line(i))
		if t == "" {
			continue
		}
		if t[0] != '|' {
			row++
			out = append(out, tok{text: t, line: i + 1, row: row})
			continue
		}
		if t == "|" || isMDSeparator(t) {
			continue
		}
		row++
		rowStart, rowLine := len(out), i
		var slot int32
		cur := tok{line: i + 1, row: row}
		first := true
		for ; i < sp.to; i++ {
			c := trimSpace(p.line(i))
			if first {
				c = c[1:] // the opening pipe
			}
			done := len(c) > 0 && c[len(c)-1] == '|'
			if first && c == "" {
				done = false
			}
			for k, rest, more := 0, c, true; more; k++ {
				var part string
				part, rest, more = strings.Cut(rest, "|")
				if k > 0 {
					cur.empty = cur.text == ""
					cur.slot = slot
					slot++
					out = append(out, cur)
					cur = tok{line: i + 1, row: row}
				}
				part = trimSpace(part)
				if part != "" {
					if cur.text == "" {
						cur.text = part
						cur.line = i + 1
					} else {
						cur.text += part
					}
				}
			}
			first = false
			if done {
				break
			}
		}
		// an unterminated last row keeps its open cell
		if cur.text != "" {
			cur.slot = slot
			out = append(out, cur)
		}
		p.applySpans(out[rowStart:], rowLine)
	}
	return out
}

// applySpans gives the tokens of one grid row (printed from line index li) the spans decode
// recorded for that line, when it recorded one per token.
func (p *parser) applySpans(row []tok, li int) {
	sp := p.doc.Spans
	if li >= len(sp) || len(sp[li]) != len(row) || len(row) == 0 {
		return
	}
	for k := range row {
		row[k].cs = sp[li][k]
		row[k].spanned = true
	}
}

// isMDSeparator reports whether a line is markdown's rule under a header row ("|---|:--:|"):
// every cell between the pipes holds only dashes and colons, with a dash, and one cell at
// least shows it is a rule ("---" or a colon). A row whose cells are empty or a single "-"
// ("|  | - |  |") is a row of values: "-" is a dash cell, no number.
func isMDSeparator(t string) bool {
	t = trimSpace(t)
	t = strings.TrimPrefix(t, "|")
	t = strings.TrimSuffix(t, "|")
	if t == "" {
		return false
	}
	rule := false
	for rest, more := t, true; more; {
		var c string
		c, rest, more = strings.Cut(rest, "|")
		c = trimSpace(c)
		if c == "" || strings.Trim(c, "-:") != "" || strings.IndexByte(c, '-') < 0 {
			return false
		}
		if strings.Contains(c, "---") || strings.IndexByte(c, ':') >= 0 {
			rule = true
		}
	}
	return rule
}

// doubleSpaced reports whether a paragraph-shaped region puts a blank line after every cell:
// nearly every content line is followed by a blank line, or (a cell broken over two lines,
// 商业\n企业) nearly every run of content lines is, and no run is longer than two lines (a
// single-spaced table has long runs: its header rows, its rows of numbers).
func (p *parser) doubleSpaced(sp span) bool {
	content, followed, runs, long, run := 0, 0, 0, 0, 0
	for i := sp.from; i < sp.to; i++ {
		if trimSpace(p.line(i)) == "" {
			run = 0
			continue
		}
		content++
		if run++; run == 1 {
			runs++
		} else if run == 3 {
			long++
		}
		if i+1 < sp.to && trimSpace(p.line(i+1)) == "" {
			followed++
		}
	}
	if content < 4 {
		return false
	}
	return followed*5 >= content*4 || long == 0 && followed*5 >= runs*4 && runs >= 4
}
