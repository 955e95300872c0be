package serve

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"xxgk/pipeline/export"
	"xxgk/pipeline/rollup"
	"xxgk/pipeline/store"
)

// The compare page sets two years side by side at a chosen level within a province or
// prefecture (queries/reports/compare.sql, through rollup.Reader.Compare, as xxgk compare):
// every division's value in each year, the difference (percentage points for rates), the %
// change for counts, and the largest movers up and down.

// compareRow is one division and measure of reports/compare.
type compareRow struct {
	_           struct{} `query:"reports/compare"`
	Code        string   `col:"region_code"`
	Name        string   `col:"region_name"`
	Measure     string   `col:"measure"`
	Kind        string   `col:"kind"`
	From        *float64 `col:"value_from"`
	To          *float64 `col:"value_to"`
	Delta       *float64 `col:"delta"`
	Pct         *float64 `col:"pct"`
	RankFrom    *int64   `col:"rank_from"`
	RankTo      *int64   `col:"rank_to"`
	SeriesBreak bool     `col:"series_break"`
	BasisFrom   *string  `col:"basis_from"`
	BasisTo     *string  `col:"basis_to"`
	// like for like: the same bodies (and divisions counted whole) in both years
	LflFrom           *float64 `col:"lfl_from"`
	LflTo             *float64 `col:"lfl_to"`
	LflDelta          *float64 `col:"lfl_delta"`
	LflPct            *float64 `col:"lfl_pct"`
	LflCountyCount    *int64   `col:"lfl_county_count"`
	NewCountyCount    *int64   `col:"new_county_count"`
	GoneCountyCount   *int64   `col:"gone_county_count"`
	LflBodyCount      *int64   `col:"lfl_body_count"`
	NewBodyCount      *int64   `col:"new_body_count"`
	GoneBodyCount     *int64   `col:"gone_body_count"`
	LflWholeCount     *int64   `col:"lfl_whole_count"`
	NewWholeCount     *int64   `col:"new_whole_count"`
	GoneWholeCount    *int64   `col:"gone_whole_count"`
	BasisChangedCount *int64   `col:"basis_changed_count"`
}

// LflChange formats the like-for-like difference (percentage points for a rate).
func (r compareRow) LflChange() string {
	if r.LflDelta == nil {
		return "—"
	}
	if r.Kind == "rate" {
		d := *r.LflDelta / 100
		return fmtPP(&d)
	}
	return fmtDelta(r.LflDelta)
}

// LflNote says what the like-for-like figure leaves out.
func (r compareRow) LflNote() string {
	n := func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	}
	return fmt.Sprintf("两年都报送的机关 %d 个（新增 %d、不再报送 %d），按汇总报告计的区划 %d 个（新增 %d、不再 %d）",
		n(r.LflBodyCount), n(r.NewBodyCount), n(r.GoneBodyCount), n(r.LflWholeCount), n(r.NewWholeCount), n(r.GoneWholeCount))
}

// BasisChanged reports whether the division was counted differently in the two years (its
// consolidated report one year, its bodies the other): worth a look before reading the change.
func (r compareRow) BasisChanged() bool {
	return r.BasisFrom != nil && r.BasisTo != nil && *r.BasisFrom != *r.BasisTo
}

// Value formats one of the two values: a rate as a percentage, a count with separators.
func (r compareRow) Value(v *float64) string {
	if r.Kind == "rate" {
		return fmtRate(v)
	}
	return fmtNumber(v)
}

// Change formats the difference: percentage points for a rate.
func (r compareRow) Change() string {
	if r.Delta == nil {
		if r.SeriesBreak {
			return "口径变化"
		}
		return "—"
	}
	if r.Kind == "rate" {
		d := *r.Delta / 100 // compare.sql gives rate differences ×100 already
		return fmtPP(&d)
	}
	return fmtDelta(r.Delta)
}

// Up reports the direction of the change: 1, -1 or 0.
func (r compareRow) Up() int {
	switch {
	case r.Delta == nil:
		return 0
	case *r.Delta > 0:
		return 1
	case *r.Delta < 0:
		return -1
	}
	return 0
}

type compareBody struct {
	From, To       int
	Years          []int
	Level          string
	Region         division
	Areas          []division
	Measure        string
	Measures       []string
	Rows           []compareRow
	Up, Down       []compareRow
	MeasureLabel   string
	IsRate         bool
	Top            int
	PrefectureName string
}

func fmtNumber(v *float64) string {
	if v == nil {
		return "—"
	}
	if *v == float64(int64(*v)) {
		return fmtCount(int64(*v))
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

func (s *Server) compare(q *req) error {
	c, err := q.basic()
	if err != nil {
		return err
	}
	b := compareBody{Years: c.years, Areas: c.areas, Top: 10}
	if len(c.years) == 0 {
		return notFound("仓库中没有汇总依据的报告 / no report of record")
	}
	last := c.years[len(c.years)-1]
	prev := last
	if len(c.years) > 1 {
		prev = c.years[len(c.years)-2]
	}
	if b.To, err = intParam(q, "to", last); err != nil {
		return err
	}
	if b.From, err = intParam(q, "from", prev); err != nil {
		return err
	}
	for _, y := range []int{b.From, b.To} {
		if !slices.Contains(c.years, y) {
			return notFound("%d 年不在仓库中；仓库中的年度：%s / no report for %d; years in the warehouse: %s", y, yearList(c.years), y, yearList(c.years))
		}
	}
	if b.Level, err = oneOf(q, "level", "county", "province", "prefecture", "county"); err != nil {
		return err
	}
	if b.Region, err = q.regionParam("region", "province", "prefecture"); err != nil {
		return err
	}
	reader := rollup.New(q.session()) // not closed: the session is the request's
	if b.Measures, err = reader.Measures(q.ctx()); err != nil {
		return err
	}
	if b.Measure, err = oneOf(q, "measure", "requests_count", b.Measures...); err != nil {
		return err
	}
	if b.Rows, err = q.compareRows(reader, rollup.CompareOptions{From: b.From, To: b.To, Level: b.Level, Region: b.Region.Code,
		Measures: []string{b.Measure}}); err != nil {
		return err
	}
	b.MeasureLabel = export.Label("analytics.region_years", b.Measure)
	for _, r := range b.Rows {
		b.IsRate = b.IsRate || r.Kind == "rate"
		switch r.Up() {
		case 1:
			b.Up = append(b.Up, r)
		case -1:
			b.Down = append(b.Down, r)
		}
	}
	sort.SliceStable(b.Up, func(i, j int) bool { return *b.Up[i].Delta > *b.Up[j].Delta })
	sort.SliceStable(b.Down, func(i, j int) bool { return *b.Down[i].Delta < *b.Down[j].Delta })
	if len(b.Up) > b.Top {
		b.Up = b.Up[:b.Top]
	}
	if len(b.Down) > b.Top {
		b.Down = b.Down[:b.Top]
	}
	s.render(q, "compare", "比较", "compare", b)
	return nil
}

// compareRows runs reports/compare once per version and choice of years, level, region and
// measure (its like-for-like part reads analytics.like_for_like, which compares every unit of
// the two years at each query: about a second on a million reports), and keeps the result.
func (q *req) compareRows(reader *rollup.Reader, o rollup.CompareOptions) ([]compareRow, error) {
	c := &q.l.g.cache
	key := fmt.Sprintf("%d|%d|%s|%s|%s", o.From, o.To, o.Level, o.Region, strings.Join(o.Measures, ","))
	c.compareMu.Lock()
	if c.compares == nil || len(c.compares) >= maxCompares {
		c.compares = map[string]*lazy[[]compareRow]{}
	}
	l := c.compares[key]
	if l == nil {
		l = &lazy[[]compareRow]{}
		c.compares[key] = l
	}
	c.compareMu.Unlock()
	return l.get(q.ctx(), func(ctx context.Context) ([]compareRow, error) {
		all, _, err := reader.Compare(ctx, o)
		if errors.Is(err, rollup.ErrNotFound) {
			return nil, notFound("%s", err.Error())
		}
		if err != nil {
			return nil, err
		}
		return store.ScanAll[compareRow](all)
	})
}

const maxCompares = 64
