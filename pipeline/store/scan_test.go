package store_test

import (
	"context"
	"math/big"
	"strings"
	"testing"
	"time"

	"xxgk/pipeline/store"
	"xxgk/schemas"
)

// figures is embedded: its fields are columns of the outer row.
type figures struct {
	Requests *int64   `col:"requests_count"`
	Rate     *float64 `col:"disclosure_rate"`
}

type scanRow struct {
	_       struct{}     `view:"analytics.things"`
	Code    string       `col:"code"`
	Year    int          `col:"year"`
	Big     int64        `col:"big"`
	Fee     *schemas.Dec `col:"fee"`
	OK      bool         `col:"ok"`
	Name    *string      `col:"name"`
	At      time.Time    `col:"at"`
	Ignored string       `col:"-"`
	figures
}

func TestScanAllConverts(t *testing.T) {
	at := time.Date(2024, 3, 31, 8, 0, 0, 0, time.UTC)
	rows := &store.Rows{
		Columns: []string{"year", "code", "big", "fee", "ok", "name", "at", "requests_count", "disclosure_rate"},
		Rows: [][]any{
			{int32(2024), "211321", big.NewInt(1 << 40), store.Decimal{Value: "-123450", Scale: 4}, true, "朝阳县", at, int64(7), 0.8125},
			{int32(2023), "211322", store.Decimal{Value: "1200", Scale: 2}, nil, false, nil, at, nil, nil},
			{int32(2022), "211324", uint64(5), int64(3), false, "", at, uint8(0), 1.0},
		},
	}
	got, err := store.ScanAll[scanRow](rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d rows", len(got))
	}
	g := got[0]
	if g.Code != "211321" || g.Year != 2024 || g.Big != 1<<40 || g.Fee == nil || g.Fee.String() != "-12.345" || !g.OK ||
		g.Name == nil || *g.Name != "朝阳县" || !g.At.Equal(at) || g.Requests == nil || *g.Requests != 7 || g.Rate == nil || *g.Rate != 0.8125 {
		t.Errorf("row 1: %+v", g)
	}
	g = got[1]
	if g.Big != 12 || g.Fee != nil || g.Name != nil || g.Requests != nil || g.Rate != nil || g.OK {
		t.Errorf("row 2 (NULLs, a whole DECIMAL into int64): %+v", g)
	}
	g = got[2]
	if g.Big != 5 || g.Fee == nil || *g.Fee != schemas.DecInt(3) || g.Name == nil || *g.Name != "" || g.Requests == nil || *g.Requests != 0 {
		t.Errorf("row 3 (an integer into Dec, an empty string is not NULL, 0 is not NULL): %+v", g)
	}
	cols, err := store.Columns[scanRow]()
	if err != nil || strings.Join(cols, ",") != "code,year,big,fee,ok,name,at,requests_count,disclosure_rate" {
		t.Errorf("Columns: %v %v", cols, err)
	}
}

// TestScanAllRefuses: every mismatch is an error naming the column, never a zero.
func TestScanAllRefuses(t *testing.T) {
	type small struct {
		Code  string       `col:"code"`
		N     int64        `col:"n"`
		Money *schemas.Dec `col:"money"`
		Rate  *float64     `col:"rate"`
		Small int32        `col:"small"`
	}
	base := func() *store.Rows {
		return &store.Rows{Columns: []string{"code", "n", "money", "rate", "small"},
			Rows: [][]any{{"a", int64(1), store.Decimal{Value: "150", Scale: 2}, 0.5, int32(1)}}}
	}
	if _, err := store.ScanAll[small](base()); err != nil {
		t.Fatalf("the base case: %v", err)
	}
	for _, tc := range []struct {
		name string
		edit func(r *store.Rows)
		want string
	}{
		{"misspelt column in the result", func(r *store.Rows) { r.Columns[1] = "nn" }, "column nn"},
		{"column missing from the result", func(r *store.Rows) { r.Columns, r.Rows[0] = r.Columns[:4], r.Rows[0][:4] }, "no column small"},
		{"column twice", func(r *store.Rows) { r.Columns[4] = "n" }, "column n twice"},
		{"NULL into a count", func(r *store.Rows) { r.Rows[0][1] = nil }, "column n: NULL"},
		{"NULL into text", func(r *store.Rows) { r.Rows[0][0] = nil }, "column code: NULL"},
		{"a DOUBLE into a Dec", func(r *store.Rows) { r.Rows[0][2] = 1.5 }, "column money: float64 1.5 into schemas.Dec"},
		{"five decimals into a Dec", func(r *store.Rows) { r.Rows[0][2] = store.Decimal{Value: "123456", Scale: 5} }, "column money: DECIMAL 1.23456"},
		{"a fraction into a count", func(r *store.Rows) { r.Rows[0][1] = store.Decimal{Value: "15", Scale: 1} }, "column n: DECIMAL 1.5 is not a whole number"},
		{"a HUGEINT out of range", func(r *store.Rows) { r.Rows[0][1] = new(big.Int).Lsh(big.NewInt(1), 70) }, "column n: 1180591620717411303424 does not fit int64"},
		{"uint64 out of range", func(r *store.Rows) { r.Rows[0][1] = uint64(1 << 63) }, "column n: 9223372036854775808 does not fit int64"},
		{"int32 overflow", func(r *store.Rows) { r.Rows[0][4] = int64(1 << 40) }, "column small: 1099511627776 does not fit int32"},
		{"text into a count", func(r *store.Rows) { r.Rows[0][1] = "12" }, "column n: string (12) is not an integer"},
		{"a number into text", func(r *store.Rows) { r.Rows[0][0] = int64(12) }, "column code: int64 (12) is not text"},
		{"a DECIMAL into a rate", func(r *store.Rows) { r.Rows[0][3] = store.Decimal{Value: "5", Scale: 1} }, "column rate: DECIMAL 0.5 into float64"},
		{"a short row", func(r *store.Rows) { r.Rows[0] = r.Rows[0][:3] }, "row 1 has 3 values for 5 columns"},
	} {
		r := base()
		tc.edit(r)
		_, err := store.ScanAll[small](r)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

// TestScanPlanErrors: a row type that cannot be read is refused whole, with the field named.
func TestScanPlanErrors(t *testing.T) {
	rows := &store.Rows{Columns: []string{"a"}, Rows: [][]any{{"x"}}}
	type dup struct {
		A string `col:"a"`
		B string `col:"a"`
	}
	type unsupported struct {
		A []string `col:"a"`
	}
	type badTag struct {
		A string `col:"A b"`
	}
	type badView struct {
		_ struct{} `view:"region_years"`
		A string   `col:"a"`
	}
	type none struct{ A string }
	for name, err := range map[string]error{
		"dup":         scanErr[dup](rows),
		"unsupported": scanErr[unsupported](rows),
		"badTag":      scanErr[badTag](rows),
		"badView":     scanErr[badView](rows),
		"none":        scanErr[none](rows),
	} {
		want := map[string]string{"dup": "column a has two fields (A, B)", "unsupported": "field A (column a): unsupported type []string",
			"badTag": `col tag "A b"`, "badView": `view tag "region_years"`, "none": "no field with a col tag"}[name]
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", name, err, want)
		}
	}
	if _, err := store.ScanColumn[[]int](rows); err == nil {
		t.Error("ScanColumn into []int: no error")
	}
	if _, err := store.ScanColumn[int64](&store.Rows{Columns: []string{"a", "b"}}); err == nil || !strings.Contains(err.Error(), "2 columns (a, b)") {
		t.Errorf("ScanColumn of two columns: %v", err)
	}
}

func scanErr[T any](rows *store.Rows) error {
	_, err := store.ScanAll[T](rows)
	return err
}

// regionYear reads the hand-written warehouse of analystWarehouse: its sum is a HUGEINT.
type regionYear struct {
	_        struct{} `view:"analytics.region_years"`
	Region   string   `col:"region"`
	Year     int      `col:"year"`
	Requests int64    `col:"requests_count"`
}

// TestSelectReadsTheWarehouse reads through a read-only session: DuckDB's own types (INTEGER,
// HUGEINT, DECIMAL(18,2), NULL) into typed rows, and a query built from the view tag.
func TestSelectReadsTheWarehouse(t *testing.T) {
	path := analystWarehouse(t)
	s := openAnalyst(t, path, store.SessionOptions{})
	ctx := context.Background()
	got, err := store.Select[regionYear](ctx, s, "where year = ? order by region", 2022)
	if err != nil {
		t.Fatal(err)
	}
	// the facts written in analystWarehouse: 朝阳县 5 and 建平县 11 in 2022
	if len(got) != 2 || got[0] != (regionYear{Region: "建平县", Year: 2022, Requests: 11}) || got[1] != (regionYear{Region: "朝阳县", Year: 2022, Requests: 5}) {
		t.Errorf("Select: %+v", got)
	}
	type fact struct {
		Region string       `col:"region"`
		Amount schemas.Dec  `col:"amount"`
		None   *schemas.Dec `col:"none"`
	}
	facts, err := store.QueryAll[fact](ctx, s, `select region, amount, null::decimal(18, 2) as none from facts where year = 2021 order by region`)
	if err != nil {
		t.Fatal(err)
	}
	if len(facts) != 2 || facts[0].Amount.String() != "0.1" || facts[1].Amount.String() != "1.5" || facts[0].None != nil {
		t.Errorf("QueryAll: %+v", facts)
	}
	n, err := store.QueryValue[int64](ctx, s, `select count(*) from facts`)
	if err != nil || n != 4 {
		t.Errorf("QueryValue: %d %v", n, err)
	}
	years, err := store.QueryColumn[int](ctx, s, `select distinct year from facts order by year`)
	if err != nil || len(years) != 2 || years[0] != 2021 || years[1] != 2022 {
		t.Errorf("QueryColumn: %v %v", years, err)
	}
	if _, err := store.QueryValue[int64](ctx, s, `select year from facts`); err == nil || !strings.Contains(err.Error(), "4 rows") {
		t.Errorf("QueryValue of 4 rows: %v", err)
	}
	// a renamed column fails the read, naming the column
	type renamed struct {
		_        struct{} `view:"analytics.region_years"`
		Region   string   `col:"region"`
		Requests int64    `col:"request_count"`
	}
	if _, err := store.Select[renamed](ctx, s, ""); err == nil || !strings.Contains(err.Error(), "request_count") {
		t.Errorf("a column the view lacks: %v", err)
	}
	if _, err := store.Select[fact](ctx, s, ""); err == nil || !strings.Contains(err.Error(), "names no view") {
		t.Errorf("Select without a view tag: %v", err)
	}
}
