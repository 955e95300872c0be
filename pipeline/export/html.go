package export

import (
	"fmt"
	"strconv"
	"strings"
)

// The HTML report is one self-contained file: inline CSS, inline SVG, no script, no font,
// image or style sheet fetched from anywhere; it opens offline and prints on A4 (portrait; the
// wide tables on landscape pages), with a table of contents, page breaks before sections,
// table headers repeated on every page and page numbers in the margin.
//
// It is written for the office's superiors: every figure says where it comes from in words
// (which reports, which rows, which rule of counting), the SQL names stay in collapsed
// <details> for analysts; names never wrap character by character (name cells do not wrap,
// the wide tables are split and printed landscape); every number goes through one formatter
// (format.go).

const css = `
:root{--ink:#1f2328;--muted:#57606a;--line:#c9d1d9;--head:#ddebf7;--up:#b42318;--down:#1a7f37;--warn:#fce4d6;--warnink:#9a3412}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1400px;padding:24px 32px;color:var(--ink);background:#fff;
 font-family:"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","WenQuanYi Micro Hei","WenQuanYi Zen Hei",system-ui,sans-serif;
 font-size:14px;line-height:1.6}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:18px;margin:28px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--ink)}
h3{font-size:15px;margin:18px 0 6px}
a{color:#0b57a3}
.meta,.note{color:var(--muted);font-size:12px}
.lead{font-size:13px;margin:6px 0}
nav.toc ol{columns:3;font-size:13px;margin:4px 0 0;padding-left:1.6em}
nav.toc h2{border:none;margin:14px 0 2px;font-size:15px}
.cards{display:grid;grid-template-columns:repeat(3,minmax(200px,1fr));gap:12px}
.card{border:1px solid var(--line);border-radius:6px;padding:10px 14px}
.card .k{color:var(--muted);font-size:13px}
.card .v{font-size:26px;font-weight:700;font-variant-numeric:tabular-nums}
.card .d{font-size:13px}
.card .d2{font-size:12px;color:var(--muted)}
.card .w{font-size:11px;color:var(--muted);margin:4px 0 0;line-height:1.4}
.up{color:var(--up)}.down{color:var(--down)}
.draft p{margin:6px 0;text-indent:2em}
.fig{font-weight:700;border-bottom:1px dotted var(--muted)}
sup a{text-decoration:none;font-size:11px}
ol.src{font-size:12px;color:var(--muted);padding-left:2em}
ol.src li p{margin:0;text-indent:0}
details.sql{font-size:11px;color:var(--muted);margin:4px 0 10px}
details.sql summary{cursor:pointer}
details.sql code{font-size:11px;word-break:break-all}
table{border-collapse:collapse;margin:6px 0 12px}
th,td{border:1px solid var(--line);padding:3px 6px}
th{background:var(--head);font-weight:600;min-width:3.5em}
td{min-width:3.5em}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.name,td.nw{white-space:nowrap}
td.name.own{padding-left:1.2em;color:var(--muted)}
td.name.county{padding-left:1.8em}
td.t{min-width:6em}
td.msg{min-width:16em;font-size:12px}
td.file{font-size:11px;word-break:break-all;min-width:10em;max-width:22em}
table.official td.l{min-width:6em}
table.official th{font-size:12px}
tr.bold td{font-weight:700;background:#f2f2f2}
tr.red td{background:var(--warn)}
tr.warn td.l{background:var(--warn)}
a.warn{color:var(--warnink);font-size:11px;font-weight:700;text-decoration:none;white-space:nowrap}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:18px;align-items:start}
.charts>.multiples{grid-column:1/-1}
figure{margin:0}
figure.multiples figcaption{font-size:14px;font-weight:700}
.panels{display:grid;grid-template-columns:repeat(auto-fill,minmax(310px,1fr));gap:8px 16px;margin-top:6px}
.legend{font-size:12px;color:var(--muted);margin:2px 0}
.legend i{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;vertical-align:-1px}
svg.chart{max-width:100%;height:auto}
svg .ct{font-size:14px;font-weight:700;fill:var(--ink)}
svg .cp{font-size:12px;font-weight:700;fill:var(--ink)}
svg .cl{font-size:11px;fill:var(--ink)}
svg .cv{font-size:10px;fill:var(--muted)}
svg .cw{font-size:11px;fill:#fff;font-weight:700}
@media print{
 body{max-width:none;padding:0;font-size:10pt;line-height:1.45}
 h1{font-size:18pt}
 h2{font-size:13pt;margin-top:0}
 section{break-before:page}
 section#headline,section#draft{break-before:auto}
 section#headline h2{margin-top:12px}
 section.wide{page:wide}
 thead{display:table-header-group}
 tr,.card,svg,li{break-inside:avoid}
 h2,h3{break-after:avoid}
 details.sql,nav.toc a::after{display:none}
 a{color:inherit;text-decoration:none}
 .cards{grid-template-columns:repeat(3,1fr);gap:6px}
 .card{padding:6px 8px}
 .card .v{font-size:18pt}
 .charts{grid-template-columns:1fr 1fr;gap:10px}
 .panels{grid-template-columns:repeat(2,1fr)}
 table{font-size:8.5pt}
 th,td{padding:1px 4px}
 table.official th{font-size:8pt}
 td.msg{font-size:8pt}
}
`

// pageStyle is the per-page part of the style: the A4 page boxes with the region, the year
// and the page numbers in the margins.
func pageStyle(s *Summary) string {
	head := cssString(fmt.Sprintf("%s%d年政府信息公开工作年度报告汇总", s.Region.Name, s.Year))
	version := cssString(fmt.Sprintf("导入批次 #%d", s.Run.ID))
	boxes := `@top-left{content:"` + head + `";font-size:8pt;color:#57606a}` +
		`@top-right{content:"` + version + `";font-size:8pt;color:#57606a}` +
		`@bottom-center{content:"第 " counter(page) " 页，共 " counter(pages) " 页";font-size:8pt;color:#57606a}`
	return "@page{size:A4 portrait;margin:16mm 13mm 16mm;" + boxes + "}\n" +
		"@page wide{size:A4 landscape;margin:14mm 11mm 14mm;" + boxes + "}\n"
}

// cssString escapes text for a CSS string in double quotes.
func cssString(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", " ", "<", `\3c `).Replace(s)
}

// toc is the table of contents: section id and heading, in order.
var toc = [][2]string{{"headline", "主要数据"}, {"draft", "汇总报告用语（草稿）"}, {"charts", "图表"}, {"tables", "汇总表"},
	{"regions", "分地区"}, {"movers", "变化最大的地区"}, {"coverage", "报送情况"}, {"quality", "数据质量"}, {"notes", "说明"}}

func heading(id string) string {
	for _, t := range toc {
		if t[0] == id {
			return t[1]
		}
	}
	return id
}

// qualityShown is how many lines of 数据质量 the page lists, the lines of rows that do not add up
// first (the workbook has all): a page that can be handed on, not a listing of hundreds of lines.
const qualityShown = 60

func writeHTML(w *strings.Builder, s *Summary) {
	e := esc
	fmt.Fprintf(w, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	fmt.Fprintf(w, "<meta name=\"generator\" content=\"%s\">\n<title>%s</title>\n<style>%s%s</style>\n</head>\n<body>\n",
		e(nonEmpty(s.Version, "xxgk")), e(s.title()), css, pageStyle(s))
	fmt.Fprintf(w, "<header><h1>%s</h1>\n<p class=\"meta\">%s</p>\n<p class=\"lead\">%s。</p></header>\n",
		e(s.title()), e(s.versionLine()), e(s.counting()))
	w.WriteString("<nav class=\"toc\"><h2>目录</h2><ol>")
	for _, t := range toc {
		fmt.Fprintf(w, "<li><a href=\"#%s\">%s</a></li>", t[0], e(t[1]))
	}
	w.WriteString("</ol></nav>\n")

	writeHeadlineHTML(w, s)
	writeDraftHTML(w, s)

	fmt.Fprintf(w, "<section id=\"charts\"><h2>%s</h2>\n<div class=\"charts\">\n", heading("charts"))
	for _, c := range s.charts() {
		w.WriteString(c)
		w.WriteString("\n")
	}
	w.WriteString("</div>\n<p class=\"note\">图中数字与汇总表同源（各区划只计一次）；公开率＝（予以公开＋部分公开）÷办理结果总计。</p></section>\n")

	fmt.Fprintf(w, "<section id=\"tables\"><h2>%s</h2>\n", heading("tables"))
	g := officialGrid(s)
	g.shown = qualityShown
	writeGridHTML(w, g)
	writeSQLDetails(w, []string{"analytics.region_table2", "analytics.region_table3", "analytics.region_table4"},
		fmt.Sprintf("region_code = '%s' and year = %d", s.Region.Code, s.Year))
	w.WriteString("</section>\n")

	writeRegionsHTML(w, s)
	writeMoversHTML(w, s)
	writeCoverageHTML(w, s)
	writeQualityHTML(w, s, qualityShown)

	fmt.Fprintf(w, "<section id=\"notes\"><h2>%s</h2>\n<ul class=\"note\">\n", heading("notes"))
	for _, n := range s.notes() {
		fmt.Fprintf(w, "<li>%s</li>\n", e(n))
	}
	fmt.Fprintf(w, "</ul>\n<p class=\"note\">由 %s 生成。</p></section>\n</body>\n</html>\n", e(nonEmpty(s.Version, "xxgk")))
}

// versionLine names the data version: region, warehouse, import run, parser, export time.
func (s *Summary) versionLine() string {
	fin := ""
	if !s.Run.Finished.IsZero() {
		fin = s.Run.Finished.Format("2006-01-02 15:04") + " 完成，"
	}
	return fmt.Sprintf("%s %s · 数据版本：导入批次 #%d（%s%s，解析器 %s）· 仓库 %s · 导出于 %s", s.Region.Code, s.Region.Name, s.Run.ID,
		fin, s.Run.Version, s.Run.Parser, s.DB, s.Generated.Format("2006-01-02 15:04"))
}

// notes are the rules of counting, in words, at the end of the page.
func (s *Summary) notes() []string {
	return []string{
		"每个区划只计一次：有汇总报告（全省/全市/全县汇总）的区划以汇总报告为准，否则为本级机关报告与所辖区划之和；以汇总报告为准的区划，其所辖报告只列出、不相加。",
		"每个机关每年只计一份报告（汇总依据报告）：同一机关有多个版本时取完整者，其次取较新的文件。",
		"同比：计数给出增减百分比，比率给出百分点。同口径只计两年均报送的单位（县级区划、省市本级机关，以及有一年以汇总报告计入、因而整体比较的区划），比率默认按同口径比较；全部报告口径的增减并列给出。",
		"表二两种格式（2019年、2021年）的指标不同，格式不同的指标即为口径变化，不作比较；可比的只有制发件数与各类处理决定数。",
		"数字按各报告印出的原样相加，不作更正；不平的行已标出，明细见数据质量。",
		"完整数据见同名工作簿（.xlsx）与 csv 目录（附数据字典）；分析人员可在仓库中查询各 analytics 视图，每个数字旁的“SQL 来源”写明视图与列。",
	}
}

// writeSQLDetails writes the analysts' sources as a collapsed details element.
func writeSQLDetails(w *strings.Builder, names []string, where string) {
	w.WriteString("<details class=\"sql\"><summary>分析人员：SQL 来源</summary><p>")
	for i, n := range names {
		if i > 0 {
			w.WriteString("；")
		}
		fmt.Fprintf(w, "<code>%s</code>", esc(n))
	}
	if where != "" {
		fmt.Fprintf(w, "（<code>%s</code>）", esc(where))
	}
	w.WriteString("</p></details>\n")
}

// writeHeadlineHTML writes the headline cards (section#headline).
func writeHeadlineHTML(w *strings.Builder, s *Summary) {
	e := esc
	fmt.Fprintf(w, "<section id=\"headline\"><h2>%s</h2>\n<div class=\"cards\">\n", heading("headline"))
	hs := s.headlines()
	cover := ""
	var sql []string
	for _, h := range hs {
		cls := ""
		switch h.up {
		case 1:
			cls = "up"
		case -1:
			cls = "down"
		}
		fmt.Fprintf(w, "<div class=\"card\" data-view=\"%s\" data-column=\"%s\" data-region=\"%s\" data-year=\"%d\"><div class=\"k\">%s</div><div class=\"v\">%s</div><div class=\"d %s\">%s</div>",
			h.src.view, h.src.column, e(h.src.region), h.src.year, e(h.label), e(h.value), cls, e(h.delta))
		if h.all != "" {
			fmt.Fprintf(w, "<div class=\"d2\">%s</div>", e(h.all))
		}
		fmt.Fprintf(w, "<p class=\"w\">%s</p></div>\n", e(h.words))
		if h.cover != "" && cover == "" {
			cover = h.cover
		}
		sql = append(sql, h.src.view+"."+h.src.column)
	}
	w.WriteString("</div>\n")
	if cover != "" {
		fmt.Fprintf(w, "<p class=\"note\">同口径：%s。计数为增减百分比，比率为百分点；“全部报告”为两年全部计入报告之和相比。</p>\n", e(cover))
	} else {
		w.WriteString("<p class=\"note\">同比：计数为增减百分比，比率为百分点。</p>\n")
	}
	writeSQLDetails(w, append(sql, "analytics.region_yoy（value_yoy_pct、value_yoy_delta、lfl_yoy_pct、lfl_yoy_delta）"),
		fmt.Sprintf("region_code = '%s' and year = %d", s.Region.Code, s.Year))
	w.WriteString("</section>\n")
}

// writeDraftHTML writes the draft sentences for the consolidated report with their sources
// (section#draft): footnotes in words, the SQL names in a collapsed details element.
func writeDraftHTML(w *strings.Builder, s *Summary) {
	e := esc
	fmt.Fprintf(w, "<section id=\"draft\" class=\"draft\"><h2>%s</h2>\n", heading("draft"))
	var words [][]string
	var sources []string
	for _, sn := range s.drafts() {
		w.WriteString("<p>")
		for _, g := range sn.segs {
			if g.fig == nil {
				w.WriteString(e(g.text))
				continue
			}
			fmt.Fprintf(w, `<span class="fig" data-view="%s" data-column="%s" data-region="%s" data-year="%d" title="%s">%s</span>`,
				e(g.fig.view), e(g.fig.column), e(g.fig.region), g.fig.year, e(g.fig.words), e(g.fig.text))
		}
		words = append(words, sn.words())
		sources = append(sources, strings.Join(sn.sources(), "；"))
		fmt.Fprintf(w, "<sup><a href=\"#src-%d\">[%d]</a></sup></p>\n", len(sources), len(sources))
	}
	fmt.Fprintf(w, "<h3>数字来源</h3>\n<p class=\"note\">除注明外，各数字均为%d年%s，取各报告中相应单元格之和：</p>\n<ol class=\"src\">\n",
		s.Year, e(s.counting()))
	for i, ws := range words {
		fmt.Fprintf(w, "<li id=\"src-%d\">", i+1)
		for _, x := range ws {
			fmt.Fprintf(w, "<p>%s</p>", e(x))
		}
		w.WriteString("</li>\n")
	}
	w.WriteString("</ol>\n<details class=\"sql\"><summary>分析人员：SQL 来源</summary><ol>\n")
	for _, src := range sources {
		fmt.Fprintf(w, "<li><code>%s</code></li>\n", e(src))
	}
	w.WriteString("</ol></details></section>\n")
}

// charts draws the report's charts: requests by prefecture (or county), the outcome mix, the
// years, and the disclosure rate of every county as small multiples under its prefecture.
func (s *Summary) charts() []string {
	var out []string
	kids, what := s.Prefectures(), "地级"
	if len(kids) == 0 {
		kids, what = s.Counties(), "县级"
	}
	var bars []bar
	for _, k := range kids {
		v := count(k.RequestsCount)
		bars = append(bars, bar{label: k.Name(), code: k.RegionCode, value: v, text: fmtNum(v)})
	}
	sortBars(bars)
	out = append(out, hbarChart(fmt.Sprintf("各%s区划本年新收申请（件，由多到少）", what), "chart-requests", bars, palette[0]))

	var parts []bar
	for _, m := range []string{"granted_count", "partially_granted_count", "withheld_count", "unavailable_count", "rejected_count", "other_count"} {
		v := s.Cur.Get(m)
		parts = append(parts, bar{label: Label("analytics.region_years", m), value: v, text: fmtNum(v) + "件"})
	}
	out = append(out, stackChart("办理结果构成", "chart-outcomes", parts))

	var years []string
	var vals [][]Val
	for _, t := range s.Trend {
		years = append(years, strconv.Itoa(t.Year)+"年")
		vals = append(vals, []Val{count(t.RequestsCount), count(t.HandledCount)})
	}
	out = append(out, trendChart("历年申请与办理（件；各年报送单位不同）", "chart-trend", years,
		[]string{Label("analytics.region_years", "requests_count"), Label("analytics.region_years", "handled_count")}, vals))

	// disclosure rate: one panel per prefecture, its counties by rate
	var panels []panel
	byPref := map[string]int{}
	names := map[string]string{}
	for _, p := range s.Prefectures() {
		names[p.RegionCode] = p.Name()
	}
	if s.Region.Level == "prefecture" {
		names[s.Region.Code] = s.Region.Name
	}
	for _, k := range s.Counties() {
		pc := text(k.ParentCode)
		i, ok := byPref[pc]
		if !ok {
			i = len(panels)
			byPref[pc] = i
			panels = append(panels, panel{title: nonEmpty(names[pc], pc)})
		}
		v := rate(k.DisclosureRate)
		panels[i].bars = append(panels[i].bars, bar{label: k.Name(), code: k.RegionCode, value: v, text: fmtRate(v)})
	}
	out = append(out, smallMultiples("各县级区划公开率（按地级区划分组，组内由高到低）", "chart-disclosure", panels, 10))
	return out
}

// writeGridHTML renders the official tables' grid as HTML tables with rowspan/colspan: one
// table per block between section rows, each as wide as its own columns (table 2 is not padded
// to table 4's width). A row that does not add up is marked in its label cell, linking to its
// lines of 数据质量.
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
	// the blocks: runs of table rows between title, note, section and caption rows
	isBreak := func(r int) bool {
		first := at[[2]int{r, 0}]
		return first != nil && (first.kind == kTitle || first.kind == kNote || first.kind == kSection || first.kind == kCaption)
	}
	hasCells := func(r int) bool {
		for c := 0; c < g.cols; c++ {
			if at[[2]int{r, c}] != nil || covered[[2]int{r, c}] {
				return true
			}
		}
		return false
	}
	for r := 0; r < g.rows; {
		if isBreak(r) {
			first := at[[2]int{r, 0}]
			switch first.kind {
			case kNote:
				fmt.Fprintf(w, "<p class=\"note\">%s</p>\n", esc(first.text))
			case kSection:
				fmt.Fprintf(w, "<h3>%s</h3>\n", esc(first.text))
			case kCaption:
				fmt.Fprintf(w, "<p><b>%s</b></p>\n", esc(first.text))
			}
			r++
			continue
		}
		if !hasCells(r) {
			r++
			continue
		}
		end := r
		width := 0
		for end < g.rows && !isBreak(end) && hasCells(end) {
			for c := 0; c < g.cols; c++ {
				if cell := at[[2]int{end, c}]; cell != nil && c+cell.colSpan > width {
					width = c + cell.colSpan
				}
			}
			end++
		}
		w.WriteString("<table class=\"official\">\n")
		for ; r < end; r++ {
			cls := ""
			if g.marks[r] != nil {
				cls = ` class="warn"`
			}
			fmt.Fprintf(w, "<tr%s>", cls)
			for c := 0; c < width; c++ {
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
					fmt.Fprintf(w, "<td class=\"l\"%s>%s", span, esc(cell.text))
					if m := g.marks[r]; m != nil && cell.rowSpan == 1 && c+cell.colSpan == labelCols {
						href := "#quality"
						if m.first <= g.shown {
							href = fmt.Sprintf("#q-%d", m.first)
						}
						fmt.Fprintf(w, ` <a class="warn" href="%s" title="%s">⚠ 不平 %d条</a>`, href, esc(m.words()), m.last-m.first+1)
					}
					w.WriteString("</td>")
				}
			}
			w.WriteString("</tr>\n")
		}
		w.WriteString("</table>\n")
	}
}

// hcol is a column of an HTML table: its header and the class of its cells (n: number, name:
// a name that never wraps, t: text, msg: prose, file: a path).
type hcol struct {
	label, class string
}

// hrow is a row of an HTML table: its class, id and cells as HTML.
type hrow struct {
	class, id string
	cells     []string
}

func writeTable(w *strings.Builder, cols []hcol, rows []hrow) {
	w.WriteString("<table><thead><tr>")
	for _, c := range cols {
		fmt.Fprintf(w, "<th>%s</th>", esc(c.label))
	}
	w.WriteString("</tr></thead><tbody>\n")
	for _, r := range rows {
		w.WriteString("<tr")
		if r.class != "" {
			fmt.Fprintf(w, " class=\"%s\"", r.class)
		}
		if r.id != "" {
			fmt.Fprintf(w, " id=\"%s\"", r.id)
		}
		w.WriteString(">")
		for i, c := range r.cells {
			cls := cols[i].class
			if i == 0 && strings.HasPrefix(r.class, "k-") {
				cls += " " + strings.TrimPrefix(r.class, "k-")
			}
			if cls != "" {
				fmt.Fprintf(w, "<td class=\"%s\">%s</td>", strings.TrimSpace(cls), c)
			} else {
				fmt.Fprintf(w, "<td>%s</td>", c)
			}
		}
		w.WriteString("</tr>\n")
	}
	w.WriteString("</tbody></table>\n")
}

// cellHTML formats a flat-sheet value for an HTML cell.
func cellHTML(v any, kind string) string {
	t, _ := cellText(v, kind)
	return esc(t)
}

// writeRegionsHTML writes 分地区 as two tables of the same rows (applications and their
// handling; reconsideration and litigation), so that neither is wider than a landscape page.
func writeRegionsHTML(w *strings.Builder, s *Summary) {
	fs := regionsSheet(s)
	fmt.Fprintf(w, "<section id=\"regions\" class=\"wide\"><h2>%s</h2>\n<p class=\"note\">%s</p>\n", heading("regions"), esc(fs.note))
	idx := map[string]int{}
	for i, c := range fs.cols {
		idx[c.key] = i
	}
	tables := []struct {
		title string
		keys  []string
	}{
		{"申请与办理", []string{"in_total", "counted_report_count", "requests_count", "carried_over_count", "granted_count", "partially_granted_count",
			"withheld_count", "unavailable_count", "rejected_count", "other_count", "handled_count", "carried_forward_count", "disclosure_rate"}},
		{"行政复议与行政诉讼", []string{"basis", "review_count", "review_upheld_count", "review_corrected_count", "review_other_count",
			"review_pending_count", "review_correction_rate", "litigation_count", "litigation_corrected_count", "litigation_pending_count",
			"litigation_correction_rate", "withheld_rate"}},
	}
	for _, t := range tables {
		fmt.Fprintf(w, "<h3>%s</h3>\n", esc(t.title))
		cols := []hcol{{"区划", "name"}}
		for _, k := range t.keys {
			c := fs.cols[idx[k]]
			cls := "n"
			if c.kind == "text" {
				cls = "nw"
			}
			cols = append(cols, hcol{c.label, cls})
		}
		var rows []hrow
		for i, row := range fs.rows {
			r := hrow{class: strings.TrimSpace(fs.rowStyle[i] + " k-" + fs.kinds[i])}
			r.cells = append(r.cells, fmt.Sprintf(`<span title="%s">%s</span>`, esc(row[0].(string)), esc(row[1].(string))))
			for _, k := range t.keys {
				r.cells = append(r.cells, cellHTML(row[idx[k]], fs.cols[idx[k]].kind))
			}
			rows = append(rows, r)
		}
		writeTable(w, cols, rows)
	}
	writeSQLDetails(w, []string{"analytics.region_years", "analytics.own_body_years"},
		fmt.Sprintf("year = %d and starts_with(region_code, '%s')", s.Year, s.Region.Code))
	w.WriteString("</section>\n")
}

func writeMoversHTML(w *strings.Builder, s *Summary) {
	fmt.Fprintf(w, "<section id=\"movers\"><h2>%s</h2>\n", heading("movers"))
	mv := s.movers(5)
	if len(mv) == 0 {
		w.WriteString("<p class=\"note\">上年无可比数据。</p>\n</section>\n")
		return
	}
	var rows []hrow
	for _, m := range mv {
		prev, cur, delta := fmtNum(m.prev), fmtNum(m.cur), fmtSigned(m.delta)
		if strings.HasSuffix(m.measure, "_rate") {
			prev, cur, delta = fmtRate(m.prev), fmtRate(m.cur), fmtPoints(m.delta)+" 个百分点"
		}
		rows = append(rows, hrow{cells: []string{esc(m.name), esc(nameOr(levelNames, levelOfCode(m.code))),
			esc(Label("analytics.region_years", m.measure)), prev, cur, esc(delta), fmtPct(m.pct)}})
	}
	writeTable(w, []hcol{{"区划", "name"}, {"层级", "nw"}, {"指标", "nw"}, {"上年", "n"}, {"本年", "n"}, {"增减", "n"}, {"增减%", "n"}}, rows)
	w.WriteString("<p class=\"note\">同口径（两年均报送的区划）增减，按增减绝对值排列，新收申请与公开率各取前5。</p>\n")
	writeSQLDetails(w, []string{"analytics.region_yoy（lfl_value、lfl_value_prev、lfl_yoy_delta、lfl_yoy_pct）"}, "")
	w.WriteString("</section>\n")
}

// levelOfCode is the level of a division code: 2 digits province, 4 prefecture, 6 county.
func levelOfCode(code string) string {
	switch len(code) {
	case 2:
		return "province"
	case 4:
		return "prefecture"
	}
	return "county"
}

func writeCoverageHTML(w *strings.Builder, s *Summary) {
	cov, miss := coverageSheets(s)
	fmt.Fprintf(w, "<section id=\"coverage\" class=\"wide\"><h2>%s</h2>\n<h3>%s</h3>\n<p class=\"note\">%s</p>\n", heading("coverage"),
		esc(cov.title), esc(cov.note))
	writeFlatHTML(w, cov, 0, true)
	fmt.Fprintf(w, "<h3>%s</h3>\n", esc(miss.title))
	writeFlatHTML(w, miss, 100, true)
	writeSQLDetails(w, []string{"analytics.coverage", "analytics.missing_reports"}, fmt.Sprintf("year = %d and starts_with(region_code, '%s')", s.Year, s.Region.Code))
	w.WriteString("</section>\n")
}

// writeFlatHTML renders a flat sheet's rows as a table (limit > 0: at most that many rows, the
// workbook has all). dropCode leaves out the first column (the division code: the name says
// it); the first text column left is a name, which never wraps.
func writeFlatHTML(w *strings.Builder, fs *flatSheet, limit int, dropCode bool) {
	if len(fs.rows) == 0 {
		w.WriteString("<p class=\"note\">（无）</p>\n")
		return
	}
	first := 0
	if dropCode {
		first = 1
	}
	var cols []hcol
	for _, c := range fs.cols[first:] {
		cls := "n"
		switch {
		case c.kind != "text":
		case len(cols) == 0:
			cls = "name"
		default:
			cls = "nw"
		}
		cols = append(cols, hcol{c.label, cls})
	}
	var rows []hrow
	for i, row := range fs.rows {
		if limit > 0 && i >= limit {
			break
		}
		r := hrow{class: fs.rowStyle[i]}
		for k, v := range row[first:] {
			r.cells = append(r.cells, cellHTML(v, fs.cols[first+k].kind))
		}
		rows = append(rows, r)
	}
	writeTable(w, cols, rows)
	if limit > 0 && len(fs.rows) > limit {
		fmt.Fprintf(w, "<p class=\"note\">仅列前%d条，共%d条；完整清单见工作簿“%s”表。</p>\n", limit, len(fs.rows), fs.name)
	}
}

// writeQualityHTML lists the rule violations in the order of 数据质量 (the lines of marked rows
// first), at most limit of them.
func writeQualityHTML(w *strings.Builder, s *Summary, limit int) {
	lines, marks := s.quality()
	errs, acked := 0, 0
	for _, l := range lines {
		if l.v.Severity == "error" {
			errs++
		}
		if l.v.Acknowledged {
			acked++
		}
	}
	fmt.Fprintf(w, "<section id=\"quality\" class=\"wide\"><h2>%s</h2>\n", heading("quality"))
	fmt.Fprintf(w, "<p class=\"note\">%s%d年各级汇总依据报告的勾稽规则违反%d条，其中错误%d条、已核实%d条；%d个汇总行不平。每条一行：文件、机关、规则、位置、应为与实际印出的值；原数字不改。先列使汇总行不平的各条（按汇总表顺序），再列其余。</p>\n",
		esc(s.Region.Name), s.Year, len(lines), errs, acked, len(marks))
	if len(lines) == 0 {
		w.WriteString("<p class=\"note\">（无）</p>\n</section>\n")
		return
	}
	var rows []hrow
	for i, l := range lines {
		if limit > 0 && i >= limit {
			break
		}
		v := l.v
		row := ""
		if l.row != "" {
			row = rowName(l.row)
		}
		ack := ""
		if v.Acknowledged {
			ack = "已核实"
			if n := text(v.AckNote); n != "" {
				ack += "：" + n
			}
			if b := text(v.AckBy); b != "" {
				ack += "（" + b + "）"
			}
		}
		rows = append(rows, hrow{id: fmt.Sprintf("q-%d", l.number), cells: []string{strconv.Itoa(l.number), esc(row),
			esc(text(v.RegionName)), esc(v.Body), fmt.Sprintf(`<span title="%s">%s</span>`, esc(fileName(v)), esc(baseName(fileName(v)))),
			esc(v.Rule + " " + nameOr(severityNames, v.Severity)), esc(location(v)), fmtNum(dec(v.Expected)), fmtNum(dec(v.Found)),
			esc(v.Message), esc(ack)}})
	}
	writeTable(w, []hcol{{"序号", "n"}, {"不平的汇总行", "nw"}, {"区划", "name"}, {"机关", "name"}, {"文件", "file"}, {"规则", "nw"},
		{"位置", "t"}, {"应为", "n"}, {"实际", "n"}, {"说明", "msg"}, {"核实", "t"}}, rows)
	if limit > 0 && len(lines) > limit {
		fmt.Fprintf(w, "<p class=\"note\">仅列前%d条，共%d条；完整清单见工作簿“%s”表。</p>\n", limit, len(lines), SheetQuality)
	}
	writeSQLDetails(w, []string{"analytics.rule_violations"}, fmt.Sprintf("year = %d and starts_with(region_code, '%s')", s.Year, s.Region.Code))
	w.WriteString("</section>\n")
}

// baseName is the last element of a slash-separated path.
func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// cellText formats a flat-sheet value for HTML and Markdown; the bool says it is a number.
func cellText(v any, kind string) (string, bool) {
	switch x := v.(type) {
	case Val:
		switch kind {
		case "rate":
			return fmtRate(x), true
		case "pct":
			return fmtPct(x), true
		case "pp":
			return fmtPoints(x), true
		}
		return fmtNum(x), true
	case bool:
		return yesNo(x), false
	case string:
		return x, false
	}
	return fmt.Sprint(v), false
}
