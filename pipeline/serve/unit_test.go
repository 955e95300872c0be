package serve

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"syscall"
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

// The source cache shows a file only while its bytes are the ones the warehouse read, and
// says why not otherwise; it never opens what is not a regular file.
func TestSourceCache(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.txt")
	body := "第一行\n表三 | 1 | 2\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(body))
	sha := hex.EncodeToString(sum[:])
	c := newSourceCache(dir, 2)
	ctx := context.Background()
	d := c.read(ctx, "r.txt", sha) // relative: under the cache's root
	if d.State != sourceOK || len(d.Lines) < 2 || d.Lines[1] != "表三 | 1 | 2" {
		t.Fatalf("ok: %+v", d)
	}
	if err := os.WriteFile(path, []byte(body+"改\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if d := c.read(ctx, "r.txt", sha); d.State != sourceChanged || d.Lines != nil {
		t.Errorf("changed: %+v", d)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if d := c.read(ctx, path, sha); d.State != sourceGone {
		t.Errorf("gone: %+v", d)
	}
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	if d := c.read(ctx, path, sha); d.State != sourceUnread || d.Lines != nil {
		t.Errorf("a directory: %+v", d)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan *sourceDoc, 1)
	go func() { done <- c.read(ctx, fifo, sha) }()
	select {
	case d := <-done:
		if d.State != sourceUnread {
			t.Errorf("a FIFO: %+v", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("reading a FIFO blocked")
	}
}
