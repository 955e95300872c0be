package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/duckdb/duckdb-go/v2"

	"xxgk/pipeline/batch"
	"xxgk/pipeline/batch/batchtest"
	"xxgk/pipeline/regions"
	"xxgk/schemas"
)

// cellsMigration is the migration that turned the table cells into cell_keys, cell_sources and
// the view cells.
const cellsMigration = 6

// edgeReport is a generated report with cells of every state and the texts the compact storage
// treats apart: a number whose text is its value, one without text, texts that are not the
// value's plain digits (grouping, full width, leading zero, a fraction), a negative number,
// a dash, a blank, a derived, a split and a missing cell, and PDF pages.
func edgeReport(seed int64) *schemas.Report {
	r := batchtest.Report("211321", 2022, int(seed%3), seed)
	set := func(row, col string, c schemas.Cell) { r.Table3.Set(row, col, c) }
	num := func(v int64, text string) schemas.Cell {
		return schemas.Cell{State: schemas.StateNumber, Value: schemas.DecInt(v), Line: 40, Text: text}
	}
	set("new_received", "natural_person", num(12, "12"))
	set("new_received", "commercial", num(5, ""))
	set("new_received", "research", num(1234, "1,234"))
	set("new_received", "social_welfare", num(12, "１２"))
	set("new_received", "legal_services", num(7, "007"))
	set("new_received", "other_org", num(-3, "-3"))
	frac, _ := schemas.ParseDec("12.5")
	set("granted", "natural_person", schemas.Cell{State: schemas.StateNumber, Value: frac, Line: 41, Page: 2, Text: "12.5"})
	set("granted", "commercial", schemas.Cell{State: schemas.StateDash, Line: 41, Page: 2, Text: "—"})
	set("granted", "research", schemas.Cell{State: schemas.StateBlank, Line: 41, Page: 2})
	set("granted", "social_welfare", schemas.Cell{State: schemas.StateDerived, Value: schemas.DecInt(9)})
	set("granted", "legal_services", schemas.Cell{State: schemas.StateSplit, Value: schemas.DecInt(12), Line: 41, Text: "12"})
	set("granted", "other_org", schemas.Cell{State: schemas.StateMissing})
	set("granted", "total", schemas.Cell{Line: 41}) // no state: stored as missing
	return r
}

// cellRow is one row of the view cells, as text for comparison.
type cellRow struct {
	report                      int64
	tbl, row, col, state, value string
	line, page                  string
	text                        string
}

// wantCells lists the rows the view cells must show for the reports: computed from the
// reports' own cells (state, value in units of 10^-4, line, page and text; NULL written ∅).
func wantCells(ids []int64, reps []*schemas.Report) []cellRow {
	var out []cellRow
	opt := func(n int) string {
		if n == 0 {
			return "∅"
		}
		return fmt.Sprint(n)
	}
	for i, r := range reps {
		for _, tbl := range []string{schemas.Table2, schemas.Table3, schemas.Table4} {
			for rk, row := range r.Table(tbl) {
				for ck, c := range row {
					st := string(c.State)
					if st == "" {
						st = string(schemas.StateMissing)
					}
					v := "∅"
					if c.HasValue() {
						v = fmt.Sprint(c.Value.Units())
					}
					text := c.Text
					if text == "" {
						text = "∅"
					}
					out = append(out, cellRow{ids[i], tbl, rk, ck, st, v, opt(c.Line), opt(c.Page), text})
				}
			}
		}
	}
	sortCells(out)
	return out
}

func sortCells(cs []cellRow) {
	sort.Slice(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.report != b.report {
			return a.report < b.report
		}
		return a.tbl+"|"+a.row+"|"+a.col < b.tbl+"|"+b.row+"|"+b.col
	})
}

// readCells reads the view cells.
func readCells(t *testing.T, db *sql.DB) []cellRow {
	t.Helper()
	rows, err := db.Query(`select report_id, table_name, row_key, col_key, state,
		coalesce(cast(value * 10000 as bigint)::varchar, '∅'), coalesce(line::varchar, '∅'), coalesce(page::varchar, '∅'),
		coalesce(text, '∅') from cells`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []cellRow
	for rows.Next() {
		var c cellRow
		if err := rows.Scan(&c.report, &c.tbl, &c.row, &c.col, &c.state, &c.value, &c.line, &c.page, &c.text); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sortCells(out)
	return out
}

func compareCells(t *testing.T, got, want []cellRow) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("cells: %d rows, want %d", len(got), len(want))
	}
	for i := 0; i < len(got) && i < len(want); i++ {
		if got[i] != want[i] {
			t.Errorf("cells row %d: got %+v, want %+v", i, got[i], want[i])
			return
		}
	}
}

func openDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	c, err := duckdb.NewConnector(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// load runs one ingest-like run of the reports into the warehouse at path.
func load(t *testing.T, path string, ids []int64, reps []*schemas.Report) {
	t.Helper()
	ctx := context.Background()
	w, err := Begin(ctx, Options{Path: path, MemoryLimit: "256MB", Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	b := batch.NewBuilder(mem)
	b.AddRegions(regions.Default())
	for i, r := range reps {
		sha := fmt.Sprintf("%064x", ids[i])
		b.AddReport(batch.Meta{ReportID: ids[i], IdentityKey: batch.Identity(r, r.Source) + fmt.Sprint(ids[i]), Path: r.Source,
			SHA256: sha, Size: 1, ParserVersion: "1", RunID: w.RunID()}, r)
	}
	err = w.Load(ctx, b.Flush()...)
	b.Release()
	mem.AssertSize(t, 0)
	if err != nil {
		t.Fatal(err, w.Abort())
	}
	if _, err := w.Finish(ctx, Run{Roots: []string{"in"}, Status: "ok"}); err != nil {
		t.Fatal(err)
	}
}

// TestCellsView: the view cells shows every cell of every report exactly as the report has it
// (state, exact value, line, page, text) after the compact storage of cell_sources, over two
// runs that share most keys; cell_keys holds each key once, under schemas.CellKeyID.
func TestCellsView(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.duckdb")
	reps := []*schemas.Report{edgeReport(1), edgeReport(2), batchtest.Report("211322", 2023, 0, 5)}
	ids := []int64{11, 12, 13}
	load(t, path, ids[:2], reps[:2])
	load(t, path, ids[2:], reps[2:])
	db := openDB(t, path)
	compareCells(t, readCells(t, db), wantCells(ids, reps))

	rows, err := db.Query(`select key_id, table_name, row_key, col_key, state from cell_keys`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := map[[4]string]bool{}
	for rows.Next() {
		var id int32
		var k [4]string
		if err := rows.Scan(&id, &k[0], &k[1], &k[2], &k[3]); err != nil {
			t.Fatal(err)
		}
		if want := schemas.CellKeyID(k[0], k[1], k[2], schemas.CellState(k[3])); id != want {
			t.Errorf("cell key %v: id %d, want %d", k, id, want)
		}
		if seen[k] {
			t.Errorf("cell key %v stored twice", k)
		}
		seen[k] = true
	}
	var orphans int64
	if err := db.QueryRow(`select count(*) from cell_sources s anti join cell_keys k using (key_id)`).Scan(&orphans); err != nil {
		t.Fatal(err)
	}
	if orphans != 0 {
		t.Errorf("%d cell_sources rows without their key", orphans)
	}
	var cols, commented int64
	if err := db.QueryRow(`select count(*), count(comment) from duckdb_columns() where table_name = 'cells'`).Scan(&cols, &commented); err != nil {
		t.Fatal(err)
	}
	if cols != 9 || commented != cols {
		t.Errorf("view cells: %d columns, %d with a comment; want 9, all", cols, commented)
	}
	// the compact form leaves out the texts that are the value's digits
	var stored, numbers int64
	if err := db.QueryRow(`select count(s.text), count(*) filter (where k.state = 'number') from cell_sources s join cell_keys k using (key_id)`).Scan(&stored, &numbers); err != nil {
		t.Fatal(err)
	}
	if stored >= numbers/2 {
		t.Errorf("%d texts stored for %d numbers: the texts equal to their value should be left out", stored, numbers)
	}
}

// TestCellsUpgrade: a warehouse whose cells were a table (migrations 1–5) is upgraded by
// migration 6: the view shows the same rows the table held, the keys get the ids the
// ingest computes (schemas.CellKeyID), and a later run adds no key twice.
func TestCellsUpgrade(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	reps := []*schemas.Report{edgeReport(1), edgeReport(2), batchtest.Report("211322", 2023, 0, 5)}
	ids := []int64{21, 22, 23}
	ms, err := schemas.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	func() {
		db := openDB(t, path)
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.ExecContext(ctx, `create table schema_migrations (version integer primary key,
			name varchar not null, sha256 varchar not null, applied_at timestamp with time zone not null)`); err != nil {
			t.Fatal(err)
		}
		for _, m := range ms[:cellsMigration-1] {
			if err := applyMigration(ctx, conn, m, migrationSum(m)); err != nil {
				t.Fatal(err)
			}
		}
		// the cells of the first two reports as the table held them (text NULL when empty)
		for i, r := range reps[:2] {
			for _, tbl := range []string{schemas.Table2, schemas.Table3, schemas.Table4} {
				for rk, row := range r.Table(tbl) {
					for ck, c := range row {
						st := c.State
						if st == "" {
							st = schemas.StateMissing
						}
						var v, line, page, text any
						if c.HasValue() {
							v = c.Value.String()
						}
						if c.Line != 0 {
							line = c.Line
						}
						if c.Page != 0 {
							page = c.Page
						}
						if c.Text != "" {
							text = c.Text
						}
						if _, err := conn.ExecContext(ctx, `insert into cells values (?, ?, ?, ?, ?, ?::decimal(18,4), ?, ?, ?)`,
							ids[i], tbl, rk, ck, string(st), v, line, page, text); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
		}
		if err := migrate(ctx, conn); err != nil {
			t.Fatal(err)
		}
		compareCells(t, readCells(t, db), wantCells(ids[:2], reps[:2]))
		if err := errors.Join(conn.Close(), db.Close()); err != nil {
			t.Fatal(err)
		}
	}()
	load(t, path, ids[2:], reps[2:])
	db := openDB(t, path)
	compareCells(t, readCells(t, db), wantCells(ids, reps))
	var dup int64
	if err := db.QueryRow(`select count(*) from (select table_name, row_key, col_key, state from cell_keys
		group by all having count(*) > 1)`).Scan(&dup); err != nil {
		t.Fatal(err)
	}
	if dup != 0 {
		t.Errorf("%d cell keys stored twice: the migration's ids differ from schemas.CellKeyID", dup)
	}
	var bad int64
	rows, err := db.Query(`select key_id, table_name, row_key, col_key, state from cell_keys`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int32
		var k [4]string
		if err := rows.Scan(&id, &k[0], &k[1], &k[2], &k[3]); err != nil {
			t.Fatal(err)
		}
		if id != schemas.CellKeyID(k[0], k[1], k[2], schemas.CellState(k[3])) {
			bad++
		}
	}
	if bad != 0 {
		t.Errorf("%d cell keys whose id is not schemas.CellKeyID", bad)
	}
}

// TestCellKeyIDs: the keys of the catalogue (every table, row, column and state) have distinct
// ids, so no report of the known shapes can meet a collision.
func TestCellKeyIDs(t *testing.T) {
	cat := schemas.Labels()
	states := []schemas.CellState{schemas.StateNumber, schemas.StateBlank, schemas.StateDash, schemas.StateDerived,
		schemas.StateMissing, schemas.StateSplit}
	seen := map[int32]string{}
	add := func(tbl, row, col string) {
		for _, st := range states {
			k := tbl + "|" + row + "|" + col + "|" + string(st)
			id := schemas.CellKeyID(tbl, row, col, st)
			if id < 0 {
				t.Fatalf("%s: negative id", k)
			}
			if o, ok := seen[id]; ok && o != k {
				t.Errorf("%s and %s share the id %d", o, k, id)
			}
			seen[id] = k
		}
	}
	for _, f := range []schemas.Format{schemas.FormatGB2019, schemas.FormatGB2021} {
		for _, it := range cat.Table2Items(f) {
			for _, m := range it.Measures {
				add(schemas.Table2, it.Key, m)
			}
		}
	}
	for _, rk := range cat.Table3RowKeys() {
		for _, ck := range cat.Table3ColumnKeys() {
			add(schemas.Table3, rk, ck)
		}
	}
	for _, g := range cat.Table4GroupKeys() {
		for _, o := range cat.Table4OutcomeKeys() {
			add(schemas.Table4, g, o)
		}
	}
	if len(seen) < 1000 {
		t.Errorf("only %d keys: the catalogue was not walked", len(seen))
	}
}
