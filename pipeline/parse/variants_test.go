package parse

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"xxgk/schemas"
)

// Printing variants of report-format.md ("What the text looks like") applied to the shape
// fixtures: each must read back exactly what the plain fixture reads.

// fixtureText reads a shape fixture.
func fixtureText(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/shapes/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// inTables applies f to the part of a fixture holding tables 3 and 4 (from section 三's
// heading to section 五's).
func inTables(t *testing.T, text string, f func(string) string) string {
	t.Helper()
	i := strings.LastIndex(text, "收到和处理政府信息公开申请情况")
	j := strings.LastIndex(text, "存在的主要问题")
	if i < 0 || j < i {
		t.Fatal("fixture changed: no tables 3 and 4")
	}
	return text[:i] + f(text[i:j]) + text[j:]
}

// expectFixture parses text and checks it against the expectations of the fixture's format.
func expectFixture(t *testing.T, name, text string, f schemas.Format, t4 string) *schemas.Report {
	t.Helper()
	r := parseText(name, text, Options{})
	for _, e := range errorsOf(r) {
		t.Errorf("problem: %+v", e)
	}
	t2, t3 := gb2021Table2, gb2021Table3
	if t4 == "" {
		t4 = "1 0 0 0 1 0 0 0 1 1 0 0 0 0 0"
	}
	if f == schemas.FormatGB2019 {
		t2, t3 = gb2019Table2, gb2019Table3
		if t4 == "1 0 0 0 1 0 0 0 1 1 0 0 0 0 0" {
			t4 = "2 1 0 0 3 1 0 0 0 1 0 0 0 0 0"
		}
	}
	if r.Format != f {
		t.Errorf("format %s, want %s", r.Format, f)
	}
	checkRows(t, "table2", r.Table2, t2cols(f, t2), t2)
	checkRows(t, "table3", r.Table3, t3cols(t3), t3)
	checkRows(t, "table4", r.Table4, t4cols(), t4spec(t4))
	return r
}

func formatOfFixture(name string) schemas.Format {
	if strings.HasPrefix(name, "gb2019") {
		return schemas.FormatGB2019
	}
	return schemas.FormatGB2021
}

func TestIsMDSeparator(t *testing.T) {
	for _, c := range []struct {
		line string
		want bool
	}{
		{"|---|---|---|", true},
		{"| --- | :-: | ---: |", true},
		{"|:-|:-|", true},
		{"---|---", true},
		{"|  |  | - |  |", false},      // a row of values: one dash cell, the rest empty
		{"| - | - | - |", false},       // every cell a dash: values, not a rule
		{"|  1  |  -  |  0  |", false}, // numbers
		{"|||", false},
		{"|  |  |", false},
		{"|---|  |", false}, // an empty cell is no rule
	} {
		if got := isMDSeparator(c.line); got != c.want {
			t.Errorf("isMDSeparator(%q) = %v, want %v", c.line, got, c.want)
		}
	}
}

// A markdown table 4 whose value row holds only empty cells and "-" dashes (no number) is a
// row of values, not the |---| rule: the dashes are read as dashes, the empties as blanks.
func TestMarkdownDashRow(t *testing.T) {
	text := fixtureText(t, "gb2021_markdown.txt")
	old := "|  1  |  0  |  0  |  0  |  1  |  0  |  0  |  0  |  1  |  1  |  0  |  0  |  0  |  0  |  0  |"
	if !strings.Contains(text, old) {
		t.Fatal("fixture changed")
	}
	for _, c := range []struct{ row, want string }{
		{"|    |    |  -  |    |    |    |    |    |    |    |    |  -  |    |    |    |", "b b - b b b b b b b b - b b b"},
		{"| - | - | - | - | - | - | - | - | - | - | - | - | - | - | - |", "- - - - - - - - - - - - - - -"},
		{"|  1  |    |  —  |    |  1  |  /  |    |    |  1  |  1  |    |    |    |  无  |    |", "1 b - b 1 - b b 1 1 b b b - b"},
	} {
		r := parseText("dash.txt", strings.Replace(text, old, c.row, 1), Options{})
		for _, e := range errorsOf(r) {
			t.Errorf("%s: problem: %+v", c.row, e)
		}
		checkRows(t, "table4 "+c.row, r.Table4, t4cols(), t4spec(c.want))
	}
}

var numberLine = regexp.MustCompile(`(?m)^(\d+)( \|)?$`)

// Counts of tables 3 and 4 carrying a unit ("3件", "12件次") read as the counts.
func TestUnitCells(t *testing.T) {
	for _, name := range []string{"gb2021_cells.txt", "gb2019_cells.txt", "gb2021_paras.txt", "gb2019_paras2.txt", "gb2019_cellpipe.txt"} {
		t.Run(name, func(t *testing.T) {
			k := 0
			text := inTables(t, fixtureText(t, name), func(s string) string {
				return numberLine.ReplaceAllStringFunc(s, func(m string) string {
					k++
					n, pipe, _ := strings.Cut(m, " ")
					unit := []string{"件", "件次"}[k%2]
					if pipe != "" {
						return n + unit + " " + pipe
					}
					return n + unit
				})
			})
			if k < 30 {
				t.Fatalf("only %d numbers given a unit", k)
			}
			expectFixture(t, name, text, formatOfFixture(name), "")
		})
	}
}

// Header words broken by a line break inside their cell (商业\n企业, 结果\n纠正) in shapes 1, 4
// and 5: the header is not positional, the values still are.
func TestHeaderLineBreaks(t *testing.T) {
	words := []string{"商业企业", "科研机构", "结果维持", "结果纠正", "其他结果", "尚未审结"}
	for _, name := range []string{"gb2021_cells.txt", "gb2019_cells.txt", "gb2021_paras.txt", "gb2019_paras.txt", "gb2021_markdown.txt", "gb2019_markdown.txt"} {
		t.Run(name, func(t *testing.T) {
			n := 0
			text := inTables(t, fixtureText(t, name), func(s string) string {
				for _, w := range words {
					n += strings.Count(s, w)
					r := []rune(w)
					s = strings.ReplaceAll(s, w, string(r[:2])+"\n"+string(r[2:]))
				}
				return s
			})
			if n == 0 && !strings.Contains(text, "结果\n") {
				t.Fatal("no header word to break")
			}
			expectFixture(t, name, text, formatOfFixture(name), "")
		})
	}
}

var (
	enumSep    = regexp.MustCompile(`(?m)^(\|?\s*)([1-8])[.．、，]`)
	bracketed  = regexp.MustCompile(`[(（]([一二三四五六七])[)）]`)
	numeralSep = regexp.MustCompile(`(?m)^(\|?\s*)([一二三四])[、，．.]`)
)

// Row labels with their separators (1.  1、  1，) and brackets ((三) （三）) varied label by
// label, and 一，本年新收… for 一、本年新收….
func TestLabelVariants(t *testing.T) {
	for _, name := range []string{"gb2021_cells.txt", "gb2019_rows.txt", "gb2021_paras2.txt", "gb2019_markdown.txt", "gb2021_cellpipe.txt"} {
		t.Run(name, func(t *testing.T) {
			k := 0
			text := inTables(t, fixtureText(t, name), func(s string) string {
				s = enumSep.ReplaceAllStringFunc(s, func(m string) string {
					k++
					sub := enumSep.FindStringSubmatch(m)
					return sub[1] + sub[2] + []string{"、", "，", ".", "．"}[k%4]
				})
				s = bracketed.ReplaceAllStringFunc(s, func(m string) string {
					k++
					sub := bracketed.FindStringSubmatch(m)
					if k%2 == 0 {
						return "(" + sub[1] + ")"
					}
					return "（" + sub[1] + "）"
				})
				return numeralSep.ReplaceAllString(s, "${1}${2}，")
			})
			if k < 10 {
				t.Fatalf("only %d labels changed", k)
			}
			expectFixture(t, name, text, formatOfFixture(name), "")
		})
	}
}

// The signed changes of a gb2019 table 二, the signs full-width or as a minus sign.
func TestSignedChanges(t *testing.T) {
	text := fixtureText(t, "gb2019_cells.txt")
	for _, c := range []struct{ plus, minus string }{{"＋12 |", "－3 |"}, {"+12 |", "−3 |"}, {"＋12 |", "-3 |"}} {
		s := strings.Replace(text, "+12 |", c.plus, 1)
		s = strings.Replace(s, "\n-3 |", "\n"+c.minus, 1)
		if s == text && c.plus != "+12 |" {
			t.Fatal("fixture changed")
		}
		expectFixture(t, c.plus+c.minus, s, schemas.FormatGB2019, "")
	}
}

// A title broken over two lines, after the year or before it, names the body.
func TestTitleOverTwoLines(t *testing.T) {
	for _, title := range []string{
		"朝阳县教育局2021年\n政府信息公开工作年度报告",
		"朝阳县教育局\n2021年政府信息公开工作年度报告",
	} {
		text := title + "\n一、总体情况\n2021年，我局共收到政府信息公开申请15件。\n"
		r := parseText("title.txt", text, Options{})
		if r.Title != strings.ReplaceAll(title, "\n", "") || r.Body != "朝阳县教育局" || r.Year != 2021 {
			t.Errorf("%q: title %q body %q year %d", title, r.Title, r.Body, r.Year)
		}
	}
}

var brokenHeader = regexp.MustCompile(`(?m)^(商业|科研|结果|其他|尚未)\n\n(企业|机构|维持|纠正|结果|审结)$`)

// Double-spaced paragraphs (a blank line after every cell) whose header words break inside
// their cell (商业\n企业 with no blank line between): still double-spaced, the values still
// positional.
func TestDoubleSpacedBrokenHeaders(t *testing.T) {
	for _, name := range []string{"gb2021_paras2.txt", "gb2019_paras2.txt"} {
		t.Run(name, func(t *testing.T) {
			text := inTables(t, fixtureText(t, name), func(s string) string {
				return brokenHeader.ReplaceAllString(s, "$1\n$2")
			})
			if n := strings.Count(text, "结果\n纠正\n"); n < 3 {
				t.Fatalf("fixture changed: %d broken header words", n)
			}
			expectFixture(t, name, text, formatOfFixture(name), "")
		})
	}
}
