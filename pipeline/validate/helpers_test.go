package validate

import (
	"strconv"

	"xxgk/schemas"
)

// gen says how to fill a consistent report. Every function gets the position of the cell.
type gen struct {
	format schemas.Format
	// leaf gives the value of a result row (granted … other rows) in applicant column ci.
	leaf func(row string, ri, ci int) int64
	// over and fwd give carried_over and carried_forward of applicant column ci; over is
	// lowered where needed so that new_received stays ≥ 0.
	over, fwd func(ci int) int64
	// t4 gives the outcome oi (upheld … pending) of table 4 group gi.
	t4 func(gi, oi int) int64
	// subtotals prints the (三)(四)(五) subtotal rows; otherTotal prints other_total in gb2021.
	subtotals, otherTotal bool
	// blankZero prints zero cells as blank instead of "0".
	blankZero func(row, col string) bool
}

var line int

func num(v int64) schemas.Cell {
	line++
	return schemas.Cell{State: schemas.StateNumber, Value: schemas.DecInt(v), Line: line, Text: strconv.FormatInt(v, 10)}
}

func (g gen) cell(row, col string, v int64) schemas.Cell {
	if v == 0 && g.blankZero != nil && g.blankZero(row, col) {
		line++
		return schemas.Cell{State: schemas.StateBlank, Line: line}
	}
	return num(v)
}

// build returns a report of g.format whose numbers obey every rule.
func (g gen) build() *schemas.Report {
	s := catalogue()
	r := schemas.NewReport("test.txt")
	r.Format = g.format
	r.Year = 2022
	r.Body = "测试县人民政府"
	t3 := r.Table3
	resultRows := append([]string(nil), s.results...)
	if g.format == schemas.FormatGB2021 {
		resultRows = append(resultRows, s.otherRows...)
	} else {
		resultRows = append(resultRows, schemas.RowOtherTotal)
	}
	n := len(s.applicant)
	handled := make([]int64, n+1)
	colSum := func(rows []string) []int64 {
		out := make([]int64, n+1)
		for _, row := range rows {
			for ci := 0; ci <= n; ci++ {
				c, _ := t3.Get(row, s.cols[ci])
				out[ci] += c.Value.Int()
			}
		}
		return out
	}
	setRow := func(row string, vals []int64) {
		var total int64
		for ci := 0; ci < n; ci++ {
			t3.Set(row, s.cols[ci], g.cell(row, s.cols[ci], vals[ci]))
			total += vals[ci]
		}
		t3.Set(row, schemas.ColTotal, g.cell(row, schemas.ColTotal, total))
	}
	for ri, row := range resultRows {
		vals := make([]int64, n)
		for ci := range vals {
			vals[ci] = g.leaf(row, ri, ci)
			handled[ci] += vals[ci]
		}
		setRow(row, vals)
	}
	setRow(schemas.RowTotalHandled, handled[:n])
	over, fwd, news := make([]int64, n), make([]int64, n), make([]int64, n)
	for ci := 0; ci < n; ci++ {
		over[ci], fwd[ci] = g.over(ci), g.fwd(ci)
		if over[ci] > handled[ci]+fwd[ci] {
			over[ci] = handled[ci] + fwd[ci]
		}
		news[ci] = handled[ci] + fwd[ci] - over[ci]
	}
	setRow(schemas.RowNewReceived, news)
	setRow(schemas.RowCarriedOver, over)
	setRow(schemas.RowCarriedForward, fwd)
	if g.subtotals {
		for _, st := range s.subtotals {
			setRow(st.key, colSum(st.parts)[:n])
		}
	}
	if g.format == schemas.FormatGB2021 && g.otherTotal {
		setRow(schemas.RowOtherTotal, colSum(s.otherRows)[:n])
	}

	for gi, grp := range s.t4groups {
		var total int64
		for oi, o := range s.t4parts {
			v := g.t4(gi, oi)
			r.Table4.Set(grp, o, g.cell(grp, o, v))
			total += v
		}
		r.Table4.Set(grp, schemas.OutcomeTotal, g.cell(grp, schemas.OutcomeTotal, total))
	}

	c := schemas.Labels()
	for ii, it := range c.Table2Items(g.format) {
		for mi, m := range it.Measures {
			cell := num(int64(ii*3 + mi + 1))
			switch {
			case c.Measure(m).Signed:
				cell = num(int64(-ii - 1))
			case c.Measure(m).Decimal:
				cell.Value = schemas.DecInt(int64(ii+1)) + schemas.Dec(2500) // n.25
				cell.Text = cell.Value.String()
			}
			r.Table2.Set(it.Key, m, cell)
		}
	}

	r.Fee = num(120)
	newTotal, _ := t3.Get(schemas.RowNewReceived, schemas.ColTotal)
	r.Statements = []schemas.Statement{
		{Measure: schemas.StatedRequests, Value: newTotal.Value, Section: 1, Line: 3, Text: "共收到申请" + newTotal.Value.String() + "件"},
		{Measure: schemas.StatedRequests, Value: schemas.DecInt(7000), Approx: true, Section: 1, Line: 4, Text: "7000余条"},
		{Measure: schemas.StatedFees, Value: r.Fee.Value, Section: 6, Line: r.Fee.Line, Text: "收取信息处理费120元"},
	}
	r.Markers = map[schemas.Format][]string{g.format: {s.markers[g.format][0]}}
	return r
}

// fixed is the consistent report of the table tests: small, varied, non-zero numbers.
func fixed(f schemas.Format) gen {
	return gen{
		format: f,
		leaf:   func(_ string, ri, ci int) int64 { return int64((ri*7 + ci*3) % 5) },
		over:   func(ci int) int64 { return int64(ci % 3) },
		fwd:    func(ci int) int64 { return int64((ci + 1) % 4) },
		t4:     func(gi, oi int) int64 { return int64(gi + oi + 1) },
	}
}

func cellValue(g schemas.Grid, row, col string) schemas.Dec {
	c, _ := g.Get(row, col)
	return c.Value
}

// add changes the printed number at row, col by d (units of 1/10^4 when frac).
func add(g schemas.Grid, row, col string, d schemas.Dec) {
	c, _ := g.Get(row, col)
	c.State = schemas.StateNumber
	c.Value += d
	c.Text = c.Value.String()
	g.Set(row, col, c)
}

func set(g schemas.Grid, row, col string, c schemas.Cell) { g.Set(row, col, c) }

func dash() schemas.Cell    { return schemas.Cell{State: schemas.StateDash, Text: "—", Line: 1} }
func missing() schemas.Cell { return schemas.Cell{State: schemas.StateMissing} }
func blank() schemas.Cell   { return schemas.Cell{State: schemas.StateBlank, Line: 1} }

func gridRowSum(g schemas.Grid, row string, cols []string) schemas.Dec {
	var s schemas.Dec
	for _, c := range cols {
		s += cellValue(g, row, c)
	}
	return s
}

func gridColSum(g schemas.Grid, rows []string, col string) schemas.Dec {
	var s schemas.Dec
	for _, r := range rows {
		s += cellValue(g, r, col)
	}
	return s
}
