// Package textgrid writes text tables aligned for Chinese: East Asian wide characters take two
// terminal columns. The CLI's tables and the ingest summary use it.
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

// Write writes rows as columns aligned for Chinese text: the first column left, the
// others right; cells wider than maxFirst columns in the first column are cut.
func Write(w io.Writer, indent string, rows [][]string, maxFirst int) {
	if len(rows) == 0 {
		return
	}
	ncol := 0
	for _, r := range rows {
		if len(r) > ncol {
			ncol = len(r)
		}
	}
	widths := make([]int, ncol)
	for _, r := range rows {
		for i, c := range r {
			if i == 0 {
				c = Truncate(c, maxFirst)
			}
			if dw := Width(c); dw > widths[i] {
				widths[i] = dw
			}
		}
	}
	for _, r := range rows {
		var b strings.Builder
		b.WriteString(indent)
		for i := 0; i < ncol; i++ {
			c := ""
			if i < len(r) {
				c = r[i]
			}
			if i == 0 {
				c = Truncate(c, maxFirst)
				b.WriteString(c)
				b.WriteString(strings.Repeat(" ", widths[i]-Width(c)))
				continue
			}
			b.WriteString("  ")
			b.WriteString(strings.Repeat(" ", widths[i]-Width(c)))
			b.WriteString(c)
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}
