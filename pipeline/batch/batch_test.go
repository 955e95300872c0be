package batch_test

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"xxgk/pipeline/batch"
	"xxgk/pipeline/batch/batchtest"
	"xxgk/pipeline/regions"
	"xxgk/schemas"
)

func TestSchemas(t *testing.T) {
	for i := range schemas.Warehouse {
		spec := &schemas.Warehouse[i]
		sc, err := batch.Schema(spec)
		if err != nil {
			t.Fatal(err)
		}
		if sc.NumFields() != len(spec.Columns) {
			t.Errorf("%s: %d fields for %d columns", spec.Name, sc.NumFields(), len(spec.Columns))
		}
		for _, k := range spec.Key {
			if spec.Column(k) == nil {
				t.Errorf("%s: key column %s not in the spec", spec.Name, k)
			}
		}
	}
}

func TestBuilder(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)

	b := batch.NewBuilder(mem)
	defer b.Release()
	const n = 5
	for i := 0; i < n; i++ {
		r := batchtest.Report("211321", 2022, i, int64(i))
		b.AddReport(batch.Meta{ReportID: int64(100 + i), IdentityKey: batch.Identity(r, r.Source), Path: r.Source,
			SHA256: "ab", Size: 10, ParserVersion: "1", RunID: 1}, r)
		b.AddInput(batch.Input{RunID: 1, Path: r.Source, SHA256: "ab", Size: 10, Status: schemas.InputLoaded, ReportID: int64(100 + i)})
	}
	b.AddInput(batch.Input{RunID: 1, Path: "junk", Size: -1, Status: schemas.InputFailed, Reason: "x"})
	b.AddFailure(batch.Failure{Path: "junk", Size: -1, Reason: "不是政府信息公开工作年度报告", ParserVersion: "1", RunID: 1})
	b.AddRegions(regions.Default())

	if got := b.Ready(); len(got) != 0 {
		t.Fatalf("Ready below thresholds handed out %d batches", len(got))
	}
	batches := b.Flush()
	// cell_keys: each (table, row, column, state) of the reports once
	keys := map[[4]string]bool{}
	for i := 0; i < n; i++ {
		r := batchtest.Report("211321", 2022, i, int64(i))
		for _, tbl := range []string{schemas.Table2, schemas.Table3, schemas.Table4} {
			for rk, row := range r.Table(tbl) {
				for ck, c := range row {
					keys[[4]string{tbl, rk, ck, string(c.State)}] = true
				}
			}
		}
	}
	rows := map[string]int{}
	for _, bt := range batches {
		rows[bt.Table()] = bt.Rows()
	}
	cat := schemas.Labels()
	want := map[string]int{
		schemas.TableReports:      n,
		schemas.TableTable3Facts:  n * (len(cat.Table3Rows(schemas.FormatGB2021)) + 1), // + derived other_total
		schemas.TableTable4Facts:  n * 3,
		schemas.TableTable2Facts:  n * 10,
		schemas.TableSections:     n * 6,
		schemas.TableStatements:   n * 2,
		schemas.TableFees:         n,
		schemas.TableInputs:       n + 1,
		schemas.TableFailedInputs: 1,
		schemas.TableCellSources:  n * (10 + 26*7 + 15),
		schemas.TableCellKeys:     len(keys),
	}
	for tbl, w := range want {
		if rows[tbl] != w {
			t.Errorf("%s: %d rows, want %d", tbl, rows[tbl], w)
		}
	}
	if rows[schemas.TableRegions] < 3000 {
		t.Errorf("regions: %d rows", rows[schemas.TableRegions])
	}

	// values: table3_facts new_received.total of the first report; NULL for a dash
	r0 := batchtest.Report("211321", 2022, 0, 0)
	for _, bt := range batches {
		rec := bt.Record()
		idx := func(name string) int {
			is := rec.Schema().FieldIndices(name)
			if len(is) != 1 {
				t.Fatalf("%s: no column %s", bt.Table(), name)
			}
			return is[0]
		}
		switch bt.Table() {
		case schemas.TableTable3Facts:
			ids := rec.Column(idx("report_id")).(*array.Int64)
			keys := rec.Column(idx("row_key")).(*array.String)
			tot := rec.Column(idx("total")).(*array.Int64)
			found := false
			for i := 0; i < int(rec.NumRows()); i++ {
				if ids.Value(i) == 100 && keys.Value(i) == "new_received" {
					c, _ := r0.Table3.Get("new_received", "total")
					if tot.Value(i) != c.Value.Int() {
						t.Errorf("new_received.total = %d, want %d", tot.Value(i), c.Value.Int())
					}
					found = true
				}
			}
			if !found {
				t.Error("table3_facts: new_received of report 100 not found")
			}
		case schemas.TableReports:
			v := rec.Column(idx("version")).(*array.Int32)
			cur := rec.Column(idx("is_current")).(*array.Boolean)
			sup := rec.Column(idx("superseded_by"))
			if v.Value(0) != 0 || cur.Value(0) || !sup.IsNull(0) {
				t.Error("reports: a new version must come as version 0, not current, not superseded")
			}
		case schemas.TableInputs:
			if !rec.Column(idx("sha256")).IsNull(n) || !rec.Column(idx("report_id")).IsNull(n) {
				t.Error("inputs: the failed input must have NULL sha256 and report_id")
			}
		}
	}
	for _, bt := range batches {
		bt.Release()
		bt.Release() // idempotent
	}
}

func TestReadyThresholds(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := batch.NewBuilder(mem)
	defer b.Release()
	b.FlushRows = 100
	r := batchtest.Report("211321", 2022, 0, 1)
	var got []*batch.Batch
	for i := 0; len(got) == 0; i++ {
		b.AddReport(batch.Meta{ReportID: int64(i + 1), IdentityKey: "k", Path: "p", SHA256: "s", ParserVersion: "1", RunID: 1}, r)
		got = b.Ready()
		if i > 10 {
			t.Fatal("no batch handed out past FlushRows")
		}
	}
	for _, bt := range got {
		if bt.Rows() < 100 {
			t.Errorf("%s: handed out %d rows, below FlushRows", bt.Table(), bt.Rows())
		}
		if b.Rows(bt.Table()) != 0 {
			t.Errorf("%s: rows still pending after hand-out", bt.Table())
		}
		bt.Release()
	}
	b.FlushBytes = 1
	for _, bt := range b.Ready() { // everything pending is now over the byte threshold
		bt.Release()
	}
	if b.Pending() != 0 {
		t.Errorf("%d rows pending past FlushBytes", b.Pending())
	}
}

func TestIdentity(t *testing.T) {
	r := batchtest.Report("211321", 2022, 0, 1)
	if got := batch.Identity(r, "a/b.txt"); got != "211321|朝阳县人民政府|2022" {
		t.Errorf("Identity = %q", got)
	}
	r.Body = ""
	if got := batch.Identity(r, "a/b.txt"); got != "path:a/b.txt" {
		t.Errorf("Identity without body = %q", got)
	}
}

// TestReportLevel: the level stored with a report is the parser's Region.Level, else the level
// its division code is at (2, 4, 6 digits), else NULL.
func TestReportLevel(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := batch.NewBuilder(mem)
	defer b.Release()
	prov := batchtest.Body("21", "辽宁省教育厅", schemas.ScopeDepartment, 2022, 1)
	pref := batchtest.Body("2113", "朝阳市人民政府", schemas.ScopeGovernment, 2022, 2)
	pref.Region.Level = "" // not stated: from the 4-digit code
	county := batchtest.Report("211321", 2022, 1, 3)
	none := batchtest.Report("211321", 2022, 2, 4)
	none.Region = schemas.Region{}
	want := []string{"province", "prefecture", "county", ""}
	for i, r := range []*schemas.Report{prov, pref, county, none} {
		b.AddReport(batch.Meta{ReportID: int64(i + 1), IdentityKey: batch.Identity(r, r.Source), Path: r.Source, SHA256: "s",
			ParserVersion: "1", RunID: 1}, r)
	}
	for _, bt := range b.Flush() {
		if bt.Table() == schemas.TableReports {
			rec := bt.Record()
			col := rec.Column(rec.Schema().FieldIndices("level")[0]).(*array.String)
			code := rec.Column(rec.Schema().FieldIndices("region_code")[0]).(*array.String)
			for i, w := range want {
				got := col.Value(i)
				if col.IsNull(i) {
					got = ""
				}
				if got != w {
					t.Errorf("report %d (%s): level %q, want %q", i+1, code.Value(i), got, w)
				}
			}
		}
		bt.Release()
	}
	if got := batch.Identity(prov, "x"); got != "21|辽宁省教育厅|2022" {
		t.Errorf("Identity of a provincial department = %q", got)
	}
}
