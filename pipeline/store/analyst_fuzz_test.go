package store

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// FuzzCheck: for any text, Check never panics, and every statement it lets through is, by
// DuckDB's own prepared statement type, of the type its kind allows (SELECT for queries and
// PRAGMAs, EXPLAIN, CALL). Nothing is executed; external access is off so that a prepare gone
// wrong cannot reach a file either. Seeds: testdata/analyst_sql.txt (the attacks of the
// analysts' surface and the statements it must keep running).
func FuzzCheck(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("testdata", "analyst_sql.txt"))
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range strings.Split(string(b), "\n----\n") {
		f.Add(seed)
	}
	path := filepath.Join(f.TempDir(), "w.duckdb")
	db, err := sql.Open("duckdb", path)
	if err != nil {
		f.Fatal(err)
	}
	if _, err := db.Exec(`create table facts (region varchar, year integer, n bigint)`); err != nil {
		f.Fatal(err)
	}
	if err := db.Close(); err != nil {
		f.Fatal(err)
	}
	s, err := OpenSession(context.Background(), path, SessionOptions{NoExternalAccess: true, NoTempFiles: true, Threads: 1})
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	allowed := map[string]duckdb.StmtType{"query": duckdb.STATEMENT_TYPE_SELECT, "pragma": duckdb.STATEMENT_TYPE_SELECT,
		"explain": duckdb.STATEMENT_TYPE_EXPLAIN, "call": duckdb.STATEMENT_TYPE_CALL}
	f.Fuzz(func(t *testing.T, text string) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		stmts, err := s.Check(ctx, text)
		if err != nil {
			return
		}
		for _, st := range stmts {
			want, ok := allowed[st.Kind()]
			if !ok {
				t.Fatalf("%q: kind %q", st.SQL(), st.Kind())
			}
			err := s.conn.Raw(func(dc any) error {
				p, err := dc.(*duckdb.Conn).Prepare(st.SQL())
				if err != nil {
					return nil // does not bind (unknown table …): Run reports DuckDB's error
				}
				defer p.Close()
				got, err := p.(*duckdb.Stmt).StatementType()
				if err != nil {
					return err
				}
				if got != want {
					t.Fatalf("%q let through as %s, DuckDB says statement type %d", st.SQL(), st.Kind(), got)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	})
}
