package serve

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"xxgk/pipeline/decode"
)

// TestBrowser (XXGK_BROWSER=1, set in CI) drives a real headless Chromium through the
// workbench as an analyst would: the overview, the province's divisions down to a county and
// one of its reports, a click on a cell that opens the source panel at the cell's line (the
// line of the file, decoded here independently), a SQL query run from the editor and its CSV
// downloaded (equal to the API's). Any script error, console error, refused resource (the
// Content-Security-Policy) or failed request fails the test. A screenshot of each page is
// taken; with XXGK_SCREENSHOTS=1 they are written to docs/img/ (serve-*.png), for the docs.
func TestBrowser(t *testing.T) {
	const maxShot = 1600
	if os.Getenv("XXGK_BROWSER") != "1" && os.Getenv("XXGK_SCREENSHOTS") != "1" {
		t.Skip("set XXGK_BROWSER=1 to drive the workbench in headless Chromium")
	}
	exe := ""
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			exe = p
			break
		}
	}
	if exe == "" {
		t.Fatal("XXGK_BROWSER=1 but no chromium (Debian: apt-get install chromium)")
	}
	shots := t.TempDir()
	if os.Getenv("XXGK_SCREENSHOTS") == "1" {
		shots = filepath.Join("..", "..", "docs", "img")
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// XXGK_DEMO_DB: take the pictures on another warehouse (make demo's), its files at the
	// paths it recorded
	_, hs := testServer(t, Options{DB: os.Getenv("XXGK_DEMO_DB")})
	downloads := t.TempDir()

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1400, 1000),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()

	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatal(err)
	}
	// every console error and warning, uncaught exception and browser log entry (a failed
	// request, a resource the Content-Security-Policy refused) fails the test
	var mu sync.Mutex
	var problems []string
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning || m.IsException() {
				mu.Lock()
				problems = append(problems, string(m.Type)+": "+m.String())
				mu.Unlock()
			}
		}
	}()
	check := func(step string) {
		t.Helper()
		time.Sleep(100 * time.Millisecond) // let the console messages of the step arrive
		mu.Lock()
		defer mu.Unlock()
		for _, p := range problems {
			t.Errorf("%s: %s", step, p)
		}
		problems = nil
	}
	shot := func(name string) {
		t.Helper()
		// the page from its top, at most maxShot pixels of it (the docs show what a page is
		// like, not all of its rows)
		h, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.documentElement.scrollHeight`))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		yes := true
		r, err := chromedp.Call(ctx, cdppage.CaptureScreenshot, cdppage.CaptureScreenshotParams{FromSurface: &yes, CaptureBeyondViewport: &yes,
			Clip: &cdppage.Viewport{Width: 1400, Height: min(h, maxShot), Scale: 1}})
		img := r.Data
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if !bytes.HasPrefix(img, []byte("\x89PNG")) || len(img) < 5000 {
			t.Fatalf("screenshot %s: %d bytes, not a PNG", name, len(img))
		}
		if err := os.WriteFile(filepath.Join(shots, "serve-"+name+".png"), smallPNG(t, img), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 90*time.Second) // a step that never happens fails, not the whole run
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		check(step)
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}

	// the overview of the province
	do("overview", chromedp.Navigate(hs.URL+"/overview"), chromedp.WaitVisible(chromedp.CSS("#headline")))
	if title, draft := text("#title"), text("#draft"); !strings.Contains(title, "辽宁省") || !strings.Contains(draft, "共收到政府信息公开申请") {
		t.Errorf("overview: %q / %.200q", title, draft)
	}
	shot("overview")

	// drill down: province → prefecture → county → a report
	do("divisions of the province", chromedp.Click(chromedp.CSS(`a.more[href^="/divisions"]`)),
		chromedp.WaitVisible(chromedp.CSS("#division-table")))
	shot("divisions")
	do("the prefecture", chromedp.Click(chromedp.CSS(`#division-table tbody tr:first-child td:nth-child(2) a`)),
		chromedp.WaitVisible(chromedp.CSS("#crumbs a:nth-of-type(2)")))
	if crumbs := text("#crumbs"); strings.Count(crumbs, "›") != 1 {
		t.Errorf("after clicking the prefecture: %q", crumbs)
	}
	do("the county", chromedp.Click(chromedp.CSS(`#division-table tbody tr:first-child td:nth-child(2) a`)),
		chromedp.WaitVisible(chromedp.CSS("#crumbs a:nth-of-type(3)")), chromedp.WaitVisible(chromedp.CSS("#body-table")))
	if crumbs := text("#crumbs"); strings.Count(crumbs, "›") != 2 {
		t.Errorf("the county's breadcrumbs: %q", crumbs)
	}
	shot("county")
	do("a report", chromedp.Click(chromedp.CSS(`#body-table a.report-link`)), chromedp.WaitVisible(chromedp.CSS("#table3")))
	sourcePath := strings.TrimSpace(text("#source-path"))
	shot("report")

	// a click on a number opens the source panel at its line
	cell := `#table3 td.cell.st-number[data-line]`
	attr, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(cell), "data-line"))
	if err != nil || !attr.Exists {
		t.Fatalf("no number cell with a line: %v", err)
	}
	do("click a cell", chromedp.Click(chromedp.CSS(cell)), chromedp.WaitVisible(chromedp.CSS(`#panel-body .ln.hl`)))
	hl := text(`#panel-body .ln.hl`)
	b, err := os.ReadFile(filepath.FromSlash(sourcePath))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := decode.Decode(sourcePath, b)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	fmt.Sscan(attr.Value, &n)
	lines := strings.Split(doc.Text, "\n")
	if n < 1 || n > len(lines) || strings.TrimSpace(hl) != strings.TrimSpace(lines[n-1]) {
		t.Errorf("the panel highlights %q; line %s of %s is %q", hl, attr.Value, sourcePath, lines[min(max(n, 1), len(lines))-1])
	}
	inView, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const e = document.querySelector("#panel-body .ln.hl");
		const p = document.getElementById("panel").getBoundingClientRect(); const r = e.getBoundingClientRect();
		return r.top >= p.top && r.bottom <= p.bottom; })()`))
	if err != nil || !inView {
		t.Errorf("the highlighted line is not visible in the panel (%v)", err)
	}
	pic, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(shots, "serve-source.png"), smallPNG(t, pic), 0o644); err != nil {
		t.Fatal(err)
	}

	// SQL from the editor, then its CSV
	query := "select region_name, year, requests_count, disclosure_rate from analytics.region_years where level = 'county' order by region_code, year"
	do("SQL", chromedp.Navigate(hs.URL+"/sql"), chromedp.WaitVisible(chromedp.ID("sql-text")),
		chromedp.SetValue(chromedp.ID("sql-text"), query), chromedp.Click(chromedp.ID("run")), chromedp.WaitVisible(chromedp.ID("result-0")))
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#result-0 tbody tr").length`))
	if qtime := text("#sql-time"); err != nil || rows == 0 || !strings.Contains(qtime, "ms") {
		t.Errorf("SQL: %d rows, time %q (%v)", rows, qtime, err)
	}
	// sorted by a column with two clicks (ascending, then descending)
	do("sort", chromedp.Click(chromedp.CSS(`#result-0 thead th:nth-child(3)`)), chromedp.Click(chromedp.CSS(`#result-0 thead th:nth-child(3)`)))
	var fi, la int
	fmt.Sscan(strings.ReplaceAll(text(`#result-0 tbody tr:first-child td:nth-child(3)`), ",", ""), &fi)
	fmt.Sscan(strings.ReplaceAll(text(`#result-0 tbody tr:last-child td:nth-child(3)`), ",", ""), &la)
	if fi < la {
		t.Errorf("sorted descending: first %d, last %d", fi, la)
	}
	shot("sql")
	yes := true
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads, EventsEnabled: &yes}); err != nil {
		t.Fatal(err)
	}
	do("download CSV", chromedp.Click(chromedp.ID("dl-csv")))
	var got []byte
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if got, err = os.ReadFile(filepath.Join(downloads, "xxgk-query.csv")); err == nil && len(got) > 0 {
			break
		}
	}
	if len(got) == 0 {
		entries, _ := os.ReadDir(downloads)
		t.Fatalf("no CSV downloaded: %v", entries)
	}
	_, api := get(t, hs, "/api/sql?format=csv&q="+url.QueryEscape(query))
	if strings.TrimPrefix(string(got), "\ufeff") != api {
		t.Errorf("the downloaded CSV differs from the API's")
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(got, []byte("\ufeff")))).ReadAll()
	if err != nil || len(recs)-1 != rows {
		t.Errorf("CSV: %d records for %d rows shown (%v)", len(recs)-1, rows, err)
	}

	count := func(sel string) int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+"`"+sel+"`"+`).length`))
		if err != nil {
			t.Fatalf("count %s: %v", sel, err)
		}
		return n
	}

	// coverage: the grid of the province's divisions by year, missing reports marked; the
	// prefecture filter keeps that prefecture's lines only
	do("coverage", chromedp.Navigate(hs.URL+"/coverage?region=21"), chromedp.WaitVisible(chromedp.CSS("#coverage-grid")))
	if rows, missing := count("#coverage-grid tbody tr"), count("#coverage-grid td.cov-missing"); rows == 0 || missing == 0 {
		t.Errorf("coverage: %d lines, %d missing cells (the warehouses pictured have missing reports)", rows, missing)
	}
	shot("coverage")
	pref, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#pref-filter option:nth-child(2)").value`))
	if err != nil || len(pref) != 4 {
		t.Fatalf("coverage: no prefecture to filter by (%q, %v)", pref, err)
	}
	do("coverage of a prefecture", chromedp.Navigate(hs.URL+"/coverage?region=21&prefecture="+pref), chromedp.WaitVisible(chromedp.CSS("#coverage-grid")))
	if sel, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("pref-filter").value`)); err != nil || sel != pref {
		t.Errorf("coverage of %s: the filter shows %q (%v)", pref, sel, err)
	}
	codes, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#coverage-grid tbody tr td:first-child")].map(td => td.textContent.trim())`))
	if err != nil || len(codes) == 0 {
		t.Fatalf("coverage of %s: no lines (%v)", pref, err)
	}
	for _, c := range codes {
		if !strings.HasPrefix(c, pref) {
			t.Errorf("coverage filtered by %s shows %s", pref, c)
		}
	}

	// quality: a violation's link opens its report at the cell, marked as violating a rule
	do("quality", chromedp.Navigate(hs.URL+"/quality"), chromedp.WaitVisible(chromedp.CSS("#quality-table")))
	if count("#quality-table tbody tr") == 0 {
		t.Errorf("quality: no rule violations listed")
	}
	shot("quality")
	link, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`#quality-table a.to-report[href*="#c-"]`), "href"))
	if err != nil || !link.Exists {
		t.Fatalf("quality: no violation linking to a cell (%v)", err)
	}
	anchor := link.Value[strings.Index(link.Value, "#")+1:]
	do("a violation's cell", chromedp.Click(chromedp.CSS(`#quality-table a.to-report[href*="#c-"]`)), chromedp.WaitVisible(chromedp.CSS("#table3")))
	if cls, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.getElementById("`+anchor+`") || {className: "absent"}).className`)); err != nil || !strings.Contains(cls, "viol") {
		t.Errorf("the report opened from the quality page: cell %s has class %q, want it marked viol (%v)", anchor, cls, err)
	}

	// compare: a rate between two years, in percentage points, movers up and down
	do("compare", chromedp.Navigate(hs.URL+"/compare?region=21&level=county&measure=disclosure_rate"), chromedp.WaitVisible(chromedp.CSS("#compare-table")))
	if title := text("#title"); !strings.Contains(title, "→") {
		t.Errorf("compare: title %q", title)
	}
	changes, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#compare-table tbody tr td:nth-child(5)")].map(td => td.textContent.trim())`))
	pp := 0
	for _, c := range changes {
		if strings.HasSuffix(c, "个百分点") {
			pp++
		}
	}
	if err != nil || pp == 0 || count("#movers-up tbody tr")+count("#movers-down tbody tr") == 0 {
		t.Errorf("compare: %d changes in percentage points of %d, movers %d up %d down (%v)", pp, len(changes), count("#movers-up tbody tr"), count("#movers-down tbody tr"), err)
	}
	do("compare counts", chromedp.Navigate(hs.URL+"/compare?region=21&level=county"), chromedp.WaitVisible(chromedp.CSS("#compare-table")))
	shot("compare")

	// search: 拼音 initials find the education bureaus
	do("search", chromedp.Navigate(hs.URL+"/search?q=jyj"), chromedp.WaitVisible(chromedp.CSS("#hit-bodies")))
	hits, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#hit-bodies tbody tr td:first-child")].map(td => td.textContent.trim())`))
	edu := 0
	for _, h := range hits {
		if strings.Contains(h, "教育局") {
			edu++
		}
	}
	if err != nil || edu == 0 {
		t.Errorf("search jyj: %d bodies, none an 教育局: %q (%v)", len(hits), hits, err)
	}
	shot("search")
}

// smallPNG re-encodes a screenshot in the 256 colours it uses most (a page has a couple of
// thousand, most of them the edges of letters), about a third of the size, for the docs.
func smallPNG(t *testing.T, b []byte) []byte {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	r := img.Bounds()
	rgba := func(x, y int) color.RGBA { return color.RGBAModel.Convert(img.At(x, y)).(color.RGBA) }
	freq := map[color.RGBA]int{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			freq[rgba(x, y)]++
		}
	}
	cs := make([]color.RGBA, 0, len(freq))
	for c := range freq {
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool {
		return freq[cs[i]] > freq[cs[j]] || freq[cs[i]] == freq[cs[j]] && colorKey(cs[i]) < colorKey(cs[j])
	})
	pal := make(color.Palette, 0, 256)
	for _, c := range cs[:min(256, len(cs))] {
		pal = append(pal, c)
	}
	out := image.NewPaletted(r, pal)
	index := map[color.RGBA]uint8{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := rgba(x, y)
			i, ok := index[c]
			if !ok {
				i = uint8(pal.Index(c))
				index[c] = i
			}
			out.Pix[(y-r.Min.Y)*out.Stride+(x-r.Min.X)] = i
		}
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, out); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func colorKey(c color.RGBA) uint32 {
	return uint32(c.R)<<24 | uint32(c.G)<<16 | uint32(c.B)<<8 | uint32(c.A)
}
