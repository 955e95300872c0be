package run

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"xxgk/pipeline"
	"xxgk/pipeline/rollup"
	"xxgk/pipeline/store"
)

// Problem is something a run found that a person should review: an input that could not be
// read as a report (failed), one read incompletely (incomplete), a rule violation of a report
// of record in the run's region and years (violation), or a failing data test (test). Key
// names it for acknowledgements (see migration 0005): the file's SHA-256 and what is wrong
// with it, so the same bytes under another path are the same problem and corrected bytes are a
// new one. ID is its short form, what xxgk ack takes.
type Problem struct {
	Key          string `json:"problem_key"`
	ID           string `json:"problem_id"`
	Kind         string `json:"kind"`
	Code         string `json:"code"`
	Path         string `json:"path,omitempty"`
	SHA256       string `json:"sha256,omitempty"`
	Body         string `json:"body,omitempty"`
	Region       string `json:"region_code,omitempty"`
	Year         int    `json:"year,omitempty"`
	Cell         string `json:"cell,omitempty"`
	Message      string `json:"message"`
	Acknowledged bool   `json:"acknowledged"`
	AckID        int64  `json:"ack_id,omitempty"`
}

// Problem kinds.
const (
	KindViolation  = "violation"
	KindIncomplete = "incomplete"
	KindFailed     = "failed"
	KindTest       = "test"
)

// problemID is the short id of a problem key: the kind's initial and 10 hex digits of the
// key's SHA-256 (analytics.problems computes the same in SQL; a test checks they agree).
func problemID(kind, key string) string {
	s := sha256.Sum256([]byte(key))
	return kind[:1] + hex.EncodeToString(s[:])[:10]
}

// fileKey is the key of a file problem, as analytics.problems builds it.
func fileKey(kind, sha, path, code string) string {
	who := sha
	if who == "" {
		who = "path:" + path
	}
	return kind + "|" + who + "|" + code
}

// String is one line naming the problem: id, kind, code, file, body.
func (p Problem) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s", p.ID, p.Kind, p.Code)
	if p.Cell != "" {
		b.WriteString(" " + p.Cell)
	}
	if p.Path != "" {
		b.WriteString(" " + p.Path)
	}
	if p.Body != "" {
		b.WriteString(" " + p.Body)
	}
	return b.String()
}

// problems gathers what the run found: the failed and incomplete inputs of this scan, the rule
// violations of the reports of record in scope and the failing data tests (fails; nil when
// the tests were not rerun: the last run's are reused from ops.problem_sightings), marks the
// acknowledged ones, and compares them with the previous assessed run's.
func (r *runner) problems(ctx context.Context, rd *reader, p *plan, fails []rollup.Failure, reuseTests bool) error {
	rec := r.rec
	var out []Problem
	// files: what analytics.problems says of each (path, content) this scan read
	files := map[pair][]Problem{}
	err := scan(ctx, rd, func(rows *sql.Rows) error {
		var q Problem
		var sha, body, region sql.NullString
		var year sql.NullInt64
		if err := rows.Scan(&q.Key, &q.ID, &q.Kind, &q.Code, &q.Path, &sha, &body, &region, &year, &q.Message); err != nil {
			return err
		}
		q.SHA256, q.Body, q.Region, q.Year = sha.String, body.String, region.String, int(year.Int64)
		k := pair{q.Path, q.SHA256}
		files[k] = append(files[k], q)
		return nil
	}, `select problem_key, problem_id, kind, code, path, sha256, body, region_code, year, message
		from analytics.problems where kind in ('failed', 'incomplete') order by problem_key`)
	if err != nil {
		return fmt.Errorf("run: problems: %w", err)
	}
	for _, f := range r.flagged {
		if qs := files[pair{f.Key, f.sha}]; len(qs) > 0 {
			out = append(out, qs...)
			continue
		}
		// not in the warehouse: unreadable at this scan (not a regular file, too large, too slow)
		kind, code := KindFailed, "无法读取文件（unreadable）"
		var ie *pipeline.InputError
		switch {
		case errors.As(f.err, &ie):
			code = ie.Reason.Error()
		case f.err == nil:
			code = "未入库（not stored）"
		}
		key := fileKey(kind, f.sha, f.Key, code)
		out = append(out, Problem{Key: key, ID: problemID(kind, key), Kind: kind, Code: code, Path: f.Key, SHA256: f.sha,
			Message: readable(f.err)})
	}
	// rule violations of the reports of record in scope, once per problem and file
	err = scan(ctx, rd, func(rows *sql.Rows) error {
		var q Problem
		var body sql.NullString
		if err := rows.Scan(&q.Key, &q.ID, &q.Code, &q.Path, &q.SHA256, &body, &q.Region, &q.Year, &q.Cell, &q.Message); err != nil {
			return err
		}
		q.Kind, q.Body = KindViolation, body.String
		out = append(out, q)
		return nil
	}, `select problem_key, problem_id, rule, source_path, sha256, body, region_code, year,
			coalesce(table_name, '') || '.' || coalesce(row_key, '') || '.' || coalesce(col_key, ''), message
		from analytics.rule_violations where `+inScope(p, "region_code", "year")+`
		qualify row_number() over (partition by problem_key, source_path order by source, seq) = 1
		order by region_code, year, body, rule, seq`)
	if err != nil {
		return fmt.Errorf("run: problems: %w", err)
	}
	// failing data tests
	if reuseTests {
		err = scan(ctx, rd, func(rows *sql.Rows) error {
			q := Problem{Kind: KindTest}
			if err := rows.Scan(&q.Key, &q.ID, &q.Code, &q.Message); err != nil {
				return err
			}
			out = append(out, q)
			return nil
		}, `select problem_key, problem_id, code, message from ops.problem_sightings where kind = 'test' and last_run_id = ?
			order by problem_key`, r.st.last.ID)
		if err != nil {
			return fmt.Errorf("run: problems: %w", err)
		}
	}
	for _, f := range fails {
		digest, err := rowsDigest(ctx, rd, f.SQL)
		if err != nil {
			return fmt.Errorf("run: problems: data test %s %s: %w", f.Model, f.Test, err)
		}
		code := f.Model + " " + f.Test
		key := KindTest + "|" + f.Model + "|" + f.Test + "|" + digest
		out = append(out, Problem{Key: key, ID: problemID(KindTest, key), Kind: KindTest, Code: code,
			Message: fmt.Sprintf("数据测试未通过：%d 行 / data test failed: %d rows", f.Rows, f.Rows)})
	}
	// one entry per key (the same bytes under two paths are one problem)
	seen := map[string]bool{}
	uniq := out[:0]
	for _, q := range out {
		if !seen[q.Key] {
			seen[q.Key] = true
			uniq = append(uniq, q)
		}
	}
	out = uniq

	acks, err := store.Acknowledgements(ctx, rd)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	byKey := map[string]int64{}
	for _, a := range acks {
		byKey[a.ProblemKey] = a.ID
	}
	rec.AcksSHA256 = acksDigest(acks)
	for i := range out {
		if id, ok := byKey[out[i].Key]; ok {
			out[i].Acknowledged, out[i].AckID = true, id
			rec.Acknowledged++
		}
	}
	rec.ProblemList = out
	rec.ProblemCount = len(out)

	// what is new since the previous run that assessed its problems
	prev, err := previousSightings(ctx, rd)
	if err != nil {
		return fmt.Errorf("run: problems: %w", err)
	}
	rec.NewProblems = nil
	rec.NewCount, rec.ResolvedCount = 0, 0
	for _, q := range out {
		if !prev[q.Key] {
			rec.NewCount++
			rec.NewProblems = append(rec.NewProblems, q)
		}
	}
	for k := range prev {
		if !seen[k] {
			rec.ResolvedCount++
		}
	}
	return nil
}

// previousSightings returns the keys of the problems the last assessed run saw (none before
// the first one).
func previousSightings(ctx context.Context, rd *reader) (map[string]bool, error) {
	out := map[string]bool{}
	var last sql.NullInt64
	rows, err := rd.QueryContext(ctx, `select max(run_id) from ops.runs where problem_count is not null`)
	if err != nil {
		return nil, err
	}
	if rows.Next() {
		err = rows.Scan(&last)
	}
	if err := errors.Join(err, rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	if !last.Valid {
		return out, nil
	}
	err = scan(ctx, rd, func(rows *sql.Rows) error {
		var k string
		if err := rows.Scan(&k); err != nil {
			return err
		}
		out[k] = true
		return nil
	}, `select problem_key from ops.problem_sightings where last_run_id = ?`, last.Int64)
	return out, err
}

// rowsDigest is the SHA-256 of the rows a data test returns, in a fixed order: a test failing
// on other rows is another problem.
func rowsDigest(ctx context.Context, rd *reader, q string) (string, error) {
	rows, err := rd.QueryContext(ctx, `select coalesce(sha256(string_agg(x, chr(10) order by x)), '') from (select t::varchar as x from (`+q+`) as t)`)
	if err != nil {
		return "", err
	}
	var d string
	if rows.Next() {
		err = rows.Scan(&d)
	}
	if err := errors.Join(err, rows.Err(), rows.Close()); err != nil {
		return "", err
	}
	return d, nil
}

// acksDigest is the SHA-256 of the acknowledgements (ids, keys, notes, who and when); "" when
// there are none. The outputs show them, so a change regenerates them.
func acksDigest(acks []store.Ack) string {
	if len(acks) == 0 {
		return ""
	}
	h := sha256.New()
	for _, a := range acks {
		fmt.Fprintf(h, "%d\x1f%s\x1f%s\x1f%s\x1f%s\n", a.ID, a.ProblemKey, a.Note, a.By, a.At.UTC().Format("2006-01-02T15:04:05.000000Z"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// logProblems logs the counts and the first new problems, and notes the unacknowledged ones.
func (r *runner) logProblems() {
	rec := r.rec
	r.log.Info("problems", "problems", rec.ProblemCount, "acknowledged", rec.Acknowledged,
		"unacknowledged", rec.ProblemCount-rec.Acknowledged, "new", rec.NewCount, "resolved", rec.ResolvedCount)
	for i, q := range rec.NewProblems {
		if i == newShown {
			r.log.Warn("new problems not shown", "count", len(rec.NewProblems)-newShown)
			break
		}
		r.log.Warn("new problem", "problem_id", q.ID, "kind", q.Kind, "code", q.Code, "cell", q.Cell, "path", q.Path,
			"body", q.Body, "region", q.Region, "year", q.Year, "acknowledged", q.Acknowledged, "message", q.Message)
	}
}

// newShown is how many new problems the log and the record name (the counts are complete).
const newShown = 10

// newProblemsText is the record's new_problems column: the first new problems, one per line.
func newProblemsText(ps []Problem) string {
	var lines []string
	for i, q := range ps {
		if i == newShown {
			lines = append(lines, "… "+strconv.Itoa(len(ps)-newShown)+" more")
			break
		}
		lines = append(lines, q.String())
	}
	return strings.Join(lines, "\n")
}

// Unacknowledged returns the problems of the record that are not acknowledged, in order.
func (r *Record) Unacknowledged() []Problem {
	var out []Problem
	for _, q := range r.ProblemList {
		if !q.Acknowledged {
			out = append(out, q)
		}
	}
	return out
}

// scan runs q on the reader's session and calls each for every row.
func scan(ctx context.Context, rd *reader, each func(*sql.Rows) error, q string, args ...any) error {
	rows, err := rd.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		if err := each(rows); err != nil {
			return errors.Join(err, rows.Close())
		}
	}
	return errors.Join(rows.Err(), rows.Close())
}
