package export

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"xxgk/pipeline/textgrid"
	"xxgk/schemas"
)

// The workbook is ready to print and to audit: every sheet prints on A4 landscape, fit to the
// page's width, its title and header rows repeated on every page, with a header (region, year,
// sheet, warehouse version) and a footer (page x of y); the summed rows that do not add up are
// marked on 汇总表 and link to exactly their lines of 数据质量, which names each report by its
// file, body, division and year.

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
	title, note, section, caption, head, label, labelCenter, labelWarn, int, dec, rate, pct, pp, text, textWrap, textBold,
	intBold, rateBold, textRed, intRed, link int
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
	mk(&s.labelWarn, &excelize.Style{Border: border, Font: font(10.5, false), Alignment: left, Fill: redFill})
	mk(&s.int, num("#,##0", false, excelize.Fill{}))
	mk(&s.dec, num("#,##0.00##", false, excelize.Fill{}))
	mk(&s.rate, num("0.0%", false, excelize.Fill{}))
	mk(&s.pct, num(`+0.0"%";-0.0"%";0.0"%"`, false, excelize.Fill{}))
	mk(&s.pp, num(`+0.0" 个百分点";-0.0" 个百分点";0.0" 个百分点"`, false, excelize.Fill{}))
	mk(&s.text, &excelize.Style{Border: border, Font: font(10.5, false), Alignment: &excelize.Alignment{Vertical: "center"}})
	mk(&s.textWrap, &excelize.Style{Border: border, Font: font(10.5, false), Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	mk(&s.textBold, &excelize.Style{Border: border, Font: font(10.5, true), Alignment: &excelize.Alignment{Vertical: "center"}, Fill: totalFill})
	mk(&s.intBold, num("#,##0", true, totalFill))
	mk(&s.rateBold, num("0.0%", true, totalFill))
	mk(&s.textRed, &excelize.Style{Border: border, Font: font(10.5, false), Alignment: &excelize.Alignment{Vertical: "center"}, Fill: redFill})
	mk(&s.intRed, num("#,##0", false, redFill))
	mk(&s.link, &excelize.Style{Font: &excelize.Font{Family: fontName, Size: 10.5, Bold: true, Color: "9A3412", Underline: "single"},
		Alignment: &excelize.Alignment{Vertical: "center"}})
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

// WriteXLSX writes the workbook of a summary to path, mode 0644, replacing the file
// atomically (written beside it, then renamed).
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
	titles := map[string]int{}
	for _, w := range []struct {
		name  string
		write func(*excelize.File, *styles, *Summary) (int, error)
	}{{SheetOfficial, writeOfficialSheet}, {SheetRegions, writeRegionsSheet}, {SheetYoY, writeYoYSheet},
		{SheetCoverage, writeCoverageSheet}, {SheetQuality, writeQualitySheet}} {
		n, err := w.write(f, st, s)
		if err != nil {
			return fmt.Errorf("sheet %s: %w", w.name, err)
		}
		titles[w.name] = n
	}
	for _, name := range SheetNames {
		if err := printSetup(f, s, name, titles[name]); err != nil {
			return fmt.Errorf("sheet %s: print setup: %w", name, err)
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
	return writeAtomic(path, func(w *os.File) error { return f.Write(w) })
}

// writeAtomic writes a file through fill into a temporary file beside path, mode 0644, and
// renames it over path (an existing file's mode, e.g. 0755 from an older xxgk, is not kept).
func writeAtomic(path string, fill func(*os.File) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := fill(tmp); err != nil {
		return errors.Join(err, tmp.Close())
	}
	if err := tmp.Chmod(0o644); err != nil {
		return errors.Join(err, tmp.Close())
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// hfText escapes text for an Excel header or footer (& starts a code).
func hfText(s string) string { return strings.ReplaceAll(s, "&", "&&") }

// printSetup makes a sheet print on A4 landscape, fit to the page's width (as many pages down
// as needed), the first titleRows rows repeated on every page, and a header and footer on every
// page: region and year, sheet, warehouse version; title, page x of y, export time.
func printSetup(f *excelize.File, s *Summary, sheet string, titleRows int) error {
	size, orient, one, zero := 9, "landscape", 1, 0 // 9: A4
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient, FitToWidth: &one, FitToHeight: &zero}); err != nil {
		return err
	}
	yes := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &yes}); err != nil {
		return err
	}
	side, tb, hf := 0.4, 0.6, 0.25
	if err := f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{Left: &side, Right: &side, Top: &tb, Bottom: &tb,
		Header: &hf, Footer: &hf, Horizontally: &yes}); err != nil {
		return err
	}
	head := fmt.Sprintf(`&L&9%s %d年&C&9%s&R&9导入批次 #%d`, hfText(s.Region.Name), s.Year, hfText(sheet), s.Run.ID)
	foot := fmt.Sprintf(`&L&9%s&C&9第 &P 页，共 &N 页&R&9导出于 %s`, hfText(s.title()), s.Generated.Format("2006-01-02 15:04"))
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddHeader: head, OddFooter: foot}); err != nil {
		return err
	}
	if titleRows > 0 {
		return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("'%s'!$1:$%d", sheet, titleRows),
			Scope: sheet})
	}
	return nil
}

func nonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// qualityLink is the location of lines first..last of 数据质量 (1-based line numbers) for a
// hyperlink.
func qualityLink(first, last int) string {
	return fmt.Sprintf("'%s'!A%d:%s%d", SheetQuality, qualityHeadRow+1+first, colName(len(qualityColumns)-1), qualityHeadRow+1+last)
}

// writeOfficialSheet renders the grid of the official tables; a summed row that does not add up
// gets its label cells coloured and, to the right of its numbers, a link to its lines of 数据质量.
// It returns the number of title rows (repeated on every printed page).
func writeOfficialSheet(f *excelize.File, st *styles, s *Summary) (int, error) {
	sh := SheetOfficial
	g := officialGrid(s)
	widths := []float64{9, 13, 40}
	for c := 0; c < g.cols; c++ {
		w := 11.0
		if c < len(widths) {
			w = widths[c]
		}
		if err := f.SetColWidth(sh, colName(c), colName(c), w); err != nil {
			return 0, err
		}
	}
	rowLines := map[int]int{}
	last := map[int]int{} // grid row → its last column
	for _, c := range g.cells {
		tl, br := cellName(c.col, c.row), cellName(c.col+c.colSpan-1, c.row+c.rowSpan-1)
		if c.rowSpan > 1 || c.colSpan > 1 {
			if err := f.MergeCell(sh, tl, br); err != nil {
				return 0, err
			}
		}
		if e := c.col + c.colSpan - 1; e > last[c.row] {
			last[c.row] = e
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
			} else if g.marks[c.row] != nil {
				style = st.labelWarn
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
					return 0, err
				}
			}
		} else if c.text != "" {
			if err := f.SetCellValue(sh, tl, c.text); err != nil {
				return 0, err
			}
		}
		if err := f.SetCellStyle(sh, tl, br, style); err != nil {
			return 0, err
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
	// the marks: beside the row when there is room, on the row below table 4 (which fills the
	// sheet's width)
	for r, m := range g.marks {
		col, row := last[r]+1, r
		if col >= g.cols {
			col, row = 0, r+1
		}
		cell := cellName(col, row)
		text := fmt.Sprintf("⚠ %s，见数据质量第%d–%d条", m.words(), m.first, m.last)
		if m.first == m.last {
			text = fmt.Sprintf("⚠ %s，见数据质量第%d条", m.words(), m.first)
		}
		if row != r {
			text = "表四" + text
		}
		if err := f.SetCellValue(sh, cell, text); err != nil {
			return 0, err
		}
		if err := f.SetCellHyperLink(sh, cell, qualityLink(m.first, m.last), "Location",
			excelize.HyperlinkOpts{Tooltip: ptr("转到数据质量中本行的各条")}); err != nil {
			return 0, err
		}
		if err := f.SetCellStyle(sh, cell, cell, st.link); err != nil {
			return 0, err
		}
	}
	for r, n := range rowLines {
		if n > 1 {
			if err := f.SetRowHeight(sh, r+1, float64(n)*14.5); err != nil {
				return 0, err
			}
		}
	}
	if err := f.SetRowHeight(sh, 1, 28); err != nil {
		return 0, err
	}
	return 2, f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
}

func ptr[T any](v T) *T { return &v }

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
	kind  string // text, wrap (text that wraps), int, dec, rate, pct, pp
	key   string // the view column it shows ("" for none)
}

// flatSheet is a title, a note, a header row and data rows.
type flatSheet struct {
	name, title, note string
	cols              []column
	rows              [][]any  // string, Val, int, bool
	rowStyle          []string // "", bold, red
	kinds             []string // what a row is (分地区: own, pref, county, total), for the HTML
	freezeCols        int
	widths            map[int]float64 // fixed column widths (wrapped text)
}

func (fs *flatSheet) add(style string, cells ...any) {
	fs.addKind("", style, cells...)
}

func (fs *flatSheet) addKind(kind, style string, cells ...any) {
	fs.rows = append(fs.rows, cells)
	fs.rowStyle = append(fs.rowStyle, style)
	fs.kinds = append(fs.kinds, kind)
}

// write renders the sheet from row startRow (0-based); returns the next free row and the
// header row (0-based).
func (fs *flatSheet) write(f *excelize.File, st *styles, startRow int, freeze bool) (int, int, error) {
	sh := fs.name
	r := startRow
	last := colName(len(fs.cols) - 1)
	if fs.title != "" {
		if err := f.SetCellValue(sh, cellName(0, r), fs.title); err != nil {
			return r, 0, err
		}
		if err := f.SetCellStyle(sh, cellName(0, r), cellName(0, r), st.section); err != nil {
			return r, 0, err
		}
		r++
	}
	if fs.note != "" {
		if err := f.MergeCell(sh, cellName(0, r), last+strconv.Itoa(r+1)); err != nil {
			return r, 0, err
		}
		if err := f.SetCellValue(sh, cellName(0, r), fs.note); err != nil {
			return r, 0, err
		}
		if err := f.SetCellStyle(sh, cellName(0, r), cellName(0, r), st.note); err != nil {
			return r, 0, err
		}
		if err := f.SetRowHeight(sh, r+1, 42); err != nil {
			return r, 0, err
		}
		r++
	}
	head := r
	for i, c := range fs.cols {
		if err := f.SetCellValue(sh, cellName(i, r), c.label); err != nil {
			return r, 0, err
		}
	}
	if err := f.SetCellStyle(sh, cellName(0, r), cellName(len(fs.cols)-1, r), st.head); err != nil {
		return r, 0, err
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
					return r, 0, err
				}
			}
			style := st.text
			switch fs.cols[i].kind {
			case "wrap":
				style = st.textWrap
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
				return r, 0, err
			}
		}
		r++
	}
	if freeze {
		if err := f.SetPanes(sh, &excelize.Panes{Freeze: true, XSplit: fs.freezeCols, YSplit: head + 1,
			TopLeftCell: cellName(fs.freezeCols, head+1), ActivePane: "bottomRight"}); err != nil {
			return r, 0, err
		}
		if len(fs.rows) > 0 {
			if err := f.AutoFilter(sh, cellName(0, head)+":"+cellName(len(fs.cols)-1, r-1), nil); err != nil {
				return r, 0, err
			}
		}
	}
	return r, head, nil
}

// fitColumns sets each column's width from its longest content (CJK counted double), or as
// the first sheet fixes it.
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
		if fixed, ok := sheets[0].widths[i]; ok {
			width = fixed
		}
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
			"只列出、不相加。按区划代码排列，末行为合计。",
		freezeCols: 2}
	fs.cols = []column{{"区划代码", "text", "region_code"}, {"名称", "text", "name"}, {"层级", "text", "level"},
		{Label("analytics.region_years", "basis"), "text", "basis"}, {"计入合计", "text", "in_total"},
		{Label("analytics.region_years", "counted_report_count"), "int", "counted_report_count"}}
	for _, m := range regionMeasures {
		fs.cols = append(fs.cols, column{Label("analytics.region_years", m), measureKind(m), m})
	}
	// reports: counted_report_count of a division, report_count of its own bodies
	row := func(kind, code string, f *Figures, reports int64, name, level, basis string, in bool, style string) {
		cells := []any{code, name, level, basis, yesNo(in), countVal(reports)}
		for _, m := range regionMeasures {
			cells = append(cells, f.Get(m))
		}
		fs.addKind(kind, style, cells...)
	}
	own := func(code, level, name string, in bool) {
		if o := s.OwnOf(code); o != nil {
			row("own", o.RegionCode, &o.Figures, o.ReportCount, ownName(level, name), levelNames[level]+"本级机关", "本级机关之和", in, "")
		}
	}
	own(s.Region.Code, s.Region.Level, s.Region.Name, true)
	for i := range s.Children {
		c := &s.Children[i]
		style, kind := "", "county"
		if c.Level == "prefecture" {
			style, kind = "bold", "pref"
		}
		in := s.InTotal(c.RegionCode)
		row(kind, c.RegionCode, &c.Figures, c.CountedReportCount, c.Name(), nameOr(levelNames, c.Level), basisName(c.Level, c.Basis), in, style)
		if c.Level == "prefecture" {
			own(c.RegionCode, c.Level, c.Name(), in)
		}
	}
	row("total", s.Cur.RegionCode, &s.Cur.Figures, s.Cur.CountedReportCount, s.Region.Name+"合计", nameOr(levelNames, s.Region.Level),
		basisName(s.Region.Level, s.Cur.Basis), true, "bold")
	return fs
}

func writeRegionsSheet(f *excelize.File, st *styles, s *Summary) (int, error) {
	fs := regionsSheet(s)
	_, head, err := fs.write(f, st, 0, true)
	if err != nil {
		return 0, err
	}
	return head + 1, fitColumns(f, fs)
}

// yoyChildMeasures of the children in the year-over-year sheet.
var yoyChildMeasures = []string{"requests_count", "handled_count", "disclosure_rate", "review_count", "litigation_count"}

// measureRank orders the measures of analytics.region_yoy as the catalogue orders the
// published tables (schemas.Labels): table 2 (the measures comparable across templates, then
// every table2.<item>.<measure> by item and measure), table 3 by its rows (a rate after the
// row it divides), table 4 by group and outcome. Unknown measures go last.
func measureRank() func(m string) int {
	cat := schemas.Labels()
	rank := map[string]int{}
	// table 2
	for i, m := range []string{"issued_count", "licensing_decisions_count", "penalty_decisions_count", "coercion_decisions_count"} {
		rank[m] = 100 + i
	}
	n := 200
	for _, f := range []schemas.Format{schemas.FormatGB2021, schemas.FormatGB2019} {
		for _, it := range cat.Table2Items(f) {
			for _, m := range it.Measures {
				k := "table2." + it.Key + "." + m
				if _, ok := rank[k]; !ok {
					rank[k] = n
					n++
				}
			}
		}
	}
	// table 3: the index of the row (or of the first row of the group) each measure reads
	rowIndex := map[string]int{}
	for i, r := range cat.Table3.Rows {
		if _, ok := rowIndex[r.Key]; !ok {
			rowIndex[r.Key] = i
		}
		if g := r.Group; g != "" && g != schemas.GroupResults {
			if _, ok := rowIndex["group:"+g]; !ok {
				rowIndex["group:"+g] = i
			}
		}
	}
	t3 := map[string]string{"requests_count": "new_received", "carried_over_count": "carried_over", "granted_count": "granted",
		"partially_granted_count": "partially_granted", "withheld_count": "group:withheld", "unavailable_count": "group:unavailable",
		"rejected_count": "group:rejected", "other_count": "group:other", "handled_count": schemas.RowTotalHandled,
		"carried_forward_count": schemas.RowCarriedForward}
	for m, row := range t3 {
		rank[m] = 10000 + 10*rowIndex[row]
	}
	rank["withheld_rate"] = rank["withheld_count"] + 5
	rank["disclosure_rate"] = rank["handled_count"] + 5
	// table 4: group and outcome
	groups, outcomes := map[string]int{}, map[string]int{}
	for i, g := range cat.Table4GroupKeys() {
		groups[g] = i
	}
	for i, o := range cat.Table4OutcomeKeys() {
		outcomes[o] = i
	}
	t4 := map[string][2]string{"review_count": {"review", "total"}, "review_upheld_count": {"review", "upheld"},
		"review_corrected_count": {"review", "corrected"}, "review_other_count": {"review", "other"},
		"review_pending_count": {"review", "pending"}, "litigation_count": {"litigation_direct", "total"},
		"litigation_corrected_count": {"litigation_direct", "corrected"}, "litigation_pending_count": {"litigation_direct", "pending"}}
	for m, k := range t4 {
		// each group lists its total first, then its outcomes in the catalogue's order
		o := outcomes[k[1]] + 1
		if k[1] == schemas.OutcomeTotal {
			o = 0
		}
		rank[m] = 20000 + 100*groups[k[0]] + 10*o
	}
	rank["review_correction_rate"] = 20000 + 100*groups["review"] + 99
	rank["litigation_correction_rate"] = 20000 + 100*groups["litigation_direct"] + 99
	return func(m string) int {
		if r, ok := rank[m]; ok {
			return r
		}
		return 1 << 30
	}
}

func yoySheet(s *Summary) *flatSheet {
	v := "analytics.region_yoy"
	fs := &flatSheet{name: SheetYoY, title: fmt.Sprintf("%s%d年与%d年比较", s.Region.Name, s.Year, s.Year-1), freezeCols: 2}
	note := "两种口径：全部报告（两年全部计入报告之和），与同口径（只计两年均报送的单位：县级区划、省市本级机关，以及有一年以汇总报告计入、整体比较的区划），比率默认按同口径比较。" +
		"计数给出增减与增减百分比，比率给出百分点；表二格式不同（2019年与2021年格式）即为口径变化，不作比较。先列本级全部指标（按汇总表的顺序：表二、表三、表四），再列所辖各区划的主要指标。"
	if r := s.yoyOf(s.Region.Code, "requests_count"); r != nil {
		note += s.Region.Name + "同口径：" + s.lflUnits(r)
		if w := s.coverageWords(r); w != "" {
			note += "；" + w
		}
		note += "。"
	}
	fs.note = note
	fs.cols = []column{{"区划代码", "text", "region_code"}, {"名称", "text", "region_name"}, {"层级", "text", "level"},
		{"指标", "text", "measure_label"},
		{Label(v, "value"), "num", "value"}, {Label(v, "value_prev"), "num", "value_prev"},
		{Label(v, "value_yoy_delta"), "delta", "value_yoy_delta"}, {Label(v, "value_yoy_pct"), "pct", "value_yoy_pct"},
		{Label(v, "lfl_value"), "num", "lfl_value"}, {Label(v, "lfl_value_prev"), "num", "lfl_value_prev"},
		{Label(v, "lfl_yoy_delta"), "delta", "lfl_yoy_delta"}, {Label(v, "lfl_yoy_pct"), "pct", "lfl_yoy_pct"},
		{"两年均报送的单位数", "int", "lfl_units"}, {"仅本年报送的单位数", "int", "new_units"}, {"仅上年报送的单位数", "int", "gone_units"},
		{Label(v, "basis_changed_count"), "int", "basis_changed_count"},
		{Label(v, "series_break"), "text", "series_break"}, {"指标键", "text", "measure"}}
	units := func(a, b, c *int64) Val {
		if a == nil && b == nil && c == nil {
			return Val{}
		}
		return countVal(n64(a) + n64(b) + n64(c))
	}
	for _, r := range s.yoyRows() {
		fs.add("", r.RegionCode, text(r.RegionName), nameOr(levelNames, r.Level), measureLabel(r.Measure, s.Format()),
			rate(r.Value), rate(r.ValuePrev), rate(r.ValueYoYDelta), rate(r.ValueYoYPct),
			rate(r.LFLValue), rate(r.LFLValuePrev), rate(r.LFLYoYDelta), rate(r.LFLYoYPct),
			units(r.LFLCountyCount, r.LFLBodyCount, r.LFLWholeCount), units(r.NewCountyCount, r.NewBodyCount, r.NewWholeCount),
			units(r.GoneCountyCount, r.GoneBodyCount, r.GoneWholeCount), count(r.BasisChangedCount), r.SeriesBreak, r.Measure)
	}
	return fs
}

// yoyRows are the region's measures in the catalogue's order (measureRank), then the
// children's key measures, by division code.
func (s *Summary) yoyRows() []YoY {
	rank := measureRank()
	var own, kids []YoY
	for _, r := range s.YoY {
		if r.RegionCode == s.Region.Code {
			own = append(own, r)
			continue
		}
		for _, k := range yoyChildMeasures {
			if k == r.Measure {
				kids = append(kids, r)
			}
		}
	}
	sort.SliceStable(own, func(i, j int) bool { return rank(own[i].Measure) < rank(own[j].Measure) })
	sort.SliceStable(kids, func(i, j int) bool {
		a, b := kids[i], kids[j]
		if a.RegionCode != b.RegionCode {
			return a.RegionCode < b.RegionCode
		}
		return rank(a.Measure) < rank(b.Measure)
	})
	return append(own, kids...)
}

func writeYoYSheet(f *excelize.File, st *styles, s *Summary) (int, error) {
	fs := yoySheet(s)
	key := len(fs.cols) - 1
	// value columns depend on the measure: rates as %, deltas of rates in percentage points
	for i := range fs.cols {
		switch fs.cols[i].kind {
		case "num", "delta":
			fs.cols[i].kind = "int"
		}
	}
	next, head, err := fs.write(f, st, 0, true)
	if err != nil {
		return 0, err
	}
	first := next - len(fs.rows)
	for i, row := range fs.rows {
		m := row[key].(string)
		for _, pair := range [][2]int{{4, 6}, {8, 10}} { // value, prev, delta; the like-for-like ones
			switch {
			case measureKind(m) == "rate":
				if err := f.SetCellStyle(SheetYoY, cellName(pair[0], first+i), cellName(pair[0]+1, first+i), st.rate); err != nil {
					return 0, err
				}
				if err := f.SetCellStyle(SheetYoY, cellName(pair[1], first+i), cellName(pair[1], first+i), st.pp); err != nil {
					return 0, err
				}
			case strings.HasPrefix(m, "table2."):
				// table 2 money needs decimals
				if err := f.SetCellStyle(SheetYoY, cellName(pair[0], first+i), cellName(pair[1], first+i), st.dec); err != nil {
					return 0, err
				}
			}
		}
	}
	return head + 1, fitColumns(f, fs)
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
		"部门无名录，缺报的部门见下表。"
	cov := &flatSheet{name: SheetCoverage, title: fmt.Sprintf("%s%d年报送情况", s.Region.Name, s.Year), note: note, freezeCols: 2}
	v := "analytics.coverage"
	// a literal view and column in every Label call: the queries tests check that they exist
	cov.cols = []column{{"区划代码", "text", "region_code"}, {Label(v, "region_name"), "text", "region_name"}, {Label(v, "level"), "text", "level"},
		{Label(v, "reported"), "text", "reported"}, {Label(v, "basis"), "text", "basis"}, {Label(v, "report_count"), "int", "report_count"},
		{Label(v, "area_report_count"), "int", "area_report_count"}, {Label(v, "government_report_count"), "int", "government_report_count"},
		{Label(v, "department_report_count"), "int", "department_report_count"}, {Label(v, "township_report_count"), "int", "township_report_count"},
		{Label(v, "dev_zone_report_count"), "int", "dev_zone_report_count"}, {Label(v, "other_report_count"), "int", "other_report_count"},
		{Label(v, "incomplete_report_count"), "int", "incomplete_report_count"}, {Label(v, "below_report_count"), "int", "below_report_count"},
		{Label(v, "missing_body_count"), "int", "missing_body_count"}}
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
	miss.cols = []column{{"区划代码", "text", "region_code"}, {Label(m, "region_name"), "text", "region_name"}, {Label(m, "level"), "text", "level"}, {Label(m, "body"), "text", "body"}, {Label(m, "scope"), "text", "scope"}, {Label(m, "last_year"), "text", "last_year"}}
	for _, r := range s.Missing {
		miss.add("", r.RegionCode, text(r.RegionName), nameOr(levelNames, r.Level), r.Body,
			nameOr(scopeNames, text(r.Scope)), strconv.Itoa(r.LastYear))
	}
	return cov, miss
}

func writeCoverageSheet(f *excelize.File, st *styles, s *Summary) (int, error) {
	cov, miss := coverageSheets(s)
	next, head, err := cov.write(f, st, 0, true)
	if err != nil {
		return 0, err
	}
	if _, _, err := miss.write(f, st, next+1, false); err != nil {
		return 0, err
	}
	return head + 1, fitColumns(f, cov, miss)
}

// qualityColumns are the columns of 数据质量; qualityHeadRow is its header row (0-based).
var qualityColumns = []column{{"序号", "int", "number"}, {"不平的汇总行", "text", "summed_row"}, {"区划代码", "text", "region_code"},
	{Label("analytics.rule_violations", "region_name"), "text", "region_name"}, {Label("analytics.rule_violations", "body"), "wrap", "body"},
	{Label("analytics.rule_violations", "scope"), "text", "scope"}, {Label("analytics.rule_violations", "year"), "text", "year"},
	{"文件", "wrap", "source_path"}, {"计入本汇总", "text", "in_sum"}, {Label("analytics.rule_violations", "rule"), "text", "rule"},
	{Label("analytics.rule_violations", "severity"), "text", "severity"}, {"位置", "wrap", "location"},
	{Label("analytics.rule_violations", "expected"), "dec", "expected"}, {Label("analytics.rule_violations", "found"), "dec", "found"},
	{Label("analytics.rule_violations", "message"), "wrap", "message"}, {Label("analytics.rule_violations", "acknowledged"), "text", "acknowledged"},
	{Label("analytics.rule_violations", "ack_note"), "wrap", "ack_note"}, {Label("analytics.rule_violations", "ack_by"), "text", "ack_by"},
	{Label("analytics.rule_violations", "problem_id"), "text", "problem_id"}}

const qualityHeadRow = 2

func qualitySheet(s *Summary) *flatSheet {
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
	fs := &flatSheet{name: SheetQuality, title: fmt.Sprintf("%s%d年勾稽规则违反（%d条，其中错误%d条、已核实%d条；%d个汇总行不平）",
		s.Region.Name, s.Year, len(lines), errs, acked, len(marks)),
		note: "每条规则违反一行：文件、机关、区划、年度、规则、位置、应为值与实际印出值，以及核实情况（xxgk ack）；原数字不改。" +
			"先列使汇总表某行不平的各条（按汇总表的顺序，“不平的汇总行”列），汇总表的标记链接到这些行；再列其余各条" +
			"（警告 R6 跨年结转、R7 文字与表格、R8 完整性，以及未计入本汇总的报告）。" + markNote,
		freezeCols: 4,
		widths:     map[int]float64{4: 24, 7: 36, 11: 22, 14: 48, 16: 24}}
	fs.cols = qualityColumns
	for _, l := range lines {
		v := l.v
		row := ""
		if l.row != "" {
			row = rowName(l.row)
		}
		fs.add("", countVal(int64(l.number)), row, v.RegionCode, text(v.RegionName), v.Body, nameOr(scopeNames, text(v.Scope)),
			strconv.Itoa(v.Year), fileName(v), l.inSum, v.Rule, nameOr(severityNames, v.Severity), location(v),
			dec(v.Expected), dec(v.Found), v.Message, v.Acknowledged, text(v.AckNote), text(v.AckBy), v.ProblemID)
	}
	return fs
}

func writeQualitySheet(f *excelize.File, st *styles, s *Summary) (int, error) {
	fs := qualitySheet(s)
	_, head, err := fs.write(f, st, 0, true)
	if err != nil {
		return 0, err
	}
	if head != qualityHeadRow {
		return 0, fmt.Errorf("数据质量: header on row %d, links expect %d", head+1, qualityHeadRow+1)
	}
	return head + 1, fitColumns(f, fs)
}
