package progress

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *fakeClock                   { return &fakeClock{t: time.Date(2026, 11, 25, 2, 30, 0, 0, time.UTC)} }
func lines(b *bytes.Buffer) []map[string]any { return decode(b.String()) }
func decode(s string) (out []map[string]any) {
	return decodeLines(strings.Split(strings.TrimSpace(s), "\n"))
}
func decodeLines(ls []string) []map[string]any {
	var out []map[string]any
	for _, l := range ls {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			panic(l)
		}
		out = append(out, m)
	}
	return out
}

// TestLogCadence: with the JSON logger, one "progress" line per stage every Every (none in
// between however many updates come), one when the stage ends; each says the counts, the
// percentage, the rate and the time left, computed from the clock.
func TestLogCadence(t *testing.T) {
	var buf bytes.Buffer
	clk := newClock()
	l := &Log{Logger: slog.New(slog.NewJSONHandler(&buf, nil)), Every: 5 * time.Second, Now: clk.now}
	// 1,000 files, 40 a second, an update every 200 ms for 12 s: lines at 5 s and 10 s
	for i := 0; i <= 60; i++ {
		l.Update(Update{Stage: StageIngest, Done: 8 * i, Total: 1000, Unit: "文件", Reports: 8 * i, Bytes: int64(8*i) * 1000})
		clk.advance(200 * time.Millisecond)
	}
	got := lines(&buf)
	if len(got) != 2 {
		t.Fatalf("%d lines in 12 s at one every 5 s: %v", len(got), got)
	}
	first := got[0]
	// at 5 s: 25 updates done → 200 files, 40/s, 20 %, (1000−200)/40 = 20 s left
	want := map[string]any{"msg": "progress", "stage": "ingest", "done": 200.0, "total": 1000.0, "unit": "文件", "finished": false,
		"elapsed_seconds": 5.0, "rate_per_second": 40.0, "percent": 20.0, "eta_seconds": 20.0, "reports": 200.0, "mb_per_second": 0.0}
	for k, v := range want {
		if first[k] != v {
			t.Errorf("first line %s = %v, want %v (%v)", k, first[k], v, first)
		}
	}
	if got[1]["done"] != 400.0 || got[1]["elapsed_seconds"] != 10.0 {
		t.Errorf("second line %v: want 400 done at 10 s", got[1])
	}
	// the end of the stage is always logged, with no time left
	buf.Reset()
	l.Update(Update{Stage: StageIngest, Done: 1000, Total: 1000, Unit: "文件", Finished: true})
	end := lines(&buf)
	if len(end) != 1 || end[0]["finished"] != true || end[0]["percent"] != 100.0 || end[0]["eta_seconds"] != nil {
		t.Errorf("end line %v", end)
	}
	// a new stage starts its own clock: nothing in its first 5 s, then a line
	buf.Reset()
	l.Update(Update{Stage: StageValidate, Done: 1, Total: 300, Unit: "项"})
	clk.advance(4 * time.Second)
	l.Update(Update{Stage: StageValidate, Done: 100, Total: 300, Unit: "项"})
	if buf.Len() != 0 {
		t.Errorf("a line within the first 5 s of a stage: %s", buf.String())
	}
	clk.advance(time.Second)
	l.Update(Update{Stage: StageValidate, Done: 150, Total: 300, Unit: "项"})
	v := lines(&buf)
	if len(v) != 1 || v[0]["stage"] != "validate" || v[0]["rate_per_second"] != 30.0 || v[0]["eta_seconds"] != 5.0 || v[0]["failures"] != nil {
		t.Errorf("validate line %v", v)
	}
}

// TestTerminalBar: the bar shows the stage, the percentage, the count of the total, the rate
// and the elapsed and remaining time on one line (carriage returns, never a newline); a log line
// written meanwhile first clears the bar's line; the end of the stage and Close clear it, so
// nothing of the last frame is left for the next line to run onto.
func TestTerminalBar(t *testing.T) {
	var buf bytes.Buffer
	term := NewTerminal(&buf)
	term.Throttle = 0
	term.Update(Update{Stage: StageIngest, Done: 0, Total: 200, Unit: "文件"})
	term.Update(Update{Stage: StageIngest, Done: 50, Total: 200, Unit: "文件", Failures: 2})
	frame := buf.String()
	for _, want := range []string{"导入（失败 2）", "25%", "(50/200", "文件/s", "["} {
		if !strings.Contains(frame, want) {
			t.Errorf("bar %q lacks %q", frame, want)
		}
	}
	if strings.Contains(frame, "\n") {
		t.Errorf("the bar wrote a newline: %q", frame)
	}
	// a log line clears the bar's line before it
	buf.Reset()
	if _, err := term.Write([]byte("time=… level=INFO msg=x\n")); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "\033[2K\rtime=… level=INFO msg=x\n" {
		t.Errorf("log line through the terminal: %q", got)
	}
	// the end of the stage clears the bar and starts nothing
	buf.Reset()
	term.Update(Update{Stage: StageIngest, Done: 200, Total: 200, Unit: "文件", Finished: true})
	if got := buf.String(); !strings.HasSuffix(got, "\033[2K\r") {
		t.Errorf("the finished stage left %q", got)
	}
	buf.Reset()
	if _, err := term.Write([]byte("next\n")); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "next\n" {
		t.Errorf("a log line after the bar was cleared: %q", buf.String())
	}
	// a new stage draws a new bar; Close clears it
	term.Update(Update{Stage: StageExport, Done: 1, Total: 4, Unit: "个"})
	if !strings.Contains(buf.String(), "导出") || !strings.Contains(buf.String(), "(1/4") {
		t.Errorf("export bar %q", buf.String())
	}
	buf.Reset()
	term.Close()
	if got := buf.String(); got != "\033[2K\r" {
		t.Errorf("Close wrote %q", got)
	}
	buf.Reset()
	term.Close()
	if buf.Len() != 0 {
		t.Errorf("a second Close wrote %q", buf.String())
	}
}

// TestTerminalWidth: the bar's line fits an 80-column terminal with a Chinese description.
func TestTerminalWidth(t *testing.T) {
	var buf bytes.Buffer
	term := NewTerminal(&buf)
	term.Throttle = 0
	term.Update(Update{Stage: StageValidate, Done: 123, Total: 377, Unit: "项", Failures: 12})
	frames := strings.Split(buf.String(), "\r")
	last := frames[len(frames)-1]
	if w := displayWidth(last); w == 0 || w > 80 {
		t.Errorf("frame %q is %d columns wide", last, w)
	}
}

// displayWidth counts East Asian wide characters as two columns and ANSI escapes as none.
func displayWidth(s string) int {
	s = regexp.MustCompile("\x1b\\[[0-9;]*[A-Za-z]").ReplaceAllString(s, "")
	n := 0
	for _, r := range s {
		switch {
		case r >= 0x1100 && (r <= 0x115f || r >= 0x2e80 && r <= 0xa4cf || r >= 0xac00 && r <= 0xd7a3 || r >= 0xf900 && r <= 0xfaff ||
			r >= 0xfe30 && r <= 0xfe4f || r >= 0xff00 && r <= 0xff60 || r >= 0xffe0 && r <= 0xffe6):
			n += 2
		case r >= 0x20:
			n++
		}
	}
	return n
}
