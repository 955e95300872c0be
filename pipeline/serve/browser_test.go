package serve

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
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
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if !bytes.HasPrefix(png, []byte("\x89PNG")) || len(png) < 5000 {
			t.Fatalf("screenshot %s: %d bytes, not a PNG", name, len(png))
		}
		if err := os.WriteFile(filepath.Join(shots, "serve-"+name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
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
	if err := os.WriteFile(filepath.Join(shots, "serve-source.png"), pic, 0o644); err != nil {
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

	// the other pages, for the pictures (and their scripts)
	for _, p := range []struct{ name, path, wait string }{
		{"coverage", "/coverage?region=21", "#coverage-grid"},
		{"quality", "/quality", "#quality-table"},
		{"compare", "/compare?region=21&level=county", "#compare-table"},
		{"search", "/search?q=jyj", "#hit-bodies"},
	} {
		do(p.name, chromedp.Navigate(hs.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait)))
		shot(p.name)
	}
}
