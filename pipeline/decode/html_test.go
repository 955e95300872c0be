package decode

import (
	"errors"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"

	"xxgk/pipeline"
)

// pageWant is testdata/page.html as text: chrome gone, the article's title kept although
// it sits in a div whose class says header, the table rebuilt on its 10-column grid.
const pageWant = `朝阳县2021年政府信息公开工作年度报告
发布时间:2022-01-28 来源:县政府办
一、总体情况
2021年,共发布各类政府信息7000余条,政务新媒体公开4200余条。
(一)主动公开情况
政府信息公开工作
稳步推进。
三、收到和处理政府信息公开申请情况

| (本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) |  |  | 申请人情况 |  |  |  |  |  |  |
|  |  |  | 自然人 | 法人或其他组织 |  |  |  |  | 总计 |
|  |  |  |  | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |  |
| 一、本年新收政府信息公开申请数量 |  |  | 19 | 1 | 0 | 0 | 0 | 0 | 20 |
| 三、本年度办理结果 | (一)予以公开 |  | 8 | 0 | 0 | 0 | 0 | 0 | 8 |
|  | (三)不予公开 | 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 |  | 0 |
|  |  | 2.其他法律行政法规禁止公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
|  |  | 3.危及“三安全一稳定” | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
|  |  | 4.保护第三方合法权益 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
|  |  | 5.属于三类内部事务信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
|  |  | 6.属于四类过程性信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
|  |  | 7.属于行政执法案卷 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
|  |  | 8.属于行政查询事项 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
|  | (七)总计 |  | 8 | 0 | 0 | 0 | 0 | 0 | 8 |

六、其他需要报告的事项 ¦ 收取信息处理费0元。
`

func TestHTMLPage(t *testing.T) {
	raw, err := os.ReadFile("testdata/page.html")
	if err != nil {
		t.Fatal(err)
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(strings.Replace(string(raw), "charset=utf-8", "charset=gb2312", 1)))
	if err != nil {
		t.Fatal(err)
	}
	big5, err := traditionalchinese.Big5.NewEncoder().Bytes([]byte(ToTraditional(strings.Replace(string(raw), "charset=utf-8", "charset=big5", 1))))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, file, enc string
		in              []byte
		trad            bool
	}{
		{"utf-8", "detail.html", "utf-8", raw, false},
		{"gbk", "content.jsp", "gb18030", gbk, false},
		{"big5", "page", "big5", big5, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := mustDecode(t, c.file, c.in)
			if d.Kind != KindHTML || d.Encoding != c.enc || d.Traditional != c.trad || d.Truncated {
				t.Errorf("kind %s encoding %s traditional %v truncated %v", d.Kind, d.Encoding, d.Traditional, d.Truncated)
			}
			if d.Title != "朝阳县2021年政府信息公开工作年度报告_朝阳县人民政府" {
				t.Errorf("title %q", d.Title)
			}
			if d.Text != pageWant {
				t.Errorf("text differs: %s\n--- got:\n%s", firstDiff(d.Text, pageWant), d.Text)
			}
			for _, junk := range []string{"首页", "版权所有", "_hmt", "广告", "分享", "相关链接", "JavaScript", "登录", "搜索", "请输入", "技术支持", "政府信息公开年报"} {
				if strings.Contains(d.Text, junk) {
					t.Errorf("text keeps page chrome %q", junk)
				}
			}
		})
	}
}

func TestHTMLTables(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"simple",
			`<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>`,
			"| a | b |\n| 1 | 2 |\n"},
		{"colspan",
			`<table><tr><td colspan=2>合计</td><td>3</td></tr><tr><td>1</td><td>2</td><td>3</td></tr></table>`,
			"| 合计 |  | 3 |\n| 1 | 2 | 3 |\n"},
		{"rowspan",
			`<table><tr><td rowspan=3>(三)不予公开</td><td>1</td></tr><tr><td>2</td></tr><tr><td>3</td></tr><tr><td>x</td><td>4</td></tr></table>`,
			"| (三)不予公开 | 1 |\n|  | 2 |\n|  | 3 |\n| x | 4 |\n"},
		{"rowspan and colspan",
			`<table><tr><td rowspan=2 colspan=2>A</td><td>b</td></tr><tr><td>c</td></tr><tr><td>d</td><td>e</td><td>f</td></tr></table>`,
			"| A |  | b |\n|  |  | c |\n| d | e | f |\n"},
		{"rowspan=0 to the end",
			`<table><tr><td rowspan="0">A</td><td>1</td></tr><tr><td>2</td></tr><tr><td>3</td></tr></table>`,
			"| A | 1 |\n|  | 2 |\n|  | 3 |\n"},
		{"rowspan beyond the table",
			`<table><tr><td rowspan="9">A</td><td>1</td></tr><tr><td>2</td></tr></table>`,
			"| A | 1 |\n|  | 2 |\n"},
		{"unreadable spans",
			`<table><tr><td colspan="abc" rowspan="-2">A</td><td colspan="2px">B</td><td>C</td></tr></table>`,
			"| A | B |  | C |\n"},
		{"huge colspan capped",
			`<table><tr><td colspan="100000">A</td></tr><tr><td>1</td></tr></table>`,
			"| A" + strings.Repeat(" | ", maxColspan-1) + " |\n| 1" + strings.Repeat(" | ", maxColspan-1) + " |\n"},
		{"nbsp and blank cells",
			"<table><tr><td>&nbsp;</td><td> \u3000 </td><td>&#160;0&nbsp;</td><td></td></tr></table>",
			"|  |  | 0 |  |\n"},
		{"line breaks inside cells",
			"<table><tr><td>商业<br>企业</td><td><p>结果</p>\n<p>纠正</p></td><td>科研\n   机构</td><td><span>本年</span><span>新收</span></td></tr></table>",
			"| 商业企业 | 结果纠正 | 科研机构 | 本年新收 |\n"},
		{"entities and pipes",
			`<table><tr><td>&lt;说明&gt; &amp; a|b｜c</td><td>&#65297;&#65296;</td></tr></table>`,
			"| <说明> & a¦b¦c | 10 |\n"},
		{"thead tbody tfoot",
			`<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>b</td></tr></tbody><tfoot><tr><td>f</td></tr></tfoot></table>`,
			"| h |\n| b |\n| f |\n"},
		{"nested table flattened",
			`<table><tr><td>外<table><tr><td>内1</td><td>内2</td></tr></table></td><td>0</td></tr></table>`,
			"| 外内1 内2 | 0 |\n"},
		{"empty row keeps its line",
			`<table><tr><td>a</td><td>b</td></tr><tr></tr><tr><td>c</td></tr></table>`,
			"| a | b |\n|  |  |\n| c |  |\n"},
		{"unclosed tags",
			`<table><tr><td>a<td>b<tr><td>c<td><b>d`,
			"| a | b |\n| c | d |\n"},
		{"caption and surrounding text",
			`<p>表三</p><table><caption>收到和处理政府信息公开申请情况</caption><tr><td>1</td></tr></table><p>四、</p>`,
			"表三\n收到和处理政府信息公开申请情况\n\n| 1 |\n\n四、\n"},
		{"no cells", `<p>x</p><table><tr></tr></table><p>y</p>`, "x\ny\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := mustDecode(t, "t.html", []byte("<html><body>"+c.in+"</body></html>"))
			want := c.want
			if strings.HasPrefix(want, "|") {
				want = strings.TrimRight(want, "\n") + "\n"
			}
			if got := strings.TrimLeft(d.Text, "\n"); got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestHTMLChrome(t *testing.T) {
	cases := []struct {
		name, in  string
		keep, not []string
	}{
		{"asp.net form wraps the page",
			`<form id="form1"><div class="nav">首页 政务公开</div><div class="content"><p>一、总体情况</p><p>正文</p></div></form>`,
			[]string{"一、总体情况", "正文"}, []string{"首页"}},
		{"header div holding the title",
			`<div class="header">网站名称</div><div class="detail-header"><h2>某县2022年政府信息公开工作年度报告</h2></div><p>正文</p>`,
			[]string{"某县2022年政府信息公开工作年度报告", "正文"}, []string{"网站名称"}},
		{"chrome class holding the table",
			`<div class="main-menu-content"><table><tr><td>自然人</td><td>19</td></tr></table></div>`,
			[]string{"| 自然人 | 19 |"}, nil},
		{"nav holding a section heading",
			`<nav><p>一、总体情况</p><p>正文</p></nav>`,
			[]string{"一、总体情况"}, nil},
		{"breadcrumb naming the report",
			`<div class="breadCrumb">首页 &gt; 政府信息公开工作年度报告</div><p>正文</p>`,
			[]string{"正文"}, []string{"首页"}},
		{"hidden and scripted",
			`<div style="display: none">隐藏</div><div hidden>也隐藏</div><script>document.write("脚本")</script><style>p{}</style><noscript>提示</noscript><select><option>其他网站</option></select><p>正文</p>`,
			[]string{"正文"}, []string{"隐藏", "脚本", "提示", "其他网站", "p{}"}},
		{"sidebar, share, search, login, toolbar, footer",
			`<div id="sidebar">边栏</div><div class="bdshare">分享</div><div class="searchBox">检索</div><div class="login">登录</div><div class="toolbar">打印</div><div id="footer">版权</div><p>正文</p>`,
			[]string{"正文"}, []string{"边栏", "分享", "检索", "登录", "打印", "版权"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := mustDecode(t, "p.html", []byte("<html><body>"+c.in+"</body></html>"))
			for _, w := range c.keep {
				if !strings.Contains(d.Text, w) {
					t.Errorf("lost %q: %q", w, d.Text)
				}
			}
			for _, w := range c.not {
				if strings.Contains(d.Text, w) {
					t.Errorf("kept %q: %q", w, d.Text)
				}
			}
		})
	}
}

// Old county sites lay the whole page out in a table: the report's own tables sit in a
// cell and must still come out as grids.
func TestHTMLLayoutTable(t *testing.T) {
	long := strings.Repeat("按照上级要求,我办制定了依申请公开工作流程。", 12)
	in := `<html><body><table width="1000"><tr><td class="top">LOGO</td></tr><tr><td>
<p>一、总体情况</p><p>` + long + `</p>
<table><tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>0</td></tr><tr><td>行政规范性文件</td><td>3</td></tr></table>
<p>三、收到和处理政府信息公开申请情况</p></td></tr></table></body></html>`
	d := mustDecode(t, "layout.html", []byte(in))
	for _, w := range []string{"LOGO\n", "一、总体情况\n", long + "\n\n| 信息内容 | 本年制发件数 |\n| 规章 | 0 |\n| 行政规范性文件 | 3 |\n\n三、收到和处理"} {
		if !strings.Contains(d.Text, w) {
			t.Errorf("text lacks %q:\n%s", w, d.Text)
		}
	}
}

func TestHTMLNotes(t *testing.T) {
	d := mustDecode(t, "img.html", []byte(`<html><body><p>二、主动公开政府信息情况</p><img src="t2.png"><img src="t3.png">`))
	if !d.Truncated || len(d.Notes) != 2 || !strings.Contains(d.Notes[1], "2 张图片") {
		t.Errorf("truncated %v notes %q", d.Truncated, d.Notes)
	}
}

func TestHTMLDeepNesting(t *testing.T) {
	in := "<html><body>" + strings.Repeat("<div><span>", 20000) + "深处" + strings.Repeat("<table><tr><td>", 2000) + "格"
	d := mustDecode(t, "deep.html", []byte(in))
	if !strings.Contains(d.Text, "深处") || !strings.Contains(d.Text, "格") {
		t.Errorf("lost text: %.100q", d.Text)
	}
}

func TestLooksHTML(t *testing.T) {
	cases := []struct {
		name, file, text string
		want             bool
	}{
		{"doctype", "a.txt", "<!DOCTYPE html><p>x", true},
		{"html tag late", "a.txt", "保存的页面\n<HTML><BODY>x", true},
		{"table fragment", "a.txt", "一、总体情况\n<table><tr><td>1", true},
		{"paragraph fragment", "a.txt", "<p>一、总体情况</p>", true},
		{"named html with tags", "a.htm", "一、总体情况<br>二、", true},
		{"named html without tags", "a.html", "一、总体情况\n2021年 < 2022年\n", false},
		{"plain text", "a.txt", "一、总体情况\n第二十条第(一)项 |\n|||\n", false},
		{"plain text with a tag inside", "a.txt", "正文 <br> 正文", false},
	}
	for _, c := range cases {
		if got := looksHTML(c.file, c.text); got != c.want {
			t.Errorf("%s: looksHTML = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestHTMLSpans checks Doc.Spans against layouts worked out by hand from the tables'
// colspan and rowspan: per grid line, the colspan of the cell whose top-left slot each slot
// is, 0 for slots covered from the left or from above, 1 for slots no cell covers.
func TestHTMLSpans(t *testing.T) {
	type line struct {
		text  string
		spans []uint16
	}
	pad := func(n int) []uint16 { return make([]uint16, n) }
	cat := func(parts ...[]uint16) []uint16 {
		var out []uint16
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	cases := []struct {
		name, in string
		want     []line
	}{
		{"colspan",
			`<table><tr><td colspan=2>合计</td><td>3</td></tr><tr><td>1</td><td>2</td><td>3</td></tr></table>`,
			[]line{{"| 合计 |  | 3 |", []uint16{2, 0, 1}}, {"| 1 | 2 | 3 |", []uint16{1, 1, 1}}}},
		{"rowspan",
			`<table><tr><td rowspan=3>(三)不予公开</td><td>1</td></tr><tr><td>2</td></tr><tr><td>3</td></tr><tr><td>x</td><td>4</td></tr></table>`,
			[]line{{"| (三)不予公开 | 1 |", []uint16{1, 1}}, {"|  | 2 |", []uint16{0, 1}}, {"|  | 3 |", []uint16{0, 1}}, {"| x | 4 |", []uint16{1, 1}}}},
		{"rowspan and colspan",
			`<table><tr><td rowspan=2 colspan=2>A</td><td>b</td></tr><tr><td>c</td></tr><tr><td>d</td><td>e</td><td>f</td></tr></table>`,
			[]line{{"| A |  | b |", []uint16{2, 0, 1}}, {"|  |  | c |", []uint16{0, 0, 1}}, {"| d | e | f |", []uint16{1, 1, 1}}}},
		// issue 13: the 2019 template's table 2, header and value spans differing per block
		{"official template table 2",
			`<table><tr><td>信息内容</td><td>本年新制作数量</td><td colspan="2">本年新公开数量</td><td>对外公开总数量</td></tr>
<tr><td>规章</td><td>2</td><td colspan="2">2</td><td>87</td></tr>
<tr><td>信息内容</td><td>上一年项目数量</td><td colspan="2">本年增/减</td><td>处理决定数量</td></tr>
<tr><td>行政许可</td><td colspan="2">0</td><td>0</td><td>0</td></tr></table>`,
			[]line{
				{"| 信息内容 | 本年新制作数量 | 本年新公开数量 |  | 对外公开总数量 |", []uint16{1, 1, 2, 0, 1}},
				{"| 规章 | 2 | 2 |  | 87 |", []uint16{1, 1, 2, 0, 1}},
				{"| 信息内容 | 上一年项目数量 | 本年增/减 |  | 处理决定数量 |", []uint16{1, 1, 2, 0, 1}},
				{"| 行政许可 | 0 |  | 0 | 0 |", []uint16{1, 2, 0, 1, 1}}}},
		{"blank cells, padding and missing cells",
			`<table><tr><td>a</td><td>&nbsp;</td><td colspan=2></td></tr><tr><td>b</td></tr><tr></tr></table>`,
			[]line{{"| a |  |  |  |", []uint16{1, 1, 2, 0}}, {"| b |  |  |  |", []uint16{1, 1, 1, 1}}, {"|  |  |  |  |", []uint16{1, 1, 1, 1}}}},
		{"colspan over a slot covered from above",
			`<table><tr><td>a</td><td rowspan=2>b</td><td>c</td></tr><tr><td colspan=3>d</td></tr></table>`,
			[]line{{"| a | b | c |", []uint16{1, 1, 1}}, {"| d |  |  |", []uint16{3, 0, 0}}}},
		{"rowspan=0 to the end",
			`<table><tr><td rowspan="0">A</td><td>1</td></tr><tr><td>2</td></tr><tr><td>3</td></tr></table>`,
			[]line{{"| A | 1 |", []uint16{1, 1}}, {"|  | 2 |", []uint16{0, 1}}, {"|  | 3 |", []uint16{0, 1}}}},
		{"huge colspan capped",
			`<table><tr><td colspan="100000">A</td></tr><tr><td>1</td></tr></table>`,
			[]line{{"| A" + strings.Repeat(" | ", maxColspan-1) + " |", cat([]uint16{maxColspan}, pad(maxColspan-1))},
				{"| 1" + strings.Repeat(" | ", maxColspan-1) + " |", cat([]uint16{1}, bytes1(maxColspan-1))}}},
		// issue 11: four cells of colspan 64 fill the 256 columns; the fifth joins the last
		// cell of its row (the reader before panicked here)
		{"cells beyond the last column",
			`<table><tr><td colspan=64>a</td><td colspan=64>b</td><td colspan=64>c</td><td colspan=64>d</td><td>e</td></tr></table>`,
			[]line{{"| a" + strings.Repeat(" | ", 63) + " | b" + strings.Repeat(" | ", 63) + " | c" + strings.Repeat(" | ", 63) + " | d e" + strings.Repeat(" | ", 63) + " |",
				cat([]uint16{64}, pad(63), []uint16{64}, pad(63), []uint16{64}, pad(63), []uint16{64}, pad(63))}}},
		{"nested table flattened, paragraphs and breaks in cells",
			"<table><tr><td>外<table><tr><td>内1</td><td>内2</td></tr></table></td><td><p>商业</p><p>企业</p></td><td>a<br>b</td></tr></table>",
			[]line{{"| 外内1 内2 | 商业企业 | a b |", []uint16{1, 1, 1}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := mustDecode(t, "t.html", []byte("<html><body><p>前言</p>"+c.in+"<p>结尾</p></body></html>"))
			checkSpans(t, d)
			lines := strings.Split(d.Text, "\n")
			var got []line
			for i, l := range lines {
				if i < len(d.Spans) && d.Spans[i] != nil {
					got = append(got, line{l, d.Spans[i]})
				}
			}
			if len(got) != len(c.want) {
				t.Fatalf("%d grid lines, want %d:\n%s", len(got), len(c.want), d.Text)
			}
			for i, w := range c.want {
				if got[i].text != w.text || !slices.Equal(got[i].spans, w.spans) {
					t.Errorf("line %d:\n got %q %v\nwant %q %v", i+1, got[i].text, got[i].spans, w.text, w.spans)
				}
			}
		})
	}
}

func bytes1(n int) []uint16 {
	s := make([]uint16, n)
	for i := range s {
		s[i] = 1
	}
	return s
}

// TestHTMLSpansLines checks that Spans is indexed by the lines of the normalised text,
// which breaks lines at U+2028, U+0085 and \v too, and that layout tables, captions, two
// tables and content between rows keep every grid line on its own index.
func TestHTMLSpansLines(t *testing.T) {
	in := "<html><body><p>一\u2028二\u0085三\v四</p><pre>\n甲\n乙</pre>" +
		"<table><caption>表一</caption><tr><td colspan=2>a</td></tr><tr><td>b</td><td>c</td></tr></table>" +
		"<table><tr>前置<td>x</td></tr></table>" +
		"<table><tr><td>" + strings.Repeat("长", 300) + "</td></tr><tr><td><table><tr><td rowspan=2>p</td><td>q</td></tr><tr><td>r</td></tr></table></td></tr></table>" +
		"</body></html>"
	d := mustDecode(t, "t.html", []byte(in))
	checkSpans(t, d)
	want := map[string][]uint16{"| a |  |": {2, 0}, "| b | c |": {1, 1}, "| x |": {1}, "| p | q |": {1, 1}, "|  | r |": {0, 1}}
	lines := strings.Split(d.Text, "\n")
	seen := 0
	for i, l := range lines {
		if w, ok := want[l]; ok {
			seen++
			if i >= len(d.Spans) || !slices.Equal(d.Spans[i], w) {
				t.Errorf("line %d %q: spans %v, want %v", i+1, l, d.Spans[min(i, len(d.Spans)-1)], w)
			}
		}
	}
	if seen != len(want) {
		t.Errorf("found %d of %d grid lines in\n%s", seen, len(want), d.Text)
	}
	for _, w := range []string{"一\n二\n三\n四\n", "甲\n乙\n", "表一\n\n| a |", "前置\n\n| x |"} {
		if !strings.Contains(d.Text, w) {
			t.Errorf("text lacks %q:\n%s", w, d.Text)
		}
	}
}

// TestHTMLHostile reads pages built to break a reader — deep nesting, huge spans, long runs
// of empty elements, stray end tags — each a few megabytes, built here rather than kept in
// testdata. Each must decode (or fail with an InputError), keep its grid lines well formed,
// and stay within bounds that only a linear reader meets: the text at most a few times the
// input plus the grid slots a page may print, and the bytes allocated at most a constant
// times the input (a quadratic reader would take minutes here, or run out of memory).
func TestHTMLHostile(t *testing.T) {
	rep := strings.Repeat
	const n = 200_000
	cases := []struct{ name, in, want string }{
		{"issue 11: cells past the last column", `<table><tr><td colspan=64>a<td colspan=64>b<td colspan=64>c<td colspan=64>d<td>e</table>`, "d e"},
		{"deep divs", rep("<div>", n) + "深处" + rep("</div>", n), "深处"},
		{"deep spans, stray end tags", rep("<span>", 1000) + rep("</x></div></p>", n) + "尾", "尾"},
		{"deep tables", rep("<table><tr><td>", n/4) + "格", "格"},
		{"deep tables closed", rep("<table><tr><td>a", 40) + rep("</td></tr></table>", 40) + rep("<table><tr><td>x</td></tr></table>", n/10), "| x |"},
		{"chrome around a table", rep(`<div class="nav">`, maxDepth-10) + "<table><tr><td>留</td></tr></table>" + rep("</div>", maxDepth), "| 留 |"},
		{"deep chrome around a table", rep(`<div class="nav">`, n) + "<table><tr><td>留</td></tr></table>" + rep("</div>", n), "留"},
		{"deep chrome dropped", rep(`<div class="nav"><p>首页</p>`, n/2) + rep("</div>", n/2) + "正文", "正文"},
		{"deep title candidates in chrome", `<div class="header">` + rep(`<div class="title">`, n) + "2021年度报告" + rep("</div>", n) + "</div>", "年度报告"},
		{"deep formatting", rep("<b><i><a class=nav>", n/3) + "字", ""},
		{"misnested chrome formatting", rep(`<b class="nav">x<div>`+rep("文", 30000)+`</b></div>`, 40) + "尾", "尾"},
		{"nested misnested chrome formatting", rep(`<b class="nav">x<div>`, 300) + rep("文", 300000) + rep(`</b>`, 300) + "尾", ""},
		{"deep lists", rep("<ul><li>", n/2) + "项", "项"},
		{"deep svg", "<svg>" + rep("<g>", n) + "</svg>后", "后"},
		{"forms misnested", rep("<form><div></form>", n/2) + "文", ""},
		{"selects", rep("<select><option>", n/2) + "<p>文", ""},
		{"empty paragraphs", rep("<p></p>", n) + "文", "文"},
		{"line breaks", rep("<br>", n) + "文", "文"},
		{"empty cells in one row", "<table><tr>" + rep("<td></td>", n) + "<td>末</td></tr></table>", ""},
		{"empty rows", "<table><tr><td colspan=64>a</td></tr>" + rep("<tr></tr>", n) + "</table>", "表格过大"},
		{"huge spans", "<table>" + rep(`<tr><td colspan=99999 rowspan=99999>x</td>`, n/4) + "</table>", ""},
		{"rowspan to the end", "<table>" + rep(`<tr><td rowspan=0>x</td><td>y</td>`, n/4) + "</table>", ""},
		{"rows without cells", "<table>" + rep("<tr>", n) + "<td>z</td></table>", "| z |"},
		{"cells without rows", "<table>" + rep("<td>1", n) + "</table>", ""},
		{"text between rows", "<table>" + rep("<tr>前<td>1</td>后", n/4) + "</table>", "前"},
		{"captions", "<table>" + rep("<caption>题<table><tr><td>1</td></tr></table></caption>", n/20) + "<tr><td>2</td></tr></table>", "题"},
		{"layout table of layout tables", rep(`<table><tr><td>`+rep("长", 250)+`<table><tr><td>1</td></tr><tr><td>2</td></tr><tr><td>3</td></tr></table>`, 30) + "末", "末"},
		{"many attributes", "<table><tr><td" + rep(` a="1"`, n/2) + ` colspan=2>x</td></tr></table>`, "| x |  |"},
		{"one long cell", "<table><tr><td>" + rep("数", 1<<20) + "</td></tr></table>", "数数"},
		{"pre of spaces", "<pre>" + rep(" \n", n) + "</pre>文", "文"},
		{"unclosed comment", "<p>文</p><!--" + rep("x", n), "文"},
		{"unclosed script", "<p>文</p><script>" + rep("<p>x", n), "文"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := []byte("<html><body>" + c.in)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			d, err := Decode("h.html", in)
			runtime.ReadMemStats(&after)
			if err != nil {
				var ie *pipeline.InputError
				if !errors.As(err, &ie) {
					t.Fatalf("error %v is no InputError", err)
				}
				return
			}
			checkSpans(t, d)
			checkGrid(t, d.Text)
			if strings.Contains(d.Text, "<div") || strings.Contains(d.Text, "<table") || strings.Contains(d.Text, "<td") {
				t.Errorf("markup read as text: %.200q", d.Text) // the tree reader printed the source past 512 open elements
			}
			slots, other := 0, 0
			for _, line := range strings.Split(d.Text, "\n") {
				if strings.HasPrefix(line, "| ") {
					slots += strings.Count(line, "|") - 1
				} else {
					other += len(line) + 1
				}
			}
			if slots > maxSlots || other > 3*len(in)+64 {
				t.Errorf("%d grid slots (at most %d) and %d bytes of other text from %d bytes", slots, maxSlots, other, len(in))
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(60*len(in)+128<<20) {
				t.Errorf("allocated %d MB for %d KB", alloc>>20, len(in)>>10)
			}
			if !strings.Contains(d.Text+strings.Join(d.Notes, "\n"), c.want) {
				t.Errorf("text lacks %q: %.300q", c.want, d.Text)
			}
		})
	}
}
