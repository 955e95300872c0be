package export

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"xxgk/schemas"
)

// fmtInt formats a count with thousands separators: 12,345.
func fmtInt(v int64) string {
	neg := v < 0
	u := uint64(v)
	if neg {
		u = -u
	}
	s := strconv.FormatUint(u, 10)
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

// fmtNum formats a value: whole numbers with separators, decimals with up to 4 digits; "—" for
// NULL. Counts and table 2 values print exactly.
func fmtNum(v Val) string {
	if !v.OK {
		return "—"
	}
	switch v.kind {
	case valInt:
		return fmtInt(v.i)
	case valDec:
		if v.d.IsInt() {
			return fmtInt(v.d.Int())
		}
		return v.d.String()
	}
	if v.V == math.Trunc(v.V) && math.Abs(v.V) < 1<<63 {
		return fmtInt(int64(v.V))
	}
	return strings.TrimRight(strings.TrimRight(strconv.FormatFloat(v.V, 'f', 4, 64), "0"), ".")
}

// fmtRate formats a fraction as a percentage with one decimal: 0.8123 → 81.2%.
func fmtRate(v Val) string {
	if !v.OK {
		return "—"
	}
	return strconv.FormatFloat(v.V*100, 'f', 1, 64) + "%"
}

// fmtPct formats a percentage already ×100 with one decimal and a sign: +3.2%.
func fmtPct(v Val) string {
	if !v.OK {
		return "—"
	}
	return fmt.Sprintf("%+.1f%%", v.V)
}

var levelNames = map[string]string{"province": "省级", "prefecture": "地级", "county": "县级"}

// basisName says in words how a division of a level is counted (analytics.region_years basis).
func basisName(level, basis string) string {
	switch basis {
	case "area":
		return nameOr(map[string]string{"province": "全省汇总报告", "prefecture": "全市汇总报告", "county": "全县汇总报告"}, level)
	case "bodies":
		if level == "county" {
			return "各机关报告之和"
		}
		return "本级机关与下级之和"
	case "none":
		return "无表格报告"
	}
	return basis
}

// ownName names the own bodies' part of a division's figure: 省直部门合计 for a province,
// <name>本级合计 for a prefecture or county (朝阳市本级合计).
func ownName(level, name string) string {
	if level == "province" {
		return "省直部门合计"
	}
	return name + "本级合计"
}

// scopeNames are the scopes of schemas.Scope in words (the comments of schemas/model.go).
var scopeNames = map[string]string{"area": "全省/全市/全县汇总", "government": "政府本级", "department": "部门",
	"township": "乡镇、街道", "dev_zone": "开发区、园区", "other": "其他单位"}

var severityNames = map[string]string{"error": "错误", "warning": "警告"}

var tableNames = map[string]string{schemas.Table2: "表二", schemas.Table3: "表三", schemas.Table4: "表四"}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

func nameOr(m map[string]string, k string) string {
	if v, ok := m[k]; ok {
		return v
	}
	return k
}

// rowLabel names a row key of a table in the catalogue's words.
func rowLabel(table, key string, f schemas.Format) string {
	cat := schemas.Labels()
	switch table {
	case schemas.Table3:
		if l := cat.Table3Row(key); l != nil {
			return l.Label
		}
	case schemas.Table4:
		for _, g := range cat.Table4.Groups {
			if g.Key == key {
				return g.Label
			}
		}
	case schemas.Table2:
		if l := table2Item(f, key); l != nil {
			return l.Label
		}
	}
	return key
}

// colLabel names a column key of a table in the catalogue's words.
func colLabel(table, key string) string {
	cat := schemas.Labels()
	switch table {
	case schemas.Table3:
		for _, c := range cat.Table3.Columns {
			if c.Key == key {
				if c.Group != "" && c.Key == "other_org" {
					return c.Group + "·" + c.Label
				}
				return c.Label
			}
		}
	case schemas.Table4:
		for _, o := range cat.Table4.Outcomes {
			if o.Key == key {
				return o.Label
			}
		}
	case schemas.Table2:
		if m := cat.Measure(key); m != nil {
			return m.Label
		}
	}
	return key
}

func table2Item(f schemas.Format, key string) *schemas.Label {
	cat := schemas.Labels()
	if f == "" {
		f = schemas.FormatGB2021
	}
	if l := cat.Table2Item(f, key); l != nil {
		return l
	}
	for _, o := range []schemas.Format{schemas.FormatGB2021, schemas.FormatGB2019} {
		if l := cat.Table2Item(o, key); l != nil {
			return l
		}
	}
	return nil
}

// measureLabel names a measure of analytics.region_measures: a column of region_years, or
// table2.<item>.<measure>.
func measureLabel(m string, f schemas.Format) string {
	if rest, ok := strings.CutPrefix(m, "table2."); ok {
		item, meas, _ := strings.Cut(rest, ".")
		return "表二·" + rowLabel(schemas.Table2, item, f) + "·" + colLabel(schemas.Table2, meas)
	}
	return Label("analytics.region_years", m)
}
