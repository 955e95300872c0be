package gen

import (
	"sort"
	"strings"
	"testing"
)

// The readings of a table 2 run with dash marks (the gold of run-together reports): dash marks
// are dash cells, line dashes alone or together, digits cut into counts.
func TestRunReadings(t *testing.T) {
	for _, c := range []struct {
		d    string
		k    int
		want string // readings joined by ";", sorted
	}{
		{"///", 3, "/|/|/"},
		{"———", 3, "—|—|—"},
		{"———", 2, "—|——;——|—"},
		{"1——12", 4, "1|—|—|12;1|——|1|2"},
		{"—/—", 3, "—|/|—"},
		{"0—0", 3, "0|—|0"},
		{"123/", 3, "12|3|/;1|23|/"},
		{"//", 3, ""},
		{"无无", 2, "无|无"},
		{"1.5", 2, ""},
		{"1+2", 2, ""},
		{"005", 3, "0|0|5"},
		{"1234", 3, "12|3|4;1|23|4;1|2|34"},
		{"1111111111111", 3, ""}, // longer than runMax(3)
	} {
		var got []string
		for _, r := range runReadings(c.d, c.k) {
			got = append(got, strings.Join(r, "|"))
		}
		sort.Strings(got)
		if strings.Join(got, ";") != c.want {
			t.Errorf("runReadings(%q, %d) = %q, want %q", c.d, c.k, strings.Join(got, ";"), c.want)
		}
	}
	for _, c := range []struct {
		d    string
		want bool
	}{{"12-3100", true}, {"12—100", false}, {"---", false}, {"1－2", true}, {"3-", false}} {
		if got := signBeforeDigit(c.d); got != c.want {
			t.Errorf("signBeforeDigit(%q) = %v", c.d, got)
		}
	}
}
