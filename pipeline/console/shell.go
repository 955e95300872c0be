package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"

	"github.com/peterh/liner"

	"xxgk/pipeline/rollup"
	"xxgk/pipeline/store"
	"xxgk/pipeline/textgrid"
)

// ShellHelp is the shell's .help.
const ShellHelp = `SQL statements end with ';' and may span lines. The warehouse is read-only.
  .views             the analytics views with their comments
  .columns NAME      the columns of a view (county_years, analytics.coverage …)
  .format FORMAT     table, csv, json or markdown
  .history           the statements run before
  !N                 run statement N of .history again
  .help              this help
  .quit              leave (or end of input, Ctrl-D)
At the terminal: ←/→ and Home/End edit the line, ↑/↓ recall statements, Ctrl-R searches
them, Tab completes view and column names, Ctrl-C clears the line or interrupts a query.`

// ErrStatementFailed is returned by RunPiped when a statement failed or was refused (the
// shell went on with the next).
var ErrStatementFailed = errors.New("有语句失败 / a statement failed")

// Shell is xxgk shell: statements read from the terminal or a pipe, run through the analyst
// session, results printed.
type Shell struct {
	Session *store.Session
	Out     io.Writer
	Err     io.Writer
	Format  Format
	Limits  store.Limits
	// History is the file of the statements typed at the terminal ("": none). Statements read
	// from a pipe or file are never written to it.
	History string

	hist   []string // this session's statements, for .history and !N
	failed bool
}

// RunPiped reads statements from r (a file or a pipe) without prompts, runs each, and returns
// ErrStatementFailed at the end when one failed. Nothing is recorded in the history file.
func (sh *Shell) RunPiped(ctx context.Context, r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), store.MaxSQLBytes)
	err := sh.loop(ctx, func(string) (string, error) {
		if sc.Scan() {
			return sc.Text(), nil
		}
		if err := sc.Err(); err != nil {
			return "", err
		}
		return "", io.EOF
	}, false)
	if err != nil {
		return err
	}
	if sh.failed {
		return ErrStatementFailed
	}
	return nil
}

// RunTerminal reads statements at the terminal with line editing, history recall and search
// (kept in the History file) and Tab completion of view and column names.
func (sh *Shell) RunTerminal(ctx context.Context) (err error) {
	ln := liner.NewLiner()
	defer func() { err = errors.Join(err, ln.Close()) }()
	ln.SetCtrlCAborts(true)
	ln.SetMultiLineMode(true)
	ln.SetTabCompletionStyle(liner.TabPrints)
	ln.SetWordCompleter(completer(sh.names(ctx)))
	if sh.History != "" {
		if f, err := os.Open(sh.History); err == nil {
			_, _ = ln.ReadHistory(f)
			_ = f.Close()
		}
	}
	fmt.Fprintln(sh.Out, "xxgk shell — 只读 / read-only; statements end with ';'; .help for help")
	err = sh.loop(ctx, func(prompt string) (string, error) {
		line, err := ln.Prompt(prompt)
		if errors.Is(err, liner.ErrPromptAborted) {
			return "", errAborted
		}
		return line, err
	}, true, func(stmt string) {
		ln.AppendHistory(oneLine(stmt))
		sh.saveHistory(ln)
	})
	fmt.Fprintln(sh.Out)
	return err
}

var errAborted = errors.New("aborted")

func (sh *Shell) saveHistory(ln *liner.State) {
	if sh.History == "" {
		return
	}
	f, err := os.OpenFile(sh.History, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		fmt.Fprintf(sh.Err, "history: %v\n", err)
		sh.History = ""
		return
	}
	_, werr := ln.WriteHistory(f)
	if err := errors.Join(werr, f.Close()); err != nil {
		fmt.Fprintf(sh.Err, "history: %v\n", err)
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// loop reads lines, gathers them into statements (DuckDB decides where one ends), runs
// them and the dot commands. remember is called with each statement typed.
func (sh *Shell) loop(ctx context.Context, read func(prompt string) (string, error), interactive bool, remember ...func(string)) error {
	var buf strings.Builder
	for {
		prompt := "xxgk> "
		if buf.Len() > 0 {
			prompt = "   ...> "
		}
		line, err := read(prompt)
		if errors.Is(err, errAborted) {
			buf.Reset()
			continue
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("shell: %w", err)
		}
		trimmed := strings.TrimSpace(line)
		if buf.Len() == 0 && (strings.HasPrefix(trimmed, ".") || strings.HasPrefix(trimmed, "!")) {
			if sh.meta(ctx, trimmed, interactive) {
				return nil
			}
			continue
		}
		buf.WriteString(line)
		buf.WriteByte('\n')
		if !sh.Session.Complete(ctx, buf.String()) {
			continue
		}
		text := buf.String()
		buf.Reset()
		for _, f := range remember {
			f(text)
		}
		sh.run(ctx, text, interactive)
	}
	if strings.TrimSpace(buf.String()) != "" {
		sh.run(ctx, buf.String(), interactive) // the last statement may lack its ';'
	}
	return nil
}

// run runs the statements of text (all of them checked first: a refused one runs nothing).
func (sh *Shell) run(ctx context.Context, text string, interactive bool) {
	stmts, err := sh.Session.Check(ctx, text)
	if err != nil {
		sh.fail(err)
		return
	}
	for _, st := range stmts {
		sh.hist = append(sh.hist, oneLine(st.SQL()))
		rctx, stop := ctx, func() {}
		if interactive {
			rctx, stop = signal.NotifyContext(ctx, os.Interrupt)
		}
		r, err := sh.Session.Run(rctx, st, sh.Limits)
		stop()
		if err != nil {
			sh.fail(err)
			return
		}
		if err := Write(sh.Out, r, sh.Format, PrintOptions{}); err != nil {
			sh.fail(err)
			return
		}
	}
}

func (sh *Shell) fail(err error) {
	sh.failed = true
	fmt.Fprintf(sh.Err, "Error: %v\n", err)
}

// meta runs a dot command or !N; it returns true to leave the shell.
func (sh *Shell) meta(ctx context.Context, line string, interactive bool) (quit bool) {
	if strings.HasPrefix(line, "!") {
		n, err := strconv.Atoi(strings.TrimPrefix(line, "!"))
		if err != nil || n < 1 || n > len(sh.hist) {
			sh.fail(fmt.Errorf("%s: no such statement in .history (1…%d)", line, len(sh.hist)))
			return false
		}
		st := sh.hist[n-1]
		fmt.Fprintln(sh.Out, st)
		sh.run(ctx, st, interactive)
		return false
	}
	f := strings.Fields(line)
	switch f[0] {
	case ".quit", ".exit", ".q":
		return true
	case ".help":
		fmt.Fprintln(sh.Out, ShellHelp)
	case ".format", ".mode":
		if len(f) != 2 {
			sh.fail(errors.New(".format table|csv|json|markdown"))
			return false
		}
		fm, err := ParseFormat(f[1])
		if err != nil {
			sh.fail(err)
			return false
		}
		sh.Format = fm
	case ".history":
		for i := max(0, len(sh.hist)-50); i < len(sh.hist); i++ {
			fmt.Fprintf(sh.Out, "%5d  %s\n", i+1, sh.hist[i])
		}
	case ".views", ".tables":
		if err := WriteViews(ctx, sh.Out, sh.Session, "", Table, false); err != nil {
			sh.fail(err)
		}
	case ".columns", ".schema":
		if len(f) != 2 {
			sh.fail(errors.New(".columns NAME"))
			return false
		}
		if err := WriteViews(ctx, sh.Out, sh.Session, f[1], Table, false); err != nil {
			sh.fail(err)
		}
	default:
		sh.fail(fmt.Errorf("unknown command %s (.help)", f[0]))
	}
	return false
}

// names are the words Tab completes: views (with and without their schema), their columns,
// the dot commands and common keywords.
func (sh *Shell) names(ctx context.Context) []string {
	set := map[string]bool{}
	views, err := rollup.New(sh.Session).Views(ctx, []string{"analytics", "main"}, true)
	if err == nil {
		for _, v := range views {
			set[v.Name] = true
			set[v.Schema+"."+v.Name] = true
			for _, c := range v.Columns {
				set[c.Name] = true
			}
		}
	}
	for _, k := range []string{"select", "from", "where", "group", "by", "order", "limit", "with", "as", "and", "or",
		"not", "join", "left", "using", "on", "having", "distinct", "count", "sum", "pivot", "unpivot", "summarize",
		"describe", "show", "explain", "analyze", ".views", ".columns", ".format", ".history", ".help", ".quit"} {
		set[k] = true
	}
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// completer completes the word before the cursor from names (case-insensitive prefix).
func completer(names []string) liner.WordCompleter {
	return func(line string, pos int) (string, []string, string) {
		rs := []rune(line)
		pos = min(pos, len(rs))
		start := pos
		for start > 0 && (isWord(rs[start-1])) {
			start--
		}
		word := strings.ToLower(string(rs[start:pos]))
		if word == "" {
			return line, nil, ""
		}
		var out []string
		for _, n := range names {
			if strings.HasPrefix(strings.ToLower(n), word) {
				out = append(out, n)
			}
		}
		return string(rs[:start]), out, string(rs[pos:])
	}
}

func isWord(r rune) bool {
	return r == '_' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// WriteViews lists the analysts' views with their full comments, or with name ("county_years",
// "analytics.coverage") the columns of one view with types and comments; all adds the
// staging and marts models and the warehouse tables.
func WriteViews(ctx context.Context, w io.Writer, s *store.Session, name string, f Format, all bool) error {
	schemas := []string{"analytics"}
	if all {
		schemas = []string{"main", "ops", "staging", "marts", "analytics"}
	}
	views, err := rollup.New(s).Views(ctx, schemas, all || name != "")
	if err != nil {
		return err
	}
	if name != "" {
		if !strings.Contains(name, ".") {
			name = "analytics." + name
		}
		if sch, _, _ := strings.Cut(name, "."); sch != "analytics" && !all {
			views, err = rollup.New(s).Views(ctx, []string{sch}, true)
			if err != nil {
				return err
			}
		}
		for _, v := range views {
			if v.Schema+"."+v.Name != name {
				continue
			}
			rows := &store.Rows{Columns: []string{"column", "type", "comment"}}
			for _, c := range v.Columns {
				rows.Rows = append(rows.Rows, []any{c.Name, c.Type, c.Comment})
			}
			switch f {
			case JSON:
				return WriteJSON(w, Object{{"name", v.Schema + "." + v.Name}, {"kind", v.Kind}, {"comment", v.Comment}, {"columns", Rows{rows}}})
			case CSV:
				return writeCSV(w, rows)
			case Markdown:
				fmt.Fprintf(w, "### %s.%s (%s)\n\n%s\n\n", v.Schema, v.Name, v.Kind, textgrid.MarkdownEscape(v.Comment))
			default:
				fmt.Fprintf(w, "%s.%s (%s)\n  %s\n\n", v.Schema, v.Name, v.Kind, v.Comment)
			}
			return writeList(w, rows, f)
		}
		var names []string
		for _, v := range views {
			if v.Schema == "analytics" {
				names = append(names, v.Name)
			}
		}
		return fmt.Errorf("没有视图 %s / no view %s; analytics views: %s", name, name, strings.Join(names, ", "))
	}
	if len(views) == 0 {
		return rollup.ErrNoModels
	}
	rows := &store.Rows{Columns: []string{"name", "kind", "columns", "comment"}}
	for _, v := range views {
		rows.Rows = append(rows.Rows, []any{v.Schema + "." + v.Name, v.Kind, int64(len(v.Columns)), v.Comment})
	}
	rows.ColumnTypes = []*store.Type{{Kind: store.KindText}, {Kind: store.KindText}, {Kind: store.KindInt}, {Kind: store.KindText}}
	switch f {
	case JSON:
		return Write(w, rows, JSON, PrintOptions{})
	case CSV:
		return writeCSV(w, rows)
	}
	return writeList(w, rows, f)
}

// writeList writes a listing in full (no cell cut) as a text or Markdown table.
func writeList(w io.Writer, r *store.Rows, f Format) error {
	t := textgrid.Table{Head: r.Columns, Rule: true}
	for i := range r.Columns {
		t.Right = append(t.Right, colType(r, i).Kind.Numeric())
	}
	for _, row := range r.Rows {
		cells := make([]string, len(row))
		for j, v := range row {
			cells[j] = Text(v, colType(r, j), "")
		}
		t.Rows = append(t.Rows, cells)
	}
	if f == Markdown {
		return t.Markdown(w)
	}
	return t.Write(w)
}
