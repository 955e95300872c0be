package serve

import (
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
	Code            string  `col:"region_code"`
	Name            string  `col:"region_name"`
	Level           string  `col:"level"`
	PrefectureCode  *string `col:"prefecture_code"`
	PrefectureName  *string `col:"prefecture_name"`
	Year            int64   `col:"year"`
	Reported        bool    `col:"reported"`
	Basis           string  `col:"basis"`
	ReportCount     int64   `col:"report_count"`
	IncompleteCount int64   `col:"incomplete_report_count"`
	BelowCount      int64   `col:"below_report_count"`
	MissingBodies   int64   `col:"missing_body_count"`
	LateCount       int64   `col:"late_count"`
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
	rows, err := scan[coverageRow](q.ctx(), q.session(), `with cur as (
			select identity_key, region_code, year from main.reports
			where is_current and year is not null and starts_with(region_code, $1)
		),
		first_load as (
			select identity_key, min(run_id) as run_id from main.reports
			where identity_key in (select identity_key from cur)
			group by identity_key
		),
		year_first as (
			select c.year, min(f.run_id) as run_id from cur as c join first_load as f using (identity_key) group by c.year
		),
		late as (
			select c.region_code, c.year, count(*) as late_count
			from cur as c
			join first_load as f using (identity_key)
			join year_first as y on y.year = c.year
			where f.run_id > y.run_id
			group by c.region_code, c.year
		)
		select c.region_code, coalesce(c.region_name, c.region_code) as region_name, c.level, c.prefecture_code, c.prefecture_name,
			c.year, c.reported, c.basis, c.report_count, c.incomplete_report_count, c.below_report_count, c.missing_body_count,
			coalesce(l.late_count, 0) as late_count
		from analytics.coverage as c
		left join late as l on l.region_code = c.region_code and l.year = c.year
		where starts_with(c.region_code, $1)
		order by c.region_code, c.year`, nonEmpty(pref, region.Code))
	if err != nil {
		return err
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
