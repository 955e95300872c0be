// Package config is xxgk's configuration: a typed Config with a default for every key, read by
// a fresh viper instance from a YAML file, XXGK_ environment variables and command-line flags,
// in that order of precedence (flags win). Unknown keys are rejected with the key named.
// configs/example.yaml documents every key with its default; a test keeps the two in step.
package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"
)

// Config is every setting of xxgk.
type Config struct {
	// Warehouse is the published DuckDB file.
	Warehouse string `mapstructure:"warehouse" yaml:"warehouse"`
	// Inputs are the files and directories ingested when no paths are given on the command line.
	Inputs []string `mapstructure:"inputs" yaml:"inputs"`
	// Manifest is a CSV (path,region_code,year,scope,body); empty: manifest.csv in or above an input.
	Manifest string `mapstructure:"manifest" yaml:"manifest"`
	// RegionsDir holds provinces.csv, cities.csv, areas.csv; empty: the registry built in.
	RegionsDir string `mapstructure:"regions_dir" yaml:"regions_dir"`
	// Workers parse in parallel; 0: one per core.
	Workers int `mapstructure:"workers" yaml:"workers"`
	// LogFormat: auto (text on a terminal, JSON otherwise), text or json.
	LogFormat string `mapstructure:"log_format" yaml:"log_format"`
	DuckDB    DuckDB `mapstructure:"duckdb" yaml:"duckdb"`
	// Region is the province or prefecture code the annual run summarises (e.g. "21").
	Region string `mapstructure:"region" yaml:"region"`
	// Years the annual run summarises; empty: every year in the warehouse.
	Years []int `mapstructure:"years" yaml:"years"`
	// Compare lists year pairs "FROM-TO" for the year-over-year comparison; empty: each year
	// against the one before.
	Compare []string `mapstructure:"compare" yaml:"compare"`
	Export  Export   `mapstructure:"export" yaml:"export"`
	Limits  Limits   `mapstructure:"limits" yaml:"limits"`
}

// Limits bound what one input file may cost (package extract): a file past a limit is recorded
// as failed with that reason and the batch goes on.
type Limits struct {
	// Isolate decodes PDF, Word and .doc/.wps files in worker processes (a fatal error in a
	// reader then costs only that file). Turn off only where processes cannot be started.
	Isolate bool `mapstructure:"isolate" yaml:"isolate"`
	// CPUPerFile is the CPU time a decoding worker may spend on one file.
	CPUPerFile time.Duration `mapstructure:"cpu_per_file" yaml:"cpu_per_file"`
	// WallPerFile is the wall-clock time one file may take in a decoding worker.
	WallPerFile time.Duration `mapstructure:"wall_per_file" yaml:"wall_per_file"`
	// InProcess is the wall-clock time the in-process part of a read (text and HTML decoding,
	// parsing) may take.
	InProcess time.Duration `mapstructure:"in_process" yaml:"in_process"`
	// WorkerMemory is each decoding worker's memory (e.g. 1GB); empty: half the memory
	// available shared by the workers, 256 MB–1 GB each.
	WorkerMemory string `mapstructure:"worker_memory" yaml:"worker_memory"`
}

// DuckDB settings.
type DuckDB struct {
	Threads     int    `mapstructure:"threads" yaml:"threads"`           // 0: DuckDB's default (all cores)
	MemoryLimit string `mapstructure:"memory_limit" yaml:"memory_limit"` // e.g. 2GB
}

// Export settings.
type Export struct {
	Formats []string `mapstructure:"formats" yaml:"formats"` // xlsx, html, md, csv, parquet
	Out     string   `mapstructure:"out" yaml:"out"`         // output directory
	CSVBOM  bool     `mapstructure:"csv_bom" yaml:"csv_bom"` // a UTF-8 BOM on CSV files (Excel on Windows)
}

// Default returns the configuration every key falls back to.
func Default() Config {
	return Config{
		Warehouse: "data/xxgk.duckdb",
		Inputs:    []string{},
		LogFormat: "auto",
		DuckDB:    DuckDB{MemoryLimit: "2GB"},
		Years:     []int{},
		Compare:   []string{},
		Export:    Export{Formats: []string{"xlsx", "html", "md", "csv", "parquet"}, Out: "out"},
		Limits:    Limits{Isolate: true, CPUPerFile: 30 * time.Second, WallPerFile: 150 * time.Second, InProcess: 30 * time.Second},
	}
}

// EnvPrefix is the prefix of environment variables: XXGK_WAREHOUSE, XXGK_DUCKDB_THREADS …
const EnvPrefix = "XXGK"

// Load reads the configuration: defaults, then the file (if path is not empty; a missing
// file named explicitly is an error), then XXGK_ variables, then the flags of fs that were
// set on the command line and are bound with Bind. Unknown keys in the file are rejected.
func Load(path string, flags map[string]*pflag.Flag) (Config, error) {
	v := viper.New()
	def := Default()
	for k, val := range flatten(def) {
		v.SetDefault(k, val)
	}
	v.SetEnvPrefix(EnvPrefix)
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return Config{}, fmt.Errorf("配置文件 %s: %w", path, err)
		}
		if err := checkKeys(b); err != nil {
			return Config{}, fmt.Errorf("配置文件 %s: %w", path, err)
		}
		v.SetConfigType("yaml")
		if err := v.ReadConfig(strings.NewReader(string(b))); err != nil {
			return Config{}, fmt.Errorf("配置文件 %s: %w", path, err)
		}
	}
	for key, f := range flags {
		if f != nil && f.Changed {
			if err := v.BindPFlag(key, f); err != nil {
				return Config{}, fmt.Errorf("flag --%s: %w", f.Name, err)
			}
		}
	}
	var c Config
	err := v.UnmarshalExact(&c, func(dc *mapstructure.DecoderConfig) {
		dc.DecodeHook = mapstructure.ComposeDecodeHookFunc(splitLists, mapstructure.StringToTimeDurationHookFunc())
		dc.WeaklyTypedInput = true
	})
	if err != nil {
		return Config{}, fmt.Errorf("配置: %w", err)
	}
	return c, c.Validate()
}

// Validate checks values that have a fixed set of choices.
func (c Config) Validate() error {
	var errs []error
	switch c.LogFormat {
	case "auto", "text", "json":
	default:
		errs = append(errs, fmt.Errorf("log_format %q: 应为 auto、text 或 json", c.LogFormat))
	}
	if c.Warehouse == "" {
		errs = append(errs, errors.New("warehouse: 不能为空"))
	}
	if c.Workers < 0 || c.DuckDB.Threads < 0 {
		errs = append(errs, errors.New("workers, duckdb.threads: 不能为负数"))
	}
	for _, f := range c.Export.Formats {
		switch f {
		case "xlsx", "html", "md", "csv", "parquet":
		default:
			errs = append(errs, fmt.Errorf("export.formats: 未知格式 %q（可选 xlsx、html、md、csv、parquet）", f))
		}
	}
	if c.Limits.CPUPerFile <= 0 || c.Limits.WallPerFile <= 0 || c.Limits.InProcess <= 0 {
		errs = append(errs, errors.New("limits.cpu_per_file, limits.wall_per_file, limits.in_process: 应为正的时长，如 30s"))
	}
	if _, err := c.Limits.WorkerMemoryBytes(); err != nil {
		errs = append(errs, err)
	}
	for _, p := range c.Compare {
		var a, b int
		if n, _ := fmt.Sscanf(p, "%d-%d", &a, &b); n != 2 || a >= b {
			errs = append(errs, fmt.Errorf("compare %q: 应为“较早年份-较晚年份”，如 2023-2024", p))
		}
	}
	return errors.Join(errs...)
}

// WorkerMemoryBytes is limits.worker_memory in bytes (0 when empty: the automatic share).
// Units: B, KB, MB, GB (powers of 1024, as DuckDB's memory_limit reads them).
func (l Limits) WorkerMemoryBytes() (int64, error) {
	s := strings.ToUpper(strings.TrimSpace(l.WorkerMemory))
	if s == "" || s == "0" {
		return 0, nil
	}
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("limits.worker_memory %q: 应为如 512MB、1GB 的大小", l.WorkerMemory)
	}
	if n*mult < 64<<20 {
		return 0, fmt.Errorf("limits.worker_memory %q: 至少 64MB", l.WorkerMemory)
	}
	return n * mult, nil
}

// Keys returns every configuration key in dotted form, sorted.
func Keys() []string {
	var ks []string
	for k := range flatten(Default()) {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// YAML renders c as YAML (for `xxgk config show`).
func (c Config) YAML() string {
	b, err := yaml.Marshal(c)
	if err != nil {
		return fmt.Sprintf("# %v\n", err)
	}
	return string(b)
}

// checkKeys rejects keys the Config does not have, naming each (viper lower-cases keys and
// would otherwise ignore a misspelt one silently).
func checkKeys(b []byte) error {
	var raw map[string]any
	if err := yaml.Unmarshal(b, &raw); err != nil {
		return err
	}
	known := map[string]bool{}
	for _, k := range Keys() {
		known[k] = true
		for p := k; strings.Contains(p, "."); {
			p = p[:strings.LastIndex(p, ".")]
			known[p] = true
		}
	}
	var bad []string
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, val := range m {
			key := strings.ToLower(prefix + k)
			if !known[key] {
				bad = append(bad, key)
				continue
			}
			if sub, ok := val.(map[string]any); ok {
				walk(key+".", sub)
			}
		}
	}
	walk("", raw)
	if len(bad) > 0 {
		sort.Strings(bad)
		return fmt.Errorf("未知的配置项 %s（可用的配置项见 configs/example.yaml）", strings.Join(bad, ", "))
	}
	return nil
}

// splitLists lets a list be given as one string (an environment variable or a flag):
// "2023,2024" or "2023 2024".
func splitLists(from, to reflect.Type, data any) (any, error) {
	s, ok := data.(string)
	if !ok || from.Kind() != reflect.String || to.Kind() != reflect.Slice {
		return data, nil
	}
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }), nil
}

// flatten lists the leaf keys of a config struct with their values, in dotted form.
func flatten(c Config) map[string]any {
	out := map[string]any{}
	var walk func(prefix string, v reflect.Value)
	walk = func(prefix string, v reflect.Value) {
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			key := prefix + t.Field(i).Tag.Get("mapstructure")
			if v.Field(i).Kind() == reflect.Struct {
				walk(key+".", v.Field(i))
				continue
			}
			out[key] = v.Field(i).Interface()
		}
	}
	walk("", reflect.ValueOf(c))
	return out
}
