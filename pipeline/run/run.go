// Package run is the scheduled annual run (xxgk run): one configured command from the collected
// report files to the published provincial summaries, safe to rerun, leaving a record of what it
// did in the warehouse (ops.runs, ops.run_outputs).
//
//	lock → scan → ingest → validate → rollups → compare → export → record
//
// One run at a time: an exclusive flock on <warehouse>.run.lock (Acquire); a second run fails
// at once with a *BusyError naming the holder's pid and start time; the kernel drops the lock of
// a killed run.
//
// Rerunning is cheap and changes nothing when nothing changed. The scan hashes every input and
// compares (path, SHA-256) with what the warehouse has already seen for this parser version: when
// every input is known, the ingest is skipped (no new warehouse version, no ingest_runs row).
// The outputs are regenerated only when the warehouse version (ingest_runs), the configuration
// digest or the xxgk version differ from the last completed run's, or one of its outputs is
// missing or altered; they are then written into a staging directory and each file replaces
// the published one only when its bytes differ, so unchanged outputs keep their bytes and
// mtime. Outputs are stamped with the warehouse version's time, not the clock, so regenerating
// them from the same warehouse gives the same bytes.
//
// A run killed at any point converges on the next: the ingest publishes atomically; a run killed
// after the ingest published but before its record finds the warehouse version newer than the
// last record's and regenerates the outputs.
package run

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"xxgk/pipeline"
	"xxgk/pipeline/config"
	"xxgk/pipeline/ingest"
	"xxgk/pipeline/progress"
	"xxgk/pipeline/regions"
	"xxgk/pipeline/rollup"
	"xxgk/pipeline/source"
	"xxgk/pipeline/store"
)

// Statuses of a run.
const (
	StatusOK      = "ok"      // every input read completely, every stage done
	StatusPartial = "partial" // some inputs failed or incomplete, a data test failed or an output could not be written
	StatusFailed  = "failed"  // a stage could not run (no input, no warehouse, disk full …)
)

// Stages, in order (Options.Hook is called at the start of each).
const (
	StageLock     = "lock"
	StageScan     = "scan"
	StageIngest   = "ingest"
	StageValidate = "validate"
	StageRollups  = "rollups"
	StageCompare  = "compare"
	StageExport   = "export"
	StageRecord   = "record"
)

// Options configure a run.
type Options struct {
	Config config.Config // the effective configuration
	Logger *slog.Logger  // nil: slog.Default()
	// Version names the program in the record and the outputs (default "xxgk " + pipeline.Version).
	Version string
	// Progress receives how far the ingest, validate and export stages have got (a terminal bar,
	// or progress log lines: package progress). Nil: none.
	Progress func(progress.Update)
	// Hook, when set, is called at the start of each stage (tests stop or kill a run there).
	Hook func(stage string)
	// Extract replaces the ingest's decode → parse → validate (tests). Nil: the real one.
	Extract ingest.ExtractFunc
}

// Output is one output file of a run.
type Output struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size_bytes"`
	Action string `json:"action"` // written (new or changed by this run) or unchanged
}

// Record is what a run did; it is stored in ops.runs and ops.run_outputs.
type Record struct {
	ID           int64     `json:"run_id"`
	Started      time.Time `json:"started_at"`
	Finished     time.Time `json:"finished_at"`
	Version      string    `json:"xxgk_version"`
	ConfigSHA256 string    `json:"config_sha256"`
	Config       string    `json:"-"`
	Region       string    `json:"region"`
	Years        []int     `json:"years"`
	IngestRunID  int64     `json:"ingest_run_id"` // the warehouse version the outputs come from (0: none)
	Changed      bool      `json:"data_changed"`  // this run ingested: a new warehouse version
	Exported     bool      `json:"exported"`      // this run regenerated the outputs
	Inputs       int       `json:"inputs_count"`
	Loaded       int       `json:"loaded_count"`
	Violations   int       `json:"violation_count"`
	Failures     int       `json:"failure_count"`
	Incomplete   int       `json:"incomplete_count"`
	TestFailures int       `json:"test_failure_count"`
	Written      int       `json:"written_count"`
	Outputs      []Output  `json:"outputs"`
	Status       string    `json:"status"`
	Message      string    `json:"message"`
	// ProblemCount counts what the run found that a person should review (failed and
	// incomplete inputs, rule violations in scope, failing data tests: ProblemList), of which
	// Acknowledged were acknowledged (xxgk ack); NewCount were not seen by the previous run
	// that assessed its problems, ResolvedCount seen by it are gone. A run is partial when one
	// is not acknowledged. -1 in a record read back: the run predates the assessment.
	ProblemCount  int `json:"problem_count"`
	Acknowledged  int `json:"acknowledged_count"`
	NewCount      int `json:"new_problem_count"`
	ResolvedCount int `json:"resolved_problem_count"`
	// NewProblems are the problems not seen by the previous assessed run (the record keeps the
	// first few as text: NewText).
	NewProblems []Problem `json:"-"`
	NewText     string    `json:"new_problems"`
	// AcksSHA256 is the digest of the acknowledgements the outputs show ("" when none).
	AcksSHA256 string `json:"acks_sha256"`
	// ProblemList is every problem found (not stored whole: ops.problem_sightings keeps one row
	// per problem ever seen, with the first and last run that saw it).
	ProblemList []Problem `json:"-"`
	// Duplicates counts the inputs of this run's ingest whose bytes another path holds (not stored).
	Duplicates int `json:"-"`
	// Problems lists what else made the run partial or failed — an output that could not be
	// written, a configured year without reports … (not stored; printed and logged).
	Problems []string `json:"-"`
}

// Duration is the run's wall time.
func (r *Record) Duration() time.Duration { return r.Finished.Sub(r.Started) }

// Digest is the SHA-256 of the configuration's YAML (the record's config_sha256).
func Digest(c config.Config) string {
	s := sha256.Sum256([]byte(c.YAML()))
	return hex.EncodeToString(s[:])
}

// Run runs the configured pipeline. It returns the record (also when a stage failed: its
// status then says failed) and an error when the run could not complete; a *BusyError (no
// record) when another run holds the warehouse.
func Run(ctx context.Context, o Options) (*Record, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Version == "" {
		o.Version = "xxgk " + pipeline.Version
	}
	c := o.Config
	rec := &Record{Started: time.Now().UTC(), Version: o.Version, Config: c.YAML(), ConfigSHA256: Digest(c),
		Region: c.Region, Years: c.Years}
	r := &runner{o: o, c: c, log: o.Logger, rec: rec}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("run: configuration: %w", err)
	}
	if len(c.Inputs) == 0 {
		return nil, errors.New("run: no inputs configured (inputs: in the configuration, XXGK_INPUTS or --input)")
	}
	r.stage(StageLock)
	if err := os.MkdirAll(filepath.Dir(c.Warehouse), 0o755); err != nil {
		return nil, fmt.Errorf("run: the warehouse directory: %w", err)
	}
	lock, err := Acquire(LockPath(c.Warehouse))
	if err != nil {
		return nil, err
	}
	defer func() {
		if lerr := lock.Release(); lerr != nil {
			r.log.Warn("release the run lock", "err", lerr)
		}
	}()
	r.log.Info("run started", "config_sha256", rec.ConfigSHA256[:12], "warehouse", c.Warehouse, "region", c.Region,
		"years", c.Years, "inputs", c.Inputs, "out", c.Export.Out, "formats", c.Export.Formats)
	err = r.run(ctx)
	if err != nil {
		rec.Status = StatusFailed
		rec.Problems = append(rec.Problems, err.Error())
		if rec.Message == "" {
			rec.Message = "运行失败 / failed: " + firstLine(err.Error())
		}
	}
	// the record is written even when a stage failed (not when cancelled: the office stopped it)
	if ctx.Err() == nil && r.warehouseExists() {
		r.stage(StageRecord)
		t := time.Now()
		if rerr := r.record(ctx); rerr != nil {
			err = errors.Join(err, rerr)
			rec.Status = StatusFailed
		} else {
			r.log.Info("stage done", "stage", StageRecord, "run_id", rec.ID, "elapsed", since(t))
		}
	}
	if rec.Finished.IsZero() {
		rec.Finished = time.Now().UTC()
	}
	r.log.Info("run finished", "run_id", rec.ID, "status", rec.Status, "data_changed", rec.Changed, "exported", rec.Exported,
		"inputs", rec.Inputs, "loaded", rec.Loaded, "failures", rec.Failures, "outputs", len(rec.Outputs), "written", rec.Written,
		"elapsed", since(rec.Started))
	return rec, err
}

type runner struct {
	o   Options
	c   config.Config
	log *slog.Logger
	rec *Record

	files    []scanned
	flagged  []scanned // inputs that failed or were read incompletely (assess)
	assessed bool      // the problems were gathered (validate completed)
	st       *state
}

func (r *runner) stage(name string) {
	if r.o.Hook != nil {
		r.o.Hook(name)
	}
}

// progress reports how far a stage has got (Options.Progress).
func (r *runner) progress(stage string, done, total int, unit string, finished bool) {
	if r.o.Progress != nil {
		r.o.Progress(progress.Update{Stage: stage, Done: done, Total: total, Unit: unit, Finished: finished})
	}
}

func (r *runner) warehouseExists() bool {
	_, err := os.Stat(r.c.Warehouse)
	return err == nil
}

func since(t time.Time) string { return time.Since(t).Round(time.Millisecond).String() }

func (r *runner) run(ctx context.Context) error {
	c, rec := r.c, r.rec
	reg := regions.Default()
	if c.RegionsDir != "" {
		var err error
		if reg, err = regions.Load(c.RegionsDir); err != nil {
			return fmt.Errorf("run: regions_dir %s: %w", c.RegionsDir, err)
		}
	}

	// scan: which inputs are new or changed?
	r.stage(StageScan)
	t := time.Now()
	files, manifest, err := ingest.InputFiles(ingest.Options{Roots: c.Inputs, DB: c.Warehouse, Manifest: c.Manifest})
	if err != nil {
		return fmt.Errorf("run: scan: %w", err)
	}
	r.files = hashAll(ctx, files, c.Workers, ingest.Limits(ingest.Options{}))
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("run: scan: %w", err)
	}
	rec.Inputs = len(r.files)
	if r.st, err = readState(ctx, c.Warehouse); err != nil {
		return fmt.Errorf("run: scan: %w", err)
	}
	fresh := 0
	for _, f := range r.files {
		if f.err == nil && !r.st.known[pair{f.Key, f.sha}] {
			fresh++
		}
	}
	changed := !r.st.exists || fresh > 0
	r.log.Info("stage done", "stage", StageScan, "inputs", len(r.files), "new_or_changed", fresh, "manifest", manifest,
		"warehouse_version", r.st.ingestRun, "elapsed", since(t))
	if len(r.files) == 0 {
		return errors.New("run: no input file found under " + strings.Join(c.Inputs, ", "))
	}

	// ingest: only when something is new
	r.stage(StageIngest)
	t = time.Now()
	if changed {
		in := ingest.Options{Roots: c.Inputs, DB: c.Warehouse, Manifest: c.Manifest, Workers: c.Workers,
			MemoryLimit: c.DuckDB.MemoryLimit, Threads: c.DuckDB.Threads, Registry: reg, Extract: r.o.Extract, Total: len(r.files)}
		if r.o.Progress != nil {
			in.Progress = func(p ingest.Progress) { r.o.Progress(p.Update()) }
		}
		sum, err := ingest.Run(ctx, in)
		if err != nil {
			if errors.Is(err, store.ErrLocked) {
				return errors.Join(holder(c.Warehouse+".lock", "xxgk ingest"), err)
			}
			return fmt.Errorf("run: %w", err)
		}
		rec.Changed = true // a new warehouse version, even if its files were only duplicates
		rec.Loaded = sum.Parsed
		rec.Duplicates = sum.Duplicates
		r.log.Info("stage done", "stage", StageIngest, "ingest_run_id", sum.RunID, "loaded", sum.Parsed,
			"new_versions", sum.NewVersions, "unchanged", sum.Unchanged, "duplicates", sum.Duplicates, "failed", sum.Failed,
			"ingest_status", sum.Status(), "elapsed", since(t))
		if r.st, err = readState(ctx, c.Warehouse); err != nil {
			return fmt.Errorf("run: after the ingest: %w", err)
		}
	} else {
		r.log.Info("stage skipped", "stage", StageIngest, "reason", "no new or corrected reports: the warehouse is unchanged",
			"warehouse_version", r.st.ingestRun)
	}
	rec.IngestRunID = r.st.ingestRun
	r.assess()

	rd, err := openReader(ctx, c.Warehouse, c.DuckDB.Threads)
	if err != nil {
		return err
	}
	if stale, err := modelsStale(ctx, rd); err != nil {
		rd.close()
		return fmt.Errorf("run: %w", err)
	} else if stale {
		// built by an older xxgk (no ingest since): migrate and rebuild the models, as
		// `xxgk views --refresh` does, under the run lock we hold
		rd.close()
		t := time.Now()
		if err := store.Refresh(ctx, store.Options{Path: c.Warehouse, MemoryLimit: c.DuckDB.MemoryLimit, Threads: c.DuckDB.Threads},
			rollup.Apply); err != nil {
			return fmt.Errorf("run: rebuild the models of a warehouse built by an older xxgk: %w", err)
		}
		r.log.Info("models rebuilt", "reason", "the warehouse's models were built by an older xxgk", "elapsed", since(t))
		if rd, err = openReader(ctx, c.Warehouse, c.DuckDB.Threads); err != nil {
			return err
		}
	}
	defer rd.close()

	// validate: the data tests and audits of the SQL models, rule violations in scope
	r.stage(StageValidate)
	t = time.Now()
	plan, err := r.plan(ctx, rd)
	if err != nil {
		return err
	}
	rec.Years = plan.allYears()
	if err := r.validate(ctx, rd, plan); err != nil {
		return err
	}
	r.log.Info("stage done", "stage", StageValidate, "violations", rec.Violations, "failures", rec.Failures,
		"incomplete", rec.Incomplete, "test_failures", rec.TestFailures, "elapsed", since(t))

	// rollups: the headline figures of each region and year
	r.stage(StageRollups)
	t = time.Now()
	if err := r.rollups(ctx, rd, plan); err != nil {
		return err
	}
	r.log.Info("stage done", "stage", StageRollups, "regions", len(plan.regions), "years", rec.Years, "elapsed", since(t))

	// compare and export: regenerate the outputs only when they may be stale
	stale, why := r.outputsStale()
	if !stale {
		r.stage(StageCompare)
		r.log.Info("stage skipped", "stage", StageCompare, "reason", why)
		r.stage(StageExport)
		r.log.Info("stage skipped", "stage", StageExport, "reason", why)
		for _, out := range r.st.last.Outputs {
			out.Action = "unchanged"
			rec.Outputs = append(rec.Outputs, out)
		}
	} else {
		r.log.Info("outputs to regenerate", "reason", why)
		if err := r.outputs(ctx, rd, plan); err != nil {
			return err
		}
		rec.Exported = true
	}
	r.finish()
	return nil
}

// finish sets the status and the message from what the stages found.
func (r *runner) finish() {
	rec := r.rec
	usable := rec.Inputs - rec.Failures
	switch {
	case usable <= 0:
		rec.Status = StatusFailed
		rec.Problems = append(rec.Problems, "no input could be read as a report")
	case rec.ProblemCount > rec.Acknowledged || len(rec.Problems) > 0:
		// something a person has not reviewed yet (or a stage that did not complete)
		rec.Status = StatusPartial
	default:
		rec.Status = StatusOK
	}
	var b strings.Builder
	if rec.Changed {
		fmt.Fprintf(&b, "仓库已更新（版本 %d）：新入库 %d 份报告 / warehouse updated (version %d): %d report versions loaded",
			rec.IngestRunID, rec.Loaded, rec.IngestRunID, rec.Loaded)
		if rec.Loaded == 0 && rec.Duplicates > 0 {
			fmt.Fprintf(&b, "（%d 个新文件与已入库报告内容相同 / %d new files duplicate stored reports）", rec.Duplicates, rec.Duplicates)
		}
	} else {
		b.WriteString("没有新的或更正的报告，仓库未变 / no new or corrected reports: warehouse unchanged")
	}
	switch {
	case !rec.Exported:
		fmt.Fprintf(&b, "；%d 个输出文件已是最新，未重写 / %d outputs up to date, not rewritten", len(rec.Outputs), len(rec.Outputs))
	default:
		fmt.Fprintf(&b, "；输出 %d 个文件，其中 %d 个新写入或更新 / %d outputs, %d written", len(rec.Outputs), rec.Written,
			len(rec.Outputs), rec.Written)
	}
	if rec.ProblemCount > 0 || rec.ResolvedCount > 0 {
		fmt.Fprintf(&b, "；问题 %d（已核实 %d，新 %d，已消除 %d）/ problems %d (acknowledged %d, new %d, resolved %d)",
			rec.ProblemCount, rec.Acknowledged, rec.NewCount, rec.ResolvedCount, rec.ProblemCount, rec.Acknowledged, rec.NewCount, rec.ResolvedCount)
	}
	if rec.Status != StatusOK {
		fmt.Fprintf(&b, "；失败 %d、不完整 %d、数据测试未通过 %d、未核实 %d / failed %d, incomplete %d, test failures %d, unacknowledged %d",
			rec.Failures, rec.Incomplete, rec.TestFailures, rec.ProblemCount-rec.Acknowledged,
			rec.Failures, rec.Incomplete, rec.TestFailures, rec.ProblemCount-rec.Acknowledged)
	}
	rec.Message = b.String()
	rec.Finished = time.Now().UTC()
}

// ---- scan ----

type pair struct{ path, sha string }

type scanned struct {
	ingest.InputFile
	sha  string
	size int64
	err  error
}

// hashAll hashes the input files on workers goroutines (0: one per core), keeping their order.
// Files are opened and read as the ingest reads them (package source, within lim): a file that
// is not regular, too large or too slow to read keeps its error, is counted as failed, and does
// not make the run ingest (the ingest would only record the same failure). A cancelled ctx
// stops it at once (the files not yet hashed get its error).
func hashAll(ctx context.Context, files []ingest.InputFile, workers int, lim source.Limits) []scanned {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	out := make([]scanned, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f := files[i]
				s := scanned{InputFile: f, err: f.Err}
				if s.err == nil {
					var sum [32]byte
					sum, s.size, _, s.err = source.Hash(ctx, f.Path, lim)
					if s.err == nil {
						s.sha = hex.EncodeToString(sum[:])
					}
				}
				out[i] = s
			}
		}()
	}
	for i := range files {
		select {
		case next <- i:
		case <-ctx.Done():
			out[i] = scanned{InputFile: files[i], err: ctx.Err()}
		}
	}
	close(next)
	wg.Wait()
	return out
}

// hashFile returns the SHA-256 (hex) and size of a file the run wrote (an output), opened as
// inputs are (package source: a regular file only, within the read deadline; no size limit).
func hashFile(path string) (string, int64, error) {
	sum, n, _, err := source.Hash(context.Background(), path, source.Limits{})
	if err != nil {
		return "", n, err
	}
	return hex.EncodeToString(sum[:]), n, nil
}

// assess counts the failed and incomplete inputs of this run from the warehouse: the same
// counts whether the inputs were read now or by an earlier run.
func (r *runner) assess() {
	rec := r.rec
	rec.Failures, rec.Incomplete = 0, 0
	r.flagged = r.flagged[:0]
	unreadable := 0
	for _, f := range r.files {
		switch {
		case f.err != nil || f.sha == "":
			rec.Failures++
			r.flagged = append(r.flagged, f)
			if unreadable++; unreadable <= 20 {
				r.log.Warn("input not read", "path", f.Key, "reason", readable(f.err))
			}
		case r.st.failed[pair{f.Key, f.sha}]:
			rec.Failures++
			r.flagged = append(r.flagged, f)
		default:
			switch st, ok := r.st.reports[f.sha]; {
			case !ok:
				rec.Failures++ // not stored at all (cannot happen after a completed ingest)
				r.flagged = append(r.flagged, f)
			case st == "failed":
				rec.Failures++
				r.flagged = append(r.flagged, f)
			case st == "incomplete":
				rec.Incomplete++
				r.flagged = append(r.flagged, f)
			}
		}
	}
	if unreadable > 20 {
		r.log.Warn("more inputs not read", "count", unreadable-20)
	}
}

// readable says why an input was not read: the reason and detail of a *pipeline.InputError
// (not a regular file, too large, read timeout), else the system's error.
func readable(err error) string {
	if err == nil {
		return "未入库 / not stored"
	}
	var ie *pipeline.InputError
	if errors.As(err, &ie) {
		return ie.Reason.Error() + ": " + ie.Detail
	}
	return fmt.Sprint(err)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func joinYears(ys []int) string {
	s := make([]string, len(ys))
	for i, y := range ys {
		s[i] = strconv.Itoa(y)
	}
	return strings.Join(s, ",")
}

// modelsStale reports whether the warehouse has analytics views but not the newest ones (the
// problems to review, the like-for-like figures): its models were built by an older xxgk.
func modelsStale(ctx context.Context, rd *reader) (bool, error) {
	var all, current int
	err := rd.QueryRowContext(ctx, `select count(*), count(*) filter (where view_name in ('problems', 'like_for_like'))
		from duckdb_views() where database_name = current_database() and schema_name = 'analytics'`).Scan(&all, &current)
	return all > 0 && current < 2, err
}
