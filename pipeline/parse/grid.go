package parse

// Placing the values of one table row under the header columns of a grid whose cells may span
// several grid columns.
//
// Two readings, one model. A table row is a sequence of grid slots; every cell occupies one or
// more consecutive slots and its text sits in the first one (its top-left slot), the others
// are its span padding. Each value column has a header cell that occupies its own area of
// slots. A value belongs to the header column whose area its cell overlaps, and the cells of a
// row are matched to the header columns in order (the first value cell to the first column …).
//
//   - With spans (decode.Doc.Spans: HTML and Word tables) each cell's area is known:
//     placeSpans looks for the order-preserving assignments of the row's cells to the columns
//     in which every cell overlaps its column and every non-empty cell is assigned.
//   - Without spans (scraped text that kept one empty slot per spanned column, the "padded"
//     rows) only the slots are known: an empty slot may be a blank cell or padding.
//     placePadded looks at every way of cutting the row into consecutive cells, one per column
//     (each non-empty slot starting a cell, each cell overlapping its column's area, which runs
//     from its header's slot to the next header's).
//
// Either reading is used only when it is forced: every non-empty cell lands in the same column
// in every assignment. A column that receives no non-empty cell is blank. Otherwise the row is
// flagged. Both are dynamic programmes over (column, slot) — O(columns × slots²) at worst,
// and they run only when the direct readings fail (every column filled, or every value at its
// header's own slot).

// hdr is the layout of a row's value columns: column i's header occupies slots from[i]..to[i]
// (row-relative slot indexes). Without spans to[i] is from[i+1]-1 (the last column runs to
// the end of the row).
type hdr struct {
	from, to []int
}

// layout is what a table's header says about its value columns: the slot of each column's
// header cell and, when the text carried spans, the last slot the cell covers.
type layout struct {
	from   []int
	spanTo []int // nil without spans
	// width is the number of slots of the header's rows: a row of another width is not laid
	// out on the same grid (a malformed table), and the header does not place it
	width int
	pad   *hdr
	padOK bool
}

// newLayout makes the layout of header cells at slots from (covering up to spanTo[i] when
// spanTo is not nil); nil when the cells are not in strictly increasing, non-overlapping order.
func newLayout(from, spanTo []int) *layout {
	for i := range from {
		if from[i] < 0 || i > 0 && from[i] <= from[i-1] {
			return nil
		}
		if spanTo != nil && (spanTo[i] < from[i] || i > 0 && from[i] <= spanTo[i-1]) {
			spanTo = nil // spans that overlap: read as padded text
		}
	}
	if len(from) == 0 {
		return nil
	}
	return &layout{from: from, spanTo: spanTo}
}

// padded returns the header read as padded text (each column up to the next one's header).
func (l *layout) padded() *hdr {
	if !l.padOK {
		l.pad, l.padOK = newPaddedHdr(l.from), true
	}
	return l.pad
}

// endless is the right edge of the last column's area of a padded header.
const endless = 1 << 30

// newPaddedHdr makes the layout of header cells seen at the slots starts (strictly
// increasing); nil when they are not.
func newPaddedHdr(starts []int) *hdr {
	h := &hdr{from: starts, to: make([]int, len(starts))}
	for i := range starts {
		if i > 0 && starts[i] <= starts[i-1] || starts[i] < 0 {
			return nil
		}
		if i+1 < len(starts) {
			h.to[i] = starts[i+1] - 1
		} else {
			h.to[i] = endless
		}
	}
	return h
}

// placePadded places the values of a padded row. filled[j] says whether slot base+j holds text
// (slots base … base+len(filled)-1 are the row's value region: after its label). It returns,
// for each column of h, the index j of its value; for a blank column the index of an empty slot
// that starts it (the one under its header when it can), or -1 when the row has none there. ok
// is false when no cutting fits the header or when a value could belong to two columns.
func placePadded(filled []bool, base int, h *hdr) ([]int, bool) {
	k, m := len(h.from), len(filled)
	if k == 0 || m == 0 {
		return nil, false
	}
	out := make([]int, k)
	// the direct reading: every value at its column's own header slot
	direct := h.from[0] >= base
	if direct {
		for i := range out {
			out[i] = -1
		}
		for j, f := range filled {
			if !f {
				continue
			}
			i := slotColumn(h.from, base+j)
			if i < 0 {
				direct = false
				break
			}
			out[i] = j
		}
		if direct && base+m-1 >= h.from[k-1] {
			for i := range out {
				// a blank column: its empty slot under the header, when the row has it
				if j := h.from[i] - base; out[i] < 0 && j < m {
					out[i] = j
				}
			}
			return out, true
		}
	}
	// empty(a, b): no filled slot in a..b (inclusive; true when a > b)
	pre := make([]int, m+1)
	for j, f := range filled {
		pre[j+1] = pre[j]
		if f {
			pre[j+1]++
		}
	}
	empty := func(a, b int) bool { return a > b || pre[b+1]-pre[a] == 0 }
	// F[i][p]: columns 0..i cut with column i starting at p, consistent up to p.
	// B[i][p]: columns i..k-1 cut with column i starting at p, consistent from p to the end.
	F := make([]bool, k*m)
	B := make([]bool, k*m)
	for p := 0; p < m; p++ {
		F[p] = empty(0, p-1) && base+p <= h.to[0]
	}
	for i := 1; i < k; i++ {
		for q := 0; q < m; q++ {
			if base+q > h.to[i] || base+q-1 < h.from[i-1] {
				continue
			}
			for p := q - 1; p >= 0; p-- {
				if F[(i-1)*m+p] {
					F[i*m+q] = true
					break
				}
				if filled[p] {
					break // the slots between p and q must be empty
				}
			}
		}
	}
	for p := 0; p < m; p++ {
		B[(k-1)*m+p] = empty(p+1, m-1) && base+m-1 >= h.from[k-1] && base+p <= h.to[k-1]
	}
	for i := k - 2; i >= 0; i-- {
		for p := 0; p < m; p++ {
			if base+p > h.to[i] {
				continue
			}
			for q := p + 1; q < m; q++ {
				if B[(i+1)*m+q] && base+q-1 >= h.from[i] {
					B[i*m+p] = true
					break
				}
				if filled[q] {
					break
				}
			}
		}
	}
	fits := false
	for p := 0; p < m; p++ {
		if F[(k-1)*m+p] && B[(k-1)*m+p] {
			fits = true
			break
		}
	}
	if !fits {
		return nil, false
	}
	for i := range out {
		out[i] = -1
	}
	for j, f := range filled {
		if !f {
			continue
		}
		col := -1
		for i := 0; i < k; i++ {
			if F[i*m+j] && B[i*m+j] {
				if col >= 0 {
					return nil, false // the value could belong to two columns
				}
				col = i
			}
		}
		if col < 0 {
			return nil, false
		}
		out[col] = j
	}
	for i := range out {
		// a blank column: an empty slot starting it in some cutting, under its header if can be
		if out[i] >= 0 {
			continue
		}
		for p := 0; p < m; p++ {
			if F[i*m+p] && B[i*m+p] && (out[i] < 0 || base+p == h.from[i]) {
				out[i] = p
			}
		}
	}
	return out, true
}

// slotColumn returns the column whose header sits exactly at slot s, or -1.
func slotColumn(from []int, s int) int {
	for i, f := range from {
		if f == s {
			return i
		}
		if f > s {
			break
		}
	}
	return -1
}

// spanCell is a cell of a row read with spans: it occupies slots from..to.
type spanCell struct {
	from, to int
	filled   bool
}

// placeSpans assigns the cells of a row read with spans to the columns of h (areas from
// spans too): for each column the index of its cell (a blank column gets an empty cell; -1
// when it gets none, which a valid assignment never leaves). ok is false when there is no
// assignment or when a non-empty cell could go to two columns.
func placeSpans(cells []spanCell, h *hdr) ([]int, bool) {
	k, m := len(h.from), len(cells)
	if k == 0 || m == 0 {
		return nil, false
	}
	overlap := func(i, j int) bool { return cells[j].from <= h.to[i] && cells[j].to >= h.from[i] }
	// the direct reading: as many cells as columns, each over its own column
	if m == k {
		ok := true
		for i := range k {
			if !overlap(i, i) {
				ok = false
				break
			}
		}
		if ok {
			out := make([]int, k)
			for i := range out {
				out[i] = i
			}
			// positional is then the only order-preserving assignment using every cell; with
			// no cell left over, no other assignment exists
			return out, true
		}
	}
	// F[i*m+j]: columns 0..i assigned, column i to cell j, no non-empty cell before j left
	// out; B[i*m+j]: columns i..k-1 assigned from cell j on, none after it left out.
	F := make([]bool, k*m)
	B := make([]bool, k*m)
	for j := 0; j < m && (j == 0 || !cells[j-1].filled); j++ {
		F[j] = overlap(0, j)
	}
	for i := 1; i < k; i++ {
		for j := 0; j < m; j++ {
			if !overlap(i, j) {
				continue
			}
			for q := j - 1; q >= 0; q-- {
				if F[(i-1)*m+q] {
					F[i*m+j] = true
					break
				}
				if cells[q].filled {
					break
				}
			}
		}
	}
	for j := m - 1; j >= 0 && (j == m-1 || !cells[j+1].filled); j-- {
		B[(k-1)*m+j] = overlap(k-1, j)
	}
	for i := k - 2; i >= 0; i-- {
		for j := 0; j < m; j++ {
			if !overlap(i, j) {
				continue
			}
			for q := j + 1; q < m; q++ {
				if B[(i+1)*m+q] {
					B[i*m+j] = true
					break
				}
				if cells[q].filled {
					break
				}
			}
		}
	}
	// every non-empty cell must go to exactly one column in every assignment
	out := make([]int, k)
	for i := range out {
		out[i] = -1
	}
	for j := range cells {
		if !cells[j].filled {
			continue
		}
		col := -1
		for i := 0; i < k; i++ {
			if F[i*m+j] && B[i*m+j] {
				if col >= 0 {
					return nil, false
				}
				col = i
			}
		}
		if col < 0 {
			return nil, false
		}
		out[col] = j
	}
	// the other columns are blank: any empty cell they can take (one exists in every
	// assignment through them)
	for i := range out {
		if out[i] >= 0 {
			continue
		}
		for j := range cells {
			if F[i*m+j] && B[i*m+j] {
				out[i] = j
				break
			}
		}
		if out[i] < 0 {
			return nil, false
		}
	}
	return out, true
}
