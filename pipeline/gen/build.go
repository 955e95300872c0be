package gen

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"xxgk/schemas"
)

// Doc is one generated report: its gold (the true report), the prose and the way it is
// printed, and where it goes.
type Doc struct {
	Gold  *schemas.Report
	Prose Prose
	Shape Shape
	Opts  RenderOptions
	Fault Fault
	// Traits name the printing variants of the report (for summaries of round-trip results):
	// blank-totals, blank-zeros, subtotals, untitled, and those of variants.go.
	Traits []string
	// Path is the report's path relative to OUT/reports, with "/" separators.
	Path string
	// Body is the issuing body, its division and level, whatever the text and path say of it
	// (the gold's body and region are what they allow to be read).
	Body Body
}

// generator builds the documents of one unit, year after year.
type generator struct {
	cfg    *Config
	unit   Unit
	state  *bodyState
	prev   *schemas.Report // last year's gold, when that report was written
	flat   bool            // file layout of the county
	hashed bool            // files named as scraped: nothing in the path names the body
	code   bool            // flat names carry the division's code
	folder string          // the folder of a province's or prefecture's own bodies (省直, 市直)
	ph     *phrases
}

func newGenerator(cfg *Config, u Unit) *generator {
	g := &generator{cfg: cfg, unit: u, state: newState(u.Body, cfg.Seed), ph: defaultPhrases()}
	if u.Body.Scope == schemas.ScopeArea {
		// a consolidated report is of the size of what it covers
		own := 0.0
		if u.Body.Place.Level == schemas.LevelCounty {
			own = g.state.countyLvl * 0.5 // the county government's own share
		}
		if cover := own + coverLevel(cfg, u.Body.Place.Code); g.state.level > 0 && cover > 0 {
			ratio := cover / g.state.level
			g.state.level, g.state.licScale = cover, g.state.licScale*ratio
			g.state.growth = 1.075 // the bodies' growth on average (theirs is drawn from 0.92–1.22)
			g.state.inForce = int64(float64(g.state.inForce) * ratio)
		}
	}
	lr := newRNG(cfg.Seed, "layout", u.Body.County.Code)
	switch cfg.Layout {
	case LayoutFlat:
		g.flat = true
	case LayoutHashed:
		g.hashed = true
	case LayoutMixed:
		switch lr.IntN(4) {
		case 0, 1:
			g.flat = true
		case 2:
			g.hashed = true
		}
	}
	county := u.Body.Place.Level == schemas.LevelCounty
	if g.hashed && county && (!uniqueName(cfg, u.Body.County.Name) || cfg.Registry.IsSoleCounty(u.Body.County) && u.Body.Scope == schemas.ScopeTownship) {
		// a name shared by two counties (朝阳区) or a town of 东莞市 needs its path: flat
		g.hashed, g.flat = false, true
	}
	g.code = lr.IntN(2) == 0 || county && !uniqueName(cfg, u.Body.County.Name)
	g.folder = levelFolder(u.Body, lr)
	return g
}

// stated is how a report states its issuing body.
type stated int

// The ways a report states its body (see parse: the body is read from the title, then the
// first sentence, the signature, the 本报告由…编制 sentence).
const (
	statedTitle     stated = iota // the title
	statedSentence                // 根据…规定，现公布{B}{Y}年政府信息公开工作年度报告。
	statedCompiles                // {B}根据《条例》…编制本报告。
	statedCompiled                // 本报告由{B}根据…编制。
	statedSignature               // only the signature above the date
	statedNone                    // nowhere: the gold has no body, and a scope problem
)

var statedTraits = [...]string{"", "stated-sentence", "stated-compiles", "stated-compiled", "stated-signature", "no-body"}

// statement draws how a report states its body: web pages and most reports by their title; a
// consolidated report by its title or the 现公布 sentence; the others now and then only by a
// first sentence, the 本报告由 sentence or the signature, and NoBodyShare of them not at all.
func (g *generator) statement(rng *rand.Rand, b Body, shape Shape) stated {
	x, y := rng.Float64(), rng.Float64()
	switch {
	case shape == ShapeHTML:
		return statedTitle
	case b.Scope == schemas.ScopeArea:
		if x < 0.8 {
			return statedTitle
		}
		return statedSentence
	case y < g.cfg.NoBodyShare:
		return statedNone
	case x < 0.75:
		return statedTitle
	case x < 0.83:
		return statedSentence
	case x < 0.87:
		return statedCompiles
	case x < 0.95:
		return statedCompiled
	}
	return statedSignature
}

// levelFolder is the folder a province's or prefecture's own bodies are kept in (省直, 市直 …),
// stable for a division.
func levelFolder(b Body, rng *rand.Rand) string {
	switch b.Place.Level {
	case schemas.LevelProvince:
		if b.word == "市" {
			return pick(rng, "市级", "市本级")
		}
		return pick(rng, "省直", "省直部门", "省本级")
	case schemas.LevelPrefecture:
		switch b.word {
		case "州":
			return pick(rng, "州直", "州本级")
		case "盟":
			return "盟直"
		case "地区":
			return "地直"
		}
		return pick(rng, "市直", "市直部门", "市本级")
	}
	return ""
}

func uniqueName(cfg *Config, name string) bool {
	n := 0
	for _, d := range cfg.Registry.Counties {
		if d.Name == name {
			n++
		}
	}
	return n == 1
}

// years runs the unit: every year from the first configured year is drawn (so the chain and
// the trends continue through missing years), and a document is made for the years in
// u.Years.
func (g *generator) run(emit func(*Doc) error) error {
	want := map[int]bool{}
	last := 0
	for _, y := range g.unit.Years {
		want[y] = true
		last = y
	}
	for y := g.cfg.FirstYear; y <= last; y++ {
		d := g.year(y, want[y])
		if d == nil {
			g.prev = nil
			continue
		}
		if err := emit(d); err != nil {
			return err
		}
		g.prev = d.Gold
		if d.Gold.Body == "" {
			g.prev = nil // nothing links a report without a body to the next year's (R6)
		}
	}
	return nil
}

// year draws year y; it returns nil when the report is not published that year.
func (g *generator) year(y int, publish bool) *Doc {
	b := g.unit.Body
	s := g.state
	rng := newRNG(g.cfg.Seed, "year", b.County.Code, b.Name, strconv.Itoa(y))
	vr := variant{dash: "—"}
	vr.format = formatOf(y, y >= 2021 && rng.Float64() < g.cfg.OldTemplateShare)
	if rng.IntN(3) == 0 {
		vr.dash = "/"
	}
	vr.blankTotals = rng.Float64() < 0.05
	vr.blankZeros = rng.Float64() < 0.05
	vr.subtotals = rng.Float64() < 0.06
	vr.feeStated = vr.format == schemas.FormatGB2021 && rng.Float64() < 0.92
	if publish && rng.Float64() < g.cfg.FaultShare {
		kinds := Faults
		if g.prev == nil || g.prev.Year != y-1 || !chainKnown(g.prev) {
			kinds = []Fault{FaultRowSum, FaultColumnTotal, FaultMissingRow, FaultProse}
		}
		vr.fault = kinds[rng.IntN(len(kinds))]
		// a fault changes a number: a total left blank would then be derived from parts that
		// no longer sum to it, so faulted reports print every cell
		vr.blankTotals, vr.blankZeros = false, false
	}

	// carry-over: last year's forward, or a few open requests before the first year
	var carried [6]int64
	if s.started {
		copy(carried[:], s.forward[:6])
	} else if b.Scope != schemas.ScopeTownship && rng.IntN(3) == 0 {
		carried[0] = int64(1 + rng.IntN(3))
	}
	var chainCol int
	if vr.fault == FaultChain {
		chainCol = rng.IntN(2) // natural_person or commercial
		carried[chainCol] += int64(1 + rng.IntN(3))
	}
	t := drawTable3(rng, s, y, carried)
	for i := range 6 {
		s.forward[i] = t.forward[i]
	}
	s.forward[6] = sum6(t.forward)
	s.started = true

	r := schemas.NewReport("")
	r.Year, r.Format, r.Scope, r.Body = y, vr.format, b.Scope, b.Name
	fillTable3(r, t, vr)
	drawTable4(rng, r, s, sum6(t.newRec), vr)
	drawTable2(rng, r, b, s, vr)
	if !publish {
		return nil
	}
	requests := sum6(t.newRec)
	stated := requests
	if vr.fault == FaultProse {
		k := int64(1 + rng.IntN(5))
		if requests >= k && rng.IntN(2) == 0 {
			k = -k
		}
		stated = requests + k
	}
	r.Statements = append(r.Statements, schemas.Statement{Measure: schemas.StatedRequests, Value: schemas.DecInt(stated), Section: 1})
	if vr.feeStated {
		fee := int64(0)
		if requests > 20 && rng.IntN(6) == 0 {
			fee = int64(50 * (1 + rng.IntN(20)))
		}
		r.Fee = schemas.Cell{State: schemas.StateNumber, Value: schemas.DecInt(fee)}
		r.Statements = append(r.Statements, schemas.Statement{Measure: schemas.StatedFees, Value: schemas.DecInt(fee), Section: 6})
	}
	c := schemas.Labels()
	r.Markers = map[schemas.Format][]string{vr.format: c.Formats[vr.format].Markers}
	for _, sec := range c.Sections {
		r.Sections = append(r.Sections, schemas.Section{Number: sec.Number, Heading: sec.Label})
	}
	r.Status = schemas.StatusComplete

	d := &Doc{Gold: r, Fault: vr.fault, Body: b}
	g.inject(rng, d, vr, chainCol)
	d.Shape, d.Opts = chooseRendering(rng, b)
	st := g.statement(rng, b, d.Shape)
	if st == statedNone && vr.fault == FaultChain {
		st = statedSignature // a report whose body is unknown is linked to no other year
	}
	titled := st == statedTitle
	if titled {
		r.Title = fmt.Sprintf("%s%d年政府信息公开工作年度报告", b.Name, y)
	}
	d.Prose = g.ph.prose(rng, b, r, st, g.contact(rng, b, st))
	more := moreVariants(newRNG(g.cfg.Seed, "variants", b.County.Code, b.Name, strconv.Itoa(y)), d, vr)
	for _, t := range []struct {
		on   bool
		name string
	}{{vr.blankTotals, "blank-totals"}, {vr.blankZeros, "blank-zeros"}, {vr.subtotals, "subtotals"}, {!titled, "untitled"},
		{st != statedTitle, statedTraits[st]}, {d.Prose.Contact, "contact"}, {true, "level-" + string(b.Place.Level)},
		{b.Scope == schemas.ScopeOther, "other-body"}, {g.hashed, "hashed-path"}} {
		if t.on {
			d.Traits = append(d.Traits, t.name)
		}
	}
	d.Traits = append(d.Traits, more...)
	d.Path = g.path(y, d.Shape)
	r.Source = d.Path
	// the region: in the tree and flat layouts the path names the body's own division (folders
	// down to its level, 省直/市直 folders, a code or the body's name in the file name); a file
	// named as scraped says nothing, and the region comes from the body's name — which a
	// township's name and a report naming no body do not give: no region, and a problem
	method := schemas.RegionPath
	switch {
	case g.cfg.Manifest:
		method = schemas.RegionManifest
	case g.hashed:
		method = schemas.RegionText
	}
	r.Region = b.Place.Region(method)
	if g.hashed && !g.cfg.Manifest && (st == statedNone || b.Scope == schemas.ScopeTownship) {
		r.Region = schemas.Region{}
		r.Problems = append(r.Problems, schemas.Problem{Code: schemas.ProblemRegion, Severity: schemas.SeverityError,
			Message: "未找到所属行政区划"})
		r.Status = schemas.StatusIncomplete
	}
	if st == statedNone {
		// the text names no body: the body and the scope are unknown, and the report says so
		r.Body, r.Scope = "", schemas.ScopeUnknown
		r.Problems = append(r.Problems, schemas.Problem{Code: schemas.ProblemScope, Severity: schemas.SeverityWarning,
			Message: "未找到发布机关，无法判断报告范围"})
	}
	return d
}

// inject applies the report's fault and records exactly the checks and problems it causes.
func (g *generator) inject(rng *rand.Rand, d *Doc, vr variant, chainCol int) {
	r := d.Gold
	ko := catKeys()
	t3 := r.Table3
	val := func(row, col string) schemas.Dec { c, _ := t3.Get(row, col); return c.Value }
	bump := func(row, col string, k int64) {
		c, _ := t3.Get(row, col)
		c.State, c.Value = schemas.StateNumber, c.Value+schemas.DecInt(k)
		t3.Set(row, col, c)
	}
	rowParts := func(row string) schemas.Dec {
		var s schemas.Dec
		for _, col := range ko.applicant {
			s += val(row, col)
		}
		return s
	}
	results := func(col string) schemas.Dec {
		var s schemas.Dec
		for _, o := range ko.outcomes[:ko.nResults] {
			s += val(o, col)
		}
		return s + val(schemas.RowOtherTotal, col)
	}
	k := int64(1 + rng.IntN(4))
	switch vr.fault {
	case FaultRowSum:
		row := []string{"granted", "partially_granted"}[rng.IntN(2)]
		bump(row, schemas.ColTotal, k)
		r.Checks = append(r.Checks,
			newCheck("R2", row, schemas.ColTotal, rowParts(row), val(row, schemas.ColTotal)),
			newCheck("R3", schemas.RowTotalHandled, schemas.ColTotal, results(schemas.ColTotal), val(schemas.RowTotalHandled, schemas.ColTotal)))
	case FaultColumnTotal:
		col := ko.cols[[]int{0, 0, 1, 6}[rng.IntN(4)]]
		bump(schemas.RowTotalHandled, col, k)
		in := val(schemas.RowNewReceived, col) + val(schemas.RowCarriedOver, col)
		out := val(schemas.RowTotalHandled, col) + val(schemas.RowCarriedForward, col)
		r.Checks = append(r.Checks,
			newCheck("R1", "", col, in, out),
			newCheck("R2", schemas.RowTotalHandled, schemas.ColTotal, rowParts(schemas.RowTotalHandled), val(schemas.RowTotalHandled, schemas.ColTotal)),
			newCheck("R3", schemas.RowTotalHandled, col, results(col), val(schemas.RowTotalHandled, col)))
	case FaultMissingRow:
		var cands, zero []string
		for _, o := range ko.outcomes[2:ko.nResults] { // withheld, unavailable, rejected rows
			cands = append(cands, o)
			if val(o, schemas.ColTotal) == 0 {
				zero = append(zero, o)
			}
		}
		if len(zero) > 0 {
			cands = zero
		}
		row := cands[rng.IntN(len(cands))]
		delete(t3, row)
		label := schemas.Labels().Table3Row(row).Label
		r.Checks = append(r.Checks, schemas.Check{Rule: "R8", Severity: schemas.SeverityWarning, Table: schemas.Table3, Row: row,
			Message: fmt.Sprintf("表三缺少“%s”行", label)})
		r.Problems = append(r.Problems, schemas.Problem{Code: schemas.ProblemRowMissing, Severity: schemas.SeverityError,
			Table: schemas.Table3, Row: row, Message: fmt.Sprintf("表三未找到“%s”行", label)})
		r.Status = schemas.StatusIncomplete
	case FaultChain:
		for i, col := range ko.cols {
			p, _ := g.prev.Table3.Get(schemas.RowCarriedForward, col)
			c, _ := t3.Get(schemas.RowCarriedOver, col)
			if i == chainCol || col == schemas.ColTotal {
				ch := newCheck("R6", schemas.RowCarriedOver, col, p.Value, c.Value)
				ch.Severity = schemas.SeverityWarning
				ch.Message = fmt.Sprintf("表三“%s”列：上年结转=%s，%d年报告结转下年度=%s", col, c.Value, r.Year-1, p.Value)
				r.Checks = append(r.Checks, ch)
			}
		}
	case FaultProse:
		ch := newCheck("R7", schemas.RowNewReceived, schemas.ColTotal, val(schemas.RowNewReceived, schemas.ColTotal), r.Statements[0].Value)
		ch.Severity = schemas.SeverityWarning
		ch.Message = fmt.Sprintf("正文第一部分所述申请数为%s件，表三为%s件", r.Statements[0].Value, val(schemas.RowNewReceived, schemas.ColTotal))
		r.Checks = append(r.Checks, ch)
	}
}

// newCheck is an error-severity table 3 check with its two sides.
func newCheck(rule, row, col string, expected, found schemas.Dec) schemas.Check {
	return schemas.Check{Rule: rule, Severity: schemas.SeverityError, Table: schemas.Table3, Row: row, Column: col,
		Expected: &expected, Found: &found,
		Message: fmt.Sprintf("表三%s %s/%s：应为%s，实为%s", rule, row, col, expected, found)}
}
