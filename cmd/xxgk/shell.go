package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"xxgk/pipeline/rollup"
)

func init() {
	commands = append(commands, newShellCmd)
}

const shellHelp = `SQL statements end with ';' and may span lines. The warehouse is read-only.
  .views             the analytics views with their comments
  .columns NAME      the columns of a view (county_years, analytics.coverage …)
  .format FORMAT     table, csv, json or markdown
  .history           the statements run before (also kept in ~/.xxgk_history)
  !N                 run statement N of .history again
  .help              this help
  .quit              leave (or end of input, Ctrl-D)`

func newShellCmd() *cobra.Command {
	var db, format string
	cmd := &cobra.Command{
		Use:   "shell",
		Short: "interactive read-only SQL prompt on the published warehouse, with history",
		Long: `shell opens the published warehouse read-only (an ingest can run meanwhile) and reads SQL
from the terminal or standard input: each statement ends with ';'. Results are printed aligned
for Chinese text (or as csv, json, markdown: .format). Statements are saved to
~/.xxgk_history (XXGK_HISTORY overrides the path); .history lists them, !N runs one again.

` + shellHelp,
		Example: `  xxgk shell
  echo "select * from analytics.province_years;" | xxgk shell --format csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			r, err := openReader(cmd, db)
			if err != nil {
				return err
			}
			defer r.Close()
			in := cmd.InOrStdin()
			interactive := false
			if f, ok := in.(*os.File); ok {
				interactive = isTerminal(f)
			}
			s := &shell{r: r, cmd: cmd, out: cmd.OutOrStdout(), errw: cmd.ErrOrStderr(), format: format,
				interactive: interactive, histPath: historyPath()}
			s.loadHistory()
			return s.loop(in)
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", defaultDB, "the published warehouse file (opened read-only)")
	f.StringVar(&format, "format", "table", "output: table (aligned), csv, json, markdown")
	return cmd
}

func historyPath() string {
	if p := os.Getenv("XXGK_HISTORY"); p != "" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".xxgk_history")
}

type shell struct {
	r           *rollup.Reader
	cmd         *cobra.Command
	out, errw   io.Writer
	format      string
	interactive bool
	histPath    string
	history     []string
}

const maxHistory = 1000

func (s *shell) loadHistory() {
	if s.histPath == "" {
		return
	}
	b, err := os.ReadFile(s.histPath)
	if err != nil {
		return
	}
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			s.history = append(s.history, l)
		}
	}
	if len(s.history) > maxHistory {
		s.history = s.history[len(s.history)-maxHistory:]
	}
}

// remember adds a statement (on one line) to the history and appends it to the history file.
func (s *shell) remember(stmt string) {
	line := strings.Join(strings.Fields(stmt), " ")
	if n := len(s.history); n > 0 && s.history[n-1] == line {
		return
	}
	s.history = append(s.history, line)
	if s.histPath == "" {
		return
	}
	f, err := os.OpenFile(s.histPath, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		fmt.Fprintf(s.errw, "history: %v\n", err)
		s.histPath = ""
		return
	}
	_, werr := fmt.Fprintln(f, line)
	if err := f.Close(); err != nil || werr != nil {
		fmt.Fprintf(s.errw, "history: %v\n", firstErr(werr, err))
	}
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func (s *shell) prompt(cont bool) {
	if !s.interactive {
		return
	}
	if cont {
		fmt.Fprint(s.out, "   ...> ")
	} else {
		fmt.Fprint(s.out, "xxgk> ")
	}
}

func (s *shell) loop(in io.Reader) error {
	if s.interactive {
		fmt.Fprintf(s.out, "xxgk shell — read-only; statements end with ';'; .help for help\n")
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	var buf strings.Builder
	s.prompt(false)
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if buf.Len() == 0 && (strings.HasPrefix(trimmed, ".") || strings.HasPrefix(trimmed, "!")) {
			if s.meta(trimmed) {
				return nil
			}
			s.prompt(false)
			continue
		}
		buf.WriteString(line)
		buf.WriteByte('\n')
		if !statementComplete(buf.String()) {
			s.prompt(strings.TrimSpace(buf.String()) != "")
			continue
		}
		s.run(buf.String())
		buf.Reset()
		s.prompt(false)
	}
	if err := sc.Err(); err != nil {
		return &exitError{exitFailed, fmt.Errorf("shell: %w", err)}
	}
	if strings.TrimSpace(stripComments(buf.String())) != "" {
		s.run(buf.String()) // the last statement may lack its ';'
	}
	if s.interactive {
		fmt.Fprintln(s.out)
	}
	return nil
}

// run executes the statements of text, printing results to out and errors to errw.
func (s *shell) run(text string) {
	for _, st := range splitStatements(text) {
		s.remember(st + ";")
		if err := readOnlyStatement(st); err != nil {
			fmt.Fprintf(s.errw, "Error: %v\n", err)
			continue
		}
		t, err := s.r.Query(s.cmd.Context(), st)
		if err != nil {
			fmt.Fprintf(s.errw, "Error: %v\n", err)
			continue
		}
		if err := printTable(s.out, t, s.format, printOpts{}); err != nil {
			fmt.Fprintf(s.errw, "Error: %v\n", err)
		}
	}
}

// meta runs a dot command or !N; it returns true to leave the shell.
func (s *shell) meta(line string) (quit bool) {
	if strings.HasPrefix(line, "!") {
		n, err := strconv.Atoi(strings.TrimPrefix(line, "!"))
		if err != nil || n < 1 || n > len(s.history) {
			fmt.Fprintf(s.errw, "Error: %s: no such history entry (1…%d)\n", line, len(s.history))
			return false
		}
		st := s.history[n-1]
		fmt.Fprintln(s.out, st)
		s.run(st)
		return false
	}
	f := strings.Fields(line)
	switch f[0] {
	case ".quit", ".exit", ".q":
		return true
	case ".help":
		fmt.Fprintln(s.out, shellHelp)
	case ".format", ".mode":
		if len(f) != 2 || checkFormat(f[1]) != nil {
			fmt.Fprintln(s.errw, "Error: .format table|csv|json|markdown")
			return false
		}
		s.format = f[1]
	case ".history":
		from := max(0, len(s.history)-50)
		for i := from; i < len(s.history); i++ {
			fmt.Fprintf(s.out, "%5d  %s\n", i+1, s.history[i])
		}
	case ".views", ".tables":
		views, err := s.r.Views(s.cmd.Context(), []string{"analytics"}, false)
		if err != nil {
			fmt.Fprintf(s.errw, "Error: %v\n", err)
			return false
		}
		rows := [][]string{}
		for _, v := range views {
			rows = append(rows, []string{v.Schema + "." + v.Name, v.Comment})
		}
		writeGrid(s.out, []string{"name", "comment"}, rows, []bool{false, false})
	case ".columns", ".schema":
		if len(f) != 2 {
			fmt.Fprintln(s.errw, "Error: .columns NAME")
			return false
		}
		name := f[1]
		if !strings.Contains(name, ".") {
			name = "analytics." + name
		}
		sch, tbl, _ := strings.Cut(name, ".")
		views, err := s.r.Views(s.cmd.Context(), []string{sch}, true)
		if err != nil {
			fmt.Fprintf(s.errw, "Error: %v\n", err)
			return false
		}
		for _, v := range views {
			if v.Name == tbl {
				rows := [][]string{}
				for _, c := range v.Columns {
					rows = append(rows, []string{c.Name, c.Type, c.Comment})
				}
				writeGrid(s.out, []string{"column", "type", "comment"}, rows, []bool{false, false, false})
				return false
			}
		}
		fmt.Fprintf(s.errw, "Error: no view %s\n", name)
	default:
		fmt.Fprintf(s.errw, "Error: unknown command %s (.help)\n", f[0])
	}
	return false
}

// statementComplete reports whether text ends with a ';' outside quotes and comments.
func statementComplete(text string) bool {
	s := stripComments(text)
	var quote byte
	last := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
			last = c
		case c == '\'' || c == '"':
			quote = c
			last = c
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		default:
			last = c
		}
	}
	return quote == 0 && last == ';'
}
