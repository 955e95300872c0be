package parse

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"xxgk/pipeline/decode"
	"xxgk/schemas"
)

// parseFile parses a testdata file as decode would hand it over (plain UTF-8 text).
func parseFile(t testing.TB, name string, opt Options) *schemas.Report {
	t.Helper()
	path := filepath.Join("testdata", name)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return Parse(&decode.Doc{Name: path, Text: string(b), Kind: "text"}, opt)
}

func parseText(name, text string, opt Options) *schemas.Report {
	return Parse(&decode.Doc{Name: name, Text: text, Kind: "text"}, opt)
}

// cellSpec renders a cell the way the expectations are written: a number ("19", "0.35",
// "-3"), "b" blank, "-" dash, "?" missing, "d12" derived, "s12" split, "." absent.
func cellSpec(c schemas.Cell, ok bool) string {
	if !ok {
		return "."
	}
	switch c.State {
	case schemas.StateNumber:
		return c.Value.String()
	case schemas.StateBlank:
		return "b"
	case schemas.StateDash:
		return "-"
	case schemas.StateMissing:
		return "?"
	case schemas.StateDerived:
		return "d" + c.Value.String()
	case schemas.StateSplit:
		return "s" + c.Value.String()
	}
	return "!" + string(c.State)
}

// checkRows compares rows of a grid: row key → space-separated cell specs in column order.
func checkRows(t testing.TB, label string, g schemas.Grid, cols map[string][]string, want map[string]string) {
	t.Helper()
	for row, spec := range want {
		exp := strings.Fields(spec)
		cs := cols[row]
		if len(cs) != len(exp) {
			t.Errorf("%s: row %s: %d columns expected, spec has %d", label, row, len(cs), len(exp))
			continue
		}
		var got []string
		for _, c := range cs {
			cell, ok := g.Get(row, c)
			got = append(got, cellSpec(cell, ok))
		}
		if g := strings.Join(got, " "); g != strings.Join(exp, " ") {
			t.Errorf("%s: row %s = %s, want %s", label, row, g, strings.Join(exp, " "))
		}
	}
}

func t3cols(want map[string]string) map[string][]string {
	cols := schemas.Labels().Table3ColumnKeys()
	out := map[string][]string{}
	for r := range want {
		out[r] = cols
	}
	return out
}

func t2cols(f schemas.Format, want map[string]string) map[string][]string {
	out := map[string][]string{}
	for _, it := range schemas.Labels().Table2Items(f) {
		out[it.Key] = it.Measures
	}
	return out
}

func t4cols() map[string][]string {
	c := schemas.Labels()
	out := map[string][]string{}
	for _, g := range c.Table4GroupKeys() {
		out[g] = c.Table4OutcomeKeys()
	}
	return out
}

// t4spec builds a table 4 expectation from 15 specs in printed order.
func t4spec(s string) map[string]string {
	f := strings.Fields(s)
	out := map[string]string{}
	for i, g := range schemas.Labels().Table4GroupKeys() {
		out[g] = strings.Join(f[i*5:i*5+5], " ")
	}
	return out
}

func gridRows(g schemas.Grid) []string {
	var rows []string
	for k := range g {
		rows = append(rows, k)
	}
	sort.Strings(rows)
	return rows
}

func errorsOf(r *schemas.Report) []schemas.Problem {
	var out []schemas.Problem
	for _, p := range r.Problems {
		if p.Severity == schemas.SeverityError {
			out = append(out, p)
		}
	}
	return out
}

func problemCodes(r *schemas.Report) []string {
	var out []string
	for _, p := range r.Problems {
		out = append(out, p.Code+"/"+string(p.Severity)+"/"+p.Table+"."+p.Row+"."+p.Column)
	}
	return out
}

func hasProblem(r *schemas.Report, code, table, row string) bool {
	for _, p := range r.Problems {
		if p.Code == code && (table == "" || p.Table == table) && (row == "" || p.Row == row) {
			return true
		}
	}
	return false
}

func statement(r *schemas.Report, measure string) (schemas.Statement, bool) {
	for _, s := range r.Statements {
		if s.Measure == measure {
			return s, true
		}
	}
	return schemas.Statement{}, false
}
