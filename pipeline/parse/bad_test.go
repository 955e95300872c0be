package parse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"xxgk/schemas"
)

func seedText(t testing.TB) string {
	b, err := os.ReadFile(filepath.Join("testdata", seedFile))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// noZeroInMissing asserts that no cell of the grids is a number that the text did not hold:
// every cell that is not missing has a Line and a Text (or is blank).
func assertProvenance(t *testing.T, r *schemas.Report) {
	t.Helper()
	nlines := len(strings.Split(sourceOf(t, r), "\n"))
	for _, name := range []string{schemas.Table2, schemas.Table3, schemas.Table4} {
		for row, cells := range r.Table(name) {
			for col, c := range cells {
				switch c.State {
				case schemas.StateMissing:
					if c.Value != 0 {
						t.Errorf("%s.%s.%s missing with value %s", name, row, col, c.Value)
					}
				case schemas.StateNumber, schemas.StateDash:
					if c.Line <= 0 || c.Line > nlines || c.Text == "" {
						t.Errorf("%s.%s.%s = %+v: no provenance", name, row, col, c)
					}
				case schemas.StateBlank:
					if c.Line <= 0 || c.Value != 0 {
						t.Errorf("%s.%s.%s = %+v", name, row, col, c)
					}
				default:
					t.Errorf("%s.%s.%s: state %q", name, row, col, c.State)
				}
			}
		}
	}
}

var sources = map[*schemas.Report]string{}

func sourceOf(t *testing.T, r *schemas.Report) string { return sources[r] }

func parseKept(name, text string, opt Options) *schemas.Report {
	r := parseText(name, text, opt)
	sources[r] = text
	return r
}

func TestNotReport(t *testing.T) {
	b, _ := os.ReadFile("testdata/bad/news.txt")
	r := parseKept("news.txt", string(b), Options{})
	if len(r.Problems) != 1 || r.Problems[0].Code != schemas.ProblemNotReport || r.Problems[0].File != "news.txt" {
		t.Fatalf("problems = %+v, want one not_report naming the file", r.Problems)
	}
	if len(r.Table3)+len(r.Table2)+len(r.Table4) != 0 {
		t.Errorf("tables filled for a news page")
	}
	for _, text := range []string{"", "\n\n", "hello", "|||\n|"} {
		r := parseKept("x", text, Options{})
		if !hasProblem(r, schemas.ProblemNotReport, "", "") {
			t.Errorf("%q: problems %v", text, problemCodes(r))
		}
	}
	if r := Parse(nil, Options{}); r == nil || len(r.Problems) != 1 {
		t.Errorf("nil doc: %+v", r)
	}
}

func TestImageTables(t *testing.T) {
	b, _ := os.ReadFile("testdata/bad/images.txt")
	r := parseKept("images.txt", string(b), Options{})
	for _, tb := range []string{schemas.Table2, schemas.Table3, schemas.Table4} {
		if !hasProblem(r, schemas.ProblemTableMissing, tb, "") {
			t.Errorf("no table_missing for %s: %v", tb, problemCodes(r))
		}
	}
	assertProvenance(t, r)
	for _, tb := range []string{schemas.Table3, schemas.Table4} {
		for row, cells := range r.Table(tb) {
			for col, c := range cells {
				if c.State != schemas.StateMissing {
					t.Errorf("%s.%s.%s = %+v, want missing", tb, row, col, c)
				}
			}
		}
	}
	if c, _ := r.Table3.Get("new_received", "total"); c.State != schemas.StateMissing {
		t.Errorf("new_received.total = %+v", c)
	}
	if r.Year != 2022 || r.Body != "朝阳县自然资源局" || r.Scope != schemas.ScopeDepartment || r.Region.Code != "211321" {
		t.Errorf("meta: %d %q %q %q", r.Year, r.Body, r.Scope, r.Region.Code)
	}
	if r.Fee.State != schemas.StateNumber || r.Fee.Value != 0 {
		t.Errorf("fee = %+v", r.Fee)
	}
	for _, p := range r.Problems {
		if p.Code == schemas.ProblemTableMissing && p.Table == schemas.Table3 && (p.Line != 7 || p.Text != "[图片]") {
			t.Errorf("table_missing problem does not point at the image: %+v", p)
		}
	}
}

func TestTruncated(t *testing.T) {
	lines := strings.Split(seedText(t), "\n")
	// cut inside the row 3.要求提供公开出版物 (line 230 is its label; keep 2 values)
	text := strings.Join(lines[:232], "\n")
	r := parseKept("cut.txt", text, Options{})
	assertProvenance(t, r)
	checkRows(t, "table3", r.Table3, t3cols(seedTable3), map[string]string{
		"new_received":         "19 1 0 0 0 0 20",
		"rejected_duplicate":   zeros(7),
		"rejected_publication": "? ? ? ? ? ? ?",
		"total_handled":        "? ? ? ? ? ? ?",
		"carried_forward":      "? ? ? ? ? ? ?",
		"other_other":          "? ? ? ? ? ? ?",
	})
	if !hasProblem(r, schemas.ProblemAmbiguous, schemas.Table3, "rejected_publication") {
		t.Errorf("no ambiguous problem for the cut row: %v", problemCodes(r))
	}
	for _, row := range []string{"rejected_excessive", "other_no_correction", "total_handled", "carried_forward"} {
		if !hasProblem(r, schemas.ProblemRowMissing, schemas.Table3, row) {
			t.Errorf("no row_missing for %s", row)
		}
	}
	if !hasProblem(r, schemas.ProblemTableMissing, schemas.Table4, "") {
		t.Errorf("no table_missing for table 4: %v", problemCodes(r))
	}
	for _, cells := range r.Table4 {
		for _, c := range cells {
			if c.State != schemas.StateMissing {
				t.Errorf("table 4 cell %+v after the cut", c)
			}
		}
	}
	if r.Format != schemas.FormatGB2021 || r.Year != 2021 {
		t.Errorf("format/year %s/%d", r.Format, r.Year)
	}
	if !hasProblem(r, schemas.ProblemSectionMissing, "", "") {
		t.Errorf("no section_missing")
	}
}

func TestBadValue(t *testing.T) {
	lines := strings.Split(seedText(t), "\n")
	lines[74] = "十二 |" // new_received.commercial (line 75)
	r := parseKept("bad.txt", strings.Join(lines, "\n"), Options{})
	checkRows(t, "table3", r.Table3, t3cols(seedTable3), map[string]string{
		"new_received": "19 ? 0 0 0 0 20",
		"granted":      "8 0 0 0 0 0 8",
	})
	var found bool
	for _, p := range r.Problems {
		if p.Code == schemas.ProblemValue {
			found = true
			if p.Table != schemas.Table3 || p.Row != "new_received" || p.Column != "commercial" || p.Line != 75 || p.Text != "十二" || p.File != "bad.txt" {
				t.Errorf("problem = %+v", p)
			}
			if !strings.Contains(p.Message, "十二") || !strings.Contains(p.Message, "商业企业") {
				t.Errorf("message = %q", p.Message)
			}
		}
	}
	if !found {
		t.Errorf("no value problem: %v", problemCodes(r))
	}
	if c, _ := r.Table3.Get("new_received", "commercial"); c.Line != 75 || c.Text != "十二" {
		t.Errorf("missing cell keeps what was seen: %+v", c)
	}
}

// In paragraph shape a row that prints 6 numbers for 7 columns cannot be placed.
func TestSixValuesParagraphs(t *testing.T) {
	b, err := os.ReadFile("testdata/shapes/gb2021_paras.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	at := -1
	for i, l := range lines {
		if strings.Contains(l, "予以公开") && !strings.Contains(l, "。") {
			at = i
			break
		}
	}
	if at < 0 || lines[at+1] != "5" || lines[at+7] != "6" {
		t.Fatalf("fixture changed: %q", lines[at:at+8])
	}
	// drop one of the zeros: 5 1 0 0 0 6
	lines = append(lines[:at+3], lines[at+4:]...)
	r := parseKept("six.txt", strings.Join(lines, "\n"), Options{})
	checkRows(t, "table3", r.Table3, t3cols(gb2021Table3), map[string]string{
		"granted":           "? ? ? ? ? ? ?",
		"new_received":      "12 2 b b 1 b 15",
		"partially_granted": "2 0 0 0 0 0 2",
	})
	var p *schemas.Problem
	for i := range r.Problems {
		if r.Problems[i].Code == schemas.ProblemAmbiguous {
			p = &r.Problems[i]
		}
	}
	if p == nil || p.Row != "granted" || !strings.Contains(p.Message, "读到6个数") || !strings.Contains(p.Message, "应为7个") {
		t.Fatalf("problem = %+v; all %v", p, problemCodes(r))
	}
	if p.Line != at+2 || p.Text != "5 | 1 | 0 | 0 | 0 | 6" {
		t.Errorf("problem line/text = %d %q", p.Line, p.Text)
	}
}

func TestPre2019(t *testing.T) {
	b, _ := os.ReadFile("testdata/bad/pre2019.txt")
	r := parseKept("pre.txt", string(b), Options{})
	if r.Format != schemas.FormatPre2019 {
		t.Fatalf("format = %q; problems %v", r.Format, problemCodes(r))
	}
	if !hasProblem(r, schemas.ProblemPre2019, "", "") {
		t.Errorf("problems %v", problemCodes(r))
	}
	for _, p := range r.Problems {
		if p.Code == schemas.ProblemPre2019 && p.Severity != schemas.SeverityInfo {
			t.Errorf("pre2019 severity %s", p.Severity)
		}
		if p.Code == schemas.ProblemTableMissing || p.Code == schemas.ProblemRowMissing {
			t.Errorf("pre2019 report gets table problems: %+v", p)
		}
	}
	if len(r.Table2)+len(r.Table3)+len(r.Table4) != 0 {
		t.Errorf("pre2019 tables filled")
	}
	if r.Year != 2016 || r.Scope != schemas.ScopeGovernment || r.Region.Code != "211321" {
		t.Errorf("meta %d %s %s", r.Year, r.Scope, r.Region.Code)
	}
}

// Tables printed after section 六 as an appendix ("详见附件") are read there.
func TestAppendixTables(t *testing.T) {
	b, err := os.ReadFile("testdata/shapes/gb2021_rows.txt")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i2, i5, i6 := strings.Index(s, "二. 主动公开"), strings.Index(s, "五. 存在"), strings.Index(s, "六. 其他")
	if i2 < 0 || i5 < 0 || i6 < 0 {
		t.Fatal("fixture changed")
	}
	tables := s[i2:i5]
	var body strings.Builder
	body.WriteString(s[:i2])
	for _, h := range []string{"二. 主动公开政府信息情况", "三. 收到和处理政府信息公开申请情况", "四. 政府信息公开行政复议、行政诉讼情况"} {
		body.WriteString(h + "\n详见附件。\n")
	}
	body.WriteString(s[i5:])
	body.WriteString("附件：政府信息公开工作年度报告统计表\n")
	for _, l := range strings.Split(tables, "\n") {
		if !strings.HasPrefix(l, "二.") && !strings.HasPrefix(l, "三.") && !strings.HasPrefix(l, "四.") {
			body.WriteString(l + "\n")
		} else {
			body.WriteString(strings.TrimLeft(l, "二三四. ") + "\n")
		}
	}
	r := parseKept("appendix.txt", body.String(), Options{})
	if errs := errorsOf(r); len(errs) > 0 {
		t.Errorf("problems %+v", errs)
	}
	checkRows(t, "table2", r.Table2, t2cols(schemas.FormatGB2021, gb2021Table2), gb2021Table2)
	checkRows(t, "table3", r.Table3, t3cols(gb2021Table3), gb2021Table3)
	checkRows(t, "table4", r.Table4, t4cols(), t4spec("1 0 0 0 1 0 0 0 1 1 0 0 0 0 0"))
	if r.Fee.State != schemas.StateNumber || r.Fee.Value != schemas.DecInt(120) {
		t.Errorf("fee %+v", r.Fee)
	}
}
