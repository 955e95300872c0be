package validate

import "xxgk/schemas"

// Derive fills the cells of r that were not printed but are defined by their parts, marks them
// StateDerived (Line 0, no Text) and never touches a printed number, a dash or a missing part.
// Exactly these cells are derived, in this order:
//
//  1. Table 3, column total, every row except total_handled (subtotal rows included): a blank
//     total whose six applicant cells all carry a value (number, blank or derived) and are not
//     all zero becomes their sum.
//  2. gb2021 table 3 other_total, every column: when the cell is absent, missing or derived, or
//     blank while its parts are not all zero, and other_no_correction, other_no_fee and
//     other_other all carry a value, it becomes their sum. If any of the three is a dash or
//     missing, other_total is left as it is (absent: missing). A printed other_total is kept,
//     and R3 checks it.
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
	var d dense
	d.load(catalogue(), r)
	derive(r, &d)
}

// derive is Derive on a loaded dense view, which it keeps up to date.
func derive(r *schemas.Report, d *dense) {
	s := catalogue()
	set3 := func(ri, ci int, v schemas.Dec) {
		d.t3[ri][ci] = val{v, sDerived}
		if r.Table3 == nil {
			r.Table3 = schemas.Grid{}
		}
		r.Table3.Set(s.rows[ri], s.cols[ci], schemas.Cell{State: schemas.StateDerived, Value: v})
	}
	blank3 := func(ri, ci int, parts sum) {
		if d.t3[ri][ci].s == sBlank && parts.ok && parts.nonZero {
			set3(ri, ci, parts.v)
		}
	}
	for ri := range s.rows {
		if ri != s.iHandled {
			blank3(ri, s.iTotal, d.rowSum(ri, s.iApplicant))
		}
	}
	if r.Format == schemas.FormatGB2021 {
		for ci := range s.cols {
			c := d.t3[s.iOther][ci]
			if c.s != sAbsent && c.s != sMissing && c.s != sDerived && c.s != sBlank {
				continue
			}
			parts := d.colSum(s.iOtherRows, ci)
			if parts.ok && (c.s != sBlank || parts.nonZero) && !(c.s == sDerived && c.v == parts.v) {
				set3(s.iOther, ci, parts.v)
			}
		}
	}
	for ci := range s.cols {
		blank3(s.iHandled, ci, d.colSum(s.iHandledParts, ci))
	}
	blank3(s.iHandled, s.iTotal, d.rowSum(s.iHandled, s.iApplicant))

	for gi, gk := range s.t4groups {
		c := d.t4[gi][s.i4Total]
		if parts := d.t4Sum(gi, s.i4Parts); c.s == sBlank && parts.ok && parts.nonZero {
			d.t4[gi][s.i4Total] = val{parts.v, sDerived}
			r.Table4.Set(gk, s.t4cols[s.i4Total], schemas.Cell{State: schemas.StateDerived, Value: parts.v})
		}
	}
}
