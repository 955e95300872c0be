package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"xxgk/pipeline/ingest"
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
The run builds a copy of the warehouse and renames it over the published file only when
complete: analysts' read-only sessions are never blocked and never see a half-loaded run,
and an interrupted run leaves the published warehouse as it was.

The same bytes ingested again change nothing; a changed file for the same region, body and
year becomes a new version (the old one is kept, superseded). Region: --region, then the
manifest (--manifest, or manifest.csv in or above an input directory), then the path, then
the text; conflicts and unresolved regions are listed, never guessed.

Exit status: 0 all inputs read completely, 1 some inputs incomplete or failed (the rest
loaded), 2 nothing loaded or a fatal error (warehouse locked, disk full, interrupted).`,
		Example: `  xxgk ingest demo/reports
  xxgk ingest --db data/xxgk.duckdb --manifest demo/manifest.csv demo/reports`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return &exitError{code: exitFailed, err: errors.New("ingest: give the files or directories to ingest")}
			}
			opts.Roots = args
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			var bar *progressBar
			if isTerminal(os.Stderr) {
				bar = &progressBar{w: os.Stderr}
				opts.Progress = bar.update
			}
			sum, err := ingest.Run(ctx, opts)
			bar.clear()
			if err != nil {
				if errors.Is(err, store.ErrLocked) {
					return &exitError{code: exitFailed, err: fmt.Errorf("%w\n另一个 xxgk ingest 正在写入该仓库；请等待它结束后再运行", err)}
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
	f.StringVar(&opts.MemoryLimit, "memory-limit", "1GB", "DuckDB memory limit")
	f.IntVar(&opts.Threads, "threads", 0, "DuckDB threads (0: half the cores; the parse workers use the rest)")
	return cmd
}

// progressBar draws one status line on a terminal: files, reports/s, failures.
type progressBar struct {
	w     io.Writer
	drawn bool
}

func (b *progressBar) update(p ingest.Progress) {
	if p.Done {
		return
	}
	secs := p.Elapsed.Seconds()
	if secs <= 0 {
		secs = 1e-9
	}
	spin := `|/-\`[int(p.Elapsed/(200*time.Millisecond))%4]
	fmt.Fprintf(b.w, "\r%c 文件 %d  报告 %d（%.0f 份/秒，%.1f MB/s）  失败 %d   ", spin, p.Files, p.Reports,
		float64(p.Reports)/secs, float64(p.Bytes)/1e6/secs, p.Failures)
	b.drawn = true
}

func (b *progressBar) clear() {
	if b == nil || !b.drawn {
		return
	}
	fmt.Fprint(b.w, "\r\033[K")
}
