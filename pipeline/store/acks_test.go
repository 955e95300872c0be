package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"xxgk/pipeline/store"
)

// TestAcknowledgements: acknowledgements are published like a run (the published file is
// replaced, a refused write leaves it byte for byte), read back as written, refused twice for
// one problem and for an unknown id, and kept by the next ingest-like run (a working copy of
// the published file).
func TestAcknowledgements(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	loadReports(t, path, memory.NewGoAllocator(), nil, nil)
	opts := store.Options{Path: path, MemoryLimit: "512MB", Threads: 2}
	at := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	in := []store.Ack{
		{ProblemKey: "violation|" + sixtyFour('a') + "|R1|table3.total_handled.total|10.0000|12.0000", ProblemID: "v0123456789",
			Kind: "violation", SHA256: sixtyFour('a'), Path: "a.txt", Code: "R1", Cell: "table3.total_handled.total",
			Note: "原件如此", By: "张三", At: at},
		{ProblemKey: "failed|path:fifo|不是普通文件", ProblemID: "f0123456789", Kind: "failed", Path: "fifo", Code: "不是普通文件",
			Note: "管道文件，已移除", By: "李四"},
	}
	out, err := store.Acknowledge(ctx, opts, in)
	if err != nil || len(out) != 2 || out[0].ID != 1 || out[1].ID != 2 || out[1].At.IsZero() {
		t.Fatalf("acknowledge: %+v %v", out, err)
	}
	got, err := readAcks(t, path)
	if err != nil || len(got) != 2 {
		t.Fatalf("read back: %+v %v", got, err)
	}
	w0 := in[0]
	w0.ID = 1
	if got[0] != w0 {
		t.Errorf("read back %+v, wrote %+v", got[0], w0)
	}
	if got[1].SHA256 != "" || got[1].Cell != "" || got[1].Code != "不是普通文件" {
		t.Errorf("a file without hash: %+v", got[1])
	}
	// a problem acknowledged already: refused, nothing written (not even the other one)
	before := fileSum(t, path)
	third := store.Ack{ProblemKey: "incomplete|" + sixtyFour('b') + "|value", ProblemID: "i0123456789", Kind: "incomplete",
		Code: "value", Note: "n", By: "x"}
	if _, err := store.Acknowledge(ctx, opts, []store.Ack{third, in[0]}); !errors.Is(err, store.ErrAcknowledged) {
		t.Errorf("acknowledging twice: %v", err)
	}
	if _, err := store.Acknowledge(ctx, opts, []store.Ack{{ProblemKey: "k", ProblemID: "t1", Kind: "test", Code: "c", By: "x"}}); err == nil {
		t.Errorf("an acknowledgement without a note was accepted")
	}
	if _, err := store.Unacknowledge(ctx, opts, []int64{2, 99}); !errors.Is(err, store.ErrNoAck) {
		t.Errorf("removing an unknown acknowledgement: %v", err)
	}
	if fileSum(t, path) != before {
		t.Errorf("a refused write changed the published warehouse")
	}
	// the next run keeps them; removing one leaves the other
	loadReports(t, path, memory.NewGoAllocator(), nil, nil)
	removed, err := store.Unacknowledge(ctx, opts, []int64{1})
	if err != nil || len(removed) != 1 || removed[0].ProblemKey != in[0].ProblemKey {
		t.Fatalf("remove: %+v %v", removed, err)
	}
	got, err = readAcks(t, path)
	if err != nil || len(got) != 1 || got[0].ID != 2 || got[0].ProblemKey != in[1].ProblemKey {
		t.Errorf("after a run and a removal: %+v %v", got, err)
	}
	// ids keep increasing after a removal
	out, err = store.Acknowledge(ctx, opts, []store.Ack{third})
	if err != nil || len(out) != 1 || out[0].ID != 3 {
		t.Errorf("the next acknowledgement: %+v %v", out, err)
	}
}

func sixtyFour(c byte) string {
	b := make([]byte, 64)
	for i := range b {
		b[i] = c
	}
	return string(b)
}

// readAcks reads the acknowledgements through a read-only session closed at once (a session
// left open would keep the file it opened, not the one published since).
func readAcks(t *testing.T, path string) ([]store.Ack, error) {
	t.Helper()
	s, err := store.OpenSession(context.Background(), path, store.SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	return store.Acknowledgements(context.Background(), s)
}
