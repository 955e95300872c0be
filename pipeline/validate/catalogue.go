package validate

import (
	"strings"
	"sync"

	"xxgk/schemas"
)

// subtotal is a row that sums the rows of one group: the optional (三)(四)(五) subtotal rows,
// and other_total, which sums the three gb2021 (六) rows.
type subtotal struct {
	key   string
	parts []string
	idx   int   // row index of key
	iPart []int // row indexes of parts
}

// shape is the catalogue flattened once into the key lists the rules walk, with the Chinese
// names the messages use.
type shape struct {
	cols      []string // 7 table 3 columns, printed order
	applicant []string // the six applicant columns (cols without total)
	rows      []string // every table 3 row key of the model, catalogue order
	// results are the rows whose sum is total_handled, without the (六) rows: granted,
	// partially_granted, withheld×8, unavailable×3, rejected×5.
	results []string
	// handledParts are the rows whose sum is total_handled: results and other_total.
	handledParts []string
	otherRows    []string   // gb2021 (六) rows: other_no_correction, other_no_fee, other_other
	subtotals    []subtotal // withheld_total, unavailable_total, rejected_total (catalogue order)
	official     map[schemas.Format][]string
	t4groups     []string
	t4parts      []string // upheld, corrected, other, pending
	t4cols       []string // all 5 outcomes, catalogue order (total last)

	// The same lists as indexes into rows, cols and the table 4 outcomes, for the dense view.
	rowIdx                              map[string]int
	iNew, iOver, iHandled, iFwd, iOther int // new_received … other_total
	iTotal                              int // the total column
	iApplicant, iResults, iOtherRows    []int
	iHandledParts                       []int
	iOfficial                           map[schemas.Format][]int
	i4Parts                             []int // upheld … pending in Table4OutcomeKeys order
	i4Total                             int

	t2 map[schemas.Format][]table2Measure

	rowName map[string]string
	colName map[string]string
	t4group map[string]string
	t4out   map[string]string
	markers map[schemas.Format][]string
}

var (
	shapeOnce sync.Once
	shp       *shape
)

func catalogue() *shape {
	shapeOnce.Do(func() { shp = buildShape(schemas.Labels()) })
	return shp
}

func buildShape(c *schemas.Catalogue) *shape {
	s := &shape{
		cols:     c.Table3ColumnKeys(),
		rows:     c.Table3RowKeys(),
		official: map[schemas.Format][]string{},
		t4groups: c.Table4GroupKeys(),
		rowName:  map[string]string{},
		colName:  map[string]string{},
		t4group:  map[string]string{},
		t4out:    map[string]string{},
		markers:  map[schemas.Format][]string{},
		t2:       map[schemas.Format][]table2Measure{},
	}
	for _, k := range s.cols {
		if k != schemas.ColTotal {
			s.applicant = append(s.applicant, k)
		}
	}
	for _, k := range c.Table4OutcomeKeys() {
		if k != schemas.OutcomeTotal {
			s.t4parts = append(s.t4parts, k)
		}
	}
	s.t4cols = c.Table4OutcomeKeys()

	groupName := map[string]string{}
	for _, g := range c.Table3.Groups {
		groupName[g.Key] = g.Short()
	}
	members := map[string][]string{}
	for _, r := range c.Table3.Rows {
		if r.Group != "" {
			members[r.Group] = append(members[r.Group], r.Key)
		}
	}
	for _, r := range c.Table3.Rows {
		name := r.Short()
		switch {
		case r.Key == schemas.RowTotalHandled:
			name = "办理结果总计"
		case r.Subtotal:
			name = groupName[strings.TrimSuffix(r.Key, "_total")] + "小计"
		case r.Group != "" && r.Group != "results":
			name = groupName[r.Group] + "·" + name
		}
		s.rowName[r.Key] = name
		switch {
		case r.Subtotal:
			s.subtotals = append(s.subtotals, subtotal{key: r.Key, parts: members[strings.TrimSuffix(r.Key, "_total")]})
		case r.Group == schemas.GroupOther:
			s.otherRows = append(s.otherRows, r.Key)
		case r.Group != "":
			s.results = append(s.results, r.Key)
		}
	}
	s.handledParts = append(append([]string(nil), s.results...), schemas.RowOtherTotal)
	for _, col := range c.Table3.Columns {
		name := col.Label
		if col.Group != "" && col.Key == "other_org" {
			name = col.Group + "·" + col.Label
		}
		s.colName[col.Key] = name
	}
	for _, f := range []schemas.Format{schemas.FormatGB2019, schemas.FormatGB2021} {
		for _, r := range c.Table3Rows(f) {
			s.official[f] = append(s.official[f], r.Key)
		}
		s.markers[f] = c.Formats[f].Markers
		s.t2[f] = table2Measures(c, f)
	}
	s.index(c)
	for _, g := range c.Table4.Groups {
		s.t4group[g.Key] = g.Label
	}
	for _, o := range c.Table4.Outcomes {
		s.t4out[o.Key] = o.Label
	}
	return s
}

// index fills the index lists. The catalogue guarantees 7 columns, 3 groups and 5 outcomes;
// the row count is bounded by maxRows (a catalogue test would fail first).
func (s *shape) index(c *schemas.Catalogue) {
	if len(s.rows) > maxRows {
		panic("validate: labels.yaml has more table 3 rows than maxRows")
	}
	s.rowIdx = make(map[string]int, len(s.rows))
	for i, k := range s.rows {
		s.rowIdx[k] = i
	}
	rows := func(keys []string) []int {
		out := make([]int, len(keys))
		for i, k := range keys {
			out[i] = s.rowIdx[k]
		}
		return out
	}
	s.iNew, s.iOver, s.iHandled = s.rowIdx[schemas.RowNewReceived], s.rowIdx[schemas.RowCarriedOver], s.rowIdx[schemas.RowTotalHandled]
	s.iFwd, s.iOther = s.rowIdx[schemas.RowCarriedForward], s.rowIdx[schemas.RowOtherTotal]
	for i, k := range s.cols {
		if k == schemas.ColTotal {
			s.iTotal = i
		} else {
			s.iApplicant = append(s.iApplicant, i)
		}
	}
	s.iResults, s.iOtherRows, s.iHandledParts = rows(s.results), rows(s.otherRows), rows(s.handledParts)
	for i := range s.subtotals {
		s.subtotals[i].idx = s.rowIdx[s.subtotals[i].key]
		s.subtotals[i].iPart = rows(s.subtotals[i].parts)
	}
	s.iOfficial = map[schemas.Format][]int{}
	for f, keys := range s.official {
		s.iOfficial[f] = rows(keys)
	}
	for i, k := range c.Table4OutcomeKeys() {
		if k == schemas.OutcomeTotal {
			s.i4Total = i
		} else {
			s.i4Parts = append(s.i4Parts, i)
		}
	}
}

// Names used in messages.

func tableName(t string) string {
	switch t {
	case schemas.Table2:
		return "表二"
	case schemas.Table3:
		return "表三"
	case schemas.Table4:
		return "表四"
	}
	return t
}

func (s *shape) row(k string) string {
	if n, ok := s.rowName[k]; ok {
		return n
	}
	return k
}

func (s *shape) col(k string) string {
	if n, ok := s.colName[k]; ok {
		return n
	}
	return k
}

func (s *shape) group4(k string) string {
	if n, ok := s.t4group[k]; ok {
		return n
	}
	return k
}

func (s *shape) outcome4(k string) string {
	if n, ok := s.t4out[k]; ok {
		return n
	}
	return k
}

// table2Measure is one measure of one table 2 item of a format, with what R5 allows.
type table2Measure struct {
	item, measure    string
	itemLabel, label string // 行政许可, 本年增/减
	signed, decimal  bool
	name             string // “行政许可”“本年增/减”
}

func table2Measures(c *schemas.Catalogue, f schemas.Format) []table2Measure {
	var out []table2Measure
	for _, it := range c.Table2Items(f) {
		for _, m := range it.Measures {
			t := table2Measure{item: it.Key, itemLabel: it.Label, measure: m, label: m, name: "“" + it.Label + "”“" + m + "”"}
			if ml := c.Measure(m); ml != nil {
				t.signed, t.decimal = ml.Signed, ml.Decimal
				t.label = ml.Label
				t.name = "“" + it.Label + "”“" + ml.Label + "”"
			}
			out = append(out, t)
		}
	}
	return out
}

// inFormat reports whether measure is one of item's measures in format f.
func (s *shape) inFormat(f schemas.Format, item, measure string) bool {
	for _, m := range s.t2[f] {
		if m.item == item && m.measure == measure {
			return true
		}
	}
	return false
}

// t2item returns the label of a table 2 item in format f.
func (s *shape) t2item(f schemas.Format, item string) string {
	for _, m := range s.t2[f] {
		if m.item == item {
			return m.itemLabel
		}
	}
	return item
}

func formatName(f schemas.Format) string {
	switch f {
	case schemas.FormatGB2019:
		return "2019年版（国办公开办函〔2019〕60号）"
	case schemas.FormatGB2021:
		return "2021年版（国办公开办函〔2021〕30号）"
	}
	return string(f)
}
