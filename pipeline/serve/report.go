package serve

import (
	"fmt"
	"strconv"
	"time"

	"xxgk/schemas"
)

// The report page: one report version as the warehouse holds it — its three tables as
// published with every cell's state, the rule violations on the cells they concern, the parse
// problems, the file (path, hash, encoding) and every version of the same report, superseded
// ones too. A click on a cell opens the source panel (/report/{id}/source) at its line.

// reportMeta is the report's row of main.reports with its division.
type reportMeta struct {
	_             struct{}   `query:"serve/report"` // main.reports with its division and run
	ID            int64      `col:"report_id"`
	Identity      string     `col:"identity_key"`
	RegionCode    *string    `col:"region_code"`
	RegionName    *string    `col:"region_name"`
	RegionLevel   *string    `col:"region_level"`
	RegionMethod  *string    `col:"region_method"`
	Body          *string    `col:"body"`
	Scope         *string    `col:"scope"`
	Year          *int64     `col:"year"`
	Format        *string    `col:"format"`
	Title         *string    `col:"title"`
	SourcePath    string     `col:"source_path"`
	SHA256        string     `col:"sha256"`
	Size          int64      `col:"size_bytes"`
	Encoding      *string    `col:"encoding"`
	ParserVersion string     `col:"parser_version"`
	RunID         int64      `col:"run_id"`
	Status        string     `col:"status"`
	CheckCount    int64      `col:"check_count"`
	ProblemCount  int64      `col:"problem_count"`
	Version       int64      `col:"version"`
	IsCurrent     bool       `col:"is_current"`
	SupersededBy  *int64     `col:"superseded_by"`
	Modified      *time.Time `col:"source_modified_at"`
	RunFinished   *time.Time `col:"run_finished_at"`
}

// cellRow is one row of main.cells.
type cellRow struct {
	_     struct{}     `view:"main.cells"`
	Table string       `col:"table_name"`
	Row   string       `col:"row_key"`
	Col   string       `col:"col_key"`
	State string       `col:"state"`
	Value *schemas.Dec `col:"value"`
	Line  *int64       `col:"line"`
	Page  *int64       `col:"page"`
	Text  *string      `col:"text"`
}

// violation is a rule violation of the report: main.checks, and for a report of record the
// carry-over chain breaks across years (R6) of analytics.rule_violations.
type violation struct {
	_        struct{}     `query:"serve/violations"` // main.checks and the chains of analytics.rule_violations
	Source   string       `col:"source"`
	Seq      int64        `col:"seq"`
	Rule     string       `col:"rule"`
	Severity string       `col:"severity"`
	Table    *string      `col:"table_name"`
	Row      *string      `col:"row_key"`
	Col      *string      `col:"col_key"`
	Expected *schemas.Dec `col:"expected"`
	Found    *schemas.Dec `col:"found"`
	Message  string       `col:"message"`
}

// Anchor is the id of the cell the violation concerns ("" when it names none).
func (v violation) Anchor() string {
	if v.Table == nil || v.Row == nil || v.Col == nil {
		return ""
	}
	return cellAnchor(*v.Table, *v.Row, *v.Col)
}

func cellAnchor(table, row, col string) string { return "c-" + table + "-" + row + "-" + col }

// problem is a parse problem of the report (main.problems).
type problem struct {
	_        struct{} `view:"main.problems"`
	Seq      int64    `col:"seq"`
	Code     string   `col:"code"`
	Severity string   `col:"severity"`
	Table    *string  `col:"table_name"`
	Row      *string  `col:"row_key"`
	Col      *string  `col:"col_key"`
	Line     *int64   `col:"line"`
	Page     *int64   `col:"page"`
	Text     *string  `col:"text"`
	Message  string   `col:"message"`
}

// Anchor is the id of the cell the problem concerns ("" when it names none).
func (p problem) Anchor() string {
	if p.Table == nil || p.Row == nil || p.Col == nil {
		return ""
	}
	return cellAnchor(*p.Table, *p.Row, *p.Col)
}

// versionRow is one version of the report (main.reports of the same identity).
type versionRow struct {
	_            struct{}   `view:"main.reports"`
	ID           int64      `col:"report_id"`
	Version      int64      `col:"version"`
	Status       string     `col:"status"`
	SourcePath   string     `col:"source_path"`
	Modified     *time.Time `col:"source_modified_at"`
	Parser       string     `col:"parser_version"`
	RunID        int64      `col:"run_id"`
	IsCurrent    bool       `col:"is_current"`
	SupersededBy *int64     `col:"superseded_by"`
}

// versionReason is why a version is, or is not, the report of record
// (analytics.report_versions).
type versionReason struct {
	_         struct{} `view:"analytics.report_versions"`
	ID        int64    `col:"report_id"`
	Choice    string   `col:"choice"`
	Reason    string   `col:"reason"`
	Contested bool     `col:"contested"`
}

// cellView is one cell as shown.
type cellView struct {
	cellRow
	Anchor     string
	Violations []int // indexes into reportBody.Violations
	Problems   []int // indexes into reportBody.Problems
}

// Class is the cell's CSS classes.
func (c *cellView) Class() string {
	s := "cell st-" + c.State
	if len(c.Violations) > 0 {
		s += " viol"
	}
	if len(c.Problems) > 0 {
		s += " prob"
	}
	return s
}

// Display is the cell's text as the table shows it.
func (c *cellView) Display() string {
	switch c.State {
	case "dash":
		if c.Text != nil && *c.Text != "" {
			return *c.Text
		}
		return "—"
	case "missing":
		return "？"
	case "blank":
		return ""
	}
	return fmtDecPtr(c.Value)
}

// Tip is the cell's tooltip: state, printed text, line.
func (c *cellView) Tip() string {
	s := cellLabel(&c.Table, &c.Row, &c.Col) + "：" + stateName(c.State)
	if c.Text != nil {
		s += "；原文“" + *c.Text + "”"
	}
	if c.Line != nil {
		s += "；第" + strconv.FormatInt(*c.Line, 10) + "行"
	}
	if c.Page != nil {
		s += "（第" + strconv.FormatInt(*c.Page, 10) + "页）"
	}
	return s
}

// tableView is one of the three tables laid out as printed.
type tableView struct {
	ID    string
	Title string
	Head  [][]headCell
	Rows  []rowView
}

type headCell struct {
	Text          string
	ColSpan, Rows int
}

type rowView struct {
	Label string
	Group bool // a group caption without numbers
	Sub   string
	Cells []*cellView
	Marks string // viol, prob: a violation or problem names the row without a column
}

type reportBody struct {
	R          reportMeta
	Tables     []tableView
	Violations []violation
	Problems   []problem
	Versions   []versionRow
	Fees       []feeRow
	Unplaced   []*cellView // cells of keys the catalogue does not know
}

// feeRow is the information processing fee stated in section 6 (main.fees).
type feeRow struct {
	_     struct{}     `view:"main.fees"`
	Value *schemas.Dec `col:"value_yuan"`
	State string       `col:"state"`
	Line  *int64       `col:"line"`
	Page  *int64       `col:"page"`
	Text  *string      `col:"text"`
}

func (s *Server) report(q *req) error {
	id, err := strconv.ParseInt(q.PathValue("id"), 10, 64)
	if err != nil {
		return notFound("没有这份报告 / no such report: %q", q.PathValue("id"))
	}
	b, err := s.loadReport(q, id)
	if err != nil {
		return err
	}
	title := fmt.Sprintf("报告 %d", id)
	if b.R.Body != nil {
		title = *b.R.Body
		if b.R.Year != nil {
			title += " " + strconv.FormatInt(*b.R.Year, 10)
		}
	}
	s.render(q, "report", title, "", b)
	return nil
}

func (s *Server) loadReport(q *req, id int64) (*reportBody, error) {
	ctx, ss := q.ctx(), q.session()
	r, ok, err := scanOne[reportMeta](ctx, ss, `select r.report_id, r.identity_key, r.region_code, g.name as region_name,
			g.level as region_level, r.region_method, r.body, r.scope, r.year, r.format, r.title, r.source_path, r.sha256,
			r.size_bytes, r.encoding, r.parser_version, r.run_id, r.status, r.check_count, r.problem_count, r.version,
			r.is_current, r.superseded_by, r.source_modified_at, i.finished_at as run_finished_at
		from main.reports as r
		left join main.regions as g on g.code = r.region_code
		left join main.ingest_runs as i on i.run_id = r.run_id
		where r.report_id = ?`, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("没有编号为 %d 的报告 / no report %d in the warehouse", id, id)
	}
	b := &reportBody{R: r}
	cells, err := scan[cellRow](ctx, ss, `select table_name, row_key, col_key, state, value, line, page, text
		from main.cells where report_id = ?`, id)
	if err != nil {
		return nil, err
	}
	if b.Violations, err = s.reportViolations(q, id); err != nil {
		return nil, err
	}
	if b.Problems, err = scan[problem](ctx, ss, `select seq, code, severity, table_name, row_key, col_key, line, page, text, message
		from main.problems where report_id = ? order by seq`, id); err != nil {
		return nil, err
	}
	if b.Versions, err = scan[versionRow](ctx, ss, `select report_id, version, status, source_path, source_modified_at, parser_version,
			run_id, is_current, superseded_by
		from main.reports
		where identity_key = ?
		order by version, report_id`, r.Identity); err != nil {
		return nil, err
	}
	if b.Fees, err = scan[feeRow](ctx, ss, `select value_yuan, state, line, page, text from main.fees where report_id = ?`, id); err != nil {
		return nil, err
	}
	b.layout(cells)
	return b, nil
}

// layout places the cells into the three tables in the catalogue's printed order for the
// report's format, and marks the violations and problems on their cells.
func (b *reportBody) layout(cells []cellRow) {
	byKey := map[string]*cellView{}
	var order []*cellView
	for _, c := range cells {
		cv := &cellView{cellRow: c, Anchor: cellAnchor(c.Table, c.Row, c.Col)}
		byKey[cv.Anchor] = cv
		order = append(order, cv)
	}
	rowMarks := map[string]string{} // table-row → classes
	for i, v := range b.Violations {
		if c := byKey[v.Anchor()]; c != nil {
			c.Violations = append(c.Violations, i)
		} else if v.Table != nil && v.Row != nil {
			rowMarks[*v.Table+"-"+*v.Row] = "viol"
		}
	}
	for i, p := range b.Problems {
		if c := byKey[p.Anchor()]; c != nil {
			c.Problems = append(c.Problems, i)
		} else if p.Table != nil && p.Row != nil && rowMarks[*p.Table+"-"+*p.Row] == "" {
			rowMarks[*p.Table+"-"+*p.Row] = "prob"
		}
	}
	used := map[*cellView]bool{}
	get := func(table, row, col string) *cellView {
		c := byKey[cellAnchor(table, row, col)]
		if c != nil {
			used[c] = true
		}
		return c
	}
	cat := schemas.Labels()
	f := schemas.FormatGB2021
	if b.R.Format != nil && *b.R.Format == string(schemas.FormatGB2019) {
		f = schemas.FormatGB2019
	}

	// table 2: one row per item and measure
	t2 := tableView{ID: "table2", Title: "二、主动公开政府信息情况",
		Head: [][]headCell{{{Text: "信息内容"}, {Text: "指标"}, {Text: "数值"}}}}
	for _, it := range cat.Table2Items(f) {
		for i, m := range it.Measures {
			label := ""
			if i == 0 {
				label = it.Label
			}
			ml := m
			if l := cat.Measure(m); l != nil {
				ml = l.Label
			}
			t2.Rows = append(t2.Rows, rowView{Label: label, Sub: ml, Cells: []*cellView{get(schemas.Table2, it.Key, m)},
				Marks: rowMarks[schemas.Table2+"-"+it.Key]})
		}
	}
	b.Tables = append(b.Tables, t2)

	// table 3: the printed rows (with group captions) × the seven applicant columns
	cols := cat.Table3ColumnKeys()
	t3 := tableView{ID: "table3", Title: "三、收到和处理政府信息公开申请情况",
		Head: [][]headCell{
			{{Text: "", Rows: 3}, {Text: "申请人情况", ColSpan: 7}},
			{{Text: "自然人", Rows: 2}, {Text: "法人或其他组织", ColSpan: 5}, {Text: "总计", Rows: 2}},
			{{Text: "商业企业"}, {Text: "科研机构"}, {Text: "社会公益组织"}, {Text: "法律服务机构"}, {Text: "其他"}},
		}}
	printed := map[string]bool{}
	for _, r := range cat.Table3Rows(f) {
		printed[r.Key] = true
	}
	groups := map[string]string{}
	for _, g := range cat.Table3.Groups {
		groups[g.Key] = g.Label
	}
	shownGroup := map[string]bool{}
	for _, r := range cat.Table3.Rows {
		present := false
		for _, c := range cols {
			present = present || byKey[cellAnchor(schemas.Table3, r.Key, c)] != nil
		}
		if !printed[r.Key] && !present {
			continue
		}
		if g := r.Group; g != "" && !shownGroup[g] {
			// the withheld, unavailable, rejected and other groups sit inside the results group
			if g != "results" && !shownGroup["results"] {
				t3.Rows = append(t3.Rows, rowView{Label: groups["results"], Group: true})
				shownGroup["results"] = true
			}
			t3.Rows = append(t3.Rows, rowView{Label: groups[g], Group: true})
			shownGroup[g] = true
		}
		row := rowView{Label: r.Label, Marks: rowMarks[schemas.Table3+"-"+r.Key]}
		for _, c := range cols {
			row.Cells = append(row.Cells, get(schemas.Table3, r.Key, c))
		}
		t3.Rows = append(t3.Rows, row)
	}
	b.Tables = append(b.Tables, t3)

	// table 4: the three groups × the five outcomes
	t4 := tableView{ID: "table4", Title: "四、政府信息公开行政复议、行政诉讼情况", Head: [][]headCell{{{Text: ""}}}}
	for _, o := range cat.Table4.Outcomes {
		t4.Head[0] = append(t4.Head[0], headCell{Text: o.Label})
	}
	for _, g := range cat.Table4.Groups {
		row := rowView{Label: g.Label, Marks: rowMarks[schemas.Table4+"-"+g.Key]}
		for _, o := range cat.Table4.Outcomes {
			row.Cells = append(row.Cells, get(schemas.Table4, g.Key, o.Key))
		}
		t4.Rows = append(t4.Rows, row)
	}
	b.Tables = append(b.Tables, t4)

	for _, c := range order {
		if !used[c] {
			b.Unplaced = append(b.Unplaced, c)
		}
	}
}

// sourceBody is the source panel of a report at one line.
type sourceBody struct {
	ReportID int64
	Line     int64
	Doc      *sourceDoc
	Lines    []sourceLine // the document's lines (Doc ok)
	Stored   []storedText // else the texts the warehouse stored for that line
}

type sourceLine struct {
	N    int64
	Text string
	Hit  bool
}

// storedText is a text the warehouse stored for a line (a cell, a problem, the fee).
type storedText struct {
	_    struct{} `query:"serve/stored-text"`
	What string   `col:"what"`
	Text *string  `col:"text"`
	Page *int64   `col:"page"`
}

// reportSource answers the source panel: the decoded text of the report's file with the line
// highlighted, when the file still has the bytes the warehouse read; else why not, and what
// the warehouse stored for that line. The file read is the one main.reports records for the
// report id; nothing in the request names a file.
func (s *Server) reportSource(q *req) error {
	id, err := strconv.ParseInt(q.PathValue("id"), 10, 64)
	if err != nil {
		return notFound("没有这份报告 / no such report: %q", q.PathValue("id"))
	}
	line, err := intParam(q, "line", 0)
	if err != nil {
		return err
	}
	type fileRow struct {
		_    struct{} `view:"main.reports"`
		Path string   `col:"source_path"`
		SHA  string   `col:"sha256"`
	}
	f, ok, err := scanOne[fileRow](q.ctx(), q.session(), `select source_path, sha256 from main.reports where report_id = ?`, id)
	if err != nil {
		return err
	}
	if !ok {
		return notFound("没有编号为 %d 的报告 / no report %d in the warehouse", id, id)
	}
	b := sourceBody{ReportID: id, Line: int64(line), Doc: s.src.read(q.ctx(), f.Path, f.SHA)}
	if b.Doc.State == sourceOK {
		const maxLines = 20000
		for i, t := range b.Doc.Lines {
			if i == maxLines {
				break
			}
			n := int64(i + 1)
			b.Lines = append(b.Lines, sourceLine{N: n, Text: t, Hit: n == b.Line})
		}
	} else if line > 0 {
		if b.Stored, err = scan[storedText](q.ctx(), q.session(), `
			select '单元格 ' || table_name || ' ' || row_key || ' ' || col_key as what, text, page from main.cells where report_id = ? and line = ?
			union all
			select '解析问题 ' || code, text, page from main.problems where report_id = ? and line = ?
			union all
			select '信息处理费', text, page from main.fees where report_id = ? and line = ?
			order by what`, id, line, id, line, id, line); err != nil {
			return err
		}
	}
	q.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	q.w.Header().Set("Cache-Control", "no-store")
	return s.pages["fragment-source"].ExecuteTemplate(q.w, "fragment", b)
}

// reportVersions answers the versions' explanation (a fragment the report page loads after
// it is shown): why each version of the report is, or is not, the report of record, from
// analytics.report_versions. That view ranks every version of the warehouse at each query,
// which takes about a second on a million reports: the report page itself does not wait for it.
func (s *Server) reportVersions(q *req) error {
	id, err := strconv.ParseInt(q.PathValue("id"), 10, 64)
	if err != nil {
		return notFound("没有这份报告 / no such report: %q", q.PathValue("id"))
	}
	type ident struct {
		_        struct{} `view:"main.reports"`
		Identity string   `col:"identity_key"`
	}
	r, ok, err := scanOne[ident](q.ctx(), q.session(), `select identity_key from main.reports where report_id = ?`, id)
	if err != nil {
		return err
	}
	if !ok {
		return notFound("没有编号为 %d 的报告 / no report %d in the warehouse", id, id)
	}
	reasons, err := scan[versionReason](q.ctx(), q.session(), `select report_id, choice, reason, contested
		from analytics.report_versions
		where report_id in (select report_id from main.reports where identity_key = ?)
		order by version, report_id`, r.Identity)
	if err != nil {
		return err
	}
	q.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	return s.pages["fragment-versions"].ExecuteTemplate(q.w, "fragment", reasons)
}

// reportViolations returns the rule violations of a report: those its validation found
// (main.checks), and for a report of record the carry-over chain breaks across years (R6,
// from analytics.rule_violations) — from the version's quality list in memory when it is
// there, else by a query of the view.
func (s *Server) reportViolations(q *req, id int64) ([]violation, error) {
	ctx, ss := q.ctx(), q.session()
	own, err := scan[violation](ctx, ss, `select 'report' as source, seq, rule, severity, table_name, row_key, col_key,
			expected, found, message
		from main.checks where report_id = ? order by seq`, id)
	if err != nil {
		return nil, err
	}
	qc, err := s.qualityFacets(q)
	if err != nil {
		return nil, err
	}
	if items, ok := qc.items["violations"]; ok {
		for _, i := range qc.chains[id] {
			it := items[i]
			own = append(own, violation{Source: it.Source, Seq: it.Seq, Rule: it.Rule, Severity: it.Severity, Table: it.Table, Row: it.Row,
				Col: it.Col, Expected: it.Expected, Found: it.Found, Message: it.Message})
		}
		return own, nil
	}
	chain, err := scan[violation](ctx, ss, `select source, seq, rule, severity, table_name, row_key, col_key, expected, found, message
		from analytics.rule_violations where report_id = ? and source = 'chain' order by seq`, id)
	if err != nil {
		return nil, err
	}
	return append(own, chain...), nil
}
