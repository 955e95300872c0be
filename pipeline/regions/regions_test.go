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

// TestResolveName: the divisions a body's name starts with, at every level and in the real
// short forms; names that start with no division, or with one only bare, give nothing.
func TestResolveName(t *testing.T) {
	r := Default()
	cases := []struct {
		name, code, rest string
		ambiguous        bool
	}{
		{"辽宁省教育厅", "21", "教育厅", false},
		{"辽宁省人民政府办公厅", "21", "人民政府办公厅", false},
		{"辽宁省", "21", "", false},
		{"沈阳市", "2101", "", false},
		{"沈阳市教育局", "2101", "教育局", false},
		{"沈阳市和平区教育局", "210102", "教育局", false},
		{"辽宁省沈阳市和平区教育局", "210102", "教育局", false},
		{"和平区教育局", "", "教育局", true}, // 沈阳市 and 天津市
		{"朝阳县教育局", "211321", "教育局", false},
		{"朝阳市人民政府", "2113", "人民政府", false},
		{"北京市朝阳区教育委员会", "110105", "教育委员会", false},
		{"北京市教育委员会", "11", "教育委员会", false}, // a municipality is a province
		{"重庆市万州区", "500101", "", false},
		{"楚雄州人民政府", "5323", "人民政府", false},
		{"楚雄彝族自治州教育局", "5323", "教育局", false},
		{"克州人民政府", "6530", "人民政府", false},
		{"阿克苏地区行政公署", "6529", "行政公署", false},
		{"兴安盟行政公署", "1522", "行政公署", false},
		{"东莞市教育局", "4419", "教育局", false},
		{"东莞市虎门镇人民政府", "441900", "虎门镇人民政府", false},
		{"嘉峪关市人民政府", "6202", "人民政府", false},
		{"仙桃市人民政府", "429004", "人民政府", false},
		{"湖北省仙桃市教育局", "429004", "教育局", false},
		{"吉林市教育局", "2202", "教育局", false},
		{"吉林省公安厅", "22", "公安厅", false},
		{"本溪县人民政府", "210521", "人民政府", false}, // 本溪满族自治县
		{"喀左县教育局", "211324", "教育局", false},
		{"国家税务总局朝阳县税务局", "211321", "税务局", false},
		{"沈阳高新技术产业开发区管理委员会", "2101", "高新技术产业开发区管理委员会", false},
		{"长春经济技术开发区管理委员会", "220171", "管理委员会", false},
		{"晋城市城区人民政府", "140502", "人民政府", false},
		{"成都市公安局锦江区分局", "510104", "公安局锦江区分局", false},
		{"沈阳市生态环境局和平分局", "210102", "生态环境局和平分局", false},
		{"沈阳市公安局", "2101", "公安局", false},
		{"海南州人民政府", "6325", "人民政府", false},
		{"海南省人民政府", "46", "人民政府", false},
		{"辽宁教育厅", "", "辽宁教育厅", false}, // bare, followed by no division
		{"城区人民政府", "", "城区人民政府", false},
		{"柳城街道办事处", "", "柳城街道办事处", false},
		{"市场监督管理局", "", "市场监督管理局", false},
		{"", "", "", false},
	}
	for _, c := range cases {
		m := r.ResolveName(c.name)
		got := ""
		if m.Found {
			got = m.Place.Code
			if len(got) != m.Place.Level.CodeLen() {
				t.Errorf("%s: code %s at level %s", c.name, got, m.Place.Level)
			}
		}
		if got != c.code || m.Rest != c.rest || m.Ambiguous() != c.ambiguous {
			t.Errorf("%s: %q rest %q ambiguous %v, want %q %q %v", c.name, got, m.Rest, m.Ambiguous(), c.code, c.rest, c.ambiguous)
		}
	}
	if m := r.ResolveName("和平区教育局", "辽宁省/沈阳市"); !m.Found || m.Place.Code != "210102" {
		t.Errorf("和平区 in the context of 沈阳市: %+v", m)
	}
}

func TestPlace(t *testing.T) {
	r := Default()
	for code, want := range map[string]string{
		"21": "21 province 辽宁省", "2113": "2113 prefecture 朝阳市", "211321": "211321 county 朝阳县",
		"210100": "2101 prefecture 沈阳市", "210000": "21 province 辽宁省", "4290": "", "1101": "", "99": "", "211399": "",
	} {
		p, ok := r.Place(code)
		got := ""
		if ok {
			got = p.Code + " " + string(p.Level) + " " + p.Name
		}
		if got != want {
			t.Errorf("Place(%s) = %q, want %q", code, got, want)
		}
	}
	p, _ := r.Place("2113")
	if p.Province != "辽宁省" || p.ProvinceCode != "21" || p.Prefecture != "朝阳市" || p.PrefectureCode != "2113" {
		t.Errorf("2113: %+v", p)
	}
	if reg := p.Region("manifest"); reg.Level != "prefecture" || reg.Code != "2113" {
		t.Errorf("region %+v", reg)
	}
	if d, ok := r.SoleCounty("4419"); !ok || d.Code != "441900" || !r.IsSoleCounty(d) {
		t.Errorf("东莞市: %+v %v", d, ok)
	}
	if _, ok := r.SoleCounty("2113"); ok {
		t.Error("朝阳市 has districts and counties")
	}
}

func TestFindPlaceInPath(t *testing.T) {
	r := Default()
	cases := []struct {
		path, code string
		exact      bool
	}{
		{"辽宁省/省直/2023/辽宁省教育厅2023年政府信息公开工作年度报告.txt", "21", true},
		{"辽宁省/省直/2023/报告.txt", "21", true},
		{"辽宁省/沈阳市/市直/2023/x.txt", "2101", true},
		{"辽宁省/沈阳市/2023/a.txt", "2101", false},
		{"辽宁省/沈阳市/和平区/2023/和平区教育局2023年.txt", "210102", true},
		{"flat/2023/210100_沈阳市教育局.txt", "2101", true},
		{"flat/2023/沈阳市教育局2023年政府信息公开工作年度报告.html", "2101", true},
		{"reports/21/2113/211321/2021/朝阳县人民政府.txt", "211321", true},
		{"辽宁/朝阳市/朝阳县/2021.txt", "211321", true},
		{"广东省/东莞市/东莞市/2023/虎门镇人民政府2023.txt", "441900", true}, // a town of a city without districts
		{"广东省/东莞市/2023/报告.txt", "4419", false},
		{"misc/report.txt", "", false},
	}
	for _, c := range cases {
		m := r.FindPlaceInPath(c.path)
		if m.Place.Code != c.code || m.Exact != c.exact || m.Found != (c.code != "") {
			t.Errorf("%s: %+v, want %s exact %v", c.path, m, c.code, c.exact)
		}
	}
}

// FuzzResolve: any name or path gives a registered place consistent with its level, the rest
// of the name as a suffix of it, or nothing — never a panic.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{"辽宁省教育厅", "沈阳市和平区教育局", "东莞市虎门镇人民政府", "楚雄州", "中共朝阳县委", "沈阳高新区", "辽宁省/省直/2023/辽宁省教育厅.txt", "210100_x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Default()
		m := r.ResolveName(s, s)
		if !strings.HasSuffix(s, m.Rest) {
			t.Fatalf("%q: rest %q is not its end", s, m.Rest)
		}
		check := func(p Place) {
			q, ok := r.Place(p.Code)
			if !ok || q != p || len(p.Code) != p.Level.CodeLen() {
				t.Fatalf("%q: %+v is not a registered place", s, p)
			}
		}
		if m.Found {
			check(m.Place)
		}
		pm := r.FindPlaceInPath(s)
		if pm.Found {
			check(pm.Place)
		}
		for _, p := range append(m.Candidates, pm.Candidates...) {
			check(p)
		}
	})
}
