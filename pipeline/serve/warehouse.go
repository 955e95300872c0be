package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"syscall"
	"time"

	"xxgk/pipeline/console"
	"xxgk/pipeline/store"
)

// The published warehouse is replaced by rename when an ingest or run publishes a new
// version. A session opened on the path afterwards must see the new file, and a request that
// started on the old one must finish on it.
//
// duckdb-go keeps one DuckDB instance per file and process (its instance cache, keyed by the
// resolved path: a symbolic link, /proc/self/fd/N or "dir//file" all name the same entry —
// TestDriverSharesInstanceByPath checks this). While any session of the old instance is
// open, opening the path again returns the old instance, which still reads the old, renamed-
// over inode. Only when every session of that instance is closed does the next open read the
// file now at the path (TestDriverReopensAfterClose).
//
// So the server keeps one generation at a time: a set of sessions on one instance, identified
// by the file it was opened from (device, inode, size, modification time). Every request
// stats the path; while the file is the generation's, it gets one of its sessions for the whole
// request (a page never mixes versions). When the file differs, the generation drains: it
// hands out no more sessions, the requests holding one finish on the old version, the last one
// to return closes them all, and the next request opens the new file. Requests that arrive
// while a generation drains wait for it (at most the longest request in flight: pages take
// milliseconds, SQL is bounded by its time limit); none fails and none sees the old version.

// fileID identifies the file at the warehouse path: a new version is a new inode.
type fileID struct {
	dev, ino uint64
	size     int64
	mtime    int64 // ns
}

func statID(path string) (fileID, error) {
	st, err := os.Stat(path)
	if err != nil {
		return fileID{}, err
	}
	if !st.Mode().IsRegular() {
		return fileID{}, fmt.Errorf("%s is not a warehouse file", path)
	}
	id := fileID{size: st.Size(), mtime: st.ModTime().UnixNano()}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		id.dev, id.ino = uint64(sys.Dev), sys.Ino
	}
	return id, nil
}

// token is the short text pages carry to ask whether a newer version exists.
func (f fileID) token() string {
	return fmt.Sprintf("%x-%x-%x-%x", f.dev, f.ino, f.size, f.mtime)
}

// Version describes the warehouse version a generation serves.
type Version struct {
	Gen       int64     // generation number in this process, from 1
	Token     string    // the file's identity (see fileID)
	Modified  time.Time // modification time of the published file
	RunID     int64     // last ingest run (0: none)
	RunAt     time.Time // its end
	Opened    time.Time // when this process opened it
	XXGK      string    // xxgk version of the last ingest
	Reports   int64     // report versions stored
	HasModels bool      // the analytics views exist
}

// generation is the set of sessions open on one version of the file.
type generation struct {
	id       fileID
	version  Version
	idle     []*store.Session
	inUse    int
	draining bool

	// per-version caches, filled on first use (see cache.go)
	cache versionCache
	// ctx ends when the generation starts draining: the background warm-up stops then
	ctx    context.Context
	cancel context.CancelFunc
}

// warehouse hands out sessions of the current generation.
type warehouse struct {
	path    string
	opts    console.Options
	maxOpen int // sessions per generation

	mu     sync.Mutex
	cond   *sync.Cond
	cur    *generation
	nextID int64
	log    *slog.Logger
	statFn func(string) (fileID, error)
	// onOpen, when set, is called (on its own goroutine) with each new generation; close
	// waits for those goroutines.
	onOpen func(*generation)
	bg     sync.WaitGroup
	closed bool
}

func newWarehouse(path string, opts console.Options, maxOpen int, log *slog.Logger) *warehouse {
	if maxOpen < 1 {
		maxOpen = 1
	}
	w := &warehouse{path: path, opts: opts, maxOpen: maxOpen, log: log, statFn: statID}
	w.cond = sync.NewCond(&w.mu)
	return w
}

// drain stops handing out the generation's sessions and ends its background work.
func (g *generation) drain() {
	g.draining = true
	if g.cancel != nil {
		g.cancel()
	}
}

// acquireGen returns a session of generation g, or nil when g is no longer current (the
// background warm-up of a version that was replaced meanwhile has nothing to do).
func (w *warehouse) acquireGen(ctx context.Context, g *generation) (*lease, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		if err := ctx.Err(); err != nil || w.cur != g || g.draining {
			return nil, err
		}
		if n := len(g.idle); n > 0 {
			s := g.idle[n-1]
			g.idle = g.idle[:n-1]
			g.inUse++
			return &lease{w: w, g: g, s: s}, nil
		}
		if g.inUse < w.maxOpen {
			g.inUse++
			w.mu.Unlock()
			s, err := console.Open(ctx, w.path, w.opts)
			w.mu.Lock()
			if err != nil {
				g.inUse--
				w.cond.Broadcast()
				return nil, err
			}
			return &lease{w: w, g: g, s: s}, nil
		}
		w.waitLocked(ctx)
	}
}

// lease is one request's session on one generation.
type lease struct {
	w *warehouse
	g *generation
	s *store.Session
}

// ErrUnavailable is returned when the warehouse cannot be opened.
var ErrUnavailable = errors.New("仓库无法打开 / the warehouse cannot be opened")

// acquire returns a session of the current version of the file, opening it when the file
// changed (after the old generation drained).
func (w *warehouse) acquire(ctx context.Context) (*lease, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if w.closed {
			return nil, fmt.Errorf("%w: the server is shutting down", ErrUnavailable)
		}
		id, statErr := w.statFn(w.path)
		g := w.cur
		if g != nil && !g.draining && statErr == nil && id != g.id {
			g.drain()
			w.log.Info("新版本已发布，旧版本的请求结束后切换 / a new version was published: switching once the requests on the old one end",
				"generation", g.version.Gen, "in_use", g.inUse)
		}
		if g != nil && g.draining {
			if g.inUse > 0 {
				w.waitLocked(ctx)
				continue
			}
			w.closeGenLocked(g)
			w.cur, g = nil, nil
		}
		if g == nil {
			if statErr != nil {
				return nil, fmt.Errorf("%w: %v", ErrUnavailable, statErr)
			}
			ng, err := w.openGenLocked(ctx, id)
			if err != nil {
				return nil, err
			}
			if ng == nil {
				continue // the file changed while it was opened: open the newer one
			}
			w.cur, g = ng, ng
			if w.onOpen != nil {
				w.bg.Add(1)
				go func() {
					defer w.bg.Done()
					w.onOpen(ng)
				}()
			}
		}
		// the file is the generation's (or cannot be stat'ed just now: keep serving it)
		if n := len(g.idle); n > 0 {
			s := g.idle[n-1]
			g.idle = g.idle[:n-1]
			g.inUse++
			return &lease{w: w, g: g, s: s}, nil
		}
		if g.inUse < w.maxOpen {
			// another session on the same instance: the generation holds sessions open, so the
			// driver's cache returns its instance whatever the path now holds
			g.inUse++
			w.mu.Unlock()
			s, err := console.Open(ctx, w.path, w.opts)
			w.mu.Lock()
			if err != nil {
				g.inUse--
				w.cond.Broadcast()
				return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
			}
			return &lease{w: w, g: g, s: s}, nil
		}
		w.waitLocked(ctx)
	}
}

// waitLocked waits for a release (or ctx). The caller holds w.mu.
func (w *warehouse) waitLocked(ctx context.Context) {
	stop := context.AfterFunc(ctx, func() {
		w.mu.Lock()
		w.cond.Broadcast()
		w.mu.Unlock()
	})
	w.cond.Wait()
	stop()
}

// openGenLocked opens the first session of a new generation on the file identified by id.
// It returns nil (no error) when the file changed while it was being opened.
func (w *warehouse) openGenLocked(ctx context.Context, id fileID) (*generation, error) {
	s, err := console.Open(ctx, w.path, w.opts)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	// Old inodes never come back, so the same identity before and after the open means the
	// instance reads that file.
	after, err := w.statFn(w.path)
	if err != nil || after != id {
		if cerr := s.Close(); cerr != nil {
			w.log.Warn("close session", "err", cerr)
		}
		return nil, nil
	}
	w.nextID++
	g := &generation{id: id, idle: []*store.Session{s}}
	g.ctx, g.cancel = context.WithCancel(context.Background())
	v, err := readVersion(ctx, s)
	if err != nil {
		if cerr := s.Close(); cerr != nil {
			w.log.Warn("close session", "err", cerr)
		}
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	v.Gen, v.Token, v.Modified, v.Opened = w.nextID, id.token(), time.Unix(0, id.mtime), time.Now()
	g.version = v
	w.log.Info("打开仓库版本 / opened warehouse version", "generation", v.Gen, "run", v.RunID, "reports", v.Reports, "path", w.path)
	return g, nil
}

func (w *warehouse) closeGenLocked(g *generation) {
	for _, s := range g.idle {
		if err := s.Close(); err != nil {
			w.log.Warn("close session", "err", err)
		}
	}
	g.idle = nil
}

// release returns the lease's session to its generation; the last release of a draining
// generation closes it.
func (l *lease) release() {
	w := l.w
	w.mu.Lock()
	defer w.mu.Unlock()
	g := l.g
	g.inUse--
	if g.draining || w.cur != g {
		if err := l.s.Close(); err != nil {
			w.log.Warn("close session", "err", err)
		}
	} else {
		g.idle = append(g.idle, l.s)
	}
	if g.draining && g.inUse == 0 {
		w.closeGenLocked(g)
		if w.cur == g {
			w.cur = nil
		}
	}
	w.cond.Broadcast()
}

// newer reports whether the file at the path is no longer the version the token names (a
// newer version was published).
func (w *warehouse) newer(token string) (bool, error) {
	id, err := w.statFn(w.path)
	if err != nil {
		return false, err
	}
	return id.token() != token, nil
}

// close ends the current generation at shutdown, after the server stopped: its background
// work is cancelled, and close returns once every session of it is closed and the background
// goroutines have ended. A session left open past close would keep the DuckDB instance alive
// without its database handle, and the driver's instance cache then spins (busy, forever)
// when the file is opened again in this process (duckdb/duckdb#25965).
func (w *warehouse) close() {
	w.mu.Lock()
	w.closed = true
	if g := w.cur; g != nil {
		g.drain()
		for g.inUse > 0 {
			w.cond.Wait()
		}
		w.closeGenLocked(g)
		if w.cur == g {
			w.cur = nil
		}
	}
	w.mu.Unlock()
	w.bg.Wait()
}

// readVersion reads what the page header says about the version.
func readVersion(ctx context.Context, s *store.Session) (Version, error) {
	var v Version
	type runRow struct {
		_        struct{}  `view:"main.ingest_runs"`
		RunID    int64     `col:"run_id"`
		Finished time.Time `col:"finished_at"`
		XXGK     string    `col:"xxgk_version"`
	}
	runs, err := scan[runRow](ctx, s, `select run_id, finished_at, xxgk_version from main.ingest_runs order by run_id desc limit 1`)
	if err != nil {
		return v, fmt.Errorf("read the warehouse version: %w", err)
	}
	if len(runs) == 1 {
		v.RunID, v.RunAt, v.XXGK = runs[0].RunID, runs[0].Finished, runs[0].XXGK
	}
	type countRow struct {
		_       struct{} `query:"serve/version"`
		Reports int64    `col:"reports"`
		Models  int64    `col:"models"`
	}
	c, err := scan[countRow](ctx, s, `select (select count(*) from main.reports) as reports,
		(select count(*) from duckdb_views() where database_name = current_database() and schema_name = 'analytics') as models`)
	if err != nil {
		return v, fmt.Errorf("read the warehouse version: %w", err)
	}
	v.Reports, v.HasModels = c[0].Reports, c[0].Models > 0
	return v, nil
}
