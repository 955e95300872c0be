package parse

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"xxgk/pipeline/decode"
	"xxgk/schemas"
)

// The testdata/layout cases are generated reports (package gen) printed to PDF by Chromium,
// kept as pdftotext's own output (-layout and -tsv) with their gold:
//   - blank-totals: every row of table 3 prints its 总计 blank, table 4 its three 总计; labels
//     wrap over two and three lines, the numbers on the first, middle or last of them; table
//     3 runs onto the next page;
//   - blank-zeros: zeros print blank: rows with blanks in the middle ("1 … 1"), rows of table 2
//     and 3 printing no number at all (wrapped labels among them), a lone table 2 column;
//   - blank-zeros-t4: table 4 prints 6 of its 15 numbers, its first column blank;
//   - blank-table4: table 4 prints no number at all; table 3 neither (gb2019, its blank
//     （六）其他处理 row).
//
// Those four are printed in WenQuanYi Zen Hei. In other fonts and printers (the fonts of
// TestPDFRoundTrip in package gen):
//   - noto-sans-units: Noto Sans CJK through Chromium (Type 3 fonts, boxes 2.6 em tall), every
//     number of table 3 with its unit, the digits in DejaVu: -layout printed "17" and "件" of
//     one cell on different lines and rows staggered over three lines;
//   - noto-sans-order: the same fonts; -layout printed the label "3.其他" as "其他 3.";
//   - lo-docx-unit-wrap: the generator's Word file exported by LibreOffice Writer in WenQuanYi:
//     narrow columns wrap "0件" as "0" over "件" in every cell of table 3;
//   - lo-docx-unit-wrap3: the same in Noto Sans CJK, "0件次" over three lines ("0" / "件" /
//     "次");
//   - lo-docx-digit-wrap: the same printer and font, the 自然人 column one character wide:
//     "10" prints as "1" over "0", "12" as "1" over "2";
//   - lo-docx-no-numbers: the same printer in Noto Serif CJK, table 3 printing no number at
//     all (zeros blank), its header right above its first row with no gap: the header lines
//     are told from the row labels by where the labels end;
//   - lo-html-narrow: the report's web page printed by LibreOffice: (六)其他处理 wraps as "(六"
//     / ")其" / "他处" / "理" beside row labels wrapped over five lines, numbers and units of
//     two cells touching ("0件" "0件");
//   - lo-html-centred-units: the same printer in Noto Sans CJK: "0件次" cells that wrap are
//     centred on their row, "0件" on the line above it and "次" on the line below, the cells
//     that fit on its line; paragraphs are not indented (the heading of section 六 after a
//     paragraph whose last line is full);
//   - lo-html-blank-table2: the same printer in Noto Serif CJK: table 2's header texts fill
//     their cells (four points apart), and its 规章 row prints no number.

func loadLayoutCase(t *testing.T, name string, withTSV bool) (*decode.Doc, *schemas.Report) {
	t.Helper()
	base := filepath.Join("testdata", "layout", name)
	layout, err := os.ReadFile(base + ".layout.txt")
	if err != nil {
		t.Fatal(err)
	}
	var tsv []byte
	if withTSV {
		if tsv, err = os.ReadFile(base + ".tsv"); err != nil {
			t.Fatal(err)
		}
	}
	doc, err := decode.DecodePDFText(name+".pdf", layout, tsv)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(base + ".gold.json")
	if err != nil {
		t.Fatal(err)
	}
	gold := &schemas.Report{}
	if err := json.Unmarshal(b, gold); err != nil {
		t.Fatal(err)
	}
	return doc, gold
}

// TestLayoutPositions reads each case exactly: every number and blank cell of tables 2–4 in
// its column, no problem about the tables, every cell with its line and page.
func TestLayoutPositions(t *testing.T) {
	for _, name := range []string{"blank-totals", "blank-zeros", "blank-zeros-t4", "blank-table4",
		"noto-sans-units", "noto-sans-order", "lo-docx-unit-wrap", "lo-docx-unit-wrap3", "lo-docx-digit-wrap",
		"lo-docx-no-numbers", "lo-html-narrow", "lo-html-centred-units", "lo-html-blank-table2",
		"noto-serif-mixed-t2", "noto-serif-dash-t4", "lo-html-wrapped-group",
		"lo-html-offset-label", "lo-html-centred-group"} {
		t.Run(name, func(t *testing.T) {
			doc, gold := loadLayoutCase(t, name, true)
			if doc.Words == nil {
				t.Fatal("no word positions")
			}
			r := Parse(doc, Options{})
			for _, d := range schemas.DiffNumbers(gold, r) {
				if !strings.Contains(d, "(derived)") { // totals package validate derives
					t.Error(d)
				}
			}
			for _, p := range r.Problems {
				if p.Table != "" || p.Code == schemas.ProblemSectionMissing {
					t.Errorf("problem: %s %s %s.%s line %d: %s", p.Code, p.Table, p.Row, p.Column, p.Line, p.Message)
				}
			}
			for _, g := range []schemas.Grid{r.Table2, r.Table3, r.Table4} {
				for row, cells := range g {
					for col, c := range cells {
						if c.State != schemas.StateMissing && (c.Line == 0 || c.Page == 0) {
							t.Errorf("%s.%s: line %d page %d", row, col, c.Line, c.Page)
						}
					}
				}
			}
		})
	}
}

// TestLayoutColumnCells pins single cells: value, state and provenance. The line a cell
// names is the line of the text where its row's numbers stand, found by what that line (or
// the one before it) says, with the spaces left out: at names a text, off the line after it
// (1) or the line itself (0).
func TestLayoutColumnCells(t *testing.T) {
	type cell struct {
		table, row, col string
		state           schemas.CellState
		value           string
		at              string
		off, page       int
	}
	const t4header = "计果维持果纠正" // the second line of table 4's header words
	cases := map[string][]cell{
		"blank-totals": {
			// a blank total after six numbers
			{"table3", "new_received", "natural_person", schemas.StateNumber, "7", "一、本年新收政府信息公开申请数量", 0, 2},
			{"table3", "new_received", "other_org", schemas.StateNumber, "1", "一、本年新收政府信息公开申请数量", 0, 2},
			{"table3", "new_received", "total", schemas.StateBlank, "0", "一、本年新收政府信息公开申请数量", 0, 2},
			// wrapped label, numbers on its middle line
			{"table3", "withheld_law_prohibited", "total", schemas.StateBlank, "0", "2.其他法律行政法规禁止公", 1, 2},
			// on the next page, under the header of the page before
			{"table3", "total_handled", "natural_person", schemas.StateNumber, "9", "(七)总计", 0, 3},
			{"table3", "total_handled", "total", schemas.StateBlank, "0", "(七)总计", 0, 3},
			// table 4: a blank 总计 after each group's four numbers
			{"table4", "review", "pending", schemas.StateNumber, "0", t4header, 1, 3},
			{"table4", "review", "total", schemas.StateBlank, "0", t4header, 1, 3},
			{"table4", "litigation_direct", "upheld", schemas.StateNumber, "0", t4header, 1, 3},
			{"table4", "litigation_after_review", "total", schemas.StateBlank, "0", t4header, 1, 3},
		},
		"blank-zeros": {
			// blanks in the middle of a row: "1 … 1"
			{"table3", "new_received", "natural_person", schemas.StateNumber, "1", "一、本年新收政府信息公开申请数量", 0, 2},
			{"table3", "new_received", "commercial", schemas.StateBlank, "0", "一、本年新收政府信息公开申请数量", 0, 2},
			{"table3", "new_received", "other_org", schemas.StateBlank, "0", "一、本年新收政府信息公开申请数量", 0, 2},
			{"table3", "new_received", "total", schemas.StateNumber, "1", "一、本年新收政府信息公开申请数量", 0, 2},
			// a row printing no number, its label wrapped over three lines beside a group label
			{"table3", "other_no_correction", "total", schemas.StateBlank, "0", "1.申请人无正当理由逾期不补", 0, 2},
			// table 2: a row of three columns printing only the last; a lone column left blank
			{"table2", "normative_documents", "issued", schemas.StateBlank, "0", "行政规范性文件", 0, 1},
			{"table2", "normative_documents", "in_force", schemas.StateNumber, "3", "行政规范性文件", 0, 1},
			{"table2", "coercion", "decisions", schemas.StateBlank, "0", "行政强制", 0, 1},
		},
		"blank-zeros-t4": {
			{"table4", "review", "upheld", schemas.StateBlank, "0", t4header, 1, 3},
			{"table4", "review", "corrected", schemas.StateNumber, "1", t4header, 1, 3},
			{"table4", "review", "total", schemas.StateNumber, "3", t4header, 1, 3},
			{"table4", "litigation_direct", "upheld", schemas.StateBlank, "0", t4header, 1, 3},
			{"table4", "litigation_after_review", "upheld", schemas.StateNumber, "1", t4header, 1, 3},
			{"table4", "litigation_after_review", "total", schemas.StateNumber, "1", t4header, 1, 3},
		},
	}
	for name, cells := range cases {
		t.Run(name, func(t *testing.T) {
			doc, _ := loadLayoutCase(t, name, true)
			lines := strings.Split(doc.Text, "\n")
			lineOf := func(at string) int {
				found := 0
				for i, l := range lines {
					if strings.Contains(strings.ReplaceAll(l, " ", ""), at) {
						if found != 0 {
							t.Fatalf("%q on lines %d and %d", at, found, i+1)
						}
						found = i + 1
					}
				}
				if found == 0 {
					t.Fatalf("no line says %q", at)
				}
				return found
			}
			r := Parse(doc, Options{})
			for _, w := range cells {
				line := lineOf(w.at) + w.off
				c, ok := r.Table(w.table).Get(w.row, w.col)
				if !ok || c.State != w.state || c.Value.String() != w.value || c.Line != line || c.Page != w.page {
					t.Errorf("%s.%s.%s: got %s %s line %d page %d (%v), want %s %s line %d page %d",
						w.table, w.row, w.col, c.State, c.Value.String(), c.Line, c.Page, ok, w.state, w.value, line, w.page)
				}
				if c.State == schemas.StateNumber && !strings.Contains(" "+lines[c.Line-1]+" ", " "+c.Text+" ") {
					t.Errorf("%s.%s.%s: %q is not a word of line %d %q", w.table, w.row, w.col, c.Text, c.Line, lines[c.Line-1])
				}
			}
		})
	}
}

// TestLayoutWithoutPositions: the same text without word positions cannot place the numbers
// of short rows: they are flagged, never read into the wrong column.
func TestLayoutWithoutPositions(t *testing.T) {
	for _, name := range []string{"blank-totals", "blank-zeros", "blank-zeros-t4"} {
		t.Run(name, func(t *testing.T) {
			doc, gold := loadLayoutCase(t, name, false)
			if doc.Words != nil {
				t.Fatal("word positions without -tsv output")
			}
			r := Parse(doc, Options{})
			diff := schemas.DiffNumbers(gold, r)
			if len(diff) == 0 {
				t.Fatal("read exactly without positions: the case tests nothing")
			}
			for _, d := range diff {
				if !strings.HasSuffix(d, `got 0 (missing) "" line 0`) {
					t.Errorf("wrong, not flagged: %s", d)
				}
			}
			amb := 0
			for _, p := range r.Problems {
				if p.Code == schemas.ProblemAmbiguous {
					amb++
				}
			}
			if amb == 0 {
				t.Error("no ambiguous problem")
			}
		})
	}
}

// TestHeaderColumns: stacked header words make one column each; words spanning columns are
// left out; touching lines of one header join.
func TestHeaderColumns(t *testing.T) {
	words := []xr{
		{376, 437},             // 法人或其他组织: spans 社会公益组织 and 法律服务机构
		{383, 427},             // 申请人情况
		{282, 290}, {269, 286}, // 自 / 然人
		{320, 329}, {303, 329}, // 商 / 业企业
		{398, 415}, {380, 415}, // 社会 / 公益组织
		{443, 460}, {425, 460}, // 法律 / 服务机构
		{521, 530}, {512, 521}, // 总 / 计, side by side
	}
	cols := headerColumns(words)
	want := []xr{{269, 290}, {303, 329}, {380, 415}, {425, 460}, {512, 530}}
	if len(cols) != len(want) {
		t.Fatalf("got %v, want %v", cols, want)
	}
	for i := range want {
		if cols[i] != want[i] {
			t.Errorf("column %d: got %v, want %v", i, cols[i], want[i])
		}
	}
	// two columns whose words touch cannot be told apart
	if c := headerColumns([]xr{{10, 20}, {21, 30}, {40, 50}}); len(c) != 2 {
		t.Errorf("touching words: got %v", c)
	}
}

// TestPlaceRow: numbers go to the column they stand in; a number on a boundary, two numbers
// in one column, or a number outside every column leave the row unplaced.
func TestPlaceRow(t *testing.T) {
	cols := []xr{{100, 120}, {140, 160}, {180, 200}}
	row := func(xs ...float64) *lline {
		l := &lline{}
		for _, x := range xs {
			l.chunks = append(l.chunks, lchunk{val: true, placed: true, x0: x - 3, x1: x + 3})
		}
		return l
	}
	if a := placeRow(row(110, 190), cols); len(a) != 2 || a[0] != 0 || a[1] != 2 {
		t.Errorf("blank in the middle: got %v", a)
	}
	if a := placeRow(row(150), cols); len(a) != 1 || a[0] != 1 {
		t.Errorf("lone number: got %v", a)
	}
	for _, xs := range [][]float64{{130}, {145, 155}, {300}, {30}} {
		if a := placeRow(row(xs...), cols); a != nil {
			t.Errorf("%v: got %v, want unplaced", xs, a)
		}
	}
	if a := placeRow(row(110), []xr{{100, 120}}); len(a) != 1 || a[0] != 0 {
		t.Errorf("one column: got %v", a)
	}
}

// TestWordColumns: a header's words give as many columns as the table has, whether two cells'
// texts stand four points apart (LibreOffice: 本年新制作数量, 本年新公开数量, 对外公开总数量)
// or one cell's characters are letter-spaced ("未 审" under "尚" and over "结").
func TestWordColumns(t *testing.T) {
	three := [][]xr{{{183, 267}, {271, 355}, {359, 443}}}
	if c := wordColumns(three, pointWidths); len(c) != 3 {
		t.Errorf("cells four points apart: %v, want 3 columns", c)
	}
	// two columns of a table 4 header: "尚" / "未 审" / "结" and "总" / "计"
	spaced := [][]xr{{{178, 186.6}, {209.8, 218.4}}, {{163.6, 172.3}, {175.0, 183.7}, {201.1, 209.8}}, {{169.4, 178.0}}}
	if c := wordColumns(spaced, map[int]bool{2: true}); len(c) != 2 || c[0] != (xr{163.6, 186.6}) {
		t.Errorf("letter-spaced: %v, want [{163.6 186.6} {201.1 218.4}]", c)
	}
	if c := wordColumns(spaced, map[int]bool{5: true}); c != nil {
		t.Errorf("no way to 5 columns: %v", c)
	}
}

// TestJoinWrapped: a unit alone under a number in its column is that number's unit; a unit
// under nothing, or a word that is no unit, stays where it is.
func TestJoinWrapped(t *testing.T) {
	ch := func(text string, x0, x1 float64, val bool) lchunk {
		return lchunk{text: text, x0: x0, x1: x1, placed: true, val: val}
	}
	lines := []lline{
		{idx: 10, nval: 3, chunks: []lchunk{ch("1.信访举报投诉类申请", 60, 160, false), ch("0", 200, 205, true), ch("12", 240, 250, true), ch("3件", 280, 295, true)}},
		{idx: 11, chunks: []lchunk{ch("件", 198, 208, false), ch("件次", 238, 255, false), ch("件", 320, 330, false)}},
		{idx: 13, nval: 1, chunks: []lchunk{ch("2.重复申请", 60, 120, false), ch("4", 200, 205, true)}},
		{idx: 14, chunks: []lchunk{ch("总计", 198, 218, false)}},
	}
	joinWrapped(lines)
	var got []string
	for _, l := range lines {
		var s []string
		for _, c := range l.chunks {
			s = append(s, c.text)
		}
		got = append(got, strings.Join(s, " | "))
	}
	want := []string{"1.信访举报投诉类申请 | 0件 | 12件次 | 3件", "件", "2.重复申请 | 4", "总计"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got %q, want %q", got, want)
	}

	texts := func(lines []lline) []string {
		var out []string
		for _, l := range lines {
			var s []string
			for _, c := range l.chunks {
				s = append(s, c.text)
			}
			out = append(out, strings.Join(s, " | "))
		}
		return out
	}
	// "1" over "0" and "1" over "2" in one-character columns; "0" / "件" / "次" over three lines
	lines = []lline{
		{idx: 20, nval: 3, chunks: []lchunk{ch("一、本年新收政府信息公开申请数量", 60, 228, false), ch("1", 300, 311, true), ch("0", 330, 341, true), ch("1", 500, 511, true)}},
		{idx: 21, nval: 2, chunks: []lchunk{ch("0", 300, 311, true), ch("件", 330, 341, false), ch("2", 500, 511, true)}},
		{idx: 22, chunks: []lchunk{ch("次", 330, 341, false)}},
		{idx: 23, nval: 3, chunks: []lchunk{ch("二、上年结转政府信息公开申请数量", 60, 228, false), ch("0", 300, 311, true), ch("0", 330, 341, true), ch("0", 500, 511, true)}},
	}
	joinWrapped(lines)
	got = texts(lines)
	want = []string{"一、本年新收政府信息公开申请数量 | 10 | 0件次 | 12", "", "", "二、上年结转政府信息公开申请数量 | 0 | 0 | 0"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("digits: got %q, want %q", got, want)
	}
	if lines[1].nval != 0 || lines[0].nval != 3 {
		t.Errorf("numbers per line: %d %d", lines[0].nval, lines[1].nval)
	}
	// a line of numbers between two rows whose line below has nothing under them: the halves
	// of a cell centred on that row, never the continuation of the row above
	lines = []lline{
		{idx: 30, nval: 2, chunks: []lchunk{ch("1.属于国家秘密", 60, 160, false), ch("5", 300, 311, true), ch("5", 500, 511, true)}},
		{idx: 31, nval: 1, chunks: []lchunk{ch("1", 300, 311, true)}},
		{idx: 32, nval: 1, chunks: []lchunk{ch("2.其他法律行政法规禁止公开", 60, 160, false), ch("7", 500, 511, true)}},
		{idx: 33, nval: 1, chunks: []lchunk{ch("0", 300, 311, true)}},
	}
	joinWrapped(lines)
	got = texts(lines)
	want = []string{"1.属于国家秘密 | 5 | 5", "1", "2.其他法律行政法规禁止公开 | 7", "0"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("centred digits: got %q, want %q", got, want)
	}
	// units of cells centred on their row: "0件" above the row's line, "次" below; the row's
	// label wrapped around it ("8.属于行政查询事" / "项": a label's last character may be a unit)
	lines = []lline{
		{idx: 40, nval: 2, chunks: []lchunk{ch("8.属于行政查询事", 165, 260, false), ch("0件", 314, 336, true), ch("0件", 482, 504, true)}},
		{idx: 41, nval: 2, chunks: []lchunk{ch("0件次", 271, 305, true), ch("3件次", 382, 416, true)}},
		{idx: 42, chunks: []lchunk{ch("项", 207, 219, false), ch("次", 319, 331, false), ch("次", 487, 499, false)}},
	}
	joinWrapped(lines)
	got = texts(lines)
	want = []string{"8.属于行政查询事", "0件次 | 0件次 | 3件次 | 0件次", "项"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || lines[1].nval != 4 || lines[0].nval != 0 {
		t.Errorf("centred units: got %q (%d numbers), want %q", got, lines[1].nval, want)
	}
	// two rows' numbers around a label line without numbers: never one number ("0" + "0")
	lines = []lline{
		{idx: 50, nval: 2, chunks: []lchunk{ch("4.无正当理由大量反复申请", 151, 254, false), ch("0", 275, 280, true), ch("0", 313, 318, true)}},
		{idx: 51, chunks: []lchunk{ch("5.要求行政机关确认或重新", 151, 254, false)}},
		{idx: 52, nval: 2, chunks: []lchunk{ch("0", 275, 280, true), ch("0", 313, 318, true)}},
		{idx: 53, chunks: []lchunk{ch("出具已获取信息", 172, 233, false)}},
	}
	joinWrapped(lines)
	got = texts(lines)
	want = []string{"4.无正当理由大量反复申请 | 0 | 0", "5.要求行政机关确认或重新", "0 | 0", "出具已获取信息"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("two rows: got %q, want %q", got, want)
	}
}

// TestOrphanNumbers: a line of numbers that no row label owns and that continues nothing is
// reported with its table and line, never dropped: the digit-wrap case with the first half
// of "10" given a unit ("1件" over "0" reads as no number).
func TestOrphanNumbers(t *testing.T) {
	base := filepath.Join("testdata", "layout", "lo-docx-digit-wrap")
	layout, err := os.ReadFile(base + ".layout.txt")
	if err != nil {
		t.Fatal(err)
	}
	tsv, err := os.ReadFile(base + ".tsv")
	if err != nil {
		t.Fatal(err)
	}
	const half = "301.20\t120.83\t10.50\t13.65\t100\t１\n"
	if !bytes.Contains(tsv, []byte(half)) {
		t.Fatal("the first half of 10 is not in the case")
	}
	tsv = bytes.Replace(tsv, []byte(half), []byte("301.20\t120.83\t10.50\t13.65\t100\t１件\n"), 1)
	doc, err := decode.DecodePDFText("orphan.pdf", layout, tsv)
	if err != nil {
		t.Fatal(err)
	}
	r := Parse(doc, Options{})
	lines := strings.Split(doc.Text, "\n")
	found := false
	for _, p := range r.Problems {
		if p.Code == schemas.ProblemAmbiguous && p.Table == schemas.Table3 && p.Row == "" {
			found = true
			if f := strings.Fields(lines[p.Line-1]); len(f) != 2 || f[0] != "0" || f[1] != "2" {
				t.Errorf("flagged line %d %q, want the line of the second halves \"0 … 2\"", p.Line, lines[p.Line-1])
			}
		}
	}
	if !found {
		t.Errorf("no problem for the numbers without a row: %+v", r.Problems)
	}
}

// TestEnumerated: what starts a cell, including an enumerator whose bracket wrapped.
func TestEnumerated(t *testing.T) {
	for s, want := range map[string]bool{
		"(二)部分公开": true, "（三）不予公开": true, "2.重复申请": true, "四、结转": true, "(六": true, "（六": true,
		")其": false, "他处": false, "(本列数据": false, "(": false, "度办理结": false,
	} {
		if got := enumerated(s); got != want {
			t.Errorf("enumerated(%q) = %v, want %v", s, got, want)
		}
	}
}
