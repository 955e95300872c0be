package schemas

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCatalogueShape(t *testing.T) {
	c := Labels()
	if n := len(c.Table3Rows(FormatGB2021)); n != 25 {
		t.Errorf("gb2021 table 3 printed rows = %d, want 25", n)
	}
	if n := len(c.Table3Rows(FormatGB2019)); n != 23 {
		t.Errorf("gb2019 table 3 printed rows = %d, want 23", n)
	}
	count := func(f Format) int {
		n := 0
		for _, it := range c.Table2Items(f) {
			n += len(it.Measures)
		}
		return n
	}
	if count(FormatGB2021) != 10 || count(FormatGB2019) != 22 {
		t.Errorf("table 2 numbers: gb2021 %d (want 10), gb2019 %d (want 22)", count(FormatGB2021), count(FormatGB2019))
	}
	if len(c.Sections) != 6 {
		t.Errorf("sections = %d", len(c.Sections))
	}
	// every match word is already in normalised form, or it could never match
	check := func(where string, ls []Label) {
		for _, l := range ls {
			for _, m := range append(append([]string{}, l.Match...), l.Exact...) {
				if Normalize(m) != m {
					t.Errorf("%s %s: match word %q is not normalised (%q)", where, l.Key, m, Normalize(m))
				}
			}
		}
	}
	check("sections", c.Sections)
	check("table3 rows", c.Table3.Rows)
	check("table3 columns", c.Table3.Columns)
	check("table3 groups", c.Table3.Groups)
	check("table4 groups", c.Table4.Groups)
	check("table4 outcomes", c.Table4.Outcomes)
	check("table2 measures", c.Table2.Measures)
	check("table2 gb2019", c.Table2.GB2019)
	check("table2 gb2021", c.Table2.GB2021)
}

// Each official table 3 label is identified by its own row and by no earlier row: the
// catalogue order is the order matching tries.
func TestTable3LabelsIdentifyTheirRow(t *testing.T) {
	c := Labels()
	for _, f := range []Format{FormatGB2019, FormatGB2021} {
		for _, r := range c.Table3Rows(f) {
			n := Normalize(r.Label)
			var first string
			for _, cand := range c.Table3.Rows {
				if cand.Subtotal || !cand.InFormat(f) {
					continue
				}
				if cand.Matches(n) || cand.Matches(StripEnumerator(n)) {
					first = cand.Key
					break
				}
			}
			if first != r.Key {
				t.Errorf("%s: label %q first matches %q, want %q", f, r.Label, first, r.Key)
			}
		}
	}
}

func TestNormalize(t *testing.T) {
	cases := map[string]string{
		"（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "二部分公开区分处理的只计这一情形不计其他情形",
		"商业 企业":         "商业企业",
		"3.危及“三安全一稳定”":  "3危及三安全一稳定",
		"本年收费金额(单位:万元)": "本年收费金额单位万元",
		"第二十条第（九）项":     "第二十条第九项",
	}
	for in, want := range cases {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
	if got := StripEnumerator("3其他"); got != "其他" {
		t.Errorf("StripEnumerator = %q", got)
	}
}

func TestDec(t *testing.T) {
	good := map[string]string{"0": "0", "12": "12", "+4": "4", "-3": "-3", "0.35": "0.35",
		"1.5000": "1.5", "0.50000": "0.5", "251000": "251000", "-0.0001": "-0.0001"}
	for in, want := range good {
		d, err := ParseDec(in)
		if err != nil || d.String() != want {
			t.Errorf("ParseDec(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
	for _, in := range []string{"", "+", "-", ".", "1.", "1.2.3", "1e3", "12a", "0.00001", "１２", "99999999999999999999"} {
		if d, err := ParseDec(in); err == nil {
			t.Errorf("ParseDec(%q) = %v, want error", in, d)
		}
	}
	if !DecInt(3).IsInt() || DecInt(3).Int() != 3 {
		t.Error("DecInt")
	}
	if d, _ := ParseDec("0.35"); d.IsInt() {
		t.Error("0.35 is not an int")
	}
}

func TestReportJSONRoundTrip(t *testing.T) {
	r := NewReport("a/b.txt")
	r.Year, r.Format, r.Scope, r.Body = 2021, FormatGB2021, ScopeDepartment, "朝阳县教育局"
	r.Table3.Set("new_received", "total", Cell{State: StateNumber, Value: DecInt(20), Line: 57, Text: "20"})
	r.Table3.Set("new_received", "research", Cell{State: StateBlank, Line: 55})
	r.Table3.Set("other_total", "total", Cell{State: StateDerived, Value: DecInt(2)})
	r.Table3.Set("granted", "total", Cell{State: StateDash, Line: 60, Text: "—"})
	r.Table3.Set("carried_over", "total", Cell{State: StateMissing})
	fee, _ := ParseDec("0.35")
	r.Table2.Set("fees", "amount_10k_yuan", Cell{State: StateNumber, Value: fee, Line: 30, Text: "0.35"})
	r.Fee = Cell{State: StateNumber, Value: DecInt(0), Line: 99, Text: "0元"}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"new_received":{"research":0,"total":20}`, `"granted":{"total":null}`,
		`"amount_10k_yuan":0.35`, `"fees_collected_yuan":0`, `"state":"derived"`, `"checks":[]`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON lacks %s:\n%s", want, s)
		}
	}
	if strings.Contains(s, `"carried_over":{`) && !strings.Contains(s, `"carried_over":{"total":{"state":"missing"`) {
		t.Errorf("missing cell must not appear in the number map: %s", s)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if d := DiffNumbers(r, &back); len(d) > 0 {
		t.Errorf("round trip differs: %v", d)
	}
	c, _ := back.Table3.Get("new_received", "total")
	if c.Line != 57 || c.Text != "20" {
		t.Errorf("provenance lost: %+v", c)
	}
	// and a change is seen
	back.Table3.Set("new_received", "total", Cell{State: StateNumber, Value: DecInt(21)})
	if d := DiffNumbers(r, &back); len(d) != 1 || !strings.Contains(d[0], "table3.new_received.total") {
		t.Errorf("diff = %v", d)
	}
}
