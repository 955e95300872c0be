package schemas

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migration is one numbered DuckDB DDL file of the warehouse (migrations/NNNN_name.sql).
// Migrations are applied in order and never edited once released: a change is a new file.
type Migration struct {
	Version int    // NNNN
	Name    string // file name
	SQL     string
}

// Migrations returns the embedded warehouse migrations in version order (unique versions).
func Migrations() ([]Migration, error) {
	ents, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("schemas: migrations: %w", err)
	}
	var out []Migration
	for _, e := range ents {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("schemas: migration %s: name must be NNNN_name.sql", name)
		}
		b, err := migrationFS.ReadFile("migrations/" + name)
		if err != nil {
			return nil, fmt.Errorf("schemas: migration %s: %w", name, err)
		}
		out = append(out, Migration{Version: v, Name: name, SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	// Versions are unique; a gap is allowed (a number reserved by a change merged later, e.g.
	// 0006 while 0007 exists): migrate applies every migration a warehouse has not seen, in order.
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("schemas: migrations %s and %s have the same version", out[i-1].Name, out[i].Name)
		}
	}
	return out, nil
}
