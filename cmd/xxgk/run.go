package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"xxgk/pipeline/textgrid"

	"github.com/spf13/cobra"

	"xxgk/pipeline"
	annual "xxgk/pipeline/run"
)

// exitBusy: another xxgk run (or an xxgk ingest) holds the warehouse; nothing was done.
const exitBusy = 3

func init() {
	commands = append(commands, newRunCmd)
}

// runKeys maps the configuration keys `xxgk run` takes as flags to the flag names.
var runKeys = map[string]string{
	"warehouse":           "db",
	"inputs":              "input",
	"manifest":            "manifest",
	"region":              "region",
	"years":               "years",
	"compare":             "compare",
	"export.out":          "out",
	"export.formats":      "formats",
	"export.csv_bom":      "csv-bom",
	"workers":             "workers",
	"duckdb.threads":      "threads",
	"duckdb.memory_limit": "memory-limit",
}

func newRunCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "run [--config configs/annual.yaml]",
		Short: "the scheduled annual run: ingest → validate → rollups → year-over-year → exports, as configured",
		Long: `run is the office's one command, for cron or a systemd timer: it ingests the configured
inputs into the warehouse, runs the data tests, rolls up the region's years, writes the
year-over-year comparisons and the exports, and records what it did in the warehouse
(ops.runs, ops.run_outputs; see xxgk runs).

Safe to rerun: when no input is new or corrected the warehouse is not touched (no ingest) and
the outputs are not rewritten (unless one is missing or altered); new or corrected files update
the warehouse and every output whose content changes. One run at a time: a second run exits
with status 3, naming the command, pid and start time of the one in progress; the run holds
its lock (<warehouse>.run.lock) from its first stage to its record, and xxgk ingest takes the
same lock, so the outputs of a run always come from the one warehouse version its record
names. SIGINT/SIGTERM stop a run promptly (status 2; the lock is released).

Configuration: the --config file < XXGK_ environment variables < flags (xxgk config keys).

Problems — inputs that failed or were read incompletely, rule violations of the reports of
record in the region and years, failing data tests — are listed with their ids; acknowledged
ones (xxgk ack) are counted but no longer make the run partial. The record (xxgk runs) and the
log say how many problems the run saw, how many are acknowledged, which are new since the last
run and how many are gone.

Exit status: 0 ok (every problem acknowledged); 1 partial (a problem not acknowledged — a new
failed or incomplete input, rule violation or failing data test —, or an output could not be
written: the rest was done); 2 failed (bad configuration, no input, a
stage could not run, interrupted); 3 another run or ingest holds the warehouse: nothing was
done (not a success: the systemd unit reports it as skipped).`,
		Example: `  xxgk run --config configs/annual.yaml
  XXGK_YEARS=2024 xxgk run --config configs/annual.yaml --formats xlsx,csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := loadConfig(cmd, runKeys)
			if err != nil {
				return err
			}
			ctx, stop := interruptible(cmd.Context())
			defer stop()
			opts := annual.Options{Config: c, Version: "xxgk " + pipeline.Version, Extract: testExtract}
			display := newDisplay()
			opts.Progress = display.Update
			rec, err := annual.Run(ctx, opts)
			display.Close()
			var busy *annual.BusyError
			if errors.As(err, &busy) {
				return &exitError{code: exitBusy, err: err}
			}
			if rec != nil {
				writeRecord(cmd.OutOrStdout(), rec, c.Warehouse)
			}
			if err != nil {
				return &exitError{code: exitFailed, err: err}
			}
			switch rec.Status {
			case annual.StatusOK:
				return nil
			case annual.StatusPartial:
				return &exitError{code: exitPartial}
			}
			return &exitError{code: exitFailed, err: errors.New("run: " + strings.Join(rec.Problems, "; "))}
		},
	}
	f := cmd.Flags()
	f.String("db", "data/xxgk.duckdb", "the published warehouse file (warehouse)")
	f.StringSlice("input", nil, "files and directories to ingest (inputs; repeat or comma-separate)")
	f.String("manifest", "", "manifest CSV (manifest)")
	f.String("region", "", "province or prefecture code summarised (region)")
	f.StringSlice("years", nil, "years summarised (years; default every year with reports)")
	f.StringSlice("compare", nil, "year pairs FROM-TO compared (compare; default each year against the one before)")
	f.String("out", "out", "output directory (export.out)")
	f.StringSlice("formats", nil, "export formats: xlsx,html,md,csv,parquet (export.formats)")
	f.Bool("csv-bom", false, "a UTF-8 BOM on CSV files (export.csv_bom)")
	f.Int("workers", 0, "parse workers, 0: one per core (workers)")
	f.Int("threads", 0, "DuckDB threads (duckdb.threads)")
	f.String("memory-limit", "", "DuckDB memory limit (default: duckdb.memory_limit of the configuration, 2GB)")
	return cmd
}

// writeRecord prints what a run did (stdout: the command's data).
func writeRecord(w io.Writer, r *annual.Record, db string) {
	id := "—"
	if r.ID > 0 {
		id = fmt.Sprint(r.ID)
	}
	fmt.Fprintf(w, "运行 run %s → %s（%s）\n", id, db, r.Status)
	fmt.Fprintln(w, r.Message)
	sha := r.ConfigSHA256
	if len(sha) > 12 {
		sha = sha[:12]
	}
	rows := [][]string{
		{"配置 config sha256", sha},
		{"仓库版本 warehouse version", fmt.Sprint(r.IngestRunID)},
		{"输入 inputs", fmt.Sprint(r.Inputs)},
		{"新入库 loaded", fmt.Sprint(r.Loaded)},
		{"失败 failed", fmt.Sprint(r.Failures)},
		{"不完整 incomplete", fmt.Sprint(r.Incomplete)},
		{"勾稽问题 violations", fmt.Sprint(r.Violations)},
		{"数据测试未通过 test failures", fmt.Sprint(r.TestFailures)},
		{"输出 outputs", fmt.Sprint(len(r.Outputs))},
		{"写入 written", fmt.Sprint(r.Written)},
		{"用时 elapsed", r.Duration().Round(10 * time.Millisecond).String()},
	}
	if r.ProblemCount >= 0 {
		rows = append(rows[:len(rows)-3], append([][]string{
			{"问题 problems", fmt.Sprint(r.ProblemCount)},
			{"已核实 acknowledged", fmt.Sprint(r.Acknowledged)},
			{"新问题 new since the last run", fmt.Sprint(r.NewCount)},
			{"已消除 resolved since the last run", fmt.Sprint(r.ResolvedCount)},
		}, rows[len(rows)-3:]...)...)
	}
	textgrid.Write(w, "  ", rows, 40)
	if un := r.Unacknowledged(); len(un) > 0 {
		fresh := map[string]bool{}
		for _, q := range r.NewProblems {
			fresh[q.Key] = true
		}
		fmt.Fprintf(w, "未核实的问题 unacknowledged problems: %d（xxgk ack ID --note … 核实；xxgk checks --problems 列出全部）\n", len(un))
		for i, q := range un {
			if i == 20 {
				fmt.Fprintf(w, "  … %d more\n", len(un)-20)
				break
			}
			mark := "  "
			if fresh[q.Key] {
				mark = "新"
			}
			fmt.Fprintf(w, "  %s %s\n", mark, q)
		}
	}
	if len(r.Problems) > 0 {
		fmt.Fprintf(w, "问题 problems: %d\n", len(r.Problems))
		for i, p := range r.Problems {
			if i == 20 {
				fmt.Fprintf(w, "  … %d more (see the log)\n", len(r.Problems)-20)
				break
			}
			fmt.Fprintln(w, "  "+firstLineOf(p))
		}
	}
}

func firstLineOf(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
