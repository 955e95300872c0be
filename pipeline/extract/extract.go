// Package extract reads one input through the first three stages — decode, parse, validate —
// into a checked canonical report. `xxgk parse`, `xxgk ingest` and `xxgk run` all call it, so
// a file reads the same way everywhere, under the same limits.
//
// # Limits and containment
//
// No input file can stop, hang or exhaust the process that reads it:
//
//   - Container documents — PDF, Word (.docx), legacy .doc/.wps — are decoded in a small pool
//     of worker processes: the running executable started again (see worker.go), one file at
//     a time each. A worker runs with RLIMIT_DATA (Limits.Memory, inherited by pdftotext and
//     LibreOffice), a CPU budget per file (Limits.CPU, through RLIMIT_CPU) and a maximum Go
//     stack of 64 MB, in a session of its own whose processes (the worker, its tools and what
//     they started) are all killed when the file's wall-clock deadline (Limits.Wall) passes;
//     a worker whose reading process dies kills its session and exits. A worker that dies — a fatal Go error such as a stack
//     overflow, which recover cannot catch, running out of memory or CPU, a kill — costs only
//     its file: the file fails with the reason (pipeline.ErrLimit, ErrTimeout or ErrInternal)
//     and the next file gets a new worker. The decoded Doc crosses back over a pipe (wire.go).
//   - Plain text and HTML, the bulk of the inputs and the hot path, are decoded in-process,
//     as are the parser and the rules for every kind: their cost is meant to be linear in the
//     input, whose size decode.MaxSize bounds, and a file that still takes longer than
//     Limits.InProcess fails with pipeline.ErrTimeout while the batch goes on. Its goroutine
//     cannot be stopped: it runs on in the background until it ends or the process exits
//     (a warning names the file; Abandoned counts them). A panic fails the file with
//     pipeline.ErrInternal.
//   - The readers carry their own caps whatever runs them: the Word reader's depth, element,
//     expanded-size and text caps (decode/docx.go), external tools' timeouts, output caps and
//     process-group kills (decode/tool.go).
//
// Where workers cannot be started (not Linux, or exec fails), containers are decoded
// in-process under the same caps and deadline, and a warning says so once.
package extract

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"xxgk/pipeline"
	"xxgk/pipeline/decode"
	"xxgk/pipeline/parse"
	"xxgk/pipeline/validate"
	"xxgk/schemas"
)

// Options are the parser's options: region, year, scope and body known from outside the text
// (a flag or a manifest).
type Options = parse.Options

// Bytes reads the content b of the file called path. A file that cannot be decoded at all
// (empty, binary, unknown encoding, too large, beyond a limit, too slow) gives a nil report
// and an *pipeline.InputError; anything decodable gives a report whose Problems and Status say
// how well it was read (a text that is not a report has status failed and a not_report
// problem). Bytes never panics and returns within the Wall limit (see the package doc).
func Bytes(path string, b []byte, opt Options) (*schemas.Report, error) {
	return theReader().read(path, b, opt)
}

// File reads and extracts the file at path (at most decode.MaxSize bytes are read).
func File(path string, opt Options) (*schemas.Report, error) {
	b, err := readCapped(path, int64(decode.MaxSize))
	if err != nil {
		if e, ok := err.(*pipeline.InputError); ok {
			return nil, e
		}
		return nil, &pipeline.InputError{Path: path, Reason: fmt.Errorf("无法读取文件: %w", err)}
	}
	return Bytes(path, b, opt)
}

// readCapped reads at most max bytes of the file at path; a larger file is ErrTooLarge.
func readCapped(path string, max int64) (_ []byte, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, &pipeline.InputError{Path: path, Reason: pipeline.ErrTooLarge, Detail: fmt.Sprintf("超过 %d 字节", max)}
	}
	return b, nil
}

// read decodes (in a worker for containers), parses and validates, within the limits.
func (r *reader) read(path string, b []byte, opt Options) (*schemas.Report, error) {
	wall := r.lim.InProcess
	if decode.IsContainer(path, b) {
		if r.pool != nil {
			doc, took, err := r.pool.decode(path, b)
			switch {
			case err == errNoWorker:
			case err != nil:
				return nil, err
			default:
				return inProcess(path, min(r.lim.InProcess, r.lim.Wall-took), func() (*schemas.Report, error) { return fromDoc(doc, opt), nil })
			}
		}
		wall = r.lim.Wall // decoded in-process: a conversion may take its time
	}
	return inProcess(path, wall, func() (*schemas.Report, error) {
		doc, err := decode.Decode(path, b)
		if err != nil {
			return nil, err
		}
		return fromDoc(doc, opt), nil
	})
}

// fromDoc parses and validates a decoded document.
func fromDoc(doc *decode.Doc, opt Options) *schemas.Report {
	r := parse.Parse(doc, opt)
	r.Encoding, r.Kind = doc.Encoding, doc.Kind
	if doc.Truncated {
		r.AddProblem(schemas.Problem{Code: schemas.ProblemTruncated, Severity: schemas.SeverityWarning,
			Message: "文件不完整（在字符或页面中间截断），缺失部分的数字按缺失处理"})
	}
	for _, n := range doc.Notes {
		r.AddProblem(schemas.Problem{Code: "decode", Severity: schemas.SeverityInfo, Message: n})
	}
	validate.Derive(r)
	r.Checks = validate.Report(r)
	r.Status = validate.Status(r)
	return r
}

// Abandoned counts the in-process reads that passed their deadline and still run (their
// files were recorded as timed out).
var Abandoned atomic.Int64

// inProcess runs read on its own goroutine and waits for it at most wall: a panic becomes
// pipeline.ErrInternal, a read past the deadline pipeline.ErrTimeout.
func inProcess(path string, wall time.Duration, read func() (*schemas.Report, error)) (*schemas.Report, error) {
	type outcome struct {
		r   *schemas.Report
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- outcome{err: &pipeline.InputError{Path: path, Reason: pipeline.ErrInternal, Detail: fmt.Sprint(p)}}
			}
		}()
		r, err := read()
		done <- outcome{r, err}
	}()
	timer := time.NewTimer(max(wall, time.Millisecond))
	defer timer.Stop()
	select {
	case o := <-done:
		return o.r, o.err
	case <-timer.C:
		slog.Warn("文件处理超时，已记为失败；其解析无法中止，仍在后台运行，直到结束或本进程退出",
			"path", path, "limit", wall, "still_running", Abandoned.Add(1))
		go func() {
			<-done
			Abandoned.Add(-1)
		}()
		return nil, &pipeline.InputError{Path: path, Reason: pipeline.ErrTimeout,
			Detail: fmt.Sprintf("读取超过 %v 未完成（每个文件的时间上限）", wall.Round(time.Millisecond))}
	}
}

// Failure returns why a report is unusable as a whole (not a report, no tables, pre-2019
// prose, needs OCR), or "" when it was read at least in part.
func Failure(r *schemas.Report) string {
	if r.Status != schemas.StatusFailed {
		return ""
	}
	for _, p := range r.Problems {
		switch p.Code {
		case schemas.ProblemNotReport, schemas.ProblemUndecodable, schemas.ProblemTableMissing,
			schemas.ProblemPre2019, schemas.ProblemNeedsOCR, schemas.ProblemUnsupported:
			return p.Message
		}
	}
	if len(r.Problems) > 0 {
		return r.Problems[0].Message
	}
	return "未能读取"
}
