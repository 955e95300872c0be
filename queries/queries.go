// Package queries holds the warehouse's SQL models as files, embedded: one object per file,
// the path is its name (analytics/county_years.sql creates analytics.county_years), each with a
// YAML sidecar giving its description, grain, columns (Chinese label, English description,
// which become the COMMENTs of the created object) and tests (unique grain, not_null,
// accepted_values, relationships), which compile to queries returning the failing rows.
//
// Layers: staging/ (current report versions, typed facts) → marts/ (reports of record, the
// counted-once rule at every level in marts.report_levels, division-year rollups) → analytics/
// (the analysts' contract: stable names, every view and column commented). checks/ holds audits (queries returning bad rows) and
// reports/ the parameterised queries of the xxgk commands. pipeline/rollup creates the models
// in a warehouse.
package queries

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed columns.yaml staging/*.sql staging/*.yaml marts/*.sql marts/*.yaml analytics/*.sql analytics/*.yaml checks/*.sql checks/*.yaml reports/*.sql
var files embed.FS

// Layers are the model directories, in build order; each is a DuckDB schema.
var Layers = []string{"staging", "marts", "analytics"}

// Model is one SQL object: a SELECT statement created as a view (or a table) named after its
// file.
type Model struct {
	Name   string // schema.name, e.g. analytics.county_years
	Schema string // staging, marts, analytics
	Path   string // analytics/county_years.sql
	SQL    string // the SELECT (comments and a trailing semicolon removed)
	Meta   Meta
	Deps   []string // models this one reads (schema.name)
}

// Meta is a model's YAML sidecar.
type Meta struct {
	Description string `yaml:"description"` // 中文 / English
	// Grain lists the columns that identify a row (tested unique).
	Grain []string `yaml:"grain"`
	// Materialized is view (default) or table (built once, when the models are applied).
	Materialized string `yaml:"materialized"`
	// Refresh, required of a table, says how an incremental refresh finds its rows (see Refresh).
	Refresh *Refresh `yaml:"refresh"`
	Columns []Column `yaml:"columns"`
	Tests   Tests    `yaml:"tests"`
}

// Refresh tells how the rows of a materialised model depend on the reports, for the incremental
// refresh after a run (pipeline/rollup.Update): every row belongs to one province and one year,
// and is computed from the reports of record of that province and year alone (Lag 0), or of that
// province and the Lag years before it (Lag 1: a year-over-year comparison). A run that changes
// the reports of province P in year Y then changes only the rows of (P, Y) — and of (P, Y+1) …
// (P, Y+Lag) — which Update deletes and computes again with the model's own SQL over those
// reports.
type Refresh struct {
	// Report, instead of Province and Year, is the column giving a row's report id: the row
	// depends on that report's facts alone, and a run recomputes only the rows of its reports.
	Report string `yaml:"report"`
	// Province is the SQL expression (over the model's columns) giving a row's province code.
	Province string `yaml:"province"`
	// Year is the column giving a row's year.
	Year string `yaml:"year"`
	// Lag is how many earlier years a row of a year reads (0 or 1).
	Lag int `yaml:"lag"`
	// Pair, for a comparison of two years of a province (marts.like_for_like), is the column
	// giving a row's other year: a row of (P, year, pair) reads the reports of P in both years
	// (and which years P has), so a run changing (P, Y) changes the rows whose year or pair is
	// Y — those are computed again over every year of P.
	Pair string `yaml:"pair"`
}

// Column documents one output column.
type Column struct {
	Name        string `yaml:"name"`
	Label       string `yaml:"label"`       // 中文标签
	Description string `yaml:"description"` // English
}

// UnmarshalYAML accepts a mapping or a bare name, documented by columns.yaml.
func (c *Column) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		c.Name = n.Value
		return nil
	}
	// A key other than name, label, description is a typo or an unquoted comma in a flow
	// mapping ({description: a, b} makes "b" a key and cuts the description).
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			switch k := n.Content[i].Value; k {
			case "name", "label", "description":
			default:
				return fmt.Errorf("line %d: column key %q: want name, label, description (quote a value that holds a comma)", n.Content[i].Line, k)
			}
		}
	}
	type plain Column
	return n.Decode((*plain)(c))
}

// Comment is the COMMENT of the column: "label / description".
func (c Column) Comment() string {
	if c.Description == "" {
		return c.Label
	}
	return c.Label + " / " + c.Description
}

// Tests are the sidecar's data tests.
type Tests struct {
	NotNull        []string            `yaml:"not_null"`
	Unique         [][]string          `yaml:"unique"` // in addition to the grain
	AcceptedValues map[string][]string `yaml:"accepted_values"`
	Relationships  []Relationship      `yaml:"relationships"`
}

// Relationship says every non-null value of Column exists in To.Field.
type Relationship struct {
	Column string `yaml:"column"`
	To     string `yaml:"to"`    // schema.table or table (main)
	Field  string `yaml:"field"` // column of To
	// Where restricts the rows of To (e.g. "level = 'county'").
	Where string `yaml:"where"`
}

// Label returns the Chinese label of a column, or the name when the column is not documented.
func (m *Model) Label(col string) string {
	for _, c := range m.Meta.Columns {
		if c.Name == col {
			return c.Label
		}
	}
	return col
}

// Test is one compiled data test: SQL returning the failing rows (none when it passes).
type Test struct {
	Model string // schema.name
	Name  string // e.g. unique(region_code, year)
	SQL   string
}

// Audit is one file of checks/: a query returning bad rows.
type Audit struct {
	Name        string // checks.name
	Description string
	SQL         string
}

var refRE = regexp.MustCompile(`\b(staging|marts|analytics)\.([a-z_][a-z0-9_]*)\b`)

// Models returns every model in build order: layer by layer, and within a layer after the
// models it reads.
func Models() ([]*Model, error) {
	var all []*Model
	byName := map[string]*Model{}
	for _, layer := range Layers {
		ents, err := fs.ReadDir(files, layer)
		if err != nil {
			return nil, fmt.Errorf("queries: %w", err)
		}
		for _, e := range ents {
			if !strings.HasSuffix(e.Name(), ".sql") {
				continue
			}
			m, err := load(layer, e.Name())
			if err != nil {
				return nil, err
			}
			all = append(all, m)
			byName[m.Name] = m
		}
	}
	for _, m := range all {
		for _, d := range m.Deps {
			dm, ok := byName[d]
			if !ok {
				return nil, fmt.Errorf("queries: %s reads %s, which is not a model", m.Path, d)
			}
			if layerIndex(dm.Schema) > layerIndex(m.Schema) {
				return nil, fmt.Errorf("queries: %s reads %s, a later layer", m.Path, d)
			}
		}
	}
	return order(all, byName)
}

func layerIndex(s string) int {
	for i, l := range Layers {
		if l == s {
			return i
		}
	}
	return len(Layers)
}

// order sorts models topologically (stable: layer, then name).
func order(all []*Model, byName map[string]*Model) ([]*Model, error) {
	sort.SliceStable(all, func(i, j int) bool {
		if a, b := layerIndex(all[i].Schema), layerIndex(all[j].Schema); a != b {
			return a < b
		}
		return all[i].Name < all[j].Name
	})
	state := map[string]int{} // 1 visiting, 2 done
	var out []*Model
	var visit func(m *Model, stack []string) error
	visit = func(m *Model, stack []string) error {
		switch state[m.Name] {
		case 1:
			return fmt.Errorf("queries: cycle: %s", strings.Join(append(stack, m.Name), " → "))
		case 2:
			return nil
		}
		state[m.Name] = 1
		for _, d := range m.Deps {
			if err := visit(byName[d], append(stack, m.Name)); err != nil {
				return err
			}
		}
		state[m.Name] = 2
		out = append(out, m)
		return nil
	}
	for _, m := range all {
		if err := visit(m, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func load(layer, file string) (*Model, error) {
	p := path.Join(layer, file)
	b, err := files.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("queries: %w", err)
	}
	base := strings.TrimSuffix(file, ".sql")
	m := &Model{Name: layer + "." + base, Schema: layer, Path: p, SQL: cleanSQL(string(b))}
	yb, err := files.ReadFile(path.Join(layer, base+".yaml"))
	if err != nil {
		return nil, fmt.Errorf("queries: %s has no sidecar %s.yaml", p, base)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(yb)))
	dec.KnownFields(true)
	if err := dec.Decode(&m.Meta); err != nil {
		return nil, fmt.Errorf("queries: %s.yaml: %w", path.Join(layer, base), err)
	}
	switch m.Meta.Materialized {
	case "":
		m.Meta.Materialized = "view"
	case "view", "table":
	default:
		return nil, fmt.Errorf("queries: %s.yaml: materialized %q: want view or table", base, m.Meta.Materialized)
	}
	switch {
	case m.Meta.Materialized == "table" && (m.Meta.Refresh == nil ||
		(m.Meta.Refresh.Province == "" || m.Meta.Refresh.Year == "") == (m.Meta.Refresh.Report == "")):
		return nil, fmt.Errorf("queries: %s.yaml: a table needs refresh: {province: …, year: …} or {report: …} (how its rows depend on the reports)", path.Join(layer, base))
	case m.Meta.Refresh != nil && m.Meta.Refresh.Report != "" && m.Meta.Refresh.Lag != 0:
		return nil, fmt.Errorf("queries: %s.yaml: refresh by report takes no lag", path.Join(layer, base))
	case m.Meta.Materialized != "table" && m.Meta.Refresh != nil:
		return nil, fmt.Errorf("queries: %s.yaml: refresh is for tables only", path.Join(layer, base))
	case m.Meta.Refresh != nil && m.Meta.Refresh.Pair != "" && (m.Meta.Refresh.Report != "" || m.Meta.Refresh.Lag != 0):
		return nil, fmt.Errorf("queries: %s.yaml: refresh pair goes with province and year, without lag", path.Join(layer, base))
	case m.Meta.Refresh != nil && (m.Meta.Refresh.Lag < 0 || m.Meta.Refresh.Lag > 1):
		return nil, fmt.Errorf("queries: %s.yaml: refresh lag %d: want 0 or 1", path.Join(layer, base), m.Meta.Refresh.Lag)
	}
	if m.Meta.Description == "" || len(m.Meta.Grain) == 0 || len(m.Meta.Columns) == 0 {
		return nil, fmt.Errorf("queries: %s.yaml: description, grain and columns are required", path.Join(layer, base))
	}
	shared, err := sharedColumns()
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for i := range m.Meta.Columns {
		c := &m.Meta.Columns[i]
		if s, ok := shared[c.Name]; ok && c.Label == "" {
			c.Label, c.Description = s.Label, s.Description
		}
		if c.Name == "" || c.Label == "" || seen[c.Name] {
			return nil, fmt.Errorf("queries: %s.yaml: column %q: a unique name and a label are required", base, c.Name)
		}
		seen[c.Name] = true
	}
	check := func(what string, cols ...string) error {
		for _, c := range cols {
			if !seen[c] {
				return fmt.Errorf("queries: %s.yaml: %s names %q, not a column", base, what, c)
			}
		}
		return nil
	}
	if r := m.Meta.Refresh; r != nil {
		col, what := r.Year, "refresh year"
		if r.Report != "" {
			col, what = r.Report, "refresh report"
		}
		if err := check(what, col); err != nil {
			return nil, err
		}
		if r.Pair != "" {
			if err := check("refresh pair", r.Pair); err != nil {
				return nil, err
			}
		}
	}
	if err := check("grain", m.Meta.Grain...); err != nil {
		return nil, err
	}
	if err := check("not_null", m.Meta.Tests.NotNull...); err != nil {
		return nil, err
	}
	for _, u := range m.Meta.Tests.Unique {
		if err := check("unique", u...); err != nil {
			return nil, err
		}
	}
	for c := range m.Meta.Tests.AcceptedValues {
		if err := check("accepted_values", c); err != nil {
			return nil, err
		}
	}
	for _, r := range m.Meta.Tests.Relationships {
		if err := check("relationships", r.Column); err != nil {
			return nil, err
		}
	}
	deps := map[string]bool{}
	for _, mm := range refRE.FindAllStringSubmatch(m.SQL, -1) {
		if n := mm[1] + "." + mm[2]; n != m.Name {
			deps[n] = true
		}
	}
	for d := range deps {
		m.Deps = append(m.Deps, d)
	}
	sort.Strings(m.Deps)
	return m, nil
}

// Digest is the SHA-256 (hex) of every file of the models (SQL and sidecars, columns.yaml): a
// warehouse whose models were built from other files needs them rebuilt, not refreshed.
func Digest() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if l, _, _ := strings.Cut(p, "/"); !contains(Layers, l) && p != "columns.yaml" {
			return nil
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("queries: digest: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// sharedColumns reads columns.yaml: the documentation of columns many models share, used
// when a sidecar names a column without a label.
func sharedColumns() (map[string]Column, error) {
	b, err := files.ReadFile("columns.yaml")
	if err != nil {
		return nil, fmt.Errorf("queries: %w", err)
	}
	var cols []Column
	if err := yaml.Unmarshal(b, &cols); err != nil {
		return nil, fmt.Errorf("queries: columns.yaml: %w", err)
	}
	out := make(map[string]Column, len(cols))
	for _, c := range cols {
		out[c.Name] = c
	}
	return out, nil
}

// cleanSQL drops line comments and the trailing semicolon.
func cleanSQL(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "--") {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return strings.TrimRight(strings.TrimSpace(b.String()), ";")
}

// Tests compiles the sidecar tests of a model into queries returning the failing rows.
func (m *Model) Tests() []Test {
	var out []Test
	add := func(name, q string) { out = append(out, Test{Model: m.Name, Name: name, SQL: q}) }
	uniques := append([][]string{m.Meta.Grain}, m.Meta.Tests.Unique...)
	for _, u := range uniques {
		cols := strings.Join(u, ", ")
		add("unique("+cols+")", fmt.Sprintf("select %s, count(*) as row_count from %s group by %s having count(*) > 1", cols, m.Name, cols))
	}
	notNull := append([]string{}, m.Meta.Grain...)
	for _, c := range m.Meta.Tests.NotNull {
		if !contains(notNull, c) {
			notNull = append(notNull, c)
		}
	}
	for _, c := range notNull {
		add("not_null("+c+")", fmt.Sprintf("select * from %s where %s is null", m.Name, c))
	}
	cols := make([]string, 0, len(m.Meta.Tests.AcceptedValues))
	for c := range m.Meta.Tests.AcceptedValues {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	for _, c := range cols {
		vals := m.Meta.Tests.AcceptedValues[c]
		q := make([]string, len(vals))
		for i, v := range vals {
			q[i] = Quote(v)
		}
		add("accepted_values("+c+")", fmt.Sprintf("select %s, count(*) as row_count from %s where %s is not null and %s::varchar not in (%s) group by %s",
			c, m.Name, c, c, strings.Join(q, ", "), c))
	}
	for _, r := range m.Meta.Tests.Relationships {
		where := ""
		if r.Where != "" {
			where = " and (" + r.Where + ")"
		}
		to := r.To
		if !strings.Contains(to, ".") {
			to = "main." + to
		}
		add(fmt.Sprintf("relationships(%s → %s.%s)", r.Column, r.To, r.Field),
			fmt.Sprintf("select m.%[1]s, count(*) as row_count from %[2]s as m where m.%[1]s is not null and not exists (select 1 from %[3]s as t where t.%[4]s = m.%[1]s%[5]s) group by m.%[1]s",
				r.Column, m.Name, to, r.Field, where))
	}
	return out
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// Quote returns s as a SQL string literal.
func Quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// Audits returns the queries of checks/, each returning the rows that break what it checks.
func Audits() ([]Audit, error) {
	ents, err := fs.ReadDir(files, "checks")
	if err != nil {
		return nil, fmt.Errorf("queries: %w", err)
	}
	var out []Audit
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		base := strings.TrimSuffix(e.Name(), ".sql")
		b, err := files.ReadFile("checks/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("queries: %w", err)
		}
		var meta struct {
			Description string `yaml:"description"`
		}
		yb, err := files.ReadFile("checks/" + base + ".yaml")
		if err != nil {
			return nil, fmt.Errorf("queries: checks/%s.sql has no sidecar", base)
		}
		if err := yaml.Unmarshal(yb, &meta); err != nil || meta.Description == "" {
			return nil, fmt.Errorf("queries: checks/%s.yaml: a description is required (%v)", base, err)
		}
		out = append(out, Audit{Name: "checks." + base, Description: meta.Description, SQL: cleanSQL(string(b))})
	}
	return out, nil
}

// Report returns the parameterised query reports/<name>.sql.
func Report(name string) (string, error) {
	b, err := files.ReadFile("reports/" + name + ".sql")
	if err != nil {
		return "", fmt.Errorf("queries: no report query %q", name)
	}
	return cleanSQL(string(b)), nil
}
