package export

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// The draft sentences for the consolidated report are written from the figures; every
// number in them is a fig naming the view, column, division and year it comes from, shown as
// data attributes in HTML and as a footnote in both HTML and Markdown.

// fig is one number of a sentence and its source: in words (what an office reads) and as the
// view, column, division and year (what an analyst queries).
type fig struct {
	text   string // as printed: 22,814 / 81.2% / 3.4
	words  string // the source in words: 全省716份报告之和，表三“本年新收…”行“总计”列
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

// sources lists the distinct SQL sources of the sentence's figures.
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

// words lists the sentence's figures with their sources in words, each source once:
// 22,778件、2,003件：表三“本年新收…”行“总计”列.
func (s *sentence) words() []string {
	var order []string
	figs := map[string][]string{}
	for _, g := range s.segs {
		if g.fig == nil || g.fig.words == "" {
			continue
		}
		if _, ok := figs[g.fig.words]; !ok {
			order = append(order, g.fig.words)
		}
		if t := g.fig.text; !slices.Contains(figs[g.fig.words], t) {
			figs[g.fig.words] = append(figs[g.fig.words], t)
		}
	}
	out := make([]string, len(order))
	for i, w := range order {
		out[i] = strings.Join(figs[w], "、") + "：" + w
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

// unit is the word after a count in a sentence.
const unit = "件"

// drafts writes the sentences for the consolidated report. Changes are stated like for like
// (同口径: the units that reported in both years) with the coverage difference named; the change
// of all reports is given beside it when the coverage differs.
func (s *Summary) drafts() []*sentence {
	R, Y := s.Region.Code, s.Year
	// a figure of the region: this year's say only where they come from (the sources list
	// states the counting once); another year's name their own counting
	ry := func(col string, year int, rec *RegionYear) fig {
		v := rec.Get(col)
		text := fmtNum(v)
		if strings.HasSuffix(col, "_rate") {
			text = fmtRate(v)
		}
		words := measureWhere(col)
		if year != Y {
			words = fmt.Sprintf("%d年%s%s份报告之和，%s", year, s.Region.Whole(), fmtInt(rec.CountedReportCount), words)
			if rec.Basis == "area" {
				words = fmt.Sprintf("%d年%s汇总报告，%s", year, s.Region.Whole(), measureWhere(col))
			}
		}
		return fig{text: text, words: words, view: "analytics.region_years", column: col, region: R, year: year}
	}
	cur := func(col string) fig { return ry(col, Y, s.Cur) }
	yoyFig := func(measure, col, text, words string) fig {
		return fig{text: text, words: words, view: "analytics.region_yoy", column: col + "（" + measure + "）", region: R, year: Y}
	}
	// change in % for a count: 同比增长X%（上年为N件）；同口径（…）增长Y%，另有…
	growth := func(sn *sentence, measure string) {
		r := s.yoyOf(R, measure)
		if s.Prev == nil || r == nil || !rate(r.ValueYoYPct).OK {
			sn.t("（上年无可比数据）")
			return
		}
		all := rate(r.ValueYoYPct)
		label := Label("analytics.region_years", measure)
		allWords := fmt.Sprintf("%s本年与%d年全部计入报告之和相比的增减百分比", label, Y-1)
		switch {
		case math.Abs(all.V) < 0.05:
			sn.t("，与上年基本持平")
		case all.V > 0:
			sn.t("，同比增长").f(yoyFig(measure, "value_yoy_pct", fmtAbsPct(all.V), allWords))
		default:
			sn.t("，同比下降").f(yoyFig(measure, "value_yoy_pct", fmtAbsPct(all.V), allWords))
		}
		sn.t("（%d年为", Y-1).f(ry(measure, Y-1, s.Prev)).t("%s）", unit)
		if !r.coverageDiffers() {
			if !s.wholeRegion(r) {
				sn.t("，两年报送单位相同")
			}
			return
		}
		lfl := rate(r.LFLYoYPct)
		if !lfl.OK {
			if w := s.coverageWords(r); w != "" {
				sn.t("；%s", w)
			}
			return
		}
		lflWords := fmt.Sprintf("%s同口径增减百分比：只计%s，两年之和相比", label, s.lflUnits(r))
		sn.t("；同口径（%s）", s.lflUnits(r))
		switch {
		case math.Abs(lfl.V) < 0.05:
			sn.t("基本持平")
		case lfl.V > 0:
			sn.t("增长").f(yoyFig(measure, "lfl_yoy_pct", fmtAbsPct(lfl.V), lflWords))
		default:
			sn.t("下降").f(yoyFig(measure, "lfl_yoy_pct", fmtAbsPct(lfl.V), lflWords))
		}
		if w := s.coverageWords(r); w != "" {
			sn.t("，%s", w)
		}
	}
	// change in percentage points for a rate, like for like
	points := func(sn *sentence, measure string) {
		r := s.yoyOf(R, measure)
		if s.Prev == nil || r == nil {
			return
		}
		d, lfl := rate(r.ValueYoYDelta), rate(r.LFLYoYDelta)
		label := Label("analytics.region_years", measure)
		prefix, col, v := "", "value_yoy_delta", d
		words := fmt.Sprintf("%s本年与%d年之差（百分点）", label, Y-1)
		if r.coverageDiffers() && lfl.OK {
			prefix, col, v = "同口径", "lfl_yoy_delta", lfl
			words = fmt.Sprintf("%s同口径之差（百分点）：只计%s", label, s.lflUnits(r))
		}
		switch {
		case !v.OK:
		case math.Abs(v.V) < 0.05:
			sn.t("，%s与上年基本持平", prefix)
		case v.V > 0:
			sn.t("，%s较上年提高", prefix).f(yoyFig(measure, col, fmtAbs(v.V), words)).t("个百分点")
		default:
			sn.t("，%s较上年降低", prefix).f(yoyFig(measure, col, fmtAbs(v.V), words)).t("个百分点")
		}
	}
	var out []*sentence

	sn := &sentence{}
	sn.t("%d年，%s共收到政府信息公开申请", Y, s.Region.Whole()).f(cur("requests_count")).t(unit)
	growth(sn, "requests_count")
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
	cov := func(n int, col, words string) fig {
		return fig{text: fmtInt(int64(n)), words: words, view: "analytics.coverage", column: col, region: R, year: Y}
	}
	count := func(col, words string) fig {
		f := cur(col)
		f.words = words
		return f
	}
	sn = &sentence{}
	sn.t("本汇总计入报告").f(count("counted_report_count", s.counting())).
		t("份，每个机关只计一次（有汇总报告的区划以汇总报告为准，否则为本级机关与下级区划之和），其中本级机关报告").
		f(count("own_report_count", "本级机关（"+strings.TrimSuffix(s.ownWord(), "机关")+"）计入汇总的报告数")).t("份、汇总报告").
		f(count("area_basis_count", measureWhere("area_basis_count"))).t("份，涉及").f(count("county_count", measureWhere("county_count"))).
		t("个县级区划；应报").f(cov(expected["county"], "level = county（计数）", "区划名录中应报送的县级区划数")).t("个县级区划中").
		f(cov(missing["county"], "reported = false, level = county（计数）", "本年没有任何报告的县级区划数（名单见报送情况）")).t("个未报送")
	if expected["prefecture"] > 0 {
		sn.t("，应报").f(cov(expected["prefecture"], "level = prefecture（计数）", "区划名录中应报送的地级区划数")).t("个地级区划中").
			f(cov(missing["prefecture"], "reported = false, level = prefecture（计数）", "本级机关本年没有任何报告的地级区划数")).t("个本级未报送")
	}
	sn.t("。")
	out = append(out, sn)

	errs, acked := 0, 0
	for _, v := range s.Violations {
		if v.Severity == "error" {
			errs++
		}
		if v.Acknowledged {
			acked++
		}
	}
	viol := func(n int, col, words string) fig {
		return fig{text: fmtInt(int64(n)), words: words, view: "analytics.rule_violations", column: col, region: R, year: Y}
	}
	sn = &sentence{}
	sn.t("经勾稽核对，发现规则违反").f(viol(len(s.Violations), "rule（计数）", "本区划内各级汇总依据报告的勾稽规则违反条数（R1–R8，含跨年结转）")).
		t("条，其中错误").f(viol(errs, "severity = error（计数）", "其中严重程度为“错误”的条数（R1–R5：各部分之和与合计不符，或数字不是非负整数）")).t("条")
	if acked > 0 {
		sn.t("，已核实").f(viol(acked, "acknowledged = true（计数）", "已经核实（xxgk ack）的条数：仍列出，不作更正")).t("条")
	}
	sn.t("；原数字未作更正，清单见数据质量部分。")
	out = append(out, sn)
	return out
}

// headline is one figure of the headline cards.
type headline struct {
	label string
	value string
	delta string // the change, like for like when the units reporting differ: 同口径 +14.7%
	all   string // the change of all reports beside it when they differ: 全部报告 +22.9%
	cover string // the coverage difference in words
	words string // the source in words
	up    int    // +1 rising, -1 falling, 0 flat or unknown
	src   fig
}

// change formats a change of a measure: % for counts, percentage points for rates.
func change(measure string, delta, pct Val) (string, int) {
	switch {
	case strings.HasSuffix(measure, "_rate") && delta.OK:
		return fmtPoints(delta) + " 个百分点", sign(delta.V)
	case strings.HasSuffix(measure, "_rate"):
		return "", 0
	case pct.OK:
		return fmtPct(pct), sign(pct.V)
	case delta.OK:
		return fmtSigned(delta), sign(delta.V)
	}
	return "", 0
}

func (s *Summary) headlines() []headline {
	var out []headline
	for _, m := range []string{"requests_count", "handled_count", "disclosure_rate", "withheld_rate", "review_count", "litigation_count"} {
		v := s.Cur.Get(m)
		h := headline{label: Label("analytics.region_years", m), value: fmtNum(v), words: s.countingShort() + "，" + measureWhere(m),
			src: fig{view: "analytics.region_years", column: m, region: s.Region.Code, year: s.Year}}
		if strings.HasSuffix(m, "_rate") {
			h.value = fmtRate(v)
		}
		if r := s.yoyOf(s.Region.Code, m); r != nil {
			all, up := change(m, rate(r.ValueYoYDelta), rate(r.ValueYoYPct))
			if r.coverageDiffers() {
				if lfl, lup := change(m, rate(r.LFLYoYDelta), rate(r.LFLYoYPct)); lfl != "" {
					h.delta, h.up = "同口径 "+lfl, lup
					if all != "" {
						h.all = "全部报告 " + all
					}
				} else if all != "" {
					h.delta, h.up = "同比 "+all, up
				}
				h.cover = s.lflUnits(r)
				if w := s.coverageWords(r); w != "" {
					h.cover += "；" + w
				}
			} else if all != "" {
				h.delta, h.up = "同比 "+all, up
			}
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

// movers returns the largest like-for-like changes of requests and disclosure rate among the
// divisions within (counties; and prefectures for a province), n of each: a county that did not
// report in both years has no change.
func (s *Summary) movers(n int) []mover {
	var out []mover
	for _, m := range []string{"requests_count", "disclosure_rate"} {
		var cand []mover
		for _, r := range s.YoY {
			if r.Measure != m || r.RegionCode == s.Region.Code || !rate(r.LFLYoYDelta).OK {
				continue
			}
			cand = append(cand, mover{code: r.RegionCode, name: text(r.RegionName), measure: m,
				prev: rate(r.LFLValuePrev), cur: rate(r.LFLValue), delta: rate(r.LFLYoYDelta), pct: rate(r.LFLYoYPct)})
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
