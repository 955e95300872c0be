package decode

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"xxgk/pipeline"
)

// External tools. A missing tool gives an *pipeline.InputError wrapping
// pipeline.ErrToolMissing that names the Debian package to install.
var (
	// ToolTimeout bounds one run of an external tool (pdftotext, pdfinfo, libreoffice).
	ToolTimeout = 60 * time.Second
	// MaxToolOutput bounds what an external tool may write to standard output, in bytes.
	MaxToolOutput = 64 << 20
)

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

// HasTool reports whether the external tool cmd (pdftotext, pdfinfo, libreoffice) is installed.
func HasTool(cmd string) bool {
	_, err := exec.LookPath(cmd)
	return err == nil
}

// limitedBuffer is a bytes.Buffer that refuses to grow past max bytes.
type limitedBuffer struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if l.buf.Len()+len(p) > l.max {
		l.over = true
		return 0, errors.New("output limit exceeded")
	}
	return l.buf.Write(p)
}

// runTool runs path with args, feeding stdin, with a timeout and MaxToolOutput. It returns
// standard output and the first lines of standard error.
func runTool(ctx context.Context, timeout time.Duration, path string, stdin []byte, args ...string) (out []byte, stderr string, err error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	stdout := &limitedBuffer{max: MaxToolOutput}
	errBuf := &limitedBuffer{max: 64 << 10}
	cmd.Stdout = stdout
	cmd.Stderr = errBuf
	cmd.WaitDelay = 5 * time.Second
	err = cmd.Run()
	stderr = firstLines(errBuf.buf.String(), 3)
	switch {
	case stdout.over:
		return nil, stderr, fmt.Errorf("输出超过 %d 字节", MaxToolOutput)
	case ctx.Err() == context.DeadlineExceeded:
		return nil, stderr, fmt.Errorf("超过 %v 未完成", timeout)
	}
	return stdout.buf.Bytes(), stderr, err
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
