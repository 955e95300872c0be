package console

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"xxgk/pipeline/store"
)

// Text formats a value for a text table, CSV or Markdown the way DuckDB prints it: numbers
// exact (DECIMAL with its scale, never through a float), DATE 2006-01-02, TIMESTAMP
// 2006-01-02 15:04:05.999999, TIMESTAMP WITH TIME ZONE with +00, lists [a, b], structs
// {'k': v}, maps {k=v}, blobs \xDE\xAD, NULL inside a list or struct as NULL. A NULL value
// itself is returned as null (the caller decides: NULL in tables, empty in CSV).
func Text(v any, t *store.Type, null string) string {
	if v == nil {
		return null
	}
	if t == nil {
		t = &store.Type{}
	}
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return formatFloat(x, 64)
	case float32:
		return formatFloat(float64(x), 32)
	case store.Decimal:
		return plainDecimal(x)
	case *big.Int:
		return x.String()
	case []byte:
		return blobText(x)
	case time.Time:
		return timeText(x, t.Kind, false)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = nested(e, t.Elem)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case store.Struct:
		parts := make([]string, len(x.Names))
		for i, n := range x.Names {
			parts[i] = "'" + strings.ReplaceAll(n, "'", "''") + "': " + nested(x.Values[i], fieldType(t, n))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case store.Map:
		parts := make([]string, len(x.Keys))
		for i := range x.Keys {
			parts[i] = nested(x.Keys[i], t.Key) + "=" + nested(x.Values[i], t.Value)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case store.Union:
		return Text(x.Value, fieldType(t, x.Tag), "NULL")
	}
	if t.Kind == store.KindJSON {
		b, err := json.Marshal(v)
		if err == nil {
			return string(b)
		}
	}
	if s, ok := v.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprint(v)
}

func nested(v any, t *store.Type) string {
	if s, ok := v.(string); ok && t != nil && t.Kind == store.KindText {
		return s
	}
	return Text(v, t, "NULL")
}

func fieldType(t *store.Type, name string) *store.Type {
	for _, f := range t.Fields {
		if f.Name == name {
			return f.Type
		}
	}
	return nil
}

func formatFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'f', -1, bits)
}

// plainDecimal writes a DECIMAL with all the digits of its scale (2.50 stays 2.50).
func plainDecimal(d store.Decimal) string {
	v, neg := d.Value, strings.HasPrefix(d.Value, "-")
	if neg {
		v = v[1:]
	}
	if d.Scale > 0 {
		for len(v) <= d.Scale {
			v = "0" + v
		}
		v = v[:len(v)-d.Scale] + "." + v[len(v)-d.Scale:]
	}
	if neg {
		v = "-" + v
	}
	return v
}

func blobText(b []byte) string {
	var s strings.Builder
	for _, c := range b {
		if c >= 0x20 && c < 0x7f && c != '\\' {
			s.WriteByte(c)
		} else {
			fmt.Fprintf(&s, "\\x%02X", c)
		}
	}
	return s.String()
}

// timeText formats a DATE, TIME or TIMESTAMP value; iso uses the T of ISO 8601 (JSON).
func timeText(x time.Time, k store.Kind, iso bool) string {
	sep := " "
	if iso {
		sep = "T"
	}
	frac := func(t time.Time) string {
		if ns := t.Nanosecond(); ns != 0 {
			return strings.TrimRight(fmt.Sprintf(".%09d", ns), "0")
		}
		return ""
	}
	switch k {
	case store.KindDate:
		return x.Format("2006-01-02")
	case store.KindTime:
		return x.Format("15:04:05") + frac(x)
	case store.KindTimestampTZ:
		x = x.UTC()
		if iso {
			return x.Format("2006-01-02T15:04:05") + frac(x) + "Z"
		}
		return x.Format("2006-01-02 15:04:05") + frac(x) + "+00"
	case store.KindTimestamp:
		return x.Format("2006-01-02"+sep+"15:04:05") + frac(x)
	}
	return x.Format(time.RFC3339Nano)
}

// JSONValue encodes a value for JSON output: numbers as JSON numbers with every digit (DECIMAL,
// HUGEINT exact), NaN and infinities as the strings "NaN", "Infinity", "-Infinity", dates and
// times as ISO 8601 strings, lists as arrays, structs and maps as objects in their order,
// blobs as DuckDB's text (\xDE\xAD), NULL as null.
func JSONValue(v any, t *store.Type) []byte {
	var b strings.Builder
	writeJSON(&b, v, t)
	return []byte(b.String())
}

func writeJSON(b *strings.Builder, v any, t *store.Type) {
	if t == nil {
		t = &store.Type{}
	}
	str := func(s string) {
		q, _ := json.Marshal(s)
		b.Write(q)
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		fmt.Fprint(b, x)
	case *big.Int:
		b.WriteString(x.String())
	case store.Decimal:
		b.WriteString(plainDecimal(x))
	case float64, float32:
		f, bits := 0.0, 64
		if f32, ok := x.(float32); ok {
			f, bits = float64(f32), 32
		} else {
			f = x.(float64)
		}
		switch {
		case math.IsNaN(f):
			str("NaN")
		case math.IsInf(f, 1):
			str("Infinity")
		case math.IsInf(f, -1):
			str("-Infinity")
		default:
			b.WriteString(strconv.FormatFloat(f, 'g', -1, bits))
		}
	case string:
		str(x)
	case []byte:
		str(blobText(x))
	case time.Time:
		str(timeText(x, t.Kind, true))
	case []any:
		if t.Kind == store.KindJSON {
			rawJSON(b, x)
			return
		}
		b.WriteString("[")
		for i, e := range x {
			if i > 0 {
				b.WriteString(",")
			}
			writeJSON(b, e, t.Elem)
		}
		b.WriteString("]")
	case map[string]any:
		rawJSON(b, x)
	case store.Struct:
		b.WriteString("{")
		for i, n := range x.Names {
			if i > 0 {
				b.WriteString(",")
			}
			str(n)
			b.WriteString(":")
			writeJSON(b, x.Values[i], fieldType(t, n))
		}
		b.WriteString("}")
	case store.Map:
		b.WriteString("{")
		for i := range x.Keys {
			if i > 0 {
				b.WriteString(",")
			}
			str(Text(x.Keys[i], t.Key, "NULL"))
			b.WriteString(":")
			writeJSON(b, x.Values[i], t.Value)
		}
		b.WriteString("}")
	case store.Union:
		writeJSON(b, x.Value, fieldType(t, x.Tag))
	default:
		str(Text(v, t, ""))
	}
}

func rawJSON(b *strings.Builder, v any) {
	out, err := json.Marshal(v)
	if err != nil {
		out, _ = json.Marshal(fmt.Sprint(v))
	}
	b.Write(out)
}
