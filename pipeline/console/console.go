// Package console is the analysts' SQL surface, shared by xxgk query, xxgk shell and the
// web workbench (xxgk serve): it opens the published warehouse for analysts, runs their SQL
// through the store's analyst mode (store.Session.Check and Run: statements classified by
// DuckDB's parser, only queries run, configuration locked) and prints results in every
// format with exact values (Text, JSON, Write).
//
// What analysts may do, and what not:
//   - Queries of every kind run: SELECT, WITH, FROM-first, VALUES, TABLE, PIVOT … IN (…),
//     UNPIVOT, SUMMARIZE, DESCRIBE, SHOW, EXPLAIN [ANALYZE] of a query, the read-only PRAGMAs
//     (table_info, show_tables, database_size, version …) and CALL of read-only table
//     functions.
//   - Nothing that writes or changes a setting runs: COPY, EXPORT, ATTACH, INSTALL, LOAD, SET,
//     RESET, CREATE (temporary too), INSERT, UPDATE, DELETE, transactions, PREPARE … are
//     refused with the statement named, and a text with one refused statement runs nothing.
//   - In the terminal (Options.External) the analyst's own files can be read: read_csv,
//     read_parquet, read_json, FROM 'file.csv'. Off with --no-external, and always off for
//     the web.
package console

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"xxgk/pipeline/store"
)

// Options open an analysts' session.
type Options struct {
	// External lets statements read local files (read_csv …): the terminal commands have it
	// unless --no-external; the web never.
	External    bool
	Threads     int    // DuckDB threads (0: DuckDB's default)
	MemoryLimit string // DuckDB memory_limit ("": DuckDB's default)
}

// Open opens the published warehouse at path for analysts: read-only, configuration locked,
// no temporary files, external access as o says.
func Open(ctx context.Context, path string, o Options) (*store.Session, error) {
	return store.OpenSession(ctx, path, store.SessionOptions{
		NoExternalAccess: !o.External,
		NoTempFiles:      true,
		Threads:          o.Threads,
		MemoryLimit:      o.MemoryLimit,
	})
}

// ErrNoStatement is returned for a text without a statement.
var ErrNoStatement = errors.New("没有 SQL 语句 / no SQL statement")

// Query checks text, runs its statements in order and prints their results to w, as xxgk
// query does: in table and Markdown output each result in turn; in CSV one result (a text of
// several statements is refused before anything runs); in JSON one document: the rows of a
// single statement, or {"results": [{"statement": …, "rows": […]}, …]} for several. A failing
// statement stops the rest; nothing runs when a statement is refused.
func Query(ctx context.Context, s *store.Session, text string, f Format, lim store.Limits, w io.Writer) error {
	stmts, err := s.Check(ctx, text)
	if err != nil {
		return err
	}
	if len(stmts) == 0 {
		return ErrNoStatement
	}
	if f == CSV && len(stmts) > 1 {
		return fmt.Errorf("--format csv 只能输出一条语句的结果，这里有 %d 条 / --format csv holds one result; the SQL has %d statements (use json, or run them one by one)", len(stmts), len(stmts))
	}
	var results []any
	for i, st := range stmts {
		start := time.Now()
		r, err := s.Run(ctx, st, lim)
		if err != nil {
			if len(stmts) > 1 {
				return fmt.Errorf("第%d条语句 / statement %d: %w", i+1, i+1, err)
			}
			return err
		}
		switch {
		case f == JSON && len(stmts) == 1:
			return Write(w, r, f, PrintOptions{})
		case f == JSON:
			results = append(results, Object{{"statement", st.SQL()}, {"rows", Rows{r}},
				{"truncated", r.Truncated}, {"seconds", time.Since(start).Seconds()}})
			continue
		}
		if i > 0 {
			if _, err := fmt.Fprintln(w); err != nil {
				return err
			}
		}
		if err := Write(w, r, f, PrintOptions{}); err != nil {
			return err
		}
	}
	if f == JSON {
		return WriteJSON(w, Object{{"results", results}})
	}
	return nil
}
