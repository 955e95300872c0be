package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// CopyOptions say how CopyTo writes a query result.
type CopyOptions struct {
	// Format is "csv" (UTF-8, header line) or "parquet" (zstd).
	Format string
	// PartitionBy writes a hive-partitioned directory (col=value/…) instead of one file; the
	// partition columns are left out of the files (read back with hive_partitioning).
	PartitionBy []string
	// FilenamePattern names the files of a partitioned write ({i} is a counter; default
	// data_{i}). Files of that name in a partition are overwritten, others are left alone.
	FilenamePattern string
	// BOM starts a CSV file with a UTF-8 byte-order mark (Excel on Windows needs it).
	BOM bool
}

var (
	identRE   = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)
	patternRE = regexp.MustCompile(`^[A-Za-z0-9_-]*(\{i\}|\{uuid\})[A-Za-z0-9_-]*$`)
)

// CopyTo writes the result of the read query q to path with DuckDB's COPY … TO: a file, or
// with PartitionBy a directory written into (see FilenamePattern).
// q is embedded in the COPY statement and must not take parameters.
func (s *Session) CopyTo(ctx context.Context, q, path string, o CopyOptions) error {
	var opts []string
	switch o.Format {
	case "csv":
		opts = append(opts, "format csv", "header true")
	case "parquet":
		opts = append(opts, "format parquet", "compression zstd")
	default:
		return fmt.Errorf("store: copy to %s: format %q: want csv or parquet", path, o.Format)
	}
	if len(o.PartitionBy) > 0 {
		for _, c := range o.PartitionBy {
			if !identRE.MatchString(c) {
				return fmt.Errorf("store: copy to %s: bad partition column %q", path, c)
			}
		}
		if o.BOM {
			return fmt.Errorf("store: copy to %s: a BOM needs a single CSV file", path)
		}
		if err := os.MkdirAll(path, 0o755); err != nil {
			return fmt.Errorf("store: copy to %s: %w", path, err)
		}
		opts = append(opts, "partition_by ("+strings.Join(o.PartitionBy, ", ")+")", "overwrite_or_ignore true")
		if o.FilenamePattern != "" {
			if !patternRE.MatchString(o.FilenamePattern) {
				return fmt.Errorf("store: copy to %s: bad file name pattern %q", path, o.FilenamePattern)
			}
			opts = append(opts, "filename_pattern '"+o.FilenamePattern+"'")
		}
	} else if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("store: copy to %s: %w", path, err)
	}
	target := path
	if o.BOM {
		target = path + ".nobom"
	}
	stmt := fmt.Sprintf("copy (%s) to '%s' (%s)", q, strings.ReplaceAll(target, "'", "''"), strings.Join(opts, ", "))
	if _, err := s.conn.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("store: copy to %s: %w", path, err)
	}
	if o.BOM {
		if err := prependBOM(target, path); err != nil {
			return fmt.Errorf("store: copy to %s: %w", path, err)
		}
	}
	return nil
}

// prependBOM writes a UTF-8 BOM and the content of src to dst and removes src.
func prependBOM(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer func() {
		err = errors.Join(err, in.Close(), os.Remove(src))
	}()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, out.Close()) }()
	w := bufio.NewWriter(out)
	if _, err := w.WriteString("\ufeff"); err != nil {
		return err
	}
	if _, err := io.Copy(w, in); err != nil {
		return err
	}
	return w.Flush()
}
