package rollup

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"xxgk/pipeline/store"
	"xxgk/queries"
)

// ErrNoModels is returned when the warehouse was published without the analytics views.
var ErrNoModels = errors.New("仓库中没有 analytics 视图（由较早版本发布）/ the warehouse has no analytics views")

// ErrNotFound is returned for a year, division or measure the warehouse does not hold; the
// message lists what it holds.
var ErrNotFound = errors.New("not in the warehouse")

// Reader is a read-only session on the published warehouse (a store.Session): it never blocks
// an ingest run, and the connection refuses every write.
type Reader struct {
	*store.Session
}

// Open opens the published warehouse at path read-only (store.OpenSession, default options).
func Open(ctx context.Context, path string) (*Reader, error) {
	s, err := store.OpenSession(ctx, path, store.SessionOptions{})
	if err != nil {
		return nil, err
	}
	return New(s), nil
}

// New reads through a session the caller opened (with its own options); closing the Reader
// closes the session.
func New(s *store.Session) *Reader { return &Reader{Session: s} }

// Table is a query result: column names, DuckDB type names and rows of driver values.
type Table = store.Rows

// Query runs one statement and returns its rows. Write statements fail on the read-only
// connection; Query says so clearly (see ErrReadOnly).
func (r *Reader) Query(ctx context.Context, q string, args ...any) (*Table, error) {
	t, err := r.Session.Query(ctx, q, args...)
	if err != nil {
		return nil, readOnlyHint(err)
	}
	return t, nil
}

// ErrReadOnly wraps DuckDB's refusal of a write statement.
var ErrReadOnly = errors.New("只读：仓库以只读方式打开，不能执行写入语句 / read-only: the warehouse is opened read-only, write statements are refused")

func readOnlyHint(err error) error {
	if strings.Contains(err.Error(), "read-only mode") || strings.Contains(err.Error(), "in read-only mode") {
		return fmt.Errorf("%w\n%v", ErrReadOnly, err)
	}
	return err
}

// HasModels reports whether the warehouse holds the analytics views.
func (r *Reader) HasModels(ctx context.Context) (bool, error) {
	n, err := store.QueryValue[int64](ctx, r.Session, `select count(*) from duckdb_views() where schema_name = 'analytics'`)
	return n > 0, err
}

func (r *Reader) requireModels(ctx context.Context) error {
	ok, err := r.HasModels(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: run `xxgk views --refresh --db %s` (or ingest again)", ErrNoModels, r.Path())
	}
	return nil
}

// Years returns the years with reports of record.
func (r *Reader) Years(ctx context.Context) ([]int, error) {
	return store.QueryColumn[int](ctx, r.Session, `select distinct year from analytics.region_years order by year`)
}

func (r *Reader) checkYear(ctx context.Context, years ...int) error {
	have, err := r.Years(ctx)
	if err != nil {
		return err
	}
	for _, y := range years {
		found := false
		for _, h := range have {
			found = found || h == y
		}
		if !found {
			s := make([]string, len(have))
			for i, h := range have {
				s[i] = strconv.Itoa(h)
			}
			if len(s) == 0 {
				return fmt.Errorf("%w: no report for %d; the warehouse holds no report of record", ErrNotFound, y)
			}
			return fmt.Errorf("%w: no report for %d; years in the warehouse: %s", ErrNotFound, y, strings.Join(s, ", "))
		}
	}
	return nil
}

// checkRegion accepts a division code with reports of record (province, prefecture or county).
func (r *Reader) checkRegion(ctx context.Context, code string) error {
	if code == "" {
		return nil
	}
	n, err := store.QueryValue[int64](ctx, r.Session, `select count(*) from analytics.region_years where region_code = ?`, code)
	if err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	what := "unknown division code " + code
	reg, err := store.Select[regionRow](ctx, r.Session, `where code = ?`, code)
	if err != nil {
		return err
	}
	if len(reg) > 0 {
		what = fmt.Sprintf("no report of record for %s %s (%s)", code, reg[0].Name, reg[0].Level)
	}
	have, err := store.QueryAll[regionName](ctx, r.Session, `select distinct region_code, region_name from analytics.region_years
		where level in ('province', 'prefecture') order by region_code`)
	if err != nil {
		return err
	}
	var list []string
	for _, h := range have {
		name := ""
		if h.RegionName != nil {
			name = *h.RegionName
		}
		list = append(list, h.RegionCode+" "+name)
	}
	return fmt.Errorf("%w: %s; provinces and prefectures with reports: %s", ErrNotFound, what, strings.Join(list, ", "))
}

// Levels of the rollups.
var Levels = []string{"province", "prefecture", "county"}

func checkLevel(level string) error {
	for _, l := range Levels {
		if l == level {
			return nil
		}
	}
	return fmt.Errorf("level %q: want province, prefecture or county", level)
}

// RollupColumns are the columns `xxgk rollup` shows by default (after the code, the name and
// the basis).
var RollupColumns = []string{"report_count", "requests_count", "handled_count", "granted_count", "partially_granted_count",
	"withheld_count", "disclosure_rate", "withheld_rate", "review_count", "review_correction_rate", "litigation_count",
	"litigation_correction_rate"}

// OwnColumns are the own bodies' part (省直部门合计 / 市本级合计) `xxgk rollup` shows by default
// for provinces and prefectures, after RollupColumns: a province's figure is its own bodies'
// part plus its prefectures' figures, a prefecture's its own plus its counties'.
var OwnColumns = []string{"counted_report_count", "own_report_count", "own_requests_count", "own_handled_count"}

// Rollup returns one level's rollup for a year: every division of the level, or those within
// (or containing) region, ordered by code. Each division is counted once (basis: its
// consolidated report, or its own bodies plus its child divisions' figures). all selects every
// column of the view.
func (r *Reader) Rollup(ctx context.Context, level string, year int, region string, all bool) (*Table, error) {
	if err := checkLevel(level); err != nil {
		return nil, err
	}
	if err := r.requireModels(ctx); err != nil {
		return nil, err
	}
	if err := r.checkYear(ctx, year); err != nil {
		return nil, err
	}
	if err := r.checkRegion(ctx, region); err != nil {
		return nil, err
	}
	codeCol := level + "_code"
	cols := "*"
	if !all {
		sel := append([]string{codeCol, level + "_name", "basis"}, RollupColumns...)
		if level != "county" {
			sel = append(sel, OwnColumns...)
		}
		cols = strings.Join(sel, ", ")
	}
	q := fmt.Sprintf(`select %s from analytics.%s_years where year = ? and (starts_with(%s, ?) or starts_with(?, %s)) order by %s`,
		cols, level, codeCol, codeCol, codeCol)
	return r.Query(ctx, q, year, region, region)
}

// CompareOptions select what Compare shows.
type CompareOptions struct {
	From, To int
	Level    string
	Region   string   // division code prefix ("" for all)
	Measures []string // measures of analytics.region_measures (default requests_count, disclosure_rate)
	Top      int      // largest movers per measure (0: none)
}

// Compare returns the two years side by side (reports/compare.sql), in both forms — all the
// reports of each year and like for like (lfl_*: the units that reported in both years) — and,
// with Top > 0, the largest movers of each measure by the absolute like-for-like difference (a
// division whose units merely started or stopped reporting is not a mover).
func (r *Reader) Compare(ctx context.Context, o CompareOptions) (all, movers *Table, err error) {
	if o.Level == "" {
		o.Level = "county"
	}
	if len(o.Measures) == 0 {
		o.Measures = []string{"requests_count", "disclosure_rate"}
	}
	if err := checkLevel(o.Level); err != nil {
		return nil, nil, err
	}
	if err := r.requireModels(ctx); err != nil {
		return nil, nil, err
	}
	if err := r.checkYear(ctx, o.From, o.To); err != nil {
		return nil, nil, err
	}
	if err := r.checkRegion(ctx, o.Region); err != nil {
		return nil, nil, err
	}
	known, err := r.Measures(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, m := range o.Measures {
		if sort.SearchStrings(known, m) >= len(known) || known[sort.SearchStrings(known, m)] != m {
			return nil, nil, fmt.Errorf("%w: measure %q; measures: %s", ErrNotFound, m, strings.Join(known, ", "))
		}
	}
	q, err := queries.Report("compare")
	if err != nil {
		return nil, nil, err
	}
	all, err = r.Query(ctx, q, o.From, o.To, o.Level, o.Region, strings.Join(o.Measures, ","))
	if err != nil {
		return nil, nil, err
	}
	if o.Top > 0 {
		movers, err = r.Query(ctx, `select * from (`+q+`) where lfl_delta is not null
			qualify row_number() over (partition by measure order by abs(lfl_delta) desc, region_code) <= $6
			order by measure, abs(lfl_delta) desc, region_code`, o.From, o.To, o.Level, o.Region, strings.Join(o.Measures, ","), o.Top)
		if err != nil {
			return nil, nil, err
		}
	}
	return all, movers, nil
}

// Measures returns the measure names of analytics.region_measures.
func (r *Reader) Measures(ctx context.Context) ([]string, error) {
	if err := r.requireModels(ctx); err != nil {
		return nil, err
	}
	return store.QueryColumn[string](ctx, r.Session, `select distinct measure from analytics.region_measures order by measure`)
}

// CoverageOptions select what Coverage and MissingBodies show.
type CoverageOptions struct {
	Year   int
	Region string // division code prefix ("" for all)
	Level  string // province, prefecture or county ("" for every level)
}

// Coverage returns analytics.coverage for a year (within region, at a level or all): every
// division the registry expects, whether its own bodies reported, its reports by scope, the
// reports below it and its bodies that stopped reporting; ordered by code (a province, then
// each prefecture followed by its counties).
func (r *Reader) Coverage(ctx context.Context, o CoverageOptions) (*Table, error) {
	if o.Level != "" {
		if err := checkLevel(o.Level); err != nil {
			return nil, err
		}
	}
	if err := r.requireModels(ctx); err != nil {
		return nil, err
	}
	if err := r.checkYear(ctx, o.Year); err != nil {
		return nil, err
	}
	if err := r.checkRegion(ctx, o.Region); err != nil {
		return nil, err
	}
	return r.Query(ctx, `select `+selectList[Coverage]()+` from analytics.coverage
		where year = ? and starts_with(region_code, ?) and (? = '' or level = ?) order by region_code`, o.Year, o.Region, o.Level, o.Level)
}

// MissingBodies returns analytics.missing_reports for a year (within region, at a level or
// all): the bodies that reported in an earlier year and not this one.
func (r *Reader) MissingBodies(ctx context.Context, o CoverageOptions) (*Table, error) {
	return r.Query(ctx, `select `+selectList[MissingBody]()+` from analytics.missing_reports
		where year = ? and starts_with(region_code, ?) and (? = '' or level = ?) order by region_code, body`,
		o.Year, o.Region, o.Level, o.Level)
}

// CompetingFiles returns, for a year (within region), the files of the reports that several
// files claim (analytics.report_versions, re-readings by a newer parser left out): the report
// of record first, then the others with why each was not chosen. Nil when the warehouse
// predates the view.
func (r *Reader) CompetingFiles(ctx context.Context, year int, region string) (*Table, error) {
	n, err := store.QueryValue[int64](ctx, r.Session, `select count(*) from duckdb_views() where database_name = current_database()
		and schema_name = 'analytics' and view_name = 'report_versions'`)
	if err != nil || n == 0 {
		return nil, err
	}
	return r.Query(ctx, `select `+selectList[CompetingFile]()+` from analytics.report_versions
		where year = ? and starts_with(county_code, ?) and competing_count > 1 and choice <> 'reread'
		order by county_code, body, is_current desc, source_path`, year, region)
}

// ChecksOptions filter Checks.
type ChecksOptions struct {
	Year   int    // 0: every year
	Rule   string // R1…R8, "" for all
	Region string // the bodies of the divisions within this code (21: provincial departments too)
}

// Checks returns analytics.rule_violations filtered.
func (r *Reader) Checks(ctx context.Context, o ChecksOptions) (*Table, error) {
	if err := r.requireModels(ctx); err != nil {
		return nil, err
	}
	if o.Year != 0 {
		if err := r.checkYear(ctx, o.Year); err != nil {
			return nil, err
		}
	}
	if err := r.checkRegion(ctx, o.Region); err != nil {
		return nil, err
	}
	if o.Rule != "" {
		o.Rule = strings.ToUpper(o.Rule)
		if len(o.Rule) != 2 || o.Rule[0] != 'R' || o.Rule[1] < '1' || o.Rule[1] > '8' {
			return nil, fmt.Errorf("rule %q: want R1 … R8", o.Rule)
		}
	}
	return r.Query(ctx, `select `+selectList[Violation]()+` from analytics.rule_violations
		where (? = 0 or year = ?) and (? = '' or rule = ?) and starts_with(region_code, ?)
		order by region_code, year, body, rule, seq`, o.Year, o.Year, o.Rule, o.Rule, o.Region)
}

// ProblemsOptions filter Problems.
type ProblemsOptions struct {
	Year   int    // 0: every year (files without a year too)
	Kind   string // violation, incomplete, failed; "" for all
	Region string // divisions within this code ("" also lists files without a region)
	All    bool   // also the readings of files replaced since (latest_reading false)
}

// Problems returns analytics.problems filtered: every problem to review with its id for xxgk
// ack and whether it was acknowledged.
func (r *Reader) Problems(ctx context.Context, o ProblemsOptions) (*Table, error) {
	if err := r.requireModels(ctx); err != nil {
		return nil, err
	}
	return r.Query(ctx, `select `+selectList[Problem]()+` from analytics.problems
		where (? = 0 or year = ?) and (? = '' or kind = ?) and (? = '' or starts_with(region_code, ?)) and (? or latest_reading)
		order by kind, region_code, year, path, problem_id`, o.Year, o.Year, o.Kind, o.Kind, o.Region, o.Region, o.All)
}

// View describes one view or table of the warehouse (DuckDB's catalogue).
type View struct {
	_       struct{} `query:"duckdb_views(), duckdb_tables()"`
	Schema  string   `col:"schema_name"`
	Name    string   `col:"name"`
	Kind    string   `col:"kind"` // view or table
	Comment string   `col:"comment"`
	Columns []ViewColumn
}

// ViewColumn is one column of a View.
type ViewColumn struct {
	_       struct{} `query:"duckdb_columns()"`
	Name    string   `col:"column_name"`
	Type    string   `col:"data_type"`
	Comment string   `col:"comment"`
}

// Views lists the views (and, with tables, the tables) of the given schemas with their
// comments and columns, ordered by schema and name.
func (r *Reader) Views(ctx context.Context, schemas []string, tables bool) ([]View, error) {
	q := `select schema_name, view_name as name, 'view' as kind, coalesce(comment, '') as comment from duckdb_views()
		where not internal and database_name = current_database()`
	if tables {
		q += ` union all select schema_name, table_name, 'table', coalesce(comment, '') from duckdb_tables() where database_name = current_database()`
	}
	out, err := store.QueryAll[View](ctx, r.Session, `select * from (`+q+`) where list_contains(string_split(?, ','), schema_name) order by 1, 2`,
		strings.Join(schemas, ","))
	if err != nil {
		return nil, err
	}
	for i := range out {
		v := &out[i]
		v.Columns, err = store.QueryAll[ViewColumn](ctx, r.Session, `select column_name, data_type, coalesce(comment, '') as comment
			from duckdb_columns() where database_name = current_database() and schema_name = ? and table_name = ? order by column_index`,
			v.Schema, v.Name)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
