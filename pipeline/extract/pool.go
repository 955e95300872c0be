package extract

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"xxgk/pipeline"
	"xxgk/pipeline/decode"
)

// Limits bound the reading of one file. See the package documentation for how they are
// enforced.
type Limits struct {
	// CPU is the CPU time a decoding worker may spend on one file (rounded up to whole
	// seconds; the tools it starts are bounded by decode.ToolTimeout and decode.ConvertTimeout).
	CPU time.Duration
	// Wall is the wall-clock time one file may take in a decoding worker, and then parsing.
	Wall time.Duration
	// InProcess is the wall-clock time the in-process part of a read may take: decoding text
	// and HTML, and parsing and validating any file (0: 30 s). A read past it fails with
	// pipeline.ErrTimeout; its goroutine cannot be stopped and runs on in the background
	// (counted by Abandoned).
	InProcess time.Duration
	// Memory is the data size (RLIMIT_DATA) of a decoding worker, inherited by the tools it
	// starts (pdftotext, LibreOffice). 0: the workers together get at most half the memory
	// available (physical, or the control group's limit such as systemd's MemoryMax), each
	// between 256 MiB and 1 GiB.
	Memory int64
	// Workers is the number of decoding workers at most (0: GOMAXPROCS).
	Workers int
	// Isolate decodes container documents (PDF, Word, .doc/.wps) in worker processes. Without
	// it, or where workers cannot be started, they are decoded in-process: the readers' own
	// caps and the Wall deadline still hold, but a fatal error in a reader would end the process.
	Isolate bool
}

// DefaultLimits are the limits of a run: per file 30 s of CPU and 150 s of wall-clock time
// in a worker (the LibreOffice conversion timeout and some), 30 s in-process; one worker per
// core (GOMAXPROCS), each with its share of the memory (see Limits.Memory).
func DefaultLimits() Limits {
	return Limits{CPU: 30 * time.Second, Wall: 150 * time.Second, InProcess: 30 * time.Second, Isolate: true}
}

// workerMemory is the default memory of each of n workers.
func workerMemory(n int) int64 {
	const lo, hi = 256 << 20, 1 << 30
	avail := memoryAvailable()
	if avail <= 0 {
		return hi
	}
	return min(max(avail/int64(2*n), lo), hi)
}

var (
	readerMu sync.Mutex
	current  *reader
)

// reader reads files under one set of limits.
type reader struct {
	lim  Limits
	pool *pool // nil: everything in-process
}

func theReader() *reader {
	readerMu.Lock()
	defer readerMu.Unlock()
	if current == nil {
		current = newReader(DefaultLimits())
	}
	return current
}

func newReader(l Limits) *reader {
	if l.Wall <= 0 {
		l.Wall = DefaultLimits().Wall
	}
	if l.InProcess <= 0 {
		l.InProcess = DefaultLimits().InProcess
	}
	if l.Workers <= 0 {
		l.Workers = runtime.GOMAXPROCS(0)
	}
	if l.Memory <= 0 {
		l.Memory = workerMemory(l.Workers)
	}
	r := &reader{lim: l}
	if l.Isolate && workersSupported {
		r.pool = &pool{lim: l, slots: make(chan struct{}, l.Workers)}
	}
	return r
}

// SetLimits sets the limits of the reads that start after it. The workers of the previous
// limits stop once their file is read.
func SetLimits(l Limits) {
	r := newReader(l)
	readerMu.Lock()
	old := current
	current = r
	readerMu.Unlock()
	if old != nil && old.pool != nil {
		old.pool.close()
	}
}

// CurrentLimits returns the limits reads start with.
func CurrentLimits() Limits { return theReader().lim }

// errNoWorker: no worker could be started; the file is read in-process.
var errNoWorker = errors.New("no decoding worker")

// pool is a set of decoding workers, started on demand, kept while they are used.
type pool struct {
	lim   Limits
	slots chan struct{} // a slot per worker that may be busy

	mu     sync.Mutex
	idle   []*worker
	closed bool
	broken bool // a worker could not be started: every file in-process from now on
}

// idleTimeout: a worker unused this long exits.
const idleTimeout = 30 * time.Second

// worker is a decoding worker process.
type worker struct {
	cmd    *exec.Cmd
	in     *os.File
	out    *bufio.Reader
	outF   *os.File
	stderr *headBuffer
	exited chan struct{} // closed once the process has been waited for
	timer  *time.Timer   // idle timeout
	// files counts the files read; the first one pays for the start
	files int
}

// decode decodes b in a worker. It returns errNoWorker when no worker can be started, and
// the time the file took otherwise.
func (p *pool) decode(name string, b []byte) (*decode.Doc, time.Duration, error) {
	p.mu.Lock()
	broken := p.broken
	p.mu.Unlock()
	if broken {
		return nil, 0, errNoWorker
	}
	p.slots <- struct{}{}
	defer func() { <-p.slots }()
	start := time.Now()
	w, err := p.take()
	if err != nil {
		p.mu.Lock()
		first := !p.broken
		p.broken = true
		p.mu.Unlock()
		if first {
			slog.Warn("无法启动解码子进程：PDF 和 Word 文件改在本进程内读取（仍有读取上限和时间上限，但解析器的致命错误会终止本进程）", "error", err)
		}
		return nil, 0, errNoWorker
	}
	q := &request{name: name, path: os.Getenv("PATH"), cpu: p.lim.CPU, toolTimeout: decode.ToolTimeout,
		convert: decode.ConvertTimeout, maxToolOutput: decode.MaxToolOutput, data: b}
	type answer struct {
		res *response
		err error
	}
	done := make(chan answer, 1)
	go func() {
		var a answer
		if a.err = writeRequest(w.in, q); a.err == nil {
			var msg []byte
			if msg, a.err = readFrame(w.out, maxResponse); a.err == nil {
				a.res, a.err = decodeResponse(msg, name)
			}
		}
		done <- a
	}()
	timer := time.NewTimer(p.lim.Wall)
	defer timer.Stop()
	select {
	case a := <-done:
		if a.err != nil {
			w.kill()
			<-w.exited
			return nil, time.Since(start), w.death(name, p.lim, a.err)
		}
		w.files++
		p.put(w)
		res := a.res
		switch {
		case res.doc != nil:
			return res.doc, time.Since(start), nil
		case res.reason != nil:
			return nil, time.Since(start), &pipeline.InputError{Path: name, Reason: res.reason, Detail: res.detail}
		default:
			return nil, time.Since(start), &pipeline.InputError{Path: name, Reason: pipeline.ErrInternal, Detail: "解码时 panic：" + res.panic}
		}
	case <-timer.C:
		w.kill()
		<-w.exited
		<-done
		return nil, time.Since(start), &pipeline.InputError{Path: name, Reason: pipeline.ErrTimeout,
			Detail: fmt.Sprintf("解码超过 %v 未完成（每个文件的时间上限），解码子进程已终止", p.lim.Wall)}
	case <-w.exited:
		<-done
		return nil, time.Since(start), w.death(name, p.lim, nil)
	}
}

// take returns an idle worker, or starts one.
func (p *pool) take() (*worker, error) {
	p.mu.Lock()
	for len(p.idle) > 0 {
		w := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		select {
		case <-w.exited: // it died while idle
			w.timer.Stop()
			continue
		default:
		}
		if w.timer.Stop() {
			p.mu.Unlock()
			return w, nil
		}
		// its idle timeout fired: it is being closed
	}
	p.mu.Unlock()
	return startWorker(p.lim)
}

// put returns a worker to the idle list (or closes it, when the pool is closed).
func (p *pool) put(w *worker) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		w.close()
		return
	}
	w.timer = time.AfterFunc(idleTimeout, func() {
		p.mu.Lock()
		for i, x := range p.idle {
			if x == w {
				p.idle = append(p.idle[:i], p.idle[i+1:]...)
				break
			}
		}
		p.mu.Unlock()
		w.close()
	})
	p.idle = append(p.idle, w)
}

// close stops the idle workers; busy ones stop when their file is read.
func (p *pool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for _, w := range p.idle {
		w.timer.Stop()
		w.close()
	}
	p.idle = nil
}

// startWorker starts a decoding worker: this executable again, in a session of its own.
func startWorker(l Limits) (_ *worker, err error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, errors.Join(err, inR.Close(), inW.Close())
	}
	w := &worker{in: inW, outF: outR, out: bufio.NewReaderSize(outR, 1<<16), stderr: &headBuffer{max: 16 << 10},
		exited: make(chan struct{})}
	cmd := exec.Command(selfExecutable, workerArg)
	cmd.Env = append(os.Environ(), workerEnv+"=1",
		fmt.Sprintf("%s=%d", workerMemEnv, l.Memory),
		fmt.Sprintf("%s=%d", workerFszEnv, max(256<<20, 4*int64(decode.MaxToolOutput))))
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, w.stderr
	workerProcAttr(cmd)
	w.cmd = cmd
	err = cmd.Start()
	// the child has its ends; ours are the other two
	if cerr := errors.Join(inR.Close(), outW.Close()); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		if cmd.Process != nil {
			w.kill()
			cmd.Wait()
		}
		return nil, errors.Join(err, inW.Close(), outR.Close())
	}
	go func() {
		cmd.Wait()
		inW.Close()
		outR.Close()
		close(w.exited)
	}()
	return w, nil
}

// kill kills the worker and every process in its group.
func (w *worker) kill() {
	if w.cmd.Process != nil {
		killGroup(w.cmd.Process.Pid)
	}
}

// close ends an idle worker: its standard input closes, and it is killed for good measure.
func (w *worker) close() {
	w.in.Close()
	w.kill()
}

// death says why a worker died while it read the file called name (or, with ioErr, why its
// answer could not be read).
func (w *worker) death(name string, l Limits, ioErr error) error {
	st := w.cmd.ProcessState
	head := w.stderr.String()
	fatal := firstFatal(head)
	status := "已退出"
	if st != nil {
		status = st.String()
		if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			status = "被信号 " + ws.Signal().String() + " 终止"
		}
	}
	e := &pipeline.InputError{Path: name}
	switch {
	case st != nil && st.ExitCode() == exitCPU || strings.Contains(head, "CPU time limit"):
		e.Reason, e.Detail = pipeline.ErrTimeout, fmt.Sprintf("解码用尽了每个文件的 CPU 时间上限（%v），解码子进程已终止", l.CPU)
	case strings.Contains(head, "out of memory") || strings.Contains(head, "cannot allocate memory") ||
		strings.Contains(head, "pthread_create failed") || strings.Contains(head, "failed to allocate"): // the last: -race
		e.Reason, e.Detail = pipeline.ErrLimit, fmt.Sprintf("解码超过每个解码子进程的内存上限（%d MB），解码子进程已终止：%s", l.Memory>>20, fatal)
	case strings.Contains(head, "stack overflow") || strings.Contains(head, "stack exceeds"):
		e.Reason, e.Detail = pipeline.ErrLimit, "解码时栈溢出（文档结构过深），解码子进程已终止："+fatal
	default:
		e.Reason = pipeline.ErrInternal
		e.Detail = "解码子进程意外终止（" + status + "）"
		if fatal != "" {
			e.Detail += "：" + fatal
		} else if ioErr != nil {
			e.Detail += "：" + ioErr.Error()
		}
	}
	return e
}

// firstFatal returns the first line of a Go runtime's fatal report (or of a panic) in s, or
// else its first line.
func firstFatal(s string) string {
	first := ""
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "fatal error:") || strings.HasPrefix(l, "panic:") || strings.HasPrefix(l, "runtime:") ||
			strings.HasPrefix(l, "xxgk decode worker:") {
			return l
		}
		if first == "" {
			first = l
		}
	}
	return first
}

// headBuffer keeps the first max bytes written to it.
type headBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (h *headBuffer) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if room := h.max - h.buf.Len(); room > 0 {
		h.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (h *headBuffer) String() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.buf.String()
}
