package batch

import (
	"sort"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"xxgk/pipeline/regions"
	"xxgk/schemas"
)

func decimal128FromDec(d schemas.Dec) decimal128.Num { return decimal128.FromI64(d.Units()) }

func str(t *table, name string) *array.StringBuilder { return t.field(name).(*array.StringBuilder) }
func i64(t *table, name string) *array.Int64Builder  { return t.field(name).(*array.Int64Builder) }
func i32(t *table, name string) *array.Int32Builder  { return t.field(name).(*array.Int32Builder) }
func boolean(t *table, name string) *array.BooleanBuilder {
	return t.field(name).(*array.BooleanBuilder)
}
func dec(t *table, name string) *array.Decimal128Builder {
	return t.field(name).(*array.Decimal128Builder)
}

// Meta is what the ingest knows about a report's input besides the report itself.
type Meta struct {
	ReportID      int64
	IdentityKey   string // see Identity
	Path          string // cleaned, slash-separated
	SHA256        string // hex
	Size          int64
	Encoding      string
	ParserVersion string
	RunID         int64
	// Modified is the source file's modification time when it was read (zero: unknown). The
	// store prefers, among the complete versions of one identity, the newer file.
	Modified time.Time
}

// Identity returns the identity key of a report version: region_code|body|year, or
// path:<path> when the region, the body or the year is unknown.
func Identity(r *schemas.Report, path string) string {
	if r.Region.Code == "" || r.Body == "" || r.Year == 0 {
		return "path:" + path
	}
	return r.Region.Code + "|" + r.Body + "|" + itoa(r.Year)
}

// ReportLevel returns the level of a report's issuing body: Region.Level, or when the parser
// left it empty the level its division code is at (the code is at the body's level: 2 digits
// a province, 4 a prefecture, 6 a county); empty when neither says.
func ReportLevel(r *schemas.Report) schemas.Level {
	if r.Region.Level != schemas.LevelUnknown {
		return r.Region.Level
	}
	for _, l := range schemas.Levels {
		if r.Region.Code != "" && len(r.Region.Code) == l.CodeLen() {
			return l
		}
	}
	return schemas.LevelUnknown
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

type reportCols struct {
	t                                                          *table
	id, run, size, supersededBy                                *array.Int64Builder
	identity, region, method, body, scope, format, title, path *array.StringBuilder
	sha, encoding, parser, status, level                       *array.StringBuilder
	year, checks, problems, version                            *array.Int32Builder
	current                                                    *array.BooleanBuilder
	modified                                                   *array.TimestampBuilder
}

func (c *reportCols) bind(t *table) {
	*c = reportCols{t: t,
		id: i64(t, "report_id"), run: i64(t, "run_id"), size: i64(t, "size_bytes"), supersededBy: i64(t, "superseded_by"),
		identity: str(t, "identity_key"), region: str(t, "region_code"), method: str(t, "region_method"),
		body: str(t, "body"), scope: str(t, "scope"), format: str(t, "format"), title: str(t, "title"),
		path: str(t, "source_path"), sha: str(t, "sha256"), encoding: str(t, "encoding"),
		parser: str(t, "parser_version"), status: str(t, "status"), level: str(t, "level"),
		year: i32(t, "year"), checks: i32(t, "check_count"), problems: i32(t, "problem_count"), version: i32(t, "version"),
		current: boolean(t, "is_current"), modified: t.field("source_modified_at").(*array.TimestampBuilder),
	}
}

type table2Cols struct {
	t             *table
	id            *array.Int64Builder
	item, measure *array.StringBuilder
	value         *array.Decimal128Builder
	state         *array.StringBuilder
}

func (c *table2Cols) bind(t *table) {
	*c = table2Cols{t: t, id: i64(t, "report_id"), item: str(t, "item"), measure: str(t, "measure"),
		value: dec(t, "value"), state: str(t, "state")}
}

type table3Cols struct {
	t    *table
	id   *array.Int64Builder
	row  *array.StringBuilder
	cols []*array.Int64Builder // in Table3ColumnKeys order
	keys []string
}

func (c *table3Cols) bind(t *table) {
	keys := schemas.Labels().Table3ColumnKeys()
	*c = table3Cols{t: t, id: i64(t, "report_id"), row: str(t, "row_key"), keys: keys}
	for _, k := range keys {
		c.cols = append(c.cols, i64(t, k))
	}
}

type table4Cols struct {
	t    *table
	id   *array.Int64Builder
	grp  *array.StringBuilder
	cols []*array.Int64Builder // in Table4OutcomeKeys order
	keys []string
}

func (c *table4Cols) bind(t *table) {
	keys := schemas.Labels().Table4OutcomeKeys()
	*c = table4Cols{t: t, id: i64(t, "report_id"), grp: str(t, "group_key"), keys: keys}
	for _, k := range keys {
		c.cols = append(c.cols, i64(t, k))
	}
}

type cellCols struct {
	t          *table
	id         *array.Int64Builder
	key        *array.Int32Builder
	value      *array.Decimal128Builder
	line, page *array.Int32Builder
	text       *array.StringBuilder
}

func (c *cellCols) bind(t *table) {
	*c = cellCols{t: t, id: i64(t, "report_id"), key: i32(t, "key_id"), value: dec(t, "value"),
		line: i32(t, "line"), page: i32(t, "page"), text: str(t, "text")}
}

type cellKeyCols struct {
	t                    *table
	id                   *array.Int32Builder
	tbl, row, col, state *array.StringBuilder
}

func (c *cellKeyCols) bind(t *table) {
	*c = cellKeyCols{t: t, id: i32(t, "key_id"), tbl: str(t, "table_name"), row: str(t, "row_key"),
		col: str(t, "col_key"), state: str(t, "state")}
}

type checkCols struct {
	t                                      *table
	id                                     *array.Int64Builder
	seq                                    *array.Int32Builder
	rule, severity, tbl, row, col, message *array.StringBuilder
	expected, found                        *array.Decimal128Builder
}

func (c *checkCols) bind(t *table) {
	*c = checkCols{t: t, id: i64(t, "report_id"), seq: i32(t, "seq"), rule: str(t, "rule"),
		severity: str(t, "severity"), tbl: str(t, "table_name"), row: str(t, "row_key"), col: str(t, "col_key"),
		message: str(t, "message"), expected: dec(t, "expected"), found: dec(t, "found")}
}

type problemCols struct {
	t                                            *table
	id                                           *array.Int64Builder
	seq, line, page                              *array.Int32Builder
	code, severity, tbl, row, col, text, message *array.StringBuilder
}

func (c *problemCols) bind(t *table) {
	*c = problemCols{t: t, id: i64(t, "report_id"), seq: i32(t, "seq"), line: i32(t, "line"), page: i32(t, "page"),
		code: str(t, "code"), severity: str(t, "severity"), tbl: str(t, "table_name"), row: str(t, "row_key"),
		col: str(t, "col_key"), text: str(t, "text"), message: str(t, "message")}
}

type sectionCols struct {
	t             *table
	id            *array.Int64Builder
	number, line  *array.Int32Builder
	heading, text *array.StringBuilder
}

func (c *sectionCols) bind(t *table) {
	*c = sectionCols{t: t, id: i64(t, "report_id"), number: i32(t, "number"), line: i32(t, "line"),
		heading: str(t, "heading"), text: str(t, "text")}
}

type statementCols struct {
	t                  *table
	id                 *array.Int64Builder
	seq, section, line *array.Int32Builder
	measure, text      *array.StringBuilder
	value              *array.Decimal128Builder
	approx             *array.BooleanBuilder
}

func (c *statementCols) bind(t *table) {
	*c = statementCols{t: t, id: i64(t, "report_id"), seq: i32(t, "seq"), section: i32(t, "section"),
		line: i32(t, "line"), measure: str(t, "measure"), text: str(t, "text"), value: dec(t, "value"),
		approx: boolean(t, "approx")}
}

type feeCols struct {
	t           *table
	id          *array.Int64Builder
	value       *array.Decimal128Builder
	state, text *array.StringBuilder
	line, page  *array.Int32Builder
}

func (c *feeCols) bind(t *table) {
	*c = feeCols{t: t, id: i64(t, "report_id"), value: dec(t, "value_yuan"), state: str(t, "state"),
		text: str(t, "text"), line: i32(t, "line"), page: i32(t, "page")}
}

type inputCols struct {
	t                         *table
	run, size, report         *array.Int64Builder
	path, sha, status, reason *array.StringBuilder
}

func (c *inputCols) bind(t *table) {
	*c = inputCols{t: t, run: i64(t, "run_id"), size: i64(t, "size_bytes"), report: i64(t, "report_id"),
		path: str(t, "path"), sha: str(t, "sha256"), status: str(t, "status"), reason: str(t, "reason")}
}

type failureCols struct {
	t                                 *table
	size, run                         *array.Int64Builder
	path, sha, reason, detail, parser *array.StringBuilder
}

func (c *failureCols) bind(t *table) {
	*c = failureCols{t: t, size: i64(t, "size_bytes"), run: i64(t, "first_run_id"), path: str(t, "path"),
		sha: str(t, "sha256"), reason: str(t, "reason"), detail: str(t, "detail"), parser: str(t, "parser_version")}
}

type regionCols struct {
	t                                                                 *table
	code, level, name, parent, provCode, provName, prefCode, prefName *array.StringBuilder
}

func (c *regionCols) bind(t *table) {
	*c = regionCols{t: t, code: str(t, "code"), level: str(t, "level"), name: str(t, "name"),
		parent: str(t, "parent_code"), provCode: str(t, "province_code"), provName: str(t, "province_name"),
		prefCode: str(t, "prefecture_code"), prefName: str(t, "prefecture_name")}
}

// AddReport appends the rows of one report version: reports (version 0, not current: the
// store assigns versions when the run is published), the three fact tables, cells, checks,
// problems, sections, statements and the fee.
func (b *Builder) AddReport(m Meta, r *schemas.Report) {
	rc := &b.rep
	rc.id.Append(m.ReportID)
	rc.identity.Append(m.IdentityKey)
	appendOptStr(rc.region, r.Region.Code)
	appendOptStr(rc.method, r.Region.Method)
	appendOptStr(rc.body, r.Body)
	appendOptStr(rc.scope, string(r.Scope))
	appendOptInt32(rc.year, r.Year)
	appendOptStr(rc.format, string(r.Format))
	appendOptStr(rc.title, r.Title)
	appendStr(rc.path, m.Path)
	appendStr(rc.sha, m.SHA256)
	rc.size.Append(m.Size)
	appendOptStr(rc.encoding, m.Encoding)
	appendStr(rc.parser, m.ParserVersion)
	rc.run.Append(m.RunID)
	status := r.Status
	if status == "" {
		status = schemas.StatusIncomplete
	}
	appendStr(rc.status, status)
	rc.checks.Append(int32(len(r.Checks)))
	rc.problems.Append(int32(len(r.Problems)))
	rc.version.Append(0)
	rc.current.Append(false)
	rc.supersededBy.AppendNull()
	appendOptStr(rc.level, string(ReportLevel(r)))
	if m.Modified.IsZero() {
		rc.modified.AppendNull()
	} else {
		rc.modified.Append(arrow.Timestamp(m.Modified.UnixMicro()))
	}
	rc.t.rows++

	id := m.ReportID

	// table 2 facts and cells
	t2 := b.order.table2(r.Format)
	b.outer = orderedKeys(b.outer[:0], r.Table2, t2.items)
	for _, item := range b.outer {
		row := r.Table2[item]
		b.inner = orderedKeys(b.inner[:0], row, t2.measures[item])
		for _, ms := range b.inner {
			c := row[ms]
			b.t2.id.Append(id)
			b.t2.item.Append(item)
			b.t2.measure.Append(ms)
			appendOptDec(b.t2.value, cellValue(c))
			b.t2.state.Append(string(cellState(c)))
			b.t2.t.rows++
			b.addCell(id, schemas.Table2, item, ms, c)
		}
	}

	// table 3 facts (one row per printed row key) and cells
	b.outer = orderedKeys(b.outer[:0], r.Table3, b.order.t3rows)
	for _, rk := range b.outer {
		row := r.Table3[rk]
		b.t3.id.Append(id)
		b.t3.row.Append(rk)
		for i, ck := range b.t3.keys {
			c, ok := row[ck]
			appendCount(b.t3.cols[i], c, ok)
		}
		b.t3.t.rows++
		b.inner = orderedKeys(b.inner[:0], row, b.t3.keys)
		for _, ck := range b.inner {
			b.addCell(id, schemas.Table3, rk, ck, row[ck])
		}
	}

	// table 4 facts and cells
	b.outer = orderedKeys(b.outer[:0], r.Table4, b.order.t4groups)
	for _, gk := range b.outer {
		row := r.Table4[gk]
		b.t4.id.Append(id)
		b.t4.grp.Append(gk)
		for i, oc := range b.t4.keys {
			c, present := row[oc]
			appendCount(b.t4.cols[i], c, present)
		}
		b.t4.t.rows++
		b.inner = orderedKeys(b.inner[:0], row, b.t4.keys)
		for _, oc := range b.inner {
			b.addCell(id, schemas.Table4, gk, oc, row[oc])
		}
	}

	for i, ch := range r.Checks {
		c := &b.chk
		c.id.Append(id)
		c.seq.Append(int32(i + 1))
		c.rule.Append(ch.Rule)
		sev := string(ch.Severity)
		if sev == "" {
			sev = string(schemas.SeverityError)
		}
		c.severity.Append(sev)
		appendOptStr(c.tbl, ch.Table)
		appendOptStr(c.row, ch.Row)
		appendOptStr(c.col, ch.Column)
		appendOptDec(c.expected, ch.Expected)
		appendOptDec(c.found, ch.Found)
		c.message.Append(ch.Message)
		c.t.rows++
	}

	for i, p := range r.Problems {
		c := &b.prob
		c.id.Append(id)
		c.seq.Append(int32(i + 1))
		c.code.Append(p.Code)
		sev := string(p.Severity)
		if sev == "" {
			sev = string(schemas.SeverityError)
		}
		c.severity.Append(sev)
		appendOptStr(c.tbl, p.Table)
		appendOptStr(c.row, p.Row)
		appendOptStr(c.col, p.Column)
		appendOptInt32(c.line, p.Line)
		appendOptInt32(c.page, p.Page)
		appendOptStr(c.text, p.Text)
		c.message.Append(p.Message)
		c.t.rows++
	}

	for _, s := range r.Sections {
		c := &b.sec
		c.id.Append(id)
		c.number.Append(int32(s.Number))
		c.heading.Append(s.Heading)
		appendOptInt32(c.line, s.Line)
		c.text.Append(s.Text)
		c.t.rows++
	}

	for i, s := range r.Statements {
		c := &b.stmt
		c.id.Append(id)
		c.seq.Append(int32(i + 1))
		c.measure.Append(s.Measure)
		appendDec(c.value, s.Value)
		c.approx.Append(s.Approx)
		appendOptInt32(c.section, s.Section)
		appendOptInt32(c.line, s.Line)
		appendOptStr(c.text, s.Text)
		c.t.rows++
	}

	if f := r.Fee; f.State != "" && f.State != schemas.StateMissing {
		c := &b.fee
		c.id.Append(id)
		appendOptDec(c.value, cellValue(f))
		c.state.Append(string(f.State))
		appendOptInt32(c.line, f.Line)
		appendOptInt32(c.page, f.Page)
		appendOptStr(c.text, f.Text)
		c.t.rows++
	}
}

func cellState(c schemas.Cell) schemas.CellState {
	if c.State == "" {
		return schemas.StateMissing
	}
	return c.State
}

// addCell appends a cell's provenance to cell_sources, and its key to cell_keys the first time
// the Builder meets it (the store adds the keys the warehouse does not hold yet).
func (b *Builder) addCell(id int64, tbl, row, col string, c schemas.Cell) {
	st := cellState(c)
	// the key as one string in a reused buffer: the map look-up does not allocate
	b.kbuf = append(append(append(append(append(append(append(b.kbuf[:0], tbl...), '|'), row...), '|'), col...), '|'), st...)
	kid, ok := b.keys[string(b.kbuf)]
	if !ok {
		kid = schemas.CellKeyID(tbl, row, col, st)
		b.keys[string(b.kbuf)] = kid
		kc := &b.ckey
		kc.id.Append(kid)
		kc.tbl.Append(tbl)
		kc.row.Append(row)
		kc.col.Append(col)
		kc.state.Append(string(st))
		kc.t.rows++
	}
	cc := &b.cell
	cc.id.Append(id)
	cc.key.Append(kid)
	appendOptDec(cc.value, cellValue(c))
	appendOptInt32(cc.line, c.Line)
	appendOptInt32(cc.page, c.Page)
	switch {
	case st != schemas.StateNumber:
		appendOptStr(cc.text, c.Text)
	case c.Text == "":
		cc.text.Append("") // a number without text: '' (NULL would read as its value)
	case c.Value.IsInt() && sameAsInt(c.Text, c.Value.Int()):
		cc.text.AppendNull() // the text is the value written as a whole number: the view restores it
	default:
		cc.text.Append(c.Text)
	}
	cc.t.rows++
}

// sameAsInt reports whether s is n in decimal, as DuckDB casts a BIGINT to VARCHAR.
func sameAsInt(s string, n int64) bool {
	var buf [24]byte
	return s == string(strconv.AppendInt(buf[:0], n, 10))
}

// orderedKeys appends to out the keys of m: first those in preferred order, then the others
// sorted.
func orderedKeys[V any](out []string, m map[string]V, preferred []string) []string {
	start := len(out)
	for _, k := range preferred {
		if _, ok := m[k]; ok {
			out = append(out, k)
		}
	}
	if len(out)-start == len(m) {
		return out
	}
	pref := make(map[string]bool, len(preferred))
	for _, k := range preferred {
		pref[k] = true
	}
	rest := len(out)
	for k := range m {
		if !pref[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out[rest:])
	return out
}

// keyOrder is the catalogue's order of the tables' rows and columns, looked up once per
// Builder instead of once per report.
type keyOrder struct {
	t2               map[schemas.Format]*table2Order
	t3rows, t4groups []string
}

type table2Order struct {
	items    []string
	measures map[string][]string // item → measures in printed order
}

func newKeyOrder() keyOrder {
	cat := schemas.Labels()
	return keyOrder{t2: map[schemas.Format]*table2Order{}, t3rows: cat.Table3RowKeys(), t4groups: cat.Table4GroupKeys()}
}

func (o *keyOrder) table2(f schemas.Format) *table2Order {
	if t, ok := o.t2[f]; ok {
		return t
	}
	t := &table2Order{measures: map[string][]string{}}
	for _, l := range schemas.Labels().Table2Items(f) {
		t.items = append(t.items, l.Key)
		t.measures[l.Key] = l.Measures
	}
	o.t2[f] = t
	return t
}

// Input is one file seen by a run (inputs table).
type Input struct {
	RunID    int64
	Path     string
	SHA256   string // empty when unreadable
	Size     int64  // < 0 when unknown
	Status   string // schemas.Input*
	Reason   string
	ReportID int64 // 0 when none
}

// AddInput appends a row to inputs.
func (b *Builder) AddInput(in Input) {
	c := &b.in
	c.run.Append(in.RunID)
	c.path.Append(in.Path)
	appendOptStr(c.sha, in.SHA256)
	appendOptInt64(c.size, in.Size, in.Size >= 0)
	c.status.Append(in.Status)
	appendOptStr(c.reason, in.Reason)
	appendOptInt64(c.report, in.ReportID, in.ReportID != 0)
	c.t.rows++
}

// Failure is an input that could not be read as a report (failed_inputs table).
type Failure struct {
	Path          string
	SHA256        string // empty when unreadable
	Size          int64  // < 0 when unknown
	Reason        string
	Detail        string
	ParserVersion string
	RunID         int64
}

// AddFailure appends a row to failed_inputs.
func (b *Builder) AddFailure(f Failure) {
	c := &b.fail
	c.path.Append(f.Path)
	appendOptStr(c.sha, f.SHA256)
	appendOptInt64(c.size, f.Size, f.Size >= 0)
	c.reason.Append(f.Reason)
	appendOptStr(c.detail, f.Detail)
	c.parser.Append(f.ParserVersion)
	c.run.Append(f.RunID)
	c.t.rows++
}

// AddRegions appends the whole registry to regions: provinces, prefectures, counties.
func (b *Builder) AddRegions(reg *regions.Registry) {
	c := &b.reg
	prov := map[string]string{}
	for _, p := range reg.Provinces {
		prov[p.Code] = p.Name
		c.code.Append(p.Code)
		c.level.Append("province")
		c.name.Append(p.Name)
		c.parent.AppendNull()
		c.provCode.Append(p.Code)
		c.provName.Append(p.Name)
		c.prefCode.AppendNull()
		c.prefName.AppendNull()
		c.t.rows++
	}
	for _, p := range reg.Prefectures {
		pc := p.Code[:2]
		c.code.Append(p.Code)
		c.level.Append("prefecture")
		c.name.Append(p.Name)
		c.parent.Append(pc)
		c.provCode.Append(pc)
		c.provName.Append(prov[pc])
		c.prefCode.Append(p.Code)
		c.prefName.Append(p.Name)
		c.t.rows++
	}
	for _, d := range reg.Counties {
		c.code.Append(d.Code)
		c.level.Append("county")
		c.name.Append(d.Name)
		c.parent.Append(d.PrefectureCode)
		c.provCode.Append(d.ProvinceCode)
		c.provName.Append(d.Province)
		c.prefCode.Append(d.PrefectureCode)
		c.prefName.Append(d.Prefecture)
		c.t.rows++
	}
}
