package main

import (
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/width"
)

// displayWidth is the number of terminal columns s takes: East Asian wide and full-width
// characters take two.
func displayWidth(s string) int {
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

// truncateWidth cuts s to at most max columns, marking the cut with "…".
func truncateWidth(s string, max int) string {
	if max <= 0 || displayWidth(s) <= max {
		return s
	}
	n := 0
	for i, r := range s {
		w := displayWidth(string(r))
		if n+w > max-1 {
			return s[:i] + "…"
		}
		n += w
	}
	return s
}

// writeAligned writes rows as columns aligned for Chinese text: the first column left, the
// others right; cells wider than maxFirst columns in the first column are cut.
func writeAligned(w io.Writer, indent string, rows [][]string, maxFirst int) {
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
				c = truncateWidth(c, maxFirst)
			}
			if dw := displayWidth(c); dw > widths[i] {
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
				c = truncateWidth(c, maxFirst)
				b.WriteString(c)
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)))
				continue
			}
			b.WriteString("  ")
			b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)))
			b.WriteString(c)
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}
