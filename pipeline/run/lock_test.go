package run

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHolder: the lock file names the holder's command, pid and start time; a file written by
// pipeline/store (no command) or by an older xxgk takes the command the caller expects.
func TestHolder(t *testing.T) {
	p := filepath.Join(t.TempDir(), "w.duckdb.run.lock")
	l, err := AcquireAs(p, "xxgk views --refresh")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(p)
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	var be *BusyError
	if !errors.As(err, &be) || be.What != "xxgk views --refresh" || be.PID != os.Getpid() || time.Since(be.Since) > time.Hour {
		t.Fatalf("busy: %#v", err)
	}
	if !strings.Contains(be.Error(), "another xxgk views --refresh is in progress (pid ") {
		t.Errorf("message %q", be.Error())
	}
	if err := os.WriteFile(p, []byte("pid 41327 since 2026-11-25T02:30:04+08:00\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if h := holder(p, "xxgk ingest"); h.What != "xxgk ingest" || h.PID != 41327 || h.Since.IsZero() {
		t.Errorf("old format: %#v", h)
	}
	if h := holder(filepath.Join(t.TempDir(), "none"), "xxgk run"); h.PID != 0 || h.What != "xxgk run" {
		t.Errorf("no file: %#v", h)
	}
}

// FuzzHolder: whatever a lock file holds, reading its holder never fails or panics.
func FuzzHolder(f *testing.F) {
	f.Add("pid 41327 since 2026-11-25T02:30:04+08:00 cmd xxgk ingest\n")
	f.Add("pid x since y cmd")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		p := filepath.Join(t.TempDir(), "lock")
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		h := holder(p, "xxgk run")
		if h.Lock != p || h.What == "" {
			t.Errorf("%q: %#v", s, h)
		}
		_ = h.Error()
	})
}
