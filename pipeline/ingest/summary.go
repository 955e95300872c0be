package ingest

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
	"xxgk/pipeline/textgrid"

	"xxgk/schemas"
)

// Summary is the outcome of a run, printed at the end.
type Summary struct {
	RunID    int64
	DB       string
	Manifest string

	Inputs         int // files seen
	Parsed         int // new report versions loaded
	WithViolations int // of which with rule violations (checks)
	Incomplete     int // of which incomplete
	ReportsFailed  int // of which status failed (recognised, but no table could be read)
	InputsFailed   int // inputs that could not be read as reports (failed_inputs)
	Failed         int // InputsFailed + ReportsFailed
	Duplicates     int
	Unchanged      int
	NewVersions    int
	Bytes          int64
	Elapsed        time.Duration
	// How the run was published (store.Result): merged in place, or a copy (Fallback says
	// why); Merge is the time from the end of loading to the published warehouse; Models says
	// how the SQL models were brought up to date ("" when they were not touched).
	InPlace  bool
	Fallback string
	Merge    time.Duration
	Models   string

	ByPrefecture []*PrefectureSummary
	// Lists keep their first keepMax items; Total counts them all.
	Unresolved   []string // paths of reports whose region is unknown
	Conflicts    []string // region conflicts: path and message
	SameIdentity []string // several files of this run for one report identity
	DuplicateOf  []string // "path = earlier path"
	Failures     []string // "path: reason: detail"

	byPref map[string]*PrefectureSummary
	// more counts the items left out of a list past keepMax (memory stays flat)
	more map[*[]string]int
}

// keepMax is the number of items a summary list keeps; the rest are only counted.
const keepMax = 1000

func (s *Summary) add(list *[]string, item string) {
	if len(*list) < keepMax {
		*list = append(*list, item)
		return
	}
	if s.more == nil {
		s.more = map[*[]string]int{}
	}
	s.more[list]++
}

// Total returns the number of items of a summary list, including those not kept.
func (s *Summary) Total(list *[]string) int { return len(*list) + s.more[list] }

// PrefectureSummary counts a prefecture's new report versions.
type PrefectureSummary struct {
	Code           string
	Name           string
	Reports        int
	WithViolations int
	Incomplete     int
	Failed         int
}

// Status is the outcome of the run: ok (everything read completely), partial (some inputs
// incomplete or failed), failed (nothing usable).
func (s *Summary) Status() string {
	usable := s.Parsed - s.ReportsFailed + s.Unchanged + s.Duplicates
	switch {
	case s.Inputs == 0 || usable <= 0:
		return "failed"
	case s.Failed > 0 || s.Incomplete > 0:
		return "partial"
	}
	return "ok"
}

const listMax = 20

func (s *Summary) addReport(r *schemas.Report, path string) {
	s.Parsed++
	viol := len(r.Checks) > 0
	if viol {
		s.WithViolations++
	}
	switch r.Status {
	case schemas.StatusIncomplete:
		s.Incomplete++
	case schemas.StatusFailed:
		s.ReportsFailed++
		s.Failed++
	}
	code, name := r.Region.PrefectureCode, r.Region.Prefecture
	switch {
	case r.Region.Level == schemas.LevelProvince || len(r.Region.Code) == 2:
		// a provincial body: the province's own line, before its prefectures
		code, name = r.Region.Code, r.Region.Province+"（省直）"
	case code == "" && len(r.Region.Code) >= 4:
		code = r.Region.Code[:4]
	}
	if code == "" {
		code, name = "", "（未确定地区）"
	}
	p := s.byPref[code]
	if p == nil {
		p = &PrefectureSummary{Code: code, Name: name}
		s.byPref[code] = p
	}
	p.Reports++
	if viol {
		p.WithViolations++
	}
	switch r.Status {
	case schemas.StatusIncomplete:
		p.Incomplete++
	case schemas.StatusFailed:
		p.Failed++
	}
	if r.Region.Code == "" {
		s.add(&s.Unresolved, path)
	}
	for _, pr := range r.Problems {
		if pr.Code == schemas.ProblemRegion && r.Region.Code != "" {
			s.add(&s.Conflicts, path+": "+pr.Message)
		}
	}
}

func (s *Summary) addFailure(path, reason, detail string) {
	line := path + ": " + reason
	if detail != "" {
		line += ": " + detail
	}
	s.add(&s.Failures, line)
}

func (s *Summary) addDup(path, of string) { s.add(&s.DuplicateOf, path+" = "+of) }

func (s *Summary) addSameIdentity(ident, first, path string) {
	s.add(&s.SameIdentity, fmt.Sprintf("%s: %s, %s", ident, first, path))
}

func (s *Summary) finish() {
	for _, k := range sortedKeys(s.byPref) {
		s.ByPrefecture = append(s.ByPrefecture, s.byPref[k])
	}
	// the unresolved prefecture ("") sorts first: show it last
	if len(s.ByPrefecture) > 1 && s.ByPrefecture[0].Code == "" {
		s.ByPrefecture = append(s.ByPrefecture[1:], s.ByPrefecture[0])
	}
	sort.Strings(s.Conflicts)
}

// Write prints the summary (stdout: it is the command's data).
func (s *Summary) Write(w io.Writer) error {
	var b strings.Builder
	secs := s.Elapsed.Seconds()
	if secs <= 0 {
		secs = 1e-9
	}
	fmt.Fprintf(&b, "导入批次 run %d → %s（%s）\n", s.RunID, s.DB, s.Status())
	if s.Manifest != "" {
		fmt.Fprintf(&b, "清单 manifest: %s\n", s.Manifest)
	}
	fmt.Fprintf(&b, "文件 inputs           %8d  (%.1f MB, %.1fs, %.0f files/s)\n", s.Inputs, float64(s.Bytes)/1e6, secs, float64(s.Inputs)/secs)
	fmt.Fprintf(&b, "新入库 parsed         %8d\n", s.Parsed)
	fmt.Fprintf(&b, "  有勾稽问题 with violations %d\n", s.WithViolations)
	fmt.Fprintf(&b, "  不完整 incomplete    %d\n", s.Incomplete)
	fmt.Fprintf(&b, "  新版本 new versions  %d\n", s.NewVersions)
	fmt.Fprintf(&b, "失败 failed           %8d  (无法读取 %d, 报告无表格 %d)\n", s.Failed, s.InputsFailed, s.ReportsFailed)
	fmt.Fprintf(&b, "重复 duplicates       %8d\n", s.Duplicates)
	fmt.Fprintf(&b, "未变 unchanged        %8d\n", s.Unchanged)
	switch {
	case s.InPlace:
		fmt.Fprintf(&b, "发布 publish          就地合并 merged in place (%.2fs)\n", s.Merge.Seconds())
	case s.Fallback != "":
		fmt.Fprintf(&b, "发布 publish          整文件复制 by copy (%.2fs): %s\n", s.Merge.Seconds(), s.Fallback)
	default:
		fmt.Fprintf(&b, "发布 publish          新仓库 new warehouse (%.2fs)\n", s.Merge.Seconds())
	}
	if s.Models != "" {
		fmt.Fprintf(&b, "模型 models           %s\n", s.Models)
	}
	if len(s.ByPrefecture) > 0 {
		b.WriteString("\n按地市 by prefecture（本批次新入库）\n")
		rows := [][]string{{"地市", "报告", "勾稽问题", "不完整", "失败"}}
		for _, p := range s.ByPrefecture {
			rows = append(rows, []string{p.Code + " " + p.Name, strconv.Itoa(p.Reports), strconv.Itoa(p.WithViolations),
				strconv.Itoa(p.Incomplete), strconv.Itoa(p.Failed)})
		}
		textgrid.Write(&b, "", rows, 20)
	}
	list := func(title string, items *[]string) {
		total := s.Total(items)
		if total == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s: %d\n", title, total)
		for i, it := range *items {
			if i == listMax {
				break
			}
			fmt.Fprintf(&b, "  %s\n", it)
		}
		if total > listMax {
			fmt.Fprintf(&b, "  … %d more (see the inputs, failed_inputs and problems tables)\n", total-listMax)
		}
	}
	list("未确定地区 unresolved regions", &s.Unresolved)
	list("地区冲突 region conflicts", &s.Conflicts)
	list("同一报告多个文件 several files for one report (汇总依据：完整者优先，其次文件较新者 / the report of record: complete first, then the newer file; see analytics.report_versions)", &s.SameIdentity)
	list("重复 duplicates", &s.DuplicateOf)
	list("失败 failed inputs", &s.Failures)
	_, err := io.WriteString(w, b.String())
	return err
}
