package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// Session is a read-only session on the published warehouse, the one way every command, the
// exports, the rollup reader and the analysts' SQL surface open it (OpenSession). It holds one
// connection: session state (temporary objects, the last query) stays on it.
//
// The database is opened with access_mode=READ_ONLY (DuckDB refuses every write to the
// warehouse). A session holds DuckDB's shared lock on the file: a run that wants to merge into
// it in place waits for it (store.Options.LockWait) and otherwise publishes by copy, so a
// session never blocks a run; and while a run merges in place (seconds for late reports),
// OpenSession waits for it (SessionOptions.LockWait). Keep sessions short-lived — open one
// per command or request — so that late reports go in place. It is opened without fetching or loading extensions, optionally without any file or
// network access (SessionOptions.NoExternalAccess), and with lock_configuration=true: no
// statement can change a setting afterwards (SET, RESET, PRAGMA memory_limit … all fail).
//
// Two kinds of method use the session. Query, QueryContext, QueryRowContext and CopyTo run SQL
// written in this code base (fixed statements with parameters). Check and Run run the text an
// analyst typed: see analyst.go; never pass analyst text to the former.
type Session struct {
	path   string
	opts   SessionOptions
	db     *sql.DB
	conn   *sql.Conn
	closed bool
}

// SessionOptions configure OpenSession.
type SessionOptions struct {
	Threads     int    // DuckDB threads (0: DuckDB's default)
	MemoryLimit string // e.g. "1GB" ("": DuckDB's default, 80% of the memory)
	// NoExternalAccess turns DuckDB's enable_external_access off: no file but the warehouse and
	// no network can be read or written, so read_csv('/etc/passwd') and COPY … TO fail. xxgk
	// serve sets it; query and shell set it with --no-external. Exports need it on (CopyTo).
	NoExternalAccess bool
	// NoTempFiles keeps every query in memory (temp_directory=''): a query larger than
	// MemoryLimit fails instead of spilling to <warehouse>.tmp/. The analysts' sessions set it,
	// so that no analyst statement leaves a file behind.
	NoTempFiles bool
	// LockWait is how long OpenSession waits while a run merges into the published file in
	// place (DuckDB's file lock refuses readers meanwhile: seconds for late reports) before it
	// fails (0: DefaultSessionLockWait; < 0: do not wait).
	LockWait time.Duration
}

// DefaultSessionLockWait is how long a session waits by default for an in-place merge to end.
const DefaultSessionLockWait = 60 * time.Second

// dsn is the DuckDB connection string of a read-only session. The driver applies its options
// in no fixed order, so the settings that depend on each other are set by setup.
func (o SessionOptions) dsn(path string) string {
	v := url.Values{}
	v.Set("access_mode", "read_only")
	v.Set("autoinstall_known_extensions", "false")
	v.Set("autoload_known_extensions", "false")
	v.Set("allow_community_extensions", "false")
	v.Set("allow_unsigned_extensions", "false")
	if o.Threads > 0 {
		v.Set("threads", strconv.Itoa(o.Threads))
	}
	if o.MemoryLimit != "" {
		v.Set("memory_limit", o.MemoryLimit)
	}
	return path + "?" + v.Encode()
}

// setup applies the ordered settings on the first connection, before anything else runs: the
// temporary directory (it cannot change once external access is off), external access, and
// last lock_configuration, which freezes them all. They are global to the database instance,
// and the driver shares one instance among the sessions of a process on the same file: a
// session opened while another is open finds the settings locked already, and is refused if
// they are not the ones it asks for.
func (o SessionOptions) setup(ctx context.Context, conn *sql.Conn) error {
	check := func() (locked bool, err error) {
		var external bool
		var mode, temp string
		if err := conn.QueryRowContext(ctx, `select current_setting('lock_configuration'), current_setting('enable_external_access'),
			current_setting('access_mode'), current_setting('temp_directory')`).Scan(&locked, &external, &mode, &temp); err != nil {
			return false, err
		}
		if locked && (external == o.NoExternalAccess || mode != "read_only" || o.NoTempFiles && temp != "") {
			return true, fmt.Errorf("the warehouse is open in this process with other settings (enable_external_access %v, access_mode %s, temp_directory %q)",
				external, mode, temp)
		}
		return locked, nil
	}
	locked, err := check()
	if err != nil || locked {
		return err
	}
	var stmts []string
	if o.NoTempFiles {
		stmts = append(stmts, `set temp_directory = ''`)
	}
	if o.NoExternalAccess {
		stmts = append(stmts, `set enable_external_access = false`)
	}
	stmts = append(stmts, `set lock_configuration = true`)
	for _, q := range stmts {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	// The settings are the session's guarantees: check that DuckDB took them.
	if locked, err = check(); err != nil || !locked {
		return errors.Join(err, errors.New("session settings not applied: lock_configuration is off"))
	}
	return nil
}

// OpenSession opens the published warehouse at path read-only, on one connection, with the
// configuration locked (see Session).
func OpenSession(ctx context.Context, path string, o SessionOptions) (*Session, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("store: no warehouse at %s: run xxgk ingest first, or give --db (%w)", path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("store: %s is not a warehouse file", path)
	}
	wait := o.LockWait
	if wait == 0 {
		wait = DefaultSessionLockWait
	}
	deadline := time.Now().Add(max(wait, 0))
	var db *sql.DB
	var conn *sql.Conn
	for {
		connector, err := duckdb.NewConnector(o.dsn(path), nil)
		if err == nil {
			db = sql.OpenDB(connector)
			if conn, err = db.Conn(ctx); err == nil {
				break
			}
			err = errors.Join(err, db.Close())
		}
		if !isLockConflict(err) || time.Now().After(deadline) {
			if isLockConflict(err) {
				err = fmt.Errorf("%w (a run was still merging into it after %s — 导入正在写入仓库，请稍后重试)", err, wait)
			}
			return nil, fmt.Errorf("store: open %s read-only: %w", path, err)
		}
		// a run is merging into the file in place (seconds): wait for it
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("store: open %s read-only: %w", path, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
	s := &Session{path: path, opts: o, db: db, conn: conn}
	if err := o.setup(ctx, conn); err != nil {
		return nil, errors.Join(fmt.Errorf("store: open %s read-only: %w", path, err), s.Close())
	}
	return s, nil
}

// Path returns the warehouse file of the session.
func (s *Session) Path() string { return s.path }

// Options returns the options the session was opened with.
func (s *Session) Options() SessionOptions { return s.opts }

// Close closes the session; closing it again does nothing.
func (s *Session) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	return errors.Join(s.conn.Close(), s.db.Close())
}

// DB returns the session's database handle for code that needs database/sql (tests, state
// readers). Its connections share the session's read-only, locked configuration.
func (s *Session) DB() *sql.DB { return s.db }

// Rows is a query result: column names, DuckDB types and rows of values. Values are nil (NULL),
// bool, int8…int64, uint8…uint64, float32, float64, *big.Int (HUGEINT, UHUGEINT, BIGNUM),
// Decimal, string (VARCHAR, ENUM, BIT), []byte (BLOB), UUID, time.Time (DATE, TIME,
// TIMESTAMP…: ColumnTypes says which), Interval, []any (LIST, ARRAY), Struct, Map, Union, or for
// JSON what encoding/json decodes.
type Rows struct {
	Columns     []string
	Types       []string // DuckDB's type names (INTEGER, DECIMAL(18,2), VARCHAR[] …)
	ColumnTypes []*Type  // the same, with what printing a value needs (nested types)
	Rows        [][]any
	// Truncated is set when a row limit (Limits.MaxRows) cut the result.
	Truncated bool
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

// QueryContext runs one statement written in this code base on the session's connection and
// returns its rows (database/sql), for callers that stream.
func (s *Session) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return s.conn.QueryContext(ctx, q, args...)
}

// QueryRowContext runs one statement written in this code base and returns its first row.
func (s *Session) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return s.conn.QueryRowContext(ctx, q, args...)
}

// Query runs one statement written in this code base (never an analyst's text: see Run) and
// returns all its rows.
func (s *Session) Query(ctx context.Context, q string, args ...any) (*Rows, error) {
	return s.query(ctx, q, args, 0, nil)
}

// query prepares q (exactly one statement: the driver refuses more without running any),
// lets check inspect the prepared statement, runs it and reads at most maxRows rows (0: all).
func (s *Session) query(ctx context.Context, q string, args []any, maxRows int, check func(*duckdb.Stmt) error) (*Rows, error) {
	nargs := make([]driver.NamedValue, len(args))
	for i, a := range args {
		v, err := driver.DefaultParameterConverter.ConvertValue(a)
		if err != nil {
			v = a // the driver binds its own types (duckdb.Decimal …)
		}
		nargs[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	var out *Rows
	err := s.conn.Raw(func(dc any) (err error) {
		c, ok := dc.(*duckdb.Conn)
		if !ok {
			return fmt.Errorf("store: unexpected driver connection %T", dc)
		}
		ds, err := c.Prepare(q)
		if err != nil {
			return err
		}
		st := ds.(*duckdb.Stmt)
		defer func() { err = errors.Join(err, st.Close()) }()
		if check != nil {
			if err := check(st); err != nil {
				return err
			}
		}
		rows, err := st.QueryContext(ctx, nargs)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, rows.Close()) }()
		out, err = readRows(st, rows, maxRows)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readRows reads a result, converting the driver's values (see Rows).
func readRows(st *duckdb.Stmt, rows driver.Rows, maxRows int) (*Rows, error) {
	cols := rows.Columns()
	out := &Rows{Columns: cols, Rows: [][]any{}}
	typed, _ := rows.(driver.RowsColumnTypeDatabaseTypeName)
	n, err := st.ColumnCount()
	for i := range cols {
		var t *Type
		if err == nil && n == len(cols) {
			if ti, err := st.ColumnTypeInfo(i); err == nil {
				t = typeOf(ti)
			}
		}
		name := ""
		if typed != nil {
			name = typed.ColumnTypeDatabaseTypeName(i)
		}
		if t == nil {
			t = &Type{Name: name, Kind: kindOfName(name)}
		}
		if name == "" {
			name = t.Name
		}
		out.Types = append(out.Types, name)
		out.ColumnTypes = append(out.ColumnTypes, t)
	}
	dest := make([]driver.Value, len(cols))
	for {
		if err := rows.Next(dest); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
		if maxRows > 0 && len(out.Rows) == maxRows {
			out.Truncated = true
			return out, nil
		}
		row := make([]any, len(cols))
		for i, v := range dest {
			row[i] = convert(v, out.ColumnTypes[i])
		}
		out.Rows = append(out.Rows, row)
	}
}
