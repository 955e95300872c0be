package serve

import (
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"xxgk/schemas"
)

// parseTemplates parses the layout with each page: one template set per page, so that every
// page defines its own "content".
func parseTemplates() (map[string]*template.Template, error) {
	base, err := template.New("").Funcs(funcs).ParseFS(assets, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("serve: templates: %w", err)
	}
	files, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		if strings.HasPrefix(name, "fragment-") { // a fragment, without the layout
			t, err := template.New("").Funcs(funcs).ParseFS(assets, f)
			if err != nil {
				return nil, fmt.Errorf("serve: template %s: %w", f, err)
			}
			out[name] = t
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(assets, f)
		if err != nil {
			return nil, fmt.Errorf("serve: template %s: %w", f, err)
		}
		out[name] = t
	}
	return out, nil
}

var funcs = template.FuncMap{
	"fmtTime": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.Local().Format("2006-01-02 15:04")
	},
	"n":     fmtCount,
	"nn":    fmtCountPtr,
	"dec":   fmtDecPtr,
	"rate":  fmtRate,
	"pp":    fmtPP,
	"pct":   fmtPct,
	"delta": fmtDelta,
	"level": levelName,
	"levels": func(list string) string {
		if list == "" {
			return "—"
		}
		parts := strings.Split(list, ",")
		for i, p := range parts {
			parts[i] = levelName(p)
		}
		return strings.Join(parts, "、")
	},
	"basis": basisName,
	"scope": scopeName,
	"state": stateName,
	"sev":   severityName,
	"table": tableName,
	"cell":  cellLabel,
	"str": func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	},
	// link builds a query string from pairs (empty values left out).
	"link": func(path string, kv ...any) template.URL {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			val := fmt.Sprint(kv[i+1])
			if val != "" && val != "0" {
				v.Set(fmt.Sprint(kv[i]), val)
			}
		}
		if len(v) == 0 {
			return template.URL(path)
		}
		return template.URL(path + "?" + v.Encode())
	},
	"html":     func(s string) template.HTML { return template.HTML(s) }, // only for the export's own HTML
	"add":      func(a, b int) int { return a + b },
	"derefInt": derefInt,
	"gt0":      func(p *int64) bool { return p != nil && *p > 0 },
	"int64":    func(n int) int64 { return int64(n) },
	// nextDir is the sort direction a column header links to: the other one for the column
	// sorted on, else ascending (descending for numbers reads better, but one rule is simpler).
	"nextDir": func(sort, dir, key string) string {
		if sort == key && dir == "asc" {
			return "desc"
		}
		return "asc"
	},
}

// fmtCount writes a count with thousands separators.
func fmtCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func fmtCountPtr(p *int64) string {
	if p == nil {
		return "—"
	}
	return fmtCount(*p)
}

// fmtDecPtr writes an exact value: whole numbers with separators, decimals as stored.
func fmtDecPtr(p *schemas.Dec) string {
	if p == nil {
		return "—"
	}
	if p.IsInt() {
		return fmtCount(p.Int())
	}
	return p.String()
}

// fmtRate writes a fraction as a percentage with one decimal.
func fmtRate(p *float64) string {
	if p == nil || math.IsNaN(*p) {
		return "—"
	}
	return strconv.FormatFloat(*p*100, 'f', 1, 64) + "%"
}

// fmtPP writes a difference of two fractions in percentage points.
func fmtPP(p *float64) string {
	if p == nil || math.IsNaN(*p) {
		return "—"
	}
	return fmt.Sprintf("%+.1f 个百分点", *p*100)
}

// fmtPct writes a % change already ×100.
func fmtPct(p *float64) string {
	if p == nil || math.IsNaN(*p) {
		return "—"
	}
	return fmt.Sprintf("%+.1f%%", *p)
}

// fmtDelta writes a signed difference of counts.
func fmtDelta(p *float64) string {
	if p == nil || math.IsNaN(*p) {
		return "—"
	}
	if *p == math.Trunc(*p) {
		s := fmtCount(int64(*p))
		if *p > 0 {
			s = "+" + s
		}
		return s
	}
	return fmt.Sprintf("%+.2f", *p)
}

func basisName(b string) string {
	switch b {
	case "area":
		return "汇总报告"
	case "bodies":
		return "各机关之和"
	case "none":
		return "无表格报告"
	}
	return b
}

func scopeName(s string) string {
	switch s {
	case "area":
		return "汇总（全辖区）"
	case "government":
		return "政府本级"
	case "department":
		return "部门"
	case "township":
		return "乡镇、街道"
	case "dev_zone":
		return "开发区、园区"
	case "other":
		return "其他"
	}
	return s
}

func stateName(s string) string {
	switch s {
	case "number":
		return "数字"
	case "blank":
		return "空白（计0）"
	case "dash":
		return "横线（无数字）"
	case "derived":
		return "推算（未印出）"
	case "split":
		return "拆分（数字连写）"
	case "missing":
		return "缺失"
	}
	return s
}

func severityName(s string) string {
	switch s {
	case "error":
		return "错误"
	case "warning":
		return "警告"
	case "info":
		return "提示"
	}
	return s
}

func tableName(s string) string {
	switch s {
	case schemas.Table2:
		return "表二"
	case schemas.Table3:
		return "表三"
	case schemas.Table4:
		return "表四"
	}
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }

func derefInt(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// cellLabel names a cell in words: 表三“予以公开”·总计, 表二“行政许可”·本年处理决定数量. Keys the
// catalogue does not know are shown as they are.
func cellLabel(table, row, col *string) string {
	if table == nil {
		return ""
	}
	cat := schemas.Labels()
	out := tableName(*table)
	if row == nil || *row == "" {
		return out
	}
	r := *row
	switch *table {
	case schemas.Table2:
		if l := cat.Table2Item(schemas.FormatGB2021, r); l != nil {
			r = l.Short()
		} else if l := cat.Table2Item(schemas.FormatGB2019, r); l != nil {
			r = l.Short()
		}
	case schemas.Table3:
		if l := cat.Table3Row(r); l != nil {
			r = l.Short()
		}
	case schemas.Table4:
		for _, g := range cat.Table4.Groups {
			if g.Key == r {
				r = g.Label
			}
		}
	}
	out += "“" + r + "”"
	if col == nil || *col == "" {
		return out
	}
	c := *col
	switch *table {
	case schemas.Table2:
		if l := cat.Measure(c); l != nil {
			c = l.Label
		}
	case schemas.Table3:
		for _, l := range cat.Table3.Columns {
			if l.Key == c {
				c = l.Label
			}
		}
	case schemas.Table4:
		for _, l := range cat.Table4.Outcomes {
			if l.Key == c {
				c = l.Label
			}
		}
	}
	return out + "·" + c
}
