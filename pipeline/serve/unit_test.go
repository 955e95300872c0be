package serve

import (
	"math/big"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"xxgk/pipeline/store"
	"xxgk/schemas"
)

// scan reads typed rows and refuses what would print wrong: a column without a field, a field
// without a column, NULL where a value is required, a decimal with more places than Dec keeps.
func TestScan(t *testing.T) {
	type row struct {
		Name  string       `col:"name"`
		N     int64        `col:"n"`
		Sum   int64        `col:"sum"`
		Money schemas.Dec  `col:"money"`
		Opt   *schemas.Dec `col:"opt"`
		Rate  *float64     `col:"rate"`
		OK    bool         `col:"ok"`
		At    time.Time    `col:"at"`
	}
	at := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	good := &store.Rows{Columns: []string{"name", "n", "sum", "money", "opt", "rate", "ok", "at"},
		Rows: [][]any{{"朝阳县", int32(7), big.NewInt(123456789012), store.Decimal{Value: "123450", Scale: 4}, nil, 0.5, true, at}}}
	out, err := scanRows[row](good)
	if err != nil {
		t.Fatal(err)
	}
	r := out[0]
	if r.Name != "朝阳县" || r.N != 7 || r.Sum != 123456789012 || r.Money.String() != "12.345" || r.Opt != nil || *r.Rate != 0.5 || !r.OK || !r.At.Equal(at) {
		t.Errorf("%+v", r)
	}
	for name, bad := range map[string]*store.Rows{
		"extra column":   {Columns: append(good.Columns, "typo"), Rows: [][]any{append(good.Rows[0], 1)}},
		"missing column": {Columns: good.Columns[:7], Rows: [][]any{good.Rows[0][:7]}},
		"NULL count":     {Columns: good.Columns, Rows: [][]any{{"x", nil, int64(1), store.Decimal{Value: "1", Scale: 0}, nil, nil, true, at}}},
		"float money":    {Columns: good.Columns, Rows: [][]any{{"x", int64(1), int64(1), 1.5, nil, nil, true, at}}},
		"too precise":    {Columns: good.Columns, Rows: [][]any{{"x", int64(1), int64(1), store.Decimal{Value: "123456", Scale: 5}, nil, nil, true, at}}},
		"huge":           {Columns: good.Columns, Rows: [][]any{{"x", int64(1), new(big.Int).Lsh(big.NewInt(1), 70), store.Decimal{Value: "1", Scale: 0}, nil, nil, true, at}}},
		"text as int":    {Columns: good.Columns, Rows: [][]any{{"x", "7", int64(1), store.Decimal{Value: "1", Scale: 0}, nil, nil, true, at}}},
	} {
		if _, err := scanRows[row](bad); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// Bodies are found by characters, pinyin initials, syllables or a mix; polyphonic characters
// by any reading.
func TestPinyinMatch(t *testing.T) {
	for _, c := range []struct {
		name, q string
		want    bool
	}{
		{"朝阳县教育局", "jyj", true},
		{"朝阳县教育局", "jiaoyuju", true},
		{"朝阳县教育局", "jiaoyj", true},
		{"朝阳县教育局", "cyx", true},
		{"朝阳县教育局", "zyx", true}, // 朝: chao or zhao
		{"长春市", "ccs", true},
		{"长春市", "zcs", true}, // 长: chang or zhang
		{"朝阳县教育局", "jyx", false},
		{"朝阳县教育局", "jyjj", false},
		{"朝阳县教育局", "yjy", false},
		{"喀左县第2中学", "d2zx", true},
		{"朝阳县教育局", "", false},
	} {
		_, got := pinyinMatch(syllables(c.name), c.q)
		if got != c.want {
			t.Errorf("pinyinMatch(%s, %q) = %v", c.name, c.q, got)
		}
	}
	if !isPinyinQuery("jyj") || isPinyinQuery("教育") || isPinyinQuery("j y") {
		t.Error("isPinyinQuery")
	}
	if r, ok := nameMatch("朝阳县教育局", syllables("朝阳县教育局"), "朝阳", "朝阳", false); !ok || r != 0 {
		t.Errorf("prefix: %d %v", r, ok)
	}
	if r, ok := nameMatch("朝阳县教育局", syllables("朝阳县教育局"), "教育", "教育", false); !ok || r != 1 {
		t.Errorf("contains: %d %v", r, ok)
	}
}

// The search matching never panics and stays fast on any name and query.
func FuzzNameMatch(f *testing.F) {
	for _, s := range [][2]string{{"朝阳县教育局", "jyj"}, {"长春市", "zcs"}, {"A区管委会", "aq"}, {"", ""}, {"\xff\xfe", "a"},
		{strings.Repeat("长", 200), strings.Repeat("c", 100)}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, name, q string) {
		if len(q) > 300 || len(name) > 2000 {
			return
		}
		start := time.Now()
		lq := strings.ToLower(q)
		r, ok := nameMatch(name, syllables(name), q, lq, isPinyinQuery(q))
		if ok && (r < 0 || r > 3) {
			t.Fatalf("rank %d", r)
		}
		if ok && !isPinyinQuery(q) && !strings.Contains(name, q) {
			t.Fatalf("%q matched %q without containing it", name, q)
		}
		if d := time.Since(start); d > time.Second && utf8.RuneCountInString(name) < 500 {
			t.Fatalf("%s for %d runes", d, utf8.RuneCountInString(name))
		}
	})
}
