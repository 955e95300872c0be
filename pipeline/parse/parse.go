// Package parse turns the decoded text of a 政府信息公开工作年度报告 into a schemas.Report:
// the six sections, tables 2, 3 and 4 in any of the five flattened shapes (cells, rows,
// cell-pipe, paragraphs, markdown/HTML), the cell values with their states and lines, the
// format (from marker labels, never from the year), year, title, body, scope, region, the
// 信息处理费 and the figures stated in the prose.
//
// The issuing body is read from the title, the first sentence (现公布…年度报告, 现将…公布如下,
// {body}根据…编制), the signature above the closing date and the 本报告由…编制 sentence, in that
// order (body.go); its level (province, prefecture, county) and scope (area, government,
// department, township, dev_zone, other) follow from its name. The region is the division at
// the body's own level, from a flag or the manifest, the file path, the body's name and the
// title, and only then the county names in the prose — never from a contact or postal address,
// a telephone line or a web site (region.go). Conflicting or missing evidence leaves the region
// empty with a region problem saying what was seen.
//
// Tables as they are really published (grid.go, runs.go):
//   - merged cells: with decode.Doc.Spans (HTML and Word tables) each cell's area is known and a
//     value belongs to the header column its area overlaps, matched in order; span padding is
//     never a blank cell;
//   - rows flattened with their span padding ("… |  |  | 16 | 2 | … |"): a row that prints as
//     many values as its table has columns has them in order; one with fewer is placed by the
//     header rows' own padding when that is forced;
//   - cells run together ("…申请数量312010034"): split only when the rules force one split
//     (R2 per table 3 row, R4 per table 4 group, then R1/R3 over the whole table 3); such
//     cells have state split;
//   - table 2 is read block by block, each block by its own header words, so a block printed
//     in the other template is read as such (validate reports it under R8).
//
// Anything these readings cannot decide is flagged with the candidates, never guessed.
//
// Exact or flagged: a number the parser is not sure of becomes a Problem naming the file,
// table, row, column, line and the text seen, and its cell is left StateMissing; no zero is
// ever put in place of an unreadable value. Parse runs no consistency rule and derives no
// total (package validate does).
package parse

import (
	"strconv"
	"strings"

	"xxgk/pipeline/decode"
	"xxgk/pipeline/regions"
	"xxgk/schemas"
)

// Options carries what the caller already knows about a report; each set field wins over
// what the text says.
type Options struct {
	Region       string // division code at the body's level: 2 (province), 4 (prefecture) or 6 digits (county; 210100 and 210000 read as 2101 and 21)
	RegionMethod string // schemas.RegionFlag or schemas.RegionManifest (default flag)
	Year         int
	Scope        schemas.Scope
	Body         string
	Registry     *regions.Registry // nil: regions.Default()
}

type lineSpan struct{ s, e int }

type parser struct {
	doc   *decode.Doc
	text  string
	lines []lineSpan
	opt   Options
	r     *schemas.Report
	c     *catalogue

	sec      [7]int // line index of the heading of section n (1..6), -1 if absent
	nsec     int
	titleIdx int // line index of the title, -1
	first    int // line index of the first section heading (or len(lines))

	// the body (body.go, region.go)
	bodyFrom             string            // where the body's name was read: title, sentence, signature, compiled, option
	named                regions.NameMatch // the division the body's name starts with
	introText, proseText string            // cached: the intro before section 一; the prose without contact clauses
	introDone, proseDone bool
	wholeText            string // cached: the whole text without contact clauses
	wholeDone            bool

	// t2words says, per format (gb2019, gb2021), whether table 2's cells print one of its
	// marker words (collectMarkers): a table 2 with the other format's words mixes templates
	t2words [2]bool

	t3found  map[string]bool
	appendix bool // the tables were found after section 六
	t3any    bool
	t3other  bool // (六) sub-rows seen
	t3otherT bool // (六) printed with numbers

	orphans map[int]bool // layout.go: 1-based lines of numbers that no row label owns
}

// Parse reads a decoded document into a report. It never panics and never returns nil.
func Parse(doc *decode.Doc, opt Options) (r *schemas.Report) {
	name := ""
	if doc != nil {
		name = doc.Name
	}
	r = schemas.NewReport(name)
	defer func() {
		if e := recover(); e != nil {
			msg := "解析器内部错误"
			if s, ok := e.(string); ok {
				msg += "：" + s
			} else if err, ok := e.(error); ok {
				msg += "：" + err.Error()
			}
			r.AddProblem(schemas.Problem{Code: schemas.ProblemInternal, Message: msg})
		}
	}()
	if doc == nil {
		r.AddProblem(schemas.Problem{Code: schemas.ProblemNotReport, Message: "没有输入文本"})
		return r
	}
	p := &parser{doc: doc, text: doc.Text, opt: opt, r: r, c: cat(), titleIdx: -1}
	p.run()
	return r
}

func (p *parser) line(i int) string {
	l := p.lines[i]
	return p.text[l.s:l.e]
}

func (p *parser) splitLines() {
	t := p.text
	n := strings.Count(t, "\n") + 1
	p.lines = make([]lineSpan, 0, n)
	s := 0
	for {
		k := strings.IndexByte(t[s:], '\n')
		if k < 0 {
			e := len(t)
			if e > s && t[e-1] == '\r' {
				e--
			}
			p.lines = append(p.lines, lineSpan{s, e})
			break
		}
		e := s + k
		if e > s && t[e-1] == '\r' {
			e--
		}
		p.lines = append(p.lines, lineSpan{s, e})
		s += k + 1
	}
}

func (p *parser) problem(pr schemas.Problem) { p.r.AddProblem(pr) }

func (p *parser) run() {
	r := p.r
	p.splitLines()
	p.findSections()
	p.findTitle()

	if !p.looksLikeReport() {
		p.problem(schemas.Problem{Code: schemas.ProblemNotReport,
			Message: "不是政府信息公开工作年度报告：没有“政府信息公开”字样，也没有年度报告的章节标题或表格"})
		return
	}

	// tables
	sp3, ok3 := p.tableSpan(3)
	sp2, ok2 := p.tableSpan(2)
	sp4, ok4 := p.tableSpan(4)
	var toks3, toks2, toks4 []tok
	var sh3, sh2, sh4 Shape
	if sp3.to > sp3.from {
		sh3 = p.detectShape(sp3)
		toks3 = p.tokens(sp3, sh3)
		p.table3(toks3, sh3)
	}
	app, hasApp := p.appendixSpan()
	if !p.t3any && hasApp {
		// the tables may be printed after section 六, as an appendix
		sh3 = p.detectShape(app)
		toks3 = p.tokens(app, sh3)
		p.table3(toks3, sh3)
		if p.t3any {
			sp3, ok3 = app, true
			p.appendix = true
		}
	}
	if sp2.to > sp2.from {
		sh2 = p.detectShape(sp2)
		toks2 = p.tokens(sp2, sh2)
	}
	if sp4.to > sp4.from {
		sh4 = p.detectShape(sp4)
		toks4 = p.tokens(sp4, sh4)
	}
	if p.appendix {
		if found, _ := p.walkTable2Probe(toks2, schemas.FormatGB2021); !found {
			if found, _ := p.walkTable2Probe(toks2, schemas.FormatGB2019); !found {
				sh2, toks2 = sh3, p.tokens(app, sh3)
			}
		}
		if !p.hasTable4(toks4) {
			sh4, toks4, ok4 = sh3, p.tokens(app, sh3), false
		}
	}
	p.collectMarkers(toks2, toks3, toks4)
	p.decideFormat(toks2, sh2)

	p.findYear()
	if r.Format != schemas.FormatPre2019 && p.isPre2019(toks2, toks4, sh4, ok4) {
		r.Format = schemas.FormatPre2019
		r.Table3 = schemas.Grid{}
		p.problem(schemas.Problem{Code: schemas.ProblemPre2019, Severity: schemas.SeverityInfo,
			Message: "2019年以前的自由行文格式报告，没有统一表格，不解析表格数字"})
	}
	if r.Format != schemas.FormatPre2019 {
		p.table2(toks2, sh2, ok2)
		p.finishTable3(ok3)
		p.table4(toks4, sh4, ok4)
		for n := 1; n <= 6; n++ {
			if p.sec[n] < 0 {
				p.problem(schemas.Problem{Code: schemas.ProblemSectionMissing, Severity: schemas.SeverityWarning,
					Message: "未找到第" + numeral(n) + "部分“" + sectionLabel(n) + "”的标题"})
			}
		}
	}
	p.findBody()
	p.findScope()
	p.findRegion()
	p.findStatements()
	p.setPages() // layout.go: PDF page of every cell and problem
}

// looksLikeReport: 政府信息公开 in the text, or section headings, or table labels.
func (p *parser) looksLikeReport() bool {
	if strings.Contains(p.text, "政府信息公开") || strings.Contains(p.text, "信息公开") && strings.Contains(p.text, "年度报告") {
		return true
	}
	if p.nsec >= 2 {
		return true
	}
	return strings.Contains(p.text, "本年新收") || strings.Contains(p.text, "本年制发件数") || strings.Contains(p.text, "本年新制作数量")
}

// numeral returns the Chinese numeral of 1..10.
func numeral(n int) string {
	const s = "一二三四五六七八九十"
	if n < 1 || n > 10 {
		return strconv.Itoa(n)
	}
	r := []rune(s)
	return string(r[n-1])
}

func sectionLabel(n int) string {
	for _, s := range schemas.Labels().Sections {
		if s.Number == n {
			return s.Label
		}
	}
	return ""
}

var tableNames = map[string]string{schemas.Table2: "表二", schemas.Table3: "表三", schemas.Table4: "表四"}
