package regions

import (
	"os"
	"strings"
	"testing"
)

func TestRegistryShape(t *testing.T) {
	r := Default()
	if len(r.Provinces) != 31 {
		t.Errorf("provinces = %d, want 31", len(r.Provinces))
	}
	ln := r.Under("21")
	if len(ln) < 90 || len(ln) > 110 {
		t.Errorf("辽宁 counties = %d, want about 100", len(ln))
	}
	d, ok := r.County("211321")
	if !ok || d.Name != "朝阳县" || d.Prefecture != "朝阳市" || d.Province != "辽宁省" || d.PrefectureCode != "2113" {
		t.Errorf("211321 = %+v, %v", d, ok)
	}
	// 市辖区 prefectures take the province's name
	d, _ = r.County("110105")
	if d.Name != "朝阳区" || d.Prefecture != "北京市" {
		t.Errorf("110105 = %+v", d)
	}
	if n, ok := r.AreaName("2113"); !ok || n != "朝阳市" {
		t.Errorf("AreaName(2113) = %q", n)
	}
	if len(r.PrefecturesOf("21")) != 14 {
		t.Errorf("辽宁 prefectures = %d, want 14", len(r.PrefecturesOf("21")))
	}
}

func TestFindInTextSeed(t *testing.T) {
	b, err := os.ReadFile("testdata/seed.txt")
	if err != nil {
		t.Fatal(err)
	}
	m := Default().FindInText("", string(b))
	if !m.Found || m.Division.Code != "211321" {
		t.Fatalf("seed: %+v", m)
	}
}

func TestFindInText(t *testing.T) {
	r := Default()
	cases := []struct {
		title, text string
		code        string
		ambiguous   bool
	}{
		{"朝阳区2022年政府信息公开工作年度报告", "北京市朝阳区人民政府", "110105", false},
		{"朝阳区2022年政府信息公开工作年度报告", "长春市朝阳区人民政府", "220104", false},
		{"朝阳区2022年政府信息公开工作年度报告", "区人民政府办公室", "", true},
		{"", "北票市教育局2021年工作", "211381", false},
		// the longest name wins: 喀喇沁左翼蒙古族自治县, not a shorter tail
		{"喀喇沁左翼蒙古族自治县人民政府", "", "211324", false},
		{"", "没有地名的文字", "", false},
	}
	for _, c := range cases {
		m := r.FindInText(c.title, c.text)
		if c.ambiguous {
			if !m.Ambiguous() || len(m.Candidates) < 2 {
				t.Errorf("%s/%s: want ambiguous, got %+v", c.title, c.text, m)
			}
			continue
		}
		got := ""
		if m.Found {
			got = m.Division.Code
		}
		if got != c.code {
			t.Errorf("%s/%s: got %q (%+v), want %q", c.title, c.text, got, m, c.code)
		}
	}
}

func TestFindInPath(t *testing.T) {
	r := Default()
	cases := []struct{ path, code string }{
		{"reports/21/2113/211321/2021/朝阳县人民政府.txt", "211321"},
		{"辽宁省/朝阳市/朝阳县/2021/教育局.html", "211321"},
		{"flat/211381_北票市教育局_2022.txt", "211381"},
		{"flat/北票市教育局2022年政府信息公开工作年度报告.txt", "211381"},
		{"长春市/朝阳区/2022.txt", "220104"},
		{"misc/report.txt", ""},
	}
	for _, c := range cases {
		m := r.FindInPath(c.path)
		got := ""
		if m.Found {
			got = m.Division.Code
		}
		if got != c.code {
			t.Errorf("%s: got %q (%+v), want %q", c.path, got, m, c.code)
		}
	}
}

func BenchmarkFindInText(b *testing.B) {
	buf, _ := os.ReadFile("testdata/seed.txt")
	r := Default()
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		r.FindInText("", string(buf))
	}
}

// FuzzFind: any title, text or path gives a match that is either found (a registered county
// named in its input, or by code in the path), ambiguous with candidates, or nothing — never a
// panic.
func FuzzFind(f *testing.F) {
	seed, _ := os.ReadFile("testdata/seed.txt")
	f.Add("", string(seed), "reports/21/2113/211321/2021/朝阳县人民政府.txt")
	f.Add("朝阳区2022年政府信息公开工作年度报告", "区人民政府", "长春市/朝阳区/2022.txt")
	f.Fuzz(func(t *testing.T, title, text, path string) {
		r := Default()
		for _, m := range []Match{r.FindInText(title, text), r.FindInPath(path)} {
			switch {
			case m.Found:
				if _, ok := r.County(m.Division.Code); !ok || len(m.Candidates) != 0 {
					t.Fatalf("found %+v: not a registered county", m)
				}
			case len(m.Candidates) == 1:
				t.Fatalf("one candidate but not found: %+v", m)
			}
		}
		if m := r.FindInText(title, text); m.Found && !strings.Contains(title+text, m.Division.Name) {
			t.Fatalf("found %s, which the text does not name", m.Division.Name)
		}
	})
}
