// Package textgrid is the one table writer of the code base: text tables aligned for Chinese
// (East Asian wide characters take two terminal columns) and Markdown tables. The analysts'
// surface (pipeline/console), the CLI's listings and the ingest summary use it; the xlsx
// export uses Width to size its columns.
package textgrid

import (
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/width"
)

// Width is the number of terminal columns s takes: East Asian wide and full-width
// characters take two.
func Width(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// Truncate cuts s to at most max columns, marking the cut with "…".
func Truncate(s string, max int) string {
	if max <= 0 || Width(s) <= max {
		return s
	}
	n := 0
	for i, r := range s {
		w := Width(string(r))
		if n+w > max-1 {
			return s[:i] + "…"
		}
		n += w
	}
	return s
}

// Table is a table of text cells.
type Table struct {
	Head  []string   // column headings (nil: none)
	Rows  [][]string // the cells; a short row is padded with empty cells
	Right []bool     // right-align column i (numbers); missing: left
	// Max cuts the cells of column i to Max[i] columns in text tables (0 or missing: never).
	Max    []int
	Indent string // before every line of a text table
	// Rule draws a line of ─ under the heading of a text table.
	Rule bool
}

func (t Table) ncol() int {
	n := len(t.Head)
	for _, r := range t.Rows {
		n = max(n, len(r))
	}
	return n
}

func cell(r []string, i int) string {
	if i < len(r) {
		return r[i]
	}
	return ""
}

// oneLine keeps a cell on one line of a text table.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n\t") {
		return s
	}
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ").Replace(s)
}

// Write writes the table as aligned text: columns two spaces apart, trailing spaces trimmed.
func (t Table) Write(w io.Writer) error {
	n := t.ncol()
	if n == 0 {
		return nil
	}
	fit := func(r []string) []string {
		out := make([]string, n)
		for i := range out {
			c := oneLine(cell(r, i))
			if i < len(t.Max) && t.Max[i] > 0 {
				c = Truncate(c, t.Max[i])
			}
			out[i] = c
		}
		return out
	}
	var lines [][]string
	if t.Head != nil {
		lines = append(lines, fit(t.Head))
	}
	for _, r := range t.Rows {
		lines = append(lines, fit(r))
	}
	widths := make([]int, n)
	for _, l := range lines {
		for i, c := range l {
			widths[i] = max(widths[i], Width(c))
		}
	}
	var b strings.Builder
	line := func(cells []string, right func(int) bool) {
		b.WriteString(t.Indent)
		for i, c := range cells {
			if i > 0 {
				b.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[i]-Width(c))
			if right(i) {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
		}
		s := strings.TrimRight(b.String(), " ")
		b.Reset()
		b.WriteString(s)
		b.WriteByte('\n')
	}
	right := func(i int) bool { return i < len(t.Right) && t.Right[i] }
	var out strings.Builder
	for k, l := range lines {
		line(l, right)
		out.WriteString(b.String())
		b.Reset()
		if k == 0 && t.Head != nil && t.Rule {
			rule := make([]string, n)
			for i := range rule {
				rule[i] = strings.Repeat("─", widths[i])
			}
			line(rule, right)
			out.WriteString(b.String())
			b.Reset()
		}
	}
	_, err := io.WriteString(w, out.String())
	return err
}

// MarkdownEscape makes s safe in a Markdown table cell: | escaped, line breaks as spaces.
func MarkdownEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

// Markdown writes the table as a GitHub Markdown table (cells escaped, never cut); a table
// without a heading gets empty headings.
func (t Table) Markdown(w io.Writer) error {
	n := t.ncol()
	if n == 0 {
		return nil
	}
	var b strings.Builder
	row := func(r []string) {
		b.WriteString("|")
		for i := 0; i < n; i++ {
			b.WriteString(" " + MarkdownEscape(cell(r, i)) + " |")
		}
		b.WriteString("\n")
	}
	row(t.Head)
	b.WriteString("|")
	for i := 0; i < n; i++ {
		if i < len(t.Right) && t.Right[i] {
			b.WriteString("---:|")
		} else {
			b.WriteString("---|")
		}
	}
	b.WriteString("\n")
	for _, r := range t.Rows {
		row(r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Write writes rows as columns aligned for Chinese text: the first column left, the
// others right; cells wider than maxFirst columns in the first column are cut.
func Write(w io.Writer, indent string, rows [][]string, maxFirst int) {
	t := Table{Rows: rows, Indent: indent, Max: []int{maxFirst}}
	for i := 0; i < t.ncol(); i++ {
		t.Right = append(t.Right, i > 0)
	}
	if err := t.Write(w); err != nil {
		fmt.Fprintln(w, err)
	}
}
