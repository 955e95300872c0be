package serve

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"xxgk/pipeline/regions"
	"xxgk/pipeline/rollup"
	"xxgk/pipeline/store"
)

// The page benchmarks run on a national warehouse generated straight into DuckDB, as
// pipeline/rollup's benchmarks do: XXGK_BENCH_REPORTS reports (default 100,000; the figures
// in the docs are for 1,000,000) over every county of the registry and 2019–2024, plus the
// own bodies of every prefecture and province (10 and 30 a year), each report with its table 2,
// 25 rows of table 3, 3 of table 4, and — unlike the rollup benchmarks — every cell's
// provenance in main.cells (≈ 200 rows a report: the table the report page reads), a parse
// problem for one report in 50, a rule violation for one in 97. No source file exists: the
// source panel answers from the stored cell texts. XXGK_BENCH_DB=path keeps the warehouse
// (and reuses it).
//
// Each page is measured as server time: the handler through ServeHTTP, no network. The
// per-version caches (years and divisions, the search index, the quality filters) are built
// by a first request before the timer starts; their cost is logged as the cold figure.

var (
	benchOnce sync.Once
	benchDB   string
	benchErr  error
)

func benchReports() int {
	if s := os.Getenv("XXGK_BENCH_REPORTS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			return n
		}
	}
	return 100_000
}

func benchWarehouse(b *testing.B) string {
	b.Helper()
	benchOnce.Do(func() {
		n := benchReports()
		if p := os.Getenv("XXGK_BENCH_DB"); p != "" {
			benchDB = p
			if _, err := os.Stat(p); err == nil {
				return
			}
		} else {
			dir, err := os.MkdirTemp("", "serve-bench-")
			if err != nil {
				benchErr = err
				return
			}
			benchDB = filepath.Join(dir, "national.duckdb")
		}
		start := time.Now()
		benchErr = generateNational(context.Background(), benchDB, n)
		if st, err := os.Stat(benchDB); err == nil {
			b.Logf("generated %d reports with their cells and built the models in %s (%d MB)", n, time.Since(start).Round(time.Second), st.Size()>>20)
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDB
}

var benchYears = []int{2019, 2020, 2021, 2022, 2023, 2024}

func generateNational(ctx context.Context, path string, n int) error {
	opts := store.Options{Path: path, MemoryLimit: "4GB", Threads: 2}
	w, err := store.Begin(ctx, opts)
	if err != nil {
		return err
	}
	if _, err := w.Finish(ctx, store.Run{Roots: []string{"bench"}, Status: "ok"}); err != nil {
		return err
	}
	return store.Refresh(ctx, opts, func(ctx context.Context, conn *sql.Conn) error {
		for _, q := range nationalSQL(n) {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("%.100s…: %w", q, err)
			}
		}
		return rollup.Apply(ctx, conn)
	})
}

func nationalSQL(n int) []string {
	reg := regions.Default()
	var vals, codes, upper []string
	for _, p := range reg.Provinces {
		vals = append(vals, fmt.Sprintf("('%s', 'province', '%s', null, '%s', '%s', null, null)", p.Code, p.Name, p.Code, p.Name))
		for b := 0; b < 30; b++ {
			upper = append(upper, fmt.Sprintf("('%s', 'province', %d)", p.Code, b))
		}
	}
	for _, p := range reg.Prefectures {
		pv, _ := reg.AreaName(p.Code[:2])
		vals = append(vals, fmt.Sprintf("('%s', 'prefecture', '%s', '%s', '%s', '%s', '%s', '%s')", p.Code, p.Name, p.Code[:2], p.Code[:2], pv, p.Code, p.Name))
		if p.Name != pv {
			for b := 0; b < 10; b++ {
				upper = append(upper, fmt.Sprintf("('%s', 'prefecture', %d)", p.Code, b))
			}
		}
	}
	for _, c := range reg.Counties {
		codes = append(codes, "'"+c.Code+"'")
		vals = append(vals, fmt.Sprintf("('%s', 'county', '%s', '%s', '%s', '%s', '%s', '%s')", c.Code, c.Name, c.PrefectureCode,
			c.ProvinceCode, c.Province, c.PrefectureCode, c.Prefecture))
	}
	ny := len(benchYears)
	perCY := (n + len(reg.Counties)*ny - 1) / (len(reg.Counties) * ny)
	t3rows := []string{"new_received", "carried_over", "granted", "partially_granted", "withheld_state_secret",
		"withheld_law_prohibited", "withheld_security_stability", "withheld_third_party", "withheld_internal_affairs",
		"withheld_process_info", "withheld_enforcement_file", "withheld_query_item", "unavailable_not_held",
		"unavailable_needs_creation", "unavailable_unclear", "rejected_petition", "rejected_duplicate", "rejected_publication",
		"rejected_excessive", "rejected_confirmation", "other_no_correction", "other_no_fee", "other_other", "other_total",
		"total_handled", "carried_forward"}
	var t3 []string
	for i, k := range t3rows {
		t3 = append(t3, fmt.Sprintf("('%s', %d)", k, i))
	}
	t2 := "('gb2021','rules','issued'),('gb2021','rules','repealed'),('gb2021','rules','in_force')," +
		"('gb2021','normative_documents','issued'),('gb2021','normative_documents','repealed'),('gb2021','normative_documents','in_force')," +
		"('gb2021','licensing','decisions'),('gb2021','penalty','decisions'),('gb2021','coercion','decisions'),('gb2021','fees','amount_10k_yuan')," +
		"('gb2019','rules','new_made'),('gb2019','rules','new_published'),('gb2019','rules','published_total')," +
		"('gb2019','normative_documents','new_made'),('gb2019','normative_documents','new_published'),('gb2019','normative_documents','published_total')," +
		"('gb2019','licensing','prev_items'),('gb2019','licensing','change'),('gb2019','licensing','decisions')," +
		"('gb2019','other_services','prev_items'),('gb2019','other_services','change'),('gb2019','other_services','decisions')," +
		"('gb2019','penalty','prev_items'),('gb2019','penalty','change'),('gb2019','penalty','decisions')," +
		"('gb2019','coercion','prev_items'),('gb2019','coercion','change'),('gb2019','coercion','decisions')," +
		"('gb2019','fees','prev_items'),('gb2019','fees','change'),('gb2019','procurement','projects'),('gb2019','procurement','amount_yuan')"
	cols := []string{"natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total"}
	years := []string{}
	for _, y := range benchYears {
		years = append(years, strconv.Itoa(y))
	}
	return []string{
		"insert or replace into regions values " + strings.Join(vals, ",\n"),
		fmt.Sprintf(`create temp table bench_reports as
		with c as (select unnest([%s]) as code, generate_subscripts([%s], 1) - 1 as ci),
		county as (
			select c.code as region_code, 'county' as level, %d + (i // %d) %% %d as year, i %% %d as b, i
			from range(%d) as t(i)
			join c on c.ci = (i // %d) // %d
		),
		up as (
			select u.code as region_code, u.level, y.year, u.b, %d + row_number() over () as i
			from (values %s) as u(code, level, b)
			cross join (select unnest([%s]) as year) as y
		)
		select (hash(i, 'bench') >> 1)::bigint as report_id, * from (select * from county union all select * from up)`,
			strings.Join(codes, ","), strings.Join(codes, ","), benchYears[0], perCY, ny, perCY, n, perCY, ny, n,
			strings.Join(upper, ","), strings.Join(years, ",")),
		`insert into reports (report_id, identity_key, region_code, region_method, body, scope, year, format, title, source_path,
			sha256, size_bytes, encoding, parser_version, run_id, status, check_count, problem_count, version, is_current, superseded_by,
			source_modified_at, level)
		select report_id, region_code || '|' || level || 'body' || b || '|' || year, region_code, 'manifest', level || '机关' || b,
			case when b = 0 and level = 'county' then (case when hash(region_code) % 2 = 0 then 'area' else 'government' end)
				when b = 0 then 'government'
				when b % 10 = 9 and level = 'county' then 'township' when b % 17 = 16 then 'dev_zone' else 'department' end,
			year, case when year < 2021 then 'gb2019' else 'gb2021' end, 'bench', 'bench/' || region_code || '/' || year || '/report' || i || '.txt',
			md5(i::varchar), 1000, 'utf-8', 'bench', 1, 'complete', (i % 97 = 0)::int, (i % 50 = 0)::int, 1, true, null,
			timestamptz '2025-01-31 00:00:00+00', level
		from bench_reports`,
		`insert into table3_facts
		select r.report_id, k.row_key,
			hash(r.report_id, k.i, 1) % 7, hash(r.report_id, k.i, 2) % 3, hash(r.report_id, k.i, 3) % 2, hash(r.report_id, k.i, 4) % 2,
			hash(r.report_id, k.i, 5) % 2, hash(r.report_id, k.i, 6) % 2, hash(r.report_id, k.i, 7) % 15
		from bench_reports r
		cross join (values ` + strings.Join(t3, ",") + `) k(row_key, i)
		where r.year >= 2021 or k.row_key not in ('other_no_correction', 'other_no_fee', 'other_other')`,
		// a body's 上年结转 is its 结转下年度 of the year before, but for one body-year in 50: R6 breaks
		// are rare in real reports, and the quality page must not be measured on millions of them
		`update table3_facts as t
		set natural_person = p.natural_person, commercial = p.commercial, research = p.research, social_welfare = p.social_welfare,
			legal_services = p.legal_services, other_org = p.other_org, total = p.total
		from (
			select cur.report_id, f.natural_person, f.commercial, f.research, f.social_welfare, f.legal_services, f.other_org, f.total
			from bench_reports as cur
			join bench_reports as prev on prev.region_code = cur.region_code and prev.level = cur.level and prev.b = cur.b
				and prev.year = cur.year - 1
			join table3_facts as f on f.report_id = prev.report_id and f.row_key = 'carried_forward'
			where cur.i % 50 <> 7
		) as p
		where t.report_id = p.report_id and t.row_key = 'carried_over'`,
		`insert into table4_facts
		select r.report_id, g.group_key, hash(r.report_id, g.i, 1) % 3, hash(r.report_id, g.i, 2) % 2, hash(r.report_id, g.i, 3) % 2,
			hash(r.report_id, g.i, 4) % 2, hash(r.report_id, g.i, 5) % 8
		from bench_reports r
		cross join (values ('review', 1), ('litigation_direct', 2), ('litigation_after_review', 3)) g(group_key, i)`,
		`insert into table2_facts
		select r.report_id, m.item, m.measure, (hash(r.report_id, m.item, m.measure) % 50)::decimal(18,4), 'number'
		from bench_reports r
		join (values ` + t2 + `) m(format, item, measure)
			on m.format = case when r.year < 2021 then 'gb2019' else 'gb2021' end`,
		// every cell's provenance, report by report as an ingest writes it
		`insert into cells
		select report_id, 'table2', item, measure, 'number', value, 20 + row_number() over (partition by report_id), null, value::bigint::varchar
		from table2_facts`,
		`insert into cells
		select report_id, 'table3', row_key, col_key, 'number', value::decimal(18,4), 60 + hash(row_key) % 40, null, value::varchar
		from (unpivot table3_facts on ` + strings.Join(cols, ", ") + ` into name col_key value value)`,
		`insert into cells
		select report_id, 'table4', group_key, col_key, 'number', value::decimal(18,4), 110 + hash(group_key) % 5, null, value::varchar
		from (unpivot table4_facts on upheld, corrected, other, pending, total into name col_key value value)`,
		`insert into fees select report_id, 0, 'number', 150, null, '收取信息处理费0元' from bench_reports`,
		`insert into checks
		select report_id, 1, 'R1', 'error', 'table3', 'new_received', 'total', 10, 11, '表三第1列不平衡'
		from bench_reports where i % 97 = 0`,
		`insert into problems
		select report_id, 1, 'value', 'warning', 'table3', 'granted', 'total', 70, null, '1O', '表三“予以公开”总计列“1O”不是数字'
		from bench_reports where i % 50 = 0`,
		`drop table bench_reports`,
	}
}

// benchPage is one page of the benchmark.
type benchPage struct {
	name, path string
}

// BenchmarkPages measures the server time of every page on the national warehouse.
func BenchmarkPages(b *testing.B) {
	db := benchWarehouse(b)
	s, err := New(Options{DB: db, Threads: 2, NoWarmUp: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	get := func(path string) (int, string) {
		req := httptest.NewRequest("GET", path, nil)
		req.Host = "127.0.0.1"
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	// ids for the report pages, and a county, a body and a file name
	pick := func(q string) string {
		code, body := get("/api/sql?format=csv&q=" + url.QueryEscape(q))
		if code != 200 {
			b.Fatalf("%s: %d %s", q, code, body)
		}
		lines := strings.Split(strings.TrimSpace(body), "\n")
		if len(lines) < 2 {
			b.Fatalf("%s: nothing", q)
		}
		return lines[1]
	}
	start := time.Now()
	code, _ := get("/overview")
	b.Logf("first request (opens the warehouse, reads years and divisions): %s (%d)", time.Since(start).Round(time.Millisecond), code)
	report := pick(`select report_id from main.reports where check_count > 0 and level = 'county' order by report_id limit 1`)
	county := pick(`select region_code from main.reports where report_id = ` + report)
	province := county[:2]
	prefecture := county[:4]
	body := pick(`select body from main.reports where report_id = ` + report)
	for _, cold := range []string{"/search?q=jg", "/quality", "/coverage?region=" + province, "/overview?region=" + province + "&year=2024",
		"/compare?region=" + province + "&from=2023&to=2024&level=county"} {
		start := time.Now()
		get(cold)
		b.Logf("first %s (builds the per-version cache): %s", cold, time.Since(start).Round(time.Millisecond))
	}
	pages := []benchPage{
		{"overview/province", "/overview?region=" + province + "&year=2024"},
		{"overview/prefecture", "/overview?region=" + prefecture + "&year=2024"},
		{"divisions/province", "/divisions?region=" + province + "&year=2024"},
		{"divisions/province-counties", "/divisions?region=" + province + "&year=2024&list=counties&sort=requests_count&dir=desc"},
		{"divisions/prefecture", "/divisions?region=" + prefecture + "&year=2024"},
		{"divisions/county", "/divisions?region=" + county + "&year=2024"},
		{"divisions/csv", "/divisions?region=" + province + "&year=2024&list=counties&format=csv"},
		{"body", "/body?region=" + county + "&body=" + url.QueryEscape(body)},
		{"report", "/report/" + report},
		{"report/source", "/report/" + report + "/source?line=70"},
		{"coverage/province", "/coverage?region=" + province},
		{"coverage/prefecture", "/coverage?region=" + province + "&prefecture=" + prefecture},
		{"quality", "/quality"},
		{"quality/filtered", "/quality?rule=R1&level=county&year=2024&prefecture=" + prefecture},
		{"quality/problems", "/quality?kind=problems&year=2023"},
		{"compare/counties", "/compare?region=" + province + "&from=2023&to=2024&level=county"},
		{"compare/rate", "/compare?region=" + province + "&from=2023&to=2024&level=prefecture&measure=disclosure_rate"},
		{"search/chinese", "/search?q=" + url.QueryEscape("机关1")},
		{"search/pinyin", "/search?q=jg"},
		{"sql/page", "/sql?q=" + url.QueryEscape("select level, region_name, year, requests_count from analytics.region_years where level = 'province' order by all")},
		{"api/sql", "/api/sql?format=json&q=" + url.QueryEscape("select region_code, requests_count from analytics.region_years where level = 'prefecture' and year = 2024")},
	}
	for _, p := range pages {
		if code, body := get(p.path); code != http.StatusOK {
			b.Fatalf("%s: %d %.500s", p.path, code, body)
		}
	}
	if os.Getenv("XXGK_SERVE_TRACE") != "" {
		traceQuery = func(q string, d time.Duration) {
			b.Logf("%8.1f ms  %.160s", float64(d.Microseconds())/1000, strings.Join(strings.Fields(q), " "))
		}
		for _, p := range pages {
			start := time.Now()
			get(p.path)
			b.Logf("== %s %.1f ms", p.name, float64(time.Since(start).Microseconds())/1000)
		}
		traceQuery = nil
	}
	b.ResetTimer()
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if code, _ := get(p.path); code != http.StatusOK {
					b.Fatal(code)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/page")
		})
	}
}
