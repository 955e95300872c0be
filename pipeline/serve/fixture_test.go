package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"xxgk/pipeline/gen"
	"xxgk/pipeline/ingest"
	"xxgk/schemas"
)

// The fixture: 朝阳市 (2113), 2023 and 2024, generated with known numbers (gold files) and
// ingested through the real pipeline in three runs, so that the warehouse holds what the pages
// must show:
//   - run 1: everything but one county's 2024 reports (held back);
//   - run 2: the held-back reports arrive: they are late;
//   - run 3: one report's file is corrected (a line appended): a second version supersedes the
//     first, whose recorded SHA-256 no longer matches the file at its path.
//
// Expected values come from the gold files and from what the fixture did, never from the
// warehouse through the code under test.
type fixture struct {
	dir     string
	db      string
	reports string                     // the reports root (absolute)
	gold    map[string]*schemas.Report // by source path (absolute, slash-separated, as stored)
	late    string                     // county code whose 2024 reports came late
	// corrected is the path of the file changed before run 3 (its first version is superseded)
	corrected string
}

var (
	fixOnce sync.Once
	fix     *fixture
	fixErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fix != nil {
		os.RemoveAll(fix.dir)
	}
	os.Exit(code)
}

func getFixture(t testing.TB) *fixture {
	t.Helper()
	fixOnce.Do(func() { fix, fixErr = buildFixture() })
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	return fix
}

func buildFixture() (*fixture, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "serve-test-")
	if err != nil {
		return nil, err
	}
	f := &fixture{dir: dir, db: filepath.Join(dir, "w.duckdb"), gold: map[string]*schemas.Report{}}
	cfg := gen.Whole() // bodies of every level: the province's, the prefecture's, the counties'
	cfg.Provinces = []string{"2113"}
	cfg.FirstYear, cfg.LastYear = 2023, 2024
	cfg.Departments, cfg.Townships = 2, 1
	cfg.ProvinceDepartments, cfg.PrefectureDepartments = 2, 2
	cfg.NoBodyShare = 0
	cfg.MissingShare = 0.15
	cfg.OldTemplateShare = 0.2
	cfg.FaultShare = 0.25
	cfg.Manifest = true
	cfg.Workers = 2
	cfg.Seed = 7
	corpus := filepath.Join(dir, "corpus")
	if _, err := gen.Generate(ctx, cfg, corpus); err != nil {
		return f, err
	}
	f.reports = filepath.Join(corpus, gen.ReportsDir)
	run := func() error {
		_, err := ingest.Run(ctx, ingest.Options{Roots: []string{f.reports}, DB: f.db, Workers: 2, Threads: 2, MemoryLimit: "1GB"})
		return err
	}

	// the gold files, keyed by the path the warehouse stores
	err = filepath.WalkDir(filepath.Join(corpus, gen.GoldDir), func(p string, d fs.DirEntry, err error) error {
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
		f.gold[filepath.ToSlash(filepath.Join(f.reports, filepath.FromSlash(r.Source)))] = &r
		return nil
	})
	if err != nil {
		return f, err
	}

	// hold back the 2024 reports of the last county that has them (their directory)
	var held string
	for path, g := range f.gold {
		if g.Year == 2024 && len(g.Region.Code) == 6 && g.Region.Code >= f.late {
			f.late, held = g.Region.Code, filepath.Dir(filepath.FromSlash(path))
		}
	}
	for path, g := range f.gold {
		if strings.HasPrefix(filepath.FromSlash(path), held+string(filepath.Separator)) && g.Region.Code != f.late {
			return f, fmt.Errorf("the held-back directory %s holds %s of %s", held, path, g.Region.Code)
		}
	}
	if held == "" {
		return f, fmt.Errorf("no county report of 2024 to hold back")
	}
	aside := filepath.Join(dir, "held")
	if err := os.Rename(held, aside); err != nil {
		return f, err
	}
	if err := run(); err != nil {
		return f, fmt.Errorf("ingest 1: %w", err)
	}
	if err := os.Rename(aside, held); err != nil {
		return f, err
	}
	if err := run(); err != nil {
		return f, fmt.Errorf("ingest 2: %w", err)
	}

	// correct one complete text report of 2023: a line appended, the numbers unchanged
	var paths []string
	for p, g := range f.gold {
		if g.Year == 2023 && strings.HasSuffix(p, ".txt") && g.Status == schemas.StatusComplete {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	if len(paths) == 0 {
		return f, fmt.Errorf("no complete 2023 text report to correct")
	}
	f.corrected = paths[0]
	fh, err := os.OpenFile(filepath.FromSlash(f.corrected), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return f, err
	}
	if _, err := fh.WriteString("\n（本报告已更正）\n"); err != nil {
		return f, err
	}
	if err := fh.Close(); err != nil {
		return f, err
	}
	if err := run(); err != nil {
		return f, fmt.Errorf("ingest 3: %w", err)
	}
	return f, nil
}

// testServer returns a workbench on the fixture's warehouse behind an httptest server.
func testServer(t testing.TB, o Options) (*Server, *httptest.Server) {
	t.Helper()
	if o.DB == "" {
		o.DB = linkWarehouse(t)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(func() {
		hs.Close()
		s.Close()
	})
	return s, hs
}

// linkWarehouse returns the fixture's warehouse under a path of the test's own (a hard link,
// else a copy). DuckDB keeps one instance per path and process; were an instance of an
// earlier test still shutting down, opening the same path would spin in the driver's instance
// cache (duckdb/duckdb#25965) and hang the test binary instead of failing one test.
func linkWarehouse(t testing.TB) string {
	t.Helper()
	f := getFixture(t)
	p := filepath.Join(t.TempDir(), "w.duckdb")
	if err := os.Link(f.db, p); err == nil {
		return p
	}
	return copyWarehouse(t)
}

// get fetches a path and returns the status and body.
func get(t testing.TB, hs *httptest.Server, path string) (int, string) {
	t.Helper()
	resp, err := hs.Client().Get(hs.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// mustGet fetches a page that must answer 200.
func mustGet(t testing.TB, hs *httptest.Server, path string) string {
	t.Helper()
	code, body := get(t, hs, path)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d\n%.2000s", path, code, body)
	}
	return body
}
