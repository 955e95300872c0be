package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
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
	w, err := Begin(ctx, opts)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, w.Abort())
		}
	}()
	if err := fn(ctx, w.conn); err != nil {
		return err
	}
	if _, err := w.conn.ExecContext(ctx, `checkpoint`); err != nil {
		return fmt.Errorf("store: refresh: checkpoint: %w", err)
	}
	if err := w.closeDB(); err != nil {
		return err
	}
	if err := publish(w.tmp, w.path); err != nil {
		return err
	}
	w.done = true
	if err := releaseLock(w.lock); err != nil {
		return err
	}
	w.lock = nil
	return nil
}
