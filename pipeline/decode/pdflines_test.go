package decode

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// box is a -tsv word box given by its text, horizontal extent and vertical centre and height.
func box(text string, x0, x1, cy, h float64) tsvWord {
	return tsvWord{text: text, x0: x0, x1: x1, yb: cy + h/2, h: h}
}

// layoutPage lays out one page of boxes and returns its lines (trailing spaces cut) and words.
func layoutPage(t *testing.T, page []tsvWord) ([]string, [][]Word) {
	t.Helper()
	g, ok := newGrid([][]tsvWord{page})
	if !ok {
		t.Fatal("no grid")
	}
	lines, words := g.boxPage(page)
	if len(lines) != len(words) {
		t.Fatalf("%d lines, %d word lists", len(lines), len(words))
	}
	for i, l := range lines {
		var joined strings.Builder
		for _, w := range words[i] {
			if w.X0 > w.X1 {
				t.Errorf("line %d: word %q at %v–%v", i, w.Text, w.X0, w.X1)
			}
			joined.WriteString(w.Text)
		}
		if got, want := joined.String(), strings.Join(strings.Fields(l), ""); got != want {
			t.Errorf("line %d %q: words spell %q", i, l, got)
		}
	}
	return lines, words
}

// fields gives each line as its words separated by " | " where the text has two or more
// spaces (a cell boundary) and by " " where it has one.
func fields(lines []string) []string {
	var out []string
	for _, l := range lines {
		l = strings.TrimSpace(l)
		for strings.Contains(l, "   ") {
			l = strings.ReplaceAll(l, "   ", "  ")
		}
		out = append(out, strings.ReplaceAll(l, "  ", " | "))
	}
	return out
}

func sameLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestBoxLinesFontChange: a Type 3 CJK font's boxes (22.5 pt tall, their centres 2.2 pt
// above those of the DejaVu digits on the same baseline, as Chromium prints Noto Sans CJK)
// and a group label's second line between two rows, nearer to the centre of the Chinese part
// of the row label below it than that label is to its own "5.". The rows' labels, their
// digits and their numbers each make one line; the group label's line stays apart or joins
// the row, never takes a part of its label. Coordinates from a printed report (龙城区, table
// 3, (三)不予公开).
func TestBoxLinesFontChange(t *testing.T) {
	page := []tsvWord{
		box("(", 109.4, 112.8, 293.33, 10.1), box("三", 112.8, 121.4, 291.13, 22.5),
		box(")", 121.4, 124.8, 293.33, 10.1), box("不", 124.8, 133.4, 291.13, 22.5),
		box("4.", 145.0, 153.2, 293.33, 10.1), box("保护第三方合法权益", 153.2, 239.6, 291.13, 22.5),
		box("0", 272.6, 278.1, 293.33, 10.1), box("0", 310.9, 316.4, 293.33, 10.1),
		box("予公开", 108.4, 134.4, 305.40, 22.5),
		box("5.", 149.3, 157.5, 310.18, 10.1), box("属于三类内部事务信息", 157.5, 243.9, 308.00, 22.5),
		box("4", 272.6, 278.1, 310.18, 10.1), box("0", 310.9, 316.4, 310.18, 10.1),
		box("6.", 153.6, 161.8, 328.99, 10.1), box("属于四类过程性信息", 161.8, 239.6, 326.80, 22.5),
		box("2", 272.6, 278.1, 328.99, 10.1), box("0", 310.9, 316.4, 328.99, 10.1),
	}
	lines, words := layoutPage(t, page)
	got := fields(lines)
	want := []string{
		"(三)不 | 4.保护第三方合法权益 | 0 | 0",
		"予公开 | 5.属于三类内部事务信息 | 4 | 0",
		"6.属于四类过程性信息 | 2 | 0",
	}
	if len(got) == 4 && got[1] == "予公开" { // the group label on a line of its own
		want = append(want[:1], append([]string{"予公开", "5.属于三类内部事务信息 | 4 | 0"}, want[2:]...)...)
	}
	sameLines(t, got, want)
	for i, ws := range words {
		for _, w := range ws {
			if strings.HasPrefix(w.Text, "5.") && (w.X0 != 149.3 || w.X1 != 243.9) {
				t.Errorf("line %d: label word %q at %v–%v, want 149.3–243.9 (both boxes)", i, w.Text, w.X0, w.X1)
			}
		}
	}
}

// TestBoxLinesOrder: the "3." of a label is a box of another font set left of "其他" and
// lower; pdftotext -layout printed "其他 3.". Left to right it reads "3.其他".
func TestBoxLinesOrder(t *testing.T) {
	page := []tsvWord{
		box("其他", 198.08, 215.36, 68.74, 22.47),
		box("3.", 189.84, 198.09, 70.93, 10.06),
		box("0", 274.63, 280.13, 70.93, 10.06),
		box("（七）总计", 159.86, 203.07, 87.54, 22.47),
		box("0", 274.63, 280.13, 89.73, 10.06),
	}
	lines, _ := layoutPage(t, page)
	sameLines(t, fields(lines), []string{"3.其他 | 0", "（七）总计 | 0"})
}

// TestBoxLinesVertical: a label set top to bottom (an Identity-V font: "三" "、本" "年" "度办"
// "理" "结果", one character wide, stacked) is one word at the run's middle, on the line of
// the row beside it (coordinates of 洪泽区 2024, page 3).
func TestBoxLinesVertical(t *testing.T) {
	page := []tsvWord{
		box("三", 90.5, 100.5, 609.65, 9.9), box("、本", 90.5, 100.5, 624.75, 19.9),
		box("年", 90.5, 100.5, 639.8, 10), box("度办", 90.5, 100.5, 654.85, 19.9),
		box("理", 90.5, 100.5, 669.9, 10), box("结果", 90.5, 100.5, 684.95, 19.9),
		box("1.属于国家秘密", 150, 220, 649.8, 9.9), box("0", 322, 329, 649.8, 9.9),
		box("2.其他法律行政法规禁止公开", 130, 250, 670, 9.9), box("0", 322, 329, 670, 9.9),
	}
	lines, _ := layoutPage(t, page)
	sameLines(t, fields(lines), []string{
		"三、本年度办理结果 | 1.属于国家秘密 | 0",
		"2.其他法律行政法规禁止公开 | 0",
	})
}

// TestBoxLinesCells: two numbers with their units in narrow cells whose boxes touch are two
// cells; a full-width comma set half an em into the "》" before it stays on the line; digits
// in a sentence join the Chinese around them.
func TestBoxLinesCells(t *testing.T) {
	page := []tsvWord{
		box("一、本年新收政府信息公开申请数量", 60, 228, 100, 12), box("0件", 440, 455, 100, 12), box("2件", 455, 470, 100, 12),
		box("依据《政府信息公开信息处理费管理办法》", 82.9, 280.1, 120.97, 27),
		box("，", 274.9, 285.2, 120.97, 27), box("2023", 285.2, 311.6, 123.6, 12.1),
		box("年区政府收取信息处理费", 311.6, 425.8, 120.97, 27), box("0", 425.8, 432.4, 123.6, 12.1),
		box("元。", 432.4, 453.1, 120.97, 27),
	}
	lines, _ := layoutPage(t, page)
	sameLines(t, fields(lines), []string{
		"一、本年新收政府信息公开申请数量 | 0件 | 2件",
		"依据《政府信息公开信息处理费管理办法》，2023年区政府收取信息处理费0元。",
	})
}

// TestBoxLinesBlank: lines of running text 1.7 em apart are consecutive lines; a gap of more
// than 3 em leaves a blank line; a line starts at the character column of its left edge
// (a column is half an em).
func TestBoxLinesBlank(t *testing.T) {
	page := []tsvWord{
		box("按照工作部署，我局继续把政府信息公开工作纳入重要议事日程", 60, 396, 100, 13),
		box("统筹推进主动公开。", 36, 144, 120.4, 13),
		box("二、主动公开政府信息情况", 36, 180, 165, 13),
	}
	lines, _ := layoutPage(t, page)
	want := []string{
		"    按照工作部署，我局继续把政府信息公开工作纳入重要议事日程",
		"统筹推进主动公开。",
		"",
		"二、主动公开政府信息情况",
	}
	sameLines(t, lines, want)
}

// TestFontShifts: the centres of two fonts on one baseline are moved together only from two
// or more font changes inside words; a single pair, or boxes of consecutive lines that
// happen to touch, move nothing.
func TestFontShifts(t *testing.T) {
	pair := func(x, cy float64) []tsvWord {
		return []tsvWord{box("5.", x, x+8, cy+2.2, 10.1), box("属于", x+8, x+26, cy, 22.5)}
	}
	one := pair(100, 200)
	if s := fontShifts([][]tsvWord{one}, 8.6); len(s) != 0 {
		t.Errorf("one pair: %v", s)
	}
	two := append(pair(100, 200), pair(100, 240)...)
	s := fontShifts([][]tsvWord{two}, 8.6)
	d := s[heightKey(22.5)] - s[heightKey(10.1)]
	if d < -2.21 || d > -2.19 {
		t.Errorf("two pairs: shifts %v, want the Type 3 height 2.2 above the other", s)
	}
	// a word ending where one of the next line begins, 20 points lower
	far := []tsvWord{box("计发布各类政府信息", 62, 155, 214.9, 27), box("900", 155, 175, 234.9, 12.1),
		box("我局", 62, 82, 254.9, 27), box("12", 82, 92, 274.9, 12.1)}
	if s := fontShifts([][]tsvWord{far}, 10.4); len(s) != 0 {
		t.Errorf("consecutive lines: %v", s)
	}
}

// tsvOf writes pages of boxes as `pdftotext -tsv` prints them (level 5 rows only).
func tsvOf(pages ...[]tsvWord) string {
	var b strings.Builder
	b.WriteString("level\tpage_num\tpar_num\tblock_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n")
	for p, pg := range pages {
		for _, w := range pg {
			fmt.Fprintf(&b, "5\t%d\t0\t0\t0\t0\t%.2f\t%.2f\t%.2f\t%.2f\t100\t%s\n", p+1, w.x0, w.yb-w.h, w.x1-w.x0, w.h, w.text)
		}
	}
	return b.String()
}

// FuzzPDFLines fuzzes the lines built from word boxes: pdftotext's -tsv output (and the
// -layout text that gives the pages) through parseTSV, the page layout and DecodePDFText.
// Never a panic; a page's lines hold exactly the characters of its boxes, each once; every
// line's words spell it, each with its extent; the decoded document's words spell its lines.
// Seeds: the pages of the tests above and the saved pdftotext output of package parse's
// layout cases.
func FuzzPDFLines(f *testing.F) {
	f.Add("p1\f", tsvOf([]tsvWord{
		box("5.", 149.3, 157.5, 310.18, 10.1), box("属于三类内部事务信息", 157.5, 243.9, 308.00, 22.5),
		box("予公开", 108.4, 134.4, 305.40, 22.5), box("4", 272.6, 278.1, 310.18, 10.1),
		box("三", 90.5, 100.5, 609.65, 9.9), box("、本", 90.5, 100.5, 624.75, 19.9),
		box("0件", 440, 455, 100, 12), box("2件", 455, 470, 100, 12),
	}))
	f.Add("p1\fp2\f", tsvOf([]tsvWord{box("一、总体情况", 60, 120, 100, 13)}, []tsvWord{box("-2-", 280, 300, 800, 12)}))
	seeds, _ := filepath.Glob("../parse/testdata/layout/*.tsv")
	for _, p := range seeds {
		tsv, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		layout, _ := os.ReadFile(strings.TrimSuffix(p, ".tsv") + ".layout.txt")
		f.Add(string(layout), string(tsv))
	}
	f.Fuzz(func(t *testing.T, layout, tsv string) {
		pages := parseTSV([]byte(tsv))
		if g, ok := newGrid(pages); ok {
			for _, pg := range pages {
				if len(pg) > maxBoxes {
					continue
				}
				lines, words := g.boxPage(pg)
				if len(lines) != len(words) {
					t.Fatalf("%d lines, %d word lists", len(lines), len(words))
				}
				want := map[rune]int{}
				for _, w := range pg {
					for _, r := range w.text {
						if !unicode.IsSpace(r) {
							want[r]++
						}
					}
				}
				for i, l := range lines {
					var joined strings.Builder
					for _, w := range words[i] {
						if !(w.X0 <= w.X1) {
							t.Fatalf("word %q at %v–%v", w.Text, w.X0, w.X1)
						}
						joined.WriteString(w.Text)
					}
					if joined.String() != strings.ReplaceAll(l, " ", "") {
						t.Fatalf("line %q: words spell %q", l, joined.String())
					}
					for _, r := range l {
						if r != ' ' {
							want[r]--
						}
					}
				}
				for r, n := range want {
					if n != 0 {
						t.Fatalf("character %q: %d more in the boxes than in the lines", r, n)
					}
				}
			}
		}
		d, err := DecodePDFText("fuzz.pdf", []byte(layout), []byte(tsv))
		if err != nil {
			return
		}
		lines := strings.Split(d.Text, "\n")
		if d.PageOfLine != nil && len(d.PageOfLine) != len(lines) {
			t.Fatalf("%d lines, %d pages of lines", len(lines), len(d.PageOfLine))
		}
		if d.Words != nil {
			if len(d.Words) != len(lines) {
				t.Fatalf("%d lines, %d word lists", len(lines), len(d.Words))
			}
			for i, ws := range d.Words {
				if ws == nil {
					continue
				}
				var joined strings.Builder
				for _, w := range ws {
					joined.WriteString(w.Text)
				}
				if joined.String() != strings.Join(strings.Fields(lines[i]), "") {
					t.Fatalf("line %d %q: words spell %q", i+1, lines[i], joined.String())
				}
			}
		}
	})
}

// BenchmarkPDFLines lays out the pages of a saved report (WenQuanYi, 3 pages, tables 2–4) from
// its word boxes: the work DecodePDFText adds to pdftotext's, per document.
func BenchmarkPDFLines(b *testing.B) {
	tsv, err := os.ReadFile("../parse/testdata/layout/blank-totals.tsv")
	if err != nil {
		b.Skip(err)
	}
	pages := parseTSV(tsv)
	b.SetBytes(int64(len(tsv)))
	b.ResetTimer()
	for b.Loop() {
		g, _ := newGrid(pages)
		for _, pg := range pages {
			g.boxPage(pg)
		}
	}
}

// TestBoxLinesHostile: coordinates that are not numbers or absurdly far, and a page of boxes
// all in one place, are laid out without a panic, an endless loop or a line of millions of
// spaces.
func TestBoxLinesHostile(t *testing.T) {
	nan := math.NaN()
	page := []tsvWord{box("一、总体情况", 60, 120, 100, 13), box("NaN", nan, 10, 100, 10), box("远", 1e9, 1e9+10, 100, 10),
		box("宽", 100, 1e5, 120, 10), box("无穷", math.Inf(1), math.Inf(1), 100, 10)}
	for range 3000 {
		page = append(page, box("三", 50, 60, 200, 40))
	}
	lines, _ := layoutPage(t, page)
	for _, l := range lines {
		if len(l) > 20000 {
			t.Fatalf("a line of %d bytes", len(l))
		}
	}
}
