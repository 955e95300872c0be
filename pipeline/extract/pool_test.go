package extract

import (
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"xxgk/pipeline"
	"xxgk/pipeline/decode"
	"xxgk/pipeline/decode/decodetest"
	"xxgk/schemas"
)

// withLimits runs the test with limits l (and fresh workers), restoring the defaults after.
func withLimits(t testing.TB, l Limits) *reader {
	t.Helper()
	SetLimits(l)
	t.Cleanup(func() { SetLimits(DefaultLimits()) })
	return theReader()
}

// docs are container documents the workers decode: the real PDFs (word positions and pages),
// Word with tables and spans.
func docs(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	pdfs, _ := filepath.Glob("../decode/testdata/pdf/*.pdf")
	if len(pdfs) == 0 {
		t.Fatal("no PDF in ../decode/testdata/pdf")
	}
	for _, p := range pdfs {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = b
	}
	cell := func(s, pr string) string {
		return `<w:tc><w:tcPr>` + pr + `</w:tcPr>` + decodetest.Para(s) + `</w:tc>`
	}
	out["tables.docx"] = decodetest.DOCX(decodetest.One(decodetest.Para("XX县2023年政府信息公开工作年度报告") +
		`<w:tbl><w:tblPr><w:tblW w:w="6000" w:type="dxa"/></w:tblPr><w:tblGrid><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/></w:tblGrid><w:tr>` + cell("申请人情况", `<w:gridSpan w:val="2"/>`) + cell("总计", `<w:vMerge w:val="restart"/>`) + `</w:tr>` +
		`<w:tr>` + cell("自然人", "") + cell("商业企业", "") + cell("", `<w:vMerge/>`) + `</w:tr></w:tbl>` + decodetest.Para("二、主动公开政府信息情况")))
	out["traditional.docx"] = decodetest.DOCX(decodetest.One(decodetest.Para("一、總體情況。本機關收到政府信息公開申請，依申請公開，處理費")))
	return out
}

// legacyDOC converts a Word document to a legacy .doc with LibreOffice.
func legacyDOC(t testing.TB, docx []byte) []byte {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "r.docx")
	if err := os.WriteFile(src, docx, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("libreoffice", "-env:UserInstallation=file://"+filepath.Join(dir, "p"), "--headless", "--convert-to", "doc", "--outdir", dir, src)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("libreoffice: %v %s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "r.doc"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestWorkerDecodesLikeInProcess decodes each document in-process and in a worker (a legacy
// .doc too, through LibreOffice under the worker's limits, when it is installed): the Docs are
// identical, field by field (nil and empty slices alike), and the worker really ran.
func TestWorkerDecodesLikeInProcess(t *testing.T) {
	r := withLimits(t, DefaultLimits())
	if r.pool == nil {
		t.Fatal("no worker pool on Linux")
	}
	all := docs(t)
	if decode.HasTool("libreoffice") { // through LibreOffice, under the worker's limits
		all["legacy.doc"] = legacyDOC(t, all["tables.docx"])
	}
	for name, b := range all {
		t.Run(name, func(t *testing.T) {
			want, werr := decode.Decode(name, b)
			got, _, gerr := r.pool.decode(name, b)
			if werr != nil || gerr != nil {
				t.Fatalf("in-process %v, worker %v", werr, gerr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("the worker's Doc differs:\n got %+v\nwant %+v", abbrev(got), abbrev(want))
			}
			if strings.HasSuffix(name, ".pdf") && (got.Words == nil || got.PageOfLine == nil) {
				t.Errorf("no word positions or pages from the worker")
			}
			if strings.HasSuffix(name, "tables.docx") && got.Spans == nil {
				t.Errorf("no spans from the worker")
			}
		})
	}
	// a started worker is idle in the pool, and is a process of its own
	r.pool.mu.Lock()
	idle := len(r.pool.idle)
	var pid int
	if idle > 0 {
		pid = r.pool.idle[0].cmd.Process.Pid
	}
	r.pool.mu.Unlock()
	if idle == 0 || pid == os.Getpid() {
		t.Fatalf("%d idle workers (pid %d)", idle, pid)
	}
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err != nil || !strings.Contains(string(b), workerArg) {
		t.Errorf("worker %d: command line %q, %v", pid, b, err)
	}
}

func abbrev(d *decode.Doc) string {
	if d == nil {
		return "<nil>"
	}
	return fmt.Sprintf("{Kind %s Enc %s Size %d Pages %d Text %.60q… Notes %q lines %d words %d spans %d}",
		d.Kind, d.Encoding, d.Size, d.Pages, d.Text, d.Notes, len(d.PageOfLine), len(d.Words), len(d.Spans))
}

// faultName is the name of a file on which a worker started with faultEnv fails as kind says.
func faultName(kind string) string { return "XXGK-FAULT:" + kind + ";.docx" }

// TestContainment makes a worker fail in every way a decoder could — a stack overflow (the
// fatal error of issue 11 that recover cannot catch), running out of memory, CPU or wall
// time, exiting, answering garbage, panicking — and checks that each costs only its file,
// with the reason it is stored with, that the killed worker is gone, and that the next file
// is read by a new worker.
func TestContainment(t *testing.T) {
	t.Setenv(faultEnv, "1")
	good := docs(t)["tables.docx"]
	// a wall-clock deadline far above the CPU budget, but for the case that tests it: on a
	// loaded machine a second of CPU takes many seconds
	lim := Limits{CPU: time.Second, Wall: 10 * time.Minute, Memory: 512 << 20, Workers: 1, Isolate: true}
	cases := []struct {
		kind   string
		wall   time.Duration
		reason error
		detail string
	}{
		{"stack", 0, pipeline.ErrLimit, "栈溢出"},
		{"oom", 0, pipeline.ErrLimit, "内存上限"},
		{"spin", 0, pipeline.ErrTimeout, "CPU 时间上限"},
		{"hang", 2 * time.Second, pipeline.ErrTimeout, "时间上限"},
		{"exit", 0, pipeline.ErrInternal, "意外终止"},
		{"garbage", 0, pipeline.ErrInternal, "意外终止"},
		{"panic", 0, pipeline.ErrInternal, "panic：test fault"},
	}
	for _, c := range cases {
		t.Run(c.kind, func(t *testing.T) {
			l := lim
			if c.wall > 0 {
				l.Wall = c.wall
			}
			r := withLimits(t, l)
			name := faultName(c.kind)
			_, err := Bytes(name, good, Options{})
			var ie *pipeline.InputError
			detail := c.detail
			if c.kind == "stack" && raceEnabled {
				detail = "内存上限"
			}
			if !errors.As(err, &ie) || ie.Path != name || !errors.Is(err, c.reason) || !strings.Contains(ie.Detail, detail) {
				t.Fatalf("got %v, want %v with %q", err, c.reason, detail)
			}
			t.Logf("%v", err)
			rep, err := Bytes("good.docx", good, Options{})
			if err != nil || rep == nil {
				t.Fatalf("the next file: %v", err)
			}
			r.pool.mu.Lock()
			n := len(r.pool.idle)
			r.pool.mu.Unlock()
			if n != 1 {
				t.Errorf("%d idle workers, want 1 (the pool has one slot)", n)
			}
		})
	}
}

// TestToolPastDeadline: a tool that still runs when the file's deadline passes (LibreOffice
// hanging, with a child, longer than the wall-clock limit) is killed with its worker: nothing
// of the session is left.
func TestToolPastDeadline(t *testing.T) {
	fake := t.TempDir()
	if err := decodetest.FakeTools(fake); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", fake+string(os.PathListSeparator)+os.Getenv("PATH"))
	d := decode.ConvertTimeout
	decode.ConvertTimeout = time.Hour
	defer func() { decode.ConvertTimeout = d }()
	withLimits(t, Limits{CPU: time.Minute, Wall: 3 * time.Second, Workers: 1, Isolate: true})
	var hang []byte
	for _, c := range decodetest.Hostile() {
		if c.Name == "hang.doc" {
			hang = c.Make()
		}
	}
	_, err := Bytes("hang.doc", hang, Options{})
	if !errors.Is(err, pipeline.ErrTimeout) || !strings.Contains(err.Error(), "解码子进程已终止") {
		t.Fatalf("got %v, want the worker's deadline", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		left := decodetest.Sleepers()
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("left running: %v", left)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestNoWorkersLeft checks that closing a pool ends its workers.
func TestNoWorkersLeft(t *testing.T) {
	r := withLimits(t, DefaultLimits())
	if _, _, err := r.pool.decode("t.docx", docs(t)["tables.docx"]); err != nil {
		t.Fatal(err)
	}
	r.pool.mu.Lock()
	w := r.pool.idle[0]
	r.pool.mu.Unlock()
	SetLimits(DefaultLimits()) // closes the old pool
	select {
	case <-w.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("the worker of a closed pool still runs")
	}
	if err := syscall.Kill(w.cmd.Process.Pid, 0); err == nil {
		t.Errorf("process %d still exists", w.cmd.Process.Pid)
	}
}

// TestInProcessDeadline: a read in-process that passes its deadline is a timeout, and a panic
// an internal error; neither stops the caller.
func TestInProcessDeadline(t *testing.T) {
	withLimits(t, Limits{InProcess: time.Nanosecond, Isolate: true})
	text := []byte("一、总体情况\n" + strings.Repeat("| 自然人 | 1 | 2 | 3 |\n", 100_000))
	_, err := Bytes("big.txt", text, Options{})
	if !errors.Is(err, pipeline.ErrTimeout) {
		t.Fatalf("got %v, want a timeout", err)
	}
	_, err = inProcess("p.txt", time.Second, func() (*schemas.Report, error) { panic("boom") })
	if !errors.Is(err, pipeline.ErrInternal) || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("panic: %v", err)
	}
}

// TestWire sends Docs with every field set, nil and empty slices, and odd floats through the
// protocol and gets them back unchanged; the list of fields guards against a field added to
// decode.Doc without being sent.
func TestWire(t *testing.T) {
	sent := []string{"Name", "Text", "Encoding", "Kind", "Traditional", "Size", "Title", "Truncated", "Notes", "Pages",
		"PageOfLine", "Words", "Spans"}
	var fields []string
	for _, f := range reflect.VisibleFields(reflect.TypeOf(decode.Doc{})) {
		fields = append(fields, f.Name)
	}
	if !reflect.DeepEqual(fields, sent) {
		t.Fatalf("decode.Doc has fields %v; wire.go sends %v: send the new field and add it here", fields, sent)
	}
	docs := []*decode.Doc{
		{Name: "a", Text: "一\n| a | b |\n", Encoding: "utf-8", Kind: "docx", Traditional: true, Size: 42, Title: "标题",
			Truncated: true, Notes: []string{"注", ""}, Pages: 2, PageOfLine: []int{1, 2, -3},
			Words: [][]decode.Word{nil, {}, {{Text: "字", X0: 1.5, X1: -1}, {Text: "", X0: math.Inf(1), X1: math.MaxFloat64}}},
			Spans: [][]uint16{nil, {2, 0}, {}}},
		{Name: "b", Notes: []string{}, PageOfLine: []int{}, Words: [][]decode.Word{}, Spans: [][]uint16{}},
		{Name: "c"},
	}
	for _, d := range docs {
		e := &encoder{}
		encodeDoc(e, d)
		got := decodeDoc(&decoder{b: e.b}, d.Name)
		if !reflect.DeepEqual(got, d) {
			t.Errorf("round trip:\n got %#v\nwant %#v", got, d)
		}
		res, err := decodeResponse(encodeResponse(d, nil, ""), d.Name)
		if err != nil || !reflect.DeepEqual(res.doc, d) {
			t.Errorf("response: %v %#v", err, res)
		}
	}
	for _, reason := range reasons {
		in := &pipeline.InputError{Path: "x", Reason: reason, Detail: "细节"}
		res, err := decodeResponse(encodeResponse(nil, fmt.Errorf("wrapped: %w", in), ""), "x")
		if err != nil || res.reason != reason || res.detail != "细节" {
			t.Errorf("%v: %v %+v", reason, err, res)
		}
	}
	nan := &decode.Doc{Words: [][]decode.Word{{{X0: math.NaN()}}}}
	e := &encoder{}
	encodeDoc(e, nan)
	if got := decodeDoc(&decoder{b: e.b}, ""); got == nil || !math.IsNaN(got.Words[0][0].X0) {
		t.Errorf("NaN: %+v", got)
	}
}

// FuzzWire feeds arbitrary bytes to the reading side of the protocol: never a panic, never an
// allocation beyond what the message holds.
func FuzzWire(f *testing.F) {
	e := &encoder{}
	encodeDoc(e, &decode.Doc{Text: "一", Notes: []string{"a"}, Words: [][]decode.Word{{{Text: "x"}}}, Spans: [][]uint16{{1}}})
	f.Add(append([]byte{statusDoc}, e.b...))
	f.Add([]byte{statusInput, 3, 2, 'a', 'b'})
	f.Add([]byte{statusDoc, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := decodeResponse(b, "f")
		if err == nil && res.doc == nil && res.reason == nil && res.panic == "" && (len(b) == 0 || b[0] != statusPanic) {
			t.Fatalf("no error and nothing decoded from %q", b)
		}
	})
}

// TestWithoutWorkers reads a Word and a PDF report with Isolate off (what happens where
// workers cannot start): in-process, to the same report as through a worker.
func TestWithoutWorkers(t *testing.T) {
	withLimits(t, DefaultLimits())
	want := map[string]*schemas.Report{}
	for name, b := range docs(t) {
		r, err := Bytes(name, b, Options{})
		if err != nil {
			t.Fatal(err)
		}
		want[name] = r
	}
	r := withLimits(t, Limits{Isolate: false})
	if r.pool != nil {
		t.Fatal("a pool without isolation")
	}
	for name, b := range docs(t) {
		got, err := Bytes(name, b, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want[name]) {
			t.Errorf("%s: in-process report differs from the worker's", name)
		}
	}
}
