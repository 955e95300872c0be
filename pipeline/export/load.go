package export

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"xxgk/pipeline/store"
	"xxgk/queries"
	"xxgk/schemas"
)

// Region is the province or prefecture summarised.
type Region struct {
	Code, Name, Level string // level: province or prefecture
	ProvinceCode      string
	ProvinceName      string
}

// Whole is how the draft sentences name the region as a whole: 全省, 全市, 全州 …
func (r Region) Whole() string {
	for _, s := range []struct{ suffix, word string }{{"自治区", "全区"}, {"特别行政区", "全区"}, {"省", "全省"},
		{"地区", "全地区"}, {"自治州", "全州"}, {"州", "全州"}, {"盟", "全盟"}, {"市", "全市"}} {
		if strings.HasSuffix(r.Name, s.suffix) {
			return s.word
		}
	}
	return "全" + r.Name
}

// Val is a nullable figure as shown: a count (exact int64), a table 2 value (exact
// schemas.Dec) or a fraction or change (float64: the rates and year-over-year values, which the
// views compute as DOUBLE). V is the value as a float for charts, comparisons and sorting;
// fmtNum and the workbook print counts and decimals from their exact value.
type Val struct {
	V    float64
	OK   bool // false: NULL, shown as —
	kind valKind
	i    int64
	d    schemas.Dec
}

type valKind uint8

const (
	valFloat valKind = iota
	valInt
	valDec
)

// countVal is a count.
func countVal(n int64) Val { return Val{V: float64(n), OK: true, kind: valInt, i: n} }

// count is a nullable count column.
func count(p *int64) Val {
	if p == nil {
		return Val{}
	}
	return countVal(*p)
}

// dec is a nullable exact decimal column.
func dec(p *schemas.Dec) Val {
	if p == nil {
		return Val{}
	}
	return Val{V: p.Float(), OK: true, kind: valDec, d: *p}
}

// rate is a nullable DOUBLE column (a rate or a year-over-year value); NaN is shown as NULL.
func rate(p *float64) Val {
	if p == nil || math.IsNaN(*p) {
		return Val{}
	}
	return Val{V: *p, OK: true}
}

// RunInfo is the last ingest run of the warehouse.
type RunInfo struct {
	ID       int64
	Finished time.Time
	Version  string
	Parser   string
	Status   string
}

// Table2Block is table 2 of one template summed over the counted reports in that template.
type Table2Block struct {
	Format  schemas.Format
	Reports int                       // counted reports in this template
	Values  map[string]map[string]Val // item → measure → sum
}

// Summary is everything an export shows, read once from the analytics views.
type Summary struct {
	Region    Region
	Year      int
	Generated time.Time
	Version   string
	DB        string
	Run       RunInfo

	Cur   *RegionYear  // analytics.region_years of the region, this year
	Prev  *RegionYear  // the same, last year (nil if none)
	Trend []RegionYear // analytics.region_years of the region, every year
	// Children is analytics.region_years of the prefectures and counties within, this year.
	Children []RegionYear
	// Own is analytics.own_body_years of the region and the divisions within, this year: the
	// part of each figure its own bodies make up (省直部门合计, 市本级合计).
	Own []OwnBodyYear
	// Formats counts the reports the region's figure counts, by template
	// (analytics.region_years gb2019_report_count, gb2021_report_count).
	Formats map[schemas.Format]int
	Table3  map[string][7]Val // row key → the seven applicant columns (analytics.region_table3)
	Table4  map[string][5]Val // group key → the five outcomes (analytics.region_table4)
	Table2  []Table2Block     // analytics.region_table2, gb2021 first
	YoY     []YoY             // analytics.region_yoy of the region and the divisions within, this year
	// Coverage is analytics.coverage (every expected division of every level within the
	// region, its own bodies reported or not); Missing the bodies of every level that reported
	// in an earlier year and not this year (analytics.missing_reports).
	Coverage   []Coverage
	Missing    []MissingReport
	Violations []Violation // analytics.rule_violations within the region, this year
}

// Load reads the summary of a province or prefecture for a year.
func Load(ctx context.Context, s *store.Session, region string, year int) (*Summary, error) {
	wrap := func(err error) error { return fmt.Errorf("export: %w", err) }
	views, err := store.QueryValue[int64](ctx, s, `select count(*) from duckdb_views() where schema_name = 'analytics' and view_name = 'region_table3'`)
	if err != nil {
		return nil, wrap(err)
	}
	if views == 0 {
		return nil, fmt.Errorf("export: the warehouse %s has no analytics.region_table3 view (published by an older xxgk): run `xxgk views --refresh --db %s` or ingest again", s.Path(), s.Path())
	}
	reg, err := store.Select[regionRow](ctx, s, `where code = ?`, region)
	if err != nil {
		return nil, wrap(err)
	}
	if len(reg) == 0 || (reg[0].Level != "province" && reg[0].Level != "prefecture") {
		what := "unknown division code " + region
		if len(reg) > 0 {
			what = fmt.Sprintf("%s %s is a %s", region, reg[0].Name, reg[0].Level)
		}
		have, err := store.QueryAll[regionName](ctx, s, `select distinct region_code, region_name from analytics.region_years
			where level in ('province', 'prefecture') order by region_code`)
		if err != nil {
			return nil, wrap(err)
		}
		var list []string
		for _, h := range have {
			list = append(list, h.RegionCode+" "+text(h.RegionName))
		}
		return nil, fmt.Errorf("%w: %s; export a province or a prefecture: %s", ErrNotFound, what, strings.Join(list, ", "))
	}
	sum := &Summary{Year: year, DB: s.Path(), Formats: map[schemas.Format]int{}, Table3: map[string][7]Val{}, Table4: map[string][5]Val{},
		Region: Region{Code: region, Name: reg[0].Name, Level: reg[0].Level, ProvinceCode: reg[0].ProvinceCode,
			ProvinceName: reg[0].ProvinceName}}

	if sum.Trend, err = store.Select[RegionYear](ctx, s, `where region_code = ? order by year`, region); err != nil {
		return nil, wrap(err)
	}
	var years []string
	for i := range sum.Trend {
		t := &sum.Trend[i]
		years = append(years, strconv.Itoa(t.Year))
		switch t.Year {
		case year:
			sum.Cur = t
		case year - 1:
			sum.Prev = t
		}
	}
	if sum.Cur == nil {
		if len(years) == 0 {
			return nil, fmt.Errorf("%w: no report of record for %s %s", ErrNotFound, region, sum.Region.Name)
		}
		return nil, fmt.Errorf("%w: no report for %s %s in %d; years in the warehouse: %s", ErrNotFound, region, sum.Region.Name, year, strings.Join(years, ", "))
	}
	if sum.Children, err = store.Select[RegionYear](ctx, s, `where year = ? and starts_with(region_code, ?) and region_code <> ?
		and level in ('prefecture', 'county') order by region_code`, year, region, region); err != nil {
		return nil, wrap(err)
	}
	if sum.Own, err = store.Select[OwnBodyYear](ctx, s, `where year = ? and starts_with(region_code, ?) order by region_code`,
		year, region); err != nil {
		return nil, wrap(err)
	}
	sum.Formats[schemas.FormatGB2019] = int(sum.Cur.GB2019ReportCount)
	sum.Formats[schemas.FormatGB2021] = int(sum.Cur.GB2021ReportCount)
	t3, err := store.Select[table3Row](ctx, s, `where region_code = ? and year = ?`, region, year)
	if err != nil {
		return nil, wrap(err)
	}
	for i := range t3 {
		sum.Table3[t3[i].RowKey] = t3[i].values()
	}
	t4, err := store.Select[table4Row](ctx, s, `where region_code = ? and year = ?`, region, year)
	if err != nil {
		return nil, wrap(err)
	}
	for i := range t4 {
		sum.Table4[t4[i].GroupKey] = t4[i].values()
	}
	t2, err := store.Select[table2Row](ctx, s, `where region_code = ? and year = ?`, region, year)
	if err != nil {
		return nil, wrap(err)
	}
	for _, f := range []schemas.Format{schemas.FormatGB2021, schemas.FormatGB2019} {
		b := Table2Block{Format: f, Reports: sum.Formats[f], Values: map[string]map[string]Val{}}
		for _, r := range t2 {
			if schemas.Format(r.Format) != f {
				continue
			}
			if b.Values[r.Item] == nil {
				b.Values[r.Item] = map[string]Val{}
			}
			b.Values[r.Item][r.Measure] = dec(r.Value)
		}
		if b.Reports > 0 {
			sum.Table2 = append(sum.Table2, b)
		}
	}
	if sum.YoY, err = store.Select[YoY](ctx, s, `where year = ? and starts_with(region_code, ?) order by region_code, measure`,
		year, region); err != nil {
		return nil, wrap(err)
	}
	if sum.Coverage, err = store.Select[Coverage](ctx, s, `where year = ? and starts_with(region_code, ?) order by region_code`,
		year, region); err != nil {
		return nil, wrap(err)
	}
	if sum.Missing, err = store.Select[MissingReport](ctx, s, `where year = ? and starts_with(region_code, ?) order by region_code, body`,
		year, region); err != nil {
		return nil, wrap(err)
	}
	if sum.Violations, err = store.Select[Violation](ctx, s, `where year = ? and starts_with(region_code, ?)
		order by region_code, body, rule, seq`, year, region); err != nil {
		return nil, wrap(err)
	}
	run, err := store.Select[ingestRun](ctx, s, `order by run_id desc limit 1`)
	if err != nil {
		return nil, wrap(err)
	}
	if len(run) > 0 {
		sum.Run = RunInfo{ID: run[0].RunID, Finished: run[0].FinishedAt, Version: run[0].XXGKVersion, Parser: run[0].ParserVersion,
			Status: run[0].Status}
	}
	return sum, nil
}

var (
	labelsOnce sync.Once
	viewLabels map[string]string // view.column → label
)

// Label returns the Chinese label of a column of an analytics view (its sidecar), or the
// name.
func Label(view, col string) string {
	labelsOnce.Do(func() {
		viewLabels = map[string]string{}
		models, err := queries.Models()
		if err != nil {
			return
		}
		for _, m := range models {
			for _, c := range m.Meta.Columns {
				viewLabels[m.Name+"."+c.Name] = c.Label
			}
		}
	})
	if l, ok := viewLabels[view+"."+col]; ok {
		return l
	}
	return col
}

// Prefectures and Counties filter Children.
func (s *Summary) Prefectures() []RegionYear { return s.level("prefecture") }

// Counties returns the counties within the region, this year, by code.
func (s *Summary) Counties() []RegionYear { return s.level("county") }

// OwnOf returns the own bodies' part of a division's figure (analytics.own_body_years), nil
// when its figure counts none of its own bodies.
func (s *Summary) OwnOf(code string) *OwnBodyYear {
	for i := range s.Own {
		if s.Own[i].RegionCode == code {
			return &s.Own[i]
		}
	}
	return nil
}

// InTotal reports whether a division's figure within the region is part of the region's
// figure: every division above it, up to the region, sums its children (basis bodies) — a
// county under a prefecture counted from its consolidated report (全市汇总) is not added again.
func (s *Summary) InTotal(code string) bool {
	rec := map[string]*RegionYear{s.Region.Code: s.Cur}
	for i := range s.Children {
		rec[s.Children[i].RegionCode] = &s.Children[i]
	}
	r := rec[code]
	for r != nil && r.RegionCode != s.Region.Code {
		p := rec[text(r.ParentCode)]
		if p == nil || p.Basis == "area" {
			return false
		}
		r = p
	}
	return r != nil
}

func (s *Summary) level(l string) []RegionYear {
	var out []RegionYear
	for _, c := range s.Children {
		if c.Level == l {
			out = append(out, c)
		}
	}
	return out
}

// Format returns the template the summed tables are laid out in: gb2021 when any counted
// report used it, else gb2019.
func (s *Summary) Format() schemas.Format {
	if s.Formats[schemas.FormatGB2021] > 0 || s.Formats[schemas.FormatGB2019] == 0 {
		return schemas.FormatGB2021
	}
	return schemas.FormatGB2019
}
