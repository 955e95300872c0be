package run

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"xxgk/pipeline/store"
)

// Acknowledging a problem (xxgk ack) records that a person reviewed it: it stays listed (xxgk
// checks, analytics.problems, the exports' 数据质量, marked as reviewed with the note and who)
// but no longer makes a run partial. Acknowledgements live in ops.acknowledgements, which every
// ingest copies into the new warehouse version, so they survive re-ingests and publishes; they
// are written like everything else, into a working copy published atomically, under the run
// lock (no run or ingest is between its stages meanwhile).

// ProblemFilter selects problems to acknowledge at once (every field optional; all given must
// match).
type ProblemFilter struct {
	Kind   string // violation, incomplete, failed, test
	Code   string // a rule (R1 … R8), a problem code (value, row_missing …), a reason or a data test
	Region string // division code prefix
	Year   int
	File   string // a path, or a SHA-256 (or a prefix of at least 8 hex digits)
}

// Empty reports whether no field is set.
func (f ProblemFilter) Empty() bool { return f == ProblemFilter{} }

// AckOptions say what Acknowledge records.
type AckOptions struct {
	Warehouse string
	// IDs are problem ids (v3f9a2c41b7 …) as xxgk checks, xxgk checks --problems and the run's
	// record show them; a unique prefix of at least 4 characters is enough.
	IDs []string
	// Filter, when there are no IDs, selects every current unacknowledged problem matching it:
	// those of analytics.problems read from the files as they are now, and the failing data
	// tests and unreadable files the last run saw.
	Filter      ProblemFilter
	Note, By    string
	MemoryLimit string
	Threads     int
}

// Acknowledge records the problems named by o (see AckOptions) as acknowledged, under the run
// lock, and returns what it recorded. A name that matches no problem or several, a problem
// acknowledged already, an empty note: an error, and nothing is written. A *BusyError when a
// run or an ingest holds the warehouse.
func Acknowledge(ctx context.Context, o AckOptions) ([]store.Ack, error) {
	if strings.TrimSpace(o.Note) == "" {
		return nil, errors.New("ack: a note is required (--note): what was checked, and why the problem stands")
	}
	if strings.TrimSpace(o.By) == "" {
		return nil, errors.New("ack: who acknowledges is required (--by)")
	}
	if len(o.IDs) == 0 && o.Filter.Empty() {
		return nil, errors.New("ack: name the problems: their ids, or a filter (--kind, --rule, --region, --year, --file)")
	}
	lock, err := AcquireAs(LockPath(o.Warehouse), "xxgk ack")
	if err != nil {
		return nil, err
	}
	defer func() { _ = lock.Release() }()
	cands, err := candidates(ctx, o.Warehouse)
	if err != nil {
		return nil, err
	}
	var chosen []Problem
	if len(o.IDs) > 0 {
		chosen, err = resolve(cands, o.IDs)
	} else {
		chosen = matching(cands, o.Filter)
		if len(chosen) == 0 {
			err = errors.New("ack: no unacknowledged current problem matches the filter")
		}
	}
	if err != nil {
		return nil, err
	}
	acks := make([]store.Ack, 0, len(chosen))
	for _, q := range chosen {
		a := store.Ack{ProblemKey: q.Key, ProblemID: q.ID, Kind: q.Kind, Path: q.Path, Code: q.Code, Cell: q.Cell,
			Note: strings.TrimSpace(o.Note), By: strings.TrimSpace(o.By)}
		if q.Kind != KindTest {
			a.SHA256 = q.SHA256
		}
		acks = append(acks, a)
	}
	out, err := store.Acknowledge(ctx, store.Options{Path: o.Warehouse, MemoryLimit: o.MemoryLimit, Threads: o.Threads}, acks)
	if errors.Is(err, store.ErrLocked) {
		return nil, errors.Join(holder(o.Warehouse+".lock", "xxgk ingest"), err)
	}
	return out, err
}

// Unacknowledge removes acknowledgements by id under the run lock: their problems make runs
// partial again. An unknown id is an error and nothing is written.
func Unacknowledge(ctx context.Context, warehouse string, ids []int64) ([]store.Ack, error) {
	lock, err := AcquireAs(LockPath(warehouse), "xxgk ack --remove")
	if err != nil {
		return nil, err
	}
	defer func() { _ = lock.Release() }()
	out, err := store.Unacknowledge(ctx, store.Options{Path: warehouse}, ids)
	if errors.Is(err, store.ErrLocked) {
		return nil, errors.Join(holder(warehouse+".lock", "xxgk ingest"), err)
	}
	return out, err
}

// Acknowledgements lists the acknowledgements of the published warehouse (read-only).
func Acknowledgements(ctx context.Context, warehouse string) (acks []store.Ack, err error) {
	s, err := store.OpenSession(ctx, warehouse, store.SessionOptions{})
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, s.Close()) }()
	return store.Acknowledgements(ctx, s)
}

// candidate is a problem that can be acknowledged, with whether it is current.
type candidate struct {
	Problem
	current bool // read from a file as it is now (latest_reading), or seen by the last assessed run
}

// candidates reads every problem the published warehouse knows: analytics.problems and
// ops.problem_sightings (data tests, unreadable files), one per key.
func candidates(ctx context.Context, warehouse string) (out []candidate, err error) {
	s, err := store.OpenSession(ctx, warehouse, store.SessionOptions{})
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, s.Close()) }()
	var views int
	if err := s.QueryRowContext(ctx, `select count(*) from duckdb_views() where database_name = current_database()
		and schema_name = 'analytics' and view_name = 'problems'`).Scan(&views); err != nil {
		return nil, fmt.Errorf("ack: %w", err)
	}
	if views == 0 {
		return nil, fmt.Errorf("ack: the warehouse %s has no analytics.problems view (built by an older xxgk): run `xxgk views --refresh --db %s`", warehouse, warehouse)
	}
	seen := map[string]int{}
	add := func(c candidate) {
		if i, ok := seen[c.Key]; ok {
			out[i].current = out[i].current || c.current
			return
		}
		seen[c.Key] = len(out)
		out = append(out, c)
	}
	rows, err := s.QueryContext(ctx, `select problem_key, problem_id, kind, code, path, coalesce(sha256, ''), coalesce(body, ''),
		coalesce(region_code, ''), coalesce(year, 0), coalesce(cell, ''), message, acknowledged, coalesce(ack_id, 0), latest_reading
		from analytics.problems order by latest_reading desc, problem_key, path`)
	if err != nil {
		return nil, fmt.Errorf("ack: read the problems: %w", err)
	}
	for rows.Next() {
		var c candidate
		if err := rows.Scan(&c.Key, &c.ID, &c.Kind, &c.Code, &c.Path, &c.SHA256, &c.Body, &c.Region, &c.Year, &c.Cell, &c.Message,
			&c.Acknowledged, &c.AckID, &c.current); err != nil {
			return nil, errors.Join(fmt.Errorf("ack: read the problems: %w", err), rows.Close())
		}
		add(c)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("ack: read the problems: %w", err)
	}
	acks, err := store.Acknowledgements(ctx, s)
	if err != nil {
		return nil, err
	}
	acked := map[string]int64{}
	for _, a := range acks {
		acked[a.ProblemKey] = a.ID
	}
	var last sql.NullInt64
	if err := s.QueryRowContext(ctx, `select max(run_id) from ops.runs where problem_count is not null`).Scan(&last); err != nil {
		return nil, fmt.Errorf("ack: %w", err)
	}
	rows, err = s.QueryContext(ctx, `select problem_key, problem_id, kind, code, coalesce(path, ''), coalesce(body, ''),
		coalesce(region_code, ''), coalesce(year, 0), message, last_run_id = ? from ops.problem_sightings order by problem_key`, last.Int64)
	if err != nil {
		return nil, fmt.Errorf("ack: read the problems runs saw: %w", err)
	}
	for rows.Next() {
		var c candidate
		if err := rows.Scan(&c.Key, &c.ID, &c.Kind, &c.Code, &c.Path, &c.Body, &c.Region, &c.Year, &c.Message, &c.current); err != nil {
			return nil, errors.Join(fmt.Errorf("ack: read the problems runs saw: %w", err), rows.Close())
		}
		c.SHA256 = keySHA(c.Key)
		c.AckID, c.Acknowledged = acked[c.Key], acked[c.Key] > 0
		// only what analytics.problems cannot show is current by the last run's sighting
		c.current = c.current && (c.Kind == KindTest || c.SHA256 == "")
		add(c)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("ack: read the problems runs saw: %w", err)
	}
	return out, nil
}

// keySHA returns the file SHA-256 named by a file problem's key ("" for a data test or a file
// named by its path).
func keySHA(key string) string {
	parts := strings.Split(key, "|")
	if len(parts) < 3 || parts[0] == KindTest || strings.HasPrefix(parts[1], "path:") {
		return ""
	}
	return parts[1]
}

// resolve finds the problem of each id (exact, else a unique prefix of at least 4 characters).
func resolve(cands []candidate, ids []string) ([]Problem, error) {
	var out []Problem
	taken := map[string]bool{}
	for _, id := range ids {
		id = strings.TrimSpace(id)
		var match []candidate
		for _, c := range cands {
			if c.ID == id {
				match = []candidate{c}
				break
			}
			if len(id) >= 4 && strings.HasPrefix(c.ID, id) {
				match = append(match, c)
			}
		}
		switch {
		case len(match) == 0:
			return nil, fmt.Errorf("ack: no problem %q (xxgk checks --problems lists the current ones with their ids)", id)
		case len(match) > 1:
			var names []string
			for _, m := range match {
				names = append(names, m.ID)
			}
			sort.Strings(names)
			return nil, fmt.Errorf("ack: %q names several problems: %s", id, strings.Join(names, ", "))
		case match[0].Acknowledged:
			return nil, fmt.Errorf("%w: %s (核实编号 ack %d)", store.ErrAcknowledged, match[0].ID, match[0].AckID)
		}
		if !taken[match[0].Key] {
			taken[match[0].Key] = true
			out = append(out, match[0].Problem)
		}
	}
	return out, nil
}

// matching returns the current unacknowledged problems the filter selects.
func matching(cands []candidate, f ProblemFilter) []Problem {
	var out []Problem
	for _, c := range cands {
		if !c.current || c.Acknowledged {
			continue
		}
		if f.Kind != "" && c.Kind != f.Kind || f.Code != "" && !strings.EqualFold(c.Code, f.Code) && !strings.Contains(","+c.Code+",", ","+f.Code+",") ||
			f.Region != "" && !strings.HasPrefix(c.Region, f.Region) || f.Year != 0 && c.Year != f.Year {
			continue
		}
		if f.File != "" && c.Path != f.File && !(len(f.File) >= 8 && c.SHA256 != "" && strings.HasPrefix(c.SHA256, strings.ToLower(f.File))) {
			continue
		}
		out = append(out, c.Problem)
	}
	return out
}
