package parse

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// bruteCuts is the reference for placePadded: every choice of k starting slots among m, kept
// when the slots before the first are empty, every filled slot starts a cell and every cell
// overlaps its column's area. It returns the distinct placements of the filled slots
// (column per filled slot, printed) and whether any cutting fits.
func bruteCuts(filled []bool, base int, h *hdr) map[string][]int {
	k, m := len(h.from), len(filled)
	out := map[string][]int{}
	starts := make([]int, k)
	var rec func(i, from int)
	rec = func(i, from int) {
		if i == k {
			for j := 0; j < starts[0]; j++ {
				if filled[j] {
					return
				}
			}
			col := make([]int, k)
			for c := range col {
				col[c] = -1
			}
			for c := 0; c < k; c++ {
				end := m - 1
				if c+1 < k {
					end = starts[c+1] - 1
				}
				if base+starts[c] > h.to[c] || base+end < h.from[c] {
					return
				}
				for j := starts[c] + 1; j <= end; j++ {
					if filled[j] {
						return
					}
				}
				if filled[starts[c]] {
					col[c] = starts[c]
				}
			}
			key := ""
			for _, x := range col {
				key += string(rune('a'+x+1)) + ","
			}
			out[key] = col
			return
		}
		for p := from; p < m; p++ {
			starts[i] = p
			rec(i+1, p+1)
		}
	}
	if k > 0 && k <= m {
		rec(0, 0)
	}
	return out
}

// FuzzPlacePadded: placePadded never panics, and it places a row exactly when the brute force
// finds cuttings that all put the filled slots in the same columns, with that placement.
func FuzzPlacePadded(f *testing.F) {
	f.Add([]byte{0, 1, 0, 1}, []byte{1, 2, 4}, uint8(1))
	f.Add([]byte{0, 1, 0, 0}, []byte{1, 3}, uint8(1))
	f.Add([]byte{1, 0, 1, 1, 0, 1, 1, 1}, []byte{3, 4, 5, 6, 7, 8, 9}, uint8(3))
	f.Add([]byte{0, 0, 0}, []byte{1}, uint8(1))
	f.Fuzz(func(t *testing.T, fill, starts []byte, b uint8) {
		if len(fill) > 12 || len(starts) > 8 {
			return
		}
		filled := make([]bool, len(fill))
		for i, x := range fill {
			filled[i] = x&1 == 1
		}
		from := make([]int, len(starts))
		for i, s := range starts {
			from[i] = int(s % 16)
		}
		h := newPaddedHdr(from)
		if h == nil || len(from) == 0 {
			return
		}
		base := int(b % 8)
		got, ok := placePadded(filled, base, h)
		want := bruteCuts(filled, base, h)
		if ok != (len(want) == 1) {
			t.Fatalf("filled %v base %d starts %v: ok %v, brute %v", filled, base, from, ok, want)
		}
		if !ok {
			return
		}
		for _, w := range want {
			for c := range w {
				if w[c] >= 0 && got[c] != w[c] || w[c] < 0 && got[c] >= 0 && filled[got[c]] {
					t.Fatalf("filled %v base %d starts %v: got %v, brute %v", filled, base, from, got, w)
				}
			}
		}
	})
}

// bruteAssign is the reference for placeSpans: every order-preserving choice of one cell per
// column, kept when each chosen cell overlaps its column and every filled cell is chosen.
func bruteAssign(cells []spanCell, h *hdr) map[string][]int {
	k, m := len(h.from), len(cells)
	out := map[string][]int{}
	pick := make([]int, k)
	var rec func(i, from int)
	rec = func(i, from int) {
		if i == k {
			chosen := map[int]bool{}
			for c, j := range pick {
				if cells[j].from > h.to[c] || cells[j].to < h.from[c] {
					return
				}
				chosen[j] = true
			}
			col := make([]int, k)
			key := ""
			for j := range cells {
				if cells[j].filled && !chosen[j] {
					return
				}
			}
			for c, j := range pick {
				col[c] = -1
				if cells[j].filled {
					col[c] = j
				}
				key += string(rune('a'+col[c]+1)) + ","
			}
			out[key] = col
			return
		}
		for j := from; j < m; j++ {
			pick[i] = j
			rec(i+1, j+1)
		}
	}
	if k > 0 && k <= m {
		rec(0, 0)
	}
	return out
}

// FuzzPlaceSpans: placeSpans never panics, and it assigns a row exactly when the brute force
// finds assignments that all give each filled cell the same column.
func FuzzPlaceSpans(f *testing.F) {
	f.Add([]byte{2, 1, 1}, []byte{1, 1, 1, 2, 1}, []byte{1, 1, 1}) // 行政许可 | 0@2 | 0 | 0
	f.Add([]byte{1, 3}, []byte{2, 2}, []byte{0, 1})                // blank, then 251000元@3
	f.Add([]byte{4}, []byte{4}, []byte{1})                         // one value over four columns
	f.Add([]byte{1, 1, 1, 1}, []byte{1, 2, 1}, []byte{1, 1, 1, 0}) // a trailing empty cell
	f.Fuzz(func(t *testing.T, cellSpans, headSpans, fill []byte) {
		if len(cellSpans) > 8 || len(headSpans) > 6 {
			return
		}
		var cells []spanCell
		at := 1
		for i, s := range cellSpans {
			n := int(s%4) + 1
			cells = append(cells, spanCell{from: at, to: at + n - 1, filled: i < len(fill) && fill[i]&1 == 1})
			at += n
		}
		h := &hdr{}
		at = 1
		for _, s := range headSpans {
			n := int(s%4) + 1
			h.from = append(h.from, at)
			h.to = append(h.to, at+n-1)
			at += n
		}
		if len(cells) == 0 || len(h.from) == 0 {
			return
		}
		got, ok := placeSpans(cells, h)
		want := bruteAssign(cells, h)
		// distinct placements of the filled cells
		distinct := map[string]bool{}
		for _, w := range want {
			distinct[keyOf(w)] = true
		}
		if ok != (len(distinct) == 1) {
			t.Fatalf("cells %+v head %+v: ok %v, brute %v", cells, h, ok, want)
		}
		if !ok {
			return
		}
		for _, w := range want {
			for c := range w {
				if w[c] >= 0 && got[c] != w[c] || w[c] < 0 && cells[got[c]].filled {
					t.Fatalf("cells %+v head %+v: got %v, brute %v", cells, h, got, w)
				}
			}
		}
	})
}

func keyOf(col []int) string {
	var b strings.Builder
	for _, x := range col {
		b.WriteRune(rune('a' + x + 1))
	}
	return b.String()
}

// FuzzSplitRun: splitRun never panics; every split it returns has k cells that join back to
// the run, are counts as printed or dashes and obey the group rule; on short runs of digits
// and dash marks it finds exactly the brute force's splits.
func FuzzSplitRun(f *testing.F) {
	f.Add("312010034", uint8(7), uint8(7))
	f.Add("000000000000000", uint8(15), uint8(5))
	f.Add("1234", uint8(3), uint8(0))
	f.Add("12a4", uint8(3), uint8(0))
	f.Add("99999999999999999999999999999", uint8(7), uint8(7))
	// dash marks run together (issue 13 part 3)
	f.Add("///", uint8(2), uint8(0))
	f.Add("1——12", uint8(3), uint8(0))
	f.Add("1—1000—11", uint8(6), uint8(2))
	f.Add("0000—000000—000", uint8(14), uint8(1))
	f.Add("—————————————————————————————000000000000000000000000000000", uint8(14), uint8(1))
	f.Add("无无/／\\－–―─‐‑−1", uint8(6), uint8(0))
	f.Fuzz(func(t *testing.T, d string, kk, gg uint8) {
		k := int(kk%16) + 1
		group := []int{0, 5, 7}[int(gg)%3]
		if group > 0 && k%group != 0 {
			group = 0
		}
		splits, out := splitRun(d, k, group)
		if out == runTooMany && len(splits) <= maxCandidates && len(splits) > 0 {
			// the budget ran out before the cap: allowed, but never on runs within the limits
			if len(d) <= 16 {
				t.Fatalf("%q: budget exhausted on a short run", d)
			}
		}
		if out != runSplit && out != runTooMany && len(splits) > 0 {
			t.Fatalf("%q: outcome %d with splits", d, out)
		}
		for _, cuts := range splits {
			if len(cuts) != k+1 || cuts[0] != 0 || cuts[k] != len(d) {
				t.Fatalf("%q: cuts %v", d, cuts)
			}
			texts, vals := cellsOf(d, cuts)
			if strings.Join(texts, "") != d {
				t.Fatalf("%q: cells %v", d, texts)
			}
			for _, c := range texts {
				dash := c != "" && (strings.Trim(c, "-—–－―─‐‑−") == "" || c == "/" || c == "／" || c == "\\" || c == "无")
				if !dash && (c == "" || len(c) > maxCellDigits || len(c) > 1 && c[0] == '0' || !isDigits(c)) {
					t.Fatalf("%q: cell %q", d, c)
				}
			}
			for g := 0; group > 0 && g < k; g += group {
				var s int64
				for i := g; i < g+group-1; i++ {
					s += vals[i]
				}
				if s != vals[g+group-1] {
					t.Fatalf("%q: group %d does not sum: %v", d, g/group, texts)
				}
			}
		}
		if n := utf8.RuneCountInString(d); isRun(d) && n <= 16 && n <= runLimit(k) {
			want := bruteRunSplits(d, k, group)
			switch {
			case len(want) > maxCandidates:
				if out != runTooMany {
					t.Fatalf("%q k%d: %d splits, outcome %d", d, k, len(want), out)
				}
			case strings.Join(want, ";") != strings.Join(splitStrings(d, splits), ";"):
				t.Fatalf("%q k%d g%d: got %v, want %v", d, k, group, splitStrings(d, splits), want)
			}
		}
	})
}
