package export

import (
	"fmt"
	"strings"

	"xxgk/pipeline/textgrid"
	"xxgk/schemas"
)

// The Markdown report has the content of the HTML report without the charts. Merged cells
// do not exist in Markdown: table 3 names each row by its full label path, table 4 each
// column by group and outcome.

func mdEsc(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

func writeMarkdown(w *strings.Builder, s *Summary) {
	fmt.Fprintf(w, "# %s\n\n", s.title())
	fmt.Fprintf(w, "%s %s · 仓库 `%s` · 导入批次 #%d（%s，解析器 %s）· 导出于 %s\n\n", s.Region.Code, s.Region.Name, s.DB, s.Run.ID,
		s.Run.Version, s.Run.Parser, s.Generated.Format("2006-01-02 15:04"))

	w.WriteString("## 主要数据\n\n| 指标 | 本年 | 同比 | 来源 |\n|---|---:|---|---|\n")
	cover := ""
	for _, h := range s.headlines() {
		d := h.delta
		if h.all != "" {
			d += "（" + h.all + "）"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", mdEsc(h.label), h.value, mdEsc(d), mdEsc(h.words))
		if cover == "" {
			cover = h.cover
		}
	}
	if cover != "" {
		fmt.Fprintf(w, "\n同口径：%s。计数为增减百分比，比率为百分点。\n\n", cover)
	} else {
		w.WriteString("\n同比：计数为增减百分比，比率为百分点。\n\n")
	}

	w.WriteString("## 汇总报告用语（草稿）\n\n")
	var words [][]string
	var sources []string
	for _, sn := range s.drafts() {
		for _, g := range sn.segs {
			if g.fig != nil {
				fmt.Fprintf(w, "**%s**", g.fig.text)
			} else {
				w.WriteString(g.text)
			}
		}
		words = append(words, sn.words())
		sources = append(sources, strings.Join(sn.sources(), "；"))
		fmt.Fprintf(w, "[^%d]\n\n", len(sources))
	}
	for i, ws := range words {
		fmt.Fprintf(w, "[^%d]: %s（SQL：%s）\n", i+1, strings.Join(ws, "；"), sources[i])
	}
	w.WriteString("\n## 汇总表\n\n")
	fmt.Fprintf(w, "%s。\n\n", s.scopeWords())
	if _, marks := s.quality(); len(marks) > 0 {
		fmt.Fprintf(w, "%s\n\n", markNote)
	}
	writeTablesMarkdown(w, s)

	writeFlatMarkdown(w, "分地区", regionsSheet(s), 0)
	w.WriteString("## 变化最大的地区\n\n")
	if mv := s.movers(5); len(mv) == 0 {
		w.WriteString("上年无可比数据。\n\n")
	} else {
		w.WriteString("| 区划代码 | 名称 | 指标 | 上年 | 本年 | 增减 | 增减% |\n|---|---|---|---:|---:|---:|---:|\n")
		for _, m := range mv {
			prev, cur, delta := fmtNum(m.prev), fmtNum(m.cur), fmtSigned(m.delta)
			if strings.HasSuffix(m.measure, "_rate") {
				prev, cur, delta = fmtRate(m.prev), fmtRate(m.cur), fmtPoints(m.delta)+" 个百分点"
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", m.code, mdEsc(m.name), Label("analytics.region_years", m.measure),
				prev, cur, delta, fmtPct(m.pct))
		}
		w.WriteString("\n同口径（两年均报送的区划）增减，按增减绝对值排列，各取前5。\n\n")
	}
	cov, miss := coverageSheets(s)
	writeFlatMarkdown(w, "报送情况", cov, 0)
	writeFlatMarkdown(w, "", miss, 0)
	writeFlatMarkdown(w, "数据质量", qualitySheet(s), 500)
	w.WriteString("## 说明\n\n")
	for _, n := range s.notes() {
		fmt.Fprintf(w, "- %s\n", n)
	}
}

func writeTablesMarkdown(w *strings.Builder, s *Summary) {
	cat := schemas.Labels()
	fmt.Fprintf(w, "### %s\n\n", sectionTitle(2))
	for _, b := range s.Table2 {
		if len(s.Table2) > 1 {
			fmt.Fprintf(w, "按%s格式填报的%d份报告：\n\n", formatName(b.Format), b.Reports)
		}
		w.WriteString("| 条款 | " + schemas.Labels().Headers.Table2Content + " | 指标 | 合计 |\n|---|---|---|---:|\n")
		for _, it := range cat.Table2Items(b.Format) {
			for _, m := range it.Measures {
				fmt.Fprintf(w, "| %s | %s | %s | %s |\n", it.Article, it.Label, cat.Measure(m).Label, fmtNum(b.Values[it.Key][m]))
			}
		}
		w.WriteString("\n")
	}
	fmt.Fprintf(w, "### %s\n\n", sectionTitle(3))
	w.WriteString("| |")
	for _, c := range cat.Table3.Columns {
		label := c.Label
		if c.Group != "" {
			label = c.Group + "·" + c.Label
		}
		fmt.Fprintf(w, " %s |", label)
	}
	w.WriteString("\n|---|" + strings.Repeat("---:|", len(cat.Table3.Columns)) + "\n")
	for _, r := range cat.Table3Rows(s.Format()) {
		label := r.Label
		switch {
		case r.Group == "results":
			label = groupLabel("results") + " " + r.Label
		case r.Group != "":
			label = groupLabel("results") + " " + groupLabel(r.Group) + " " + r.Label
		case r.Key == "total_handled" || r.Key == "other_total":
			label = groupLabel("results") + " " + r.Label
		}
		fmt.Fprintf(w, "| %s |", mdEsc(label))
		for _, v := range s.Table3[r.Key] {
			fmt.Fprintf(w, " %s |", fmtNum(v))
		}
		w.WriteString("\n")
	}
	w.WriteString("\n")
	fmt.Fprintf(w, "### %s\n\n| |", sectionTitle(4))
	for _, o := range cat.Table4.Outcomes {
		fmt.Fprintf(w, " %s |", o.Label)
	}
	w.WriteString("\n|---|" + strings.Repeat("---:|", len(cat.Table4.Outcomes)) + "\n")
	for _, g := range cat.Table4.Groups {
		fmt.Fprintf(w, "| %s |", g.Label)
		for _, v := range s.Table4[g.Key] {
			fmt.Fprintf(w, " %s |", fmtNum(v))
		}
		w.WriteString("\n")
	}
	w.WriteString("\n")
}

func writeFlatMarkdown(w *strings.Builder, heading string, fs *flatSheet, limit int) {
	if heading != "" {
		fmt.Fprintf(w, "## %s\n\n", heading)
	}
	fmt.Fprintf(w, "### %s\n\n", fs.title)
	if fs.note != "" {
		fmt.Fprintf(w, "%s\n\n", fs.note)
	}
	if len(fs.rows) == 0 {
		w.WriteString("（无）\n\n")
		return
	}
	t := textgrid.Table{}
	for _, c := range fs.cols {
		t.Head = append(t.Head, c.label)
		t.Right = append(t.Right, c.kind != "text" && c.kind != "wrap")
	}
	for i, row := range fs.rows {
		if limit > 0 && i >= limit {
			break
		}
		cells := make([]string, len(row))
		for k, v := range row {
			text, _ := cellText(v, fs.cols[k].kind)
			if fs.rowStyle[i] == "bold" && text != "" {
				text = "**" + text + "**"
			}
			cells[k] = text
		}
		t.Rows = append(t.Rows, cells)
	}
	_ = t.Markdown(w) // a strings.Builder does not fail
	if limit > 0 && len(fs.rows) > limit {
		fmt.Fprintf(w, "\n仅列前%d条，共%d条；完整清单见工作簿“%s”表。\n", limit, len(fs.rows), fs.name)
	}
	w.WriteString("\n")
}
