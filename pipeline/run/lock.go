package run

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"
)

// ErrBusy is matched (errors.Is) by a BusyError.
var ErrBusy = errors.New("another run is in progress")

// BusyError says that another run (or an xxgk ingest) holds the warehouse.
type BusyError struct {
	Lock  string    // the lock file
	PID   int       // the holder's process id (0: unknown)
	Since time.Time // when it took the lock (zero: unknown)
	What  string    // "xxgk run" or "xxgk ingest"
}

func (e *BusyError) Error() string {
	pid, since := "unknown", "unknown"
	if e.PID > 0 {
		pid = fmt.Sprint(e.PID)
	}
	if !e.Since.IsZero() {
		since = e.Since.Format(time.RFC3339)
	}
	what := "another run"
	if e.What != "" && e.What != "xxgk run" {
		what = "another " + e.What
	}
	return fmt.Sprintf("%s is in progress (pid %s, since %s); lock %s — 另一个运行正在进行，请等待它结束", what, pid, since, e.Lock)
}

// Is makes errors.Is(err, ErrBusy) true.
func (e *BusyError) Is(target error) bool { return target == ErrBusy }

// Lock is the run lock: an exclusive flock on <warehouse>.run.lock holding the holder's pid and
// start time. The kernel releases a flock when its process dies, however it dies, so a run
// killed by SIGKILL or a crash leaves no stale lock: the next run takes it and overwrites the
// file's content. The file is never deleted (that would race with a run opening it).
type Lock struct {
	f    *os.File
	path string
}

// LockPath is the run lock of a warehouse.
func LockPath(warehouse string) string { return warehouse + ".run.lock" }

// Acquire takes the lock at path without waiting: a *BusyError when another process holds it.
func Acquire(path string) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("run: open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		cerr := f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errors.Join(holder(path, "xxgk run"), cerr)
		}
		return nil, errors.Join(fmt.Errorf("run: lock %s: %w", path, err), cerr)
	}
	if err := f.Truncate(0); err != nil {
		return nil, errors.Join(fmt.Errorf("run: lock %s: %w", path, err), f.Close())
	}
	if _, err := fmt.Fprintf(f, "pid %d since %s\n", os.Getpid(), time.Now().Format(time.RFC3339)); err != nil {
		return nil, errors.Join(fmt.Errorf("run: lock %s: %w", path, err), f.Close())
	}
	return &Lock{f: f, path: path}, nil
}

// Release empties the lock file and unlocks it.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	terr := l.f.Truncate(0)
	uerr := syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	cerr := l.f.Close()
	l.f = nil
	if err := errors.Join(terr, uerr, cerr); err != nil {
		return fmt.Errorf("run: release lock %s: %w", l.path, err)
	}
	return nil
}

// holder reads "pid N since RFC3339" from a lock file (the format of pipeline/store's lock too).
func holder(path, what string) *BusyError {
	e := &BusyError{Lock: path, What: what}
	b, _ := os.ReadFile(path)
	fields := strings.Fields(string(b))
	if len(fields) >= 4 && fields[0] == "pid" && fields[2] == "since" {
		fmt.Sscan(fields[1], &e.PID)
		e.Since, _ = time.Parse(time.RFC3339, fields[3])
	}
	return e
}
