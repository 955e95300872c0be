package serve

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"xxgk/pipeline/console"
	"xxgk/pipeline/store"
)

// Statements that write, change settings or read a file of the server are refused with a
// message that says why; the page keeps the text, the API answers 400 with the reason.
func TestSQLRefused(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret.csv")
	if err := os.WriteFile(secret, []byte("a,b\nTOP,SECRET\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.csv")
	_, hs := testServer(t, Options{})
	for _, c := range []struct{ sql, why string }{
		{"copy (select 1) to '" + out + "'", "COPY"},
		{"select * from read_csv('" + secret + "')", "external access"},
		{"select * from '" + secret + "'", "external access"},
		{"select * from read_text('/etc/passwd')", "external access"},
		{"select * from glob('/etc/*')", "external access"},
		{"attach '" + filepath.Join(dir, "x.duckdb") + "' as x", "ATTACH"},
		{"install httpfs", "INSTALL"},
		{"load httpfs", "LOAD"},
		{"set threads = 1", "SET"},
		{"create table t as select 1", "CREATE"},
		{"create temp table t as select 1", "CREATE"},
		{"insert into main.regions values ('1','province','x',null,'1','x',null,null)", "INSERT"},
		{"delete from main.reports", "DELETE"},
		{"drop view analytics.reports", "DROP"},
		{"export database '" + dir + "'", "EXPORT"},
		{"select 1; copy (select 1) to '" + out + "'", "COPY"},
		{"pragma enable_profiling", "PRAGMA"},
		{"select * from query('select 1')", "query"},
		{"call enable_logging(storage_path => '" + dir + "')", "enable_logging"},
	} {
		for _, path := range []string{"/api/sql?format=csv&q=", "/sql?q=", "/sql/download?format=parquet&q="} {
			code, body := get(t, hs, path+url.QueryEscape(c.sql))
			if code != http.StatusBadRequest {
				t.Errorf("%s%s: %d, want 400\n%.500s", path, c.sql, code, body)
				continue
			}
			if !strings.Contains(body, c.why) || !(strings.Contains(body, "refused") || strings.Contains(body, "拒绝") || strings.Contains(body, "read-only")) {
				t.Errorf("%s%s: the message does not say why (%s):\n%.800s", path, c.sql, c.why, body)
			}
			if strings.Contains(body, "TOP,SECRET") || strings.Contains(body, "SECRET") && !strings.Contains(body, "secret.csv") {
				t.Errorf("%s: the file's content was served", c.sql)
			}
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused COPY wrote its file")
	}
	if _, err := os.Stat(filepath.Join(dir, "x.duckdb")); err == nil {
		t.Error("a refused ATTACH created its file")
	}
	// the page keeps the text typed
	_, body := get(t, hs, "/sql?q="+url.QueryEscape("copy (select 1) to '"+out+"'"))
	if !strings.Contains(body, "sql-error") || !strings.Contains(body, "copy (select 1) to") {
		t.Errorf("the refused statement's page:\n%.1000s", body)
	}
}

// The API and the downloads return exactly what the statement returns; the query time and the
// row count are shown; a result over the limit is refused, never cut.
func TestSQLResults(t *testing.T) {
	_, hs := testServer(t, Options{SQLMaxRows: 50})
	q := `select i, i * 1.25::decimal(10,2) as d, 'x' || i as s, [i, i + 1] as l, {'k': i} as st, i % 2 = 0 as b,
		date '2024-01-01' + i::integer as day, case when i = 3 then null else i end as n
		from range(1, 6) as t(i) order by i`
	code, body := get(t, hs, "/api/sql?format=json&q="+url.QueryEscape(q))
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(body), &rows); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	if len(rows) != 5 || rows[1]["d"] != 2.5 || rows[2]["n"] != nil || rows[0]["s"] != "x1" || rows[3]["day"] != "2024-01-05" {
		t.Errorf("JSON rows: %v", rows)
	}
	code, body = get(t, hs, "/api/sql?format=csv&q="+url.QueryEscape(q))
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || code != 200 {
		t.Fatal(code, err, body)
	}
	want := [][]string{{"i", "d", "s", "l", "st", "b", "day", "n"}, {"1", "1.25", "x1", "[1, 2]", "{'k': 1}", "false", "2024-01-02", "1"},
		{"3", "3.75", "x3", "[3, 4]", "{'k': 3}", "false", "2024-01-04", ""}}
	if len(recs) != 6 || strings.Join(recs[0], ",") != strings.Join(want[0], ",") || strings.Join(recs[1], "|") != strings.Join(want[1], "|") ||
		strings.Join(recs[3], "|") != strings.Join(want[2], "|") {
		t.Errorf("CSV:\n%s", body)
	}
	// the page: rows, time, sortable table
	page := mustGet(t, hs, "/sql?q="+url.QueryEscape(q))
	for _, s := range []string{"sql-time", "5 行", "sortable", "x5", "{&#39;k&#39;: 5}"} {
		if !strings.Contains(page, s) {
			t.Errorf("the SQL page lacks %q", s)
		}
	}
	// over the row limit: the page shows the first rows and says so; the API refuses
	big := "select * from range(120)"
	page = mustGet(t, hs, "/sql?q="+url.QueryEscape(big))
	if !strings.Contains(page, "只显示前 50 行") {
		t.Error("the page does not say it cut the result")
	}
	code, body = get(t, hs, "/api/sql?format=csv&q="+url.QueryEscape(big))
	if code != http.StatusRequestEntityTooLarge || !strings.Contains(body, "more than 50 rows") {
		t.Errorf("API over the limit: %d %s", code, body)
	}
	// several statements: the page runs them all, the API only one
	page = mustGet(t, hs, "/sql?q="+url.QueryEscape("select 1 as a; select 2 as b"))
	if !strings.Contains(page, "result-1") {
		t.Error("the second statement's result is missing")
	}
	if code, body := get(t, hs, "/api/sql?q="+url.QueryEscape("select 1; select 2")); code != 400 || !strings.Contains(body, "one statement") {
		t.Errorf("two statements in the API: %d %s", code, body)
	}
	// a statement over the time limit is interrupted
	_, slow := testServer(t, Options{SQLTimeout: 200_000_000})
	code, body = get(t, slow, "/api/sql?q="+url.QueryEscape("select count(*) from range(100000000000) a"))
	if code != 400 || !strings.Contains(body, "interrupted") {
		t.Errorf("a long statement: %d %s", code, body)
	}
}

// The Parquet download reads back in DuckDB with the same values and types: exact decimals,
// HUGEINT sums, dates, timestamps, NULLs, text for nested values.
func TestParquetDownload(t *testing.T) {
	_, hs := testServer(t, Options{})
	q := `select i::bigint as i, (i * 1.25)::decimal(10,2) as d, sum(i) over (order by i)::hugeint as h, 'x' || i as s,
		date '2024-01-01' + i::integer as day, timestamp '2024-01-01 08:00:00' + to_seconds(i) as ts,
		case when i = 3 then null else i / 4 end as f, i % 2 = 0 as b, [i] as l, 170141183460469231731687303715884105727::hugeint // (i + 1) as big
		from range(1, 6) as t(i) order by i`
	resp, err := hs.Client().Get(hs.URL + "/sql/download?format=parquet&q=" + url.QueryEscape(q))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %v %s", resp.StatusCode, err, b)
	}
	file := filepath.Join(t.TempDir(), "q.parquet")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	// read it back with DuckDB in a session that may read files (its own warehouse)
	other := filepath.Join(t.TempDir(), "other.duckdb")
	w, err := store.Begin(context.Background(), store.Options{Path: other, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Finish(context.Background(), store.Run{Roots: []string{"x"}, Status: "ok"}); err != nil {
		t.Fatal(err)
	}
	s, err := console.Open(context.Background(), other, console.Options{External: true, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var buf strings.Builder
	check := `select typeof(i) ti, typeof(d) td, typeof(h) th, typeof(day) tday, typeof(ts) tts, typeof(b) tb, typeof(big) tbig,
		i, d, h, s, day, ts, f, b, l, big from read_parquet('` + file + `') order by i`
	if err := console.Query(context.Background(), s, check, console.CSV, store.Limits{}, &buf); err != nil {
		t.Fatal(err)
	}
	want := `ti,td,th,tday,tts,tb,tbig,i,d,h,s,day,ts,f,b,l,big
BIGINT,"DECIMAL(10,2)","DECIMAL(38,0)",DATE,TIMESTAMP,BOOLEAN,"DECIMAL(38,0)",1,1.25,1,x1,2024-01-02,2024-01-01 08:00:01,0.25,false,[1],85070591730234615865843651857942052863
BIGINT,"DECIMAL(10,2)","DECIMAL(38,0)",DATE,TIMESTAMP,BOOLEAN,"DECIMAL(38,0)",2,2.50,3,x2,2024-01-03,2024-01-01 08:00:02,0.5,true,[2],56713727820156410577229101238628035242
BIGINT,"DECIMAL(10,2)","DECIMAL(38,0)",DATE,TIMESTAMP,BOOLEAN,"DECIMAL(38,0)",3,3.75,6,x3,2024-01-04,2024-01-01 08:00:03,,false,[3],42535295865117307932921825928971026431
BIGINT,"DECIMAL(10,2)","DECIMAL(38,0)",DATE,TIMESTAMP,BOOLEAN,"DECIMAL(38,0)",4,5.00,10,x4,2024-01-05,2024-01-01 08:00:04,1,true,[4],34028236692093846346337460743176821145
BIGINT,"DECIMAL(10,2)","DECIMAL(38,0)",DATE,TIMESTAMP,BOOLEAN,"DECIMAL(38,0)",5,6.25,15,x5,2024-01-06,2024-01-01 08:00:05,1.25,false,[5],28356863910078205288614550619314017621
`
	if buf.String() != want {
		t.Errorf("read back:\n%s\nwant\n%s", buf.String(), want)
	}
}
