package extract_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"xxgk/pipeline/decode"
	"xxgk/pipeline/extract"
	"xxgk/schemas"
)

// pdfGold is a hand-written gold file for a real PDF report (testdata/*.gold.json): the
// numbers typed in from the rendered pages, never produced by the parser.
type pdfGold struct {
	File   string                            `json:"file"`
	Title  string                            `json:"title"`
	Body   string                            `json:"body"`
	Year   int                               `json:"year"`
	Format schemas.Format                    `json:"format"`
	Scope  schemas.Scope                     `json:"scope"`
	Region string                            `json:"region"`
	Table2 map[string]map[string]json.Number `json:"table2"`
	Table3 map[string][]json.Number          `json:"table3"`
	Table4 map[string][]json.Number          `json:"table4"`
	Fee    json.Number                       `json:"fees_collected_yuan"`
	Pages  map[string]map[string]int         `json:"pages"`
	Checks []string                          `json:"checks"`
}

func dec(t *testing.T, n json.Number) schemas.Dec {
	t.Helper()
	d, err := schemas.ParseDec(n.String())
	if err != nil {
		t.Fatalf("gold value %q: %v", n, err)
	}
	return d
}

// TestRealPDFs reads the two real PDF reports (洪泽区 2023 and 2024) through decode (pdftotext
// -layout), parse (the layout shape) and validate, and demands their exact published numbers,
// every cell printed as a number, the PDF page of each row, and exactly the rule violations
// the published tables carry. It needs poppler-utils and does not skip without it: CI must
// install the package.
func TestRealPDFs(t *testing.T) {
	if !decode.HasTool("pdftotext") {
		t.Fatal("pdftotext not found: install poppler-utils (apt-get install poppler-utils); this test must run in CI")
	}
	files, _ := filepath.Glob("testdata/*.gold.json")
	if len(files) < 2 {
		t.Fatalf("gold files: %v", files)
	}
	lc := schemas.Labels()
	cols3 := lc.Table3ColumnKeys()
	outs4 := lc.Table4OutcomeKeys()
	for _, gf := range files {
		t.Run(strings.TrimSuffix(filepath.Base(gf), ".gold.json"), func(t *testing.T) {
			b, err := os.ReadFile(gf)
			if err != nil {
				t.Fatal(err)
			}
			var g pdfGold
			dj := json.NewDecoder(strings.NewReader(string(b)))
			dj.UseNumber()
			if err := dj.Decode(&g); err != nil {
				t.Fatalf("%s: %v", gf, err)
			}
			r, err := extract.File(g.File, extract.Options{}) // relative to this package
			if err != nil {
				t.Fatal(err)
			}
			if r.Title != g.Title || r.Body != g.Body || r.Year != g.Year || r.Format != g.Format ||
				r.Scope != g.Scope || r.Region.Code != g.Region {
				t.Errorf("metadata: got %q %q %d %s %s %s, want %q %q %d %s %s %s", r.Title, r.Body, r.Year,
					r.Format, r.Scope, r.Region.Code, g.Title, g.Body, g.Year, g.Format, g.Scope, g.Region)
			}
			if r.Status != schemas.StatusComplete {
				t.Errorf("status %s, want complete", r.Status)
			}
			for _, p := range r.Problems {
				t.Errorf("problem: %s %s %s.%s line %d page %d: %s", p.Code, p.Table, p.Row, p.Column, p.Line, p.Page, p.Message)
			}

			want := schemas.Grid{}
			set := func(table, row, col string, v json.Number) {
				want.Set(table+"|"+row, col, schemas.Cell{State: schemas.StateNumber, Value: dec(t, v)})
			}
			for item, ms := range g.Table2 {
				for m, v := range ms {
					set(schemas.Table2, item, m, v)
				}
			}
			for row, vs := range g.Table3 {
				if len(vs) != len(cols3) {
					t.Fatalf("gold table3 %s: %d values", row, len(vs))
				}
				for i, v := range vs {
					set(schemas.Table3, row, cols3[i], v)
				}
			}
			for grp, vs := range g.Table4 {
				if len(vs) != len(outs4) {
					t.Fatalf("gold table4 %s: %d values", grp, len(vs))
				}
				for i, v := range vs {
					set(schemas.Table4, grp, outs4[i], v)
				}
			}
			// every gold number read exactly, from a line of a known page
			for key, row := range want {
				table, rk, _ := strings.Cut(key, "|")
				for ck, w := range row {
					c, ok := r.Table(table).Get(rk, ck)
					if !ok || c.State != w.State || c.Value != w.Value {
						t.Errorf("%s.%s.%s: got %s (%s) %q line %d, want %s", table, rk, ck, c.Value, c.State, c.Text, c.Line, w.Value)
						continue
					}
					if c.Line <= 0 || c.Page <= 0 {
						t.Errorf("%s.%s.%s: no provenance (line %d, page %d)", table, rk, ck, c.Line, c.Page)
					}
					if pg := g.Pages[table][rk]; pg != 0 && c.Page != pg {
						t.Errorf("%s.%s.%s: page %d, want %d (line %d)", table, rk, ck, c.Page, pg, c.Line)
					}
				}
			}
			// and nothing printed that the gold does not hold
			for _, table := range []string{schemas.Table2, schemas.Table3, schemas.Table4} {
				for rk, row := range r.Table(table) {
					for ck, c := range row {
						if c.State == schemas.StateDerived || c.State == schemas.StateMissing {
							continue
						}
						if _, ok := want.Get(table+"|"+rk, ck); !ok {
							t.Errorf("%s.%s.%s: not in the gold, got %s (%s) line %d", table, rk, ck, c.Value, c.State, c.Line)
						}
					}
				}
			}
			if g.Fee != "" && (r.Fee.State != schemas.StateNumber || r.Fee.Value != dec(t, g.Fee)) {
				t.Errorf("fee: got %s (%s), want %s", r.Fee.Value, r.Fee.State, g.Fee)
			}

			var got []string
			for _, c := range r.Checks {
				s := fmt.Sprintf("%s %s %s %s", c.Rule, c.Severity, c.Table, c.Row)
				if c.Column != "" {
					s += " " + c.Column
				}
				if c.Expected != nil && c.Found != nil {
					s += fmt.Sprintf(" expected %s found %s", c.Expected, c.Found)
				}
				got = append(got, s)
			}
			sort.Strings(got)
			wantChecks := append([]string(nil), g.Checks...)
			sort.Strings(wantChecks)
			if strings.Join(got, "\n") != strings.Join(wantChecks, "\n") {
				t.Errorf("checks:\ngot\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(wantChecks, "\n  "))
			}
		})
	}
}
