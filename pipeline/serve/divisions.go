package serve

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// The divisions page walks province → prefecture → county → body → report. Each level shows
// the division's figures for the year (analytics.region_years: each body counted once at every
// level), how they were counted (basis: its consolidated report — 全省/全市/全县汇总 — or its
// own bodies plus the divisions below), the part its own bodies make up (the own_ columns:
// 省直部门合计, 市本级合计, 县本级合计), its own bodies' reports (analytics.reports at its level)
// and the divisions below it with their figures — sortable, filterable by prefecture, and
// downloadable as CSV exactly as shown.

// figures is one division's row of analytics.region_years.
type figures struct {
	_               struct{} `view:"analytics.region_years"`
	Level           string   `col:"level"`
	Code            string   `col:"region_code"`
	Name            *string  `col:"region_name"`
	Parent          *string  `col:"parent_code"`
	Year            int64    `col:"year"`
	Basis           string   `col:"basis"`
	CountyCount     int64    `col:"county_count"`
	AreaBasisCount  *int64   `col:"area_basis_count"`
	ReportCount     int64    `col:"report_count"`
	CountedCount    *int64   `col:"counted_report_count"`
	OwnCount        int64    `col:"own_report_count"`
	IncompleteCount *int64   `col:"incomplete_report_count"`
	Requests        *int64   `col:"requests_count"`
	Handled         *int64   `col:"handled_count"`
	Granted         *int64   `col:"granted_count"`
	Partially       *int64   `col:"partially_granted_count"`
	Withheld        *int64   `col:"withheld_count"`
	Review          *int64   `col:"review_count"`
	Litigation      *int64   `col:"litigation_count"`
	DisclosureRate  *float64 `col:"disclosure_rate"`
	WithheldRate    *float64 `col:"withheld_rate"`
	// the part of the figure the division's own bodies make up
	OwnRequests  *int64 `col:"own_requests_count"`
	OwnHandled   *int64 `col:"own_handled_count"`
	OwnGranted   *int64 `col:"own_granted_count"`
	OwnPartially *int64 `col:"own_partially_granted_count"`
	OwnWithheld  *int64 `col:"own_withheld_count"`
	OwnReview    *int64 `col:"own_review_count"`
	OwnLitig     *int64 `col:"own_litigation_count"`
}

const figuresCols = `level, region_code, region_name, parent_code, year, basis, county_count, area_basis_count, report_count,
	counted_report_count, own_report_count, incomplete_report_count, requests_count, handled_count, granted_count,
	partially_granted_count, withheld_count, review_count, litigation_count, disclosure_rate, withheld_rate,
	own_requests_count, own_handled_count, own_granted_count, own_partially_granted_count, own_withheld_count,
	own_review_count, own_litigation_count`

// NameText is the division's name (its code when the registry has no name).
func (f figures) NameText() string {
	if f.Name == nil {
		return f.Code
	}
	return *f.Name
}

// BasisText says how the figure was counted.
func (f figures) BasisText() string {
	switch f.Basis {
	case "area":
		return "汇总报告（" + areaWord(f.Level) + "）"
	case "bodies":
		if f.Level == "county" {
			return "本级各机关之和"
		}
		return "本级机关加下级区划之和"
	}
	return basisName(f.Basis)
}

// areaWord names a level's consolidated report.
func areaWord(level string) string {
	switch level {
	case "province":
		return "全省汇总"
	case "prefecture":
		return "全市汇总"
	}
	return "全县汇总"
}

// bodyReport is one report of record of a division's own bodies (analytics.reports).
type bodyReport struct {
	_            struct{} `query:"serve/bodies"` // marts.reports_of_record with its measures
	ReportID     int64    `col:"report_id"`
	Body         string   `col:"body"`
	Scope        string   `col:"scope"`
	Year         int64    `col:"year"`
	Format       string   `col:"format"`
	Status       string   `col:"status"`
	Counted      bool     `col:"counted"`
	CountedIn    string   `col:"-"` // levels whose figure holds it (marts.report_levels)
	CheckCount   int64    `col:"check_count"`
	ProblemCount int64    `col:"problem_count"`
	Requests     *int64   `col:"requests_count"`
	Handled      *int64   `col:"handled_count"`
	SourcePath   string   `col:"source_path"`
}

// column is a sortable column of the divisions table.
type column struct {
	Key, Label string
	Num        bool
	value      func(f *figures) string // CSV and sorting
	less       func(a, b *figures) bool
}

func intCol(key, label string, get func(f *figures) *int64) column {
	return column{Key: key, Label: label, Num: true,
		value: func(f *figures) string {
			if v := get(f); v != nil {
				return strconv.FormatInt(*v, 10)
			}
			return ""
		},
		less: func(a, b *figures) bool { return lessPtr(get(a), get(b)) }}
}

func rateCol(key, label string, get func(f *figures) *float64) column {
	return column{Key: key, Label: label, Num: true,
		value: func(f *figures) string {
			if v := get(f); v != nil {
				return strconv.FormatFloat(*v, 'f', -1, 64)
			}
			return ""
		},
		less: func(a, b *figures) bool { return lessPtr(get(a), get(b)) }}
}

// lessPtr orders NULL first.
func lessPtr[T int64 | float64](a, b *T) bool {
	switch {
	case a == nil:
		return b != nil
	case b == nil:
		return false
	}
	return *a < *b
}

var divisionColumns = []column{
	{Key: "region_code", Label: "区划代码", value: func(f *figures) string { return f.Code }, less: func(a, b *figures) bool { return a.Code < b.Code }},
	{Key: "region_name", Label: "名称", value: func(f *figures) string { return f.NameText() }, less: func(a, b *figures) bool { return a.NameText() < b.NameText() }},
	{Key: "basis", Label: "汇总口径", value: func(f *figures) string { return f.Basis }, less: func(a, b *figures) bool { return a.Basis < b.Basis }},
	intCol("report_count", "报告数", func(f *figures) *int64 { return &f.ReportCount }),
	intCol("counted_report_count", "计入报告数", func(f *figures) *int64 { return f.CountedCount }),
	intCol("own_report_count", "本级计入", func(f *figures) *int64 { return &f.OwnCount }),
	intCol("requests_count", "新收申请", func(f *figures) *int64 { return f.Requests }),
	intCol("handled_count", "办理总数", func(f *figures) *int64 { return f.Handled }),
	intCol("granted_count", "予以公开", func(f *figures) *int64 { return f.Granted }),
	intCol("partially_granted_count", "部分公开", func(f *figures) *int64 { return f.Partially }),
	intCol("withheld_count", "不予公开", func(f *figures) *int64 { return f.Withheld }),
	rateCol("disclosure_rate", "公开率", func(f *figures) *float64 { return f.DisclosureRate }),
	rateCol("withheld_rate", "不予公开率", func(f *figures) *float64 { return f.WithheldRate }),
	intCol("review_count", "行政复议", func(f *figures) *int64 { return f.Review }),
	intCol("litigation_count", "行政诉讼", func(f *figures) *int64 { return f.Litigation }),
}

type divisionsBody struct {
	Region     division
	Path       []division // province … the division
	Year       int
	Years      []int
	Own        *figures
	Children   []figures
	ChildLevel string
	List       string // children, counties
	Prefecture string // filter of the county list
	Prefs      []division
	Bodies     []bodyReport
	Columns    []column
	Sort, Dir  string
}

func (s *Server) divisions(q *req) error {
	c, err := q.basic()
	if err != nil {
		return err
	}
	region, err := q.regionParam("region")
	if err != nil {
		return err
	}
	year, err := q.yearParam("year")
	if err != nil {
		return err
	}
	list, err := oneOf(q, "list", "children", "children", "counties")
	if err != nil {
		return err
	}
	pref, err := codeParam(q, "prefecture")
	if err != nil {
		return err
	}
	if pref != "" {
		if d, ok := c.byCode[pref]; !ok || d.Level != "prefecture" || !strings.HasPrefix(pref, region.Code) {
			return notFound("%s 不是 %s 下的地级区划 / %s is not a prefecture of %s", pref, region.Name, pref, region.Code)
		}
		list = "counties"
	}
	sortKey, err := oneOf(q, "sort", "region_code", columnKeys()...)
	if err != nil {
		return err
	}
	dir, err := oneOf(q, "dir", "asc", "asc", "desc")
	if err != nil {
		return err
	}
	format, err := oneOf(q, "format", "", "csv")
	if err != nil {
		return err
	}
	part, err := oneOf(q, "part", "divisions", "divisions", "bodies")
	if err != nil {
		return err
	}
	b := divisionsBody{Region: region, Year: year, Years: c.years, List: list, Prefecture: pref, Columns: divisionColumns, Sort: sortKey, Dir: dir}
	for code := region.Code; code != ""; {
		d, ok := c.byCode[code]
		if !ok {
			break
		}
		b.Path = append([]division{d}, b.Path...)
		code = d.Parent()
	}
	ctx, ss := q.ctx(), q.session()
	own, ok, err := scanOne[figures](ctx, ss, `select `+figuresCols+` from analytics.region_years where region_code = ? and year = ?`, region.Code, year)
	if err != nil {
		return err
	}
	if ok {
		b.Own = &own
	}
	switch {
	case region.Level == "county":
	case list == "counties":
		b.ChildLevel = "county"
		b.Children, err = scan[figures](ctx, ss, `select `+figuresCols+` from analytics.region_years
			where level = 'county' and year = ? and starts_with(region_code, ?) order by region_code`, year, nonEmpty(pref, region.Code))
	default:
		b.ChildLevel = "county"
		if region.Level == "province" {
			b.ChildLevel = "prefecture"
		}
		b.Children, err = scan[figures](ctx, ss, `select `+figuresCols+` from analytics.region_years
			where parent_code = ? and year = ? order by region_code`, region.Code, year)
	}
	if err != nil {
		return err
	}
	if region.Level == "province" {
		for _, d := range c.byCode {
			if d.Level == "prefecture" && d.Parent() == region.Code && d.HasFigures {
				b.Prefs = append(b.Prefs, d)
			}
		}
		sort.Slice(b.Prefs, func(i, j int) bool { return b.Prefs[i].Code < b.Prefs[j].Code })
	}
	sortFigures(b.Children, sortKey, dir)
	if b.Bodies, err = ownBodies(q, region.Code, year); err != nil {
		return err
	}
	if format == "csv" {
		return s.divisionsCSV(q, &b, part)
	}
	s.render(q, "divisions", region.Name+" "+itoa(year), "divisions", b)
	return nil
}

func columnKeys() []string {
	out := make([]string, len(divisionColumns))
	for i, c := range divisionColumns {
		out[i] = c.Key
	}
	return out
}

func sortFigures(fs []figures, key, dir string) {
	var col column
	for _, c := range divisionColumns {
		if c.Key == key {
			col = c
		}
	}
	if col.less == nil {
		return
	}
	sort.SliceStable(fs, func(i, j int) bool {
		if dir == "desc" {
			return col.less(&fs[j], &fs[i])
		}
		return col.less(&fs[i], &fs[j])
	})
}

// divisionsCSV writes the table shown (the divisions below, or the bodies' reports).
func (s *Server) divisionsCSV(q *req, b *divisionsBody, part string) error {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	name := fmt.Sprintf("%s_%d_%s", b.Region.Code, b.Year, part)
	if part == "bodies" {
		_ = w.Write([]string{"report_id", "body", "scope", "year", "format", "status", "counted", "counted_in", "requests_count",
			"handled_count", "check_count", "problem_count", "source_path"})
		for _, r := range b.Bodies {
			_ = w.Write([]string{strconv.FormatInt(r.ReportID, 10), r.Body, r.Scope, strconv.FormatInt(r.Year, 10), r.Format, r.Status,
				strconv.FormatBool(r.Counted), r.CountedIn, ptrText(r.Requests), ptrText(r.Handled), strconv.FormatInt(r.CheckCount, 10),
				strconv.FormatInt(r.ProblemCount, 10), r.SourcePath})
		}
	} else {
		head := []string{"level", "year"}
		for _, c := range b.Columns {
			head = append(head, c.Key)
		}
		_ = w.Write(head)
		for i := range b.Children {
			f := &b.Children[i]
			rec := []string{f.Level, strconv.FormatInt(f.Year, 10)}
			for _, c := range b.Columns {
				rec = append(rec, c.value(f))
			}
			_ = w.Write(rec)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	q.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	q.w.Header().Set("Content-Disposition", contentDisposition(name+".csv"))
	_, err := q.w.Write(buf.Bytes())
	return err
}

func ptrText(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

func nonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// bodyVersion is one report version of a body (main.reports with its measures).
type bodyVersion struct {
	_          struct{} `query:"serve/body"` // main.reports with its measures
	ReportID   int64    `col:"report_id"`
	Year       *int64   `col:"year"`
	Scope      *string  `col:"scope"`
	Format     *string  `col:"format"`
	Status     string   `col:"status"`
	Version    int64    `col:"version"`
	IsCurrent  bool     `col:"is_current"`
	Checks     int64    `col:"check_count"`
	Problems   int64    `col:"problem_count"`
	SourcePath string   `col:"source_path"`
	Requests   *int64   `col:"requests_count"`
	Handled    *int64   `col:"handled_count"`
	Counted    *bool    `col:"counted"`
}

type bodyBody struct {
	Region   division
	Path     []division
	Body     string
	Versions []bodyVersion
}

// body lists every report of one body of a division, every year, superseded versions too.
func (s *Server) body(q *req) error {
	c, err := q.basic()
	if err != nil {
		return err
	}
	region, err := q.regionParam("region")
	if err != nil {
		return err
	}
	name := strings.TrimSpace(q.URL.Query().Get("body"))
	if name == "" {
		return badRequest("缺少参数 body（机关名称）/ missing parameter body")
	}
	b := bodyBody{Region: region, Body: name}
	for code := region.Code; code != ""; {
		d, ok := c.byCode[code]
		if !ok {
			break
		}
		b.Path = append([]division{d}, b.Path...)
		code = d.Parent()
	}
	if b.Versions, err = scan[bodyVersion](q.ctx(), q.session(), `select r.report_id, r.year, r.scope, r.format, r.status, r.version,
			r.is_current, r.check_count, r.problem_count, r.source_path, m.requests_count, m.handled_count, m.counted
		from main.reports as r
		left join marts.report_measures as m on m.report_id = r.report_id
		where r.region_code = ? and r.body = ?
		order by r.year desc, r.is_current desc, r.version desc`, region.Code, name); err != nil {
		return err
	}
	if len(b.Versions) == 0 {
		return notFound("%s 没有名为“%s”的机关的报告 / no report of a body called %q in %s", region.Name, name, name, region.Code)
	}
	s.render(q, "body", name, "divisions", b)
	return nil
}

// ownBodies reads the reports of record of a division's own bodies for a year (from the
// materialised marts: analytics.reports, which reads the same, aggregates the levels of every
// report at each query) and the levels whose figure holds each (marts.report_levels).
func ownBodies(q *req, code string, year int) ([]bodyReport, error) {
	ctx, ss := q.ctx(), q.session()
	bodies, err := scan[bodyReport](ctx, ss, `select r.report_id, r.body, r.scope, r.year, r.format, r.status, r.counted,
			r.check_count, r.problem_count, m.requests_count, m.handled_count, r.source_path
		from marts.reports_of_record as r
		left join marts.report_measures as m on m.report_id = r.report_id
		where r.region_code = ? and r.year = ?
		order by r.scope = 'area' desc, r.scope = 'government' desc, r.body`, code, year)
	if err != nil {
		return nil, err
	}
	type levelRow struct {
		_     struct{} `view:"marts.report_levels"`
		ID    int64    `col:"report_id"`
		Level string   `col:"level"`
	}
	levels, err := scan[levelRow](ctx, ss, `select report_id, level from marts.report_levels
		where report_id in (select report_id from marts.reports_of_record where region_code = ? and year = ?)`, code, year)
	if err != nil {
		return nil, err
	}
	in := map[int64]map[string]bool{}
	for _, l := range levels {
		if in[l.ID] == nil {
			in[l.ID] = map[string]bool{}
		}
		in[l.ID][l.Level] = true
	}
	for i := range bodies {
		var ls []string
		for _, l := range []string{"county", "prefecture", "province"} {
			if in[bodies[i].ReportID][l] {
				ls = append(ls, l)
			}
		}
		bodies[i].CountedIn = strings.Join(ls, ",")
	}
	return bodies, nil
}
