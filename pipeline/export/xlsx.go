package export

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"xxgk/pipeline/textgrid"

	"github.com/xuri/excelize/v2"

	"xxgk/schemas"
)

// Sheet names of the workbook, in order.
const (
	SheetOfficial = "汇总表"
	SheetRegions  = "分地区"
	SheetYoY      = "同比"
	SheetCoverage = "报送情况"
	SheetQuality  = "数据质量"
)

// SheetNames lists the workbook's sheets in order.
var SheetNames = []string{SheetOfficial, SheetRegions, SheetYoY, SheetCoverage, SheetQuality}

const fontName = "宋体"

// styles are the workbook's cell styles.
type styles struct {
	title, note, section, caption, head, label, labelCenter, int, dec, rate, pct, pp, text, textBold,
	intBold, rateBold, textRed, intRed int
}

func newStyles(f *excelize.File) (*styles, error) {
	border := []excelize.Border{{Type: "left", Color: "808080", Style: 1}, {Type: "right", Color: "808080", Style: 1},
		{Type: "top", Color: "808080", Style: 1}, {Type: "bottom", Color: "808080", Style: 1}}
	font := func(size float64, bold bool) *excelize.Font {
		return &excelize.Font{Family: fontName, Size: size, Bold: bold}
	}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	left := &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}
	right := &excelize.Alignment{Horizontal: "right", Vertical: "center"}
	headFill := excelize.Fill{Type: "pattern", Color: []string{"DDEBF7"}, Pattern: 1}
	totalFill := excelize.Fill{Type: "pattern", Color: []string{"F2F2F2"}, Pattern: 1}
	redFill := excelize.Fill{Type: "pattern", Color: []string{"FCE4D6"}, Pattern: 1}
	num := func(fmtCode string, bold bool, fill excelize.Fill) *excelize.Style {
		f := fmtCode
		return &excelize.Style{Border: border, Font: font(10.5, bold), Alignment: right, CustomNumFmt: &f, Fill: fill}
	}
	var s styles
	var errs []error
	mk := func(dst *int, st *excelize.Style) {
		id, err := f.NewStyle(st)
		errs = append(errs, err)
		*dst = id
	}
	mk(&s.title, &excelize.Style{Font: font(16, true), Alignment: center})
	mk(&s.note, &excelize.Style{Font: font(9, false), Alignment: left})
	mk(&s.section, &excelize.Style{Font: font(12, true), Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center"}})
	mk(&s.caption, &excelize.Style{Font: font(10.5, true), Alignment: left})
	mk(&s.head, &excelize.Style{Border: border, Font: font(10.5, true), Alignment: center, Fill: headFill})
	mk(&s.label, &excelize.Style{Border: border, Font: font(10.5, false), Alignment: left})
	mk(&s.labelCenter, &excelize.Style{Border: border, Font: font(10.5, false), Alignment: center})
	mk(&s.int, num("#,##0", false, excelize.Fill{}))
	mk(&s.dec, num("#,##0.00##", false, excelize.Fill{}))
	mk(&s.rate, num("0.0%", false, excelize.Fill{}))
	mk(&s.pct, num(`+0.0"%";-0.0"%";0.0"%"`, false, excelize.Fill{}))
	mk(&s.pp, num(`+0.0" 个百分点";-0.0" 个百分点";0.0" 个百分点"`, false, excelize.Fill{}))
	mk(&s.text, &excelize.Style{Border: border, Font: font(10.5, false), Alignment: &excelize.Alignment{Vertical: "center"}})
	mk(&s.textBold, &excelize.Style{Border: border, Font: font(10.5, true), Alignment: &excelize.Alignment{Vertical: "center"}, Fill: totalFill})
	mk(&s.intBold, num("#,##0", true, totalFill))
	mk(&s.rateBold, num("0.0%", true, totalFill))
	mk(&s.textRed, &excelize.Style{Border: border, Font: font(10.5, false), Alignment: &excelize.Alignment{Vertical: "center"}, Fill: redFill})
	mk(&s.intRed, num("#,##0", false, redFill))
	return &s, errors.Join(errs...)
}

func cellName(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col+1, row+1)
	return n
}

func colName(col int) string {
	n, _ := excelize.ColumnNumberToName(col + 1)
	return n
}

// WriteXLSX writes the workbook of a summary to path.
func WriteXLSX(s *Summary, path string) (err error) {
	f := excelize.NewFile()
	defer func() { err = errors.Join(err, f.Close()) }()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SheetOfficial); err != nil {
		return err
	}
	for _, name := range SheetNames[1:] {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
	}
	for _, w := range []func(*excelize.File, *styles, *Summary) error{writeOfficialSheet, writeRegionsSheet, writeYoYSheet,
		writeCoverageSheet, writeQualitySheet} {
		if err := w(f, st, s); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	desc := fmt.Sprintf("%s %d年政府信息公开工作年度报告汇总；仓库 %s，导入批次 #%d（%s，解析器 %s）；导出时间 %s",
		s.Region.Name, s.Year, s.DB, s.Run.ID, s.Run.Version, s.Run.Parser, s.Generated.Format("2006-01-02 15:04:05 MST"))
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:       s.title(),
		Subject:     fmt.Sprintf("%s %d年", s.Region.Name, s.Year),
		Creator:     nonEmpty(s.Version, "xxgk"),
		Keywords:    fmt.Sprintf("政府信息公开; 年度报告; %s; %s; %d", s.Region.Code, s.Region.Name, s.Year),
		Description: desc,
		Category:    "政府信息公开工作年度报告汇总",
		Identifier:  fmt.Sprintf("xxgk:%s:%d:run%d", s.Region.Code, s.Year, s.Run.ID),
		Created:     s.Generated.UTC().Format("2006-01-02T15:04:05Z"),
		Modified:    s.Generated.UTC().Format("2006-01-02T15:04:05Z"),
		Language:    "zh-CN",
	}); err != nil {
		return err
	}
	for _, p := range []excelize.CustomProperty{
		{Name: "region_code", Value: s.Region.Code}, {Name: "region_name", Value: s.Region.Name},
		{Name: "year", Value: int32(s.Year)}, {Name: "run_id", Value: int32(s.Run.ID)},
		{Name: "run_finished", Value: s.Run.Finished.UTC().Format("2006-01-02T15:04:05Z")},
		{Name: "xxgk_version", Value: nonEmpty(s.Version, s.Run.Version)}, {Name: "warehouse", Value: s.DB},
	} {
		if err := f.SetCustomProps(p); err != nil {
			return err
		}
	}
	return f.SaveAs(path)
}

func nonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// writeOfficialSheet renders the grid of the official tables.
func writeOfficialSheet(f *excelize.File, st *styles, s *Summary) error {
	sh := SheetOfficial
	g := officialGrid(s)
	widths := []float64{9, 13, 40}
	for c := 0; c < g.cols; c++ {
		w := 11.0
		if c < len(widths) {
			w = widths[c]
		}
		if err := f.SetColWidth(sh, colName(c), colName(c), w); err != nil {
			return err
		}
	}
	rowLines := map[int]int{}
	for _, c := range g.cells {
		tl, br := cellName(c.col, c.row), cellName(c.col+c.colSpan-1, c.row+c.rowSpan-1)
		if c.rowSpan > 1 || c.colSpan > 1 {
			if err := f.MergeCell(sh, tl, br); err != nil {
				return err
			}
		}
		var style int
		switch c.kind {
		case kTitle:
			style = st.title
		case kNote:
			style = st.note
		case kSection:
			style = st.section
		case kCaption:
			style = st.caption
		case kHead:
			style = st.head
		case kLabel:
			style = st.label
			if c.rowSpan > 1 {
				style = st.labelCenter
			}
		case kNum:
			style = st.int
			if c.decimal {
				style = st.dec
			}
		}
		if c.kind == kNum {
			if c.val.OK {
				if err := f.SetCellValue(sh, tl, number(c.val)); err != nil {
					return err
				}
			}
		} else if c.text != "" {
			if err := f.SetCellValue(sh, tl, c.text); err != nil {
				return err
			}
		}
		if err := f.SetCellStyle(sh, tl, br, style); err != nil {
			return err
		}
		// wrapped labels: rows tall enough for the text in its width
		if c.rowSpan == 1 && c.text != "" && (c.kind == kLabel || c.kind == kHead || c.kind == kNote) {
			var w float64
			for k := c.col; k < c.col+c.colSpan; k++ {
				if k < len(widths) {
					w += widths[k]
				} else {
					w += 11
				}
			}
			if n := int(math.Ceil(float64(textgrid.Width(c.text)) / (w - 1))); n > rowLines[c.row] {
				rowLines[c.row] = n
			}
		}
	}
	for r, n := range rowLines {
		if n > 1 {
			if err := f.SetRowHeight(sh, r+1, float64(n)*14.5); err != nil {
				return err
			}
		}
	}
	if err := f.SetRowHeight(sh, 1, 28); err != nil {
		return err
	}
	return f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
}

// number is the cell value of a figure: whole numbers as int64 (so the cell holds 12, not
// 12.0), others as float64 (a cell holds a double).
func number(v Val) any {
	switch v.kind {
	case valInt:
		if v.i < 1e15 && v.i > -1e15 {
			return v.i
		}
	case valDec:
		if v.d.IsInt() && v.d.Int() < 1e15 && v.d.Int() > -1e15 {
			return v.d.Int()
		}
	default:
		if v.V == math.Trunc(v.V) && math.Abs(v.V) < 1e15 {
			return int64(v.V)
		}
	}
	return v.V
}

// column of a flat sheet.
type column struct {
	label string
	kind  string // text, int, dec, rate, pct, pp
}

// flatSheet is a title, a note, a header row and data rows.
type flatSheet struct {
	name, title, note string
	cols              []column
	rows              [][]any // string, Val, int, bool
	rowStyle          []string
	freezeCols        int
}

func (fs *flatSheet) add(style string, cells ...any) {
	fs.rows = append(fs.rows, cells)
	fs.rowStyle = append(fs.rowStyle, style)
}

// write renders the sheet from row startRow (0-based); returns the next free row.
func (fs *flatSheet) write(f *excelize.File, st *styles, startRow int, freeze bool) (int, error) {
	sh := fs.name
	r := startRow
	last := colName(len(fs.cols) - 1)
	if fs.title != "" {
		if err := f.SetCellValue(sh, cellName(0, r), fs.title); err != nil {
			return r, err
		}
		if err := f.SetCellStyle(sh, cellName(0, r), cellName(0, r), st.section); err != nil {
			return r, err
		}
		r++
	}
	if fs.note != "" {
		if err := f.MergeCell(sh, cellName(0, r), last+strconv.Itoa(r+1)); err != nil {
			return r, err
		}
		if err := f.SetCellValue(sh, cellName(0, r), fs.note); err != nil {
			return r, err
		}
		if err := f.SetCellStyle(sh, cellName(0, r), cellName(0, r), st.note); err != nil {
			return r, err
		}
		if err := f.SetRowHeight(sh, r+1, 30); err != nil {
			return r, err
		}
		r++
	}
	head := r
	for i, c := range fs.cols {
		if err := f.SetCellValue(sh, cellName(i, r), c.label); err != nil {
			return r, err
		}
	}
	if err := f.SetCellStyle(sh, cellName(0, r), cellName(len(fs.cols)-1, r), st.head); err != nil {
		return r, err
	}
	r++
	for k, row := range fs.rows {
		for i, v := range row {
			if i >= len(fs.cols) {
				break
			}
			cell := cellName(i, r)
			var val any
			switch x := v.(type) {
			case Val:
				if x.OK {
					val = number(x)
				}
			case bool:
				val = yesNo(x)
			default:
				val = v
			}
			if val != nil && val != "" {
				if err := f.SetCellValue(sh, cell, val); err != nil {
					return r, err
				}
			}
			style := st.text
			switch fs.cols[i].kind {
			case "int":
				style = st.int
			case "dec":
				style = st.dec
			case "rate":
				style = st.rate
			case "pct":
				style = st.pct
			case "pp":
				style = st.pp
			}
			switch fs.rowStyle[k] {
			case "bold":
				switch style {
				case st.int, st.dec:
					style = st.intBold
				case st.rate:
					style = st.rateBold
				case st.text:
					style = st.textBold
				}
			case "red":
				switch style {
				case st.int:
					style = st.intRed
				case st.text:
					style = st.textRed
				}
			}
			if err := f.SetCellStyle(sh, cell, cell, style); err != nil {
				return r, err
			}
		}
		r++
	}
	if freeze {
		if err := f.SetPanes(sh, &excelize.Panes{Freeze: true, XSplit: fs.freezeCols, YSplit: head + 1,
			TopLeftCell: cellName(fs.freezeCols, head+1), ActivePane: "bottomRight"}); err != nil {
			return r, err
		}
		if len(fs.rows) > 0 {
			if err := f.AutoFilter(sh, cellName(0, head)+":"+cellName(len(fs.cols)-1, r-1), nil); err != nil {
				return r, err
			}
		}
	}
	return r, nil
}

// fitColumns sets each column's width from its longest content (CJK counted double).
func fitColumns(f *excelize.File, sheets ...*flatSheet) error {
	if len(sheets) == 0 {
		return nil
	}
	w := map[int]int{}
	for _, fs := range sheets {
		for i, c := range fs.cols {
			if n := textgrid.Width(c.label); n > w[i] {
				w[i] = n
			}
		}
		for _, row := range fs.rows {
			for i, v := range row {
				var n int
				switch x := v.(type) {
				case Val:
					n = len(fmtNum(x)) + 2
				case string:
					n = textgrid.Width(x)
				default:
					n = textgrid.Width(fmt.Sprint(x))
				}
				if n > w[i] {
					w[i] = n
				}
			}
		}
	}
	for i, n := range w {
		width := math.Min(math.Max(float64(n)+2, 6), 60)
		if err := f.SetColWidth(sheets[0].name, colName(i), colName(i), width); err != nil {
			return err
		}
	}
	return nil
}

// regionMeasures are the key figures of tables 3 and 4 per division (columns of
// analytics.region_years).
var regionMeasures = figures("requests_count", "carried_over_count", "granted_count", "partially_granted_count",
	"withheld_count", "unavailable_count", "rejected_count", "other_count", "handled_count", "carried_forward_count",
	"disclosure_rate", "withheld_rate", "review_count", "review_upheld_count", "review_corrected_count",
	"review_other_count", "review_pending_count", "litigation_count", "litigation_corrected_count",
	"litigation_pending_count", "review_correction_rate", "litigation_correction_rate")

func measureKind(m string) string {
	if strings.HasSuffix(m, "_rate") {
		return "rate"
	}
	return "int"
}

// regionsSheet is 分地区: the region's figure split as the counted-once rule sums it — its own
// bodies (省直部门合计 / 市本级合计) as a row of their own, then each prefecture (bold) followed
// by its own bodies' row and its counties, then the region's total. A row whose figure is not
// added into the total (a county under a prefecture counted from its 全市汇总, everything under
// a province counted from its 全省汇总) says so (计入合计: 否): it is shown, never added.
func regionsSheet(s *Summary) *flatSheet {
	fs := &flatSheet{name: SheetRegions, title: fmt.Sprintf("%s%d年各地区表三、表四主要数据", s.Region.Name, s.Year),
		note: "每个区划只计一次：有汇总报告（全省/全市/全县汇总）的以汇总报告为准，否则为本级机关合计加所辖区划之和。" +
			"“省直部门合计”“××市本级合计”行为本级机关之和；地级行（加粗）为该市汇总；“计入合计”为“否”的行已含于上级的汇总报告，" +
			"只列出、不相加。按区划代码排列，末行为合计。数据：analytics.region_years、analytics.own_body_years。",
		freezeCols: 2}
	fs.cols = []column{{"区划代码", "text"}, {"名称", "text"}, {"层级", "text"}, {Label("analytics.region_years", "basis"), "text"},
		{"计入合计", "text"}, {Label("analytics.region_years", "counted_report_count"), "int"}}
	for _, m := range regionMeasures {
		fs.cols = append(fs.cols, column{Label("analytics.region_years", m), measureKind(m)})
	}
	// reports: counted_report_count of a division, report_count of its own bodies
	row := func(code string, f *Figures, reports int64, name, level, basis string, in bool, style string) {
		cells := []any{code, name, level, basis, yesNo(in), countVal(reports)}
		for _, m := range regionMeasures {
			cells = append(cells, f.Get(m))
		}
		fs.add(style, cells...)
	}
	own := func(code, level, name string, in bool) {
		if o := s.OwnOf(code); o != nil {
			row(o.RegionCode, &o.Figures, o.ReportCount, ownName(level, name), levelNames[level]+"本级机关", "本级机关之和", in, "")
		}
	}
	own(s.Region.Code, s.Region.Level, s.Region.Name, true)
	for i := range s.Children {
		c := &s.Children[i]
		style := ""
		if c.Level == "prefecture" {
			style = "bold"
		}
		in := s.InTotal(c.RegionCode)
		row(c.RegionCode, &c.Figures, c.CountedReportCount, c.Name(), nameOr(levelNames, c.Level), basisName(c.Level, c.Basis), in, style)
		if c.Level == "prefecture" {
			own(c.RegionCode, c.Level, c.Name(), in)
		}
	}
	row(s.Cur.RegionCode, &s.Cur.Figures, s.Cur.CountedReportCount, s.Region.Name+"合计", nameOr(levelNames, s.Region.Level),
		basisName(s.Region.Level, s.Cur.Basis), true, "bold")
	return fs
}

func writeRegionsSheet(f *excelize.File, st *styles, s *Summary) error {
	fs := regionsSheet(s)
	if _, err := fs.write(f, st, 0, true); err != nil {
		return err
	}
	return fitColumns(f, fs)
}

// yoyMeasures of the children in the year-over-year sheet.
var yoyChildMeasures = []string{"requests_count", "handled_count", "disclosure_rate", "review_count", "litigation_count"}

func yoySheet(s *Summary) *flatSheet {
	fs := &flatSheet{name: SheetYoY, title: fmt.Sprintf("%s%d年与%d年比较", s.Region.Name, s.Year, s.Year-1),
		note:       "计数给出增减与增减百分比，比率给出百分点；表二格式不同（2019年与2021年格式）即为口径变化，不作比较。先列本级全部指标，再列所辖各区划的主要指标。数据：analytics.region_yoy。",
		freezeCols: 2}
	fs.cols = []column{{"区划代码", "text"}, {"名称", "text"}, {"层级", "text"}, {"指标", "text"}, {"指标键", "text"},
		{Label("analytics.region_yoy", "value"), "num"}, {Label("analytics.region_yoy", "value_prev"), "num"},
		{Label("analytics.region_yoy", "value_yoy_delta"), "delta"}, {Label("analytics.region_yoy", "value_yoy_pct"), "pct"},
		{Label("analytics.region_yoy", "series_break"), "text"}}
	for _, r := range s.yoyRows() {
		fs.add("", r.RegionCode, text(r.RegionName), nameOr(levelNames, r.Level), measureLabel(r.Measure, s.Format()), r.Measure,
			rate(r.Value), rate(r.ValuePrev), rate(r.ValueYoYDelta), rate(r.ValueYoYPct), r.SeriesBreak)
	}
	return fs
}

// yoyRows are the region's measures (region_years order, then table 2) and the children's
// key measures.
func (s *Summary) yoyRows() []YoY {
	order := map[string]int{}
	for i, m := range append(append([]string{}, regionMeasures...), "issued_count", "licensing_decisions_count",
		"penalty_decisions_count", "coercion_decisions_count") {
		order[m] = i + 1
	}
	var own, kids []YoY
	for _, r := range s.YoY {
		m := r.Measure
		if r.RegionCode == s.Region.Code {
			if order[m] > 0 || strings.HasPrefix(m, "table2.") {
				own = append(own, r)
			}
			continue
		}
		for _, k := range yoyChildMeasures {
			if k == m {
				kids = append(kids, r)
			}
		}
	}
	rank := func(m string) int {
		if o := order[m]; o > 0 {
			return o
		}
		return 1000
	}
	sortStable(own, func(a, b YoY) bool { return rank(a.Measure) < rank(b.Measure) })
	ci := map[string]int{}
	for i, m := range yoyChildMeasures {
		ci[m] = i
	}
	sortStable(kids, func(a, b YoY) bool {
		if a.RegionCode != b.RegionCode {
			return a.RegionCode < b.RegionCode
		}
		return ci[a.Measure] < ci[b.Measure]
	})
	return append(own, kids...)
}

func writeYoYSheet(f *excelize.File, st *styles, s *Summary) error {
	fs := yoySheet(s)
	// value columns depend on the measure: rates as %, deltas of rates in percentage points
	kinds := make([]string, len(fs.rows))
	for i, r := range fs.rows {
		kinds[i] = measureKind(r[4].(string))
	}
	for i := range fs.cols {
		switch fs.cols[i].kind {
		case "num", "delta":
			fs.cols[i].kind = "int"
		}
	}
	next, err := fs.write(f, st, 0, true)
	if err != nil {
		return err
	}
	first := next - len(fs.rows)
	for i, k := range kinds {
		if k != "rate" {
			// counts: keep #,##0, but table 2 money needs decimals
			if strings.HasPrefix(fs.rows[i][4].(string), "table2.") {
				if err := f.SetCellStyle(SheetYoY, cellName(5, first+i), cellName(7, first+i), st.dec); err != nil {
					return err
				}
			}
			continue
		}
		if err := f.SetCellStyle(SheetYoY, cellName(5, first+i), cellName(6, first+i), st.rate); err != nil {
			return err
		}
		if err := f.SetCellStyle(SheetYoY, cellName(7, first+i), cellName(7, first+i), st.pp); err != nil {
			return err
		}
	}
	return fitColumns(f, fs)
}

// coverageSheets is 报送情况: every division the registry expects within the region, at every
// level, whether its own bodies reported (red when not), and the bodies of every level that
// reported in an earlier year and not this year.
func coverageSheets(s *Summary) (*flatSheet, *flatSheet) {
	expected, reported := map[string]int{}, map[string]int{}
	missing := map[string][]string{}
	for _, c := range s.Coverage {
		l := c.Level
		expected[l]++
		if c.Reported {
			reported[l]++
		} else {
			missing[l] = append(missing[l], text(c.RegionName))
		}
	}
	var parts []string
	for _, l := range []string{"province", "prefecture", "county"} {
		if expected[l] == 0 {
			continue
		}
		p := fmt.Sprintf("应报%s区划%d个，已报送%d个，未报送%d个", levelNames[l], expected[l], reported[l], expected[l]-reported[l])
		if len(missing[l]) > 0 {
			p += "：" + strings.Join(missing[l], "、")
		}
		parts = append(parts, p)
	}
	note := strings.Join(parts, "；") + "（未报送的行标红；省级、地级指本级机关——政府、部门、汇总报告——的报告，下级报告数另列）。" +
		"部门无名录，缺报的部门见下表。数据：analytics.coverage。"
	cov := &flatSheet{name: SheetCoverage, title: fmt.Sprintf("%s%d年报送情况", s.Region.Name, s.Year), note: note, freezeCols: 2}
	v := "analytics.coverage"
	cov.cols = []column{{"区划代码", "text"}, {Label(v, "region_name"), "text"}, {Label(v, "level"), "text"},
		{Label(v, "reported"), "text"}, {Label(v, "basis"), "text"}, {Label(v, "report_count"), "int"},
		{Label(v, "area_report_count"), "int"}, {Label(v, "government_report_count"), "int"},
		{Label(v, "department_report_count"), "int"}, {Label(v, "township_report_count"), "int"},
		{Label(v, "dev_zone_report_count"), "int"}, {Label(v, "other_report_count"), "int"},
		{Label(v, "incomplete_report_count"), "int"}, {Label(v, "below_report_count"), "int"},
		{Label(v, "missing_body_count"), "int"}}
	for _, c := range s.Coverage {
		style := ""
		if !c.Reported {
			style = "red"
		}
		cov.add(style, c.RegionCode, text(c.RegionName), nameOr(levelNames, c.Level), c.Reported,
			basisName(c.Level, c.Basis), countVal(c.ReportCount), countVal(c.AreaReportCount), countVal(c.GovernmentReportCount),
			countVal(c.DepartmentReportCount), countVal(c.TownshipReportCount), countVal(c.DevZoneReportCount),
			countVal(c.OtherReportCount), countVal(c.IncompleteReportCount), countVal(c.BelowReportCount), countVal(c.MissingBodyCount))
	}
	m := "analytics.missing_reports"
	miss := &flatSheet{name: SheetCoverage, title: fmt.Sprintf("此前报送、%d年未报送的机关（%d个）", s.Year, len(s.Missing))}
	miss.cols = []column{{"区划代码", "text"}, {Label(m, "region_name"), "text"}, {Label(m, "level"), "text"}, {Label(m, "body"), "text"},
		{Label(m, "scope"), "text"}, {Label(m, "last_year"), "text"}}
	for _, r := range s.Missing {
		miss.add("", r.RegionCode, text(r.RegionName), nameOr(levelNames, r.Level), r.Body,
			nameOr(scopeNames, text(r.Scope)), strconv.Itoa(r.LastYear))
	}
	return cov, miss
}

func writeCoverageSheet(f *excelize.File, st *styles, s *Summary) error {
	cov, miss := coverageSheets(s)
	next, err := cov.write(f, st, 0, true)
	if err != nil {
		return err
	}
	if _, err := miss.write(f, st, next+1, false); err != nil {
		return err
	}
	return fitColumns(f, cov, miss)
}

func qualitySheet(s *Summary) *flatSheet {
	errs := 0
	for _, v := range s.Violations {
		if v.Severity == "error" {
			errs++
		}
	}
	v := "analytics.rule_violations"
	fs := &flatSheet{name: SheetQuality, title: fmt.Sprintf("%s%d年勾稽规则违反（%d条，其中错误%d条）", s.Region.Name, s.Year, len(s.Violations), errs),
		note:       "每条规则违反一行：报告、规则、应为值与实际印出值；原数字不改。R6 为跨年结转（来源 chain）。数据：analytics.rule_violations。",
		freezeCols: 3}
	fs.cols = []column{{"区划代码", "text"}, {Label(v, "region_name"), "text"}, {Label(v, "body"), "text"},
		{Label(v, "scope"), "text"}, {Label(v, "report_id"), "text"}, {Label(v, "format"), "text"}, {Label(v, "counted"), "text"},
		{Label(v, "rule"), "text"}, {Label(v, "severity"), "text"}, {Label(v, "source"), "text"}, {Label(v, "table_name"), "text"},
		{"行", "text"}, {"列", "text"}, {Label(v, "expected"), "dec"}, {Label(v, "found"), "dec"}, {Label(v, "message"), "text"}}
	for _, r := range s.Violations {
		t, row, col := text(r.TableName), text(r.RowKey), text(r.ColKey)
		f := schemas.Format(text(r.Format))
		fs.add("", r.RegionCode, text(r.RegionName), r.Body, nameOr(scopeNames, text(r.Scope)),
			strconv.FormatInt(r.ReportID, 10), text(r.Format), r.Counted, r.Rule, nameOr(severityNames, r.Severity),
			r.Source, nameOr(tableNames, t), orEmpty(row, rowLabel(t, row, f)),
			orEmpty(col, colLabel(t, col)), dec(r.Expected), dec(r.Found), r.Message)
	}
	return fs
}

func orEmpty(key, label string) string {
	if key == "" {
		return ""
	}
	return label
}

func writeQualitySheet(f *excelize.File, st *styles, s *Summary) error {
	fs := qualitySheet(s)
	if _, err := fs.write(f, st, 0, true); err != nil {
		return err
	}
	if err := fitColumns(f, fs); err != nil {
		return err
	}
	// the message column wraps rather than widening the sheet
	return f.SetColWidth(SheetQuality, colName(15), colName(15), 60)
}

func sortStable(rs []YoY, less func(a, b YoY) bool) {
	sort.SliceStable(rs, func(i, j int) bool { return less(rs[i], rs[j]) })
}
