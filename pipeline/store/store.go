// Package store is the DuckDB warehouse: it loads a run's Arrow batches from pipeline/batch,
// resolves report versions and publishes the result atomically. It is the only package that
// imports duckdb-go.
//
// # The lifecycle of a run
//
// Begin takes an exclusive lock (flock on <db>.lock; a second run fails fast with ErrLocked),
// removes the files a killed run left behind (<db>.tmp-*), and opens the run's delta: a new
// DuckDB file <db>.tmp-<pid>-<n>, migrated, that Load fills. The published file is only attached
// read-only (a shared lock, as any reader's) for the next run id and the contents already stored
// (Known). Finish resolves versions (the report of record of each identity: complete before
// incomplete or failed, then the newer file — see versionsSQL), records the run, brings the SQL
// models up to date (Run.Update) and publishes, in one of three ways:
//
//   - a new warehouse: the delta itself — CHECKPOINT, close, fsync, rename to <db>;
//   - in place (the default for an existing warehouse, PublishAuto): the published file is
//     opened for writing and the delta merged into it (ATTACH, INSERT … SELECT per table) in ONE
//     DuckDB transaction with the version resolution (over the run's identities only), the run
//     record and the models' refresh (pipeline/rollup.Update: only the rows of the
//     province-years the run touched), then CHECKPOINT. The run writes what it adds and the row
//     groups it changes, not a copy of the file: 10 late reports into 1,000,000 write tens of MB
//     (BenchmarkLateReports), a copy would write the whole file (gigabytes with the provenance);
//   - by copy (PublishCopy, or when the in-place merge is not possible): the published file is
//     copied to <db>.tmp-…, the delta merged into the copy the same way, which is
//     CHECKPOINTed, closed, fsynced and renamed over the published file.
//
// # Guarantees
//
// Atomic publish: readers see the old warehouse or the new one, never a part. In place, DuckDB's
// write-ahead log makes the commit atomic and durable: a kill -9 before the commit leaves the old
// warehouse (the rows written so far are unreferenced blocks of the file, reused later), after it
// the new one — when the kill falls between the commit and the end of the CHECKPOINT, the
// committed transaction is in <db>.wal and DuckDB replays it whenever the file is opened, by
// readers too. TestKillLateInPlace kills in-place runs across the merge, the commit and the
// checkpoint and finds the old or the new warehouse (tables and models) every time. By copy, the
// rename is the commit. A WAL next to the published file is never left under a renamed copy
// (DuckDB would replay it onto the new file: reproduced): a copy is refused while one exists, and
// the next in-place open checkpoints it away.
//
// Readers and writers: DuckDB's file lock lets one process write a file, or any number read it,
// never both. A read-only session (OpenSession) therefore never blocks a run: an in-place
// merge waits for the sessions of other processes to close for at most Options.LockWait (5 s),
// then publishes by copy instead (the slower path, readers untouched). While a run merges in
// place — seconds for late reports; runs of more than Options.InPlaceMaxReports (20,000)
// reports always publish by copy — a new session cannot open the file: OpenSession waits for
// the merge (SessionOptions.LockWait, 60 s) and then reads the new warehouse. Sessions already
// open keep their snapshot until they close. Readers should be short-lived (one session per
// command or request): a reader that stays open sends every run to the copy path.
//
// Idempotence and convergence are unchanged: the merge inserts exactly what a copy-path run
// inserted (failed inputs deduplicated against the warehouse, regions upserted), versions are
// resolved by the same statement over every identity the run touched, and the models'
// incremental refresh equals a full rebuild (pipeline/rollup TestUpdateEqualsBuild).
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
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"

	"xxgk/pipeline"
	"xxgk/pipeline/batch"
	"xxgk/schemas"
)

// ErrLocked is returned by Begin when another run holds the warehouse.
var ErrLocked = errors.New("仓库正被另一个导入使用（warehouse locked by another ingest run）")

// Publish says how Finish publishes a run into an existing warehouse.
type Publish int

const (
	// PublishAuto merges the run into the published file in place, in one DuckDB transaction,
	// when the file can be had for writing within Options.LockWait and the run is small enough
	// (Options.InPlaceMaxReports); else it publishes a copy (PublishCopy).
	PublishAuto Publish = iota
	// PublishCopy copies the published file, merges the run into the copy and renames it over
	// the published file: readers are never blocked, at the cost of copying the whole file.
	PublishCopy
)

// Defaults of Options.
const (
	DefaultLockWait          = 5 * time.Second
	DefaultInPlaceMaxReports = 20_000
)

// Options configure a run's working copy.
type Options struct {
	// Path is the published warehouse file (created by the first run).
	Path string
	// MemoryLimit is DuckDB's memory_limit (default "1GB": the machine is shared).
	MemoryLimit string
	// Threads is DuckDB's thread count (0: DuckDB's default, one per core).
	Threads int
	// Publish chooses between the in-place merge and the copy (default PublishAuto).
	Publish Publish
	// LockWait is how long Finish waits for read-only sessions of other processes to close
	// before it gives up the in-place merge for the copy (default DefaultLockWait; < 0: do not
	// wait).
	LockWait time.Duration
	// InPlaceMaxReports: a run loading more new report versions than this publishes by copy,
	// so that readers are not locked out while a large run merges (default
	// DefaultInPlaceMaxReports).
	InPlaceMaxReports int64
}

// Warehouse is one run's working state: the delta file its loads go to, and the lock. Not safe
// for concurrent use: the ingest's loader goroutine owns it.
type Warehouse struct {
	opts      Options
	path      string
	tmp       string // the delta: this run's rows, loaded by Load
	work      string // the copy of the published file (copy path)
	lock      *os.File
	db        *sql.DB
	conn      *sql.Conn
	published bool // a published file existed at Begin
	runID     int64
	started   time.Time
	views     int
	done      bool
	inTx      bool  // the run's load transaction is open
	failed    error // a load failed: the transaction was rolled back
}

// Begin locks the warehouse at opts.Path, cleans up after killed runs, and opens the run's
// delta: a new file next to the warehouse, migrated to the current schema, that Load fills.
// The published file is only read (attached read-only) until Finish.
func Begin(ctx context.Context, opts Options) (w *Warehouse, err error) {
	if opts.Path == "" {
		return nil, errors.New("store: no warehouse path")
	}
	if opts.MemoryLimit == "" {
		opts.MemoryLimit = "1GB"
	}
	if opts.LockWait == 0 {
		opts.LockWait = DefaultLockWait
	}
	if opts.InPlaceMaxReports == 0 {
		opts.InPlaceMaxReports = DefaultInPlaceMaxReports
	}
	if err := os.MkdirAll(dirOf(opts.Path), 0o755); err != nil {
		return nil, fmt.Errorf("store: create the warehouse directory: %w", err)
	}
	lock, err := acquireLock(opts.Path + ".lock")
	if err != nil {
		return nil, err
	}
	w = &Warehouse{opts: opts, path: opts.Path, lock: lock, started: time.Now().UTC()}
	defer func() {
		if err != nil {
			err = errors.Join(err, w.Abort())
			w = nil
		}
	}()
	if err := removeStale(opts.Path); err != nil {
		return w, err
	}
	switch _, err := os.Stat(opts.Path); {
	case err == nil:
		w.published = true
	case errors.Is(err, fs.ErrNotExist):
		// a WAL without its file belongs to no warehouse: it would be replayed onto the new one
		if err := os.Remove(opts.Path + ".wal"); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return w, fmt.Errorf("store: remove an orphan WAL: %w", err)
		}
	default:
		return w, fmt.Errorf("store: %w", err)
	}
	w.tmp = fmt.Sprintf("%s.tmp-%d-%d", opts.Path, os.Getpid(), time.Now().UnixNano())
	if w.db, w.conn, err = openRW(ctx, w.tmp, opts); err != nil {
		return w, fmt.Errorf("store: open the run's delta %s: %w", w.tmp, err)
	}
	if err := migrate(ctx, w.conn); err != nil {
		return w, err
	}
	next := `select coalesce(max(run_id), 0) + 1 from ingest_runs`
	if w.published {
		if err := w.attachPublished(ctx); err != nil {
			return w, err
		}
		next = `select coalesce(max(run_id), 0) + 1 from pub.ingest_runs`
	}
	if err := w.conn.QueryRowContext(ctx, next).Scan(&w.runID); err != nil {
		return w, fmt.Errorf("store: next run id: %w", err)
	}
	return w, nil
}

// openRW opens a DuckDB file for writing on one connection.
func openRW(ctx context.Context, path string, opts Options) (*sql.DB, *sql.Conn, error) {
	conf := fmt.Sprintf("?autoinstall_known_extensions=false&autoload_known_extensions=false&memory_limit=%s", opts.MemoryLimit)
	if opts.Threads > 0 {
		conf += fmt.Sprintf("&threads=%d", opts.Threads)
	}
	connector, err := duckdb.NewConnector(path+conf, nil)
	if err != nil {
		return nil, nil, err
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, nil, errors.Join(err, db.Close())
	}
	return db, conn, nil
}

// attachPublished attaches the published file read-only as pub (a shared lock: readers are
// not disturbed), for the run id and the reports already stored.
func (w *Warehouse) attachPublished(ctx context.Context) error {
	if _, err := w.conn.ExecContext(ctx, `attach `+quote(w.path)+` as pub (read_only)`); err != nil {
		return fmt.Errorf("store: read the published warehouse: %w", err)
	}
	return nil
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// RunID returns the id of this run (one more than the last published run).
func (w *Warehouse) RunID() int64 { return w.runID }

// Path returns the published warehouse file.
func (w *Warehouse) Path() string { return w.path }

// Known is a report version already in the warehouse.
type Known struct {
	ReportID int64
	Path     string // its source path
}

// KnownSet is the report versions already stored for a parser version, by the SHA-256 of
// their bytes. Built for a million of them: a pointer-free index (the garbage collector never
// scans it), the ids sorted for the collision check, the paths sharing one buffer per batch.
type KnownSet struct {
	idx   map[[32]byte]int32
	ids   []int64
	paths []string
	byID  []int64 // ids, sorted
}

// Get returns the stored version holding the bytes with this SHA-256.
func (k *KnownSet) Get(sha [32]byte) (Known, bool) {
	i, ok := k.idx[sha]
	if !ok {
		return Known{}, false
	}
	return Known{ReportID: k.ids[i], Path: k.paths[i]}, true
}

// HasID says whether a stored version has this report id.
func (k *KnownSet) HasID(id int64) bool {
	_, ok := slices.BinarySearch(k.byID, id)
	return ok
}

// Len is the number of stored versions.
func (k *KnownSet) Len() int { return len(k.ids) }

// Known returns the report versions already stored for this parser version, by the SHA-256
// of their bytes: the ingest skips parsing them (unchanged or duplicate). They are read through
// DuckDB's Arrow interface: a million in about a second, where scanning rows through
// database/sql took eight.
func (w *Warehouse) Known(ctx context.Context, parserVersion string) (_ *KnownSet, err error) {
	out := &KnownSet{idx: map[[32]byte]int32{}}
	if !w.published {
		return out, nil
	}
	var n int
	// DuckDB's row count of the table (no scan): the index is sized once
	if err := w.conn.QueryRowContext(ctx, `select estimated_size from duckdb_tables() where database_name = 'pub'
		and schema_name = 'main' and table_name = 'reports'`).Scan(&n); err != nil {
		return nil, fmt.Errorf("store: count known reports: %w", err)
	}
	out.idx = make(map[[32]byte]int32, n)
	out.ids = make([]int64, 0, n)
	out.paths = make([]string, 0, n)
	var rdr array.RecordReader
	err = w.conn.Raw(func(dc any) error {
		dconn, ok := dc.(driver.Conn)
		if !ok {
			return errors.New("not a driver connection")
		}
		ar, err := duckdb.NewArrowFromConn(dconn)
		if err != nil {
			return err
		}
		rdr, err = ar.QueryContext(ctx, `select sha256, report_id, source_path from pub.reports where parser_version = ?`, parserVersion)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: read known reports: %w", err)
	}
	defer rdr.Release()
	for rdr.Next() {
		rec := rdr.RecordBatch()
		shas, ok1 := rec.Column(0).(*array.String)
		ids, ok2 := rec.Column(1).(*array.Int64)
		paths, ok3 := rec.Column(2).(*array.String)
		if !ok1 || !ok2 || !ok3 {
			return nil, fmt.Errorf("store: read known reports: unexpected columns %s", rec.Schema())
		}
		rows := int(rec.NumRows())
		var size int
		for i := 0; i < rows; i++ {
			size += len(paths.Value(i))
		}
		buf := make([]byte, 0, size)
		for i := 0; i < rows; i++ {
			buf = append(buf, paths.Value(i)...)
		}
		all := string(buf)
		off := 0
		for i := 0; i < rows; i++ {
			var sha [32]byte
			if k, err := hex.Decode(sha[:], unsafe.Slice(unsafe.StringData(shas.Value(i)), len(shas.Value(i)))); err != nil || k != 32 {
				return nil, fmt.Errorf("store: report %d: bad sha256 %q", ids.Value(i), shas.Value(i))
			}
			l := len(paths.Value(i))
			out.idx[sha] = int32(len(out.ids))
			out.ids = append(out.ids, ids.Value(i))
			out.paths = append(out.paths, all[off:off+l])
			off += l
		}
	}
	if err := rdr.Err(); err != nil {
		return nil, fmt.Errorf("store: read known reports: %w", err)
	}
	out.byID = slices.Clone(out.ids)
	slices.Sort(out.byID)
	return out, nil
}

// Load inserts batches: per batch one Arrow view, one INSERT … SELECT, DROP VIEW, release.
// All the loads of a run share one transaction, committed by Finish: the working copy is
// published whole or not at all, so per-load commits would only cost (each one wrote and
// synced the WAL and set off checkpoints: 80% of the load time). Load takes ownership of the
// batches and releases them, also on error; after an error the run must be aborted.
// failed_inputs keeps one row per path, content and reason (a failure seen again adds
// nothing); cell_keys gets the keys it does not hold; regions is upserted.
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
	case schemas.TableCellKeys:
		// a key the warehouse holds already is not added again; a different key with the same
		// id is added, and fails on the primary key: a load error, never two keys mixed up
		q = fmt.Sprintf(`insert into %[1]s (%[2]s) select %[2]s from %[3]s v where not exists (
			select 1 from %[1]s k where k.key_id = v.key_id and k.table_name = v.table_name and k.row_key = v.row_key
			and k.col_key = v.col_key and k.state = v.state)`, spec.Name, list, view)
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
	// Update, when set, brings the SQL models up to date inside the publishing transaction,
	// after the versions are resolved and the run recorded: the temporary table
	// temp.refresh_changed_reports (ChangedReports) then lists the reports whose record may
	// have changed, and full says that every model must be rebuilt (a new warehouse, a new
	// region registry, a schema migration); on a merge the run's own rows are attached as Delta.
	// pipeline/rollup.Update and Build do this. The
	// models are thus published with the data, never apart from it.
	Update func(ctx context.Context, conn *sql.Conn, full bool) error
	// Models, the older form, rebuilds every model in a transaction of its own after the run
	// is committed (rollup.Apply). A run with Models publishes by copy, so that the data and the
	// models still appear together.
	Models func(context.Context, *sql.Conn) error
}

// ChangedReports is the temporary table Finish fills for Run.Update (report_id bigint).
const ChangedReports = "refresh_changed_reports"

// Delta is the name under which the run's delta (its own rows) is attached, read-only, while
// Run.Update runs on a merge: the facts of the run's reports are there, a few rows, where the
// warehouse would need a scan of every fact to find them.
const Delta = "d"

// Result is what Finish reports.
type Result struct {
	RunID       int64
	NewVersions int64 // reports of this run that superseded an earlier version
	// InPlace is true when the run was merged into the published file in place; false when a
	// copy was published (or a new warehouse). Fallback says why the copy was used.
	InPlace  bool
	Fallback string
	// Merge is the time from the end of loading to the published warehouse: the merge, the
	// models and the checkpoint (while readers are locked out, when InPlace).
	Merge time.Duration
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
    from {{reports}} x
    left join (select identity_key, max(version) as maxv from {{reports}} where version > 0 group by identity_key) p
      using (identity_key)
    where x.version = 0
) n
where r.report_id = n.report_id;

update reports as r set is_current = n.is_current, superseded_by = n.superseded_by
from (
    with readings as (
        select report_id, identity_key, status, source_modified_at, source_path, version,
               first_value(report_id) over (partition by sha256 order by run_id desc, version desc, report_id desc) as latest_reading
        from {{reports}}
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
  and {{only}}
  and (r.is_current is distinct from n.is_current or r.superseded_by is distinct from n.superseded_by);
`

// versionsScopeSQL limits the version resolution to what a run can change: the identities of
// its reports and of every report sharing bytes with one of them (a newer parser's reading),
// read with every report sharing bytes with those (the latest reading of each content needs all
// its readings). The other identities keep their versions and records.
const versionsScopeSQL = `
create temp table versions_identities as
select distinct identity_key from reports
where version = 0 or sha256 in (select sha256 from reports where version = 0);
create temp table versions_ids as
select report_id from reports
where identity_key in (select identity_key from temp.versions_identities)
   or sha256 in (select sha256 from reports where identity_key in (select identity_key from temp.versions_identities));
create temp view versions_reports as
select * from reports where report_id in (select report_id from temp.versions_ids);
`

// resolveVersions runs versionsSQL on every report (full) or on the run's scope.
func resolveVersions(ctx context.Context, conn *sql.Conn, full bool) error {
	q := versionsSQL
	if full {
		q = strings.NewReplacer("{{reports}}", "reports", "{{only}}", "true").Replace(q)
	} else {
		if _, err := conn.ExecContext(ctx, versionsScopeSQL); err != nil {
			return fmt.Errorf("store: resolve report versions: %w", err)
		}
		q = strings.NewReplacer("{{reports}}", "temp.versions_reports",
			"{{only}}", "r.identity_key in (select identity_key from temp.versions_identities)").Replace(q)
	}
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("store: resolve report versions: %w", err)
	}
	if !full {
		if _, err := conn.ExecContext(ctx, `drop view temp.versions_reports; drop table temp.versions_ids; drop table temp.versions_identities`); err != nil {
			return fmt.Errorf("store: resolve report versions: %w", err)
		}
	}
	return nil
}

// Finish resolves report versions, records the run, brings the models up to date and
// publishes, in one of three ways:
//
//   - a new warehouse (no published file at Begin): the delta becomes the warehouse — versions,
//     run, models (full build), CHECKPOINT, close, fsync, rename;
//   - in place (PublishAuto, the file free within LockWait, a small run, no migration due):
//     the published file is opened for writing and the delta merged into it in one DuckDB
//     transaction with the versions, the run record and the models' refresh, then
//     CHECKPOINTed; DuckDB's WAL makes the commit atomic and durable (a kill before the commit
//     leaves the old warehouse, after it the new one);
//   - by copy: the published file is copied, the delta merged into the copy, which is
//     CHECKPOINTed, closed, fsynced and renamed over the published file.
//
// On error nothing is published, the delta (and copy) are removed and the lock released.
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
	start := time.Now()
	defer func() { res.Merge = time.Since(start) }()
	if !w.published {
		if err := w.finishNew(ctx, run, &res); err != nil {
			return res, err
		}
	} else if err := w.finishMerge(ctx, run, &res); err != nil {
		return res, err
	}
	w.done = true
	if err := releaseLock(w.lock); err != nil {
		return res, err
	}
	w.lock = nil
	return res, nil
}

// finishNew publishes the delta as the first warehouse.
func (w *Warehouse) finishNew(ctx context.Context, run Run, res *Result) error {
	if err := w.setThreads(ctx); err != nil {
		return err
	}
	if !w.inTx {
		if _, err := w.conn.ExecContext(ctx, `begin transaction`); err != nil {
			return fmt.Errorf("store: finish: %w", err)
		}
	}
	w.inTx = false
	err := func() error {
		if err := resolveVersions(ctx, w.conn, true); err != nil {
			return err
		}
		if err := w.record(ctx, run, res); err != nil {
			return err
		}
		if run.Update != nil {
			if err := w.changed(ctx, `select report_id from reports`); err != nil {
				return err
			}
			if err := run.Update(ctx, w.conn, true); err != nil {
				return fmt.Errorf("store: build the SQL models: %w", err)
			}
			if _, err := w.conn.ExecContext(ctx, `drop table temp.`+ChangedReports); err != nil {
				return fmt.Errorf("store: finish: %w", err)
			}
		}
		return nil
	}()
	if err != nil {
		if _, rerr := w.conn.ExecContext(context.WithoutCancel(ctx), `rollback`); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return err
	}
	if _, err := w.conn.ExecContext(ctx, `commit`); err != nil {
		return fmt.Errorf("store: commit run %d: %w", w.runID, err)
	}
	if run.Update == nil && run.Models != nil {
		if err := run.Models(ctx, w.conn); err != nil {
			return fmt.Errorf("store: build the SQL models: %w", err)
		}
	}
	if err := w.checkpointClose(ctx); err != nil {
		return err
	}
	return publish(w.tmp, w.path)
}

func (w *Warehouse) setThreads(ctx context.Context) error {
	// parsing is over: the version resolution, the models and the checkpoint get every core
	if _, err := w.conn.ExecContext(ctx, fmt.Sprintf(`set threads = %d`, runtime.NumCPU())); err != nil {
		return fmt.Errorf("store: finish: %w", err)
	}
	return nil
}

// record resolves nothing: it counts the run's new versions and writes its ingest_runs row.
func (w *Warehouse) record(ctx context.Context, run Run, res *Result) error {
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
}

// changed fills temp.refresh_changed_reports with the report ids q selects.
func (w *Warehouse) changed(ctx context.Context, q string) error {
	if _, err := w.conn.ExecContext(ctx, `create or replace temp table `+ChangedReports+` as `+q); err != nil {
		return fmt.Errorf("store: list the changed reports: %w", err)
	}
	return nil
}

// checkpointClose checks that no load view survived, CHECKPOINTs and closes the database.
func (w *Warehouse) checkpointClose(ctx context.Context) error {
	var views int
	if err := w.conn.QueryRowContext(ctx, `select count(*) from duckdb_views() where view_name like 'ingest_%'`).Scan(&views); err != nil {
		return fmt.Errorf("store: check views: %w", err)
	}
	if views != 0 {
		return fmt.Errorf("store: %d ingest views survived the load", views)
	}
	if _, err := w.conn.ExecContext(ctx, `checkpoint`); err != nil {
		return fmt.Errorf("store: checkpoint: %w", err)
	}
	return w.closeDB()
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
	if w.tmp != "" && (!w.done || w.published) {
		// the delta: removed once merged, and with the run when it was not published
		err = errors.Join(err, removeTemp(w.tmp))
		w.tmp = ""
	}
	if !w.done && w.work != "" {
		err = errors.Join(err, removeTemp(w.work))
		w.work = ""
	}
	if w.lock != nil {
		err = errors.Join(err, releaseLock(w.lock))
		w.lock = nil
	}
	return err
}
