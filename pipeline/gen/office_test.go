package gen_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"xxgk/pipeline/decode"
	"xxgk/pipeline/gen"
	"xxgk/pipeline/parse"
	"xxgk/pipeline/validate"
	"xxgk/schemas"
)

// officeDiff reads b (a rendered report) back through decode, parse and validate and lists
// how it differs from its gold: metadata, every number and cell state, and the set of rule
// violations (R6 against last year's gold).
func officeDiff(name string, b []byte, d *gen.Doc, prev *schemas.Report) []string {
	doc, err := decode.Decode(name, b)
	if err != nil {
		return []string{"decode: " + err.Error()}
	}
	r := parse.Parse(doc, parse.Options{})
	validate.Derive(r)
	r.Checks = validate.Report(r)
	r.Checks = append(r.Checks, validate.Chain(prev, r)...)
	g := d.Gold
	var why []string
	if r.Year != g.Year || r.Format != g.Format || r.Body != g.Body || r.Scope != g.Scope || r.Region.Code != g.Region.Code {
		why = append(why, fmt.Sprintf("metadata: got %d %s %q %s %s, want %d %s %q %s %s", r.Year, r.Format, r.Body, r.Scope,
			r.Region.Code, g.Year, g.Format, g.Body, g.Scope, g.Region.Code))
	}
	if diff := schemas.DiffNumbers(g, r); len(diff) > 0 {
		if len(diff) > 4 {
			diff = append(diff[:4], fmt.Sprintf("… (%d differences)", len(diff)))
		}
		why = append(why, "numbers: "+strings.Join(diff, "; "))
	}
	if w, gg := checkSet(g.Checks), checkSet(r.Checks); w != gg {
		why = append(why, fmt.Sprintf("checks: want [%s], got [%s]", w, gg))
	}
	if doc.Kind == decode.KindPDF {
		for _, row := range r.Table3 {
			for _, c := range row {
				if c.Line > 0 && c.Page == 0 {
					why = append(why, "table3 cell without a page")
				}
			}
		}
	}
	return why
}

// officeDocs generates a small corpus (one prefecture, 2019–2024) and hands every document
// with last year's gold to f.
func officeDocs(t *testing.T, f func(d *gen.Doc, prev *schemas.Report)) {
	cfg := gen.Defaults()
	cfg.Provinces = []string{"2113"}
	cfg.FaultShare = 0.08
	type key struct {
		code, body string
		year       int
	}
	golds := map[key]*schemas.Report{}
	err := gen.Docs(cfg, func(d *gen.Doc) error {
		g := d.Gold
		golds[key{g.Region.Code, g.Body, g.Year}] = g
		if d.Shape == gen.ShapeRunTogether {
			return nil // its gold is what its run-together print lets a reader know
		}
		f(d, golds[key{g.Region.Code, g.Body, g.Year - 1}])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestDOCXRoundTrip renders generated reports as Word documents and demands every one back
// exactly: numbers, cell states, metadata and rule violations.
func TestDOCXRoundTrip(t *testing.T) {
	n, limit := 0, 600
	if testing.Short() {
		limit = 100
	}
	var fails []string
	officeDocs(t, func(d *gen.Doc, prev *schemas.Report) {
		if n >= limit {
			return
		}
		n++
		b := gen.RenderDOCX(d.Gold, d.Prose, d.Opts)
		if why := officeDiff(strings.TrimSuffix(d.Path, d.Shape.Ext())+".docx", b, d, prev); len(why) > 0 {
			fails = append(fails, fmt.Sprintf("%s [%s]: %s", d.Path, strings.Join(d.Traits, ","), strings.Join(why, " | ")))
		}
	})
	for i, f := range fails {
		if i == 20 {
			t.Errorf("… and %d more", len(fails)-20)
			break
		}
		t.Error(f)
	}
	t.Logf("%d DOCX reports, %d differ from their gold", n, len(fails))
}

// TestPDFRoundTrip prints a few dozen generated reports as PDFs (HTML → Chromium or
// LibreOffice) and reads them back through pdftotext: every one must equal its gold exactly —
// numbers, cell states, metadata, rule violations, the page of every table 3 cell. Besides
// every 7th report (all shapes, scopes, formats and faults get a turn) it takes the first
// reports printing blank cells (blank totals, blank zeros): rows of fewer numbers than
// columns, read through the word positions of pdftotext -tsv. It skips when pdftotext or a
// converter is missing; XXGK_PDF_N sets how many every-7th reports (default 18), XXGK_PDF_BLANK
// how many of each blank variant (default 6).
func TestPDFRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("external tools: slow")
	}
	if !decode.HasTool("pdftotext") {
		t.Skip("pdftotext not installed (Debian package poppler-utils)")
	}
	if _, err := gen.PDFConverter(); err != nil {
		t.Skip(err)
	}
	want, wantBlank := 18, 6
	if s := os.Getenv("XXGK_PDF_N"); s != "" {
		fmt.Sscan(s, &want)
	}
	if s := os.Getenv("XXGK_PDF_BLANK"); s != "" {
		fmt.Sscan(s, &wantBlank)
	}
	type job struct {
		d    *gen.Doc
		prev *schemas.Report
	}
	var jobs []job
	k, regular := 0, 0
	blank := map[string]int{}
	officeDocs(t, func(d *gen.Doc, prev *schemas.Report) {
		k++
		if k%7 == 0 && regular < want {
			regular++
			jobs = append(jobs, job{d, prev})
			for _, tr := range d.Traits {
				blank[tr]++
			}
			return
		}
		for _, tr := range d.Traits {
			if (tr == "blank-totals" || tr == "blank-zeros") && blank[tr] < wantBlank {
				for _, tr := range d.Traits {
					blank[tr]++
				}
				jobs = append(jobs, job{d, prev})
				return
			}
		}
	})
	if wantBlank > 0 && (blank["blank-totals"] == 0 || blank["blank-zeros"] == 0) {
		t.Errorf("the corpus has no report with blank cells: %v", blank)
	}
	var mu sync.Mutex
	var fails []string
	traits := map[string]int{}
	ch := make(chan job)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				b, err := gen.RenderPDF(context.Background(), j.d.Gold, j.d.Prose, j.d.Opts)
				var why []string
				if err != nil {
					why = []string{"render: " + err.Error()}
				} else {
					why = officeDiff(strings.TrimSuffix(j.d.Path, j.d.Shape.Ext())+".pdf", b, j.d, j.prev)
				}
				if len(why) > 0 {
					mu.Lock()
					fails = append(fails, fmt.Sprintf("%s [%s]: %s", j.d.Path, strings.Join(j.d.Traits, ","), strings.Join(why, " | ")))
					for _, tr := range j.d.Traits {
						traits[tr]++
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
	for _, f := range fails {
		t.Error(f)
	}
	t.Logf("%d PDF reports (%d blank-totals, %d blank-zeros): %d equal to their gold, %d differ (variants: %v)",
		len(jobs), blank["blank-totals"], blank["blank-zeros"], len(jobs)-len(fails), len(fails), traits)
}
