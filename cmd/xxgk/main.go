// Command xxgk turns 政府信息公开工作年度报告 into exact numbers, rolls them up across counties
// and years, and writes the provincial summaries. One file per subcommand; each wires flags to
// one pipeline call.
package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"xxgk/pipeline/config"
	"xxgk/pipeline/extract"
	"xxgk/pipeline/progress"
)

// Exit statuses (documented in the README).
const (
	exitOK      = 0 // every input read completely
	exitPartial = 1 // some inputs incomplete or failed; the rest were processed
	exitFailed  = 2 // nothing usable: bad usage, no input, or a fatal error
)

// exitError carries an exit status up to main without printing a stack trace.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

var logFormat string

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "xxgk",
		Short: "政府信息公开工作年度报告：解析、校验、汇总、导出",
		Long: `xxgk reads China's annual government information-disclosure reports
(政府信息公开工作年度报告) in any common shape and encoding into exact numbers,
checks them (勾稽关系 R1–R8), and rolls them up across counties and years.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if err := applyConfig(cmd); err != nil {
				return err
			}
			slog.SetDefault(newLogger(logFormat))
			return nil
		},
	}
	root.Version = versionString()
	root.SetVersionTemplate("{{.Name}} {{.Version}}\n")
	root.PersistentFlags().StringVar(&configPath, "config", "", "configuration file (YAML; see configs/example.yaml)")
	root.PersistentFlags().StringVar(&logFormat, "log-format", "auto", "log format on stderr: auto (text on a terminal, JSON otherwise), text, json")
	for _, add := range commands {
		root.AddCommand(add())
	}
	return root
}

// commands is filled by the init functions of the subcommand files.
var commands []func() *cobra.Command

// configFlags are the flags several commands share, with the configuration key each defaults
// to: a flag given on the command line wins, else XXGK_ environment, else the --config file,
// else the built-in default.
var configFlags = map[string]string{
	"db":           "warehouse",
	"workers":      "workers",
	"manifest":     "manifest",
	"memory-limit": "duckdb.memory_limit",
	"threads":      "duckdb.threads",
	"log-format":   "log_format",
}

// configFlagTypes are the flag types the shared flags have; a command's flag of the same name
// but another meaning (gen's --manifest is a switch) is left alone.
var configFlagTypes = map[string]string{
	"db": "string", "workers": "int", "manifest": "string", "memory-limit": "string", "threads": "int", "log-format": "string",
}

// sharedFlag returns the command's flag called name when it is the shared flag of that name.
func sharedFlag(cmd *cobra.Command, name string) *pflag.Flag {
	f := cmd.Flags().Lookup(name)
	if f == nil || f.Value.Type() != configFlagTypes[name] {
		return nil
	}
	return f
}

// applyConfig loads the configuration (file, environment, set flags) and sets every shared
// flag the command has but was not given to its configured value.
func applyConfig(cmd *cobra.Command) error {
	keys := map[string]string{}
	for name, key := range configFlags {
		if sharedFlag(cmd, name) != nil {
			keys[key] = name
		}
	}
	c, err := loadConfig(cmd, keys)
	if err != nil {
		return err
	}
	values := map[string]string{
		"warehouse":           c.Warehouse,
		"workers":             strconv.Itoa(c.Workers),
		"manifest":            c.Manifest,
		"duckdb.memory_limit": c.DuckDB.MemoryLimit,
		"duckdb.threads":      strconv.Itoa(c.DuckDB.Threads),
		"log_format":          c.LogFormat,
	}
	for name, key := range configFlags {
		f := sharedFlag(cmd, name)
		if f == nil || f.Changed {
			continue
		}
		if err := f.Value.Set(values[key]); err != nil {
			return &exitError{exitFailed, fmt.Errorf("配置项 %s=%q: %w", key, values[key], err)}
		}
	}
	return applyLimits(c.Limits)
}

// applyLimits makes the configured per-file limits those of every read (ingest, run, parse).
func applyLimits(l config.Limits) error {
	mem, err := l.WorkerMemoryBytes()
	if err != nil {
		return &exitError{exitFailed, err}
	}
	lim := extract.CurrentLimits()
	lim.Isolate, lim.CPU, lim.Wall, lim.InProcess, lim.Memory = l.Isolate, l.CPUPerFile, l.WallPerFile, l.InProcess, mem
	if lim != extract.CurrentLimits() {
		extract.SetLimits(lim)
	}
	return nil
}

// terminal is the progress bar display when stderr is a terminal (nil otherwise): the logger
// writes through it, so a log line never runs onto a bar.
var terminal *progress.Terminal

func newLogger(format string) *slog.Logger {
	var w io.Writer = os.Stderr
	if isTerminal(os.Stderr) {
		terminal = progress.NewTerminal(os.Stderr)
		w = terminal
	}
	if format == "auto" {
		format = "json"
		if isTerminal(os.Stderr) {
			format = "text"
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

// newDisplay is where a command shows its progress: a bar with the total, the rate and the time
// left on a terminal, else one "progress" log line every few seconds (JSON for journald).
func newDisplay() progress.Display {
	if terminal != nil {
		return terminal
	}
	return &progress.Log{Logger: slog.Default()}
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func main() {
	err := newRoot().Execute()
	if err == nil {
		os.Exit(exitOK)
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(os.Stderr, "xxgk:", ee.err)
		}
		os.Exit(ee.code)
	}
	fmt.Fprintln(os.Stderr, "xxgk:", err)
	os.Exit(exitFailed)
}
