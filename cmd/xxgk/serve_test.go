package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// xxgk serve refuses a non-loopback address without a token, and otherwise serves until its
// context ends: the printed link answers, and the command exits 0.
func TestServeCommand(t *testing.T) {
	if _, errs, code := run(t, "serve", "--db", "x.duckdb", "--addr", "0.0.0.0:0"); code != exitFailed || !strings.Contains(errs, "requires --token") {
		t.Errorf("non-loopback without a token: exit %d, %q", code, errs)
	}
	db := analystDB(t)
	root := newRoot()
	pr, pw := io.Pipe()
	root.SetOut(pw)
	root.SetErr(io.Discard)
	root.SetArgs([]string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--threads", "1"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx); pw.Close() }()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("no link printed: %v", err)
	}
	go io.Copy(io.Discard, pr)
	link := strings.Fields(strings.TrimPrefix(line, "xxgk serve: "))[0]
	if !strings.HasPrefix(link, "http://127.0.0.1:") {
		t.Fatalf("printed %q", line)
	}
	resp, err := http.Get(link + "api/sql?format=csv&q=" + url.QueryEscape("select count(*) as n from main.reports where is_current"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(string(b), "n\n") {
		t.Errorf("API: %d %s", resp.StatusCode, b)
	}
	cancel()
	select {
	case err := <-done:
		var ee *exitError
		if err != nil && !errors.As(err, &ee) {
			t.Errorf("serve ended with %v", err)
		} else if ee != nil {
			t.Errorf("serve exited %d: %v", ee.code, ee.err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop when its context ended")
	}
}
