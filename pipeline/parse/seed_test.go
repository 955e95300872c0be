package parse

import (
	"strings"
	"testing"

	"xxgk/schemas"
)

const seedFile = "000_d872e84ffe724e9d.txt"

func zeros(n int) string { return strings.TrimSpace(strings.Repeat("0 ", n)) }

var seedTable3 = map[string]string{
	"new_received":                "19 1 0 0 0 0 20",
	"carried_over":                zeros(7),
	"granted":                     "8 0 0 0 0 0 8",
	"partially_granted":           zeros(7),
	"withheld_state_secret":       zeros(7),
	"withheld_law_prohibited":     zeros(7),
	"withheld_security_stability": zeros(7),
	"withheld_third_party":        zeros(7),
	"withheld_internal_affairs":   zeros(7),
	"withheld_process_info":       zeros(7),
	"withheld_enforcement_file":   zeros(7),
	"withheld_query_item":         zeros(7),
	"unavailable_not_held":        "11 0 0 0 0 0 11",
	"unavailable_needs_creation":  zeros(7),
	"unavailable_unclear":         zeros(7),
	"rejected_petition":           "0 1 0 0 0 0 1",
	"rejected_duplicate":          zeros(7),
	"rejected_publication":        zeros(7),
	"rejected_excessive":          zeros(7),
	"rejected_confirmation":       zeros(7),
	"other_no_correction":         zeros(7),
	"other_no_fee":                zeros(7),
	"other_other":                 zeros(7),
	"total_handled":               "19 1 0 0 0 0 20",
	"carried_forward":             zeros(7),
}

var seedTable2 = map[string]string{
	"rules":               "0 0 0",
	"normative_documents": "3 9 54",
	"licensing":           "0",
	"penalty":             "0",
	"coercion":            "0",
	"fees":                "0",
}

func TestSeed(t *testing.T) {
	r := parseFile(t, seedFile, Options{})
	if errs := errorsOf(r); len(errs) > 0 {
		t.Fatalf("seed: error problems: %+v", errs)
	}
	if r.Year != 2021 || r.Format != schemas.FormatGB2021 {
		t.Errorf("year/format = %d/%s, want 2021/gb2021", r.Year, r.Format)
	}
	if r.Region.Code != "211321" || r.Region.Method != schemas.RegionText {
		t.Errorf("region = %+v, want 211321 by text", r.Region)
	}
	if r.Status != "" {
		t.Errorf("status = %q: parse leaves it to validate", r.Status)
	}
	if r.Title != "" {
		t.Errorf("title = %q, the seed has none", r.Title)
	}
	checkRows(t, "table3", r.Table3, t3cols(seedTable3), seedTable3)
	if got := len(r.Table3); got != len(seedTable3) {
		t.Errorf("table3 has %d rows %v, want exactly the %d printed ones", got, gridRows(r.Table3), len(seedTable3))
	}
	checkRows(t, "table2", r.Table2, t2cols(schemas.FormatGB2021, seedTable2), seedTable2)
	if got := len(r.Table2); got != len(seedTable2) {
		t.Errorf("table2 has %d rows %v", got, gridRows(r.Table2))
	}
	checkRows(t, "table4", r.Table4, t4cols(), t4spec(zeros(15)))
	if r.Fee.State != schemas.StateNumber || r.Fee.Value != 0 || r.Fee.Line != 349 {
		t.Errorf("fee = %+v, want 0 at line 349", r.Fee)
	}
	if s, ok := statement(r, schemas.StatedRequests); !ok || s.Value != schemas.DecInt(20) || s.Approx || s.Line != 8 {
		t.Errorf("requests statement = %+v, %v; want 20 at line 8", s, ok)
	}
	if s, ok := statement(r, schemas.StatedFees); !ok || s.Value != 0 || s.Section != 6 {
		t.Errorf("fee statement = %+v, %v", s, ok)
	}
	if len(r.Statements) != 2 {
		t.Errorf("statements = %+v (7000余条 is no statement)", r.Statements)
	}
	if len(r.Sections) != 6 {
		t.Fatalf("sections = %d, want 6", len(r.Sections))
	}
	wantLines := []int{1, 18, 59, 302, 340, 348}
	for i, s := range r.Sections {
		if s.Number != i+1 || s.Line != wantLines[i] || !strings.HasPrefix(s.Text, s.Heading) {
			t.Errorf("section %d = number %d line %d heading %q", i+1, s.Number, s.Line, s.Heading)
		}
	}
	if !strings.Contains(r.Section(6).Text, "收取信息处理费0元") || strings.Contains(r.Section(5).Text, "六、") {
		t.Errorf("section texts cut wrongly: %q", r.Section(6).Text)
	}
	if len(r.Markers[schemas.FormatGB2021]) == 0 || len(r.Markers[schemas.FormatGB2019]) != 0 {
		t.Errorf("markers = %v", r.Markers)
	}
}

func TestSeedLines(t *testing.T) {
	r := parseFile(t, seedFile, Options{})
	cases := []struct {
		table, row, col string
		line            int
		text            string
	}{
		{schemas.Table3, "new_received", "natural_person", 74, "19"},
		{schemas.Table3, "new_received", "total", 80, "20"},
		{schemas.Table3, "granted", "natural_person", 93, "8"},
		{schemas.Table3, "rejected_petition", "commercial", 214, "1"},
		{schemas.Table3, "carried_forward", "total", 301, "0"},
		{schemas.Table2, "normative_documents", "in_force", 32, "54"},
		{schemas.Table2, "fees", "amount_10k_yuan", 58, "0"},
		{schemas.Table4, "review", "upheld", 325, "0"},
		{schemas.Table4, "litigation_after_review", "total", 339, "0"},
	}
	for _, c := range cases {
		cell, ok := r.Table(c.table).Get(c.row, c.col)
		if !ok || cell.Line != c.line || cell.Text != c.text {
			t.Errorf("%s.%s.%s = line %d text %q, want line %d text %q", c.table, c.row, c.col, cell.Line, cell.Text, c.line, c.text)
		}
	}
}
