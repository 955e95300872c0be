package main

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"xxgk/pipeline/console"
	"xxgk/pipeline/store"
)

func init() {
	commands = append(commands, newShellCmd)
}

func newShellCmd() *cobra.Command {
	var (
		db, format string
		o          analystFlags
	)
	cmd := &cobra.Command{
		Use:   "shell",
		Short: "interactive read-only SQL prompt on the published warehouse, with history and completion",
		Long: `shell opens the published warehouse read-only (an ingest can run meanwhile) and reads SQL
from the terminal or standard input: each statement ends with ';'. Results are printed aligned
for Chinese text (or as csv, json, markdown: .format). The same rules as xxgk query apply:
only queries run, your own files can be read (--no-external: not even that).

At the terminal the line can be edited, earlier statements recalled (↑, Ctrl-R) and view and
column names completed with Tab; the statements typed are kept in ~/.xxgk_history
(XXGK_HISTORY overrides the path). Statements read from a pipe or a file are never written
there, and the shell then exits with status 2 when one of them failed.

` + console.ShellHelp,
		Example: `  xxgk shell
  echo "select * from analytics.province_years;" | xxgk shell --format csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := parseFormat(format)
			if err != nil {
				return err
			}
			s, err := o.open(cmd, db)
			if err != nil {
				return err
			}
			defer s.Close()
			sh := &console.Shell{Session: s, Out: cmd.OutOrStdout(), Err: cmd.ErrOrStderr(), Format: f,
				Limits: store.Limits{Timeout: o.timeout}, History: historyPath()}
			in := cmd.InOrStdin()
			if file, ok := in.(*os.File); ok && isTerminal(file) && isTerminal(os.Stdout) {
				err = sh.RunTerminal(cmd.Context())
			} else {
				err = sh.RunPiped(cmd.Context(), in)
			}
			if errors.Is(err, console.ErrStatementFailed) {
				return &exitError{exitFailed, nil}
			}
			if err != nil {
				return &exitError{exitFailed, err}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", defaultDB, "the published warehouse file (opened read-only)")
	f.StringVar(&format, "format", "table", "output: table (aligned), csv, json, markdown")
	o.add(cmd)
	return cmd
}

func historyPath() string {
	if p := os.Getenv("XXGK_HISTORY"); p != "" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".xxgk_history")
}
