package store

import (
	"encoding/hex"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// Kind is the family of a DuckDB type, as far as printing a value needs it.
type Kind int

// The kinds of Type.
const (
	KindOther       Kind = iota
	KindBool             // BOOLEAN
	KindInt              // TINYINT … UBIGINT, HUGEINT, UHUGEINT, BIGNUM
	KindFloat            // FLOAT, DOUBLE
	KindDecimal          // DECIMAL(w,s): Decimal
	KindText             // VARCHAR, ENUM, BIT
	KindJSON             // JSON
	KindBlob             // BLOB: []byte
	KindUUID             // UUID
	KindDate             // DATE: time.Time at midnight UTC
	KindTime             // TIME, TIME WITH TIME ZONE: time.Time on 0001-01-01
	KindTimestamp        // TIMESTAMP (_S, _MS, _NS): time.Time in UTC, no zone printed
	KindTimestampTZ      // TIMESTAMP WITH TIME ZONE: an instant, time.Time in UTC
	KindInterval         // INTERVAL: Interval
	KindList             // LIST, ARRAY: []any
	KindStruct           // STRUCT: Struct
	KindMap              // MAP: Map
	KindUnion            // UNION: Union
)

// Numeric reports whether values of the kind are numbers (aligned right in tables).
func (k Kind) Numeric() bool {
	return k == KindInt || k == KindFloat || k == KindDecimal
}

// Type is a column's DuckDB type.
type Type struct {
	Name       string  // DuckDB's name: INTEGER, DECIMAL(18,2), VARCHAR[], STRUCT(a INTEGER) …
	Kind       Kind    //
	Elem       *Type   // LIST and ARRAY: the element type
	Fields     []Field // STRUCT: the fields in order; UNION: the members
	Key, Value *Type   // MAP
}

// Field is one field of a STRUCT (or member of a UNION).
type Field struct {
	Name string
	Type *Type
}

// typeOf describes a driver type.
func typeOf(ti duckdb.TypeInfo) *Type {
	t := &Type{}
	switch ti.InternalType() {
	case duckdb.TYPE_BOOLEAN:
		t.Kind, t.Name = KindBool, "BOOLEAN"
	case duckdb.TYPE_TINYINT, duckdb.TYPE_SMALLINT, duckdb.TYPE_INTEGER, duckdb.TYPE_BIGINT, duckdb.TYPE_UTINYINT,
		duckdb.TYPE_USMALLINT, duckdb.TYPE_UINTEGER, duckdb.TYPE_UBIGINT, duckdb.TYPE_HUGEINT, duckdb.TYPE_UHUGEINT, duckdb.TYPE_BIGNUM:
		t.Kind = KindInt
	case duckdb.TYPE_FLOAT, duckdb.TYPE_DOUBLE:
		t.Kind = KindFloat
	case duckdb.TYPE_DECIMAL:
		t.Kind = KindDecimal
		if d, ok := ti.Details().(*duckdb.DecimalDetails); ok {
			t.Name = fmt.Sprintf("DECIMAL(%d,%d)", d.Width, d.Scale)
		}
	case duckdb.TYPE_VARCHAR, duckdb.TYPE_ENUM, duckdb.TYPE_BIT:
		t.Kind = KindText
		if ti.InternalType() == duckdb.TYPE_VARCHAR && ti.Alias() == "JSON" {
			t.Kind, t.Name = KindJSON, "JSON"
		}
	case duckdb.TYPE_BLOB:
		t.Kind = KindBlob
	case duckdb.TYPE_UUID:
		t.Kind = KindUUID
	case duckdb.TYPE_DATE:
		t.Kind = KindDate
	case duckdb.TYPE_TIME, duckdb.TYPE_TIME_TZ:
		t.Kind = KindTime
	case duckdb.TYPE_TIMESTAMP, duckdb.TYPE_TIMESTAMP_S, duckdb.TYPE_TIMESTAMP_MS, duckdb.TYPE_TIMESTAMP_NS:
		t.Kind = KindTimestamp
	case duckdb.TYPE_TIMESTAMP_TZ:
		t.Kind, t.Name = KindTimestampTZ, "TIMESTAMP WITH TIME ZONE"
	case duckdb.TYPE_INTERVAL:
		t.Kind = KindInterval
	case duckdb.TYPE_LIST:
		t.Kind = KindList
		if d, ok := ti.Details().(*duckdb.ListDetails); ok {
			t.Elem = typeOf(d.Child)
			t.Name = t.Elem.Name + "[]"
		}
	case duckdb.TYPE_ARRAY:
		t.Kind = KindList
		if d, ok := ti.Details().(*duckdb.ArrayDetails); ok {
			t.Elem = typeOf(d.Child)
			t.Name = fmt.Sprintf("%s[%d]", t.Elem.Name, d.Size)
		}
	case duckdb.TYPE_STRUCT:
		t.Kind = KindStruct
		if d, ok := ti.Details().(*duckdb.StructDetails); ok {
			var parts []string
			for _, e := range d.Entries {
				f := Field{Name: e.Name(), Type: typeOf(e.Info())}
				t.Fields = append(t.Fields, f)
				parts = append(parts, strconv.Quote(f.Name)+" "+f.Type.Name)
			}
			t.Name = "STRUCT(" + strings.Join(parts, ", ") + ")"
		}
	case duckdb.TYPE_MAP:
		t.Kind = KindMap
		if d, ok := ti.Details().(*duckdb.MapDetails); ok {
			t.Key, t.Value = typeOf(d.Key), typeOf(d.Value)
			t.Name = "MAP(" + t.Key.Name + ", " + t.Value.Name + ")"
		}
	case duckdb.TYPE_UNION:
		t.Kind = KindUnion
		if d, ok := ti.Details().(*duckdb.UnionDetails); ok {
			var parts []string
			for _, m := range d.Members {
				f := Field{Name: m.Name, Type: typeOf(m.Type)}
				t.Fields = append(t.Fields, f)
				parts = append(parts, strconv.Quote(f.Name)+" "+f.Type.Name)
			}
			t.Name = "UNION(" + strings.Join(parts, ", ") + ")"
		}
	}
	if t.Name == "" {
		t.Name = typeName(ti.InternalType())
	}
	return t
}

var typeNames = map[duckdb.Type]string{
	duckdb.TYPE_TINYINT: "TINYINT", duckdb.TYPE_SMALLINT: "SMALLINT", duckdb.TYPE_INTEGER: "INTEGER",
	duckdb.TYPE_BIGINT: "BIGINT", duckdb.TYPE_UTINYINT: "UTINYINT", duckdb.TYPE_USMALLINT: "USMALLINT",
	duckdb.TYPE_UINTEGER: "UINTEGER", duckdb.TYPE_UBIGINT: "UBIGINT", duckdb.TYPE_HUGEINT: "HUGEINT",
	duckdb.TYPE_UHUGEINT: "UHUGEINT", duckdb.TYPE_BIGNUM: "BIGNUM", duckdb.TYPE_FLOAT: "FLOAT", duckdb.TYPE_DOUBLE: "DOUBLE",
	duckdb.TYPE_DECIMAL: "DECIMAL", duckdb.TYPE_VARCHAR: "VARCHAR", duckdb.TYPE_ENUM: "ENUM", duckdb.TYPE_BIT: "BIT",
	duckdb.TYPE_BLOB: "BLOB", duckdb.TYPE_UUID: "UUID", duckdb.TYPE_DATE: "DATE", duckdb.TYPE_TIME: "TIME",
	duckdb.TYPE_TIME_TZ: "TIME WITH TIME ZONE", duckdb.TYPE_TIMESTAMP: "TIMESTAMP", duckdb.TYPE_TIMESTAMP_S: "TIMESTAMP_S",
	duckdb.TYPE_TIMESTAMP_MS: "TIMESTAMP_MS", duckdb.TYPE_TIMESTAMP_NS: "TIMESTAMP_NS", duckdb.TYPE_INTERVAL: "INTERVAL",
	duckdb.TYPE_SQLNULL: "NULL",
}

func typeName(t duckdb.Type) string {
	if n, ok := typeNames[t]; ok {
		return n
	}
	return "UNKNOWN"
}

// kindOfName guesses the kind from a type name when the driver gives no type information.
func kindOfName(n string) Kind {
	n = strings.ToUpper(n)
	switch {
	case strings.HasSuffix(n, "]"):
		return KindList
	case strings.HasPrefix(n, "DECIMAL"):
		return KindDecimal
	case n == "BOOLEAN":
		return KindBool
	case n == "FLOAT" || n == "DOUBLE":
		return KindFloat
	case strings.HasSuffix(n, "INT") || n == "INTEGER" || n == "HUGEINT" || n == "UHUGEINT" || n == "BIGNUM":
		return KindInt
	case n == "VARCHAR":
		return KindText
	case n == "DATE":
		return KindDate
	case strings.HasPrefix(n, "TIMESTAMP WITH") || n == "TIMESTAMPTZ":
		return KindTimestampTZ
	case strings.HasPrefix(n, "TIMESTAMP"):
		return KindTimestamp
	case strings.HasPrefix(n, "TIME"):
		return KindTime
	}
	return KindOther
}

// Decimal is a DECIMAL value as returned by Query: the unscaled integer in base 10 and the
// scale (digits after the point), so callers need not import duckdb-go.
type Decimal struct {
	Value string // unscaled, e.g. "-12345"
	Scale int    // 2 → -123.45
}

// String formats the decimal exactly, without trailing zeros after the point.
func (d Decimal) String() string {
	v, neg := d.Value, strings.HasPrefix(d.Value, "-")
	if neg {
		v = v[1:]
	}
	if d.Scale > 0 {
		for len(v) <= d.Scale {
			v = "0" + v
		}
		v = v[:len(v)-d.Scale] + "." + v[len(v)-d.Scale:]
		v = strings.TrimRight(strings.TrimRight(v, "0"), ".")
	}
	if neg && v != "0" {
		v = "-" + v
	}
	return v
}

// Interval is an INTERVAL value: months, days and microseconds, kept apart as DuckDB does.
type Interval struct {
	Months, Days int32
	Micros       int64
}

// String formats the interval as DuckDB does: 1 year 2 months 3 days 04:05:06.5.
func (iv Interval) String() string {
	var parts []string
	unit := func(n int64, one, many string) {
		if n == 1 || n == -1 {
			parts = append(parts, fmt.Sprintf("%d %s", n, one))
		} else if n != 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, many))
		}
	}
	unit(int64(iv.Months/12), "year", "years")
	unit(int64(iv.Months%12), "month", "months")
	unit(int64(iv.Days), "day", "days")
	if iv.Micros != 0 || len(parts) == 0 {
		us := iv.Micros
		sign := ""
		if us < 0 {
			sign, us = "-", -us
		}
		s := fmt.Sprintf("%s%02d:%02d:%02d", sign, us/3_600_000_000, us/60_000_000%60, us/1_000_000%60)
		if frac := us % 1_000_000; frac != 0 {
			s += strings.TrimRight(fmt.Sprintf(".%06d", frac), "0")
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

// UUID is a UUID value.
type UUID [16]byte

// String formats the UUID in its canonical form.
func (u UUID) String() string {
	h := hex.EncodeToString(u[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// Struct is a STRUCT value: its fields in the order of the type.
type Struct struct {
	Names  []string
	Values []any
}

// Map is a MAP value: its entries in DuckDB's order.
type Map struct {
	Keys, Values []any
}

// Union is a UNION value: the member's tag and its value.
type Union struct {
	Tag   string
	Value any
}

// convert turns a driver value into the values Rows documents, nested values included.
func convert(v any, t *Type) any {
	if t == nil {
		t = &Type{}
	}
	switch x := v.(type) {
	case nil:
		return nil
	case duckdb.Decimal:
		if x.Value == nil {
			return nil
		}
		return Decimal{Value: x.Value.String(), Scale: int(x.Scale)}
	case duckdb.Interval:
		return Interval{Months: x.Months, Days: x.Days, Micros: x.Micros}
	case []byte:
		if t.Kind == KindUUID && len(x) == 16 {
			var u UUID
			copy(u[:], x)
			return u
		}
		return x
	case *duckdb.UUID:
		return UUID(*x)
	case duckdb.UUID:
		return UUID(x)
	case []any:
		if t.Kind == KindJSON {
			return x
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = convert(e, t.Elem)
		}
		return out
	case map[string]any:
		if t.Kind == KindJSON {
			return x
		}
		s := Struct{}
		if t.Kind == KindStruct && len(t.Fields) == len(x) {
			for _, f := range t.Fields {
				s.Names = append(s.Names, f.Name)
				s.Values = append(s.Values, convert(x[f.Name], f.Type))
			}
			return s
		}
		for k := range x {
			s.Names = append(s.Names, k)
		}
		sort.Strings(s.Names)
		for _, k := range s.Names {
			s.Values = append(s.Values, convert(x[k], nil))
		}
		return s
	case duckdb.OrderedMap:
		return convertMap(&x, t)
	case *duckdb.OrderedMap:
		return convertMap(x, t)
	case duckdb.Union:
		var mt *Type
		for _, f := range t.Fields {
			if f.Name == x.Tag {
				mt = f.Type
			}
		}
		return Union{Tag: x.Tag, Value: convert(x.Value, mt)}
	case *big.Int:
		return x
	case time.Time:
		return x
	}
	return v
}

func convertMap(m *duckdb.OrderedMap, t *Type) Map {
	ks, vs := m.Keys(), m.Values()
	out := Map{Keys: make([]any, len(ks)), Values: make([]any, len(vs))}
	for i := range ks {
		out.Keys[i] = convert(ks[i], t.Key)
		out.Values[i] = convert(vs[i], t.Value)
	}
	return out
}

// Text is a value of Rows as plain text, for logs and CSV files written by the pipeline:
// numbers exact, dates as 2006-01-02, other times in RFC 3339, bytes in hex, NULL as "".
// The analysts' surface (pipeline/console) prints values by their column type instead.
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return fmt.Sprintf("\\x%x", x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format(time.RFC3339Nano)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}
