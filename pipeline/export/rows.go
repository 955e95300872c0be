package export

import (
	"fmt"
	"reflect"
	"time"

	"xxgk/pipeline/rollup"
	"xxgk/schemas"
)

// The rows the export reads, one struct per view (or table) and query shape, filled by
// store.Select / store.QueryAll: each field names its column, so a misspelt or renamed column
// is an error naming it, never a blank cell. Counts are int64, table 2 values schemas.Dec
// (exact), rates and year-over-year values float64 (the views compute them as DOUBLE from
// exact counts). A nullable column has a pointer field; a non-pointer field's column is
// declared not_null (or part of the grain) in the view's sidecar, whose data tests check it —
// and queries' tests check every col tag and that rule against the sidecars.

// Figures are the measures analytics.region_years and analytics.own_body_years share: the
// counts of tables 3, 4 and 2 summed (NULL when no counted report printed the cell) and the
// four rates computed from them (NULL for a zero denominator).
type Figures struct {
	RequestsCount            *int64   `col:"requests_count"`
	CarriedOverCount         *int64   `col:"carried_over_count"`
	GrantedCount             *int64   `col:"granted_count"`
	PartiallyGrantedCount    *int64   `col:"partially_granted_count"`
	WithheldCount            *int64   `col:"withheld_count"`
	UnavailableCount         *int64   `col:"unavailable_count"`
	RejectedCount            *int64   `col:"rejected_count"`
	OtherCount               *int64   `col:"other_count"`
	HandledCount             *int64   `col:"handled_count"`
	CarriedForwardCount      *int64   `col:"carried_forward_count"`
	ReviewCount              *int64   `col:"review_count"`
	ReviewUpheldCount        *int64   `col:"review_upheld_count"`
	ReviewCorrectedCount     *int64   `col:"review_corrected_count"`
	ReviewOtherCount         *int64   `col:"review_other_count"`
	ReviewPendingCount       *int64   `col:"review_pending_count"`
	LitigationCount          *int64   `col:"litigation_count"`
	LitigationCorrectedCount *int64   `col:"litigation_corrected_count"`
	LitigationPendingCount   *int64   `col:"litigation_pending_count"`
	IssuedCount              *int64   `col:"issued_count"`
	LicensingDecisionsCount  *int64   `col:"licensing_decisions_count"`
	PenaltyDecisionsCount    *int64   `col:"penalty_decisions_count"`
	CoercionDecisionsCount   *int64   `col:"coercion_decisions_count"`
	DisclosureRate           *float64 `col:"disclosure_rate"`
	WithheldRate             *float64 `col:"withheld_rate"`
	ReviewCorrectionRate     *float64 `col:"review_correction_rate"`
	LitigationCorrectionRate *float64 `col:"litigation_correction_rate"`
}

// The sheets and sentences show measures from lists of column names (regionMeasures, the
// draft's figures, which also name their source column). Those names are looked up in the
// col tags, built once: a list is checked when the package is initialised (figures), and a
// name that is no column panics, naming it, rather than printing a blank.

// colIndex maps the col tags of a struct (embedded structs included) to their fields.
func colIndex(t reflect.Type) map[string][]int {
	m := map[string][]int{}
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			idx := append(append([]int{}, index...), i)
			if c := f.Tag.Get("col"); c != "" {
				m[c] = idx
			} else if f.Anonymous && f.Type.Kind() == reflect.Struct {
				walk(f.Type, idx)
			}
		}
	}
	walk(t, nil)
	return m
}

var (
	figureFields     = colIndex(reflect.TypeFor[Figures]())
	regionYearFields = colIndex(reflect.TypeFor[RegionYear]())
)

// figures checks, when the package is initialised, that every name of a list of measures is a
// column of Figures: a misspelt measure stops every test of the package, naming it.
func figures(cols ...string) []string {
	for _, c := range cols {
		if _, ok := figureFields[c]; !ok {
			panic(fmt.Sprintf("export: %q is not a measure of analytics.region_years (export.Figures)", c))
		}
	}
	return cols
}

// valueOf is the field of column col of the struct v as a Val.
func valueOf(v reflect.Value, index map[string][]int, col string) Val {
	idx, ok := index[col]
	if !ok {
		panic(fmt.Sprintf("export: %q is not a column of %s", col, v.Type()))
	}
	switch p := v.FieldByIndex(idx).Interface().(type) {
	case *int64:
		return count(p)
	case int64:
		return countVal(p)
	case *float64:
		return rate(p)
	case *schemas.Dec:
		return dec(p)
	}
	panic(fmt.Sprintf("export: column %q of %s is not a number", col, v.Type()))
}

// Get returns a measure (a column of Figures) by name as a Val.
func (f *Figures) Get(col string) Val { return valueOf(reflect.ValueOf(f).Elem(), figureFields, col) }

// RegionYear is a row of analytics.region_years: one division's figure for a year, each body
// counted once.
type RegionYear struct {
	_                  struct{} `view:"analytics.region_years"`
	Level              string   `col:"level"`
	RegionCode         string   `col:"region_code"`
	RegionName         *string  `col:"region_name"`
	ParentCode         *string  `col:"parent_code"`
	Year               int      `col:"year"`
	Basis              string   `col:"basis"`
	CountyCount        int64    `col:"county_count"`
	AreaBasisCount     int64    `col:"area_basis_count"`
	CountedReportCount int64    `col:"counted_report_count"`
	OwnReportCount     int64    `col:"own_report_count"`
	GB2019ReportCount  int64    `col:"gb2019_report_count"`
	GB2021ReportCount  int64    `col:"gb2021_report_count"`
	Figures
}

// Get returns a number of the row (a measure or a count such as counted_report_count) by its
// column name as a Val.
func (r *RegionYear) Get(col string) Val {
	return valueOf(reflect.ValueOf(r).Elem(), regionYearFields, col)
}

// Name is the division's name ("" when the registry lacks it).
func (r *RegionYear) Name() string { return text(r.RegionName) }

// OwnBodyYear is a row of analytics.own_body_years: the part of a division's figure its own
// bodies make up (省直部门合计, 市本级合计).
type OwnBodyYear struct {
	_           struct{} `view:"analytics.own_body_years"`
	Level       string   `col:"level"`
	RegionCode  string   `col:"region_code"`
	Year        int      `col:"year"`
	ReportCount int64    `col:"report_count"`
	Figures
}

// table2Row is a row of analytics.region_table2: one item and measure of table 2, summed.
type table2Row struct {
	_       struct{}     `view:"analytics.region_table2"`
	Format  string       `col:"format"`
	Item    string       `col:"item"`
	Measure string       `col:"measure"`
	Value   *schemas.Dec `col:"value"`
}

// table3Row is a row of analytics.region_table3, its applicant columns in the catalogue's
// order (schemas.Labels().Table3ColumnKeys(); checked by a test).
type table3Row struct {
	_             struct{} `view:"analytics.region_table3"`
	RowKey        string   `col:"row_key"`
	NaturalPerson *int64   `col:"natural_person"`
	Commercial    *int64   `col:"commercial"`
	Research      *int64   `col:"research"`
	SocialWelfare *int64   `col:"social_welfare"`
	LegalServices *int64   `col:"legal_services"`
	OtherOrg      *int64   `col:"other_org"`
	Total         *int64   `col:"total"`
}

func (r *table3Row) values() [7]Val {
	return [7]Val{count(r.NaturalPerson), count(r.Commercial), count(r.Research), count(r.SocialWelfare),
		count(r.LegalServices), count(r.OtherOrg), count(r.Total)}
}

// table4Row is a row of analytics.region_table4, its outcomes in the catalogue's order
// (schemas.Labels().Table4OutcomeKeys(); checked by a test).
type table4Row struct {
	_         struct{} `view:"analytics.region_table4"`
	GroupKey  string   `col:"group_key"`
	Upheld    *int64   `col:"upheld"`
	Corrected *int64   `col:"corrected"`
	Other     *int64   `col:"other"`
	Pending   *int64   `col:"pending"`
	Total     *int64   `col:"total"`
}

func (r *table4Row) values() [5]Val {
	return [5]Val{count(r.Upheld), count(r.Corrected), count(r.Other), count(r.Pending), count(r.Total)}
}

// YoY is a row of analytics.region_yoy: one measure of one division against the year before.
// The view holds counts, rates and table 2 values in one DOUBLE column.
type YoY struct {
	_             struct{} `view:"analytics.region_yoy"`
	Level         string   `col:"level"`
	RegionCode    string   `col:"region_code"`
	RegionName    *string  `col:"region_name"`
	Measure       string   `col:"measure"`
	Value         *float64 `col:"value"`
	ValuePrev     *float64 `col:"value_prev"`
	ValueYoYDelta *float64 `col:"value_yoy_delta"`
	ValueYoYPct   *float64 `col:"value_yoy_pct"`
	SeriesBreak   bool     `col:"series_break"`
	Kind          string   `col:"kind"` // count, rate, table2
	Basis         *string  `col:"basis"`
	BasisPrev     *string  `col:"basis_prev"`
	// The like-for-like (同口径) form: the same measure over the units that reported in both
	// years, and how many units of each kind reported in both, this year only and the year
	// before only (counties; bodies above county level; provinces and prefectures compared whole
	// because one year counts their consolidated report), and those counted differently.
	LFLValue          *float64 `col:"lfl_value"`
	LFLValuePrev      *float64 `col:"lfl_value_prev"`
	LFLYoYDelta       *float64 `col:"lfl_yoy_delta"`
	LFLYoYPct         *float64 `col:"lfl_yoy_pct"`
	LFLReportCount    *int64   `col:"lfl_report_count"`
	LFLCountyCount    *int64   `col:"lfl_county_count"`
	NewCountyCount    *int64   `col:"new_county_count"`
	GoneCountyCount   *int64   `col:"gone_county_count"`
	LFLBodyCount      *int64   `col:"lfl_body_count"`
	NewBodyCount      *int64   `col:"new_body_count"`
	GoneBodyCount     *int64   `col:"gone_body_count"`
	LFLWholeCount     *int64   `col:"lfl_whole_count"`
	NewWholeCount     *int64   `col:"new_whole_count"`
	GoneWholeCount    *int64   `col:"gone_whole_count"`
	BasisChangedCount *int64   `col:"basis_changed_count"`
}

// Coverage is a row of analytics.coverage: a division the registry expects, whether its own
// bodies reported, and its reports by scope (the row type of xxgk coverage).
type Coverage = rollup.Coverage

// MissingReport is a row of analytics.missing_reports: a body that reported in an earlier
// year and not this one.
type MissingReport = rollup.MissingBody

// Violation is a row of analytics.rule_violations: one rule violation of a report of record
// (source report) or a carry-over chain break (source chain).
type Violation struct {
	_          struct{}     `view:"analytics.rule_violations"`
	RegionCode string       `col:"region_code"`
	RegionName *string      `col:"region_name"`
	Body       string       `col:"body"`
	Scope      *string      `col:"scope"`
	ReportID   int64        `col:"report_id"`
	Format     *string      `col:"format"`
	Counted    bool         `col:"counted"`
	Rule       string       `col:"rule"`
	Severity   string       `col:"severity"`
	Source     string       `col:"source"`
	TableName  *string      `col:"table_name"`
	RowKey     *string      `col:"row_key"`
	ColKey     *string      `col:"col_key"`
	Expected   *schemas.Dec `col:"expected"`
	Found      *schemas.Dec `col:"found"`
	Message    string       `col:"message"`
	Seq        int          `col:"seq"`
	SourcePath *string      `col:"source_path"`
	ProblemID  string       `col:"problem_id"`
	// Acknowledged: reviewed with xxgk ack (still listed, never corrected), with the note and who.
	Acknowledged bool    `col:"acknowledged"`
	AckNote      *string `col:"ack_note"`
	AckBy        *string `col:"ack_by"`
	Year         int     `col:"year"`
}

// countedReport is a report of record within the region whose figure counts it
// (analytics.reports counted_in names the region's level).
type countedReport struct {
	_        struct{} `view:"analytics.reports"`
	ReportID int64    `col:"report_id"`
}

// regionRow is a row of main.regions, the registry of divisions.
type regionRow struct {
	_            struct{} `view:"main.regions"`
	Code         string   `col:"code"`
	Level        string   `col:"level"`
	Name         string   `col:"name"`
	ProvinceCode string   `col:"province_code"`
	ProvinceName string   `col:"province_name"`
}

// regionName lists the provinces and prefectures with figures, for the message of a region
// the warehouse does not hold.
type regionName struct {
	_          struct{} `view:"analytics.region_years"`
	RegionCode string   `col:"region_code"`
	RegionName *string  `col:"region_name"`
}

// ingestRun is a row of main.ingest_runs: the warehouse version.
type ingestRun struct {
	_             struct{}  `view:"main.ingest_runs"`
	RunID         int64     `col:"run_id"`
	FinishedAt    time.Time `col:"finished_at"`
	XXGKVersion   string    `col:"xxgk_version"`
	ParserVersion string    `col:"parser_version"`
	Status        string    `col:"status"`
}

// text is a nullable text column as shown ("" for NULL).
func text(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
