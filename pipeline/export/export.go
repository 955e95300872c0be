// Package export writes the provincial summaries of one province or prefecture and year from
// the published warehouse, read-only: an Excel workbook in the official layout of tables 2, 3
// and 4 summed over the region — every body counted once, at every level — (then 分地区: the
// region's own bodies, each prefecture with its own bodies and its counties; year-over-year;
// coverage of every level; data quality), a self-contained HTML report with inline SVG charts
// and draft sentences for the consolidated report, the same in Markdown, and the facts as CSV
// and hive-partitioned Parquet.
//
// Every figure comes from the analytics views of package queries (analytics.region_years,
// own_body_years, region_table2/3/4, region_yoy, coverage, missing_reports, rule_violations,
// reports): the export sums nothing itself, so what it shows is what an analyst querying the
// warehouse sees. Labels come from the catalogue (schemas.Labels) and the views' sidecars.
//
// The views are read into typed rows (rows.go: RegionYear, Coverage, Violation …, one struct
// per view with col tags, filled by store.Select): a renamed or misspelt column is an error
// naming it, never a blank cell. Counts stay int64 and table 2 values schemas.Dec up to the
// printed text and the workbook cell (Val); rates and year-over-year values are float64, as
// the views compute them.
package export

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"xxgk/pipeline/store"
)

// Formats are the output formats, in the order they are written.
var Formats = []string{"xlsx", "html", "md", "csv", "parquet"}

// Options select what Run writes.
type Options struct {
	DB      string   // the published warehouse
	Region  string   // province (2 digits) or prefecture (4 digits) code
	Year    int      // year reported on
	Out     string   // output directory
	Formats []string // subset of Formats (empty: all)
	CSVBOM  bool     // a UTF-8 BOM on CSV files
	// Version names the program in the document properties (e.g. "xxgk 0.3.0").
	Version string
	// Now is the time stamped on the outputs (zero: time.Now()).
	Now time.Time
	// Threads and MemoryLimit bound DuckDB (the machine is shared).
	Threads     int
	MemoryLimit string
}

// Result lists what Run wrote.
type Result struct {
	Region  string
	Name    string
	Year    int
	Files   []string // paths written (a Parquet dataset is one directory per table)
	Elapsed time.Duration
}

// ErrNotFound is returned for a region or year the warehouse does not hold; the message
// lists what it holds.
var ErrNotFound = errors.New("not in the warehouse")

// Run writes the summaries of o.Region and o.Year into o.Out.
func Run(ctx context.Context, o Options) (res Result, err error) {
	start := time.Now()
	formats, err := checkFormats(o.Formats)
	if err != nil {
		return res, err
	}
	if o.Region == "" || strings.Trim(o.Region, "0123456789") != "" {
		return res, fmt.Errorf("export: region %q: want a division code of digits (21, 2113)", o.Region)
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Out == "" {
		o.Out = "out"
	}
	s, err := store.OpenSession(ctx, o.DB, store.SessionOptions{Threads: o.Threads, MemoryLimit: o.MemoryLimit})
	if err != nil {
		return res, err
	}
	defer func() { err = errors.Join(err, s.Close()) }()
	sum, err := Load(ctx, s, o.Region, o.Year)
	if err != nil {
		return res, err
	}
	sum.Generated = o.Now
	sum.Version = o.Version
	res = Result{Region: sum.Region.Code, Name: sum.Region.Name, Year: sum.Year}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return res, fmt.Errorf("export: %w", err)
	}
	base := filepath.Join(o.Out, fmt.Sprintf("%s_%d_%s", sum.Region.Code, sum.Year, sum.Region.Name))
	for _, f := range formats {
		var files []string
		switch f {
		case "xlsx":
			files = []string{base + ".xlsx"}
			err = WriteXLSX(sum, files[0])
		case "html":
			files = []string{base + ".html"}
			err = writeFile(files[0], func(w *strings.Builder) { writeHTML(w, sum) })
		case "md":
			files = []string{base + ".md"}
			err = writeFile(files[0], func(w *strings.Builder) { writeMarkdown(w, sum) })
		case "csv", "parquet":
			files, err = writeFacts(ctx, s, sum, o.Out, f, o.CSVBOM)
		}
		if err != nil {
			return res, fmt.Errorf("export %s: %w", f, err)
		}
		res.Files = append(res.Files, files...)
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

func checkFormats(fs []string) ([]string, error) {
	if len(fs) == 0 {
		return Formats, nil
	}
	want := map[string]bool{}
	for _, f := range fs {
		f = strings.ToLower(strings.TrimSpace(f))
		if f == "markdown" {
			f = "md"
		}
		ok := false
		for _, k := range Formats {
			ok = ok || k == f
		}
		if !ok {
			return nil, fmt.Errorf("export: unknown format %q (xlsx, html, md, csv, parquet)", f)
		}
		want[f] = true
	}
	var out []string
	for _, k := range Formats {
		if want[k] {
			out = append(out, k)
		}
	}
	return out, nil
}

func writeFile(path string, fill func(*strings.Builder)) error {
	var b strings.Builder
	fill(&b)
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
