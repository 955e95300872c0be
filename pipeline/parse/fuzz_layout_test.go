package parse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"xxgk/pipeline/decode"
	"xxgk/schemas"
)

// FuzzLayout fuzzes the PDF table reader: pdftotext's -layout text and its -tsv word boxes, as
// decode.DecodePDFText takes them, through Parse. Never a panic; every number came from the
// line it names and reads back to the same value. Seeds: the saved pdftotext output of
// generated PDFs in testdata/layout.
func FuzzLayout(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/layout/*.layout.txt")
	for _, p := range seeds {
		layout, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		tsv, _ := os.ReadFile(strings.TrimSuffix(p, ".layout.txt") + ".tsv")
		f.Add(string(layout), string(tsv))
	}
	if len(seeds) == 0 {
		f.Fatal("no seeds in testdata/layout")
	}
	f.Fuzz(func(t *testing.T, layout, tsv string) {
		doc, err := decode.DecodePDFText("fuzz.pdf", []byte(layout), []byte(tsv))
		if err != nil {
			return
		}
		r := Parse(doc, Options{})
		if r == nil {
			t.Fatal("nil report")
		}
		for _, p := range r.Problems {
			if p.Code == schemas.ProblemInternal {
				t.Fatalf("internal error: %+v", p)
			}
		}
		lines := strings.Split(doc.Text, "\n")
		for _, name := range []string{schemas.Table2, schemas.Table3, schemas.Table4} {
			for row, cells := range r.Table(name) {
				for col, c := range cells {
					checkCell(t, lines, name+"."+row+"."+col, c)
				}
			}
		}
	})
}
