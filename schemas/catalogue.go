package schemas

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/unicode/norm"
)

//go:embed labels.yaml
var labelsYAML []byte

// Keys of the catalogue that the rules, the generator and the rollups name in code; everything
// else (the rows of a group, the applicant columns, the outcomes) is read from the catalogue.
const (
	ColTotal          = "total"           // table 3 column 总计
	RowNewReceived    = "new_received"    // 一、本年新收
	RowCarriedOver    = "carried_over"    // 二、上年结转
	RowTotalHandled   = "total_handled"   // （七）总计
	RowCarriedForward = "carried_forward" // 四、结转下年度继续办理
	RowOtherTotal     = "other_total"     // （六）其他处理
	GroupResults      = "results"         // 三、本年度办理结果
	GroupOther        = "other"           // （六）其他处理, the gb2021 group
	OutcomeTotal      = "total"           // table 4 总计
)

// Label is one entry of the catalogue: a section, row, column, group, item or measure.
type Label struct {
	Key   string `yaml:"key"`
	Label string `yaml:"label"`
	// ShortLabel overrides the short name messages use (see Short).
	ShortLabel string   `yaml:"short,omitempty"`
	Number     int      `yaml:"number,omitempty"`  // sections
	Group      string   `yaml:"group,omitempty"`   // table 3 rows and columns
	Article    string   `yaml:"article,omitempty"` // table 2 items
	Match      []string `yaml:"match,omitempty"`
	Exact      []string `yaml:"exact,omitempty"`
	Formats    []Format `yaml:"formats,omitempty"`
	// Measures of a table 2 item, in printed order.
	Measures []string `yaml:"measures,omitempty"`
	Decimal  bool     `yaml:"decimal,omitempty"`  // table 2 measures holding money
	Signed   bool     `yaml:"signed,omitempty"`   // table 2 measures that may be negative
	Subtotal bool     `yaml:"subtotal,omitempty"` // table 3 subtotal rows some reports add
}

// InFormat reports whether the label belongs to format f (no formats listed: both).
func (l *Label) InFormat(f Format) bool {
	if len(l.Formats) == 0 {
		return true
	}
	for _, x := range l.Formats {
		if x == f {
			return true
		}
	}
	return false
}

// Short is the name a message uses: the label without a leading enumerator (一、 （一） 1.)
// and without a note in brackets ("（二）部分公开（区分处理的，…）" → "部分公开"), unless the
// catalogue gives one (short:).
func (l *Label) Short() string {
	if l.ShortLabel != "" {
		return l.ShortLabel
	}
	const numerals = "一二三四五六七八九十"
	r := []rune(l.Label)
	switch {
	case len(r) > 3 && (r[0] == '（' || r[0] == '(') && (r[2] == '）' || r[2] == ')') && strings.ContainsRune(numerals, r[1]):
		r = r[3:]
	case len(r) > 2 && (r[1] == '、' || r[1] == '.') && strings.ContainsRune(numerals, r[0]):
		r = r[2:]
	default:
		i := 0
		for i < len(r) && r[i] >= '0' && r[i] <= '9' {
			i++
		}
		if i > 0 && i < len(r)-1 && r[i] == '.' {
			r = r[i+1:]
		}
	}
	s := string(r)
	if i := strings.IndexAny(s, "（("); i > 0 {
		s = s[:i]
	}
	return s
}

// Matches reports whether the normalised text n identifies this label.
func (l *Label) Matches(n string) bool {
	for _, m := range l.Exact {
		if n == m {
			return true
		}
	}
	for _, m := range l.Match {
		if strings.Contains(n, m) {
			return true
		}
	}
	return false
}

// Catalogue is the label catalogue of both formats, loaded once from labels.yaml.
type Catalogue struct {
	Sections []Label `yaml:"sections"`
	// Headers are the captions printed in the official tables that are not rows, columns,
	// groups, items or measures.
	Headers struct {
		Table2Content       string `yaml:"table2_content"`       // 信息内容
		Table3Applicants    string `yaml:"table3_applicants"`    // 申请人情况
		Table3Organisations string `yaml:"table3_organisations"` // 法人或其他组织
		Table3Note          string `yaml:"table3_note"`          // （本列数据的勾稽关系为：…）
		Table4Litigation    string `yaml:"table4_litigation"`    // 行政诉讼
	} `yaml:"headers"`
	Formats map[Format]struct {
		Markers []string `yaml:"markers"`
	} `yaml:"formats"`
	Table2 struct {
		GB2021   []Label `yaml:"gb2021"`
		GB2019   []Label `yaml:"gb2019"`
		Measures []Label `yaml:"measures"`
	} `yaml:"table2"`
	Table3 struct {
		Columns []Label `yaml:"columns"`
		Groups  []Label `yaml:"groups"`
		Rows    []Label `yaml:"rows"`
	} `yaml:"table3"`
	Table4 struct {
		Groups   []Label `yaml:"groups"`
		Outcomes []Label `yaml:"outcomes"`
	} `yaml:"table4"`

	measures map[string]*Label
}

var (
	catOnce sync.Once
	cat     *Catalogue
)

// Labels returns the catalogue. It panics only if the embedded labels.yaml is broken, which
// the package tests catch.
func Labels() *Catalogue {
	catOnce.Do(func() {
		c, err := loadCatalogue(labelsYAML)
		if err != nil {
			panic(fmt.Sprintf("schemas: labels.yaml: %v", err))
		}
		cat = c
	})
	return cat
}

func loadCatalogue(b []byte) (*Catalogue, error) {
	var c Catalogue
	if err := yaml.Unmarshal(b, &c); err != nil {
		return nil, err
	}
	c.measures = make(map[string]*Label, len(c.Table2.Measures))
	for i := range c.Table2.Measures {
		c.measures[c.Table2.Measures[i].Key] = &c.Table2.Measures[i]
	}
	for _, items := range [][]Label{c.Table2.GB2019, c.Table2.GB2021} {
		for _, it := range items {
			for _, m := range it.Measures {
				if c.measures[m] == nil {
					return nil, fmt.Errorf("table2 item %s: unknown measure %s", it.Key, m)
				}
			}
		}
	}
	if c.Headers.Table2Content == "" || c.Headers.Table3Applicants == "" || c.Headers.Table3Organisations == "" ||
		c.Headers.Table3Note == "" || c.Headers.Table4Litigation == "" {
		return nil, fmt.Errorf("headers: every caption must be given")
	}
	if len(c.Table3.Columns) != 7 || len(c.Table4.Groups) != 3 || len(c.Table4.Outcomes) != 5 {
		return nil, fmt.Errorf("unexpected table shape")
	}
	return &c, nil
}

// Table2Items returns the table 2 items of a format in printed order (nil for others).
func (c *Catalogue) Table2Items(f Format) []Label {
	switch f {
	case FormatGB2019:
		return c.Table2.GB2019
	case FormatGB2021:
		return c.Table2.GB2021
	}
	return nil
}

// Measure returns the table 2 measure with this key, or nil.
func (c *Catalogue) Measure(key string) *Label { return c.measures[key] }

// Table3Rows returns the official printed table 3 rows of a format, in order. For gb2021
// other_total is not printed (it is derived from the three (六) rows) and is left out, and so
// are the optional subtotal rows.
func (c *Catalogue) Table3Rows(f Format) []Label {
	out := make([]Label, 0, len(c.Table3.Rows))
	for _, r := range c.Table3.Rows {
		if !r.InFormat(f) {
			continue
		}
		if r.Subtotal || (f == FormatGB2021 && r.Key == "other_total") {
			continue
		}
		out = append(out, r)
	}
	return out
}

// Table3RowKeys returns every table 3 row key of the model (both formats, subtotals too), in
// order.
func (c *Catalogue) Table3RowKeys() []string {
	out := make([]string, len(c.Table3.Rows))
	for i, r := range c.Table3.Rows {
		out[i] = r.Key
	}
	return out
}

// Table3ColumnKeys returns the 7 applicant column keys in printed order.
func (c *Catalogue) Table3ColumnKeys() []string { return keys(c.Table3.Columns) }

// Table4GroupKeys returns the 3 table 4 group keys in printed order.
func (c *Catalogue) Table4GroupKeys() []string { return keys(c.Table4.Groups) }

// Table4OutcomeKeys returns the 5 table 4 outcome keys in printed order.
func (c *Catalogue) Table4OutcomeKeys() []string { return keys(c.Table4.Outcomes) }

// Table3Row returns the table 3 row label with this key, or nil.
func (c *Catalogue) Table3Row(key string) *Label { return find(c.Table3.Rows, key) }

// Table2Item returns the table 2 item of format f with this key, or nil.
func (c *Catalogue) Table2Item(f Format, key string) *Label { return find(c.Table2Items(f), key) }

func keys(ls []Label) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.Key
	}
	return out
}

func find(ls []Label, key string) *Label {
	for i := range ls {
		if ls[i].Key == key {
			return &ls[i]
		}
	}
	return nil
}

// Normalize turns label text into the form the catalogue's match words are written in:
// NFKC (full-width → half-width), no white space, no punctuation, brackets or symbols.
// Traditional characters must already be converted (pipeline/decode does it).
// "（二）部分公开（区分处理的，只计这一情形）" → "二部分公开区分处理的只计这一情形".
func Normalize(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// StripEnumerator removes a leading enumerator such as "1", "一", "三" left after Normalize
// ("3其他" → "其他", "七总计" → "总计").
func StripEnumerator(n string) string {
	n = strings.TrimLeft(n, "0123456789")
	for _, p := range []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"} {
		if strings.HasPrefix(n, p) && len(n) > len(p) {
			return n[len(p):]
		}
	}
	return n
}
