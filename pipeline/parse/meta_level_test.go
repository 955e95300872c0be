package parse

import (
	"strings"
	"testing"

	"xxgk/pipeline/decode"
	"xxgk/schemas"
)

// levelSections is the body of a report after its head: every section, so that the tail
// (a signature) is the last thing in the text. The prose names no place.
const levelSections = "一、总体情况\n2023年，政府信息公开工作稳步推进。\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n" +
	"四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n工作人员业务能力有待提高。\n六、其他需要报告的事项\n无其他需要报告的事项。\n"

type levelCase struct {
	name       string
	path       string
	head, tail string // before section 一; after section 六
	opt        Options
	body, from string
	scope      schemas.Scope
	level      schemas.Level
	code       string           // "" no region
	region     schemas.Severity // severity of the region problem expected ("" none)
}

func runLevelCases(t *testing.T, cases []levelCase) {
	t.Helper()
	for _, c := range cases {
		path := c.path
		if path == "" {
			path = "x.txt"
		}
		text := c.head + "\n" + levelSections + c.tail + "\n"
		p := &parser{}
		r := parseWith(path, text, c.opt, p)
		if r.Body != c.body || c.from != "" && p.bodyFrom != c.from {
			t.Errorf("%s: body %q from %s, want %q from %s", c.name, r.Body, p.bodyFrom, c.body, c.from)
		}
		if r.Scope != c.scope {
			t.Errorf("%s: scope %q, want %q", c.name, r.Scope, c.scope)
		}
		if r.Region.Code != c.code || r.Region.Level != c.level {
			t.Errorf("%s: region %s %q (%s), want %s %q", c.name, r.Region.Code, r.Region.Level, r.Region.Method, c.code, c.level)
		}
		if r.Region.Code != "" && len(r.Region.Code) != r.Region.Level.CodeLen() {
			t.Errorf("%s: code %s at level %s", c.name, r.Region.Code, r.Region.Level)
		}
		var sev schemas.Severity
		for _, pr := range r.Problems {
			if pr.Code == schemas.ProblemRegion {
				sev = pr.Severity
				if pr.Message == "" {
					t.Errorf("%s: region problem without a message", c.name)
				}
			}
		}
		if sev != c.region {
			t.Errorf("%s: region problem %q, want %q: %v", c.name, sev, c.region, regionMessages(r))
		}
	}
}

// parseWith parses as Parse does and hands back the parser too (where the body was read).
func parseWith(name, text string, opt Options, into *parser) *schemas.Report {
	doc := &decode.Doc{Name: name, Text: text, Kind: "text"}
	r := schemas.NewReport(name)
	*into = parser{doc: doc, text: doc.Text, opt: opt, r: r, c: cat(), titleIdx: -1}
	into.run()
	return r
}

func regionMessages(r *schemas.Report) []string {
	var out []string
	for _, p := range r.Problems {
		if p.Code == schemas.ProblemRegion {
			out = append(out, string(p.Severity)+" "+p.Message)
		}
	}
	return out
}

const (
	none = schemas.Severity("")
	warn = schemas.SeverityWarning
	fail = schemas.SeverityError
)

// TestBodyFirstSentence: the body named only in the first sentence, in the real forms; the
// level, scope and region follow from the name.
func TestBodyFirstSentence(t *testing.T) {
	runLevelCases(t, []levelCase{
		{name: "现公布", head: "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，现公布辽宁省公安厅2023年政府信息公开工作年度报告。",
			body: "辽宁省公安厅", from: fromSentence, scope: schemas.ScopeDepartment, level: schemas.LevelProvince, code: "21"},
		{name: "现将…公布如下", head: "根据《条例》第五十条规定，现将沈阳市人民政府办公室2022年政府信息公开工作年度报告公布如下。",
			body: "沈阳市人民政府办公室", from: fromSentence, scope: schemas.ScopeGovernment, level: schemas.LevelPrefecture, code: "2101"},
		{name: "year first", head: "现将2022年度大连市教育局政府信息公开工作年度报告公布如下：",
			body: "大连市教育局", from: fromSentence, scope: schemas.ScopeDepartment, level: schemas.LevelPrefecture, code: "2102"},
		{name: "向社会公布", head: "按照《中华人民共和国政府信息公开条例》要求，现向社会公布江西省人民政府办公厅2023年度政府信息公开工作年度报告。",
			body: "江西省人民政府办公厅", from: fromSentence, scope: schemas.ScopeGovernment, level: schemas.LevelProvince, code: "36"},
		{name: "body compiles", head: "甘肃省地震局根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》要求编制本报告。",
			body: "甘肃省地震局", from: fromSentence, scope: schemas.ScopeDepartment, level: schemas.LevelProvince, code: "62"},
		{name: "whole city compiled", head: "本报告由沈阳市人民政府办公室根据全市各级行政机关年度报告汇总编制。",
			body: "沈阳市人民政府办公室", from: fromCompiled, scope: schemas.ScopeArea, level: schemas.LevelPrefecture, code: "2101"},
		{name: "whole province", head: "根据《条例》规定，现公布辽宁省2023年政府信息公开工作年度报告。本报告由辽宁省人民政府办公厅根据全省各级行政机关年度报告汇总编制。",
			body: "辽宁省", from: fromSentence, scope: schemas.ScopeArea, level: schemas.LevelProvince, code: "21"},
		{name: "the format's name is no body", head: "本报告依据《中华人民共和国政府信息公开工作年度报告格式》编制。",
			body: "", scope: "", region: fail},
		{name: "本机关", head: "根据《条例》规定，现公布本机关2023年政府信息公开工作年度报告。",
			body: "", scope: "", region: fail},
		{name: "我厅", head: "现公布我厅2023年政府信息公开工作年度报告。", body: "", scope: "", region: fail},
		{name: "short name of an autonomous prefecture", head: "现将楚雄州人民政府2023年政府信息公开工作年度报告公布如下。",
			body: "楚雄州人民政府", scope: schemas.ScopeGovernment, level: schemas.LevelPrefecture, code: "5323"},
		{name: "league", head: "现将兴安盟行政公署2023年政府信息公开工作年度报告公布如下。",
			body: "兴安盟行政公署", scope: schemas.ScopeGovernment, level: schemas.LevelPrefecture, code: "1522"},
		{name: "body compiled it, mid-sentence", head: "依据《中华人民共和国政府信息公开条例》和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》要求，沈阳市教育局编制了2023年政府信息公开工作年度报告。",
			body: "沈阳市教育局", from: fromSentence, scope: schemas.ScopeDepartment, level: schemas.LevelPrefecture, code: "2101"},
		{name: "body reviewed the year", head: "根据《条例》规定，辽宁省民政厅对2023年度政府信息公开工作进行了梳理，编制本报告。",
			body: "辽宁省民政厅", from: fromSentence, scope: schemas.ScopeDepartment, level: schemas.LevelProvince, code: "21"},
		{name: "as a title line ending in 如下", head: "沈阳市公安局2023年政府信息公开工作年度报告如下：",
			body: "沈阳市公安局", scope: schemas.ScopeDepartment, level: schemas.LevelPrefecture, code: "2101"},
		{name: "本报告是", head: "本报告是大连市人民政府办公室根据《条例》要求编制的。",
			body: "大连市人民政府办公室", from: fromCompiled, scope: schemas.ScopeGovernment, level: schemas.LevelPrefecture, code: "2102"},
		{name: "a name in brackets after it", head: "本报告由沈阳市人民政府办公室（沈阳市政务服务中心）根据《条例》编制。",
			body: "沈阳市人民政府办公室", from: fromCompiled, scope: schemas.ScopeGovernment, level: schemas.LevelPrefecture, code: "2101"},
		{name: "region", head: "现将阿克苏地区行政公署办公室2023年政府信息公开工作年度报告公布如下。",
			body: "阿克苏地区行政公署办公室", scope: schemas.ScopeGovernment, level: schemas.LevelPrefecture, code: "6529"},
	})
}

// TestBodySignature: the body named only in the signature at the end, in its real forms.
func TestBodySignature(t *testing.T) {
	runLevelCases(t, []levelCase{
		{name: "above the date", tail: "甘肃省地震局\n2024年1月15日",
			body: "甘肃省地震局", from: fromSignature, scope: schemas.ScopeDepartment, level: schemas.LevelProvince, code: "62"},
		{name: "same line", tail: "江西省人民政府办公厅 2024年3月20日",
			body: "江西省人民政府办公厅", from: fromSignature, scope: schemas.ScopeGovernment, level: schemas.LevelProvince, code: "36"},
		{name: "PDF spacing and a page number", tail: "淮安市教育局\n2024 年 1 月 18 日\n-5-",
			body: "淮安市教育局", from: fromSignature, scope: schemas.ScopeDepartment, level: schemas.LevelPrefecture, code: "3208"},
		{name: "Chinese numerals", tail: "楚雄彝族自治州人民政府\n二〇二四年一月十日",
			body: "楚雄彝族自治州人民政府", from: fromSignature, scope: schemas.ScopeGovernment, level: schemas.LevelPrefecture, code: "5323"},
		{name: "district of a municipality", tail: "重庆市万州区人民政府\n2024年3月1日",
			body: "重庆市万州区人民政府", scope: schemas.ScopeGovernment, level: schemas.LevelCounty, code: "500101"},
		{name: "signature over 本报告由", head: "本报告由各乡镇根据全年工作情况汇总编制。", tail: "朝阳县民政局\n2023年1月20日",
			body: "朝阳县民政局", from: fromSignature, scope: schemas.ScopeDepartment, level: schemas.LevelCounty, code: "211321"},
		{name: "sentence over signature", head: "现公布辽宁省民政厅2023年政府信息公开工作年度报告。", tail: "辽宁省民政厅\n2024年1月20日",
			body: "辽宁省民政厅", from: fromSentence, scope: schemas.ScopeDepartment, level: schemas.LevelProvince, code: "21"},
		{name: "numeric date", tail: "丹东市财政局\n2024-01-25",
			body: "丹东市财政局", from: fromSignature, scope: schemas.ScopeDepartment, level: schemas.LevelPrefecture, code: "2106"},
		{name: "month only", tail: "丹东市财政局\n2024年1月",
			body: "丹东市财政局", from: fromSignature, scope: schemas.ScopeDepartment, level: schemas.LevelPrefecture, code: "2106"},
		{name: "prose before the date", tail: "下一步将继续做好政府信息公开工作\n2024年1月20日", body: "", region: fail},
	})
}

// TestLevelsFromTitle: every level and the real forms of names.
func TestLevelsFromTitle(t *testing.T) {
	const y = "2023年政府信息公开工作年度报告"
	runLevelCases(t, []levelCase{
		{name: "province", head: "辽宁省" + y, body: "辽宁省", scope: schemas.ScopeArea, level: schemas.LevelProvince, code: "21"},
		{name: "province government", head: "辽宁省人民政府" + y, body: "辽宁省人民政府", scope: schemas.ScopeGovernment, level: schemas.LevelProvince, code: "21"},
		{name: "province office", head: "辽宁省人民政府办公厅" + y, body: "辽宁省人民政府办公厅", scope: schemas.ScopeGovernment, level: schemas.LevelProvince, code: "21"},
		{name: "province commission", head: "辽宁省人民政府国有资产监督管理委员会" + y, body: "辽宁省人民政府国有资产监督管理委员会",
			scope: schemas.ScopeDepartment, level: schemas.LevelProvince, code: "21"},
		{name: "province department", head: "辽宁省卫生健康委员会" + y, body: "辽宁省卫生健康委员会", scope: schemas.ScopeDepartment, level: schemas.LevelProvince, code: "21"},
		{name: "year in Chinese numerals", head: "辽宁省审计厅二〇二三年度政府信息公开工作年度报告", body: "辽宁省审计厅",
			scope: schemas.ScopeDepartment, level: schemas.LevelProvince, code: "21"},
		{name: "in brackets", head: "【沈阳市民政局】2023年政府信息公开工作年度报告", body: "沈阳市民政局",
			scope: schemas.ScopeDepartment, level: schemas.LevelPrefecture, code: "2101"},
		{name: "关于…的公告", head: "关于沈阳市民政局" + y + "的公告", body: "沈阳市民政局",
			scope: schemas.ScopeDepartment, level: schemas.LevelPrefecture, code: "2101"},
		{name: "印发的通知", head: "辽宁省人民政府办公厅关于印发辽宁省" + y + "的通知", body: "辽宁省", scope: schemas.ScopeArea, level: schemas.LevelProvince, code: "21"},
		{name: "municipality body", head: "北京市教育委员会" + y, body: "北京市教育委员会", scope: schemas.ScopeDepartment, level: schemas.LevelProvince, code: "11"},
		{name: "prefecture", head: "沈阳市" + y, body: "沈阳市", scope: schemas.ScopeArea, level: schemas.LevelPrefecture, code: "2101"},
		{name: "prefecture department", head: "沈阳市公安局" + y, body: "沈阳市公安局", scope: schemas.ScopeDepartment, level: schemas.LevelPrefecture, code: "2101"},
		{name: "district branch", head: "成都市公安局锦江区分局" + y, body: "成都市公安局锦江区分局", scope: schemas.ScopeDepartment, level: schemas.LevelCounty, code: "510104"},
		{name: "prefecture without districts", head: "东莞市" + y, body: "东莞市", scope: schemas.ScopeArea, level: schemas.LevelPrefecture, code: "4419"},
		{name: "its department", head: "嘉峪关市自然资源局" + y, body: "嘉峪关市自然资源局", scope: schemas.ScopeDepartment, level: schemas.LevelPrefecture, code: "6202"},
		{name: "its town", head: "东莞市虎门镇人民政府" + y, body: "东莞市虎门镇人民政府", scope: schemas.ScopeTownship, level: schemas.LevelCounty, code: "441900"},
		{name: "its town in its folder", path: "广东省/东莞市/2023/x.txt", head: "虎门镇人民政府" + y, body: "虎门镇人民政府",
			scope: schemas.ScopeTownship, level: schemas.LevelCounty, code: "441900"},
		{name: "county-level city under the province", head: "仙桃市人民政府" + y, body: "仙桃市人民政府", scope: schemas.ScopeGovernment, level: schemas.LevelCounty, code: "429004"},
		{name: "district of a municipality", head: "重庆市万州区" + y, body: "重庆市万州区", scope: schemas.ScopeArea, level: schemas.LevelCounty, code: "500101"},
		{name: "autonomous county short", head: "本溪县教育局" + y, body: "本溪县教育局", scope: schemas.ScopeDepartment, level: schemas.LevelCounty, code: "210521"},
		{name: "zone under its city", head: "沈阳高新技术产业开发区管理委员会" + y, body: "沈阳高新技术产业开发区管理委员会",
			scope: schemas.ScopeDevZone, level: schemas.LevelPrefecture, code: "2101"},
		{name: "zone of its county", head: "朝阳县经济开发区管理委员会" + y, body: "朝阳县经济开发区管理委员会",
			scope: schemas.ScopeDevZone, level: schemas.LevelCounty, code: "211321"},
		{name: "zone with a code", head: "长春经济技术开发区管理委员会" + y, body: "长春经济技术开发区管理委员会",
			scope: schemas.ScopeDevZone, level: schemas.LevelCounty, code: "220171"},
		{name: "zone unknown", head: "高新技术产业开发区管理委员会" + y, body: "高新技术产业开发区管理委员会", scope: schemas.ScopeDevZone, region: fail},
		{name: "public institution", head: "辽宁省疾病预防控制中心" + y, body: "辽宁省疾病预防控制中心", scope: schemas.ScopeOther, level: schemas.LevelProvince, code: "21"},
		{name: "state company", head: "国网辽宁省电力有限公司" + y, body: "国网辽宁省电力有限公司", scope: schemas.ScopeOther, level: schemas.LevelProvince, code: "21"},
		{name: "hospital", head: "朝阳市中心医院" + y, body: "朝阳市中心医院", scope: schemas.ScopeOther, level: schemas.LevelPrefecture, code: "2113"},
		{name: "ambiguous district", head: "和平区教育局" + y, body: "和平区教育局", scope: schemas.ScopeDepartment, region: fail},
		{name: "ambiguous district in its folder", path: "辽宁省/沈阳市/2023/x.txt", head: "和平区教育局" + y, body: "和平区教育局",
			scope: schemas.ScopeDepartment, level: schemas.LevelCounty, code: "210102"},
		{name: "provincial body without its province", head: "省教育厅" + y, body: "省教育厅", scope: schemas.ScopeDepartment, region: fail},
		{name: "provincial body in its folder", path: "辽宁省/省直/2023/x.txt", head: "省教育厅" + y, body: "省教育厅",
			scope: schemas.ScopeDepartment, level: schemas.LevelProvince, code: "21"},
	})
}

// TestRegionNeverFromAddress: contact and postal addresses, telephone lines and web sites name a
// district of the seat city; they never decide the region, whatever else the report says.
func TestRegionNeverFromAddress(t *testing.T) {
	const y = "2023年政府信息公开工作年度报告"
	contact := "如对本报告有疑问，请与辽宁省教育厅办公室联系（联系地址：沈阳市和平区北一马路108号，邮编：110001，电话：024-86891702）。"
	runLevelCases(t, []levelCase{
		// the exact case of issue 12: a provincial department, its office in 沈阳市和平区
		{name: "provincial department, contact address", head: "辽宁省教育厅" + y + "\n" + contact,
			body: "辽宁省教育厅", scope: schemas.ScopeDepartment, level: schemas.LevelProvince, code: "21"},
		{name: "provincial department, contact line", head: "辽宁省教育厅" + y + "\n联系地址：沈阳市和平区北一马路108号",
			body: "辽宁省教育厅", scope: schemas.ScopeDepartment, level: schemas.LevelProvince, code: "21"},
		{name: "untitled, first sentence and contact", head: "根据《条例》规定，现公布辽宁省教育厅" + y + "。" + contact,
			body: "辽宁省教育厅", scope: schemas.ScopeDepartment, level: schemas.LevelProvince, code: "21"},
		{name: "contact at the end", head: "辽宁省教育厅" + y, tail: "联系地址：沈阳市和平区北一马路108号\n联系电话：024-86891702",
			body: "辽宁省教育厅", scope: schemas.ScopeDepartment, level: schemas.LevelProvince, code: "21"},
		{name: "prefecture government, address of its district", head: "大连市人民政府" + y + "\n地址：大连市西岗区人民路75号；邮编：116001。",
			body: "大连市人民政府", scope: schemas.ScopeGovernment, level: schemas.LevelPrefecture, code: "2102"},
		{name: "no body, only a contact address", head: "如有疑问，请联系：沈阳市和平区十一纬路36号，电话024-23456789。",
			body: "", region: fail},
		{name: "no body, address without a contact word", head: "本单位位于沈阳市和平区十一纬路36号。", body: "", region: fail},
		{name: "no body, a web site", head: "本报告电子版可在“和平区人民政府”门户网站查阅或下载。", body: "", region: fail},
		{name: "no body, the page's source", head: "来源：沈阳市和平区人民政府", body: "", region: fail},
		{name: "no body, a provincial body's prose", head: "2023年，我厅认真贯彻落实《条例》，在和平区开展宣传活动。", body: "", region: fail},
		{name: "county body, contact in another county", head: "朝阳县教育局" + y + "\n通讯地址：北票市北环路1号",
			body: "朝阳县教育局", scope: schemas.ScopeDepartment, level: schemas.LevelCounty, code: "211321"},
	})
}

// TestRegionEvidence: a given code at any level wins (a body naming another division is
// warned of); a path and a body's name that disagree leave the region empty.
func TestRegionEvidence(t *testing.T) {
	const y = "2023年政府信息公开工作年度报告"
	runLevelCases(t, []levelCase{
		{name: "manifest prefecture", head: "沈阳市教育局" + y, opt: Options{Region: "2101", RegionMethod: schemas.RegionManifest},
			body: "沈阳市教育局", scope: schemas.ScopeDepartment, level: schemas.LevelPrefecture, code: "2101"},
		{name: "manifest province, NBS form", head: "辽宁省教育厅" + y, opt: Options{Region: "210000", RegionMethod: schemas.RegionManifest},
			body: "辽宁省教育厅", scope: schemas.ScopeDepartment, level: schemas.LevelProvince, code: "21"},
		{name: "manifest disagrees with the body", head: "辽宁省教育厅" + y, opt: Options{Region: "210102", RegionMethod: schemas.RegionManifest},
			body: "辽宁省教育厅", scope: schemas.ScopeDepartment, level: schemas.LevelCounty, code: "210102", region: warn},
		{name: "flag: a group that is no prefecture", head: "沈阳市教育局" + y, opt: Options{Region: "1101"},
			body: "沈阳市教育局", scope: schemas.ScopeDepartment, level: schemas.LevelPrefecture, code: "2101", region: fail},
		{name: "path agrees", path: "辽宁省/省直/2023/辽宁省教育厅2023年政府信息公开工作年度报告.txt", head: "辽宁省教育厅" + y,
			body: "辽宁省教育厅", scope: schemas.ScopeDepartment, level: schemas.LevelProvince, code: "21"},
		{name: "folder holds it", path: "辽宁省/沈阳市/2023/a.txt", head: "沈阳市和平区教育局" + y,
			body: "沈阳市和平区教育局", scope: schemas.ScopeDepartment, level: schemas.LevelCounty, code: "210102"},
		{name: "folder of another prefecture", path: "辽宁省/大连市/2023/a.txt", head: "沈阳市教育局" + y,
			body: "沈阳市教育局", scope: schemas.ScopeDepartment, region: fail},
		{name: "county folder, prefecture body", path: "辽宁省/沈阳市/和平区/2023/a.txt", head: "沈阳市教育局" + y,
			body: "沈阳市教育局", scope: schemas.ScopeDepartment, region: fail},
		{name: "no body, 省直 folder", path: "辽宁省/省直/2023/a.txt", head: "2023年，我厅认真贯彻落实《条例》。",
			body: "", level: schemas.LevelProvince, code: "21"},
		{name: "no body, prefecture folder", path: "辽宁省/沈阳市/2023/a.txt", head: "2023年，政府信息公开工作稳步推进。",
			body: "", region: fail},
	})
}

func TestIsContact(t *testing.T) {
	for s, want := range map[string]bool{
		"联系地址：沈阳市和平区北一马路108号": true, "洪泽湖大道 90 号": true, "邮编：110001": true, "电话：024-86891702": true,
		"本报告电子版可在“朝阳县人民政府”门户网站查阅": true, "邀请朝阳县营商局和朝阳县农业农村局两部门新闻发言人": false,
		"组织县发改局、司法局、统计局等30个部门在柳城街道祥泰居小区门前": false, "第1号令": true,
	} {
		if got := isContact(s); got != want {
			t.Errorf("isContact(%q) = %v", s, got)
		}
	}
	got := withoutContacts("一、总体情况\n2023年，我局在朝阳县开展活动，联系地址：沈阳市和平区北一马路108号。完。")
	if strings.Contains(got, "和平区") || !strings.Contains(got, "朝阳县") {
		t.Errorf("withoutContacts: %q", got)
	}
}
