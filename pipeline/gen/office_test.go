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
		if blankCells(d) && onlyMissing(diff) {
			// a PDF row printing fewer numbers than columns, with no complete row to align it
			// on, is flagged unreadable (never read as zeros): accepted, and counted
			return []string{flagged}
		}
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

// flagged marks a report whose only differences are cells reported missing.
const flagged = "flagged"

// blankCells: the report prints blank cells (PDF layout text prints nothing for them).
func blankCells(d *gen.Doc) bool {
	for _, t := range d.Traits {
		if t == "blank-totals" || t == "blank-zeros" {
			return true
		}
	}
	return false
}

// onlyMissing: every difference is a cell the parser reported missing.
func onlyMissing(diff []string) bool {
	for _, s := range diff {
		if !strings.HasSuffix(s, `got 0 (missing) "" line 0`) {
			return false
		}
	}
	return true
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
// LibreOffice) and reads them back through pdftotext: every one must equal its gold, except
// that a report printing blank cells may have rows flagged unreadable (missing, with a
// problem) when no complete row shows where its columns are — never a wrong number. It skips
// when pdftotext or a converter is missing; XXGK_PDF_N sets how many (default 24).
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
	want := 24
	if s := os.Getenv("XXGK_PDF_N"); s != "" {
		fmt.Sscan(s, &want)
	}
	type job struct {
		d    *gen.Doc
		prev *schemas.Report
	}
	var jobs []job
	k := 0
	officeDocs(t, func(d *gen.Doc, prev *schemas.Report) {
		// every 7th report: all shapes, scopes, formats and faults get a turn
		if k++; k%7 == 0 && len(jobs) < want {
			jobs = append(jobs, job{d, prev})
		}
	})
	var mu sync.Mutex
	var fails []string
	nflagged := 0
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
				if len(why) == 1 && why[0] == flagged {
					mu.Lock()
					nflagged++
					mu.Unlock()
					continue
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
	t.Logf("%d PDF reports: %d equal to their gold, %d with blank cells flagged unreadable (not guessed), %d wrong (variants: %v)",
		len(jobs), len(jobs)-len(fails)-nflagged, nflagged, len(fails), traits)
}
