package export

import (
	"fmt"
	"strings"

	"xxgk/schemas"
)

// Sources in words. Every figure the summaries print says, in words an office can repeat,
// which reports it sums (counting), which rows of the published tables (measureWhere) and by
// which rule; the SQL names (view.column) stay beside it for analysts.

// quoted is a label in Chinese quotes: “予以公开”.
func quoted(s string) string { return "“" + s + "”" }

func t3RowShort(key string) string {
	if l := schemas.Labels().Table3Row(key); l != nil {
		return l.Short()
	}
	return key
}

func t3GroupShort(key string) string {
	l := schemas.Label{Label: groupLabel(key)}
	return l.Short()
}

func t3GroupSize(key string) int {
	n := 0
	for _, r := range schemas.Labels().Table3.Rows {
		if r.Group == key {
			n++
		}
	}
	return n
}

func t4GroupLabel(key string) string {
	for _, g := range schemas.Labels().Table4.Groups {
		if g.Key == key {
			return g.Label
		}
	}
	return key
}

func t4OutcomeLabel(key string) string {
	for _, o := range schemas.Labels().Table4.Outcomes {
		if o.Key == key {
			return o.Label
		}
	}
	return key
}

// measureWhere says where a measure of analytics.region_years comes from in each report's
// tables, or how a rate is computed from the sums: 表三“本年新收政府信息公开申请数量”行“总计”列.
func measureWhere(col string) string {
	total := quoted(schemas.Labels().Table3.Columns[len(schemas.Labels().Table3.Columns)-1].Label) + "列"
	t3 := func(row string) string { return "表三" + quoted(t3RowShort(row)) + "行" + total }
	group := func(g string) string {
		return fmt.Sprintf("表三%s下%d项之和（%s）", quoted(t3GroupShort(g)), t3GroupSize(g), total)
	}
	review := func(o string) string { return "表四" + quoted(t4GroupLabel("review")) + quoted(t4OutcomeLabel(o)) }
	litigation := func(o string) string {
		return fmt.Sprintf("表四%s与%s两组的%s之和", quoted(t4GroupLabel("litigation_direct")), quoted(t4GroupLabel("litigation_after_review")),
			quoted(t4OutcomeLabel(o)))
	}
	t2 := func(item string) string {
		l := table2Item(schemas.FormatGB2021, item)
		return "表二" + quoted(l.Label) + quoted(schemas.Labels().Measure("decisions").Label)
	}
	switch col {
	case "requests_count":
		return t3("new_received")
	case "carried_over_count":
		return t3("carried_over")
	case "granted_count":
		return t3("granted")
	case "partially_granted_count":
		return t3("partially_granted")
	case "withheld_count":
		return group("withheld")
	case "unavailable_count":
		return group("unavailable")
	case "rejected_count":
		return group("rejected")
	case "other_count":
		return fmt.Sprintf("表三%s（2021年格式为其下3项之和）%s", quoted(t3GroupShort("other")), total)
	case "handled_count":
		return "表三办理结果" + quoted(t3RowShort("total_handled")) + "行" + total
	case "carried_forward_count":
		return t3("carried_forward")
	case "review_count":
		return review("total")
	case "review_upheld_count":
		return review("upheld")
	case "review_corrected_count":
		return review("corrected")
	case "review_other_count":
		return review("other")
	case "review_pending_count":
		return review("pending")
	case "litigation_count":
		return litigation("total")
	case "litigation_corrected_count":
		return litigation("corrected")
	case "litigation_pending_count":
		return litigation("pending")
	case "issued_count":
		return fmt.Sprintf("表二规章与规范性文件的%s（2019年格式为%s）之和", quoted(schemas.Labels().Measure("issued").Label),
			quoted(schemas.Labels().Measure("new_made").Label))
	case "licensing_decisions_count":
		return t2("licensing")
	case "penalty_decisions_count":
		return t2("penalty")
	case "coercion_decisions_count":
		return t2("coercion")
	case "disclosure_rate":
		return "（予以公开＋部分公开）÷办理结果总计，由合计数计算"
	case "withheld_rate":
		return "不予公开÷办理结果总计，由合计数计算"
	case "review_correction_rate":
		return "复议结果纠正÷（复议总计－尚未审结），由合计数计算"
	case "litigation_correction_rate":
		return "诉讼结果纠正÷（诉讼总计－尚未审结），两类诉讼合计，由合计数计算"
	case "counted_report_count":
		return "计入汇总的报告数，每个机关只计一次"
	case "own_report_count":
		return "计入汇总的本级机关报告数"
	case "area_basis_count":
		return "以汇总报告（全省/全市/全县汇总）计入的区划数"
	case "county_count":
		return "有报告的县级区划数"
	}
	if strings.HasPrefix(col, "table2.") {
		return measureLabel(col, "")
	}
	return Label("analytics.region_years", col)
}

// parts is how the region's figure is made up: the reports it sums by kind.
type parts struct {
	area            bool  // the region's own consolidated report is its figure
	reports         int64 // counted reports
	ownReports      int64 // the region's own bodies (省直部门 / 市本级)
	prefOwn         int64 // prefectures counted from their own bodies: their own reports
	prefOwnCount    int   // … how many
	prefWhole       int   // prefectures counted from their 全市汇总
	counties        int   // counties in the figure
	countyArea      int   // … of which counted from their 全县汇总
	countyReports   int64 // reports at county level
	prefWholeReport int64 // reports of the prefectures counted whole
}

// parts counts what the region's figure sums, from analytics.region_years and own_body_years.
func (s *Summary) parts() parts {
	p := parts{reports: s.Cur.CountedReportCount}
	if s.Cur.Basis == "area" {
		p.area = true
		return p
	}
	if o := s.OwnOf(s.Region.Code); o != nil {
		p.ownReports = o.ReportCount
	}
	for i := range s.Children {
		c := &s.Children[i]
		if !s.InTotal(c.RegionCode) || c.Basis == "none" {
			continue
		}
		switch c.Level {
		case "prefecture":
			if c.Basis == "area" {
				p.prefWhole++
				p.prefWholeReport += c.CountedReportCount
			} else if o := s.OwnOf(c.RegionCode); o != nil && o.ReportCount > 0 {
				p.prefOwnCount++
				p.prefOwn += o.ReportCount
			}
		case "county":
			p.counties++
			p.countyReports += c.CountedReportCount
			if c.Basis == "area" {
				p.countyArea++
			}
		}
	}
	return p
}

// ownWord names the region's own bodies: 省直部门 for a province, 市本级机关 for a prefecture.
func (s *Summary) ownWord() string {
	if s.Region.Level == "province" {
		return "省直部门等省本级机关"
	}
	return "市本级机关"
}

// counting says in words which reports the region's figures sum and by which rule:
// 辽宁省计入汇总的716份报告之和：省直部门等省本级机关32份，13个市本级机关380份，90个县级区划303份
// （其中23个以全县汇总报告计入）；每个机关只计一次。
func (s *Summary) counting() string {
	p := s.parts()
	if p.area {
		return fmt.Sprintf("%s本年以本级汇总报告（%s）为准，共%s份；所辖各级机关的报告已含于其中，只列出、不相加", s.Region.Name,
			basisName(s.Region.Level, "area"), fmtInt(p.reports))
	}
	var list []string
	if p.ownReports > 0 {
		list = append(list, fmt.Sprintf("%s%s份", s.ownWord(), fmtInt(p.ownReports)))
	}
	if p.prefOwnCount > 0 {
		list = append(list, fmt.Sprintf("%d个市本级机关%s份", p.prefOwnCount, fmtInt(p.prefOwn)))
	}
	if p.prefWhole > 0 {
		list = append(list, fmt.Sprintf("%d个地级区划的全市汇总报告%s份（其所辖县级区划不另计）", p.prefWhole, fmtInt(p.prefWholeReport)))
	}
	if p.counties > 0 {
		c := fmt.Sprintf("%d个县级区划%s份", p.counties, fmtInt(p.countyReports))
		if p.countyArea > 0 {
			c += fmt.Sprintf("（其中%d个以全县汇总报告计入，其余为县本级各机关报告之和）", p.countyArea)
		}
		list = append(list, c)
	}
	return fmt.Sprintf("%s计入汇总的%s份报告之和：%s；每个机关只计一次", s.Region.Name, fmtInt(p.reports), strings.Join(list, "，"))
}

// countingShort is the counting in a few words, for a figure's caption: 全省716份报告之和.
func (s *Summary) countingShort() string {
	if s.Cur.Basis == "area" {
		return s.Region.Whole() + "汇总报告"
	}
	return fmt.Sprintf("%s%s份报告之和", s.Region.Whole(), fmtInt(s.Cur.CountedReportCount))
}

// Like for like (同口径). A year-over-year change of all reports mixes growth with coverage:
// units that reported one year only. analytics.region_yoy gives each change in two forms, and
// the summaries state the like-for-like one with the coverage difference in words.

func n64(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// coverageDiffers reports whether the units reporting differ between the two years (or are
// counted differently), so that the like-for-like change is not the change of all reports.
func (r *YoY) coverageDiffers() bool {
	return n64(r.NewCountyCount)+n64(r.GoneCountyCount)+n64(r.NewBodyCount)+n64(r.GoneBodyCount)+n64(r.NewWholeCount)+
		n64(r.GoneWholeCount)+n64(r.BasisChangedCount) > 0
}

// wholeWord names the units compared whole within the region: prefectures counted from their
// 全市汇总 in either year.
const wholeWord = "以全市汇总报告整体比较的地级区划"

// unitList names counts of units: 88个县级区划、35个省市本级机关和2个以全市汇总报告整体比较的地级区划.
func unitList(county, body, whole int64) string {
	var out []string
	if county > 0 {
		out = append(out, fmt.Sprintf("%s个县级区划", fmtInt(county)))
	}
	if body > 0 {
		out = append(out, fmt.Sprintf("%s个省市本级机关", fmtInt(body)))
	}
	if whole > 0 {
		out = append(out, fmt.Sprintf("%s个%s", fmtInt(whole), wholeWord))
	}
	switch len(out) {
	case 0:
		return ""
	case 1:
		return out[0]
	}
	return strings.Join(out[:len(out)-1], "、") + "和" + out[len(out)-1]
}

// wholeRegion reports whether the region itself is compared whole: one of the two years counts
// its own consolidated report.
func (s *Summary) wholeRegion(r *YoY) bool {
	return text(r.Basis) == "area" || text(r.BasisPrev) == "area"
}

// lflUnits says over which units the like-for-like change is taken: 两年均报送的88个县级区划.
func (s *Summary) lflUnits(r *YoY) string {
	if s.wholeRegion(r) {
		return s.Region.Whole() + "整体"
	}
	u := unitList(n64(r.LFLCountyCount), n64(r.LFLBodyCount), n64(r.LFLWholeCount))
	if u == "" {
		return "两年均报送的单位（无）"
	}
	return "两年均报送的" + u
}

// coverageWords names the coverage difference: 另有9个县级区划仅2024年报送、2个县级区划仅2023年报送；
// 3个单位两年汇总口径不同. Empty when the same units reported both years the same way.
func (s *Summary) coverageWords(r *YoY) string {
	y, p := s.Year, s.Year-1
	if s.wholeRegion(r) {
		if text(r.Basis) != text(r.BasisPrev) {
			return fmt.Sprintf("%d年取%s，%d年为%s，两年汇总口径不同，增减仅供参考", y, basisName(s.Region.Level, text(r.Basis)),
				p, basisName(s.Region.Level, text(r.BasisPrev)))
		}
		return ""
	}
	var parts []string
	if u := unitList(n64(r.NewCountyCount), n64(r.NewBodyCount), n64(r.NewWholeCount)); u != "" {
		parts = append(parts, fmt.Sprintf("%s仅%d年报送", u, y))
	}
	if u := unitList(n64(r.GoneCountyCount), n64(r.GoneBodyCount), n64(r.GoneWholeCount)); u != "" {
		parts = append(parts, fmt.Sprintf("%s仅%d年报送", u, p))
	}
	out := ""
	if len(parts) > 0 {
		out = "另有" + strings.Join(parts, "，")
	}
	if n := n64(r.BasisChangedCount); n > 0 {
		if out != "" {
			out += "；"
		}
		out += fmt.Sprintf("%s个单位两年汇总口径不同（一年取汇总报告，另一年为各机关报告之和）", fmtInt(n))
	}
	return out
}
