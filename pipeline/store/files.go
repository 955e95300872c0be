package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

func dirOf(path string) string { return filepath.Dir(path) }

// acquireLock takes an exclusive, non-blocking flock on the lock file next to the warehouse
// and writes the holder's pid and start time into it (for the message a second run prints).
// The kernel drops the lock when the process dies, so a killed run never leaves it stuck.
func acquireLock(name string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("store: open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(name)
		cerr := f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			h := strings.TrimSpace(string(holder))
			if h == "" {
				h = "unknown"
			}
			return nil, errors.Join(fmt.Errorf("%w: %s (holder: %s)", ErrLocked, name, h), cerr)
		}
		return nil, errors.Join(fmt.Errorf("store: lock %s: %w", name, err), cerr)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = fmt.Fprintf(f, "pid %d since %s\n", os.Getpid(), time.Now().Format(time.RFC3339))
	}
	return f, nil
}

// releaseLock unlocks and closes the lock file. The file itself stays: deleting it would race
// with a run that has just opened it.
func releaseLock(f *os.File) error {
	if f == nil {
		return nil
	}
	_ = f.Truncate(0)
	uerr := syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	cerr := f.Close()
	if err := errors.Join(uerr, cerr); err != nil {
		return fmt.Errorf("store: release lock: %w", err)
	}
	return nil
}

// removeStale removes the working copies (and their WAL and spill directories) that killed
// runs left next to the warehouse. Called with the lock held, so none of them is in use.
func removeStale(path string) error {
	matches, err := filepath.Glob(globEscape(path) + ".tmp-*")
	if err != nil {
		return fmt.Errorf("store: look for stale working copies: %w", err)
	}
	for _, m := range matches {
		if err := os.RemoveAll(m); err != nil {
			return fmt.Errorf("store: remove stale working copy: %w", err)
		}
	}
	return nil
}

func globEscape(s string) string {
	r := strings.NewReplacer(`*`, `\*`, `?`, `\?`, `[`, `\[`, `\`, `\\`)
	return r.Replace(s)
}

// removeTemp removes a working copy with its WAL and spill directory.
func removeTemp(tmp string) error {
	var err error
	for _, p := range []string{tmp, tmp + ".wal", tmp + ".tmp"} {
		if rerr := os.RemoveAll(p); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}
	if err != nil {
		return fmt.Errorf("store: remove working copy: %w", err)
	}
	return nil
}

// copyPublished copies the published file (and its WAL, if a writer left one) to the working
// copy and syncs it. No published file: the run starts a new warehouse.
func copyPublished(path, tmp string) error {
	for _, suffix := range []string{"", ".wal"} {
		err := copyFile(path+suffix, tmp+suffix)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("store: copy the published warehouse: %w", err)
		}
	}
	return nil
}

func copyFile(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, in.Close()) }()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		return errors.Join(err, out.Close())
	}
	if err := out.Sync(); err != nil {
		return errors.Join(err, out.Close())
	}
	return out.Close()
}

// publish makes the closed working copy the published warehouse: fsync it, rename it over the
// published file (atomic on POSIX file systems), fsync the directory.
func publish(tmp, path string) error {
	if _, err := os.Stat(tmp + ".wal"); err == nil {
		return fmt.Errorf("store: publish: the working copy still has a WAL after checkpoint and close")
	}
	f, err := os.OpenFile(tmp, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("store: publish: %w", err)
	}
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(serr, cerr); err != nil {
		return fmt.Errorf("store: publish: sync the working copy: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("store: publish: %w", err)
	}
	// a WAL of the old published file would be replayed onto the new one: it was copied in
	if err := os.Remove(path + ".wal"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: publish: remove the old WAL: %w", err)
	}
	d, err := os.Open(dirOf(path))
	if err != nil {
		return fmt.Errorf("store: publish: %w", err)
	}
	serr = d.Sync()
	cerr = d.Close()
	if err := errors.Join(serr, cerr); err != nil {
		return fmt.Errorf("store: publish: sync the directory: %w", err)
	}
	return nil
}
