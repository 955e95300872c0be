package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"xxgk/schemas"
)

// Queryer is what Fingerprint needs (*sql.DB, *sql.Conn, *sql.Tx).
type Queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Fingerprint is a table's row count and an order-independent checksum of its content.
type Fingerprint struct {
	Rows int64
	Sum  string
}

// TableFingerprint returns the fingerprint of a warehouse table, leaving out the columns in
// exclude (e.g. run ids when comparing two warehouses built by different runs).
func TableFingerprint(ctx context.Context, q Queryer, table string, exclude ...string) (Fingerprint, error) {
	spec := schemas.WarehouseSpec(table)
	if spec == nil {
		return Fingerprint{}, fmt.Errorf("store: no warehouse table %s", table)
	}
	skip := map[string]bool{}
	for _, e := range exclude {
		skip[e] = true
	}
	var cols []string
	for _, c := range spec.Columns {
		if !skip[c.Name] {
			cols = append(cols, c.Name)
		}
	}
	var fp Fingerprint
	var sum *string
	qs := fmt.Sprintf(`select count(*), sum(hash(%s))::varchar from %s`, strings.Join(cols, ", "), table)
	if err := q.QueryRowContext(ctx, qs).Scan(&fp.Rows, &sum); err != nil {
		return fp, fmt.Errorf("store: fingerprint %s: %w", table, err)
	}
	if sum != nil {
		fp.Sum = *sum
	}
	return fp, nil
}

// Fingerprints returns the fingerprint of every warehouse table.
func Fingerprints(ctx context.Context, q Queryer, exclude ...string) (map[string]Fingerprint, error) {
	out := map[string]Fingerprint{}
	for _, t := range schemas.Warehouse {
		fp, err := TableFingerprint(ctx, q, t.Name, exclude...)
		if err != nil {
			return nil, err
		}
		out[t.Name] = fp
	}
	return out, nil
}
