package export

import (
	"fmt"
	"math"
	"strings"
)

// The draft sentences for the consolidated report are written from the figures; every
// number in them is a fig naming the view, column, division and year it comes from, shown as
// data attributes in HTML and as a footnote in both HTML and Markdown.

// fig is one number of a sentence and its source.
type fig struct {
	text   string // as printed: 22,814 / 81.2% / 3.4
	view   string // analytics.region_years
	column string // requests_count
	region string
	year   int
}

func (f fig) source() string {
	return fmt.Sprintf("%s.%s（%s，%d）", f.view, f.column, f.region, f.year)
}

// seg is a piece of a sentence: text or a figure.
type seg struct {
	text string
	fig  *fig
}

type sentence struct {
	segs []seg
}

func (s *sentence) t(format string, a ...any) *sentence {
	s.segs = append(s.segs, seg{text: fmt.Sprintf(format, a...)})
	return s
}

func (s *sentence) f(f fig) *sentence {
	s.segs = append(s.segs, seg{fig: &f})
	return s
}

// sources lists the distinct sources of the sentence's figures.
func (s *sentence) sources() []string {
	seen := map[string]bool{}
	var out []string
	for _, g := range s.segs {
		if g.fig != nil && !seen[g.fig.source()] {
			seen[g.fig.source()] = true
			out = append(out, g.fig.source())
		}
	}
	return out
}

// yoyOf returns the analytics.region_yoy row of a measure of a division.
func (s *Summary) yoyOf(region, measure string) *YoY {
	for i := range s.YoY {
		if r := &s.YoY[i]; r.RegionCode == region && r.Measure == measure {
			return r
		}
	}
	return nil
}

// drafts writes the sentences for the consolidated report.
func (s *Summary) drafts() []*sentence {
	R, Y := s.Region.Code, s.Year
	ry := func(col string, year int, rec *RegionYear) fig {
		v := rec.Get(col)
		text := fmtNum(v)
		if strings.HasSuffix(col, "_rate") {
			text = fmtRate(v)
		}
		return fig{text: text, view: "analytics.region_years", column: col, region: R, year: year}
	}
	cur := func(col string) fig { return ry(col, Y, s.Cur) }
	yoy := func(measure string) (Val, Val) {
		r := s.yoyOf(R, measure)
		if r == nil {
			return Val{}, Val{}
		}
		return rate(r.ValueYoYDelta), rate(r.ValueYoYPct)
	}
	yoyFig := func(measure, col string, v Val) fig {
		text := fmt.Sprintf("%.1f%%", math.Abs(v.V))
		if col == "value_yoy_delta" {
			text = fmt.Sprintf("%.1f", math.Abs(v.V))
		}
		return fig{text: text, view: "analytics.region_yoy", column: col + "（" + measure + "）", region: R, year: Y}
	}
	// change in % for a count: 同比增长X%
	growth := func(sn *sentence, measure string) {
		_, pct := yoy(measure)
		switch {
		case s.Prev == nil || !pct.OK:
			sn.t("（上年无可比数据）")
		case math.Abs(pct.V) < 0.05:
			sn.t("，与上年基本持平")
		case pct.V > 0:
			sn.t("，同比增长").f(yoyFig(measure, "value_yoy_pct", pct))
		default:
			sn.t("，同比下降").f(yoyFig(measure, "value_yoy_pct", pct))
		}
	}
	// change in percentage points for a rate
	points := func(sn *sentence, measure string) {
		d, _ := yoy(measure)
		switch {
		case s.Prev == nil || !d.OK:
		case math.Abs(d.V) < 0.05:
			sn.t("，与上年基本持平")
		case d.V > 0:
			sn.t("，较上年提高").f(yoyFig(measure, "value_yoy_delta", d)).t("个百分点")
		default:
			sn.t("，较上年降低").f(yoyFig(measure, "value_yoy_delta", d)).t("个百分点")
		}
	}
	var out []*sentence

	sn := &sentence{}
	sn.t("%d年，%s共收到政府信息公开申请", Y, s.Region.Whole()).f(cur("requests_count")).t("件")
	growth(sn, "requests_count")
	if s.Prev != nil {
		sn.t("（%d年为", Y-1).f(ry("requests_count", Y-1, s.Prev)).t("件）")
	}
	sn.t("；上年结转政府信息公开申请").f(cur("carried_over_count")).t("件。")
	out = append(out, sn)

	sn = &sentence{}
	sn.t("本年度办理政府信息公开申请").f(cur("handled_count")).t("件，其中予以公开").f(cur("granted_count")).
		t("件、部分公开").f(cur("partially_granted_count")).t("件，公开率为").f(cur("disclosure_rate"))
	points(sn, "disclosure_rate")
	sn.t("；不予公开").f(cur("withheld_count")).t("件（占").f(cur("withheld_rate")).t("），无法提供").
		f(cur("unavailable_count")).t("件，不予处理").f(cur("rejected_count")).t("件，其他处理").f(cur("other_count")).
		t("件；结转下年度继续办理").f(cur("carried_forward_count")).t("件。")
	out = append(out, sn)

	sn = &sentence{}
	if s.Cur.Get("review_count").V == 0 && s.Cur.Get("litigation_count").V == 0 {
		sn.t("本年度未发生因政府信息公开引起的行政复议、行政诉讼（行政复议").f(cur("review_count")).t("件，行政诉讼").
			f(cur("litigation_count")).t("件）。")
	} else {
		sn.t("因政府信息公开引起行政复议").f(cur("review_count")).t("件，其中结果维持").f(cur("review_upheld_count")).
			t("件、结果纠正").f(cur("review_corrected_count")).t("件、尚未审结").f(cur("review_pending_count")).t("件")
		if s.Cur.Get("review_correction_rate").OK {
			sn.t("，复议纠错率").f(cur("review_correction_rate"))
		}
		sn.t("；行政诉讼").f(cur("litigation_count")).t("件，其中结果纠正").f(cur("litigation_corrected_count")).t("件")
		if s.Cur.Get("litigation_correction_rate").OK {
			sn.t("，诉讼纠错率").f(cur("litigation_correction_rate"))
		}
		sn.t("。")
	}
	out = append(out, sn)

	sn = &sentence{}
	sn.t("主动公开方面，%s本年制发规章和规范性文件", s.Region.Whole()).f(cur("issued_count")).t("件，作出行政许可决定").
		f(cur("licensing_decisions_count")).t("件、行政处罚决定").f(cur("penalty_decisions_count")).t("件、行政强制决定").
		f(cur("coercion_decisions_count")).t("件。")
	out = append(out, sn)

	expected, missing := map[string]int{}, map[string]int{}
	for _, c := range s.Coverage {
		expected[c.Level]++
		if !c.Reported {
			missing[c.Level]++
		}
	}
	cov := func(n int, col string) fig {
		return fig{text: fmtInt(int64(n)), view: "analytics.coverage", column: col, region: R, year: Y}
	}
	sn = &sentence{}
	sn.t("本汇总计入报告").f(cur("counted_report_count")).t("份，每个区划只计一次（有汇总报告的以汇总报告为准，否则为本级机关与下级区划之和），其中本级机关报告").
		f(cur("own_report_count")).t("份、汇总报告").f(cur("area_basis_count")).t("份，涉及").f(cur("county_count")).
		t("个县级区划；应报").f(cov(expected["county"], "level = county（计数）")).t("个县级区划中").
		f(cov(missing["county"], "reported = false, level = county（计数）")).t("个未报送")
	if expected["prefecture"] > 0 {
		sn.t("，应报").f(cov(expected["prefecture"], "level = prefecture（计数）")).t("个地级区划中").
			f(cov(missing["prefecture"], "reported = false, level = prefecture（计数）")).t("个本级未报送")
	}
	sn.t("。")
	out = append(out, sn)

	errs := 0
	for _, v := range s.Violations {
		if v.Severity == "error" {
			errs++
		}
	}
	viol := func(n int, col string) fig {
		return fig{text: fmtInt(int64(n)), view: "analytics.rule_violations", column: col, region: R, year: Y}
	}
	sn = &sentence{}
	sn.t("经勾稽核对，发现规则违反").f(viol(len(s.Violations), "rule（计数）")).t("条，其中错误").
		f(viol(errs, "severity = error（计数）")).t("条；原数字未作更正，清单见数据质量部分。")
	out = append(out, sn)
	return out
}

// headline is one figure of the headline cards.
type headline struct {
	label string
	value string
	delta string // 同比 …
	up    int    // +1 rising, -1 falling, 0 flat or unknown
	src   fig
}

func (s *Summary) headlines() []headline {
	var out []headline
	for _, m := range []string{"requests_count", "handled_count", "disclosure_rate", "withheld_rate", "review_count", "litigation_count"} {
		v := s.Cur.Get(m)
		h := headline{label: Label("analytics.region_years", m), value: fmtNum(v),
			src: fig{view: "analytics.region_years", column: m, region: s.Region.Code, year: s.Year}}
		var delta, pct Val
		if r := s.yoyOf(s.Region.Code, m); r != nil {
			delta, pct = rate(r.ValueYoYDelta), rate(r.ValueYoYPct)
		}
		if strings.HasSuffix(m, "_rate") {
			h.value = fmtRate(v)
			if delta.OK {
				h.delta = fmt.Sprintf("同比 %+.1f 个百分点", delta.V)
				h.up = sign(delta.V)
			}
		} else if pct.OK {
			h.delta = "同比 " + fmtPct(pct)
			h.up = sign(pct.V)
		} else if delta.OK {
			h.delta = fmt.Sprintf("同比 %+.0f", delta.V)
			h.up = sign(delta.V)
		}
		if h.delta == "" {
			h.delta = "上年无可比数据"
		}
		out = append(out, h)
	}
	return out
}

func sign(v float64) int {
	switch {
	case v > 1e-9:
		return 1
	case v < -1e-9:
		return -1
	}
	return 0
}

// mover is a division whose measure changed most.
type mover struct {
	code, name, measure string
	prev, cur, delta    Val
	pct                 Val
}

// movers returns the largest changes of requests and disclosure rate among the divisions
// within (counties; and prefectures for a province), n of each.
func (s *Summary) movers(n int) []mover {
	var out []mover
	for _, m := range []string{"requests_count", "disclosure_rate"} {
		var cand []mover
		for _, r := range s.YoY {
			if r.Measure != m || r.RegionCode == s.Region.Code || !rate(r.ValueYoYDelta).OK {
				continue
			}
			cand = append(cand, mover{code: r.RegionCode, name: text(r.RegionName), measure: m,
				prev: rate(r.ValuePrev), cur: rate(r.Value), delta: rate(r.ValueYoYDelta), pct: rate(r.ValueYoYPct)})
		}
		sortMovers(cand)
		if len(cand) > n {
			cand = cand[:n]
		}
		out = append(out, cand...)
	}
	return out
}

func sortMovers(ms []mover) {
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0; j-- {
			a, b := ms[j], ms[j-1]
			if math.Abs(a.delta.V) > math.Abs(b.delta.V) || (math.Abs(a.delta.V) == math.Abs(b.delta.V) && a.code < b.code) {
				ms[j], ms[j-1] = b, a
				continue
			}
			break
		}
	}
}
