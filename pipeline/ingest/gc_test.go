package ingest

import (
	"os"
	"runtime/debug"
	"testing"
)

// TestRaiseGC: an ingest runs with GOGC IngestGCPercent, nested or concurrent ingests keep it
// until the last ends, and the old value comes back; a GOGC in the environment is obeyed.
func TestRaiseGC(t *testing.T) {
	if _, ok := os.LookupEnv("GOGC"); ok {
		t.Skip("GOGC set in the environment")
	}
	old := debug.SetGCPercent(123)
	defer debug.SetGCPercent(old)
	r1 := raiseGC()
	r2 := raiseGC()
	if got := gcPercent(); got != IngestGCPercent {
		t.Errorf("GOGC during an ingest %d, want %d", got, IngestGCPercent)
	}
	r1()
	if got := gcPercent(); got != IngestGCPercent {
		t.Errorf("GOGC with one ingest still running %d, want %d", got, IngestGCPercent)
	}
	r2()
	if got := gcPercent(); got != 123 {
		t.Errorf("GOGC after the ingests %d, want 123", got)
	}
	t.Setenv("GOGC", "100")
	raiseGC()()
	if got := gcPercent(); got != 123 {
		t.Errorf("GOGC with GOGC in the environment %d, want it untouched (123)", got)
	}
}

// gcPercent reads the current GOGC (setting it and putting it back).
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}
