package serve

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"xxgk/pipeline/decode"
	"xxgk/schemas"
)

// apiRows runs SQL through the API (to find ids: never expected values) and decodes the JSON.
func apiRows(t testing.TB, hsURL string, client *http.Client, q string) []map[string]any {
	t.Helper()
	resp, err := client.Get(hsURL + "/api/sql?format=json&q=" + url.QueryEscape(q))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rows []map[string]any
	if resp.StatusCode != 200 {
		t.Fatalf("api/sql %q: %d", q, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(&rows); err != nil {
		t.Fatal(err)
	}
	return rows
}

// reportIDs maps the stored source path of every current report to its id.
func reportIDs(t testing.TB, hsURL string, client *http.Client, current bool) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range apiRows(t, hsURL, client, fmt.Sprintf(`select report_id::varchar as id, source_path from main.reports where is_current = %t`, current)) {
		out[r["source_path"].(string)] = r["id"].(string)
	}
	return out
}

// parseHTML parses a page and returns a finder of elements by id.
type page struct{ root *html.Node }

func parsePage(t testing.TB, body string) page {
	t.Helper()
	n, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return page{n}
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// all returns the elements for which match is true, in document order.
func (p page) all(match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(p.root)
	return out
}

func (p page) byID(id string) *html.Node {
	m := p.all(func(n *html.Node) bool { v, _ := attr(n, "id"); return v == id })
	if len(m) == 0 {
		return nil
	}
	return m[0]
}

// tableRows returns the text of the cells of each body row of the table with this id.
func (p page) tableRows(id string) [][]string {
	t := p.byID(id)
	if t == nil {
		return nil
	}
	var out [][]string
	for _, tr := range (page{t}).all(func(n *html.Node) bool { return n.Data == "tr" }) {
		var cells []string
		isHead := false
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && (c.Data == "td" || c.Data == "th") {
				cells = append(cells, strings.TrimSpace(text(c)))
				isHead = isHead || c.Data == "th"
			}
		}
		if !isHead {
			out = append(out, cells)
		}
	}
	return out
}

// Every page and download answers, with the content type it promises.
func TestPagesAnswer(t *testing.T) {
	f := getFixture(t)
	_, hs := testServer(t, Options{})
	ids := reportIDs(t, hs.URL, hs.Client(), true)
	var anyID string
	for _, id := range ids {
		anyID = id
		break
	}
	county := f.late
	for _, c := range []struct{ path, ctype, contains string }{
		{"/overview", "text/html", "汇总报告用语"},
		{"/overview?region=2113&year=2023", "text/html", "2023"},
		{"/divisions", "text/html", "下级区划"},
		{"/divisions?region=2113&year=2024", "text/html", "division-table"},
		{"/divisions?region=21&list=counties&prefecture=2113", "text/html", "division-table"},
		{"/divisions?region=" + county + "&year=2024", "text/html", "body-table"},
		{"/divisions?region=2113&year=2024&format=csv", "text/csv", "region_code"},
		{"/divisions?region=" + county + "&year=2024&format=csv&part=bodies", "text/csv", "report_id"},
		{"/report/" + anyID, "text/html", "三、收到和处理政府信息公开申请情况"},
		{"/report/" + anyID + "/source?line=1", "text/html", "src"},
		{"/report/" + anyID + "/versions", "text/html", "version-reasons"},
		{"/body?region=" + county + "&body=" + url.QueryEscape(bodyOf(f, county)), "text/html", "versions"},
		{"/coverage", "text/html", "coverage-grid"},
		{"/coverage?region=21&prefecture=2113", "text/html", "coverage-grid"},
		{"/quality", "text/html", "quality-table"},
		{"/quality?kind=problems", "text/html", "quality-table"},
		{"/quality?kind=failed", "text/html", "failed"},
		{"/quality?format=csv", "text/csv", "report_id"},
		{"/compare", "text/html", "compare-table"},
		{"/compare?from=2023&to=2024&level=prefecture&measure=disclosure_rate", "text/html", "百分点"},
		{"/search?q=" + url.QueryEscape("人民政府"), "text/html", "hit-bodies"},
		{"/search", "text/html", "search-q"},
		{"/sql", "text/html", "analytics.region_years"},
		{"/sql?q=" + url.QueryEscape("select 1 as one"), "text/html", "result-0"},
		{"/sql/download?format=csv&q=" + url.QueryEscape("select 1 as one"), "text/csv", "one"},
		{"/sql/download?format=parquet&q=" + url.QueryEscape("select 1 as one"), "application/vnd.apache.parquet", "PAR1"},
		{"/api/sql?format=json&q=" + url.QueryEscape("select 1 as one"), "application/json", `"one": 1`},
		{"/api/sql?format=csv&q=" + url.QueryEscape("select 1 as one"), "text/csv", "one\n1\n"},
		{"/api/version?v=x", "application/json", `"newer": true`},
		{"/static/app.css", "text/css", "report-wrap"},
		{"/static/app.js", "javascript", "versionPoll"},
		{"/static/summary.css", "text/css", ".cards"},
	} {
		resp, err := hs.Client().Get(hs.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		buf := make([]byte, 1<<16)
		for {
			n, err := resp.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %d\n%.1000s", c.path, resp.StatusCode, b.String())
			continue
		}
		if ct := resp.Header.Get("Content-Type"); !strings.Contains(ct, c.ctype) {
			t.Errorf("GET %s: Content-Type %q, want %q", c.path, ct, c.ctype)
		}
		if !strings.Contains(b.String(), c.contains) {
			t.Errorf("GET %s: no %q in\n%.1500s", c.path, c.contains, b.String())
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("GET %s: Content-Security-Policy %q", c.path, csp)
		}
	}
}

// Bad parameters: unknown regions and years, wrong levels, malformed values, file paths in
// links, writes — each with its status and a message that says what was wrong.
func TestBadParameters(t *testing.T) {
	_, hs := testServer(t, Options{})
	for _, c := range []struct {
		path     string
		code     int
		contains string
	}{
		{"/overview?region=99", 404, "unknown division code 99"},
		{"/overview?region=2113&year=1999", 404, "years in the warehouse: 2023, 2024"},
		{"/overview?region=2113&year=2100", 404, "years in the warehouse"},
		{"/overview?region=211302", 404, "this page shows province or prefecture"},
		{"/overview?region=21x", 400, "division code"},
		{"/overview?year=abc", 400, "whole number"},
		{"/divisions?region=3301", 404, "no report of record"},
		{"/divisions?region=2113&year=2019", 404, "years in the warehouse"},
		{"/divisions?region=21&prefecture=3301", 404, "is not a prefecture of"},
		{"/divisions?region=2113&sort=drop_table", 400, "parameter sort"},
		{"/divisions?region=2113&dir=sideways", 400, "parameter dir"},
		{"/divisions?region=2113&format=xlsx", 400, "parameter format"},
		{"/report/123", 404, "no report 123"},
		{"/report/abc", 404, "no such report"},
		{"/report/-1/source?line=1", 404, "no report -1"},
		{"/report/1/source?line=x", 400, "whole number"},
		{"/body?region=2113&body=" + url.QueryEscape("不存在的机关"), 404, "no report of a body"},
		{"/body?region=2113", 400, "missing parameter body"},
		{"/coverage?region=2113&prefecture=2114", 404, "is not a prefecture of"},
		{"/coverage?region=211302", 404, "this page shows"},
		{"/quality?severity=fatal", 400, "parameter severity"},
		{"/quality?kind=all", 400, "parameter kind"},
		{"/quality?year=1990", 404, "years in the warehouse"},
		{"/quality?prefecture=2113x", 400, "division code"},
		{"/quality?page=0", 400, "page starts at 1"},
		{"/compare?from=2010", 404, "no report for 2010"},
		{"/compare?level=village", 400, "parameter level"},
		{"/compare?measure=secret", 400, "parameter measure"},
		{"/search?q=" + strings.Repeat("长", 101), 400, "too long"},
		{"/sql/download?format=xlsx&q=select+1", 400, "parameter format"},
		{"/api/sql?format=json", 400, "missing parameter q"},
		{"/api/sql?format=xml&q=select+1", 400, "parameter format"},
		{"/nowhere", 404, ""},
	} {
		code, body := get(t, hs, c.path)
		if code != c.code || !strings.Contains(body, c.contains) {
			t.Errorf("GET %s: %d, want %d with %q:\n%.600s", c.path, code, c.code, c.contains, body)
		}
	}
}

// No request reads a file it names: paths in links give 404, never the file.
func TestPathTraversal(t *testing.T) {
	_, hs := testServer(t, Options{})
	secret := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(secret, []byte("TOP-SECRET-CONTENT"), 0o644); err != nil {
		t.Fatal(err)
	}
	rel := strings.Repeat("../", 12) + strings.TrimPrefix(secret, "/")
	for _, p := range []string{
		"/static/" + rel,
		"/static/..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f" + url.PathEscape(strings.TrimPrefix(secret, "/")),
		"/report/" + url.PathEscape(secret),
		"/report/" + url.PathEscape(rel) + "/source",
		"/report/1/source/" + rel,
		"/report/..%2f..%2f..%2fetc%2fpasswd/source?line=1",
		"/source?path=" + url.QueryEscape(secret),
		"/report/1/source?path=" + url.QueryEscape(secret) + "&line=1",
		"/%2e%2e/%2e%2e/etc/passwd",
	} {
		// the client must not clean the path: send it raw
		req, err := http.NewRequest("GET", hs.URL+"/", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.URL.Opaque = "//" + req.URL.Host + p
		if i := strings.Index(p, "?"); i >= 0 {
			req.URL.Opaque = "//" + req.URL.Host + p[:i]
			req.URL.RawQuery = p[i+1:]
		}
		resp, err := hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 1<<16)
		n, _ := resp.Body.Read(b)
		resp.Body.Close()
		if resp.StatusCode != 404 && resp.StatusCode != 400 && resp.StatusCode != 301 {
			t.Errorf("GET %s: %d, want 404", p, resp.StatusCode)
		}
		if strings.Contains(string(b[:n]), "TOP-SECRET") || strings.Contains(string(b[:n]), "root:x:") {
			t.Errorf("GET %s served a file:\n%.300s", p, b[:n])
		}
	}
}

// The report page shows every cell as the gold file has it — value and state — for every
// current report; violations sit on their cells; a click's source line is the line of the file.
func TestReportPage(t *testing.T) {
	f := getFixture(t)
	_, hs := testServer(t, Options{})
	ids := reportIDs(t, hs.URL, hs.Client(), true)
	checked := 0
	paths := make([]string, 0, len(ids))
	for p := range ids {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for i, path := range paths {
		g := f.gold[path]
		if g == nil {
			t.Errorf("%s: no gold file", path)
			continue
		}
		if i%3 != 0 && path != f.corrected { // a third of them keeps the test short
			continue
		}
		body := mustGet(t, hs, "/report/"+ids[path])
		p := parsePage(t, body)
		if src := p.byID("source-path"); src == nil || strings.TrimSpace(text(src)) != path {
			t.Errorf("%s: the page names another file", path)
		}
		for _, tab := range []struct {
			name string
			grid schemas.Grid
		}{{schemas.Table2, g.Table2}, {schemas.Table3, g.Table3}, {schemas.Table4, g.Table4}} {
			for row, cols := range tab.grid {
				for col, cell := range cols {
					td := p.byID(cellAnchor(tab.name, row, col))
					if td == nil {
						t.Errorf("%s: %s %s %s (%s) not shown", path, tab.name, row, col, cell.State)
						continue
					}
					if st, _ := attr(td, "data-state"); st != string(cell.State) {
						t.Errorf("%s: %s %s %s: state %s, gold %s", path, tab.name, row, col, st, cell.State)
					}
					shown := strings.ReplaceAll(strings.TrimSpace(text(td)), ",", "")
					if cell.HasValue() && cell.State != schemas.StateBlank && shown != cell.Value.String() {
						t.Errorf("%s: %s %s %s shows %q, gold %s", path, tab.name, row, col, shown, cell.Value)
					}
					checked++
				}
			}
		}
		// each gold violation is marked on its cell (or its row)
		for _, c := range g.Checks {
			if c.Table == "" || c.Row == "" {
				continue
			}
			id := cellAnchor(c.Table, c.Row, c.Column)
			td := p.byID(id)
			if c.Column == "" || td == nil {
				continue
			}
			if cls, _ := attr(td, "class"); !strings.Contains(cls, "viol") {
				t.Errorf("%s: %s (%s) not marked on %s", path, c.Rule, c.Message, id)
			}
		}
	}
	if checked < 500 {
		t.Fatalf("only %d cells checked", checked)
	}
}

// The source panel shows the line the cell was read from, in the file the warehouse read, and
// says so when the file changed.
func TestSourcePanel(t *testing.T) {
	f := getFixture(t)
	_, hs := testServer(t, Options{})
	ids := reportIDs(t, hs.URL, hs.Client(), true)
	id := ids[f.corrected]
	if id == "" {
		t.Fatalf("the corrected report %s is not current", f.corrected)
	}
	p := parsePage(t, mustGet(t, hs, "/report/"+id))
	b, err := os.ReadFile(filepath.FromSlash(f.corrected))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := decode.Decode(f.corrected, b)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(doc.Text, "\n")
	n := 0
	for _, td := range p.all(func(n *html.Node) bool { l, ok := attr(n, "data-line"); return ok && l != "" && n.Data == "td" }) {
		l, _ := attr(td, "data-line")
		line, _ := strconv.Atoi(l)
		panel := parsePage(t, mustGet(t, hs, "/report/"+id+"/source?line="+l))
		hits := panel.all(func(n *html.Node) bool { c, _ := attr(n, "class"); return strings.Contains(c, "hl") })
		if len(hits) != 1 {
			t.Fatalf("line %s: %d highlighted lines", l, len(hits))
		}
		if got := text(hits[0]); strings.TrimRight(got, "\n") != lines[line-1] {
			t.Errorf("line %d: panel shows %q, the file's line is %q", line, got, lines[line-1])
		}
		// a number cell's line shows its number
		if st, _ := attr(td, "data-state"); st == "number" {
			v := strings.ReplaceAll(strings.TrimSpace(text(td)), ",", "")
			if !strings.Contains(strings.ReplaceAll(lines[line-1], ",", ""), v) {
				t.Errorf("line %d %q does not show the cell's %s", line, lines[line-1], v)
			}
		}
		if n++; n == 12 {
			break
		}
	}
	if n == 0 {
		t.Fatal("no cell with a line")
	}

	// the superseded first version: its file changed (a line was appended): the panel says so and
	// shows the texts the warehouse stored for the line, never the new bytes as if they were the old
	old := ""
	for _, r := range apiRows(t, hs.URL, hs.Client(), `select report_id::varchar as id, source_path from main.reports where not is_current`) {
		if r["source_path"] == f.corrected {
			old = r["id"].(string)
		}
	}
	if old == "" {
		t.Fatal("no superseded version of the corrected report")
	}
	op := parsePage(t, mustGet(t, hs, "/report/"+old))
	if op.byID("superseded") == nil {
		t.Error("the superseded version does not say so")
	}
	var line string
	for _, td := range op.all(func(n *html.Node) bool { _, ok := attr(n, "data-line"); return ok && n.Data == "td" }) {
		line, _ = attr(td, "data-line")
		break
	}
	body := mustGet(t, hs, "/report/"+old+"/source?line="+line)
	if !strings.Contains(body, `data-state="changed"`) || !strings.Contains(body, "SHA-256") || strings.Contains(body, "本报告已更正") {
		t.Errorf("the changed file's panel:\n%.1500s", body)
	}
	if !strings.Contains(body, "stored") {
		t.Errorf("no stored text shown for line %s:\n%.1500s", line, body)
	}
	// versions: the current version lists the superseded one
	if !strings.Contains(mustGet(t, hs, "/report/"+id), "/report/"+old) {
		t.Error("the current version does not list the superseded one")
	}
}

// Divisions: a county's bodies are the gold reports of that county and year, and the CSV holds
// exactly the rows shown, in the order shown.
func TestDivisions(t *testing.T) {
	f := getFixture(t)
	_, hs := testServer(t, Options{})
	// the own bodies of a county, of the prefecture and of the province
	upper := 0
	for _, code := range []string{f.late, "2113", "21"} {
		var want []string
		for _, g := range f.gold {
			if g.Region.Code == code && g.Year == 2024 && g.Status != "failed" {
				want = append(want, g.Body)
			}
		}
		sort.Strings(want)
		if len(code) < 6 {
			upper += len(want)
		}
		p := parsePage(t, mustGet(t, hs, "/divisions?region="+code+"&year=2024"))
		var got []string
		for _, r := range p.tableRows("body-table") {
			got = append(got, r[0])
		}
		sort.Strings(got)
		if !slices.Equal(got, want) {
			t.Errorf("bodies of %s 2024:\n got %v\nwant %v", code, got, want)
		}
	}
	if upper == 0 {
		t.Error("the fixture has no body above county level")
	}

	// a county whose figure is the sum of its bodies: requests = the gold sum of new_received
	sums := map[string]schemas.Dec{}
	area := map[string]bool{}
	for _, g := range f.gold {
		if g.Year != 2024 || g.Status == "failed" {
			continue
		}
		if g.Scope == schemas.ScopeArea {
			area[g.Region.Code] = true
		}
	}
	for _, g := range f.gold {
		if g.Year == 2024 && g.Status != "failed" && !area[g.Region.Code] {
			if c, ok := g.Table3.Get(schemas.RowNewReceived, schemas.ColTotal); ok && c.HasValue() {
				sums[g.Region.Code] += c.Value
			}
		}
	}
	p := parsePage(t, mustGet(t, hs, "/divisions?region=2113&year=2024"))
	rows := p.tableRows("division-table")
	if len(rows) == 0 {
		t.Fatal("no county rows")
	}
	checked := 0
	for _, r := range rows {
		want, ok := sums[r[0]]
		if !ok {
			continue
		}
		if got := strings.ReplaceAll(r[6], ",", ""); got != want.String() {
			t.Errorf("%s %s: requests %s, the gold bodies sum to %s", r[0], r[1], got, want)
		}
		checked++
	}
	if checked == 0 {
		t.Error("no county counted from its bodies")
	}

	// sorted by requests, descending: the CSV holds the same rows in the same order
	q := "/divisions?region=2113&year=2024&sort=requests_count&dir=desc"
	p = parsePage(t, mustGet(t, hs, q))
	shown := p.tableRows("division-table")
	_, csvBody := get(t, hs, q+"&format=csv")
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvBody, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs)-1 != len(shown) {
		t.Fatalf("CSV has %d rows, the page %d", len(recs)-1, len(shown))
	}
	prev := int64(-1)
	for i, r := range recs[1:] {
		if r[2] != shown[i][0] {
			t.Errorf("row %d: CSV %s, page %s", i, r[2], shown[i][0])
		}
		n, _ := strconv.ParseInt(r[8], 10, 64) // level, year, region_code, name, basis, reports, counted, own, requests
		if prev >= 0 && n > prev {
			t.Errorf("row %d: requests %d after %d: not descending", i, n, prev)
		}
		prev = n
	}
}

// Coverage marks the county whose reports came in a later run as late, and the counties the
// gold files have nothing for as missing.
func TestCoverage(t *testing.T) {
	f := getFixture(t)
	_, hs := testServer(t, Options{})
	p := parsePage(t, mustGet(t, hs, "/coverage?region=2113"))
	grid := p.byID("coverage-grid")
	if grid == nil {
		t.Fatal("no grid")
	}
	reported := map[string]bool{}
	for _, g := range f.gold {
		if g.Status != "failed" {
			reported[fmt.Sprintf("%s-%d", g.Region.Code, g.Year)] = true
		}
	}
	years := []string{"2023", "2024"}
	rows := p.tableRows("coverage-grid")
	counties := 0
	for _, tr := range (page{grid}).all(func(n *html.Node) bool { return n.Data == "tr" }) {
		cls, _ := attr(tr, "class")
		if cls != "lv-county" {
			continue
		}
		var tds []*html.Node
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.Data == "td" {
				tds = append(tds, c)
			}
		}
		code := strings.TrimSpace(text(tds[0]))
		counties++
		for i, y := range years {
			c, _ := attr(tds[3+i], "class")
			key := code + "-" + y
			switch {
			case !reported[key] && !strings.Contains(c, "cov-missing"):
				t.Errorf("%s: nothing in the gold files, cell %q", key, c)
			case reported[key] && strings.Contains(c, "cov-missing"):
				t.Errorf("%s: reported, cell %q", key, c)
			case code == f.late && y == "2024" && !strings.Contains(c, "cov-late"):
				t.Errorf("%s: came in the second run, cell %q", key, c)
			case code != f.late && strings.Contains(c, "cov-late"):
				t.Errorf("%s: marked late", key)
			}
		}
	}
	if counties == 0 || len(rows) < counties {
		t.Fatalf("%d counties", counties)
	}
}

// The quality page lists the gold files' rule violations, and answers the same whether the
// version's list is kept in memory or paged by SQL.
func TestQuality(t *testing.T) {
	f := getFixture(t)
	s1, hs := testServer(t, Options{})
	ids := reportIDs(t, hs.URL, hs.Client(), true)
	want := 0
	for path, g := range f.gold {
		if ids[path] == "" {
			continue // not the report of record (the corrected file's first reading is superseded)
		}
		for _, c := range g.Checks {
			if c.Rule == "R1" {
				want++
			}
		}
	}
	p := parsePage(t, mustGet(t, hs, "/quality?rule=R1"))
	if got := strings.TrimSpace(text(p.byID("quality-total"))); got != strconv.Itoa(want) {
		t.Errorf("R1 violations: page %s, gold %d", got, want)
	}
	queries := []string{"/quality", "/quality?rule=R1", "/quality?severity=warning&year=2024", "/quality?level=county&prefecture=2113",
		"/quality?kind=problems", "/quality?kind=problems&severity=error", "/quality?format=csv", "/quality?kind=problems&format=csv&year=2023"}
	mem := map[string]string{}
	for _, q := range queries {
		mem[q] = mustGet(t, hs, q)
	}
	saved := qualityMemoryItems
	qualityMemoryItems = 0
	defer func() { qualityMemoryItems = saved }()
	_, hs2 := testServer(t, Options{DB: s1.o.DB}) // the same file under the same path (the page names it)
	for _, q := range queries {
		got := mustGet(t, hs2, q)
		// the pages differ only in their version token (another server, same file)
		norm := func(s string) string {
			return regexp.MustCompile(`data-version="[^"]*"|<span id="gen">[^<]*`).ReplaceAllString(s, "")
		}
		if norm(got) != norm(mem[q]) {
			t.Errorf("%s: the SQL-paged answer differs from the one in memory", q)
		}
	}
}

// bodyOf returns the body of one of a division's gold reports of 2024.
func bodyOf(f *fixture, code string) string {
	var bodies []string
	for _, g := range f.gold {
		if g.Region.Code == code && g.Year == 2024 {
			bodies = append(bodies, g.Body)
		}
	}
	sort.Strings(bodies)
	return bodies[0]
}

// Search finds the bodies whose names contain the text or are typed by its pinyin, and the
// reports by their file names; % and _ are plain characters.
func TestSearch(t *testing.T) {
	f := getFixture(t)
	_, hs := testServer(t, Options{})
	bodiesOf := func(q string) map[string]bool {
		p := parsePage(t, mustGet(t, hs, "/search?q="+url.QueryEscape(q)))
		out := map[string]bool{}
		for _, r := range p.tableRows("hit-bodies") {
			out[r[0]] = true
		}
		return out
	}
	want := map[string]bool{}
	for _, g := range f.gold {
		if strings.Contains(g.Body, "教育局") && g.Status != "failed" {
			want[g.Body] = true
		}
	}
	if len(want) == 0 {
		t.Fatal("no 教育局 in the fixture")
	}
	for _, q := range []string{"教育局", "jyj", "jiaoyuju", "JYJ"} {
		got := bodiesOf(q)
		for b := range want {
			if !got[b] {
				t.Errorf("search %q: %s missing", q, b)
			}
		}
		if q == "教育局" && len(got) != len(want) {
			t.Errorf("search 教育局: %d bodies, the gold files have %d", len(got), len(want))
		}
	}
	files := func(q string) [][]string {
		return parsePage(t, mustGet(t, hs, "/search?q="+url.QueryEscape(q))).tableRows("hit-files")
	}
	for _, r := range files(".HTML") {
		if !strings.HasSuffix(strings.ToLower(r[0]), ".html") {
			t.Errorf("search .HTML found %s", r[0])
		}
	}
	if len(files(".HTML")) == 0 {
		t.Error("no .html file found")
	}
	for _, q := range []string{"%", "_", `\`, "2023年%报告"} {
		if rows := files(q); len(rows) != 0 {
			t.Errorf("search %q matched %d files: %v", q, len(rows), rows[0])
		}
	}
	if rows := files("工作年度报告"); len(rows) == 0 {
		t.Error("no file found by a part of its name")
	}
}
