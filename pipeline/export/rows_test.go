package export

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"xxgk/pipeline/store"
	"xxgk/schemas"
)

// TestRowColumnsInCatalogueOrder: the applicant columns of table 3 and the outcomes of table 4
// are fields in the catalogue's order, which the official grid lays out by index.
func TestRowColumnsInCatalogueOrder(t *testing.T) {
	c3, err := store.Columns[table3Row]()
	if err != nil {
		t.Fatal(err)
	}
	if want := append([]string{"row_key"}, schemas.Labels().Table3ColumnKeys()...); !slices.Equal(c3, want) {
		t.Errorf("table3Row columns %v, catalogue %v", c3, want)
	}
	c4, err := store.Columns[table4Row]()
	if err != nil {
		t.Fatal(err)
	}
	if want := append([]string{"group_key"}, schemas.Labels().Table4OutcomeKeys()...); !slices.Equal(c4, want) {
		t.Errorf("table4Row columns %v, catalogue %v", c4, want)
	}
	// values() returns each field at its column's index: fill field i with i+1
	r3 := table3Row{}
	v3 := reflect.ValueOf(&r3).Elem()
	for i := 2; i < v3.NumField(); i++ {
		n := int64(i - 1)
		v3.Field(i).Set(reflect.ValueOf(&n))
	}
	for i, v := range r3.values() {
		if v.i != int64(i+1) {
			t.Errorf("table3Row.values()[%d] = %d, want %d", i, v.i, i+1)
		}
	}
	r4 := table4Row{}
	v4 := reflect.ValueOf(&r4).Elem()
	for i := 2; i < v4.NumField(); i++ {
		n := int64(i - 1)
		v4.Field(i).Set(reflect.ValueOf(&n))
	}
	for i, v := range r4.values() {
		if v.i != int64(i+1) {
			t.Errorf("table4Row.values()[%d] = %d, want %d", i, v.i, i+1)
		}
	}
}

// fixture is a hand-built summary: every measure of the region a distinct number (field i of
// Figures holds 1000+i, rates 0.5+i/100), review and litigation as given.
func fixture(review, litigation int64) *Summary {
	cur := &RegionYear{Level: "province", RegionCode: "21", Year: 2024, Basis: "bodies", CountyCount: 3, CountedReportCount: 40,
		OwnReportCount: 7, AreaBasisCount: 1, GB2021ReportCount: 40}
	v := reflect.ValueOf(&cur.Figures).Elem()
	for i := range v.NumField() {
		switch v.Field(i).Interface().(type) {
		case *int64:
			n := int64(1000 + i)
			v.Field(i).Set(reflect.ValueOf(&n))
		case *float64:
			x := 0.5 + float64(i)/100
			v.Field(i).Set(reflect.ValueOf(&x))
		}
	}
	cur.ReviewCount, cur.LitigationCount = &review, &litigation
	return &Summary{Region: Region{Code: "21", Name: "辽宁省", Level: "province"}, Year: 2024, Cur: cur,
		Formats: map[schemas.Format]int{schemas.FormatGB2021: 40}}
}

// TestDraftFiguresAreColumns runs every sentence, both ways round review and litigation:
// each figure named in them is a column (an unknown name panics), and each prints the number
// the fixture put in that column.
func TestDraftFiguresAreColumns(t *testing.T) {
	for _, c := range []struct{ review, litigation int64 }{{0, 0}, {12, 3}} {
		s := fixture(c.review, c.litigation)
		var text []string
		for _, sn := range s.drafts() {
			for _, g := range sn.segs {
				if g.fig == nil {
					continue
				}
				text = append(text, g.fig.text)
				if g.fig.view != "analytics.region_years" || g.fig.year != 2024 {
					continue
				}
				idx, ok := regionYearFields[g.fig.column]
				if !ok {
					t.Errorf("figure of column %q: no such column", g.fig.column)
					continue
				}
				var want string
				switch x := reflect.ValueOf(s.Cur).Elem().FieldByIndex(idx).Interface().(type) {
				case *int64:
					want = fmt.Sprintf("%d", *x)
				case int64:
					want = fmt.Sprintf("%d", x)
				case *float64:
					want = fmt.Sprintf("%.1f%%", *x*100)
				}
				if got := strings.ReplaceAll(g.fig.text, ",", ""); got != want {
					t.Errorf("review %d: %s printed %q, want %s", c.review, g.fig.column, g.fig.text, want)
				}
			}
		}
		joined := strings.Join(text, " ")
		// review_upheld_count is field 11 of Figures: 1,011 — only in the sentence for a year with reviews
		if has := strings.Contains(joined, "1,011"); has != (c.review > 0) {
			t.Errorf("review %d: review_upheld_count in the sentences: %v (%s)", c.review, has, joined)
		}
		for _, h := range s.headlines() {
			if h.value == "—" {
				t.Errorf("headline %s: no value", h.label)
			}
		}
	}
}

func TestGetUnknownColumnPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), `"requests_cnt"`) {
			t.Errorf("recovered %v, want a panic naming requests_cnt", r)
		}
	}()
	s := fixture(0, 0)
	s.Cur.Get("requests_cnt")
}

// TestValPrintsExactly: counts and decimals print from their exact value, rates from the
// float; the workbook gets whole numbers as int64.
func TestValPrintsExactly(t *testing.T) {
	d := func(s string) *schemas.Dec {
		v, err := schemas.ParseDec(s)
		if err != nil {
			t.Fatal(err)
		}
		return &v
	}
	f := func(x float64) *float64 { return &x }
	big := int64(9007199254740993) // 2^53+1: not a float64
	for _, tc := range []struct {
		v    Val
		text string
		cell any
	}{
		{countVal(1234567), "1,234,567", int64(1234567)},
		{countVal(-42), "-42", int64(-42)},
		{countVal(big), "9,007,199,254,740,993", float64(big)},
		{count(nil), "—", nil},
		{dec(d("12.3456")), "12.3456", 12.3456},
		{dec(d("-0.5")), "-0.5", -0.5},
		{dec(d("1000")), "1,000", int64(1000)},
		{rate(f(0.8125)), "0.8125", 0.8125},
		{rate(f(3)), "3", int64(3)},
		{rate(nil), "—", nil},
	} {
		if got := fmtNum(tc.v); got != tc.text {
			t.Errorf("fmtNum(%+v) = %q, want %q", tc.v, got, tc.text)
		}
		if !tc.v.OK {
			continue
		}
		if got := number(tc.v); got != tc.cell {
			t.Errorf("number(%+v) = %#v, want %#v", tc.v, got, tc.cell)
		}
	}
}
