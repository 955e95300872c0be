package export_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"xxgk/pipeline/export"
	"xxgk/pipeline/regions"
	"xxgk/pipeline/rollup/rolluptest"
	"xxgk/schemas"
)

// The exports of rolluptest.Province — bodies of every level — read back and compared with the
// counted-once rule recomputed from the reports (rolluptest.Figures): the summed tables, 分地区
// (the province's own bodies, each prefecture with its own bodies and its counties, what is and
// is not added into the total) and 报送情况 at every level.

type levelsExport struct {
	reps  []*schemas.Report
	figs  map[rolluptest.Key]*rolluptest.Figure
	files map[string][]string // "region/year" → files
}

var (
	levelsOnce sync.Once
	levels     *levelsExport
	levelsErr  error
)

func getLevels(t *testing.T) *levelsExport {
	t.Helper()
	levelsOnce.Do(func() {
		dir, err := os.MkdirTemp("", "export-levels-")
		if err != nil {
			levelsErr = err
			return
		}
		cleanup = append(cleanup, dir)
		ctx := context.Background()
		db := filepath.Join(dir, "w.duckdb")
		l := &levelsExport{reps: rolluptest.Province(), files: map[string][]string{}}
		l.figs = rolluptest.Figures(l.reps)
		if levelsErr = rolluptest.Load(ctx, db, l.reps); levelsErr != nil {
			return
		}
		for _, c := range []struct {
			region string
			year   int
		}{{"21", 2022}, {"21", 2023}, {"2114", 2022}} {
			k := fmt.Sprintf("%s/%d", c.region, c.year)
			res, err := export.Run(ctx, export.Options{DB: db, Region: c.region, Year: c.year, Out: filepath.Join(dir, k),
				Formats: []string{"xlsx", "html"}, Version: "xxgk test", Now: time.Date(2025, 3, 31, 9, 0, 0, 0, time.UTC),
				Threads: 2, MemoryLimit: "512MB"})
			if err != nil {
				levelsErr = fmt.Errorf("export %s: %w", k, err)
				return
			}
			l.files[k] = res.Files
		}
		levels = l
	})
	if levelsErr != nil {
		t.Fatal(levelsErr)
	}
	return levels
}

func (l *levelsExport) fig(t *testing.T, code string, year int) *rolluptest.Figure {
	t.Helper()
	f := l.figs[rolluptest.Key{Level: rolluptest.LevelOf(code), Code: code, Year: year}]
	if f == nil {
		t.Fatalf("no figure %s %d", code, year)
	}
	return f
}

func (l *levelsExport) file(t *testing.T, key, ext string) string {
	t.Helper()
	for _, p := range l.files[key] {
		if strings.HasSuffix(p, ext) {
			return p
		}
	}
	t.Fatalf("%s: no %s in %v", key, ext, l.files[key])
	return ""
}

// inTotal: a division's figure is added into the region's when every division above it, up to
// the region, sums its children instead of counting a consolidated report.
func (l *levelsExport) inTotal(t *testing.T, region, code string, year int) bool {
	for p := rolluptest.Parent(code); ; p = rolluptest.Parent(p) {
		if p == "" {
			return false
		}
		if l.fig(t, p, year).Basis == "area" {
			return false
		}
		if p == region {
			return true
		}
	}
}

func optSum(reps []*schemas.Report, m string) opt {
	s := rolluptest.Sum(reps, m)
	return opt{float64(s.V), s.OK}
}

// TestLevelsWorkbook: the workbook of a province whose prefectures are counted some from their
// consolidated report and some from their bodies: table 3 and table 4 of 汇总表 equal the sums of
// the reports the rule counts; 分地区 lists the province's own bodies, then each prefecture with
// its own bodies' row and its counties, every figure equal to the rule's, 计入合计 saying which
// are added, and the rows added make up the total; 报送情况 covers every level.
func TestLevelsWorkbook(t *testing.T) {
	l := getLevels(t)
	cat := schemas.Labels()
	for _, c := range []struct {
		region string
		year   int
	}{{"21", 2022}, {"21", 2023}, {"2114", 2022}} {
		key := fmt.Sprintf("%s/%d", c.region, c.year)
		t.Run(key, func(t *testing.T) {
			x, err := excelize.OpenFile(l.file(t, key, ".xlsx"))
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			top := l.fig(t, c.region, c.year)
			want := newGoldTables()
			want.add(top.Counted)

			// 汇总表: every table 3 number of the template, the 15 of table 4
			s := sheet{t: t, f: x, name: export.SheetOfficial}
			r3 := s.findRow(section(3), 1)
			r4 := s.findRow(section(4), r3)
			byLabel := map[string]string{}
			for _, lb := range cat.Table3Rows(schemas.FormatGB2021) {
				byLabel[lb.Label] = lb.Key
			}
			n := 0
			for r := r3 + 4; r < r4; r++ {
				k, ok := byLabel[s.label(r)]
				if !ok {
					continue
				}
				for i, col := range cat.Table3ColumnKeys() {
					if got, w := s.number(4+i, r), *get(want.t3, k, col); !sameNum(got, w) {
						t.Errorf("汇总表 table 3 %s/%s: %v, want %v", k, col, got, w)
					}
					n++
				}
			}
			for gi, grp := range cat.Table4GroupKeys() {
				for oi, o := range cat.Table4OutcomeKeys() {
					if got, w := s.number(4+5*gi+oi, r4+4), *get(want.t4, grp, o); !sameNum(got, w) {
						t.Errorf("汇总表 table 4 %s/%s: %v, want %v", grp, o, got, w)
					}
				}
			}
			if n < 100 {
				t.Errorf("汇总表: %d table 3 numbers compared", n)
			}

			// 分地区
			rs := sheet{t: t, f: x, name: export.SheetRegions}
			rows, _ := x.GetRows(rs.name)
			head := 0
			for i, r := range rows {
				if len(r) > 0 && r[0] == "区划代码" {
					head = i + 1
				}
			}
			col := map[string]int{}
			for cc := 1; cc <= 40; cc++ {
				col[rs.raw(cc, head)] = cc
			}
			reqCol, inCol, cntCol := col[export.Label("analytics.region_years", "requests_count")], col["计入合计"],
				col[export.Label("analytics.region_years", "counted_report_count")]
			if head == 0 || reqCol == 0 || inCol == 0 || cntCol == 0 {
				t.Fatalf("分地区: header row %d, columns %v", head, col)
			}
			type line struct {
				code, name string
				own, in    bool
				req        opt
			}
			var lines []line
			for r := head + 1; r <= len(rows); r++ {
				lines = append(lines, line{code: rs.raw(1, r), name: rs.raw(2, r), own: strings.HasSuffix(rs.raw(2, r), "合计") && r < len(rows),
					in: rs.raw(inCol, r) == "是", req: rs.number(reqCol, r)})
			}
			var wantLines []string
			ownOf := func(f *rolluptest.Figure, name string) {
				if len(f.Own) > 0 {
					wantLines = append(wantLines, fmt.Sprintf("%s %s own", f.Code, name))
				}
			}
			if top.Level == "province" {
				ownOf(top, "省直部门合计")
			} else {
				ownOf(top, "葫芦岛市本级合计")
			}
			var walk func(f *rolluptest.Figure)
			walk = func(f *rolluptest.Figure) {
				for _, ch := range f.Children {
					wantLines = append(wantLines, ch.Code)
					if ch.Level == "prefecture" {
						name, _ := regionName(ch.Code)
						ownOf(ch, name+"本级合计")
						walk(ch)
					}
				}
			}
			walk(top)
			var gotLines []string
			for _, ln := range lines[:len(lines)-1] {
				if ln.own {
					gotLines = append(gotLines, ln.code+" "+ln.name+" own")
				} else {
					gotLines = append(gotLines, ln.code)
				}
			}
			if strings.Join(gotLines, "\n") != strings.Join(wantLines, "\n") {
				t.Errorf("分地区 rows:\n got %v\nwant %v", gotLines, wantLines)
			}
			// every row's figure and whether it is added, from the rule
			added := opt{}
			for i, ln := range lines {
				var w *rolluptest.Figure
				var reps []*schemas.Report
				in := false
				switch {
				case i == len(lines)-1:
					w, reps, in = top, top.Counted, true
				case ln.own:
					w = l.fig(t, ln.code, c.year)
					reps, in = w.Own, ln.code == c.region || l.inTotal(t, c.region, ln.code, c.year)
				default:
					w = l.fig(t, ln.code, c.year)
					reps, in = w.Counted, l.inTotal(t, c.region, ln.code, c.year)
				}
				if !sameNum(ln.req, optSum(reps, "requests_count")) || ln.in != in {
					t.Errorf("分地区 %s %s: requests %v added %v; want %v added %v", ln.code, ln.name, ln.req, ln.in, optSum(reps, "requests_count"), in)
				}
				// the rows a total is made of: the region's own bodies and its direct children
				if i < len(lines)-1 && ln.in && (ln.own && ln.code == c.region || !ln.own && rolluptest.Parent(ln.code) == c.region) {
					added.v += ln.req.v
					added.ok = added.ok || ln.req.ok
				}
			}
			total := lines[len(lines)-1].req
			if top.Basis == "bodies" && !sameNum(added, total) {
				t.Errorf("分地区: own bodies and children add up to %v, the total is %v", added, total)
			}
			if top.Basis == "area" {
				for _, ln := range lines[:len(lines)-1] {
					if ln.in {
						t.Errorf("分地区 %s %s: added, but the region's figure is its consolidated report", ln.code, ln.name)
					}
				}
			}

			// 报送情况: every division of every level expected, reported when its own level sent a report
			cs := sheet{t: t, f: x, name: export.SheetCoverage}
			crow, _ := x.GetRows(cs.name)
			seen := map[string]string{}
			for r := 1; r <= len(crow); r++ {
				code := cs.raw(1, r)
				if v := cs.raw(4, r); (v == "是" || v == "否") && strings.Trim(code, "0123456789") == "" && code != "" {
					seen[code] = v
				}
			}
			for code, v := range seen {
				f := l.figs[rolluptest.Key{Level: rolluptest.LevelOf(code), Code: code, Year: c.year}]
				if want := f != nil && len(f.Bodies) > 0; (v == "是") != want {
					t.Errorf("报送情况 %s: %s, want reported %v", code, v, want)
				}
			}
			if c.region == "21" && (seen["21"] != "是" || seen["2102"] != "否" || seen["211321"] == "") {
				t.Errorf("报送情况: province %q, 大连市 %q, 朝阳县 %q", seen["21"], seen["2102"], seen["211321"])
			}
		})
	}
}

func regionName(code string) (string, bool) {
	return regions.Default().AreaName(code)
}

// cleanup lists the directories TestMain removes.
var cleanup []string

// TestLevelsHTML: the HTML page's 分地区 table has the province's own bodies and each
// prefecture's own bodies as rows of their own, with the rule's figures.
func TestLevelsHTML(t *testing.T) {
	l := getLevels(t)
	b, err := os.ReadFile(l.file(t, "21/2022", ".html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	i := strings.Index(page, `<section id="regions">`)
	j := strings.Index(page[i:], "</section>")
	if i < 0 || j < 0 {
		t.Fatal("no 分地区 section")
	}
	sec := page[i : i+j]
	rows := regexp.MustCompile(`<tr[^>]*>(.*?)</tr>`).FindAllStringSubmatch(sec, -1)
	cell := regexp.MustCompile(`<td[^>]*>(.*?)</td>`)
	found := map[string]bool{}
	for _, r := range rows {
		cs := cell.FindAllStringSubmatch(r[1], -1)
		if len(cs) < 7 {
			continue
		}
		code, name, req := cs[0][1], cs[1][1], strings.ReplaceAll(cs[6][1], ",", "")
		var reps []*schemas.Report
		switch name {
		case "省直部门合计", "葫芦岛市本级合计":
			reps = l.fig(t, code, 2022).Own
			found[name] = true
		default:
			continue
		}
		w := rolluptest.Sum(reps, "requests_count")
		if req != strconv.FormatInt(w.V, 10) || cs[4][1] != "是" {
			t.Errorf("HTML 分地区 %s %s: requests %s added %s, want %d 是", code, name, req, cs[4][1], w.V)
		}
	}
	if !found["省直部门合计"] || !found["葫芦岛市本级合计"] {
		t.Errorf("HTML 分地区: own bodies' rows %v", found)
	}
}
