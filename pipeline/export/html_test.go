package export_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"xxgk/pipeline/export"
	"xxgk/schemas"
)

func readOutput(t *testing.T, f *fixture, region, ext string) string {
	t.Helper()
	for _, p := range f.res[region].Files {
		if strings.HasSuffix(p, ext) {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatalf("%s: no %s file in %v", region, ext, f.res[region].Files)
	return ""
}

var external = regexp.MustCompile(`(?i)(\b(src|href|action|poster|data)\s*=\s*["']?\s*(https?:)?//)|https?://|@import|url\s*\(|<script|<link|<iframe|<img`)

// TestHTMLSelfContained: the page makes no external request (no URL, import, script, link or
// image at all), draws the four charts as inline SVG, and every figure of the draft
// sentences names its source; the headline request count equals the gold.
func TestHTMLSelfContained(t *testing.T) {
	f := getFixture(t)
	for _, region := range []string{"21", "2113"} {
		page := readOutput(t, f, region, ".html")
		if m := external.FindString(page); m != "" {
			i := strings.Index(page, m)
			t.Errorf("%s: external reference %q near %q", region, m, page[max(0, i-80):min(len(page), i+80)])
		}
		for _, id := range []string{"chart-requests", "chart-outcomes", "chart-trend"} {
			if !strings.Contains(page, `<svg id="`+id+`"`) {
				t.Errorf("%s: no inline <svg> %s", region, id)
			}
		}
		// the disclosure rate is small multiples: a figure with one <svg> panel per prefecture
		if i := strings.Index(page, `<figure id="chart-disclosure"`); i < 0 {
			t.Errorf("%s: no small multiples chart-disclosure", region)
		} else if j := strings.Index(page[i:], "</figure>"); j < 0 || !strings.Contains(page[i:i+j], `<svg class="chart panel"`) {
			t.Errorf("%s: chart-disclosure has no inline <svg> panel", region)
		}
		if n := strings.Count(page, "<svg"); n != strings.Count(page, "</svg>") || n < 4 {
			t.Errorf("%s: %d <svg> elements", region, n)
		}
		want := expectedTables(f.gold, region, year)
		req := get(want.t3, "new_received", "total").v
		whole := "全省"
		if region == "2113" {
			whole = "全市"
		}
		m := regexp.MustCompile(whole + `共收到政府信息公开申请<span class="fig" data-view="analytics.region_years" data-column="requests_count" data-region="` +
			region + `" data-year="` + strconv.Itoa(year) + `" title="[^"]*">([0-9,]+)</span>件`).FindStringSubmatch(page)
		if m == nil {
			t.Errorf("%s: no traceable draft sentence on the requests", region)
		} else if got := strings.ReplaceAll(m[1], ",", ""); got != strconv.FormatFloat(req, 'f', 0, 64) {
			t.Errorf("%s: draft says %s requests, gold %v", region, m[1], req)
		}
		// every figure span carries its source
		figs := regexp.MustCompile(`<span class="fig"([^>]*)>`).FindAllStringSubmatch(page, -1)
		for _, s := range figs {
			if !strings.Contains(s[1], `data-view="analytics.`) || !strings.Contains(s[1], `data-column="`) {
				t.Errorf("%s: figure without a source: %s", region, s[0])
			}
		}
		if len(figs) < 20 || !strings.Contains(page, `<ol class="src">`) {
			t.Errorf("%s: %d figures in the draft sentences", region, len(figs))
		}
		// the summed table 3 in the page equals the gold too (one cell checked per row)
		for _, row := range []string{"new_received", "granted", "withheld_state_secret", "total_handled", "carried_forward"} {
			w := get(want.t3, row, "total").v
			re := regexp.MustCompile(`data-key="t3/` + row + `/total"[^>]*>([0-9,—]+)<`)
			if m := re.FindStringSubmatch(page); m == nil || strings.ReplaceAll(m[1], ",", "") != strconv.FormatFloat(w, 'f', 0, 64) {
				t.Errorf("%s: table 3 %s total in the page %v, gold %v", region, row, m, w)
			}
		}

		md := readOutput(t, f, region, ".md")
		// footnotes: the source in words first, the SQL names after it
		if strings.Contains(md, "<svg") || !regexp.MustCompile(`\[\^1\]: [^\n]*表三“本年新收[^\n]*（SQL：analytics\.region_years\.requests_count`).MatchString(md) ||
			!strings.Contains(md, "| 一、本年新收政府信息公开申请数量 |") || !strings.Contains(md, "## 数据质量") {
			t.Errorf("%s: the Markdown lacks its sections or footnotes:\n%s", region, md[:min(len(md), 600)])
		}
	}
}

// chromium finds a headless Chromium.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("XXGK_BROWSER=1 but no chromium on PATH (Debian: apt-get install chromium)")
	return ""
}

// screenshot opens page in headless Chromium and writes a PNG; it fails on a non-zero exit,
// a failed resource load, a console error or an empty image.
func screenshot(t *testing.T, page, png string, w, h int, extra ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	abs, err := filepath.Abs(page)
	if err != nil {
		t.Fatal(err)
	}
	if png, err = filepath.Abs(png); err != nil {
		t.Fatal(err)
	}
	os.Remove(png)
	cmd := exec.CommandContext(ctx, chromium(t), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--enable-logging=stderr", "--v=0", "--user-data-dir="+t.TempDir(), "--screenshot="+png,
		fmt.Sprintf("--window-size=%d,%d", w, h))
	cmd.Args = append(append(cmd.Args, extra...), "file://"+abs)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	for _, bad := range []string{"Failed to load resource", "net::ERR_", "Uncaught", "CONSOLE"} {
		if strings.Contains(stderr.String(), bad) {
			t.Errorf("chromium reported %q:\n%s", bad, stderr.String())
		}
	}
	b, err := os.ReadFile(png)
	if err != nil {
		t.Fatalf("no screenshot: %v\n%s", err, stderr.String())
	}
	if len(b) < 1000 || !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("screenshot %s: %d bytes, not a PNG", png, len(b))
	}
}

// exportDemo exports a year of the province 21 of a demo warehouse (xlsx and html).
func exportDemo(db string, year int, out string) ([]string, error) {
	res, err := export.Run(context.Background(), export.Options{DB: db, Region: "21", Year: year, Out: out,
		Formats: []string{"xlsx", "html"}, Version: "xxgk", Threads: 2})
	return res.Files, err
}

// renderSheet draws a worksheet as read back from the file — values as Excel formats them,
// merged ranges, column widths, frozen header — as an HTML page that looks like the sheet.
func renderSheet(t *testing.T, path, name string) string {
	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(name)
	if err != nil {
		t.Fatal(err)
	}
	merges, err := x.GetMergeCells(name)
	if err != nil {
		t.Fatal(err)
	}
	ncol := 0
	for _, r := range rows {
		ncol = max(ncol, len(r))
	}
	span := map[[2]int][2]int{}
	covered := map[[2]int]bool{}
	for _, m := range merges {
		c1, r1, _ := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, _ := excelize.CellNameToCoordinates(m.GetEndAxis())
		ncol = max(ncol, c2)
		span[[2]int{r1, c1}] = [2]int{r2 - r1 + 1, c2 - c1 + 1}
		for r := r1; r <= r2; r++ {
			for c := c1; c <= c2; c++ {
				if r != r1 || c != c1 {
					covered[[2]int{r, c}] = true
				}
			}
		}
	}
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>
body{margin:0;font-family:"SimSun","Songti SC","WenQuanYi Zen Hei",sans-serif;font-size:13px;background:#fff}
table{border-collapse:collapse;table-layout:fixed}
td,th{border:1px solid #d0d7de;padding:2px 4px;overflow:hidden;vertical-align:middle}
th{background:#f3f3f3;color:#555;font-weight:normal;font-size:11px}
td.h{background:#ddebf7;font-weight:bold;text-align:center}
td.n{text-align:right}
td.t{font-size:18px;font-weight:bold;text-align:center;border:none}
.tab{background:#e8e8e8;padding:4px 10px;font-size:12px;border-top:1px solid #aaa}
.tab b{background:#fff;padding:4px 10px;border:1px solid #aaa;border-top:none}
</style></head><body>`)
	// a fixed layout (the sheet's column widths, whatever the text) needs the table's width
	var cols strings.Builder
	total := 36.0
	for c := 1; c <= ncol; c++ {
		cn, _ := excelize.ColumnNumberToName(c)
		w, _ := x.GetColWidth(name, cn)
		fmt.Fprintf(&cols, `<col style="width:%.0fpx">`, w*7.5)
		total += math.Round(w * 7.5)
	}
	fmt.Fprintf(&b, `<table style="width:%.0fpx"><colgroup><col style="width:36px">%s`, total, cols.String())
	b.WriteString("</colgroup><tr><th></th>")
	for c := 1; c <= ncol; c++ {
		cn, _ := excelize.ColumnNumberToName(c)
		fmt.Fprintf(&b, "<th>%s</th>", cn)
	}
	b.WriteString("</tr>\n")
	for r := 1; r <= len(rows); r++ {
		h, _ := x.GetRowHeight(name, r)
		fmt.Fprintf(&b, `<tr style="height:%.0fpx"><th>%d</th>`, h*1.33, r)
		for c := 1; c <= ncol; c++ {
			if covered[[2]int{r, c}] {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(c, r)
			v, _ := x.GetCellValue(name, cell)
			typ, _ := x.GetCellType(name, cell)
			attr := ""
			if sp, ok := span[[2]int{r, c}]; ok {
				attr = fmt.Sprintf(` rowspan="%d" colspan="%d"`, sp[0], sp[1])
			}
			style, _ := x.GetCellStyle(name, cell)
			st, _ := x.GetStyle(style)
			cls := ""
			switch {
			case r == 1:
				cls = "t"
			case st != nil && st.Fill.Type == "pattern" && len(st.Fill.Color) > 0:
				cls = "h"
			case typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString && v != "":
				cls = "n"
			}
			// as Excel shows it: text that does not wrap runs over into the empty cells to its
			// right; bold and coloured fonts (the marks of rows that do not add up)
			css := ""
			if st == nil || st.Alignment == nil || !st.Alignment.WrapText {
				css += "white-space:nowrap;overflow:visible;"
			}
			if st != nil && st.Font != nil && st.Font.Bold && cls == "" {
				css += "font-weight:bold;"
			}
			if st != nil && st.Font != nil && st.Font.Color != "" && cls == "" {
				css += "color:#" + strings.TrimPrefix(st.Font.Color, "FF") + ";"
			}
			if css != "" {
				attr += ` style="` + css + `"`
			}
			fmt.Fprintf(&b, `<td class="%s"%s>%s</td>`, cls, attr, html.EscapeString(v))
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString(`</table><div class="tab">`)
	for _, s := range x.GetSheetList() {
		if s == name {
			fmt.Fprintf(&b, "<b>%s</b> ", html.EscapeString(s))
		} else {
			fmt.Fprintf(&b, "<span>%s</span> ", html.EscapeString(s))
		}
	}
	b.WriteString("</div></body></html>\n")
	return b.String()
}

// TestDraftLikeForLike: the draft sentence on requests of prefecture 2113 states the
// like-for-like change (同口径) computed here from the gold files alone: the counties that have a
// figure in both years (a county's figure: its first consolidated report, else the sum of its
// bodies) and the prefecture's own bodies that reported in both years, summed each year; and it
// names how many of each there are, and how many reported in one year only.
func TestDraftLikeForLike(t *testing.T) {
	f := getFixture(t)
	const region = "2113"
	type unit map[string]float64 // unit key → requests
	byYear := map[int]unit{}
	for _, y := range []int{year - 1, year} {
		counties := map[string][]*schemas.Report{}
		own := unit{}
		for _, r := range f.gold {
			if r.Year != y || r.Status == schemas.StatusFailed || !strings.HasPrefix(r.Region.Code, region) || r.Body == "" ||
				(r.Format != schemas.FormatGB2019 && r.Format != schemas.FormatGB2021) {
				continue
			}
			if r.Region.Code == region {
				if r.Scope == schemas.ScopeArea {
					t.Fatalf("%d: %s has a consolidated report; the prefecture would be compared whole", y, region)
				}
				if r.Scope != schemas.ScopeOther {
					c, _ := r.Table3.Get("new_received", "total")
					own["body:"+r.Body] += c.Value.Float()
				}
				continue
			}
			counties[r.Region.Code] = append(counties[r.Region.Code], r)
		}
		for code, reps := range counties {
			var area *schemas.Report
			for _, r := range reps {
				if r.Scope == schemas.ScopeArea && (area == nil || r.Body < area.Body) {
					area = r
				}
			}
			sum, any := 0.0, false
			for _, r := range reps {
				if (area != nil && r != area) || (area == nil && r.Scope == schemas.ScopeOther) {
					continue
				}
				c, _ := r.Table3.Get("new_received", "total")
				sum += c.Value.Float()
				any = true
			}
			if any {
				own["county:"+code] = sum
			}
		}
		byYear[y] = own
	}
	var cur, prev float64
	both, newCounties, goneCounties, bothCounties, bothBodies := 0, 0, 0, 0, 0
	for k, v := range byYear[year] {
		p, ok := byYear[year-1][k]
		if !ok {
			if strings.HasPrefix(k, "county:") {
				newCounties++
			}
			continue
		}
		both++
		if strings.HasPrefix(k, "county:") {
			bothCounties++
		} else {
			bothBodies++
		}
		cur += v
		prev += p
	}
	for k := range byYear[year-1] {
		if _, ok := byYear[year][k]; !ok && strings.HasPrefix(k, "county:") {
			goneCounties++
		}
	}
	if prev == 0 || newCounties+goneCounties == 0 {
		t.Fatalf("the fixture has no like-for-like case: %d units in both years, %d counties new, %d gone", both, newCounties, goneCounties)
	}
	pct := (cur - prev) / prev * 100
	word := "增长"
	if pct < 0 {
		word = "下降"
	}
	page := readOutput(t, f, region, ".html")
	m := regexp.MustCompile(`同口径（两年均报送的([0-9,]+)个县级区划(?:和([0-9,]+)个省市本级机关)?）(增长|下降)<span class="fig" data-view="analytics.region_yoy" data-column="lfl_yoy_pct（requests_count）"[^>]*>([0-9.,]+)%</span>`).FindStringSubmatch(page)
	if m == nil {
		i := strings.Index(page, "同口径（")
		t.Fatalf("no like-for-like clause in the draft; near %q", page[max(0, i):min(len(page), i+400)])
	}
	if m[2] == "" {
		m[2] = "0"
	}
	if want := fmt.Sprintf("%.1f", math.Abs(pct)); m[4] != want || m[3] != word || m[1] != strconv.Itoa(bothCounties) || m[2] != strconv.Itoa(bothBodies) {
		t.Errorf("draft: 同口径（%s个县级区划和%s个本级机关）%s%s%%; gold: %d counties and %d bodies, %s %s%% (%.0f → %.0f)",
			m[1], m[2], m[3], m[4], bothCounties, bothBodies, word, want, prev, cur)
	}
	if newCounties > 0 && !strings.Contains(page, fmt.Sprintf("另有%d个县级区划", newCounties)) {
		t.Errorf("draft does not name the %d counties that reported in %d only", newCounties, year)
	}
}
