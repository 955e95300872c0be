package decode

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// sameAsReference reads the HTML input b with the streaming reader and with the reference
// reader of html_ref_test.go and reports any difference in text (once normalised, as Decode
// does), title, tables, images or truncation; it also checks Decode's Doc.Spans against the
// text.
func sameAsReference(t *testing.T, name string, b []byte) bool {
	t.Helper()
	d := &Doc{Name: name, Size: len(b), Kind: KindText}
	s, err := decodeCharset(d, b)
	if err != nil || !looksHTML(name, s) {
		return true
	}
	got, want := extractHTML(s), refExtractHTML(s)
	gotText, _ := normalize(got.text)
	wantText, _ := normalize(want.text)
	same := true
	if gotText != wantText {
		t.Errorf("%s: text differs from the reference: %s", name, firstDiff(gotText, wantText))
		same = false
	}
	if got.title != want.title || got.tables != want.tables || got.images != want.images || got.unclosed != want.unclosed {
		t.Errorf("%s: title %q tables %d images %d unclosed %v; reference %q %d %d %v", name,
			got.title, got.tables, got.images, got.unclosed, want.title, want.tables, want.images, want.unclosed)
		same = false
	}
	if dd, err := Decode(name, b); err == nil {
		checkSpans(t, dd)
	}
	return same
}

// checkSpans asserts that Doc.Spans describes exactly the grid lines of the text: a layout
// for every line that is a grid row, with one value per slot, and nil for every other line;
// and that the values are a layout (a span ≥ 1 starts a cell, the slots it covers are 0).
func checkSpans(t testing.TB, d *Doc) {
	t.Helper()
	lines := strings.Split(d.Text, "\n")
	if len(d.Spans) > len(lines) {
		t.Fatalf("%d span lines for %d lines of text", len(d.Spans), len(lines))
	}
	for i, line := range lines {
		var sp []uint16
		if i < len(d.Spans) {
			sp = d.Spans[i]
		}
		grid := strings.HasPrefix(line, "| ") && strings.HasSuffix(line, " |")
		if grid != (sp != nil) {
			t.Fatalf("line %d %.80q: grid row %v but spans %v", i+1, line, grid, sp)
		}
		if !grid {
			continue
		}
		if n := strings.Count(line, "|") - 1; n != len(sp) {
			t.Fatalf("line %d has %d slots, spans %d: %.80q", i+1, n, len(sp), line)
		}
		for c := 0; c < len(sp); {
			if sp[c] == 0 {
				c++
				continue
			}
			k := int(sp[c])
			if c+k > len(sp) {
				t.Fatalf("line %d: span %d at slot %d beyond %d slots", i+1, k, c, len(sp))
			}
			for j := c + 1; j < c+k; j++ {
				if sp[j] != 0 {
					t.Fatalf("line %d: slot %d inside the span of slot %d is %d", i+1, j, c, sp[j])
				}
			}
			c += k
		}
		slots := strings.Split(line[1:len(line)-1], "|")
		for c, s := range slots {
			if sp[c] == 0 && strings.TrimSpace(s) != "" {
				t.Fatalf("line %d: span padding at slot %d holds %q", i+1, c, s)
			}
		}
	}
}

// TestHTMLReference reads the test pages and fuzz seeds with the streaming reader and with
// the tree-walking reader it replaced: the texts must be the same.
func TestHTMLReference(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.html")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sameAsReference(t, f, b)
	}
	// Seeds on which the readers differ on purpose (tested in TestHTMLSpans and TestHTMLHostile).
	differ := map[string]string{
		// more than 512 open elements: x/net/html's Parse fails and the reference reader
		// printed the page's source, tags and all
		"html-deep-nesting": "source printed",
		"html-deep-divs":    "source printed",
		// cells past the 256th column: the reference wrote them into the last slot (span
		// padding), the streaming reader joins them to the last cell of their row
		"html-issue11-columns": "overflow cell",
		"html-huge-spans":      "overflow cell",
	}
	seeds, _ := filepath.Glob("testdata/fuzz/FuzzDecode/html-*")
	for _, f := range seeds {
		if differ[filepath.Base(f)] != "" {
			continue
		}
		name, b := readSeed(t, f)
		sameAsReference(t, name, b)
	}
}

// TestHTMLReferenceCorpus compares the two readers on every .html file under
// $XXGK_HTML_CORPUS (for example a province written by xxgk gen).
func TestHTMLReferenceCorpus(t *testing.T) {
	dir := os.Getenv("XXGK_HTML_CORPUS")
	if dir == "" {
		t.Skip("XXGK_HTML_CORPUS not set")
	}
	n, bad := 0, 0
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		if !sameAsReference(t, p, b) {
			bad++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d pages, %d differ", n, bad)
}

// TestHTMLReferenceRandom compares the two readers on random well-formed pages: nested
// blocks, chrome, headings, lists, forms, tables with spans, captions and nested tables.
func TestHTMLReferenceRandom(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	for i := range n {
		page := randomPage(uint64(i))
		if !sameAsReference(t, "r"+strconv.Itoa(i)+".html", []byte(page)) {
			t.Logf("page %d:\n%s", i, page)
			break
		}
	}
}

// TestHTMLReferenceOmitted does the same with pages that leave out the end tags HTML lets
// them leave out (</p>, </li>, </td>, </tr>, </tbody>, </option>…), as many published pages do.
func TestHTMLReferenceOmitted(t *testing.T) {
	n := 2000
	if testing.Short() {
		n = 200
	}
	for i := range n {
		page := genPage(uint64(i), true)
		if !sameAsReference(t, "o"+strconv.Itoa(i)+".html", []byte(page)) {
			t.Logf("page %d:\n%s", i, page)
			break
		}
	}
}

// TestHTMLReferenceSloppy compares the two readers on random pages made sloppy the way
// published pages are: tags dropped, and stray text, stray end tags, table tags and blocks
// inserted anywhere (junk below, 300 pages each). The pages' formatting elements (<b>,
// <font>, <a>…) carry no page-chrome attributes. Pages where an element is misnested across
// a block (a browser's adoption agency, which moves and copies elements) may still read
// differently (html.go); at most 1% may, and the test logs how many did (1 of 1200 when
// written).
func TestHTMLReferenceSloppy(t *testing.T) {
	junk := [][]string{
		{"x", "前置", "&nbsp;"},
		{"</span>", "</div>", "</p>", "<p>", "</li>", "<br>", "</b>", "</a>", "</font>"},
		{"</td>", "<td>", "</tr>", "<tr>", "<th>", "<tbody>", "</tbody>", "<caption>", "</caption>", "</table>", "<table>"},
		{"<span>", "<div>", "<select>", "</select>", "<option>", "<form>", "</form>", "<li>", "<ul>", "</ul>", "<h1>", "</h1>", "<hr>", "<pre>", "<b>", "<font color=red>"},
	}
	n := 300
	if testing.Short() {
		n = 40
	}
	for k, js := range junk {
		var differ []string
		for i := range n {
			seed := uint64(k*100000 + i)
			g := &pageGen{r: rand.New(rand.NewPCG(seed, 7)), omit: i%2 == 1, plainF: true}
			page := sloppy(rand.New(rand.NewPCG(seed, 11)), g.page(), js)
			if !sameText(page) {
				differ = append(differ, page)
			}
		}
		t.Logf("junk %q: %d of %d pages read differently", js, len(differ), n)
		if len(differ)*100 > n {
			t.Errorf("junk %q: %d of %d pages read differently; the first:\n%s", js, len(differ), n, differ[0])
		}
	}
}

// sameText says whether the two readers read page the same (text, title, counts).
func sameText(page string) bool {
	got, want := extractHTML(page), refExtractHTML(page)
	g, _ := normalize(got.text)
	w, _ := normalize(want.text)
	return g == w && got.title == want.title && got.tables == want.tables && got.images == want.images && got.unclosed == want.unclosed
}

// sloppy drops about one tag in 30 of page and inserts a piece of junk before about one in 30.
func sloppy(r *rand.Rand, page string, junk []string) string {
	var b strings.Builder
	for len(page) > 0 {
		j := strings.IndexByte(page[1:], '<')
		if j < 0 {
			b.WriteString(page)
			break
		}
		chunk := page[:1+j]
		page = page[1+j:]
		switch r.IntN(30) {
		case 0:
			if k := strings.IndexByte(chunk, '>'); chunk[0] == '<' && k >= 0 {
				chunk = chunk[k+1:]
			}
		case 1:
			b.WriteString(junk[r.IntN(len(junk))])
		}
		b.WriteString(chunk)
	}
	return b.String()
}

// FuzzHTMLReference compares the two readers on random well-formed pages drawn from a seed.
func FuzzHTMLReference(f *testing.F) {
	for i := range 8 {
		f.Add(uint64(i))
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		page := genPage(seed, seed&1 == 1)
		if !sameAsReference(t, "r.html", []byte(page)) {
			t.Logf("page:\n%s", page)
		}
	})
}

func readSeed(t *testing.T, f string) (string, []byte) { return readSeedFile(t, f) }

// readSeedFile reads a fuzz seed file of FuzzDecode: the file name and the bytes.
func readSeedFile(t testing.TB, f string) (string, []byte) {
	t.Helper()
	raw, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(string(raw), "\n", 3)
	if len(lines) < 3 {
		t.Fatalf("%s: not a fuzz seed", f)
	}
	name, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "string("), ")"))
	if err != nil {
		t.Fatalf("%s: %v", f, err)
	}
	data, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(lines[2]), "[]byte("), ")"))
	if err != nil {
		t.Fatalf("%s: %v", f, err)
	}
	return name, []byte(data)
}

// pageGen writes random well-formed HTML: every element closed, blocks only where blocks
// may stand, so that a browser's tree is the nesting as written.
type pageGen struct {
	r      *rand.Rand
	omit   bool // leave out the end tags HTML lets a page leave out
	plainF bool // no chrome attributes on formatting elements (<b>, <font>, <a>…)
	b      strings.Builder
	inA    bool
	inBtn  bool
	inForm bool
}

func randomPage(seed uint64) string { return genPage(seed, false) }

func genPage(seed uint64, omit bool) string {
	g := &pageGen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), omit: omit}
	return g.page()
}

func (g *pageGen) page() string {
	g.b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">")
	if g.r.IntN(4) > 0 {
		g.b.WriteString("<title>")
		g.b.WriteString(g.words(3))
		g.b.WriteString("</title>")
	}
	if g.r.IntN(3) == 0 {
		g.b.WriteString("<style>td{color:red}</style><script>var a = '<p>x</p>';</script>")
	}
	g.b.WriteString("</head>\n<body")
	g.attrs()
	g.b.WriteString(">\n")
	for range 3 + g.r.IntN(8) {
		g.flowItem(0)
	}
	g.b.WriteString("</body></html>\n")
	return g.b.String()
}

var genWords = []string{"一、总体情况", "主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "年度报告",
	"某县2021年政府信息公开工作年度报告", "首页", "政务公开", "自然人", "商业企业", "信息内容", "本年新制作数量",
	"0", "12", "3", "&nbsp;", "&amp;", "&lt;说明&gt;", "a|b", "｜", "　", " ", "\n", "  \t ", "（一）予以公开",
	"法人或其他组织", "总计", "x", "Report", "2022-01-28", "&#160;5&nbsp;", "分享", "版权所有"}

func (g *pageGen) words(n int) string {
	var s strings.Builder
	for range 1 + g.r.IntN(n) {
		s.WriteString(genWords[g.r.IntN(len(genWords))])
	}
	return s.String()
}

func (g *pageGen) attrs() {
	if g.r.IntN(3) == 0 {
		cls := []string{"nav", "content", "title", "header", "article_title", "share", "TRS_Editor", "main-menu", "x"}
		g.b.WriteString(` class="` + cls[g.r.IntN(len(cls))] + `"`)
	}
	if g.r.IntN(8) == 0 {
		ids := []string{"footer", "zoom", "Title", "sidebar"}
		g.b.WriteString(` id="` + ids[g.r.IntN(len(ids))] + `"`)
	}
	if g.r.IntN(10) == 0 {
		st := []string{"display: none", "text-align:center", "VISIBILITY:hidden"}
		g.b.WriteString(` style="` + st[g.r.IntN(len(st))] + `"`)
	}
	if g.r.IntN(40) == 0 {
		g.b.WriteString(" hidden")
	}
}

// end closes tag, or leaves its end tag out when that is allowed and g.omit says so.
func (g *pageGen) end(tag string) {
	switch tag {
	case "p", "li", "td", "th", "tr", "tbody", "thead", "option", "dt", "dd", "caption":
		if g.omit && g.r.IntN(2) == 0 {
			return
		}
	}
	g.b.WriteString("</" + tag + ">")
}

func (g *pageGen) open(tag string) {
	g.b.WriteString("<" + tag)
	g.attrs()
	g.b.WriteString(">")
}

func (g *pageGen) flow(depth int) {
	for range 1 + g.r.IntN(4) {
		g.flowItem(depth)
	}
}

func (g *pageGen) flowItem(depth int) {
	if depth > 6 {
		g.b.WriteString(g.words(2))
		return
	}
	switch k := g.r.IntN(20); k {
	case 0, 1:
		g.b.WriteString(g.words(3))
	case 2, 3:
		g.open("p")
		g.phrasing(depth + 1)
		g.end("p")
	case 4, 5:
		tags := []string{"div", "section", "blockquote", "center", "nav", "header", "footer", "article"}
		tag := tags[g.r.IntN(len(tags))]
		g.open(tag)
		g.flow(depth + 1)
		g.b.WriteString("</" + tag + ">")
	case 6:
		tag := "h" + strconv.Itoa(1+g.r.IntN(4))
		g.open(tag)
		g.phrasing(depth + 1)
		g.b.WriteString("</" + tag + ">")
	case 7:
		tag := []string{"ul", "ol"}[g.r.IntN(2)]
		g.open(tag)
		for range 1 + g.r.IntN(3) {
			g.open("li")
			g.flow(depth + 1)
			g.end("li")
		}
		g.b.WriteString("</" + tag + ">")
	case 8, 9, 10:
		g.table(depth + 1)
	case 11:
		g.b.WriteString("<pre>\n" + g.words(3) + "\n  " + g.words(2) + "</pre>")
	case 12:
		g.b.WriteString([]string{"<br>", "<br/>", "<img src=a.png>", "<hr>", "<!-- c -->", "<script>x</script>", "<input type=hidden value=1>"}[g.r.IntN(7)])
	case 13:
		if !g.inForm {
			g.inForm = true
			g.open("form")
			g.flow(depth + 1)
			g.b.WriteString("</form>")
			g.inForm = false
		}
	case 14:
		g.b.WriteString("<select><option>" + g.words(2))
		g.end("option")
		g.b.WriteString("<option>" + g.words(1))
		g.end("option")
		g.b.WriteString("</select>")
	case 15:
		g.b.WriteString("<dl><dt>" + g.words(1))
		g.end("dt")
		g.b.WriteString("<dd>" + g.words(2))
		g.end("dd")
		g.b.WriteString("</dl>")
	case 16:
		g.b.WriteString("<svg><g><text>" + g.words(1) + "</text></g></svg>")
	default:
		g.phrasing(depth + 1)
	}
}

func (g *pageGen) phrasing(depth int) {
	for range 1 + g.r.IntN(3) {
		if depth > 8 {
			g.b.WriteString(g.words(2))
			continue
		}
		switch g.r.IntN(10) {
		case 0, 1, 2, 3:
			g.b.WriteString(g.words(3))
		case 4, 5:
			tag := []string{"span", "strong", "b", "em", "font", "u", "label"}[g.r.IntN(7)]
			if g.plainF && tag != "span" && tag != "label" {
				g.b.WriteString("<" + tag + ">")
			} else {
				g.open(tag)
			}
			g.phrasing(depth + 1)
			g.b.WriteString("</" + tag + ">")
		case 6:
			if !g.inA {
				g.inA = true
				if g.plainF {
					g.b.WriteString(`<a href="/">`)
				} else {
					g.open("a")
				}
				g.phrasing(depth + 1)
				g.b.WriteString("</a>")
				g.inA = false
			}
		case 7:
			g.b.WriteString([]string{"<br>", "<img src=b.gif>", "<wbr>", "&nbsp;"}[g.r.IntN(4)])
		case 8:
			if !g.inBtn {
				g.inBtn = true
				g.b.WriteString("<button>" + g.words(1) + "</button>")
				g.inBtn = false
			}
		default:
			g.b.WriteString(g.words(1))
		}
	}
}

func (g *pageGen) table(depth int) {
	g.b.WriteString("<table border=1>")
	if g.r.IntN(5) == 0 {
		g.b.WriteString("<caption>")
		g.phrasing(depth + 1)
		g.b.WriteString("</caption>")
	}
	if g.r.IntN(4) == 0 {
		g.b.WriteString("<thead><tr><th>" + g.words(1))
		g.end("th")
		g.b.WriteString("<th colspan=2>" + g.words(1))
		g.end("th")
		g.end("tr")
		g.end("thead")
	}
	body := g.r.IntN(2) == 0
	if body {
		g.b.WriteString("<tbody>\n")
	}
	rows := g.r.IntN(6)
	for range rows {
		g.b.WriteString("<tr>")
		for range g.r.IntN(5) {
			tag := []string{"td", "td", "td", "th"}[g.r.IntN(4)]
			g.b.WriteString("<" + tag)
			if g.r.IntN(4) == 0 {
				g.b.WriteString(` colspan="` + []string{"2", "3", "0", "70", "x", "2px", "300"}[g.r.IntN(7)] + `"`)
			}
			if g.r.IntN(5) == 0 {
				g.b.WriteString(` rowspan=` + []string{"2", "3", "0", "-1", "1200"}[g.r.IntN(5)])
			}
			if g.r.IntN(6) == 0 {
				g.attrs()
			}
			g.b.WriteString(">")
			switch g.r.IntN(12) {
			case 0:
				g.flow(depth + 1)
			case 1:
				if depth < 5 {
					g.table(depth + 1)
				}
			case 2:
				g.b.WriteString(strings.Repeat("按照上级要求，我办制定了依申请公开工作流程。", 1+g.r.IntN(30)))
			case 3:
				g.b.WriteString("&nbsp;")
			default:
				g.phrasing(depth + 1)
			}
			g.end(tag)
		}
		g.end("tr")
		g.b.WriteString("\n")
	}
	if body {
		g.end("tbody")
	}
	g.b.WriteString("</table>")
}

// TestHTMLReaderReuse checks that a reader reused from the pool keeps nothing of the page
// before: pages read one after another, in the opposite order and from several goroutines at
// once give the same text, title, counts and spans as each read first.
func TestHTMLReaderReuse(t *testing.T) {
	var pages []string
	for i := range 40 {
		pages = append(pages, genPage(uint64(1000+i), i%2 == 1))
	}
	for _, f := range []string{"testdata/page.html", "testdata/report.html"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, string(b))
	}
	pages = append(pages, "<p>正文<a class=nav>首页<b><font class=share>分享", // left open at the end
		"<table><caption>题<tr><td>1<table><tr><td rowspan=3>2", // tables left open
		"<table><tr><td colspan=64>a<td colspan=64>b<td colspan=64>c<td colspan=64>d<td>e</table>",
		strings.Repeat("<div class=nav>", 500)+"<table><tr><td>x"+strings.Repeat("<b><p>", 300))
	first := make([]string, len(pages))
	for i, p := range pages {
		extractors.Put(new(extractor)) // a fresh reader
		first[i] = fmt.Sprint(extractHTML(p))
	}
	check := func(i int) {
		if got := fmt.Sprint(extractHTML(pages[i])); got != first[i] {
			t.Errorf("page %d read again differs: %s", i, firstDiff(got, first[i]))
		}
	}
	for i := len(pages) - 1; i >= 0; i-- {
		check(i)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range pages {
				check((k + g*7) % len(pages))
			}
		}()
	}
	wg.Wait()
}
