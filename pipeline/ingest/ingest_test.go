package ingest_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"xxgk/pipeline/ingest"
	"xxgk/pipeline/store"
	"xxgk/pipeline/validate"
	"xxgk/schemas"
)

// checkNumbers compares every number of every report with the warehouse, by SQL: the fact
// tables (table3_facts, table4_facts, table2_facts, fees) and the cells.
func checkNumbers(t *testing.T, db *sql.DB, reps map[string]*schemas.Report) {
	t.Helper()
	cat := schemas.Labels()
	for path, gold := range reps {
		var id int64
		key := filepath.ToSlash(path)
		if err := db.QueryRow(`select report_id from inputs where path = ? order by run_id desc limit 1`, key).Scan(&id); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		validate.Derive(gold)
		for rk, row := range gold.Table3 {
			for _, ck := range cat.Table3ColumnKeys() {
				c, ok := row[ck]
				var got sql.NullInt64
				if err := db.QueryRow(fmt.Sprintf(`select %s from table3_facts where report_id = ? and row_key = ?`, ck), id, rk).Scan(&got); err != nil {
					t.Fatalf("%s table3 %s.%s: %v", key, rk, ck, err)
				}
				want := ok && c.HasValue()
				if got.Valid != want || (want && got.Int64 != c.Value.Int()) {
					t.Errorf("%s table3 %s.%s: warehouse %v, gold %s (%s)", key, rk, ck, got, c.Value, c.State)
				}
			}
		}
		for gk, row := range gold.Table4 {
			for _, ok := range cat.Table4OutcomeKeys() {
				c := row[ok]
				var got sql.NullInt64
				if err := db.QueryRow(fmt.Sprintf(`select "%s" from table4_facts where report_id = ? and group_key = ?`, ok), id, gk).Scan(&got); err != nil {
					t.Fatalf("%s table4 %s.%s: %v", key, gk, ok, err)
				}
				if !got.Valid || got.Int64 != c.Value.Int() {
					t.Errorf("%s table4 %s.%s: warehouse %v, gold %s", key, gk, ok, got, c.Value)
				}
			}
		}
		for item, row := range gold.Table2 {
			for ms, c := range row {
				var got sql.NullString
				var state string
				if err := db.QueryRow(`select value::varchar, state from table2_facts where report_id = ? and item = ? and measure = ?`, id, item, ms).Scan(&got, &state); err != nil {
					t.Fatalf("%s table2 %s.%s: %v", key, item, ms, err)
				}
				if state != string(c.State) {
					t.Errorf("%s table2 %s.%s: state %s, gold %s", key, item, ms, state, c.State)
				}
				if c.HasValue() {
					d, err := schemas.ParseDec(got.String)
					if err != nil || d != c.Value {
						t.Errorf("%s table2 %s.%s: warehouse %v, gold %s", key, item, ms, got, c.Value)
					}
				} else if got.Valid {
					t.Errorf("%s table2 %s.%s: warehouse %v, gold has no number", key, item, ms, got)
				}
			}
		}
		var cells int64
		if err := db.QueryRow(`select count(*) from cells where report_id = ?`, id).Scan(&cells); err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, g := range []schemas.Grid{gold.Table2, gold.Table3, gold.Table4} {
			for _, row := range g {
				want += len(row)
			}
		}
		if cells != int64(want) {
			t.Errorf("%s: %d cells, gold %d", key, cells, want)
		}
	}
}

func TestIngest(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	reps := corpus(t, in, 40, 1)
	// bad inputs: junk, an empty file, a dangling link, a duplicate under another name
	must(t, os.WriteFile(filepath.Join(in, "notes.txt"), []byte("会议纪要，不是年度报告"), 0o644))
	must(t, os.WriteFile(filepath.Join(in, "empty.txt"), nil, 0o644))
	must(t, os.Symlink(filepath.Join(in, "gone.txt"), filepath.Join(in, "link.txt")))
	var first string
	for p := range reps {
		if first == "" || p < first {
			first = p
		}
	}
	b, err := os.ReadFile(first)
	must(t, err)
	must(t, os.WriteFile(filepath.Join(in, "copy.json"), b, 0o644))
	must(t, os.WriteFile(filepath.Join(in, ".hidden"), []byte("x"), 0o644))

	db := filepath.Join(dir, "data", "xxgk.duckdb")
	s := run(t, db, in)
	if s.Inputs != 44 || s.Parsed != 40 || s.InputsFailed != 3 || s.Duplicates != 1 || s.Unchanged != 0 {
		t.Errorf("summary: inputs %d parsed %d failed %d duplicates %d unchanged %d", s.Inputs, s.Parsed, s.InputsFailed, s.Duplicates, s.Unchanged)
	}
	if s.Status() != "partial" {
		t.Errorf("status %s, want partial", s.Status())
	}
	if s.WithViolations == 0 || s.Incomplete == 0 {
		t.Errorf("violations %d incomplete %d: the corpus has both", s.WithViolations, s.Incomplete)
	}
	if len(s.ByPrefecture) != 2 {
		t.Errorf("by prefecture: %+v", s.ByPrefecture)
	}
	var out strings.Builder
	must(t, s.Write(&out))
	for _, w := range []string{"朝阳市", "锦州市", "copy.json", "notes.txt", "empty.txt", "link.txt"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("summary does not mention %s:\n%s", w, out.String())
		}
	}

	rdb := readOnly(t, db)
	checkNumbers(t, rdb, reps)
	if n := count(t, rdb, `select count(*) from duckdb_views() where view_name like 'ingest_%'`); n != 0 {
		t.Errorf("%d ingest views survived", n)
	}
	if n := count(t, rdb, `select count(*) from failed_inputs`); n != 3 {
		t.Errorf("%d failed_inputs", n)
	}
	// walk order decides which of the two is loaded: copy.json sorts before 朝阳市/…
	if n := count(t, rdb, `select count(*) from inputs where status = 'duplicate' and path = ? and reason like '%copy.json%'`, filepath.ToSlash(first)); n != 1 {
		t.Error("the second of two identical files is not recorded as a duplicate of the first")
	}
	if n := count(t, rdb, `select count(*) from failed_inputs where reason = ? and path like '%empty.txt'`, "文件为空"); n != 1 {
		var r sql.NullString
		_ = rdb.QueryRow(`select reason from failed_inputs where path like '%empty.txt'`).Scan(&r)
		t.Logf("empty.txt reason: %v (decode decides)", r)
	}
	// incomplete and violation counts agree with the warehouse
	if n := count(t, rdb, `select count(*) from reports where status = 'incomplete'`); n != int64(s.Incomplete) {
		t.Errorf("%d incomplete in the warehouse, summary %d", n, s.Incomplete)
	}
	if n := count(t, rdb, `select count(distinct report_id) from checks`); n != int64(s.WithViolations) {
		t.Errorf("%d reports with checks in the warehouse, summary %d", n, s.WithViolations)
	}
}

func TestReingestIsNoop(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	corpus(t, in, 30, 7)
	must(t, os.WriteFile(filepath.Join(in, "junk.txt"), []byte("junk"), 0o644))
	db := filepath.Join(dir, "w.duckdb")
	run(t, db, in)
	before := fingerprints(t, db)
	s := run(t, db, in)
	if s.Parsed != 0 || s.Unchanged != 30 || s.InputsFailed != 1 {
		t.Errorf("re-ingest: parsed %d unchanged %d failed %d", s.Parsed, s.Unchanged, s.InputsFailed)
	}
	after := fingerprints(t, db)
	for _, tbl := range schemas.Warehouse {
		switch tbl.Name {
		case schemas.TableIngestRuns, schemas.TableInputs: // the run's own bookkeeping
			continue
		}
		if before[tbl.Name] != after[tbl.Name] {
			t.Errorf("%s changed on re-ingest: %+v → %+v", tbl.Name, before[tbl.Name], after[tbl.Name])
		}
	}
	if after[schemas.TableIngestRuns].Rows != 2 || after[schemas.TableInputs].Rows != 2*before[schemas.TableInputs].Rows {
		t.Errorf("bookkeeping: runs %d, inputs %d", after[schemas.TableIngestRuns].Rows, after[schemas.TableInputs].Rows)
	}
}

func TestChangedFileIsNewVersion(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	reps := corpus(t, in, 12, 3)
	db := filepath.Join(dir, "w.duckdb")
	run(t, db, in)
	var p string
	for k := range reps {
		if p == "" || k < p {
			p = k
		}
	}
	r := reps[p]
	c, _ := r.Table4.Get("review", "upheld")
	c.Value += schemas.DecInt(5)
	r.Table4.Set("review", "upheld", c)
	writeJSON(t, p, r)
	// and a copy of another report under a new name
	var q string
	for k := range reps {
		if k != p {
			q = k
			break
		}
	}
	b, err := os.ReadFile(q)
	must(t, err)
	must(t, os.WriteFile(filepath.Join(in, "copy-of-q.json"), b, 0o644))

	s := run(t, db, in)
	if s.Parsed != 1 || s.NewVersions != 1 || s.Unchanged != 11 || s.Duplicates != 1 {
		t.Errorf("second run: parsed %d new versions %d unchanged %d duplicates %d", s.Parsed, s.NewVersions, s.Unchanged, s.Duplicates)
	}
	rdb := readOnly(t, db)
	if n := count(t, rdb, `select count(*) from reports where is_current`); n != 12 {
		t.Errorf("%d current reports, want 12", n)
	}
	var oldV, newV int64
	var sup sql.NullInt64
	key := filepath.ToSlash(p)
	if err := rdb.QueryRow(`select o.version, n.version, o.superseded_by from reports o join reports n on o.superseded_by = n.report_id
		where o.source_path = ? and not o.is_current and n.is_current`, key).Scan(&oldV, &newV, &sup); err != nil {
		t.Fatalf("old version not superseded by the new one: %v", err)
	}
	if oldV != 1 || newV != 2 {
		t.Errorf("versions %d → %d", oldV, newV)
	}
	var got int64
	if err := rdb.QueryRow(`select f.upheld from table4_facts f join reports r using (report_id)
		where r.source_path = ? and r.is_current and f.group_key = 'review'`, key).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != c.Value.Int() {
		t.Errorf("current review.upheld = %d, want %d", got, c.Value.Int())
	}
	if n := count(t, rdb, `select count(*) from inputs where run_id = 2 and status = 'duplicate' and path like '%copy-of-q.json'`); n != 1 {
		t.Error("copy not recorded as duplicate")
	}
	// a third run over the same files changes nothing but the bookkeeping
	before := fingerprints(t, db)
	run(t, db, in)
	after := fingerprints(t, db)
	if !reflect.DeepEqual(before[schemas.TableReports], after[schemas.TableReports]) {
		t.Error("reports changed on a third run")
	}
}

func TestLockedWarehouse(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	corpus(t, in, 3, 1)
	db := filepath.Join(dir, "w.duckdb")
	w, err := store.Begin(context.Background(), store.Options{Path: db})
	must(t, err)
	defer func() { must(t, w.Abort()) }()
	_, err = ingest.Run(context.Background(), ingest.Options{Roots: []string{in}, DB: db, Extract: jsonExtract})
	if !errors.Is(err, store.ErrLocked) {
		t.Fatalf("ingest on a locked warehouse: %v, want ErrLocked", err)
	}
}

func TestManifestAndRegions(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "reports")
	reps := corpus(t, in, 4, 2)
	var paths []string
	for p := range reps {
		paths = append(paths, p)
	}
	// report 0 loses its region and is listed in the manifest; report 1 loses it and is not
	// listed (unresolved); report 2's manifest row contradicts its path (conflict)
	for i, p := range paths[:3] {
		r := reps[p]
		r.Region = schemas.Region{}
		if i == 2 {
			r.Region = reps[paths[3]].Region
		}
		writeJSON(t, p, r)
	}
	rel := func(p string) string { r, _ := filepath.Rel(dir, p); return filepath.ToSlash(r) }
	man := "path,region_code,year,scope,body\n" +
		rel(paths[0]) + "," + reps[paths[3]].Region.Code + ",2022,area,x\n" +
		rel(paths[2]) + ",211302,2022,area,x\n"
	if strings.HasPrefix(reps[paths[2]].Source, "朝阳市/双塔区") {
		man = strings.Replace(man, "211302", "210703", 1)
	}
	must(t, os.WriteFile(filepath.Join(dir, "manifest.csv"), []byte(man), 0o644))
	db := filepath.Join(dir, "w.duckdb")
	s := run(t, db, in)
	if s.Manifest == "" {
		t.Fatal("manifest.csv above the input directory not found")
	}
	if len(s.Unresolved) != 1 || !strings.HasSuffix(s.Unresolved[0], filepath.Base(paths[1])) {
		t.Errorf("unresolved: %v", s.Unresolved)
	}
	rdb := readOnly(t, db)
	var method string
	if err := rdb.QueryRow(`select region_method from reports where source_path = ?`, filepath.ToSlash(paths[0])).Scan(&method); err != nil || method != schemas.RegionManifest {
		t.Errorf("manifest region: %q %v", method, err)
	}
	if n := count(t, rdb, `select count(*) from problems where code = 'region'`); n < 2 {
		t.Errorf("%d region problems, want the unresolved one and the conflict(s)", n)
	}
	if len(s.Conflicts) == 0 {
		t.Errorf("no region conflict listed")
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestTooLarge(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	corpus(t, in, 2, 1)
	must(t, os.WriteFile(filepath.Join(in, "big.txt"), make([]byte, 1<<20), 0o644))
	s, err := ingest.Run(context.Background(), ingest.Options{Roots: []string{in}, DB: filepath.Join(dir, "w.duckdb"),
		Extract: jsonExtract, MaxFileSize: 512 << 10})
	must(t, err)
	if s.Parsed != 2 || s.InputsFailed != 1 || !strings.Contains(strings.Join(s.Failures, "\n"), "文件过大") {
		t.Errorf("parsed %d failed %d: %v", s.Parsed, s.InputsFailed, s.Failures)
	}
}
