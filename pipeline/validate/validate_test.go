package validate

import (
	"fmt"
	"strings"
	"testing"

	"xxgk/schemas"
)

// want is the part of a Check a test asserts. exp and found are Dec strings, "" for nil.
type want struct {
	rule, table, row, col string
	exp, found            string
}

func (w want) String() string {
	return fmt.Sprintf("%s %s.%s.%s expected=%q found=%q", w.rule, w.table, w.row, w.col, w.exp, w.found)
}

func got(cs []schemas.Check) []want {
	out := make([]want, len(cs))
	for i, c := range cs {
		w := want{rule: c.Rule, table: c.Table, row: c.Row, col: c.Column}
		if c.Expected != nil {
			w.exp = c.Expected.String()
		}
		if c.Found != nil {
			w.found = c.Found.String()
		}
		out[i] = w
	}
	return out
}

func equalWants(a, b []want) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func run(r *schemas.Report) []schemas.Check {
	Derive(r)
	return Report(r)
}

func ds(v schemas.Dec) string            { return v.String() }
func plus(v schemas.Dec, k int64) string { return (v + schemas.DecInt(k)).String() }

func TestConsistent(t *testing.T) {
	for _, f := range []schemas.Format{schemas.FormatGB2021, schemas.FormatGB2019} {
		for _, sub := range []bool{false, true} {
			g := fixed(f)
			g.subtotals, g.otherTotal = sub, sub
			r := g.build()
			if cs := run(r); len(cs) != 0 {
				t.Errorf("%s subtotals=%v: want no checks, got %v", f, sub, got(cs))
			}
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	// Arithmetic rules still apply when the format is unknown; R8 does not.
	for _, f := range []schemas.Format{schemas.FormatGB2021, schemas.FormatGB2019} {
		r := fixed(f).build()
		r.Format = schemas.FormatUnknown
		r.Markers[schemas.FormatGB2019] = []string{"政府集中采购"}
		if cs := run(r); len(cs) != 0 {
			t.Errorf("%s shaped, unknown format: %v", f, got(cs))
		}
		add(r.Table3, "granted", schemas.ColTotal, schemas.DecInt(1))
		if cs := run(r); len(cs) != 2 || cs[0].Rule != "R2" || cs[1].Rule != "R3" {
			t.Errorf("%s shaped, unknown format, broken: %v", f, got(cs))
		}
	}
}

func TestRules(t *testing.T) {
	const (
		t2 = schemas.Table2
		t3 = schemas.Table3
		t4 = schemas.Table4
	)
	type tc struct {
		name   string
		gen    func() gen
		mutate func(r *schemas.Report) []want // returns the expected checks, computed before the change
	}
	gb21 := func() gen { return fixed(schemas.FormatGB2021) }
	gb19 := func() gen { return fixed(schemas.FormatGB2019) }
	withSub := func() gen { g := gb21(); g.subtotals, g.otherTotal = true, true; return g }
	tests := []tc{
		{"R1 carried_forward total", gb21, func(r *schemas.Report) []want {
			g := r.Table3
			in := cellValue(g, schemas.RowNewReceived, schemas.ColTotal) + cellValue(g, schemas.RowCarriedOver, schemas.ColTotal)
			fw := cellValue(g, schemas.RowCarriedForward, schemas.ColTotal)
			add(g, schemas.RowCarriedForward, schemas.ColTotal, schemas.DecInt(1))
			return []want{
				{"R1", t3, "", schemas.ColTotal, ds(in), plus(in, 1)},
				{"R2", t3, schemas.RowCarriedForward, schemas.ColTotal, ds(fw), plus(fw, 1)},
			}
		}},
		{"R1 only, other terms dashed", gb21, func(r *schemas.Report) []want {
			g := r.Table3
			// carried_forward.commercial is a dash: R2 of that row and R1 of that column skip.
			set(g, schemas.RowCarriedForward, "commercial", dash())
			in := cellValue(g, schemas.RowNewReceived, "natural_person") + cellValue(g, schemas.RowCarriedOver, "natural_person")
			add(g, schemas.RowCarriedForward, "natural_person", schemas.DecInt(2))
			return []want{{"R1", t3, "", "natural_person", ds(in), plus(in, 2)}}
		}},
		{"R2 row total", gb21, func(r *schemas.Report) []want {
			g := r.Table3
			gr := cellValue(g, "granted", schemas.ColTotal)
			h := cellValue(g, schemas.RowTotalHandled, schemas.ColTotal)
			add(g, "granted", schemas.ColTotal, schemas.DecInt(2))
			return []want{
				{"R2", t3, "granted", schemas.ColTotal, ds(gr), plus(gr, 2)},
				{"R3", t3, schemas.RowTotalHandled, schemas.ColTotal, plus(h, 2), ds(h)},
			}
		}},
		{"R2 only, column total dashed", gb21, func(r *schemas.Report) []want {
			g := r.Table3
			set(g, schemas.RowTotalHandled, "research", dash())
			gr := cellValue(g, "granted", schemas.ColTotal)
			add(g, "granted", "research", schemas.DecInt(1))
			return []want{{"R2", t3, "granted", schemas.ColTotal, plus(gr, 1), ds(gr)}}
		}},
		{"R3 result row", gb21, func(r *schemas.Report) []want {
			g := r.Table3
			hr, h := cellValue(g, schemas.RowTotalHandled, "research"), cellValue(g, schemas.RowTotalHandled, schemas.ColTotal)
			add(g, "withheld_third_party", "research", schemas.DecInt(1))
			add(g, "withheld_third_party", schemas.ColTotal, schemas.DecInt(1))
			return []want{
				{"R3", t3, schemas.RowTotalHandled, "research", plus(hr, 1), ds(hr)},
				{"R3", t3, schemas.RowTotalHandled, schemas.ColTotal, plus(h, 1), ds(h)},
			}
		}},
		{"R3 gb2019 other_total", gb19, func(r *schemas.Report) []want {
			g := r.Table3
			h := cellValue(g, schemas.RowTotalHandled, "other_org")
			add(g, schemas.RowOtherTotal, "other_org", schemas.DecInt(-1))
			add(g, schemas.RowOtherTotal, schemas.ColTotal, schemas.DecInt(-1))
			hT := cellValue(g, schemas.RowTotalHandled, schemas.ColTotal)
			return []want{
				{"R3", t3, schemas.RowTotalHandled, "other_org", plus(h, -1), ds(h)},
				{"R3", t3, schemas.RowTotalHandled, schemas.ColTotal, plus(hT, -1), ds(hT)},
			}
		}},
		{"R3 gb2021 (六) row", gb21, func(r *schemas.Report) []want {
			g := r.Table3
			h := cellValue(g, schemas.RowTotalHandled, "natural_person")
			ht := cellValue(g, schemas.RowTotalHandled, schemas.ColTotal)
			add(g, "other_no_fee", "natural_person", schemas.DecInt(3))
			add(g, "other_no_fee", schemas.ColTotal, schemas.DecInt(3))
			// other_total is derived from the changed rows; its own R2 follows and is skipped.
			return []want{
				{"R3", t3, schemas.RowTotalHandled, "natural_person", plus(h, 3), ds(h)},
				{"R3", t3, schemas.RowTotalHandled, schemas.ColTotal, plus(ht, 3), ds(ht)},
			}
		}},
		{"R3 printed subtotal", withSub, func(r *schemas.Report) []want {
			g := r.Table3
			w, wt := cellValue(g, "withheld_total", "natural_person"), cellValue(g, "withheld_total", schemas.ColTotal)
			add(g, "withheld_total", "natural_person", schemas.DecInt(1))
			add(g, "withheld_total", schemas.ColTotal, schemas.DecInt(1))
			return []want{
				{"R3", t3, "withheld_total", "natural_person", ds(w), plus(w, 1)},
				{"R3", t3, "withheld_total", schemas.ColTotal, ds(wt), plus(wt, 1)},
			}
		}},
		{"R3 printed gb2021 other_total", withSub, func(r *schemas.Report) []want {
			g := r.Table3
			o, ot := cellValue(g, schemas.RowOtherTotal, "legal_services"), cellValue(g, schemas.RowOtherTotal, schemas.ColTotal)
			add(g, schemas.RowOtherTotal, "legal_services", schemas.DecInt(1))
			add(g, schemas.RowOtherTotal, schemas.ColTotal, schemas.DecInt(1))
			return []want{
				{"R3", t3, schemas.RowOtherTotal, "legal_services", ds(o), plus(o, 1)},
				{"R3", t3, schemas.RowOtherTotal, schemas.ColTotal, ds(ot), plus(ot, 1)},
			}
		}},
		{"R4 table 4 total", gb21, func(r *schemas.Report) []want {
			tot := cellValue(r.Table4, "review", schemas.OutcomeTotal)
			add(r.Table4, "review", schemas.OutcomeTotal, schemas.DecInt(1))
			return []want{{"R4", t4, "review", schemas.OutcomeTotal, ds(tot), plus(tot, 1)}}
		}},
		{"R4 gb2019 litigation", gb19, func(r *schemas.Report) []want {
			tot := cellValue(r.Table4, "litigation_after_review", schemas.OutcomeTotal)
			add(r.Table4, "litigation_after_review", "pending", schemas.DecInt(4))
			return []want{{"R4", t4, "litigation_after_review", schemas.OutcomeTotal, plus(tot, 4), ds(tot)}}
		}},
		{"R5 negative count", gb21, func(r *schemas.Report) []want {
			g := r.Table4
			u := cellValue(g, "review", "upheld")
			add(g, "review", "upheld", -u-schemas.DecInt(1))
			add(g, "review", "other", u+schemas.DecInt(1))
			return []want{{"R5", t4, "review", "upheld", "", "-1"}}
		}},
		{"R5 fractional count in table 2", gb21, func(r *schemas.Report) []want {
			add(r.Table2, "rules", "issued", schemas.Dec(5000))
			v := cellValue(r.Table2, "rules", "issued")
			return []want{{"R5", t2, "rules", "issued", "", ds(v)}}
		}},
		{"R5 fractional counts in table 3", gb21, func(r *schemas.Report) []want {
			g := r.Table3
			np, co := cellValue(g, schemas.RowTotalHandled, "natural_person"), cellValue(g, schemas.RowTotalHandled, "commercial")
			add(g, "granted", "natural_person", schemas.Dec(5000))
			add(g, "granted", "commercial", schemas.Dec(-5000))
			return []want{
				{"R3", t3, schemas.RowTotalHandled, "natural_person", ds(np + 5000), ds(np)},
				{"R3", t3, schemas.RowTotalHandled, "commercial", ds(co - 5000), ds(co)},
				{"R5", t3, "granted", "natural_person", "", ds(cellValue(g, "granted", "natural_person"))},
				{"R5", t3, "granted", "commercial", "", ds(cellValue(g, "granted", "commercial"))},
			}
		}},
		{"R5 signed change may be negative, not fractional", gb19, func(r *schemas.Report) []want {
			set(r.Table2, "licensing", "change", num(-12))
			set(r.Table2, "penalty", "change", schemas.Cell{State: schemas.StateNumber, Value: schemas.Dec(-15000)})
			return []want{{"R5", t2, "penalty", "change", "", "-1.5"}}
		}},
		{"R5 decimal measures: decimals yes, negative no", gb21, func(r *schemas.Report) []want {
			set(r.Table2, "fees", "amount_10k_yuan", schemas.Cell{State: schemas.StateNumber, Value: schemas.Dec(-5000)})
			return []want{{"R5", t2, "fees", "amount_10k_yuan", "", "-0.5"}}
		}},
		{"R5 negative fee", gb21, func(r *schemas.Report) []want {
			r.Fee.Value = schemas.DecInt(-3)
			r.Statements[2].Value = r.Fee.Value
			return []want{{"R5", "", schemas.StatedFees, "", "", "-3"}}
		}},
		{"R7 requests", gb21, func(r *schemas.Report) []want {
			n := cellValue(r.Table3, schemas.RowNewReceived, schemas.ColTotal)
			r.Statements[0].Value += schemas.DecInt(1)
			return []want{{"R7", t3, schemas.RowNewReceived, schemas.ColTotal, ds(n), plus(n, 1)}}
		}},
		{"R7 approximate figures are not compared", gb21, func(r *schemas.Report) []want {
			r.Statements[1].Value = schemas.DecInt(1)
			return nil
		}},
		{"R7 fee", gb21, func(r *schemas.Report) []want {
			r.Statements = append(r.Statements, schemas.Statement{Measure: schemas.StatedFees, Value: schemas.DecInt(5), Section: 1})
			return []want{{"R7", "", schemas.StatedFees, "", "120", "5"}}
		}},
		{"R7 fee not stated in a cell", gb21, func(r *schemas.Report) []want {
			r.Fee = schemas.Cell{State: schemas.StateMissing}
			r.Statements[2].Value = schemas.DecInt(9)
			return nil
		}},
		{"R8 gb2019 words in gb2021", gb21, func(r *schemas.Report) []want {
			r.Markers[schemas.FormatGB2019] = []string{"本年新制作数量", "政府集中采购"}
			return []want{{"R8", "", "", "", "", ""}}
		}},
		{"R8 gb2021 words in gb2019", gb19, func(r *schemas.Report) []want {
			r.Markers[schemas.FormatGB2021] = []string{"本年制发件数"}
			return []want{{"R8", "", "", "", "", ""}}
		}},
		{"R8 absent row", gb21, func(r *schemas.Report) []want {
			delete(r.Table3, "rejected_duplicate")
			return []want{{"R8", t3, "rejected_duplicate", "", "", ""}}
		}},
		{"R8 missing cells: one check per row", gb21, func(r *schemas.Report) []want {
			set(r.Table3, "granted", "natural_person", missing())
			delete(r.Table3["granted"], "research")
			return []want{{"R8", t3, "granted", "", "", ""}}
		}},
		{"R8 gb2019 other_total", gb19, func(r *schemas.Report) []want {
			delete(r.Table3, schemas.RowOtherTotal)
			return []want{{"R8", t3, schemas.RowOtherTotal, "", "", ""}}
		}},
		{"R8 gb2021 (六) row", gb21, func(r *schemas.Report) []want {
			delete(r.Table3, "other_other")
			return []want{{"R8", t3, "other_other", "", "", ""}}
		}},
		{"R8 table 4 cell", gb21, func(r *schemas.Report) []want {
			delete(r.Table4["litigation_direct"], "pending")
			set(r.Table4, "review", "corrected", missing())
			return []want{
				{"R8", t4, "review", "corrected", "", ""},
				{"R8", t4, "litigation_direct", "pending", "", ""},
			}
		}},
		{"R8 table 2 measure", gb19, func(r *schemas.Report) []want {
			delete(r.Table2["procurement"], "amount_yuan")
			return []want{{"R8", t2, "procurement", "amount_yuan", "", ""}}
		}},
		{"R8 a table 2 block in the other template: one check per row", gb21, func(r *schemas.Report) []want {
			// the first block printed with the 2019 headers and read by them
			for _, item := range []string{"rules", "normative_documents"} {
				delete(r.Table2, item)
				for _, m := range []string{"new_made", "new_published", "published_total"} {
					set(r.Table2, item, m, num(1))
				}
			}
			r.Markers[schemas.FormatGB2019] = []string{"本年新制作数量"}
			return []want{{"R8", "", "", "", "", ""}, {"R8", t2, "rules", "", "", ""}, {"R8", t2, "normative_documents", "", "", ""}}
		}},
		{"R8 a gb2019 item in a gb2021 report", gb21, func(r *schemas.Report) []want {
			for _, m := range []string{"prev_items", "change", "decisions"} {
				set(r.Table2, "other_services", m, num(2))
			}
			return []want{{"R8", t2, "other_services", "", "", ""}}
		}},
		{"R8 a gb2021 block in a gb2019 report, with a measure missing", gb19, func(r *schemas.Report) []want {
			delete(r.Table2, "licensing")
			set(r.Table2, "licensing", "decisions", num(7)) // decisions is in both: not mixed
			delete(r.Table2, "fees")
			set(r.Table2, "fees", "amount_10k_yuan", num(3))
			return []want{{"R8", t2, "fees", "", "", ""}, {"R8", t2, "licensing", "prev_items", "", ""}, {"R8", t2, "licensing", "change", "", ""}}
		}},
		{"R8 table 3 not read", gb21, func(r *schemas.Report) []want {
			r.Table3 = schemas.Grid{}
			return []want{{"R8", t3, "", "", "", ""}}
		}},
		{"dash skips every equation it is in", gb21, func(r *schemas.Report) []want {
			set(r.Table3, "granted", "natural_person", dash())
			set(r.Table4, "review", "other", dash())
			return nil
		}},
		{"dash in a (六) row leaves other_total missing", gb21, func(r *schemas.Report) []want {
			set(r.Table3, "other_no_fee", "social_welfare", dash())
			return nil
		}},
		{"blank counts as 0", gb21, func(r *schemas.Report) []want {
			g := r.Table3
			// research column: granted 0 printed as blank.
			if v := cellValue(g, "granted", "research"); v != 0 {
				add(g, "granted", "research", -v)
				add(g, "granted", schemas.ColTotal, -v)
				add(g, schemas.RowTotalHandled, "research", -v)
				add(g, schemas.RowTotalHandled, schemas.ColTotal, -v)
				add(g, schemas.RowNewReceived, "research", -v)
				add(g, schemas.RowNewReceived, schemas.ColTotal, -v)
				r.Statements[0].Value -= v
			}
			set(g, "granted", "research", blank())
			return nil
		}},
		{"several rules at once, in rule order", gb21, func(r *schemas.Report) []want {
			tot := cellValue(r.Table4, "review", schemas.OutcomeTotal)
			add(r.Table4, "review", schemas.OutcomeTotal, schemas.DecInt(1))
			r.Markers[schemas.FormatGB2019] = []string{"采购总金额"}
			n := cellValue(r.Table3, schemas.RowNewReceived, schemas.ColTotal)
			r.Statements[0].Value = schemas.DecInt(1000)
			return []want{
				{"R4", t4, "review", schemas.OutcomeTotal, ds(tot), plus(tot, 1)},
				{"R7", t3, schemas.RowNewReceived, schemas.ColTotal, ds(n), "1000"},
				{"R8", "", "", "", "", ""},
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.gen().build()
			exp := tt.mutate(r)
			r2 := cloneReport(r)
			cs := run(r)
			if g, g2 := got(cs), got(Validate(r2)); !equalWants(g, g2) {
				t.Errorf("Validate differs from Derive+Report:\n %v\n %v", g2, g)
			}
			if diff := schemas.DiffNumbers(r, r2); len(diff) != 0 {
				t.Errorf("Validate derives differently: %v", diff)
			}
			if g := got(cs); !equalWants(g, exp) {
				t.Errorf("checks:\n got  %v\n want %v", g, exp)
			}
			for _, c := range cs {
				if c.Severity != Severity(c.Rule) {
					t.Errorf("%s: severity %s", c.Rule, c.Severity)
				}
				if c.Message == "" || !strings.ContainsFunc(c.Message, func(r rune) bool { return r >= 0x4e00 }) {
					t.Errorf("%s: message %q is not a Chinese sentence", c.Rule, c.Message)
				}
			}
		})
	}
}

func TestSeverity(t *testing.T) {
	for rule, sev := range map[string]schemas.Severity{
		"R1": schemas.SeverityError, "R2": schemas.SeverityError, "R3": schemas.SeverityError,
		"R4": schemas.SeverityError, "R5": schemas.SeverityError, "R6": schemas.SeverityWarning,
		"R7": schemas.SeverityWarning, "R8": schemas.SeverityWarning,
	} {
		if got := Severity(rule); got != sev {
			t.Errorf("Severity(%s) = %s, want %s", rule, got, sev)
		}
	}
}

func TestMessages(t *testing.T) {
	r := fixed(schemas.FormatGB2021).build()
	g := r.Table3
	// Make the total column read 25 = 24: new_received.total + carried_over.total = 25.
	in := cellValue(g, schemas.RowNewReceived, schemas.ColTotal) + cellValue(g, schemas.RowCarriedOver, schemas.ColTotal)
	add(g, schemas.RowNewReceived, schemas.ColTotal, schemas.DecInt(25)-in)
	add(g, schemas.RowTotalHandled, schemas.ColTotal, schemas.DecInt(25)-in-schemas.DecInt(1))
	cs := run(r)
	var msgs []string
	for _, c := range cs {
		msgs = append(msgs, c.Message)
	}
	for _, m := range []string{
		"表三“总计”列：本年新收+上年结转=25，办理结果总计+结转下年度=24",
		"表三“本年新收政府信息公开申请数量”行：各类申请人之和=",
		"表三“办理结果总计”行：各类申请人之和=",
		"表三“总计”列：予以公开+部分公开+不予公开+无法提供+不予处理+其他处理=",
	} {
		found := false
		for _, x := range msgs {
			found = found || strings.HasPrefix(x, m)
		}
		if !found {
			t.Errorf("no message starting %q in %q", m, msgs)
		}
	}

	r = fixed(schemas.FormatGB2021).build()
	add(r.Table3, "withheld_state_secret", "other_org", schemas.DecInt(-9))
	cs = run(r)
	wantMsg := "表三“不予公开·属于国家秘密”行“法人或其他组织·其他”列：应为非负整数，实为"
	if last := cs[len(cs)-1]; last.Rule != "R5" || !strings.HasPrefix(last.Message, wantMsg) {
		t.Errorf("R5 message %q, want prefix %q", last.Message, wantMsg)
	}
}

func TestShortLabels(t *testing.T) {
	s := catalogue()
	for k, w := range map[string]string{
		"new_received":          "本年新收政府信息公开申请数量",
		"partially_granted":     "部分公开",
		"granted":               "予以公开",
		"withheld_state_secret": "不予公开·属于国家秘密",
		"unavailable_unclear":   "无法提供·补正后申请内容仍不明确",
		"other_other":           "其他处理·其他",
		"other_total":           "其他处理",
		"rejected_total":        "不予处理小计",
		"total_handled":         "办理结果总计",
		"carried_forward":       "结转下年度继续办理",
	} {
		if got := s.row(k); got != w {
			t.Errorf("row %s: %q, want %q", k, got, w)
		}
	}
	if got := s.col("other_org"); got != "法人或其他组织·其他" {
		t.Errorf("col other_org: %q", got)
	}
	if len(s.results) != 18 || len(s.otherRows) != 3 || len(s.subtotals) != 3 || len(s.applicant) != 6 || len(s.t4parts) != 4 {
		t.Errorf("catalogue shape: results %d, other %d, subtotals %d, applicant %d, t4 %d",
			len(s.results), len(s.otherRows), len(s.subtotals), len(s.applicant), len(s.t4parts))
	}
	for _, st := range s.subtotals {
		if n := map[string]int{"withheld_total": 8, "unavailable_total": 3, "rejected_total": 5}[st.key]; len(st.parts) != n {
			t.Errorf("subtotal %s has %d parts, want %d", st.key, len(st.parts), n)
		}
	}
}

func TestPre2019AndNil(t *testing.T) {
	r := schemas.NewReport("x")
	r.Format = schemas.FormatPre2019
	if cs := run(r); cs != nil {
		t.Errorf("pre2019: %v", got(cs))
	}
	Derive(nil)
	if Report(nil) != nil || Chain(nil, r) != nil {
		t.Error("nil report gives checks")
	}
}
