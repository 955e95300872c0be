package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"time"
)

// Refresh applies fn to a working copy of the published warehouse and publishes it, the way a
// run does (lock, copy, CHECKPOINT, rename) but loading nothing and recording no run. It
// (re)creates the SQL models of a warehouse published before them or by an older xxgk
// (xxgk views --refresh). Readers are never blocked; a failure leaves the published file as it
// was.
func Refresh(ctx context.Context, opts Options, fn func(context.Context, *sql.Conn) error) (err error) {
	if _, err := os.Stat(opts.Path); err != nil {
		return fmt.Errorf("store: refresh: no warehouse: %w", err)
	}
	if opts.MemoryLimit == "" {
		opts.MemoryLimit = "1GB"
	}
	lock, err := acquireLock(opts.Path + ".lock")
	if err != nil {
		return err
	}
	w := &Warehouse{opts: opts, path: opts.Path, lock: lock, published: true}
	defer func() {
		if err != nil {
			err = errors.Join(err, w.Abort())
		}
	}()
	if err := removeStale(opts.Path); err != nil {
		return err
	}
	if _, err := os.Stat(opts.Path + ".wal"); err == nil {
		// settle the WAL a killed in-place run left: open the file for writing (DuckDB replays
		// and checkpoints it), else a copy renamed over it would get it replayed
		db, conn, err := openPublished(ctx, opts.Path, Options{MemoryLimit: opts.MemoryLimit, Threads: opts.Threads, LockWait: 30 * time.Second})
		if err != nil {
			return fmt.Errorf("store: refresh: %s has a WAL: %w", opts.Path, err)
		}
		w.db, w.conn = db, conn
		if err := w.checkpointClose(ctx); err != nil {
			return err
		}
	}
	w.work = fmt.Sprintf("%s.tmp-%d-%d", opts.Path, os.Getpid(), time.Now().UnixNano())
	if err := copyPublished(opts.Path, w.work); err != nil {
		return err
	}
	if w.db, w.conn, err = openRW(ctx, w.work, opts); err != nil {
		return fmt.Errorf("store: refresh: open the working copy: %w", err)
	}
	if err := migrate(ctx, w.conn); err != nil {
		return err
	}
	if err := fn(ctx, w.conn); err != nil {
		return err
	}
	if _, err := w.conn.ExecContext(ctx, `checkpoint`); err != nil {
		return fmt.Errorf("store: refresh: checkpoint: %w", err)
	}
	if err := w.closeDB(); err != nil {
		return err
	}
	if err := publish(w.work, w.path); err != nil {
		return err
	}
	w.work = ""
	w.done = true
	if err := releaseLock(w.lock); err != nil {
		return err
	}
	w.lock = nil
	return nil
}
