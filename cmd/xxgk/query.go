package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"xxgk/pipeline/console"
	"xxgk/pipeline/rollup"
	"xxgk/pipeline/store"
)

func init() {
	commands = append(commands, newQueryCmd)
}

const defaultDB = "data/xxgk.duckdb"

func newQueryCmd() *cobra.Command {
	var (
		db, file, format string
		o                analystFlags
	)
	cmd := &cobra.Command{
		Use:   `query "SQL" | query --file F.sql`,
		Short: "run SQL on the published warehouse (read-only) and print the result",
		Long: `query runs SQL statements on the published warehouse, opened read-only (an ingest
can run meanwhile), and prints each result: aligned for Chinese text (table), csv, json or
markdown. The analysts' contract is the analytics schema (xxgk views lists it, with comments).

Only queries run: SELECT, WITH, FROM, VALUES, TABLE, PIVOT … IN (…), UNPIVOT, SUMMARIZE,
DESCRIBE, SHOW, EXPLAIN [ANALYZE] of a query, PRAGMA table_info/show_tables/database_size/
version and CALL of read-only table functions. DuckDB's own parser classifies every
statement; COPY, EXPORT, ATTACH, INSTALL, LOAD, SET, CREATE, INSERT … are refused, and a text
with one refused statement runs nothing. Your own files can be read (read_csv('mine.csv'),
FROM 'mine.parquet'), never written; --no-external turns file access off.

--format csv prints one result (one statement); --format json prints one document: the rows
of one statement, or {"results": [...]} for several.

Exit status: 0 on success, 2 when a statement is refused or fails (DuckDB's message is printed).`,
		Example: `  xxgk query "select province_name, year, requests_count, disclosure_rate from analytics.province_years"
  xxgk query --format csv --file questions/top_counties.sql > top.csv
  xxgk query "select c.county_name, b.budget from analytics.county_years c join 'budgets.csv' b using (county_code)"`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := console.ParseFormat(format)
			if err != nil {
				return &exitError{exitFailed, err}
			}
			var text string
			switch {
			case file != "" && len(args) > 0:
				return &exitError{exitFailed, errors.New("query: give the SQL or --file, not both")}
			case file != "":
				b, err := os.ReadFile(file)
				if err != nil {
					return &exitError{exitFailed, fmt.Errorf("query: %w", err)}
				}
				text = string(b)
			case len(args) == 1:
				text = args[0]
			default:
				return &exitError{exitFailed, errors.New(`query: give the SQL ("select …") or --file F.sql`)}
			}
			s, err := o.open(cmd, db)
			if err != nil {
				return err
			}
			defer s.Close()
			if err := console.Query(cmd.Context(), s, text, f, store.Limits{Timeout: o.timeout}, cmd.OutOrStdout()); err != nil {
				return &exitError{exitFailed, err}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&db, "db", defaultDB, "the published warehouse file (opened read-only)")
	fl.StringVar(&file, "file", "", "read the SQL from this file")
	fl.StringVar(&format, "format", "table", "output: table (aligned), csv, json, markdown")
	o.add(cmd)
	return cmd
}

// analystFlags are the flags of the commands that run an analyst's SQL (query, shell).
type analystFlags struct {
	noExternal  bool
	timeout     time.Duration
	threads     int
	memoryLimit string
}

func (o *analystFlags) add(cmd *cobra.Command) {
	f := cmd.Flags()
	f.BoolVar(&o.noExternal, "no-external", false, "refuse reading local files (read_csv, read_parquet, FROM 'file.csv')")
	f.DurationVar(&o.timeout, "timeout", 0, "interrupt a statement after this long (e.g. 30s; 0: never)")
	f.IntVar(&o.threads, "threads", 0, "DuckDB threads (0: one per core)")
	f.StringVar(&o.memoryLimit, "memory-limit", "", "DuckDB memory limit, e.g. 4GB (default: duckdb.memory_limit of the configuration, 2GB; a larger query fails: nothing is spilled to disk)")
}

func (o *analystFlags) open(cmd *cobra.Command, db string) (*store.Session, error) {
	s, err := console.Open(cmd.Context(), db, console.Options{External: !o.noExternal, Threads: o.threads, MemoryLimit: o.memoryLimit})
	if err != nil {
		return nil, &exitError{exitFailed, err}
	}
	return s, nil
}

// openReader opens the published warehouse for the commands that run the code base's own
// queries (rollup, compare, coverage, checks, views).
func openReader(cmd *cobra.Command, db string) (*rollup.Reader, error) {
	r, err := rollup.Open(cmd.Context(), db)
	if err != nil {
		return nil, &exitError{exitFailed, err}
	}
	return r, nil
}

// printTable prints a result of the code base's own queries in the format.
func printTable(cmd *cobra.Command, t *rollup.Table, f console.Format, o console.PrintOptions) error {
	if err := console.Write(cmd.OutOrStdout(), t, f, o); err != nil {
		return &exitError{exitFailed, err}
	}
	return nil
}

func parseFormat(format string) (console.Format, error) {
	f, err := console.ParseFormat(format)
	if err != nil {
		return "", &exitError{exitFailed, err}
	}
	return f, nil
}
