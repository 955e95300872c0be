package run

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"

	"xxgk/pipeline/source"
)

// ErrBusy is matched (errors.Is) by a BusyError.
var ErrBusy = errors.New("another run is in progress")

// BusyError says that another run (or an xxgk ingest, or xxgk views --refresh) holds the
// warehouse.
type BusyError struct {
	Lock  string    // the lock file
	PID   int       // the holder's process id (0: unknown)
	Since time.Time // when it took the lock (zero: unknown)
	What  string    // the holder's command: "xxgk run", "xxgk ingest" …
}

func (e *BusyError) Error() string {
	pid, since := "unknown", "unknown"
	if e.PID > 0 {
		pid = fmt.Sprint(e.PID)
	}
	if !e.Since.IsZero() {
		since = e.Since.Format(time.RFC3339)
	}
	what, zh := "another run", "另一个运行正在进行"
	if e.What != "" && e.What != "xxgk run" {
		what, zh = "another "+e.What, "另一个 "+e.What+" 正在进行"
	}
	return fmt.Sprintf("%s is in progress (pid %s, since %s); lock %s — %s，请等待它结束", what, pid, since, e.Lock, zh)
}

// Is makes errors.Is(err, ErrBusy) true.
func (e *BusyError) Is(target error) bool { return target == ErrBusy }

// Lock is the run lock: an exclusive flock on <warehouse>.run.lock holding the holder's pid,
// start time and command. Every command that changes the warehouse takes it for its whole
// length — xxgk run (from its first stage to its record), xxgk ingest and xxgk views --refresh
// — so a run's outputs always come from the one warehouse version its record names: no ingest
// can publish between a run's ingest and its exports, and no run starts while an ingest is
// loading. The kernel releases a flock when its process dies, however it dies, so a process
// killed by SIGKILL or a crash leaves no stale lock: the next one takes it and overwrites the
// file's content. The file is never deleted (that would race with a process opening it).
type Lock struct {
	f    *os.File
	path string
}

// LockPath is the run lock of a warehouse.
func LockPath(warehouse string) string { return warehouse + ".run.lock" }

// Acquire takes the lock at path for xxgk run without waiting: a *BusyError naming the holder
// when another process holds it.
func Acquire(path string) (*Lock, error) { return AcquireAs(path, "xxgk run") }

// AcquireAs takes the lock at path for the command what ("xxgk ingest"), without waiting: a
// *BusyError naming the holder (its command, pid and start time) when another process holds it.
func AcquireAs(path, what string) (*Lock, error) {
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
	if _, err := fmt.Fprintf(f, "pid %d since %s cmd %s\n", os.Getpid(), time.Now().Format(time.RFC3339), what); err != nil {
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

// holder reads "pid N since RFC3339 [cmd COMMAND]" from a lock file (pipeline/store's lock
// has no command: what names it then).
func holder(path, what string) *BusyError {
	e := &BusyError{Lock: path, What: what}
	b, _ := readSmall(path)
	fields := strings.Fields(string(b))
	if len(fields) >= 4 && fields[0] == "pid" && fields[2] == "since" {
		fmt.Sscan(fields[1], &e.PID)
		e.Since, _ = time.Parse(time.RFC3339, fields[3])
		if len(fields) >= 6 && fields[4] == "cmd" {
			e.What = strings.Join(fields[5:], " ")
		}
	}
	return e
}

// readSmall reads at most 4 KiB of a lock file, opened as inputs are (a regular file only).
func readSmall(path string) ([]byte, error) {
	f, _, err := source.Open(path)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, 4<<10))
	return b, errors.Join(err, f.Close())
}
