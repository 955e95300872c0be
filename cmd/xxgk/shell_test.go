package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestShell feeds a session on standard input: statements over several lines, two on one line,
// a failing one (the shell goes on), a refused write, dot commands, and the history file.
func TestShell(t *testing.T) {
	db := analystDB(t)
	hist := filepath.Join(t.TempDir(), "history")
	t.Setenv("XXGK_HISTORY", hist)
	in := `select county_name,
  requests_count
from analytics.county_years where county_code = '211321' and year = 2022;
select 'a;b' as s; select 2 as n;
select * from nosuch;
delete from reports;
.format csv
select 1 as x;
.history
!3
.columns coverage
.views
select 42 as last`
	root := newRoot()
	var out, errb bytes.Buffer
	root.SetIn(strings.NewReader(in))
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs([]string{"shell", "--db", db})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	o, e := out.String(), errb.String()
	for _, want := range []string{"朝阳县", "a;b", "x\n1\n", "missing_body_count", "analytics.county_years", "last\n42\n"} {
		if !strings.Contains(o, want) {
			t.Errorf("output lacks %q:\n%s", want, o)
		}
	}
	for _, want := range []string{"nosuch does not exist", "DELETE"} {
		if !strings.Contains(e, want) {
			t.Errorf("errors lack %q:\n%s", want, e)
		}
	}
	b, err := os.ReadFile(hist)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) < 7 || !strings.HasPrefix(lines[0], "select county_name, requests_count from") || lines[len(lines)-1] != "select 42 as last;" {
		t.Errorf("history:\n%s", b)
	}
	if !strings.Contains(o, "select 2 as n;\nn\n2\n") { // !3 echoes statement 3 and runs it (csv by then)
		t.Errorf("!3 did not rerun:\n%s", o)
	}
}
