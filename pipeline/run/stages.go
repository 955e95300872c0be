package run

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"xxgk/pipeline/store"

	"xxgk/pipeline/export"
	"xxgk/pipeline/progress"
	"xxgk/pipeline/rollup"
)

// reader is the run's read-only session on the published warehouse. DuckDB refuses a second
// connection with other settings to a file in the same process, so it is closed before the
// exports (which open their own session) and the record.
type reader struct {
	*rollup.Reader
	closed bool
}

// openReader opens the published warehouse read-only; threads (0: DuckDB's default) is set
// at open: the session's configuration is locked afterwards.
func openReader(ctx context.Context, path string, threads int) (*reader, error) {
	s, err := store.OpenSession(ctx, path, store.SessionOptions{Threads: threads})
	if err != nil {
		return nil, fmt.Errorf("run: %w", err)
	}
	return &reader{Reader: rollup.New(s)}, nil
}

func (rd *reader) close() {
	if !rd.closed {
		rd.closed = true
		_ = rd.Close()
	}
}

// plan is what the run summarises: regions (the configured one, else every province with
// reports) and, per region, the years (the configured ones, else every year it has reports of
// record), and the comparison pairs.
type plan struct {
	regions []string
	years   map[string][]int
	pairs   [][2]int
}

func (p *plan) allYears() []int {
	seen := map[int]bool{}
	var out []int
	for _, ys := range p.years {
		for _, y := range ys {
			if !seen[y] {
				seen[y] = true
				out = append(out, y)
			}
		}
	}
	sort.Ints(out)
	return out
}

func (r *runner) plan(ctx context.Context, rd *reader) (*plan, error) {
	c := r.c
	p := &plan{years: map[string][]int{}}
	if ok, err := rd.HasModels(ctx); err != nil {
		return nil, fmt.Errorf("run: %w", err)
	} else if !ok {
		return nil, fmt.Errorf("run: the warehouse %s has no analytics views: run `xxgk views --refresh --db %s`", c.Warehouse, c.Warehouse)
	}
	if c.Region != "" {
		p.regions = []string{c.Region}
	} else {
		var err error
		p.regions, err = store.QueryColumn[string](ctx, rd.Session, `select distinct region_code from analytics.region_years
			where level = 'province' order by region_code`)
		if err != nil {
			return nil, fmt.Errorf("run: %w", err)
		}
	}
	for _, reg := range p.regions {
		if len(c.Years) > 0 {
			p.years[reg] = append([]int(nil), c.Years...)
			sort.Ints(p.years[reg])
			continue
		}
		ys, err := store.QueryColumn[int](ctx, rd.Session, `select distinct year from analytics.region_years where region_code = ? order by year`, reg)
		if err != nil {
			return nil, fmt.Errorf("run: %w", err)
		}
		p.years[reg] = append(p.years[reg], ys...)
		if len(p.years[reg]) == 0 {
			r.problem("region %s: no report of record in the warehouse", reg)
		}
	}
	if len(c.Compare) > 0 {
		for _, s := range c.Compare {
			var a, b int
			fmt.Sscanf(s, "%d-%d", &a, &b)
			p.pairs = append(p.pairs, [2]int{a, b})
		}
	} else {
		ys := p.allYears()
		for i := 1; i < len(ys); i++ {
			if ys[i] == ys[i-1]+1 {
				p.pairs = append(p.pairs, [2]int{ys[i-1], ys[i]})
			}
		}
	}
	return p, nil
}

// problem notes something that makes the run partial.
func (r *runner) problem(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	r.rec.Problems = append(r.rec.Problems, msg)
	r.log.Warn(msg)
}

// inScope is a SQL condition on a division code column (any level) and a year column for the plan.
func inScope(p *plan, codeCol, yearCol string) string {
	var or []string
	for _, reg := range p.regions {
		ys := p.years[reg]
		if len(ys) == 0 {
			continue
		}
		or = append(or, fmt.Sprintf("(starts_with(coalesce(%s, ''), '%s') and %s in (%s))", codeCol, digits(reg), yearCol, joinYears(ys)))
	}
	if len(or) == 0 {
		return "false"
	}
	return strings.Join(or, " or ")
}

// digits keeps the digits of a division code (it is embedded in SQL).
func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// validate runs the data tests and audits of the SQL models and counts the rule violations of
// the reports of record in scope.
func (r *runner) validate(ctx context.Context, rd *reader, p *plan) error {
	var fails []rollup.Failure
	last := r.st.last
	reuse := !r.rec.Changed && last != nil && last.IngestRunID == r.st.ingestRun && last.Version == r.rec.Version &&
		last.ProblemCount >= 0
	if reuse {
		// the same warehouse and the same xxgk: the same results as the last run's (its failing
		// tests are read back from ops.problem_sightings)
		r.rec.TestFailures = last.TestFailures
		r.log.Info("data tests not rerun: the warehouse is the one run "+strconv.FormatInt(last.ID, 10)+" tested",
			"test_failures", last.TestFailures)
	} else {
		var err error
		var ran, tests int
		fails, err = rollup.RunTestsProgress(ctx, rd, func(done, total int) {
			ran, tests = done, total
			r.progress(progress.StageValidate, done, total, "项", false)
		})
		r.progress(progress.StageValidate, ran, tests, "项", true)
		if err != nil {
			return fmt.Errorf("run: validate: %w", err)
		}
		r.rec.TestFailures = len(fails)
		for _, f := range fails {
			r.log.Warn("data test failed", "model", f.Model, "test", f.Test, "rows", f.Rows)
		}
	}
	n, err := store.QueryValue[int64](ctx, rd.Session, `select count(*) from analytics.rule_violations where `+inScope(p, "region_code", "year"))
	if err != nil {
		return fmt.Errorf("run: validate: %w", err)
	}
	r.rec.Violations = int(n)
	if err := r.problems(ctx, rd, p, fails, reuse); err != nil {
		return err
	}
	r.assessed = true
	r.logProblems()
	return nil
}

// headline is what the run logs of a region's year (analytics.region_years).
type headline struct {
	_              struct{} `view:"analytics.region_years"`
	RegionName     *string  `col:"region_name"`
	CountyCount    int64    `col:"county_count"`
	ReportCount    int64    `col:"report_count"`
	RequestsCount  *int64   `col:"requests_count"`
	HandledCount   *int64   `col:"handled_count"`
	DisclosureRate *float64 `col:"disclosure_rate"`
}

// logged is a nullable column as logged: its value, or "" for NULL.
func logged[T any](p *T) any {
	if p == nil {
		return ""
	}
	return *p
}

// rollups logs the headline figures of each region and year, and notes a configured year
// without reports.
func (r *runner) rollups(ctx context.Context, rd *reader, p *plan) error {
	for _, reg := range p.regions {
		for _, y := range p.years[reg] {
			hs, err := store.Select[headline](ctx, rd.Session, `where region_code = ? and year = ?`, reg, y)
			if err != nil {
				return fmt.Errorf("run: rollups: %w", err)
			}
			if len(hs) == 0 {
				r.problem("region %s year %d: no report of record", reg, y)
				continue
			}
			h := hs[0]
			r.log.Info("rollup", "region", reg, "name", logged(h.RegionName), "year", y, "counties", h.CountyCount, "reports", h.ReportCount,
				"requests", logged(h.RequestsCount), "handled", logged(h.HandledCount), "disclosure_rate", logged(h.DisclosureRate))
		}
	}
	return nil
}

// outputsStale says whether the outputs must be regenerated, and why.
func (r *runner) outputsStale() (bool, string) {
	last := r.st.last
	switch {
	case r.rec.Changed:
		return true, "the warehouse changed"
	case last == nil:
		return true, "no earlier completed run"
	case last.IngestRunID != r.st.ingestRun:
		return true, fmt.Sprintf("the warehouse version (%d) is not the one of the last run's outputs (%d)", r.st.ingestRun, last.IngestRunID)
	case last.ConfigSHA256 != r.rec.ConfigSHA256:
		return true, "the configuration changed"
	case last.Version != r.rec.Version:
		return true, "xxgk was upgraded (" + last.Version + ")"
	case last.AcksSHA256 != r.rec.AcksSHA256:
		return true, "the acknowledgements changed (xxgk ack): the outputs show them"
	case len(last.Outputs) == 0:
		return true, "the last run wrote no output"
	}
	for _, o := range last.Outputs {
		sha, _, err := hashFile(o.Path)
		if err != nil {
			return true, "output missing: " + o.Path
		}
		if sha != o.SHA256 {
			return true, "output altered: " + o.Path
		}
	}
	return false, "the warehouse and the configuration are unchanged and every output is in place"
}

// stagingPrefix names the staging directories inside the output directory (hidden: an ingest
// of a tree containing them skips them).
const stagingPrefix = ".xxgk-run-"

// outputs writes the comparisons and the exports into a staging directory, then moves each
// file whose bytes differ from the published one into place.
func (r *runner) outputs(ctx context.Context, rd *reader, p *plan) (err error) {
	c := r.c
	out := c.Export.Out
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("run: output directory: %w", err)
	}
	stale, _ := filepath.Glob(filepath.Join(out, stagingPrefix+"*"))
	for _, s := range stale { // left by a killed run; we hold the run lock
		if err := os.RemoveAll(s); err != nil {
			return fmt.Errorf("run: remove stale staging directory: %w", err)
		}
	}
	staging, err := os.MkdirTemp(out, stagingPrefix)
	if err != nil {
		return fmt.Errorf("run: staging directory: %w", err)
	}
	defer func() { err = errors.Join(err, os.RemoveAll(staging)) }()

	// progress: every comparison and every region-year's export
	steps, done := 0, 0
	for _, reg := range p.regions {
		steps += len(p.pairs) + len(p.years[reg])
	}
	step := func() {
		done++
		r.progress(progress.StageExport, done, steps, "个", false)
	}
	defer func() { r.progress(progress.StageExport, done, steps, "个", true) }()

	r.stage(StageCompare)
	t := time.Now()
	n := 0
	for _, reg := range p.regions {
		for _, pair := range p.pairs {
			if !contains(p.years[reg], pair[0]) || !contains(p.years[reg], pair[1]) {
				r.problem("compare %d-%d: region %s lacks one of the years", pair[0], pair[1], reg)
				continue
			}
			if err := r.compare(ctx, rd, staging, reg, pair); err != nil {
				if errors.Is(err, rollup.ErrNotFound) {
					r.problem("compare %s %d-%d: %v", reg, pair[0], pair[1], err)
					continue
				}
				return fmt.Errorf("run: compare: %w", err)
			}
			n++
			step()
		}
	}
	r.log.Info("stage done", "stage", StageCompare, "pairs", n, "elapsed", since(t))
	rd.close()

	r.stage(StageExport)
	t = time.Now()
	stamp := r.st.ingestAt
	if stamp.IsZero() {
		stamp = r.rec.Started
	}
	for _, reg := range p.regions {
		for _, y := range p.years[reg] {
			ty := time.Now()
			res, err := export.Run(ctx, export.Options{DB: c.Warehouse, Region: reg, Year: y, Out: staging, Formats: c.Export.Formats,
				CSVBOM: c.Export.CSVBOM, Version: r.rec.Version, Now: stamp, Threads: c.DuckDB.Threads, MemoryLimit: c.DuckDB.MemoryLimit})
			if err != nil {
				if ctx.Err() != nil {
					return fmt.Errorf("run: export: %w", err)
				}
				r.problem("export %s %d: %v", reg, y, err)
				step()
				continue
			}
			step()
			r.log.Info("exported", "region", reg, "name", res.Name, "year", y, "files", len(res.Files), "elapsed", since(ty))
		}
	}
	if err := r.install(staging, out); err != nil {
		return err
	}
	r.log.Info("stage done", "stage", StageExport, "outputs", len(r.rec.Outputs), "written", r.rec.Written, "elapsed", since(t))
	return nil
}

func contains(ys []int, y int) bool {
	for _, v := range ys {
		if v == y {
			return true
		}
	}
	return false
}

// compare writes the year-over-year comparison of one region and pair for the region's level
// and the levels below it: compare/<region>_<from>-<to>.csv.
func (r *runner) compare(ctx context.Context, rd *reader, dir, reg string, pair [2]int) error {
	known, err := rd.Measures(ctx)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, m := range known {
		have[m] = true
	}
	var measures []string
	for _, m := range rollup.RollupColumns {
		if have[m] {
			measures = append(measures, m)
		}
	}
	levels := rollup.Levels
	switch len(reg) {
	case 4:
		levels = levels[1:]
	case 6:
		levels = levels[2:]
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	header := false
	for _, level := range levels {
		all, _, err := rd.Compare(ctx, rollup.CompareOptions{From: pair[0], To: pair[1], Level: level, Region: reg, Measures: measures})
		if err != nil {
			return err
		}
		if !header {
			if err := w.Write(append([]string{"level", "from_year", "to_year"}, all.Columns...)); err != nil {
				return err
			}
			header = true
		}
		for _, row := range all.Rows {
			rec := []string{level, strconv.Itoa(pair[0]), strconv.Itoa(pair[1])}
			for _, v := range row {
				rec = append(rec, store.Text(v))
			}
			if err := w.Write(rec); err != nil {
				return err
			}
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	if r.c.Export.CSVBOM {
		b = *bytes.NewBuffer(append([]byte("\ufeff"), b.Bytes()...))
	}
	p := ComparePath(dir, reg, pair[0], pair[1])
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, b.Bytes(), 0o644)
}

// ComparePath is where the comparison of a region's two years is written.
func ComparePath(out, region string, from, to int) string {
	return filepath.Join(out, "compare", fmt.Sprintf("%s_%d-%d.csv", region, from, to))
}

// install moves every staged file whose bytes differ from the published one into place (an
// atomic rename per file) and records every output.
func (r *runner) install(staging, out string) error {
	var outs []Output
	err := filepath.WalkDir(staging, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(staging, p)
		if err != nil {
			return err
		}
		target := filepath.Join(out, rel)
		sha, size, err := hashFile(p)
		if err != nil {
			return err
		}
		o := Output{Path: target, SHA256: sha, Size: size, Action: "unchanged"}
		if old, _, err := hashFile(target); err != nil || old != sha {
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			if err := os.Rename(p, target); err != nil {
				return err
			}
			o.Action = "written"
			r.rec.Written++
		}
		outs = append(outs, o)
		return nil
	})
	if err != nil {
		return fmt.Errorf("run: install the outputs: %w", err)
	}
	sort.Slice(outs, func(i, j int) bool { return outs[i].Path < outs[j].Path })
	r.rec.Outputs = outs
	return nil
}
