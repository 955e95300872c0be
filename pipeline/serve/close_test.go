package serve

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"xxgk/pipeline/store"
)

// Close returns only once every session of the server is closed, the background warm-up's
// too: a session left open keeps the DuckDB instance (the next open of the file in this
// process gets it, or spins in the driver's instance cache while it shuts down). Checked by
// opening the file with other settings (one thread, not the server's two): DuckDB refuses
// that while any session of the server's instance is open.
func TestCloseEndsSessions(t *testing.T) {
	db := linkWarehouse(t)
	for i := range 4 {
		s, err := New(Options{DB: db, Threads: 2, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		// a page opens the version, which starts the warm-up; Close comes while it runs
		req := httptest.NewRequest("GET", "/overview", nil)
		req.Host = "127.0.0.1"
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("round %d: /overview %d", i, rec.Code)
		}
		s.Close()
		ss, err := store.OpenSession(context.Background(), db, webOptions)
		if err != nil {
			t.Fatalf("round %d: after Close a session of the server is still open: %v", i, err)
		}
		ss.Close()
		// after Close the server answers no more requests (none reopens the file)
		rec = httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 503 {
			t.Errorf("round %d: a request after Close: %d, want 503", i, rec.Code)
		}
	}
}
