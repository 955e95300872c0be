package validate

import (
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"xxgk/schemas"
)

// snapshot copies every cell of tables 3 and 4 that is not blank (blank cells may be derived).
func snapshot(r *schemas.Report) map[[3]string]schemas.Cell {
	out := map[[3]string]schemas.Cell{}
	for _, t := range []string{schemas.Table2, schemas.Table3, schemas.Table4} {
		for rk, row := range r.Table(t) {
			for ck, c := range row {
				if c.State != schemas.StateBlank {
					out[[3]string{t, rk, ck}] = c
				}
			}
		}
	}
	return out
}

// assertPrinted fails unless every cell of before is byte-identical in r.
func assertPrinted(t *testing.T, before map[[3]string]schemas.Cell, r *schemas.Report) {
	t.Helper()
	for k, c := range before {
		after, ok := r.Table(k[0]).Get(k[1], k[2])
		if !ok || after != c {
			t.Errorf("%v changed by Derive: %+v → %+v", k, c, after)
		}
	}
}

func TestDerive(t *testing.T) {
	gb21 := fixed(schemas.FormatGB2021)
	tests := []struct {
		name   string
		g      gen
		mutate func(r *schemas.Report)
		// cell to look at after Derive, its wanted state and value
		table, row, col string
		state           schemas.CellState
		value           func(r *schemas.Report) schemas.Dec
	}{
		{"blank row total is derived", gb21,
			func(r *schemas.Report) { set(r.Table3, "granted", schemas.ColTotal, blank()) },
			schemas.Table3, "granted", schemas.ColTotal, schemas.StateDerived,
			func(r *schemas.Report) schemas.Dec { return gridRowSum(r.Table3, "granted", catalogue().applicant) }},
		{"blank row total with zero parts stays blank", gb21,
			func(r *schemas.Report) {
				for _, c := range catalogue().applicant {
					set(r.Table3, "rejected_excessive", c, blank())
				}
				set(r.Table3, "rejected_excessive", "research", num(0))
				set(r.Table3, "rejected_excessive", schemas.ColTotal, blank())
				fixColumns(r)
			},
			schemas.Table3, "rejected_excessive", schemas.ColTotal, schemas.StateBlank,
			func(*schemas.Report) schemas.Dec { return 0 }},
		{"blank row total with a dash part stays blank", gb21,
			func(r *schemas.Report) {
				set(r.Table3, "granted", "commercial", dash())
				set(r.Table3, "granted", schemas.ColTotal, blank())
			},
			schemas.Table3, "granted", schemas.ColTotal, schemas.StateBlank,
			func(*schemas.Report) schemas.Dec { return 0 }},
		{"blank subtotal total is derived", func() gen { g := gb21; g.subtotals = true; return g }(),
			func(r *schemas.Report) { set(r.Table3, "unavailable_total", schemas.ColTotal, blank()) },
			schemas.Table3, "unavailable_total", schemas.ColTotal, schemas.StateDerived,
			func(r *schemas.Report) schemas.Dec {
				return gridColSum(r.Table3, []string{"unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear"}, schemas.ColTotal)
			}},
		{"blank total_handled cell is derived from its column", gb21,
			func(r *schemas.Report) { set(r.Table3, schemas.RowTotalHandled, "natural_person", blank()) },
			schemas.Table3, schemas.RowTotalHandled, "natural_person", schemas.StateDerived,
			func(r *schemas.Report) schemas.Dec {
				return gridColSum(r.Table3, catalogue().handledParts, "natural_person")
			}},
		{"blank total_handled total is derived", gb21,
			func(r *schemas.Report) { set(r.Table3, schemas.RowTotalHandled, schemas.ColTotal, blank()) },
			schemas.Table3, schemas.RowTotalHandled, schemas.ColTotal, schemas.StateDerived,
			func(r *schemas.Report) schemas.Dec {
				return gridRowSum(r.Table3, schemas.RowTotalHandled, catalogue().applicant)
			}},
		{"blank total_handled total, applicants blank too", gb21,
			func(r *schemas.Report) {
				set(r.Table3, schemas.RowTotalHandled, schemas.ColTotal, blank())
				set(r.Table3, schemas.RowTotalHandled, "research", blank())
			},
			schemas.Table3, schemas.RowTotalHandled, schemas.ColTotal, schemas.StateDerived,
			func(r *schemas.Report) schemas.Dec {
				return gridColSum(r.Table3, catalogue().handledParts, schemas.ColTotal)
			}},
		{"gb2021 other_total is derived", gb21, nil,
			schemas.Table3, schemas.RowOtherTotal, "commercial", schemas.StateDerived,
			func(r *schemas.Report) schemas.Dec { return gridColSum(r.Table3, catalogue().otherRows, "commercial") }},
		{"gb2021 other_total with a dash part stays missing", gb21,
			func(r *schemas.Report) { set(r.Table3, "other_other", "commercial", dash()) },
			schemas.Table3, schemas.RowOtherTotal, "commercial", "",
			func(*schemas.Report) schemas.Dec { return 0 }},
		{"gb2021 printed other_total is kept even when wrong", func() gen { g := gb21; g.otherTotal = true; return g }(),
			func(r *schemas.Report) { add(r.Table3, schemas.RowOtherTotal, "commercial", schemas.DecInt(7)) },
			schemas.Table3, schemas.RowOtherTotal, "commercial", schemas.StateNumber,
			func(r *schemas.Report) schemas.Dec {
				return gridColSum(r.Table3, catalogue().otherRows, "commercial") + schemas.DecInt(7)
			}},
		{"gb2019 other_total is never derived", fixed(schemas.FormatGB2019),
			func(r *schemas.Report) { delete(r.Table3, schemas.RowOtherTotal) },
			schemas.Table3, schemas.RowOtherTotal, "commercial", "",
			func(*schemas.Report) schemas.Dec { return 0 }},
		{"blank table 4 total is derived", gb21,
			func(r *schemas.Report) { set(r.Table4, "litigation_direct", schemas.OutcomeTotal, blank()) },
			schemas.Table4, "litigation_direct", schemas.OutcomeTotal, schemas.StateDerived,
			func(r *schemas.Report) schemas.Dec {
				return gridRowSum(r.Table4, "litigation_direct", catalogue().t4parts)
			}},
		{"blank carried_forward is not derived", gb21,
			func(r *schemas.Report) { set(r.Table3, schemas.RowCarriedForward, "natural_person", blank()) },
			schemas.Table3, schemas.RowCarriedForward, "natural_person", schemas.StateBlank,
			func(*schemas.Report) schemas.Dec { return 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.g.build()
			if tt.mutate != nil {
				tt.mutate(r)
			}
			before := snapshot(r)
			Derive(r)
			assertPrinted(t, before, r)
			c, _ := r.Table(tt.table).Get(tt.row, tt.col)
			if c.State != tt.state || c.Value != tt.value(r) {
				t.Errorf("%s.%s.%s = %s (%s), want %s (%s)", tt.table, tt.row, tt.col, c.Value, c.State, tt.value(r), tt.state)
			}
			if c.State == schemas.StateDerived && (c.Line != 0 || c.Text != "") {
				t.Errorf("derived cell carries provenance: %+v", c)
			}
			// Derive is idempotent.
			again := snapshot(r)
			Derive(r)
			assertPrinted(t, again, r)
		})
	}
}

// fixColumns rewrites total_handled and new_received so R1 and R3 hold again after a result
// row changed (test helper for Derive cases that zero a row).
func fixColumns(r *schemas.Report) {
	s := catalogue()
	g := r.Table3
	for _, col := range s.cols {
		h := gridColSum(g, append(append([]string(nil), s.results...), s.otherRows...), col)
		old := cellValue(g, schemas.RowTotalHandled, col)
		add(g, schemas.RowTotalHandled, col, h-old)
		add(g, schemas.RowNewReceived, col, h-old)
	}
	r.Statements[0].Value = cellValue(g, schemas.RowNewReceived, schemas.ColTotal)
}

func TestDeriveThenValidate(t *testing.T) {
	// Every total blank: all are derived and the report is consistent.
	r := fixed(schemas.FormatGB2021).build()
	s := catalogue()
	for _, row := range s.rows {
		if _, ok := r.Table3[row]; ok {
			set(r.Table3, row, schemas.ColTotal, blank())
		}
	}
	for _, col := range s.cols {
		set(r.Table3, schemas.RowTotalHandled, col, blank())
	}
	for _, grp := range s.t4groups {
		set(r.Table4, grp, schemas.OutcomeTotal, blank())
	}
	if cs := run(r); len(cs) != 0 {
		t.Fatalf("all totals blank: %v", got(cs))
	}
	for _, row := range s.rows {
		if c, ok := r.Table3.Get(row, schemas.ColTotal); ok && c.State != schemas.StateDerived {
			t.Errorf("%s.total: %s", row, c.State)
		}
	}
}

func TestChain(t *testing.T) {
	mk := func(year int, mutate func(r *schemas.Report)) *schemas.Report {
		r := fixed(schemas.FormatGB2021).build()
		r.Year = year
		if mutate != nil {
			mutate(r)
		}
		return r
	}
	// cur.carried_over = prev.carried_forward everywhere.
	link := func(prev *schemas.Report) func(r *schemas.Report) {
		return func(r *schemas.Report) {
			for _, col := range catalogue().cols {
				c, _ := prev.Table3.Get(schemas.RowCarriedForward, col)
				r.Table3.Set(schemas.RowCarriedOver, col, c)
			}
		}
	}
	prev := mk(2021, nil)
	cf := cellValue(prev.Table3, schemas.RowCarriedForward, "research")
	tests := []struct {
		name string
		cur  *schemas.Report
		want []want
	}{
		{"linked", mk(2022, link(prev)), nil},
		{"one column differs", mk(2022, func(r *schemas.Report) {
			link(prev)(r)
			add(r.Table3, schemas.RowCarriedOver, "research", schemas.DecInt(2))
		}), []want{{"R6", schemas.Table3, schemas.RowCarriedOver, "research", ds(cf), plus(cf, 2)}}},
		{"dash skips", mk(2022, func(r *schemas.Report) {
			link(prev)(r)
			set(r.Table3, schemas.RowCarriedOver, "research", dash())
		}), nil},
		{"not consecutive years", mk(2023, func(r *schemas.Report) {
			link(prev)(r)
			add(r.Table3, schemas.RowCarriedOver, "research", schemas.DecInt(2))
		}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := Chain(prev, tt.cur)
			if g := got(cs); !equalWants(g, tt.want) {
				t.Errorf("got %v, want %v", g, tt.want)
			}
			for _, c := range cs {
				if c.Severity != schemas.SeverityWarning || c.Message == "" {
					t.Errorf("check %+v", c)
				}
			}
		})
	}
}

func TestStatus(t *testing.T) {
	p := func(code, table string, sev schemas.Severity) schemas.Problem {
		return schemas.Problem{Code: code, Table: table, Severity: sev}
	}
	e, w := schemas.SeverityError, schemas.SeverityWarning
	tests := []struct {
		name     string
		format   schemas.Format
		problems []schemas.Problem
		want     string
	}{
		{"clean", schemas.FormatGB2021, nil, schemas.StatusComplete},
		{"warnings only", schemas.FormatGB2021, []schemas.Problem{p(schemas.ProblemRegion, "", w)}, schemas.StatusComplete},
		{"error", schemas.FormatGB2021, []schemas.Problem{p(schemas.ProblemValue, schemas.Table3, e)}, schemas.StatusIncomplete},
		{"error without severity", schemas.FormatGB2019, []schemas.Problem{p(schemas.ProblemRowMissing, schemas.Table3, "")}, schemas.StatusIncomplete},
		{"one table missing", schemas.FormatGB2021, []schemas.Problem{p(schemas.ProblemTableMissing, schemas.Table4, e)}, schemas.StatusIncomplete},
		{"all tables missing", schemas.FormatGB2021, []schemas.Problem{
			p(schemas.ProblemTableMissing, schemas.Table2, e), p(schemas.ProblemTableMissing, schemas.Table3, e),
			p(schemas.ProblemTableMissing, schemas.Table4, e)}, schemas.StatusFailed},
		{"table missing without table", schemas.FormatUnknown, []schemas.Problem{p(schemas.ProblemTableMissing, "", e)}, schemas.StatusFailed},
		{"not a report", schemas.FormatUnknown, []schemas.Problem{p(schemas.ProblemNotReport, "", e)}, schemas.StatusFailed},
		{"undecodable", schemas.FormatUnknown, []schemas.Problem{p(schemas.ProblemUndecodable, "", e)}, schemas.StatusFailed},
		{"needs ocr", schemas.FormatUnknown, []schemas.Problem{p(schemas.ProblemNeedsOCR, "", e)}, schemas.StatusFailed},
		{"pre2019 problem", schemas.FormatUnknown, []schemas.Problem{p(schemas.ProblemPre2019, "", w)}, schemas.StatusFailed},
		{"pre2019 format", schemas.FormatPre2019, nil, schemas.StatusFailed},
	}
	for _, tt := range tests {
		r := schemas.NewReport("x")
		r.Format, r.Problems = tt.format, tt.problems
		if got := Status(r); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
	if Status(nil) != schemas.StatusFailed {
		t.Error("nil report is not failed")
	}
}

// randomGen returns a consistent report generator driven by rng: either format, zeros printed
// as blank or "0", optional subtotal rows, some blank totals (derived back by Derive).
func randomGen(rng *rand.Rand) gen {
	f := schemas.FormatGB2019
	if rng.IntN(2) == 0 {
		f = schemas.FormatGB2021
	}
	v := func() int64 {
		if rng.IntN(3) == 0 {
			return 0
		}
		return rng.Int64N(40)
	}
	return gen{
		format:     f,
		leaf:       func(string, int, int) int64 { return v() },
		over:       func(int) int64 { return v() },
		fwd:        func(int) int64 { return v() },
		t4:         func(int, int) int64 { return v() },
		subtotals:  rng.IntN(4) == 0,
		otherTotal: rng.IntN(4) == 0,
		blankZero:  func(string, string) bool { return rng.IntN(2) == 0 },
	}
}

// blankTotals turns some printed totals into blank cells (Derive restores them).
func blankTotals(rng *rand.Rand, r *schemas.Report) {
	s := catalogue()
	for _, row := range s.rows {
		if c, ok := r.Table3.Get(row, schemas.ColTotal); ok && rng.IntN(8) == 0 && c.State == schemas.StateNumber {
			set(r.Table3, row, schemas.ColTotal, blank())
		}
	}
	for _, col := range s.cols {
		if rng.IntN(10) == 0 {
			set(r.Table3, schemas.RowTotalHandled, col, blank())
		}
	}
	for _, grp := range s.t4groups {
		if rng.IntN(6) == 0 {
			set(r.Table4, grp, schemas.OutcomeTotal, blank())
		}
	}
}

func TestRandomReports(t *testing.T) {
	rng := rand.New(rand.NewPCG(20260101, 49))
	const n = 3000
	for i := range n {
		r := randomGen(rng).build()
		blankTotals(rng, r)
		base := snapshot(r)
		rc := cloneReport(r)
		if cs := run(rc); len(cs) != 0 {
			t.Fatalf("report %d (%s): consistent report gives %v", i, r.Format, got(cs))
		}
		assertPrinted(t, base, rc)

		// Perturb one printed number of table 3 or 4 by ±k. A table 4 cell whose group total
		// is blank is left out: its only equation is the one that derives the total, so a
		// change there is undetectable by construction.
		type pos struct{ table, row, col string }
		var cells []pos
		for _, tb := range []string{schemas.Table3, schemas.Table4} {
			for _, rk := range sortedKeys(r.Table(tb)) {
				if tb == schemas.Table4 && r.Table4[rk][schemas.OutcomeTotal].State == schemas.StateBlank {
					continue
				}
				for _, ck := range sortedKeys(r.Table(tb)[rk]) {
					if r.Table(tb)[rk][ck].State == schemas.StateNumber {
						cells = append(cells, pos{tb, rk, ck})
					}
				}
			}
		}
		p := cells[rng.IntN(len(cells))]
		k := rng.Int64N(5) + 1
		if rng.IntN(2) == 0 {
			k = -k
		}
		add(r.Table(p.table), p.row, p.col, schemas.DecInt(k))
		cs := run(r)
		hit := false
		for _, c := range cs {
			if c.Severity == schemas.SeverityError && c.Table == p.table && (c.Row == p.row || c.Column == p.col) {
				hit = true
			}
		}
		if !hit {
			t.Fatalf("report %d (%s): %v %+d gives no error check on its row or column: %v", i, r.Format, p, k, got(cs))
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

func cloneGrid(g schemas.Grid) schemas.Grid {
	out := make(schemas.Grid, len(g))
	for rk, row := range g {
		out[rk] = maps.Clone(row)
	}
	return out
}

func cloneReport(r *schemas.Report) *schemas.Report {
	c := *r
	c.Table2, c.Table3, c.Table4 = cloneGrid(r.Table2), cloneGrid(r.Table3), cloneGrid(r.Table4)
	return &c
}

// Benchmarks. make bench compares BenchmarkValidate with BenchmarkFloor, which only reads
// every cell of tables 3 and 4 once from the report's maps (what any consumer pays).

// BenchmarkValidate measures Validate (Derive + Report, one read of the tables) on a
// consistent gb2021 report with two blank totals (derived on the first iteration; later
// iterations re-derive other_total and check everything).
func BenchmarkValidate(b *testing.B) {
	r := fixed(schemas.FormatGB2021).build()
	set(r.Table3, "granted", schemas.ColTotal, blank())
	set(r.Table4, "review", schemas.OutcomeTotal, blank())
	b.ReportAllocs()
	for b.Loop() {
		if cs := Validate(r); len(cs) != 0 {
			b.Fatal(got(cs))
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
}

// BenchmarkValidateBroken measures a gb2019 report with 15 violations (messages are built).
func BenchmarkValidateBroken(b *testing.B) {
	r := fixed(schemas.FormatGB2019).build()
	for _, col := range catalogue().cols {
		add(r.Table3, "granted", col, schemas.DecInt(1))
	}
	add(r.Table4, "review", "upheld", schemas.DecInt(1))
	b.ReportAllocs()
	for b.Loop() {
		if cs := Validate(r); len(cs) == 0 {
			b.Fatal("no checks")
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
}

// BenchmarkDeriveReport is the two exported calls one after the other (two reads).
func BenchmarkDeriveReport(b *testing.B) {
	r := fixed(schemas.FormatGB2021).build()
	b.ReportAllocs()
	for b.Loop() {
		Derive(r)
		Report(r)
	}
}

func BenchmarkFloor(b *testing.B) {
	r := fixed(schemas.FormatGB2021).build()
	s := catalogue()
	for b.Loop() {
		var d dense
		d.load(s, r)
	}
}
