package rollup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"xxgk/queries"
)

// The incremental refresh. A run that adds a few reports to a large warehouse changes only the
// figures of the divisions above them, in their year (and the year-over-year rows of that year
// and the next): rebuilding every materialised model reads every report's facts again (a minute
// and more at 1,000,000 reports). Update recomputes only the rows a run can have changed, with
// the models' own SQL — nothing is written twice. Each materialised model says in its sidecar
// how its rows depend on the reports (queries.Refresh):
//
//   - refresh: {report: report_id} — a row depends on one report's facts alone
//     (marts.report_pivots): the rows of the run's reports (ChangedTable: every version of the
//     identities the run touched) are deleted and computed again, from the facts of the run's
//     reports read in the run's delta (store.Delta) — the warehouse's fact tables are not
//     searched (that is a scan of every fact, seconds at 1,000,000 reports);
//   - refresh: {province: …, year: …} — a row of province P and year Y is computed from the
//     reports of record of P and Y alone (the counted-once rule never crosses a province or a
//     year): the rows of the province-years of the run's reports are deleted and computed
//     again over those province-years' reports;
//   - lag: 1 — a year-over-year row of Y reads Y−1: the rows of Y and Y+1 are computed again
//     from the refreshed models it reads, for the province and the years around;
//   - pair: base_year — a row compares year with base_year (the like-for-like tables: the units
//     of a division present in both years): the rows whose year or base_year is a scope year
//     are computed again from the refreshed models of every year of the province.
//
// The computation runs each model's SQL against a universe: main.<table> (a table with a
// report_id) replaced by its rows of the universe's reports, and every staging or marts model it
// reads by that model's scoped copy (a temporary table, made on first use, its SQL rewritten the
// same way), or, for a materialised model of the other kind, by the table itself, already
// refreshed (models are refreshed in build order). The scoped copy of a materialised model thus
// holds exactly the rows a full build gives for the scope; Update deletes the model's rows of
// the scope and inserts the copy's. The universes: the scope's province-years (models refreshed
// by province and year), the run's reports (per report), and for the models with a lag or a
// pair the scope's provinces in the years around the scope's, or in every year — there every
// materialised model is read as refreshed, restricted to the universe, and views are scoped.
//
// TestUpdateEqualsBuild checks, run after run, that the result equals a full build row for row.
// A full build (Build) is done instead when the warehouse's models were built from other model
// files (queries.Digest, kept in ops.model_state) or not at all, or when the region registry
// breaks what the sidecars assume (a division whose code does not start with its province's).

// ChangedTable is the temporary table (report_id bigint) the caller fills with the reports a
// run added or whose record it may have changed (every version of the identities it touched),
// before calling Update.
const ChangedTable = "refresh_changed_reports"

// UpdateStats says what Update did.
type UpdateStats struct {
	Full    bool          // every model was rebuilt (Reason says why)
	Reason  string        // why a full build
	Scope   int           // province-years refreshed
	Reports int           // reports re-pivoted (models refreshed per report)
	Rows    int64         // materialised rows written
	Took    time.Duration // time spent
}

// Update brings the models up to date after the changes listed in temp.refresh_changed_reports
// (ChangedTable), inside the caller's transaction: incrementally when it can, else by a full
// Build. It never commits. delta, when not "", is the attached database holding the run's own
// rows (store.Delta): the models refreshed per report read the facts of the run's reports there
// (a few rows) instead of searching the warehouse's fact tables for them (a scan of every fact).
func Update(ctx context.Context, conn *sql.Conn, delta string) (st UpdateStats, err error) {
	start := time.Now()
	defer func() { st.Took = time.Since(start) }()
	full := func(reason string) (UpdateStats, error) {
		st.Full, st.Reason = true, reason
		return st, Build(ctx, conn, nil)
	}
	digest, err := queries.Digest()
	if err != nil {
		return st, fmt.Errorf("rollup: %w", err)
	}
	built, err := builtDigest(ctx, conn)
	if err != nil {
		return st, err
	}
	switch {
	case built == "":
		return full("模型尚未建立 / the models were never built")
	case built != digest:
		return full("模型文件已变 / the model files changed")
	}
	var bad int64
	if err := conn.QueryRowContext(ctx, `select count(*) from main.regions where substr(code, 1, 2) <> province_code`).Scan(&bad); err != nil {
		return st, fmt.Errorf("rollup: check the regions: %w", err)
	}
	if bad > 0 {
		return full(fmt.Sprintf("%d 个区划代码不以省代码开头 / %d division codes do not start with their province's", bad, bad))
	}
	models, err := queries.Models()
	if err != nil {
		return st, fmt.Errorf("rollup: %w", err)
	}
	u := &updater{ctx: ctx, conn: conn, delta: delta, byName: map[string]*queries.Model{}, scoped: map[string]string{}, reports: map[string]bool{}}
	for _, m := range models {
		u.byName[m.Name] = m
	}
	defer func() { err = errors.Join(err, u.drop()) }()
	if err := u.temp("table refresh_scope", `select distinct province_code, year from staging.reports
		where report_id in (select report_id from temp.`+ChangedTable+`) and province_code is not null and year is not null`); err != nil {
		return st, err
	}
	if err := conn.QueryRowContext(ctx, `select count(*) from temp.refresh_scope`).Scan(&st.Scope); err != nil {
		return st, fmt.Errorf("rollup: refresh scope: %w", err)
	}
	if err := conn.QueryRowContext(ctx, `select count(*) from temp.`+ChangedTable).Scan(&st.Reports); err != nil {
		return st, fmt.Errorf("rollup: refresh scope: %w", err)
	}
	if st.Reports == 0 {
		return st, nil
	}
	// the province-years' reports (current versions: what every staging model reads); the
	// years as constants, which DuckDB pushes down to the scan of the reports
	years, err := u.years()
	if err != nil {
		return st, err
	}
	if err := u.temp("table refresh_reports", `select report_id from staging.reports
		where year in (`+years+`) and (province_code, year) in (select province_code, year from temp.refresh_scope)`); err != nil {
		return st, err
	}
	// the run's reports whose facts are not in the delta: current again without being loaded
	// by the run (rare: a newer reading of their replacement's bytes failed)
	fallback := "select report_id from temp." + ChangedTable
	if delta != "" {
		fallback = `select report_id from main.reports where is_current and report_id in (select report_id from temp.` + ChangedTable + `)
			and report_id not in (select report_id from ` + delta + `.reports)`
	}
	if err := u.temp("table refresh_fallback", fallback); err != nil {
		return st, err
	}
	if err := conn.QueryRowContext(ctx, `select count(*) from temp.refresh_fallback`).Scan(&u.fallbacks); err != nil {
		return st, fmt.Errorf("rollup: refresh scope: %w", err)
	}
	for _, m := range models {
		if m.Meta.Materialized != "table" {
			continue // views: scoped copies are made when a table reads them
		}
		n, err := u.refresh(m)
		if err != nil {
			return st, err
		}
		st.Rows += n
	}
	return st, nil
}

// The universes a scoped copy belongs to: the reports of the scope's province-years (models
// refreshed by province and year), the run's reports (models refreshed per report), and the
// two wider universes the models that compare years read, every model in them already
// refreshed: the scope's provinces in the years around the scope's (a year-over-year model,
// lag 1), and in every year (a comparison of any two years, refresh pair).
const (
	byProvince = "p"
	byReport   = "r"
	aroundLag  = "l"
	allYears   = "a"
)

type updater struct {
	ctx       context.Context
	conn      *sql.Conn
	delta     string
	byName    map[string]*queries.Model
	scoped    map[string]string // universe + ":" + model or main table → its scoped relation
	reports   map[string]bool   // universes whose temp.refresh_reports_<u> exists
	temps     []temp            // "view x" / "table x" to drop, in creation order
	fallbacks int               // the run's current reports without facts in the delta
}

// temp creates a temporary object ("table name" or "view name") as q and remembers to drop it.
func (u *updater) temp(obj, q string) error {
	t := temp(obj)
	if err := u.exec(fmt.Sprintf("create temp %s %s as\n%s", t.kind(), t.name(), q)); err != nil {
		return err
	}
	u.temps = append(u.temps, t)
	return nil
}

func (u *updater) exec(q string) error {
	start := time.Now()
	if _, err := u.conn.ExecContext(u.ctx, q); err != nil {
		return fmt.Errorf("rollup: refresh: %w\n%s", err, q)
	}
	first, _, _ := strings.Cut(q, "\n")
	slog.Debug("刷新语句 / refresh statement", "took", time.Since(start).Round(time.Millisecond), "sql", first)
	return nil
}

// years returns the scope's years as a SQL list.
func (u *updater) years() (string, error) {
	rows, err := u.conn.QueryContext(u.ctx, `select distinct year from temp.refresh_scope order by 1`)
	if err != nil {
		return "", fmt.Errorf("rollup: refresh scope: %w", err)
	}
	defer rows.Close()
	var ys []string
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return "", fmt.Errorf("rollup: refresh scope: %w", err)
		}
		ys = append(ys, fmt.Sprint(y))
	}
	if len(ys) == 0 {
		return "null", rows.Err()
	}
	return strings.Join(ys, ", "), rows.Err()
}

// drop removes the temporary objects, the last created first (views read the earlier ones).
func (u *updater) drop() error {
	var err error
	for i := len(u.temps) - 1; i >= 0; i-- {
		if _, derr := u.conn.ExecContext(context.WithoutCancel(u.ctx), `drop `+u.temps[i].kind()+` if exists temp.`+u.temps[i].name()); derr != nil {
			err = errors.Join(err, fmt.Errorf("rollup: refresh: drop %s: %w", u.temps[i], derr))
		}
	}
	u.temps = nil
	return err
}

type temp string

func (t temp) kind() string { k, _, _ := strings.Cut(string(t), " "); return k }
func (t temp) name() string { _, n, _ := strings.Cut(string(t), " "); return n }

var mainRefRE = regexp.MustCompile(`\bmain\.([a-z_][a-z0-9_]*)\b`)

// scopedName is the temporary relation standing for a model (or main table) in a universe.
func scopedName(universe, name string) string {
	return "refresh_" + universe + "_" + strings.ReplaceAll(name, ".", "__")
}

func universeOf(m *queries.Model) string {
	if m.Meta.Refresh != nil && m.Meta.Refresh.Report != "" {
		return byReport
	}
	return byProvince
}

// rewrite returns the SQL of m reading the universe: main tables with a report_id restricted
// to the universe's reports, models replaced by what read returns for them.
func (u *updater) rewrite(m *queries.Model, universe string, read func(dep string) (string, error)) (string, error) {
	var rerr error
	q := mainRefRE.ReplaceAllStringFunc(m.SQL, func(ref string) string {
		s, err := u.mainTable(universe, strings.TrimPrefix(ref, "main."))
		if err != nil {
			rerr = errors.Join(rerr, err)
			return ref
		}
		return s
	})
	if rerr != nil {
		return "", rerr
	}
	for _, d := range m.Deps {
		s, err := read(d)
		if err != nil {
			return "", err
		}
		q = regexp.MustCompile(`\b`+regexp.QuoteMeta(d)+`\b`).ReplaceAllString(q, s)
	}
	return q, nil
}

// mainTable returns the relation standing for main.<table> in a universe: the table itself
// when it has no report_id (regions …); else a temporary view of its rows of the universe's
// reports — for the run's reports, their facts read from the delta (plus, for the rare
// fallback reports, from the warehouse).
func (u *updater) mainTable(universe, table string) (string, error) {
	key := universe + ":main." + table
	if s, ok := u.scoped[key]; ok {
		return s, nil
	}
	var n int
	if err := u.conn.QueryRowContext(u.ctx, `select count(*) from duckdb_columns() where database_name = current_database()
		and schema_name = 'main' and table_name = ? and column_name = 'report_id'`, table).Scan(&n); err != nil {
		return "", fmt.Errorf("rollup: refresh: columns of main.%s: %w", table, err)
	}
	if n == 0 {
		u.scoped[key] = "main." + table
		return u.scoped[key], nil
	}
	name := scopedName(universe, "main."+table)
	var q string
	switch {
	case (universe == byProvince || universe == aroundLag || universe == allYears) && table != "reports":
		// every universe of the scope's provinces reads their rows, taken from the table once
		// (a scan of every fact: the slow part of a refresh at 1,000,000 reports)
		base, err := u.provinceRows(table)
		if err != nil {
			return "", err
		}
		rs := "temp.refresh_reports"
		if universe != byProvince {
			if rs, err = u.universeReports(universe); err != nil {
				return "", err
			}
		}
		q = fmt.Sprintf(`select * from %s where report_id in (select report_id from %s)`, base, rs)
	case universe == byProvince:
		// the reports: a wide table of which the models read a few columns — read where it is
		q = fmt.Sprintf(`select * from main.%s where report_id in (select report_id from temp.refresh_reports)`, table)
	case universe == aroundLag || universe == allYears:
		rs, err := u.universeReports(universe)
		if err != nil {
			return "", err
		}
		q = fmt.Sprintf(`select * from main.%s where report_id in (select report_id from %s)`, table, rs)
	case table == "reports" || u.delta == "":
		// the versions were resolved in the warehouse, not in the delta
		q = fmt.Sprintf(`select * from main.%s where report_id in (select report_id from temp.%s)`, table, ChangedTable)
	default:
		q = fmt.Sprintf(`select * from %s.%s where report_id in (select report_id from temp.%s)`, u.delta, table, ChangedTable)
		if u.fallbacks > 0 {
			q += fmt.Sprintf(`
union all
select * from main.%s where report_id in (select report_id from temp.refresh_fallback)`, table)
		}
	}
	if err := u.temp("view "+name, q); err != nil {
		return "", err
	}
	u.scoped[key] = "temp." + name
	return u.scoped[key], nil
}

// scopedModel returns the scoped copy of a model in a universe, creating it (a temporary
// table: computed once, read by every model after it) on first use. A materialised model of
// the other universe, already refreshed, is read as it is.
func (u *updater) scopedModel(universe, name string) (string, error) {
	key := universe + ":" + name
	if s, ok := u.scoped[key]; ok {
		return s, nil
	}
	m, ok := u.byName[name]
	if !ok {
		return "", fmt.Errorf("rollup: refresh: no model %s", name)
	}
	if m.Meta.Materialized == "table" {
		r := m.Meta.Refresh
		switch {
		case universe == byReport || r.Report != "" && universe == byProvince:
			if universeOf(m) != universe {
				return name, nil
			}
		case universe == byProvince && r.Lag == 0 && r.Pair == "":
			// computed below: the scoped copy is the model's refreshed rows
		default:
			// already refreshed (models are refreshed in build order): its rows of the universe
			in, err := u.universeRows(universe, m)
			if err != nil {
				return "", err
			}
			u.scoped[key] = fmt.Sprintf("(select * from %s where %s)", name, in)
			return u.scoped[key], nil
		}
	}
	q, err := u.rewrite(m, universe, func(dep string) (string, error) { return u.scopedModel(universe, dep) })
	if err != nil {
		return "", err
	}
	n := scopedName(universe, name)
	if m.Meta.Materialized == "table" {
		q = fmt.Sprintf("select * from (\n%s\n) where %s", q, u.inScope(m, 0))
	}
	if err := u.temp("table "+n, q); err != nil {
		return "", fmt.Errorf("rollup: refresh %s: %w", m.Name, err)
	}
	u.scoped[key] = "temp." + n
	return u.scoped[key], nil
}

// inScope is the condition on a materialised model's rows that the refresh replaces: the
// rows of the run's reports, or of the scope's province-years (and the lag years after them).
func (u *updater) inScope(m *queries.Model, lag int) string {
	r := m.Meta.Refresh
	if r.Report != "" {
		return fmt.Sprintf(`%s in (select report_id from temp.%s)`, r.Report, ChangedTable)
	}
	if r.Pair != "" {
		return fmt.Sprintf(`((%[1]s, %[2]s) in (select province_code, year from temp.refresh_scope) or (%[1]s, %[3]s) in (select province_code, year from temp.refresh_scope))`,
			r.Province, r.Year, r.Pair)
	}
	return fmt.Sprintf(`(%s, %s) in (select s.province_code, s.year + d.d from temp.refresh_scope as s, range(0, %d) as d(d))`,
		r.Province, r.Year, lag+1)
}

// refresh replaces a materialised model's rows of the scope by its scoped copy and returns the
// rows written.
func (u *updater) refresh(m *queries.Model) (int64, error) {
	r := m.Meta.Refresh
	var src string
	if r.Lag == 0 && r.Pair == "" {
		var err error
		if src, err = u.scopedModel(universeOf(m), m.Name); err != nil {
			return 0, err
		}
	} else {
		// a model comparing years reads the refreshed models of the years it compares — the
		// years around the scope's (lag) or every year of the scope's provinces (pair) — and
		// replaces its rows of the scope's years (and the lag years after, or the rows whose
		// pair is a scope year)
		universe := aroundLag
		if r.Pair != "" {
			universe = allYears
		}
		q, err := u.rewrite(m, universe, func(dep string) (string, error) { return u.scopedModel(universe, dep) })
		if err != nil {
			return 0, err
		}
		n := scopedName(universe, m.Name)
		if err := u.temp("table "+n, fmt.Sprintf("select * from (\n%s\n) where %s", q, u.inScope(m, r.Lag))); err != nil {
			return 0, fmt.Errorf("rollup: refresh %s: %w", m.Name, err)
		}
		src = "temp." + n
	}
	if err := u.exec(fmt.Sprintf("delete from %s where %s", m.Name, u.inScope(m, r.Lag))); err != nil {
		return 0, fmt.Errorf("rollup: refresh %s: %w", m.Name, err)
	}
	res, err := u.conn.ExecContext(u.ctx, fmt.Sprintf("insert into %s select * from %s", m.Name, src))
	if err != nil {
		return 0, fmt.Errorf("rollup: refresh %s: %w", m.Name, err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// universeYears is the condition on (province, year) of a wide universe: the scope's
// provinces in the years from one before to one after the scope's (aroundLag; only lag 1
// exists), or in every year (allYears).
func universeYears(universe, province, year string) string {
	if universe == allYears {
		return fmt.Sprintf(`%s in (select province_code from temp.refresh_scope)`, province)
	}
	return fmt.Sprintf(`(%s, %s) in (select s.province_code, s.year + d.d from temp.refresh_scope as s, range(-1, 2) as d(d))`, province, year)
}

// universeReports returns the temporary table of a wide universe's reports (current versions),
// creating it on first use.
func (u *updater) universeReports(universe string) (string, error) {
	name := "refresh_reports_" + universe
	if !u.reports[universe] {
		if err := u.temp("table "+name, `select report_id from staging.reports where `+universeYears(universe, "province_code", "year")); err != nil {
			return "", err
		}
		u.reports[universe] = true
	}
	return "temp." + name, nil
}

// provinceRows returns the temporary table of main.<table>'s rows of the reports of the
// scope's provinces in every year (the widest universe), creating it on first use: the
// universes of those provinces read a table through it, so each table is scanned once.
func (u *updater) provinceRows(table string) (string, error) {
	key := "base:main." + table
	if s, ok := u.scoped[key]; ok {
		return s, nil
	}
	rs, err := u.universeReports(allYears)
	if err != nil {
		return "", err
	}
	name := "refresh_base_" + table
	if err := u.temp("table "+name, fmt.Sprintf(`select * from main.%s where report_id in (select report_id from %s)`, table, rs)); err != nil {
		return "", err
	}
	u.scoped[key] = "temp." + name
	return u.scoped[key], nil
}

// universeRows is the condition on a refreshed materialised model's rows that keeps those of
// a universe.
func (u *updater) universeRows(universe string, m *queries.Model) (string, error) {
	r := m.Meta.Refresh
	if r.Report != "" {
		var rs string
		switch universe {
		case byProvince:
			rs = "temp.refresh_reports"
		case byReport:
			rs = "temp." + ChangedTable
		default:
			var err error
			if rs, err = u.universeReports(universe); err != nil {
				return "", err
			}
		}
		return fmt.Sprintf(`%s in (select report_id from %s)`, r.Report, rs), nil
	}
	if universe == byProvince {
		return fmt.Sprintf(`(%s, %s) in (select province_code, year from temp.refresh_scope)`, r.Province, r.Year), nil
	}
	if universe == byReport {
		return "", fmt.Errorf("rollup: refresh: a model refreshed per report reads %s, refreshed by province and year", m.Name)
	}
	return universeYears(universe, r.Province, r.Year), nil
}

// builtDigest returns the digest of the model files the warehouse's models were built from
// ("" when never built by this mechanism).
func builtDigest(ctx context.Context, conn *sql.Conn) (string, error) {
	var n int
	if err := conn.QueryRowContext(ctx, `select count(*) from duckdb_tables() where database_name = current_database()
		and schema_name = 'ops' and table_name = 'model_state'`).Scan(&n); err != nil {
		return "", fmt.Errorf("rollup: read the models' state: %w", err)
	}
	if n == 0 {
		return "", nil
	}
	var d sql.NullString
	err := conn.QueryRowContext(ctx, `select max(digest) from ops.model_state`).Scan(&d)
	if err != nil {
		return "", fmt.Errorf("rollup: read the models' state: %w", err)
	}
	return d.String, nil
}
