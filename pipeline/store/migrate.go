package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"xxgk/schemas"
)

// migrate applies the embedded migrations (schemas.Migrations) that the file has not seen, each
// in its own transaction, recording them in schema_migrations. A migration already applied
// whose text changed is an error: released migrations are never edited.
func migrate(ctx context.Context, conn *sql.Conn) error {
	ms, err := schemas.Migrations()
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `create table if not exists schema_migrations (
		version integer primary key, name varchar not null, sha256 varchar not null,
		applied_at timestamp with time zone not null)`); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	applied := map[int]string{}
	rows, err := conn.QueryContext(ctx, `select version, sha256 from schema_migrations`)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	for rows.Next() {
		var v int
		var s string
		if err := rows.Scan(&v, &s); err != nil {
			return errors.Join(fmt.Errorf("store: migrate: %w", err), rows.Close())
		}
		applied[v] = s
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	for _, m := range ms {
		hs := migrationSum(m)
		if s, ok := applied[m.Version]; ok {
			if s != hs {
				return fmt.Errorf("store: migration %s was edited after it was applied to this warehouse; add a new migration instead", m.Name)
			}
			continue
		}
		if err := applyMigration(ctx, conn, m, hs); err != nil {
			return err
		}
	}
	known, latest := map[int]bool{}, 0
	for _, m := range ms {
		known[m.Version], latest = true, m.Version
	}
	for v := range applied {
		if !known[v] {
			return fmt.Errorf("store: the warehouse has migration %d, unknown to this xxgk (latest %d): upgrade xxgk", v, latest)
		}
	}
	return nil
}

// migrationSum is the checksum schema_migrations records of a migration's text.
func migrationSum(m schemas.Migration) string {
	sum := sha256.Sum256([]byte(m.SQL))
	return hex.EncodeToString(sum[:])
}

func applyMigration(ctx context.Context, conn *sql.Conn, m schemas.Migration, sum string) (err error) {
	if _, err := conn.ExecContext(ctx, `begin transaction`); err != nil {
		return fmt.Errorf("store: migration %s: %w", m.Name, err)
	}
	defer func() {
		if err != nil {
			if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), `rollback`); rerr != nil {
				err = errors.Join(err, rerr)
			}
		}
	}()
	if _, err := conn.ExecContext(ctx, m.SQL); err != nil {
		return fmt.Errorf("store: migration %s: %w", m.Name, err)
	}
	if _, err := conn.ExecContext(ctx, `insert into schema_migrations values (?, ?, ?, now())`, m.Version, m.Name, sum); err != nil {
		return fmt.Errorf("store: migration %s: %w", m.Name, err)
	}
	if _, err := conn.ExecContext(ctx, `commit`); err != nil {
		return fmt.Errorf("store: migration %s: commit: %w", m.Name, err)
	}
	return nil
}
