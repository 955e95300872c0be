package rollup

import (
	"fmt"
	"strings"
	"time"

	"xxgk/pipeline/store"
	"xxgk/schemas"
)

// The rows of the reads below, one struct per query shape: their fields give each query its
// select list (in field order, which is the order the commands print), and callers that read
// a column of a result scan it into the struct (store.ScanAll[rollup.Coverage](t)) instead of
// looking the column up by name. queries' tests check every col tag against the view's
// sidecar; store.ScanAll checks a result against the struct both ways.

// Coverage is a row of Coverage (analytics.coverage).
type Coverage struct {
	_                     struct{} `view:"analytics.coverage"`
	RegionCode            string   `col:"region_code"`
	RegionName            *string  `col:"region_name"`
	Level                 string   `col:"level"`
	Reported              bool     `col:"reported"`
	Basis                 string   `col:"basis"`
	ReportCount           int64    `col:"report_count"`
	AreaReportCount       int64    `col:"area_report_count"`
	GovernmentReportCount int64    `col:"government_report_count"`
	DepartmentReportCount int64    `col:"department_report_count"`
	TownshipReportCount   int64    `col:"township_report_count"`
	DevZoneReportCount    int64    `col:"dev_zone_report_count"`
	OtherReportCount      int64    `col:"other_report_count"`
	IncompleteReportCount int64    `col:"incomplete_report_count"`
	BelowReportCount      int64    `col:"below_report_count"`
	MissingBodyCount      int64    `col:"missing_body_count"`
}

// MissingBody is a row of MissingBodies (analytics.missing_reports).
type MissingBody struct {
	_          struct{} `view:"analytics.missing_reports"`
	RegionCode string   `col:"region_code"`
	RegionName *string  `col:"region_name"`
	Level      string   `col:"level"`
	Body       string   `col:"body"`
	Scope      *string  `col:"scope"`
	LastYear   int      `col:"last_year"`
}

// CompetingFile is a row of CompetingFiles (analytics.report_versions).
type CompetingFile struct {
	_                struct{}   `view:"analytics.report_versions"`
	CountyCode       *string    `col:"county_code"`
	CountyName       *string    `col:"county_name"`
	Body             *string    `col:"body"`
	IsCurrent        bool       `col:"is_current"`
	Status           *string    `col:"status"`
	SourcePath       *string    `col:"source_path"`
	SourceModifiedAt *time.Time `col:"source_modified_at"`
	Reason           string     `col:"reason"`
	Contested        bool       `col:"contested"`
}

// Violation is a row of Checks (analytics.rule_violations).
type Violation struct {
	_          struct{}     `view:"analytics.rule_violations"`
	RegionCode string       `col:"region_code"`
	RegionName *string      `col:"region_name"`
	Body       string       `col:"body"`
	Year       int          `col:"year"`
	Rule       string       `col:"rule"`
	Severity   string       `col:"severity"`
	Source     string       `col:"source"`
	TableName  *string      `col:"table_name"`
	RowKey     *string      `col:"row_key"`
	ColKey     *string      `col:"col_key"`
	Expected   *schemas.Dec `col:"expected"`
	Found      *schemas.Dec `col:"found"`
	Counted    bool         `col:"counted"`
	Message    string       `col:"message"`
	// the problem's id for xxgk ack, and the acknowledgement when there is one
	ProblemID    string  `col:"problem_id"`
	Acknowledged bool    `col:"acknowledged"`
	AckNote      *string `col:"ack_note"`
	AckBy        *string `col:"ack_by"`
}

// Problem is a row of Problems (analytics.problems): a problem to review with its id for xxgk
// ack and its acknowledgement.
type Problem struct {
	_            struct{}     `view:"analytics.problems"`
	ProblemID    string       `col:"problem_id"`
	Kind         string       `col:"kind"`
	Code         string       `col:"code"`
	Severity     string       `col:"severity"`
	RegionCode   *string      `col:"region_code"`
	RegionName   *string      `col:"region_name"`
	Body         *string      `col:"body"`
	Year         *int         `col:"year"`
	Cell         *string      `col:"cell"`
	Expected     *schemas.Dec `col:"expected"`
	Found        *schemas.Dec `col:"found"`
	Path         *string      `col:"path"`
	Message      string       `col:"message"`
	Acknowledged bool         `col:"acknowledged"`
	AckID        *int64       `col:"ack_id"`
	AckNote      *string      `col:"ack_note"`
	AckBy        *string      `col:"ack_by"`
	AckAt        *time.Time   `col:"ack_at"`
}

// Change is a row of Compare (reports/compare.sql): one division and measure in two years.
// Counts, rates and table 2 values share the DOUBLE value columns of analytics.region_measures.
type Change struct {
	_           struct{} `query:"reports/compare"`
	RegionCode  string   `col:"region_code"`
	RegionName  *string  `col:"region_name"`
	Measure     string   `col:"measure"`
	Kind        string   `col:"kind"`
	ValueFrom   *float64 `col:"value_from"`
	ValueTo     *float64 `col:"value_to"`
	Delta       *float64 `col:"delta"`
	Pct         *float64 `col:"pct"`
	RankFrom    *int64   `col:"rank_from"`
	RankTo      *int64   `col:"rank_to"`
	SeriesBreak *bool    `col:"series_break"`
	BasisFrom   *string  `col:"basis_from"`
	BasisTo     *string  `col:"basis_to"`
	// like for like (同口径): over the units that reported in both years, and how many did
	LflFrom           *float64 `col:"lfl_from"`
	LflTo             *float64 `col:"lfl_to"`
	LflDelta          *float64 `col:"lfl_delta"`
	LflPct            *float64 `col:"lfl_pct"`
	LflCountyCount    *int64   `col:"lfl_county_count"`
	NewCountyCount    *int64   `col:"new_county_count"`
	GoneCountyCount   *int64   `col:"gone_county_count"`
	LflBodyCount      *int64   `col:"lfl_body_count"`
	NewBodyCount      *int64   `col:"new_body_count"`
	GoneBodyCount     *int64   `col:"gone_body_count"`
	LflWholeCount     *int64   `col:"lfl_whole_count"`
	NewWholeCount     *int64   `col:"new_whole_count"`
	GoneWholeCount    *int64   `col:"gone_whole_count"`
	BasisChangedCount *int64   `col:"basis_changed_count"`
}

// regionRow is a division of the registry (main.regions).
type regionRow struct {
	_     struct{} `view:"main.regions"`
	Name  string   `col:"name"`
	Level string   `col:"level"`
}

// regionName is a division with figures (analytics.region_years).
type regionName struct {
	_          struct{} `view:"analytics.region_years"`
	RegionCode string   `col:"region_code"`
	RegionName *string  `col:"region_name"`
}

// selectList is the select list of a row type of this package. The types are fixed and tested:
// one that cannot be read is a programming error.
func selectList[T any]() string {
	cols, err := store.Columns[T]()
	if err != nil {
		panic(fmt.Sprintf("rollup: %v", err))
	}
	return strings.Join(cols, ", ")
}
