package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestShell feeds a session on standard input: statements over several lines, two on one line,
// a failing one and a refused one (the shell goes on, and exits 2 at the end), dot commands,
// !N, and no history file: piped input is never recorded.
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
explain analyze copy (select 'gone' x) to 'gone.csv' (format csv);
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
	err := root.Execute()
	if ee, ok := err.(*exitError); !ok || ee.code != exitFailed {
		t.Errorf("piped input with failed statements: %v, want exit status %d", err, exitFailed)
	}
	o, e := out.String(), errb.String()
	for _, want := range []string{"朝阳县", "a;b", "x\n1\n", "missing_body_count", "analytics.county_years", "last\n42\n",
		"select 2 as n;\nn\n2\n"} { // !3 echoes statement 3 and runs it (csv by then)
		if !strings.Contains(o, want) {
			t.Errorf("output lacks %q:\n%s", want, o)
		}
	}
	for _, want := range []string{"nosuch does not exist", "DELETE", "COPY"} {
		if !strings.Contains(e, want) {
			t.Errorf("errors lack %q:\n%s", want, e)
		}
	}
	if _, err := os.Stat(hist); !os.IsNotExist(err) {
		t.Errorf("piped statements were written to the history file (%v)", err)
	}
	if _, err := os.Stat("gone.csv"); !os.IsNotExist(err) {
		t.Errorf("gone.csv written (%v)", err)
	}

	// every statement succeeds: exit 0
	root = newRoot()
	out.Reset()
	root.SetIn(strings.NewReader("select 1;\nselect 2;\n"))
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs([]string{"shell", "--db", db})
	if err := root.Execute(); err != nil {
		t.Errorf("all statements fine: %v", err)
	}
}
