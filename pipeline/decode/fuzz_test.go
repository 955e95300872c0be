package decode

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"xxgk/pipeline"
)

// FuzzDecode checks that Decode never panics, that it either fails with an InputError that
// names the file or returns valid UTF-8, that every '|' line of an HTML page is a well
// formed grid row whose Doc.Spans entry describes its slots (and no other line has one), and
// that decoding plain text again changes nothing. Seeds live in testdata/fuzz/FuzzDecode (HTML
// pages, GBK and Big5 text, UTF-16, broken tables, and small forms of the attacks of issue 11:
// Word documents nested deep, flooded with empty paragraphs, with text split by comments, with
// huge spans, many ZIP entries; deeply nested HTML, huge spans, runs of empty elements,
// misnested tags, the 144-byte table).
func FuzzDecode(f *testing.F) {
	f.Add("a.txt", []byte("一、总体情况\n商业 企业 |\n|||\n"))
	f.Add("a.html", []byte(`<table><tr><td rowspan=2 colspan=3>a</td><td>0</td></tr><tr><td>&nbsp;</td></tr></table>`))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		d, err := Decode(name, data)
		if err != nil {
			var ie *pipeline.InputError
			if !errors.As(err, &ie) || ie.Path != name {
				t.Fatalf("error %T %v is not an InputError for %q", err, err, name)
			}
			known := false
			for _, s := range []error{pipeline.ErrEmpty, pipeline.ErrBinary, pipeline.ErrEncoding, pipeline.ErrTooLarge, pipeline.ErrUnsupported,
				pipeline.ErrCorrupt, pipeline.ErrEncrypted, pipeline.ErrNeedsOCR, pipeline.ErrToolMissing, pipeline.ErrLimit, pipeline.ErrTimeout} {
				known = known || errors.Is(err, s)
			}
			if !known {
				t.Fatalf("error %v wraps no decode sentinel", err)
			}
			return
		}
		if !utf8.ValidString(d.Text) || !utf8.ValidString(d.Title) {
			t.Fatalf("invalid UTF-8 in output")
		}
		if strings.TrimSpace(d.Text) == "" {
			t.Fatalf("empty text without ErrEmpty")
		}
		if strings.Contains(d.Text, "\r") {
			t.Fatalf("CR in output")
		}
		if d.Kind == KindHTML {
			checkGrid(t, d.Text)
			checkSpans(t, d)
			return
		}
		if d.Spans != nil && d.Kind != KindDOCX {
			t.Fatalf("spans on a %s document", d.Kind)
		}
		again, err := Decode(name, []byte(d.Text))
		if err != nil {
			t.Fatalf("decoding the output again: %v", err)
		}
		if again.Kind == KindText && again.Text != d.Text {
			t.Fatalf("not idempotent: %s", firstDiff(again.Text, d.Text))
		}
	})
}

// checkGrid asserts that every line with '|' is a grid row "| a | b |" and that the rows of
// one table have the same number of slots.
func checkGrid(t *testing.T, text string) {
	t.Helper()
	slots := -1
	for i, line := range strings.Split(text, "\n") {
		if !strings.Contains(line, "|") {
			slots = -1
			continue
		}
		if !strings.HasPrefix(line, "| ") || !strings.HasSuffix(line, " |") || len(line) < 4 {
			t.Fatalf("line %d is not a grid row: %q", i+1, line)
		}
		n := strings.Count(line, "|") - 1
		if slots >= 0 && n != slots {
			t.Fatalf("line %d has %d slots, the row above %d: %q", i+1, n, slots, line)
		}
		slots = n
	}
}

// FuzzHTML fuzzes the HTML reader alone: every input is decoded as a web page, and must give
// a text whose grid rows are well formed and described by Doc.Spans, within the bounds of a
// linear reader (other text at most a few times the input, at most maxSlots grid slots). Its
// seeds are the HTML seeds of FuzzDecode and the test pages.
func FuzzHTML(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/fuzz/FuzzDecode/html-*")
	for _, s := range seeds {
		_, b := readSeedFile(f, s)
		f.Add(b)
	}
	for _, p := range []string{"testdata/page.html", "testdata/report.html"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Decode("f.html", data)
		if err != nil {
			return
		}
		if d.Kind != KindHTML {
			return
		}
		checkGrid(t, d.Text)
		checkSpans(t, d)
		slots, other := 0, 0
		for _, line := range strings.Split(d.Text, "\n") {
			if strings.HasPrefix(line, "| ") {
				slots += strings.Count(line, "|") - 1
			} else {
				other += len(line) + 1
			}
		}
		if slots > maxSlots || other > 3*len(data)+64 {
			t.Fatalf("%d grid slots and %d bytes of other text from %d bytes", slots, other, len(data))
		}
	})
}
