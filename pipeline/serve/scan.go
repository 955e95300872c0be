package serve

import (
	"context"
	"fmt"
	"time"

	"xxgk/pipeline/store"
)

// The server's own reads are typed (store.ScanAll): each query scans into a struct whose
// fields name their columns, checked both ways when the query runs, and — through the struct's
// view or query tag — against the views' sidecars by a test in package queries. Counts are
// int64, table values schemas.Dec, rates float64; a nullable column is a pointer field.

// scan runs one of this package's queries (never an analyst's text) and reads every row into
// a T.
func scan[T any](ctx context.Context, s *store.Session, q string, args ...any) ([]T, error) {
	start := time.Now()
	rows, err := s.Query(ctx, q, args...)
	if traceQuery != nil {
		traceQuery(q, time.Since(start))
	}
	if err != nil {
		return nil, err
	}
	return store.ScanAll[T](rows)
}

// traceQuery, when set (benchmarks), is told each query's time.
var traceQuery func(q string, d time.Duration)

// scanOne is scan for a query that returns at most one row; ok is false for none.
func scanOne[T any](ctx context.Context, s *store.Session, q string, args ...any) (T, bool, error) {
	var zero T
	out, err := scan[T](ctx, s, q, args...)
	if err != nil || len(out) == 0 {
		return zero, false, err
	}
	if len(out) > 1 {
		return zero, false, fmt.Errorf("serve: %d rows where one was expected", len(out))
	}
	return out[0], true, nil
}
