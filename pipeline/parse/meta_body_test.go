package parse

import (
	"testing"

	"xxgk/schemas"
)

// TestUntitledBody: a report without a title takes its body from the signature above the
// closing date or from "本报告由{body}根据…编制" — only when that is the name of an issuing
// body; a sentence fragment leaves the body empty, with the scope warning, never a wrong body.
func TestUntitledBody(t *testing.T) {
	const sections = "\n一、总体情况\n2022年，政府信息公开工作稳步推进。\n六、其他需要报告的事项\n无其他需要报告的事项。\n"
	cases := []struct {
		name, head, tail string
		body             string
	}{
		{"intro", "本报告由朝阳县教育局根据《中华人民共和国政府信息公开条例》要求编制。", "", "朝阳县教育局"},
		{"intro 依据", "本报告由朝阳县卫生健康委员会依据《条例》第五十条的规定编制。", "", "朝阳县卫生健康委员会"},
		{"intro 负责", "本报告由朝阳县人民政府办公室负责编制。", "", "朝阳县人民政府办公室"},
		{"intro wrapped", "本报告由朝阳县人力资源和社\n会保障局根据《中华人民共和国政府信息公开条例》要求编制。", "", "朝阳县人力资源和社会保障局"},
		{"intro township", "本报告由柳城街道办事处根据《条例》编制。", "", "柳城街道办事处"},
		{"intro zone", "本报告由朝阳县经济开发区管委会根据《条例》编制。", "", "朝阳县经济开发区管委会"},
		{"relative government", "本报告由县政府办公室根据《中华人民共和国政府信息公开条例》要求编制。", "", ""},
		{"data sentence", "本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。", "", ""},
		{"townships summed", "本报告由各乡镇根据全年工作情况汇总编制。", "", ""},
		{"whole county", "本报告由全县各级行政机关的年度报告汇总编制。", "", ""},
		{"web site", "本报告由朝阳县人民政府门户网站发布。", "", ""},
		{"government mid-prose", "本报告由朝阳县人民政府信息公开工作的有关情况汇总编制。", "", ""},
		{"quoted", "本报告由《中华人民共和国政府信息公开条例》规定的机关编制。", "", ""},
		{"signature", "", "朝阳县教育局\n2023年1月20日", "朝阳县教育局"},
		{"signature township", "", "大兴镇人民政府\n2023年1月20日", "大兴镇人民政府"},
		{"signature over the intro", "本报告由各乡镇根据全年工作情况汇总编制。", "朝阳县民政局\n2023年1月20日", "朝阳县民政局"},
		{"prose before the date", "", "下一步将进一步加强朝阳县人民政府信息公开工作\n2023年1月20日", ""},
		{"prose with a comma before the date", "", "特此报告，朝阳县人民政府\n2023年1月20日", ""},
		{"prose ending in a suffix", "", "全县各单位要认真落实各项工作部署的领导小组\n2023年1月20日", ""},
		{"no date", "", "朝阳县教育局", ""},
		{"nothing", "", "", ""},
	}
	for _, c := range cases {
		text := c.head + sections + c.tail + "\n"
		r := parseText("u.txt", text, Options{})
		if r.Title != "" {
			t.Errorf("%s: title %q", c.name, r.Title)
		}
		if r.Body != c.body {
			t.Errorf("%s: body %q, want %q", c.name, r.Body, c.body)
		}
		if c.name == "whole county" {
			// no body, but the intro says it sums the whole county: its consolidated report
			if r.Scope != schemas.ScopeArea || hasProblem(r, schemas.ProblemScope, "", "") {
				t.Errorf("%s: scope %q %v, want area", c.name, r.Scope, problemCodes(r))
			}
			continue
		}
		if c.body == "" && !hasProblem(r, schemas.ProblemScope, "", "") {
			t.Errorf("%s: no body and no scope warning: %v", c.name, problemCodes(r))
		}
	}
}

// TestProseTitle: a wrapped intro line taken for the title ("…年度报告格式》要求编制。报告中所列
// 数据…") does not give the body; the intro does.
func TestProseTitle(t *testing.T) {
	text := "本报告由双塔区人力资源和社会保障局根据《中华人民共和国政府信息公开条例》(以下简称《条\n" +
		"例》)和《中华人民共和国政府信息公开工作年度报告格式》要求编制。报告中所列数据的统计期限为\n" +
		"2022年1月1日至2022年12月31日。\n一、总体情况\n2022年，政府信息公开工作稳步推进。\n"
	r := parseText("p.txt", text, Options{})
	if r.Body != "双塔区人力资源和社会保障局" || r.Scope != schemas.ScopeDepartment {
		t.Errorf("title %q: body %q scope %q", r.Title, r.Body, r.Scope)
	}
	if r.Title != "" {
		t.Errorf("a sentence of prose was taken for the title: %q", r.Title)
	}
	text = "例》)和《中华人民共和国政府信息公开工作年度报告格式》要求编制。报告中所列数据的统计期限为\n" +
		"2022年1月1日至2022年12月31日。\n一、总体情况\n2022年，政府信息公开工作稳步推进。\n"
	if r := parseText("p.txt", text, Options{}); r.Body != "" || !hasProblem(r, schemas.ProblemScope, "", "") {
		t.Errorf("title %q: body %q, want none and the scope warning", r.Title, r.Body)
	}
}

// TestTitleBodyStrict: a title whose text before the year is not a body's name gives none.
func TestTitleBodyStrict(t *testing.T) {
	for _, c := range []struct{ title, body string }{
		{"关于印发朝阳县教育局2021年政府信息公开工作年度报告的通知", "朝阳县教育局"},
		{"朝阳县2021年政府信息公开工作年度报告", "朝阳县"},
		{"中共朝阳县委宣传部2021年政府信息公开工作年度报告", "中共朝阳县委宣传部"},
		{"朝阳县档案馆2021年政府信息公开工作年度报告", "朝阳县档案馆"},
		{"朝阳县供销合作社联合社2021年政府信息公开工作年度报告", "朝阳县供销合作社联合社"},
		{"县政府办公室2021年政府信息公开工作年度报告", ""},
		{"下面是2021年政府信息公开工作年度报告", ""},
	} {
		r := parseText("t.txt", c.title+"\n一、总体情况\n2021年，政府信息公开工作。\n", Options{})
		if r.Body != c.body {
			t.Errorf("%q: body %q, want %q", c.title, r.Body, c.body)
		}
	}
}

func TestIsIssuingBody(t *testing.T) {
	for s, want := range map[string]bool{
		"朝阳县教育局": true, "朝阳县人民政府": true, "朝阳县人民政府办公室": true, "柳城街道办事处": true,
		"朝阳县经济开发区管理委员会": true, "朝阳县卫生健康委员会": true, "朝阳县机关事务服务中心": true,
		"朝阳县": true, "波罗赤镇人民政府": true, "三平台乡人民政府": true, "朝阳县残疾人联合会": true, "朝阳县市场监督管理局": true,
		"本报告中所列数据": false, "各乡镇": false, "县政府办公室": false, "朝阳县教育局，": false,
		"朝阳县2021年": false, "全县各级行政机关的年度报告": false, "朝阳县人民政府门户网站": false,
		"朝阳县人民政府信息公开工作": false, "局": false, "": false,
	} {
		if got := isIssuingBody(s); got != want {
			t.Errorf("isIssuingBody(%q) = %v", s, got)
		}
	}
}
