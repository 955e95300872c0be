// Package batchtest builds deterministic canonical reports for the tests of batch, store and
// ingest (no parser needed): every table filled, some dash and blank cells, a broken rule, a
// problem, prose and statements.
package batchtest

import (
	"fmt"

	"xxgk/pipeline/regions"
	"xxgk/schemas"
)

// Report returns a gb2021 report for county code (any registry county), year and body
// number n; seed varies its numbers. Tables obey R1–R4 except when seed%7 == 3 (one R2
// violation is recorded as a check).
func Report(code string, year, n int, seed int64) *schemas.Report {
	cat := schemas.Labels()
	d, ok := regions.Default().County(code)
	if !ok {
		panic("batchtest: unknown county " + code)
	}
	body := d.Name + "人民政府"
	scope := schemas.ScopeArea
	if n > 0 {
		body = fmt.Sprintf("%s第%d局", d.Name, n)
		scope = schemas.ScopeDepartment
	}
	r := schemas.NewReport(fmt.Sprintf("%s/%s/%d/%s.txt", d.Prefecture, d.Name, year, body))
	r.Title = fmt.Sprintf("%s%d年政府信息公开工作年度报告", body, year)
	r.Body = body
	r.Year = year
	r.Format = schemas.FormatGB2021
	r.Scope = scope
	r.Region = d.Region(schemas.RegionManifest)
	r.Status = schemas.StatusComplete
	x := uint64(seed)*2654435761 + 12345
	next := func(m int64) int64 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		return int64(x % uint64(m))
	}
	line := 10
	cell := func(v int64) schemas.Cell {
		line++
		return schemas.Cell{State: schemas.StateNumber, Value: schemas.DecInt(v), Line: line, Text: fmt.Sprint(v)}
	}
	// table 2
	for _, it := range cat.Table2Items(schemas.FormatGB2021) {
		for _, m := range it.Measures {
			c := cell(next(50))
			if it.Key == "fees" {
				c.Value = schemas.Dec(next(1000000)) // 万元 with decimals
				c.Text = c.Value.String()
			}
			if it.Key == "coercion" && seed%5 == 1 {
				c = schemas.Cell{State: schemas.StateDash, Text: "—", Line: line}
			}
			r.Table2.Set(it.Key, m, c)
		}
	}
	// table 3: pick results, derive totals so R1–R3 hold
	cols := cat.Table3ColumnKeys()[:6]
	rows := cat.Table3Rows(schemas.FormatGB2021)
	results := []string{}
	for _, l := range rows {
		switch l.Key {
		case "new_received", "carried_over", "total_handled", "carried_forward":
		default:
			results = append(results, l.Key)
		}
	}
	sums := map[string]int64{}
	for _, col := range cols {
		var handled int64
		for _, rk := range results {
			v := next(4)
			if v == 3 {
				v = 0
			}
			handled += v
			r.Table3.Set(rk, col, cell(v))
		}
		carried := next(3)
		forward := next(3)
		if forward > handled+carried {
			forward = 0
		}
		newRec := handled + forward - carried
		if newRec < 0 {
			carried, newRec = 0, handled+forward
		}
		r.Table3.Set("new_received", col, cell(newRec))
		r.Table3.Set("carried_over", col, cell(carried))
		r.Table3.Set("total_handled", col, cell(handled))
		r.Table3.Set("carried_forward", col, cell(forward))
		for _, rk := range append(results, "new_received", "carried_over", "total_handled", "carried_forward") {
			c, _ := r.Table3.Get(rk, col)
			sums[rk] += c.Value.Int()
		}
	}
	for rk, v := range sums {
		r.Table3.Set(rk, "total", cell(v))
	}
	// gb2021 other_total is derived from the three (六) rows
	for _, col := range cat.Table3ColumnKeys() {
		var s schemas.Dec
		for _, rk := range []string{"other_no_correction", "other_no_fee", "other_other"} {
			c, _ := r.Table3.Get(rk, col)
			s += c.Value
		}
		r.Table3.Set("other_total", col, schemas.Cell{State: schemas.StateDerived, Value: s})
	}
	if c, ok := r.Table3.Get("withheld_query_item", "research"); ok && c.Value == 0 {
		r.Table3.Set("withheld_query_item", "research", schemas.Cell{State: schemas.StateBlank, Line: c.Line})
	}
	if seed%7 == 3 {
		c, _ := r.Table3.Get("granted", "total")
		exp := c.Value
		c.Value += schemas.DecInt(1)
		c.Text = c.Value.String()
		r.Table3.Set("granted", "total", c)
		found := c.Value
		r.Checks = append(r.Checks, schemas.Check{Rule: "R2", Severity: schemas.SeverityError, Table: schemas.Table3,
			Row: "granted", Column: "total", Expected: &exp, Found: &found, Message: "表三“予以公开”行总计不等于各列之和"})
	}
	// table 4
	for _, g := range cat.Table4GroupKeys() {
		var tot int64
		for _, o := range cat.Table4OutcomeKeys()[:4] {
			v := next(3)
			tot += v
			r.Table4.Set(g, o, cell(v))
		}
		r.Table4.Set(g, "total", cell(tot))
	}
	fee := next(300)
	r.Fee = schemas.Cell{State: schemas.StateNumber, Value: schemas.DecInt(fee), Line: 90, Text: fmt.Sprintf("收取信息处理费%d元", fee)}
	for i, l := range cat.Sections {
		r.Sections = append(r.Sections, schemas.Section{Number: l.Number, Heading: l.Label, Line: 1 + i*20,
			Text: fmt.Sprintf("%s%d年%s的文字，编号%d。", body, year, l.Label, seed)})
	}
	nr, _ := r.Table3.Get("new_received", "total")
	r.Statements = []schemas.Statement{
		{Measure: schemas.StatedRequests, Value: nr.Value, Section: 1, Line: 3, Text: fmt.Sprintf("共收到申请%s件", nr.Value)},
		{Measure: schemas.StatedFees, Value: schemas.DecInt(fee), Section: 6, Line: 90, Text: r.Fee.Text},
	}
	if seed%11 == 5 {
		r.Status = schemas.StatusIncomplete
		r.AddProblem(schemas.Problem{Code: schemas.ProblemValue, Table: schemas.Table3, Row: "granted", Column: "commercial",
			Line: 40, Text: "约3", Message: "表三“予以公开”行“商业企业”列不是确定的数字"})
	}
	return r
}

// Body returns a report (numbers as Report's for seed) of the body named body with scope,
// at the division code of any level — a province (2 digits), a prefecture (4) or a county
// (6), any code of the registry: its region is that division at that level (Region.Level set,
// Code the division's own code), as the parser gives a provincial department, a prefecture's
// office or a county's bureau.
func Body(code, body string, scope schemas.Scope, year int, seed int64) *schemas.Report {
	reg := regions.Default()
	under := reg.Under(code)
	if len(under) == 0 {
		panic("batchtest: no county under " + code)
	}
	r := Report(under[0].Code, year, 1, seed)
	d := under[0]
	switch len(code) {
	case 2:
		r.Region = schemas.Region{Code: code, Level: schemas.LevelProvince, Name: d.Province, Province: d.Province,
			ProvinceCode: d.ProvinceCode, Method: schemas.RegionManifest}
	case 4:
		name, _ := reg.AreaName(code)
		r.Region = schemas.Region{Code: code, Level: schemas.LevelPrefecture, Name: name, Prefecture: name, Province: d.Province,
			PrefectureCode: code, ProvinceCode: d.ProvinceCode, Method: schemas.RegionManifest}
	case 6:
		r.Region = d.Region(schemas.RegionManifest)
		r.Region.Level = schemas.LevelCounty
	default:
		panic("batchtest: bad division code " + code)
	}
	r.Body, r.Scope = body, scope
	r.Title = fmt.Sprintf("%s%d年政府信息公开工作年度报告", body, year)
	r.Source = fmt.Sprintf("%s/%d/%s.txt", code, year, body)
	for i := range r.Sections {
		r.Sections[i].Text = fmt.Sprintf("%s%d年%s的文字，编号%d。", body, year, r.Sections[i].Heading, seed)
	}
	return r
}
