package decode

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"xxgk/pipeline"
)

// External tools. A missing tool gives an *pipeline.InputError wrapping
// pipeline.ErrToolMissing that names the Debian package to install.
//
// Every run of a tool is bounded: a wall-clock timeout, a cap on what it may write to standard
// output (and on the file a conversion writes), and on either limit the tool is killed with
// every process it started (it runs in a process group of its own, killed as a whole; it is
// also killed when the thread that started it dies). When Decode runs in a decoding worker
// (package extract), the tools inherit the worker's memory and file-size limits too.
var (
	// ToolTimeout bounds one run of pdftotext.
	ToolTimeout = 60 * time.Second
	// MaxToolOutput bounds what an external tool may write to standard output, and the size of
	// the file a conversion writes, in bytes.
	MaxToolOutput = 64 << 20
)

// errToolTimeout and errToolOutput are the limits of a tool's run.
var (
	errToolTimeout = errors.New("超时")
	errToolOutput  = errors.New("输出超过上限")
)

// toolLimit says whether err is a limit of a tool's run, and which reason it is stored with.
func toolLimit(err error) (error, bool) {
	switch {
	case errors.Is(err, errToolTimeout):
		return pipeline.ErrTimeout, true
	case errors.Is(err, errToolOutput):
		return pipeline.ErrLimit, true
	}
	return nil, false
}

// tool is an external program and the Debian package that provides it.
type tool struct {
	name string
	pkg  string
}

var pdftotextTool = &tool{name: "pdftotext", pkg: "poppler-utils"}

// look finds the tool on PATH (each call looks again: a tool installed while a long run is
// going is picked up).
func (t *tool) look() (string, error) {
	return exec.LookPath(t.name)
}

func (t *tool) missing(name string) error {
	return inputError(name, pipeline.ErrToolMissing,
		"需要 %s 读取此文件，但未安装（Debian/Ubuntu：apt-get install %s）", t.name, t.pkg)
}

// HasTool reports whether the external tool cmd (pdftotext, libreoffice) is installed.
func HasTool(cmd string) bool {
	_, err := exec.LookPath(cmd)
	return err == nil
}

// limitedBuffer is a bytes.Buffer that refuses to grow past max bytes; the first write past
// it calls over (which kills the tool: it would otherwise block on a full pipe until its
// timeout).
type limitedBuffer struct {
	buf  bytes.Buffer
	max  int
	over func()
	hit  bool
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if l.hit || l.buf.Len()+len(p) > l.max {
		if !l.hit && l.over != nil {
			l.over()
		}
		l.hit = true
		return 0, errToolOutput
	}
	return l.buf.Write(p)
}

// runTool runs path with args, feeding stdin, within timeout and MaxToolOutput bytes of
// standard output. It returns standard output and the first lines of standard error; on a
// limit, an error wrapping errToolTimeout or errToolOutput. The tool's process group is
// killed when it ends, so that nothing it started outlives it.
func runTool(ctx context.Context, timeout time.Duration, path string, stdin []byte, args ...string) (out []byte, stderr string, err error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	overflow := make(chan struct{})
	stdout := &limitedBuffer{max: MaxToolOutput, over: func() { close(overflow); cancel() }}
	errBuf := &limitedBuffer{max: 64 << 10}
	cmd.Stdout = stdout
	cmd.Stderr = errBuf
	ownProcessGroup(cmd)
	cmd.Cancel = func() error { return killProcessGroup(cmd) }
	cmd.WaitDelay = 2 * time.Second
	err = cmd.Run()
	if cmd.Process != nil {
		_ = killProcessGroup(cmd) // what the tool left running (a daemon, a converter child)
	}
	stderr = firstLines(errBuf.buf.String(), 3)
	select {
	case <-overflow:
		return nil, stderr, fmt.Errorf("%w（%d 字节）", errToolOutput, MaxToolOutput)
	default:
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil, stderr, fmt.Errorf("%w：超过 %v 未完成", errToolTimeout, timeout)
	}
	return stdout.buf.Bytes(), stderr, err
}

// readCapped reads the file at path when it holds at most max bytes.
func readCapped(path string, max int64) (_ []byte, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%w（生成的文件超过 %d 字节）", errToolOutput, max)
	}
	return b, nil
}

// firstLines returns the first n non-empty lines of s, joined by "; ".
func firstLines(s string, n int) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
			if len(out) == n {
				break
			}
		}
	}
	return strings.Join(out, "; ")
}
