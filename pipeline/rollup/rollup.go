// Package rollup applies the SQL models of package queries to a warehouse and reads them:
// Apply (re)creates the staging, marts and analytics schemas before a run publishes, so the
// views exist in the published file for any DuckDB client; Update refreshes only the rows of the
// materialised models a run changed (see refresh.go), which keeps a late report into a national
// warehouse to seconds; Reader opens the
// published file read-only for the xxgk commands (rollup, compare, coverage, checks, query,
// views, shell), which therefore work while an ingest runs.
package rollup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"xxgk/queries"
)

// Apply drops and recreates every model of package queries on conn, in one transaction: the
// schemas staging, marts and analytics, each model as a view (or a table when its sidecar says
// materialized: table), its COMMENT and its columns' COMMENTs from the sidecar. A model whose
// columns differ from its sidecar is an error. Call it on a working copy before publishing
// (store.Warehouse.Exec); it never touches the warehouse tables.
func Apply(ctx context.Context, conn *sql.Conn) error {
	return ApplyTimed(ctx, conn, nil)
}

// ApplyTimed is Apply calling observe (when not nil) with each model's name and build time.
func ApplyTimed(ctx context.Context, conn *sql.Conn, observe func(model string, d time.Duration)) (err error) {
	if _, err := conn.ExecContext(ctx, `begin transaction`); err != nil {
		return fmt.Errorf("rollup: begin: %w", err)
	}
	defer func() {
		if err != nil {
			if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), `rollback`); rerr != nil {
				err = errors.Join(err, fmt.Errorf("rollup: rollback: %w", rerr))
			}
		}
	}()
	if err := Build(ctx, conn, observe); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `commit`); err != nil {
		return fmt.Errorf("rollup: commit: %w", err)
	}
	return nil
}

// Build is Apply inside the caller's transaction (it never commits): it drops and recreates
// every model and records the digest of the model files they were built from in
// ops.model_state (migration 0007), which tells Update whether the models can be refreshed.
func Build(ctx context.Context, conn *sql.Conn, observe func(model string, d time.Duration)) error {
	models, err := queries.Models()
	if err != nil {
		return fmt.Errorf("rollup: %w", err)
	}
	digest, err := queries.Digest()
	if err != nil {
		return fmt.Errorf("rollup: %w", err)
	}
	for i := len(queries.Layers) - 1; i >= 0; i-- {
		if _, err := conn.ExecContext(ctx, `drop schema if exists `+queries.Layers[i]+` cascade`); err != nil {
			return fmt.Errorf("rollup: drop schema %s: %w", queries.Layers[i], err)
		}
	}
	for _, l := range queries.Layers {
		if _, err := conn.ExecContext(ctx, `create schema `+l); err != nil {
			return fmt.Errorf("rollup: create schema %s: %w", l, err)
		}
	}
	for _, m := range models {
		start := time.Now()
		if err := create(ctx, conn, m); err != nil {
			return err
		}
		if observe != nil {
			observe(m.Name, time.Since(start))
		}
	}
	if _, err := conn.ExecContext(ctx, `delete from ops.model_state`); err != nil {
		return fmt.Errorf("rollup: record the models' digest: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `insert into ops.model_state (digest, built_at) values (?, now())`, digest); err != nil {
		return fmt.Errorf("rollup: record the models' digest: %w", err)
	}
	return nil
}

func create(ctx context.Context, conn *sql.Conn, m *queries.Model) error {
	kind := strings.ToUpper(m.Meta.Materialized)
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("create %s %s as\n%s", m.Meta.Materialized, m.Name, m.SQL)); err != nil {
		return fmt.Errorf("rollup: %s (%s): %w", m.Name, m.Path, err)
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("comment on %s %s is %s", kind, m.Name, queries.Quote(m.Meta.Description))); err != nil {
		return fmt.Errorf("rollup: comment on %s: %w", m.Name, err)
	}
	cols, err := columns(ctx, conn, m.Schema, strings.TrimPrefix(m.Name, m.Schema+"."))
	if err != nil {
		return err
	}
	var want []string
	for _, c := range m.Meta.Columns {
		want = append(want, c.Name)
	}
	if strings.Join(cols, ",") != strings.Join(want, ",") {
		return fmt.Errorf("rollup: %s has columns\n  %s\nits sidecar documents\n  %s", m.Name, strings.Join(cols, ", "), strings.Join(want, ", "))
	}
	var b strings.Builder
	for _, c := range m.Meta.Columns {
		fmt.Fprintf(&b, "comment on column %s.%s is %s;\n", m.Name, c.Name, queries.Quote(c.Comment()))
	}
	if _, err := conn.ExecContext(ctx, b.String()); err != nil {
		return fmt.Errorf("rollup: comments on the columns of %s: %w", m.Name, err)
	}
	return nil
}

// Querier is what reads need: *sql.DB, *sql.Conn or *sql.Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func columns(ctx context.Context, q Querier, schema, name string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `select column_name from duckdb_columns() where database_name = current_database()
		and schema_name = ? and table_name = ? order by column_index`, schema, name)
	if err != nil {
		return nil, fmt.Errorf("rollup: columns of %s.%s: %w", schema, name, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("rollup: columns of %s.%s: %w", schema, name, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Failure is a data test or an audit that returned rows.
type Failure struct {
	Model string // schema.name, or checks.<name> for an audit
	Test  string
	Rows  int64
	SQL   string
}

// RunTests runs every model's sidecar tests and every audit of queries/checks on q and returns the
// ones that failed (returned rows). An error means a test could not run at all.
func RunTests(ctx context.Context, q Querier) ([]Failure, error) {
	return RunTestsProgress(ctx, q, nil)
}

// RunTestsProgress is RunTests calling progress (when not nil) after each test with the number
// run and the number in all.
func RunTestsProgress(ctx context.Context, q Querier, progress func(done, total int)) ([]Failure, error) {
	models, err := queries.Models()
	if err != nil {
		return nil, fmt.Errorf("rollup: %w", err)
	}
	var tests []queries.Test
	for _, m := range models {
		tests = append(tests, m.Tests()...)
	}
	audits, err := queries.Audits()
	if err != nil {
		return nil, fmt.Errorf("rollup: %w", err)
	}
	for _, a := range audits {
		tests = append(tests, queries.Test{Model: a.Name, Name: a.Description, SQL: a.SQL})
	}
	var out []Failure
	for i, t := range tests {
		n, err := countRows(ctx, q, t.SQL)
		if err != nil {
			return out, fmt.Errorf("rollup: test %s %s: %w", t.Model, t.Name, err)
		}
		if n > 0 {
			out = append(out, Failure{Model: t.Model, Test: t.Name, Rows: n, SQL: t.SQL})
		}
		if progress != nil {
			progress(i+1, len(tests))
		}
	}
	return out, nil
}

func countRows(ctx context.Context, q Querier, query string) (int64, error) {
	rows, err := q.QueryContext(ctx, "select count(*) from ("+query+")")
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n int64
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, err
		}
	}
	return n, rows.Err()
}
