package ingest

import (
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// IngestGCPercent is the garbage collector's GOGC during an ingest when the environment does
// not set GOGC. The batches are built in C memory (batch.NewBuilder), so the Go heap of an
// ingest is small (about 20 MB live at 20,000 reports) and with the default GOGC of 100 the
// collector ran about 300 times and took 5% of the CPU; at 400 it runs about 70 times and
// takes 1%.
const IngestGCPercent = 400

// gcHeadroom bounds what GOGC 400 may add: during an ingest the Go memory limit is the live
// heap plus gcHeadroom (unless GOMEMLIMIT is set), raised as the live heap grows (it grows by
// the run's index of inputs, about 1 KB a report), so a large run collects more often instead
// of letting its heap reach 5x its live data, and never thrashes against a fixed limit. At
// 100,000 reports (about 100 MB live) the Go heap peaked at 516 MB without the limit, 272 MB
// with 192 MB of headroom and 148 MB with 64 MB.
const gcHeadroom = 64 << 20

var gcState struct {
	sync.Mutex
	runs     int   // ingests running in this process
	oldPct   int   // GOGC before the first of them
	oldLimit int64 // the memory limit before the first of them; -1: not ours to move
}

// raiseGC sets GOGC to IngestGCPercent and the memory limit to the live heap plus gcHeadroom
// for the duration of an ingest (a GOGC or GOMEMLIMIT in the environment is obeyed instead)
// and returns the function restoring them. Concurrent ingests in one process share the
// setting; the last to end restores the old values.
func raiseGC() (restore func()) {
	_, pct := os.LookupEnv("GOGC")
	_, lim := os.LookupEnv("GOMEMLIMIT")
	if pct && lim {
		return func() {}
	}
	gcState.Lock()
	defer gcState.Unlock()
	if gcState.runs == 0 {
		gcState.oldPct, gcState.oldLimit = -1, -1
		if !pct {
			gcState.oldPct = debug.SetGCPercent(IngestGCPercent)
		}
		if !lim {
			if old := debug.SetMemoryLimit(-1); old == math.MaxInt64 { // none set: ours to move
				gcState.oldLimit = old
				debug.SetMemoryLimit(liveHeap() + gcHeadroom)
			}
		}
	}
	gcState.runs++
	return func() {
		gcState.Lock()
		defer gcState.Unlock()
		if gcState.runs--; gcState.runs > 0 {
			return
		}
		if gcState.oldPct >= 0 {
			debug.SetGCPercent(gcState.oldPct)
		}
		if gcState.oldLimit >= 0 {
			debug.SetMemoryLimit(gcState.oldLimit)
		}
	}
}

// trackGC raises the memory limit of raiseGC to the live heap plus gcHeadroom (the loader calls
// it every few thousand inputs). The limit only rises during a run.
func trackGC() {
	gcState.Lock()
	defer gcState.Unlock()
	if gcState.runs == 0 || gcState.oldLimit < 0 {
		return
	}
	if want := liveHeap() + gcHeadroom; want > debug.SetMemoryLimit(-1) {
		debug.SetMemoryLimit(want)
	}
}

// liveHeap is the heap the last collection found live, in bytes.
func liveHeap() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}
