package parse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// clauseByClause is withoutContacts as it was first written, the oracle of its one-pass form:
// the text cut at every separator, isContact asked of each clause.
func clauseByClause(s string) string {
	var b strings.Builder
	start := 0
	flush := func(end int) {
		if c := s[start:end]; !isContact(c) {
			b.WriteString(c)
		}
	}
	for i, c := range s {
		switch c {
		case '。', '；', ';', '，', ',', '\n', '（', '）', '(', ')', '|':
			flush(i)
			b.WriteRune(c)
			start = i + len(string(c))
		}
	}
	flush(len(s))
	return b.String()
}

var contactSeeds = []string{
	"",
	"联系地址：沈阳市和平区北一马路108号。",
	"一、总体情况\n2023年，我局在朝阳县开展活动，联系地址：沈阳市和平区北一马路108号。完。",
	"洪泽湖大道 90 号，电话 0517-1234567；网址 http://www.example.gov.cn（主办：某某局）",
	"号在前，1号，1 号， 号，a号|E-mail: x@y.cn|email；Email；e-mail（版权所有）",
	"本机关位于十一纬路36号\n来源：某县人民政府\n技术支持：某公司 标识码2101000001",
	"\xe5\x9c\xb0\xff址：无效字节\xe5，\xff号，3\xff号",
	"微博、公众号、门户网站、热线、传真、邮编、邮政编码、信箱、邮箱、住址、地点",
}

func TestWithoutContactsOracle(t *testing.T) {
	seeds := append([]string(nil), contactSeeds...)
	files, _ := filepath.Glob("testdata/shapes/*")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, string(b))
	}
	dropped := 0
	for _, s := range seeds {
		got, want := withoutContacts(s), clauseByClause(s)
		if got != want {
			t.Errorf("withoutContacts(%.60q…):\n got %.200q\nwant %.200q", s, got, want)
		}
		if got != s {
			dropped++
		}
	}
	if dropped < len(contactSeeds)-2 {
		t.Errorf("only %d of the texts lost a clause: the seeds no longer exercise the contact rule", dropped)
	}
}

// FuzzWithoutContacts: the one-pass withoutContacts drops exactly the clauses the
// clause-by-clause oracle drops.
func FuzzWithoutContacts(f *testing.F) {
	for _, s := range contactSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := withoutContacts(s), clauseByClause(s); got != want {
			t.Fatalf("withoutContacts(%q) = %q, want %q", s, got, want)
		}
	})
}
