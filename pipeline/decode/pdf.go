package decode

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"xxgk/pipeline"
)

// PDF reading: the text layer through poppler's pdftotext (Debian package poppler-utils),
// page by page. `pdftotext -tsv` gives the box of every word; the lines of each page are built
// from those boxes (pdflines.go: words on one line when their vertical centres are, whatever
// the font's ascent and descent), with runs of spaces between table cells, so tables come out
// as column-aligned rows that package parse reads (its layout shape), and every word keeps its
// position (Doc.Words). `pdftotext -layout` gives the pages, and the text of a page without
// word boxes. Decode keeps the page of every line (Doc.PageOfLine), blanks the page numbers
// printed at the top or bottom of a page ("-3-", "- 3 -", "第3页", "3/5"), joins a title that
// a centred heading broke over two or three lines, joins the lines of a prose paragraph that
// the page width broke (so that a sentence such as 共收到申请17件 is on one line), and removes
// the spaces that font changes put between digits and Chinese ("2023 年" → "2023年", "第 711
// 号" → "第711号"). Joined lines leave empty lines behind: line numbers stay those of the
// page's lines.

// MinPDFTextRunes is the least number of letters, digits and Chinese characters per page a
// PDF must carry on average to be read as text; below it, it is a scan needing OCR.
var MinPDFTextRunes = 20

// isPDF: the PDF header at offset 0, or within the first KiB after binary junk.
func isPDF(b []byte) bool {
	if bytes.HasPrefix(b, []byte("%PDF-")) {
		return true
	}
	i := bytes.Index(b[:min(len(b), 1024)], []byte("%PDF-"))
	return i > 0 && bytes.IndexByte(b[:i], 0) >= 0
}

func decodePDF(name string, b []byte) (*Doc, error) {
	path, err := pdftotextTool.look()
	if err != nil {
		return nil, pdftotextTool.missing(name)
	}
	// the word boxes (pdfwords.go), read at the same time; without them tables are read
	// from the layout columns alone
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tsv := make(chan []byte, 1)
	go func() {
		o, _, err := runTool(ctx, ToolTimeout, path, b, "-tsv", "-enc", "UTF-8", "-", "-")
		if err != nil {
			o = nil
		}
		tsv <- o
	}()
	out, stderr, err := runTool(ctx, ToolTimeout, path, b, "-layout", "-enc", "UTF-8", "-", "-")
	if err != nil {
		cancel() // the word boxes are of no use now
	}
	boxes := parseTSV(<-tsv)
	if err != nil {
		if reason, ok := toolLimit(err); ok {
			return nil, inputError(name, reason, "pdftotext 读取此 PDF %v", err)
		}
		if strings.Contains(stderr, "Incorrect password") {
			return nil, inputError(name, pipeline.ErrEncrypted, "PDF 已加密，需要打开密码，无法读取文字")
		}
		if strings.Contains(stderr, "Invalid page count 0") {
			return nil, inputError(name, pipeline.ErrEmpty, "PDF 没有页面（页数为 0）")
		}
		detail := stderr
		if detail == "" {
			detail = err.Error()
		}
		if !bytes.Contains(b[max(0, len(b)-2048):], []byte("%%EOF")) {
			return nil, inputError(name, pipeline.ErrCorrupt, "PDF 文件不完整（缺少结束标记 %%%%EOF，可能下载中断），pdftotext：%s", detail)
		}
		return nil, inputError(name, pipeline.ErrCorrupt, "PDF 文件已损坏，pdftotext 无法读取：%s", detail)
	}
	return pdfDoc(name, len(b), !bytes.Contains(b[max(0, len(b)-2048):], []byte("%%EOF")), out, boxes)
}

// DecodePDFText builds the Doc of a PDF from the saved output of `pdftotext -layout -enc
// UTF-8` and `pdftotext -tsv -enc UTF-8` (tsv may be nil: the -layout text, without word
// positions), as decoding the PDF itself would; for tests and tools that keep pdftotext's
// output.
func DecodePDFText(name string, layout, tsv []byte) (*Doc, error) {
	return pdfDoc(name, len(layout), false, layout, parseTSV(tsv))
}

// pdfDoc turns pdftotext's layout text (and word boxes) into a Doc.
func pdfDoc(name string, size int, truncated bool, out []byte, boxes [][]tsvWord) (*Doc, error) {
	d := &Doc{Name: name, Size: size, Kind: KindPDF, Encoding: "utf-8"}
	if !utf8.Valid(out) {
		out = bytes.ToValidUTF8(out, []byte("\uFFFD"))
	}
	pages := strings.Split(string(out), "\f")
	if len(pages) > 0 && strings.TrimSpace(pages[len(pages)-1]) == "" {
		pages = pages[:len(pages)-1]
	}
	d.Pages = len(pages)
	if d.Pages == 0 {
		return nil, inputError(name, pipeline.ErrEmpty, "PDF 没有页面")
	}
	if truncated {
		d.Truncated = true
		d.Notes = append(d.Notes, "PDF 文件缺少结束标记 %%EOF（可能下载中断），已读取能读到的页面")
	}

	var lines []string
	var pageOf []int
	var words [][]Word
	var empty []int // pages without a text layer
	total := 0
	grid, gridOK := newGrid(boxes)
	for pi, pg := range pages {
		var pl []string
		var pw [][]Word
		if gridOK && pi < len(boxes) && len(boxes[pi]) > 0 && len(boxes[pi]) <= maxBoxes {
			// the page's lines from its word boxes (pdflines.go)
			pl, pw = grid.boxPage(boxes[pi])
		} else {
			pl = strings.Split(strings.TrimSuffix(pg, "\n"), "\n")
			for i := range pl {
				pl[i] = sanitizeLine(pl[i])
			}
			pw = make([][]Word, len(pl))
		}
		words = append(words, pw...)
		blankPageNumbers(pl)
		n := 0
		for i := range pl {
			pl[i] = fixPDFSpaces(pl[i])
			n += textRunes(pl[i])
		}
		total += n
		if n < MinPDFTextRunes {
			empty = append(empty, pi+1)
		}
		if pi == 0 {
			joinTitle(pl)
		}
		for _, l := range pl {
			lines = append(lines, l)
			pageOf = append(pageOf, pi+1)
		}
	}
	unwrapParagraphs(lines)
	if total < MinPDFTextRunes*d.Pages {
		return nil, inputError(name, pipeline.ErrNeedsOCR,
			"PDF 共 %d 页，文字层只有 %d 个字（扫描件或图片），需要 OCR 识别后才能读取", d.Pages, total)
	}
	if len(empty) > 0 {
		d.Notes = append(d.Notes, fmt.Sprintf("第%s页没有文字层（可能是扫描图片），其中的内容无法读取", joinInts(empty, "、")))
	}

	text, st := normalize(strings.Join(lines, "\n"))
	if st.traditional() {
		text = ToSimplified(text)
		d.Traditional = true
	}
	if strings.Count(text, "\n")+1 != len(pageOf) {
		// sanitizeLine removed every line-breaking character, so this does not happen; if it
		// did, pages would be misattributed: drop them rather than lie.
		pageOf = nil
	}
	if strings.TrimSpace(text) == "" {
		return nil, inputError(name, pipeline.ErrNeedsOCR, "PDF 共 %d 页，没有文字层", d.Pages)
	}
	d.Text = text
	d.PageOfLine = pageOf
	if pageOf != nil && len(boxes) > 0 {
		d.Words = finishWords(words, text, d.Traditional)
	}
	return d, nil
}

func joinInts(v []int, sep string) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, sep)
}

// sanitizeLine removes the characters that normalisation would turn into line breaks, so
// that lines keep their numbers (and pages).
func sanitizeLine(s string) string {
	if !strings.ContainsAny(s, "\r\v\f\u0085\u2028\u2029") {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case '\r':
			return -1
		case '\v', '\f', 0x85, 0x2028, 0x2029:
			return ' '
		}
		return r
	}, s)
}

// textRunes counts letters, digits and Chinese characters.
func textRunes(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || isHan(r) {
			n++
		}
	}
	return n
}

// pageNumber reports whether a line is a printed page number: "-3-", "— 3 —", "- 3 -",
// "第3页", "第 3 页 共 5 页", "3/5", "3 / 5".
func pageNumber(s string) bool {
	t := strings.TrimSpace(s)
	if t == "" || len(t) > 40 {
		return false
	}
	t = strings.Join(strings.Fields(t), "")
	digits := func(s string) (string, bool) {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return s[i:], i > 0 && i <= 4
	}
	for _, d := range []string{"-", "—", "－", "–", "─"} {
		if strings.HasPrefix(t, d) && strings.HasSuffix(t, d) && len(t) > 2*len(d) {
			rest, ok := digits(strings.TrimPrefix(t, d))
			return ok && rest == d
		}
	}
	if rest, ok := strings.CutPrefix(t, "第"); ok {
		if rest, ok2 := digits(rest); ok2 && strings.HasPrefix(rest, "页") {
			rest = strings.TrimPrefix(rest, "页")
			if rest == "" {
				return true
			}
			if r, ok := strings.CutPrefix(rest, "共"); ok {
				r, ok := digits(r)
				return ok && r == "页"
			}
		}
		return false
	}
	if rest, ok := digits(t); ok && strings.HasPrefix(rest, "/") {
		rest, ok := digits(rest[1:])
		return ok && rest == ""
	}
	return false
}

// blankPageNumbers empties the page numbers among the first two and last two non-blank
// lines of a page.
func blankPageNumbers(pl []string) {
	seen := 0
	for i := 0; i < len(pl) && seen < 2; i++ {
		if strings.TrimSpace(pl[i]) == "" {
			continue
		}
		seen++
		if pageNumber(pl[i]) {
			pl[i] = ""
		}
	}
	seen = 0
	for i := len(pl) - 1; i >= 0 && seen < 2; i-- {
		if strings.TrimSpace(pl[i]) == "" {
			continue
		}
		seen++
		if pageNumber(pl[i]) {
			pl[i] = ""
		}
	}
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// cjkPunct: full-width and CJK punctuation that follows a number in prose ("711 号）", "9 ，").
func cjkPunct(r rune) bool {
	return r >= 0x3000 && r <= 0x303F || r >= 0xFF01 && r <= 0xFF0F || r >= 0xFF1A && r <= 0xFF20 || r >= 0xFF3B && r <= 0xFF40 || r >= 0xFF5B && r <= 0xFF65
}

// fixPDFSpaces removes the single spaces a font change puts around numbers in prose: between
// a digit and a following Chinese character or punctuation ("2023 年", "711 号）"), and
// between a Chinese character and a number that is itself followed by Chinese ("第 711 号",
// "信息 1136 条"). Runs of two or more spaces (table columns) are kept, and so is the space
// before a number that ends the line or a column ("行政许可 550").
func fixPDFSpaces(s string) string {
	if strings.IndexByte(s, ' ') < 0 || !strings.ContainsAny(s, "0123456789") {
		return s
	}
	rs := []rune(s)
	drop := make([]bool, len(rs))
	any := false
	for i := 1; i+1 < len(rs); i++ {
		if rs[i] != ' ' || rs[i-1] == ' ' || rs[i+1] == ' ' {
			continue
		}
		a, b := rs[i-1], rs[i+1]
		switch {
		case isDigit(a) && (isHan(b) || cjkPunct(b)):
			drop[i], any = true, true
		case isHan(a) && isDigit(b) && !afterValue(rs[:i]):
			// the number must continue as prose: digits (a decimal part), then Chinese
			// directly or after one space; not after a number with its unit: two table
			// cells a narrow column gap left one space apart ("0件 20件")
			j := i + 1
			for j < len(rs) && (isDigit(rs[j]) || rs[j] == '.' && j+1 < len(rs) && isDigit(rs[j+1])) {
				j++
			}
			// a number with its unit that ends the line or a column, or that another
			// number follows, is a table cell ("或重新出具已获取信 0件      0件", "已获取 0件 0件",
			// "行政许可 550件")
			if j < len(rs) && strings.ContainsRune("件条个项次元", rs[j]) {
				k := j + 1
				for k < len(rs) && rs[k] == ' ' {
					k++
				}
				if k == len(rs) || k-j-1 >= 2 || k > j+1 && isDigit(rs[k]) {
					continue
				}
			}
			if j < len(rs) && (isHan(rs[j]) || cjkPunct(rs[j])) ||
				j+1 < len(rs) && rs[j] == ' ' && (isHan(rs[j+1]) || cjkPunct(rs[j+1])) {
				drop[i], any = true, true
			}
		}
	}
	if !any {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range rs {
		if !drop[i] {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// afterValue reports whether rs ends with a number and its unit ("0件", "3件次", "5万元").
func afterValue(rs []rune) bool {
	j := len(rs)
	for j > 0 && j > len(rs)-2 && strings.ContainsRune("件条个项次元人万", rs[j-1]) {
		j--
	}
	return j < len(rs) && j > 0 && isDigit(rs[j-1])
}

// headingLike: a short line without sentence punctuation (a centred title line).
func headingLike(s string) bool {
	t := strings.TrimSpace(s)
	if t == "" || utf8.RuneCountInString(t) > 40 {
		return false
	}
	return !strings.ContainsAny(t, "。，；：:;,")
}

// joinTitle joins a title that a centred heading broke over up to three lines at the top of
// the first page ("淮安市洪泽区人民政府" / "2024年政府信息公开工作年度报告"): the joined text
// goes on the first line, the others are left empty so that line numbers stay.
func joinTitle(pl []string) {
	var idx []int
	var b strings.Builder
	for i := 0; i < len(pl) && len(idx) < 3; i++ {
		t := strings.TrimSpace(pl[i])
		if t == "" {
			if len(idx) > 0 && i > idx[len(idx)-1]+2 {
				break
			}
			continue
		}
		if !headingLike(pl[i]) {
			break
		}
		idx = append(idx, i)
		b.WriteString(t)
		// the title ends with its 报告, which the break may have split ("…年度报" / "告")
		if strings.Contains(b.String(), "报告") {
			break
		}
	}
	if len(idx) < 2 {
		return
	}
	joined := b.String()
	if !strings.Contains(joined, "报告") || strings.Contains(strings.TrimSpace(pl[idx[0]]), "报告") ||
		!strings.Contains(joined, "信息公开") {
		return
	}
	indent := pl[idx[0]][:len(pl[idx[0]])-len(strings.TrimLeft(pl[idx[0]], " "))]
	pl[idx[0]] = indent + joined
	for _, i := range idx[1:] {
		pl[i] = ""
	}
}

// displayWidth counts a Chinese (wide) character as 2 columns, others as 1.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 && (isHan(r) || r >= 0x3000 && r <= 0x303F || r >= 0xFF00 && r <= 0xFF60 || r >= 0x2E80 && r <= 0xA4CF) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// proseLine: a line of running text: no run of two spaces inside it (table rows have them).
func proseLine(s string) bool {
	t := strings.TrimLeft(s, " ")
	return t != "" && !strings.Contains(t, "  ")
}

// unwrapParagraphs joins the lines of a paragraph broken by the page width: a prose line as
// wide as the widest ones that does not end a sentence, followed by a prose line that starts
// at the left margin (a new paragraph is indented), across page breaks too. The joined text goes on the paragraph's
// first line; the lines joined to it are left empty.
func unwrapParagraphs(lines []string) {
	full := 0
	for _, l := range lines {
		// the widest lines that start at the left margin: headings and titles are indented
		if proseLine(l) && !strings.HasPrefix(l, "  ") {
			full = max(full, displayWidth(strings.TrimRight(l, " ")))
		}
	}
	if full < 20 {
		return
	}
	head, prev := -1, -1 // the paragraph's first line; its last physical line so far
	prevFull := false    // that last line is as wide as a full line of running text
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue // blank lines and page numbers between the parts of a paragraph
		}
		w := displayWidth(strings.TrimRight(l, " "))
		if prev >= 0 && i-prev <= 4 && prevFull && proseLine(l) && !strings.HasPrefix(l, "  ") {
			lines[head] += strings.TrimSpace(l)
			lines[i] = ""
		} else {
			head = i
		}
		prev = i
		// a line that ends a sentence ends the paragraph as far as joining goes: a heading at
		// the left margin after it ("六、其他需要报告的事项", where a printer does not indent
		// paragraphs) is no continuation, and a paragraph cut after a full stop loses nothing
		prevFull = proseLine(l) && w >= full-4 && !endsSentence(l)
	}
}

// endsSentence: the line ends with a full stop, question or exclamation mark.
func endsSentence(s string) bool {
	s = strings.TrimRight(s, " ")
	return strings.HasSuffix(s, "。") || strings.HasSuffix(s, "！") || strings.HasSuffix(s, "？")
}
