// Package store is the DuckDB warehouse: it opens a run's working copy, migrates it, loads
// Arrow batches from pipeline/batch, resolves report versions and publishes the result
// atomically. It is the only package that imports duckdb-go.
//
// A run never writes the published file. Begin takes an exclusive lock (flock on
// <db>.lock; a second run fails fast with ErrLocked), removes the temporary files a killed run
// left behind, copies the published file (if any) to a unique <db>.tmp-<pid>-<n> next to it
// and opens that copy. Load inserts batches; Finish resolves versions (the report of record of
// each identity: complete before incomplete or failed, then the newer file — see versionsSQL),
// records the run, CHECKPOINTs, closes, fsyncs and renames the copy over the published file.
// Analysts' read-only sessions on the published file therefore never block a run and never see
// a half-loaded province, and a kill -9 at any moment leaves the published warehouse as it was.
//
// Reading is done through a read-only Session (session.go). Code reads rows into structs whose
// fields name their columns — store.Select, QueryAll, ScanAll, QueryColumn, QueryValue
// (scan.go) — never into maps looked up by column name: a renamed or misspelt column is an
// error naming it, and counts, exact decimals and rates keep their types (int64, schemas.Dec,
// float64).
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"

	"xxgk/pipeline"
	"xxgk/pipeline/batch"
	"xxgk/schemas"
)

// ErrLocked is returned by Begin when another run holds the warehouse.
var ErrLocked = errors.New("仓库正被另一个导入使用（warehouse locked by another ingest run）")

// Options configure a run's working copy.
type Options struct {
	// Path is the published warehouse file (created by the first run).
	Path string
	// MemoryLimit is DuckDB's memory_limit (default "1GB": the machine is shared).
	MemoryLimit string
	// Threads is DuckDB's thread count (0: DuckDB's default, one per core).
	Threads int
}

// Warehouse is one run's working copy of the warehouse. Not safe for concurrent use: the
// ingest's loader goroutine owns it.
type Warehouse struct {
	path    string
	tmp     string
	lock    *os.File
	db      *sql.DB
	conn    *sql.Conn
	runID   int64
	started time.Time
	views   int
	done    bool
	inTx    bool  // the run's load transaction is open
	failed  error // a load failed: the transaction was rolled back
}

// Begin locks the warehouse at opts.Path, cleans up after killed runs, and opens a working
// copy of the published file (or a new file), migrated to the current schema.
func Begin(ctx context.Context, opts Options) (w *Warehouse, err error) {
	if opts.Path == "" {
		return nil, errors.New("store: no warehouse path")
	}
	if opts.MemoryLimit == "" {
		opts.MemoryLimit = "1GB"
	}
	if err := os.MkdirAll(dirOf(opts.Path), 0o755); err != nil {
		return nil, fmt.Errorf("store: create the warehouse directory: %w", err)
	}
	lock, err := acquireLock(opts.Path + ".lock")
	if err != nil {
		return nil, err
	}
	w = &Warehouse{path: opts.Path, lock: lock, started: time.Now().UTC()}
	defer func() {
		if err != nil {
			err = errors.Join(err, w.Abort())
			w = nil
		}
	}()
	if err := removeStale(opts.Path); err != nil {
		return w, err
	}
	w.tmp = fmt.Sprintf("%s.tmp-%d-%d", opts.Path, os.Getpid(), time.Now().UnixNano())
	if err := copyPublished(opts.Path, w.tmp); err != nil {
		return w, err
	}
	conf := fmt.Sprintf("?autoinstall_known_extensions=false&autoload_known_extensions=false&memory_limit=%s", opts.MemoryLimit)
	if opts.Threads > 0 {
		conf += fmt.Sprintf("&threads=%d", opts.Threads)
	}
	connector, err := duckdb.NewConnector(w.tmp+conf, nil)
	if err != nil {
		return w, fmt.Errorf("store: open the working copy %s: %w", w.tmp, err)
	}
	w.db = sql.OpenDB(connector)
	w.db.SetMaxOpenConns(1)
	if w.conn, err = w.db.Conn(ctx); err != nil {
		return w, fmt.Errorf("store: connect to the working copy: %w", err)
	}
	if err := migrate(ctx, w.conn); err != nil {
		return w, err
	}
	if err := w.conn.QueryRowContext(ctx, `select coalesce(max(run_id), 0) + 1 from ingest_runs`).Scan(&w.runID); err != nil {
		return w, fmt.Errorf("store: next run id: %w", err)
	}
	return w, nil
}

// RunID returns the id of this run (one more than the last published run).
func (w *Warehouse) RunID() int64 { return w.runID }

// Path returns the published warehouse file.
func (w *Warehouse) Path() string { return w.path }

// Known is a report version already in the warehouse.
type Known struct {
	ReportID int64
	Path     string // its source path
}

// Known returns the report versions already stored for this parser version, by the SHA-256
// of their bytes: the ingest skips parsing them (unchanged or duplicate).
func (w *Warehouse) Known(ctx context.Context, parserVersion string) (_ map[[32]byte]Known, err error) {
	rows, err := w.conn.QueryContext(ctx, `select sha256, report_id, source_path from reports where parser_version = ?`, parserVersion)
	if err != nil {
		return nil, fmt.Errorf("store: read known reports: %w", err)
	}
	defer func() {
		if cerr := rows.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("store: read known reports: %w", cerr))
		}
	}()
	out := map[[32]byte]Known{}
	for rows.Next() {
		var sha string
		var k Known
		if err := rows.Scan(&sha, &k.ReportID, &k.Path); err != nil {
			return nil, fmt.Errorf("store: read known reports: %w", err)
		}
		var key [32]byte
		if n, err := hex.Decode(key[:], []byte(sha)); err != nil || n != 32 {
			return nil, fmt.Errorf("store: report %d: bad sha256 %q", k.ReportID, sha)
		}
		out[key] = k
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read known reports: %w", err)
	}
	return out, nil
}

// Load inserts batches: per batch one Arrow view, one INSERT … SELECT, DROP VIEW, release.
// All the loads of a run share one transaction, committed by Finish: the working copy is
// published whole or not at all, so per-load commits would only cost (each one wrote and
// synced the WAL and set off checkpoints: 80% of the load time). Load takes ownership of the
// batches and releases them, also on error; after an error the run must be aborted.
// failed_inputs keeps one row per path, content and reason (a failure seen again adds
// nothing); regions is upserted.
func (w *Warehouse) Load(ctx context.Context, bs ...*batch.Batch) (err error) {
	defer func() {
		for _, b := range bs {
			b.Release()
		}
	}()
	if len(bs) == 0 {
		return nil
	}
	if w.failed != nil {
		return fmt.Errorf("store: load after a failed load: %w", w.failed)
	}
	if !w.inTx {
		if _, err := w.conn.ExecContext(ctx, `begin transaction`); err != nil {
			return fmt.Errorf("store: begin load: %w", err)
		}
		w.inTx = true
	}
	for _, b := range bs {
		if err = w.loadOne(ctx, b); err != nil {
			break
		}
	}
	if err != nil {
		w.failed = err
		w.inTx = false
		if _, rerr := w.conn.ExecContext(context.WithoutCancel(ctx), `rollback`); rerr != nil {
			err = errors.Join(err, fmt.Errorf("store: rollback: %w", rerr))
		}
		return err
	}
	return nil
}

func (w *Warehouse) loadOne(ctx context.Context, b *batch.Batch) (err error) {
	spec := b.Spec()
	rec := b.Record()
	rdr, err := array.NewRecordReader(rec.Schema(), []arrow.RecordBatch{rec})
	if err != nil {
		return fmt.Errorf("store: load %s: %w", spec.Name, err)
	}
	defer rdr.Release()
	w.views++
	view := fmt.Sprintf("ingest_%s_%d_%d", spec.Name, w.runID, w.views)
	var release func()
	err = w.conn.Raw(func(dc any) error {
		dconn, ok := dc.(driver.Conn)
		if !ok {
			return errors.New("not a driver connection")
		}
		ar, err := duckdb.NewArrowFromConn(dconn)
		if err != nil {
			return err
		}
		release, err = ar.RegisterView(rdr, view)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: load %s: register Arrow view: %w", spec.Name, err)
	}
	dropped := false
	defer func() {
		if !dropped {
			if _, derr := w.conn.ExecContext(context.WithoutCancel(ctx), `drop view if exists `+view); derr != nil {
				err = errors.Join(err, fmt.Errorf("store: drop view %s: %w", view, derr))
			}
		}
		release()
	}()
	cols := make([]string, len(spec.Columns))
	for i, c := range spec.Columns {
		cols[i] = c.Name
	}
	list := strings.Join(cols, ", ")
	var q string
	switch spec.Name {
	case schemas.TableFailedInputs:
		q = fmt.Sprintf(`insert into %[1]s (%[2]s) select %[2]s from %[3]s v where not exists (
			select 1 from %[1]s f where f.path = v.path and f.sha256 is not distinct from v.sha256 and f.reason = v.reason)`,
			spec.Name, list, view)
	case schemas.TableRegions:
		q = fmt.Sprintf(`insert or replace into %s (%s) select %s from %s`, spec.Name, list, list, view)
	default:
		q = fmt.Sprintf(`insert into %s (%s) select %s from %s`, spec.Name, list, list, view)
	}
	if _, err := w.conn.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("store: load %d rows into %s: %w", b.Rows(), spec.Name, err)
	}
	if _, err := w.conn.ExecContext(ctx, `drop view `+view); err != nil {
		return fmt.Errorf("store: drop view %s: %w", view, err)
	}
	dropped = true
	return nil
}

// Run is what the ingest records about a run in ingest_runs.
type Run struct {
	Roots      []string
	Manifest   string
	Inputs     int64
	Loaded     int64
	Unchanged  int64
	Duplicates int64
	Failed     int64
	Incomplete int64
	Status     string // ok, partial, failed
	// Models, when set, runs on the working copy after the versions are resolved and before
	// it is published (the SQL models of package queries: rollup.Apply), so every published
	// warehouse carries models built from its current reports.
	Models func(context.Context, *sql.Conn) error
}

// Result is what Finish reports.
type Result struct {
	RunID       int64
	NewVersions int64 // reports of this run that superseded an earlier version
}

// versionsSQL assigns version numbers to this run's reports (version 0): after the highest
// version already stored for the identity, in source path order within the run (versions
// number the history of loads). Then it chooses the report of record of every identity — the
// one version marked current, the only one the models and rollups read — and links every
// other version to what replaces it.
//
// The choice, among the versions of one identity whose bytes were not read again by a newer
// parser (a later run's reading of the same bytes replaces the earlier one):
//
//  1. the more complete: complete, then incomplete, then failed — a truncated copy or a PDF twin
//     that reads incomplete never replaces a complete report, whatever its name or age;
//  2. the newer file: the later modification time of the source file when it was read
//     (source_modified_at), to the second — copies made by one job within a second are not
//     newer than one another; a version stored without a time is older than any with one;
//  3. the later source path in lexical order;
//  4. the later load (version).
//
// Every key is a property of the files, not of the order in which runs met them, so a
// warehouse built in one run and one built over many runs choose the same reports, and a
// rerun changes nothing. superseded_by is the newer parser's reading of the same bytes when
// there is one, else the identity's report of record. analytics.report_versions explains the
// choice for every version (keep it in step with this statement).
const versionsSQL = `
update reports as r set version = n.v
from (
    select x.report_id,
           coalesce(p.maxv, 0) + row_number() over (partition by x.identity_key order by x.source_path, x.report_id) as v
    from reports x
    left join (select identity_key, max(version) as maxv from reports where version > 0 group by identity_key) p
      using (identity_key)
    where x.version = 0
) n
where r.report_id = n.report_id;

update reports as r set is_current = n.is_current, superseded_by = n.superseded_by
from (
    with readings as (
        select report_id, identity_key, status, source_modified_at, source_path, version,
               first_value(report_id) over (partition by sha256 order by run_id desc, version desc, report_id desc) as latest_reading
        from reports
    ),
    records as (
        select distinct identity_key,
               first_value(report_id) over (
                   partition by identity_key
                   order by case status when 'complete' then 0 when 'incomplete' then 1 else 2 end,
                            date_trunc('second', source_modified_at) desc nulls last,
                            source_path desc,
                            version desc,
                            report_id desc) as record_id
        from readings
        where report_id = latest_reading
    )
    select x.report_id,
           x.report_id is not distinct from c.record_id as is_current,
           case when x.report_id <> x.latest_reading then x.latest_reading
                when x.report_id is distinct from c.record_id then c.record_id
           end as superseded_by
    from readings as x
    left join records as c using (identity_key)
) n
where r.report_id = n.report_id
  and (r.is_current is distinct from n.is_current or r.superseded_by is distinct from n.superseded_by);
`

// Finish resolves report versions, records the run, and publishes the working copy: CHECKPOINT,
// close, fsync, rename over the published file, fsync the directory, unlock. On error the
// working copy is removed and the published file is left as it was.
func (w *Warehouse) Finish(ctx context.Context, run Run) (res Result, err error) {
	defer func() {
		if err != nil {
			err = errors.Join(err, w.Abort())
		}
	}()
	res.RunID = w.runID
	if w.failed != nil {
		return res, fmt.Errorf("store: finish after a failed load: %w", w.failed)
	}
	// parsing is over: the version resolution, the models and the checkpoint get every core
	if _, err := w.conn.ExecContext(ctx, fmt.Sprintf(`set threads = %d`, runtime.NumCPU())); err != nil {
		return res, fmt.Errorf("store: finish: %w", err)
	}
	if !w.inTx {
		if _, err := w.conn.ExecContext(ctx, `begin transaction`); err != nil {
			return res, fmt.Errorf("store: finish: %w", err)
		}
	}
	w.inTx = false
	err = func() error {
		if _, err := w.conn.ExecContext(ctx, versionsSQL); err != nil {
			return fmt.Errorf("store: resolve report versions: %w", err)
		}
		if err := w.conn.QueryRowContext(ctx, `select count(*) from reports where run_id = ? and version > 1`, w.runID).Scan(&res.NewVersions); err != nil {
			return fmt.Errorf("store: count new versions: %w", err)
		}
		var manifest any
		if run.Manifest != "" {
			manifest = run.Manifest
		}
		_, err := w.conn.ExecContext(ctx, `insert into ingest_runs (run_id, started_at, finished_at, xxgk_version, parser_version,
			roots, manifest, inputs_count, loaded_count, unchanged_count, duplicate_count, failed_count, incomplete_count,
			new_version_count, status) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			w.runID, w.started, time.Now().UTC(), pipeline.Version, pipeline.ParserVersion, strings.Join(run.Roots, "\n"), manifest,
			run.Inputs, run.Loaded, run.Unchanged, run.Duplicates, run.Failed, run.Incomplete, res.NewVersions, run.Status)
		if err != nil {
			return fmt.Errorf("store: record run %d: %w", w.runID, err)
		}
		return nil
	}()
	if err != nil {
		if _, rerr := w.conn.ExecContext(context.WithoutCancel(ctx), `rollback`); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return res, err
	}
	if _, err := w.conn.ExecContext(ctx, `commit`); err != nil {
		return res, fmt.Errorf("store: commit run %d: %w", w.runID, err)
	}
	if run.Models != nil {
		if err := run.Models(ctx, w.conn); err != nil {
			return res, fmt.Errorf("store: build the SQL models: %w", err)
		}
	}
	var views int
	if err := w.conn.QueryRowContext(ctx, `select count(*) from duckdb_views() where view_name like 'ingest_%'`).Scan(&views); err != nil {
		return res, fmt.Errorf("store: check views: %w", err)
	}
	if views != 0 {
		return res, fmt.Errorf("store: %d ingest views survived the load", views)
	}
	if _, err := w.conn.ExecContext(ctx, `checkpoint`); err != nil {
		return res, fmt.Errorf("store: checkpoint: %w", err)
	}
	if err := w.closeDB(); err != nil {
		return res, err
	}
	if err := publish(w.tmp, w.path); err != nil {
		return res, err
	}
	w.done = true
	if err := releaseLock(w.lock); err != nil {
		return res, err
	}
	w.lock = nil
	return res, nil
}

func (w *Warehouse) closeDB() error {
	var err error
	if w.conn != nil {
		if cerr := w.conn.Close(); cerr != nil {
			err = fmt.Errorf("store: close connection: %w", cerr)
		}
		w.conn = nil
	}
	if w.db != nil {
		if cerr := w.db.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("store: close working copy: %w", cerr))
		}
		w.db = nil
	}
	return err
}

// Abort closes and removes the working copy and releases the lock; the published file is not
// touched. Safe to call more than once and after Finish.
func (w *Warehouse) Abort() error {
	if w == nil {
		return nil
	}
	err := w.closeDB()
	if !w.done && w.tmp != "" {
		err = errors.Join(err, removeTemp(w.tmp))
	}
	if w.lock != nil {
		err = errors.Join(err, releaseLock(w.lock))
		w.lock = nil
	}
	return err
}
