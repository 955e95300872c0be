package parse

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"xxgk/pipeline/regions"
	"xxgk/schemas"
)

// FuzzParse: any text gives a report, never a panic; every number in a table came from the
// line it names and reads back to the same value; nothing unreadable became a number.
func FuzzParse(f *testing.F) {
	f.Add("一、总体情况\n二、主动公开政府信息情况\n规章 |\n0 |\n三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1\n")
	// the shapes of issue 13: cells run together, rows padded with their spans
	rng := rand.New(rand.NewPCG(1, 1))
	f.Add(runTogetherReport(schemas.FormatGB2021, randomTable3(rng, schemas.FormatGB2021), [15]int64{1, 0, 0, 0, 1}))
	f.Add(runTogetherReport(schemas.FormatGB2019, randomTable3(rng, schemas.FormatGB2019), [15]int64{}))
	// dash marks run together with the digits (issue 13 part 3)
	f.Add(runTogetherText(schemas.FormatGB2021, "///", map[string]string{"new_received": "1—1000—11", "granted": "———————",
		"withheld_state_secret": "10——120022", "total_handled": "1/2无3－6"}, "0000—000000—000"))
	if b, err := os.ReadFile("testdata/shapes/gb2019_html.txt"); err == nil {
		f.Add(terminated(string(b)))
	}
	f.Fuzz(func(t *testing.T, text string) {
		r := parseText("fuzz.txt", text, Options{})
		if r == nil {
			t.Fatal("nil report")
		}
		lines := strings.Split(text, "\n")
		for _, p := range r.Problems {
			if p.Code == schemas.ProblemInternal {
				t.Fatalf("internal error: %+v", p)
			}
			if p.File != "fuzz.txt" || p.Message == "" {
				t.Fatalf("problem without file or message: %+v", p)
			}
		}
		for _, name := range []string{schemas.Table2, schemas.Table3, schemas.Table4} {
			for row, cells := range r.Table(name) {
				for col, c := range cells {
					checkCell(t, lines, name+"."+row+"."+col, c)
				}
			}
		}
		if r.Fee.State != schemas.StateMissing && r.Fee.State != schemas.StateNumber {
			t.Fatalf("fee state %q", r.Fee.State)
		}
		if r.Status != "" {
			t.Fatalf("status set by parse")
		}
		// the body is strictly a body's name or nothing; the region a registered division at
		// the body's level, or nothing with a problem saying why
		if r.Body != "" && !isIssuingBody(r.Body) {
			t.Fatalf("body %q is not a body's name", r.Body)
		}
		if c := r.Region.Code; c != "" {
			if len(c) != r.Region.Level.CodeLen() {
				t.Fatalf("region %s at level %q", c, r.Region.Level)
			}
			if _, ok := regions.Default().Place(c); !ok {
				t.Fatalf("region %s is not a registered division", c)
			}
		} else if !hasProblem(r, schemas.ProblemRegion, "", "") && !hasProblem(r, schemas.ProblemNotReport, "", "") {
			t.Fatalf("no region and no region problem: %v", problemCodes(r))
		}
	})
}

func checkCell(t *testing.T, lines []string, where string, c schemas.Cell) {
	switch c.State {
	case schemas.StateMissing:
		if c.Value != 0 {
			t.Fatalf("%s: missing cell with value %s", where, c.Value)
		}
		return
	case schemas.StateNumber, schemas.StateDash, schemas.StateBlank, schemas.StateSplit:
	default:
		t.Fatalf("%s: state %q", where, c.State)
	}
	if c.Line < 1 || c.Line > len(lines) {
		t.Fatalf("%s: line %d of %d", where, c.Line, len(lines))
	}
	if c.State == schemas.StateBlank {
		if c.Value != 0 || strings.TrimSpace(c.Text) != "" {
			t.Fatalf("%s: blank %+v", where, c)
		}
		return
	}
	if !strings.Contains(lines[c.Line-1], c.Text) && !wrappedCell(lines, c) {
		t.Fatalf("%s: text %q not on line %d %q", where, c.Text, c.Line, lines[c.Line-1])
	}
	st, d, err := Value(c.Text, true, true)
	if c.State == schemas.StateSplit && st == schemas.StateNumber {
		st = schemas.StateSplit // split cells hold the digits of their own number
	}
	if err != nil || st != c.State || d != c.Value {
		t.Fatalf("%s: %+v does not read back (%s %s %v)", where, c, st, d, err)
	}
}

// wrappedCell: a PDF cell whose text wrapped in its cell (layout.go, joinWrapped) stands in
// parts on its line and the next lines, each part a word of its line ("1" / "0", "0" / "件" /
// "次"); a cell centred on its row (joinCentred) starts on a line above the row's, at most
// three, and its parts may stand around lines that hold none (the row's own line, a group
// label's): at least two parts, in order, within three lines of the row's line.
func wrappedCell(lines []string, c schemas.Cell) bool {
	for from := max(1, c.Line-3); from <= c.Line; from++ {
		rest := c.Text
		parts := 0
		for l := from; rest != "" && l <= len(lines) && l <= c.Line+3; l++ {
			part := ""
			for _, w := range strings.Fields(lines[l-1]) {
				if strings.HasPrefix(rest, w) && len(w) > len(part) {
					part = w
				}
			}
			if part == "" {
				if l == from || from == c.Line {
					break // the first part on its first line; joinWrapped's parts follow each other
				}
				continue
			}
			rest = rest[len(part):]
			parts++
		}
		if rest == "" && parts >= 2 {
			return true
		}
	}
	return false
}

// FuzzValue: Value never panics, and what it accepts is exact and within its flags.
func FuzzValue(f *testing.F) {
	for _, s := range []string{"19", "", "—", "251000元", "1,234", "+12", "-3", "0.35", "十二", "２０", "1,2,3"} {
		f.Add(s, true, true)
		f.Add(s, false, false)
	}
	f.Fuzz(func(t *testing.T, s string, decimal, signed bool) {
		st, d, err := Value(s, decimal, signed)
		if err != nil {
			if st != "" || d != 0 {
				t.Fatalf("error with state %q value %s", st, d)
			}
			return
		}
		switch st {
		case schemas.StateBlank, schemas.StateDash:
			if d != 0 {
				t.Fatalf("%q: %s with value %s", s, st, d)
			}
		case schemas.StateNumber:
			back, err := schemas.ParseDec(d.String())
			if err != nil || back != d {
				t.Fatalf("%q: %s does not round trip", s, d)
			}
			if !decimal && !d.IsInt() {
				t.Fatalf("%q: fraction in a count", s)
			}
			if !signed && d < 0 {
				t.Fatalf("%q: negative without sign allowed", s)
			}
		default:
			t.Fatalf("%q: state %q", s, st)
		}
	})
}
