package textgrid

import (
	"strings"
	"testing"
)

func TestWidth(t *testing.T) {
	for s, want := range map[string]int{"": 0, "abc": 3, "朝阳县": 6, "2113 朝阳市": 11, "（一）": 6, "—": 1} {
		if got := Width(s); got != want {
			t.Errorf("Width(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestTruncate(t *testing.T) {
	if got := Truncate("一、本年新收政府信息公开申请数量", 10); Width(got) > 10 || !strings.HasSuffix(got, "…") {
		t.Errorf("Truncate = %q (width %d)", got, Width(got))
	}
	if got := Truncate("短", 10); got != "短" {
		t.Errorf("Truncate short = %q", got)
	}
}

// Every line of an aligned table has its numbers ending in the same terminal column.
func TestWriteAligns(t *testing.T) {
	var b strings.Builder
	Write(&b, "  ", [][]string{{"地市", "报告"}, {"2101 沈阳市", "1789"}, {"2114 葫芦岛市", "7"}}, 30)
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("lines: %q", lines)
	}
	w := Width(lines[0])
	for _, l := range lines {
		if Width(l) != w {
			t.Errorf("line %q is %d columns wide, want %d:\n%s", l, Width(l), w, b.String())
		}
		if !strings.HasPrefix(l, "  ") {
			t.Errorf("indent missing: %q", l)
		}
	}
}

// A table with a heading and a rule: every line is as wide as the rule, numbers end in the
// same column, text starts in the same column, a long cell is cut, a line break is a space.
func TestTableWrite(t *testing.T) {
	var b strings.Builder
	err := Table{Head: []string{"名称", "n"}, Rows: [][]string{{"朝阳县", "12345"}, {"a\nb", "7"}, {strings.Repeat("长", 40), "1"}},
		Right: []bool{false, true}, Max: []int{20}, Rule: true}.Write(&b)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[1], "────") {
		t.Fatalf("%q", lines)
	}
	for _, l := range lines[1:] {
		if Width(l) != Width(lines[1]) {
			t.Errorf("%q: width %d, want %d", l, Width(l), Width(lines[1]))
		}
	}
	if !strings.HasPrefix(lines[3], "a b ") || !strings.HasSuffix(lines[2], "12345") || !strings.HasSuffix(lines[3], "    7") {
		t.Errorf("cells:\n%s", b.String())
	}
	if w := Width(strings.Fields(lines[4])[0]); w > 20 || !strings.Contains(lines[4], "…") {
		t.Errorf("cut: %q", lines[4])
	}
}

func TestTableMarkdown(t *testing.T) {
	var b strings.Builder
	if err := (Table{Head: []string{"a|b", "n"}, Rows: [][]string{{"x\ny", "1"}, {"z"}}, Right: []bool{false, true}}).Markdown(&b); err != nil {
		t.Fatal(err)
	}
	want := "| a\\|b | n |\n|---|---:|\n| x y | 1 |\n| z |  |\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
