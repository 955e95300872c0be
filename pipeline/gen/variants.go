package gen

import (
	"math/rand/v2"
	"strings"

	"xxgk/schemas"
)

// More printing variants of report-format.md ("What the text looks like"): unit-bearing
// counts in tables 3 and 4 (3件, 12件次), dash cells there (—, /, 无), signed changes in
// table 2 (+12, －3), header words broken by a line break inside their cell, brackets and
// separators varied label by label, double-spaced paragraphs and a title over two lines.
// They are drawn from a random stream of their own, so adding them left every other choice
// of the corpus as it was.

// moreVariants applies the variants to d (its gold and printing options) and returns their
// trait names. vr is the report's variant; d.Shape and d.Opts are already chosen.
func moreVariants(rng *rand.Rand, d *Doc, vr variant) []string {
	var traits []string
	r := d.Gold
	ko := catKeys()

	// unit-bearing counts: every printed number of table 3 and/or table 4
	if rng.Float64() < 0.05 {
		unit := []string{"件", "件", "件次"}[rng.IntN(3)]
		which := rng.IntN(3) // 0 table 3, 1 table 4, 2 both
		addUnit := func(g schemas.Grid) {
			for rk, row := range g {
				for ck, c := range row {
					if c.State == schemas.StateNumber && c.Text == "" {
						c.Text = c.Value.String() + unit
						g.Set(rk, ck, c)
					}
				}
			}
		}
		if which != 1 {
			addUnit(r.Table3)
		}
		if which != 0 {
			addUnit(r.Table4)
		}
		traits = append(traits, "units")
	}

	// dashes for "none" in a few zero cells of table 3 (a withheld, unavailable or rejected
	// row, an applicant column) or table 4 (a part, not a total). Not in reports with an
	// injected fault (the validator skips every equation a dash is in, so a fault there
	// would go unseen) nor with blank totals (a total is not derived over a dash).
	if vr.fault == FaultNone && !vr.blankTotals && rng.Float64() < 0.04 {
		dash := []string{"—", "/", "无", "-"}[rng.IntN(4)]
		n := 1 + rng.IntN(3)
		var t3cells, t4cells [][2]string
		for _, o := range ko.outcomes[2:ko.nResults] {
			for _, col := range ko.applicant {
				if c, ok := r.Table3.Get(o, col); ok && c.Value == 0 && c.State != schemas.StateDash {
					t3cells = append(t3cells, [2]string{o, col})
				}
			}
		}
		for _, grp := range ko.t4groups {
			for _, o := range ko.t4parts {
				if c, ok := r.Table4.Get(grp, o); ok && c.Value == 0 {
					t4cells = append(t4cells, [2]string{grp, o})
				}
			}
		}
		put := func(g schemas.Grid, cells [][2]string, name string) {
			if len(cells) == 0 {
				return
			}
			for range n {
				k := cells[rng.IntN(len(cells))]
				g.Set(k[0], k[1], schemas.Cell{State: schemas.StateDash, Text: dash})
			}
			traits = append(traits, name)
		}
		switch rng.IntN(3) {
		case 0:
			put(r.Table3, t3cells, "dash-t3")
		case 1:
			put(r.Table4, t4cells, "dash-t4")
		default:
			put(r.Table3, t3cells, "dash-t3")
			put(r.Table4, t4cells, "dash-t4")
		}
	}

	// signs on table 2's changes (gb2019): +12 is drawn with the table; here some reports
	// print the signs full-width (＋12, －3)
	signed := false
	full := rng.IntN(4) == 0
	for _, row := range r.Table2 {
		for ck, c := range row {
			if ck != "change" || c.State != schemas.StateNumber {
				continue
			}
			switch {
			case strings.HasPrefix(c.Text, "+"):
				signed = true
				if full {
					c.Text = "＋" + c.Text[1:]
				}
			case c.Value < 0:
				signed = true
				if full {
					c.Text = "－" + (-c.Value).String()
				}
			}
			row[ck] = c
		}
	}
	if signed {
		traits = append(traits, "signed")
	}

	o := &d.Opts
	switch d.Shape {
	case ShapeParagraphs:
		if rng.IntN(3) == 0 {
			o.DoubleSpaced = true
			traits = append(traits, "double-spaced")
		}
	}
	switch d.Shape {
	case ShapeCells, ShapeParagraphs, ShapeMarkdown, ShapeHTML:
		// header words broken inside their cell (with double spacing too: the break is a line
		// break, not a blank line)
		if rng.IntN(5) == 0 {
			o.SplitLines = true
			traits = append(traits, "split-lines")
		}
	}
	if !o.HalfWidth && !o.FullWidth && rng.IntN(4) == 0 {
		o.MixBrackets = true
		traits = append(traits, "mixed-brackets")
	}
	switch rng.IntN(12) {
	case 0:
		o.Enum = "，"
		traits = append(traits, "enum-comma")
	case 1:
		o.NumSep = "，"
		traits = append(traits, "row-comma")
	}
	if r.Title != "" && rng.IntN(8) == 0 {
		o.TitleBreak = 1 + rng.IntN(2)
		traits = append(traits, "split-title")
	}
	// the shapes of issue 13 (shapes.go), from a stream of their own so that every choice
	// above stays as it was
	traits = append(traits, moreShapes(rand.New(rand.NewPCG(rng.Uint64(), 13)), d, vr, traits)...)
	return traits
}
