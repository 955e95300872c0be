package serve

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strings"
	"sync"
	"time"

	"xxgk/pipeline/store"
	"xxgk/schemas"
)

// The server's own reads are typed: each query scans into a struct whose fields name their
// columns (`col:"requests_count"`). scan checks both ways — every column of the result has a
// field and every field a column — so a misspelt or renamed column fails the request instead
// of printing blank. Counts are int64, money and table values schemas.Dec (exact), rates
// float64; a nullable column needs a pointer field, and NULL in a non-pointer field is an error
// (a count the warehouse does not have is never shown as 0).

// scan runs one of this package's queries (never an analyst's text) and reads every row into
// a T.
func scan[T any](ctx context.Context, s *store.Session, q string, args ...any) ([]T, error) {
	start := time.Now()
	rows, err := s.Query(ctx, q, args...)
	if traceQuery != nil {
		traceQuery(q, time.Since(start))
	}
	if err != nil {
		return nil, err
	}
	return scanRows[T](rows)
}

// traceQuery, when set (benchmarks), is told each query's time.
var traceQuery func(q string, d time.Duration)

// scanOne is scan for a query that returns at most one row; ok is false for none.
func scanOne[T any](ctx context.Context, s *store.Session, q string, args ...any) (T, bool, error) {
	var zero T
	out, err := scan[T](ctx, s, q, args...)
	if err != nil || len(out) == 0 {
		return zero, false, err
	}
	if len(out) > 1 {
		return zero, false, fmt.Errorf("scan: %d rows where one was expected", len(out))
	}
	return out[0], true, nil
}

type fieldMap struct {
	index map[string]int // column → field index
	names []string       // the struct's columns, in field order
}

var fieldMaps sync.Map // reflect.Type → *fieldMap

func fieldsOf(t reflect.Type) (*fieldMap, error) {
	if m, ok := fieldMaps.Load(t); ok {
		return m.(*fieldMap), nil
	}
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("scan: %s is not a struct", t)
	}
	m := &fieldMap{index: map[string]int{}}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		col := f.Tag.Get("col")
		if col == "" || col == "-" {
			continue
		}
		if _, dup := m.index[col]; dup {
			return nil, fmt.Errorf("scan: %s: column %s twice", t, col)
		}
		m.index[col] = i
		m.names = append(m.names, col)
	}
	fieldMaps.Store(t, m)
	return m, nil
}

// scanRows reads a result into []T (see scan).
func scanRows[T any](rows *store.Rows) ([]T, error) {
	t := reflect.TypeFor[T]()
	fm, err := fieldsOf(t)
	if err != nil {
		return nil, err
	}
	target := make([]int, len(rows.Columns))
	seen := map[string]bool{}
	for i, c := range rows.Columns {
		fi, ok := fm.index[c]
		if !ok {
			return nil, fmt.Errorf("scan: the query returns column %s, which %s has no field for", c, t)
		}
		target[i] = fi
		seen[c] = true
	}
	for _, c := range fm.names {
		if !seen[c] {
			return nil, fmt.Errorf("scan: %s needs column %s, which the query does not return (columns: %s)", t, c, strings.Join(rows.Columns, ", "))
		}
	}
	out := make([]T, len(rows.Rows))
	for r, row := range rows.Rows {
		v := reflect.ValueOf(&out[r]).Elem()
		for i, val := range row {
			f := v.Field(target[i])
			if err := assign(f, val); err != nil {
				return nil, fmt.Errorf("scan: row %d, column %s: %w", r+1, rows.Columns[i], err)
			}
		}
	}
	return out, nil
}

var (
	decType  = reflect.TypeFor[schemas.Dec]()
	timeType = reflect.TypeFor[time.Time]()
)

// assign stores a value of store.Rows into a field.
func assign(f reflect.Value, v any) error {
	if f.Kind() == reflect.Pointer {
		if v == nil {
			f.Set(reflect.Zero(f.Type()))
			return nil
		}
		p := reflect.New(f.Type().Elem())
		if err := assign(p.Elem(), v); err != nil {
			return err
		}
		f.Set(p)
		return nil
	}
	if v == nil {
		return fmt.Errorf("NULL into %s (use a pointer field for a nullable column)", f.Type())
	}
	switch f.Type() {
	case decType:
		d, err := toDec(v)
		if err != nil {
			return err
		}
		f.SetInt(int64(d))
		return nil
	case timeType:
		t, ok := v.(time.Time)
		if !ok {
			return fmt.Errorf("%T into time.Time", v)
		}
		f.Set(reflect.ValueOf(t))
		return nil
	}
	switch f.Kind() {
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("%T into string", v)
		}
		f.SetString(s)
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			return fmt.Errorf("%T into bool", v)
		}
		f.SetBool(b)
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, err := toInt64(v)
		if err != nil {
			return err
		}
		if f.OverflowInt(n) {
			return fmt.Errorf("%d overflows %s", n, f.Type())
		}
		f.SetInt(n)
	case reflect.Float64:
		switch x := v.(type) {
		case float64:
			f.SetFloat(x)
		case float32:
			f.SetFloat(float64(x))
		default:
			n, err := toInt64(v)
			if err != nil {
				return fmt.Errorf("%T into float64", v)
			}
			f.SetFloat(float64(n))
		}
	default:
		return fmt.Errorf("unsupported field type %s", f.Type())
	}
	return nil
}

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
			return 0, fmt.Errorf("%d overflows int64", x)
		}
		return int64(x), nil
	case *big.Int:
		if !x.IsInt64() {
			return 0, fmt.Errorf("%s overflows int64", x)
		}
		return x.Int64(), nil
	case store.Decimal:
		d, err := toDec(x)
		if err != nil {
			return 0, err
		}
		if !d.IsInt() {
			return 0, fmt.Errorf("%s is not a whole number", d)
		}
		return d.Int(), nil
	}
	return 0, fmt.Errorf("%T into an integer", v)
}

// toDec converts an exact number to a Dec; a value with more decimals than Dec keeps is an
// error, never rounded.
func toDec(v any) (schemas.Dec, error) {
	switch x := v.(type) {
	case store.Decimal:
		d, err := schemas.ParseDec(x.String())
		if err != nil {
			return 0, fmt.Errorf("decimal %s: %w", x, err)
		}
		return d, nil
	case float64, float32:
		return 0, fmt.Errorf("%T into an exact decimal", v)
	}
	n, err := toInt64(v)
	if err != nil {
		return 0, err
	}
	if n > math.MaxInt64/10000 || n < math.MinInt64/10000 {
		return 0, fmt.Errorf("%d overflows a decimal", n)
	}
	return schemas.DecInt(n), nil
}
