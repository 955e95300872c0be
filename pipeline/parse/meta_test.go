package parse

import (
	"strings"
	"testing"
	"unicode/utf8"

	"xxgk/pipeline/decode"
	"xxgk/schemas"
)

func TestYear(t *testing.T) {
	cases := []struct {
		name, text string
		opt        Options
		want       int
		problem    string // problem code expected ("" none of code year)
	}{
		{"title", "朝阳县2022年政府信息公开工作年度报告\n一、总体情况\n2021年，2021年，2021年。", Options{}, 2022, ""},
		{"title year first", "2020年度朝阳县教育局政府信息公开工作年度报告\n一、总体情况\n2019年", Options{}, 2020, ""},
		{"period", "一、总体情况\n政府信息公开：本报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止。2022年将继续。2022年。2022年。", Options{}, 2021, ""},
		{"frequent, not section 五", "一、总体情况\n2021年共发布。2021年开展。\n五、存在的主要问题及改进情况\n2022年我办将。2022年。2022年。", Options{}, 2021, ""},
		{"option wins, conflict warned", "朝阳县2022年政府信息公开工作年度报告\n一、总体情况", Options{Year: 2021}, 2021, schemas.ProblemYear},
		{"option agrees", "朝阳县2021年政府信息公开工作年度报告\n一、总体情况", Options{Year: 2021}, 2021, ""},
		{"none", "一、总体情况\n政府信息公开工作稳步推进。", Options{}, 0, schemas.ProblemYear},
		{"out of range", "一、总体情况\n政府信息公开1999年和3021年。", Options{}, 0, schemas.ProblemYear},
	}
	for _, c := range cases {
		r := parseText(c.name, c.text, c.opt)
		if r.Year != c.want {
			t.Errorf("%s: year %d, want %d", c.name, r.Year, c.want)
		}
		got := hasProblem(r, schemas.ProblemYear, "", "")
		if got != (c.problem != "") {
			t.Errorf("%s: year problem %v; %v", c.name, got, problemCodes(r))
		}
	}
}

func TestBodyScope(t *testing.T) {
	cases := []struct {
		title, intro string
		opt          Options
		body         string
		scope        schemas.Scope
	}{
		{"朝阳县教育局2021年政府信息公开工作年度报告", "", Options{}, "朝阳县教育局", schemas.ScopeDepartment},
		{"朝阳县人民政府办公室2021年政府信息公开工作年度报告", "", Options{}, "朝阳县人民政府办公室", schemas.ScopeGovernment},
		{"朝阳县人民政府2021年政府信息公开工作年度报告", "", Options{}, "朝阳县人民政府", schemas.ScopeGovernment},
		{"朝阳县2022年政府信息公开工作年度报告", "", Options{}, "朝阳县", schemas.ScopeArea},
		{"朝阳县人民政府2021年政府信息公开工作年度报告", "本报告由全县各乡镇、各部门年度报告汇总而成。", Options{}, "朝阳县人民政府", schemas.ScopeArea},
		{"朝阳县柳城街道办事处2021年政府信息公开工作年度报告", "", Options{}, "朝阳县柳城街道办事处", schemas.ScopeTownship},
		{"朝阳县波罗赤镇人民政府2021年政府信息公开工作年度报告", "", Options{}, "朝阳县波罗赤镇人民政府", schemas.ScopeTownship},
		{"朝阳县乡村振兴局2021年政府信息公开工作年度报告", "", Options{}, "朝阳县乡村振兴局", schemas.ScopeDepartment},
		{"朝阳县经济开发区管理委员会2021年政府信息公开工作年度报告", "", Options{}, "朝阳县经济开发区管理委员会", schemas.ScopeDevZone},
		{"天津市滨海新区人民政府2021年政府信息公开工作年度报告", "", Options{}, "天津市滨海新区人民政府", schemas.ScopeGovernment},
		{"沈北新区教育局2021年政府信息公开工作年度报告", "", Options{}, "沈北新区教育局", schemas.ScopeDepartment},
		{"沈北新区2021年政府信息公开工作年度报告", "", Options{}, "沈北新区", schemas.ScopeArea},
		{"大连金普新区管理委员会2021年政府信息公开工作年度报告", "", Options{}, "大连金普新区管理委员会", schemas.ScopeDevZone},
		{"朝阳县卫生健康委员会2021年政府信息公开工作年度报告", "", Options{}, "朝阳县卫生健康委员会", schemas.ScopeDepartment},
		{"2021年朝阳县医疗保障局政府信息公开工作年度报告", "", Options{}, "朝阳县医疗保障局", schemas.ScopeDepartment},
		{"关于2021年政府信息公开工作年度报告", "", Options{Body: "朝阳县教育局"}, "朝阳县教育局", schemas.ScopeDepartment},
		{"朝阳县教育局2021年政府信息公开工作年度报告", "", Options{Scope: schemas.ScopeArea}, "朝阳县教育局", schemas.ScopeArea},
		{"", "", Options{}, "", schemas.ScopeUnknown},
	}
	for _, c := range cases {
		text := c.title + "\n" + c.intro + "\n一、总体情况\n2021年政府信息公开工作。\n"
		r := parseText("x.txt", text, c.opt)
		if r.Body != c.body || r.Scope != c.scope {
			t.Errorf("%q: body %q scope %q, want %q %q", c.title, r.Body, r.Scope, c.body, c.scope)
		}
		if c.scope == schemas.ScopeUnknown && !hasProblem(r, schemas.ProblemScope, "", "") {
			t.Errorf("%q: unknown scope not reported", c.title)
		}
	}
}

func TestRegion(t *testing.T) {
	seed := seedText(t)
	cases := []struct {
		name, path, text string
		opt              Options
		code, method     string
		problem          schemas.Severity // "" none
	}{
		{"text", "a.txt", seed, Options{}, "211321", schemas.RegionText, ""},
		{"path code", "reports/211381/2021.txt", seed, Options{}, "211381", schemas.RegionPath, schemas.SeverityWarning},
		{"path name agrees", "辽宁/朝阳市/朝阳县/2021.txt", seed, Options{}, "211321", schemas.RegionPath, ""},
		{"flag", "a.txt", seed, Options{Region: "211321"}, "211321", schemas.RegionFlag, ""},
		{"manifest", "a.txt", seed, Options{Region: "211321", RegionMethod: schemas.RegionManifest}, "211321", schemas.RegionManifest, ""},
		{"flag disagrees", "a.txt", seed, Options{Region: "110105"}, "110105", schemas.RegionFlag, schemas.SeverityWarning},
		{"unknown code", "a.txt", seed, Options{Region: "999999"}, "211321", schemas.RegionText, schemas.SeverityError},
		{"ambiguous", "a.txt", "朝阳区2022年政府信息公开工作年度报告\n一、总体情况\n区人民政府办公室", Options{}, "", "", schemas.SeverityError},
		{"none", "a.txt", "一、总体情况\n政府信息公开工作", Options{}, "", "", schemas.SeverityError},
	}
	for _, c := range cases {
		r := parseText(c.path, c.text, c.opt)
		if r.Region.Code != c.code || r.Region.Method != c.method {
			t.Errorf("%s: region %+v, want %s by %s", c.name, r.Region, c.code, c.method)
		}
		var sev schemas.Severity
		for _, p := range r.Problems {
			if p.Code == schemas.ProblemRegion {
				sev = p.Severity
				if p.File != c.path || p.Message == "" {
					t.Errorf("%s: problem %+v", c.name, p)
				}
				if c.name == "ambiguous" && !strings.Contains(p.Message, "110105") {
					t.Errorf("ambiguous: candidates not listed: %s", p.Message)
				}
				if c.name == "flag disagrees" && (!strings.Contains(p.Message, "110105") || !strings.Contains(p.Message, "211321")) {
					t.Errorf("conflict does not name both: %s", p.Message)
				}
			}
		}
		if sev != c.problem {
			t.Errorf("%s: region problem %q, want %q (%v)", c.name, sev, c.problem, problemCodes(r))
		}
	}
}

func TestStatements(t *testing.T) {
	cases := []struct {
		text   string
		fee    string // "" none
		req    string // "" none
		approx bool
	}{
		{"六、其他需要报告的事项\n收取信息处理费0元。", "0", "", false},
		{"六、其他需要报告的事项\n本年度共收取信息处理费120元。", "120", "", false},
		{"六、其他需要报告的事项\n本机关未收取信息处理费。", "0", "", false},
		{"六、其他需要报告的事项\n信息处理费:0元", "0", "", false},
		{"六、其他需要报告的事项\n收取信息处理费0.05万元", "500", "", false},
		{"一、总体情况\n2021年共收到政府信息公开申请20件(次),均按时答复。", "", "20", false},
		{"一、总体情况\n全年收到依申请公开政府信息申请共计35件。", "", "35", false},
		{"一、总体情况\n本年度未收到政府信息公开申请。", "", "0", false},
		{"一、总体情况\n全年共受理政府信息公开申请约120余件。", "", "120", true},
		{"一、总体情况\n共发布各类政府信息7000余条,其中申请人满意度较高。", "", "", false},
		{"一、总体情况\n答复申请20件。", "", "", false},
	}
	for _, c := range cases {
		r := parseText("s.txt", "政府信息公开工作年度报告\n"+c.text, Options{})
		fee, okF := statement(r, schemas.StatedFees)
		if (c.fee != "") != okF || okF && fee.Value.String() != c.fee {
			t.Errorf("%q: fee %+v %v, want %q", c.text, fee, okF, c.fee)
		}
		if okF && (r.Fee.State != schemas.StateNumber || r.Fee.Value != fee.Value || r.Fee.Line != 3) {
			t.Errorf("%q: r.Fee %+v", c.text, r.Fee)
		}
		if !okF && r.Fee.State != schemas.StateMissing {
			t.Errorf("%q: r.Fee %+v without a statement", c.text, r.Fee)
		}
		req, okR := statement(r, schemas.StatedRequests)
		if (c.req != "") != okR || okR && (req.Value.String() != c.req || req.Approx != c.approx) {
			t.Errorf("%q: requests %+v %v, want %q approx %v", c.text, req, okR, c.req, c.approx)
		}
	}
}

func TestHeadings(t *testing.T) {
	text := strings.Join([]string{
		"朝阳县2021年政府信息公开工作年度报告",
		"（一）总体情况",
		"（一）主动公开情况",
		"2021年政府信息公开。",
		"| 二、主动公开政府信息情况 |",
		"三.收到和处理政府信息公开申请情况",
		"一、本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1",
		"三、本年度办理结果 | (一)予以公开 | 1 | 0 | 0 | 0 | 0 | 0 | 1",
		"四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0",
		"四 政府信息公开行政复议、行政诉讼情况",
		"第五部分 存在的主要问题及改进情况",
		"六、其他需要报告的事项",
	}, "\n")
	r := parseText("h.txt", text, Options{})
	want := []int{2, 5, 6, 10, 11, 12}
	if len(r.Sections) != 6 {
		t.Fatalf("sections %+v", r.Sections)
	}
	for i, s := range r.Sections {
		if s.Line != want[i] {
			t.Errorf("section %d at line %d, want %d", s.Number, s.Line, want[i])
		}
	}
	if c, _ := r.Table3.Get("carried_forward", "total"); c.State != schemas.StateNumber || c.Line != 9 {
		t.Errorf("carried_forward.total = %+v", c)
	}
}

// A gb2021 report that prints (六)其他处理 with numbers as well as its three rows keeps it as
// other_total; "其他" in the header is the column, "3.其他" inside (六) is the row.
func TestOtherTotalPrinted(t *testing.T) {
	text := strings.Join([]string{
		"三、收到和处理政府信息公开申请情况",
		"申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计",
		"一、本年新收政府信息公开申请数量 | 3 | 0 | 0 | 0 | 0 | 0 | 3",
		"(六)其他处理 | 2 | 0 | 0 | 0 | 0 | 0 | 2",
		"1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 | 1 | 0 | 0 | 0 | 0 | 0 | 1",
		"2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0",
		"3.其他 | 1 | 0 | 0 | 0 | 0 | 0 | 1",
		"总计 | 3 | 0 | 0 | 0 | 0 | 0 | ",
	}, "\n")
	r := parseText("o.txt", text, Options{})
	if r.Format != schemas.FormatGB2021 {
		t.Errorf("format %s", r.Format)
	}
	checkRows(t, "table3", r.Table3, t3cols(map[string]string{"a": ""}), nil)
	want := map[string]string{
		"other_total":   "2 0 0 0 0 0 2",
		"other_other":   "1 0 0 0 0 0 1",
		"total_handled": "3 0 0 0 0 0 b",
	}
	checkRows(t, "table3", r.Table3, t3cols(want), want)
}

func TestTitleVariants(t *testing.T) {
	text := "朝阳县教育局\n2021年政府信息公开工作年度报告\n| 一、总体情况 |  |\n2021年。\n五、政府信息公开工作存在的主要问题及改进情况\n问题。\n"
	r := parseText("t.txt", text, Options{})
	if r.Title != "朝阳县教育局2021年政府信息公开工作年度报告" || r.Body != "朝阳县教育局" || r.Year != 2021 {
		t.Errorf("title %q body %q year %d", r.Title, r.Body, r.Year)
	}
	if s := r.Section(1); s == nil || s.Heading != "一、总体情况" || s.Line != 3 {
		t.Errorf("section 1 = %+v", s)
	}
	if s := r.Section(5); s == nil || s.Line != 5 {
		t.Errorf("section 5 = %+v", s)
	}
}

func TestHTMLTitleFallback(t *testing.T) {
	doc := &decode.Doc{Name: "p.html", Kind: decode.KindHTML, Title: "朝阳县教育局2021年政府信息公开工作年度报告_朝阳县人民政府",
		Text: "一、总体情况\n2021年，政府信息公开工作。\n"}
	r := Parse(doc, Options{})
	if r.Title != "朝阳县教育局2021年政府信息公开工作年度报告" || r.Body != "朝阳县教育局" || r.Scope != schemas.ScopeDepartment {
		t.Errorf("title %q body %q scope %q", r.Title, r.Body, r.Scope)
	}
}

func TestSplitTitle(t *testing.T) {
	for _, c := range []struct{ head, title, body string }{
		{"朝阳县教育局2021年\n政府信息公开工作年度报告", "朝阳县教育局2021年政府信息公开工作年度报告", "朝阳县教育局"},
		{"朝阳县教育局\n2021年政府信息公开工作年度报告", "朝阳县教育局2021年政府信息公开工作年度报告", "朝阳县教育局"},
		{"朝阳县教育局\n\n政府信息公开工作年度报告", "朝阳县教育局政府信息公开工作年度报告", "朝阳县教育局"},
		{"首页 > 政务公开\n2021年朝阳县教育局政府信息公开工作年度报告", "2021年朝阳县教育局政府信息公开工作年度报告", "朝阳县教育局"},
	} {
		r := parseText("t.txt", c.head+"\n一、总体情况\n2021年。\n", Options{})
		if r.Title != c.title || r.Body != c.body {
			t.Errorf("%q: title %q body %q", c.head, r.Title, r.Body)
		}
	}
}

// A line without punctuation holding the word thousands of times (a hostile file, or a table run
// into one line) costs each occurrence a bounded clause, not the whole line: the clause found
// around any occurrence is at most 2×maxClause bytes, and one stated figure is still read.
func TestClauseAroundBounded(t *testing.T) {
	line := strings.Repeat("本机关收到政府信息公开申请", 20000) // 780 KB, no punctuation
	for _, k := range []int{0, len(line) / 2, len(line) - len("申请")} {
		c, s := clauseAround(line, k)
		if len(c) > 2*maxClause || s > k || s+len(c) < k {
			t.Fatalf("clause around %d: start %d, %d bytes", k, s, len(c))
		}
		if !utf8.ValidString(c) {
			t.Fatalf("clause around %d cut inside a character", k)
		}
	}
	// the bounded clause still holds a short sentence whole
	short := "概述。本年度共收到政府信息公开申请20件，办结18件。"
	k := strings.Index(short, "申请")
	if c, _ := clauseAround(short, k); c != "本年度共收到政府信息公开申请20件" {
		t.Fatalf("clause %q", c)
	}
	// and a figure stated after a long run is found
	d, _, _, ok := requestsIn(line + "，共收到申请7件。")
	if !ok || d != schemas.DecInt(7) {
		t.Fatalf("requestsIn: %v %v", d, ok)
	}
}

// A sentence announcing the report is not its title, though it names the report: the body still
// comes from it, the title stays empty.
func TestAnnouncementIsNoTitle(t *testing.T) {
	for _, line := range []string{
		"根据《中华人民共和国政府信息公开条例》规定，现将沈阳市人民政府办公室2022年政府信息公开工作年度报告公布如下：",
		"现公布辽宁省公安厅2022年政府信息公开工作年度报告",
	} {
		r := parseText("t.txt", line+"\n一、总体情况\n2022年，政府信息公开工作。\n", Options{})
		if r.Title != "" {
			t.Errorf("%s: title %q, want none", line, r.Title)
		}
		if r.Body == "" || !strings.Contains(line, r.Body) {
			t.Errorf("%s: body %q", line, r.Body)
		}
	}
}
