//go:build linux

package extract

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"xxgk/pipeline/decode"
)

// The decoding worker: the running executable started again with workerArg and workerEnv
// set. Package initialisation hands the process over to serveWorker before main runs, so
// that every binary linking this package — xxgk, and the test binaries of every package that
// reads files through it — is its own worker, and tests exercise the path production takes.

const (
	workerArg    = "__xxgk_decode_worker__"
	workerEnv    = "XXGK_DECODE_WORKER"        // "1" in a worker
	workerMemEnv = "XXGK_DECODE_WORKER_MEMORY" // bytes of data (RLIMIT_DATA)
	workerFszEnv = "XXGK_DECODE_WORKER_FSIZE"  // bytes of a file written (RLIMIT_FSIZE)
	// faultEnv enables the faults of testFault (tests of the pool only).
	faultEnv = "XXGK_TEST_WORKER_FAULTS"

	exitCPU = 86 // the worker ran out of CPU time for a file
)

func init() {
	if len(os.Args) == 2 && os.Args[1] == workerArg && os.Getenv(workerEnv) == "1" {
		os.Exit(serveWorker())
	}
}

// serveWorker decodes the files sent on standard input until it closes, and returns the exit
// status. The limits hold for the worker and every tool it starts: RLIMIT_DATA (memory),
// RLIMIT_FSIZE (a file written by a converter), and per file RLIMIT_CPU, whose signal ends
// the worker with exitCPU. A Go stack deeper than 64 MB ends it too ("stack overflow"): the
// reading process records why and starts another worker.
func serveWorker() int {
	if n, err := strconv.ParseInt(os.Getenv(workerMemEnv), 10, 64); err == nil && n > 0 {
		if err := setLimit(syscall.RLIMIT_DATA, uint64(n), uint64(n)); err != nil {
			fmt.Fprintln(os.Stderr, "xxgk decode worker: RLIMIT_DATA:", err)
			return 2
		}
		debug.SetMemoryLimit(n / 4 * 3)
	}
	if n, err := strconv.ParseInt(os.Getenv(workerFszEnv), 10, 64); err == nil && n > 0 {
		if err := setLimit(syscall.RLIMIT_FSIZE, uint64(n), uint64(n)); err != nil {
			fmt.Fprintln(os.Stderr, "xxgk decode worker: RLIMIT_FSIZE:", err)
			return 2
		}
	}
	debug.SetMaxStack(64 << 20)
	xcpu := make(chan os.Signal, 1)
	signal.Notify(xcpu, syscall.SIGXCPU)
	go func() {
		<-xcpu
		fmt.Fprintln(os.Stderr, "xxgk decode worker: CPU time limit of the file reached")
		killSession(os.Getpid(), os.Getpid())
		os.Exit(exitCPU)
	}()
	// the reading process died (the parent-death signal) or asks the worker to stop: end the
	// tools too
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	go func() {
		<-term
		killSession(os.Getpid(), os.Getpid())
		os.Exit(143)
	}()
	faults := os.Getenv(faultEnv) == "1"

	in := bufio.NewReaderSize(os.Stdin, 1<<16)
	out := bufio.NewWriterSize(os.Stdout, 1<<16)
	for {
		q, err := readRequest(in)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return 0
			}
			fmt.Fprintln(os.Stderr, "xxgk decode worker: request:", err)
			return 2
		}
		os.Setenv("PATH", q.path)
		decode.ToolTimeout, decode.ConvertTimeout, decode.MaxToolOutput = q.toolTimeout, q.convert, q.maxToolOutput
		if err := cpuBudget(q.cpu); err != nil {
			fmt.Fprintln(os.Stderr, "xxgk decode worker: RLIMIT_CPU:", err)
			return 2
		}
		doc, panicked, derr := decodeRecover(q.name, q.data, func() {
			if faults {
				testFault(q.name, out)
			}
		})
		if err := writeFrame(out, encodeResponse(doc, derr, panicked)); err != nil {
			return 2
		}
		if err := out.Flush(); err != nil {
			return 2
		}
	}
}

// decodeRecover decodes b; a panic's message comes back in panicked.
func decodeRecover(name string, b []byte, before func()) (doc *decode.Doc, panicked string, err error) {
	defer func() {
		if p := recover(); p != nil {
			doc, panicked, err = nil, fmt.Sprint(p), nil
		}
	}()
	before()
	doc, err = decode.Decode(name, b)
	return doc, "", err
}

// cpuBudget lets the worker use d more CPU time (whole seconds, rounded up) before SIGXCPU.
func cpuBudget(d time.Duration) error {
	if d <= 0 {
		return setLimit(syscall.RLIMIT_CPU, rlimInfinity, rlimInfinity)
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return err
	}
	used := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	secs := uint64((used + d + time.Second - 1) / time.Second)
	return setLimit(syscall.RLIMIT_CPU, secs, rlimInfinity)
}

func setLimit(resource int, soft, hard uint64) error {
	var cur syscall.Rlimit
	if err := syscall.Getrlimit(resource, &cur); err != nil {
		return err
	}
	hard = min(hard, cur.Max)
	return syscall.Setrlimit(resource, &syscall.Rlimit{Cur: min(soft, hard), Max: hard})
}

const rlimInfinity = ^uint64(0)

// testFault makes the worker fail the way a decoder could, on a file whose name carries
// "XXGK-FAULT:<kind>;" (only when faultEnv is set: tests of the pool's containment).
func testFault(name string, out *bufio.Writer) {
	_, rest, ok := strings.Cut(name, "XXGK-FAULT:")
	if !ok {
		return
	}
	kind, _, _ := strings.Cut(rest, ";")
	switch kind {
	case "stack": // unbounded recursion: "fatal error: stack overflow", which recover cannot catch
		var deep func(n int) int
		deep = func(n int) int { return deep(n+1) + 1 }
		deep(0)
	case "oom": // memory until RLIMIT_DATA stops it
		var keep [][]byte
		for {
			c := make([]byte, 64<<20)
			for k := 0; k < len(c); k += 4096 {
				c[k] = 1
			}
			keep = append(keep, c)
			runtime.KeepAlive(keep)
		}
	case "spin": // CPU until RLIMIT_CPU stops it
		for n := 0; ; n++ {
			_ = n * n
		}
	case "hang": // neither CPU nor progress: the wall-clock deadline stops it
		select {}
	case "exit":
		os.Exit(3)
	case "garbage": // a corrupt response
		out.WriteString("\x05\x00\x00\x00\x00\x00\x00\x00junk!")
		out.Flush()
		select {}
	case "panic":
		panic("test fault")
	}
}
