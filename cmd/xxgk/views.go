package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"xxgk/pipeline/console"
	"xxgk/pipeline/rollup"
	annual "xxgk/pipeline/run"
	"xxgk/pipeline/store"
)

func init() {
	commands = append(commands, newViewsCmd)
}

func newViewsCmd() *cobra.Command {
	var (
		db           string
		all, refresh bool
		test         bool
		format       string
	)
	cmd := &cobra.Command{
		Use:   "views [NAME]",
		Short: "the analysts' views: names, comments, columns",
		Long: `views lists the views of the analytics schema — the analysts' contract — with their
comments in full; given a NAME (county_years, analytics.coverage, …) it lists the columns
with their types and comments. --all adds the staging and marts models and the warehouse
tables. --format csv, json or markdown prints the same as a document.

--test runs every model's data tests (unique grain, not null, accepted values, relationships)
and the audits of queries/checks on the warehouse and lists the failures (exit status 1).
--refresh recreates the models in the published warehouse (as an ingest does when it
publishes): for a warehouse published by an older xxgk. It takes the ingest lock.`,
		Example: `  xxgk views
  xxgk views county_years
  xxgk views --test`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			out := cmd.OutOrStdout()
			if refresh {
				// the run lock, as xxgk ingest takes it: never between the stages of a run
				lock, err := annual.AcquireAs(annual.LockPath(db), "xxgk views --refresh")
				if err != nil {
					if errors.Is(err, annual.ErrBusy) {
						return &exitError{exitBusy, fmt.Errorf("views --refresh: %w", err)}
					}
					return &exitError{exitFailed, fmt.Errorf("views --refresh: %w", err)}
				}
				err = store.Refresh(ctx, store.Options{Path: db}, rollup.Apply)
				if lerr := lock.Release(); lerr != nil {
					err = errors.Join(err, lerr)
				}
				if err != nil {
					if errors.Is(err, store.ErrLocked) {
						return &exitError{exitFailed, fmt.Errorf("views --refresh: %w\n另一个 xxgk ingest 正在写入该仓库；它发布时会一并建立视图", err)}
					}
					return &exitError{exitFailed, fmt.Errorf("views --refresh: %w", err)}
				}
				fmt.Fprintf(out, "views: models recreated in %s\n", db)
			}
			fm, err := parseFormat(format)
			if err != nil {
				return err
			}
			r, err := openReader(cmd, db)
			if err != nil {
				return err
			}
			defer r.Close()
			if test {
				fails, err := rollup.RunTests(ctx, r)
				if err != nil {
					return &exitError{exitFailed, err}
				}
				if len(fails) == 0 {
					fmt.Fprintln(out, "views: every data test and audit passes")
					return nil
				}
				for _, f := range fails {
					fmt.Fprintf(out, "FAIL %s %s: %d rows\n  %s\n", f.Model, f.Test, f.Rows, f.SQL)
				}
				return &exitError{exitPartial, fmt.Errorf("views: %d data tests failed", len(fails))}
			}
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			if err := console.WriteViews(ctx, out, r.Session, name, fm, all); err != nil {
				if errors.Is(err, rollup.ErrNoModels) {
					return &exitError{exitFailed, fmt.Errorf("%w: run `xxgk views --refresh --db %s`", err, db)}
				}
				return &exitError{exitFailed, fmt.Errorf("views: %w", err)}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", defaultDB, "the published warehouse file (opened read-only)")
	f.BoolVar(&all, "all", false, "also the staging and marts models and the warehouse tables")
	f.BoolVar(&test, "test", false, "run the models' data tests and audits")
	f.StringVar(&format, "format", "table", "output: table (aligned), csv, json, markdown")
	f.BoolVar(&refresh, "refresh", false, "recreate the models in the published warehouse (takes the ingest lock)")
	return cmd
}
