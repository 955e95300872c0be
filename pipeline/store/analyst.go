package store

// The analysts' SQL: the text typed into xxgk query, xxgk shell and the web page runs here
// and nowhere else, in two steps. Check splits the text into statements and classifies each
// with DuckDB's own parser; a text with one statement that is not allowed runs nothing. Run
// prepares one checked statement, has DuckDB confirm its type, and executes that prepared
// statement (never the text again).
//
// Classification, in order, and why each step is there:
//
//  1. Parse only. json_serialize_sql (DuckDB's parser, no binding) says whether a text is
//     one or more SELECT-type statements (SELECT, WITH, FROM-first, VALUES, TABLE, PIVOT with
//     IN, UNPIVOT, SUMMARIZE, DESCRIBE, SHOW) and gives their syntax trees. Nothing is
//     prepared before this step passes, because preparing (binding) can act: preparing
//     EXPORT DATABASE creates its directory.
//  2. Statement boundaries come from the same parser: a ';' ends a statement when the text up
//     to it parses and the text up to it followed by a lone quote does not (a ';' in a string,
//     a quoted name, a $$ string or a comment fails one of the two). A wrong cut could only
//     make a statement fail or be refused, never let one through: every piece is classified
//     and prepared on its own, and the driver refuses to prepare a piece that holds two.
//  3. Functions. A SELECT can call table functions that act: enable_logging(storage_path=…)
//     writes files and enable_profiling() changes settings even with the configuration locked;
//     query('…') runs a string as SQL. So every table function in the tree must be on a
//     read-only allow-list (readTableFunctions), and a few scalar functions are refused.
//  4. EXPLAIN, PRAGMA and CALL are not SELECT-type. EXPLAIN is allowed when the statement it
//     explains passes 1–3 (EXPLAIN ANALYZE runs it); PRAGMA and CALL only for the read-only
//     names of readPragmas and readTableFunctions. A short prefix reader finds the explained
//     statement or the name; it refuses what it does not recognise.
//  5. Run prepares the statement (one statement, or the driver refuses without running
//     anything), checks that DuckDB's statement type is the one step 1 or 4 expected, and
//     executes that prepared statement.
//
// Everything else — COPY, EXPORT, IMPORT, ATTACH, DETACH, INSTALL, LOAD, SET, RESET, settings
// PRAGMAs, CREATE (temporary too), INSERT, UPDATE, DELETE, DROP, ALTER, transactions, PREPARE,
// EXECUTE, VACUUM, CHECKPOINT, ANALYZE, USE, PIVOT without IN (DuckDB first creates a type),
// anything unknown — is refused, naming the statement. Under this sit the session's own
// guarantees (read-only database, locked configuration, optionally no external access).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// ErrRefused is returned (wrapped) by Check and Run for a statement the analysts' surface does
// not run.
var ErrRefused = errors.New("只读，只运行查询 / read-only, only queries run here")

// MaxSQLBytes is the longest SQL text Check accepts.
const MaxSQLBytes = 1 << 20

// maxCuts is how many ';' Check tries inside one statement before it takes the rest of the
// text as one statement (a statement with more semicolons in strings or comments than that is
// then refused if the rest holds several).
const maxCuts = 200

// allowedHint lists what runs, for refusal messages.
const allowedHint = "允许 / allowed: SELECT, WITH, FROM, VALUES, TABLE, PIVOT … IN (…), UNPIVOT, SUMMARIZE, DESCRIBE, SHOW, " +
	"EXPLAIN [ANALYZE] of a query, PRAGMA table_info/show_tables/database_size/version…, CALL of a read-only table function"

// readTableFunctions are the table functions an analyst's statement may call (FROM f(…) or
// CALL f(…)): they read files, the catalog or generate rows, and none changes anything.
// Reading files also needs external access (SessionOptions.NoExternalAccess off).
var readTableFunctions = setOf(
	// files (external access)
	"read_csv", "read_csv_auto", "sniff_csv", "read_parquet", "parquet_scan", "parquet_metadata", "parquet_schema",
	"parquet_file_metadata", "parquet_kv_metadata", "parquet_full_metadata", "parquet_bloom_probe", "read_json",
	"read_json_auto", "read_json_objects", "read_json_objects_auto", "read_ndjson", "read_ndjson_auto",
	"read_ndjson_objects", "read_text", "read_blob", "glob",
	// rows
	"range", "generate_series", "unnest", "repeat", "repeat_row", "json_each", "json_tree", "summary",
	"histogram", "histogram_values", "icu_calendar_names", "pg_timezone_names", "test_all_types",
	// the catalog
	"duckdb_columns", "duckdb_constraints", "duckdb_databases", "duckdb_dependencies", "duckdb_extensions",
	"duckdb_functions", "duckdb_indexes", "duckdb_keywords", "duckdb_memory", "duckdb_optimizers", "duckdb_schemas",
	"duckdb_sequences", "duckdb_settings", "duckdb_tables", "duckdb_temporary_files", "duckdb_types",
	"duckdb_variables", "duckdb_views", "duckdb_approx_database_count", "duckdb_table_sample",
	"pragma_table_info", "pragma_show", "pragma_version", "pragma_database_size", "pragma_storage_info",
	"pragma_metadata_info", "pragma_platform", "pragma_user_agent", "pragma_collations",
)

// refusedScalarFunctions are scalar functions with an effect beyond their result.
var refusedScalarFunctions = setOf("write_log")

// readPragmas are the PRAGMAs an analyst may run: DuckDB turns each into a SELECT.
var readPragmas = setOf("table_info", "show_tables", "show_tables_expanded", "show_databases", "show",
	"database_size", "database_list", "version", "platform", "user_agent", "storage_info", "metadata_info", "collations")

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// Statement is one checked statement of an analyst's text (Check), to be given to Run.
type Statement struct {
	text string
	kind string // query, explain, pragma, call
	n    int    // its number in the text, from 1
}

// SQL returns the statement's text as written (its ';' included when it had one).
func (s Statement) SQL() string { return s.text }

// Kind returns what the statement is: query, explain, pragma or call.
func (s Statement) Kind() string { return s.kind }

// Limits bound what Run does.
type Limits struct {
	// Timeout interrupts the statement after this long (0: none).
	Timeout time.Duration
	// MaxRows keeps the first MaxRows rows and sets Rows.Truncated (0: all).
	MaxRows int
}

// Check splits text into statements and classifies each with DuckDB's parser. It returns the
// statements that run, in order, or an error for the first that does not (wrapping ErrRefused
// when it is not allowed, DuckDB's message when it does not parse); then nothing may run.
// Empty statements (a lone ';', comments) are dropped.
func (s *Session) Check(ctx context.Context, text string) ([]Statement, error) {
	if len(text) > MaxSQLBytes {
		return nil, fmt.Errorf("%w: SQL 文本超过 %d 字节 / the SQL text is longer than %d bytes", ErrRefused, MaxSQLBytes, MaxSQLBytes)
	}
	pieces, err := s.split(ctx, text)
	if err != nil {
		return nil, err
	}
	var out []Statement
	for _, p := range pieces {
		st, empty, err := s.classify(ctx, p, len(out)+1)
		if err != nil {
			if len(pieces) > 1 {
				return nil, fmt.Errorf("第%d条语句 / statement %d: %w", len(out)+1, len(out)+1, err)
			}
			return nil, err
		}
		if !empty {
			out = append(out, st)
		}
	}
	return out, nil
}

// Run runs one statement from Check: it prepares it, checks that DuckDB's statement type is
// the one Check found, and executes that prepared statement within the limits.
func (s *Session) Run(ctx context.Context, st Statement, lim Limits) (*Rows, error) {
	want, ok := map[string]duckdb.StmtType{
		"query":   duckdb.STATEMENT_TYPE_SELECT,
		"explain": duckdb.STATEMENT_TYPE_EXPLAIN,
		"pragma":  duckdb.STATEMENT_TYPE_SELECT,
		"call":    duckdb.STATEMENT_TYPE_CALL,
	}[st.kind]
	if !ok || st.text == "" {
		return nil, fmt.Errorf("%w: the statement was not checked (store.Session.Check)", ErrRefused)
	}
	if lim.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, lim.Timeout)
		defer cancel()
	}
	rows, err := s.query(ctx, st.text, nil, lim.MaxRows, func(p *duckdb.Stmt) error {
		got, err := p.StatementType()
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("%w: DuckDB 判定该语句为 %s 类 / DuckDB classifies the statement as type %d, not %s", ErrRefused, st.kind, got, st.kind)
		}
		return nil
	})
	if err != nil && lim.Timeout > 0 && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil, fmt.Errorf("语句超过时限 %s，已中止 / the statement ran longer than %s and was interrupted: %w", lim.Timeout, lim.Timeout, err)
	}
	return rows, err
}

// Complete reports whether text ends with a ';' that ends a statement (not one in a string or
// comment), as a shell decides when to run what was typed. A text that does not parse but
// is not left open counts as complete, so that its error is shown.
func (s *Session) Complete(ctx context.Context, text string) bool {
	t := strings.TrimRight(text, " \t\r\n")
	if !strings.HasSuffix(t, ";") {
		return false
	}
	r, err := s.parse(ctx, t)
	if err != nil {
		return true
	}
	if !r.parsed && strings.Contains(r.syntaxErr, "unterminated") {
		return false
	}
	q, err := s.parse(ctx, t+"'")
	return err != nil || !q.parsed
}

// parsed is what DuckDB's parser says of a text.
type parsed struct {
	parsed    bool              // the text parses
	syntaxErr string            // else DuckDB's message
	selects   bool              // every statement is SELECT-type; then:
	trees     []json.RawMessage // their syntax trees
}

// parse parses text with DuckDB's parser, binding nothing.
func (s *Session) parse(ctx context.Context, text string) (parsed, error) {
	var js string
	if err := s.conn.QueryRowContext(ctx, `select json_serialize_sql($1::varchar)::varchar`, text).Scan(&js); err != nil {
		return parsed{}, fmt.Errorf("store: parse SQL: %w", err)
	}
	var v struct {
		Error      bool              `json:"error"`
		Type       string            `json:"error_type"`
		Message    string            `json:"error_message"`
		Position   string            `json:"position"`
		Statements []json.RawMessage `json:"statements"`
	}
	if err := json.Unmarshal([]byte(js), &v); err != nil {
		return parsed{}, fmt.Errorf("store: parse SQL: %w", err)
	}
	switch {
	case !v.Error:
		return parsed{parsed: true, selects: true, trees: v.Statements}, nil
	case v.Type == "not implemented":
		return parsed{parsed: true}, nil
	}
	msg := "Parser Error: " + v.Message
	if v.Position != "" {
		msg += " (" + position(text, v.Position) + ")"
	}
	return parsed{syntaxErr: msg}, nil
}

// position turns DuckDB's byte offset into line and column.
func position(text, pos string) string {
	var off int
	if _, err := fmt.Sscan(pos, &off); err != nil || off < 0 || off > len(text) {
		return "at " + pos
	}
	line := strings.Count(text[:off], "\n") + 1
	col := len([]rune(text[strings.LastIndex(text[:off], "\n")+1 : off]))
	return fmt.Sprintf("行 %d 列 %d / line %d column %d", line, col+1, line, col+1)
}

// split cuts text into statements where DuckDB's parser ends them (see step 2 above).
func (s *Session) split(ctx context.Context, text string) ([]string, error) {
	var pieces []string
	start := 0
	for start < len(text) {
		rest := text[start:]
		r, err := s.parse(ctx, rest)
		if err != nil {
			return nil, err
		}
		if r.parsed && r.selects && len(r.trees) == 0 {
			return pieces, nil // white space and comments left
		}
		if r.parsed && r.selects && len(r.trees) == 1 {
			return append(pieces, rest), nil // the common case: one query left
		}
		cut, tries := -1, 0
		for i := start; i < len(text) && tries < maxCuts; i++ {
			if text[i] != ';' {
				continue
			}
			tries++
			c, err := s.parse(ctx, text[start:i+1])
			if err != nil {
				return nil, err
			}
			if !c.parsed {
				continue // inside a string, name or comment, or a syntax error
			}
			q, err := s.parse(ctx, text[start:i+1]+"'")
			if err != nil {
				return nil, err
			}
			if q.parsed {
				continue // in a -- comment: the quote went into it too
			}
			cut = i + 1
			break
		}
		if cut < 0 {
			return append(pieces, rest), nil
		}
		pieces = append(pieces, text[start:cut])
		start = cut
	}
	return pieces, nil
}

// classify checks one piece (steps 1, 3, 4). empty is set for a piece with no statement.
func (s *Session) classify(ctx context.Context, text string, n int) (st Statement, empty bool, err error) {
	r, err := s.parse(ctx, text)
	if err != nil {
		return st, false, err
	}
	if !r.parsed {
		return st, false, errors.New(r.syntaxErr)
	}
	if r.selects {
		switch len(r.trees) {
		case 0:
			return st, true, nil
		case 1:
			if err := checkFunctions(r.trees[0]); err != nil {
				return st, false, err
			}
			return Statement{text: text, kind: "query", n: n}, false, nil
		}
		return st, false, fmt.Errorf("%w: 无法把这段 SQL 分成单条语句 / could not split this SQL into single statements; end each statement with ';'", ErrRefused)
	}
	kw, rest := leadingWord(text)
	switch kw {
	case "explain":
		inner, ok := explainInner(rest)
		if !ok {
			return st, false, fmt.Errorf("%w: EXPLAIN 的写法无法识别 / EXPLAIN is refused unless written EXPLAIN [ANALYZE] or EXPLAIN (options) followed by a query, without comments in between", ErrRefused)
		}
		if err := s.checkQuery(ctx, inner, "EXPLAIN"); err != nil {
			return st, false, err
		}
		return Statement{text: text, kind: "explain", n: n}, false, nil
	case "pragma":
		name, _ := leadingWord(rest)
		if !readPragmas[name] || !startsWithName(rest, name) {
			return st, false, fmt.Errorf("%w: PRAGMA %s 不在只读清单中 / PRAGMA %s is not a read-only pragma (%s)", ErrRefused, name, name, allowedHint)
		}
		return Statement{text: text, kind: "pragma", n: n}, false, nil
	case "call":
		name, _ := leadingWord(rest)
		if !readTableFunctions[name] || !startsWithName(rest, name) {
			return st, false, fmt.Errorf("%w: CALL %s 不在只读清单中 / CALL %s is not a read-only table function (%s)", ErrRefused, name, name, allowedHint)
		}
		if err := s.checkQuery(ctx, "select * from "+rest, "CALL"); err != nil {
			return st, false, err
		}
		return Statement{text: text, kind: "call", n: n}, false, nil
	}
	return st, false, refusal(kw)
}

// checkQuery checks that text is one query whose functions are allowed (the statement an
// EXPLAIN explains, the function a CALL calls).
func (s *Session) checkQuery(ctx context.Context, text, what string) error {
	r, err := s.parse(ctx, text)
	if err != nil {
		return err
	}
	if !r.parsed {
		return errors.New(r.syntaxErr)
	}
	if !r.selects || len(r.trees) != 1 {
		kw, _ := leadingWord(text)
		return fmt.Errorf("%s 只用于查询 / %s of a query only: %w", what, what, refusal(kw))
	}
	return checkFunctions(r.trees[0])
}

// refusal names a refused statement by its first word.
func refusal(kw string) error {
	type name struct{ zh, en string }
	n, ok := map[string]name{
		"with":     {"WITH … 后的写入语句", "WITH … followed by a write"},
		"pivot":    {"未列出 IN (…) 的 PIVOT", "PIVOT without IN (…)"},
		"begin":    {"事务语句 BEGIN", "transaction statement BEGIN"},
		"start":    {"事务语句 START TRANSACTION", "transaction statement START TRANSACTION"},
		"commit":   {"事务语句 COMMIT", "transaction statement COMMIT"},
		"end":      {"事务语句 END", "transaction statement END"},
		"rollback": {"事务语句 ROLLBACK", "transaction statement ROLLBACK"},
		"abort":    {"事务语句 ABORT", "transaction statement ABORT"},
		"export":   {"EXPORT DATABASE 语句", "EXPORT DATABASE statement"},
		"import":   {"IMPORT DATABASE 语句", "IMPORT DATABASE statement"},
		"force":    {"FORCE INSTALL / FORCE CHECKPOINT 语句", "FORCE INSTALL / FORCE CHECKPOINT statement"},
		"":         {"无法识别的语句", "unrecognised statement"},
	}[kw]
	if !ok {
		n = name{strings.ToUpper(kw) + " 语句", strings.ToUpper(kw) + " statement"}
	}
	hint := ""
	if kw == "pivot" {
		hint = "; write PIVOT t ON col IN ('a', 'b') USING …: without IN, DuckDB first creates a type, which a read-only session does not do"
	}
	return fmt.Errorf("%w: 拒绝执行%s / %s refused%s (%s)", ErrRefused, n.zh, n.en, hint, allowedHint)
}

// checkFunctions refuses a syntax tree that calls a table function not on the read-only list
// or a refused scalar function, wherever it sits (subqueries, CTEs, DESCRIBE, SUMMARIZE …).
func checkFunctions(tree json.RawMessage) error {
	var v any
	if err := json.Unmarshal(tree, &v); err != nil {
		return fmt.Errorf("store: read syntax tree: %w", err)
	}
	var bad error
	var walk func(v any)
	walk = func(v any) {
		if bad != nil {
			return
		}
		switch x := v.(type) {
		case map[string]any:
			if x["type"] == "TABLE_FUNCTION" {
				fn, _ := x["function"].(map[string]any)
				name, _ := fn["function_name"].(string)
				if name = strings.ToLower(name); !readTableFunctions[name] {
					bad = fmt.Errorf("%w: 表函数 %s 不在只读清单中 / table function %s is refused: it is not one of the read-only table functions (read_csv, read_parquet, read_json, range, unnest, duckdb_tables …)", ErrRefused, name, name)
					return
				}
			}
			if x["class"] == "FUNCTION" {
				name, _ := x["function_name"].(string)
				if name = strings.ToLower(name); refusedScalarFunctions[name] {
					bad = fmt.Errorf("%w: 函数 %s 被拒绝 / function %s is refused", ErrRefused, name, name)
					return
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return bad
}

// leadingWord returns the first word of text, lowercased, after white space and comments, and
// the text after it.
func leadingWord(text string) (word, rest string) {
	t := skipSpaceAndComments(text)
	i := 0
	for i < len(t) && (t[i] >= 'a' && t[i] <= 'z' || t[i] >= 'A' && t[i] <= 'Z' || t[i] == '_' || i > 0 && t[i] >= '0' && t[i] <= '9') {
		i++
	}
	return strings.ToLower(t[:i]), t[i:]
}

// startsWithName reports whether rest, after white space only, starts with name followed by
// something that is not part of a name (the prefix readers refuse comments there).
func startsWithName(rest, name string) bool {
	t := strings.TrimLeft(rest, " \t\r\n")
	if len(t) < len(name) || !strings.EqualFold(t[:len(name)], name) {
		return false
	}
	if len(t) == len(name) {
		return true
	}
	c := t[len(name)]
	return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '/')
}

// skipSpaceAndComments skips white space, -- comments and (nested) /* */ comments.
func skipSpaceAndComments(t string) string {
	for {
		t = strings.TrimLeft(t, " \t\r\n\f")
		switch {
		case strings.HasPrefix(t, "--"):
			i := strings.IndexByte(t, '\n')
			if i < 0 {
				return ""
			}
			t = t[i+1:]
		case strings.HasPrefix(t, "/*"):
			depth, i := 0, 0
			for i < len(t) {
				if strings.HasPrefix(t[i:], "/*") {
					depth++
					i += 2
				} else if strings.HasPrefix(t[i:], "*/") {
					depth--
					i += 2
					if depth == 0 {
						break
					}
				} else {
					i++
				}
			}
			if depth != 0 {
				return ""
			}
			t = t[i:]
		default:
			return t
		}
	}
}

// explainInner reads "[ANALYZE|ANALYSE] | (options)" after EXPLAIN and returns the explained
// statement. It accepts white space only between the words (no comments) and options of
// letters, digits, '_', ',', quotes and spaces; anything else is refused.
func explainInner(rest string) (string, bool) {
	if rest == "" || !strings.ContainsRune(" \t\r\n(", rune(rest[0])) {
		return "", false
	}
	t := strings.TrimLeft(rest, " \t\r\n")
	if strings.HasPrefix(t, "--") || strings.HasPrefix(t, "/*") {
		return "", false
	}
	if w, after := leadingWord(t); (w == "analyze" || w == "analyse") && startsWithName(t, w) {
		if after == "" || !strings.ContainsRune(" \t\r\n", rune(after[0])) {
			return "", false
		}
		if a := strings.TrimLeft(after, " \t\r\n"); strings.HasPrefix(a, "--") || strings.HasPrefix(a, "/*") {
			return "", false
		}
		return after, true
	}
	if strings.HasPrefix(t, "(") {
		end := strings.IndexByte(t, ')')
		if end < 0 {
			return "", false
		}
		for _, c := range t[1:end] {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("_, \t\r\n'", c)) {
				return "", false
			}
		}
		return t[end+1:], true
	}
	return t, true
}
