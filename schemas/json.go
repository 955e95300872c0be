package schemas

import (
	"encoding/json"
	"fmt"
	"sort"
)

// The JSON form of a report is the contract of `xxgk parse --json` and of the generator's gold
// files. Number maps carry the values (blank cells as 0, dash cells as null, missing cells
// omitted); `cells` carries the state and source line of every cell.

type cellsJSON struct {
	Table2 Grid  `json:"table2"`
	Table3 Grid  `json:"table3"`
	Table4 Grid  `json:"table4"`
	Fee    *Cell `json:"fees_collected_yuan,omitempty"`
}

type reportJSON struct {
	Source     string                     `json:"source,omitempty"`
	Encoding   string                     `json:"encoding,omitempty"`
	Kind       string                     `json:"kind,omitempty"`
	Title      string                     `json:"title"`
	Body       string                     `json:"body"`
	Year       int                        `json:"year"`
	Format     Format                     `json:"format"`
	Scope      Scope                      `json:"scope"`
	Region     Region                     `json:"region"`
	Status     string                     `json:"status"`
	Table2     map[string]map[string]*Dec `json:"table2"`
	Table3     map[string]map[string]*Dec `json:"table3"`
	Table4     map[string]map[string]*Dec `json:"table4"`
	Fee        *Dec                       `json:"fees_collected_yuan"`
	Cells      cellsJSON                  `json:"cells"`
	Sections   []Section                  `json:"sections,omitempty"`
	Statements []Statement                `json:"statements,omitempty"`
	Markers    map[Format][]string        `json:"markers,omitempty"`
	Checks     []Check                    `json:"checks"`
	Problems   []Problem                  `json:"problems"`
}

// Numbers returns the number map of a grid: blank → 0, dash → nil, missing → omitted.
func (g Grid) Numbers() map[string]map[string]*Dec {
	out := make(map[string]map[string]*Dec, len(g))
	for rk, row := range g {
		m := make(map[string]*Dec, len(row))
		for ck, c := range row {
			switch {
			case c.HasValue():
				v := c.Value
				m[ck] = &v
			case c.State == StateDash:
				m[ck] = nil
			}
		}
		if len(m) > 0 {
			out[rk] = m
		}
	}
	return out
}

// MarshalJSON writes the report in the spec's JSON form.
func (r *Report) MarshalJSON() ([]byte, error) {
	j := reportJSON{
		Source: r.Source, Encoding: r.Encoding, Kind: r.Kind, Title: r.Title, Body: r.Body, Year: r.Year, Format: r.Format,
		Scope: r.Scope, Region: r.Region, Status: r.Status,
		Table2: r.Table2.Numbers(), Table3: r.Table3.Numbers(), Table4: r.Table4.Numbers(),
		Cells:    cellsJSON{Table2: nonNil(r.Table2), Table3: nonNil(r.Table3), Table4: nonNil(r.Table4)},
		Sections: r.Sections, Statements: r.Statements, Markers: r.Markers, Checks: r.Checks, Problems: r.Problems,
	}
	if r.Fee.HasValue() {
		v := r.Fee.Value
		j.Fee = &v
	}
	if r.Fee.State != "" && r.Fee.State != StateMissing {
		fc := r.Fee
		j.Cells.Fee = &fc
	}
	if j.Checks == nil {
		j.Checks = []Check{}
	}
	if j.Problems == nil {
		j.Problems = []Problem{}
	}
	return json.Marshal(j)
}

func nonNil(g Grid) Grid {
	if g == nil {
		return Grid{}
	}
	return g
}

// UnmarshalJSON reads the spec's JSON form back (gold files, saved parses).
func (r *Report) UnmarshalJSON(b []byte) error {
	var j reportJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = Report{
		Source: j.Source, Encoding: j.Encoding, Kind: j.Kind, Title: j.Title, Body: j.Body, Year: j.Year, Format: j.Format,
		Scope: j.Scope, Region: j.Region, Status: j.Status,
		Sections: j.Sections, Statements: j.Statements, Markers: j.Markers, Checks: j.Checks, Problems: j.Problems,
	}
	var err error
	if r.Table2, err = joinGrid(Table2, j.Table2, j.Cells.Table2); err != nil {
		return err
	}
	if r.Table3, err = joinGrid(Table3, j.Table3, j.Cells.Table3); err != nil {
		return err
	}
	if r.Table4, err = joinGrid(Table4, j.Table4, j.Cells.Table4); err != nil {
		return err
	}
	r.Fee = Cell{State: StateMissing}
	if j.Cells.Fee != nil {
		r.Fee = *j.Cells.Fee
	}
	if j.Fee != nil {
		r.Fee.Value = *j.Fee
		if r.Fee.State == StateMissing {
			r.Fee.State = StateNumber
		}
	}
	return nil
}

// joinGrid rebuilds a grid from its number map and its cell map. A number without a cell
// entry is taken as a printed number.
func joinGrid(table string, nums map[string]map[string]*Dec, cells Grid) (Grid, error) {
	g := Grid{}
	for rk, row := range cells {
		for ck, c := range row {
			if v, ok := nums[rk][ck]; ok && v != nil {
				c.Value = *v
			} else if c.HasValue() && c.State != StateBlank {
				return nil, fmt.Errorf("%s.%s.%s: state %s without a number", table, rk, ck, c.State)
			}
			g.Set(rk, ck, c)
		}
	}
	for rk, row := range nums {
		for ck, v := range row {
			if _, ok := g.Get(rk, ck); ok {
				continue
			}
			if v == nil {
				g.Set(rk, ck, Cell{State: StateDash})
			} else {
				g.Set(rk, ck, Cell{State: StateNumber, Value: *v})
			}
		}
	}
	return g, nil
}

// DiffNumbers lists every difference between the numbers of two reports (values and cell
// states of tables 2–4 and the fee), as "table3.granted.total: want 8 (number), got 7 (number)".
// Provenance (lines, texts) is not compared. An empty result means the numbers are equal.
func DiffNumbers(want, got *Report) []string {
	var out []string
	for _, t := range []string{Table2, Table3, Table4} {
		out = append(out, diffGrid(t, want.Table(t), got.Table(t))...)
	}
	if want.Fee.State != got.Fee.State || (want.Fee.HasValue() && want.Fee.Value != got.Fee.Value) {
		out = append(out, fmt.Sprintf("fees_collected_yuan: want %s (%s), got %s (%s)",
			want.Fee.Value, want.Fee.State, got.Fee.Value, got.Fee.State))
	}
	return out
}

func diffGrid(table string, want, got Grid) []string {
	var out []string
	seen := map[[2]string]bool{}
	for rk, row := range want {
		for ck, w := range row {
			seen[[2]string{rk, ck}] = true
			g, ok := got.Get(rk, ck)
			if !ok {
				g = Cell{State: StateMissing}
			}
			if sameValue(w, g) {
				continue
			}
			out = append(out, fmt.Sprintf("%s.%s.%s: want %s (%s), got %s (%s) %q line %d",
				table, rk, ck, w.Value, w.State, g.Value, g.State, g.Text, g.Line))
		}
	}
	for rk, row := range got {
		for ck, g := range row {
			if seen[[2]string{rk, ck}] || g.State == StateMissing {
				continue
			}
			out = append(out, fmt.Sprintf("%s.%s.%s: not expected, got %s (%s) %q line %d",
				table, rk, ck, g.Value, g.State, g.Text, g.Line))
		}
	}
	sort.Strings(out)
	return out
}

func sameValue(w, g Cell) bool {
	if w.State != g.State {
		return false
	}
	return !w.HasValue() || w.Value == g.Value
}
