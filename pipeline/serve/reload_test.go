package serve

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"xxgk/pipeline/rollup"
	"xxgk/pipeline/run"
	"xxgk/pipeline/store"
)

// webOptions are the session settings of the workbench (console.Open for the web).
var webOptions = store.SessionOptions{NoExternalAccess: true, NoTempFiles: true, Threads: 1}

// copyWarehouse copies the fixture's warehouse to a file of its own (a test that publishes
// new versions must not change the shared fixture).
func copyWarehouse(t testing.TB) string {
	t.Helper()
	f := getFixture(t)
	b, err := os.ReadFile(f.db)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "w.duckdb")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// publish writes a new version the way a run does (a working copy renamed over the file):
// 朝阳市 renamed 朝阳市·v<n>版 (the 版 ends the number: pages print figures right after a name), the SQL models rebuilt. It returns the new file's token.
func publish(t testing.TB, path string, n int) string {
	t.Helper()
	err := store.Refresh(context.Background(), store.Options{Path: path, Threads: 1, MemoryLimit: "512MB"},
		func(ctx context.Context, c *sql.Conn) error {
			if _, err := c.ExecContext(ctx, `update main.regions set name = ? where code = '2113'`, fmt.Sprintf("朝阳市·v%d版", n)); err != nil {
				return err
			}
			return rollup.Apply(ctx, c)
		})
	if err != nil {
		t.Fatal(err)
	}
	id, err := statID(path)
	if err != nil {
		t.Fatal(err)
	}
	return id.token()
}

func regionName(t testing.TB, s *store.Session) string {
	t.Helper()
	var name string
	if err := s.QueryRowContext(context.Background(), `select name from main.regions where code = '2113'`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

// The driver behaviour the reload is built on: while a session of a file is open, opening the
// same path again — even through another name — gives the old instance, which reads the old,
// renamed-over file; once every session of it is closed, the next open reads the new file. If
// this test starts failing after a driver upgrade, the draining in warehouse.go may no longer
// be needed (or no longer enough).
func TestDriverSharesInstanceByPath(t *testing.T) {
	path := copyWarehouse(t)
	ctx := context.Background()
	s1, err := store.OpenSession(ctx, path, webOptions)
	if err != nil {
		t.Fatal(err)
	}
	publish(t, path, 1)
	link := filepath.Join(t.TempDir(), "alias.duckdb")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, filepath.Dir(path) + "//" + filepath.Base(path), link} {
		s2, err := store.OpenSession(ctx, p, webOptions)
		if err != nil {
			t.Fatal(err)
		}
		if got := regionName(t, s2); got != "朝阳市" {
			t.Errorf("opened as %s while the old instance lives: %s, the driver no longer shares instances by path", p, got)
		}
		s2.Close()
	}
	s1.Close()
	s3, err := store.OpenSession(ctx, path, webOptions)
	if err != nil {
		t.Fatal(err)
	}
	defer s3.Close()
	if got := regionName(t, s3); got != "朝阳市·v1版" {
		t.Errorf("after every session closed: %s, want the new file", got)
	}
}

// After a new version is published, the next request sees it; a request in flight finishes
// on its version; the next request waits for it rather than mixing; open pages learn of the
// newer version.
func TestReload(t *testing.T) {
	path := copyWarehouse(t)
	s, hs := testServer(t, Options{DB: path})
	ctx := context.Background()
	before := mustGet(t, hs, "/overview?region=2113")
	tok1 := regexp.MustCompile(`data-version="([^"]+)"`).FindStringSubmatch(before)[1]
	if strings.Contains(before, "·v") {
		t.Fatal("the first version already renamed")
	}
	inFlight, err := s.wh.acquire(ctx) // a request on version 1, still running
	if err != nil {
		t.Fatal(err)
	}
	tok2 := publish(t, path, 2)
	if code, body := get(t, hs, "/api/version?v="+url.QueryEscape(tok1)); code != 200 || !strings.Contains(body, `"newer": true`) {
		t.Errorf("poll with the old version: %d %s", code, body)
	}
	type result struct {
		body string
		at   time.Time
	}
	done := make(chan result, 1)
	go func() {
		resp, err := hs.Client().Get(hs.URL + "/api/sql?format=csv&q=" + url.QueryEscape("select name from main.regions where code = '2113'"))
		if err != nil {
			done <- result{body: err.Error(), at: time.Now()}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		done <- result{body: string(b) + resp.Header.Get("X-Xxgk-Version"), at: time.Now()}
	}()
	time.Sleep(300 * time.Millisecond)
	if got := regionName(t, inFlight.s); got != "朝阳市" {
		t.Errorf("the request in flight sees %s: it must finish on its version", got)
	}
	released := time.Now()
	inFlight.release()
	r := <-done
	if r.at.Before(released) {
		t.Errorf("the next request did not wait for the one in flight: %s", r.body)
	}
	if !strings.Contains(r.body, "朝阳市·v2版") || !strings.HasSuffix(r.body, tok2) {
		t.Errorf("the next request: %q, want the new version %s", r.body, tok2)
	}
	after := mustGet(t, hs, "/overview?region=2113")
	if !strings.Contains(after, "朝阳市·v2版") || !strings.Contains(after, tok2) {
		t.Error("the page after the publish shows the old version")
	}
	if code, body := get(t, hs, "/api/version?v="+url.QueryEscape(tok2)); code != 200 || !strings.Contains(body, `"newer": false`) {
		t.Errorf("poll with the current version: %d %s", code, body)
	}
}

// 50 clients keep requesting pages while new versions are published: no error, and every
// page shows one version only — its data (the name carries the version number) matches the
// version it names.
func TestConcurrentPublish(t *testing.T) {
	path := copyWarehouse(t)
	_, hs := testServer(t, Options{DB: path, Sessions: 8})
	hs.Client().Transport.(*http.Transport).MaxIdleConnsPerHost = 64
	first, err := statID(path)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	versionOf := map[string]int{first.token(): 0} // token → n of 朝阳市·v<n>版
	paths := []string{"/overview?region=2113", "/divisions?region=2113", "/coverage?region=2113", "/compare?region=2113",
		"/quality", "/search?q=" + url.QueryEscape("朝阳"),
		"/api/sql?format=csv&q=" + url.QueryEscape("select name from main.regions where code = '2113'")}
	tokRE := regexp.MustCompile(`data-version="([^"]+)"`)
	nameRE := regexp.MustCompile(`朝阳市·v(\d+)版`)
	stop := make(chan struct{})
	var requests, failures atomic.Int64
	var wg sync.WaitGroup
	type seen struct {
		path, token string
		names       []int // version numbers in the page's names (empty: the original name)
		code        int
		body        string
	}
	results := make(chan seen, 100000)
	for c := 0; c < 50; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				p := paths[(c+i)%len(paths)]
				resp, err := hs.Client().Get(hs.URL + p)
				if err != nil {
					failures.Add(1)
					results <- seen{path: p, body: err.Error()}
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				requests.Add(1)
				r := seen{path: p, code: resp.StatusCode, body: string(b)}
				if m := tokRE.FindStringSubmatch(r.body); m != nil {
					r.token = m[1]
				} else {
					r.token = resp.Header.Get("X-Xxgk-Version")
				}
				for _, m := range nameRE.FindAllStringSubmatch(r.body, -1) {
					n, _ := strconv.Atoi(m[1])
					r.names = append(r.names, n)
				}
				results <- r
			}
		}(c)
	}
	for n := 1; n <= 3; n++ {
		time.Sleep(400 * time.Millisecond)
		tok := publish(t, path, n)
		mu.Lock()
		versionOf[tok] = n
		mu.Unlock()
	}
	time.Sleep(400 * time.Millisecond)
	close(stop)
	wg.Wait()
	close(results)
	pages, perVersion := 0, map[int]int{}
	for r := range results {
		pages++
		if r.code != 200 {
			t.Errorf("%s: %d %.300s", r.path, r.code, r.body)
			continue
		}
		n, ok := versionOf[r.token]
		if !ok {
			t.Errorf("%s: version %q was never published", r.path, r.token)
			continue
		}
		perVersion[n]++
		for _, m := range r.names {
			if m != n {
				t.Errorf("%s: the page of version %d shows 朝阳市·v%d版", r.path, n, m)
				break
			}
		}
		if n > 0 && len(r.names) == 0 && (strings.Contains(r.path, "2113") || strings.Contains(r.path, "api")) {
			t.Errorf("%s: the page of version %d shows no renamed 朝阳市", r.path, n)
		}
	}
	t.Logf("%d requests by 50 clients, %d failed to connect; pages per version %v", requests.Load(), failures.Load(), perVersion)
	if failures.Load() > 0 {
		t.Errorf("%d requests failed", failures.Load())
	}
	if perVersion[3] == 0 {
		t.Error("no page of the last version")
	}
}

// Acknowledged problems (xxgk ack) stay listed on the quality page, marked, and can be
// filtered apart from the open ones.
func TestAcknowledged(t *testing.T) {
	path := copyWarehouse(t)
	acks, err := run.Acknowledge(context.Background(), run.AckOptions{Warehouse: path, Filter: run.ProblemFilter{Kind: "violation", Code: "R1"},
		Note: "核对原件：印刷错误", By: "测试", Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(acks) == 0 {
		t.Fatal("no R1 violation to acknowledge")
	}
	_, hs := testServer(t, Options{DB: path})
	total := func(q string) int {
		p := parsePage(t, mustGet(t, hs, q))
		n, err := strconv.Atoi(strings.TrimSpace(text(p.byID("quality-total"))))
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	r1, acked, open := total("/quality?rule=R1"), total("/quality?ack=acked"), total("/quality?rule=R1&ack=open")
	if r1 != len(acks) || acked != len(acks) || open != 0 {
		t.Errorf("R1 %d, acknowledged %d, R1 open %d; %d acknowledged", r1, acked, open, len(acks))
	}
	body := mustGet(t, hs, "/quality?rule=R1")
	if strings.Count(body, `class="ack"`) != len(acks) || !strings.Contains(body, "核对原件：印刷错误") {
		t.Errorf("the acknowledged violations are not marked with their note")
	}
}
