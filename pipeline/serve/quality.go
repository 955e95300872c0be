package serve

import (
	"bytes"
	"context"
	"encoding/csv"
	"sort"
	"strconv"
	"strings"

	"xxgk/schemas"
)

// The data quality page lists every rule violation of the reports of record
// (analytics.rule_violations, R1–R8 with the carry-over chains across years) and every parse
// problem of them (main.problems), filterable by rule or problem code, severity, level,
// prefecture and year, each linking to its report and cell; and the files that could not be
// read at all (analytics.problems, kind failed). Acknowledged ones (xxgk ack) are marked and
// can be filtered; each shows the problem id xxgk ack takes.

// qualityItem is one violation or problem.
type qualityItem struct {
	_          struct{}     `query:"serve/quality"` // analytics.rule_violations or main.problems
	ReportID   int64        `col:"report_id"`
	Level      string       `col:"level"`
	RegionCode string       `col:"region_code"`
	RegionName *string      `col:"region_name"`
	PrefName   *string      `col:"prefecture_name"`
	PrefCode   *string      `col:"prefecture_code"`
	Body       string       `col:"body"`
	Year       int64        `col:"year"`
	Source     string       `col:"source"`
	Seq        int64        `col:"seq"`
	Rule       string       `col:"rule"`
	Severity   string       `col:"severity"`
	Table      *string      `col:"table_name"`
	Row        *string      `col:"row_key"`
	Col        *string      `col:"col_key"`
	Expected   *schemas.Dec `col:"expected"`
	Found      *schemas.Dec `col:"found"`
	Line       *int64       `col:"line"`
	Message    string       `col:"message"`
	// acknowledged (xxgk ack): reviewed, still listed
	Acknowledged bool    `col:"acknowledged"`
	AckNote      *string `col:"ack_note"`
	ProblemID    *string `col:"problem_id"` // what xxgk ack takes
}

// Anchor is the cell (or row) the item concerns, for the link to the report page.
func (i qualityItem) Anchor() string {
	if i.Table == nil || i.Row == nil || i.Col == nil {
		return ""
	}
	return cellAnchor(*i.Table, *i.Row, *i.Col)
}

// failedInput is a file that could not be read as a report (analytics.problems, kind failed).
type failedInput struct {
	_            struct{} `view:"analytics.problems"`
	Path         *string  `col:"path"`
	Code         string   `col:"code"`
	Message      string   `col:"message"`
	Acknowledged bool     `col:"acknowledged"`
	AckNote      *string  `col:"ack_note"`
	ProblemID    string   `col:"problem_id"`
}

type facet struct {
	_     struct{} `query:"serve/quality-facets"`
	Value string   `col:"value"`
	Label string   `col:"label"`
	N     int64    `col:"n"`
}

type qualityBody struct {
	Kind                                string // violations, problems, failed
	Rule, Severity, Level, Prefecture   string
	Ack                                 string // "", open, acked
	Year                                int
	Years                               []int
	Rules, Severities, Levels, Prefs    []facet
	Items                               []qualityItem
	Failed                              []failedInput
	Total                               int64
	Page, Pages                         int
	ViolationCount, ProblemCount, Fails int64
}

const qualityPageSize = 200

// qualitySQL selects the violations or the problems of the reports of record with the same
// columns; $1 rule or problem code, $2 severity, $3 level, $4 prefecture, $5 year (” and 0:
// all).
var qualitySQL = map[string]string{
	"violations": `select v.report_id, v.level, v.region_code, v.region_name, p.name as prefecture_name, v.prefecture_code, v.body, v.year, v.source, v.seq, v.rule, v.severity, v.table_name, v.row_key, v.col_key,
			v.expected, v.found, null::integer as line, v.message, v.acknowledged, v.ack_note, v.problem_id
		from analytics.rule_violations as v
		left join main.regions as p on p.code = v.prefecture_code
		where ($1 = '' or v.rule = $1) and ($2 = '' or v.severity = $2) and ($3 = '' or v.level = $3)
			and ($4 = '' or v.prefecture_code = $4) and ($5 = 0 or v.year = $5)
			and ($6 = '' or v.acknowledged = ($6 = 'acked'))`,
	"problems": `select r.report_id, r.level, r.region_code, r.region_name, r.prefecture_name, r.prefecture_code, r.body, r.year, 'report' as source, p.seq, p.code as rule, p.severity, p.table_name, p.row_key, p.col_key,
			null::decimal(18,4) as expected, null::decimal(18,4) as found, p.line, p.message,
			coalesce(a.acknowledged, false) as acknowledged, a.ack_note, a.problem_id
		from main.problems as p
		join marts.reports_of_record as r on r.report_id = p.report_id
		-- a file read incompletely is acknowledged as a whole (analytics.problems, kind incomplete)
		left join (
			select report_id, bool_or(acknowledged) as acknowledged, any_value(ack_note) as ack_note, any_value(problem_id) as problem_id
			from analytics.problems
			where kind = 'incomplete' and report_id is not null
			group by report_id
		) as a on a.report_id = p.report_id
		where ($1 = '' or p.code = $1) and ($2 = '' or p.severity = $2) and ($3 = '' or r.level = $3)
			and ($4 = '' or r.prefecture_code = $4) and ($5 = 0 or r.year = $5)
			and ($6 = '' or coalesce(a.acknowledged, false) = ($6 = 'acked'))`,
}

func (s *Server) quality(q *req) error {
	c, err := q.basic()
	if err != nil {
		return err
	}
	b := qualityBody{Years: c.years}
	if b.Kind, err = oneOf(q, "kind", "violations", "violations", "problems", "failed"); err != nil {
		return err
	}
	if b.Rule = strings.TrimSpace(q.URL.Query().Get("rule")); len(b.Rule) > 40 {
		return badRequest("参数 rule 太长 / parameter rule is too long")
	}
	if b.Severity, err = oneOf(q, "severity", "", "error", "warning", "info"); err != nil {
		return err
	}
	if b.Level, err = oneOf(q, "level", "", "province", "prefecture", "county"); err != nil {
		return err
	}
	if b.Prefecture, err = codeParam(q, "prefecture"); err != nil {
		return err
	}
	if b.Prefecture != "" {
		if d, ok := c.byCode[b.Prefecture]; !ok || d.Level != "prefecture" {
			return notFound("%s 不是地级区划代码 / %s is not a prefecture code", b.Prefecture, b.Prefecture)
		}
	}
	if q.URL.Query().Get("year") != "" {
		if b.Year, err = q.yearParam("year"); err != nil {
			return err
		}
	}
	if b.Ack, err = oneOf(q, "ack", "", "open", "acked"); err != nil {
		return err
	}
	if b.Page, err = intParam(q, "page", 1); err != nil {
		return err
	}
	if b.Page < 1 {
		return badRequest("参数 page 从 1 起 / page starts at 1")
	}
	format, err := oneOf(q, "format", "", "csv")
	if err != nil {
		return err
	}
	ctx, ss := q.ctx(), q.session()
	qc, err := s.qualityFacets(q)
	if err != nil {
		return err
	}
	b.ViolationCount, b.ProblemCount, b.Fails = qc.counts.V, qc.counts.P, qc.counts.F
	if b.Kind == "failed" {
		if b.Failed, err = scan[failedInput](ctx, ss, `select path, code, message, acknowledged, ack_note, problem_id
			from analytics.problems where kind = 'failed' and ($1 = '' or acknowledged = ($1 = 'acked'))
			order by path limit 1000`, b.Ack); err != nil {
			return err
		}
		s.render(q, "quality", "数据质量", "quality", b)
		return nil
	}
	f := qc.facets[b.Kind]
	b.Rules, b.Severities, b.Levels, b.Prefs = f.rules, f.severities, f.levels, f.prefs
	limit, offset := qualityPageSize, (b.Page-1)*qualityPageSize
	if format == "csv" {
		limit, offset = 1_000_000, 0
	}
	if all, ok := qc.items[b.Kind]; ok {
		// the version's items are in memory: filter and page them here
		var match []int32 // indexes: the items themselves are not copied
		for i := range all {
			it := &all[i]
			if (b.Rule == "" || it.Rule == b.Rule) && (b.Severity == "" || it.Severity == b.Severity) && (b.Level == "" || it.Level == b.Level) &&
				(b.Prefecture == "" || it.PrefCode != nil && *it.PrefCode == b.Prefecture) && (b.Year == 0 || it.Year == int64(b.Year)) &&
				(b.Ack == "" || it.Acknowledged == (b.Ack == "acked")) {
				match = append(match, int32(i))
			}
		}
		b.Total = int64(len(match))
		for _, i := range match[min(offset, len(match)):min(offset+limit, len(match))] {
			b.Items = append(b.Items, all[i])
		}
	} else {
		rows, err := s.qualityItems(q.ctx(), q, b.Kind, []any{b.Rule, b.Severity, b.Level, b.Prefecture, b.Year, b.Ack, limit, offset})
		if err != nil {
			return err
		}
		b.Items = rows.items
		b.Total = rows.total
	}
	b.Pages = int((b.Total + qualityPageSize - 1) / qualityPageSize)
	if format == "csv" {
		return qualityCSV(q, &b)
	}
	s.render(q, "quality", "数据质量", "quality", b)
	return nil
}

func qualityCSV(q *req, b *qualityBody) error {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"report_id", "level", "region_code", "region_name", "body", "year", "source", "rule", "severity",
		"table_name", "row_key", "col_key", "expected", "found", "line", "message", "acknowledged", "ack_note", "problem_id"})
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	dec := func(p *schemas.Dec) string {
		if p == nil {
			return ""
		}
		return p.String()
	}
	for _, it := range b.Items {
		_ = w.Write([]string{strconv.FormatInt(it.ReportID, 10), it.Level, it.RegionCode, str(it.RegionName), it.Body,
			strconv.FormatInt(it.Year, 10), it.Source, it.Rule, it.Severity, str(it.Table), str(it.Row), str(it.Col),
			dec(it.Expected), dec(it.Found), ptrText(it.Line), it.Message, strconv.FormatBool(it.Acknowledged), str(it.AckNote), str(it.ProblemID)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	q.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	q.w.Header().Set("Content-Disposition", contentDisposition("xxgk-quality-"+b.Kind+".csv"))
	_, err := q.w.Write(buf.Bytes())
	return err
}

type qualityRows struct {
	items []qualityItem
	total int64
}

// qualityItems reads one page of the filtered items and how many match in all (one
// evaluation of the views: the count is a window over the same rows).
func (s *Server) qualityItems(ctx context.Context, q *req, kind string, args []any) (qualityRows, error) {
	type row struct {
		_          struct{}     `query:"serve/quality"`
		ReportID   int64        `col:"report_id"`
		Level      string       `col:"level"`
		RegionCode string       `col:"region_code"`
		RegionName *string      `col:"region_name"`
		PrefName   *string      `col:"prefecture_name"`
		PrefCode   *string      `col:"prefecture_code"`
		Body       string       `col:"body"`
		Year       int64        `col:"year"`
		Source     string       `col:"source"`
		Seq        int64        `col:"seq"`
		Rule       string       `col:"rule"`
		Severity   string       `col:"severity"`
		Table      *string      `col:"table_name"`
		Row        *string      `col:"row_key"`
		Col        *string      `col:"col_key"`
		Expected   *schemas.Dec `col:"expected"`
		Found      *schemas.Dec `col:"found"`
		Line       *int64       `col:"line"`
		Message    string       `col:"message"`
		Ack        bool         `col:"acknowledged"`
		AckNote    *string      `col:"ack_note"`
		ProblemID  *string      `col:"problem_id"`
		Total      int64        `col:"total"`
	}
	rows, err := scan[row](ctx, q.session(), `select *, count(*) over () as total from (`+qualitySQL[kind]+`)
		order by year desc, region_code, body, rule, source, report_id, seq limit $7 offset $8`, args...)
	if err != nil {
		return qualityRows{}, err
	}
	var out qualityRows
	for _, r := range rows {
		out.total = r.Total
		out.items = append(out.items, qualityItem{ReportID: r.ReportID, Level: r.Level, RegionCode: r.RegionCode, RegionName: r.RegionName,
			PrefName: r.PrefName, PrefCode: r.PrefCode, Body: r.Body, Year: r.Year, Source: r.Source, Seq: r.Seq, Rule: r.Rule, Severity: r.Severity,
			Table: r.Table, Row: r.Row, Col: r.Col, Expected: r.Expected, Found: r.Found, Line: r.Line, Message: r.Message,
			Acknowledged: r.Ack, AckNote: r.AckNote, ProblemID: r.ProblemID})
	}
	if len(rows) == 0 && args[7].(int) > 0 {
		// past the last page: count without it
		type n struct {
			_ struct{} `query:"serve/quality-count"`
			N int64    `col:"n"`
		}
		c, _, err := scanOne[n](ctx, q.session(), `select count(*) as n from (`+qualitySQL[kind]+`)`, args[:6]...)
		if err != nil {
			return out, err
		}
		out.total = c.N
	}
	return out, nil
}

// qualityCache holds what the quality page shows of a version, read once: the tab counts, the
// filters' choices with their counts and, when there are at most qualityMemoryItems of a kind,
// every item (sorted), so that filtering and paging are done in memory. A larger kind is paged
// by SQL on each request (qualityItems).
type qualityCache struct {
	counts struct {
		_ struct{} `query:"serve/quality-counts"`
		V int64    `col:"v"`
		P int64    `col:"p"`
		F int64    `col:"f"`
	}
	facets map[string]qualityFacets
	items  map[string][]qualityItem
	// chains are the carry-over chain breaks by report (items of violations)
	chains map[int64][]int
}

// qualityMemoryItems is the most items of one kind kept in memory (≈ 200 bytes each).
var qualityMemoryItems int64 = 500_000

type qualityFacets struct {
	rules, severities, levels, prefs []facet
}

func (s *Server) qualityFacets(q *req) (*qualityCache, error) {
	return q.l.g.cache.quality.get(q.ctx(), func(ctx context.Context) (*qualityCache, error) {
		ss := q.session()
		qc := &qualityCache{facets: map[string]qualityFacets{}, items: map[string][]qualityItem{}}
		type counts = struct {
			_ struct{} `query:"serve/quality-counts"`
			V int64    `col:"v"`
			P int64    `col:"p"`
			F int64    `col:"f"`
		}
		n, _, err := scanOne[counts](ctx, ss, `select (select count(*) from analytics.rule_violations) as v,
			(select count(*) from main.problems where report_id in (select report_id from marts.reports_of_record)) as p,
			(select count(*) from analytics.problems where kind = 'failed') as f`)
		if err != nil {
			return nil, err
		}
		qc.counts = n
		for kind := range qualitySQL {
			total := n.V
			if kind == "problems" {
				total = n.P
			}
			if total > qualityMemoryItems {
				continue
			}
			rows, err := s.qualityItems(ctx, q, kind, []any{"", "", "", "", 0, "", total + 1, 0})
			if err != nil {
				return nil, err
			}
			qc.items[kind] = rows.items
			qc.facets[kind] = facetsOf(rows.items)
			if kind == "violations" {
				qc.chains = map[int64][]int{}
				for i, it := range rows.items {
					if it.Source == "chain" {
						qc.chains[it.ReportID] = append(qc.chains[it.ReportID], i)
					}
				}
			}
		}
		for kind, base := range qualitySQL {
			if _, ok := qc.facets[kind]; ok {
				continue
			}
			type g struct {
				_     struct{} `query:"serve/quality-facets"`
				Dim   string   `col:"dim"`
				Value *string  `col:"value"`
				Label *string  `col:"label"`
				N     int64    `col:"n"`
			}
			rows, err := scan[g](ctx, ss, `select case when grouping(rule) = 0 then 'rule' when grouping(severity) = 0 then 'severity'
					when grouping(level) = 0 then 'level' else 'prefecture' end as dim,
				coalesce(rule, severity, level, prefecture_code) as value,
				coalesce(rule, severity, level, any_value(prefecture_name)) as label,
				count(*) as n
				from (`+base+`)
				group by grouping sets ((rule), (severity), (level), (prefecture_code))
				order by dim, value`, "", "", "", "", 0, "")
			if err != nil {
				return nil, err
			}
			var f qualityFacets
			for _, r := range rows {
				if r.Value == nil {
					continue
				}
				fc := facet{Value: *r.Value, Label: *r.Value, N: r.N}
				if r.Label != nil {
					fc.Label = *r.Label
				}
				switch r.Dim {
				case "rule":
					f.rules = append(f.rules, fc)
				case "severity":
					f.severities = append(f.severities, fc)
				case "level":
					f.levels = append(f.levels, fc)
				default:
					f.prefs = append(f.prefs, fc)
				}
			}
			qc.facets[kind] = f
		}
		return qc, nil
	})
}

// facetsOf counts the items by rule, severity, level and prefecture.
func facetsOf(items []qualityItem) qualityFacets {
	type key struct{ dim, value string }
	n := map[key]int64{}
	label := map[string]string{}
	for _, it := range items {
		n[key{"rule", it.Rule}]++
		n[key{"severity", it.Severity}]++
		n[key{"level", it.Level}]++
		if it.PrefCode != nil {
			n[key{"prefecture", *it.PrefCode}]++
			if it.PrefName != nil {
				label[*it.PrefCode] = *it.PrefName
			}
		}
	}
	var f qualityFacets
	for k, c := range n {
		fc := facet{Value: k.value, Label: k.value, N: c}
		switch k.dim {
		case "rule":
			f.rules = append(f.rules, fc)
		case "severity":
			f.severities = append(f.severities, fc)
		case "level":
			f.levels = append(f.levels, fc)
		case "prefecture":
			if l, ok := label[k.value]; ok {
				fc.Label = l
			}
			f.prefs = append(f.prefs, fc)
		}
	}
	for _, l := range [][]facet{f.rules, f.severities, f.levels, f.prefs} {
		sort.Slice(l, func(i, j int) bool { return l[i].Value < l[j].Value })
	}
	return f
}
