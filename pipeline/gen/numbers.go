package gen

import (
	"math"
	"math/rand/v2"
	"strconv"
	"sync"

	"xxgk/schemas"
)

// keys is the catalogue flattened into the key lists the generator walks.
type keys struct {
	cols      []string // 7 table 3 columns
	applicant []string // 6
	// outcomes are the rows a handled request ends in: the 18 result rows then the 3 (六) rows.
	outcomes  []string
	nResults  int                 // the first nResults outcomes are the result rows
	subtotals map[string][]string // withheld_total → its rows
	subOrder  []string            // subtotal keys in catalogue order
	groupOf   map[string]string   // row → group key
	t4groups  []string
	t4parts   []string // upheld, corrected, other, pending
	t4cols    []string
}

var (
	keysOnce sync.Once
	ks       *keys
)

func catKeys() *keys {
	keysOnce.Do(func() {
		c := schemas.Labels()
		k := &keys{cols: c.Table3ColumnKeys(), subtotals: map[string][]string{}, groupOf: map[string]string{}, t4groups: c.Table4GroupKeys()}
		for _, col := range k.cols {
			if col != schemas.ColTotal {
				k.applicant = append(k.applicant, col)
			}
		}
		var other []string
		members := map[string][]string{}
		for _, r := range c.Table3.Rows {
			k.groupOf[r.Key] = r.Group
			switch {
			case r.Subtotal:
				k.subOrder = append(k.subOrder, r.Key)
			case r.Group == schemas.GroupOther:
				other = append(other, r.Key)
			case r.Group != "":
				k.outcomes = append(k.outcomes, r.Key)
				members[r.Group] = append(members[r.Group], r.Key)
			}
		}
		k.nResults = len(k.outcomes)
		k.outcomes = append(k.outcomes, other...)
		for _, s := range k.subOrder {
			g := s[:len(s)-len("_total")]
			k.subtotals[s] = members[g]
		}
		for _, o := range c.Table4OutcomeKeys() {
			if o != schemas.OutcomeTotal {
				k.t4parts = append(k.t4parts, o)
			}
		}
		k.t4cols = append(append([]string(nil), k.t4parts...), schemas.OutcomeTotal)
		ks = k
	})
	return ks
}

// outcomeWeight is the base share of handled requests ending in each outcome row.
var outcomeWeight = map[string]float64{
	"granted": 0.40, "partially_granted": 0.08,
	"withheld_state_secret": 0.003, "withheld_law_prohibited": 0.01, "withheld_security_stability": 0.004,
	"withheld_third_party": 0.01, "withheld_internal_affairs": 0.01, "withheld_process_info": 0.015,
	"withheld_enforcement_file": 0.005, "withheld_query_item": 0.01,
	"unavailable_not_held": 0.22, "unavailable_needs_creation": 0.04, "unavailable_unclear": 0.02,
	"rejected_petition": 0.04, "rejected_duplicate": 0.03, "rejected_publication": 0.005,
	"rejected_excessive": 0.008, "rejected_confirmation": 0.01,
	"other_no_correction": 0.03, "other_no_fee": 0.002, "other_other": 0.04,
}

// bodyState is what carries over from one year of a body to the next.
type bodyState struct {
	level   float64 // expected requests in 2019
	growth  float64 // yearly trend
	mix     [6]float64
	weights []float64 // cumulative outcome weights
	forward [7]int64  // last year's carried_forward (applicants, total)
	started bool
	// table 2 series
	inForce   int64
	items     map[string]int64 // gb2019 prev_items per item
	licScale  float64          // licences, penalties, fees relative to a county
	countyLvl float64
	t4rate    float64
}

func newState(b Body, seed uint64) *bodyState {
	rng := newRNG(seed, "body", b.County.Code, b.Name)
	county := 60 * math.Exp(rng.NormFloat64()*0.6) // a county's level; departments scale it
	if b.weight > 0 {
		county *= b.weight // a province's or prefecture's bodies: busier than a county's
	}
	s := &bodyState{countyLvl: county, growth: 0.92 + 0.3*rng.Float64(), items: map[string]int64{}}
	natural := 0.8 + 0.17*rng.Float64()
	lic := 1.0
	switch b.Scope {
	case schemas.ScopeArea:
		s.level = county * (1 + rng.Float64())
	case schemas.ScopeGovernment:
		s.level = county * (0.3 + 0.4*rng.Float64())
		lic = 0.05
	case schemas.ScopeDepartment:
		s.level = county * b.dept.requests * math.Exp(rng.NormFloat64()*0.5)
		lic = b.dept.licences * math.Exp(rng.NormFloat64()*0.4)
	case schemas.ScopeTownship:
		s.level = 0.2 + 1.5*rng.Float64()*rng.Float64()
		natural = 0.95 + 0.05*rng.Float64()
		lic = 0.01
	case schemas.ScopeDevZone:
		s.level = 1 + 6*rng.Float64()
		natural = 0.5 + 0.3*rng.Float64()
		lic = 0.05
	case schemas.ScopeOther:
		s.level = 0.5 + 4*rng.Float64()
		natural = 0.85 + 0.1*rng.Float64()
		lic = 0.02
	}
	s.licScale = lic * county / 60
	rest := 1 - natural
	s.mix = [6]float64{natural, rest * 0.6, rest * 0.05, rest * 0.1, rest * 0.15, rest * 0.1}
	ko := catKeys()
	s.weights = make([]float64, len(ko.outcomes))
	acc := 0.0
	for i, o := range ko.outcomes {
		acc += outcomeWeight[o] * (0.3 + 1.4*rng.Float64())
		s.weights[i] = acc
	}
	s.t4rate = 0.01 + 0.05*rng.Float64()
	s.inForce = int64(county * (0.5 + rng.Float64()))
	if b.Scope != schemas.ScopeArea && b.Scope != schemas.ScopeGovernment {
		s.inForce /= 8
	}
	return s
}

// poisson draws a Poisson variate (normal approximation above 30).
func poisson(rng *rand.Rand, l float64) int64 {
	if l <= 0 {
		return 0
	}
	if l > 30 {
		v := math.Round(l + math.Sqrt(l)*rng.NormFloat64())
		if v < 0 {
			return 0
		}
		return int64(v)
	}
	lim, p := math.Exp(-l), 1.0
	var k int64
	for {
		p *= rng.Float64()
		if p <= lim {
			return k
		}
		k++
	}
}

// binomial draws Binomial(n, p) by counting (n is small here).
func binomial(rng *rand.Rand, n int64, p float64) int64 {
	var k int64
	for i := int64(0); i < n; i++ {
		if rng.Float64() < p {
			k++
		}
	}
	return k
}

// split spreads n over the buckets of a cumulative weight table into out (added to).
func split(rng *rand.Rand, n int64, cum []float64, out []int64) {
	total := cum[len(cum)-1]
	for i := int64(0); i < n; i++ {
		x := rng.Float64() * total
		j := 0
		for j < len(cum)-1 && x >= cum[j] {
			j++
		}
		out[j]++
	}
}

// table3Counts is the true table 3 of one year: per outcome row and per applicant column.
type table3Counts struct {
	newRec, carried, forward, handled [6]int64
	outcomes                          [][6]int64 // by ko.outcomes
}

// drawTable3 draws a year's requests and their outcomes; carried is last year's forward.
func drawTable3(rng *rand.Rand, s *bodyState, year int, carried [6]int64) table3Counts {
	ko := catKeys()
	t := table3Counts{carried: carried, outcomes: make([][6]int64, len(ko.outcomes))}
	lambda := s.level * math.Pow(s.growth, float64(year-2019)) * (0.75 + 0.55*rng.Float64())
	n := poisson(rng, lambda)
	cum := [6]float64{}
	acc := 0.0
	for i, m := range s.mix {
		acc += m
		cum[i] = acc
	}
	split(rng, n, cum[:], t.newRec[:])
	pf := 0.02 + 0.08*rng.Float64()
	bucket := make([]int64, len(ko.outcomes))
	for c := 0; c < 6; c++ {
		avail := t.newRec[c] + t.carried[c]
		t.forward[c] = binomial(rng, avail, pf)
		t.handled[c] = avail - t.forward[c]
		clear(bucket)
		split(rng, t.handled[c], s.weights, bucket)
		for i, v := range bucket {
			t.outcomes[i][c] = v
		}
	}
	return t
}

func sum6(a [6]int64) int64 {
	var t int64
	for _, v := range a {
		t += v
	}
	return t
}

// variant holds the per-report choices that change what is printed (and so the gold states).
type variant struct {
	format      schemas.Format
	blankTotals bool   // total cells printed empty (gold: derived, or blank when 0)
	blankZeros  bool   // zero cells printed empty (gold: blank)
	subtotals   bool   // (三)(四)(五) subtotal rows printed
	dash        string // text of a dash cell: "—" or "/"
	fault       Fault
	feeStated   bool
}

// Fault is a rule violation injected on purpose.
type Fault string

// Faults.
const (
	FaultNone        Fault = ""
	FaultRowSum      Fault = "row_sum"      // a row total ≠ the sum of its applicant cells (R2, R3)
	FaultColumnTotal Fault = "column_total" // total_handled of a column wrong (R1, R2, R3)
	FaultMissingRow  Fault = "missing_row"  // a row not printed (R8, problem row_missing)
	FaultChain       Fault = "chain"        // carried_over ≠ last year's carried_forward (R6)
	FaultProse       Fault = "prose"        // the prose states another request count (R7)
)

// Faults lists every fault kind.
var Faults = []Fault{FaultRowSum, FaultColumnTotal, FaultMissingRow, FaultChain, FaultProse}

// num makes a printed count cell (blank when zero and the report leaves zeros empty).
func num(v int64, blankZero bool) schemas.Cell {
	if v == 0 && blankZero {
		return schemas.Cell{State: schemas.StateBlank}
	}
	return schemas.Cell{State: schemas.StateNumber, Value: schemas.DecInt(v)}
}

// totalCell makes a printed total cell of a report that may leave totals empty.
func totalCell(v int64, vr variant) schemas.Cell {
	if vr.blankTotals {
		if v == 0 {
			return schemas.Cell{State: schemas.StateBlank}
		}
		return schemas.Cell{State: schemas.StateDerived, Value: schemas.DecInt(v)}
	}
	return num(v, vr.blankZeros)
}

// fillTable3 writes the true counts into the report's grid with the states the variant prints.
func fillTable3(r *schemas.Report, t table3Counts, vr variant) {
	ko := catKeys()
	g := r.Table3
	row := func(key string, v [6]int64, subtotal bool) {
		bz := vr.blankZeros && !subtotal
		for i, col := range ko.applicant {
			g.Set(key, col, num(v[i], bz))
		}
		tv := vr
		tv.blankZeros = bz
		g.Set(key, schemas.ColTotal, totalCell(sum6(v), tv))
	}
	row(schemas.RowNewReceived, t.newRec, false)
	row(schemas.RowCarriedOver, t.carried, false)
	idx := map[string]int{}
	for i, o := range ko.outcomes {
		idx[o] = i
	}
	for i := 0; i < ko.nResults; i++ {
		row(ko.outcomes[i], t.outcomes[i], false)
	}
	var other [6]int64
	for i := ko.nResults; i < len(ko.outcomes); i++ {
		for c := range 6 {
			other[c] += t.outcomes[i][c]
		}
	}
	if vr.format == schemas.FormatGB2021 {
		for i := ko.nResults; i < len(ko.outcomes); i++ {
			row(ko.outcomes[i], t.outcomes[i], false)
		}
		for i, col := range ko.applicant {
			g.Set(schemas.RowOtherTotal, col, schemas.Cell{State: schemas.StateDerived, Value: schemas.DecInt(other[i])})
		}
		g.Set(schemas.RowOtherTotal, schemas.ColTotal, schemas.Cell{State: schemas.StateDerived, Value: schemas.DecInt(sum6(other))})
	} else {
		row(schemas.RowOtherTotal, other, false)
	}
	if vr.subtotals {
		for _, st := range ko.subOrder {
			var v [6]int64
			for _, m := range ko.subtotals[st] {
				for c := range 6 {
					v[c] += t.outcomes[idx[m]][c]
				}
			}
			row(st, v, true)
		}
	}
	row(schemas.RowTotalHandled, t.handled, false)
	row(schemas.RowCarriedForward, t.forward, false)
}

// drawTable4 fills table 4: reviews and lawsuits over the body's disclosure decisions.
func drawTable4(rng *rand.Rand, r *schemas.Report, s *bodyState, requests int64, vr variant) {
	ko := catKeys()
	rates := []float64{s.t4rate, s.t4rate * 0.5, s.t4rate * 0.2}
	cum := []float64{0.55, 0.7, 0.85, 1}
	for i, grp := range ko.t4groups {
		n := poisson(rng, float64(requests)*rates[i])
		var parts [4]int64
		split(rng, n, cum, parts[:])
		for j, o := range ko.t4parts {
			r.Table4.Set(grp, o, num(parts[j], vr.blankZeros))
		}
		r.Table4.Set(grp, schemas.OutcomeTotal, totalCell(n, vr))
	}
}

// drawTable2 fills table 2 of either format. Items a body does not have are dashes.
func drawTable2(rng *rand.Rand, r *schemas.Report, b Body, s *bodyState, vr variant) {
	c := schemas.Labels()
	level := s.licScale
	gov := b.Scope == schemas.ScopeArea || b.Scope == schemas.ScopeGovernment
	small := b.Scope == schemas.ScopeTownship || b.Scope == schemas.ScopeDevZone
	dash := func(item string) bool {
		switch item {
		case "rules":
			return !gov && rng.Float64() < 0.4
		case "procurement":
			return small && rng.Float64() < 0.5
		}
		if small {
			return rng.Float64() < 0.35
		}
		if b.Scope == schemas.ScopeDepartment && level < 0.02 {
			return rng.Float64() < 0.3
		}
		return false
	}
	// normative documents: a series with issued and repealed
	issued := poisson(rng, map[bool]float64{true: 10, false: 1.2}[gov])
	if small {
		issued = poisson(rng, 0.3)
	}
	repealed := min(poisson(rng, float64(issued)*0.4+0.3), s.inForce)
	s.inForce += issued - repealed
	decisions := map[string]float64{"licensing": 8000, "penalty": 1500, "coercion": 60, "other_services": 2000}
	for _, it := range c.Table2Items(vr.format) {
		if dash(it.Key) {
			for _, m := range it.Measures {
				r.Table2.Set(it.Key, m, schemas.Cell{State: schemas.StateDash, Text: vr.dash})
			}
			continue
		}
		for _, m := range it.Measures {
			var cell schemas.Cell
			switch m {
			case "issued", "new_made":
				v := issued
				if it.Key == "rules" {
					v = 0
				}
				cell = num(v, vr.blankZeros)
			case "new_published":
				v := issued
				if it.Key == "rules" {
					v = 0
				}
				cell = num(v, vr.blankZeros)
			case "repealed":
				v := repealed
				if it.Key == "rules" {
					v = 0
				}
				cell = num(v, vr.blankZeros)
			case "in_force", "published_total":
				v := s.inForce
				if it.Key == "rules" {
					v = 0
				}
				cell = num(v, vr.blankZeros)
			case "decisions":
				cell = num(poisson(rng, decisions[it.Key]*level*(0.6+0.8*rng.Float64())), vr.blankZeros)
			case "prev_items":
				p, ok := s.items[it.Key]
				if !ok {
					p = int64(float64(map[string]int64{"licensing": 120, "other_services": 80, "penalty": 900, "coercion": 40, "fees": 25}[it.Key]) * (0.3 + level) * (0.5 + rng.Float64()))
				}
				cell = num(p, vr.blankZeros)
			case "change":
				p := s.items[it.Key]
				if cell, ok := r.Table2.Get(it.Key, "prev_items"); ok {
					p = cell.Value.Int()
				}
				d := int64(rng.IntN(13)) - 5
				if p+d < 0 {
					d = -p
				}
				s.items[it.Key] = p + d
				cell = num(d, vr.blankZeros)
				if d > 0 && rng.IntN(3) == 0 {
					cell.Text = "+" + strconv.FormatInt(d, 10)
				}
			case "amount_10k_yuan":
				cents := poisson(rng, 30000*level*(0.5+rng.Float64()))
				if small {
					cents = int64(rng.IntN(3)) * int64(rng.IntN(5000))
				}
				cell = schemas.Cell{State: schemas.StateNumber, Value: schemas.Dec(cents * 100)}
				if cents == 0 && vr.blankZeros {
					cell = schemas.Cell{State: schemas.StateBlank}
				} else if cents%100 != 0 || rng.IntN(2) == 0 {
					cell.Text = strconv.FormatInt(cents/100, 10) + "." + strconv.FormatInt(100+cents%100, 10)[1:]
				}
			case "projects":
				cell = num(poisson(rng, 20*(0.2+level)), vr.blankZeros)
			case "amount_yuan":
				var v schemas.Dec
				if p, _ := r.Table2.Get(it.Key, "projects"); p.Value != 0 {
					v = schemas.DecInt(int64(p.Value.Int()) * int64(20000+rng.IntN(300000)))
					if rng.IntN(8) == 0 {
						v += schemas.Dec(rng.IntN(100) * 100)
					}
				}
				cell = schemas.Cell{State: schemas.StateNumber, Value: v}
				switch {
				case v == 0 && vr.blankZeros:
					cell = schemas.Cell{State: schemas.StateBlank}
				case rng.IntN(4) == 0:
					cell.Text = v.String() + "元"
				}
			}
			r.Table2.Set(it.Key, m, cell)
		}
	}
}
