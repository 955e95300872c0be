package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// run executes the CLI in-process and returns stdout, stderr and the exit status main would use.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	root := newRoot()
	var out, errb bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs(args)
	err := root.Execute()
	code := exitOK
	if err != nil {
		code = exitFailed
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
		}
		if ee == nil || ee.err != nil {
			errb.WriteString(err.Error())
		}
	}
	return out.String(), errb.String(), code
}

func TestParseSeedJSON(t *testing.T) {
	out, stderr, code := run(t, "parse", "--json", "testdata/seed.txt")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out)
	}
	for _, k := range []string{"year", "format", "scope", "body", "title", "region", "table2", "table3", "table4", "fees_collected_yuan", "cells", "checks", "problems"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks key %q", k)
		}
	}
	if m["year"].(float64) != 2021 || m["format"] != "gb2021" {
		t.Errorf("year/format = %v/%v", m["year"], m["format"])
	}
	region := m["region"].(map[string]any)
	if region["code"] != "211321" || region["method"] != "text" {
		t.Errorf("region = %v", region)
	}
	t3 := m["table3"].(map[string]any)
	if got := t3["new_received"].(map[string]any)["total"]; got != 20.0 {
		t.Errorf("table3.new_received.total = %v", got)
	}
	if len(m["checks"].([]any)) != 0 {
		t.Errorf("checks = %v", m["checks"])
	}
}

func TestParseSummaryShowsNumbers(t *testing.T) {
	out, _, code := run(t, "parse", "testdata/seed.txt")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"年度 2021", "格式 gb2021", "211321 朝阳县", "行政规范性文件：本年制发件数 3，本年废止件数 9，现行有效件数 54", "无违规"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}

func TestParseBadInputsDoNotStopTheOthers(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := write("empty.txt", nil)
	junk := write("junk.bin", append([]byte{0x89, 'P', 'N', 'G', 0, 0, 0, 1}, bytes.Repeat([]byte{0, 1, 2, 3}, 500)...))
	news := write("news.txt", []byte("今日天气晴，气温十五度。\n本市举办马拉松比赛，数万人参加。\n"))
	out, stderr, code := run(t, "parse", "--json", empty, junk, "testdata/seed.txt", news)
	if code != exitPartial {
		t.Errorf("exit %d, want %d", code, exitPartial)
	}
	for _, p := range []string{empty, junk, news} {
		if !strings.Contains(stderr, p) {
			t.Errorf("stderr does not name %s:\n%s", p, stderr)
		}
	}
	// the seed still parsed, and the news page is reported (JSON with status failed)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 JSON lines (seed, news), got %d:\n%s", len(lines), out)
	}
	if !strings.Contains(lines[0], `"status":"complete"`) || !strings.Contains(lines[1], `"status":"failed"`) {
		t.Errorf("statuses wrong:\n%s", out)
	}
}

func TestParseUnknownRegionFlag(t *testing.T) {
	_, stderr, code := run(t, "parse", "--region", "999999", "testdata/seed.txt")
	if code != exitFailed || !strings.Contains(stderr, "999999") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestConfigShowAndUnknownKey(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(p, []byte("warehouse: /srv/xxgk.duckdb\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XXGK_WORKERS", "7")
	out, _, code := run(t, "--config", p, "config", "show")
	if code != exitOK || !strings.Contains(out, "warehouse: /srv/xxgk.duckdb") || !strings.Contains(out, "workers: 7") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if err := os.WriteFile(p, []byte("warehous: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := run(t, "--config", p, "config", "show")
	if code != exitFailed || !strings.Contains(stderr, "warehous") {
		t.Errorf("unknown key: exit %d, stderr %q", code, stderr)
	}
}

// A shared flag not given on the command line takes its configured value; a given one wins.
func TestSharedFlagsFollowConfig(t *testing.T) {
	root := newRoot()
	root.SetArgs([]string{"config", "show"})
	t.Setenv("XXGK_WAREHOUSE", "/tmp/from-env.duckdb")
	var seen string
	for _, c := range root.Commands() {
		if c.Name() != "ingest" {
			continue
		}
		c.RunE = func(cmd *cobra.Command, args []string) error {
			seen = cmd.Flags().Lookup("db").Value.String()
			return nil
		}
	}
	root.SetArgs([]string{"ingest", "x"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if seen != "/tmp/from-env.duckdb" {
		t.Errorf("--db = %q, want the environment's value", seen)
	}
	root.SetArgs([]string{"ingest", "--db", "/tmp/flag.duckdb", "x"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if seen != "/tmp/flag.duckdb" {
		t.Errorf("--db = %q, want the flag's value", seen)
	}
}

// A command's own flag that shares a name with a configured one but means something else
// (gen's --manifest switch) is left alone.
func TestGenWithSameNamedFlag(t *testing.T) {
	out := t.TempDir()
	_, stderr, code := run(t, "gen", "--province", "211321", "--years", "2021", "--departments", "1", "--townships", "1",
		"--limit", "3", "--manifest", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "manifest.csv")); err != nil {
		t.Errorf("no manifest written: %v", err)
	}
	_, stderr, code = run(t, "gen", "--province", "211321", "--years", "2021", "--limit", "2", "--out", filepath.Join(out, "b"))
	if code != exitOK {
		t.Fatalf("without --manifest: exit %d: %s", code, stderr)
	}
}
