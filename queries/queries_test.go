package queries

import (
	"strings"
	"testing"
)

// TestModels: every model loads with its sidecar, is documented in both languages, reads only
// models of its own or an earlier layer, and comes after what it reads.
func TestModels(t *testing.T) {
	ms, err := Models()
	if err != nil {
		t.Fatal(err)
	}
	pos := map[string]int{}
	for i, m := range ms {
		pos[m.Name] = i
		if !strings.Contains(m.Meta.Description, "/ ") {
			t.Errorf("%s: description %q: want 中文 / English", m.Name, m.Meta.Description)
		}
		if m.SQL != strings.TrimSpace(m.SQL) || strings.HasSuffix(m.SQL, ";") {
			t.Errorf("%s: SQL not cleaned", m.Name)
		}
		if strings.Contains(m.SQL, "select *") && m.Schema == "analytics" {
			t.Errorf("%s: analytics views list their columns explicitly", m.Name)
		}
		for _, d := range m.Deps {
			if pos[d] >= i && d != m.Name {
				t.Errorf("%s comes before %s, which it reads", m.Name, d)
			}
		}
		for _, c := range m.Meta.Columns {
			if c.Description == "" {
				t.Errorf("%s.%s: no English description", m.Name, c.Name)
			}
		}
	}
	if len(ms) < 15 {
		t.Errorf("%d models", len(ms))
	}
	audits, err := Audits()
	if err != nil || len(audits) == 0 {
		t.Errorf("audits: %d, %v", len(audits), err)
	}
	if _, err := Report("compare"); err != nil {
		t.Error(err)
	}
}

// TestTestsCompile: the tests a sidecar declares become queries over the model.
func TestTestsCompile(t *testing.T) {
	m := &Model{Name: "analytics.x", Meta: Meta{Grain: []string{"a", "b"}, Tests: Tests{NotNull: []string{"c"},
		AcceptedValues: map[string][]string{"d": {"x", "it's"}},
		Relationships:  []Relationship{{Column: "a", To: "regions", Field: "code", Where: "level = 'county'"}}}}}
	var names []string
	for _, tt := range m.Tests() {
		names = append(names, tt.Name)
		if !strings.Contains(tt.SQL, "analytics.x") {
			t.Errorf("%s: %s", tt.Name, tt.SQL)
		}
	}
	want := "unique(a, b),not_null(a),not_null(b),not_null(c),accepted_values(d),relationships(a → regions.code)"
	if got := strings.Join(names, ","); got != want {
		t.Errorf("tests %s, want %s", got, want)
	}
	if q := m.Tests()[4].SQL; !strings.Contains(q, "'it''s'") {
		t.Errorf("quoting: %s", q)
	}
}

// TestRefreshPairs: a materialised model comparing two years (base_year in its grain) declares
// refresh pair: base_year — without it the incremental refresh (pipeline/rollup.Update) would
// replace only its rows of the changed year, leaving stale the rows that compare another year
// with it. A model refreshed by pair has province and year, and no lag.
func TestRefreshPairs(t *testing.T) {
	ms, err := Models()
	if err != nil {
		t.Fatal(err)
	}
	pairs := 0
	for _, m := range ms {
		r := m.Meta.Refresh
		if m.Meta.Materialized != "table" {
			continue
		}
		if r == nil {
			t.Errorf("%s: a table without refresh", m.Name)
			continue
		}
		if contains(m.Meta.Grain, "base_year") != (r.Pair == "base_year") {
			t.Errorf("%s: grain %v, refresh pair %q: a table comparing two years refreshes by pair: base_year", m.Name, m.Meta.Grain, r.Pair)
		}
		if r.Pair != "" {
			pairs++
			if r.Province == "" || r.Year == "" || r.Lag != 0 || r.Report != "" {
				t.Errorf("%s: refresh %+v: pair goes with province and year, without lag", m.Name, *r)
			}
		}
	}
	if pairs < 2 {
		t.Errorf("%d tables refreshed by pair, want marts.like_for_like and like_for_like_units", pairs)
	}
}
