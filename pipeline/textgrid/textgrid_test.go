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
