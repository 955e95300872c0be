// Package serve is the analysts' workbench, xxgk serve: a local web application over the
// published warehouse, read-only, that answers by clicking the questions analysts otherwise
// type SQL for — the figures of a province or prefecture and year (Overview), each level's
// totals down to a body's report (Divisions), what one report printed and where in its file
// (Report), who has not reported (Coverage), which reports break which rule (Quality), what
// moved between two years (Compare), where a body or file is (Search), and SQL itself with
// CSV and Parquet downloads and an HTTP API for scripts.
//
// What it guarantees:
//   - Read-only. Every session is a store.Session opened by console.Open for the web:
//     access_mode=READ_ONLY, configuration locked, no temporary files, and DuckDB's
//     enable_external_access off, so no statement reads or writes a file other than the
//     warehouse (read_csv('/etc/passwd') fails). Analysts' SQL goes through the same
//     store.Session.Check and Run as xxgk query — classified by DuckDB's parser, only
//     queries run — with a time limit and a row limit (Options.SQLTimeout, SQLMaxRows).
//   - Its own reads are typed (scan.go): a struct per query, every column checked.
//   - Bound to the loopback interface by default; any other address requires a token
//     (Options.Token), checked on every request (pages, downloads, API) in constant time.
//     On loopback without a token, requests must name a loopback host (Host header), which
//     keeps other web sites out through DNS rebinding.
//   - A new version of the warehouse (an ingest renames a new file over the published one) is
//     served from the next request on, with no restart; a request runs on one version from
//     start to end; an open page polls and says when a newer version exists (warehouse.go).
//   - The source panel of a report reads the file at the path the warehouse recorded, and only
//     when its SHA-256 still matches the warehouse's; no request names a file (source.go).
//   - Offline: templates, CSS, JavaScript (a few hundred lines, no framework) and the charts
//     (the server-rendered SVG of pipeline/export) are embedded in the binary; nothing is
//     fetched from elsewhere.
//   - Fast on a national warehouse (a million reports): what does not change within a version
//     and costs more than a page may take — the years and divisions, the coverage grid with its
//     late reports, the quality lists (up to 500,000 items of each kind, else paged by SQL), each
//     region's overview, the search index — is read once per version (cache.go), in the
//     background when the version is opened (Options.NoWarmUp turns that off); pages read the
//     materialised marts (region_years, reports_of_record, report_measures, report_levels) where
//     the analytics views would rank every report at each query. Figures in bench_test.go.
//
// Pages: /overview, /divisions (and /body), /report/{id} (with /report/{id}/source and
// /report/{id}/versions, fragments its page loads), /coverage, /quality, /compare, /search,
// /sql (with /sql/download), /api/sql, /api/version; static files under /static/.
package serve

import (
	"context"
	"crypto/subtle"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"xxgk/pipeline/console"
	"xxgk/pipeline/export"
)

// Options configure a Server.
type Options struct {
	DB    string // the published warehouse file
	Addr  string // listen address (default 127.0.0.1:8080)
	Token string // required on every request when set; required for a non-loopback Addr
	// Sources is the directory relative source paths are read from (default: the working
	// directory, where the ingest ran).
	Sources string
	// SQLTimeout interrupts an analyst's statement (default 30s); SQLMaxRows keeps that many
	// rows of its result (default 10,000 on the page and in the JSON API, 1,000,000 in CSV
	// and Parquet downloads: DownloadMaxRows).
	SQLTimeout      time.Duration
	SQLMaxRows      int
	DownloadMaxRows int
	// Threads and MemoryLimit bound DuckDB (defaults: 2 threads, DuckDB's memory limit).
	Threads     int
	MemoryLimit string
	// Sessions is the number of DuckDB sessions per version (default 8): more concurrent
	// requests wait for one.
	Sessions int
	// NoWarmUp leaves the per-version caches to the first requests that need them (by
	// default a new version's years, divisions, search index, quality lists, late reports and
	// the first province's overview are read in the background when it is opened).
	NoWarmUp bool
	Logger   *slog.Logger
}

func (o *Options) defaults() {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:8080"
	}
	if o.SQLTimeout <= 0 {
		o.SQLTimeout = 30 * time.Second
	}
	if o.SQLMaxRows <= 0 {
		o.SQLMaxRows = 10_000
	}
	if o.DownloadMaxRows <= 0 {
		o.DownloadMaxRows = 1_000_000
	}
	if o.Threads <= 0 {
		o.Threads = 2
	}
	if o.Sessions <= 0 {
		o.Sessions = 8
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// ErrTokenRequired is returned for a non-loopback address without a token.
var ErrTokenRequired = errors.New("监听非本机地址需要 --token / a non-loopback address requires --token")

// CheckAddr says whether addr may be listened on with the given token: a loopback address
// always, any other only with a token.
func CheckAddr(addr, token string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %w", addr, err)
	}
	if isLoopback(host) || token != "" {
		return nil
	}
	if host == "" {
		host = "all interfaces"
	}
	return fmt.Errorf("%w (%s)", ErrTokenRequired, host)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

//go:embed templates static
var assets embed.FS

// Server is the workbench's http.Handler.
type Server struct {
	o     Options
	wh    *warehouse
	mux   *http.ServeMux
	pages map[string]*template.Template
	src   *sourceCache
	log   *slog.Logger
}

// New opens nothing yet: the warehouse is opened by the first request (and reopened after
// each new version). It checks the options.
func New(o Options) (*Server, error) {
	o.defaults()
	if o.DB == "" {
		return nil, errors.New("serve: no warehouse (--db)")
	}
	if err := CheckAddr(o.Addr, o.Token); err != nil {
		return nil, err
	}
	s := &Server{o: o, log: o.Logger, mux: http.NewServeMux(), src: newSourceCache(o.Sources, 32)}
	s.wh = newWarehouse(o.DB, console.Options{External: false, Threads: o.Threads, MemoryLimit: o.MemoryLimit}, o.Sessions, o.Logger)
	if !o.NoWarmUp {
		s.wh.onOpen = s.warm
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s.pages = pages
	s.routes()
	return s, nil
}

// Close closes the warehouse sessions (call after the http.Server has shut down).
func (s *Server) Close() { s.wh.close() }

// Addr returns the listen address of the options.
func (s *Server) Addr() string { return s.o.Addr }

func (s *Server) routes() {
	static, _ := fs.Sub(assets, "static")
	fileServer := http.FileServerFS(static)
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", cacheFor(time.Hour, fileServer)))
	s.mux.HandleFunc("GET /static/summary.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "max-age=3600")
		_, _ = w.Write([]byte(export.StyleSheet()))
	})
	s.mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/overview", http.StatusFound)
	})
	s.mux.HandleFunc("GET /overview", s.page(s.overview))
	s.mux.HandleFunc("GET /divisions", s.page(s.divisions))
	s.mux.HandleFunc("GET /body", s.page(s.body))
	s.mux.HandleFunc("GET /report/{id}", s.page(s.report))
	s.mux.HandleFunc("GET /report/{id}/source", s.page(s.reportSource))
	s.mux.HandleFunc("GET /report/{id}/versions", s.page(s.reportVersions))
	s.mux.HandleFunc("GET /coverage", s.page(s.coverage))
	s.mux.HandleFunc("GET /quality", s.page(s.quality))
	s.mux.HandleFunc("GET /compare", s.page(s.compare))
	s.mux.HandleFunc("GET /search", s.page(s.search))
	s.mux.HandleFunc("GET /sql", s.page(s.sqlPage))
	s.mux.HandleFunc("GET /sql/download", s.page(s.sqlDownload))
	s.mux.HandleFunc("GET /api/sql", s.page(s.apiSQL))
	s.mux.HandleFunc("GET /api/version", s.apiVersion)
}

func cacheFor(d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", fmt.Sprintf("max-age=%d", int(d.Seconds())))
		h.ServeHTTP(w, r)
	})
}

// tokenCookie carries the token after a first visit with ?token=.
const tokenCookie = "xxgk_token"

// ServeHTTP checks the token (or, on loopback without one, the Host), sets the security
// headers and dispatches.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	// style attributes are allowed (the summary's chart legends colour their keys with them);
	// scripts only from the binary's own files
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "只读 / read-only: GET only", http.StatusMethodNotAllowed)
		return
	}
	if s.o.Token != "" {
		if !s.authorized(w, r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="xxgk"`)
			http.Error(w, "需要令牌 / token required: open the link with ?token=…, or send Authorization: Bearer …", http.StatusUnauthorized)
			return
		}
	} else if host := hostOnly(r.Host); !isLoopback(host) {
		http.Error(w, "只接受本机访问 / this server answers requests for localhost only (Host: "+r.Host+")", http.StatusForbidden)
		return
	}
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.Error("panic", "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
			http.Error(w, "内部错误 / internal error", http.StatusInternalServerError)
		}
	}()
	s.mux.ServeHTTP(w, r)
}

func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}

// authorized checks the token of a request: Authorization: Bearer, the cookie, or ?token=
// (which then sets the cookie, so links within the pages need not carry it).
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	want := []byte(s.o.Token)
	eq := func(got string) bool { return subtle.ConstantTimeCompare([]byte(got), want) == 1 }
	if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "Bearer ") && eq(strings.TrimPrefix(a, "Bearer ")) {
		return true
	}
	if c, err := r.Cookie(tokenCookie); err == nil && eq(c.Value) {
		return true
	}
	if t := r.URL.Query().Get("token"); t != "" && eq(t) {
		http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: s.o.Token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
		return true
	}
	return false
}

// httpError is an error with a status and a message for the user.
type httpError struct {
	code int
	msg  string
}

func (e *httpError) Error() string { return e.msg }

func errorf(code int, format string, a ...any) error {
	return &httpError{code: code, msg: fmt.Sprintf(format, a...)}
}

// notFound is the error of an unknown region, year, report …
func notFound(format string, a ...any) error { return errorf(http.StatusNotFound, format, a...) }

// badRequest is the error of a malformed parameter.
func badRequest(format string, a ...any) error { return errorf(http.StatusBadRequest, format, a...) }

// req is one request's context: its session (one version for the whole request), the
// version, and the response.
type req struct {
	*http.Request
	w     http.ResponseWriter
	l     *lease
	start time.Time
}

func (q *req) ctx() context.Context { return q.Context() }

// page wraps a handler: it pins one session of the current version for the request, and
// renders an error as a page (or as text for the API and downloads).
func (s *Server) page(fn func(q *req) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		l, err := s.wh.acquire(r.Context())
		if err != nil {
			s.log.Error("acquire a session", "err", err)
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		defer l.release()
		q := &req{Request: r, w: w, l: l, start: start}
		if err := fn(q); err != nil {
			s.fail(q, err)
		}
	}
}

// fail answers with the error: a page for pages, plain text for the API and downloads.
func (s *Server) fail(q *req, err error) {
	code, msg := http.StatusInternalServerError, "内部错误 / internal error: "+err.Error()
	var he *httpError
	switch {
	case errors.As(err, &he):
		code, msg = he.code, he.msg
	case errors.Is(err, context.Canceled):
		return
	default:
		s.log.Error("request failed", "path", q.URL.Path, "err", err)
	}
	if strings.HasPrefix(q.URL.Path, "/api/") || strings.HasSuffix(q.URL.Path, "/download") || strings.HasSuffix(q.URL.Path, "/source") ||
		strings.HasSuffix(q.URL.Path, "/versions") ||
		q.URL.Query().Get("format") != "" {
		http.Error(q.w, msg, code)
		return
	}
	q.w.WriteHeader(code)
	s.render(q, "error", "出错了 / error", "", map[string]any{"Code": code, "Message": msg})
}

// view is what every page template gets.
type view struct {
	Title  string
	Active string
	V      Version
	Path   string // the warehouse file
	Body   any
	Query  url.Values
}

// render executes a page template.
func (s *Server) render(q *req, name, title, active string, body any) {
	t := s.pages[name]
	if t == nil {
		http.Error(q.w, "no template "+name, http.StatusInternalServerError)
		return
	}
	q.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	v := view{Title: title, Active: active, V: q.l.g.version, Path: s.o.DB, Body: body, Query: q.URL.Query()}
	if err := t.ExecuteTemplate(q.w, "layout", v); err != nil {
		s.log.Error("render", "page", name, "err", err)
	}
}

// apiVersion answers the pages' poll: is the file at the path still the version the page
// shows? It opens nothing.
func (s *Server) apiVersion(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("v")
	newer, err := s.wh.newer(token)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		http.Error(w, `{"error": "the warehouse file cannot be read"}`, http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintf(w, `{"newer": %t}`+"\n", newer)
}

// Parameters.

// intParam reads an integer parameter; absent gives def.
func intParam(q *req, name string, def int) (int, error) {
	v := strings.TrimSpace(q.URL.Query().Get(name))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, badRequest("参数 %s=%q 不是整数 / parameter %s must be a whole number", name, v, name)
	}
	return n, nil
}

// codeParam reads a division code parameter (digits only).
func codeParam(q *req, name string) (string, error) {
	v := strings.TrimSpace(q.URL.Query().Get(name))
	if strings.Trim(v, "0123456789") != "" || len(v) > 12 {
		return "", badRequest("参数 %s=%q 不是区划代码 / parameter %s must be a division code of digits (21, 2113, 211382)", name, v, name)
	}
	return v, nil
}

// oneOf reads a parameter that must be one of the allowed values (absent: def).
func oneOf(q *req, name, def string, allowed ...string) (string, error) {
	v := strings.TrimSpace(q.URL.Query().Get(name))
	if v == "" {
		return def, nil
	}
	for _, a := range allowed {
		if v == a {
			return v, nil
		}
	}
	return "", badRequest("参数 %s=%q：可选 %s / parameter %s must be one of %s", name, v, strings.Join(allowed, "、"), name, strings.Join(allowed, ", "))
}

// Run listens on the options' address and serves until ctx ends, then shuts down (requests in
// flight get 10 s) and closes the warehouse sessions. ready, when not nil, is called with the
// URL to open once the server listens.
func Run(ctx context.Context, o Options, ready func(url string)) error {
	s, err := New(o)
	if err != nil {
		return err
	}
	defer s.Close()
	ln, err := net.Listen("tcp", s.o.Addr)
	if err != nil {
		return fmt.Errorf("serve: listen on %s: %w", s.o.Addr, err)
	}
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	if ready != nil {
		u := "http://" + ln.Addr().String() + "/"
		if s.o.Token != "" {
			u += "?token=" + url.QueryEscape(s.o.Token)
		}
		ready(u)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("serve: shut down: %w", err)
	}
	return nil
}

// warm reads a new version's caches in the background, so that the first analyst to open a
// page after an ingest does not wait for them. It stops when the version is replaced.
func (s *Server) warm(g *generation) {
	start := time.Now()
	l, err := s.wh.acquireGen(g.ctx, g)
	if err != nil || l == nil {
		return
	}
	defer l.release()
	r, _ := http.NewRequestWithContext(g.ctx, http.MethodGet, "/", nil)
	q := &req{Request: r, l: l, start: start}
	c, err := q.basic()
	if err != nil {
		if g.ctx.Err() == nil {
			s.log.Warn("warm-up", "err", err)
		}
		return
	}
	steps := []func() error{
		func() error { _, err := q.lateReports(); return err },
		func() error { _, err := q.searchIndex(); return err },
		func() error { _, err := s.qualityFacets(q); return err },
		func() error {
			for _, a := range c.areas {
				if a.Level == "province" && len(c.years) > 0 {
					_, err := q.overviewOf(a, c.years[len(c.years)-1])
					return err
				}
			}
			return nil
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			if g.ctx.Err() == nil {
				s.log.Warn("warm-up", "err", err)
			}
			return
		}
	}
	s.log.Info("仓库版本已预读 / warehouse version warmed up", "generation", g.version.Gen, "elapsed", time.Since(start).Round(time.Millisecond))
}
