package rollup_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"xxgk/pipeline/gen"
	"xxgk/pipeline/ingest"
	"xxgk/pipeline/rollup"
	"xxgk/schemas"
)

// The fixture: two prefectures of 辽宁省 (朝阳市, 葫芦岛市), 2020 (gb2019) and 2021 (gb2021, a
// share still in the 2019 template), a few departments and townships, with missing counties and
// injected faults; generated once per test binary, ingested through the real pipeline (decode,
// parse, validate, load, and publish, which builds the models: store.Run.Models = rollup.Apply).
type fixture struct {
	dir  string
	db   string
	cfg  gen.Config
	gold []*schemas.Report
}

var (
	fixOnce sync.Once
	fix     *fixture
	fixErr  error
	tmpRoot string
)

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range []string{tmpRoot, benchDir, levelsDir} {
		if d != "" {
			os.RemoveAll(d)
		}
	}
	os.Exit(code)
}

func fixtureConfig() gen.Config {
	cfg := gen.Defaults()
	cfg.Provinces = []string{"2113", "2114"}
	cfg.FirstYear, cfg.LastYear = 2020, 2021
	cfg.Departments, cfg.Townships = 3, 2
	cfg.MissingShare = 0.15
	cfg.OldTemplateShare = 0.2
	cfg.FaultShare = 0.2
	cfg.Manifest = true
	cfg.Workers = 2
	cfg.Seed = 7
	return cfg
}

func getFixture(t testing.TB) *fixture {
	t.Helper()
	fixOnce.Do(func() {
		tmpRoot, fixErr = os.MkdirTemp("", "rollup-test-")
		if fixErr != nil {
			return
		}
		fix, fixErr = build(tmpRoot, fixtureConfig())
	})
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	return fix
}

func build(dir string, cfg gen.Config) (*fixture, error) {
	ctx := context.Background()
	out := filepath.Join(dir, "corpus")
	if _, err := gen.Generate(ctx, cfg, out); err != nil {
		return nil, err
	}
	f := &fixture{dir: dir, db: filepath.Join(dir, "w.duckdb"), cfg: cfg}
	if _, err := ingest.Run(ctx, ingest.Options{Roots: []string{filepath.Join(out, gen.ReportsDir)}, DB: f.db,
		Workers: 2, Threads: 2, MemoryLimit: "1GB"}); err != nil {
		return nil, err
	}
	err := filepath.WalkDir(filepath.Join(out, gen.GoldDir), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var r schemas.Report
		if err := json.Unmarshal(b, &r); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		f.gold = append(f.gold, &r)
		return nil
	})
	return f, err
}

func open(t testing.TB, f *fixture) *rollup.Reader {
	t.Helper()
	r, err := rollup.Open(context.Background(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Error(err)
		}
	})
	return r
}

func query(t testing.TB, r *rollup.Reader, q string, args ...any) *rollup.Table {
	t.Helper()
	tb, err := r.Query(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", strings.TrimSpace(q), err)
	}
	return tb
}
