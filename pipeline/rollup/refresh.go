package rollup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"xxgk/queries"
)

// The incremental refresh. A run that adds a few reports to a large warehouse changes only the
// figures of the divisions above them, in their year (and the year-over-year rows of that year
// and the next): rebuilding every materialised model would read every report's facts again
// (a minute and more at 1,000,000 reports). Update recomputes only the rows of the
// province-years the run changed, with the models' own SQL — nothing is written twice:
//
//  1. the scope: the (province, year) of every report whose record may have changed (the
//     identities of the run's reports, read from staging.reports: the province as the models
//     derive it);
//  2. the universe: temporary copies of the models, in build order, whose SQL reads only the
//     reports of record of the scope: each model's SQL with main.<table> (a table with a report
//     id) replaced by its rows of the scope's reports, and staging.x / marts.x by the scoped
//     copy of x. Every materialised row of (P, Y) is computed from the reports of P and Y
//     alone (the counted-once rule never crosses a province or a year; the sidecars say so with
//     refresh: {province, year}), so the scoped copy holds exactly the rows a full build would
//     give for the scope;
//  3. per materialised model: delete its rows of the scope, insert the scoped copy's. A model
//     with refresh lag 1 (year-over-year) reads the materialised models it depends on, already
//     refreshed, for the scope's provinces and the years around, and replaces its rows of
//     (P, Y) and (P, Y+1).
//
// TestUpdateEqualsBuild checks, run after run, that the result equals a full build row for row.
// A full build (Build) is done instead when the warehouse's models were built from other model
// files (queries.Digest, kept in ops.model_state) or not at all, or when the region registry
// breaks what the sidecars assume (a division whose code does not start with its province's).

// ChangedTable is the temporary table (report_id bigint) the caller fills with the reports a
// run added or whose record it changed, before calling Update.
const ChangedTable = "refresh_changed_reports"

// UpdateStats says what Update did.
type UpdateStats struct {
	Full   bool          // every model was rebuilt (Reason says why)
	Reason string        // why a full build
	Scope  int           // province-years refreshed
	Rows   int64         // materialised rows written
	Took   time.Duration // time spent
}

// Update brings the models up to date after the changes listed in temp.refresh_changed_reports
// (ChangedTable), inside the caller's transaction: incrementally when it can, else by a full
// Build. It never commits.
func Update(ctx context.Context, conn *sql.Conn) (st UpdateStats, err error) {
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
	u := &updater{ctx: ctx, conn: conn, scoped: map[string]string{}}
	defer func() { err = errors.Join(err, u.drop()) }()
	if err := u.exec(`create temp table refresh_scope as
		select distinct province_code, year from staging.reports
		where identity_key in (select identity_key from main.reports where report_id in (select report_id from temp.` + ChangedTable + `))
		  and province_code is not null and year is not null`); err != nil {
		return st, err
	}
	u.temps = append(u.temps, "table refresh_scope")
	if err := conn.QueryRowContext(ctx, `select count(*) from temp.refresh_scope`).Scan(&st.Scope); err != nil {
		return st, fmt.Errorf("rollup: refresh scope: %w", err)
	}
	if st.Scope == 0 {
		return st, nil
	}
	// the scope's reports (current versions: what every staging model reads)
	if err := u.exec(`create temp table refresh_reports as
		select report_id from staging.reports where (province_code, year) in (select province_code, year from temp.refresh_scope)`); err != nil {
		return st, err
	}
	u.temps = append(u.temps, "table refresh_reports")
	for _, m := range models {
		if m.Schema == "analytics" {
			continue // views over the marts: nothing to refresh
		}
		n, err := u.model(m)
		if err != nil {
			return st, err
		}
		st.Rows += n
	}
	return st, nil
}

type updater struct {
	ctx    context.Context
	conn   *sql.Conn
	scoped map[string]string // model or main table → its scoped temporary relation
	temps  []temp            // "view x" / "table x" to drop, in creation order
}

func (u *updater) exec(q string) error {
	if _, err := u.conn.ExecContext(u.ctx, q); err != nil {
		return fmt.Errorf("rollup: refresh: %w\n%s", err, q)
	}
	return nil
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

// scopedName is the temporary relation standing for a model (or main table) in the universe.
func scopedName(name string) string { return "refresh_" + strings.ReplaceAll(name, ".", "__") }

// rewrite returns the SQL of m reading the universe: main tables with a report_id restricted
// to the scope's reports, models replaced by their scoped copies (or, with lagged, by the
// materialised tables restricted to the given years around the scope).
func (u *updater) rewrite(m *queries.Model, read func(dep string) (string, error)) (string, error) {
	var rerr error
	q := mainRefRE.ReplaceAllStringFunc(m.SQL, func(ref string) string {
		table := strings.TrimPrefix(ref, "main.")
		s, err := u.mainTable(table)
		if err != nil {
			rerr = errors.Join(rerr, err)
			return ref
		}
		return s
	})
	if rerr != nil {
		return "", rerr
	}
	// references to models: the longest names first cannot clash (refRE matches whole words)
	for _, d := range m.Deps {
		s, err := read(d)
		if err != nil {
			return "", err
		}
		q = regexp.MustCompile(`\b`+regexp.QuoteMeta(d)+`\b`).ReplaceAllString(q, s)
	}
	return q, nil
}

// mainTable returns the relation standing for main.<table> in the universe: the table itself
// when it has no report_id (regions …), else a temporary view of the scope's reports' rows.
func (u *updater) mainTable(table string) (string, error) {
	key := "main." + table
	if s, ok := u.scoped[key]; ok {
		return s, nil
	}
	var n int
	if err := u.conn.QueryRowContext(u.ctx, `select count(*) from duckdb_columns() where database_name = current_database()
		and schema_name = 'main' and table_name = ? and column_name = 'report_id'`, table).Scan(&n); err != nil {
		return "", fmt.Errorf("rollup: refresh: columns of main.%s: %w", table, err)
	}
	if n == 0 {
		u.scoped[key] = key
		return key, nil
	}
	name := scopedName(key)
	if err := u.exec(fmt.Sprintf(`create temp view %s as select * from main.%s where report_id in (select report_id from temp.refresh_reports)`, name, table)); err != nil {
		return "", err
	}
	u.temps = append(u.temps, temp("view "+name))
	u.scoped[key] = "temp." + name
	return u.scoped[key], nil
}

// model refreshes one model: a view gets its scoped copy (a temporary view); a table its
// scoped copy (a temporary table), then its rows of the scope are replaced by it. It returns
// the rows written.
func (u *updater) model(m *queries.Model) (int64, error) {
	r := m.Meta.Refresh
	lag := 0
	if r != nil {
		lag = r.Lag
	}
	var q string
	var err error
	if lag == 0 {
		q, err = u.rewrite(m, func(dep string) (string, error) {
			s, ok := u.scoped[dep]
			if !ok {
				return "", fmt.Errorf("rollup: refresh %s: %s has no scoped copy", m.Name, dep)
			}
			return s, nil
		})
	} else {
		// a year-over-year model reads the refreshed tables, for the scope's provinces and
		// the years from lag before the scope to lag after it
		q, err = u.rewrite(m, func(dep string) (string, error) {
			dm, err := lookup(dep)
			if err != nil {
				return "", err
			}
			if dm.Meta.Refresh == nil {
				return "", fmt.Errorf("rollup: refresh %s: a model with a lag reads only tables, not %s", m.Name, dep)
			}
			return fmt.Sprintf(`(select * from %s where (%s, %s) in (select s.province_code, s.year + d.d from temp.refresh_scope as s, range(%d, %d) as d(d)))`,
				dep, dm.Meta.Refresh.Province, dm.Meta.Refresh.Year, -lag, lag+1), nil
		})
	}
	if err != nil {
		return 0, err
	}
	name := scopedName(m.Name)
	if m.Meta.Materialized != "table" {
		if err := u.exec(fmt.Sprintf("create temp view %s as\n%s", name, q)); err != nil {
			return 0, fmt.Errorf("rollup: refresh %s: %w", m.Name, err)
		}
		u.temps = append(u.temps, temp("view "+name))
		u.scoped[m.Name] = "temp." + name
		return 0, nil
	}
	// the rows of (P, Y) … (P, Y+lag)
	inScope := fmt.Sprintf(`(%s, %s) in (select s.province_code, s.year + d.d from temp.refresh_scope as s, range(0, %d) as d(d))`,
		r.Province, r.Year, lag+1)
	if err := u.exec(fmt.Sprintf("create temp table %s as\nselect * from (\n%s\n) where %s", name, q, inScope)); err != nil {
		return 0, fmt.Errorf("rollup: refresh %s: %w", m.Name, err)
	}
	u.temps = append(u.temps, temp("table "+name))
	u.scoped[m.Name] = "temp." + name
	if err := u.exec(fmt.Sprintf("delete from %s where %s", m.Name, inScope)); err != nil {
		return 0, fmt.Errorf("rollup: refresh %s: %w", m.Name, err)
	}
	res, err := u.conn.ExecContext(u.ctx, fmt.Sprintf("insert into %s select * from temp.%s", m.Name, name))
	if err != nil {
		return 0, fmt.Errorf("rollup: refresh %s: %w", m.Name, err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

func lookup(name string) (*queries.Model, error) {
	models, err := queries.Models()
	if err != nil {
		return nil, fmt.Errorf("rollup: %w", err)
	}
	for _, m := range models {
		if m.Name == name {
			return m, nil
		}
	}
	return nil, fmt.Errorf("rollup: no model %s", name)
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
