package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Ack is an acknowledged problem: a row of ops.acknowledgements (migration 0005). ProblemKey
// names the problem (analytics.problems and pipeline/run build it); the other fields describe
// it for the people who read the list.
type Ack struct {
	ID         int64
	ProblemKey string
	ProblemID  string
	Kind       string // violation, incomplete, failed, test
	SHA256     string // "" for a data test or a file that could not be hashed
	Path       string
	Code       string
	Cell       string
	Note       string
	By         string
	At         time.Time
}

// ErrAcknowledged is returned by Acknowledge for a problem that is acknowledged already.
var ErrAcknowledged = errors.New("该问题已核实 / already acknowledged")

// ErrNoAck is returned by Unacknowledge for an id that is not in ops.acknowledgements.
var ErrNoAck = errors.New("没有该核实记录 / no such acknowledgement")

// Acknowledge records acks in the warehouse at opts.Path the way every write is made: a
// working copy with the rows added, CHECKPOINTed and renamed over the published file
// (Refresh), so analysts' read-only sessions are never blocked and a failure leaves the
// published file as it was. Ids are assigned in order after the highest one stored; At is
// set to now when zero. A problem already acknowledged is refused (ErrAcknowledged, naming
// its ack): nothing is written. The caller holds the run lock (pipeline/run.Acknowledge).
func Acknowledge(ctx context.Context, opts Options, acks []Ack) (out []Ack, err error) {
	if len(acks) == 0 {
		return nil, nil
	}
	now := time.Now().UTC()
	err = Refresh(ctx, opts, func(ctx context.Context, conn *sql.Conn) error {
		return inTx(ctx, conn, func() error {
			var next int64
			if err := conn.QueryRowContext(ctx, `select coalesce(max(ack_id), 0) + 1 from ops.acknowledgements`).Scan(&next); err != nil {
				return fmt.Errorf("store: acknowledge: %w", err)
			}
			for _, a := range acks {
				if a.ProblemKey == "" || a.ProblemID == "" || a.Kind == "" || a.Code == "" {
					return fmt.Errorf("store: acknowledge: problem key, id, kind and code are required (%q)", a.ProblemKey)
				}
				if strings.TrimSpace(a.Note) == "" || strings.TrimSpace(a.By) == "" {
					return fmt.Errorf("store: acknowledge %s: a note and who are required", a.ProblemID)
				}
				var have int64
				err := conn.QueryRowContext(ctx, `select ack_id from ops.acknowledgements where problem_key = ?`, a.ProblemKey).Scan(&have)
				if err == nil {
					return fmt.Errorf("%w: %s (核实编号 ack %d)", ErrAcknowledged, a.ProblemID, have)
				}
				if !errors.Is(err, sql.ErrNoRows) {
					return fmt.Errorf("store: acknowledge %s: %w", a.ProblemID, err)
				}
				a.ID = next
				next++
				if a.At.IsZero() {
					a.At = now
				}
				_, err = conn.ExecContext(ctx, `insert into ops.acknowledgements (ack_id, problem_key, problem_id, kind, sha256, path, code,
					cell, note, acknowledged_by, acknowledged_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
					a.ID, a.ProblemKey, a.ProblemID, a.Kind, nullable(a.SHA256), nullable(a.Path), a.Code, nullable(a.Cell),
					a.Note, a.By, a.At)
				if err != nil {
					return fmt.Errorf("store: acknowledge %s: %w", a.ProblemID, err)
				}
				out = append(out, a)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Unacknowledge removes the acknowledgements with the given ids (published as Acknowledge
// publishes) and returns them. An id that is not stored is refused (ErrNoAck): nothing is
// written. The problems they acknowledged make a run partial again.
func Unacknowledge(ctx context.Context, opts Options, ids []int64) (out []Ack, err error) {
	if len(ids) == 0 {
		return nil, nil
	}
	err = Refresh(ctx, opts, func(ctx context.Context, conn *sql.Conn) error {
		return inTx(ctx, conn, func() error {
			all, err := Acknowledgements(ctx, conn)
			if err != nil {
				return err
			}
			byID := map[int64]Ack{}
			for _, a := range all {
				byID[a.ID] = a
			}
			for _, id := range ids {
				a, ok := byID[id]
				if !ok {
					return fmt.Errorf("%w: %d", ErrNoAck, id)
				}
				if _, err := conn.ExecContext(ctx, `delete from ops.acknowledgements where ack_id = ?`, id); err != nil {
					return fmt.Errorf("store: remove acknowledgement %d: %w", id, err)
				}
				delete(byID, id)
				out = append(out, a)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Rower is what the typed reads need: *sql.DB, *sql.Conn, *sql.Tx or a Session.
type Rower interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Acknowledgements reads every acknowledgement, by id. A warehouse migrated before 0005 has
// none (the table is missing: an empty list).
func Acknowledgements(ctx context.Context, q Rower) (_ []Ack, err error) {
	rows, err := q.QueryContext(ctx, `select count(*) from duckdb_tables() where database_name = current_database()
		and schema_name = 'ops' and table_name = 'acknowledgements'`)
	if err != nil {
		return nil, fmt.Errorf("store: read acknowledgements: %w", err)
	}
	var n int
	if rows.Next() {
		err = rows.Scan(&n)
	}
	if err := errors.Join(err, rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("store: read acknowledgements: %w", err)
	}
	out := []Ack{}
	if n == 0 {
		return out, nil
	}
	rows, err = q.QueryContext(ctx, `select ack_id, problem_key, problem_id, kind, coalesce(sha256, ''), coalesce(path, ''), code,
		coalesce(cell, ''), note, acknowledged_by, acknowledged_at from ops.acknowledgements order by ack_id`)
	if err != nil {
		return nil, fmt.Errorf("store: read acknowledgements: %w", err)
	}
	defer func() {
		if cerr := rows.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("store: read acknowledgements: %w", cerr))
		}
	}()
	for rows.Next() {
		var a Ack
		if err := rows.Scan(&a.ID, &a.ProblemKey, &a.ProblemID, &a.Kind, &a.SHA256, &a.Path, &a.Code, &a.Cell, &a.Note, &a.By, &a.At); err != nil {
			return nil, fmt.Errorf("store: read acknowledgements: %w", err)
		}
		a.At = a.At.UTC()
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read acknowledgements: %w", err)
	}
	return out, nil
}

// inTx runs fn in a transaction on conn: committed when fn succeeds, rolled back otherwise.
func inTx(ctx context.Context, conn *sql.Conn, fn func() error) (err error) {
	if _, err := conn.ExecContext(ctx, `begin transaction`); err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer func() {
		if err != nil {
			if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), `rollback`); rerr != nil {
				err = errors.Join(err, fmt.Errorf("store: rollback: %w", rerr))
			}
		}
	}()
	if err := fn(); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `commit`); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
