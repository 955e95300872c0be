package gen_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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
		if g.Body == "" { // a report naming no body is linked to no other year
			f(d, nil)
			return nil
		}
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

// pdfJob is a generated report to print, with last year's gold (R6).
type pdfJob struct {
	d    *gen.Doc
	prev *schemas.Report
}

// pdfTraits are the printing variants that change how a PDF table looks (cells printed blank
// or as dashes, units in the cells, subtotal rows, a table 2 block in the other template):
// every PDF round trip prints reports with each of them, not only those every 7th report
// happens to hold.
var pdfTraits = []string{"blank-totals", "blank-zeros", "mixed-t2", "dash-t3", "dash-t4", "units", "subtotals"}

// pdfJobs picks the reports the PDF round trips print: every 7th report of the small corpus
// from the offset-th on (all shapes, scopes, formats and faults get a turn; each font set
// takes its own offset, so that together they print more reports), up to regular of them,
// and, for each of traits, perTrait reports printing it: those after the first skip
// reports that have it (each font set skips its own number, so that the sets print different
// ones). A report picked for one trait counts for every trait it has.
func pdfJobs(t *testing.T, regular, offset int, traits []string, perTrait, skip int) []pdfJob {
	var jobs []pdfJob
	k, n := 0, 0
	seen := map[string]int{}    // traits of the reports picked
	skipped := map[string]int{} // reports passed over, by trait
	officeDocs(t, func(d *gen.Doc, prev *schemas.Report) {
		k++
		pick := (k+offset)%7 == 0 && n < regular
		if pick {
			n++
		} else {
			for _, tr := range traits {
				if !slices.Contains(d.Traits, tr) || seen[tr] >= perTrait {
					continue
				}
				if skipped[tr] < skip {
					skipped[tr]++
					continue
				}
				pick = true
				break
			}
		}
		if !pick {
			return
		}
		for _, tr := range d.Traits {
			seen[tr]++
		}
		jobs = append(jobs, pdfJob{d, prev})
	})
	for _, tr := range traits {
		if perTrait > 0 && seen[tr] == 0 {
			t.Errorf("the corpus has no report printing %s to print as a PDF: %v", tr, seen)
		}
	}
	return jobs
}

// fontSet is a set of CJK fonts a test prints with: a fontconfig configuration that exposes
// only the files of the named families (and DejaVu, which every Debian system with fontconfig
// has, for Latin text), so that Chromium and LibreOffice cannot fall back to another CJK font:
// a machine with only this font installed.
type fontSet struct {
	name     string
	pkg      string   // the Debian package with the fonts
	families []string // fontconfig family names
	serif    bool
	// embedded names the font as pdffonts lists it in a PDF printed with it (a prefix of its
	// PostScript name); cff: Chromium embeds the font as nameless Type 3 fonts instead
	embedded string
	cff      bool
}

var fontSets = []fontSet{
	{name: "noto-serif", pkg: "fonts-noto-cjk", families: []string{"Noto Serif CJK SC"}, serif: true, embedded: "NotoSerifCJK", cff: true},
	{name: "noto-sans", pkg: "fonts-noto-cjk", families: []string{"Noto Sans CJK SC"}, embedded: "NotoSansCJK", cff: true},
	{name: "wqy-zenhei", pkg: "fonts-wqy-zenhei", families: []string{"WenQuanYi Zen Hei"}, embedded: "WenQuanYiZenHei"},
}

// fontFiles lists the files of a font family installed on this machine (under the fontconfig
// configuration of the test's environment).
func fontFiles(family string) []string {
	out, err := exec.Command("fc-list", "-f", "%{file}\n", ":family="+family).Output()
	if err != nil {
		return nil
	}
	var files []string
	seen := map[string]bool{}
	for _, f := range strings.Split(string(out), "\n") {
		if f = strings.TrimSpace(f); f != "" && !seen[f] {
			seen[f] = true
			files = append(files, f)
		}
	}
	return files
}

var fcCache struct {
	sync.Mutex
	dir string
}

// env writes the set's fontconfig configuration and returns the environment that selects it
// (FONTCONFIG_FILE), or skips the test when the set's fonts are not installed. The
// configuration scans the directories of the set's files and of DejaVu, and rejects every
// font file but those (acceptfont wins over rejectfont). Links to the files in a directory of
// their own would be simpler, but LibreOffice does not use a font reached through a symbolic
// link: it printed every Chinese character as a missing glyph (in DejaVu) with them. The cache
// directory is shared by the sets of one test run (fontconfig keys it by font directory).
func (fs fontSet) env(t *testing.T) []string {
	t.Helper()
	if _, err := exec.LookPath("fc-list"); err != nil {
		t.Skip("fc-list not installed (Debian package fontconfig)")
	}
	var dirs, accept []string
	addDir := func(d string) {
		for _, o := range dirs {
			if o == d {
				return
			}
		}
		dirs = append(dirs, d)
	}
	for _, fam := range fs.families {
		files := fontFiles(fam)
		if len(files) == 0 {
			t.Skipf("font %q not installed (Debian package %s): the PDF round trip in this font is not run", fam, fs.pkg)
		}
		for _, f := range files {
			addDir(filepath.Dir(f))
			accept = append(accept, f)
		}
	}
	if files := fontFiles("DejaVu Sans"); len(files) > 0 {
		addDir(filepath.Dir(files[0]))
		accept = append(accept, filepath.Join(filepath.Dir(files[0]), "*"))
	}
	fcCache.Lock()
	if fcCache.dir == "" {
		d, err := os.MkdirTemp("", "xxgk-fc-cache-")
		if err != nil {
			fcCache.Unlock()
			t.Fatal(err)
		}
		fcCache.dir = d
	}
	cache := fcCache.dir
	fcCache.Unlock()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
`)
	for _, d := range dirs {
		b.WriteString("  <dir>" + xmlEscape(d) + "</dir>\n")
	}
	b.WriteString("  <selectfont>\n    <acceptfont>")
	for _, a := range accept {
		b.WriteString("<glob>" + xmlEscape(a) + "</glob>")
	}
	b.WriteString("</acceptfont>\n    <rejectfont>")
	for _, ext := range []string{"ttf", "ttc", "otf", "otc", "pfa", "pfb", "pcf", "pcf.gz", "woff", "woff2"} {
		b.WriteString("<glob>*." + ext + "</glob><glob>*." + strings.ToUpper(ext) + "</glob>")
	}
	b.WriteString("</rejectfont>\n  </selectfont>\n")
	b.WriteString("  <cachedir>" + xmlEscape(cache) + "</cachedir>\n")
	b.WriteString(`  <include ignore_missing="yes">/etc/fonts/conf.d</include>
</fontconfig>
`)
	conf := filepath.Join(t.TempDir(), "fonts.conf")
	if err := os.WriteFile(conf, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"FONTCONFIG_FILE=" + conf}
	// no Chinese font but the set's files
	cmd := exec.Command("fc-list", "-f", "%{file}\n", ":lang=zh-cn")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("font set %s: fc-list: %v", fs.name, err)
	}
	for _, f := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if f != "" && !slices.Contains(accept, f) {
			t.Fatalf("font set %s: fontconfig still offers %s for Chinese", fs.name, f)
		}
	}
	// the set must be what fontconfig gives for Chinese text in the report's generic family
	generic := "sans-serif"
	if fs.serif {
		generic = "serif"
	}
	cmd = exec.Command("fc-match", "-f", "%{family}", generic+":lang=zh-cn")
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.Output(); err != nil || !strings.Contains(string(out), fs.families[0]) {
		t.Fatalf("font set %s: fc-match %s:lang=zh-cn gives %q (%v), want %s", fs.name, generic, out, err, fs.families[0])
	}
	return env
}

// printedIn checks that a PDF the printer printed in the font set embeds the set's font (a
// printer that cannot find it prints missing glyphs in another font, and the text layer alone
// does not show it).
func (fs fontSet) printedIn(pdf []byte, pr gen.Printer) error {
	f, err := os.CreateTemp("", "xxgk-fonts-*.pdf")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(pdf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	out, err := exec.Command("pdffonts", f.Name()).Output()
	if err != nil {
		return fmt.Errorf("pdffonts: %w", err)
	}
	if strings.Contains(string(out), "+"+fs.embedded) || pr == gen.PrinterChromium && fs.cff && strings.Contains(string(out), "Type 3") {
		return nil
	}
	return fmt.Errorf("fonts: the PDF does not embed %s (%s): %s", fs.families[0], fs.embedded, strings.Join(strings.Fields(string(out)), " "))
}

// cachedPDF prints the job's report with the printer, or, with XXGK_PDF_CACHE=DIR, takes the
// PDF printed before from DIR: keyed by the test (font set and printer) and the bytes printed
// (the HTML page or the Word file), so a change of the generator prints anew. For working on
// the reader: printing is most of the test's time.
func cachedPDF(t *testing.T, j pdfJob, pr gen.Printer, env []string) ([]byte, error) {
	dir := os.Getenv("XXGK_PDF_CACHE")
	var file string
	if dir != "" {
		in := gen.PrintHTML(j.d.Gold, j.d.Prose, j.d.Opts)
		if pr == gen.PrinterLibreOfficeDOCX {
			in = gen.RenderDOCX(j.d.Gold, j.d.Prose, j.d.Opts)
		}
		h := sha256.New()
		fmt.Fprintf(h, "%s\x00", t.Name())
		h.Write(in)
		file = filepath.Join(dir, fmt.Sprintf("%x.pdf", h.Sum(nil)[:12]))
		if b, err := os.ReadFile(file); err == nil {
			return b, nil
		}
	}
	b, err := gen.RenderPDFWith(context.Background(), j.d.Gold, j.d.Prose, j.d.Opts, gen.PrintOptions{Printer: pr, Env: env})
	if err == nil && file != "" && os.MkdirAll(dir, 0o755) == nil {
		_ = os.WriteFile(file, b, 0o644)
	}
	return b, err
}

// printRoundTrip prints each job with the printer in the font set and demands it back exactly
// (officeDiff), printed in the set's font. XXGK_PDF_KEEP=DIR keeps the PDFs that differ there.
func printRoundTrip(t *testing.T, pr gen.Printer, fs fontSet, env []string, jobs []pdfJob, workers int) {
	keep := os.Getenv("XXGK_PDF_KEEP")
	var mu sync.Mutex
	var fails []string
	traits := map[string]int{}
	ch := make(chan pdfJob)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				b, err := cachedPDF(t, j, pr, env)
				var why []string
				name := strings.TrimSuffix(j.d.Path, j.d.Shape.Ext()) + ".pdf"
				if err != nil {
					why = []string{"render: " + err.Error()}
				} else {
					why = officeDiff(name, b, j.d, j.prev)
					if err := fs.printedIn(b, pr); err != nil {
						why = append(why, err.Error())
					}
				}
				if len(why) == 0 {
					continue
				}
				if keep != "" && b != nil {
					out := filepath.Join(keep, t.Name(), filepath.FromSlash(name))
					if os.MkdirAll(filepath.Dir(out), 0o755) == nil {
						_ = os.WriteFile(out, b, 0o644)
					}
				}
				mu.Lock()
				fails = append(fails, fmt.Sprintf("%s [%s]: %s", j.d.Path, strings.Join(j.d.Traits, ","), strings.Join(why, " | ")))
				for _, tr := range j.d.Traits {
					traits[tr]++
				}
				mu.Unlock()
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
	t.Logf("%d PDF reports printed by %s: %d equal to their gold, %d differ (variants: %v)",
		len(jobs), pr, len(jobs)-len(fails), len(fails), traits)
}

// loJobs picks lo of the jobs for the k-th LibreOffice print run (two printers in each font
// set): the reports printing one of pdfTraits first, each run from its own place in them, so
// that the runs print different ones.
func loJobs(jobs []pdfJob, lo, k int) []pdfJob {
	var traited, rest []pdfJob
	for _, j := range jobs {
		if slices.ContainsFunc(j.d.Traits, func(tr string) bool { return slices.Contains(pdfTraits, tr) }) {
			traited = append(traited, j)
		} else {
			rest = append(rest, j)
		}
	}
	all := append(traited, rest...)
	var out []pdfJob
	for i := range min(lo, len(all)) {
		out = append(out, all[(k*lo+i)%len(all)])
	}
	return out
}

// TestPDFRoundTrip prints generated reports as PDFs and reads them back through pdftotext:
// every one must equal its gold exactly — numbers, cell states, metadata, rule violations, the
// page of every table 3 cell — and be printed in the set's font. It prints under each font set
// (Noto Serif CJK, Noto Sans CJK, WenQuanYi Zen Hei: serif and sans faces, CFF and TrueType
// outlines, different metrics), each selected through its own fontconfig configuration as on a
// machine with only that font; a set whose fonts are not installed is skipped with the package
// to install (CI installs them all). Printers:
//   - chromium: PrintHTML through Chromium, every 7th report of a small corpus, a different
//     slice for each font set (XXGK_PDF_N, default 6; 40 with XXGK_LONG=1), and reports
//     printing each of pdfTraits (blank and dash cells, units, subtotals, a table 2 block in
//     the other template: XXGK_PDF_TRAIT of each, default 1; 3 with XXGK_LONG=1), other ones
//     for each font set;
//   - libreoffice: PrintHTML opened in LibreOffice Writer, and libreoffice-docx: the
//     generator's Word file exported by LibreOffice Writer as an office would; slower, so
//     XXGK_PDF_LO reports each (default 2; 20 with XXGK_LONG=1), of the same, those printing
//     one of pdfTraits first (loJobs).
//
// XXGK_PDF_PRINTER=NAME runs one printer only, XXGK_PDF_KEEP=DIR keeps the PDFs that differ,
// XXGK_PDF_CACHE=DIR reuses PDFs printed before (for work on the reader). It skips when
// pdftotext or a printer is missing.
func TestPDFRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("external tools: slow")
	}
	if !decode.HasTool("pdftotext") {
		t.Skip("pdftotext not installed (Debian package poppler-utils)")
	}
	long := os.Getenv("XXGK_LONG") != ""
	want, perTrait, lo := 6, 1, 2
	if long {
		want, perTrait, lo = 40, 3, 20
	}
	envInt := func(name string, v *int) {
		if s := os.Getenv(name); s != "" {
			fmt.Sscan(s, v)
		}
	}
	envInt("XXGK_PDF_N", &want)
	envInt("XXGK_PDF_TRAIT", &perTrait)
	envInt("XXGK_PDF_LO", &lo)
	filter := os.Getenv("XXGK_PDF_PRINTER") // one printer only, for debugging
	for si, fs := range fontSets {
		t.Run(fs.name, func(t *testing.T) {
			env := fs.env(t)
			jobs := pdfJobs(t, want, 3*si, pdfTraits, perTrait, si)
			for pi, pr := range []gen.Printer{gen.PrinterChromium, gen.PrinterLibreOffice, gen.PrinterLibreOfficeDOCX} {
				t.Run(string(pr), func(t *testing.T) {
					if filter != "" && filter != string(pr) {
						t.Skip("XXGK_PDF_PRINTER=" + filter)
					}
					if _, err := pr.Program(); err != nil {
						t.Skip(err)
					}
					js := jobs
					if pr != gen.PrinterChromium {
						js = loJobs(jobs, lo, 2*si+pi-1)
					}
					printRoundTrip(t, pr, fs, env, js, 2)
				})
			}
		})
	}
}

// TestDOCRoundTrip converts generated Word files to legacy .doc with LibreOffice (soffice
// --convert-to doc, as an office saving "Word 97-2003" does) and reads them back through the
// decoder's own LibreOffice conversion (.doc → .docx): every one must equal its gold exactly.
// A handful by default (LibreOffice takes about a second a file, twice); XXGK_LONG=1 takes 24.
// Skips when LibreOffice is not installed (Debian package libreoffice-writer-nogui; CI has it).
func TestDOCRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("external tools: slow")
	}
	if _, err := gen.PrinterLibreOffice.Program(); err != nil {
		t.Skip(err)
	}
	if !decode.HasTool("libreoffice") {
		t.Skip("libreoffice not on PATH (the decoder looks for it by that name)")
	}
	n := 4
	if os.Getenv("XXGK_LONG") != "" {
		n = 24
	}
	// every 11th report: formats, scopes and faults in turn, the blank-cell variants first
	jobs := pdfJobs(t, 0, 0, []string{"blank-totals", "blank-zeros"}, 1, 0)
	k := 0
	officeDocs(t, func(d *gen.Doc, prev *schemas.Report) {
		if k++; k%11 == 0 && len(jobs) < n {
			jobs = append(jobs, pdfJob{d, prev})
		}
	})
	var fails []string
	for _, j := range jobs {
		docx := gen.RenderDOCX(j.d.Gold, j.d.Prose, j.d.Opts)
		b, err := gen.LibreOfficeConvert(context.Background(), docx, "report.docx", "doc:MS Word 97", nil)
		if err != nil {
			t.Fatalf("%s: %v", j.d.Path, err)
		}
		if !bytes.HasPrefix(b, []byte("\xD0\xCF\x11\xE0")) {
			t.Fatalf("%s: LibreOffice did not write an OLE (.doc) file", j.d.Path)
		}
		name := strings.TrimSuffix(j.d.Path, j.d.Shape.Ext()) + ".doc"
		if why := officeDiff(name, b, j.d, j.prev); len(why) > 0 {
			fails = append(fails, fmt.Sprintf("%s [%s]: %s", j.d.Path, strings.Join(j.d.Traits, ","), strings.Join(why, " | ")))
		}
	}
	for _, f := range fails {
		t.Error(f)
	}
	t.Logf("%d .doc reports, %d differ from their gold", len(jobs), len(fails))
}

// xmlEscape escapes s for XML text.
func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
