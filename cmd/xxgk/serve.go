package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"xxgk/pipeline/serve"
)

func init() {
	commands = append(commands, newServeCmd)
}

func newServeCmd() *cobra.Command {
	var o serve.Options
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "the analysts' workbench: a local web app over the published warehouse (read-only)",
		Long: `serve opens the published warehouse read-only and serves the analysts' workbench: the
figures of a province or prefecture and year with the draft sentences of the summary
(Overview), each level down to a body's report (Divisions), one report's three tables with
every cell's state and its source line (Report), who has not reported (Coverage), rule
violations and parse problems (Quality), two years side by side (Compare), bodies and files
by name or pinyin initials (Search), and SQL with CSV and Parquet downloads.

Scripts: GET /api/sql?q=<SQL>&format=csv|json returns one statement's rows; a refused or
failing statement gives status 400 with the reason as the body.

Only queries run, as in xxgk query, and no statement can read or write a file on the
server (DuckDB's external access is off); each statement is interrupted after --sql-timeout
and the page shows --sql-max-rows rows. When an ingest publishes a new version of the
warehouse, the next request sees it; open pages say that a newer version exists.

The server listens on 127.0.0.1 unless --addr says otherwise; any other address requires
--token, which every request must then carry (open the printed link once: it sets a cookie;
scripts send Authorization: Bearer <token>).`,
		Example: `  xxgk serve --db demo/xxgk.duckdb
  xxgk serve --db /srv/xxgk/xxgk.duckdb --addr 0.0.0.0:8080 --token "$(openssl rand -hex 16)"
  curl -s 'http://127.0.0.1:8080/api/sql?format=csv' --data-urlencode 'q=select * from analytics.province_years' -G`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if o.Token == "" {
				o.Token = os.Getenv("XXGK_SERVE_TOKEN")
			}
			err := serve.Run(ctx, o, func(url string) {
				fmt.Fprintf(cmd.OutOrStdout(), "xxgk serve: %s （仓库 %s，只读；Ctrl-C 结束）\n", url, o.DB)
			})
			if err != nil {
				return &exitError{exitFailed, err}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.DB, "db", defaultDB, "the published warehouse file (opened read-only)")
	f.StringVar(&o.Addr, "addr", "127.0.0.1:8080", "listen address; a non-loopback address requires --token")
	f.StringVar(&o.Token, "token", "", "require this token on every request (default $XXGK_SERVE_TOKEN)")
	f.StringVar(&o.Sources, "sources", "", "directory the relative source paths of the warehouse are read from (default: the working directory)")
	f.DurationVar(&o.SQLTimeout, "sql-timeout", 30*time.Second, "interrupt an analyst's statement after this long")
	f.IntVar(&o.SQLMaxRows, "sql-max-rows", 10_000, "rows of a result the SQL page and the API return (downloads: up to 1,000,000)")
	f.IntVar(&o.Threads, "threads", 2, "DuckDB threads")
	f.StringVar(&o.MemoryLimit, "memory-limit", "", "DuckDB memory limit, e.g. 2GB (a larger query fails: nothing is spilled to disk)")
	return cmd
}
