package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"xxgk/pipeline/gen"
	annual "xxgk/pipeline/run"
)

// TestRunCommand: xxgk run takes its configuration from the file, XXGK_ variables over the
// file and flags over both; exit statuses 0/1 for a completed run and 3 while another run
// holds the warehouse; xxgk runs lists the records as a table, CSV and JSON.
func TestRunCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := gen.Defaults()
	cfg.Provinces = []string{"211302"}
	cfg.FirstYear, cfg.LastYear = 2022, 2023
	cfg.Departments, cfg.Townships = 1, 1
	cfg.MissingShare = 0
	if _, err := gen.Generate(context.Background(), cfg, filepath.Join(dir, "corpus")); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "w.duckdb")
	cfgPath := filepath.Join(dir, "annual.yaml")
	yaml := fmt.Sprintf(`warehouse: %s
inputs: [%s]
region: "21"
years: [2022, 2023]
workers: 2
duckdb: {threads: 2, memory_limit: 1GB}
export: {out: %s, formats: [csv]}
`, db, filepath.Join(dir, "corpus", gen.ReportsDir), filepath.Join(dir, "out-file"))
	if err := os.WriteFile(cfgPath, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	runCmd := func(args ...string) (string, string) {
		t.Helper()
		out, errs, code := run(t, append([]string{"run", "--config", cfgPath, "--log-format", "json"}, args...)...)
		if code != exitOK && code != exitPartial {
			t.Fatalf("xxgk run %v: exit %d\n%s\n%s", args, code, out, errs)
		}
		return out, errs
	}
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }

	// the file
	out, _ := runCmd()
	if !strings.Contains(out, "运行 run 1") || !exists(filepath.Join(dir, "out-file", "csv", "21_2023_region_years.csv")) {
		t.Fatalf("run from the file:\n%s", out)
	}
	// XXGK_ variables over the file: the output directory and the years
	t.Setenv("XXGK_EXPORT_OUT", filepath.Join(dir, "out-env"))
	t.Setenv("XXGK_YEARS", "2023")
	out, _ = runCmd()
	if !exists(filepath.Join(dir, "out-env", "csv", "21_2023_region_years.csv")) || exists(filepath.Join(dir, "out-env", "csv", "21_2022_region_years.csv")) {
		t.Errorf("XXGK_EXPORT_OUT, XXGK_YEARS not honoured:\n%s", out)
	}
	if !strings.Contains(out, "仓库未变") {
		t.Errorf("second run should not ingest:\n%s", out)
	}
	// flags over the variables
	out, _ = runCmd("--out", filepath.Join(dir, "out-flag"), "--years", "2022")
	if !exists(filepath.Join(dir, "out-flag", "csv", "21_2022_region_years.csv")) || exists(filepath.Join(dir, "out-flag", "csv", "21_2023_region_years.csv")) {
		t.Errorf("--out, --years not honoured:\n%s", out)
	}
	// the same configuration again: nothing to do
	out, _ = runCmd("--out", filepath.Join(dir, "out-flag"), "--years", "2022")
	if !strings.Contains(out, "未重写") {
		t.Errorf("a rerun should leave the outputs:\n%s", out)
	}

	// another run holds the warehouse: exit 3, naming it
	lock, err := annual.Acquire(annual.LockPath(db))
	if err != nil {
		t.Fatal(err)
	}
	_, errs, code := run(t, "run", "--config", cfgPath)
	if err := lock.Release(); err != nil {
		t.Fatal(err)
	}
	if code != exitBusy || !strings.Contains(errs, fmt.Sprintf("another run is in progress (pid %d, since ", os.Getpid())) {
		t.Errorf("busy: exit %d, %q", code, errs)
	}

	// xxgk runs
	out, errs, code = run(t, "runs", "--db", db)
	if code != exitOK || !strings.Contains(out, "status") || strings.Count(out, "\n") != 6 {
		t.Errorf("runs table: exit %d %s\n%s", code, errs, out)
	}
	out, _, _ = run(t, "runs", "--db", db, "--format", "csv")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 5 || recs[0][0] != "run_id" || recs[1][0] != "4" || recs[4][4] != "true" || recs[1][4] != "false" {
		t.Errorf("runs csv: %v\n%s", err, out)
	}
	out, _, _ = run(t, "runs", "--db", db, "--format", "json", "--limit", "1")
	var js []map[string]any
	if err := json.Unmarshal([]byte(out), &js); err != nil || len(js) != 1 || js[0]["run_id"].(float64) != 4 {
		t.Fatalf("runs json: %v\n%s", err, out)
	}
	if outs, _ := js[0]["outputs"].([]any); len(outs) == 0 || js[0]["config_sha256"] == "" {
		t.Errorf("runs json lacks outputs or digest: %v", js[0])
	}
	out, _, _ = run(t, "runs", "--db", db, "--outputs", "--format", "csv", "--limit", "1")
	if !strings.Contains(out, "unchanged") || !strings.Contains(out, "21_2022_region_years.csv") {
		t.Errorf("runs --outputs:\n%s", out)
	}
}
