package store

import (
	"testing"
	"time"
)

func TestText(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{nil, ""},
		{"朝阳县", "朝阳县"},
		{int64(20), "20"},
		{0.25, "0.25"},
		{1e21, "1000000000000000000000"},
		{float32(0.5), "0.5"},
		{Decimal{Value: "-12345", Scale: 2}, "-123.45"},
		{time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC), "2024-03-31"},
		{time.Date(2024, 3, 31, 8, 30, 0, 0, time.UTC), "2024-03-31T08:30:00Z"},
		{[]byte{0xde, 0xad}, `\xdead`},
		{true, "true"},
	} {
		if got := Text(c.v); got != c.want {
			t.Errorf("Text(%#v) = %q, want %q", c.v, got, c.want)
		}
	}
}
