package run

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"xxgk/pipeline"
	"xxgk/pipeline/store"
)

// state is what the published warehouse says about earlier runs.
type state struct {
	exists      bool
	ingestRun   int64     // the warehouse version: max(ingest_runs.run_id), 0 when none
	ingestAt    time.Time // when that version was published
	known       map[pair]bool
	failed      map[pair]bool     // (path, sha) that could not be read as a report
	reports     map[string]string // sha → report status, for this parser version
	last        *Record           // the last run that completed its outputs (status ok or partial)
	hasRunTable bool
}

// readState reads the published warehouse read-only (never blocking analysts or being
// blocked by them). No warehouse: an empty state.
func readState(ctx context.Context, path string) (st *state, err error) {
	st = &state{known: map[pair]bool{}, failed: map[pair]bool{}, reports: map[string]string{}}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return st, nil
	}
	s, err := store.OpenSession(ctx, path, store.SessionOptions{})
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, s.Close()) }()
	db := s.DB()
	st.exists = true
	var at sql.NullTime
	if err := db.QueryRowContext(ctx, `select coalesce(max(run_id), 0), max(finished_at) from ingest_runs`).Scan(&st.ingestRun, &at); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	st.ingestAt = at.Time
	pv := pipeline.ParserVersion
	err = scanRows(ctx, db, func(rows *sql.Rows) error {
		var p pair
		if err := rows.Scan(&p.path, &p.sha); err != nil {
			return err
		}
		st.known[p] = true
		return nil
	}, `select i.path, i.sha256 from inputs i join reports r on r.report_id = i.report_id
		where r.parser_version = ? and i.sha256 is not null
		union
		select path, sha256 from failed_inputs where parser_version = ? and sha256 is not null`, pv, pv)
	if err != nil {
		return nil, fmt.Errorf("read %s: known inputs: %w", path, err)
	}
	err = scanRows(ctx, db, func(rows *sql.Rows) error {
		var p pair
		if err := rows.Scan(&p.path, &p.sha); err != nil {
			return err
		}
		st.failed[p] = true
		return nil
	}, `select distinct path, sha256 from failed_inputs where parser_version = ? and sha256 is not null`, pv)
	if err != nil {
		return nil, fmt.Errorf("read %s: failed inputs: %w", path, err)
	}
	err = scanRows(ctx, db, func(rows *sql.Rows) error {
		var sha, status string
		if err := rows.Scan(&sha, &status); err != nil {
			return err
		}
		st.reports[sha] = status
		return nil
	}, `select sha256, status from reports where parser_version = ?`, pv)
	if err != nil {
		return nil, fmt.Errorf("read %s: reports: %w", path, err)
	}
	var n int
	if err := db.QueryRowContext(ctx, `select count(*) from duckdb_tables() where schema_name = 'ops' and table_name = 'runs'`).Scan(&n); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	st.hasRunTable = n > 0
	if !st.hasRunTable {
		return st, nil
	}
	recs, err := list(ctx, db, `where status <> 'failed' order by run_id desc limit 1`)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(recs) == 1 {
		st.last = recs[0]
	}
	return st, nil
}

func scanRows(ctx context.Context, db *sql.DB, each func(*sql.Rows) error, q string, args ...any) error {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		if err := each(rows); err != nil {
			return errors.Join(err, rows.Close())
		}
	}
	return errors.Join(rows.Err(), rows.Close())
}

const recordColumns = `run_id, started_at, finished_at, xxgk_version, config_sha256, config, region, years, ingest_run_id,
	data_changed, exported, inputs_count, loaded_count, violation_count, failure_count, incomplete_count,
	test_failure_count, written_count, status, message`

// problemColumns are the columns of ops.runs added by migration 0005 (the problems a run saw).
const problemColumns = `problem_count, acknowledged_count, new_problem_count, resolved_problem_count, new_problems, acks_sha256`

// list reads run records (with their outputs) from ops.runs; tail is the where/order clause.
// A warehouse not yet migrated to 0005 (read before a run migrates it) has no problem columns:
// its records say ProblemCount -1.
func list(ctx context.Context, db *sql.DB, tail string) ([]*Record, error) {
	var out []*Record
	byID := map[int64]*Record{}
	var n int
	if err := db.QueryRowContext(ctx, `select count(*) from duckdb_columns() where database_name = current_database()
		and schema_name = 'ops' and table_name = 'runs' and column_name = 'problem_count'`).Scan(&n); err != nil {
		return nil, err
	}
	extra := `null::bigint, null::bigint, null::bigint, null::bigint, null::varchar, null::varchar`
	if n > 0 {
		extra = problemColumns
	}
	err := scanRows(ctx, db, func(rows *sql.Rows) error {
		r := &Record{}
		var years string
		var ingestRun, problems, acked, fresh, resolved sql.NullInt64
		var newText, acks sql.NullString
		if err := rows.Scan(&r.ID, &r.Started, &r.Finished, &r.Version, &r.ConfigSHA256, &r.Config, &r.Region, &years,
			&ingestRun, &r.Changed, &r.Exported, &r.Inputs, &r.Loaded, &r.Violations, &r.Failures, &r.Incomplete,
			&r.TestFailures, &r.Written, &r.Status, &r.Message, &problems, &acked, &fresh, &resolved, &newText, &acks); err != nil {
			return err
		}
		r.IngestRunID = ingestRun.Int64
		r.ProblemCount = -1
		if problems.Valid {
			r.ProblemCount = int(problems.Int64)
		}
		r.Acknowledged, r.NewCount, r.ResolvedCount = int(acked.Int64), int(fresh.Int64), int(resolved.Int64)
		r.NewText, r.AcksSHA256 = newText.String, acks.String
		r.Years = []int{}
		for _, y := range strings.Split(years, ",") {
			if n, err := strconv.Atoi(y); err == nil {
				r.Years = append(r.Years, n)
			}
		}
		r.Outputs = []Output{}
		out = append(out, r)
		byID[r.ID] = r
		return nil
	}, `select `+recordColumns+`, `+extra+` from ops.runs `+tail)
	if err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]string, 0, len(out))
	for _, r := range out {
		ids = append(ids, strconv.FormatInt(r.ID, 10))
	}
	err = scanRows(ctx, db, func(rows *sql.Rows) error {
		var id int64
		var o Output
		if err := rows.Scan(&id, &o.Path, &o.SHA256, &o.Size, &o.Action); err != nil {
			return err
		}
		if r := byID[id]; r != nil {
			r.Outputs = append(r.Outputs, o)
		}
		return nil
	}, `select run_id, path, sha256, size_bytes, action from ops.run_outputs where run_id in (`+strings.Join(ids, ",")+`) order by run_id, path`)
	return out, err
}

// List returns the run records of the warehouse at path, newest first (none when the
// warehouse has no run yet). The warehouse is opened read-only.
func List(ctx context.Context, path string) (recs []*Record, err error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("runs: no warehouse at %s (%w)", path, err)
	}
	s, err := store.OpenSession(ctx, path, store.SessionOptions{})
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, s.Close()) }()
	db := s.DB()
	var n int
	if err := db.QueryRowContext(ctx, `select count(*) from duckdb_tables() where schema_name = 'ops' and table_name = 'runs'`).Scan(&n); err != nil {
		return nil, fmt.Errorf("runs: %w", err)
	}
	if n == 0 {
		return []*Record{}, nil
	}
	recs, err = list(ctx, db, `order by run_id desc`)
	if err != nil {
		return nil, fmt.Errorf("runs: %w", err)
	}
	return recs, nil
}

// record stores the run's record in the warehouse: a working copy with the row added, renamed
// over the published file (store.Refresh), so analysts' sessions are never blocked.
func (r *runner) record(ctx context.Context) error {
	rec := r.rec
	rec.Finished = time.Now().UTC()
	if rec.Status == "" {
		rec.Status = StatusFailed
	}
	err := store.Refresh(ctx, store.Options{Path: r.c.Warehouse, MemoryLimit: r.c.DuckDB.MemoryLimit, Threads: r.c.DuckDB.Threads},
		func(ctx context.Context, conn *sql.Conn) (err error) {
			if _, err := conn.ExecContext(ctx, `begin transaction`); err != nil {
				return err
			}
			defer func() {
				if err != nil {
					_, rerr := conn.ExecContext(context.WithoutCancel(ctx), `rollback`)
					err = errors.Join(err, rerr)
				}
			}()
			if err := conn.QueryRowContext(ctx, `select coalesce(max(run_id), 0) + 1 from ops.runs`).Scan(&rec.ID); err != nil {
				return err
			}
			var ingestRun any
			if rec.IngestRunID > 0 {
				ingestRun = rec.IngestRunID
			}
			// the problems: counted only when the run assessed them (not when a stage failed first)
			var problems, acked, fresh, resolved, newText, acks any
			if r.assessed {
				problems, acked, fresh, resolved = rec.ProblemCount, rec.Acknowledged, rec.NewCount, rec.ResolvedCount
				rec.NewText = newProblemsText(rec.NewProblems)
				newText, acks = rec.NewText, rec.AcksSHA256
			}
			_, err = conn.ExecContext(ctx, `insert into ops.runs (`+recordColumns+`, output_count, `+problemColumns+`)
				values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				rec.ID, rec.Started, rec.Finished, rec.Version, rec.ConfigSHA256, rec.Config, rec.Region, joinYears(rec.Years),
				ingestRun, rec.Changed, rec.Exported, rec.Inputs, rec.Loaded, rec.Violations, rec.Failures, rec.Incomplete,
				rec.TestFailures, rec.Written, rec.Status, rec.Message, len(rec.Outputs), problems, acked, fresh, resolved, newText, acks)
			if err != nil {
				return err
			}
			if r.assessed {
				if err := sight(ctx, conn, rec); err != nil {
					return err
				}
			}
			for _, o := range rec.Outputs {
				if _, err := conn.ExecContext(ctx, `insert into ops.run_outputs values (?, ?, ?, ?, ?)`,
					rec.ID, o.Path, o.SHA256, o.Size, o.Action); err != nil {
					return err
				}
			}
			_, err = conn.ExecContext(ctx, `commit`)
			return err
		})
	if err != nil {
		if errors.Is(err, store.ErrLocked) {
			return errors.Join(holder(r.c.Warehouse+".lock", "xxgk ingest"), err)
		}
		return fmt.Errorf("run: record: %w", err)
	}
	return nil
}

// sight records the run's problems in ops.problem_sightings: a problem seen before gets this
// run as its last sighting (and its description refreshed), a new one this run as its first.
// Rows go in statements of up to 500.
func sight(ctx context.Context, conn *sql.Conn, rec *Record) error {
	const per = 500
	for start := 0; start < len(rec.ProblemList); start += per {
		end := min(start+per, len(rec.ProblemList))
		var args []any
		var vals []string
		for _, q := range rec.ProblemList[start:end] {
			var year any
			if q.Year != 0 {
				year = q.Year
			}
			vals = append(vals, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, q.Key, q.ID, q.Kind, nullString(q.Path), nullString(q.Body), nullString(q.Region), year, q.Code,
				q.Message, rec.ID, rec.ID)
		}
		_, err := conn.ExecContext(ctx, `insert into ops.problem_sightings (problem_key, problem_id, kind, path, body, region_code, year,
			code, message, first_run_id, last_run_id) values `+strings.Join(vals, ", ")+`
			on conflict (problem_key) do update set last_run_id = excluded.last_run_id, path = excluded.path, body = excluded.body,
				region_code = excluded.region_code, year = excluded.year, message = excluded.message`, args...)
		if err != nil {
			return fmt.Errorf("record the problems seen: %w", err)
		}
	}
	return nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
