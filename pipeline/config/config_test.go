package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"xxgk/configs"
)

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaults(t *testing.T) {
	c, err := Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, Default()) {
		t.Errorf("Load with nothing = %+v, want defaults %+v", c, Default())
	}
}

// The example file names every key with its default value: loading it gives the defaults.
func TestExampleDocumentsEveryKey(t *testing.T) {
	if err := checkKeys(configs.Example); err != nil {
		t.Fatalf("example.yaml: %v", err)
	}
	p := writeFile(t, string(configs.Example))
	c, err := Load(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, Default()) {
		t.Errorf("example.yaml values differ from the defaults:\n got %+v\nwant %+v", c, Default())
	}
	for _, k := range Keys() {
		leaf := k[strings.LastIndex(k, ".")+1:]
		if !strings.Contains(string(configs.Example), leaf+":") {
			t.Errorf("example.yaml does not document %s", k)
		}
	}
}

func TestPrecedenceFileEnvFlag(t *testing.T) {
	p := writeFile(t, "warehouse: file.duckdb\nworkers: 3\nduckdb:\n  threads: 1\n  memory_limit: 1GB\n")
	t.Setenv("XXGK_WORKERS", "5")
	t.Setenv("XXGK_DUCKDB_MEMORY_LIMIT", "3GB")
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	db := fs.String("db", "flag-default.duckdb", "")
	fs.String("memory-limit", "", "")
	if err := fs.Parse([]string{"--db", "flag.duckdb"}); err != nil {
		t.Fatal(err)
	}
	_ = db
	c, err := Load(p, map[string]*pflag.Flag{"warehouse": fs.Lookup("db"), "duckdb.memory_limit": fs.Lookup("memory-limit")})
	if err != nil {
		t.Fatal(err)
	}
	if c.Warehouse != "flag.duckdb" {
		t.Errorf("warehouse = %q: a set flag wins over the file", c.Warehouse)
	}
	if c.Workers != 5 {
		t.Errorf("workers = %d: the environment wins over the file", c.Workers)
	}
	if c.DuckDB.MemoryLimit != "3GB" {
		t.Errorf("memory_limit = %q: an unset flag must not override the environment", c.DuckDB.MemoryLimit)
	}
	if c.DuckDB.Threads != 1 {
		t.Errorf("threads = %d: the file wins over the default", c.DuckDB.Threads)
	}
}

func TestEnvLists(t *testing.T) {
	for _, sep := range []string{",", " "} {
		t.Setenv("XXGK_YEARS", "2023"+sep+"2024")
		t.Setenv("XXGK_EXPORT_FORMATS", "csv"+sep+"xlsx")
		c, err := Load("", nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(c.Years, []int{2023, 2024}) || !reflect.DeepEqual(c.Export.Formats, []string{"csv", "xlsx"}) {
			t.Errorf("sep %q: years %v formats %v", sep, c.Years, c.Export.Formats)
		}
	}
}

func TestUnknownKeysRejected(t *testing.T) {
	for body, want := range map[string]string{
		"warehose: x.duckdb\n":           "warehose",
		"duckdb:\n  thread: 2\n":         "duckdb.thread",
		"export:\n  format: [csv]\n":     "export.format",
		"warehouse: a\nnonsense: true\n": "nonsense",
	} {
		_, err := Load(writeFile(t, body), nil)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want it to name %q", body, err, want)
		}
	}
}

func TestBadValues(t *testing.T) {
	for body, want := range map[string]string{
		"log_format: xml\n":           "log_format",
		"export:\n  formats: [pdf]\n": "pdf",
		"compare: [\"2024-2023\"]\n":  "2024-2023",
		"workers: -1\n":               "workers",
		"workers: many\n":             "workers",
	} {
		_, err := Load(writeFile(t, body), nil)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want it to mention %q", body, err, want)
		}
	}
	if _, err := Load(filepath.Join(t.TempDir(), "absent.yaml"), nil); err == nil {
		t.Error("a named config file that does not exist must be an error")
	}
}

// Per-file limits come from the file or the environment as durations and sizes; bad ones are
// refused with the key named.
func TestLimits(t *testing.T) {
	p := writeFile(t, "limits:\n  cpu_per_file: 45s\n  wall_per_file: 3m\n  worker_memory: 512MB\n")
	t.Setenv("XXGK_LIMITS_IN_PROCESS", "1m")
	c, err := Load(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Limits.CPUPerFile != 45*time.Second || c.Limits.WallPerFile != 3*time.Minute || c.Limits.InProcess != time.Minute || !c.Limits.Isolate {
		t.Errorf("limits = %+v", c.Limits)
	}
	if n, err := c.Limits.WorkerMemoryBytes(); err != nil || n != 512<<20 {
		t.Errorf("worker_memory 512MB = %d, %v", n, err)
	}
	for _, bad := range []string{"limits:\n  cpu_per_file: 0s\n", "limits:\n  worker_memory: lots\n", "limits:\n  worker_memory: 1MB\n"} {
		if _, err := Load(writeFile(t, bad), nil); err == nil || !strings.Contains(err.Error(), "limits.") {
			t.Errorf("%q: err = %v, want one naming limits.…", bad, err)
		}
	}
}
