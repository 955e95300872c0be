// Package ingest loads a province's reports into the warehouse: it walks the inputs, decodes,
// parses and validates them on one worker per core, and hands the reports to one loader
// goroutine that turns them into Arrow batches (pipeline/batch) and loads them into the run's
// working copy of the warehouse (pipeline/store), which is published atomically at the end.
//
// Identity of a report: (region_code, body, year), or its cleaned path when the region, the body
// or the year is unknown. Content identity: the SHA-256 of the bytes (with the parser version).
// Bytes already stored are not parsed again: the input is "unchanged" when its path holds them
// and "duplicate" when another path does (in this run or an earlier one). Different bytes for
// a known identity become a new version; the store keeps the older one, superseded.
//
// Whenever the run loaded new report versions, the SQL models of package queries are brought
// up to date in the publishing transaction (store.Run.Update): a new warehouse builds them all
// (rollup.Build), a run into an existing one refreshes only the rows of the province-years it
// touched (rollup.Update), so the published warehouse always carries models of its current
// reports. A run into an existing warehouse is merged into the published file in place when no
// reader holds it (store.PublishAuto: seconds for late reports into a national warehouse), else
// published by copy; the summary says which (发布 publish).
//
// The loader processes results in walk order (lexical, per root), whatever the order in which
// workers finish, so a run's outcome does not depend on timing: re-running converges.
//
// Inputs are walked and opened by package source, as xxgk parse and xxgk run's scan open them:
// FIFOs, sockets, devices and links to them are recorded as failed inputs without being opened,
// sizes are checked before reading and every read has a deadline. A cancelled run (SIGTERM)
// returns without waiting for a worker stuck in a system call: nothing is published.
package ingest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"xxgk/pipeline"
	"xxgk/pipeline/batch"
	"xxgk/pipeline/extract"
	"xxgk/pipeline/progress"
	"xxgk/pipeline/regions"
	"xxgk/pipeline/rollup"
	"xxgk/pipeline/source"
	"xxgk/pipeline/store"
	"xxgk/schemas"
)

// DefaultMemoryLimit is DuckDB's memory_limit during an ingest when none is given. The load
// streams batches through DuckDB (rows are written to the working copy as they come) and
// needs little of it. Peak RSS of the process at 100,000 reports: 1.6 GB with 1GB, 1.25 GB
// with 512MB, 0.9 GB with 256MB (with the Go heap bounded by gcHeadroom), at about 8% more CPU.
// With more than two DuckDB threads the default is 128MB a thread (DuckDB's own minimum).
const DefaultMemoryLimit = "256MB"

// ExtractFunc reads one input's bytes into a validated report (extract.Bytes by default):
// nil and an error (*pipeline.InputError) when the bytes cannot be decoded at all.
type ExtractFunc func(path string, b []byte, o extract.Options) (*schemas.Report, error)

// Options configure a run.
type Options struct {
	Roots    []string // files and directories to ingest
	DB       string   // published warehouse file
	Manifest string   // manifest CSV; empty: manifest.csv in or above a root directory, if any
	Workers  int      // parse workers; 0: one per core
	Region   string   // county code forced on every input (--region)
	Year     int      // year forced on every input (--year)

	// Extract replaces decode → parse → validate (tests). Nil: extract.Bytes.
	Extract ExtractFunc
	// Allocator is the Arrow memory the batches are built in (tests pass a checked one).
	Allocator batch.Allocator
	// Progress, when set, is called by the loader at most every ProgressEvery and once at the end.
	Progress      func(Progress)
	ProgressEvery time.Duration
	// Total is the number of inputs, for the progress (xxgk run knows it from its scan); 0 with
	// Progress set: Run counts them first (one walk of the roots, as InputFiles does).
	Total int
	// MaxFileSize: larger inputs fail with pipeline.ErrTooLarge, checked before reading
	// (default DefaultMaxFileSize, 64 MiB).
	MaxFileSize int64
	// ReadTimeout is the deadline for reading one input (default source.DefaultTimeout): a read
	// that does not return in time is abandoned and the input fails with pipeline.ErrReadTimeout.
	ReadTimeout time.Duration
	// FlushRows overrides the batch coalescing threshold (tests).
	FlushRows int
	// MemoryLimit and Threads are passed to DuckDB (store.Options); MemoryLimit "":
	// DefaultMemoryLimit (128MB a thread above two threads); Threads 0: half the cores.
	MemoryLimit string
	Threads     int
	// Registry is the region registry (default regions.Default()).
	Registry *regions.Registry
	// Publish and LockWait choose how the run is published (store.Options): by default merged
	// into the published file in place when no reader holds it for LockWait, else by copy.
	Publish  store.Publish
	LockWait time.Duration
}

// Progress is a snapshot for the progress bar.
type Progress struct {
	Files    int // inputs processed
	Total    int // inputs in all (Options.Total)
	Reports  int // new report versions loaded
	Failures int // failed inputs and failed reports
	Bytes    int64
	Elapsed  time.Duration
	Done     bool
}

// Update is the progress as package progress shows it.
func (p Progress) Update() progress.Update {
	return progress.Update{Stage: progress.StageIngest, Done: p.Files, Total: p.Total, Unit: "文件", Reports: p.Reports,
		Failures: p.Failures, Bytes: p.Bytes, Finished: p.Done}
}

// job is one input file in walk order.
type job struct {
	seq  int
	path string // path to open
	key  string // cleaned, slash-separated: stored as the input's path
	err  error  // a walk error: the input is unreadable
}

// result is what a worker made of a job.
type result struct {
	job
	sha    [32]byte
	hashed bool // sha is set
	size   int64
	mod    time.Time // the file's modification time (fstat of the descriptor read)
	known  *store.Known
	rep    *schemas.Report
	fail   *failure
	given  extract.Options
}

type failure struct {
	reason string
	detail string
}

// Run ingests opts.Roots into the warehouse opts.DB and returns the summary. An error means
// the run was aborted (locked warehouse, full disk, cancelled…): nothing was published and the
// published warehouse is as it was. Bad inputs are not errors: they are recorded and counted.
func Run(ctx context.Context, opts Options) (*Summary, error) {
	start := time.Now()
	if len(opts.Roots) == 0 {
		return nil, errors.New("ingest: no input paths")
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	if opts.Threads <= 0 {
		// the parse workers take the cores; DuckDB's loading thread(s) overlap with them
		opts.Threads = max(1, runtime.NumCPU()/2)
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	if opts.MemoryLimit == "" {
		opts.MemoryLimit = DefaultMemoryLimit
		if opts.Threads > 2 {
			opts.MemoryLimit = fmt.Sprintf("%dMB", 128*opts.Threads)
		}
	}
	if opts.ProgressEvery <= 0 {
		opts.ProgressEvery = 200 * time.Millisecond
	}
	if opts.Extract == nil {
		opts.Extract = extract.Bytes
	}
	if opts.Registry == nil {
		opts.Registry = regions.Default()
	}
	if opts.Progress != nil && opts.Total <= 0 {
		if files, _, err := InputFiles(opts); err == nil {
			opts.Total = len(files)
		}
	}
	if opts.Region != "" {
		if _, ok := opts.Registry.Place(opts.Region); !ok {
			return nil, fmt.Errorf("ingest: --region %s: not a division code of the registry (2, 4 or 6 digits)", opts.Region)
		}
	}
	for _, r := range opts.Roots {
		if _, err := os.Stat(r); err != nil {
			return nil, fmt.Errorf("ingest: input %w", err)
		}
	}
	man, err := findManifest(opts)
	if err != nil {
		return nil, err
	}

	defer raiseGC()()
	w, err := store.Begin(ctx, store.Options{Path: opts.DB, MemoryLimit: opts.MemoryLimit, Threads: opts.Threads,
		Publish: opts.Publish, LockWait: opts.LockWait})
	if err != nil {
		return nil, fmt.Errorf("ingest: %w%s", err, hint(err))
	}
	l := &loader{opts: opts, w: w, man: man, start: start,
		sum: &Summary{RunID: w.RunID(), DB: opts.DB, byPref: map[string]*PrefectureSummary{}}}
	if man != nil {
		l.sum.Manifest = man.path
	}
	sum, err := l.run(ctx)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("ingest: %w%s", err, hint(err)), w.Abort())
	}
	return sum, nil
}

// hint adds a short explanation to errors the office can act on.
func hint(err error) string {
	s := strings.ToLower(err.Error())
	var nc *store.NotCheckpointedError
	switch {
	case errors.As(err, &nc):
		return "（本次导入已提交并发布（在仓库的 .wal 日志中，打开时重放），但未能写入主文件，多半是磁盘空间不足：清理空间后再运行一次即可写入）"
	case strings.Contains(s, "no space left") || strings.Contains(s, "file too large") || strings.Contains(s, "disk quota"):
		return "（磁盘空间不足：已发布的仓库未改动，清理空间后重新运行）"
	case errors.Is(err, context.Canceled):
		return "（已中断：已发布的仓库未改动）"
	}
	return ""
}

type loader struct {
	// ctx is the run's context, cancelled on an error or a signal: reads in the workers stop
	// waiting for it at once.
	ctx   context.Context
	opts  Options
	w     *store.Warehouse
	man   *manifest
	start time.Time
	sum   *Summary

	known    *store.KnownSet
	runSHA   map[[32]byte]store.Known // bytes loaded in this run
	runIDs   map[int64]bool
	runIdent map[string]string // identity → first path in this run
	b        *batch.Builder
	lastProg time.Time
	// hadReports: the warehouse held reports of this parser version before the run
	hadReports bool

	// loads carries coalesced batches to the store goroutine, the only one that talks to
	// DuckDB while the run loads; it overlaps DuckDB's inserts with parsing and building.
	loads    chan []*batch.Batch
	loadErr  chan error
	loadDone chan struct{}
}

// startStore starts the store goroutine. It loads each set of batches in one transaction;
// after an error it releases what it is sent without loading it.
func (l *loader) startStore(ctx context.Context, cancel context.CancelFunc) {
	l.loads = make(chan []*batch.Batch, 1) // bounded: memory stays flat
	l.loadErr = make(chan error, 1)
	l.loadDone = make(chan struct{})
	go func() {
		defer close(l.loadDone)
		var err error
		for bs := range l.loads {
			if err != nil {
				for _, b := range bs {
					b.Release()
				}
				continue
			}
			if err = l.w.Load(ctx, bs...); err != nil {
				l.loadErr <- err
				cancel()
			}
		}
	}()
}

// sendLoad queues batches for the store goroutine.
func (l *loader) sendLoad(bs []*batch.Batch) {
	if len(bs) > 0 {
		l.loads <- bs
	}
}

// stopStore waits for the store goroutine to finish what it was sent and returns its error.
func (l *loader) stopStore() error {
	close(l.loads)
	<-l.loadDone
	select {
	case err := <-l.loadErr:
		return err
	default:
		return nil
	}
}

func (l *loader) run(ctx context.Context) (*Summary, error) {
	var err error
	if l.known, err = l.w.Known(ctx, pipeline.ParserVersion); err != nil {
		return nil, err
	}
	l.hadReports = l.known.Len() > 0
	l.runSHA = map[[32]byte]store.Known{}
	l.runIDs = map[int64]bool{}
	l.runIdent = map[string]string{}
	l.b = batch.NewBuilder(l.opts.Allocator)
	defer l.b.Release()
	if l.opts.FlushRows > 0 {
		l.b.FlushRows = l.opts.FlushRows
	}
	l.b.AddRegions(l.opts.Registry)
	if err := l.w.Load(ctx, l.b.FlushTable(schemas.TableRegions)); err != nil {
		return nil, err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	l.ctx = ctx
	l.startStore(ctx, cancel)
	stopped := false
	defer func() {
		if !stopped {
			_ = l.stopStore() // on an early return: drain and release
		}
	}()
	window := 4*l.opts.Workers + 16
	slots := make(chan struct{}, window) // bounds the jobs between the walker and the loader
	jobs := make(chan job, l.opts.Workers)
	results := make(chan result, window)
	var walkErr error
	go func() {
		defer close(jobs)
		walkErr = l.walk(ctx, slots, jobs)
	}()
	var wg sync.WaitGroup
	for i := 0; i < l.opts.Workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				res := l.work(j)
				select {
				case results <- res:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	pending := map[int]result{}
	next := 0
	var loadErr error
	for {
		var res result
		var ok bool
		select {
		case res, ok = <-results:
		case <-ctx.Done():
			// cancelled (a signal, a load error): do not wait for the workers — one may be
			// stuck in a read or a decode that cannot be interrupted; its goroutine is left
			// behind and the run is aborted (nothing published, the lock released)
			stopped = true
			serr := l.stopStore()
			switch {
			case loadErr != nil:
				return nil, errors.Join(loadErr, serr)
			case serr != nil:
				return nil, serr // the store goroutine's error cancelled the run
			}
			return nil, ctx.Err()
		}
		if !ok {
			break
		}
		if loadErr != nil {
			continue // drain
		}
		pending[res.seq] = res
		for {
			r, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			<-slots
			if loadErr = l.handle(ctx, r); loadErr != nil {
				cancel()
				break
			}
		}
	}
	if loadErr == nil {
		l.sendLoad(l.b.Flush())
	}
	stopped = true
	if err := l.stopStore(); err != nil {
		return nil, err
	}
	if loadErr != nil {
		return nil, loadErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if walkErr != nil {
		return nil, walkErr
	}
	if len(pending) != 0 {
		return nil, fmt.Errorf("internal: %d results out of order", len(pending))
	}
	s := l.sum
	run := store.Run{Roots: l.opts.Roots, Manifest: s.Manifest, Inputs: int64(s.Inputs),
		Loaded: int64(s.Parsed), Unchanged: int64(s.Unchanged), Duplicates: int64(s.Duplicates),
		Failed: int64(s.Failed), Incomplete: int64(s.Incomplete), Status: s.Status()}
	if s.Parsed > 0 || !l.hadReports {
		// new report versions (or a new warehouse): bring the models up to date in the
		// publishing transaction — the rows of the province-years the run changed, or every
		// model when they must be rebuilt; otherwise they are unchanged (xxgk views --refresh
		// rebuilds them after an upgrade)
		run.Update = func(ctx context.Context, conn *sql.Conn, full bool) error {
			if full {
				s.Models = "全部重建 / rebuilt"
				return rollup.Build(ctx, conn, nil)
			}
			st, err := rollup.Update(ctx, conn, store.Delta)
			if err != nil {
				return err
			}
			s.Models = fmt.Sprintf("增量刷新 %d 个省·年 / %d province-years refreshed, %d rows (%.2fs)", st.Scope, st.Scope, st.Rows, st.Took.Seconds())
			if st.Full {
				s.Models = "全部重建 / rebuilt: " + st.Reason
			}
			return nil
		}
	}
	res, err := l.w.Finish(ctx, run)
	if err != nil {
		return nil, err
	}
	s.NewVersions = int(res.NewVersions)
	s.InPlace, s.Fallback, s.Merge = res.InPlace, res.Fallback, res.Merge
	s.Elapsed = time.Since(l.start)
	s.finish()
	l.progress(true)
	return s, nil
}

// walk sends every input file in the order of source.Walk (lexical, per root), with the
// skips of skipper (the manifest, the warehouse's own files). A file that cannot be listed or
// is not a regular file (a FIFO, a socket, a device, a link to one) is sent with its error: it
// is recorded as failed and never opened.
func (l *loader) walk(ctx context.Context, slots chan struct{}, jobs chan<- job) error {
	seq := 0
	return source.Walk(l.opts.Roots, skipper(l.opts, l.man), func(f source.File) error {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		j := job{seq: seq, path: f.Path, key: f.Key, err: f.Err}
		seq++
		select {
		case jobs <- j:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
}

func absClean(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	return a
}

// work reads, hashes, decodes, parses and validates one input (on a worker goroutine).
func (l *loader) work(j job) (res result) {
	res.job = j
	res.size = -1
	defer func() {
		if p := recover(); p != nil {
			res.rep = nil
			// extract recovers its own panics; this catches what the rest of the worker does
			res.fail = &failure{reason: pipeline.ErrInternal.Error(), detail: fmt.Sprint(p)}
		}
	}()
	if j.err != nil {
		res.fail = readFailure(j.err)
		return res
	}
	b, st, err := source.Read(l.ctx, j.path, Limits(l.opts))
	if st != nil {
		res.size, res.mod = st.Size(), st.ModTime()
	}
	if err != nil {
		res.fail = readFailure(err)
		return res
	}
	res.size = int64(len(b))
	res.sha = sha256.Sum256(b)
	res.hashed = true
	if k, ok := l.known.Get(res.sha); ok {
		res.known = &k
		return res
	}
	res.given = l.given(j)
	r, err := l.opts.Extract(j.key, b, res.given)
	if err != nil {
		res.fail = inputFailure(err)
		return res
	}
	if r == nil {
		res.fail = &failure{reason: pipeline.ErrNotReport.Error(), detail: "no report"}
		return res
	}
	for _, p := range r.Problems {
		if p.Code == schemas.ProblemNotReport {
			res.fail = &failure{reason: pipeline.ErrNotReport.Error(), detail: p.Message}
			return res
		}
	}
	r.Source = j.key
	l.checkRegion(r, res.given, j.key)
	res.rep = r
	return res
}

func inputFailure(err error) *failure {
	var ie *pipeline.InputError
	if errors.As(err, &ie) {
		return &failure{reason: ie.Reason.Error(), detail: ie.Detail}
	}
	return &failure{reason: "无法解码（undecodable）", detail: err.Error()}
}

// given returns what the flags and the manifest say about an input.
func (l *loader) given(j job) extract.Options {
	o := extract.Options{Registry: l.opts.Registry}
	if l.man != nil {
		if row, ok := l.man.row(absClean(j.path)); ok {
			o.Region, o.RegionMethod, o.Year, o.Scope, o.Body = row.region, schemas.RegionManifest, row.year, schemas.Scope(row.scope), row.body
		}
	}
	if l.opts.Region != "" {
		o.Region, o.RegionMethod = l.opts.Region, schemas.RegionFlag
	}
	if l.opts.Year != 0 {
		o.Year = l.opts.Year
	}
	return o
}

// checkRegion lists a region the path contradicts, and an unresolved region, as problems
// (never guessing).
func (l *loader) checkRegion(r *schemas.Report, given extract.Options, key string) {
	hasRegionProblem := false
	for _, p := range r.Problems {
		if p.Code == schemas.ProblemRegion {
			hasRegionProblem = true
		}
	}
	if given.Region != "" {
		if r.Region.Code == "" || r.Region.Code != given.Region {
			// the parser did not take the given region: take it, as the manifest or flag says
			if p, ok := l.opts.Registry.Place(given.Region); ok {
				r.Region = p.Region(given.RegionMethod)
			}
		}
		if m := l.opts.Registry.FindPlaceInPath(key); m.Found && m.Exact && !l.opts.Registry.SameBody(m.Place.Code, r.Region.Code) {
			src := "清单"
			if given.RegionMethod == schemas.RegionFlag {
				src = "--region"
			}
			r.AddProblem(schemas.Problem{Code: schemas.ProblemRegion, Severity: schemas.SeverityWarning, Text: m.Evidence,
				Message: fmt.Sprintf("地区冲突：%s指定%s（%s），路径显示%s（%s）；采用%s", src, r.Region.Name, given.Region,
					m.Place.Name, m.Place.Code, src)})
		}
		return
	}
	if r.Region.Code == "" && !hasRegionProblem {
		r.AddProblem(schemas.Problem{Code: schemas.ProblemRegion, Severity: schemas.SeverityWarning,
			Message: "无法确定所属地区：请在清单（manifest.csv）中指定 region_code（省级2位、地级4位、县级6位）"})
	}
}

// handle processes one result, in walk order, on the loader goroutine.
func (l *loader) handle(ctx context.Context, r result) error {
	s := l.sum
	s.Inputs++
	if s.Inputs%4096 == 0 {
		trackGC() // the run's index of inputs grows the live heap
	}
	if r.size > 0 {
		s.Bytes += r.size
	}
	shaHex := ""
	if r.hashed {
		shaHex = hex.EncodeToString(r.sha[:])
	}
	runID := l.w.RunID()
	in := batch.Input{RunID: runID, Path: r.key, SHA256: shaHex, Size: r.size}
	switch {
	case r.fail != nil:
		l.fail(in, r.fail)
	case r.known != nil:
		in.ReportID = r.known.ReportID
		if r.known.Path == r.key {
			in.Status = schemas.InputUnchanged
			s.Unchanged++
		} else {
			in.Status = schemas.InputDuplicate
			in.Reason = "与已入库的 " + r.known.Path + " 内容相同"
			s.Duplicates++
			s.addDup(r.key, r.known.Path)
		}
		l.b.AddInput(in)
	default:
		if k, ok := l.runSHA[r.sha]; ok {
			in.ReportID = k.ReportID
			in.Status = schemas.InputDuplicate
			in.Reason = "与本批次的 " + k.Path + " 内容相同"
			s.Duplicates++
			s.addDup(r.key, k.Path)
			l.b.AddInput(in)
			break
		}
		id := reportID(r.sha, pipeline.ParserVersion)
		if l.known.HasID(id) || l.runIDs[id] {
			l.fail(in, &failure{reason: "报告编号冲突（report id collision）", detail: fmt.Sprintf("report_id %d", id)})
			break
		}
		l.runIDs[id] = true
		l.runSHA[r.sha] = store.Known{ReportID: id, Path: r.key}
		rep := r.rep
		ident := batch.Identity(rep, r.key)
		if first, ok := l.runIdent[ident]; ok {
			s.addSameIdentity(ident, first, r.key)
		} else {
			l.runIdent[ident] = r.key
		}
		l.b.AddReport(batch.Meta{ReportID: id, IdentityKey: ident, Path: r.key, SHA256: shaHex, Size: r.size,
			Encoding: rep.Encoding, ParserVersion: pipeline.ParserVersion, RunID: runID, Modified: r.mod}, rep)
		in.Status = schemas.InputLoaded
		in.ReportID = id
		l.b.AddInput(in)
		s.addReport(rep, r.key)
	}
	if ready := l.b.Ready(); len(ready) > 0 {
		select {
		case l.loads <- ready:
		case <-ctx.Done():
			for _, b := range ready {
				b.Release()
			}
			return ctx.Err()
		}
	}
	l.progress(false)
	return nil
}

func (l *loader) fail(in batch.Input, f *failure) {
	in.Status = schemas.InputFailed
	in.Reason = f.reason
	l.b.AddInput(in)
	l.b.AddFailure(batch.Failure{Path: in.Path, SHA256: in.SHA256, Size: in.Size, Reason: f.reason, Detail: f.detail,
		ParserVersion: pipeline.ParserVersion, RunID: in.RunID})
	l.sum.Failed++
	l.sum.InputsFailed++
	l.sum.addFailure(in.Path, f.reason, f.detail)
}

func (l *loader) progress(done bool) {
	if l.opts.Progress == nil {
		return
	}
	now := time.Now()
	if !done && now.Sub(l.lastProg) < l.opts.ProgressEvery {
		return
	}
	l.lastProg = now
	s := l.sum
	l.opts.Progress(Progress{Files: s.Inputs, Total: l.opts.Total, Reports: s.Parsed, Failures: s.Failed, Bytes: s.Bytes,
		Elapsed: now.Sub(l.start), Done: done})
}

// reportID derives a report version's id from its bytes and the parser version: the same
// input always gets the same id, so re-runs converge.
func reportID(sha [32]byte, parserVersion string) int64 {
	h := sha256.New()
	h.Write(sha[:])
	h.Write([]byte(parserVersion))
	var s [32]byte
	h.Sum(s[:0])
	id := int64(binary.BigEndian.Uint64(s[:8]) >> 1)
	if id == 0 {
		id = 1
	}
	return id
}

// sortedKeys returns the keys of m sorted.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
