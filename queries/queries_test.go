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
