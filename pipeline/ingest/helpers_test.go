package ingest_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"xxgk/pipeline"
	"xxgk/pipeline/batch"
	"xxgk/pipeline/batch/batchtest"
	"xxgk/pipeline/extract"
	"xxgk/pipeline/ingest"
	"xxgk/pipeline/regions"
	"xxgk/pipeline/store"
	"xxgk/pipeline/validate"
	"xxgk/schemas"
)

// jsonExtract stands in for decode → parse: inputs are reports in the canonical JSON form
// (the validator is the real one).
func jsonExtract(path string, b []byte, o extract.Options) (*schemas.Report, error) {
	if len(b) == 0 {
		return nil, &pipeline.InputError{Path: path, Reason: pipeline.ErrEmpty}
	}
	var r schemas.Report
	if err := json.Unmarshal(b, &r); err != nil || r.Body == "" && r.Title == "" {
		rep := schemas.NewReport(path)
		rep.AddProblem(schemas.Problem{Code: schemas.ProblemNotReport, Message: "不是报告"})
		rep.Status = schemas.StatusFailed
		return rep, nil
	}
	if o.Region != "" {
		if d, ok := regions.Default().County(o.Region); ok {
			r.Region = d.Region(o.RegionMethod)
		}
	}
	validate.Derive(&r)
	r.Checks = validate.Report(&r)
	r.Status = validate.Status(&r)
	return &r, nil
}

// corpus writes n reports as JSON under dir/<prefecture>/<county>/<year>/<body>.json, for
// counties of 朝阳市 and 锦州市, and returns path → report.
func corpus(t testing.TB, dir string, n int, seed int64) map[string]*schemas.Report {
	t.Helper()
	counties := []string{"211302", "211303", "211321", "211322", "211324", "211381", "210703", "210726", "210781"}
	out := map[string]*schemas.Report{}
	for i := 0; i < n; i++ {
		code := counties[i%len(counties)]
		body := i / len(counties)
		year := 2021 + body%3
		r := batchtest.Report(code, year, body, seed+int64(i))
		p := filepath.Join(dir, filepath.FromSlash(fmt.Sprintf("%s/%s/%d/%s.json", r.Region.Prefecture, r.Region.Name, year, r.Body)))
		writeJSON(t, p, r)
		out[p] = r
	}
	return out
}

func writeJSON(t testing.TB, p string, r *schemas.Report) {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func run(t testing.TB, db string, roots ...string) *ingest.Summary {
	t.Helper()
	mem := batch.NewCheckedAllocator()
	s, err := ingest.Run(context.Background(), ingest.Options{Roots: roots, DB: db, Extract: jsonExtract, Allocator: mem,
		Workers: 2, FlushRows: 5000, MemoryLimit: "1GB", Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	if n := mem.CurrentAlloc(); n != 0 {
		t.Errorf("%d bytes of Arrow memory left allocated after the run", n)
	}
	return s
}

func readOnly(t testing.TB, path string) *sql.DB {
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

func fingerprints(t testing.TB, path string, exclude ...string) map[string]store.Fingerprint {
	t.Helper()
	s, err := store.OpenSession(context.Background(), path, store.SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fp, err := store.Fingerprints(context.Background(), s, exclude...)
	if err != nil {
		t.Fatal(err)
	}
	return fp
}

func count(t testing.TB, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}
