package gen

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"xxgk/pipeline/regions"
	"xxgk/schemas"
)

// Stats summarises a generated corpus.
type Stats struct {
	Units     int   // bodies
	Reports   int   // report files
	Bytes     int64 // bytes of report files
	GoldBytes int64 // bytes of gold files
	// MissingCountyYears counts the (county, year) pairs with no report at all.
	MissingCountyYears int
	Shapes             map[string]int
	Formats            map[schemas.Format]int
	Scopes             map[schemas.Scope]int
	Levels             map[schemas.Level]int // by the body's level
	NoBody             int                   // reports whose text names no body
	Faults             map[Fault]int
	Charsets           map[string]int
	Traditional        int
}

func newStats() Stats {
	return Stats{Shapes: map[string]int{}, Formats: map[schemas.Format]int{}, Scopes: map[schemas.Scope]int{},
		Levels: map[schemas.Level]int{}, Faults: map[Fault]int{}, Charsets: map[string]int{}}
}

func (s *Stats) add(o *Stats) {
	s.Units += o.Units
	s.Reports += o.Reports
	s.Bytes += o.Bytes
	s.GoldBytes += o.GoldBytes
	s.Traditional += o.Traditional
	s.NoBody += o.NoBody
	for k, v := range o.Levels {
		s.Levels[k] += v
	}
	for k, v := range o.Shapes {
		s.Shapes[k] += v
	}
	for k, v := range o.Formats {
		s.Formats[k] += v
	}
	for k, v := range o.Scopes {
		s.Scopes[k] += v
	}
	for k, v := range o.Faults {
		s.Faults[k] += v
	}
	for k, v := range o.Charsets {
		s.Charsets[k] += v
	}
}

// ReportsDir and GoldDir are the subdirectories of the output directory.
const (
	ReportsDir   = "reports"
	GoldDir      = "gold"
	ManifestFile = "manifest.csv"
)

// Docs runs the generator without writing anything: every document of the plan, in plan
// order (for tests and for callers that render elsewhere).
func Docs(cfg Config, yield func(*Doc) error) error {
	if err := cfg.validate(); err != nil {
		return err
	}
	for u := range Plan(cfg) {
		if err := newGenerator(&cfg, u).run(yield); err != nil {
			return err
		}
	}
	return nil
}

// Generate writes the corpus of cfg under out: out/reports/… (the reports), out/gold/… (one
// gold file per report: its path under reports plus ".json") and, with cfg.Manifest,
// out/manifest.csv. Workers write their own files; the manifest is written in plan order by
// one writer, so the output is byte-identical for any number of workers.
func Generate(ctx context.Context, cfg Config, out string) (Stats, error) {
	st := newStats()
	if err := cfg.validate(); err != nil {
		return st, err
	}
	for _, d := range counties(cfg) {
		for y := cfg.FirstYear; y <= cfg.LastYear; y++ {
			if countyMissing(cfg, d.Code, y) {
				st.MissingCountyYears++
			}
		}
	}
	if err := prepare(out); err != nil {
		return st, err
	}
	var man *csv.Writer
	var manFile *os.File
	if cfg.Manifest {
		f, err := os.Create(filepath.Join(out, ManifestFile))
		if err != nil {
			return st, fmt.Errorf("gen: manifest: %w", err)
		}
		manFile = f
		man = csv.NewWriter(f)
		_ = man.Write([]string{"path", "region_code", "year", "scope", "body"})
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		seq      int
		manifest [][]string
		stats    Stats
		err      error
	}
	window := make(chan struct{}, cfg.Workers*4) // units in flight: bounds memory
	units := make(chan Unit)
	results := make(chan result, cfg.Workers)
	go func() {
		defer close(units)
		for u := range Plan(cfg) {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case units <- u:
			case <-ctx.Done():
				return
			}
		}
	}()
	dirs := &dirCache{m: map[string]bool{}}
	var wg sync.WaitGroup
	for range cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &fileWriter{out: out, dirs: dirs, manifest: cfg.Manifest, cfg: &cfg}
			for u := range units {
				res := result{seq: u.Seq, stats: newStats()}
				w.stats, w.rows = &res.stats, nil
				if ctx.Err() == nil {
					res.err = newGenerator(&cfg, u).run(w.write)
				}
				res.stats.Units = 1
				res.manifest = w.rows
				results <- res
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	pending := map[int]result{}
	next := 0
	var firstErr error
	for res := range results {
		pending[res.seq] = res
		for {
			r, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			<-window
			if r.err != nil && firstErr == nil {
				firstErr = r.err
				cancel()
			}
			st.add(&r.stats)
			if man != nil && firstErr == nil {
				for _, row := range r.manifest {
					if err := man.Write(row); err != nil && firstErr == nil {
						firstErr = fmt.Errorf("gen: manifest: %w", err)
						cancel()
					}
				}
			}
		}
	}
	if man != nil {
		man.Flush()
		if err := errors.Join(man.Error(), manFile.Close()); err != nil && firstErr == nil {
			firstErr = fmt.Errorf("gen: manifest: %w", err)
		}
	}
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return st, firstErr
}

// marker marks a directory written by gen, whose reports/, gold/ and manifest.csv a new run
// may replace.
const marker = ".xxgk-gen"

// prepare makes out ready for a corpus: a directory gen wrote before loses its old reports,
// gold files and manifest (other files, such as a warehouse, are kept); a reports/ or gold/
// directory that gen did not write is never touched.
func prepare(out string) error {
	_, err := os.Stat(filepath.Join(out, marker))
	ours := err == nil
	for _, d := range []string{ReportsDir, GoldDir} {
		p := filepath.Join(out, d)
		if _, err := os.Stat(p); err != nil {
			continue
		}
		if !ours {
			return fmt.Errorf("gen: %s exists and was not written by xxgk gen: choose another --out", p)
		}
		if err := os.RemoveAll(p); err != nil {
			return fmt.Errorf("gen: %w", err)
		}
	}
	if err := os.Remove(filepath.Join(out, ManifestFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("gen: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(out, ReportsDir), 0o755); err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	if err := os.WriteFile(filepath.Join(out, marker), []byte("written by xxgk gen\n"), 0o644); err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	return nil
}

// dirCache remembers the directories already created.
type dirCache struct {
	mu sync.Mutex
	m  map[string]bool
}

func (c *dirCache) ensure(dir string) error {
	c.mu.Lock()
	ok := c.m[dir]
	c.mu.Unlock()
	if ok {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	c.mu.Lock()
	c.m[dir] = true
	c.mu.Unlock()
	return nil
}

// fileWriter is one worker's output: it renders and writes a document and its gold file.
type fileWriter struct {
	cfg      *Config
	out      string
	dirs     *dirCache
	manifest bool
	buf      bytes.Buffer
	stats    *Stats
	rows     [][]string
}

func (w *fileWriter) write(d *Doc) error {
	w.buf.Reset()
	charset, err := renderFile(&w.buf, w.cfg, d) // office.go: DOCX and PDF by share
	if err != nil {
		return err
	}
	rp := filepath.Join(w.out, ReportsDir, filepath.FromSlash(d.Path))
	if err := w.dirs.ensure(filepath.Dir(rp)); err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	if err := os.WriteFile(rp, w.buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	n := w.buf.Len()
	gold, err := json.Marshal(d.Gold)
	if err != nil {
		return fmt.Errorf("gen: gold %s: %w", d.Path, err)
	}
	gp := filepath.Join(w.out, GoldDir, filepath.FromSlash(d.Path)+".json")
	if err := w.dirs.ensure(filepath.Dir(gp)); err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	if err := os.WriteFile(gp, append(gold, '\n'), 0o644); err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	s := w.stats
	s.Reports++
	s.Bytes += int64(n)
	s.GoldBytes += int64(len(gold) + 1)
	s.Shapes[d.Shape.String()]++
	s.Formats[d.Gold.Format]++
	s.Scopes[d.Gold.Scope]++
	s.Levels[d.Body.Level()]++
	if d.Gold.Body == "" {
		s.NoBody++
	}
	s.Charsets[charset]++
	if d.Fault != FaultNone {
		s.Faults[d.Fault]++
	}
	if d.Opts.Traditional {
		s.Traditional++
	}
	if w.manifest {
		w.rows = append(w.rows, []string{d.Path, d.Gold.Region.Code, strconv.Itoa(d.Gold.Year), string(d.Gold.Scope), d.Gold.Body})
	}
	return nil
}

// path is where a report goes under OUT/reports, as offices keep their files: by province,
// prefecture and county (a province's and a prefecture's own bodies in a 省直 or 市直 folder), or
// flat by year with the division's name (and now and then its 6-digit code) in the file name.
func (g *generator) path(y int, s Shape) string {
	b := g.unit.Body
	d := b.County
	name := b.Name + strconv.Itoa(y) + "年政府信息公开工作年度报告" + s.Ext()
	if g.hashed {
		h := fnv.New64a()
		h.Write([]byte(b.County.Code + "/" + b.Name + "/" + strconv.Itoa(y)))
		return fmt.Sprintf("hashed/%d/%016x%s", y, h.Sum64(), s.Ext())
	}
	if !g.flat {
		switch b.Place.Level {
		case schemas.LevelProvince:
			return strings.Join([]string{d.Province, g.folder, strconv.Itoa(y), name}, "/")
		case schemas.LevelPrefecture:
			return strings.Join([]string{d.Province, d.Prefecture, g.folder, strconv.Itoa(y), name}, "/")
		}
		return strings.Join([]string{d.Province, d.Prefecture, d.Name, strconv.Itoa(y), name}, "/")
	}
	if short := regions.AutonomousShort(d.Name); !strings.HasPrefix(b.Name, d.Name) && (short == "" || !strings.HasPrefix(b.Name, short)) {
		name = d.Name + name
	}
	if g.code {
		code := d.Code
		switch len(code) {
		case 2:
			code += "0000" // the 6-digit form of the National Bureau of Statistics: 210000
		case 4:
			code += "00" // 210100
		}
		name = code + "_" + name
	}
	return "flat/" + strconv.Itoa(y) + "/" + name
}
