package main

import (
	"io"

	"xxgk/pipeline/textgrid"
)

// Short names for the aligned-table helpers the commands use (package textgrid).
func displayWidth(s string) int { return textgrid.Width(s) }

func writeAligned(w io.Writer, indent string, rows [][]string, maxFirst int) {
	textgrid.Write(w, indent, rows, maxFirst)
}
