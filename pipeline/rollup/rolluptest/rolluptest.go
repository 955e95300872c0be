// Package rolluptest is the test fixture of the rollups at every level: a province's bodies of
// every level as canonical reports (Province), a loader that publishes them into a warehouse
// with the SQL models built (Load), and the counted-once rule recomputed in Go from the reports
// alone (Figures), so that the tests of rollup and export compare the SQL with sums computed
// independently of it.
package rolluptest

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"xxgk/pipeline/batch"
	"xxgk/pipeline/batch/batchtest"
	"xxgk/pipeline/regions"
	"xxgk/pipeline/rollup"
	"xxgk/pipeline/store"
	"xxgk/schemas"
)

// Years are the years of the fixture.
var Years = []int{2021, 2022, 2023}

type spec struct {
	code, body string
	scope      schemas.Scope
	years      []int
	pre2019    int // a year in which the body's report is in the pre-2019 prose form (no tables)
}

// The fixture, by division (辽宁省 21 and one county of 湖北省):
//
//   - 辽宁省 (province): its government office and departments every year, a public institution
//     (scope other), 辽宁省统计局 in 2021 only, 辽宁省地震局 until 2022; a consolidated report
//     (全省汇总) in 2023 only.
//   - 朝阳市 (2113): a consolidated report in 2022 only, its own bodies every year; 朝阳县
//     (bodies only) and 建平县 (an area report and its bodies; its 公安局 stops in 2023).
//   - 葫芦岛市 (2114): a consolidated report in 2023 only; its office, 公安局 (until 2022) and a
//     development zone; 兴城市 (an area report, with a body in 2022), 绥中县 (bodies with a
//     township), 建昌县 (a pre-2019 report without tables in 2022: none basis).
//   - 沈阳市 (2101): no own body in 2022, its government in 2023; 和平区 (bodies).
//   - 湖北省 (42): its government office, and 仙桃市 (429004), a county under the province's
//     省直辖县级行政区划 (4290, a grouping without a government).
var fixture = []spec{
	{"21", "辽宁省人民政府办公厅", schemas.ScopeGovernment, []int{2021, 2022, 2023}, 0},
	{"21", "辽宁省统计局", schemas.ScopeDepartment, []int{2021}, 0},
	{"21", "辽宁省教育厅", schemas.ScopeDepartment, []int{2022, 2023}, 0},
	{"21", "辽宁省地震局", schemas.ScopeDepartment, []int{2022}, 0},
	{"21", "辽宁省信息中心", schemas.ScopeOther, []int{2022, 2023}, 0},
	{"21", "辽宁省", schemas.ScopeArea, []int{2023}, 0},
	{"2113", "朝阳市", schemas.ScopeArea, []int{2022}, 0},
	{"2113", "朝阳市人民政府", schemas.ScopeGovernment, []int{2022, 2023}, 0},
	{"2113", "朝阳市教育局", schemas.ScopeDepartment, []int{2022, 2023}, 0},
	{"211321", "朝阳县人民政府", schemas.ScopeGovernment, []int{2021, 2022, 2023}, 0},
	{"211321", "朝阳县教育局", schemas.ScopeDepartment, []int{2022, 2023}, 0},
	{"211322", "建平县", schemas.ScopeArea, []int{2022, 2023}, 0},
	{"211322", "建平县人民政府", schemas.ScopeGovernment, []int{2022, 2023}, 0},
	{"211322", "建平县公安局", schemas.ScopeDepartment, []int{2022}, 0},
	{"2114", "葫芦岛市", schemas.ScopeArea, []int{2023}, 0},
	{"2114", "葫芦岛市人民政府办公室", schemas.ScopeGovernment, []int{2022, 2023}, 0},
	{"2114", "葫芦岛市公安局", schemas.ScopeDepartment, []int{2022}, 0},
	{"2114", "葫芦岛经济开发区管理委员会", schemas.ScopeDevZone, []int{2022, 2023}, 0},
	{"211481", "兴城市", schemas.ScopeArea, []int{2022, 2023}, 0},
	{"211481", "兴城市人民政府", schemas.ScopeGovernment, []int{2022}, 0},
	{"211421", "绥中县人民政府", schemas.ScopeGovernment, []int{2022, 2023}, 0},
	{"211421", "绥中县教育局", schemas.ScopeDepartment, []int{2022, 2023}, 0},
	{"211421", "绥中县万家镇人民政府", schemas.ScopeTownship, []int{2022, 2023}, 0},
	{"211422", "建昌县人民政府", schemas.ScopeGovernment, []int{2022, 2023}, 2022},
	{"2101", "沈阳市人民政府", schemas.ScopeGovernment, []int{2023}, 0},
	{"210102", "和平区人民政府", schemas.ScopeGovernment, []int{2022, 2023}, 0},
	{"210102", "和平区教育局", schemas.ScopeDepartment, []int{2023}, 0},
	{"42", "湖北省人民政府办公厅", schemas.ScopeGovernment, []int{2022}, 0},
	{"429004", "仙桃市人民政府", schemas.ScopeGovernment, []int{2022}, 0},
}

// Province returns the fixture's reports: bodies of every level with their numbers (each report's
// numbers differ: batchtest.Body with its own seed).
func Province() []*schemas.Report {
	var out []*schemas.Report
	seed := int64(1)
	for _, s := range fixture {
		for _, y := range s.years {
			r := batchtest.Body(s.code, s.body, s.scope, y, seed)
			seed++
			if y == s.pre2019 {
				r.Format = schemas.FormatPre2019
				r.Table2, r.Table3, r.Table4 = schemas.Grid{}, schemas.Grid{}, schemas.Grid{}
				r.Checks = nil
				r.Statements = nil
			}
			out = append(out, r)
		}
	}
	return out
}

// Load publishes reps into the warehouse at path (a new file, or a new run on an existing one)
// through the real loader, with the SQL models built at publish (rollup.Apply).
func Load(ctx context.Context, path string, reps []*schemas.Report) (err error) {
	w, err := store.Begin(ctx, store.Options{Path: path, MemoryLimit: "512MB", Threads: 2})
	if err != nil {
		return err
	}
	b := batch.NewBuilder(nil)
	defer b.Release()
	b.AddRegions(regions.Default())
	for i, r := range reps {
		id := int64(1000 + i)
		sha := fmt.Sprintf("%064x", id)
		b.AddReport(batch.Meta{ReportID: id, IdentityKey: batch.Identity(r, r.Source), Path: r.Source, SHA256: sha,
			Size: 100, ParserVersion: "test", RunID: w.RunID()}, r)
		b.AddInput(batch.Input{RunID: w.RunID(), Path: r.Source, SHA256: sha, Size: 100, Status: schemas.InputLoaded, ReportID: id})
	}
	if err := w.Load(ctx, b.Flush()...); err != nil {
		return errors.Join(err, w.Abort())
	}
	_, err = w.Finish(ctx, store.Run{Roots: []string{"rolluptest"}, Inputs: int64(len(reps)), Loaded: int64(len(reps)),
		Status: "ok", Models: rollup.Apply})
	return err
}

// Key is a division-year: level province, prefecture or county.
type Key struct {
	Level, Code string
	Year        int
}

func (k Key) String() string { return fmt.Sprintf("%s %s %d", k.Level, k.Code, k.Year) }

// Figure is a division-year under the counted-once rule, computed from the reports alone.
type Figure struct {
	Key
	Parent string // the parent division's code ("" for a province)
	// Basis: area (its consolidated report is the figure), bodies (its own bodies plus its
	// children's figures), none (nothing with tables).
	Basis string
	// Counted are the reports the figure counts; Own those of its own bodies among them (none
	// when the basis is area); Area the consolidated report when it is the figure.
	Counted []*schemas.Report
	Own     []*schemas.Report
	Area    *schemas.Report
	// Bodies are the reports of its own level (any scope, with tables or not); Reports every
	// report at or below it.
	Bodies  []*schemas.Report
	Reports []*schemas.Report
	// Children are the child division-years with a report at or below them.
	Children []*Figure
}

// LevelOf is the level of a division code by its length.
func LevelOf(code string) string {
	switch len(code) {
	case 2:
		return "province"
	case 4:
		return "prefecture"
	case 6:
		return "county"
	}
	return ""
}

// Parent returns the parent division of a code: a county's prefecture (from the registry), a
// prefecture's province; "" for a province.
func Parent(code string) string {
	switch len(code) {
	case 6:
		if d, ok := regions.Default().County(code); ok {
			return d.PrefectureCode
		}
		return code[:4]
	case 4:
		return code[:2]
	}
	return ""
}

func tabled(r *schemas.Report) bool {
	return r.Format == schemas.FormatGB2019 || r.Format == schemas.FormatGB2021
}

// Figures computes every division-year with a report at or below it, by the rule: a division's
// figure is its consolidated (area) report with tables when it has one (the first by body), else
// the sum of its own government, department, township, zone and other reports with tables plus
// each child division's figure. Children are found through the registry (Parent), never
// through the SQL.
func Figures(reps []*schemas.Report) map[Key]*Figure {
	out := map[Key]*Figure{}
	get := func(code string, year int) *Figure {
		k := Key{LevelOf(code), code, year}
		f, ok := out[k]
		if !ok {
			f = &Figure{Key: k, Parent: Parent(code)}
			out[k] = f
		}
		return f
	}
	for _, r := range reps {
		if r.Status == schemas.StatusFailed || r.Region.Code == "" || r.Body == "" || r.Year == 0 {
			continue
		}
		f := get(r.Region.Code, r.Year)
		f.Bodies = append(f.Bodies, r)
		for c := r.Region.Code; c != ""; c = Parent(c) {
			g := get(c, r.Year)
			g.Reports = append(g.Reports, r)
		}
	}
	for _, f := range out {
		if f.Parent != "" {
			p := out[Key{LevelOf(f.Parent), f.Parent, f.Year}]
			p.Children = append(p.Children, f)
		}
	}
	done := map[*Figure]bool{}
	var solve func(f *Figure)
	solve = func(f *Figure) {
		if done[f] {
			return
		}
		done[f] = true
		sort.Slice(f.Children, func(i, j int) bool { return f.Children[i].Code < f.Children[j].Code })
		var areas []*schemas.Report
		for _, r := range f.Bodies {
			if !tabled(r) {
				continue
			}
			switch r.Scope {
			case schemas.ScopeArea:
				areas = append(areas, r)
			case schemas.ScopeGovernment, schemas.ScopeDepartment, schemas.ScopeTownship, schemas.ScopeDevZone, schemas.ScopeOther:
				f.Own = append(f.Own, r)
			}
		}
		for _, c := range f.Children {
			solve(c)
		}
		if len(areas) > 0 {
			sort.Slice(areas, func(i, j int) bool { return areas[i].Body < areas[j].Body })
			f.Basis, f.Area, f.Own, f.Counted = "area", areas[0], nil, []*schemas.Report{areas[0]}
			return
		}
		f.Counted = append([]*schemas.Report{}, f.Own...)
		for _, c := range f.Children {
			f.Counted = append(f.Counted, c.Counted...)
		}
		f.Basis = "none"
		if len(f.Counted) > 0 {
			f.Basis = "bodies"
		}
	}
	for _, f := range out {
		solve(f)
	}
	return out
}

// AreaBasisCount is the number of consolidated reports among the counted ones.
func (f *Figure) AreaBasisCount() int {
	n := 0
	for _, r := range f.Counted {
		if r.Scope == schemas.ScopeArea {
			n++
		}
	}
	return n
}

// Opt is a sum that is NULL until a value is added (SQL sum semantics).
type Opt struct {
	V  int64
	OK bool
}

// Add adds p when it is not NULL.
func (o *Opt) Add(p Opt) {
	if p.OK {
		o.V += p.V
		o.OK = true
	}
}

func cell(g schemas.Grid, row, col string) Opt {
	c, ok := g.Get(row, col)
	if !ok || !c.HasValue() {
		return Opt{}
	}
	return Opt{V: c.Value.Int(), OK: true}
}

func sum(cells ...Opt) Opt {
	var s Opt
	for _, c := range cells {
		s.Add(c)
	}
	return s
}

// CountMeasures are the count columns of analytics.region_years, in order.
var CountMeasures = []string{"requests_count", "carried_over_count", "granted_count", "partially_granted_count",
	"withheld_count", "unavailable_count", "rejected_count", "other_count", "handled_count", "carried_forward_count",
	"review_count", "review_upheld_count", "review_corrected_count", "review_other_count", "review_pending_count",
	"litigation_count", "litigation_corrected_count", "litigation_pending_count", "issued_count",
	"licensing_decisions_count", "penalty_decisions_count", "coercion_decisions_count"}

// RateMeasures are the rate columns of analytics.region_years.
var RateMeasures = []string{"disclosure_rate", "withheld_rate", "review_correction_rate", "litigation_correction_rate"}

// Measures returns a report's count measures from its grids (NULL when no cell has a number).
func Measures(r *schemas.Report) map[string]Opt {
	t3, t4, t2 := r.Table3, r.Table4, r.Table2
	col := func(g schemas.Grid, c string, rows ...string) Opt {
		var s Opt
		for _, row := range rows {
			s.Add(cell(g, row, c))
		}
		return s
	}
	m := map[string]Opt{
		"requests_count":          cell(t3, "new_received", "total"),
		"carried_over_count":      cell(t3, "carried_over", "total"),
		"granted_count":           cell(t3, "granted", "total"),
		"partially_granted_count": cell(t3, "partially_granted", "total"),
		"withheld_count": col(t3, "total", "withheld_state_secret", "withheld_law_prohibited", "withheld_security_stability",
			"withheld_third_party", "withheld_internal_affairs", "withheld_process_info", "withheld_enforcement_file", "withheld_query_item"),
		"unavailable_count": col(t3, "total", "unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear"),
		"rejected_count": col(t3, "total", "rejected_petition", "rejected_duplicate", "rejected_publication",
			"rejected_excessive", "rejected_confirmation"),
		"handled_count":              cell(t3, "total_handled", "total"),
		"carried_forward_count":      cell(t3, "carried_forward", "total"),
		"review_count":               cell(t4, "review", "total"),
		"review_upheld_count":        cell(t4, "review", "upheld"),
		"review_corrected_count":     cell(t4, "review", "corrected"),
		"review_other_count":         cell(t4, "review", "other"),
		"review_pending_count":       cell(t4, "review", "pending"),
		"litigation_count":           col(t4, "total", "litigation_direct", "litigation_after_review"),
		"litigation_corrected_count": col(t4, "corrected", "litigation_direct", "litigation_after_review"),
		"litigation_pending_count":   col(t4, "pending", "litigation_direct", "litigation_after_review"),
		"licensing_decisions_count":  cell(t2, "licensing", "decisions"),
		"penalty_decisions_count":    cell(t2, "penalty", "decisions"),
		"coercion_decisions_count":   cell(t2, "coercion", "decisions"),
	}
	if o := cell(t3, "other_total", "total"); o.OK {
		m["other_count"] = o
	} else {
		m["other_count"] = col(t3, "total", "other_no_correction", "other_no_fee", "other_other")
	}
	issued := "issued"
	if r.Format == schemas.FormatGB2019 {
		issued = "new_made"
	}
	m["issued_count"] = sum(cell(t2, "rules", issued), cell(t2, "normative_documents", issued))
	return m
}

// Sum adds a measure over reports.
func Sum(reps []*schemas.Report, measure string) Opt {
	var s Opt
	for _, r := range reps {
		s.Add(Measures(r)[measure])
	}
	return s
}

// Rate is a derived rate of the counts of reps (NULL when a part is NULL or the denominator 0),
// computed as the rollups must: from summed counts, never averaged.
func Rate(reps []*schemas.Report, rate string) (float64, bool) {
	s := func(m string) Opt { return Sum(reps, m) }
	var num, den Opt
	switch rate {
	case "disclosure_rate":
		g, p := s("granted_count"), s("partially_granted_count")
		num, den = Opt{g.V + p.V, g.OK && p.OK}, s("handled_count")
	case "withheld_rate":
		num, den = s("withheld_count"), s("handled_count")
	case "review_correction_rate":
		t, p := s("review_count"), s("review_pending_count")
		num, den = s("review_corrected_count"), Opt{t.V - p.V, t.OK && p.OK}
	case "litigation_correction_rate":
		t, p := s("litigation_count"), s("litigation_pending_count")
		num, den = s("litigation_corrected_count"), Opt{t.V - p.V, t.OK && p.OK}
	default:
		panic("rolluptest: unknown rate " + rate)
	}
	if !num.OK || !den.OK || den.V == 0 {
		return 0, false
	}
	return float64(num.V) / float64(den.V), true
}
