package store_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"xxgk/pipeline/store"
)

// analystWarehouse writes a small warehouse by hand (a table, a schema with a view, a
// comment), independent of the ingest, and returns its path.
func analystWarehouse(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "w.duckdb")
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`create table facts (region varchar, year integer, n bigint, amount decimal(18,2))`,
		`insert into facts values ('朝阳县', 2021, 3, 1.50), ('朝阳县', 2022, 5, 2.25), ('建平县', 2021, 7, 0.10), ('建平县', 2022, 11, 100.00)`,
		`create schema analytics`,
		`create view analytics.region_years as select region, year, sum(n) as requests_count from facts group by all`,
		`comment on view analytics.region_years is '地区年度 / region years'`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

type fileState struct {
	sum   [32]byte
	mtime time.Time
	names []string
}

func stateOf(t *testing.T, path string) fileState {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fileState{sha256.Sum256(b), st.ModTime(), dirNames(t, filepath.Dir(path))}
}

// dirNames lists every file and directory under dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		names = append(names, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func openAnalyst(t *testing.T, path string, o store.SessionOptions) *store.Session {
	t.Helper()
	o.NoTempFiles = true
	s, err := store.OpenSession(context.Background(), path, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// runAll checks text and runs every statement, as query and shell do.
func runAll(s *store.Session, text string) ([]*store.Rows, error) {
	ctx := context.Background()
	stmts, err := s.Check(ctx, text)
	if err != nil {
		return nil, err
	}
	var out []*store.Rows
	for _, st := range stmts {
		r, err := s.Run(ctx, st, store.Limits{Timeout: 20 * time.Second})
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// TestAnalystRefusesWrites tries every way to write a file or change a setting that was found
// against the keyword guard, and their neighbours. Each is refused before anything runs; after
// all of them the warehouse file is byte for byte and by mtime the same, and no file appeared
// next to it or in the target directory.
func TestAnalystRefusesWrites(t *testing.T) {
	path := analystWarehouse(t)
	target := t.TempDir() // where the attacks try to write
	tp := func(name string) string { return filepath.Join(target, name) }
	before, beforeTarget := stateOf(t, path), dirNames(t, target)
	s := openAnalyst(t, path, store.SessionOptions{})
	cases := []struct {
		sql  string
		want string // in the error
	}{
		// the reproduced attacks
		{fmt.Sprintf(`explain analyze copy (select 'gone' x) to '%s' (format csv)`, path), "COPY"},
		{fmt.Sprintf(`select $$'$$; copy (select 1) to '%s'; select '1'`, tp("dollar.csv")), "COPY"},
		{fmt.Sprintf(`set log_query_path='%s'`, tp("log.txt")), "SET"},
		// COPY and EXPORT in every spelling
		{fmt.Sprintf(`copy (select 1) to '%s'`, tp("a.csv")), "COPY"},
		{fmt.Sprintf(`COPY facts TO '%s' (FORMAT parquet)`, tp("a.parquet")), "COPY"},
		{fmt.Sprintf(`copy facts from '%s'`, tp("a.csv")), "COPY"},
		{fmt.Sprintf(`export database '%s'`, tp("exp")), "EXPORT"},
		{fmt.Sprintf(`import database '%s'`, tp("exp")), "IMPORT"},
		{fmt.Sprintf(`explain copy (select 1) to '%s'`, tp("b.csv")), "COPY"},
		{fmt.Sprintf(`explain (analyze, format json) copy (select 1) to '%s'`, tp("c.csv")), "COPY"},
		{fmt.Sprintf(`explain analyze explain analyze copy (select 1) to '%s'`, tp("d.csv")), "Parser Error"},
		{fmt.Sprintf(`/* a comment; */ explain analyze copy (select 1) to '%s'`, tp("e.csv")), "COPY"},
		{fmt.Sprintf(`explain /* x */ analyze copy (select 1) to '%s'`, tp("f.csv")), "EXPLAIN"},
		// dollar quotes, nested comments and strings that hide a ';'
		{fmt.Sprintf(`select $tag$ ; $tag$; copy (select 1) to '%s'`, tp("g.csv")), "COPY"},
		{fmt.Sprintf("select 1 /* /* nested */ ; */; copy (select 1) to '%s'", tp("h.csv")), "COPY"},
		{fmt.Sprintf("select 'a;b' as s; select \"x;y\" from (select 1 as \"x;y\"); copy (select 1) to '%s'", tp("i.csv")), "COPY"},
		{fmt.Sprintf("select 1 -- comment ;\n; copy (select 1) to '%s'", tp("j.csv")), "COPY"},
		{fmt.Sprintf("select 1; copy (select 1) to '%s'", tp("k.csv")), "COPY"},
		{fmt.Sprintf("select 1;\n\ncopy (select 1) to '%s';\nselect 2;", tp("l.csv")), "COPY"},
		// settings
		{`set threads = 1`, "SET"},
		{`set enable_external_access = false`, "SET"},
		{`SET memory_limit='10GB'`, "SET"},
		{`reset threads`, "RESET"},
		{`set variable x = 1`, "SET"},
		{`pragma memory_limit='1GB'`, "PRAGMA"},
		{`pragma enable_profiling`, "PRAGMA"},
		{fmt.Sprintf(`pragma profiling_output='%s'`, tp("prof.txt")), "PRAGMA"},
		{`pragma disable_checkpoint_on_shutdown`, "PRAGMA"},
		{`pragma /* x */ table_info('facts')`, "PRAGMA"},
		{`use memory`, "USE"},
		// other databases, extensions
		{fmt.Sprintf(`attach '%s' as other`, tp("other.duckdb")), "ATTACH"},
		{`attach ':memory:' as m`, "ATTACH"},
		{`detach w`, "DETACH"},
		{`install httpfs`, "INSTALL"},
		{`force install httpfs`, "FORCE"},
		{`load httpfs`, "LOAD"},
		// writes and DDL
		{`create temp table x as select 1`, "CREATE"},
		{`create temp macro m(a) as a`, "CREATE"},
		{`create macro m(a) as a`, "CREATE"},
		{`create view v as select 1`, "CREATE"},
		{`create secret s (type s3, key_id 'a', secret 'b')`, "CREATE"},
		{`insert into facts values ('x', 1, 1, 1)`, "INSERT"},
		{`update facts set n = 0`, "UPDATE"},
		{`delete from facts`, "DELETE"},
		{`/* hi */ delete from facts`, "DELETE"},
		{`with a as (select 1) delete from facts`, "WITH"},
		{`with a as (select 1) insert into facts select * from facts`, "WITH"},
		{`drop table facts`, "DROP"},
		{`alter table facts add column c int`, "ALTER"},
		{`truncate facts`, "TRUNCATE"},
		{`select 1; drop table facts`, "DROP"},
		// transactions, prepared statements, maintenance
		{`begin`, "transaction"}, {`commit`, "transaction"}, {`rollback`, "transaction"},
		{`prepare p as select 1`, "PREPARE"}, {`execute p`, "EXECUTE"}, {`deallocate p`, "DEALLOCATE"},
		{`vacuum`, "VACUUM"}, {`checkpoint`, "CHECKPOINT"}, {`force checkpoint`, "FORCE"}, {`analyze`, "ANALYZE"},
		// table functions that act, and CALL of anything but the read-only list
		{fmt.Sprintf(`select * from enable_logging(storage='file', storage_path='%s')`, tp("logs")), "enable_logging"},
		{fmt.Sprintf(`select * from (select * from enable_profiling(save_location='%s'))`, tp("p.txt")), "enable_profiling"},
		{`with x as (select * from checkpoint()) select * from x`, "checkpoint"},
		{`describe select * from force_checkpoint()`, "force_checkpoint"},
		{`summarize select * from enable_peg_parser()`, "enable_peg_parser"},
		{fmt.Sprintf(`select * from query('copy (select 1) to ''%s''')`, tp("q.csv")), "query"},
		{`select * from json_execute_serialized_sql('{}')`, "json_execute_serialized_sql"},
		{`select write_log('x')`, "write_log"},
		{`call checkpoint()`, "CALL"},
		{`call enable_logging()`, "CALL"},
		{`call pragma_version() ; call disable_logging()`, "CALL"},
		{fmt.Sprintf(`call read_csv('%s') `, tp("none.csv")) + `union all select * from enable_logging()`, ""},
		// dynamic PIVOT creates a type first
		{`pivot facts on region using sum(n)`, "PIVOT"},
		// nonsense and unknowns
		{`frobnicate the warehouse`, "Parser Error"},
		{`select 1 +`, "Parser Error"},
		{`select 'unterminated`, "Parser Error"},
	}
	for _, c := range cases {
		stmts, err := s.Check(context.Background(), c.sql)
		if err == nil {
			t.Errorf("%s: accepted as %d statements", c.sql, len(stmts))
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q, want it to name %q", c.sql, err, c.want)
		}
	}
	// a Statement that Check did not make does not run
	if _, err := s.Run(context.Background(), store.Statement{}, store.Limits{}); !errors.Is(err, store.ErrRefused) {
		t.Errorf("unchecked statement: %v", err)
	}
	// the configuration is locked even for the code base's own statements
	if _, err := s.Query(context.Background(), `set threads = 1`); err == nil || !strings.Contains(err.Error(), "lock") {
		t.Errorf("SET on a locked session: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if after := stateOf(t, path); after.sum != before.sum || !after.mtime.Equal(before.mtime) || !slices.Equal(after.names, before.names) {
		t.Errorf("the warehouse or its directory changed:\nbefore %x %v %v\nafter  %x %v %v", before.sum, before.mtime, before.names,
			after.sum, after.mtime, after.names)
	}
	if after := dirNames(t, target); !slices.Equal(after, beforeTarget) {
		t.Errorf("files written: %v", after)
	}
}

func TestAnalystRunsQueries(t *testing.T) {
	path := analystWarehouse(t)
	before := stateOf(t, path)
	s := openAnalyst(t, path, store.SessionOptions{})
	csv := filepath.Join(t.TempDir(), "mine.csv")
	if err := os.WriteFile(csv, []byte("region,budget\n朝阳县,12\n建平县,30\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		sql   string
		stmts int
		rows  int    // rows of the last result (-1: any)
		cell  string // the first cell of the last result, as fmt.Sprint prints it ("": not checked)
	}{
		{`select 1`, 1, 1, "1"},
		{`select 1;`, 1, 1, "1"},
		{`from facts`, 1, 4, "朝阳县"},
		{`from facts select n order by n desc limit 1`, 1, 1, "11"},
		{`table facts`, 1, 4, ""},
		{`values (1), (2)`, 1, 2, "1"},
		{`(select 1)`, 1, 1, "1"},
		{`with x as (select sum(n) s from facts) select s from x`, 1, 1, "26"},
		{`with recursive r(i) as (select 1 union all select i + 1 from r where i < 5) select count(*) from r`, 1, 1, "5"},
		{`pivot facts on year in (2021, 2022) using sum(n) group by region order by region`, 1, 2, "建平县"},
		{`unpivot (select 1 a, 2 b) on a, b into name k value v`, 1, 2, "a"},
		{`summarize facts`, 1, 4, "region"},
		{`describe facts`, 1, 4, "region"},
		{`describe select 1 as x`, 1, 1, "x"},
		{`show tables`, 1, -1, ""},
		{`show all tables`, 1, -1, ""},
		{`show facts`, 1, 4, "region"},
		{`select * from analytics.region_years order by requests_count`, 1, 4, ""},
		{`explain select * from facts`, 1, -1, ""},
		{`EXPLAIN ANALYZE select count(*) from facts`, 1, -1, ""},
		{`explain (format json) select 1`, 1, -1, ""},
		{`pragma table_info('facts')`, 1, 4, "0"},
		{`PRAGMA show_tables`, 1, -1, ""},
		{`pragma database_size`, 1, -1, ""},
		{`pragma version`, 1, 1, ""},
		{`call pragma_version()`, 1, 1, ""},
		{`call pragma_table_info('facts')`, 1, 4, "0"},
		{`select * from range(3)`, 1, 3, "0"},
		{`select table_name from duckdb_tables() order by 1`, 1, 1, "facts"},
		{`select $$'$$ as q; select '1' as one`, 2, 1, "1"},
		{`select 'a;b' as s; select 2 as n;`, 2, 1, "2"},
		{"select 1 -- a comment; with a semicolon\n;", 1, 1, "1"},
		{"-- only a comment\nselect 1 /* ; */ as x; /* trailing */", 1, 1, "1"},
		{";;select 1;;", 1, 1, "1"},
		{"select 1 /* /* nested */ ; */ as x; select 2", 2, 1, "2"},
		{"select 1; -- done", 1, 1, "1"},
		{`select "a;b" from (select 1 as "a;b")`, 1, 1, "1"},
		{fmt.Sprintf(`select budget from read_csv('%s') where region = '建平县'`, csv), 1, 1, "30"},
		{fmt.Sprintf(`select f.region, sum(n) * any_value(budget) from facts f join '%s' m using (region) group by 1 order by 1`, csv), 1, 2, "建平县"},
		{"", 0, 0, ""},
		{"  ;  -- nothing", 0, 0, ""},
	} {
		rs, err := runAll(s, c.sql)
		if err != nil {
			t.Errorf("%s: %v", c.sql, err)
			continue
		}
		if len(rs) != c.stmts {
			t.Errorf("%s: %d results, want %d", c.sql, len(rs), c.stmts)
			continue
		}
		if c.stmts == 0 {
			continue
		}
		last := rs[len(rs)-1]
		if c.rows >= 0 && len(last.Rows) != c.rows {
			t.Errorf("%s: %d rows, want %d: %v", c.sql, len(last.Rows), c.rows, last.Rows)
			continue
		}
		if c.cell != "" && (len(last.Rows) == 0 || fmt.Sprint(last.Rows[0][0]) != c.cell) {
			t.Errorf("%s: first cell %v, want %s", c.sql, last.Rows, c.cell)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if after := stateOf(t, path); after.sum != before.sum || !after.mtime.Equal(before.mtime) || !slices.Equal(after.names, before.names) {
		t.Errorf("the warehouse or its directory changed: %v → %v", before.names, after.names)
	}
}

// TestAnalystNoExternalAccess: with external access off (xxgk serve, --no-external) the
// analyst's own files and the server's files cannot be read.
func TestAnalystNoExternalAccess(t *testing.T) {
	path := analystWarehouse(t)
	csv := filepath.Join(t.TempDir(), "mine.csv")
	if err := os.WriteFile(csv, []byte("a\n1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := openAnalyst(t, path, store.SessionOptions{NoExternalAccess: true})
	for _, q := range []string{
		fmt.Sprintf(`select * from read_csv('%s')`, csv),
		fmt.Sprintf(`select * from '%s'`, csv),
		`select * from read_text('/etc/passwd')`,
		`select * from read_csv('/etc/passwd')`,
		`select * from glob('/etc/*')`,
	} {
		if _, err := runAll(s, q); err == nil || !strings.Contains(err.Error(), "disabled") {
			t.Errorf("%s: %v, want refused by DuckDB (external access disabled)", q, err)
		}
	}
	if rs, err := runAll(s, `select count(*) from facts`); err != nil || fmt.Sprint(rs[0].Rows[0][0]) != "4" {
		t.Errorf("the warehouse itself: %v %v", rs, err)
	}
}

func TestAnalystLimits(t *testing.T) {
	s := openAnalyst(t, analystWarehouse(t), store.SessionOptions{})
	ctx := context.Background()
	stmts, err := s.Check(ctx, `select * from range(1000)`)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Run(ctx, stmts[0], store.Limits{MaxRows: 10})
	if err != nil || len(r.Rows) != 10 || !r.Truncated {
		t.Fatalf("MaxRows 10: %d rows, truncated %v, %v", len(r.Rows), r != nil && r.Truncated, err)
	}
	r, err = s.Run(ctx, stmts[0], store.Limits{MaxRows: 1000})
	if err != nil || len(r.Rows) != 1000 || r.Truncated {
		t.Fatalf("MaxRows 1000 of 1000: %d rows, truncated %v, %v", len(r.Rows), r.Truncated, err)
	}
	stmts, err = s.Check(ctx, `select count(*) from range(100000000000) a`)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = s.Run(ctx, stmts[0], store.Limits{Timeout: 300 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("timeout: %v", err)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("interrupted after %v", d)
	}
	// the session is usable after an interrupted statement
	if rs, err := runAll(s, `select 42`); err != nil || fmt.Sprint(rs[0].Rows[0][0]) != "42" {
		t.Errorf("after the interrupt: %v %v", rs, err)
	}
}

// TestAnalystValues: every kind of value comes back exact and typed (the expected values are
// written out by hand).
func TestAnalystValues(t *testing.T) {
	s := openAnalyst(t, analystWarehouse(t), store.SessionOptions{})
	rs, err := runAll(s, `select 123456789012345678.91::decimal(38,2) as d, [1, 2] as l, {'b': 1, 'a': 'x'} as st,
		map {'k2': 2, 'k1': 1} as m, date '2024-03-31' as dt, timestamp '2024-03-31 00:00:00' as ts,
		'6ba7b810-9dad-11d1-80b4-00c04fd430c8'::uuid as u, interval '1 year 2 months 3 days 04:05:06.5' as iv,
		'\xDE\xAD'::blob as b, 170141183460469231731687303715884105727::hugeint as h, null::integer as nul,
		[[1.5::decimal(4,1)]] as nested, '{"z": 1, "a": [true, null]}'::json as j`)
	if err != nil {
		t.Fatal(err)
	}
	r := rs[0]
	row := r.Rows[0]
	get := func(name string) any { return row[r.Col(name)] }
	if d, ok := get("d").(store.Decimal); !ok || d.String() != "123456789012345678.91" {
		t.Errorf("decimal %#v", get("d"))
	}
	if l, ok := get("l").([]any); !ok || len(l) != 2 || l[0] != int32(1) {
		t.Errorf("list %#v", get("l"))
	}
	if st, ok := get("st").(store.Struct); !ok || !slices.Equal(st.Names, []string{"b", "a"}) || st.Values[1] != "x" {
		t.Errorf("struct %#v", get("st"))
	}
	if m, ok := get("m").(store.Map); !ok || len(m.Keys) != 2 || m.Keys[0] != "k2" || m.Values[0] != int32(2) {
		t.Errorf("map %#v", get("m"))
	}
	if dt, ok := get("dt").(time.Time); !ok || dt.Format("2006-01-02") != "2024-03-31" || r.ColumnTypes[r.Col("dt")].Kind != store.KindDate {
		t.Errorf("date %#v %v", get("dt"), r.ColumnTypes[r.Col("dt")])
	}
	if r.ColumnTypes[r.Col("ts")].Kind != store.KindTimestamp {
		t.Errorf("timestamp kind %v", r.ColumnTypes[r.Col("ts")])
	}
	if u, ok := get("u").(store.UUID); !ok || u.String() != "6ba7b810-9dad-11d1-80b4-00c04fd430c8" {
		t.Errorf("uuid %#v", get("u"))
	}
	if iv, ok := get("iv").(store.Interval); !ok || iv.String() != "1 year 2 months 3 days 04:05:06.5" {
		t.Errorf("interval %#v", get("iv"))
	}
	if b, ok := get("b").([]byte); !ok || string(b) != "\xde\xad" {
		t.Errorf("blob %#v", get("b"))
	}
	want, _ := new(big.Int).SetString("170141183460469231731687303715884105727", 10)
	if h, ok := get("h").(*big.Int); !ok || h.Cmp(want) != 0 {
		t.Errorf("hugeint %#v", get("h"))
	}
	if get("nul") != nil {
		t.Errorf("null %#v", get("nul"))
	}
	if n, ok := get("nested").([]any); !ok || len(n) != 1 {
		t.Errorf("nested %#v", get("nested"))
	} else if in, ok := n[0].([]any); !ok || in[0] != (store.Decimal{Value: "15", Scale: 1}) {
		t.Errorf("nested %#v", n[0])
	}
	if ct := r.ColumnTypes[r.Col("j")]; ct.Kind != store.KindJSON {
		t.Errorf("json kind %v", ct)
	}
	if ct := r.ColumnTypes[r.Col("st")]; ct.Name != `STRUCT("b" INTEGER, "a" VARCHAR)` || ct.Fields[1].Type.Kind != store.KindText {
		t.Errorf("struct type %+v", ct)
	}
}

func TestComplete(t *testing.T) {
	s := openAnalyst(t, analystWarehouse(t), store.SessionOptions{})
	for text, want := range map[string]bool{
		"select 1;":                  true,
		"select 1;  \n":              true,
		"select 1":                   false,
		"select 'a;":                 false,
		"select 'a;';":               true,
		"select $$ ;":                false,
		"select \"a;":                false,
		"select 1 /* ;":              false,
		"select 1 /* /* */ ;":        false,
		"select 1 -- ;":              false,
		"select 1 +;":                true, // complete, and its error is shown
		"select 1; select 2;":        true,
		"select 1; select 'x;":       false,
		"select 1 -- c\n;":           true,
		"copy x to 'y';":             true,
		"explain analyze select 1 ;": true,
	} {
		if got := s.Complete(context.Background(), text); got != want {
			t.Errorf("Complete(%q) = %v, want %v", text, got, want)
		}
	}
}

// The driver shares one database instance among the sessions of a process on one file: a
// second session with the same options opens, one asking for other guarantees is refused
// rather than silently getting the first one's settings.
func TestSessionsShareInstance(t *testing.T) {
	path := analystWarehouse(t)
	a := openAnalyst(t, path, store.SessionOptions{NoExternalAccess: true})
	b := openAnalyst(t, path, store.SessionOptions{NoExternalAccess: true})
	if _, err := runAll(b, `select count(*) from facts`); err != nil {
		t.Fatal(err)
	}
	if _, err := store.OpenSession(context.Background(), path, store.SessionOptions{}); err == nil || !strings.Contains(err.Error(), "other settings") {
		t.Errorf("a session with external access next to one without: %v", err)
	}
	if _, err := runAll(a, `select * from read_csv('/etc/passwd')`); err == nil {
		t.Error("external access turned on by another session")
	}
}
