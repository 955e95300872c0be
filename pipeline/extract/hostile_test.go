package extract_test

import (
	"errors"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"xxgk/pipeline"
	"xxgk/pipeline/decode"
	"xxgk/pipeline/decode/decodetest"
	"xxgk/pipeline/extract"
)

// TestHostileBytes reads the hostile corpus through Bytes, as ingest, run and parse do:
// containers in workers, text and HTML in-process, every file within its budget. Each case
// fails with its reason, or (reason nil) ends cleanly — read, or failed with any reason but
// a timeout. Fake tools hang, flood and spin; none is left running.
func TestHostileBytes(t *testing.T) {
	fake := t.TempDir()
	if err := decodetest.FakeTools(fake); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", fake+string(os.PathListSeparator)+os.Getenv("PATH"))
	restore := toolLimits(3*time.Second, 4<<20)
	defer restore()
	extract.SetLimits(extract.Limits{CPU: 30 * time.Second, Wall: 2 * time.Minute, InProcess: 20 * time.Second, Memory: decodetest.WorkerMemory, Isolate: true})
	defer extract.SetLimits(extract.DefaultLimits())
	for _, c := range decodetest.Hostile() {
		t.Run(c.Name, func(t *testing.T) {
			in := c.Make()
			start := time.Now()
			r, err := extract.Bytes(c.Name, in, extract.Options{})
			t.Logf("%d bytes, %v: %v", len(in), time.Since(start).Round(time.Millisecond), err)
			var ie *pipeline.InputError
			switch {
			case err != nil && (!errors.As(err, &ie) || ie.Path != c.Name):
				t.Fatalf("error %T %v is not an InputError naming the file", err, err)
			case c.Reason != nil && !errors.Is(err, c.Reason):
				t.Fatalf("%s: got %v, want %v", c.What, err, c.Reason)
			case c.Reason == nil && errors.Is(err, pipeline.ErrTimeout):
				if why, ok := KnownSlow[c.Name]; ok {
					t.Skipf("known, outside the readers: %s (recorded as a timeout: %v)", why, err)
				}
				t.Fatalf("%s: over its budget: %v", c.What, err)
			case err == nil && r == nil:
				t.Fatal("no report and no error")
			}
		})
	}
	var self, kids syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
	t.Logf("peak RSS: this process %d MB, largest child (worker or tool) %d MB; %d goroutines",
		self.Maxrss>>10, kids.Maxrss>>10, runtime.NumGoroutine())
	if left := decodetest.Sleepers(); len(left) > 0 {
		t.Errorf("processes left behind: %v", left)
	}
}

// KnownSlow are the hostile cases that the parser (not the readers) is known to take too long
// on; the in-process deadline records them as timed out. Remove an entry when it is fixed.
var KnownSlow = map[string]string{}

// toolLimits lowers the external tools' timeouts and output cap for a test.
func toolLimits(timeout time.Duration, output int) (restore func()) {
	d, c, o := decode.ToolTimeout, decode.ConvertTimeout, decode.MaxToolOutput
	decode.ToolTimeout, decode.ConvertTimeout, decode.MaxToolOutput = timeout, timeout, output
	return func() { decode.ToolTimeout, decode.ConvertTimeout, decode.MaxToolOutput = d, c, o }
}
