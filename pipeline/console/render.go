package console

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"xxgk/pipeline/store"
	"xxgk/pipeline/textgrid"
)

// Format is an output format of results.
type Format string

// The formats.
const (
	Table    Format = "table"    // aligned for Chinese text, with a row count
	CSV      Format = "csv"      // RFC 4180, a header line, NULL as an empty field
	JSON     Format = "json"     // one document: an array of row objects (or an object of parts)
	Markdown Format = "markdown" // a GitHub table
)

// ParseFormat accepts table, csv, json or markdown.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case Table, CSV, JSON, Markdown:
		return f, nil
	}
	return "", fmt.Errorf("--format %q: want table, csv, json or markdown", s)
}

// PrintOptions shape a printed result.
type PrintOptions struct {
	// Header returns the heading of a column in table and Markdown output (default: its name).
	Header func(col string) string
	// Human writes rates as percentages, % changes with one decimal and rate differences in
	// percentage points, in table and Markdown output (rollup, compare, checks, coverage).
	Human bool
	// MaxCell cuts the cells of a text table to this many columns (0: 60; negative: never).
	MaxCell int
}

// Write writes one result in the format f.
func Write(w io.Writer, r *store.Rows, f Format, o PrintOptions) error {
	switch f {
	case CSV:
		return writeCSV(w, r)
	case JSON:
		b := rowsJSON(r)
		b = append(b, '\n')
		_, err := w.Write(b)
		return err
	}
	if f == Table && len(r.Columns) == 2 && r.Columns[0] == "explain_key" && r.Columns[1] == "explain_value" {
		return writePlan(w, r) // EXPLAIN: the plan as DuckDB draws it, not cut into cells
	}
	t := textgrid.Table{Rule: true}
	for i, c := range r.Columns {
		if o.Header != nil {
			c = o.Header(c)
		}
		t.Head = append(t.Head, c)
		t.Right = append(t.Right, colType(r, i).Kind.Numeric())
	}
	for _, row := range r.Rows {
		cells := make([]string, len(row))
		for j, v := range row {
			switch {
			case v == nil && o.Human:
				cells[j] = "—"
			case o.Human:
				cells[j] = humanValue(r, row, j)
			default:
				cells[j] = Text(v, colType(r, j), "NULL")
			}
		}
		t.Rows = append(t.Rows, cells)
	}
	if f == Markdown {
		return t.Markdown(w)
	}
	maxCell := o.MaxCell
	if maxCell == 0 {
		maxCell = 60
	}
	for range r.Columns {
		t.Max = append(t.Max, maxCell)
	}
	if err := t.Write(w); err != nil {
		return err
	}
	return writeCount(w, r)
}

func writePlan(w io.Writer, r *store.Rows) error {
	for _, row := range r.Rows {
		if _, err := fmt.Fprintf(w, "%s\n%s\n", Text(row[0], nil, ""), Text(row[1], nil, "")); err != nil {
			return err
		}
	}
	return nil
}

func writeCount(w io.Writer, r *store.Rows) error {
	var err error
	switch {
	case r.Truncated:
		_, err = fmt.Fprintf(w, "(只显示前 %d 行 / first %d rows shown)\n", len(r.Rows), len(r.Rows))
	case len(r.Rows) == 1:
		_, err = fmt.Fprintln(w, "(1 行 row)")
	default:
		_, err = fmt.Fprintf(w, "(%d 行 rows)\n", len(r.Rows))
	}
	return err
}

func colType(r *store.Rows, i int) *store.Type {
	if i < len(r.ColumnTypes) && r.ColumnTypes[i] != nil {
		return r.ColumnTypes[i]
	}
	return &store.Type{}
}

func writeCSV(w io.Writer, r *store.Rows) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(r.Columns); err != nil {
		return err
	}
	for _, row := range r.Rows {
		rec := make([]string, len(row))
		for i, v := range row {
			rec[i] = Text(v, colType(r, i), "")
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// rowsJSON encodes a result as an array of objects, one row a line.
func rowsJSON(r *store.Rows) []byte {
	var b bytes.Buffer
	b.WriteString("[")
	keys := make([][]byte, len(r.Columns))
	for i, c := range r.Columns {
		keys[i], _ = json.Marshal(c)
	}
	for i, row := range r.Rows {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n  {")
		for j, v := range row {
			if j > 0 {
				b.WriteString(", ")
			}
			b.Write(keys[j])
			b.WriteString(": ")
			b.Write(JSONValue(v, colType(r, j)))
		}
		b.WriteString("}")
	}
	if len(r.Rows) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("]")
	return b.Bytes()
}

// Rows wraps a result for an Object: it encodes as an array of row objects.
type Rows struct{ *store.Rows }

// MarshalJSON encodes the rows (see JSONValue).
func (r Rows) MarshalJSON() ([]byte, error) {
	if r.Rows == nil {
		return []byte("[]"), nil
	}
	return rowsJSON(r.Rows), nil
}

// Member is one named part of an Object.
type Member struct {
	Key   string
	Value any // a Rows, or anything encoding/json encodes
}

// Object is a JSON object whose members keep their order: the one document a command with
// several parts prints (compare: rows and movers; coverage: summary, counties, bodies).
type Object []Member

// MarshalJSON encodes the members in order.
func (o Object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{")
	for i, m := range o {
		if i > 0 {
			b.WriteString(",\n")
		}
		k, err := json.Marshal(m.Key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(m.Value)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.Key, err)
		}
		b.Write(k)
		b.WriteString(": ")
		b.Write(v)
	}
	b.WriteString("}")
	return b.Bytes(), nil
}

// WriteJSON writes v (an Object, Rows …) as one JSON document and a newline.
func WriteJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return err
	}
	out.WriteByte('\n')
	_, err = w.Write(out.Bytes())
	return err
}

// humanValue formats rates (…_rate, value_from/value_to of a rate) as percentages, % changes
// with one decimal, and rate differences in percentage points.
func humanValue(r *store.Rows, row []any, j int) string {
	col, v := r.Columns[j], row[j]
	f, isFloat := v.(float64)
	kind := ""
	if k := r.Col("kind"); k >= 0 {
		kind, _ = row[k].(string)
	}
	if b, ok := v.(bool); ok && col == "series_break" {
		if b {
			return "口径变化"
		}
		return ""
	}
	// the like-for-like columns of xxgk compare read as their all-reports twins
	value := col == "value_from" || col == "value_to" || col == "lfl_from" || col == "lfl_to"
	delta := col == "delta" || col == "lfl_delta"
	switch {
	case isFloat && (strings.HasSuffix(col, "_rate") || kind == "rate" && value):
		return strconv.FormatFloat(f*100, 'f', 2, 64) + "%"
	case isFloat && (col == "pct" || strings.HasSuffix(col, "_pct")):
		return fmt.Sprintf("%+.1f%%", f)
	case isFloat && delta && kind == "rate":
		return fmt.Sprintf("%+.2fpp", f)
	case isFloat && (delta || value) && f == math.Trunc(f):
		if delta {
			return fmt.Sprintf("%+d", int64(f))
		}
		return strconv.FormatInt(int64(f), 10)
	}
	return Text(v, colType(r, j), "—")
}
