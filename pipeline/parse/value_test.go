package parse

import (
	"testing"

	"xxgk/schemas"
)

func TestValue(t *testing.T) {
	cases := []struct {
		in              string
		decimal, signed bool
		state           schemas.CellState
		want            string // value, or "" for an error
	}{
		{"19", false, false, schemas.StateNumber, "19"},
		{" 0 ", false, false, schemas.StateNumber, "0"},
		{"", false, false, schemas.StateBlank, "0"},
		{" \u3000 ", false, false, schemas.StateBlank, "0"},
		{"\u00a0", false, false, schemas.StateBlank, "0"},
		{"-", false, false, schemas.StateDash, "0"},
		{"—", false, false, schemas.StateDash, "0"},
		{"–", false, false, schemas.StateDash, "0"},
		{"——", false, false, schemas.StateDash, "0"},
		{"/", false, false, schemas.StateDash, "0"},
		{"／", false, false, schemas.StateDash, "0"},
		{"无", false, false, schemas.StateDash, "0"},
		{"－", false, false, schemas.StateDash, "0"},
		{"-", true, true, schemas.StateDash, "0"},
		{"3件", false, false, schemas.StateNumber, "3"},
		{"3 件", false, false, schemas.StateNumber, "3"},
		{"12条", false, false, schemas.StateNumber, "12"},
		{"4个", false, false, schemas.StateNumber, "4"},
		{"5项", false, false, schemas.StateNumber, "5"},
		{"6次", false, false, schemas.StateNumber, "6"},
		{"7人次", false, false, schemas.StateNumber, "7"},
		{"8件次", false, false, schemas.StateNumber, "8"},
		{"251000元", true, false, schemas.StateNumber, "251000"},
		{"0.35万元", true, false, schemas.StateNumber, "0.35"},
		{"0.35", true, false, schemas.StateNumber, "0.35"},
		{"1,234", false, false, schemas.StateNumber, "1234"},
		{"1,234,567", false, false, schemas.StateNumber, "1234567"},
		{"1,234.5", true, false, schemas.StateNumber, "1234.5"},
		{"+12", false, true, schemas.StateNumber, "12"},
		{"-3", false, true, schemas.StateNumber, "-3"},
		{"−3", false, true, schemas.StateNumber, "-3"},
		{"－3", false, true, schemas.StateNumber, "-3"},
		{"１２", false, false, schemas.StateNumber, "12"},
		{"007", false, false, schemas.StateNumber, "7"},
		// errors
		{"+12", false, false, "", ""},
		{"-3", false, false, "", ""},
		{"2.0", false, false, "", ""},
		{"0.35", false, false, "", ""},
		{"十二", false, false, "", ""},
		{"约20", false, false, "", ""},
		{"20余", false, false, "", ""},
		{"a1", false, false, "", ""},
		{"1 2", false, false, "", ""},
		{"12,34", false, false, "", ""},
		{"1234,567", false, false, "", ""},
		{",123", false, false, "", ""},
		{"1.2.3", true, false, "", ""},
		{"3.", true, false, "", ""},
		{".5", true, false, schemas.StateNumber, "0.5"},
		{"件", false, false, "", ""},
		{"元", true, false, "", ""},
		{"+", false, true, "", ""},
		{"3+", false, true, "", ""},
		{"0.00001", true, false, "", ""},
		{"99999999999999999999", false, false, "", ""},
		{"一", false, false, "", ""},
		{"N/A", false, false, "", ""},
	}
	for _, c := range cases {
		st, d, err := Value(c.in, c.decimal, c.signed)
		if c.want == "" {
			if err == nil {
				t.Errorf("Value(%q, %v, %v) = %s %s, want an error", c.in, c.decimal, c.signed, st, d)
			}
			continue
		}
		if err != nil || st != c.state || d.String() != c.want {
			t.Errorf("Value(%q, %v, %v) = %s %s %v, want %s %s", c.in, c.decimal, c.signed, st, d, err, c.state, c.want)
		}
	}
}

func TestValueUnit(t *testing.T) {
	if _, _, u, err := value("251000元", true, false); err != nil || u != "元" {
		t.Errorf("unit = %q, %v", u, err)
	}
	if _, _, u, _ := value("0.35万元", true, false); u != "万元" {
		t.Errorf("unit = %q", u)
	}
	if !unitFits("元", "元") || unitFits("万元", "元") || unitFits("元", "") || !unitFits("件", "") {
		t.Errorf("unitFits")
	}
}

func BenchmarkValue(b *testing.B) {
	in := []string{"19", "0", "", "—", "251000元", "1,234", "+12", "十二"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Value(in[i%len(in)], true, true)
	}
}
