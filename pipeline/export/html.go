package export

import (
	"fmt"
	"strconv"
	"strings"
)

// The HTML report is one self-contained file: inline CSS, inline SVG, no script, no font,
// image or style sheet fetched from anywhere; it opens offline.

const css = `
:root{--ink:#1f2328;--muted:#5b6570;--line:#c9d1d9;--head:#ddebf7;--up:#b42318;--down:#1a7f37}
*{box-sizing:border-box}
body{margin:0;padding:24px 32px;color:var(--ink);background:#fff;
 font-family:"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","WenQuanYi Micro Hei","WenQuanYi Zen Hei",system-ui,sans-serif;
 font-size:14px;line-height:1.6}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:18px;margin:28px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--ink)}
h3{font-size:15px;margin:18px 0 6px}
.meta,.note{color:var(--muted);font-size:12px}
.cards{display:grid;grid-template-columns:repeat(3,minmax(180px,1fr));gap:12px}
.card{border:1px solid var(--line);border-radius:6px;padding:10px 14px}
.card .k{color:var(--muted);font-size:13px}
.card .v{font-size:26px;font-weight:700}
.card .d{font-size:12px}
.up{color:var(--up)}.down{color:var(--down)}
.draft p{margin:6px 0;text-indent:2em}
.fig{font-weight:700;border-bottom:1px dotted var(--muted)}
sup a{text-decoration:none;font-size:11px}
ol.src{font-size:12px;color:var(--muted)}
table{border-collapse:collapse;margin:6px 0 12px}
th,td{border:1px solid var(--line);padding:3px 8px}
th{background:var(--head);font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.official td.l{min-width:6em}
tr.sec td{border:none;font-weight:700;padding-top:14px}
tr.cap td{border:none;font-weight:600}
tr.bold td{font-weight:700;background:#f2f2f2}
tr.red td{background:#fce4d6}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:18px;align-items:start}
svg.chart{max-width:100%;height:auto}
svg .ct{font-size:14px;font-weight:700;fill:var(--ink)}
svg .cl{font-size:11px;fill:var(--ink)}
svg .cv{font-size:10px;fill:var(--muted)}
svg .cw{font-size:11px;fill:#fff;font-weight:700}
`

func writeHTML(w *strings.Builder, s *Summary) {
	e := esc
	fmt.Fprintf(w, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	fmt.Fprintf(w, "<meta name=\"generator\" content=\"%s\">\n<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n", e(nonEmpty(s.Version, "xxgk")), e(s.title()), css)
	fmt.Fprintf(w, "<header><h1>%s</h1>\n<p class=\"meta\">%s %s · 仓库 %s · 导入批次 #%d（%s，解析器 %s）· 导出于 %s</p></header>\n",
		e(s.title()), e(s.Region.Code), e(s.Region.Name), e(s.DB), s.Run.ID, e(s.Run.Version), e(s.Run.Parser), e(s.Generated.Format("2006-01-02 15:04")))

	// headline figures
	w.WriteString("<section id=\"headline\"><h2>主要数据</h2>\n<div class=\"cards\">\n")
	for _, h := range s.headlines() {
		cls := ""
		switch h.up {
		case 1:
			cls = "up"
		case -1:
			cls = "down"
		}
		fmt.Fprintf(w, "<div class=\"card\" data-view=\"%s\" data-column=\"%s\" data-region=\"%s\" data-year=\"%d\"><div class=\"k\">%s</div><div class=\"v\">%s</div><div class=\"d %s\">%s</div></div>\n",
			h.src.view, h.src.column, e(h.src.region), h.src.year, e(h.label), e(h.value), cls, e(h.delta))
	}
	w.WriteString("</div>\n<p class=\"note\">同比：计数为增减百分比，比率为百分点（analytics.region_yoy）。</p></section>\n")

	// draft sentences
	w.WriteString("<section id=\"draft\" class=\"draft\"><h2>汇总报告用语（草稿）</h2>\n")
	var sources []string
	for _, sn := range s.drafts() {
		w.WriteString("<p>")
		for _, g := range sn.segs {
			if g.fig == nil {
				w.WriteString(e(g.text))
				continue
			}
			fmt.Fprintf(w, `<span class="fig" data-view="%s" data-column="%s" data-region="%s" data-year="%d" title="%s">%s</span>`,
				e(g.fig.view), e(g.fig.column), e(g.fig.region), g.fig.year, e(g.fig.source()), e(g.fig.text))
		}
		sources = append(sources, strings.Join(sn.sources(), "；"))
		fmt.Fprintf(w, "<sup><a href=\"#src-%d\">[%d]</a></sup></p>\n", len(sources), len(sources))
	}
	w.WriteString("<ol class=\"src\">\n")
	for i, src := range sources {
		fmt.Fprintf(w, "<li id=\"src-%d\">%s</li>\n", i+1, e(src))
	}
	w.WriteString("</ol></section>\n")

	// charts
	w.WriteString("<section id=\"charts\"><h2>图表</h2>\n<div class=\"charts\">\n")
	for _, c := range s.charts() {
		w.WriteString(c)
		w.WriteString("\n")
	}
	w.WriteString("</div></section>\n")

	// official tables
	w.WriteString("<section id=\"tables\"><h2>汇总表</h2>\n")
	writeGridHTML(w, officialGrid(s))
	w.WriteString("</section>\n")

	// per region
	writeFlatHTML(w, "regions", "分地区", regionsSheet(s), 0)

	// movers
	w.WriteString("<section id=\"movers\"><h2>变化最大的地区</h2>\n")
	mv := s.movers(5)
	if len(mv) == 0 {
		w.WriteString("<p class=\"note\">上年无可比数据。</p>\n")
	} else {
		w.WriteString("<table><thead><tr><th>区划代码</th><th>名称</th><th>指标</th><th>上年</th><th>本年</th><th>增减</th><th>增减%</th></tr></thead><tbody>\n")
		for _, m := range mv {
			prev, cur, delta := fmtNum(m.prev), fmtNum(m.cur), fmtSigned(m.delta)
			if strings.HasSuffix(m.measure, "_rate") {
				prev, cur, delta = fmtRate(m.prev), fmtRate(m.cur), fmtSigned(m.delta)+" 个百分点"
			}
			fmt.Fprintf(w, "<tr><td>%s</td><td>%s</td><td>%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td></tr>\n",
				e(m.code), e(m.name), e(Label("analytics.region_years", m.measure)), prev, cur, e(delta), fmtPct(m.pct))
		}
		w.WriteString("</tbody></table><p class=\"note\">按增减绝对值排列，各取前5（analytics.region_yoy）。</p>\n")
	}
	w.WriteString("</section>\n")

	cov, miss := coverageSheets(s)
	writeFlatHTML(w, "coverage", "报送情况", cov, 0)
	writeFlatHTML(w, "missing", "", miss, 0)
	writeFlatHTML(w, "quality", "数据质量", qualitySheet(s), 500)
	fmt.Fprintf(w, "<footer><p class=\"note\">由 %s 生成；数字取自仓库的 analytics 视图，每个区划只计一次（有全省/全市/全县汇总报告的取汇总报告，否则取本级机关与下级区划之和）。</p></footer>\n</body>\n</html>\n",
		e(nonEmpty(s.Version, "xxgk")))
}

func fmtSigned(v Val) string {
	if !v.OK {
		return "—"
	}
	if v.V == float64(int64(v.V)) {
		if v.V > 0 {
			return "+" + fmtInt(int64(v.V))
		}
		return fmtInt(int64(v.V))
	}
	return strconv.FormatFloat(v.V, 'f', 1, 64)
}

// charts draws the four charts of the report.
func (s *Summary) charts() []string {
	var out []string
	// requests by prefecture (a province) or by county (a prefecture)
	kids, what := s.Prefectures(), "地级"
	if len(kids) == 0 {
		kids, what = s.Counties(), "县级"
	}
	var bars []bar
	for _, k := range kids {
		v := count(k.RequestsCount)
		bars = append(bars, bar{label: k.Name(), value: v, text: fmtNum(v)})
	}
	out = append(out, hbarChart(fmt.Sprintf("各%s区划本年新收申请（件）", what), "chart-requests", bars, palette[0]))

	// outcome mix
	var parts []bar
	for _, m := range []string{"granted_count", "partially_granted_count", "withheld_count", "unavailable_count", "rejected_count", "other_count"} {
		v := s.Cur.Get(m)
		parts = append(parts, bar{label: Label("analytics.region_years", m), value: v, text: fmtNum(v) + "件"})
	}
	out = append(out, stackChart("办理结果构成", "chart-outcomes", parts))

	// year trend
	var years []string
	var vals [][]Val
	for _, t := range s.Trend {
		years = append(years, strconv.Itoa(t.Year)+"年")
		vals = append(vals, []Val{count(t.RequestsCount), count(t.HandledCount)})
	}
	out = append(out, trendChart("历年申请与办理（件）", "chart-trend", years,
		[]string{Label("analytics.region_years", "requests_count"), Label("analytics.region_years", "handled_count")}, vals))

	// disclosure rate by county
	bars = nil
	for _, k := range s.Counties() {
		v := rate(k.DisclosureRate)
		bars = append(bars, bar{label: k.Name(), value: v, text: fmtRate(v)})
	}
	out = append(out, hbarChart("各县级区划公开率（予以公开与部分公开占办理总数）", "chart-disclosure", bars, palette[1]))
	return out
}

// writeGridHTML renders the official tables' grid as HTML tables with rowspan/colspan: one
// table per block between section rows.
func writeGridHTML(w *strings.Builder, g *grid) {
	at := map[[2]int]*gcell{}
	covered := map[[2]int]bool{}
	for i := range g.cells {
		c := &g.cells[i]
		at[[2]int{c.row, c.col}] = c
		for r := c.row; r < c.row+c.rowSpan; r++ {
			for k := c.col; k < c.col+c.colSpan; k++ {
				if r != c.row || k != c.col {
					covered[[2]int{r, k}] = true
				}
			}
		}
	}
	open := false
	for r := 0; r < g.rows; r++ {
		first := at[[2]int{r, 0}]
		if first != nil && (first.kind == kTitle || first.kind == kNote || first.kind == kSection || first.kind == kCaption) {
			if open {
				w.WriteString("</table>\n")
				open = false
			}
			switch first.kind {
			case kTitle:
				// the page title says it
			case kNote:
				fmt.Fprintf(w, "<p class=\"note\">%s</p>\n", esc(first.text))
			case kSection:
				fmt.Fprintf(w, "<h3>%s</h3>\n", esc(first.text))
			case kCaption:
				fmt.Fprintf(w, "<p><b>%s</b></p>\n", esc(first.text))
			}
			continue
		}
		row := false
		for c := 0; c < g.cols; c++ {
			if at[[2]int{r, c}] != nil {
				row = true
			}
		}
		if !row {
			if open {
				w.WriteString("</table>\n")
				open = false
			}
			continue
		}
		if !open {
			w.WriteString("<table class=\"official\">\n")
			open = true
		}
		w.WriteString("<tr>")
		for c := 0; c < g.cols; c++ {
			if covered[[2]int{r, c}] {
				continue
			}
			cell := at[[2]int{r, c}]
			if cell == nil {
				w.WriteString("<td></td>")
				continue
			}
			span := ""
			if cell.rowSpan > 1 {
				span += fmt.Sprintf(` rowspan="%d"`, cell.rowSpan)
			}
			if cell.colSpan > 1 {
				span += fmt.Sprintf(` colspan="%d"`, cell.colSpan)
			}
			switch cell.kind {
			case kHead:
				fmt.Fprintf(w, "<th%s>%s</th>", span, esc(cell.text))
			case kNum:
				fmt.Fprintf(w, `<td class="n"%s data-key="%s" data-source="%s">%s</td>`, span, esc(cell.key), esc(cell.src), fmtNum(cell.val))
			default:
				fmt.Fprintf(w, "<td class=\"l\"%s>%s</td>", span, esc(cell.text))
			}
		}
		w.WriteString("</tr>\n")
	}
	if open {
		w.WriteString("</table>\n")
	}
}

// writeFlatHTML renders a flat sheet as a section with a table (limit > 0: at most that many
// rows, the workbook has all).
func writeFlatHTML(w *strings.Builder, id, heading string, fs *flatSheet, limit int) {
	fmt.Fprintf(w, "<section id=\"%s\">", id)
	if heading != "" {
		fmt.Fprintf(w, "<h2>%s</h2>", esc(heading))
	}
	fmt.Fprintf(w, "<h3>%s</h3>\n", esc(fs.title))
	if fs.note != "" {
		fmt.Fprintf(w, "<p class=\"note\">%s</p>\n", esc(fs.note))
	}
	if len(fs.rows) == 0 {
		w.WriteString("<p class=\"note\">（无）</p></section>\n")
		return
	}
	w.WriteString("<table><thead><tr>")
	for _, c := range fs.cols {
		fmt.Fprintf(w, "<th>%s</th>", esc(c.label))
	}
	w.WriteString("</tr></thead><tbody>\n")
	for i, row := range fs.rows {
		if limit > 0 && i >= limit {
			break
		}
		if st := fs.rowStyle[i]; st != "" {
			fmt.Fprintf(w, "<tr class=\"%s\">", st)
		} else {
			w.WriteString("<tr>")
		}
		for k, v := range row {
			text, num := cellText(v, fs.cols[k].kind, row)
			if num {
				fmt.Fprintf(w, "<td class=\"n\">%s</td>", esc(text))
			} else {
				fmt.Fprintf(w, "<td>%s</td>", esc(text))
			}
		}
		w.WriteString("</tr>\n")
	}
	w.WriteString("</tbody></table>\n")
	if limit > 0 && len(fs.rows) > limit {
		fmt.Fprintf(w, "<p class=\"note\">仅列前%d条，共%d条；完整清单见工作簿“%s”表。</p>\n", limit, len(fs.rows), fs.name)
	}
	w.WriteString("</section>\n")
}

// cellText formats a flat-sheet value for HTML and Markdown.
func cellText(v any, kind string, row []any) (string, bool) {
	switch x := v.(type) {
	case Val:
		switch kind {
		case "rate":
			return fmtRate(x), true
		case "pct":
			return fmtPct(x), true
		}
		return fmtNum(x), true
	case bool:
		return yesNo(x), false
	case string:
		return x, false
	}
	return fmt.Sprint(v), false
}
