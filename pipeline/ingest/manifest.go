package ingest

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"xxgk/pipeline/source"
)

// ManifestName is the file looked for in and above each input directory.
const ManifestName = "manifest.csv"

// manifest is a CSV with the header path,region_code,year,scope,body (extra columns are
// ignored). Paths are absolute, or relative to the manifest's directory or to the reports/
// directory next to it (as xxgk gen writes them). region_code is the division at the body's
// own level, and its length gives the level: 2 digits a provincial body's province (21), 4 a
// prefecture body's prefecture (2113), 6 a county body's county (211321); the 6-digit forms of
// a prefecture and a province (211300, 210000) are read as 2113 and 21. A code the registry does
// not know is not dropped: the report keeps an empty region and a problem naming the code.
type manifest struct {
	path string
	base string                 // the manifest's directory, absolute and cleaned
	rows map[string]manifestRow // absolute cleaned path (a listed path joined to base) → row
}

type manifestRow struct {
	region string
	year   int
	scope  string
	body   string
	// absolute: listed as an absolute path (never read relative to reports/)
	absolute bool
}

// row returns the row of the input at abs (absolute and cleaned): the row listing it by its
// absolute path or its path relative to the manifest's directory, else the row listing its
// path relative to reports/ next to the manifest (as xxgk gen writes them). A path listed twice
// takes its last row. One map entry per row: the reports/ form is found by looking up the
// path without its reports/ (a second entry per row was half of the manifest's memory).
func (m *manifest) row(abs string) (manifestRow, bool) {
	if r, ok := m.rows[abs]; ok {
		return r, true
	}
	reports := m.base + string(filepath.Separator) + "reports" + string(filepath.Separator)
	if rest, ok := strings.CutPrefix(abs, reports); ok {
		if r, ok := m.rows[filepath.Join(m.base, rest)]; ok && !r.absolute {
			return r, true
		}
	}
	return manifestRow{}, false
}

// findManifest returns the manifest given by --manifest, else the nearest manifest.csv in a
// root directory or one of its ancestors (xxgk gen writes OUT/manifest.csv above
// OUT/reports/省/市/县/年); nil when there is none. The summary names the manifest used.
func findManifest(opts Options) (*manifest, error) {
	if opts.Manifest != "" {
		m, err := readManifest(opts.Manifest)
		if err != nil {
			return nil, fmt.Errorf("ingest: manifest: %w", err)
		}
		return m, nil
	}
	for _, root := range opts.Roots {
		st, err := os.Stat(root)
		if err != nil {
			continue
		}
		start := absClean(root)
		if !st.IsDir() {
			start = filepath.Dir(start)
		}
		for dir := start; ; dir = filepath.Dir(dir) {
			p := filepath.Join(dir, ManifestName)
			m, err := readManifest(p)
			if errors.Is(err, fs.ErrNotExist) {
				if filepath.Dir(dir) == dir {
					break
				}
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("ingest: manifest: %w", err)
			}
			return m, nil
		}
	}
	return nil, nil
}

// maxManifestSize bounds a manifest read (a row is about 100 bytes: a million rows fit).
const maxManifestSize = 256 << 20

// readManifest reads the manifest at path, opened as every input is (package source: a regular
// file only, bounded in size and time).
func readManifest(path string) (m *manifest, err error) {
	b, _, err := source.Read(context.Background(), path, source.Limits{MaxSize: maxManifestSize})
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, need := range []string{"path", "region_code"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%s: no %q column (header: path,region_code,year,scope,body)", path, need)
		}
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	base := filepath.Dir(absClean(path))
	m = &manifest{path: path, base: base, rows: map[string]manifestRow{}}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		p := get(rec, "path")
		if p == "" {
			continue
		}
		row := manifestRow{region: get(rec, "region_code"), scope: get(rec, "scope"), body: get(rec, "body")}
		if y := get(rec, "year"); y != "" {
			if row.year, err = strconv.Atoi(y); err != nil {
				return nil, fmt.Errorf("%s line %d: year %q: %w", path, line, y, err)
			}
		}
		p = filepath.FromSlash(p)
		if filepath.IsAbs(p) {
			row.absolute = true
			m.rows[filepath.Clean(p)] = row
			continue
		}
		// found also relative to OUT/reports (xxgk gen's form, next to OUT/manifest.csv): row
		m.rows[filepath.Join(base, p)] = row
	}
	return m, nil
}
