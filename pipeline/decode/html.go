package decode

// The HTML reader streams a page through x/net/html's tokenizer and never builds a tree.
// It keeps the stack of open elements and applies the tree-construction rules of x/net/html
// (the parser the reader replaced, HTML5's rules) that decide which element text belongs to:
// implied end tags (<p>, <li>, <td>, <tr>…), scopes, the table modes, content a page puts
// between a table's rows (shown before the table), <form>, <select>, <svg>/<math>, and the
// list of active formatting elements (a <font> or <a> left open is re-opened around later
// content). One rule is simplified: a formatting element closed across a block (<b><div>x
// </b>) ends there instead of being split into copies, which moves no text of any page but
// can decide page chrome differently (see TestHTMLReference*: the test pages, a generated
// province and random well-formed pages read exactly as the tree-walking reader read them).
//
// What is written where:
//   - text is written as it streams, blocks on their own lines;
//   - page chrome (navigation, headers, footers, forms, hidden elements: pChrome and the class,
//     id and style attributes) is written too, and taken back when the element ends unless it
//     held report content: a table, a section heading (sectionWords, searched in x.raw) or a
//     heading or title element naming the report (titleWords, searched in x.flat);
//   - a table is written as a layout table (a line per row, its cells as blocks) while it
//     streams, its caption and what stands between its rows to buffers of their own; when it
//     ends, a data table's text is taken back and its caption and grid are written instead
//     (htmltable.go), from each cell's flat text (x.flat: text with blocks as spaces).
//
// Every input is read in time and memory linear in its size: the stack is capped at
// maxDepth (deeper elements are read as plain text), tables nest at most maxTables deep,
// end tags find their element through per-tag chains, searches look only at new text, a
// grid is built column by column (spans cost their width, not their area), and the grid
// slots a page may print are capped (maxSlots; a larger table is read as lines of text).

import (
	"bytes"
	"sort"
	"strings"
	"sync"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Limits that keep malformed pages cheap.
const (
	maxColspan  = 64
	maxRowspan  = 1000
	maxGridCols = 256
	maxMarks    = 4 << 20 // grid slots the spans of a page's tables may mark before spans are ignored
	maxSlots    = 4 << 20 // grid slots a page may print; a table beyond is read as lines of text
	maxDepth    = 400     // open elements; deeper elements are read as plain text
	maxTables   = 32      // tables open inside each other; deeper tables are read as plain text
	maxZombies  = 32      // elements closed while elements inside them are open (</form>, misnested </b>)
	maxSameScan = 64      // elements of an unknown tag searched for an end tag
	// A table is a layout table (its cells rendered as blocks, inner tables as grids) when a
	// cell holds more text than this or a nested table of several rows.
	layoutCellBytes = 600
	layoutInnerRows = 3
)

// page is what extractHTML read from an HTML page.
type page struct {
	text     string
	title    string
	tables   int // data tables rebuilt as grids
	images   int
	unclosed bool       // <html> without </html> or </body>
	spans    [][]uint16 // per line of text, see Doc.Spans
	notes    []string
}

// Class and id fragments of page chrome (case-insensitive).
var chromeWords = [][]byte{[]byte("nav"), []byte("menu"), []byte("footer"), []byte("header"),
	[]byte("breadcrumb"), []byte("crumb"), []byte("sidebar"), []byte("share"), []byte("toolbar"),
	[]byte("login"), []byte("search"), []byte("copyright")}

// Words whose presence keeps page chrome: the report's section headings.
var sectionWords = [][]byte{[]byte("总体情况"), []byte("總體情況"), []byte("主动公开政府信息情况"), []byte("主動公開政府信息情況"),
	[]byte("收到和处理政府信息公开申请"), []byte("收到和處理政府信息公開申請")}

// titleWords in a heading (h1–h3, or an element whose class or id says title) keep chrome.
var titleWords = [][]byte{[]byte("年度报告"), []byte("年度報告")}

var maxSectionWord, maxTitleWord = longest(sectionWords), longest(titleWords)

func longest(ws [][]byte) int {
	n := 0
	for _, w := range ws {
		n = max(n, len(w))
	}
	return n
}

// extractHTML renders an HTML page as text: chrome dropped, blocks on their own lines,
// tables as grids (see Doc.Text and Doc.Spans).
func extractHTML(s string) page {
	plainOnce.Do(buildPlain) // for appendCell
	x := extractors.Get().(*extractor)
	x.reset()
	defer extractors.Put(x)
	x.run(s)
	out := x.main.b
	for len(out) > 1 && out[len(out)-2] == '\n' { // end with one line feed
		out = out[:len(out)-1]
	}
	p := page{text: string(out), title: x.main.title, tables: x.main.tables, images: x.main.images, notes: x.notes}
	p.spans = lineNumbers(out, x.main.grid)
	if hasTag(s[:min(len(s), 8192)], "<html") {
		tail := s[max(0, len(s)-16384):]
		p.unclosed = !hasTag(tail, "</html") && !hasTag(tail, "</body")
	}
	return p
}

// hasTag says whether s holds w (a lower-case tag opening such as "</body"), ignoring case.
func hasTag(s, w string) bool {
	lead := w[:2] // "<h" or "</"
	if lead[1] != '/' {
		lead = w[:1]
	}
	for i := strings.Index(s, lead); i >= 0; {
		if hasPrefixFold(s[i:], w) {
			return true
		}
		j := strings.Index(s[i+1:], lead)
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

// Properties of tags.
const (
	pBlock       = 1 << iota // a block: on lines of its own, a space in flat text
	pSkip                    // its content is not shown
	pFlatSkip                // its content is not part of flat text (cell text)
	pRawSkip                 // its content is not text at all (script, style)
	pVoid                    // never has content or an end tag
	pSpecial                 // HTML's "special" elements, which stop end-tag searches
	pScope                   // bounds the default scope
	pButton                  // bounds button scope
	pList                    // bounds list-item scope
	pClosesP                 // its start tag closes an open <p>
	pFormatting              // a, b, font…: closed only within its scope
	pChrome                  // page furniture by its tag
	pHeading                 // h1–h6
	pTitleHead               // h1–h3: report titles keep chrome
	pBreakout                // ends <svg>/<math> content
	pIntegration             // HTML inside <svg>/<math> (foreignObject, desc, mi…)
	pNoChrome                // never checked as chrome (table parts a browser's walk skips)
)

type tagInfo struct {
	id    uint8 // dense index for lastOf; 0 for tags without one
	props uint32
}

var tagInfos map[atom.Atom]tagInfo

// Ids of tags looked up often.
var idP, idSelect, idForm uint8

// tagTable is tagInfos as an open-addressed table, read for every tag.
var tagTable [1024]struct {
	a    atom.Atom
	info tagInfo
}

func tagSlot(a atom.Atom) uint32 { return (uint32(a) * 0x9E3779B1) >> 22 }

func tagInfoOf(a atom.Atom) tagInfo {
	for i := tagSlot(a); ; i = (i + 1) & 1023 {
		switch tagTable[i].a {
		case a:
			return tagTable[i].info
		case 0:
			return tagInfo{}
		}
	}
}

const nTagIDs = 160

func init() {
	tagInfos = make(map[atom.Atom]tagInfo, 160)
	add := func(props uint32, tags ...atom.Atom) {
		for _, a := range tags {
			ti := tagInfos[a]
			if ti.id == 0 {
				ti.id = uint8(len(tagInfos) + 1)
			}
			ti.props |= props
			tagInfos[a] = ti
		}
	}
	add(pBlock, atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Body, atom.Caption,
		atom.Center, atom.Dd, atom.Details, atom.Dialog, atom.Dir, atom.Div, atom.Dl, atom.Dt,
		atom.Fieldset, atom.Figcaption, atom.Figure, atom.Footer, atom.Form, atom.H1, atom.H2,
		atom.H3, atom.H4, atom.H5, atom.H6, atom.Header, atom.Hgroup, atom.Hr, atom.Html,
		atom.Legend, atom.Li, atom.Main, atom.Menu, atom.Nav, atom.Ol, atom.Option, atom.P,
		atom.Pre, atom.Section, atom.Summary, atom.Table, atom.Tbody, atom.Td, atom.Tfoot,
		atom.Th, atom.Thead, atom.Tr, atom.Ul)
	add(pSkip, atom.Script, atom.Style, atom.Template, atom.Noscript, atom.Iframe, atom.Object,
		atom.Embed, atom.Svg, atom.Math, atom.Canvas, atom.Audio, atom.Video, atom.Input,
		atom.Textarea, atom.Button, atom.Link, atom.Meta, atom.Head, atom.Title)
	add(pFlatSkip, atom.Script, atom.Style, atom.Template, atom.Noscript, atom.Iframe, atom.Head)
	add(pRawSkip, atom.Script, atom.Style)
	add(pVoid, atom.Area, atom.Base, atom.Basefont, atom.Bgsound, atom.Br, atom.Col, atom.Embed,
		atom.Hr, atom.Img, atom.Image, atom.Input, atom.Keygen, atom.Link, atom.Meta, atom.Param,
		atom.Source, atom.Track, atom.Wbr, atom.Frame)
	add(pSpecial, atom.Address, atom.Applet, atom.Area, atom.Article, atom.Aside, atom.Base,
		atom.Basefont, atom.Bgsound, atom.Blockquote, atom.Body, atom.Br, atom.Button,
		atom.Caption, atom.Center, atom.Col, atom.Colgroup, atom.Dd, atom.Details, atom.Dir,
		atom.Div, atom.Dl, atom.Dt, atom.Embed, atom.Fieldset, atom.Figcaption, atom.Figure,
		atom.Footer, atom.Form, atom.Frame, atom.Frameset, atom.H1, atom.H2, atom.H3, atom.H4,
		atom.H5, atom.H6, atom.Head, atom.Header, atom.Hgroup, atom.Hr, atom.Html, atom.Iframe,
		atom.Img, atom.Input, atom.Keygen, atom.Li, atom.Link, atom.Listing, atom.Main,
		atom.Marquee, atom.Menu, atom.Meta, atom.Nav, atom.Noembed, atom.Noframes, atom.Noscript,
		atom.Object, atom.Ol, atom.P, atom.Param, atom.Plaintext, atom.Pre, atom.Script,
		atom.Section, atom.Select, atom.Source, atom.Style, atom.Summary, atom.Table, atom.Tbody,
		atom.Td, atom.Template, atom.Textarea, atom.Tfoot, atom.Th, atom.Thead, atom.Title,
		atom.Tr, atom.Track, atom.Ul, atom.Wbr, atom.Xmp)
	add(pScope, atom.Applet, atom.Caption, atom.Html, atom.Table, atom.Td, atom.Th, atom.Marquee,
		atom.Object, atom.Template, atom.Select)
	add(pButton, atom.Button)
	add(pList, atom.Ol, atom.Ul)
	add(pClosesP, atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Center,
		atom.Details, atom.Dialog, atom.Dir, atom.Div, atom.Dl, atom.Fieldset, atom.Figcaption,
		atom.Figure, atom.Footer, atom.Header, atom.Hgroup, atom.Main, atom.Menu, atom.Nav,
		atom.Ol, atom.P, atom.Section, atom.Summary, atom.Ul, atom.H1, atom.H2, atom.H3, atom.H4,
		atom.H5, atom.H6, atom.Pre, atom.Listing, atom.Form, atom.Li, atom.Dd, atom.Dt,
		atom.Plaintext, atom.Hr, atom.Xmp)
	add(pFormatting, atom.A, atom.B, atom.Big, atom.Code, atom.Em, atom.Font, atom.I, atom.Nobr,
		atom.S, atom.Small, atom.Strike, atom.Strong, atom.Tt, atom.U)
	add(pChrome, atom.Nav, atom.Header, atom.Footer, atom.Aside, atom.Form, atom.Select)
	add(pHeading, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6)
	add(pTitleHead, atom.H1, atom.H2, atom.H3)
	add(pBreakout, atom.B, atom.Big, atom.Blockquote, atom.Body, atom.Br, atom.Center, atom.Code,
		atom.Dd, atom.Div, atom.Dl, atom.Dt, atom.Em, atom.Embed, atom.H1, atom.H2, atom.H3,
		atom.H4, atom.H5, atom.H6, atom.Head, atom.Hr, atom.I, atom.Img, atom.Li, atom.Listing,
		atom.Menu, atom.Meta, atom.Nobr, atom.Ol, atom.P, atom.Pre, atom.Ruby, atom.S,
		atom.Small, atom.Span, atom.Strong, atom.Strike, atom.Sub, atom.Sup, atom.Table, atom.Tt,
		atom.U, atom.Ul, atom.Var)
	add(pIntegration, atom.ForeignObject, atom.Desc, atom.Mi, atom.Mo, atom.Mn, atom.Ms,
		atom.Mtext, atom.AnnotationXml)
	add(pNoChrome, atom.Table, atom.Tbody, atom.Thead, atom.Tfoot, atom.Tr, atom.Caption,
		atom.Colgroup)
	add(0, atom.Span, atom.Option, atom.Optgroup, atom.Tt, atom.Label, atom.Font, atom.Legend)
	if len(tagInfos) >= nTagIDs {
		panic("decode: too many tag ids")
	}
	for a, ti := range tagInfos {
		i := tagSlot(a)
		for tagTable[i].a != 0 {
			i = (i + 1) & 1023
		}
		tagTable[i].a, tagTable[i].info = a, ti
	}
	idP, idSelect, idForm = tagInfos[atom.P].id, tagInfos[atom.Select].id, tagInfos[atom.Form].id
}

// Flags of an open element.
const (
	fChrome  = 1 << iota // pushed an entry on x.chrome
	fCand                // pushed an entry on x.cands
	fZombie              // closed by </form> while elements inside it are open
	fForeign             // inside <svg>/<math>: only its name counts
	fPlain               // an element whose content is read as plain text (a table too deep)
	fRender              // shown: no element around it hides its content
	fChild               // has a child (text, element, comment)
)

// elem is an open element.
type elem struct {
	a        atom.Atom
	id       uint8
	flags    uint8
	props    uint32
	name     [2]int32 // the name in x.names when a == 0
	prevSame int32    // the next open element of the same tag below, or -1
	afe      int32    // its entry in x.afe, or -1
	start    elemMark // x.cur when it began (before its line end), and after
	inner    int32    // len(x.cur.b) after its line end
}

// elemMark is where an element began in the buffer text went to: for the adoption agency,
// which ends elements short of what was written inside them.
type elemMark struct{ n, grid, images, tables, raw int32 }

// attrMemo is the last class (or style) value read and what it says.
type attrMemo struct {
	val           []byte
	chrome, title bool
}

type chromeEnt struct {
	buf      *textBuf
	mark     bufMark
	rawStart int
}

type candEnt struct {
	flatStart int
	keep      int    // chrome entries its title keeps
	tab       *table // the table before which it is shown (flatStart is in tab.fosterFlat), or nil
}

// tagTok is a start or end tag as read from the tokenizer's raw bytes.
type tagTok struct {
	a       atom.Atom
	info    tagInfo
	name    []byte // lower-case
	end     bool
	selfEnd bool
	// attributes of interest
	chrome, titleClass bool
	colspan, rowspan   int
	fontAttr           bool // color, face or size (a <font> that ends <svg> content)
}

type extractor struct {
	z          *html.Tokenizer
	quirks     bool
	seen       bool // a token other than a doctype, comment or white space
	body       bool // the <body> has begun
	bodyMark   bufMark
	tablesSeen int

	stack     []elem
	names     []byte
	lastOf    [nTagIDs]int32
	lastOther int32
	special   []int32 // indexes of open special elements
	scope     []int32 // … of scope boundaries
	button    []int32
	list      []int32
	zombies   int
	formOpen  bool  // the form element pointer is set
	formIdx   int32 // … to this open <form>, or -1
	foreign   int32 // index of the open <svg>/<math>, or -1
	integ     int   // integration points open inside it
	plainAt   int   // ≥ 0: elements above this many are read as plain text
	rawNext   atom.Atom

	skip, flatSkip, rawSkip, pre int

	main textBuf
	cur  *textBuf // where text goes now

	chrome   []chromeEnt
	keptUpTo int // chrome[:keptUpTo] hold report content
	raw      []byte
	cands    []candEnt
	flat     []byte
	textSize int // trimmed text bytes read, for layout detection

	afe        []afeEntry
	tables     []*table
	freeTabs   []*table
	freeBufs   []*textBuf
	slots      int // grid slots printed on this page
	moveBudget int // bytes the adoption agency's cuts may still move
	tok        tagTok
	scratch    []byte
	attrBuf    []byte
	classMemo  attrMemo
	styleMemo  attrMemo
	notes      []string
	noteSeen   map[string]bool
}

// extractors are reused: a page's reader keeps its buffers for the next page.
var extractors = sync.Pool{New: func() any { return new(extractor) }}

// maxPooled is the largest buffer an extractor keeps for the next page.
const maxPooled = 1 << 20

// keep returns s emptied for reuse, or nil when it is too large to keep; what s held is
// cleared so that it does not keep other memory alive.
func keep[T any](s []T) []T {
	if cap(s) > maxPooled {
		return nil
	}
	clear(s[:cap(s)])
	return s[:0]
}

// keepFlat is keep for buffers that hold no pointers.
func keepFlat[T any](s []T) []T {
	if cap(s) > maxPooled {
		return nil
	}
	return s[:0]
}

// reset readies x for a page, keeping its buffers.
func (x *extractor) reset() {
	*x = extractor{
		main:      textBuf{b: keepFlat(x.main.b), grid: keep(x.main.grid)},
		stack:     keepFlat(x.stack),
		names:     keepFlat(x.names),
		special:   keepFlat(x.special),
		scope:     keepFlat(x.scope),
		button:    keepFlat(x.button),
		list:      keepFlat(x.list),
		chrome:    keep(x.chrome),
		raw:       keepFlat(x.raw),
		cands:     keep(x.cands),
		flat:      keepFlat(x.flat),
		afe:       keep(x.afe),
		tables:    keep(x.tables),
		freeTabs:  x.freeTabs,
		freeBufs:  x.freeBufs,
		scratch:   keepFlat(x.scratch),
		attrBuf:   keepFlat(x.attrBuf),
		classMemo: attrMemo{val: keepFlat(x.classMemo.val)},
		styleMemo: attrMemo{val: keepFlat(x.styleMemo.val)},
		foreign:   -1,
		formIdx:   -1,
		plainAt:   -1,
		lastOther: -1,
		quirks:    true,
	}
	for i := range x.lastOf {
		x.lastOf[i] = -1
	}
	x.cur = &x.main
	for _, t := range x.freeTabs {
		t.cells = keepFlat(t.cells)
		t.fosterFlat = keepFlat(t.fosterFlat)
	}
	for _, b := range x.freeBufs {
		b.b, b.grid, b.title = keepFlat(b.b), keep(b.grid), ""
	}
}

func (x *extractor) note(s string) {
	if x.noteSeen == nil {
		x.noteSeen = map[string]bool{}
	}
	if !x.noteSeen[s] {
		x.noteSeen[s] = true
		x.notes = append(x.notes, s)
	}
}

func (x *extractor) run(s string) {
	x.moveBudget = 4*len(s) + 1<<16
	if cap(x.main.b) < len(s)/2 {
		x.main.b = make([]byte, 0, len(s)/2)
	}
	x.z = html.NewTokenizer(strings.NewReader(s))
	for {
		tt := x.z.Next()
		switch tt {
		case html.ErrorToken:
			x.popTo(0)
			return
		case html.TextToken:
			x.onText(x.z.Text())
		case html.StartTagToken, html.SelfClosingTagToken:
			x.seen = true // a doctype after this is ignored (quirks mode)
			if x.readTag(x.z.Raw(), false, tt == html.SelfClosingTagToken) {
				x.startTag(&x.tok)
			}
		case html.EndTagToken:
			x.seen = true
			if x.readTag(x.z.Raw(), true, false) {
				x.endTag(&x.tok)
			}
		case html.CommentToken:
			x.child()
		case html.DoctypeToken:
			if !x.seen {
				x.quirks = quirksDoctype(string(x.z.Text()))
				x.seen = true
			}
		}
	}
}

// readTag reads a tag from its raw bytes ("<div class=a>", "</td>") the way the tokenizer
// does, without allocating: the lower-case name and the attributes the reader uses.
func (x *extractor) readTag(raw []byte, end, selfClosing bool) bool {
	t := &x.tok
	*t = tagTok{end: end, selfEnd: selfClosing, colspan: -1, rowspan: -1}
	i := 1
	if end {
		i = 2
	}
	start := i
	for i < len(raw) {
		c := raw[i]
		if c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '/' || c == '>' {
			break
		}
		i++
	}
	x.scratch = x.scratch[:0]
	for _, c := range raw[start:i] {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		x.scratch = append(x.scratch, c)
	}
	t.name = x.scratch
	if len(t.name) == 0 {
		return false
	}
	t.a = atom.Lookup(t.name)
	if t.a != 0 {
		t.info = tagInfoOf(t.a)
	}
	if end {
		return true
	}
	var seen uint8 // class, id, style, hidden, colspan, rowspan
	i = skipSpace(raw, i)
	for i < len(raw) && raw[i] != '>' {
		ks := i
		for i < len(raw) {
			c := raw[i]
			if c == '=' && i == ks {
				i++
				continue
			}
			if c == '=' || c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '/' || c == '>' {
				break
			}
			i++
		}
		key := raw[ks:i]
		var val []byte
		if i = skipSpace(raw, i); i < len(raw) {
			switch raw[i] {
			case '/':
				i++
			case '=':
				if i = skipSpace(raw, i+1); i < len(raw) {
					switch q := raw[i]; q {
					case '>':
					case '\'', '"':
						vs := i + 1
						e := bytes.IndexByte(raw[vs:], q)
						if e < 0 {
							val, i = raw[vs:], len(raw)
						} else {
							val, i = raw[vs:vs+e], vs+e+1
						}
					default:
						vs := i
						for i < len(raw) {
							c := raw[i]
							if c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '>' {
								break
							}
							i++
						}
						val = raw[vs:i]
					}
				}
			}
		}
		if len(key) > 0 {
			x.attr(t, key, val, &seen)
		}
		i = skipSpace(raw, i)
	}
	return true
}

func skipSpace(raw []byte, i int) int {
	for i < len(raw) {
		switch raw[i] {
		case ' ', '\n', '\r', '\t', '\f':
			i++
			continue
		}
		return i
	}
	return i
}

// attr records an attribute the reader uses; a repeated attribute is ignored, as the
// tokenizer does.
func (x *extractor) attr(t *tagTok, key, val []byte, seen *uint8) {
	var bit uint8
	switch len(key) {
	case 2:
		if equalFold(key, "id") {
			bit = 2
		}
	case 4:
		if equalFold(key, "face") || equalFold(key, "size") {
			t.fontAttr = true
		}
		return
	case 5:
		switch {
		case equalFold(key, "class"):
			bit = 1
		case equalFold(key, "style"):
			bit = 4
		case equalFold(key, "color"):
			t.fontAttr = true
		}
	case 6:
		if equalFold(key, "hidden") {
			bit = 8
		}
	case 7:
		switch {
		case equalFold(key, "colspan"):
			bit = 16
		case equalFold(key, "rowspan"):
			bit = 32
		}
	}
	if bit == 0 || *seen&bit != 0 {
		return
	}
	*seen |= bit
	if bytes.IndexByte(val, '&') >= 0 {
		val = []byte(html.UnescapeString(string(val)))
	}
	switch bit {
	case 1, 2:
		c := &x.classMemo // pages repeat their classes and styles: remember the last
		if !bytes.Equal(val, c.val) {
			c.val = append(c.val[:0], val...)
			low := lowerASCII(x.attrBuf[:0], val, false)
			x.attrBuf = low
			c.chrome, c.title = false, bytes.Contains(low, []byte("title"))
			for _, w := range chromeWords {
				if bytes.Contains(low, w) {
					c.chrome = true
					break
				}
			}
		}
		t.chrome = t.chrome || c.chrome
		t.titleClass = t.titleClass || c.title
	case 4:
		c := &x.styleMemo
		if !bytes.Equal(val, c.val) {
			c.val = append(c.val[:0], val...)
			c.chrome = false
			if mayHide(val) {
				low := lowerASCII(x.attrBuf[:0], val, true)
				x.attrBuf = low
				c.chrome = bytes.Contains(low, []byte("display:none")) || bytes.Contains(low, []byte("visibility:hidden"))
			}
		}
		t.chrome = t.chrome || c.chrome
	case 8:
		t.chrome = true
	case 16:
		t.colspan = spanValue(val)
	case 32:
		t.rowspan = spanValue(val)
	}
}

// mayHide says whether a style value holds "none" or "hidden" (in any case), without which
// it hides nothing.
func mayHide(v []byte) bool {
	for i, c := range v {
		switch c | 0x20 {
		case 'n':
			if i+4 <= len(v) && equalFold(v[i:i+4], "none") {
				return true
			}
		case 'h':
			if i+6 <= len(v) && equalFold(v[i:i+6], "hidden") {
				return true
			}
		}
	}
	return false
}

// lowerASCII appends v to dst with ASCII letters in lower case (and, with noSpace, without
// its spaces).
func lowerASCII(dst, v []byte, noSpace bool) []byte {
	for _, c := range v {
		switch {
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case c == ' ' && noSpace:
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

func equalFold(b []byte, w string) bool {
	if len(b) != len(w) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[i] {
			return false
		}
	}
	return true
}

// spanValue reads a rowspan or colspan value the way browsers do: leading digits count, an
// unreadable value gives -1.
func spanValue(v []byte) int {
	v = bytes.TrimLeft(v, " \t\n\r\f")
	v = bytes.TrimPrefix(v, []byte("+"))
	num, digits := 0, 0
	for digits < len(v) && v[digits] >= '0' && v[digits] <= '9' {
		if num < 1e6 {
			num = num*10 + int(v[digits]-'0')
		}
		digits++
	}
	if digits == 0 {
		return -1
	}
	return num
}

// rendering says whether content at the current position is shown.
func (x *extractor) rendering() bool { return x.skip == 0 }

func (x *extractor) top() *elem { return &x.stack[len(x.stack)-1] }

// child notes that the current element has a child now.
func (x *extractor) child() {
	if n := len(x.stack); n > 0 {
		x.stack[n-1].flags |= fChild
	}
}

// ---- text ----

func (x *extractor) onText(b []byte) {
	if n := len(x.stack); n > 0 && len(b) > 0 && b[0] == '\n' {
		// a line feed that begins a <pre>, <listing> or <textarea> is not part of it
		if top := &x.stack[n-1]; top.flags&(fChild|fForeign) == 0 && (top.a == atom.Pre || top.a == atom.Listing || top.a == atom.Textarea) {
			b = b[1:]
		}
	}
	if len(b) == 0 {
		return
	}
	if bytes.IndexByte(b, 0) >= 0 {
		b = bytes.ReplaceAll(b, []byte{0}, nil)
	}
	if x.body && x.plainAt < 0 {
		x.child()
	}
	if x.plainAt >= 0 {
		x.plainText(b)
		return
	}
	if !x.body {
		if x.inRawHead() {
			x.headText(b)
			return
		}
		t := bytes.TrimLeft(b, " \t\n\r\f")
		if len(t) == 0 {
			return
		}
		x.startBody(nil)
		b = t
	}
	if n := len(x.stack); n > 0 {
		top := &x.stack[n-1]
		if top.a == atom.Title && top.flags&fForeign == 0 {
			x.feed(b)
			if top.flags&fRender != 0 {
				if x.cur.title == "" {
					x.cur.title = cleanCell(string(b))
				}
			}
			return
		}
		if x.rawSkip > 0 {
			return
		}
		if t := x.innermost(); t != nil && t.cell < 0 && t.caption < 0 && isTablePart(top.a) && top.flags&fForeign == 0 {
			if len(bytes.Trim(b, " \t\n\r\f")) == 0 {
				x.feedTable(b, true)
				if top.a == atom.Tr && x.pre > 0 && t.render {
					// a layout table shows the white space between cells, which
					// inside <pre> ends lines
					t.home.newline()
					t.home.text(b, true)
					t.home.newline()
				}
				return // white space between rows: not shown
			}
		}
		if (x.foreign < 0 || x.integ > 0) && !raw(top.a) {
			x.reconstruct()
		}
	}
	x.feed(b)
	if x.rendering() {
		x.cur.text(b, x.pre > 0)
	}
}

// isTablePart says whether text directly inside a is table text (white space there is not
// shown; other text is shown before the table).
func isTablePart(a atom.Atom) bool {
	switch a {
	case atom.Table, atom.Tbody, atom.Thead, atom.Tfoot, atom.Tr:
		return true
	}
	return false
}

// feed passes text to what watches it: layout detection, chrome's section words, flat text.
func (x *extractor) feed(b []byte) { x.feedTable(b, false) }

// feedTable is feed; with inTable the text belongs to the table it stands in, even between
// rows (white space there is not moved before the table).
func (x *extractor) feedTable(b []byte, inTable bool) {
	if x.rawSkip > 0 {
		return
	}
	if len(x.tables) > 0 {
		x.textSize += len(bytes.TrimSpace(b))
		for _, t := range x.tables {
			if t.cell >= 0 && !t.layout && x.textSize-t.cellSize > layoutCellBytes {
				t.layout = true
			}
		}
	}
	if len(x.chrome) > 0 { // (kept also once decided, for the adoption agency's splits)
		n := len(x.raw)
		x.raw = append(x.raw, b...)
		if len(x.chrome) > x.keptUpTo {
			x.findSection(n)
		}
	}
	if x.flatSkip == 0 && x.flatOn() {
		if t := x.innermost(); !inTable && t != nil && t.cell < 0 && t.caption < 0 {
			n := len(t.fosterFlat)
			t.fosterFlat = append(t.fosterFlat, b...) // shown before the table
			if len(x.cands) > 0 {
				x.findTitle(t.fosterFlat, n, t)
			}
			return
		}
		n := len(x.flat)
		x.flat = append(x.flat, b...)
		if len(x.cands) > 0 {
			x.findTitle(x.flat, n, nil)
		}
	}
}

func (x *extractor) flatOn() bool { return len(x.tables) > 0 || len(x.cands) > 0 }

func (x *extractor) flatSpace() { x.flatSep(false) }

// flatSep adds a space to flat text; table parts (tablePart) never stand before their table.
func (x *extractor) flatSep(tablePart bool) {
	if x.flatSkip == 0 && x.flatOn() {
		if t := x.innermost(); !tablePart && t != nil && t.cell < 0 && t.caption < 0 {
			t.fosterFlat = append(t.fosterFlat, ' ')
			return
		}
		x.flat = append(x.flat, ' ')
	}
}

// findSection looks for section words in the text added to x.raw from n: chrome elements
// around the place found hold report content.
func (x *extractor) findSection(n int) {
	from := max(0, n-maxSectionWord+1)
	win := x.raw[from:]
	for _, w := range sectionWords {
		if i := lastIndex(win, w); i >= 0 {
			s := from + i
			k := x.keptUpTo
			for k < len(x.chrome) && x.chrome[k].rawStart <= s {
				k++
			}
			x.keptUpTo = k
		}
	}
}

// lastIndex is bytes.LastIndex for short windows that rarely hold w (bytes.Index is faster).
func lastIndex(b, w []byte) int {
	last := -1
	for off := 0; ; {
		i := bytes.Index(b[off:], w)
		if i < 0 {
			return last
		}
		last = off + i
		off = last + 1
	}
}

// findTitle looks for title words in the flat text added to flat from n inside a heading or
// title element: the chrome elements around that element hold report content. flat is x.flat
// (tab nil) or the text shown before table tab, which the elements open before tab contain.
func (x *extractor) findTitle(flat []byte, n int, tab *table) {
	from := max(0, n-maxTitleWord+1)
	win := flat[from:]
	for _, w := range titleWords {
		if i := lastIndex(win, w); i >= 0 {
			s := from + i
			j := len(x.cands) - 1
			for j >= 0 && x.cands[j].tab == tab && x.cands[j].flatStart > s {
				j--
			}
			if j >= 0 {
				x.keptUpTo = max(x.keptUpTo, x.cands[j].keep)
			}
		}
	}
}

// ---- before the body ----

// inRawHead says whether text belongs to an element of the head (its title, a script…).
func (x *extractor) inRawHead() bool {
	n := len(x.stack)
	return n > 0 && x.stack[n-1].a != atom.Html
}

// headText takes the text of an element in the head: only the title's is used.
func (x *extractor) headText(b []byte) {
	if top := x.top(); top.a == atom.Title && x.main.title == "" {
		x.main.title = cleanCell(string(b))
	}
}

func (x *extractor) ensureHTML(t *tagTok) {
	if len(x.stack) == 0 {
		if t != nil && t.a == atom.Html {
			x.push(t)
		} else {
			x.push(&tagTok{a: atom.Html, info: tagInfoOf(atom.Html)})
		}
	}
}

// startBody begins the body: elements of the head still open end.
func (x *extractor) startBody(t *tagTok) {
	x.seen = true
	x.ensureHTML(nil)
	x.popTo(1)
	x.body = true
	x.bodyMark = x.main.mark()
	if t != nil && t.a == atom.Body {
		x.push(t)
		return
	}
	x.push(&tagTok{a: atom.Body, info: tagInfoOf(atom.Body)})
}

// mergeBody takes the attributes of a second <body> tag, as browsers do: when they make the
// body page chrome, what it held so far is kept if it holds report content.
func (x *extractor) mergeBody(t *tagTok) {
	if !t.chrome || len(x.stack) < 2 || x.stack[1].a != atom.Body || x.stack[1].flags&(fChrome|fRender) != fRender {
		return
	}
	text := x.main.b[x.bodyMark.n:]
	kept := x.keptUpTo > 0 || x.tablesSeen > 0
	for _, w := range append(sectionWords[:len(sectionWords):len(sectionWords)], titleWords...) {
		kept = kept || bytes.Contains(text, w)
	}
	x.stack[1].flags |= fChrome
	x.chrome = append(x.chrome, chromeEnt{})
	copy(x.chrome[1:], x.chrome)
	x.chrome[0] = chromeEnt{buf: &x.main, mark: x.bodyMark}
	for i := range x.cands {
		x.cands[i].keep++
	}
	if kept {
		x.keptUpTo++
	}
}

// headStart handles a start tag before the body; false means the body begins with it.
func (x *extractor) headStart(t *tagTok) bool {
	x.seen = true
	if t.a == atom.Html {
		x.ensureHTML(t)
		return true
	}
	x.ensureHTML(nil)
	if len(x.stack) > 1 { // inside a script, style, title, template… of the head
		if x.top().a == atom.Template {
			return true
		}
	}
	switch t.a {
	case atom.Head:
		return true
	case atom.Base, atom.Basefont, atom.Bgsound, atom.Link, atom.Meta:
		return true
	case atom.Title, atom.Noscript, atom.Noframes, atom.Style, atom.Script, atom.Template:
		x.skip++ // nothing of the head is shown
		x.push(t)
		x.skip--
		return true
	case atom.Body:
		x.startBody(t)
		return true
	case atom.Frameset, atom.Frame:
		return true
	}
	x.startBody(nil)
	return false
}

// headEnd handles an end tag before the body; false means the body begins with it.
func (x *extractor) headEnd(t *tagTok) bool {
	switch t.a {
	case atom.Br: // </br> is a <br> of the body
		x.startBody(nil)
		return false
	case atom.Body, atom.Html:
		x.startBody(nil)
		return true
	}
	if len(x.stack) > 1 && x.top().a == t.a {
		x.pop()
	}
	return true
}

// ---- the stack ----

// push opens the element of t on the stack and does what its start means for the text.
func (x *extractor) push(t *tagTok) *elem {
	idx := int32(len(x.stack))
	e := elem{a: t.a, id: t.info.id, props: t.info.props, prevSame: -1, afe: -1}
	if t.a == 0 {
		e.name = [2]int32{int32(len(x.names)), int32(len(t.name))}
		x.names = append(x.names, t.name...)
	}
	if x.foreign >= 0 && x.integ == 0 && t.a != atom.Svg && t.a != atom.Math {
		e.flags |= fForeign
		e.props &= pIntegration | pBlock // (blocks for flat text: its tree kept the tag's atom)
	}
	if e.id != 0 {
		e.prevSame = x.lastOf[e.id]
		x.lastOf[e.id] = idx
	} else {
		e.prevSame = x.lastOther
		x.lastOther = idx
	}
	p := e.props
	if p&pSpecial != 0 {
		x.special = append(x.special, idx)
	}
	if p&pScope != 0 {
		x.scope = append(x.scope, idx)
	}
	if p&pButton != 0 {
		x.button = append(x.button, idx)
	}
	if p&pList != 0 {
		x.list = append(x.list, idx)
	}
	render := x.rendering()
	if render {
		e.flags |= fRender
	}
	x.child()
	e.start = elemMark{int32(len(x.cur.b)), int32(len(x.cur.grid)), int32(x.cur.images), int32(x.cur.tables), int32(len(x.raw))}
	x.stack = append(x.stack, e)
	ep := &x.stack[idx]
	if render && p&(pNoChrome|pSkip) == 0 && (t.chrome || p&pChrome != 0) {
		ep.flags |= fChrome
		x.chrome = append(x.chrome, chromeEnt{buf: x.cur, mark: x.cur.mark(), rawStart: len(x.raw)})
	}
	if len(x.chrome) > 0 && (p&pTitleHead != 0 || t.titleClass) {
		keep := len(x.chrome)
		if p&pTitleHead == 0 && ep.flags&fChrome != 0 {
			keep-- // a title class keeps the chrome around it, not itself
		}
		c := candEnt{flatStart: len(x.flat), keep: keep}
		if tb := x.innermost(); tb != nil && tb.cell < 0 && tb.caption < 0 {
			c.tab, c.flatStart = tb, len(tb.fosterFlat)
		}
		ep.flags |= fCand
		x.cands = append(x.cands, c)
	}
	if p&pBlock != 0 {
		x.flatSep(p&pNoChrome != 0)
		if render && p&pNoChrome == 0 {
			x.cur.newline()
		}
	}
	ep.inner = int32(len(x.cur.b))
	if p&pSkip != 0 {
		x.skip++
	}
	if p&pFlatSkip != 0 {
		x.flatSkip++
	}
	if p&pRawSkip != 0 {
		x.rawSkip++
	}
	if t.a == atom.Pre && ep.flags&fForeign == 0 {
		x.pre++
	}
	if ep.flags&fForeign != 0 && p&pIntegration != 0 {
		x.integ++
	}
	return ep
}

// pop closes the top element; elements closed by </form> below it close with it.
func (x *extractor) pop() {
	x.pop1()
	for n := len(x.stack); n > 0 && x.stack[n-1].flags&fZombie != 0; n = len(x.stack) {
		x.pop1()
	}
}

func (x *extractor) pop1() {
	idx := int32(len(x.stack) - 1)
	e := x.stack[idx]
	p := e.props
	if e.flags&fPlain != 0 {
		x.plainAt = -1
	}
	if e.flags&fZombie != 0 {
		x.zombies--
	}
	if idx == x.formIdx {
		x.formIdx = -1
	}
	if e.afe >= 0 && int(e.afe) < len(x.afe) && x.afe[e.afe].idx == idx {
		x.afe[e.afe].idx = -1 // closed, still listed: re-opened before later content
	}
	if e.flags&fForeign == 0 && (e.a == atom.Applet || e.a == atom.Marquee || e.a == atom.Object || e.a == atom.Template) {
		x.afeClear()
	}
	if p&pSkip != 0 {
		x.skip--
	}
	if p&pFlatSkip != 0 {
		x.flatSkip--
	}
	if p&pRawSkip != 0 {
		x.rawSkip--
	}
	if e.a == atom.Pre && e.flags&fForeign == 0 {
		x.pre--
	}
	if e.flags&fForeign != 0 && p&pIntegration != 0 {
		x.integ--
	}
	if idx == x.foreign {
		x.foreign = -1
		x.integ = 0
	}
	if t := x.innermost(); t != nil && t.elem < idx {
		x.tablePop(t, idx)
	}
	if p&pBlock != 0 {
		x.flatSep(p&pNoChrome != 0)
	}
	if e.flags&fCand != 0 {
		x.cands = x.cands[:len(x.cands)-1]
	}
	dropped := false
	if e.flags&fChrome != 0 {
		k := len(x.chrome) - 1
		c := x.chrome[k]
		x.chrome = x.chrome[:k]
		if k >= x.keptUpTo {
			c.buf.restore(c.mark)
			c.buf.space = true
			dropped = true
		}
		x.keptUpTo = min(x.keptUpTo, len(x.chrome))
		if len(x.chrome) == 0 {
			x.raw = x.raw[:0]
		}
	}
	if !dropped && p&pBlock != 0 && p&pNoChrome == 0 && e.flags&fRender != 0 {
		x.cur.newline()
	}
	if e.a == atom.Td || e.a == atom.Th {
		if t := x.innermost(); t != nil && t.cell == idx {
			x.cellEnd(t)
		}
	}
	if e.id != 0 {
		x.lastOf[e.id] = e.prevSame
	} else {
		x.lastOther = e.prevSame
		x.names = x.names[:e.name[0]]
	}
	if p&pSpecial != 0 {
		x.special = x.special[:len(x.special)-1]
	}
	if p&pScope != 0 {
		x.scope = x.scope[:len(x.scope)-1]
	}
	if p&pButton != 0 {
		x.button = x.button[:len(x.button)-1]
	}
	if p&pList != 0 {
		x.list = x.list[:len(x.list)-1]
	}
	x.stack = x.stack[:idx]
	if e.a == atom.Table && e.flags&fForeign == 0 && e.flags&fPlain == 0 {
		if t := x.innermost(); t != nil && t.elem == idx {
			x.tableEnd(t)
		}
	}
	if len(x.tables) == 0 && len(x.cands) == 0 {
		x.flat = x.flat[:0]
	}
}

// popTo closes elements until only n are left open.
func (x *extractor) popTo(n int) {
	for len(x.stack) > n {
		x.pop()
	}
}

// lastNamed returns the index of the topmost open element with t's tag, or -1.
func (x *extractor) lastNamed(t *tagTok) int32 {
	if t.info.id != 0 {
		i := x.lastOf[t.info.id]
		for i >= 0 && x.stack[i].flags&fZombie != 0 {
			i = x.stack[i].prevSame
		}
		return i
	}
	i := x.lastOther
	for n := 0; i >= 0 && n < maxSameScan; n++ {
		e := &x.stack[i]
		if e.flags&fZombie == 0 && string(x.names[e.name[0]:e.name[0]+e.name[1]]) == string(t.name) {
			return i
		}
		i = e.prevSame
	}
	return -1
}

func lastOf(s []int32) int32 {
	if len(s) == 0 {
		return -1
	}
	return s[len(s)-1]
}

// inScope says whether the element at i is in the default scope (with button or list-item
// boundaries when asked).
func (x *extractor) inScope(i int32, button, list bool) bool {
	if i < 0 {
		return false
	}
	b := lastOf(x.scope)
	if button {
		b = max(b, lastOf(x.button))
	}
	if list {
		b = max(b, lastOf(x.list))
	}
	return i >= b // the element may be a boundary itself
}

func (x *extractor) closeP() {
	if i := x.lastOf[idP]; x.inScope(i, true, false) {
		x.popTo(int(i))
	}
}

// ---- start tags ----

func (x *extractor) startTag(t *tagTok) {
	if x.plainAt >= 0 {
		x.plainStart(t)
		return
	}
	if !x.body && x.headStart(t) {
		return
	}
	if x.foreign >= 0 && x.integ == 0 {
		if !(t.info.props&pBreakout != 0 || t.a == atom.Font && t.fontAttr) {
			if raw(t.a) {
				x.z.NextIsNotRawText()
			}
			x.push(t)
			if t.selfEnd {
				x.pop()
			}
			return
		}
		x.popTo(int(x.foreign))
	}
	for range 4 { // a table rule may close something and look at the tag again
		tb := x.innermost()
		if tb == nil {
			break
		}
		switch x.tableStart(tb, t) {
		case done:
			return
		case again:
			continue
		}
		break
	}
	x.bodyStart(t)
}

// raw says whether the tokenizer reads the content of a as raw text.
func raw(a atom.Atom) bool {
	switch a {
	case atom.Iframe, atom.Noembed, atom.Noframes, atom.Noscript, atom.Plaintext, atom.Script,
		atom.Style, atom.Textarea, atom.Title, atom.Xmp:
		return true
	}
	return false
}

func (x *extractor) bodyStart(t *tagTok) {
	a := t.a
	if len(x.stack) >= maxDepth {
		x.enterPlain(t)
		return
	}
	switch a {
	case atom.Body:
		x.mergeBody(t)
		return
	case atom.Html, atom.Head, atom.Frameset, atom.Frame,
		atom.Caption, atom.Col, atom.Colgroup, atom.Tbody, atom.Td, atom.Tfoot, atom.Th, atom.Thead, atom.Tr:
		return // ignored
	case atom.Base, atom.Basefont, atom.Bgsound, atom.Link, atom.Meta, atom.Param, atom.Source, atom.Track:
		x.child() // empty elements that show nothing
		return
	case atom.Area, atom.Embed, atom.Keygen, atom.Wbr:
		x.reconstruct()
		x.child()
		return
	case atom.Input:
		if i := x.lastOf[idSelect]; x.inScope(i, false, false) {
			x.popTo(int(i))
		}
		x.reconstruct()
		x.child()
		return
	case atom.Br:
		x.reconstruct()
		x.child()
		x.br()
		return
	case atom.Img, atom.Image:
		x.reconstruct()
		x.child()
		if x.rendering() {
			x.cur.images++
		}
		return
	case atom.Hr:
		x.closeP()
		if x.inScope(x.lastOf[idSelect], false, false) {
			x.impliedEnd(false)
		}
		x.child()
		x.flatSpace()
		x.flatSpace()
		if x.rendering() {
			x.cur.newline()
		}
		return
	case atom.Form:
		if x.formOpen {
			return
		}
		x.closeP()
		x.push(t)
		x.formOpen = true
		x.formIdx = int32(len(x.stack) - 1)
		return
	case atom.Li:
		x.closeListItem(func(a atom.Atom) bool { return a == atom.Li })
	case atom.Dd, atom.Dt:
		x.closeListItem(func(a atom.Atom) bool { return a == atom.Dd || a == atom.Dt })
	case atom.Button:
		if i := x.lastNamed(t); x.inScope(i, false, false) {
			x.popTo(int(i))
		}
		x.reconstruct()
	case atom.A:
		for k := len(x.afe) - 1; k >= 0 && !x.afe[k].marker; k-- {
			if x.afe[k].tag.a == atom.A {
				x.adoption(t)
				if k < len(x.afe) && x.afe[k].tag.a == atom.A && !x.afe[k].marker {
					x.afeRemove(k) // a browser takes it out of the stack and the list
				}
				break
			}
		}
		x.reconstruct()
	case atom.Nobr:
		x.reconstruct()
		if i := x.lastNamed(t); x.inScope(i, false, false) {
			x.adoption(t)
			x.reconstruct()
		}
	case atom.Option, atom.Optgroup:
		if x.inScope(x.lastOf[idSelect], false, false) {
			x.impliedEnd(a == atom.Option)
		} else if x.top().a == atom.Option {
			x.pop()
		}
		x.reconstruct()
	case atom.Select:
		if i := x.lastOf[idSelect]; x.inScope(i, false, false) {
			x.popTo(int(i))
			return
		}
		x.reconstruct()
	case atom.Table:
		if !x.quirks {
			x.closeP()
		}
		x.tableStartTag(t)
		return
	case atom.Xmp:
		x.closeP()
		x.reconstruct()
	case atom.Applet, atom.Marquee, atom.Object, atom.Svg, atom.Math:
		x.reconstruct()
	case atom.Title, atom.Script, atom.Style, atom.Template, atom.Noframes, atom.Pre, atom.Listing,
		atom.Plaintext, atom.Textarea, atom.Iframe, atom.Noembed, atom.Noscript,
		atom.Rb, atom.Rtc, atom.Rp, atom.Rt:
	default:
		if t.info.props&(pClosesP|pHeading) == 0 {
			x.reconstruct() // any other element, formatting ones too
		}
	}
	if t.info.props&pClosesP != 0 {
		x.closeP()
	}
	if t.info.props&pHeading != 0 && x.top().props&pHeading != 0 && x.top().flags&fForeign == 0 {
		x.pop()
	}
	e := x.push(t)
	switch a {
	case atom.Svg, atom.Math:
		if t.selfEnd {
			x.pop()
			return
		}
		x.foreign = int32(len(x.stack) - 1)
		x.integ = 0
	case atom.Applet, atom.Marquee, atom.Object, atom.Template:
		x.afe = append(x.afe, afeEntry{marker: true, idx: -1})
	}
	if t.info.props&pFormatting != 0 && e.flags&fForeign == 0 {
		x.afeAdd(t)
	}
}

// ---- active formatting elements ----

// afeEntry is an entry of HTML's list of active formatting elements: a formatting element
// (<a>, <b>, <font>…) that a browser re-opens where a page left it open across the end of an
// element around it, or a marker (a cell, a caption…) that bounds the list.
type afeEntry struct {
	marker bool
	tag    tagTok // name not kept: formatting tags are all known
	idx    int32  // its element's stack index, or -1 when it is closed
}

// maxAFE bounds the list after its last marker; the oldest entries go first.
const maxAFE = 64

// afeAdd lists the formatting element just pushed (the Noah's ark rule: at most three alike
// after the last marker — alike here meaning the same tag and the same chrome attributes).
func (x *extractor) afeAdd(t *tagTok) {
	idx := int32(len(x.stack) - 1)
	same, first, n := 0, -1, 0
	for k := len(x.afe) - 1; k >= 0 && !x.afe[k].marker; k-- {
		n++
		if e := &x.afe[k].tag; e.a == t.a && e.chrome == t.chrome && e.titleClass == t.titleClass && e.fontAttr == t.fontAttr {
			same++
			first = k
		}
	}
	if same >= 3 {
		x.afeRemove(first)
	} else if n >= maxAFE {
		x.afeRemove(len(x.afe) - n)
	}
	tag := *t
	tag.name = nil
	x.afe = append(x.afe, afeEntry{tag: tag, idx: idx})
	x.stack[idx].afe = int32(len(x.afe) - 1)
}

func (x *extractor) afeRemove(k int) {
	if i := x.afe[k].idx; i >= 0 {
		x.stack[i].afe = -1
	}
	copy(x.afe[k:], x.afe[k+1:])
	x.afe = x.afe[:len(x.afe)-1]
	for ; k < len(x.afe); k++ {
		if i := x.afe[k].idx; i >= 0 {
			x.stack[i].afe = int32(k)
		}
	}
}

// afeClear empties the list back to its last marker (a cell, a caption… has closed).
func (x *extractor) afeClear() {
	for n := len(x.afe); n > 0; n = len(x.afe) {
		e := x.afe[n-1]
		x.afe = x.afe[:n-1]
		if e.marker {
			return
		}
		if e.idx >= 0 {
			x.stack[e.idx].afe = -1
		}
	}
}

// reconstruct re-opens the formatting elements a page left open but an element around them
// closed, before content that a browser would put inside them.
func (x *extractor) reconstruct() {
	n := len(x.afe)
	if n == 0 || x.afe[n-1].marker || x.afe[n-1].idx >= 0 || x.plainAt >= 0 {
		return
	}
	k := n - 1
	for k > 0 && !x.afe[k-1].marker && x.afe[k-1].idx < 0 {
		k--
	}
	for ; k < n; k++ {
		if len(x.stack) >= maxDepth {
			return
		}
		tag := x.afe[k].tag
		x.push(&tag)
		idx := int32(len(x.stack) - 1)
		x.afe[k].idx = idx
		x.stack[idx].afe = int32(k)
	}
}

// adoption closes a formatting element at its end tag (HTML's adoption agency, simplified):
// when no special element was opened inside it, it and what is open inside it close. When
// one was (a <div> inside a <font>), a browser closes it there, moves that element out of it
// and wraps what the element holds so far in a copy of it: what was written since it began
// belongs to it, what comes next does not. Here it leaves the stack's matching (a zombie
// that closes with the element) and, if it is page chrome, is decided at once.
func (x *extractor) adoption(t *tagTok) {
	if top := x.top(); top.a == t.a && top.afe < 0 && top.flags&fForeign == 0 {
		x.pop()
		return
	}
	k := len(x.afe) - 1
	for ; k >= 0 && !x.afe[k].marker; k-- {
		if x.afe[k].tag.a == t.a {
			break
		}
	}
	if k < 0 || x.afe[k].marker {
		if i := x.lastNamed(t); i >= 0 && lastOf(x.special) <= i { // any other end tag
			x.popTo(int(i))
		}
		return
	}
	i := x.afe[k].idx
	switch {
	case i < 0:
		x.afeRemove(k)
	case !x.inScope(i, false, false):
	case lastOf(x.special) < i:
		x.popTo(int(i))
		x.afeRemove(k)
	case x.zombies < maxZombies && x.stack[i].flags&fZombie == 0:
		fb := x.special[sort.Search(len(x.special), func(k int) bool { return x.special[k] > i })]
		x.afeRemove(k)
		// A browser closes it and the elements between it and fb that are no formatting
		// elements (they leave the stack: zombies here), moves fb out of them, and wraps
		// what fb holds in a copy of it; the formatting elements between go on around fb
		// (as copies). For page chrome that means: what each wrote before fb is decided now,
		// on its own; what fb holds so far goes with the copy of the element.
		f := x.stack[i]
		for j := i; j < fb && x.zombies < maxZombies; j++ {
			e := &x.stack[j]
			if j > i && e.flags&fZombie != 0 {
				continue
			}
			if j > i && e.afe >= 0 {
				if e.flags&fChrome != 0 {
					x.splitChrome(j, fb, true)
				}
				continue
			}
			e.flags |= fZombie
			x.zombies++
			if e.flags&fChrome != 0 {
				x.splitChrome(j, fb, false)
			}
		}
		if f.flags&fChrome != 0 {
			x.cloneRegion(fb)
		}
	}
}

// chromeIndex returns the entry in x.chrome of the chrome element at stack index i.
func (x *extractor) chromeIndex(i int32) int {
	k := 0
	for j := int32(0); j < i; j++ {
		if x.stack[j].flags&fChrome != 0 {
			k++
		}
	}
	return k
}

// splitChrome decides the chrome element at stack index i on what it wrote before the
// element at fb began; that part goes when it holds no report content. With goesOn the
// element goes on around fb (a formatting element's copy) as new chrome from there.
func (x *extractor) splitChrome(i, fb int32, goesOn bool) {
	k := x.chromeIndex(i)
	c := x.chrome[k]
	if c.buf != x.cur {
		return
	}
	a, b := c.mark.n, int(x.stack[fb].start.n)
	ra, rb := min(c.rawStart, len(x.raw)), min(int(x.stack[fb].start.raw), len(x.raw))
	drop := a < b && !holdsReport(x.raw[ra:max(ra, rb)], c.buf.grid[c.mark.grid:x.stack[fb].start.grid])
	if goesOn {
		x.chrome[k].rawStart = int(x.stack[fb].start.raw)
	} else {
		x.stack[i].flags &^= fChrome
		copy(x.chrome[k:], x.chrome[k+1:])
		x.chrome = x.chrome[:len(x.chrome)-1]
		if x.keptUpTo > k {
			x.keptUpTo--
		}
	}
	if drop {
		x.cutBefore(i, fb)
	}
	if goesOn {
		s := x.stack[fb].start
		x.chrome[k].mark = bufMark{n: int(s.n), grid: int(s.grid), images: int(s.images), tables: int(s.tables), title: c.buf.title}
	}
}

// cloneRegion decides the copy of a chrome formatting element that a browser wraps around
// what the element at fb holds so far: that goes when it holds no report content.
func (x *extractor) cloneRegion(fb int32) {
	e := &x.stack[fb]
	buf := x.cur
	a, g := int(e.inner), int(e.start.grid)
	if a > len(buf.b) || g > len(buf.grid) || holdsReport(x.raw[min(int(e.start.raw), len(x.raw)):], buf.grid[g:]) {
		return
	}
	buf.restore(bufMark{n: a, grid: g, images: int(e.start.images), tables: int(e.start.tables), title: buf.title, space: true})
	for k := range x.chrome { // chrome opened inside fb began where fb's content begins
		if m := &x.chrome[k].mark; m.n > a {
			m.n, m.grid, m.images, m.tables = a, g, int(e.start.images), int(e.start.tables)
		}
	}
	for k := fb + 1; int(k) < len(x.stack); k++ {
		if se := &x.stack[k]; int(se.start.n) > a {
			se.start = elemMark{int32(a), int32(g), e.start.images, e.start.tables, se.start.raw}
			se.inner = int32(a)
		}
	}
}

// holdsReport says whether part of a chrome element holds report content: a table (grid
// lines written) or a section heading in its text (raw). (The report's title, which counts
// inside headings, is left out: a heading is a block, which the part ends before.)
func holdsReport(raw []byte, grid []gridLine) bool {
	if len(grid) > 0 {
		return true
	}
	for _, w := range sectionWords {
		if bytes.Contains(raw, w) {
			return true
		}
	}
	return false
}

// cutBefore takes out of x.cur what was written from a up to where the element at fb began
// (a chrome element's part before fb), and keeps fb beginning a line.
func (x *extractor) cutBefore(i, fb int32) {
	buf := x.cur
	from, s := x.stack[i].start, x.stack[fb].start
	a, b := int(from.n), int(s.n)
	if a >= b || b > len(buf.b) || len(buf.b)-a > x.moveBudget {
		return // (a page of many misnested elements keeps the rest as it is)
	}
	x.moveBudget -= len(buf.b) - a
	ga, gb := int(from.grid), int(s.grid)
	if ga > gb || gb > len(buf.grid) {
		return
	}
	dn, dg := b-a, gb-ga
	di, dt := int(s.images-from.images), int(s.tables-from.tables)
	buf.b = append(buf.b[:a], buf.b[b:]...)
	for k := gb; k < len(buf.grid); k++ {
		buf.grid[k].off -= dn
	}
	buf.grid = append(buf.grid[:ga], buf.grid[gb:]...)
	clear(buf.grid[len(buf.grid):min(cap(buf.grid), len(buf.grid)+dg)])
	buf.images -= di
	buf.tables -= dt
	for k := range x.chrome {
		m := &x.chrome[k].mark
		switch {
		case m.n >= b:
			m.n, m.grid, m.images, m.tables = m.n-dn, m.grid-dg, m.images-di, m.tables-dt
		case m.n > a:
			m.n, m.grid, m.images, m.tables = a, ga, int(from.images), int(from.tables)
		}
	}
	for k := range x.stack {
		e := &x.stack[k]
		switch {
		case int(e.start.n) >= b:
			e.start.n -= int32(dn)
			e.start.grid -= int32(dg)
			e.start.images -= int32(di)
			e.start.tables -= int32(dt)
			e.inner -= int32(dn)
		case int(e.start.n) > a:
			e.start = elemMark{int32(a), int32(ga), from.images, from.tables, e.start.raw}
			e.inner = max(e.inner-int32(dn), int32(a))
		}
	}
	// fb began a line where it began: it still does, after what is left before it
	fbe := &x.stack[fb]
	hadNL := fbe.inner > fbe.start.n && a < len(buf.b) && buf.b[a] == '\n'
	needNL := fbe.props&pBlock != 0 && fbe.flags&fRender != 0 && a > 0 && buf.b[a-1] != '\n'
	switch {
	case hadNL && !needNL:
		x.shiftAt(a, -1)
	case !hadNL && needNL:
		x.shiftAt(a, 1)
	}
}

// shiftAt takes out (d = -1) the byte at offset a of x.cur, or puts a line end there (d = 1),
// moving what follows.
func (x *extractor) shiftAt(a, d int) {
	buf := x.cur
	if d < 0 {
		buf.b = append(buf.b[:a], buf.b[a+1:]...)
	} else {
		buf.b = append(buf.b, 0)
		copy(buf.b[a+1:], buf.b[a:])
		buf.b[a] = '\n'
	}
	for k := range buf.grid {
		if buf.grid[k].off > a || buf.grid[k].off == a && d > 0 {
			buf.grid[k].off += d
		}
	}
	for k := range x.chrome {
		if m := &x.chrome[k].mark; m.n > a {
			m.n += d
		}
	}
	for k := range x.stack {
		e := &x.stack[k]
		if int(e.start.n) > a {
			e.start.n += int32(d)
		}
		if int(e.inner) > a {
			e.inner += int32(d)
		}
	}
}

// impliedEnd closes the elements whose end tags a page may leave out (<p>, <li>, <option>…)
// at the top of the stack; with keepOptgroup an <optgroup> stays open.
func (x *extractor) impliedEnd(keepOptgroup bool) {
	for len(x.stack) > 1 {
		switch x.top().a {
		case atom.Dd, atom.Dt, atom.Li, atom.Option, atom.P, atom.Rb, atom.Rp, atom.Rt, atom.Rtc:
		case atom.Optgroup:
			if keepOptgroup {
				return
			}
		default:
			return
		}
		if x.top().flags&fForeign != 0 {
			return
		}
		x.pop()
	}
}

// closeListItem closes an open <li> (or <dd>/<dt>) before a new one, as the HTML parser does.
func (x *extractor) closeListItem(match func(atom.Atom) bool) {
	for i, n := len(x.stack)-1, 0; i > 0 && n < maxSameScan; i, n = i-1, n+1 {
		e := &x.stack[i]
		if e.flags&fZombie != 0 {
			continue
		}
		if match(e.a) {
			x.popTo(i)
			return
		}
		if e.props&pSpecial != 0 && e.a != atom.Address && e.a != atom.Div && e.a != atom.P {
			return
		}
	}
}

func (x *extractor) br() {
	x.flatSpace()
	if x.rendering() {
		x.cur.newline()
	}
}

// ---- end tags ----

func (x *extractor) endTag(t *tagTok) {
	if x.plainAt >= 0 {
		x.plainEnd(t)
		return
	}
	if !x.body && x.headEnd(t) {
		return
	}
	if x.foreign >= 0 && x.integ == 0 {
		if i := x.lastNamed(t); i >= x.foreign {
			x.popTo(int(i))
			return
		}
	}
	for range 4 {
		tb := x.innermost()
		if tb == nil {
			break
		}
		switch x.tableEnd1(tb, t) {
		case done:
			return
		case again:
			continue
		}
		break
	}
	x.bodyEnd(t)
}

func (x *extractor) bodyEnd(t *tagTok) {
	a := t.a
	switch a {
	case atom.Body, atom.Html:
		return
	case atom.Br:
		if x.foreign >= 0 { // a <br> ends <svg>/<math> content
			x.popTo(int(x.foreign))
		}
		x.br()
		return
	case atom.P:
		if i := x.lastNamed(t); x.inScope(i, true, false) {
			x.popTo(int(i))
			return
		}
		if x.foreign >= 0 { // the <p> this makes ends <svg>/<math> content
			x.popTo(int(x.foreign))
		}
		x.flatSpace() // an empty paragraph
		x.flatSpace()
		if x.rendering() {
			x.cur.newline()
		}
		return
	case atom.Form:
		x.formEnd()
		return
	case atom.Li:
		if i := x.lastNamed(t); x.inScope(i, false, true) {
			x.popTo(int(i))
		}
		return
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		i := int32(-1)
		for _, h := range [...]atom.Atom{atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6} {
			i = max(i, x.lastOf[tagInfoOf(h).id])
		}
		if x.inScope(i, false, false) {
			x.popTo(int(i))
		}
		return
	}
	props := t.info.props
	if props&pFormatting != 0 {
		x.adoption(t)
		return
	}
	i := x.lastNamed(t)
	if i < 0 {
		return
	}
	switch {
	case props&(pClosesP|pScope|pButton) != 0:
		if x.inScope(i, false, false) {
			x.popTo(int(i))
		}
	case props&pFormatting != 0:
		x.adoption(t)
	default:
		if lastOf(x.special) <= i {
			x.popTo(int(i))
		}
	}
}

// formEnd closes the form the page opened; elements inside it that are still open keep it
// open around them until they end.
func (x *extractor) formEnd() {
	if !x.formOpen {
		return
	}
	x.formOpen = false
	i := x.lastOf[idForm]
	for i >= 0 && x.stack[i].flags&fZombie != 0 {
		i = x.stack[i].prevSame
	}
	if !x.inScope(i, false, false) || i != x.formIdx { // the form of the pointer, open
		return
	}
	x.impliedEnd(false)
	if int(i) == len(x.stack)-1 {
		x.pop()
		return
	}
	if x.zombies >= maxZombies {
		x.popTo(int(i))
		return
	}
	x.stack[i].flags |= fZombie
	x.zombies++
}

// ---- plain text: elements too deep ----

// enterPlain reads the element of t and everything until an open element ends as plain
// text, like the flat text of a cell.
func (x *extractor) enterPlain(t *tagTok) {
	x.plainAt = len(x.stack)
	x.plainText(spaceB)
	x.plainStart(t)
}

func (x *extractor) plainStart(t *tagTok) {
	x.rawNext = 0
	if raw(t.a) {
		x.rawNext = t.a
	}
	switch {
	case t.a == atom.Table:
		x.keptUpTo = len(x.chrome)
		x.plainText(spaceB)
	case t.a == atom.Br || t.info.props&pBlock != 0:
		x.plainText(spaceB)
	}
}

func (x *extractor) plainEnd(t *tagTok) {
	if i := x.lastNamed(t); i >= 0 {
		x.plainText(spaceB)
		x.plainAt = -1
		x.popTo(int(i))
		return
	}
	if t.info.props&pBlock != 0 {
		x.plainText(spaceB)
	}
}

func (x *extractor) plainText(b []byte) {
	switch x.rawNext {
	case atom.Script, atom.Style:
		x.rawNext = 0
		return
	case atom.Noscript, atom.Iframe:
		x.rawNext = 0
		if len(x.chrome) > x.keptUpTo {
			n := len(x.raw)
			x.raw = append(x.raw, b...)
			x.findSection(n)
		}
		return
	}
	x.rawNext = 0
	x.feed(b)
	if x.rendering() {
		x.cur.text(b, x.pre > 0)
	}
}

// quirksDoctype says whether a doctype (the text after "<!DOCTYPE") puts the page in quirks
// mode, where a <table> does not close an open <p>. These are the rules of x/net/html's
// parseDoctype, whose tree the reader reproduces (it compares the name "html" case-sensitively).
func quirksDoctype(s string) bool {
	const ws = " \t\n\f\r"
	sp := strings.IndexAny(s, ws)
	if sp < 0 {
		sp = len(s)
	}
	quirks := s[:sp] != "html"
	s = strings.TrimLeft(s[sp:], ws)
	if len(s) < 6 {
		return quirks || s != ""
	}
	key := strings.ToLower(s[:6])
	s = s[6:]
	var ids [2]struct{ key, val string }
	n := 0
	for key == "public" || key == "system" {
		s = strings.TrimLeft(s, ws)
		if s == "" {
			break
		}
		q := s[0]
		if q != '"' && q != '\'' {
			break
		}
		s = s[1:]
		id := s
		if j := strings.IndexByte(s, q); j >= 0 {
			id, s = s[:j], s[j+1:]
		} else {
			s = ""
		}
		ids[n] = struct{ key, val string }{key, id}
		n++
		if key == "public" {
			key = "system"
		} else {
			key = ""
		}
	}
	if key != "" || s != "" {
		return true
	}
	if n == 0 {
		return quirks
	}
	if ids[0].key == "public" {
		pub := strings.ToLower(ids[0].val)
		switch pub {
		case "-//w3o//dtd w3 html strict 3.0//en//", "-/w3d/dtd html 4.0 transitional/en", "html":
			quirks = true
		default:
			for _, q := range quirkyPublic {
				if strings.HasPrefix(pub, q) {
					quirks = true
					break
				}
			}
		}
		if n == 1 && (strings.HasPrefix(pub, "-//w3c//dtd html 4.01 frameset//") ||
			strings.HasPrefix(pub, "-//w3c//dtd html 4.01 transitional//")) {
			quirks = true
		}
	}
	if last := ids[n-1]; last.key == "system" && strings.EqualFold(last.val, "http://www.ibm.com/data/dtd/v11/ibmxhtml1-transitional.dtd") {
		quirks = true
	}
	return quirks
}

// quirkyPublic are the public identifiers that put a page in quirks mode (prefixes).
var quirkyPublic = []string{
	"+//silmaril//dtd html pro v0r11 19970101//",
	"-//advasoft ltd//dtd html 3.0 aswedit + extensions//",
	"-//as//dtd html 3.0 aswedit + extensions//",
	"-//ietf//dtd html 2.0 level 1//",
	"-//ietf//dtd html 2.0 level 2//",
	"-//ietf//dtd html 2.0 strict level 1//",
	"-//ietf//dtd html 2.0 strict level 2//",
	"-//ietf//dtd html 2.0 strict//",
	"-//ietf//dtd html 2.0//",
	"-//ietf//dtd html 2.1e//",
	"-//ietf//dtd html 3.0//",
	"-//ietf//dtd html 3.2 final//",
	"-//ietf//dtd html 3.2//",
	"-//ietf//dtd html 3//",
	"-//ietf//dtd html level 0//",
	"-//ietf//dtd html level 1//",
	"-//ietf//dtd html level 2//",
	"-//ietf//dtd html level 3//",
	"-//ietf//dtd html strict level 0//",
	"-//ietf//dtd html strict level 1//",
	"-//ietf//dtd html strict level 2//",
	"-//ietf//dtd html strict level 3//",
	"-//ietf//dtd html strict//",
	"-//ietf//dtd html//",
	"-//metrius//dtd metrius presentational//",
	"-//microsoft//dtd internet explorer 2.0 html strict//",
	"-//microsoft//dtd internet explorer 2.0 html//",
	"-//microsoft//dtd internet explorer 2.0 tables//",
	"-//microsoft//dtd internet explorer 3.0 html strict//",
	"-//microsoft//dtd internet explorer 3.0 html//",
	"-//microsoft//dtd internet explorer 3.0 tables//",
	"-//netscape comm. corp.//dtd html//",
	"-//netscape comm. corp.//dtd strict html//",
	"-//o'reilly and associates//dtd html 2.0//",
	"-//o'reilly and associates//dtd html extended 1.0//",
	"-//o'reilly and associates//dtd html extended relaxed 1.0//",
	"-//softquad software//dtd hotmetal pro 6.0::19990601::extensions to html 4.0//",
	"-//softquad//dtd hotmetal pro 4.0::19971010::extensions to html 4.0//",
	"-//spyglass//dtd html 2.0 extended//",
	"-//sq//dtd html 2.0 hotmetal + extensions//",
	"-//sun microsystems corp.//dtd hotjava html//",
	"-//sun microsystems corp.//dtd hotjava strict html//",
	"-//w3c//dtd html 3 1995-03-24//",
	"-//w3c//dtd html 3.2 draft//",
	"-//w3c//dtd html 3.2 final//",
	"-//w3c//dtd html 3.2//",
	"-//w3c//dtd html 3.2s draft//",
	"-//w3c//dtd html 4.0 frameset//",
	"-//w3c//dtd html 4.0 transitional//",
	"-//w3c//dtd html experimental 19960712//",
	"-//w3c//dtd html experimental 970421//",
	"-//w3c//dtd w3 html//",
	"-//w3o//dtd w3 html 3.0//",
	"-//webtechs//dtd mozilla html 2.0//",
	"-//webtechs//dtd mozilla html//",
}
