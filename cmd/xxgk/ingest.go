package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"xxgk/pipeline/ingest"
	annual "xxgk/pipeline/run"
	"xxgk/pipeline/store"
)

func init() {
	commands = append(commands, newIngestCmd)
}

func newIngestCmd() *cobra.Command {
	var opts ingest.Options
	opts.DB = "data/xxgk.duckdb"
	cmd := &cobra.Command{
		Use:   "ingest [PATH...]",
		Short: "load reports into the DuckDB warehouse (parallel, idempotent, published atomically)",
		Long: `ingest walks the given files and directories, reads every report (decode → parse →
validate, one worker per core), and loads them into the DuckDB warehouse through one loader.
The run loads into a file of its own, then publishes in one step: merged into the published
file in one DuckDB transaction (late reports into a national warehouse: seconds, writing only
what they add), or, when a reader holds the file for more than 5 s or the run is large, as a
copy renamed over it. Readers never see a half-loaded run (a reader opening during a merge
waits for it), and an interrupted or killed run leaves the old warehouse or the new one.

The same bytes ingested again change nothing; a changed file for the same region, body and
year becomes a new version (the old one is kept, superseded). Region: --region, then the
manifest (--manifest, or manifest.csv in or above an input directory), then the path, then
the text; conflicts and unresolved regions are listed, never guessed.

Inputs that are not regular files (FIFOs, sockets, devices, links to them) are recorded as
failed without being opened; larger than 64 MiB, or not read within a minute, likewise.

One writer at a time: ingest takes the warehouse's run lock (<db>.run.lock), as xxgk run does
for its whole length, so an ingest never changes the warehouse between a run's stages.
SIGINT/SIGTERM stop it promptly: nothing is published and the lock is released.

Exit status: 0 all inputs read completely, 1 some inputs incomplete or failed (the rest
loaded), 2 nothing loaded or a fatal error (disk full, interrupted), 3 another xxgk run or
ingest holds the warehouse (nothing was done; the message names it).`,
		Example: `  xxgk ingest demo/reports
  xxgk ingest --db data/xxgk.duckdb --manifest demo/manifest.csv demo/reports`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return &exitError{code: exitFailed, err: errors.New("ingest: give the files or directories to ingest")}
			}
			opts.Roots = args
			ctx, stop := interruptible(cmd.Context())
			defer stop()
			// the run lock: no xxgk run (nor another ingest) changes the warehouse meanwhile,
			// so a run's outputs never mix two warehouse versions
			if err := os.MkdirAll(filepath.Dir(opts.DB), 0o755); err != nil {
				return &exitError{code: exitFailed, err: fmt.Errorf("ingest: the warehouse directory: %w", err)}
			}
			lock, err := annual.AcquireAs(annual.LockPath(opts.DB), "xxgk ingest")
			if err != nil {
				if errors.Is(err, annual.ErrBusy) {
					return &exitError{code: exitBusy, err: fmt.Errorf("ingest: %w", err)}
				}
				return &exitError{code: exitFailed, err: fmt.Errorf("ingest: %w", err)}
			}
			defer func() {
				if err := lock.Release(); err != nil {
					slog.Warn("release the run lock", "err", err)
				}
			}()
			display := newDisplay()
			opts.Progress = func(p ingest.Progress) { display.Update(p.Update()) }
			opts.Extract = testExtract
			sum, err := ingest.Run(ctx, opts)
			display.Close()
			if err != nil {
				if errors.Is(err, store.ErrLocked) {
					return &exitError{code: exitBusy, err: fmt.Errorf("%w\n另一个进程正在写入该仓库；请等待它结束后再运行", err)}
				}
				return &exitError{code: exitFailed, err: err}
			}
			if err := sum.Write(cmd.OutOrStdout()); err != nil {
				return &exitError{code: exitFailed, err: err}
			}
			switch sum.Status() {
			case "ok":
				return nil
			case "partial":
				return &exitError{code: exitPartial}
			}
			return &exitError{code: exitFailed, err: errors.New("ingest: no report could be loaded")}
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.DB, "db", opts.DB, "the published warehouse file")
	f.StringVar(&opts.Manifest, "manifest", "", "manifest CSV (path,region_code,year,scope,body); default: manifest.csv in or above an input directory")
	f.IntVar(&opts.Workers, "workers", 0, "parse workers (0: one per core)")
	f.StringVar(&opts.Region, "region", "", "division code for every input at its body's level (2 digits a province, 4 a prefecture, 6 a county), overriding the manifest")
	f.IntVar(&opts.Year, "year", 0, "year reported on, for every input")
	f.StringVar(&opts.MemoryLimit, "memory-limit", "", "DuckDB memory limit (default: duckdb.memory_limit of the configuration, 2GB; beyond it DuckDB spills to disk)")
	f.IntVar(&opts.Threads, "threads", 0, "DuckDB threads (0: half the cores; the parse workers use the rest)")
	return cmd
}

// testExtract, when set (by the tests' child processes only), replaces the ingest's
// decode → parse → validate in xxgk ingest and xxgk run.
var testExtract ingest.ExtractFunc

// stopGrace is how long a command has, after SIGINT or SIGTERM, to stop on its own.
var stopGrace = 15 * time.Second

// interruptible returns a context that SIGINT and SIGTERM cancel: the command then aborts on
// its own (nothing published, its locks released, exit status 2). Should it still be running
// stopGrace later — something it waits on cannot be interrupted — or should a second signal
// come, the process exits with status 2 at once: the kernel releases its flocks, the published
// warehouse is the old one (or, if the rename had happened, the complete new one), and the next
// run removes the working copy it leaves. stop releases the signals.
func interruptible(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			slog.Warn("中断：正在停止，已发布的仓库不变 / interrupted: stopping, the published warehouse is left as it was", "signal", s.String())
			cancel()
		case <-done:
			return
		}
		t := time.NewTimer(stopGrace)
		defer t.Stop()
		select {
		case <-sigs:
		case <-t.C:
		case <-done:
			return
		}
		fmt.Fprintln(os.Stderr, "xxgk: 未能及时停止，强制退出 / did not stop in time: exiting now (the published warehouse is as it was)")
		os.Exit(exitFailed)
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel()
	}
}
