package export

import (
	"fmt"
	"html"
	"math"
	"sort"
	"strings"

	"xxgk/pipeline/textgrid"
)

// Charts are drawn here as inline SVG: no script, no external resource, text in the page's
// system fonts.

var palette = []string{"#2f6db5", "#6aa84f", "#e69138", "#cc4125", "#8e7cc3", "#999999", "#45818e"}

type bar struct {
	label string
	code  string // division code: ties are ordered by it
	value Val
	text  string // value label
}

// sortBars orders bars by value, largest first (no value last), ties by code.
func sortBars(bs []bar) {
	sort.SliceStable(bs, func(i, j int) bool {
		a, b := bs[i], bs[j]
		if a.value.OK != b.value.OK {
			return a.value.OK
		}
		if a.value.OK && a.value.V != b.value.V {
			return a.value.V > b.value.V
		}
		return a.code < b.code
	})
}

// labelWidth is the width in px of the widest label at 11px (CJK counted double).
func labelWidth(items []bar, min, max float64) float64 {
	w := min
	for _, it := range items {
		w = math.Max(w, float64(textgrid.Width(it.label))*5.8+10)
	}
	return math.Min(w, max)
}

func esc(s string) string { return html.EscapeString(s) }

// hbarChart draws horizontal bars, one per item, in the given order.
func hbarChart(title, id string, items []bar, color string) string {
	const width, rowH, top = 640.0, 18.0, 28.0
	labelW := labelWidth(items, 60, 180)
	max := 0.0
	for _, it := range items {
		if it.value.OK && it.value.V > max {
			max = it.value.V
		}
	}
	if max == 0 {
		max = 1
	}
	h := top + rowH*float64(len(items)) + 10
	var b strings.Builder
	fmt.Fprintf(&b, `<svg id="%s" class="chart" role="img" aria-label="%s" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f">`,
		id, esc(title), width, h, width, h)
	fmt.Fprintf(&b, `<text x="0" y="16" class="ct">%s</text>`, esc(title))
	plot := width - labelW - 70
	for i, it := range items {
		y := top + rowH*float64(i)
		fmt.Fprintf(&b, `<text x="%.0f" y="%.1f" class="cl" text-anchor="end">%s</text>`, labelW-6, y+rowH*0.7, esc(it.label))
		w := 0.0
		if it.value.OK {
			w = math.Max(it.value.V/max*plot, 0)
		}
		fmt.Fprintf(&b, `<rect x="%.0f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s：%s</title></rect>`,
			labelW, y+2, w, rowH-5, color, esc(it.label), esc(it.text))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="cv">%s</text>`, labelW+w+4, y+rowH*0.7, esc(it.text))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// stackChart draws one 100% bar of parts with a legend (the outcome mix).
func stackChart(title, id string, parts []bar) string {
	const width, top, barH = 640.0, 28.0, 34.0
	total := 0.0
	for _, p := range parts {
		if p.value.OK {
			total += p.value.V
		}
	}
	legendRows := (len(parts) + 2) / 3
	h := top + barH + 16 + 20*float64(legendRows)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg id="%s" class="chart" role="img" aria-label="%s" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f">`,
		id, esc(title), width, h, width, h)
	fmt.Fprintf(&b, `<text x="0" y="16" class="ct">%s</text>`, esc(title))
	x := 0.0
	for i, p := range parts {
		share := 0.0
		if total > 0 && p.value.OK {
			share = p.value.V / total
		}
		w := share * width
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.0f" width="%.1f" height="%.0f" fill="%s"><title>%s：%s（%.1f%%）</title></rect>`,
			x, top, w, barH, palette[i%len(palette)], esc(p.label), esc(p.text), share*100)
		if w > 40 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" class="cw" text-anchor="middle">%.0f%%</text>`, x+w/2, top+barH*0.65, share*100)
		}
		x += w
		lx, ly := float64(i%3)*(width/3), top+barH+16+20*float64(i/3)
		fmt.Fprintf(&b, `<rect x="%.0f" y="%.0f" width="12" height="12" fill="%s"/><text x="%.0f" y="%.0f" class="cl">%s %s（%.1f%%）</text>`,
			lx, ly, palette[i%len(palette)], lx+16, ly+10, esc(p.label), esc(p.text), share*100)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// trendChart draws grouped columns per year (e.g. requests and handled) with value labels.
func trendChart(title, id string, years []string, series []string, values [][]Val) string {
	const width, height, top, bottom, left = 640.0, 280.0, 60.0, 40.0, 10.0
	max := 0.0
	for _, vs := range values {
		for _, v := range vs {
			if v.OK && v.V > max {
				max = v.V
			}
		}
	}
	if max == 0 {
		max = 1
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg id="%s" class="chart" role="img" aria-label="%s" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f">`,
		id, esc(title), width, height, width, height)
	fmt.Fprintf(&b, `<text x="0" y="16" class="ct">%s</text>`, esc(title))
	for k, name := range series {
		fmt.Fprintf(&b, `<rect x="%.0f" y="22" width="12" height="12" fill="%s"/><text x="%.0f" y="32" class="cl">%s</text>`,
			width-260+float64(k)*130, palette[k%len(palette)], width-244+float64(k)*130, esc(name))
	}
	plotH := height - top - bottom
	slot := (width - left) / float64(max1(len(years)))
	bw := math.Min(slot*0.8/float64(max1(len(series))), 48)
	base := height - bottom
	fmt.Fprintf(&b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="#888"/>`, left, base, width, base)
	for i, y := range years {
		x0 := left + slot*float64(i) + (slot-bw*float64(len(series)))/2
		for k := range series {
			v := values[i][k]
			hgt := 0.0
			if v.OK {
				hgt = v.V / max * plotH
			}
			x := x0 + bw*float64(k)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s：%s</title></rect>`,
				x, base-hgt, bw-2, hgt, palette[k%len(palette)], esc(y), esc(series[k]), esc(fmtNum(v)))
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="cv" text-anchor="middle">%s</text>`, x+bw/2-1, base-hgt-3, esc(fmtNum(v)))
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" class="cl" text-anchor="middle">%s</text>`, left+slot*float64(i)+slot/2, base+16, esc(y))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

// panel is one small chart of a small-multiples figure.
type panel struct {
	title string
	bars  []bar
}

// Colours of the small multiples: the top and the bottom of all bars, and the rest.
const (
	colorTop    = "#1a7f37"
	colorBottom = "#cf222e"
	colorMid    = "#8ca6c8"
)

// smallMultiples draws one small bar chart per panel (the counties of a prefecture), bars
// sorted by value within each, on one common scale; the n highest and n lowest bars of all
// panels (fewer when there are few: at most a third each) are coloured and ranked. The panels
// flow in a grid, as many per line as the width allows.
func smallMultiples(title, id string, panels []panel, n int) string {
	var all []bar
	max := 0.0
	for i := range panels {
		sortBars(panels[i].bars)
		all = append(all, panels[i].bars...)
		for _, b := range panels[i].bars {
			if b.value.OK && b.value.V > max {
				max = b.value.V
			}
		}
	}
	if max <= 0 {
		max = 1
	}
	var valued []bar
	for _, b := range all {
		if b.value.OK {
			valued = append(valued, b)
		}
	}
	sortBars(valued)
	k := min(n, len(valued)/3)
	rank := map[string]string{}
	color := map[string]string{}
	for i := 0; i < k; i++ {
		top, bottom := valued[i], valued[len(valued)-1-i]
		rank[top.code], color[top.code] = fmt.Sprintf("第%d高", i+1), colorTop
		rank[bottom.code], color[bottom.code] = fmt.Sprintf("第%d低", i+1), colorBottom
	}
	labelW := labelWidth(all, 60, 150)
	const width, rowH, top = 310.0, 16.0, 22.0
	plot := width - labelW - 48
	var b strings.Builder
	fmt.Fprintf(&b, `<figure id="%s" class="chart multiples" role="img" aria-label="%s"><figcaption>%s</figcaption>`, id, esc(title), esc(title))
	if k > 0 {
		fmt.Fprintf(&b, `<p class="legend"><i style="background:%s"></i>最高的%d个<i style="background:%s"></i>最低的%d个<i style="background:%s"></i>其余（共%d个，横轴0–%s）</p>`,
			colorTop, k, colorBottom, k, colorMid, len(valued), esc(fmtRate(Val{V: max, OK: true})))
	}
	b.WriteString(`<div class="panels">`)
	for _, p := range panels {
		h := top + rowH*float64(len(p.bars)) + 6
		fmt.Fprintf(&b, `<svg class="chart panel" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f">`, width, h, width, h)
		fmt.Fprintf(&b, `<text x="0" y="14" class="cp">%s（%d个）</text>`, esc(p.title), len(p.bars))
		for i, it := range p.bars {
			y := top + rowH*float64(i)
			fmt.Fprintf(&b, `<text x="%.0f" y="%.1f" class="cl" text-anchor="end">%s</text>`, labelW-4, y+rowH*0.72, esc(it.label))
			w := 0.0
			if it.value.OK {
				w = math.Max(it.value.V/max*plot, 0)
			}
			c := color[it.code]
			if c == "" {
				c = colorMid
			}
			tip := it.label + "：" + it.text
			if r := rank[it.code]; r != "" {
				tip += "（" + r + "）"
			}
			fmt.Fprintf(&b, `<rect x="%.0f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s</title></rect>`,
				labelW, y+2, w, rowH-5, c, esc(tip))
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="cv">%s</text>`, labelW+w+3, y+rowH*0.72, esc(it.text))
		}
		b.WriteString(`</svg>`)
	}
	b.WriteString(`</div></figure>`)
	return b.String()
}
