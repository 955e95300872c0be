package serve

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

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
