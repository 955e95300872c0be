package ingest

import (
	"os"
	"runtime/debug"
	"sync"
)

// IngestGCPercent is the garbage collector's GOGC during an ingest when the environment does
// not set GOGC. The batches are built in C memory (batch.NewBuilder), so the Go heap of an
// ingest is small (about 20 MB live at 20,000 reports) and with the default GOGC of 100 the
// collector ran about 300 times and took 5% of the CPU; at 400 it runs about 70 times, takes
// 1%, and the heap peaks near 110 MB, well inside the memory budget of issue 17.
const IngestGCPercent = 400

var gcState struct {
	sync.Mutex
	runs int // ingests running in this process
	old  int // GOGC before the first of them
}

// raiseGC sets GOGC to IngestGCPercent for the duration of an ingest (unless the environment
// sets GOGC, which is then obeyed) and returns the function restoring it. Concurrent ingests in
// one process share the setting; the last to end restores the old value.
func raiseGC() (restore func()) {
	if _, ok := os.LookupEnv("GOGC"); ok {
		return func() {}
	}
	gcState.Lock()
	defer gcState.Unlock()
	if gcState.runs == 0 {
		gcState.old = debug.SetGCPercent(IngestGCPercent)
	}
	gcState.runs++
	return func() {
		gcState.Lock()
		defer gcState.Unlock()
		if gcState.runs--; gcState.runs == 0 {
			debug.SetGCPercent(gcState.old)
		}
	}
}
