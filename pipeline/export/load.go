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

// Val is a nullable number read from the warehouse (SQL NULL: OK false).
type Val struct {
	V  float64
	OK bool
}

// Record is one row of a view, by column name.
type Record map[string]any

// Str returns a column as text ("" for NULL).
func (r Record) Str(col string) string { return str(r[col]) }

// Num returns a numeric column.
func (r Record) Num(col string) Val { return num(r[col]) }

// Bool returns a boolean column (false for NULL).
func (r Record) Bool(col string) bool { b, _ := r[col].(bool); return b }

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

	Cur, Prev Record   // analytics.region_years of the region, this year and last (Prev nil if none)
	Trend     []Record // analytics.region_years of the region, every year
	Children  []Record // analytics.region_years of the prefectures and counties within, this year
	// Own is analytics.own_body_years of the region and the divisions within, this year: the
	// part of each figure its own bodies make up (省直部门合计, 市本级合计).
	Own []Record
	// Formats counts the reports the region's figure counts, by template
	// (analytics.region_years gb2019_report_count, gb2021_report_count).
	Formats map[schemas.Format]int
	Table3  map[string][7]Val // row key → the seven applicant columns (analytics.region_table3)
	Table4  map[string][5]Val // group key → the five outcomes (analytics.region_table4)
	Table2  []Table2Block     // analytics.region_table2, gb2021 first
	YoY     []Record          // analytics.region_yoy of the region and the divisions within, this year
	// Coverage is analytics.coverage (every expected division of every level within the
	// region, its own bodies reported or not); Missing the bodies of every level that reported
	// in an earlier year and not this year (analytics.missing_reports).
	Coverage   []Record
	Missing    []Record
	Violations []Record // analytics.rule_violations within the region, this year
}

// Load reads the summary of a province or prefecture for a year.
func Load(ctx context.Context, s *store.Session, region string, year int) (*Summary, error) {
	q := func(sql string, args ...any) ([]Record, error) {
		rows, err := s.Query(ctx, sql, args...)
		if err != nil {
			return nil, fmt.Errorf("export: %w\n%s", err, strings.TrimSpace(sql))
		}
		out := make([]Record, len(rows.Rows))
		for i, row := range rows.Rows {
			r := make(Record, len(row))
			for j, c := range rows.Columns {
				r[c] = row[j]
			}
			out[i] = r
		}
		return out, nil
	}
	views, err := q(`select count(*) as n from duckdb_views() where schema_name = 'analytics' and view_name = 'region_table3'`)
	if err != nil {
		return nil, err
	}
	if views[0].Num("n").V == 0 {
		return nil, fmt.Errorf("export: the warehouse %s has no analytics.region_table3 view (published by an older xxgk): run `xxgk views --refresh --db %s` or ingest again", s.Path(), s.Path())
	}
	reg, err := q(`select code, level, name, province_code, province_name from main.regions where code = ?`, region)
	if err != nil {
		return nil, err
	}
	if len(reg) == 0 || (reg[0].Str("level") != "province" && reg[0].Str("level") != "prefecture") {
		what := "unknown division code " + region
		if len(reg) > 0 {
			what = fmt.Sprintf("%s %s is a %s", region, reg[0].Str("name"), reg[0].Str("level"))
		}
		have, err := q(`select distinct region_code, region_name from analytics.region_years where level in ('province', 'prefecture') order by region_code`)
		if err != nil {
			return nil, err
		}
		var list []string
		for _, h := range have {
			list = append(list, h.Str("region_code")+" "+h.Str("region_name"))
		}
		return nil, fmt.Errorf("%w: %s; export a province or a prefecture: %s", ErrNotFound, what, strings.Join(list, ", "))
	}
	sum := &Summary{Year: year, DB: s.Path(), Formats: map[schemas.Format]int{}, Table3: map[string][7]Val{}, Table4: map[string][5]Val{},
		Region: Region{Code: region, Name: reg[0].Str("name"), Level: reg[0].Str("level"), ProvinceCode: reg[0].Str("province_code"),
			ProvinceName: reg[0].Str("province_name")}}

	if sum.Trend, err = q(`select * from analytics.region_years where region_code = ? order by year`, region); err != nil {
		return nil, err
	}
	var years []string
	for _, t := range sum.Trend {
		y := int(t.Num("year").V)
		years = append(years, strconv.Itoa(y))
		switch y {
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
	if sum.Children, err = q(`select * from analytics.region_years where year = ? and starts_with(region_code, ?) and region_code <> ?
		and level in ('prefecture', 'county') order by region_code`, year, region, region); err != nil {
		return nil, err
	}
	if sum.Own, err = q(`select * from analytics.own_body_years where year = ? and starts_with(region_code, ?) order by region_code`,
		year, region); err != nil {
		return nil, err
	}
	sum.Formats[schemas.FormatGB2019] = int(sum.Cur.Num("gb2019_report_count").V)
	sum.Formats[schemas.FormatGB2021] = int(sum.Cur.Num("gb2021_report_count").V)
	cols3 := schemas.Labels().Table3ColumnKeys()
	t3, err := q(`select row_key, `+strings.Join(cols3, ", ")+` from analytics.region_table3 where region_code = ? and year = ?`, region, year)
	if err != nil {
		return nil, err
	}
	for _, r := range t3 {
		var v [7]Val
		for i, c := range cols3 {
			v[i] = r.Num(c)
		}
		sum.Table3[r.Str("row_key")] = v
	}
	outs := schemas.Labels().Table4OutcomeKeys()
	t4, err := q(`select group_key, `+strings.Join(outs, ", ")+` from analytics.region_table4 where region_code = ? and year = ?`, region, year)
	if err != nil {
		return nil, err
	}
	for _, r := range t4 {
		var v [5]Val
		for i, c := range outs {
			v[i] = r.Num(c)
		}
		sum.Table4[r.Str("group_key")] = v
	}
	t2, err := q(`select format, item, measure, value from analytics.region_table2 where region_code = ? and year = ?`, region, year)
	if err != nil {
		return nil, err
	}
	for _, f := range []schemas.Format{schemas.FormatGB2021, schemas.FormatGB2019} {
		b := Table2Block{Format: f, Reports: sum.Formats[f], Values: map[string]map[string]Val{}}
		for _, r := range t2 {
			if schemas.Format(r.Str("format")) != f {
				continue
			}
			it := r.Str("item")
			if b.Values[it] == nil {
				b.Values[it] = map[string]Val{}
			}
			b.Values[it][r.Str("measure")] = r.Num("value")
		}
		if b.Reports > 0 {
			sum.Table2 = append(sum.Table2, b)
		}
	}
	if sum.YoY, err = q(`select level, region_code, region_name, measure, kind, value, value_prev, value_yoy_delta, value_yoy_pct, series_break
		from analytics.region_yoy where year = ? and starts_with(region_code, ?) order by region_code, measure`, year, region); err != nil {
		return nil, err
	}
	if sum.Coverage, err = q(`select * from analytics.coverage where year = ? and starts_with(region_code, ?) order by region_code`, year, region); err != nil {
		return nil, err
	}
	if sum.Missing, err = q(`select * from analytics.missing_reports where year = ? and starts_with(region_code, ?) order by region_code, body`, year, region); err != nil {
		return nil, err
	}
	if sum.Violations, err = q(`select * from analytics.rule_violations where year = ? and starts_with(region_code, ?)
		order by region_code, body, rule, seq`, year, region); err != nil {
		return nil, err
	}
	run, err := q(`select run_id, finished_at, xxgk_version, parser_version, status from main.ingest_runs order by run_id desc limit 1`)
	if err != nil {
		return nil, err
	}
	if len(run) > 0 {
		sum.Run = RunInfo{ID: int64(run[0].Num("run_id").V), Version: run[0].Str("xxgk_version"), Parser: run[0].Str("parser_version"),
			Status: run[0].Str("status")}
		sum.Run.Finished, _ = run[0]["finished_at"].(time.Time)
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
func (s *Summary) Prefectures() []Record { return s.level("prefecture") }

// Counties returns the counties within the region, this year, by code.
func (s *Summary) Counties() []Record { return s.level("county") }

// OwnOf returns the own bodies' part of a division's figure (analytics.own_body_years), nil
// when its figure counts none of its own bodies.
func (s *Summary) OwnOf(code string) Record {
	for _, o := range s.Own {
		if o.Str("region_code") == code {
			return o
		}
	}
	return nil
}

// InTotal reports whether a division's figure within the region is part of the region's
// figure: every division above it, up to the region, sums its children (basis bodies) — a
// county under a prefecture counted from its consolidated report (全市汇总) is not added again.
func (s *Summary) InTotal(code string) bool {
	rec := map[string]Record{s.Region.Code: s.Cur}
	for _, c := range s.Children {
		rec[c.Str("region_code")] = c
	}
	r := rec[code]
	for r != nil && r.Str("region_code") != s.Region.Code {
		p := rec[r.Str("parent_code")]
		if p == nil || p.Str("basis") == "area" {
			return false
		}
		r = p
	}
	return r != nil
}

func (s *Summary) level(l string) []Record {
	var out []Record
	for _, c := range s.Children {
		if c.Str("level") == l {
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

func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case store.Decimal:
		return x.String()
	}
	return fmt.Sprint(v)
}

func num(v any) Val {
	switch x := v.(type) {
	case nil:
		return Val{}
	case int64:
		return Val{float64(x), true}
	case int32:
		return Val{float64(x), true}
	case int:
		return Val{float64(x), true}
	case uint64:
		return Val{float64(x), true}
	case float64:
		if math.IsNaN(x) {
			return Val{}
		}
		return Val{x, true}
	case float32:
		return Val{float64(x), true}
	case store.Decimal:
		f, err := strconv.ParseFloat(x.String(), 64)
		return Val{f, err == nil}
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return Val{f, err == nil}
	}
	return Val{}
}
