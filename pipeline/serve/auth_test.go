package serve

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A non-loopback address needs a token; loopback does not.
func TestCheckAddr(t *testing.T) {
	for _, c := range []struct {
		addr, token string
		ok          bool
	}{
		{"127.0.0.1:8080", "", true},
		{"127.1.2.3:8080", "", true},
		{"[::1]:8080", "", true},
		{"localhost:8080", "", true},
		{"0.0.0.0:8080", "", false},
		{":8080", "", false},
		{"[::]:8080", "", false},
		{"192.168.1.5:8080", "", false},
		{"example.org:80", "", false},
		{"0.0.0.0:8080", "s3cret", true},
		{"nonsense", "", false},
	} {
		err := CheckAddr(c.addr, c.token)
		if (err == nil) != c.ok {
			t.Errorf("CheckAddr(%q, %q) = %v", c.addr, c.token, err)
		}
		if !c.ok && c.addr != "nonsense" && !errors.Is(err, ErrTokenRequired) {
			t.Errorf("CheckAddr(%q): %v, want ErrTokenRequired", c.addr, err)
		}
	}
	if _, err := New(Options{DB: "x.duckdb", Addr: "0.0.0.0:8080"}); !errors.Is(err, ErrTokenRequired) {
		t.Errorf("New on 0.0.0.0 without a token: %v", err)
	}
}

// With a token, every request — page, download, API, static file — must carry it.
func TestToken(t *testing.T) {
	s, _ := testServer(t, Options{Addr: "0.0.0.0:0", Token: "tok-123"})
	do := func(path string, set func(*http.Request)) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		req.Host = "192.168.1.5:8080"
		if set != nil {
			set(req)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec
	}
	for _, p := range []string{"/overview", "/sql/download?format=csv&q=select+1", "/api/sql?q=select+1", "/api/version", "/static/app.js", "/report/1/source"} {
		if rec := do(p, nil); rec.Code != http.StatusUnauthorized {
			t.Errorf("%s without the token: %d", p, rec.Code)
		}
		if rec := do(p, func(r *http.Request) { r.Header.Set("Authorization", "Bearer tok-12") }); rec.Code != http.StatusUnauthorized {
			t.Errorf("%s with a wrong token: %d", p, rec.Code)
		}
		if rec := do(p, func(r *http.Request) { r.AddCookie(&http.Cookie{Name: tokenCookie, Value: "tok-1234"}) }); rec.Code != http.StatusUnauthorized {
			t.Errorf("%s with a wrong cookie: %d", p, rec.Code)
		}
	}
	if rec := do("/api/sql?q=select+1", func(r *http.Request) { r.Header.Set("Authorization", "Bearer tok-123") }); rec.Code != 200 {
		t.Errorf("API with the bearer token: %d %s", rec.Code, rec.Body)
	}
	rec := do("/overview?token=tok-123", nil)
	if rec.Code != 200 {
		t.Fatalf("?token=: %d %s", rec.Code, rec.Body)
	}
	var cookie *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == tokenCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode {
		t.Fatalf("cookie after ?token=: %+v", cookie)
	}
	if rec := do("/divisions", func(r *http.Request) { r.AddCookie(cookie) }); rec.Code != 200 {
		t.Errorf("with the cookie: %d", rec.Code)
	}
	if rec := do("/overview?token=wrong", nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("?token=wrong: %d", rec.Code)
	}
}

// On loopback without a token, a request for another host name (DNS rebinding) is refused,
// and nothing but GET and HEAD is served.
func TestLoopbackHost(t *testing.T) {
	s, _ := testServer(t, Options{})
	for _, c := range []struct {
		host string
		code int
	}{{"127.0.0.1:8080", 200}, {"localhost:8080", 200}, {"[::1]:8080", 200}, {"evil.example:8080", 403}, {"10.0.0.1", 403}} {
		req := httptest.NewRequest("GET", "/search", nil)
		req.Host = c.host
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != c.code {
			t.Errorf("Host %s: %d, want %d", c.host, rec.Code, c.code)
		}
	}
	req := httptest.NewRequest("POST", "/api/sql", strings.NewReader("q=select 1"))
	req.Host = "127.0.0.1"
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", rec.Code)
	}
}
