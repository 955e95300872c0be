package parse

import (
	"os"
	"strings"
	"testing"

	"xxgk/schemas"
)

// The fixtures in testdata/shapes hold the same two reports (a gb2021 department report and a
// gb2019 government report) flattened in every shape: cells, rows, cell-pipe, paragraphs
// (single and double spaced), markdown and HTML-shaped rows. Their cells carry blanks, dashes,
// units, signs, "251000元", a blank total column and (gb2021) a printed subtotal row; labels
// come with half- or full-width brackets, 、 or . or spaces after the numerals, header words
// split over lines.

var gb2021Table2 = map[string]string{
	"rules":               "b b b",
	"normative_documents": "2 1 15",
	"licensing":           "120",
	"penalty":             "3",
	"coercion":            "-",
	"fees":                "0.35",
}

var gb2021Table3 = map[string]string{
	"new_received":                "12 2 b b 1 b 15",
	"carried_over":                "1 0 0 0 0 0 1",
	"granted":                     "5 1 0 0 0 0 6",
	"partially_granted":           "2 0 0 0 0 0 2",
	"withheld_total":              "1 0 0 0 0 0 1",
	"withheld_state_secret":       zeros(7),
	"withheld_law_prohibited":     zeros(7),
	"withheld_security_stability": zeros(7),
	"withheld_third_party":        "1 0 0 0 0 0 1",
	"withheld_internal_affairs":   zeros(7),
	"withheld_process_info":       zeros(7),
	"withheld_enforcement_file":   zeros(7),
	"withheld_query_item":         "- - - - - - -",
	"unavailable_not_held":        "3 1 0 0 1 0 5",
	"unavailable_needs_creation":  zeros(7),
	"unavailable_unclear":         zeros(7),
	"rejected_petition":           zeros(7),
	"rejected_duplicate":          "1 0 0 0 0 0 b",
	"rejected_publication":        zeros(7),
	"rejected_excessive":          zeros(7),
	"rejected_confirmation":       zeros(7),
	"other_no_correction":         "1 0 0 0 0 0 1",
	"other_no_fee":                zeros(7),
	"other_other":                 zeros(7),
	"total_handled":               "13 2 0 0 1 0 16",
	"carried_forward":             "b b b b b b b",
}

var gb2019Table2 = map[string]string{
	"rules":               "0 0 0",
	"normative_documents": "3 3 25",
	"licensing":           "150 12 1200",
	"other_services":      "20 -3 55",
	"penalty":             "80 0 310",
	"coercion":            "10 0 2",
	"fees":                "12 -1",
	"procurement":         "5 251000",
}

var gb2019Table3 = map[string]string{
	"new_received":                "20 3 1 0 0 0 24",
	"carried_over":                "0 b b b b b 0",
	"granted":                     "10 2 0 0 0 0 12",
	"partially_granted":           "3 0 0 0 0 0 3",
	"withheld_state_secret":       zeros(7),
	"withheld_law_prohibited":     zeros(7),
	"withheld_security_stability": zeros(7),
	"withheld_third_party":        zeros(7),
	"withheld_internal_affairs":   zeros(7),
	"withheld_process_info":       "1 0 0 0 0 0 1",
	"withheld_enforcement_file":   zeros(7),
	"withheld_query_item":         zeros(7),
	"unavailable_not_held":        "4 1 0 0 0 0 5",
	"unavailable_needs_creation":  zeros(7),
	"unavailable_unclear":         "0 0 1 0 0 0 1",
	"rejected_petition":           "1 0 0 0 0 0 1",
	"rejected_duplicate":          zeros(7),
	"rejected_publication":        zeros(7),
	"rejected_excessive":          zeros(7),
	"rejected_confirmation":       "- - - - - - -",
	"other_total":                 zeros(7),
	"total_handled":               "19 3 1 0 0 0 23",
	"carried_forward":             "1 0 0 0 0 0 1",
}

type shapeCase struct {
	file   string
	shape  Shape
	title  bool
	fee    int64
	format schemas.Format
}

func TestShapes(t *testing.T) {
	cases := []shapeCase{
		{"gb2021_cells.txt", ShapeCells, true, 0, schemas.FormatGB2021},
		{"gb2021_rows.txt", ShapeRows, true, 120, schemas.FormatGB2021},
		{"gb2021_cellpipe.txt", ShapeCellPipe, false, 0, schemas.FormatGB2021},
		{"gb2021_paras.txt", ShapeParas, false, 0, schemas.FormatGB2021},
		{"gb2021_paras2.txt", ShapeParas, true, 0, schemas.FormatGB2021},
		{"gb2021_markdown.txt", ShapeMarkdown, true, 0, schemas.FormatGB2021},
		{"gb2021_html.txt", ShapeMarkdown, true, 0, schemas.FormatGB2021},
		{"gb2019_cells.txt", ShapeCells, true, 0, schemas.FormatGB2019},
		{"gb2019_rows.txt", ShapeRows, false, 0, schemas.FormatGB2019},
		{"gb2019_cellpipe.txt", ShapeCellPipe, true, 0, schemas.FormatGB2019},
		{"gb2019_paras.txt", ShapeParas, true, 0, schemas.FormatGB2019},
		{"gb2019_paras2.txt", ShapeParas, false, 0, schemas.FormatGB2019},
		{"gb2019_markdown.txt", ShapeMarkdown, true, 0, schemas.FormatGB2019},
		{"gb2019_html.txt", ShapeMarkdown, true, 0, schemas.FormatGB2019},
	}
	for _, c := range cases {
		t.Run(strings.TrimSuffix(c.file, ".txt"), func(t *testing.T) {
			r := parseFile(t, "shapes/"+c.file, Options{})
			if errs := errorsOf(r); len(errs) > 0 {
				for _, e := range errs {
					t.Errorf("problem: %+v", e)
				}
			}
			if r.Format != c.format {
				t.Errorf("format = %s, want %s (markers %v)", r.Format, c.format, r.Markers)
			}
			t2, t3, t4 := gb2021Table2, gb2021Table3, "1 0 0 0 1 0 0 0 1 1 0 0 0 0 0"
			year, code, body, scope := 2021, "211321", "朝阳县教育局", schemas.ScopeDepartment
			requests := int64(15)
			if c.format == schemas.FormatGB2019 {
				t2, t3, t4 = gb2019Table2, gb2019Table3, "2 1 0 0 3 1 0 0 0 1 0 0 0 0 0"
				year, code, body, scope = 2020, "211381", "北票市人民政府办公室", schemas.ScopeGovernment
				requests = 24
			}
			if !c.title {
				body, scope = "", schemas.ScopeUnknown
			}
			checkRows(t, "table2", r.Table2, t2cols(c.format, t2), t2)
			checkRows(t, "table3", r.Table3, t3cols(t3), t3)
			checkRows(t, "table4", r.Table4, t4cols(), t4spec(t4))
			if len(r.Table3) != len(t3) || len(r.Table2) != len(t2) {
				t.Errorf("rows: table3 %v, table2 %v", gridRows(r.Table3), gridRows(r.Table2))
			}
			if r.Year != year || r.Region.Code != code || r.Body != body || r.Scope != scope {
				t.Errorf("year %d region %s body %q scope %q; want %d %s %q %q", r.Year, r.Region.Code, r.Body, r.Scope, year, code, body, scope)
			}
			if r.Fee.State != schemas.StateNumber || r.Fee.Value != schemas.DecInt(c.fee) {
				t.Errorf("fee = %+v, want %d", r.Fee, c.fee)
			}
			if s, ok := statement(r, schemas.StatedRequests); !ok || s.Value != schemas.DecInt(requests) {
				t.Errorf("requests = %+v, want %d", s, requests)
			}
			if len(r.Sections) != 6 {
				t.Errorf("sections = %d", len(r.Sections))
			}
			p := &parser{text: "", c: cat()}
			_ = p
		})
	}
}

// A 2022 report that still prints the gb2019 table 二 with the gb2021 table 三: table 2 is read
// in its own template, table 3 keeps its (六) rows and no row is reported missing.
func TestMixedTemplates(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile("testdata/shapes/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	a, b := read("gb2019_rows.txt"), read("gb2021_rows.txt")
	cut := func(s, from, to string) string {
		i, j := strings.Index(s, from), strings.Index(s, to)
		if i < 0 || j < i {
			t.Fatalf("fixture changed: %q %q", from, to)
		}
		return s[i:j]
	}
	text := "朝阳县教育局2022年政府信息公开工作年度报告\n一、总体情况\n2022年，共收到政府信息公开申请15件。\n" +
		cut(a, "二、主动公开", "三、收到和处理") + cut(b, "三. 收到和处理", "五. 存在")
	r := parseText("mixed.txt", text, Options{})
	if r.Format != schemas.FormatGB2019 || len(r.Markers[schemas.FormatGB2021]) == 0 {
		t.Errorf("format %s markers %v", r.Format, r.Markers)
	}
	checkRows(t, "table2", r.Table2, t2cols(schemas.FormatGB2019, gb2019Table2), gb2019Table2)
	checkRows(t, "table3", r.Table3, t3cols(gb2021Table3), gb2021Table3)
	for _, p := range r.Problems {
		if p.Code == schemas.ProblemRowMissing || p.Severity == schemas.SeverityError {
			t.Errorf("problem %+v", p)
		}
	}
}

// Each table region is read in its own shape: table 二 in cells, 三 in paragraphs, 四 as HTML.
func TestMixedShapes(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile("testdata/shapes/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	cut := func(s, from, to string) string {
		i := strings.Index(s, from)
		j := strings.Index(s[max(i, 0):], to)
		if i < 0 || j < 0 {
			t.Fatalf("fixture changed: %q %q", from, to)
		}
		return s[i : i+j]
	}
	cells, paras, html := read("gb2021_cells.txt"), read("gb2021_paras.txt"), read("gb2021_html.txt")
	text := cut(cells, "朝阳县教育局", "三、收到和处理") +
		"三、" + strings.TrimPrefix(cut(paras, "三 收到和处理", "四 政府信息公开"), "三 ") +
		cut(html, "四、政府信息公开", "五、存在") + cells[strings.Index(cells, "五、存在"):]
	r := parseText("mixed-shapes.txt", text, Options{})
	if errs := errorsOf(r); len(errs) > 0 {
		t.Errorf("problems %+v", errs)
	}
	checkRows(t, "table2", r.Table2, t2cols(schemas.FormatGB2021, gb2021Table2), gb2021Table2)
	checkRows(t, "table3", r.Table3, t3cols(gb2021Table3), gb2021Table3)
	checkRows(t, "table4", r.Table4, t4cols(), t4spec("1 0 0 0 1 0 0 0 1 1 0 0 0 0 0"))
}

func TestConcurrentParse(t *testing.T) {
	b, err := os.ReadFile("testdata/" + seedFile)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan *schemas.Report)
	for range 4 {
		go func() { done <- parseText("c.txt", string(b), Options{}) }()
	}
	for range 4 {
		r := <-done
		checkRows(t, "table3", r.Table3, t3cols(seedTable3), seedTable3)
	}
}

// A 2021 report whose table 二 prints its first block with the 2019 headers (本年新制作数量 …)
// and the other blocks in the 2021 form: each block is read by its own header words, the
// report stays gb2021 and the 2019 words are recorded as markers (R8).
func TestMixedBlocks(t *testing.T) {
	b, err := os.ReadFile("testdata/shapes/gb2021_rows.txt")
	if err != nil {
		t.Fatal(err)
	}
	old := "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数\n规章 |  |  | \n行政规范性文件 | 2 | 1 | 15\n"
	if !strings.Contains(string(b), old) {
		t.Fatal("fixture changed")
	}
	text := strings.Replace(string(b), old, "信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量\n规章 | 0 | 0 | 3\n规范性文件 | 2 | 2 | 15\n", 1)
	r := parseText("mixed-blocks.txt", text, Options{})
	if r.Format != schemas.FormatGB2021 {
		t.Fatalf("format %s, markers %v", r.Format, r.Markers)
	}
	want := map[string]string{"rules": "0 0 3", "normative_documents": "2 2 15"}
	gb19 := map[string][]string{"rules": {"new_made", "new_published", "published_total"}, "normative_documents": {"new_made", "new_published", "published_total"}}
	checkRows(t, "table2", r.Table2, gb19, want)
	rest := map[string]string{"licensing": "120", "penalty": "3", "coercion": "-", "fees": "0.35"}
	checkRows(t, "table2", r.Table2, t2cols(schemas.FormatGB2021, rest), rest)
	if len(r.Table2["rules"]) != 3 || len(r.Markers[schemas.FormatGB2019]) != 3 {
		t.Errorf("rules %v, markers %v", r.Table2["rules"], r.Markers)
	}
	if errs := errorsOf(r); len(errs) > 0 {
		t.Errorf("problems %+v", errs)
	}
	// a 2019 header that is not read whole: the rows are not read under the 2021 measures
	// (that would be silently wrong) but flagged
	partial := strings.Replace(string(b), old, "信息内容 | 本年新制作数量 | 本年新公开数量 | 总数\n规章 | 0 | 0 | 3\n规范性文件 | 2 | 2 | 15\n", 1)
	r = parseText("mixed-partial.txt", partial, Options{})
	for _, item := range []string{"rules", "normative_documents"} {
		for m, c := range r.Table2[item] {
			if c.State != schemas.StateMissing {
				t.Errorf("%s.%s = %+v under a header it does not have", item, m, c)
			}
		}
		if !hasProblem(r, schemas.ProblemRowMissing, schemas.Table2, item) {
			t.Errorf("%s not flagged: %v", item, problemCodes(r))
		}
	}
	// a 2019 header broken into pieces no measure is read from: the table mixes templates
	// (its words, joined, say so), so the rows under it are flagged, not read as 2021's
	broken := strings.Replace(string(b), old, "信息内容 | 本年新制 | 作数量 | 本年新公 | 开数量 | 对外公开 | 总数量\n规章 | 0 | 0 | 3\n规范性文件 | 2 | 2 | 15\n", 1)
	r = parseText("mixed-broken.txt", broken, Options{})
	for _, item := range []string{"rules", "normative_documents"} {
		for m, c := range r.Table2[item] {
			if c.State != schemas.StateMissing {
				t.Errorf("%s.%s = %+v under an unread header of the other template", item, m, c)
			}
		}
		if !hasProblem(r, schemas.ProblemAmbiguous, schemas.Table2, item) {
			t.Errorf("%s not flagged: %v", item, problemCodes(r))
		}
	}
	checkRows(t, "table2", r.Table2, t2cols(schemas.FormatGB2021, rest), rest)
	// the reverse: a gb2019 report with the 2021 (五) block
	b, err = os.ReadFile("testdata/shapes/gb2019_rows.txt")
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(b), "第二十条第（五）项")
	j := strings.Index(string(b), "第二十条第（六）项")
	if i < 0 || j < i {
		t.Fatal("fixture changed")
	}
	text = string(b[:i]) + "第二十条第（五）项 ||||\n信息内容 | 本年处理决定数量 |||\n行政许可 | 1200 ||\n" + string(b[j:])
	r = parseText("mixed-blocks-2019.txt", text, Options{})
	if r.Format != schemas.FormatGB2019 {
		t.Fatalf("format %s, markers %v", r.Format, r.Markers)
	}
	checkRows(t, "table2", r.Table2, map[string][]string{"licensing": {"decisions"}}, map[string]string{"licensing": "1200"})
	if len(r.Table2["licensing"]) != 1 {
		t.Errorf("licensing %v", r.Table2["licensing"])
	}
	// other_services was in the replaced block: not printed, reported missing
	if !hasProblem(r, schemas.ProblemRowMissing, schemas.Table2, "other_services") {
		t.Errorf("problems %v", problemCodes(r))
	}
}
