package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"xxgk/schemas"
)

// finishMerge merges the run's delta into the published warehouse, in place or by copy (see
// Finish).
func (w *Warehouse) finishMerge(ctx context.Context, run Run, res *Result) error {
	// the delta: commit the loads, note its size, let go of the published file, close
	if w.inTx {
		if _, err := w.conn.ExecContext(ctx, `commit`); err != nil {
			return fmt.Errorf("store: commit the run's delta: %w", err)
		}
		w.inTx = false
	}
	var n int64
	if err := w.conn.QueryRowContext(ctx, `select count(*) from reports`).Scan(&n); err != nil {
		return fmt.Errorf("store: count the run's reports: %w", err)
	}
	if _, err := w.conn.ExecContext(ctx, `detach pub`); err != nil {
		return fmt.Errorf("store: detach the published warehouse: %w", err)
	}
	if err := w.checkpointClose(ctx); err != nil {
		return err
	}

	reason := ""
	switch {
	case w.opts.Publish == PublishCopy:
		reason = "publish by copy (Options.Publish)"
	case run.Update == nil && run.Models != nil:
		reason = "the models are rebuilt after the commit (Run.Models)"
	case w.opts.InPlaceMaxReports > 0 && n > w.opts.InPlaceMaxReports:
		reason = fmt.Sprintf("a large run (%d reports > %d)", n, w.opts.InPlaceMaxReports)
	}
	if reason == "" {
		var err error
		if w.db, w.conn, err = openPublished(ctx, w.path, w.opts); err != nil {
			reason = err.Error()
		} else if due, err := migrationsDue(ctx, w); err != nil || due {
			reason = "a schema migration is due"
			if err != nil {
				reason = err.Error()
			}
			if cerr := w.closeDB(); cerr != nil {
				return cerr
			}
		}
	}
	migrated := false
	if reason != "" {
		res.Fallback = reason
		// a WAL next to the published file holds a committed in-place merge that was not
		// checkpointed (a killed run): a new file renamed over it would get that WAL replayed
		// onto it, so the file must be opened (and checkpointed) first
		if _, err := os.Stat(w.path + ".wal"); err == nil {
			return fmt.Errorf("store: %s has a WAL (a run was killed after it committed) and the warehouse could not be opened for writing (%s): close the sessions reading it and run again — 仓库有未写入主文件的日志，且无法以写方式打开：请关闭正在读取仓库的会话后重试", w.path, reason)
		}
		w.work = fmt.Sprintf("%s.tmp-%d-%d", w.path, os.Getpid(), time.Now().UnixNano())
		if err := copyPublished(w.path, w.work); err != nil {
			return err
		}
		var err error
		if w.db, w.conn, err = openRW(ctx, w.work, w.opts); err != nil {
			return fmt.Errorf("store: open the working copy %s: %w", w.work, err)
		}
		var before int
		if err := w.conn.QueryRowContext(ctx, `select count(*) from schema_migrations`).Scan(&before); err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		if err := migrate(ctx, w.conn); err != nil {
			return err
		}
		var after int
		if err := w.conn.QueryRowContext(ctx, `select count(*) from schema_migrations`).Scan(&after); err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		migrated = after != before
	} else {
		res.InPlace = true
	}
	if err := w.merge(ctx, run, res, migrated); err != nil {
		return err
	}
	if err := w.checkpointClose(ctx); err != nil {
		if res.InPlace {
			// the merge is committed: DuckDB's log beside the published file holds it and
			// every opening replays it, so the run is published, only not yet written into
			// the main file (a full disk): the next writer's checkpoint finishes it
			_ = w.closeDB()
			return &NotCheckpointedError{Path: w.path, Err: err}
		}
		return err
	}
	if w.work != "" {
		if err := publish(w.work, w.path); err != nil {
			return err
		}
		w.work = ""
	}
	err := removeTemp(w.tmp)
	w.tmp = ""
	return err
}

// openPublished opens the published file for writing, waiting up to opts.LockWait for the
// read-only sessions of other processes to close (DuckDB's file lock: a writer excludes every
// other process, readers too).
func openPublished(ctx context.Context, path string, opts Options) (db *sql.DB, conn *sql.Conn, err error) {
	deadline := time.Now().Add(max(opts.LockWait, 0))
	for {
		db, conn, err = openRW(ctx, path, opts)
		if err == nil {
			return db, conn, nil
		}
		if !isLockConflict(err) || time.Now().After(deadline) {
			return nil, nil, fmt.Errorf("the published warehouse could not be opened for writing within %s: %w", opts.LockWait, err)
		}
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// isLockConflict says whether err is DuckDB refusing a file another process (or another
// configuration in this one) holds.
func isLockConflict(err error) bool {
	s := err.Error()
	return strings.Contains(s, "Could not set lock on file") || strings.Contains(s, "Conflicting lock") ||
		strings.Contains(s, "different configuration")
}

// migrationsDue says whether the open warehouse lacks a migration of this xxgk.
func migrationsDue(ctx context.Context, w *Warehouse) (bool, error) {
	ms, err := schemas.Migrations()
	if err != nil {
		return false, fmt.Errorf("store: %w", err)
	}
	var n int
	if err := w.conn.QueryRowContext(ctx, `select count(*) from schema_migrations`).Scan(&n); err != nil {
		return false, fmt.Errorf("store: read the migrations: %w", err)
	}
	return n < len(ms), nil
}

// merge copies the delta's rows into the open warehouse and resolves, records and refreshes,
// in one transaction.
func (w *Warehouse) merge(ctx context.Context, run Run, res *Result, migrated bool) (err error) {
	if err := w.setThreads(ctx); err != nil {
		return err
	}
	if _, err := w.conn.ExecContext(ctx, `attach `+quote(w.tmp)+` as `+Delta+` (read_only)`); err != nil {
		return fmt.Errorf("store: attach the run's delta: %w", err)
	}
	if _, err := w.conn.ExecContext(ctx, `begin transaction`); err != nil {
		return fmt.Errorf("store: merge: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			if _, rerr := w.conn.ExecContext(context.WithoutCancel(ctx), `rollback`); rerr != nil {
				err = errors.Join(err, fmt.Errorf("store: rollback: %w", rerr))
			}
		}
		if _, derr := w.conn.ExecContext(context.WithoutCancel(ctx), `detach `+Delta); derr != nil {
			err = errors.Join(err, fmt.Errorf("store: detach the run's delta: %w", derr))
		}
	}()
	var regionsChanged int64
	if err := w.conn.QueryRowContext(ctx, `select count(*) from (select * from d.regions except select * from regions)`).Scan(&regionsChanged); err != nil {
		return fmt.Errorf("store: merge: compare the regions: %w", err)
	}
	for _, spec := range schemas.Warehouse {
		if spec.Name == schemas.TableIngestRuns {
			continue // recorded below
		}
		cols := make([]string, len(spec.Columns))
		for i, c := range spec.Columns {
			cols[i] = c.Name
		}
		list := strings.Join(cols, ", ")
		var q string
		switch {
		case spec.Name == schemas.TableFailedInputs:
			q = fmt.Sprintf(`insert into %[1]s (%[2]s) select %[2]s from d.%[1]s v where not exists (
				select 1 from %[1]s f where f.path = v.path and f.sha256 is not distinct from v.sha256 and f.reason = v.reason)`, spec.Name, list)
		case spec.Name == schemas.TableRegions:
			if regionsChanged == 0 {
				continue
			}
			q = fmt.Sprintf(`insert or replace into %[1]s (%[2]s) select %[2]s from d.%[1]s`, spec.Name, list)
		case !hasColumn(spec, "report_id"):
			// a table shared by the reports (a dictionary: rows the warehouse may hold already,
			// which the run's delta, loaded empty, holds again): only the rows not stored; a row
			// that differs under the same key fails on the key, as it would in a copy
			q = fmt.Sprintf(`insert into %[1]s (%[2]s) select %[2]s from d.%[1]s except select %[2]s from %[1]s`, spec.Name, list)
		default:
			q = fmt.Sprintf(`insert into %[1]s (%[2]s) select %[2]s from d.%[1]s`, spec.Name, list)
		}
		if _, err := w.conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("store: merge %s: %w", spec.Name, err)
		}
	}
	if err := resolveVersions(ctx, w.conn, false); err != nil {
		return err
	}
	if err := w.record(ctx, run, res); err != nil {
		return err
	}
	if run.Update != nil {
		if err := w.changed(ctx, `select report_id from reports
			where identity_key in (select identity_key from d.reports) or sha256 in (select sha256 from d.reports)`); err != nil {
			return err
		}
		if err := run.Update(ctx, w.conn, regionsChanged > 0 || migrated); err != nil {
			return fmt.Errorf("store: bring the SQL models up to date: %w", err)
		}
		if _, err := w.conn.ExecContext(ctx, `drop table temp.`+ChangedReports); err != nil {
			return fmt.Errorf("store: merge: %w", err)
		}
	}
	if _, err := w.conn.ExecContext(ctx, `commit`); err != nil {
		return fmt.Errorf("store: commit run %d: %w", w.runID, err)
	}
	committed = true
	if run.Update == nil && run.Models != nil {
		if err := run.Models(ctx, w.conn); err != nil {
			return fmt.Errorf("store: build the SQL models: %w", err)
		}
	}
	return nil
}

// hasColumn says whether a warehouse table has the column.
func hasColumn(spec schemas.WarehouseTable, name string) bool {
	for _, c := range spec.Columns {
		if c.Name == name {
			return true
		}
	}
	return false
}

// NotCheckpointedError is the failure of the checkpoint after an in-place merge was committed:
// the run is published (its commit is in Path's write-ahead log, which every opening of the
// file replays), but the log could not be written into the main file, typically because the
// disk is full. The next run that opens the file for writing checkpoints it.
type NotCheckpointedError struct {
	Path string
	Err  error
}

func (e *NotCheckpointedError) Error() string {
	return fmt.Sprintf("store: the run is committed to %s, but its checkpoint failed (the commit stays in %s.wal, replayed by every opening, until a later run checkpoints it): %v", e.Path, e.Path, e.Err)
}

func (e *NotCheckpointedError) Unwrap() error { return e.Err }
