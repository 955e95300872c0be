// Package schemas holds the canonical model of a 政府信息公开工作年度报告: the report, its
// three tables, the state and provenance of every cell, rule violations and problems, and the
// label catalogue of the gb2019 and gb2021 formats (labels.yaml, embedded). Every stage of the
// pipeline speaks these types; the JSON form (json.go) is the one `xxgk parse --json` prints
// and the generator writes as gold files.
package schemas

// Format is the template a report was printed in. It is detected from the labels, never from
// the year.
type Format string

const (
	FormatUnknown Format = ""
	FormatGB2019  Format = "gb2019"  // 国办公开办函〔2019〕60号
	FormatGB2021  Format = "gb2021"  // 国办公开办函〔2021〕30号
	FormatPre2019 Format = "pre2019" // 2008–2018 free prose, no fixed grid
)

// Scope says whom a report speaks for; a rollup counts a county once.
type Scope string

const (
	ScopeUnknown    Scope = ""
	ScopeArea       Scope = "area"       // 全县（区）汇总
	ScopeGovernment Scope = "government" // 县政府或其办公室本级
	ScopeDepartment Scope = "department" // 县直部门
	ScopeTownship   Scope = "township"   // 乡镇、街道
	ScopeDevZone    Scope = "dev_zone"   // 开发区、园区
	ScopeOther      Scope = "other"      // 事业单位、国有企业等其他发布年报的单位
)

// Scopes lists every known scope, in the order official output uses.
var Scopes = []Scope{ScopeArea, ScopeGovernment, ScopeDepartment, ScopeTownship, ScopeDevZone, ScopeOther}

// Level is the administrative level of the issuing body (not of what it covers): a provincial
// department is level province, a prefecture's 教育局 level prefecture, a county, its
// departments and everything under it (townships, sub-districts, zones) level county.
type Level string

const (
	LevelUnknown    Level = ""
	LevelProvince   Level = "province"   // 省级：省政府、省政府办公厅、省直部门
	LevelPrefecture Level = "prefecture" // 地级：市（州、盟、地区）政府、办公室、市直部门
	LevelCounty     Level = "county"     // 县级：县（市、区）政府、部门及其下的乡镇街道、园区
)

// Levels lists the levels from the top down.
var Levels = []Level{LevelProvince, LevelPrefecture, LevelCounty}

// CodeLen is the length of a division code at the level: 2, 4 or 6 digits; 0 when unknown.
func (l Level) CodeLen() int {
	switch l {
	case LevelProvince:
		return 2
	case LevelPrefecture:
		return 4
	case LevelCounty:
		return 6
	}
	return 0
}

// CellState records what the document showed in a cell.
type CellState string

const (
	StateNumber  CellState = "number"  // a number was printed
	StateBlank   CellState = "blank"   // the cell was empty: counts as 0, remembered as blank
	StateDash    CellState = "dash"    // “—”, “/”, “-”, “无”: no number
	StateDerived CellState = "derived" // not printed; computed from its parts (e.g. gb2021 other_total)
	StateMissing CellState = "missing" // the cell or its row could not be found
	// StateSplit: printed with its neighbours run together (no cell boundary in the text); the
	// digits were separated into cells because the rules left exactly one possible split.
	StateSplit CellState = "split"
)

// Table names, as used in cells, checks and problems.
const (
	Table2 = "table2"
	Table3 = "table3"
	Table4 = "table4"
)

// Cell is one number of a table with where it came from.
type Cell struct {
	State CellState `json:"state"`
	// Value is meaningful for number, blank (0) and derived cells.
	Value Dec `json:"-"`
	// Line is the 1-based line of the decoded text the cell was read from (0 when derived or
	// missing). Page is the PDF page, when the source is a PDF.
	Line int    `json:"line,omitempty"`
	Page int    `json:"page,omitempty"`
	Text string `json:"text,omitempty"` // the text seen, before normalisation of the number
}

// HasValue reports whether the cell carries a number (printed, split from a run, blank as 0,
// or derived).
func (c Cell) HasValue() bool {
	return c.State == StateNumber || c.State == StateBlank || c.State == StateDerived || c.State == StateSplit
}

// Grid is a table as row key → column key → cell. Keys are those of the catalogue.
type Grid map[string]map[string]Cell

// Get returns the cell at row, col; the zero Cell (state "") when absent.
func (g Grid) Get(row, col string) (Cell, bool) {
	r, ok := g[row]
	if !ok {
		return Cell{}, false
	}
	c, ok := r[col]
	return c, ok
}

// Set stores a cell, creating the row as needed.
func (g Grid) Set(row, col string, c Cell) {
	r, ok := g[row]
	if !ok {
		r = make(map[string]Cell, 8)
		g[row] = r
	}
	r[col] = c
}

// Region is the administrative division of the issuing body, at the body's own level: a
// provincial department's region is its province (2-digit code), a prefecture body's its
// prefecture (4 digits), a county body's its county (6 digits).
type Region struct {
	Code string `json:"code"` // NBS code at Level: 21, 2113 or 211321
	// Level is the level of the issuing body, and so the length of Code; empty when unknown.
	Level          Level  `json:"level,omitempty"`
	Name           string `json:"name"`       // 朝阳县
	Prefecture     string `json:"prefecture"` // 朝阳市
	Province       string `json:"province"`   // 辽宁省
	PrefectureCode string `json:"prefecture_code,omitempty"`
	ProvinceCode   string `json:"province_code,omitempty"`
	// Method is how the region was found: flag, manifest, path, text; empty when unresolved.
	Method string `json:"method"`
}

// Region methods.
const (
	RegionFlag     = "flag"
	RegionManifest = "manifest"
	RegionPath     = "path"
	RegionText     = "text"
)

// Section is one of the six numbered sections, with its prose.
type Section struct {
	Number  int    `json:"number"` // 1..6
	Heading string `json:"heading"`
	Line    int    `json:"line"`
	Text    string `json:"text"`
}

// Statement is a figure stated in the prose.
type Statement struct {
	// Measure names what the figure is: "requests" (申请数, compared with
	// table3.new_received.total) or "fees_collected_yuan" (信息处理费).
	Measure string `json:"measure"`
	Value   Dec    `json:"value"`
	// Approx is set for figures such as “7000余条”, which are never compared exactly.
	Approx  bool   `json:"approx,omitempty"`
	Section int    `json:"section"`
	Line    int    `json:"line"`
	Text    string `json:"text"`
}

// Statement measures.
const (
	StatedRequests = "requests"
	StatedFees     = "fees_collected_yuan"
)

// Severity of a check or a problem.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

// Check is one violation of a consistency rule (勾稽关系) R1–R8.
type Check struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Table    string   `json:"table,omitempty"`
	Row      string   `json:"row,omitempty"`
	Column   string   `json:"column,omitempty"`
	Expected *Dec     `json:"expected,omitempty"`
	Found    *Dec     `json:"found,omitempty"`
	Message  string   `json:"message"`
}

// Problem is something the parser could not read with certainty. It names where and what it saw.
type Problem struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	File     string   `json:"file,omitempty"`
	Table    string   `json:"table,omitempty"`
	Row      string   `json:"row,omitempty"`
	Column   string   `json:"column,omitempty"`
	Line     int      `json:"line,omitempty"`
	Page     int      `json:"page,omitempty"`
	Text     string   `json:"text,omitempty"`
	Message  string   `json:"message"` // a short Chinese hint for the office
}

// Problem codes.
const (
	ProblemNotReport      = "not_report"    // the input is not an annual report at all
	ProblemUndecodable    = "undecodable"   // bytes could not be decoded as text
	ProblemTableMissing   = "table_missing" // a table was not found (image, cut page)
	ProblemRowMissing     = "row_missing"   // an expected row is absent
	ProblemValue          = "value"         // a cell's text is not a number the parser is sure of
	ProblemAmbiguous      = "ambiguous"     // cells could not be assigned to columns with certainty
	ProblemYear           = "year"          // the year was not found or is contradictory
	ProblemRegion         = "region"        // the region is unresolved or conflicting
	ProblemFormat         = "format"        // the format could not be determined
	ProblemPre2019        = "pre2019"       // free-prose report, no tables to read
	ProblemNeedsOCR       = "needs_ocr"     // scanned document without text
	ProblemUnsupported    = "unsupported"   // a file type the pipeline cannot read here
	ProblemSectionMissing = "section_missing"
	ProblemScope          = "scope"     // the body, and so the scope, is unknown (warning)
	ProblemTruncated      = "truncated" // the file ends in the middle of a character or a page
	ProblemInternal       = "internal"  // the parser itself failed on the input (a bug; fuzzing keeps it away)
)

// Status of a parsed report.
const (
	StatusComplete   = "complete"   // every table read; rule violations may still exist
	StatusIncomplete = "incomplete" // some numbers could not be read (see problems)
	StatusFailed     = "failed"     // not a report, unreadable, or no table at all
)

// Report is the canonical form of one annual report.
type Report struct {
	Source string `json:"source,omitempty"` // file path as given
	// Encoding and Kind say how the file was decoded: utf-8, gb18030, big5 …; text, html, pdf, docx.
	Encoding string `json:"encoding,omitempty"`
	Kind     string `json:"kind,omitempty"`
	Title    string `json:"title"`
	Body     string `json:"body"` // issuing body, e.g. 朝阳县人民政府
	Year     int    `json:"year"` // the year reported on (not the year published)
	Format   Format `json:"format"`
	Scope    Scope  `json:"scope"`
	Region   Region `json:"region"`
	Status   string `json:"status"`
	Table2   Grid   `json:"-"`
	Table3   Grid   `json:"-"`
	Table4   Grid   `json:"-"`
	// Fee is the 信息处理费 stated in section 六, in yuan (state missing when not stated).
	Fee      Cell      `json:"-"`
	Sections []Section `json:"sections,omitempty"`
	// Statements are figures stated in the prose (共收到申请N件, 收取信息处理费N元), checked
	// against the tables by rule R7.
	Statements []Statement `json:"statements,omitempty"`
	// Markers are the format marker words found, per format (R8: a gb2021 report carries no
	// gb2019 labels and the reverse).
	Markers  map[Format][]string `json:"markers,omitempty"`
	Checks   []Check             `json:"checks"`
	Problems []Problem           `json:"problems"`
}

// NewReport returns a report with empty grids.
func NewReport(source string) *Report {
	return &Report{Source: source, Table2: Grid{}, Table3: Grid{}, Table4: Grid{}, Fee: Cell{State: StateMissing}}
}

// Table returns the grid of a table by name.
func (r *Report) Table(name string) Grid {
	switch name {
	case Table2:
		return r.Table2
	case Table3:
		return r.Table3
	case Table4:
		return r.Table4
	}
	return nil
}

// AddProblem appends a problem, filling in the file.
func (r *Report) AddProblem(p Problem) {
	if p.File == "" {
		p.File = r.Source
	}
	if p.Severity == "" {
		p.Severity = SeverityError
	}
	r.Problems = append(r.Problems, p)
}

// Section returns section n (1..6), or nil.
func (r *Report) Section(n int) *Section {
	for i := range r.Sections {
		if r.Sections[i].Number == n {
			return &r.Sections[i]
		}
	}
	return nil
}
