package store_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"xxgk/pipeline/batch"
	"xxgk/pipeline/batch/batchtest"
	"xxgk/pipeline/regions"
	"xxgk/pipeline/store"
	"xxgk/schemas"
)

func begin(t *testing.T, path string) *store.Warehouse {
	t.Helper()
	w, err := store.Begin(context.Background(), store.Options{Path: path, MemoryLimit: "512MB", Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func readOnly(t *testing.T, path string) *sql.DB {
	t.Helper()
	s, err := store.OpenSession(context.Background(), path, store.SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s.DB()
}

func count(t *testing.T, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// loadReports runs one ingest-like run: regions plus the given reports (id → report).
func loadReports(t *testing.T, path string, mem memory.Allocator, ids []int64, reps []*schemas.Report) store.Result {
	t.Helper()
	ctx := context.Background()
	w := begin(t, path)
	b := batch.NewBuilder(mem)
	defer b.Release()
	b.AddRegions(regions.Default())
	for i, r := range reps {
		sha := fmt.Sprintf("%064x", ids[i])
		b.AddReport(batch.Meta{ReportID: ids[i], IdentityKey: batch.Identity(r, r.Source), Path: r.Source, SHA256: sha,
			Size: 100, ParserVersion: "1", RunID: w.RunID()}, r)
		b.AddInput(batch.Input{RunID: w.RunID(), Path: r.Source, SHA256: sha, Size: 100, Status: schemas.InputLoaded, ReportID: ids[i]})
	}
	b.AddFailure(batch.Failure{Path: "junk.bin", SHA256: strings.Repeat("f", 64), Size: 3, Reason: "不是文本文件（二进制内容）", ParserVersion: "1", RunID: w.RunID()})
	if err := w.Load(ctx, b.Flush()...); err != nil {
		t.Fatal(errors.Join(err, w.Abort()))
	}
	res, err := w.Finish(ctx, store.Run{Roots: []string{"in"}, Inputs: int64(len(reps)), Loaded: int64(len(reps)), Status: "ok"})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestMigrationMatchesSpec(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.duckdb")
	loadReports(t, path, nil, nil, nil)
	db := readOnly(t, path)
	for _, spec := range schemas.Warehouse {
		var comment sql.NullString
		if err := db.QueryRow(`select comment from duckdb_tables() where table_name = ?`, spec.Name).Scan(&comment); err != nil {
			t.Fatalf("%s: %v", spec.Name, err)
		}
		if comment.String != spec.Comment {
			t.Errorf("%s: table comment %q, spec %q", spec.Name, comment.String, spec.Comment)
		}
		rows, err := db.Query(`select column_name, data_type, is_nullable, comment from duckdb_columns()
			where table_name = ? order by column_index`, spec.Name)
		if err != nil {
			t.Fatal(err)
		}
		i := 0
		for rows.Next() {
			var name, typ string
			var nullable bool
			var c sql.NullString
			if err := rows.Scan(&name, &typ, &nullable, &c); err != nil {
				t.Fatal(err)
			}
			if i >= len(spec.Columns) {
				t.Errorf("%s: extra column %s", spec.Name, name)
				continue
			}
			want := spec.Columns[i]
			if name != want.Name || typ != want.Type || nullable != want.Nullable || c.String != want.Comment {
				t.Errorf("%s column %d: got %s %s nullable=%v %q, spec %s %s nullable=%v %q",
					spec.Name, i, name, typ, nullable, c.String, want.Name, want.Type, want.Nullable, want.Comment)
			}
			i++
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		if i != len(spec.Columns) {
			t.Errorf("%s: %d columns, spec %d", spec.Name, i, len(spec.Columns))
		}
	}
	if n := count(t, db, `select count(*) from duckdb_tables() where schema_name = 'main'`); n != int64(len(schemas.Warehouse))+1 {
		t.Errorf("%d tables, want %d warehouse tables and schema_migrations", n, len(schemas.Warehouse)+1)
	}
}

func TestLoadAndPublish(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	path := filepath.Join(t.TempDir(), "w.duckdb")
	var reps []*schemas.Report
	var ids []int64
	for i := 0; i < 20; i++ {
		reps = append(reps, batchtest.Report("211321", 2022, i, int64(i)))
		ids = append(ids, int64(1000+i))
	}
	res := loadReports(t, path, mem, ids, reps)
	if res.RunID != 1 || res.NewVersions != 0 {
		t.Errorf("result %+v", res)
	}
	db := readOnly(t, path)
	if n := count(t, db, `select count(*) from reports where is_current and version = 1`); n != 20 {
		t.Errorf("%d current reports, want 20", n)
	}
	if n := count(t, db, `select count(*) from duckdb_views() where view_name like 'ingest_%'`); n != 0 {
		t.Errorf("%d ingest views survived", n)
	}
	if n := count(t, db, `select count(*) from regions where level = 'county'`); n < 2800 {
		t.Errorf("%d counties", n)
	}
	// every table 3 number equals the report's, by SQL
	for i, r := range reps {
		for rk, row := range r.Table3 {
			for ck, c := range row {
				q := fmt.Sprintf(`select %s from table3_facts where report_id = ? and row_key = ?`, ck)
				var got sql.NullInt64
				if err := db.QueryRow(q, ids[i], rk).Scan(&got); err != nil {
					t.Fatalf("%s %s: %v", rk, ck, err)
				}
				if !c.HasValue() != !got.Valid || (got.Valid && got.Int64 != c.Value.Int()) {
					t.Errorf("report %d %s.%s: got %v, want %v (%s)", ids[i], rk, ck, got, c.Value, c.State)
				}
			}
		}
		fee := r.Fee
		var v string
		if err := db.QueryRow(`select value_yuan::varchar from fees where report_id = ?`, ids[i]).Scan(&v); err != nil {
			t.Fatal(err)
		}
		if v != fee.Value.String()+".0000" {
			t.Errorf("fee %s, want %s", v, fee.Value)
		}
	}
	// the decimal table 2 fees amount is exact
	var got string
	c, _ := reps[3].Table2.Get("fees", "amount_10k_yuan")
	if err := db.QueryRow(`select value::varchar from table2_facts where report_id = ? and item = 'fees'`, ids[3]).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if d, err := schemas.ParseDec(got); err != nil || d != c.Value {
		t.Errorf("table2 fees = %s, want %s", got, c.Value)
	}
	if n := count(t, db, `select count(*) from checks`); n == 0 {
		t.Error("no checks stored")
	}
	if _, err := os.Stat(path + ".lock"); err != nil {
		t.Errorf("lock file: %v", err)
	}
	if m, _ := filepath.Glob(path + ".tmp-*"); len(m) != 0 {
		t.Errorf("working copies left: %v", m)
	}
}

func TestVersions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.duckdb")
	a := batchtest.Report("211321", 2022, 0, 1)
	b := batchtest.Report("211321", 2022, 0, 2) // same identity, other numbers
	other := batchtest.Report("211322", 2022, 0, 1)
	loadReports(t, path, nil, []int64{1, 3}, []*schemas.Report{a, other})
	res := loadReports(t, path, nil, []int64{2}, []*schemas.Report{b})
	if res.RunID != 2 || res.NewVersions != 1 {
		t.Errorf("second run: %+v", res)
	}
	db := readOnly(t, path)
	type row struct {
		id, version int64
		current     bool
		sup         sql.NullInt64
	}
	rows, err := db.Query(`select report_id, version, is_current, superseded_by from reports order by report_id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.version, &r.current, &r.sup); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	want := []row{{1, 1, false, sql.NullInt64{Int64: 2, Valid: true}}, {2, 2, true, sql.NullInt64{}}, {3, 1, true, sql.NullInt64{}}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("reports:\n got %v\nwant %v", got, want)
	}
	// the failure seen in both runs is stored once
	if n := count(t, db, `select count(*) from failed_inputs`); n != 1 {
		t.Errorf("%d failed_inputs rows, want 1", n)
	}
	if n := count(t, db, `select count(*) from ingest_runs`); n != 2 {
		t.Errorf("%d runs", n)
	}
}

func TestLockAndStale(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.duckdb")
	loadReports(t, path, nil, nil, nil)
	before := fileSum(t, path)
	// a killed run's leftovers
	for _, f := range []string{path + ".tmp-1-2", path + ".tmp-1-2.wal"} {
		if err := os.WriteFile(f, []byte("junk"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w := begin(t, path)
	if m, _ := filepath.Glob(path + ".tmp-1-2*"); len(m) != 0 {
		t.Errorf("stale working copies not removed: %v", m)
	}
	_, err := store.Begin(context.Background(), store.Options{Path: path})
	if !errors.Is(err, store.ErrLocked) {
		t.Fatalf("second Begin: %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) {
		t.Errorf("lock message does not name the holder: %v", err)
	}
	// load something, then abort: the published file is untouched, the copy removed
	b := batch.NewBuilder(nil)
	b.AddReport(batch.Meta{ReportID: 9, IdentityKey: "k", Path: "p", SHA256: strings.Repeat("a", 64), ParserVersion: "1", RunID: w.RunID()},
		batchtest.Report("211321", 2022, 0, 1))
	if err := w.Load(context.Background(), b.Flush()...); err != nil {
		t.Fatal(err)
	}
	b.Release()
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if fileSum(t, path) != before {
		t.Error("the published file changed after an aborted run")
	}
	if m, _ := filepath.Glob(path + ".tmp-*"); len(m) != 0 {
		t.Errorf("working copies left after Abort: %v", m)
	}
	w = begin(t, path) // the lock was released
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
}

func TestKnown(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.duckdb")
	r := batchtest.Report("211321", 2022, 0, 1)
	loadReports(t, path, nil, []int64{7}, []*schemas.Report{r})
	w := begin(t, path)
	defer func() {
		if err := w.Abort(); err != nil {
			t.Error(err)
		}
	}()
	k, err := w.Known(context.Background(), "1")
	if err != nil {
		t.Fatal(err)
	}
	var key [32]byte
	key[31] = 7
	if got, ok := k.Get(key); !ok || got.ReportID != 7 || got.Path != r.Source || k.Len() != 1 {
		t.Errorf("Known = %v %v (%d)", got, ok, k.Len())
	}
	if !k.HasID(7) || k.HasID(8) {
		t.Error("HasID")
	}
	if _, ok := k.Get([32]byte{}); ok {
		t.Error("Known holds a content never stored")
	}
	if k2, _ := w.Known(context.Background(), "2"); k2.Len() != 0 {
		t.Error("Known for another parser version is not empty")
	}
}

func TestSettings(t *testing.T) {
	w := begin(t, filepath.Join(t.TempDir(), "w.duckdb"))
	checked := false
	_, err := w.Finish(context.Background(), store.Run{Status: "ok", Models: func(ctx context.Context, conn *sql.Conn) error {
		var install, load bool
		var mem string
		if err := conn.QueryRowContext(ctx, `select current_setting('autoinstall_known_extensions'),
			current_setting('autoload_known_extensions'), current_setting('memory_limit')`).Scan(&install, &load, &mem); err != nil {
			return err
		}
		if install || load {
			t.Errorf("autoinstall %v, autoload %v: extensions must never be fetched", install, load)
		}
		if !strings.Contains(mem, "MiB") && !strings.Contains(mem, "MB") {
			t.Errorf("memory_limit %q", mem)
		}
		checked = true
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !checked {
		t.Error("Models hook not called")
	}
}
