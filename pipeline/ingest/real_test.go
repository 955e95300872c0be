package ingest_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"xxgk/pipeline/extract"
	"xxgk/schemas"
)

// The real reports — the scraped seed (朝阳县 2021) and the two 洪泽区 PDFs — go through the
// whole ingest into the warehouse and come out with their published numbers: each equals its
// parse (which pipeline/extract and pipeline/parse hold to the documents), and the seed's
// figures are checked once more against the document itself.
func TestRealReportsInWarehouse(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext (poppler-utils) is needed for the real PDF reports; .ci/run installs it")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	if err := os.MkdirAll(in, 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile := func(src, name string) string {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(in, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return filepath.ToSlash(p)
	}
	seed := copyFile("../../cmd/xxgk/testdata/seed.txt", "seed.txt")
	pdfs := map[string]int{
		copyFile("../decode/testdata/pdf/hongze-2023.pdf", "hongze-2023.pdf"): 2023,
		copyFile("../decode/testdata/pdf/hongze-2024.pdf", "hongze-2024.pdf"): 2024,
	}
	db := filepath.Join(dir, "w.duckdb")
	s := runReal(t, db, in)
	if s.Parsed != 3 || s.Failed != 0 {
		t.Fatalf("parsed %d failed %d, want 3 and 0", s.Parsed, s.Failed)
	}
	rdb := readOnly(t, db)
	reportOf := func(path string) (int64, string, int, string) {
		var id int64
		var region, format string
		var year int
		if err := rdb.QueryRow(`select r.report_id, r.region_code, r.year, r.format from inputs i join reports r using (report_id)
			where i.path = ?`, path).Scan(&id, &region, &year, &format); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return id, region, year, format
	}
	// TestRealPDFs (pipeline/extract) holds each PDF's parse to the fixture typed from the
	// document; here the warehouse must hold exactly that parse.
	for path, year := range pdfs {
		id, region, y, _ := reportOf(path)
		if region != "320813" || y != year {
			t.Errorf("%s: region %s year %d, want 320813 %d", path, region, y, year)
		}
		parsed, err := extract.File(filepath.FromSlash(path), extract.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if d := schemas.DiffNumbers(parsed, fromWarehouse(t, rdb, id)); len(d) > 0 {
			t.Errorf("%s: warehouse differs from the parse:\n  %s", path, strings.Join(d, "\n  "))
		}
	}
	id, region, year, format := reportOf(seed)
	if region != "211321" || year != 2021 || format != "gb2021" {
		t.Errorf("seed: region %s year %d format %s", region, year, format)
	}
	parsed, err := extract.File(filepath.FromSlash(seed), extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := fromWarehouse(t, rdb, id)
	if d := schemas.DiffNumbers(parsed, got); len(d) > 0 {
		t.Errorf("seed: warehouse differs from its parse:\n  %s", strings.Join(d, "\n  "))
	}
	// the published figures, read from the document by hand
	for _, c := range []struct {
		row, col string
		want     int64
	}{{"new_received", "natural_person", 19}, {"new_received", "commercial", 1}, {"new_received", "total", 20},
		{"granted", "total", 8}, {"unavailable_not_held", "total", 11}, {"rejected_petition", "commercial", 1},
		{"total_handled", "total", 20}, {"carried_forward", "total", 0}} {
		var v int64
		if err := rdb.QueryRow(`select `+c.col+` from table3_facts where report_id = ? and row_key = ?`, id, c.row).Scan(&v); err != nil || v != c.want {
			t.Errorf("seed table3 %s.%s = %d (%v), want %d", c.row, c.col, v, err, c.want)
		}
	}
	var issued, repealed, inForce string
	if err := rdb.QueryRow(`select max(value) filter (where measure = 'issued')::varchar, max(value) filter (where measure = 'repealed')::varchar,
		max(value) filter (where measure = 'in_force')::varchar from table2_facts where report_id = ? and item = 'normative_documents'`, id).
		Scan(&issued, &repealed, &inForce); err != nil || issued != "3.0000" || repealed != "9.0000" || inForce != "54.0000" {
		t.Errorf("seed table2 normative_documents = %s/%s/%s (%v), want 3/9/54", issued, repealed, inForce, err)
	}
}
