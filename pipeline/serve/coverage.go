package serve

import (
	"context"
	"slices"
	"strings"
)

// The coverage page is a grid of the divisions the registry expects at every level
// (analytics.coverage: the province's and each prefecture's own bodies — 省直部门, 市本级 —
// and every county) against the years: what each sent, what is missing, and what came late — a
// report whose body's report for that year was first loaded by a later ingest run than the
// year's first reports (sent after the collection; a corrected version of a report already in
// is not late).

// coverageRow is one division and year of analytics.coverage, with its late reports.
type coverageRow struct {
	_               struct{} `query:"serve/coverage"` // analytics.coverage, the name never NULL
	Code            string   `col:"region_code"`
	Name            string   `col:"region_name"`
	Level           string   `col:"level"`
	PrefectureCode  *string  `col:"prefecture_code"`
	PrefectureName  *string  `col:"prefecture_name"`
	Year            int64    `col:"year"`
	Reported        bool     `col:"reported"`
	Basis           string   `col:"basis"`
	ReportCount     int64    `col:"report_count"`
	IncompleteCount int64    `col:"incomplete_report_count"`
	BelowCount      int64    `col:"below_report_count"`
	MissingBodies   int64    `col:"missing_body_count"`
	LateCount       int64    `col:"-"` // see lateReports
}

// coverageCell is one division and year in the grid.
type coverageCell struct {
	Row *coverageRow
}

// Class is the CSS class of the cell.
func (c coverageCell) Class() string {
	switch r := c.Row; {
	case r == nil:
		return "cov-none"
	case !r.Reported:
		return "cov-missing"
	case r.LateCount > 0:
		return "cov-late"
	case r.MissingBodies > 0 || r.IncompleteCount > 0:
		return "cov-partial"
	}
	return "cov-ok"
}

type coverageLine struct {
	Code, Name, Level string
	Prefecture        string
	Cells             []coverageCell
	Missing           int
}

type coverageBody struct {
	Region     division
	Prefecture string
	Prefs      []division
	Years      []int
	Lines      []coverageLine
	Missing    int
	Late       int
	Areas      []division
}

func (s *Server) coverage(q *req) error {
	c, err := q.basic()
	if err != nil {
		return err
	}
	region, err := q.regionParam("region", "province", "prefecture")
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
	}
	all, err := q.coverageRows()
	if err != nil {
		return err
	}
	var rows []coverageRow
	for _, r := range all {
		if strings.HasPrefix(r.Code, nonEmpty(pref, region.Code)) {
			rows = append(rows, r)
		}
	}
	b := coverageBody{Region: region, Prefecture: pref, Areas: c.areas}
	for _, d := range c.areas {
		if d.Level == "prefecture" && strings.HasPrefix(d.Code, region.Code) && region.Level == "province" {
			b.Prefs = append(b.Prefs, d)
		}
	}
	for _, r := range rows {
		if !slices.Contains(b.Years, int(r.Year)) {
			b.Years = append(b.Years, int(r.Year))
		}
	}
	slices.Sort(b.Years)
	col := map[int]int{}
	for i, y := range b.Years {
		col[y] = i
	}
	byCode := map[string]int{}
	for i := range rows {
		r := &rows[i]
		li, ok := byCode[r.Code]
		if !ok {
			li = len(b.Lines)
			byCode[r.Code] = li
			l := coverageLine{Code: r.Code, Name: r.Name, Level: r.Level, Cells: make([]coverageCell, len(b.Years))}
			if r.PrefectureName != nil {
				l.Prefecture = *r.PrefectureName
			}
			b.Lines = append(b.Lines, l)
		}
		b.Lines[li].Cells[col[int(r.Year)]] = coverageCell{r}
		if !r.Reported {
			b.Lines[li].Missing++
			b.Missing++
		}
		if r.LateCount > 0 {
			b.Late++
		}
	}
	s.render(q, "coverage", region.Name+" 报送情况", "coverage", b)
	return nil
}

type lateKey struct {
	code string
	year int64
}

// lateReports counts, per division and year, the reports of record whose body's report for
// that year was first loaded by a later ingest run than the year's first reports (a
// correction of a report already in has the run of its first version). Read once per version.
func (q *req) lateReports() (map[lateKey]int64, error) {
	return q.l.g.cache.late.get(q.ctx(), func(ctx context.Context) (map[lateKey]int64, error) {
		type row struct {
			_    struct{} `query:"serve/late"`
			Code string   `col:"region_code"`
			Year int64    `col:"year"`
			N    int64    `col:"late_count"`
		}
		rows, err := scan[row](ctx, q.session(), `with first_load as (
				select identity_key, min(run_id) as run_id from main.reports group by identity_key
			),
			cur as (
				select r.region_code, r.year, f.run_id
				from main.reports as r
				join first_load as f using (identity_key)
				where r.is_current and r.year is not null and r.region_code is not null
			),
			year_first as (select year, min(run_id) as run_id from cur group by year)
			select c.region_code, c.year, count(*) as late_count
			from cur as c
			join year_first as y using (year)
			where c.run_id > y.run_id
			group by c.region_code, c.year`)
		if err != nil {
			return nil, err
		}
		late := make(map[lateKey]int64, len(rows))
		for _, r := range rows {
			late[lateKey{r.Code, r.Year}] = r.N
		}
		return late, nil
	})
}

// coverageRows reads analytics.coverage of every division and year (a few rows per division:
// tens of thousands nationally) with its late reports, once per version: the view compares
// every body's years at each query.
func (q *req) coverageRows() ([]coverageRow, error) {
	late, err := q.lateReports()
	if err != nil {
		return nil, err
	}
	return q.l.g.cache.coverage.get(q.ctx(), func(ctx context.Context) ([]coverageRow, error) {
		rows, err := scan[coverageRow](ctx, q.session(), `select region_code, coalesce(region_name, region_code) as region_name, level,
				prefecture_code, prefecture_name, year, reported, basis, report_count, incomplete_report_count, below_report_count,
				missing_body_count
			from analytics.coverage
			order by region_code, year`)
		if err != nil {
			return nil, err
		}
		for i := range rows {
			rows[i].LateCount = late[lateKey{rows[i].Code, rows[i].Year}]
		}
		return rows, nil
	})
}
