package serve

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"xxgk/pipeline/console"
	"xxgk/pipeline/store"
)

// The SQL page, its downloads and the API run analysts' text through the same guard as
// xxgk query (store.Session.Check and Run: DuckDB classifies each statement, only queries
// run) on the web session (external access off: no file but the warehouse can be read), with
// the time limit and row limit of the options.

// sqlResult is one statement's result on the page.
type sqlResult struct {
	SQL       string
	Columns   []string
	Numeric   []bool
	Rows      [][]sqlCell
	Count     int
	Truncated bool
	Elapsed   string
}

type sqlCell struct {
	Text string
	Null bool
}

type sqlBody struct {
	Query   string
	Error   string
	Results []sqlResult
	Views   []viewDoc
	MaxRows int
	Timeout string
	Total   string
}

// refused turns a refusal or a failure of an analyst's statement into a 400 with DuckDB's or
// the guard's reason.
func refused(err error) error {
	if err == nil {
		return nil
	}
	var he *httpError
	if errors.As(err, &he) {
		return err
	}
	msg := err.Error()
	if strings.Contains(msg, "disabled by configuration") || strings.Contains(msg, "enable_external_access") {
		msg = "拒绝：工作台不读取服务器上的文件 / refused: the web workbench reads no file on the server (external access is off). " + msg
	}
	return badRequest("%s", msg)
}

func (s *Server) sqlPage(q *req) error {
	views, err := q.viewDocs()
	if err != nil {
		return err
	}
	b := sqlBody{Query: q.URL.Query().Get("q"), Views: views, MaxRows: s.o.SQLMaxRows, Timeout: s.o.SQLTimeout.String()}
	if strings.TrimSpace(b.Query) == "" {
		b.Query = "select region_name, year, requests_count, disclosure_rate\nfrom analytics.region_years\nwhere level = 'province'\norder by year"
		s.render(q, "sql", "SQL", "sql", b)
		return nil
	}
	start := time.Now()
	res, err := s.runSQL(q, b.Query, s.o.SQLMaxRows, false)
	if err != nil {
		b.Error = err.Error()
		q.w.WriteHeader(http.StatusBadRequest)
		s.render(q, "sql", "SQL", "sql", b)
		return nil
	}
	for _, r := range res {
		sr := sqlResult{SQL: r.sql, Columns: r.rows.Columns, Count: len(r.rows.Rows), Truncated: r.rows.Truncated, Elapsed: fmtDuration(r.elapsed)}
		for i := range r.rows.Columns {
			sr.Numeric = append(sr.Numeric, r.rows.ColumnTypes[i] != nil && r.rows.ColumnTypes[i].Kind.Numeric())
		}
		for _, row := range r.rows.Rows {
			cells := make([]sqlCell, len(row))
			for j, v := range row {
				cells[j] = sqlCell{Text: console.Text(v, r.rows.ColumnTypes[j], "NULL"), Null: v == nil}
			}
			sr.Rows = append(sr.Rows, cells)
		}
		b.Results = append(b.Results, sr)
	}
	b.Total = fmtDuration(time.Since(start))
	s.render(q, "sql", "SQL", "sql", b)
	return nil
}

func fmtDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 2, 64) + " ms"
	case d < 10*time.Second:
		return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) + " ms"
	}
	return d.Round(100 * time.Millisecond).String()
}

type ranStatement struct {
	sql     string
	rows    *store.Rows
	elapsed time.Duration
}

// runSQL checks the text and runs its statements (one only when single is set), each within
// the time limit and keeping maxRows rows.
func (s *Server) runSQL(q *req, text string, maxRows int, single bool) ([]ranStatement, error) {
	ss := q.session()
	stmts, err := ss.Check(q.ctx(), text)
	if err != nil {
		return nil, refused(err)
	}
	if len(stmts) == 0 {
		return nil, badRequest("%s", console.ErrNoStatement.Error())
	}
	if single && len(stmts) > 1 {
		return nil, badRequest("下载和 API 只接受一条语句，这里有 %d 条 / downloads and the API take one statement; the SQL has %d", len(stmts), len(stmts))
	}
	var out []ranStatement
	for i, st := range stmts {
		start := time.Now()
		rows, err := ss.Run(q.ctx(), st, store.Limits{Timeout: s.o.SQLTimeout, MaxRows: maxRows})
		if err != nil {
			if len(stmts) > 1 {
				err = fmt.Errorf("第%d条语句 / statement %d: %w", i+1, i+1, err)
			}
			return nil, refused(err)
		}
		out = append(out, ranStatement{sql: st.SQL(), rows: rows, elapsed: time.Since(start)})
	}
	return out, nil
}

// exportSQL runs one statement for a download or the API: the whole result up to limit rows;
// a larger result is refused rather than cut (a file must not silently miss rows).
func (s *Server) exportSQL(q *req, limit int) (*store.Rows, time.Duration, error) {
	text := q.URL.Query().Get("q")
	if strings.TrimSpace(text) == "" {
		return nil, 0, badRequest("缺少参数 q（SQL）/ missing parameter q (the SQL)")
	}
	res, err := s.runSQL(q, text, limit, true)
	if err != nil {
		return nil, 0, err
	}
	r := res[0]
	if r.rows.Truncated {
		return nil, 0, errorf(http.StatusRequestEntityTooLarge, "结果超过 %d 行的上限，未输出；请加 LIMIT 或条件，或用 xxgk query / the result has more than %d rows and was not written: add a LIMIT or a condition, or use xxgk query", limit, limit)
	}
	return r.rows, r.elapsed, nil
}

// sqlDownload writes one statement's result as CSV or Parquet.
func (s *Server) sqlDownload(q *req) error {
	format, err := oneOf(q, "format", "csv", "csv", "parquet")
	if err != nil {
		return err
	}
	rows, elapsed, err := s.exportSQL(q, s.o.DownloadMaxRows)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	switch format {
	case "csv":
		buf.WriteString("\ufeff") // Excel on Windows reads UTF-8 with a BOM
		if err := console.Write(&buf, rows, console.CSV, console.PrintOptions{}); err != nil {
			return err
		}
		q.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	case "parquet":
		if err := writeParquet(&buf, rows); err != nil {
			return err
		}
		q.w.Header().Set("Content-Type", "application/vnd.apache.parquet")
	}
	q.w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="xxgk-query.%s"`, format))
	q.w.Header().Set("X-Xxgk-Rows", strconv.Itoa(len(rows.Rows)))
	q.w.Header().Set("X-Xxgk-Query-Time", elapsed.String())
	_, err = q.w.Write(buf.Bytes())
	return err
}

// apiSQL is GET /api/sql?q=<SQL>&format=csv|json: one statement's rows, or 400 with the reason
// as the body when it is refused or fails.
func (s *Server) apiSQL(q *req) error {
	format, err := oneOf(q, "format", "json", "csv", "json")
	if err != nil {
		return err
	}
	rows, elapsed, err := s.exportSQL(q, s.o.SQLMaxRows)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	f := console.JSON
	q.w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if format == "csv" {
		f = console.CSV
		q.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	}
	if err := console.Write(&buf, rows, f, console.PrintOptions{}); err != nil {
		return err
	}
	q.w.Header().Set("X-Xxgk-Rows", strconv.Itoa(len(rows.Rows)))
	q.w.Header().Set("X-Xxgk-Query-Time", elapsed.String())
	q.w.Header().Set("X-Xxgk-Version", q.l.g.version.Token)
	_, err = q.w.Write(buf.Bytes())
	return err
}
