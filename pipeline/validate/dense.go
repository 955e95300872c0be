package validate

import "xxgk/schemas"

// maxRows bounds the table 3 rows of the catalogue (30 today).
const maxRows = 40

// state is a CellState as a small number, so the rules compare bytes, not strings.
type state uint8

const (
	sAbsent state = iota // no cell under this key
	sNumber
	sBlank
	sDerived
	sDash
	sMissing
)

func toState(s schemas.CellState) state {
	// The states differ in length or first byte; the full comparison stays for safety. A split
	// cell (digits separated by rule) is a printed number for the rules.
	switch len(s) {
	case 6:
		if s == schemas.StateNumber {
			return sNumber
		}
	case 5:
		switch s {
		case schemas.StateBlank:
			return sBlank
		case schemas.StateSplit:
			return sNumber
		}
	case 4:
		if s == schemas.StateDash {
			return sDash
		}
	case 7:
		switch s {
		case schemas.StateDerived:
			return sDerived
		case schemas.StateMissing:
			return sMissing
		}
	}
	return sAbsent
}

// val is a cell reduced to what the rules need.
type val struct {
	v schemas.Dec
	s state
}

// has reports whether the cell carries a value (number, blank as 0, derived).
func (c val) has() bool { return c.s >= sNumber && c.s <= sDerived }

// present reports whether the cell was found at all (anything but absent or missing).
func (c val) present() bool { return c.s != sAbsent && c.s != sMissing }

// dense is tables 3 and 4 of a report read once into arrays indexed like the catalogue, so
// the rules do not look cells up in maps again and again.
type dense struct {
	t3   [maxRows][7]val
	row3 [maxRows]bool // the row key is in the grid
	t4   [3][5]val
	row4 [3]bool
}

func (d *dense) load(s *shape, r *schemas.Report) {
	if r.Table3 != nil {
		for ri, rk := range s.rows {
			row, ok := r.Table3[rk]
			if !ok {
				continue
			}
			d.row3[ri] = true
			for ci, ck := range s.cols {
				if c, ok := row[ck]; ok {
					d.t3[ri][ci] = val{c.Value, toState(c.State)}
				}
			}
		}
	}
	if r.Table4 != nil {
		for gi, gk := range s.t4groups {
			row, ok := r.Table4[gk]
			if !ok {
				continue
			}
			d.row4[gi] = true
			for oi, ok := range s.t4cols {
				if c, found := row[ok]; found {
					d.t4[gi][oi] = val{c.Value, toState(c.State)}
				}
			}
		}
	}
}

// sum is the sum of some cells. ok is false when one of them has no value (dash, missing or
// absent); nonZero when one of them is not 0; allDerived when all of them are derived.
type sum struct {
	v                       schemas.Dec
	ok, nonZero, allDerived bool
}

func newSum() sum { return sum{ok: true, allDerived: true} }

func (s *sum) add(c val) {
	if !c.has() {
		s.ok = false
		return
	}
	s.v += c.v
	if c.v != 0 {
		s.nonZero = true
	}
	if c.s != sDerived {
		s.allDerived = false
	}
}

func one(c val) sum {
	s := newSum()
	s.add(c)
	return s
}

func join(a, b sum) sum {
	return sum{v: a.v + b.v, ok: a.ok && b.ok, nonZero: a.nonZero || b.nonZero, allDerived: a.allDerived && b.allDerived}
}

// rowSum adds table 3 row ri over the columns cis.
func (d *dense) rowSum(ri int, cis []int) sum {
	s := newSum()
	for _, ci := range cis {
		s.add(d.t3[ri][ci])
	}
	return s
}

// colSum adds table 3 column ci over the rows ris.
func (d *dense) colSum(ris []int, ci int) sum {
	s := newSum()
	for _, ri := range ris {
		s.add(d.t3[ri][ci])
	}
	return s
}

// t4Sum adds table 4 group gi over the outcomes ois.
func (d *dense) t4Sum(gi int, ois []int) sum {
	s := newSum()
	for _, oi := range ois {
		s.add(d.t4[gi][oi])
	}
	return s
}
