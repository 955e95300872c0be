package ingest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"xxgk/pipeline/gen"
)

// TestJunkDirectory ingests a directory of 10,000 files that are not reports next to a few
// good ones: the good ones load, every junk file is recorded with its reason, the summary
// stays short, the status is partial.
func TestJunkDirectory(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 files")
	}
	dir := t.TempDir()
	cfg := smallProvince()
	cfg.Limit = 5
	generate(t, filepath.Join(dir, "out"), cfg)
	junk := filepath.Join(dir, "out", gen.ReportsDir, "junk")
	must(t, os.MkdirAll(junk, 0o755))
	for i := 0; i < 10000; i++ {
		var b []byte
		switch i % 4 {
		case 0:
			b = []byte{0x00, 0x01, 0x02, 0xff, byte(i), byte(i >> 8)}
		case 1:
			b = []byte(fmt.Sprintf("会议纪要第%d号：今天讨论了食堂的菜单。", i))
		case 2:
			b = []byte(fmt.Sprintf("<html><body><p>通知 %d</p></body></html>", i))
		case 3:
			b = nil
		}
		must(t, os.WriteFile(filepath.Join(junk, fmt.Sprintf("f%05d.txt", i)), b, 0o644))
	}
	db := filepath.Join(dir, "w.duckdb")
	s := runReal(t, db, filepath.Join(dir, "out", gen.ReportsDir))
	if s.Parsed != 5 || s.InputsFailed != 10000 || s.Status() != "partial" {
		t.Errorf("parsed %d failed %d status %s", s.Parsed, s.InputsFailed, s.Status())
	}
	if len(s.Failures) > 1000 || s.Total(&s.Failures) != 10000 {
		t.Errorf("failure list keeps %d, counts %d", len(s.Failures), s.Total(&s.Failures))
	}
	var out strings.Builder
	must(t, s.Write(&out))
	if n := strings.Count(out.String(), "\n"); n > 80 {
		t.Errorf("summary of %d lines", n)
	}
	rdb := readOnly(t, db)
	if n := count(t, rdb, `select count(*) from failed_inputs`); n != 10000 {
		t.Errorf("%d failed_inputs rows", n)
	}
	rows, err := rdb.Query(`select reason, count(*) from failed_inputs group by reason order by reason`)
	must(t, err)
	defer rows.Close()
	for rows.Next() {
		var r string
		var n int
		must(t, rows.Scan(&r, &n))
		t.Logf("%6d %s", n, r)
	}
}
