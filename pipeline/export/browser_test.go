package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The HTML summary checked as people see it: headless Chromium lays the page out at 1,400 px
// on screen and at the width of an A4 page (portrait; the wide sections landscape) with the
// print style sheet applied, and a script measures the rendered page — no element wider than the
// page, no table cell narrower than three characters, names on one line — and prints it to PDF,
// whose page count, page sizes and text are checked with poppler's pdfinfo and pdftotext.
//
// The page itself has no script: the test measures a copy with one appended (the measure below)
// through --dump-dom. The flags keep Chromium off the network and away from any profile.

// chromeFlags are the flags of every headless run.
func chromeFlags(t *testing.T) []string {
	return []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--no-first-run", "--disable-quic", "--hide-scrollbars", "--user-data-dir=" + t.TempDir()}
}

// chrome runs headless Chromium on a page with extra flags; it returns stdout and fails on a
// non-zero exit or a failed load.
func chrome(t *testing.T, page string, extra ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	abs, err := filepath.Abs(page)
	if err != nil {
		t.Fatal(err)
	}
	args := append(append(chromeFlags(t), "--enable-logging=stderr", "--v=0"), extra...)
	cmd := exec.CommandContext(ctx, chromium(t), append(args, "file://"+abs)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", extra, err, stderr.String())
	}
	for _, bad := range []string{"Failed to load resource", "net::ERR_", "Uncaught"} {
		if strings.Contains(stderr.String(), bad) {
			t.Errorf("chromium reported %q:\n%s", bad, stderr.String())
		}
	}
	return stdout.String()
}

// measureJS measures the laid-out page: the page width, elements reaching past it (in the
// sections selected by scope), table cells narrower than three of their characters, name cells
// whose text takes more than one line, and the page height. Closed <details> (the analysts' SQL
// names) are not shown and not measured.
const measureJS = `
(function(){
  var scope = %q;
  var W = document.documentElement.clientWidth;
  var out = {width: W, height: document.documentElement.scrollHeight, wide: [], narrow: [], wrapped: [], cells: 0, names: 0};
  function name(el) {
    var s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.className && typeof el.className === 'string') s += '.' + el.className.trim().replace(/\s+/g, '.');
    var sec = el.closest('section');
    return (sec ? sec.id + ' ' : '') + s + ' "' + (el.textContent || '').trim().slice(0, 30) + '"';
  }
  function inScope(el) {
    if (el.closest('details:not([open]) > :not(summary)')) return false;
    if (scope === '') return true;
    var sec = el.closest('section');
    var wide = !!(sec && sec.classList.contains('wide'));
    return scope === 'wide' ? wide : !wide;
  }
  document.querySelectorAll('body *').forEach(function(el){
    if (!inScope(el)) return;
    var r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return;
    if (r.right > W + 0.5 || r.left < -0.5) out.wide.push(name(el) + ' ' + Math.round(r.left) + '–' + Math.round(r.right));
  });
  document.querySelectorAll('td, th').forEach(function(c){
    if (!inScope(c)) return;
    out.cells++;
    var f = parseFloat(getComputedStyle(c).fontSize);
    var r = c.getBoundingClientRect();
    if (r.width < 3 * f - 0.5) out.narrow.push(name(c) + ' ' + r.width.toFixed(1) + 'px < 3×' + f + 'px');
  });
  document.querySelectorAll('td.name').forEach(function(c){
    if (!inScope(c)) return;
    out.names++;
    var range = document.createRange();
    range.selectNodeContents(c);
    var tops = {};
    Array.prototype.forEach.call(range.getClientRects(), function(q){ if (q.width > 0) tops[Math.round(q.top)] = true; });
    if (Object.keys(tops).length > 1) out.wrapped.push(name(c));
  });
  var pre = document.createElement('pre');
  pre.id = 'xxgk-measure';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
`

type measured struct {
	Width   int      `json:"width"`
	Height  int      `json:"height"`
	Wide    []string `json:"wide"`
	Narrow  []string `json:"narrow"`
	Wrapped []string `json:"wrapped"`
	Cells   int      `json:"cells"`
	Names   int      `json:"names"`
}

// measure lays the page out at a width and measures it; print applies the print style sheet
// (its @media print rules, as the printed page lays out; @page boxes do not apply on screen).
func measure(t *testing.T, page string, width int, print bool, scope string) measured {
	t.Helper()
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	if print {
		if !strings.Contains(src, "@media print{") {
			t.Fatal("the page has no print style sheet")
		}
		src = strings.Replace(src, "@media print{", "@media all{", 1)
	}
	src = strings.Replace(src, "</body>", "<script>"+fmt.Sprintf(measureJS, scope)+"</script></body>", 1)
	copyPath := filepath.Join(t.TempDir(), "measure.html")
	if err := os.WriteFile(copyPath, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := chrome(t, copyPath, "--dump-dom", "--run-all-compositor-stages-before-draw", fmt.Sprintf("--window-size=%d,1000", width))
	m := regexp.MustCompile(`<pre id="xxgk-measure">([^<]*)</pre>`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("no measurement in the dumped page (%d bytes)", len(dom))
	}
	var out measured
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// A4 at 96 px per inch, less the margins of the page's @page rules (13 mm left and right in
// portrait, 11 mm in landscape).
const (
	a4PortraitPx  = (210 - 2*13) * 960 / 254
	a4LandscapePx = (297 - 2*11) * 960 / 254
)

func checkLayout(t *testing.T, what string, m measured, minCells int) {
	t.Helper()
	if m.Cells < minCells {
		t.Errorf("%s: %d table cells measured, want at least %d", what, m.Cells, minCells)
	}
	if len(m.Wide) > 0 {
		t.Errorf("%s (page %d px): %d elements wider than the page: %v", what, m.Width, len(m.Wide), first(m.Wide, 8))
	}
	if len(m.Narrow) > 0 {
		t.Errorf("%s: %d table cells narrower than 3 characters: %v", what, len(m.Narrow), first(m.Narrow, 8))
	}
	if len(m.Wrapped) > 0 {
		t.Errorf("%s: %d names wrapped over lines: %v", what, len(m.Wrapped), first(m.Wrapped, 8))
	}
}

func first(l []string, n int) []string {
	if len(l) > n {
		return append(l[:n:n], fmt.Sprintf("… %d more", len(l)-n))
	}
	return l
}

// pdfPages returns the page count and page sizes (points) of a PDF, from pdfinfo.
func pdfPages(t *testing.T, pdf string) (int, [][2]float64) {
	t.Helper()
	out, err := exec.Command("pdfinfo", "-f", "1", "-l", "1000", pdf).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	pages := 0
	var sizes [][2]float64
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "Pages:"); ok {
			pages, _ = strconv.Atoi(strings.TrimSpace(v))
		}
		if m := regexp.MustCompile(`^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts`).FindStringSubmatch(line); m != nil {
			w, _ := strconv.ParseFloat(m[1], 64)
			h, _ := strconv.ParseFloat(m[2], 64)
			sizes = append(sizes, [2]float64{w, h})
		}
	}
	return pages, sizes
}

// printPDF prints the page to PDF as a user would (the page's own @page sizes, no browser
// header or footer).
func printPDF(t *testing.T, page, pdf string) {
	t.Helper()
	abs, err := filepath.Abs(pdf)
	if err != nil {
		t.Fatal(err)
	}
	chrome(t, page, "--no-pdf-header-footer", "--print-to-pdf="+abs)
	if st, err := os.Stat(abs); err != nil || st.Size() < 1000 {
		t.Fatalf("no PDF: %v", err)
	}
}

// TestHTMLRendered (XXGK_BROWSER=1, set in CI; with XXGK_DEMO_DB and XXGK_DEMO_YEAR the demo
// province instead of the fixture): the province page at 1,400 px and at A4 print
// size fits its page, keeps every cell at least three characters wide and every name on one
// line; printed to PDF it is A4 (portrait, the wide sections landscape), within a page bound
// computed from its rows, and every column of the wide tables is in the printed text.
func TestHTMLRendered(t *testing.T) {
	if os.Getenv("XXGK_BROWSER") != "1" {
		t.Skip("set XXGK_BROWSER=1 to render the report in headless Chromium")
	}
	for _, tool := range []string{"pdfinfo", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("XXGK_BROWSER=1 needs %s (poppler-utils)", tool)
		}
	}
	var files []string
	if db := os.Getenv("XXGK_DEMO_DB"); db != "" {
		// the demo province (make demo) instead of the fixture
		y, _ := strconv.Atoi(os.Getenv("XXGK_DEMO_YEAR"))
		res, err := exportDemo(db, y, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		files = res
	} else {
		files = getFixture(t).res["21"].Files
	}
	page := htmlFile(t, files)
	src, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Count(string(src), "<tr")

	checkLayout(t, "screen 1400 px", measure(t, page, 1400, false, ""), 200)
	checkLayout(t, "print, portrait sections", measure(t, page, a4PortraitPx, true, "narrow"), 100)
	checkLayout(t, "print, landscape sections", measure(t, page, a4LandscapePx, true, "wide"), 100)

	pdf := filepath.Join(t.TempDir(), "report.pdf")
	printPDF(t, page, pdf)
	pages, sizes := pdfPages(t, pdf)
	// a bound from the content: two pages of headline and sentences, two of charts, two of the
	// official tables, then the table rows at no fewer than 22 a page
	bound := 6 + (rows+21)/22
	t.Logf("%d table rows, %d PDF pages (bound %d)", rows, pages, bound)
	if pages < 6 || pages > bound {
		t.Errorf("PDF: %d pages, want 6–%d", pages, bound)
	}
	portrait, landscape := 0, 0
	for i, sz := range sizes {
		switch {
		case near(sz[0], 595.3) && near(sz[1], 841.9):
			portrait++
		case near(sz[0], 841.9) && near(sz[1], 595.3):
			landscape++
		default:
			t.Errorf("PDF page %d: %.1f × %.1f pt, not A4", i+1, sz[0], sz[1])
		}
	}
	if !near(sizes[0][0], 595.3) || landscape == 0 || portrait < 4 {
		t.Errorf("PDF: %d portrait and %d landscape pages, the first %v: want A4 portrait with the wide sections landscape", portrait, landscape, sizes[0])
	}
	out, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	// every heading and every column header of the wide tables made it onto paper
	for _, want := range []string{"主要数据", "汇总报告用语", "分地区", "数据质量", "报送情况", "公开率", "不予公开占比", "诉讼纠错率",
		"结转下年度办理数", "未报送机关数", "核实", "第 1 页，共"} {
		if !strings.Contains(strings.Join(strings.Fields(text), ""), strings.Join(strings.Fields(want), "")) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
}

func near(a, b float64) bool { return a > b-2 && a < b+2 }

func htmlFile(t *testing.T, files []string) string {
	for _, p := range files {
		if strings.HasSuffix(p, ".html") {
			return p
		}
	}
	t.Fatalf("no .html in %v", files)
	return ""
}

// TestScreenshots (XXGK_SCREENSHOTS=1) renders the README pictures from the demo warehouse
// given in XXGK_DEMO_DB and XXGK_DEMO_YEAR (default: the test fixture) into docs/img/: the HTML
// report at 1,400 px (report.png), the first page of its A4 print (report-print.png, through
// pdftoppm) and the first sheet of the workbook, read back and drawn as HTML (workbook.png).
func TestScreenshots(t *testing.T) {
	if os.Getenv("XXGK_SCREENSHOTS") != "1" {
		t.Skip("set XXGK_SCREENSHOTS=1 to render docs/img/report.png, report-print.png and workbook.png")
	}
	files := getFixture(t).res["21"].Files
	if db := os.Getenv("XXGK_DEMO_DB"); db != "" {
		y, _ := strconv.Atoi(os.Getenv("XXGK_DEMO_YEAR"))
		res, err := exportDemo(db, y, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		files = res
	}
	img := filepath.Join("..", "..", "docs", "img")
	if err := os.MkdirAll(img, 0o755); err != nil {
		t.Fatal(err)
	}
	page := htmlFile(t, files)
	screenshot(t, page, filepath.Join(img, "report.png"), 1400, 1900, "--force-device-scale-factor=0.75")
	pdf := filepath.Join(t.TempDir(), "report.pdf")
	printPDF(t, page, pdf)
	png := filepath.Join(t.TempDir(), "page")
	if out, err := exec.Command("pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", pdf, png).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	b, err := os.ReadFile(png + ".png")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(img, "report-print.png"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	sheet := filepath.Join(t.TempDir(), "sheet1.html")
	if err := os.WriteFile(sheet, []byte(renderSheet(t, files[0], "汇总表")), 0o644); err != nil {
		t.Fatal(err)
	}
	screenshot(t, sheet, filepath.Join(img, "workbook.png"), 1500, 2000, "--force-device-scale-factor=0.7")
}
