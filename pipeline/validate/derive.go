package validate

import "xxgk/schemas"

// Derive fills the cells of r that were not printed but are defined by their parts, marks them
// StateDerived (Line 0, no Text) and never touches a printed number, a dash or a missing part.
// Exactly these cells are derived, in this order:
//
//  1. Table 3, column total, every row except total_handled (subtotal rows included): a blank
//     total whose six applicant cells all carry a value (number, blank or derived) and are not
//     all zero becomes their sum.
//  2. gb2021 table 3 other_total, every column: when the cell is absent or missing, or blank
//     while its parts are not all zero, and other_no_correction, other_no_fee and other_other
//     all carry a value, it becomes their sum. If any of the three is a dash or missing,
//     other_total is left as it is (absent: missing). A printed other_total is kept, and R3
//     checks it.
//  3. Table 3 total_handled, every column (total too): a blank cell whose parts (granted,
//     partially_granted, the 8 withheld, 3 unavailable and 5 rejected rows, and other_total)
//     all carry a value and are not all zero becomes their sum.
//  4. Table 3 total_handled.total, if still blank: step 1 applied to that row.
//  5. Table 4, every group: a blank total whose four outcomes all carry a value and are not
//     all zero becomes their sum.
//
// A blank cell whose parts are all zero or blank stays blank (it counts as 0). Subtotal rows
// that were not printed are not invented. Derive is idempotent.
func Derive(r *schemas.Report) {
	if r == nil {
		return
	}
	s := catalogue()
	if g := r.Table3; g != nil {
		for _, row := range s.rows {
			if row != rowHandled {
				deriveBlank(g, row, colTotal, sumRow(g, row, s.applicant))
			}
		}
		if r.Format == schemas.FormatGB2021 {
			for _, col := range s.cols {
				deriveOther(g, col, s.otherRows)
			}
		}
		for _, col := range s.cols {
			deriveBlank(g, rowHandled, col, sumCol(g, s.handledParts, col))
		}
		deriveBlank(g, rowHandled, colTotal, sumRow(g, rowHandled, s.applicant))
	}
	if g := r.Table4; g != nil {
		for _, grp := range s.t4groups {
			deriveBlank(g, grp, outcomeTotal, sumRow(g, grp, s.t4parts))
		}
	}
}

// sum is the sum of some cells. ok is false when one of them has no value (dash, missing or
// absent); nonZero when one of them is not 0; derived when all of them are derived.
type sum struct {
	v                      schemas.Dec
	ok, nonZero, allDerived bool
}

func (s *sum) add(c schemas.Cell) {
	if !c.HasValue() {
		s.ok = false
		return
	}
	s.v += c.Value
	if c.Value != 0 {
		s.nonZero = true
	}
	if c.State != schemas.StateDerived {
		s.allDerived = false
	}
}

func newSum() sum { return sum{ok: true, allDerived: true} }

// sumRow adds the cells of one row over cols.
func sumRow(g schemas.Grid, row string, cols []string) sum {
	s := newSum()
	cells := g[row]
	for _, c := range cols {
		s.add(cells[c])
	}
	return s
}

// sumCol adds the cells of one column over rows.
func sumCol(g schemas.Grid, rows []string, col string) sum {
	s := newSum()
	for _, r := range rows {
		s.add(g[r][col])
	}
	return s
}

func deriveBlank(g schemas.Grid, row, col string, parts sum) {
	c, ok := g.Get(row, col)
	if !ok || c.State != schemas.StateBlank {
		return
	}
	if parts.ok && parts.nonZero {
		g.Set(row, col, schemas.Cell{State: schemas.StateDerived, Value: parts.v})
	}
}

func deriveOther(g schemas.Grid, col string, rows []string) {
	c, _ := g.Get(rowOtherTotal, col)
	switch c.State {
	case "", schemas.StateMissing, schemas.StateBlank, schemas.StateDerived:
	default:
		return
	}
	parts := sumCol(g, rows, col)
	if !parts.ok || (c.State == schemas.StateBlank && !parts.nonZero) {
		return
	}
	g.Set(rowOtherTotal, col, schemas.Cell{State: schemas.StateDerived, Value: parts.v})
}
