package store

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strings"
	"sync"
	"time"

	"xxgk/schemas"
)

// Typed reads. Code that reads the warehouse scans each result into a struct whose fields name
// their columns, never into maps looked up by name:
//
//	type RegionYear struct {
//		_          struct{} `view:"analytics.region_years"` // what the row is a row of
//		RegionCode string   `col:"region_code"`
//		Year       int      `col:"year"`
//		Requests   *int64   `col:"requests_count"` // nullable: a pointer
//	}
//
//	rows, err := store.Select[RegionYear](ctx, s, "where year = ? order by region_code", 2024)
//
// ScanAll checks both ways: every column of the result has a field, and every field a column.
// A misspelt or renamed column is therefore an error naming it, never a blank cell or a silent
// zero. Values convert exactly or not at all:
//
//   - string: VARCHAR; bool: BOOLEAN; time.Time: DATE, TIME, TIMESTAMP[TZ]
//   - int64, int, int32: any integer type and a whole DECIMAL; out of range is an error
//   - schemas.Dec: DECIMAL with at most 4 decimals (schemas.DecScale) and integers; a DOUBLE is
//     refused (it is not exact)
//   - float64: FLOAT, DOUBLE (rates), and integers up to 2^53
//   - *T of any of these for a nullable column: NULL is nil. NULL in a non-pointer field is an
//     error, so a count the warehouse does not hold is never shown as 0.
//
// Structs embedded without a col tag contribute their fields (a shared set of figures). The
// blank field's view tag names the view or table the row comes from (schema.name): Select
// builds its query from it, and a test in package queries checks every col tag of every such
// struct in the module against that view's YAML sidecar (or the warehouse table's columns). A
// struct for a query that is not one view (a join, a report query) says so with a query tag
// instead: `_ struct{} `query:"reports/compare"``.
//
// The mapping of a type is built once, by reflection, and cached.

type scanField struct {
	col   string
	index []int  // reflect field index path (embedded structs)
	name  string // Go field path, for messages
	set   setter
}

type setter func(f reflect.Value, v any) error

// rowPlan is the mapping of one row type.
type rowPlan struct {
	typ    reflect.Type
	view   string // schema.name from the view tag ("" when none)
	cols   []string
	fields []scanField
	byCol  map[string]int
}

type planEntry struct {
	p   *rowPlan
	err error
}

var plans sync.Map // reflect.Type → planEntry

func planOf(t reflect.Type) (*rowPlan, error) {
	if e, ok := plans.Load(t); ok {
		return e.(planEntry).p, e.(planEntry).err
	}
	p, err := buildPlan(t)
	plans.Store(t, planEntry{p, err})
	return p, err
}

func buildPlan(t reflect.Type) (*rowPlan, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("store: %s is not a struct", t)
	}
	p := &rowPlan{typ: t, byCol: map[string]int{}}
	var walk func(t reflect.Type, index []int, prefix string) error
	walk = func(t reflect.Type, index []int, prefix string) error {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			idx := append(append([]int{}, index...), i)
			col, hasCol := f.Tag.Lookup("col")
			if f.Name == "_" {
				if v, ok := f.Tag.Lookup("view"); ok {
					if len(index) > 0 {
						continue // the outer struct's view counts
					}
					s, n, ok := strings.Cut(v, ".")
					if !ok || !identRE.MatchString(s) || !identRE.MatchString(n) {
						return fmt.Errorf("store: %s: view tag %q: want schema.name", t, v)
					}
					p.view = v
				}
				continue
			}
			if !hasCol {
				if f.Anonymous && f.Type.Kind() == reflect.Struct && f.Type != timeType {
					if err := walk(f.Type, idx, prefix+f.Name+"."); err != nil {
						return err
					}
				}
				continue
			}
			if col == "-" {
				continue
			}
			if !f.IsExported() {
				return fmt.Errorf("store: %s: field %s has a col tag but is not exported", p.typ, prefix+f.Name)
			}
			if !identRE.MatchString(col) {
				return fmt.Errorf("store: %s: field %s: col tag %q is not a column name", p.typ, prefix+f.Name, col)
			}
			if j, dup := p.byCol[col]; dup {
				return fmt.Errorf("store: %s: column %s has two fields (%s, %s)", p.typ, col, p.fields[j].name, prefix+f.Name)
			}
			set, err := setterFor(f.Type)
			if err != nil {
				return fmt.Errorf("store: %s: field %s (column %s): %w", p.typ, prefix+f.Name, col, err)
			}
			p.byCol[col] = len(p.fields)
			p.fields = append(p.fields, scanField{col: col, index: idx, name: prefix + f.Name, set: set})
			p.cols = append(p.cols, col)
		}
		return nil
	}
	if err := walk(t, nil, ""); err != nil {
		return nil, err
	}
	if len(p.fields) == 0 {
		return nil, fmt.Errorf("store: %s has no field with a col tag", t)
	}
	return p, nil
}

// Columns returns the columns of a row type, in field order (embedded structs in place).
func Columns[T any]() ([]string, error) {
	p, err := planOf(reflect.TypeFor[T]())
	if err != nil {
		return nil, err
	}
	return append([]string(nil), p.cols...), nil
}

// ScanAll reads every row of a result into a T (see the package's typed reads): each column
// of rows must have a field of T and each field of T a column of rows.
func ScanAll[T any](rows *Rows) ([]T, error) {
	p, err := planOf(reflect.TypeFor[T]())
	if err != nil {
		return nil, err
	}
	target := make([]int, len(rows.Columns))
	seen := make([]bool, len(p.fields))
	for i, c := range rows.Columns {
		fi, ok := p.byCol[c]
		if !ok {
			return nil, fmt.Errorf("store: scan into %s: the result has column %s, which %s has no field for", p.typ, c, p.typ)
		}
		if seen[fi] {
			return nil, fmt.Errorf("store: scan into %s: the result has column %s twice", p.typ, c)
		}
		seen[fi] = true
		target[i] = fi
	}
	for i, ok := range seen {
		if !ok {
			return nil, fmt.Errorf("store: scan into %s: no column %s in the result (field %s; columns: %s)",
				p.typ, p.fields[i].col, p.fields[i].name, strings.Join(rows.Columns, ", "))
		}
	}
	out := make([]T, len(rows.Rows))
	for r, row := range rows.Rows {
		if len(row) != len(rows.Columns) {
			return nil, fmt.Errorf("store: scan into %s: row %d has %d values for %d columns", p.typ, r+1, len(row), len(rows.Columns))
		}
		v := reflect.ValueOf(&out[r]).Elem()
		for i, val := range row {
			f := &p.fields[target[i]]
			if err := f.set(v.FieldByIndex(f.index), val); err != nil {
				return nil, fmt.Errorf("store: scan into %s: row %d, column %s: %w", p.typ, r+1, f.col, err)
			}
		}
	}
	return out, nil
}

// QueryAll runs one statement written in this code base and reads its rows into []T
// (ScanAll).
func QueryAll[T any](ctx context.Context, s *Session, q string, args ...any) ([]T, error) {
	rows, err := s.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return ScanAll[T](rows)
}

// Select reads the columns of T from the view its view tag names: select <columns of T> from
// <view> <tail>, tail being the where/order clause with ? parameters ("" for every row).
func Select[T any](ctx context.Context, s *Session, tail string, args ...any) ([]T, error) {
	p, err := planOf(reflect.TypeFor[T]())
	if err != nil {
		return nil, err
	}
	if p.view == "" {
		return nil, fmt.Errorf("store: %s names no view (a blank field with a view tag)", p.typ)
	}
	q := "select " + strings.Join(p.cols, ", ") + " from " + p.view
	if tail = strings.TrimSpace(tail); tail != "" {
		q += " " + tail
	}
	rows, err := s.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: read %s: %w", p.view, err)
	}
	return ScanAll[T](rows)
}

// ScanColumn reads a one-column result into []T, T being one of the field types ScanAll
// accepts (int64, string, *float64 …).
func ScanColumn[T any](rows *Rows) ([]T, error) {
	set, err := setterFor(reflect.TypeFor[T]())
	if err != nil {
		return nil, fmt.Errorf("store: scan into %s: %w", reflect.TypeFor[T](), err)
	}
	if len(rows.Columns) != 1 {
		return nil, fmt.Errorf("store: scan into %s: the result has %d columns (%s), want one", reflect.TypeFor[T](),
			len(rows.Columns), strings.Join(rows.Columns, ", "))
	}
	out := make([]T, len(rows.Rows))
	for r, row := range rows.Rows {
		if len(row) != 1 {
			return nil, fmt.Errorf("store: scan into %s: row %d has %d values", reflect.TypeFor[T](), r+1, len(row))
		}
		if err := set(reflect.ValueOf(&out[r]).Elem(), row[0]); err != nil {
			return nil, fmt.Errorf("store: scan into %s: row %d, column %s: %w", reflect.TypeFor[T](), r+1, rows.Columns[0], err)
		}
	}
	return out, nil
}

// QueryColumn runs one statement written in this code base that returns one column and
// reads it into []T (ScanColumn).
func QueryColumn[T any](ctx context.Context, s *Session, q string, args ...any) ([]T, error) {
	rows, err := s.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return ScanColumn[T](rows)
}

// QueryValue runs a statement that returns exactly one row of one column (a count, a
// setting) and reads the value into a T.
func QueryValue[T any](ctx context.Context, s *Session, q string, args ...any) (T, error) {
	var zero T
	vs, err := QueryColumn[T](ctx, s, q, args...)
	if err != nil {
		return zero, err
	}
	if len(vs) != 1 {
		return zero, fmt.Errorf("store: %d rows where one value was expected", len(vs))
	}
	return vs[0], nil
}

var (
	decType  = reflect.TypeFor[schemas.Dec]()
	timeType = reflect.TypeFor[time.Time]()
)

// setterFor returns how a value of Rows is stored into a field of type t.
func setterFor(t reflect.Type) (setter, error) {
	if t.Kind() == reflect.Pointer {
		elem, err := setterFor(t.Elem())
		if err != nil {
			return nil, err
		}
		if t.Elem().Kind() == reflect.Pointer {
			return nil, fmt.Errorf("unsupported type %s", t)
		}
		return func(f reflect.Value, v any) error {
			if v == nil {
				f.SetZero()
				return nil
			}
			p := reflect.New(t.Elem())
			if err := elem(p.Elem(), v); err != nil {
				return err
			}
			f.Set(p)
			return nil
		}, nil
	}
	notNull := func(s setter) setter {
		return func(f reflect.Value, v any) error {
			if v == nil {
				return fmt.Errorf("NULL, and field type %s is not a pointer (a nullable column needs *%s)", t, t)
			}
			return s(f, v)
		}
	}
	switch t {
	case decType:
		return notNull(func(f reflect.Value, v any) error {
			d, err := toDec(v)
			if err != nil {
				return err
			}
			f.SetInt(int64(d))
			return nil
		}), nil
	case timeType:
		return notNull(func(f reflect.Value, v any) error {
			x, ok := v.(time.Time)
			if !ok {
				return fmt.Errorf("%T is not a time", v)
			}
			f.Set(reflect.ValueOf(x))
			return nil
		}), nil
	}
	switch t.Kind() {
	case reflect.String:
		return notNull(func(f reflect.Value, v any) error {
			x, ok := v.(string)
			if !ok {
				return fmt.Errorf("%T (%v) is not text", v, v)
			}
			f.SetString(x)
			return nil
		}), nil
	case reflect.Bool:
		return notNull(func(f reflect.Value, v any) error {
			x, ok := v.(bool)
			if !ok {
				return fmt.Errorf("%T (%v) is not a boolean", v, v)
			}
			f.SetBool(x)
			return nil
		}), nil
	case reflect.Int, reflect.Int64, reflect.Int32:
		return notNull(func(f reflect.Value, v any) error {
			n, err := toInt64(v)
			if err != nil {
				return err
			}
			if f.OverflowInt(n) {
				return fmt.Errorf("%d does not fit %s", n, f.Type())
			}
			f.SetInt(n)
			return nil
		}), nil
	case reflect.Float64:
		return notNull(func(f reflect.Value, v any) error {
			switch x := v.(type) {
			case float64:
				f.SetFloat(x)
				return nil
			case float32:
				f.SetFloat(float64(x))
				return nil
			case Decimal:
				return fmt.Errorf("DECIMAL %s into float64 would not be exact (use schemas.Dec)", x)
			}
			n, err := toInt64(v)
			if err != nil {
				return fmt.Errorf("%T (%v) is not a number", v, v)
			}
			if n > 1<<53 || n < -(1<<53) {
				return fmt.Errorf("%d is not exact as a float64", n)
			}
			f.SetFloat(float64(n))
			return nil
		}), nil
	}
	return nil, fmt.Errorf("unsupported type %s (string, bool, int64, int, int32, float64, schemas.Dec, time.Time or a pointer to one)", t)
}

// toInt64 converts an integer value (or a whole DECIMAL) exactly.
func toInt64(v any) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case int32:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case int:
		return int64(x), nil
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint64:
		if x > math.MaxInt64 {
			return 0, fmt.Errorf("%d does not fit int64", x)
		}
		return int64(x), nil
	case *big.Int:
		if !x.IsInt64() {
			return 0, fmt.Errorf("%s does not fit int64", x)
		}
		return x.Int64(), nil
	case Decimal:
		n, ok := new(big.Int).SetString(x.Value, 10)
		if !ok {
			return 0, fmt.Errorf("DECIMAL %q is not a number", x.Value)
		}
		if x.Scale > 0 {
			var rem big.Int
			n.QuoRem(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(x.Scale)), nil), &rem)
			if rem.Sign() != 0 {
				return 0, fmt.Errorf("DECIMAL %s is not a whole number", x)
			}
		}
		if !n.IsInt64() {
			return 0, fmt.Errorf("%s does not fit int64", x)
		}
		return n.Int64(), nil
	}
	return 0, fmt.Errorf("%T (%v) is not an integer", v, v)
}

// toDec converts an exact number to a Dec: a DECIMAL with more places than the Dec keeps, or
// too large, is an error, never rounded.
func toDec(v any) (schemas.Dec, error) {
	switch x := v.(type) {
	case Decimal:
		d, err := schemas.ParseDec(x.String())
		if err != nil {
			return 0, fmt.Errorf("DECIMAL %s: %w", x, err)
		}
		return d, nil
	case float64, float32:
		return 0, fmt.Errorf("%T %v into schemas.Dec would not be exact", v, v)
	}
	n, err := toInt64(v)
	if err != nil {
		return 0, err
	}
	if n > math.MaxInt64/10000 || n < math.MinInt64/10000 {
		return 0, fmt.Errorf("%d does not fit schemas.Dec", n)
	}
	return schemas.DecInt(n), nil
}
