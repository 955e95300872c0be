package parse

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"xxgk/pipeline/decode"
	"xxgk/schemas"
)

// gridRow is one printed table row for the tests: cells separated by "|"; "x@n" is a cell with
// text x spanning n grid columns; "^" is a slot covered by a cell of a row above.
type gridRow string

// gridLines lays rows out as decode prints an HTML table (one slot per grid column, a spanned
// cell's text in its first slot, the covered slots empty) and returns the lines with their
// spans (decode.Doc.Spans).
func gridLines(rows ...gridRow) ([]string, [][]uint16) {
	var lines []string
	var spans [][]uint16
	for _, r := range rows {
		var slots []string
		var sp []uint16
		for _, c := range strings.Split(string(r), "|") {
			c = strings.TrimSpace(c)
			if c == "^" {
				slots, sp = append(slots, ""), append(sp, 0)
				continue
			}
			n := 1
			if i := strings.LastIndex(c, "@"); i >= 0 {
				fmt.Sscan(c[i+1:], &n)
				c = c[:i]
			}
			slots, sp = append(slots, c), append(sp, uint16(n))
			for k := 1; k < n; k++ {
				slots, sp = append(slots, ""), append(sp, 0)
			}
		}
		lines = append(lines, "| "+strings.Join(slots, " | ")+" |")
		spans = append(spans, sp)
	}
	return lines, spans
}

// gridDoc makes a decoded document of text pieces and grids: a piece is either a string (plain
// lines) or a []gridRow (a table with spans).
func gridDoc(name string, withSpans bool, pieces ...any) *decode.Doc {
	var lines []string
	var spans [][]uint16
	for _, pc := range pieces {
		switch v := pc.(type) {
		case string:
			for _, l := range strings.Split(strings.TrimSuffix(v, "\n"), "\n") {
				lines = append(lines, l)
				spans = append(spans, nil)
			}
		case []gridRow:
			ls, sp := gridLines(v...)
			lines = append(lines, ls...)
			spans = append(spans, sp...)
		}
	}
	d := &decode.Doc{Name: name, Text: strings.Join(lines, "\n") + "\n", Kind: decode.KindHTML}
	if withSpans {
		d.Spans = spans
	}
	return d
}

// fixturePart returns the lines of a testdata/shapes fixture from the line starting with from
// up to the line starting with to.
func fixturePart(t *testing.T, file, from, to string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/shapes/" + file)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, "\n"+from)
	j := strings.Index(s, "\n"+to)
	if i < 0 || j < i {
		t.Fatalf("%s changed: %q … %q", file, from, to)
	}
	return s[i+1 : j+1]
}

// The 2019 template as government sites publish it from Word: table 2 is one 5-column grid
// whose header and value cells use colspan, and not always the same spans in a header and the
// rows under it (issue 13). Values below are the ones printed; spans decide their columns.
var official2019 = []gridRow{
	"第二十条第（一）项@5",
	"信息内容 | 本年新制作数量 | 本年新公开数量@2 | 对外公开总数量",
	"规章 | 2 | 2@2 | 87",
	"规范性文件 | 5 | 4@2 | 120",
	"第二十条第（五）项@5",
	"信息内容 | 上一年项目数量 | 本年增/减@2 | 处理决定数量",
	"行政许可 | 0@2 | 0 | 0",
	"其他对外管理服务事项 | 30@2 | -2 | 41",
	"第二十条第（六）项@5",
	"信息内容 | 上一年项目数量 | 本年增/减@2 | 处理决定数量",
	"行政处罚 | 80 | +5@2 | 310",
	"行政强制 | 10 | 0 | 0@2",
	"第二十条第（八）项@5",
	"信息内容 | 上一年项目数量 | 本年增/减@3",
	"行政事业性收费 | 12@2 | -1@2",
	"第二十条第（九）项@5",
	"信息内容 | 采购项目数量@2 | 采购总金额@2",
	"政府集中采购 | 5 | 251000元@3",
}

var official2019Table2 = map[string]string{
	"rules":               "2 2 87",
	"normative_documents": "5 4 120",
	"licensing":           "0 0 0",
	"other_services":      "30 -2 41",
	"penalty":             "80 5 310",
	"coercion":            "10 0 0",
	"fees":                "12 -1",
	"procurement":         "5 251000",
}

// The 2021 template: 本年处理决定数量 over four columns, one value under it spanning all four;
// the fee under a header of another span.
var official2021 = []gridRow{
	"第二十条第（一）项@5",
	"信息内容 | 本年制发件数 | 本年废止件数@2 | 现行有效件数",
	"规章 | 0 | 0@2 | 0",
	"行政规范性文件 | 3@2 | 1 | 17",
	"第二十条第（五）项@5",
	"信息内容 | 本年处理决定数量@4",
	"行政许可 | 1021@4",
	"第二十条第（六）项@5",
	"信息内容 | 本年处理决定数量@4",
	"行政处罚 | 125@4",
	"行政强制 | 12@2 | @2",
	"第二十条第（八）项@5",
	"信息内容 | 本年收费金额（单位：万元）@4",
	"行政事业性收费 | 30.25@3 | ^",
}

var official2021Table2 = map[string]string{
	"rules":               "0 0 0",
	"normative_documents": "3 1 17",
	"licensing":           "1021",
	"penalty":             "125",
	"coercion":            "12",
	"fees":                "30.25",
}

func TestOfficialHTMLTable2(t *testing.T) {
	cases := []struct {
		name   string
		file   string
		format schemas.Format
		grid   []gridRow
		want   map[string]string
		year   string
	}{
		{"gb2019", "gb2019_html.txt", schemas.FormatGB2019, official2019, official2019Table2, "2020"},
		{"gb2021", "gb2021_html.txt", schemas.FormatGB2021, official2021, official2021Table2, "2021"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			head := "朝阳县" + c.year + "年政府信息公开工作年度报告\n一、总体情况\n全年共收到申请若干件。\n二、主动公开政府信息情况\n"
			rest := fixturePart(t, c.file, "三", "五")
			// "三 收到和处理…" in the 2019 fixture, "三、…" in the 2021 one: the tables 3 and 4
			// of the fixtures, unchanged
			doc := gridDoc(c.name+".html", true, head, c.grid, rest+"五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n无。\n")
			r := Parse(doc, Options{})
			if r.Format != c.format {
				t.Fatalf("format %s, want %s", r.Format, c.format)
			}
			checkRows(t, "table2", r.Table2, t2cols(c.format, c.want), c.want)
			for _, p := range r.Problems {
				if p.Table == schemas.Table2 {
					t.Errorf("problem %+v", p)
				}
			}
			if len(r.Table2) != len(c.want) {
				t.Errorf("table 2 rows %v", gridRows(r.Table2))
			}
		})
	}
}

// The same official grids without spans: the decoder's grid text alone (as scraped text keeps
// it). Every row prints every cell, so each row's values fill its columns and the padding is
// told from them; rows with a blank value are placed by the header's padding when that is
// forced, and flagged when it is not.
func TestOfficialHTMLWithoutSpans(t *testing.T) {
	rest := fixturePart(t, "gb2019_html.txt", "三", "五")
	grid := append([]gridRow(nil), official2019...)
	// blanks: a value at its header's own slot is forced there, and a value inside a spanned
	// header's area with blanks around it too, unless the header left of it spans over it:
	// 251000元 at slot 2 is under 采购项目数量 (slots 1-2) or starts 采购总金额's cell
	// (slots 2-4) after a blank 采购项目数量 — only the spans tell
	grid[3] = "规范性文件 |  | 4@2 | 120"
	grid[10] = "行政处罚 |  | 5 | @2"
	grid[11] = "行政强制 | @2 | 3 | 0"
	grid[17] = "政府集中采购 |  | 251000元@3"
	head := "朝阳县2020年政府信息公开工作年度报告\n一、总体情况\n无。\n二、主动公开政府信息情况\n"
	tail := "五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n无。\n"
	want := map[string]string{
		"rules":               "2 2 87",
		"normative_documents": "b 4 120",
		"licensing":           "0 0 0",
		"other_services":      "30 -2 41",
		"penalty":             "b 5 b",
		"coercion":            "b 3 0",
		"fees":                "12 -1",
		"procurement":         "? ?",
	}
	r := Parse(gridDoc("nospans.html", false, head, grid, rest+tail), Options{})
	checkRows(t, "table2", r.Table2, t2cols(schemas.FormatGB2019, want), want)
	if !hasProblem(r, schemas.ProblemAmbiguous, schemas.Table2, "procurement") {
		t.Errorf("procurement not flagged: %v", problemCodes(r))
	}
	// with the spans the same rows read exactly
	want["procurement"] = "b 251000"
	r = Parse(gridDoc("spans.html", true, head, grid, rest+tail), Options{})
	checkRows(t, "table2", r.Table2, t2cols(schemas.FormatGB2019, want), want)
	for _, p := range r.Problems {
		if p.Table == schemas.Table2 {
			t.Errorf("problem %+v", p)
		}
	}
}

// terminated rewrites the markdown rows of a text ("| a |  | b |") as scraped text prints
// them, every cell followed by " |" and no pipe in front ("a |  | b |"; a row whose first slot
// is empty then starts with "|").
func terminated(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "| ") && strings.HasSuffix(l, " |") {
			lines[i] = strings.TrimSpace(strings.TrimPrefix(l, "| "))
		}
	}
	return strings.Join(lines, "\n")
}

// Rows flattened with their span padding (issue 13): one line per row, one empty cell per
// spanned or covered slot, every cell ending in " |". A row that prints every value has its
// values; a row with blanks is placed by the header rows' own padding.
func TestPaddedRows(t *testing.T) {
	for _, c := range []struct {
		file           string
		format         schemas.Format
		t2, t3         map[string]string
		t4             string
		wantRowsShape  bool
		issueRowNumber int
	}{
		{"gb2019_html.txt", schemas.FormatGB2019, gb2019Table2, gb2019Table3, "2 1 0 0 3 1 0 0 0 1 0 0 0 0 0", true, 0},
		{"gb2021_html.txt", schemas.FormatGB2021, gb2021Table2, gb2021Table3, "1 0 0 0 1 0 0 0 1 1 0 0 0 0 0", true, 0},
	} {
		t.Run(c.file, func(t *testing.T) {
			b, err := os.ReadFile("testdata/shapes/" + c.file)
			if err != nil {
				t.Fatal(err)
			}
			text := terminated(string(b))
			if !strings.Contains(text, "\n一、本年新收政府信息公开申请数量 |  |  | ") {
				t.Fatalf("fixture not padded as expected")
			}
			r := parseText("padded.txt", text, Options{})
			if r.Format != c.format {
				t.Errorf("format %s", r.Format)
			}
			checkRows(t, "table2", r.Table2, t2cols(c.format, c.t2), c.t2)
			checkRows(t, "table3", r.Table3, t3cols(c.t3), c.t3)
			checkRows(t, "table4", r.Table4, t4cols(), t4spec(c.t4))
			if errs := errorsOf(r); len(errs) > 0 {
				t.Errorf("problems %+v", errs)
			}
			p := &parser{doc: &decode.Doc{Text: text}, text: text, c: cat(), titleIdx: -1, r: schemas.NewReport("")}
			p.splitLines()
			p.findSections()
			sp, _ := p.tableSpan(3)
			if sh := p.detectShape(sp); sh != ShapeRows {
				t.Errorf("table 3 read as %s, want rows", sh)
			}
		})
	}
}

// The row of the issue: seven numbers for seven columns after two padding cells, and the
// same row with blanks, placed by the header rows' padding.
func TestPaddedIssueRow(t *testing.T) {
	head := "朝阳县2021年政府信息公开工作年度报告\n一、总体情况\n无。\n三、收到和处理政府信息公开申请情况\n" +
		"（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） |  |  | 申请人情况 |  |  |  |  |  |  |\n" +
		"|  |  | 自然人 | 法人或其他组织 |  |  |  |  | 总计 |\n" +
		"|  |  |  | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |  |\n"
	for _, c := range []struct{ row, want string }{
		{"一、本年新收政府信息公开申请数量 |  |  | 16 | 2 | 0 | 0 | 1 | 1 | 20 |", "16 2 0 0 1 1 20"},
		{"一、本年新收政府信息公开申请数量 |  |  | 16 |  | 0 |  | 1 | 1 | 18 |", "16 b 0 b 1 1 18"},
		{"一、本年新收政府信息公开申请数量 |  |  |  |  |  |  |  |  |  |", "b b b b b b b"},
		{"一、本年新收政府信息公开申请数量 |  |  | 16 |  | 0 |  | 1 | 1 |  |", "16 b 0 b 1 1 b"},
	} {
		r := parseText("issue.txt", head+c.row+"\n四、政府信息公开行政复议、行政诉讼情况\n", Options{})
		checkRows(t, c.row, r.Table3, t3cols(map[string]string{"new_received": ""}), map[string]string{"new_received": c.want})
		if hasProblem(r, schemas.ProblemAmbiguous, schemas.Table3, "new_received") {
			t.Errorf("%s: flagged", c.row)
		}
	}
}

// Table 3 from an HTML page with its spans: the label cells span three columns or sit under a
// group label spanning rows (covered slots are padding, never cells); a value cell spanning
// two applicant columns cannot be put under one of them and its row is flagged.
func TestTable3WithSpans(t *testing.T) {
	t3 := []gridRow{
		"（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）@3 | 申请人情况@7",
		"^ | ^ | ^ | 自然人 | 法人或其他组织@5 | 总计",
		"^ | ^ | ^ | ^ | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | ^",
		"一、本年新收政府信息公开申请数量@3 | 16 |  | 0 |  | 1 | 1 | 18",
		"二、上年结转政府信息公开申请数量@3 | 1 | 0 | 0 | 0 | 0 | 0 | 1",
		"三、本年度办理结果 | （一）予以公开@2 | 9 | 0@2 | 0 | 1 | 0 | 10",
		"^ | （二）部分公开@2 | 2 | 0 | 0 | 0 | 0 | 0 | 2",
	}
	head := "朝阳县2021年政府信息公开工作年度报告\n一、总体情况\n无。\n三、收到和处理政府信息公开申请情况\n"
	tail := "四、政府信息公开行政复议、行政诉讼情况\n"
	r := Parse(gridDoc("t3.html", true, head, t3, tail), Options{})
	want := map[string]string{
		"new_received":      "16 b 0 b 1 1 18",
		"carried_over":      "1 0 0 0 0 0 1",
		"granted":           "? ? ? ? ? ? ?",
		"partially_granted": "2 0 0 0 0 0 2",
	}
	checkRows(t, "table3", r.Table3, t3cols(want), want)
	if !hasProblem(r, schemas.ProblemAmbiguous, schemas.Table3, "granted") {
		t.Errorf("granted not flagged: %v", problemCodes(r))
	}
	for _, row := range []string{"new_received", "carried_over", "partially_granted"} {
		if hasProblem(r, schemas.ProblemAmbiguous, schemas.Table3, row) {
			t.Errorf("%s flagged", row)
		}
	}
}

// A malformed table whose header rows have one slot more than its value rows (a colspan off
// by one): the header's layout is not on the rows' grid and does not place them; the rows are
// read as before, their leading empty slots taken for covered label cells.
func TestMisalignedHeader(t *testing.T) {
	b, err := os.ReadFile("testdata/shapes/gb2019_html.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	n := 0
	for i, l := range lines {
		if strings.Contains(l, "申请人情况") || strings.Contains(l, "| 自然人 |") || strings.Contains(l, "| 商业企业 |") {
			lines[i] = "|  " + l
			n++
		}
	}
	if n != 3 {
		t.Fatalf("fixture changed: %d header rows", n)
	}
	r := parseText("misaligned.txt", strings.Join(lines, "\n"), Options{})
	checkRows(t, "table3", r.Table3, t3cols(gb2019Table3), gb2019Table3)
	if errs := errorsOf(r); len(errs) > 0 {
		t.Errorf("problems %+v", errs)
	}
}
