package serve

import (
	"fmt"
	"io"
	"math/big"
	"regexp"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/schema"

	"xxgk/pipeline/console"
	"xxgk/pipeline/store"
)

// The Parquet download of an analyst's query is written here, in Go, from the rows the checked
// statement returned (store.Session.Run): the web session cannot write files (external access
// is off) and the analyst's SQL never gets a COPY. The writer uses the Parquet file format
// package of arrow-go (no Arrow arrays: only store and batch know Arrow), one column chunk per
// result column, zstd-compressed.
//
// Types: BOOLEAN; integers as INT64 (HUGEINT, UHUGEINT and UBIGINT as DECIMAL(38,0), so a
// sum() stays exact); DOUBLE; DECIMAL(w,s) as DECIMAL(w,s); DATE, TIME, TIMESTAMP (micros) and
// TIMESTAMP WITH TIME ZONE (UTC); BLOB as binary. Text, JSON, UUID, INTERVAL and the nested
// types (lists, structs, maps, unions) are written as UTF-8 text, the way the CSV writes them
// (console.Text): a documented simplification, not a loss of digits.

const parquetRowGroup = 64 * 1024

var decimalName = regexp.MustCompile(`^DECIMAL\((\d+),\s*(\d+)\)$`)

// pqKind is how one result column is written.
type pqKind int

const (
	pqText pqKind = iota
	pqBool
	pqInt64
	pqWide // DECIMAL(38,0) in 16 bytes
	pqDouble
	pqDecimal // DECIMAL(w,s) in 16 bytes
	pqDate
	pqTime
	pqTimestamp
	pqBlob
)

type pqColumn struct {
	kind  pqKind
	scale int
	typ   *store.Type
}

// writeParquet writes a result as a Parquet file.
func writeParquet(w io.Writer, r *store.Rows) (err error) {
	cols := make([]pqColumn, len(r.Columns))
	var fields schema.FieldList
	used := map[string]int{}
	for i, name := range r.Columns {
		t := &store.Type{}
		if i < len(r.ColumnTypes) && r.ColumnTypes[i] != nil {
			t = r.ColumnTypes[i]
		}
		// duplicate names (select 1, 1) are made unique: readers refuse them
		if n := used[name]; n > 0 {
			used[name]++
			name = fmt.Sprintf("%s_%d", name, n+1)
		} else {
			used[name] = 1
		}
		c, node, err := pqNode(name, t)
		if err != nil {
			return fmt.Errorf("parquet: column %s: %w", name, err)
		}
		cols[i] = c
		fields = append(fields, node)
	}
	root, err := schema.NewGroupNode("schema", parquet.Repetitions.Required, fields, -1)
	if err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd), parquet.WithCreatedBy("xxgk serve"))
	fw, err := file.NewParquetWriterWithError(w, root, file.WithWriterProps(props))
	if err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	defer func() {
		if cerr := fw.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("parquet: %w", cerr)
		}
	}()
	for start := 0; start < len(r.Rows) || start == 0; start += parquetRowGroup {
		end := min(start+parquetRowGroup, len(r.Rows))
		rg, err := fw.AppendRowGroupChecked()
		if err != nil {
			return fmt.Errorf("parquet: %w", err)
		}
		for i := range cols {
			cw, err := rg.NextColumn()
			if err != nil {
				return fmt.Errorf("parquet: %w", err)
			}
			if err := writeColumn(cw, cols[i], r.Rows[start:end], i); err != nil {
				return fmt.Errorf("parquet: column %s: %w", r.Columns[i], err)
			}
			if err := cw.Close(); err != nil {
				return fmt.Errorf("parquet: %w", err)
			}
		}
		if err := rg.Close(); err != nil {
			return fmt.Errorf("parquet: %w", err)
		}
		if len(r.Rows) == 0 {
			break
		}
	}
	return nil
}

func pqNode(name string, t *store.Type) (pqColumn, schema.Node, error) {
	opt := parquet.Repetitions.Optional
	c := pqColumn{typ: t}
	var lt schema.LogicalType
	phys, length := parquet.Types.ByteArray, -1
	switch t.Kind {
	case store.KindBool:
		c.kind, phys, lt = pqBool, parquet.Types.Boolean, schema.NoLogicalType{}
	case store.KindInt:
		switch t.Name {
		case "HUGEINT", "UHUGEINT", "UBIGINT", "BIGNUM":
			c.kind, phys, length, lt = pqWide, parquet.Types.FixedLenByteArray, 16, schema.NewDecimalLogicalType(38, 0)
		default:
			c.kind, phys, lt = pqInt64, parquet.Types.Int64, schema.NewIntLogicalType(64, true)
		}
	case store.KindFloat:
		c.kind, phys, lt = pqDouble, parquet.Types.Double, schema.NoLogicalType{}
	case store.KindDecimal:
		m := decimalName.FindStringSubmatch(t.Name)
		if m == nil {
			return c, nil, fmt.Errorf("decimal type %q", t.Name)
		}
		w, _ := strconv.Atoi(m[1])
		s, _ := strconv.Atoi(m[2])
		c.kind, c.scale, phys, length, lt = pqDecimal, s, parquet.Types.FixedLenByteArray, 16, schema.NewDecimalLogicalType(int32(w), int32(s))
	case store.KindDate:
		c.kind, phys, lt = pqDate, parquet.Types.Int32, schema.DateLogicalType{}
	case store.KindTime:
		c.kind, phys, lt = pqTime, parquet.Types.Int64, schema.NewTimeLogicalType(false, schema.TimeUnitMicros)
	case store.KindTimestamp:
		c.kind, phys, lt = pqTimestamp, parquet.Types.Int64, schema.NewTimestampLogicalTypeForce(false, schema.TimeUnitMicros)
	case store.KindTimestampTZ:
		c.kind, phys, lt = pqTimestamp, parquet.Types.Int64, schema.NewTimestampLogicalTypeForce(true, schema.TimeUnitMicros)
	case store.KindBlob:
		c.kind, lt = pqBlob, schema.NoLogicalType{}
	default:
		c.kind, lt = pqText, schema.StringLogicalType{}
	}
	n, err := schema.NewPrimitiveNodeLogical(name, opt, lt, phys, length, -1)
	return c, n, err
}

// writeColumn writes column i of rows.
func writeColumn(cw file.ColumnChunkWriter, c pqColumn, rows [][]any, i int) error {
	def := make([]int16, len(rows))
	for r, row := range rows {
		if row[i] != nil {
			def[r] = 1
		}
	}
	var err error
	switch w := cw.(type) {
	case *file.BooleanColumnChunkWriter:
		var vs []bool
		for _, row := range rows {
			if v, ok := row[i].(bool); ok {
				vs = append(vs, v)
			} else if row[i] != nil {
				return fmt.Errorf("%T in a BOOLEAN column", row[i])
			}
		}
		_, err = w.WriteBatch(vs, def, nil)
	case *file.Int32ColumnChunkWriter: // DATE
		var vs []int32
		for _, row := range rows {
			if row[i] == nil {
				continue
			}
			t, ok := row[i].(time.Time)
			if !ok {
				return fmt.Errorf("%T in a DATE column", row[i])
			}
			vs = append(vs, int32(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix()/86400))
		}
		_, err = w.WriteBatch(vs, def, nil)
	case *file.Int64ColumnChunkWriter:
		var vs []int64
		for _, row := range rows {
			if row[i] == nil {
				continue
			}
			var n int64
			switch c.kind {
			case pqTime:
				t, ok := row[i].(time.Time)
				if !ok {
					return fmt.Errorf("%T in a TIME column", row[i])
				}
				n = int64(t.Hour())*3_600_000_000 + int64(t.Minute())*60_000_000 + int64(t.Second())*1_000_000 + int64(t.Nanosecond()/1000)
			case pqTimestamp:
				t, ok := row[i].(time.Time)
				if !ok {
					return fmt.Errorf("%T in a TIMESTAMP column", row[i])
				}
				n = t.UnixMicro()
			default:
				var e error
				if n, e = intOf(row[i]); e != nil {
					return e
				}
			}
			vs = append(vs, n)
		}
		_, err = w.WriteBatch(vs, def, nil)
	case *file.Float64ColumnChunkWriter:
		var vs []float64
		for _, row := range rows {
			switch x := row[i].(type) {
			case nil:
			case float64:
				vs = append(vs, x)
			case float32:
				vs = append(vs, float64(x))
			default:
				return fmt.Errorf("%T in a DOUBLE column", row[i])
			}
		}
		_, err = w.WriteBatch(vs, def, nil)
	case *file.FixedLenByteArrayColumnChunkWriter:
		var vs []parquet.FixedLenByteArray
		for _, row := range rows {
			if row[i] == nil {
				continue
			}
			b, e := unscaled16(row[i])
			if e != nil {
				return e
			}
			vs = append(vs, b)
		}
		_, err = w.WriteBatch(vs, def, nil)
	case *file.ByteArrayColumnChunkWriter:
		var vs []parquet.ByteArray
		for _, row := range rows {
			if row[i] == nil {
				continue
			}
			if b, ok := row[i].([]byte); ok && c.kind == pqBlob {
				vs = append(vs, b)
				continue
			}
			vs = append(vs, parquet.ByteArray(console.Text(row[i], c.typ, "")))
		}
		_, err = w.WriteBatch(vs, def, nil)
	default:
		return fmt.Errorf("unexpected column writer %T", cw)
	}
	return err
}

// unscaled16 writes an exact number's unscaled integer as 16 bytes of big-endian two's
// complement (Parquet DECIMAL in a FIXED_LEN_BYTE_ARRAY).
func unscaled16(v any) (parquet.FixedLenByteArray, error) {
	n := new(big.Int)
	switch x := v.(type) {
	case store.Decimal:
		if _, ok := n.SetString(x.Value, 10); !ok {
			return nil, fmt.Errorf("decimal %q", x.Value)
		}
	case *big.Int:
		n.Set(x)
	case uint64:
		n.SetUint64(x)
	case int64:
		n.SetInt64(x)
	default:
		i, err := intOf(v)
		if err != nil {
			return nil, err
		}
		n.SetInt64(i)
	}
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(38), nil)
	if new(big.Int).Abs(n).Cmp(limit) >= 0 {
		return nil, fmt.Errorf("%s does not fit in DECIMAL(38)", n)
	}
	if n.Sign() < 0 {
		n.Add(n, new(big.Int).Lsh(big.NewInt(1), 128))
	}
	out := make([]byte, 16)
	n.FillBytes(out)
	return out, nil
}

// intOf converts an integer value of a result (any width) to int64.
func intOf(v any) (int64, error) {
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
		if x <= 1<<63-1 {
			return int64(x), nil
		}
	case *big.Int:
		if x.IsInt64() {
			return x.Int64(), nil
		}
	}
	return 0, fmt.Errorf("%T (%v) in an integer column", v, v)
}
