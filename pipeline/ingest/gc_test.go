package ingest

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"testing"
)

// TestRaiseGC: an ingest runs with GOGC IngestGCPercent and a memory limit of the live heap
// plus gcHeadroom, raised (never lowered) by trackGC as the heap grows; nested or concurrent
// ingests keep both until the last ends, and the old values come back; GOGC and GOMEMLIMIT in
// the environment are obeyed.
func TestRaiseGC(t *testing.T) {
	if _, ok := os.LookupEnv("GOGC"); ok {
		t.Skip("GOGC set in the environment")
	}
	if _, ok := os.LookupEnv("GOMEMLIMIT"); ok {
		t.Skip("GOMEMLIMIT set in the environment")
	}
	if debug.SetMemoryLimit(-1) != math.MaxInt64 {
		t.Skip("a memory limit is set")
	}
	old := debug.SetGCPercent(123)
	defer debug.SetGCPercent(old)
	runtime.GC()
	r1 := raiseGC()
	r2 := raiseGC()
	if got := gcPercent(); got != IngestGCPercent {
		t.Errorf("GOGC during an ingest %d, want %d", got, IngestGCPercent)
	}
	lim := debug.SetMemoryLimit(-1)
	if live := liveHeap(); live <= 0 || lim < live+gcHeadroom || lim > 2*live+gcHeadroom {
		t.Errorf("memory limit during an ingest %d, want the live heap %d + %d", lim, live, gcHeadroom)
	}
	// a live heap grown by 64 MB raises the limit by about as much
	grown := make([]byte, 64<<20)
	runtime.GC()
	trackGC()
	if got := debug.SetMemoryLimit(-1); got < lim+60<<20 {
		t.Errorf("memory limit after the heap grew by 64 MB: %d, was %d", got, lim)
	}
	runtime.KeepAlive(grown)
	grown = nil
	runtime.GC()
	high := debug.SetMemoryLimit(-1)
	trackGC()
	if got := debug.SetMemoryLimit(-1); got != high {
		t.Errorf("memory limit lowered from %d to %d", high, got)
	}
	r1()
	if got := gcPercent(); got != IngestGCPercent {
		t.Errorf("GOGC with one ingest still running %d, want %d", got, IngestGCPercent)
	}
	r2()
	if got := gcPercent(); got != 123 {
		t.Errorf("GOGC after the ingests %d, want 123", got)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("memory limit after the ingests %d, want none", got)
	}
	trackGC()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("memory limit set by trackGC outside an ingest: %d", got)
	}
	t.Setenv("GOGC", "100")
	t.Setenv("GOMEMLIMIT", "off")
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
