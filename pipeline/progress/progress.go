// Package progress shows how far a long stage (ingest, validate, export) has got, to whoever
// watches: on a terminal one bar at a time with the total, the rate and the time left
// (github.com/schollz/progressbar/v3), and its last frame cleared when the stage ends so the
// next log line starts on a clean line; elsewhere (cron, journald) one log line every few
// seconds ("progress", with the counts, the rate and the time left: JSON with the JSON logger).
//
// Stages send Updates to a Display; cmd/xxgk chooses the display (Terminal when stderr is a
// terminal, Log otherwise).
package progress

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// Stages that report progress.
const (
	StageIngest   = "ingest"
	StageValidate = "validate"
	StageExport   = "export"
)

// Update is how far a stage has got.
type Update struct {
	Stage    string // ingest, validate, export
	Done     int    // units done
	Total    int    // units in all (0: unknown)
	Unit     string // what is counted, in Chinese: 文件, 项, 个
	Reports  int    // ingest: report versions loaded so far
	Failures int    // inputs that failed so far
	Bytes    int64  // ingest: bytes read so far
	Finished bool   // the stage is over (sent once, last)
}

// Display shows updates. Update is called from one goroutine at a time; Close clears what is
// shown (a bar) and may be called more than once.
type Display interface {
	Update(Update)
	Close()
}

// Discard shows nothing.
type Discard struct{}

// Update does nothing.
func (Discard) Update(Update) {}

// Close does nothing.
func (Discard) Close() {}

// label names a stage for people (short: the bar fits 80 columns).
func label(stage string) string {
	switch stage {
	case StageIngest:
		return "导入"
	case StageValidate:
		return "校验"
	case StageExport:
		return "导出"
	}
	return stage
}

// Terminal draws one bar at a time on a terminal (w) and lets log lines through it: use it as
// the logger's writer, and a log line written while a bar is shown first clears the bar's line
// (the bar is drawn again at its next update). A stage's Finished update and Close clear the
// bar: its last frame never stays on the screen for the next line to run onto.
type Terminal struct {
	mu    sync.Mutex
	w     io.Writer
	bar   *progressbar.ProgressBar
	stage string
	width int
	// Throttle is the shortest time between two frames (default 100ms).
	Throttle time.Duration
}

// NewTerminal returns a terminal display writing to w (os.Stderr).
func NewTerminal(w io.Writer) *Terminal {
	return &Terminal{w: w, width: 24, Throttle: 100 * time.Millisecond}
}

// barWriter is what the bar writes to: the terminal, without taking its lock (the bar is
// only driven with the lock held).
type barWriter struct{ t *Terminal }

func (b barWriter) Write(p []byte) (int, error) { return b.t.w.Write(p) }

// Write writes a log line, clearing the bar's line first when a bar is shown.
func (t *Terminal) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.bar != nil {
		_ = t.bar.Clear()
	}
	return t.w.Write(p)
}

// Update draws the stage's bar (a new one when the stage changes; cleared when it finishes).
func (t *Terminal) Update(u Update) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.bar != nil && t.stage != u.Stage {
		t.clear()
	}
	if u.Finished {
		t.clear()
		return
	}
	desc := label(u.Stage)
	if u.Failures > 0 {
		desc += fmt.Sprintf("（失败 %d）", u.Failures)
	}
	if t.bar == nil {
		max := int64(u.Total)
		if max <= 0 {
			max = -1 // unknown: a spinner with the count and the rate
		}
		unit := u.Unit
		if unit == "" {
			unit = "项"
		}
		t.bar = progressbar.NewOptions64(max,
			progressbar.OptionSetWriter(barWriter{t}),
			progressbar.OptionUseANSICodes(true),
			progressbar.OptionSetDescription(desc),
			progressbar.OptionSetWidth(t.width),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString(unit),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionThrottle(t.Throttle),
			progressbar.OptionSetRenderBlankState(true),
			progressbar.OptionSpinnerType(14),
			// no spinner goroutine: every frame is drawn by Update, under the lock
			progressbar.OptionSetSpinnerChangeInterval(0),
		)
		t.stage = u.Stage
	} else {
		t.bar.Describe(desc)
	}
	if u.Total > 0 && int64(u.Total) != t.bar.GetMax64() {
		t.bar.ChangeMax64(int64(u.Total))
	}
	_ = t.bar.Set64(int64(u.Done))
}

// clear removes the bar from the screen (lock held).
func (t *Terminal) clear() {
	if t.bar == nil {
		return
	}
	_ = t.bar.Clear()
	_ = t.bar.Exit()
	t.bar = nil
	t.stage = ""
}

// Close clears the bar shown, if any.
func (t *Terminal) Close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.clear()
}

// Log writes one "progress" log line per stage every Every (and one when the stage ends):
// the counts, the percentage, the rate per second and the time left. With the JSON logger it is
// one JSON object a line, for journald and cron logs.
type Log struct {
	Logger *slog.Logger
	// Every is the shortest time between two lines of a stage (default 5s).
	Every time.Duration
	// Now is the clock (default time.Now; tests use a fake one).
	Now func() time.Time

	stage   string
	started time.Time
	last    time.Time
	done    int
}

// Update logs the update when Every has passed since the stage's last line, when the stage
// starts (after its first Every) or ends.
func (l *Log) Update(u Update) {
	now := l.now()
	if u.Stage != l.stage {
		l.stage, l.started, l.last, l.done = u.Stage, now, now, 0
	}
	l.done = u.Done
	if !u.Finished && now.Sub(l.last) < l.every() {
		return
	}
	l.last = now
	elapsed := now.Sub(l.started)
	attrs := []slog.Attr{slog.String("stage", u.Stage), slog.Int("done", u.Done), slog.Int("total", u.Total),
		slog.String("unit", u.Unit), slog.Bool("finished", u.Finished),
		slog.Float64("elapsed_seconds", round(elapsed.Seconds(), 1))}
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(u.Done) / s
	}
	attrs = append(attrs, slog.Float64("rate_per_second", round(rate, 1)))
	if u.Total > 0 {
		attrs = append(attrs, slog.Float64("percent", round(100*float64(u.Done)/float64(u.Total), 1)))
		if rate > 0 && !u.Finished {
			attrs = append(attrs, slog.Float64("eta_seconds", round(float64(u.Total-u.Done)/rate, 0)))
		}
	}
	if u.Stage == StageIngest {
		attrs = append(attrs, slog.Int("reports", u.Reports), slog.Float64("mb_per_second", round(float64(u.Bytes)/1e6/max(elapsed.Seconds(), 1e-9), 1)))
	}
	if u.Failures > 0 {
		attrs = append(attrs, slog.Int("failures", u.Failures))
	}
	l.logger().LogAttrs(context.Background(), slog.LevelInfo, "progress", attrs...)
	if u.Finished {
		l.stage = ""
	}
}

// Close does nothing: lines are never left half written.
func (l *Log) Close() {}

func (l *Log) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

func (l *Log) every() time.Duration {
	if l.Every > 0 {
		return l.Every
	}
	return 5 * time.Second
}

func (l *Log) logger() *slog.Logger {
	if l.Logger != nil {
		return l.Logger
	}
	return slog.Default()
}

func round(v float64, digits int) float64 {
	p := 1.0
	for i := 0; i < digits; i++ {
		p *= 10
	}
	if v < 0 {
		return -float64(int64(-v*p+0.5)) / p
	}
	return float64(int64(v*p+0.5)) / p
}
