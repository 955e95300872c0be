package gen

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"xxgk/pipeline/regions"
	"xxgk/schemas"
)

// small is a configuration of about two thousand reports: 朝阳市 and 葫芦岛市, 2019–2024.
func small() Config {
	c := Whole() // the prefectures' own bodies too
	c.Provinces = []string{"2113", "2114"}
	c.FaultShare = 0.08
	c.MissingShare = 0.1
	return c
}

func hashTree(t *testing.T, root string) map[string][32]byte {
	t.Helper()
	out := map[string][32]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out[rel] = sha256.Sum256(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDeterministicAcrossWorkers(t *testing.T) {
	cfg := small()
	cfg.Provinces = []string{"211321", "211322", "211381"}
	cfg.Manifest = true
	cfg.Layout = LayoutMixed
	dirs := []string{t.TempDir(), t.TempDir()}
	var stats []Stats
	for i, w := range []int{1, 2} {
		cfg.Workers = w
		st, err := Generate(context.Background(), cfg, dirs[i])
		if err != nil {
			t.Fatal(err)
		}
		stats = append(stats, st)
	}
	a, b := hashTree(t, dirs[0]), hashTree(t, dirs[1])
	if len(a) != len(b) || len(a) < 100 {
		t.Fatalf("files: %d with 1 worker, %d with 2", len(a), len(b))
	}
	for k, h := range a {
		if b[k] != h {
			t.Errorf("%s differs between 1 and 2 workers", k)
		}
	}
	if stats[0].Reports != stats[1].Reports || stats[0].Bytes != stats[1].Bytes {
		t.Errorf("stats differ: %+v vs %+v", stats[0], stats[1])
	}
	// another seed gives another corpus
	cfg.Seed = 99
	d3 := t.TempDir()
	if _, err := Generate(context.Background(), cfg, d3); err != nil {
		t.Fatal(err)
	}
	c := hashTree(t, d3)
	same := 0
	for k, h := range c {
		if a[k] == h {
			same++
		}
	}
	if same > len(c)/10 {
		t.Errorf("seed 99: %d of %d files identical to seed 1", same, len(c))
	}
}

func TestCoverage(t *testing.T) {
	cfg := Whole()
	cfg.MissingShare = 0.2
	cfg.Departments, cfg.Townships = 2, 1
	reg := regions.Default()
	seen := map[string]map[int]int{} // county → year → reports
	bodies := map[string]map[string]bool{}
	areas := map[string]map[int]int{} // division → year → consolidated reports
	if err := Docs(cfg, func(d *Doc) error {
		r := d.Gold
		if seen[r.Region.Code] == nil {
			seen[r.Region.Code] = map[int]int{}
			bodies[r.Region.Code] = map[string]bool{}
		}
		seen[r.Region.Code][r.Year]++
		bodies[r.Region.Code][r.Body] = true
		if r.Scope == schemas.ScopeArea {
			if areas[r.Region.Code] == nil {
				areas[r.Region.Code] = map[int]int{}
			}
			areas[r.Region.Code][r.Year]++
		}
		if len(r.Region.Code) != r.Region.Level.CodeLen() {
			t.Errorf("%s: region %s at level %q", d.Path, r.Region.Code, r.Region.Level)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	counties := reg.Under("21")
	missing, total := 0, 0
	for _, d := range counties {
		for y := cfg.FirstYear; y <= cfg.LastYear; y++ {
			total++
			n := seen[d.Code][y]
			switch {
			case Missing(cfg, d.Code, y):
				missing++
				if n != 0 {
					t.Errorf("%s %s %d: marked missing but has %d reports", d.Code, d.Name, y, n)
				}
			case n < 4: // government, 2 departments, 1 township
				t.Errorf("%s %s %d: %d reports", d.Code, d.Name, y, n)
			}
		}
		if !bodies[d.Code][d.Name] && !bodies[d.Code][d.Name+"人民政府"] && !bodies[d.Code][d.Name+"人民政府办公室"] {
			t.Errorf("%s %s: no county government report", d.Code, d.Name)
		}
	}
	if share := float64(missing) / float64(total); share < 0.14 || share > 0.26 {
		t.Errorf("missing share %.3f, want about 0.2 (%d of %d county-years)", share, missing, total)
	}
	n := 0
	for code := range seen {
		if len(code) == 6 {
			n++
		}
	}
	if n != len(counties) {
		t.Errorf("%d counties with reports, want %d", n, len(counties))
	}
	// the province's and every prefecture's own bodies, the consolidated reports in some years
	// and not in others
	named := func(code string) int {
		n := 0
		for b := range bodies[code] {
			if b != "" {
				n++
			}
		}
		return n
	}
	// the consolidated report, the office, the departments and at least one other body
	if named("21") < 3+cfg.ProvinceDepartments {
		t.Errorf("辽宁省: %d bodies, want the office, %d departments and other bodies", len(bodies["21"]), cfg.ProvinceDepartments)
	}
	for _, b := range []string{"辽宁省", "辽宁省人民政府办公厅", "辽宁省教育厅", "辽宁省公安厅"} {
		if !bodies["21"][b] {
			t.Errorf("no report of %s", b)
		}
	}
	for _, p := range reg.PrefecturesOf("21") {
		if named(p.Code) < 2+cfg.PrefectureDepartments || !bodies[p.Code][p.Name+"人民政府办公室"] {
			t.Errorf("%s %s: bodies %v", p.Code, p.Name, bodies[p.Code])
		}
	}
	areaYears := 0
	for y := cfg.FirstYear; y <= cfg.LastYear; y++ {
		areaYears += areas["21"][y]
	}
	if areaYears == 0 || areaYears == cfg.LastYear-cfg.FirstYear+1 {
		t.Errorf("辽宁省: consolidated reports in %d of %d years, want some", areaYears, cfg.LastYear-cfg.FirstYear+1)
	}
}

func TestLimit(t *testing.T) {
	cfg := small()
	cfg.Limit = 77
	n := 0
	if err := Docs(cfg, func(*Doc) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 77 {
		t.Errorf("limit 77: %d reports", n)
	}
}

// ruleKey identifies a check for comparison: rule, table, row, column.
func ruleKey(c schemas.Check) string {
	return c.Rule + " " + c.Table + " " + c.Row + " " + c.Column
}

func keySet(cs []schemas.Check) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, ruleKey(c))
	}
	sort.Strings(out)
	return out
}

// recompute applies rules R1–R4, R6, R7 and R8 (missing rows) to a gold report with plain
// sums, independently of package validate and of the generator's fault bookkeeping. prev is
// last year's report of the same body, or nil.
func recompute(r, prev *schemas.Report) []schemas.Check {
	var out []schemas.Check
	add := func(rule, table, row, col string) {
		out = append(out, schemas.Check{Rule: rule, Table: table, Row: row, Column: col})
	}
	g := r.Table3
	type term struct {
		v       schemas.Dec
		ok      bool
		derived bool
	}
	get := func(g schemas.Grid, row, col string) term {
		c, ok := g.Get(row, col)
		if !ok || !c.HasValue() {
			return term{}
		}
		return term{c.Value, true, c.State == schemas.StateDerived}
	}
	sumOf := func(ts ...term) term {
		s := term{ok: true, derived: true}
		for _, t := range ts {
			s.v += t.v
			s.ok = s.ok && t.ok
			s.derived = s.derived && t.derived
		}
		return s
	}
	differ := func(a, b term) bool { return a.ok && b.ok && !(a.derived && b.derived) && a.v != b.v }
	cols := []string{"natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total"}
	results := []string{"granted", "partially_granted",
		"withheld_state_secret", "withheld_law_prohibited", "withheld_security_stability", "withheld_third_party",
		"withheld_internal_affairs", "withheld_process_info", "withheld_enforcement_file", "withheld_query_item",
		"unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear",
		"rejected_petition", "rejected_duplicate", "rejected_publication", "rejected_excessive", "rejected_confirmation"}
	others := []string{"other_no_correction", "other_no_fee", "other_other"}
	for _, col := range cols {
		in := sumOf(get(g, "new_received", col), get(g, "carried_over", col))
		outv := sumOf(get(g, "total_handled", col), get(g, "carried_forward", col))
		if differ(in, outv) {
			add("R1", "table3", "", col)
		}
	}
	rows := schemas.Labels().Table3RowKeys()
	for _, row := range rows {
		if _, ok := g[row]; !ok {
			continue
		}
		var parts []term
		for _, col := range cols[:6] {
			parts = append(parts, get(g, row, col))
		}
		if differ(sumOf(parts...), get(g, row, "total")) {
			add("R2", "table3", row, "total")
		}
	}
	for _, col := range cols {
		var parts []term
		for _, row := range results {
			parts = append(parts, get(g, row, col))
		}
		var o []term
		for _, row := range others {
			o = append(o, get(g, row, col))
		}
		other := sumOf(o...)
		if r.Format == schemas.FormatGB2019 || !other.ok {
			other = get(g, "other_total", col)
		}
		parts = append(parts, other)
		if differ(sumOf(parts...), get(g, "total_handled", col)) {
			add("R3", "table3", "total_handled", col)
		}
	}
	groups := map[string][]string{"withheld_total": results[2:10], "unavailable_total": results[10:13], "rejected_total": results[13:18]}
	if r.Format == schemas.FormatGB2021 {
		groups["other_total"] = others
	}
	for _, st := range []string{"withheld_total", "unavailable_total", "rejected_total", "other_total"} {
		members, ok := groups[st]
		if !ok {
			continue
		}
		for _, col := range cols {
			c, ok := g.Get(st, col)
			if !ok || c.State != schemas.StateNumber {
				continue
			}
			var parts []term
			for _, m := range members {
				parts = append(parts, get(g, m, col))
			}
			if differ(sumOf(parts...), get(g, st, col)) {
				add("R3", "table3", st, col)
			}
		}
	}
	for _, grp := range []string{"review", "litigation_direct", "litigation_after_review"} {
		t := get(r.Table4, grp, "total")
		s := sumOf(get(r.Table4, grp, "upheld"), get(r.Table4, grp, "corrected"), get(r.Table4, grp, "other"), get(r.Table4, grp, "pending"))
		if differ(s, t) {
			add("R4", "table4", grp, "total")
		}
	}
	if prev != nil {
		for _, col := range cols {
			p, c := get(prev.Table3, "carried_forward", col), get(g, "carried_over", col)
			if p.ok && c.ok && p.v != c.v {
				add("R6", "table3", "carried_over", col)
			}
		}
	}
	for _, s := range r.Statements {
		if s.Measure == schemas.StatedRequests {
			if t := get(g, "new_received", "total"); t.ok && t.v != s.Value {
				add("R7", "table3", "new_received", "total")
			}
		}
	}
	// R8: the other format's marker words; table 2 rows printed in the other template (one
	// check each), the format's measures missing otherwise; official table 3 rows absent or
	// with a cell missing; table 4 cells missing; a table of which no cell is known, one check
	other := schemas.FormatGB2019
	if r.Format == schemas.FormatGB2019 {
		other = schemas.FormatGB2021
	}
	if len(r.Markers[other]) > 0 {
		add("R8", "", "", "")
	}
	known := func(g schemas.Grid) bool {
		for _, row := range g {
			for _, c := range row {
				if c.State != schemas.StateMissing {
					return true
				}
			}
		}
		return false
	}
	missing := func(g schemas.Grid, row, col string) bool {
		c, ok := g.Get(row, col)
		return !ok || c.State == schemas.StateMissing
	}
	cat := schemas.Labels()
	if !known(r.Table2) {
		add("R8", "table2", "", "")
	} else {
		mixed := map[string]bool{}
		for _, it := range cat.Table2Items(other) {
			own := cat.Table2Item(r.Format, it.Key)
			for _, m := range it.Measures {
				if _, ok := r.Table2.Get(it.Key, m); ok && (own == nil || !slices.Contains(own.Measures, m)) {
					mixed[it.Key] = true
				}
			}
			if mixed[it.Key] {
				add("R8", "table2", it.Key, "")
			}
		}
		for _, it := range cat.Table2Items(r.Format) {
			for _, m := range it.Measures {
				if !mixed[it.Key] && missing(r.Table2, it.Key, m) {
					add("R8", "table2", it.Key, m)
				}
			}
		}
	}
	if !known(g) {
		add("R8", "table3", "", "")
	} else {
		for _, l := range cat.Table3Rows(r.Format) {
			for _, col := range cols {
				if missing(g, l.Key, col) {
					add("R8", "table3", l.Key, "")
					break
				}
			}
		}
	}
	if !known(r.Table4) {
		add("R8", "table4", "", "")
	} else {
		for _, grp := range []string{"review", "litigation_direct", "litigation_after_review"} {
			for _, o := range []string{"upheld", "corrected", "other", "pending", "total"} {
				if missing(r.Table4, grp, o) {
					add("R8", "table4", grp, o)
				}
			}
		}
	}
	return out
}

// corpusDocs generates cfg into a temporary directory and returns it with the documents'
// faults by path and, in docs, their shapes and traits.
// docInfo is what a test needs to know of a generated document besides its gold file.
type docInfo struct {
	shape  Shape
	traits map[string]bool
}

func corpusDocs(t *testing.T, cfg Config) (string, Stats, map[string]Fault, map[string]docInfo) {
	t.Helper()
	dir := t.TempDir()
	st, err := Generate(context.Background(), cfg, dir)
	if err != nil {
		t.Fatal(err)
	}
	faults := map[string]Fault{}
	docs := map[string]docInfo{}
	if err := Docs(cfg, func(d *Doc) error {
		faults[d.Path] = d.Fault
		info := docInfo{shape: d.Shape, traits: map[string]bool{}}
		for _, tr := range d.Traits {
			info.traits[tr] = true
		}
		docs[d.Path] = info
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return dir, st, faults, docs
}

func readGold(t *testing.T, dir, path string) *schemas.Report {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, GoldDir, filepath.FromSlash(path)+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var r schemas.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &r
}

// TestGoldObeysRules recomputes the rules on every gold file: the violations found are
// exactly the gold checks, only faulted reports have any, and every fault gives at least one.
func TestGoldObeysRules(t *testing.T) {
	cfg := small()
	cfg.Layout = LayoutMixed
	if os.Getenv("XXGK_LONG") != "" {
		cfg.Provinces = []string{"21"}
	}
	dir, st, faults, docs := corpusDocs(t, cfg)
	if st.Reports != len(faults) || st.Reports < 1500 {
		t.Fatalf("%d reports written, %d planned", st.Reports, len(faults))
	}
	golds := map[string]*schemas.Report{}
	key := func(r *schemas.Report, year int) string { return fmt.Sprintf("%s|%s|%d", r.Region.Code, r.Body, year) }
	byPath := map[string]*schemas.Report{}
	for p := range faults {
		r := readGold(t, dir, p)
		if r.Body != "" { // a report without a body is linked to no other year
			golds[key(r, r.Year)] = r
		}
		byPath[p] = r
	}
	nFault := map[Fault]int{}
	for p, f := range faults {
		r := byPath[p]
		var prev *schemas.Report
		if r.Body != "" {
			prev = golds[key(r, r.Year-1)]
		}
		got, want := keySet(recompute(r, prev)), keySet(r.Checks)
		if strings.Join(got, ";") != strings.Join(want, ";") {
			t.Errorf("%s (fault %q): recomputed %v, gold %v", p, f, got, want)
		}
		// checks come from a fault, a block in the other template, or cells run together
		// beyond what the rules decide (R8: not read)
		info := docs[p]
		run := info.shape == ShapeRunTogether
		if f != FaultNone && len(want) == 0 || f == FaultNone && !info.traits["mixed-t2"] && !run && len(want) > 0 {
			t.Errorf("%s: fault %q with %d gold checks", p, f, len(want))
		}
		// the problems: a missing row's, those saying the body or the region is unknown, and the
		// ambiguous rows of cells run together that no rule decides
		codes := map[string]int{}
		for _, pr := range r.Problems {
			if run && pr.Code == schemas.ProblemAmbiguous {
				continue
			}
			codes[pr.Code]++
		}
		wantProblems := map[string]int{}
		if f == FaultMissingRow {
			wantProblems[schemas.ProblemRowMissing] = 1
		}
		if r.Body == "" {
			wantProblems[schemas.ProblemScope] = 1
		}
		if r.Region.Code == "" {
			wantProblems[schemas.ProblemRegion] = 1
		}
		if run && f != FaultNone {
			t.Errorf("%s: cells run together in a report with a fault", p)
		}
		if fmt.Sprint(codes) != fmt.Sprint(wantProblems) {
			t.Errorf("%s: problems %+v, want %v", p, r.Problems, wantProblems)
		}
		nFault[f]++
	}
	for _, f := range Faults {
		if nFault[f] == 0 {
			t.Errorf("no report with fault %s", f)
		}
	}
	share := float64(len(faults)-nFault[FaultNone]) / float64(len(faults))
	if share < cfg.FaultShare/2 || share > cfg.FaultShare*2 {
		t.Errorf("fault share %.3f, configured %.3f", share, cfg.FaultShare)
	}
}

// TestGoldStates checks the cell states the spec asks for: gb2021 other_total derived, blank
// totals derived when their parts are not zero, dashes in table 2 and, in the reports with
// the dash-t3 or dash-t4 variant, in zero cells of table 3's result rows (applicant columns)
// and table 4's parts, never in a report with an injected fault.
func TestGoldStates(t *testing.T) {
	cfg := small()
	cfg.FaultShare = 0.3
	var derivedTotals, dashes, subtotals, blanks, dashes34 int
	err := Docs(cfg, func(d *Doc) error {
		r := d.Gold
		trait := map[string]bool{}
		for _, tr := range d.Traits {
			trait[tr] = true
		}
		resultRow := map[string]bool{}
		for _, o := range catKeys().outcomes[2:catKeys().nResults] {
			resultRow[o] = true
		}
		if d.Shape == ShapeRunTogether {
			// every printed cell split by rule (a dash of the dash-t3/dash-t4 variants read as a
			// dash) or flagged (missing, with the text printed), a table 3 row wholly read or
			// wholly flagged
			for gi, g := range []schemas.Grid{r.Table3, r.Table4} {
				for row, cells := range g {
					states := map[schemas.CellState]bool{}
					for col, c := range cells {
						states[c.State] = true
						switch {
						case c.State == schemas.StateSplit, c.State == schemas.StateDerived && row == "other_total":
						case c.State == schemas.StateDash && c.Text != "" && trait[[]string{"dash-t3", "dash-t4"}[gi]]:
						case c.State == schemas.StateMissing && (c.Text != "" || row == "other_total"):
						default:
							t.Errorf("%s: run together %s.%s = %+v", d.Path, row, col, c)
						}
					}
					if states[schemas.StateMissing] && len(states) > 1 {
						t.Errorf("%s: run together row %s partly split: %v", d.Path, row, states)
					}
				}
			}
			return nil
		}
		if r.Format == schemas.FormatGB2021 {
			for _, col := range catKeys().cols {
				c, ok := r.Table3.Get("other_total", col)
				if !ok || c.State != schemas.StateDerived {
					t.Errorf("%s: other_total.%s = %+v, want derived", d.Path, col, c)
				}
			}
			if r.Fee.State == schemas.StateNumber && len(r.Statements) != 2 {
				t.Errorf("%s: fee stated without its statement", d.Path)
			}
		} else {
			if r.Fee.State != schemas.StateMissing {
				t.Errorf("%s: gb2019 report with a fee %+v", d.Path, r.Fee)
			}
			if c, _ := r.Table3.Get("other_total", "natural_person"); c.State != schemas.StateNumber && c.State != schemas.StateBlank {
				t.Errorf("%s: gb2019 other_total derived", d.Path)
			}
		}
		for row, cells := range r.Table3 {
			for col, c := range cells {
				switch c.State {
				case schemas.StateDerived:
					if row != "other_total" {
						if col != "total" || c.Value == 0 {
							t.Errorf("%s: %s.%s derived %s", d.Path, row, col, c.Value)
						}
						derivedTotals++
					}
				case schemas.StateDash:
					if !trait["dash-t3"] || d.Fault != FaultNone || !resultRow[row] || col == "total" {
						t.Errorf("%s: table3 %s.%s state %q", d.Path, row, col, c.State)
					}
					dashes34++
				case schemas.StateMissing, "":
					t.Errorf("%s: table3 %s.%s state %q", d.Path, row, col, c.State)
				case schemas.StateBlank:
					blanks++
					if c.Value != 0 {
						t.Errorf("%s: blank %s.%s = %s", d.Path, row, col, c.Value)
					}
				}
				if strings.HasSuffix(row, "_total") && row != "other_total" {
					subtotals++
				}
			}
		}
		// a blank total has parts that are all zero (else the validator derives it)
		ko := catKeys()
		for row, cells := range r.Table3 {
			if c := cells["total"]; c.State == schemas.StateBlank {
				for _, col := range ko.applicant {
					if cells[col].Value != 0 {
						t.Errorf("%s: %s.total blank with %s = %s", d.Path, row, col, cells[col].Value)
					}
				}
			}
		}
		for _, col := range ko.cols {
			if c, _ := r.Table3.Get("total_handled", col); c.State == schemas.StateBlank {
				for _, row := range append(ko.outcomes[:ko.nResults:ko.nResults], "other_total") {
					if v, _ := r.Table3.Get(row, col); v.Value != 0 {
						t.Errorf("%s: total_handled.%s blank with %s = %s", d.Path, col, row, v.Value)
					}
				}
			}
		}
		for grp, cells := range r.Table4 {
			for o, c := range cells {
				if c.State == schemas.StateDash && (!trait["dash-t4"] || d.Fault != FaultNone || o == "total") {
					t.Errorf("%s: table4 %s.%s state %q", d.Path, grp, o, c.State)
				}
			}
			if cells["total"].State == schemas.StateBlank {
				for _, o := range ko.t4parts {
					if cells[o].Value != 0 {
						t.Errorf("%s: table4 %s.total blank with %s = %s", d.Path, grp, o, cells[o].Value)
					}
				}
			}
		}
		for _, cells := range r.Table2 {
			for _, c := range cells {
				if c.State == schemas.StateDash {
					dashes++
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if derivedTotals == 0 || dashes == 0 || subtotals == 0 || blanks == 0 || dashes34 == 0 {
		t.Errorf("derived totals %d, dashes %d (table 3: %d), subtotal cells %d, blanks %d: want each > 0", derivedTotals, dashes, dashes34, subtotals, blanks)
	}
}

// TestDocuments looks at the files: every shape, GBK that really is GBK, traditional copies,
// full-width digits, titles present and absent, the requests sentence of section 一.
func TestDocuments(t *testing.T) {
	cfg := small()
	cfg.Manifest = true
	dir := t.TempDir()
	if _, err := Generate(context.Background(), cfg, dir); err != nil {
		t.Fatal(err)
	}
	shapes := map[Shape]int{}
	var gbk, big5, trad, full, untitled, manifestRows int
	if err := Docs(cfg, func(d *Doc) error {
		manifestRows++
		b, err := os.ReadFile(filepath.Join(dir, ReportsDir, filepath.FromSlash(d.Path)))
		if err != nil {
			return err
		}
		shapes[d.Shape]++
		text := string(b)
		switch d.Opts.Charset {
		case "gbk":
			if utf8.Valid(b) {
				t.Errorf("%s: GBK file is valid UTF-8", d.Path)
			}
			u, err := simplifiedchinese.GBK.NewDecoder().Bytes(b)
			if err != nil {
				t.Errorf("%s: not GBK: %v", d.Path, err)
			}
			text = string(u)
			if d.Shape == ShapeHTML && !strings.Contains(text, "charset=gbk") {
				t.Errorf("%s: GBK page without charset=gbk", d.Path)
			}
			gbk++
		case "big5":
			if !utf8.Valid(b) {
				big5++
			}
		}
		if d.Opts.Traditional && d.Opts.Charset == "utf-8" && ToTraditional("报告") != "报告" {
			if !strings.ContainsAny(text, "資報總況開") {
				t.Errorf("%s: traditional copy without traditional characters", d.Path)
			}
			trad++
		}
		if d.Opts.FullWidth && strings.ContainsAny(text, "０１２３４５６７８９") {
			full++
		}
		if d.Prose.Title == "" {
			untitled++
			stated := d.Prose.Signature != nil || len(d.Prose.Intro) > 0 && strings.Contains(d.Prose.Intro[0], d.Body.Name)
			switch {
			case d.Gold.Scope == schemas.ScopeArea && !slices.Contains(d.Traits, "stated-sentence"):
				t.Errorf("%s: consolidated report without title nor 现公布 sentence", d.Path)
			case d.Gold.Body != "" && !stated:
				t.Errorf("%s: untitled, and neither the intro nor the signature names the body", d.Path)
			}
		}
		if !d.Opts.Traditional {
			// a report states its body (the gold's), or names it nowhere (the gold has none)
			if named := strings.Contains(text, d.Body.Name); named != (d.Gold.Body != "") {
				t.Errorf("%s: body %q named in the text: %v; gold body %q", d.Path, d.Body.Name, named, d.Gold.Body)
			}
		}
		if !d.Opts.Traditional && d.Opts.Charset == "utf-8" && !d.Opts.FullWidth && !strings.Contains(text, "收到政府信息公开申请") {
			t.Errorf("%s: no requests sentence", d.Path)
		}
		if strings.Contains(d.Path, "\\") || strings.HasPrefix(d.Path, "/") {
			t.Errorf("bad path %q", d.Path)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, s := range Shapes {
		if shapes[s] == 0 {
			t.Errorf("no document in shape %s", s)
		}
	}
	if gbk == 0 || full == 0 || untitled == 0 {
		t.Errorf("gbk %d, full-width %d, untitled %d: want each > 0", gbk, full, untitled)
	}
	if ToTraditional("报告") != "报告" && (trad == 0 || big5 == 0) {
		t.Errorf("traditional %d, big5 %d: want each > 0", trad, big5)
	}
	man, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(man, []byte("\n")); n != manifestRows+1 {
		t.Errorf("manifest: %d lines, want %d", n, manifestRows+1)
	}
}

// TestProseNamesNoOtherCounty: the region finder reading a report's text finds its own county
// or none, never another (the prose must not contain words that are county names).
func TestProseNamesNoOtherCounty(t *testing.T) {
	cfg := small()
	cfg.Provinces = []string{"21"}
	cfg.Limit = 1500
	reg := regions.Default()
	if err := Docs(cfg, func(d *Doc) error {
		if d.Opts.Charset != "utf-8" || d.Opts.Traditional {
			return nil
		}
		// the contact paragraph names a district of the seat city on purpose (the parser never
		// reads it): the rest of the text names no other county
		var kept []string
		for _, l := range strings.Split(string(Render(d.Gold, d.Prose, d.Shape, d.Opts)), "\n") {
			if !strings.Contains(l, "地址") {
				kept = append(kept, l)
			}
		}
		text := strings.Join(kept, "\n")
		if d.Gold.Region.Code == "" || d.Gold.Region.Level != schemas.LevelCounty {
			if m := reg.FindInText("", text); m.Found || m.Ambiguous() {
				t.Errorf("%s (%s): text names county %s (%s)", d.Path, d.Gold.Region.Level, m.Division.Name, m.Evidence)
			}
			return nil
		}
		m := reg.FindInText(d.Prose.Title, text)
		if m.Found && m.Division.Code != d.Gold.Region.Code {
			t.Errorf("%s: text names %s (%s)", d.Path, m.Division.Name, m.Evidence)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func TestRenderShapes(t *testing.T) {
	var doc *Doc
	cfg := small()
	cfg.Limit = 1
	if err := Docs(cfg, func(d *Doc) error { doc = d; return nil }); err != nil {
		t.Fatal(err)
	}
	opts := RenderOptions{Note: true}
	marks := map[Shape][]string{
		ShapeCells:      {"\n自然人 |\n", "\n||||||||\n"},
		ShapeRows:       {"\n自然人 | 法人或其他组织 | 总计 |||||||\n"},
		ShapeCellPipe:   {"\n自然人\n|\n"},
		ShapeParagraphs: {"\n自然人\n法人或其他组织\n总计\n"},
		ShapeMarkdown:   {"| 自然人 |"},
		ShapeHTML:       {"<!DOCTYPE html>", "colspan=\"5\"", "rowspan=\"8\"", "&nbsp;", "申请人情况"},
		// every grid slot a cell ending in " |", covered slots empty
		ShapePadded: {"\n|  |  | 自然人 | 法人或其他组织 |  |  |  |  | 总计 |\n", "\n一、本年新收政府信息公开申请数量 |  |  | ",
			"\n第二十条第（一）项 |  |  |  |  |\n"},
		// no cell boundary at all
		ShapeRunTogether: {"\n自然人法人或其他组织总计\n", "\n商业企业科研机构社会公益组织法律服务机构其他\n", "\n信息内容本年"},
		// table 2 over five columns: the article row spans them all
		ShapeHTMLOfficial: {"<td colspan=\"5\" style=\"text-align:center;\"><p><span style=\"font-family:宋体;\">第二十条第（一）项"},
	}
	for s, ms := range marks {
		out := string(Render(doc.Gold, doc.Prose, s, opts))
		for _, m := range ms {
			if !strings.Contains(out, m) {
				t.Errorf("shape %s: no %q", s, m)
			}
		}
	}
}

// TestProseVariety: no long sentence of the prose is shared by many reports of a corpus.
func TestProseVariety(t *testing.T) {
	cfg := small()
	count := map[string]int{}
	n := 0
	if err := Docs(cfg, func(d *Doc) error {
		n++
		seen := map[string]bool{}
		for _, sec := range d.Prose.Sections {
			for _, p := range sec {
				for _, s := range strings.Split(p, "。") {
					if utf8.RuneCountInString(s) >= 24 && !seen[s] {
						seen[s] = true
						count[s]++
					}
				}
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	worst, top := "", 0
	for s, c := range count {
		if c > top {
			worst, top = s, c
		}
	}
	t.Logf("%d reports, %d distinct long sentences; most frequent in %d reports: %s", n, len(count), top, worst)
	if float64(top) > 0.08*float64(n) {
		t.Errorf("sentence in %d of %d reports: %s", top, n, worst)
	}
}

// TestRegenerate: a second run replaces the corpus it wrote; a reports/ directory gen did not
// write is refused.
func TestRegenerate(t *testing.T) {
	cfg := small()
	cfg.Limit = 30
	dir := t.TempDir()
	if _, err := Generate(context.Background(), cfg, dir); err != nil {
		t.Fatal(err)
	}
	keep := filepath.Join(dir, "warehouse.duckdb")
	stale := filepath.Join(dir, ReportsDir, "stale.txt")
	if err := os.WriteFile(keep, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg.Limit = 20
	st, err := Generate(context.Background(), cfg, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("stale report survived a new run")
	}
	if _, err := os.Stat(keep); err != nil {
		t.Error("a file outside reports/ and gold/ was removed")
	}
	if n := len(hashTree(t, filepath.Join(dir, ReportsDir))); n != st.Reports || n != 20 {
		t.Errorf("%d report files, want 20", n)
	}
	foreign := t.TempDir()
	if err := os.MkdirAll(filepath.Join(foreign, ReportsDir), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(context.Background(), cfg, foreign); err == nil {
		t.Error("wrote into a reports/ directory gen did not create")
	}
}

// TestContactAddresses: a provincial body's contact address is in a district of the
// province's seat (沈阳市和平区), a prefecture body's in a district of its city, or in the city
// itself when it has none (嘉峪关市); a county body's in its county. These are the addresses the
// parser must never take a region from (the round trip shows it does not).
func TestContactAddresses(t *testing.T) {
	cfg := Whole()
	cfg.Provinces = []string{"21", "6202"}
	cfg.FirstYear, cfg.Departments, cfg.Townships, cfg.PrefectureDepartments = 2023, 1, 1, 2
	seen := map[schemas.Level]int{}
	if err := Docs(cfg, func(d *Doc) error {
		if !d.Prose.Contact {
			return nil
		}
		var contact string
		for _, p := range append(append([]string{}, d.Prose.Intro...), d.Prose.Sections[5]...) {
			if strings.Contains(p, "地址") {
				contact = p
			}
		}
		var want string
		switch b := d.Body; {
		case b.Level() == schemas.LevelProvince:
			want = "地址：沈阳市和平区"
		case b.Level() == schemas.LevelPrefecture && b.Place.Code == "6202":
			want = "地址：嘉峪关市"
		case b.Level() == schemas.LevelPrefecture:
			want = "地址：" + b.Place.Name
		default:
			want = "地址：" + b.County.Name
		}
		if !strings.Contains(contact, want) {
			t.Errorf("%s: contact %q, want %q", d.Path, contact, want)
		}
		if d.Body.Level() == schemas.LevelPrefecture && d.Body.Place.Code != "6202" {
			// a district of the city
			if m := regions.Default().FindInText("", contact); !m.Found || m.Division.PrefectureCode != d.Body.Place.Code {
				t.Errorf("%s: contact %q names no district of %s", d.Path, contact, d.Body.Place.Name)
			}
		}
		seen[d.Body.Level()]++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if seen[schemas.LevelProvince] == 0 || seen[schemas.LevelPrefecture] == 0 || seen[schemas.LevelCounty] == 0 {
		t.Errorf("contact paragraphs by level: %v", seen)
	}
}

// The official table 2 grid: five columns; each value row's cells, in order, overlap the
// header cells of their block (the rule the parser reads them by); a row with a blank cell has
// its header's spreads (so that the text without spans still places it); and over many
// reports some rows spread differently from their header.
func TestTable2Official(t *testing.T) {
	differ, rows := 0, 0
	err := Docs(small(), func(d *Doc) error {
		if rows > 20000 {
			return nil
		}
		m := table2Official(d.Gold, labelStyle{}, d.Opts.SpanSeed+uint64(rows))
		if m.cols != 5 {
			t.Fatalf("%d columns", m.cols)
		}
		var head []tcell
		for _, row := range m.rows {
			if len(row) == 1 && row[0].colspan() == 5 {
				continue // the article row
			}
			if row[0].text == "信息内容" {
				head = row
				continue
			}
			rows++
			// intervals over the value columns 1..4
			span := func(cells []tcell) [][2]int {
				var out [][2]int
				at := 1
				for _, c := range cells[1:] {
					out = append(out, [2]int{at, at + c.colspan() - 1})
					at += c.colspan()
				}
				if at != 5 {
					t.Errorf("%s: row %v covers %d columns", d.Path, cells, at-1)
				}
				return out
			}
			hs, vs := span(head), span(row)
			blank := false // a value cell left empty (not an extra empty cell after the values)
			for _, c := range row[1:min(len(row), len(head))] {
				blank = blank || c.text == ""
			}
			for i := range hs {
				if i >= len(vs) || vs[i][0] > hs[i][1] || vs[i][1] < hs[i][0] {
					t.Errorf("%s: value %d of %v does not overlap header %v", d.Path, i, row, head)
				}
			}
			same := len(hs) == len(vs)
			for i := 0; same && i < len(hs); i++ {
				same = hs[i] == vs[i]
			}
			switch {
			case blank && !same:
				t.Errorf("%s: a row with a blank cell spreads unlike its header: %v under %v", d.Path, row, head)
			case !same:
				differ++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if differ == 0 || differ == rows {
		t.Errorf("%d of %d rows spread unlike their header: want some, not all", differ, rows)
	}
}

// A consolidated report is of the size of what it covers: over the years, a province's or
// prefecture's 全省/全市汇总 states about as many new requests as the bodies below it report
// together (within a factor of two: it is compiled from them, not equal to their sum to the
// unit), never the size of one county body.
func TestAreaReportsCoverTheirDivision(t *testing.T) {
	cfg := Whole()
	cfg.Provinces = []string{"21"}
	cfg.FirstYear, cfg.LastYear = 2023, 2024
	cfg.Departments, cfg.Townships, cfg.ProvinceDepartments, cfg.PrefectureDepartments = 3, 2, 6, 3
	cfg.AreaShare, cfg.MissingShare, cfg.FaultShare = 1, 0, 0
	area := map[string]int64{}   // code|year → the consolidated report's requests
	bodies := map[string]int64{} // code|year → the requests of the bodies below (no area reports)
	requests := func(r *schemas.Report) (int64, bool) {
		c, ok := r.Table3.Get(schemas.RowNewReceived, schemas.ColTotal)
		return c.Value.Int(), ok && c.State == schemas.StateNumber
	}
	if err := Docs(cfg, func(d *Doc) error {
		code, y := d.Body.Place.Code, fmt.Sprint(d.Gold.Year)
		n, ok := requests(d.Gold)
		if !ok {
			return nil // a total printed blank or as a dash (a printing variant): nothing to compare
		}
		if d.Body.Scope == schemas.ScopeArea {
			area[code+"|"+y] += n
			return nil
		}
		for _, p := range []string{code[:2], code[:min(4, len(code))]} {
			bodies[p+"|"+y] += n
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for k, a := range area {
		if len(strings.Split(k, "|")[0]) > 4 {
			continue // a county's consolidated report stands in for its government: no bodies to compare
		}
		b := bodies[k]
		if b == 0 || a*2 < b || a > 2*b {
			t.Errorf("%s: consolidated report %d requests, the bodies below %d", k, a, b)
		}
		checked++
	}
	if checked < 10 {
		t.Errorf("only %d consolidated reports above county level", checked)
	}
}
