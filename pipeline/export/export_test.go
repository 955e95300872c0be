package export_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"xxgk/pipeline/export"
	"xxgk/pipeline/gen"
	"xxgk/pipeline/ingest"
	"xxgk/pipeline/regions"
	"xxgk/pipeline/store"
	"xxgk/queries"
	"xxgk/schemas"
)

// The fixture: two prefectures of 辽宁省 (朝阳市, 葫芦岛市), 2020 (gb2019) and 2021 (gb2021, a
// share still in the 2019 template), with missing counties and injected faults, generated,
// ingested through the real pipeline (which applies the SQL models) and exported for the
// province and for 朝阳市. The tests read the outputs back and compare them with sums of the
// gold files computed here, independently of the SQL.
type fixture struct {
	dir  string
	db   string
	gold []*schemas.Report
	out  map[string]string // region → export directory
	res  map[string]export.Result
}

const year = 2021

// exportCase is one export of the fixture: 2021 mixes the templates (the gb2021 layout),
// 2020 is gb2019 only (the gb2019 layout: (六)其他处理 is one row).
type exportCase struct {
	key, region string
	year        int
}

var cases = []exportCase{{"21", "21", year}, {"2113", "2113", year}, {"2114-2020", "2114", 2020}}

var (
	fixOnce sync.Once
	fix     *fixture
	fixErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fix != nil {
		os.RemoveAll(fix.dir)
	}
	for _, d := range cleanup {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

func getFixture(t testing.TB) *fixture {
	t.Helper()
	fixOnce.Do(func() { fix, fixErr = build() })
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	return fix
}

func build() (*fixture, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "export-test-")
	if err != nil {
		return nil, err
	}
	f := &fixture{dir: dir, db: filepath.Join(dir, "w.duckdb"), out: map[string]string{}, res: map[string]export.Result{}}
	cfg := gen.Defaults()
	cfg.Provinces = []string{"2113", "2114"}
	cfg.FirstYear, cfg.LastYear = 2020, 2021
	cfg.Departments, cfg.Townships = 3, 2
	cfg.MissingShare = 0.15
	cfg.OldTemplateShare = 0.2
	cfg.FaultShare = 0.15
	cfg.Manifest = true
	cfg.Workers = 2
	cfg.Seed = 11
	corpus := filepath.Join(dir, "corpus")
	if _, err := gen.Generate(ctx, cfg, corpus); err != nil {
		return f, err
	}
	if _, err := ingest.Run(ctx, ingest.Options{Roots: []string{filepath.Join(corpus, gen.ReportsDir)}, DB: f.db,
		Workers: 2, Threads: 2, MemoryLimit: "1GB"}); err != nil {
		return f, err
	}
	err = filepath.WalkDir(filepath.Join(corpus, gen.GoldDir), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var r schemas.Report
		if err := json.Unmarshal(b, &r); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		f.gold = append(f.gold, &r)
		return nil
	})
	if err != nil {
		return f, err
	}
	for _, c := range cases {
		out := filepath.Join(dir, "out-"+c.key)
		res, err := export.Run(ctx, export.Options{DB: f.db, Region: c.region, Year: c.year, Out: out, CSVBOM: c.region == "2113",
			Version: "xxgk test", Now: time.Date(2025, 3, 31, 9, 0, 0, 0, time.UTC), Threads: 2, MemoryLimit: "1GB"})
		if err != nil {
			return f, fmt.Errorf("export %s: %w", c.key, err)
		}
		f.out[c.key], f.res[c.key] = out, res
	}
	return f, nil
}

// ---- the expected tables, from the gold files alone ----

// opt is a sum that stays NULL until a value is added (SQL sum semantics).
type opt struct {
	v  float64
	ok bool
}

func (o *opt) add(c schemas.Cell) {
	if c.HasValue() {
		f, _ := strconv.ParseFloat(c.Value.String(), 64)
		o.v += f
		o.ok = true
	}
}

type goldTables struct {
	t3       map[string]map[string]*opt         // row → column
	t4       map[string]map[string]*opt         // group → outcome
	t2       map[schemas.Format]map[string]*opt // "item/measure"
	formats  map[schemas.Format]int             // counted reports by template
	reported map[string]bool                    // county → has a report of record
}

func get(m map[string]map[string]*opt, a, b string) *opt {
	if m[a] == nil {
		m[a] = map[string]*opt{}
	}
	if m[a][b] == nil {
		m[a][b] = &opt{}
	}
	return m[a][b]
}

// counted mirrors the rule: a county-year is counted once — its consolidated (area) report
// when it has one with tables (the first by body), else the sum of its government,
// department, township and development-zone reports.
func expectedTables(gold []*schemas.Report, region string, year int) *goldTables {
	g := newGoldTables()
	byCounty := map[string][]*schemas.Report{}
	for _, r := range gold {
		if r.Status == schemas.StatusFailed || r.Region.Code == "" || r.Body == "" || r.Year != year || !strings.HasPrefix(r.Region.Code, region) {
			continue
		}
		g.reported[r.Region.Code] = true
		if r.Format != schemas.FormatGB2019 && r.Format != schemas.FormatGB2021 {
			continue
		}
		byCounty[r.Region.Code] = append(byCounty[r.Region.Code], r)
	}
	for _, reps := range byCounty {
		var areas, bodies []*schemas.Report
		for _, r := range reps {
			switch r.Scope {
			case schemas.ScopeArea:
				areas = append(areas, r)
			case schemas.ScopeGovernment, schemas.ScopeDepartment, schemas.ScopeTownship, schemas.ScopeDevZone:
				bodies = append(bodies, r)
			}
		}
		use := bodies
		if len(areas) > 0 {
			sort.Slice(areas, func(i, j int) bool { return areas[i].Body < areas[j].Body })
			use = areas[:1]
		}
		g.add(use)
	}
	return g
}

func newGoldTables() *goldTables {
	return &goldTables{t3: map[string]map[string]*opt{}, t4: map[string]map[string]*opt{}, t2: map[schemas.Format]map[string]*opt{},
		formats: map[schemas.Format]int{}, reported: map[string]bool{}}
}

// add sums the tables of the reports counted.
func (g *goldTables) add(use []*schemas.Report) {
	cat := schemas.Labels()
	for _, r := range use {
		g.formats[r.Format]++
		for _, row := range cat.Table3RowKeys() {
			if strings.HasSuffix(row, "_total") && row != "other_total" {
				continue // subtotal rows are not summed
			}
			for _, col := range cat.Table3ColumnKeys() {
				c, _ := r.Table3.Get(row, col)
				if row == "other_total" && !c.HasValue() {
					// gb2021: the sum of the three (六) rows
					for _, k := range []string{"other_no_correction", "other_no_fee", "other_other"} {
						p, _ := r.Table3.Get(k, col)
						get(g.t3, row, col).add(p)
					}
					continue
				}
				get(g.t3, row, col).add(c)
			}
		}
		for _, grp := range cat.Table4GroupKeys() {
			for _, o := range cat.Table4OutcomeKeys() {
				c, _ := r.Table4.Get(grp, o)
				get(g.t4, grp, o).add(c)
			}
		}
		if g.t2[r.Format] == nil {
			g.t2[r.Format] = map[string]*opt{}
		}
		for item, ms := range r.Table2 {
			for m, c := range ms {
				k := item + "/" + m
				if g.t2[r.Format][k] == nil {
					g.t2[r.Format][k] = &opt{}
				}
				g.t2[r.Format][k].add(c)
			}
		}
	}
}

// ---- reading the workbook back ----

type sheet struct {
	t    *testing.T
	f    *excelize.File
	name string
}

func (s sheet) raw(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	v, err := s.f.GetCellValue(s.name, c, excelize.Options{RawCellValue: true})
	if err != nil {
		s.t.Fatal(err)
	}
	return v
}

// number reads a numeric cell: it must hold a number, not text.
func (s sheet) number(col, row int) opt {
	c, _ := excelize.CoordinatesToCellName(col, row)
	v := s.raw(col, row)
	if v == "" {
		return opt{}
	}
	typ, err := s.f.GetCellType(s.name, c)
	if err != nil {
		s.t.Fatal(err)
	}
	if typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		s.t.Errorf("%s!%s: %q is text, want a number", s.name, c, v)
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		s.t.Errorf("%s!%s: %q is not a number", s.name, c, v)
	}
	return opt{f, true}
}

// label is the row's label: the right-most text in A–C (merged cells hold their text in the
// top-left cell only).
func (s sheet) label(row int) string {
	for c := 3; c >= 1; c-- {
		if v := s.raw(c, row); v != "" {
			return v
		}
	}
	return ""
}

func (s sheet) findRow(text string, from int) int {
	rows, _ := s.f.GetRows(s.name)
	for r := from; r <= len(rows); r++ {
		if s.raw(1, r) == text {
			return r
		}
	}
	s.t.Fatalf("%s: no row %q", s.name, text)
	return 0
}

func sameNum(a, b opt) bool {
	if a.ok != b.ok {
		return false
	}
	return !a.ok || math.Abs(a.v-b.v) <= 1e-6*math.Max(1, math.Abs(a.v))
}

func openXLSX(t *testing.T, f *fixture, region string) *excelize.File {
	t.Helper()
	x, err := excelize.OpenFile(f.res[region].Files[0])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

func section(n int) string {
	cn := []string{"", "一", "二", "三", "四"}
	for _, s := range schemas.Labels().Sections {
		if s.Number == n {
			return cn[n] + "、" + s.Label
		}
	}
	return ""
}

// TestXLSXOfficialTables: sheet names, merged ranges, header labels, and every number of the
// summed tables 2, 3 and 4 equal to the sums of the gold files.
func TestXLSXOfficialTables(t *testing.T) {
	f := getFixture(t)
	for _, c := range cases {
		region, year := c.region, c.year
		t.Run(c.key, func(t *testing.T) {
			x := openXLSX(t, f, c.key)
			if got := x.GetSheetList(); strings.Join(got, ",") != strings.Join(export.SheetNames, ",") {
				t.Fatalf("sheets %v, want %v", got, export.SheetNames)
			}
			want := expectedTables(f.gold, region, year)
			mixed := want.formats[schemas.FormatGB2019] > 0 && want.formats[schemas.FormatGB2021] > 0
			if (year == 2021) != mixed || want.formats[schemas.FormatGB2019] == 0 {
				t.Errorf("formats %v: the fixture should mix templates in 2021 and print gb2019 only in 2020", want.formats)
			}
			s := sheet{t: t, f: x, name: export.SheetOfficial}
			cat := schemas.Labels()

			// merged ranges of the headers
			merges, err := x.GetMergeCells(s.name)
			if err != nil {
				t.Fatal(err)
			}
			merged := map[string]string{}
			for _, m := range merges {
				merged[m.GetCellValue()+"@"+m.GetStartAxis()[:1]] = m.GetStartAxis() + ":" + m.GetEndAxis()
			}
			r3 := s.findRow(section(3), 1)
			r4 := s.findRow(section(4), r3)
			h := func(r int) string { return strconv.Itoa(r) }
			for text, rng := range map[string]string{
				"申请人情况@D":     "D" + h(r3+1) + ":J" + h(r3+1),
				"自然人@D":       "D" + h(r3+2) + ":D" + h(r3+3),
				"法人或其他组织@E":   "E" + h(r3+2) + ":I" + h(r3+2),
				"总计@J":        "J" + h(r3+2) + ":J" + h(r3+3),
				"行政复议@D":      "D" + h(r4+1) + ":H" + h(r4+1),
				"行政诉讼@I":      "I" + h(r4+1) + ":R" + h(r4+1),
				"未经复议直接起诉@I":  "I" + h(r4+2) + ":M" + h(r4+2),
				"复议后起诉@N":     "N" + h(r4+2) + ":R" + h(r4+2),
				"三、本年度办理结果@A": "",
				"（三）不予公开@B":   "",
				"第二十条第（一）项@A": "",
			} {
				got, ok := merged[text]
				if !ok {
					t.Errorf("no merged range %q (merges: %d)", text, len(merges))
					continue
				}
				if rng != "" && got != rng {
					t.Errorf("merged %q: %s, want %s", text, got, rng)
				}
			}
			// header labels
			for i, c := range cat.Table3.Columns {
				row := r3 + 3
				if c.Group == "" {
					row = r3 + 2
				}
				if got := s.raw(4+i, row); got != c.Label {
					t.Errorf("table 3 column %d: %q, want %q", i, got, c.Label)
				}
			}
			for i, o := range cat.Table4.Outcomes {
				if got := s.raw(4+i, r4+2); got != o.Label {
					t.Errorf("table 4 review outcome %d: %q, want %q", i, got, o.Label)
				}
				for k := 1; k <= 2; k++ {
					if got := s.raw(4+5*k+i, r4+3); got != o.Label {
						t.Errorf("table 4 litigation outcome %d: %q, want %q", i, got, o.Label)
					}
				}
			}

			// table 3: every row of the template, every column
			format := schemas.FormatGB2021
			if want.formats[schemas.FormatGB2021] == 0 {
				format = schemas.FormatGB2019
			}
			byLabel := map[string]string{}
			for _, l := range cat.Table3Rows(format) {
				byLabel[l.Label] = l.Key
			}
			seen, n := map[string]bool{}, 0
			for r := r3 + 4; r < r4; r++ {
				key, ok := byLabel[s.label(r)]
				if !ok {
					continue
				}
				seen[key] = true
				for i, col := range cat.Table3ColumnKeys() {
					w := get(want.t3, key, col)
					if got := s.number(4+i, r); !sameNum(got, *w) {
						t.Errorf("table 3 %s/%s: %v, gold %v", key, col, got, *w)
					}
					n++
				}
			}
			if len(seen) != len(byLabel) {
				t.Errorf("table 3: %d of %d rows found", len(seen), len(byLabel))
			}

			// table 4: one row of 15
			n4 := 0
			for gi, grp := range cat.Table4GroupKeys() {
				for oi, o := range cat.Table4OutcomeKeys() {
					w := get(want.t4, grp, o)
					if got := s.number(4+5*gi+oi, r4+4); !sameNum(got, *w) {
						t.Errorf("table 4 %s/%s: %v, gold %v", grp, o, got, *w)
					}
					n4++
				}
			}

			// table 2: per template block, per article header, per item
			r2 := s.findRow(section(2), 1)
			cur := format
			if want.formats[cur] == 0 {
				cur = schemas.FormatGB2019
			}
			var measureCols map[int]string
			n2 := 0
			for r := r2 + 1; r < r3; r++ {
				a := s.raw(1, r)
				switch {
				case strings.HasPrefix(a, "按2019年格式"):
					cur = schemas.FormatGB2019
				case strings.HasPrefix(a, "按2021年格式"):
					cur = schemas.FormatGB2021
				case a == "信息内容":
					measureCols = map[int]string{}
					for c := 4; c <= 10; c++ {
						if v := s.raw(c, r); v != "" {
							measureCols[c] = v
						}
					}
				default:
					it := cat.Table2Item(cur, "")
					for _, l := range cat.Table2Items(cur) {
						if l.Label == a {
							it = &l
						}
					}
					if it == nil {
						continue
					}
					for c, ml := range measureCols {
						var mk string
						for _, m := range it.Measures {
							if cat.Measure(m).Label == ml {
								mk = m
							}
						}
						if mk == "" {
							t.Errorf("table 2 %s %s: header %q is not one of its measures", cur, it.Key, ml)
							continue
						}
						w := want.t2[cur][it.Key+"/"+mk]
						if w == nil {
							w = &opt{}
						}
						if got := s.number(c, r); !sameNum(got, *w) {
							t.Errorf("table 2 %s %s/%s: %v, gold %v", cur, it.Key, mk, got, *w)
						}
						n2++
					}
				}
			}
			if n == 0 || n4 != 15 || n2 == 0 {
				t.Errorf("compared %d table 3, %d table 4, %d table 2 numbers", n, n4, n2)
			}
			t.Logf("%s: %d + %d + %d numbers equal the gold (reports by template %v)", region, n, n4, n2, want.formats)

			// frozen panes, document properties
			for _, name := range export.SheetNames {
				p, err := x.GetPanes(name)
				if err != nil || !p.Freeze {
					t.Errorf("%s: no frozen pane (%v)", name, err)
				}
			}
			props, err := x.GetDocProps()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(props.Title, strconv.Itoa(year)) || !strings.Contains(props.Description, "导入批次 #") {
				t.Errorf("document properties: %+v", props)
			}
			custom, err := x.GetCustomProps()
			if err != nil {
				t.Fatal(err)
			}
			cp := map[string]string{}
			for _, c := range custom {
				cp[c.Name] = fmt.Sprint(c.Value)
			}
			if cp["year"] != strconv.Itoa(year) || cp["region_code"] != region || cp["run_id"] == "" {
				t.Errorf("custom properties: %v", cp)
			}
		})
	}
}

// TestXLSXOtherSheets: the per-region totals, coverage and data-quality sheets agree with
// the gold and the warehouse.
func TestXLSXOtherSheets(t *testing.T) {
	f := getFixture(t)
	region := "21"
	x := openXLSX(t, f, region)
	want := expectedTables(f.gold, region, year)

	// 分地区: the total row's requests equal the gold; one row per county with a report
	s := sheet{t: t, f: x, name: export.SheetRegions}
	rows, _ := x.GetRows(s.name)
	head := 0
	for i, r := range rows {
		if len(r) > 0 && r[0] == "区划代码" {
			head = i + 1
		}
	}
	reqCol := 0
	for c := 1; c <= 40; c++ {
		if s.raw(c, head) == export.Label("analytics.region_years", "requests_count") {
			reqCol = c
		}
	}
	if head == 0 || reqCol == 0 {
		t.Fatalf("分地区: header row %d, requests column %d", head, reqCol)
	}
	last := len(rows)
	if got, w := s.number(reqCol, last), *get(want.t3, "new_received", "total"); !sameNum(got, w) {
		t.Errorf("分地区 total requests %v, gold %v", got, w)
	}
	counties := 0
	for r := head + 1; r < last; r++ {
		if len(s.raw(1, r)) == 6 {
			counties++
		}
	}
	// counties whose reports were all pre2019 or failed have no row; the fixture has none
	if counties != len(want.reported) {
		t.Errorf("分地区: %d county rows, %d counties reported", counties, len(want.reported))
	}

	// 报送情况: the counties that did not report are those of the registry without a report
	s = sheet{t: t, f: x, name: export.SheetCoverage}
	notReported := map[string]bool{}
	rows, _ = x.GetRows(s.name)
	for i := range rows {
		if s.raw(4, i+1) == "否" {
			notReported[s.raw(1, i+1)] = true
		}
	}
	for _, d := range regions.Default().Under(region) {
		if !want.reported[d.Code] != notReported[d.Code] {
			t.Errorf("报送情况 %s %s: not reported %v, gold reported %v", d.Code, d.Name, notReported[d.Code], want.reported[d.Code])
		}
	}

	// 数据质量: one row per violation of the gold's reports within the region (not from
	// analytics.rule_violations, which the sheet prints)
	rows, _ = x.GetRows(export.SheetQuality)
	if got, w := len(rows)-3, goldViolations(f.gold, region, year); got != w || w == 0 {
		t.Errorf("数据质量: %d rows, the gold has %d violations", got, w)
	}
}

// goldViolations counts the rule violations of a region's reports of a year in the gold:
// those each report holds (R6 aside; a report published as several files counted once) and the
// carry-over breaks — the columns where a body's 上年结转 differs from its 结转下年度 of the
// year before.
func goldViolations(gold []*schemas.Report, region string, year int) int {
	byBody := map[string]*schemas.Report{}
	for _, g := range gold {
		byBody[fmt.Sprintf("%s|%s|%d", g.Region.Code, g.Body, g.Year)] = g
	}
	n := 0
	for _, g := range byBody {
		if g.Year != year || !strings.HasPrefix(g.Region.Code, region) || g.Status == schemas.StatusFailed {
			continue
		}
		for _, c := range g.Checks {
			if c.Rule != "R6" {
				n++
			}
		}
		p := byBody[fmt.Sprintf("%s|%s|%d", g.Region.Code, g.Body, year-1)]
		if p == nil {
			continue
		}
		for _, col := range schemas.Labels().Table3ColumnKeys() {
			co, ok1 := g.Table3.Get("carried_over", col)
			cf, ok2 := p.Table3.Get("carried_forward", col)
			if ok1 && ok2 && co.HasValue() && cf.HasValue() && co.Value != cf.Value {
				n++
			}
		}
	}
	return n
}

// TestParquetMatchesWarehouse: every dataset read back from its Parquet files with DuckDB
// (hive partitions year and province_code) equals the warehouse, row for row; the CSV files
// have a header and, when asked, a BOM.
func TestParquetMatchesWarehouse(t *testing.T) {
	f := getFixture(t)
	ctx := context.Background()
	ss, err := store.OpenSession(ctx, f.db, store.SessionOptions{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	for _, region := range []string{"21", "2113"} {
		for _, d := range export.Datasets {
			q := d.Query(region, year)
			cols, err := ss.Query(ctx, "select * from ("+q+") limit 0")
			if err != nil {
				t.Fatal(err)
			}
			files := filepath.Join(export.ParquetDir(f.out[region], d.Name), "*", "*", region+"_*.parquet")
			pq := fmt.Sprintf(`select %s from read_parquet('%s', hive_partitioning = true, hive_types = {'year': integer, 'province_code': varchar})`,
				strings.Join(cols.Columns, ", "), files)
			diff, err := ss.Query(ctx, fmt.Sprintf(`select (select count(*) from (%[1]s)), (select count(*) from (%[2]s)),
				(select count(*) from ((%[1]s except all %[2]s) union all (%[2]s except all %[1]s)))`, "select * from ("+q+")", pq))
			if err != nil {
				t.Fatalf("%s %s: %v", region, d.Name, err)
			}
			w, p, bad := diff.Rows[0][0].(int64), diff.Rows[0][1].(int64), diff.Rows[0][2].(int64)
			if w != p || bad != 0 {
				t.Errorf("%s %s: warehouse %d rows, parquet %d, %d differ", region, d.Name, w, p, bad)
			}
			if w == 0 && d.Name != "rule_violations" {
				t.Errorf("%s %s: no rows", region, d.Name)
			}
			b, err := os.ReadFile(export.CSVPath(f.out[region], region, year, d.Name))
			if err != nil {
				t.Fatal(err)
			}
			bom := strings.HasPrefix(string(b), "\ufeff")
			if bom != (region == "2113") || !strings.HasPrefix(strings.TrimPrefix(string(b), "\ufeff"), cols.Columns[0]+",") {
				t.Errorf("%s %s.csv: BOM %v, starts %q", region, d.Name, bom, string(b[:min(len(b), 40)]))
			}
		}
	}
}

// TestRegionTableModels: the sidecar tests of the region_table models pass on the fixture,
// and their sums agree with analytics.region_years (the same basis: a county once).
func TestRegionTableModels(t *testing.T) {
	f := getFixture(t)
	ctx := context.Background()
	s, err := store.OpenSession(ctx, f.db, store.SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := s.DB()
	models, err := queries.Models()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range models {
		if !strings.HasPrefix(m.Name, "analytics.region_table") {
			continue
		}
		for _, tc := range m.Tests() {
			var rows int64
			if err := db.QueryRowContext(ctx, "select count(*) from ("+tc.SQL+")").Scan(&rows); err != nil {
				t.Fatalf("%s %s: %v", m.Name, tc.Name, err)
			}
			if rows > 0 {
				t.Errorf("%s %s: %d rows\n%s", m.Name, tc.Name, rows, tc.SQL)
			}
			n++
		}
		// every column carries its sidecar's comment
		var missing int64
		if err := db.QueryRowContext(ctx, `select count(*) from duckdb_columns() where schema_name = 'analytics'
			and table_name = ? and coalesce(comment, '') = ''`, strings.TrimPrefix(m.Name, "analytics.")).Scan(&missing); err != nil || missing > 0 {
			t.Errorf("%s: %d columns without a comment (%v)", m.Name, missing, err)
		}
	}
	if n < 3*4 {
		t.Errorf("%d data tests of the region_table models ran", n)
	}
	var bad int64
	err = db.QueryRowContext(ctx, `select count(*) from analytics.region_years as y
		left join analytics.region_table3 as n on n.region_code = y.region_code and n.year = y.year and n.row_key = 'new_received'
		left join analytics.region_table3 as o on o.region_code = y.region_code and o.year = y.year and o.row_key = 'other_total'
		left join analytics.region_table3 as h on h.region_code = y.region_code and h.year = y.year and h.row_key = 'total_handled'
		left join analytics.region_table4 as r on r.region_code = y.region_code and r.year = y.year and r.group_key = 'review'
		where y.requests_count is distinct from n.total or y.other_count is distinct from o.total
		   or y.handled_count is distinct from h.total or y.review_count is distinct from r.total`).Scan(&bad)
	if err != nil {
		t.Fatal(err)
	}
	if bad != 0 {
		t.Errorf("%d division-years where region_table3/4 disagree with region_years", bad)
	}
}
