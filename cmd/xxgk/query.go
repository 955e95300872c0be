package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
	"xxgk/pipeline/store"
	"xxgk/pipeline/textgrid"

	"github.com/spf13/cobra"

	"xxgk/pipeline/rollup"
)

func init() {
	commands = append(commands, newQueryCmd)
}

const defaultDB = "data/xxgk.duckdb"

func newQueryCmd() *cobra.Command {
	var db, file, format string
	cmd := &cobra.Command{
		Use:   `query "SQL" | query --file F.sql`,
		Short: "run SQL on the published warehouse (read-only) and print the result",
		Long: `query runs SQL statements on the published warehouse, opened read-only (an ingest
can run meanwhile), and prints each result: aligned for Chinese text (table), csv, json or
markdown. The analysts' contract is the analytics schema (xxgk views lists it, with comments).
Only reading statements run (SELECT, WITH, FROM, VALUES, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN,
PRAGMA, SET…); a write statement is refused.

Exit status: 0 on success, 2 when a statement fails (DuckDB's message is printed).`,
		Example: `  xxgk query "select province_name, year, requests_count, disclosure_rate from analytics.province_years"
  xxgk query --format csv --file questions/top_counties.sql > top.csv`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			var text string
			switch {
			case file != "" && len(args) > 0:
				return &exitError{exitFailed, errors.New("query: give the SQL or --file, not both")}
			case file != "":
				b, err := os.ReadFile(file)
				if err != nil {
					return &exitError{exitFailed, fmt.Errorf("query: %w", err)}
				}
				text = string(b)
			case len(args) == 1:
				text = args[0]
			default:
				return &exitError{exitFailed, errors.New(`query: give the SQL ("select …") or --file F.sql`)}
			}
			stmts := splitStatements(text)
			if len(stmts) == 0 {
				return &exitError{exitFailed, errors.New("query: no SQL statement")}
			}
			for _, s := range stmts {
				if err := readOnlyStatement(s); err != nil {
					return &exitError{exitFailed, err}
				}
			}
			r, err := openReader(cmd, db)
			if err != nil {
				return err
			}
			defer r.Close()
			out := cmd.OutOrStdout()
			for i, s := range stmts {
				t, err := r.Query(cmd.Context(), s)
				if err != nil {
					return &exitError{exitFailed, err}
				}
				if i > 0 && format != "json" {
					fmt.Fprintln(out)
				}
				if err := printTable(out, t, format, printOpts{}); err != nil {
					return &exitError{exitFailed, err}
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", defaultDB, "the published warehouse file (opened read-only)")
	f.StringVar(&file, "file", "", "read the SQL from this file")
	f.StringVar(&format, "format", "table", "output: table (aligned), csv, json, markdown")
	return cmd
}

func openReader(cmd *cobra.Command, db string) (*rollup.Reader, error) {
	r, err := rollup.Open(cmd.Context(), db)
	if err != nil {
		return nil, &exitError{exitFailed, err}
	}
	return r, nil
}

func checkFormat(f string) error {
	switch f {
	case "table", "csv", "json", "markdown":
		return nil
	}
	return &exitError{exitFailed, fmt.Errorf("--format %q: want table, csv, json or markdown", f)}
}

// readStatements are the leading keywords of the statements query and shell run; anything
// else (INSERT, CREATE, COPY, ATTACH, INSTALL…) is refused before it reaches DuckDB, whose
// read-only connection would refuse most of them anyway.
var readStatements = map[string]bool{"select": true, "with": true, "from": true, "values": true, "table": true,
	"describe": true, "desc": true, "show": true, "summarize": true, "explain": true, "pragma": true, "set": true,
	"reset": true, "call": true, "(": true}

func readOnlyStatement(s string) error {
	kw := strings.ToLower(firstWord(s))
	if readStatements[kw] {
		return nil
	}
	return fmt.Errorf("%w: %s 语句被拒绝 / %s statements are refused", rollup.ErrReadOnly, strings.ToUpper(kw), strings.ToUpper(kw))
}

func firstWord(s string) string {
	s = strings.TrimSpace(stripComments(s))
	if strings.HasPrefix(s, "(") {
		return "("
	}
	end := strings.IndexFunc(s, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_') })
	if end < 0 {
		return s
	}
	return s[:end]
}

// stripComments removes -- and /* */ comments outside quotes.
func stripComments(s string) string {
	var b strings.Builder
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			b.WriteByte(c)
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
			b.WriteByte(c)
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			for i < len(s) && s[i] != '\n' {
				i++
			}
			b.WriteByte('\n')
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			j := strings.Index(s[i+2:], "*/")
			if j < 0 {
				return b.String()
			}
			i += j + 3
			b.WriteByte(' ')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// splitStatements cuts SQL text at the semicolons outside quotes and comments and drops empty
// statements.
func splitStatements(s string) []string {
	s = stripComments(s)
	var out []string
	var quote byte
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == ';':
			if t := strings.TrimSpace(s[start:i]); t != "" {
				out = append(out, t)
			}
			start = i + 1
		}
	}
	if t := strings.TrimSpace(s[start:]); t != "" {
		out = append(out, t)
	}
	return out
}

// printOpts shape the output of a table.
type printOpts struct {
	// header returns the heading of a column in table and markdown output (default: its name).
	header func(col string) string
	// human formats rates as percentages, % changes and percentage points, in table and
	// markdown output.
	human bool
}

func printTable(w io.Writer, t *rollup.Table, format string, o printOpts) error {
	switch format {
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write(t.Columns)
		for _, row := range t.Rows {
			rec := make([]string, len(row))
			for i, v := range row {
				if v != nil {
					rec[i] = store.Text(v)
				}
			}
			_ = cw.Write(rec)
		}
		cw.Flush()
		return cw.Error()
	case "json":
		var b strings.Builder
		b.WriteString("[")
		for i, row := range t.Rows {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n  {")
			for j, v := range row {
				if j > 0 {
					b.WriteString(", ")
				}
				k, _ := json.Marshal(t.Columns[j])
				b.Write(k)
				b.WriteString(": ")
				b.WriteString(jsonValue(v))
			}
			b.WriteString("}")
		}
		if len(t.Rows) > 0 {
			b.WriteString("\n")
		}
		b.WriteString("]\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = c
		if o.header != nil {
			head[i] = o.header(c)
		}
	}
	rows := make([][]string, len(t.Rows))
	right := make([]bool, len(t.Columns))
	for i := range right {
		right[i] = numericType(t.Types[i])
	}
	for i, row := range t.Rows {
		rows[i] = make([]string, len(row))
		for j, v := range row {
			switch {
			case v == nil:
				rows[i][j] = "NULL"
				if o.human {
					rows[i][j] = "—"
				}
			case o.human:
				rows[i][j] = humanValue(t.Columns[j], v, row, t)
			default:
				rows[i][j] = store.Text(v)
			}
		}
	}
	if format == "markdown" {
		writeMarkdown(w, head, rows, right)
		return nil
	}
	writeGrid(w, head, rows, right)
	if len(t.Rows) != 1 {
		fmt.Fprintf(w, "(%d 行 rows)\n", len(t.Rows))
	} else {
		fmt.Fprintln(w, "(1 行 row)")
	}
	return nil
}

func numericType(t string) bool {
	t = strings.ToUpper(t)
	for _, p := range []string{"INT", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT", "DOUBLE", "FLOAT", "DECIMAL", "REAL"} {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

func jsonValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "null"
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int64, int32, int16, int8, int, uint64, uint32, uint16, uint8, bool:
		return fmt.Sprint(x)
	case time.Time:
		b, _ := json.Marshal(x)
		return string(b)
	case fmt.Stringer:
		s := x.String()
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return s // DECIMAL, HUGEINT: exact
		}
		b, _ := json.Marshal(s)
		return string(b)
	case string, []any, map[string]any:
		b, err := json.Marshal(x)
		if err != nil {
			b, _ = json.Marshal(fmt.Sprint(x))
		}
		return string(b)
	}
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(fmt.Sprint(v))
	}
	return string(b)
}

// humanValue formats rates (…_rate, value_from/value_to of a rate) as percentages, % changes
// with one decimal, and rate differences in percentage points.
func humanValue(col string, v any, row []any, t *rollup.Table) string {
	f, isFloat := v.(float64)
	kind := ""
	if k := t.Col("kind"); k >= 0 {
		kind, _ = row[k].(string)
	}
	if b, ok := v.(bool); ok && col == "series_break" {
		if b {
			return "口径变化"
		}
		return ""
	}
	switch {
	case isFloat && (strings.HasSuffix(col, "_rate") || kind == "rate" && (col == "value_from" || col == "value_to")):
		return strconv.FormatFloat(f*100, 'f', 2, 64) + "%"
	case isFloat && (col == "pct" || strings.HasSuffix(col, "_pct")):
		return fmt.Sprintf("%+.1f%%", f)
	case isFloat && col == "delta" && kind == "rate":
		return fmt.Sprintf("%+.2fpp", f)
	case isFloat && (col == "delta" || col == "value_from" || col == "value_to") && f == math.Trunc(f):
		if col == "delta" {
			return fmt.Sprintf("%+d", int64(f))
		}
		return strconv.FormatInt(int64(f), 10)
	}
	return store.Text(v)
}

// writeGrid writes a header, a rule and rows in columns aligned for Chinese text (display
// width): numbers right, text left; cells wider than 60 columns are cut.
func writeGrid(w io.Writer, head []string, rows [][]string, right []bool) {
	widths := make([]int, len(head))
	for i, h := range head {
		widths[i] = textgrid.Width(h)
	}
	for _, r := range rows {
		for i, c := range r {
			r[i] = textgrid.Truncate(strings.ReplaceAll(c, "\n", " "), 60)
			if dw := textgrid.Width(r[i]); dw > widths[i] {
				widths[i] = dw
			}
		}
	}
	line := func(cells []string) {
		var b strings.Builder
		for i, c := range cells {
			if i > 0 {
				b.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[i]-textgrid.Width(c))
			if right[i] {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	line(head)
	rule := make([]string, len(head))
	for i := range rule {
		rule[i] = strings.Repeat("─", widths[i])
	}
	line(rule)
	for _, r := range rows {
		line(r)
	}
}

func writeMarkdown(w io.Writer, head []string, rows [][]string, right []bool) {
	esc := func(s string) string {
		return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
	}
	cells := make([]string, len(head))
	for i, h := range head {
		cells[i] = esc(h)
	}
	fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	for i := range head {
		cells[i] = "---"
		if right[i] {
			cells[i] = "---:"
		}
	}
	fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	for _, r := range rows {
		for i, c := range r {
			cells[i] = esc(c)
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
}
