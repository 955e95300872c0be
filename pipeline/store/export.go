package store

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// Session is a read-only session on the published warehouse for the exports (xxgk export):
// one connection, queries returning rows, and COPY … TO files (CSV, Parquet). Like every
// read-only session it never blocks an ingest run, and DuckDB refuses any write to the
// warehouse itself.
type Session struct {
	path string
	db   *sql.DB
	conn *sql.Conn
}

// SessionOptions configure OpenSession.
type SessionOptions struct {
	Threads     int    // DuckDB threads (0: DuckDB's default)
	MemoryLimit string // e.g. "1GB" ("": DuckDB's default)
}

// OpenSession opens the published warehouse at path read-only on one connection.
func OpenSession(ctx context.Context, path string, o SessionOptions) (*Session, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("store: no warehouse at %s: run xxgk ingest first, or give --db (%w)", path, err)
	}
	conf := "?access_mode=read_only&autoinstall_known_extensions=false&autoload_known_extensions=false"
	if o.Threads > 0 {
		conf += fmt.Sprintf("&threads=%d", o.Threads)
	}
	if o.MemoryLimit != "" {
		conf += "&memory_limit=" + o.MemoryLimit
	}
	connector, err := duckdb.NewConnector(path+conf, nil)
	if err != nil {
		return nil, fmt.Errorf("store: open %s read-only: %w", path, err)
	}
	db := sql.OpenDB(connector)
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("store: open %s read-only: %w", path, err), db.Close())
	}
	return &Session{path: path, db: db, conn: conn}, nil
}

// Path returns the warehouse file of the session.
func (s *Session) Path() string { return s.path }

// Close closes the session.
func (s *Session) Close() error {
	return errors.Join(s.conn.Close(), s.db.Close())
}

// Rows is a query result: column names, DuckDB type names and rows of driver values
// (int64, int32, float64, string, bool, time.Time, duckdb.Decimal, nil …).
type Rows struct {
	Columns []string
	Types   []string
	Rows    [][]any
}

// Col returns the index of a column, or -1.
func (r *Rows) Col(name string) int {
	for i, c := range r.Columns {
		if c == name {
			return i
		}
	}
	return -1
}

// QueryContext runs one statement on the session's connection and returns its rows
// (database/sql), for callers that stream or that take a Querier.
func (s *Session) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return s.conn.QueryContext(ctx, q, args...)
}

// Query runs one read statement and returns all its rows.
func (s *Session) Query(ctx context.Context, q string, args ...any) (*Rows, error) {
	rows, err := s.conn.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	out := &Rows{}
	for _, c := range cts {
		out.Columns = append(out.Columns, c.Name())
		out.Types = append(out.Types, c.DatabaseTypeName())
	}
	for rows.Next() {
		vals := make([]any, len(cts))
		ptrs := make([]any, len(cts))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, v := range vals {
			if d, ok := v.(duckdb.Decimal); ok {
				vals[i] = Decimal{Value: d.Value.String(), Scale: int(d.Scale)}
			}
		}
		out.Rows = append(out.Rows, vals)
	}
	return out, rows.Err()
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

// CopyOptions say how CopyTo writes a query result.
type CopyOptions struct {
	// Format is "csv" (UTF-8, header line) or "parquet" (zstd).
	Format string
	// PartitionBy writes a hive-partitioned directory (col=value/…) instead of one file; the
	// partition columns are left out of the files (read back with hive_partitioning).
	PartitionBy []string
	// FilenamePattern names the files of a partitioned write ({i} is a counter; default
	// data_{i}). Files of that name in a partition are overwritten, others are left alone.
	FilenamePattern string
	// BOM starts a CSV file with a UTF-8 byte-order mark (Excel on Windows needs it).
	BOM bool
}

var (
	identRE   = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)
	patternRE = regexp.MustCompile(`^[A-Za-z0-9_-]*(\{i\}|\{uuid\})[A-Za-z0-9_-]*$`)
)

// CopyTo writes the result of the read query q to path with DuckDB's COPY … TO: a file, or
// with PartitionBy a directory written into (see FilenamePattern).
// q is embedded in the COPY statement and must not take parameters.
func (s *Session) CopyTo(ctx context.Context, q, path string, o CopyOptions) error {
	var opts []string
	switch o.Format {
	case "csv":
		opts = append(opts, "format csv", "header true")
	case "parquet":
		opts = append(opts, "format parquet", "compression zstd")
	default:
		return fmt.Errorf("store: copy to %s: format %q: want csv or parquet", path, o.Format)
	}
	if len(o.PartitionBy) > 0 {
		for _, c := range o.PartitionBy {
			if !identRE.MatchString(c) {
				return fmt.Errorf("store: copy to %s: bad partition column %q", path, c)
			}
		}
		if o.BOM {
			return fmt.Errorf("store: copy to %s: a BOM needs a single CSV file", path)
		}
		if err := os.MkdirAll(path, 0o755); err != nil {
			return fmt.Errorf("store: copy to %s: %w", path, err)
		}
		opts = append(opts, "partition_by ("+strings.Join(o.PartitionBy, ", ")+")", "overwrite_or_ignore true")
		if o.FilenamePattern != "" {
			if !patternRE.MatchString(o.FilenamePattern) {
				return fmt.Errorf("store: copy to %s: bad file name pattern %q", path, o.FilenamePattern)
			}
			opts = append(opts, "filename_pattern '"+o.FilenamePattern+"'")
		}
	} else if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("store: copy to %s: %w", path, err)
	}
	target := path
	if o.BOM {
		target = path + ".nobom"
	}
	stmt := fmt.Sprintf("copy (%s) to '%s' (%s)", q, strings.ReplaceAll(target, "'", "''"), strings.Join(opts, ", "))
	if _, err := s.conn.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("store: copy to %s: %w", path, err)
	}
	if o.BOM {
		if err := prependBOM(target, path); err != nil {
			return fmt.Errorf("store: copy to %s: %w", path, err)
		}
	}
	return nil
}

// prependBOM writes a UTF-8 BOM and the content of src to dst and removes src.
func prependBOM(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer func() {
		err = errors.Join(err, in.Close(), os.Remove(src))
	}()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, out.Close()) }()
	w := bufio.NewWriter(out)
	if _, err := w.WriteString("\ufeff"); err != nil {
		return err
	}
	if _, err := io.Copy(w, in); err != nil {
		return err
	}
	return w.Flush()
}

// Text is a value of Rows as plain text, for tables and CSV: numbers exact, dates as
// 2006-01-02, other times in RFC 3339, bytes in hex, NULL as "".
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
