package extract

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"xxgk/pipeline"
	"xxgk/pipeline/decode"
)

// The protocol between the process that reads a file and its decoding worker, over the
// worker's standard input and output: one request, one response, in turn. Integers are
// uvarints; strings and byte slices carry their length first; a slice that may be nil
// carries its length plus one (0: nil), so that a Doc crosses exactly as it was made.

const (
	requestMagic  = "XXGKDEC1"
	maxRequest    = 1 << 30 // bytes of a file sent to a worker
	maxResponse   = 1 << 30 // bytes of a decoded Doc sent back
	statusDoc     = 0
	statusInput   = 1 // an *pipeline.InputError
	statusPanic   = 2
	maxNameLength = 1 << 16
)

// request is one file for a worker, with the settings of the decode package it is read with.
type request struct {
	name          string
	path          string // the PATH the tools are looked up in
	cpu           time.Duration
	toolTimeout   time.Duration
	convert       time.Duration
	maxToolOutput int
	data          []byte
}

// reasons are the sentinel errors an InputError crosses with, by index.
var reasons = []error{pipeline.ErrEmpty, pipeline.ErrBinary, pipeline.ErrEncoding, pipeline.ErrTooLarge,
	pipeline.ErrNotReport, pipeline.ErrUnsupported, pipeline.ErrNeedsOCR, pipeline.ErrToolMissing,
	pipeline.ErrEncrypted, pipeline.ErrCorrupt, pipeline.ErrLimit, pipeline.ErrTimeout, pipeline.ErrInternal}

type encoder struct{ b []byte }

func (e *encoder) uint(v uint64)   { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) int(v int)       { e.b = binary.AppendVarint(e.b, int64(v)) }
func (e *encoder) str(s string)    { e.uint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *encoder) float(f float64) { e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(f)) }
func (e *encoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

// count writes the length of a slice that may be nil.
func (e *encoder) count(n int, isNil bool) {
	if isNil {
		e.uint(0)
		return
	}
	e.uint(uint64(n) + 1)
}

var errWire = errors.New("decoding worker: malformed message")

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errWire
	}
	d.b = nil
}

func (d *decoder) uint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) int() int {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return int(v)
}

func (d *decoder) str() string {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) float() float64 {
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return f
}

func (d *decoder) bool() bool {
	if len(d.b) < 1 || d.b[0] > 1 {
		d.fail()
		return false
	}
	v := d.b[0] == 1
	d.b = d.b[1:]
	return v
}

// count reads the length of a slice that may be nil, each of whose elements takes at least
// min bytes (so that a corrupt length cannot make it allocate more than the message holds).
func (d *decoder) count(min int) (n int, isNil bool) {
	v := d.uint()
	if v == 0 {
		return 0, true
	}
	v--
	if v > uint64(len(d.b)/min) {
		d.fail()
		return 0, true
	}
	return int(v), false
}

// encodeDoc writes every field of a Doc but its Name (the reading process knows it).
func encodeDoc(e *encoder, d *decode.Doc) {
	e.str(d.Text)
	e.str(d.Encoding)
	e.str(d.Kind)
	e.bool(d.Traditional)
	e.int(d.Size)
	e.str(d.Title)
	e.bool(d.Truncated)
	e.count(len(d.Notes), d.Notes == nil)
	for _, n := range d.Notes {
		e.str(n)
	}
	e.int(d.Pages)
	e.count(len(d.PageOfLine), d.PageOfLine == nil)
	for _, p := range d.PageOfLine {
		e.int(p)
	}
	e.count(len(d.Words), d.Words == nil)
	for _, line := range d.Words {
		e.count(len(line), line == nil)
		for _, w := range line {
			e.str(w.Text)
			e.float(w.X0)
			e.float(w.X1)
		}
	}
	e.count(len(d.Spans), d.Spans == nil)
	for _, line := range d.Spans {
		e.count(len(line), line == nil)
		for _, s := range line {
			e.uint(uint64(s))
		}
	}
}

// decodeDoc reads what encodeDoc wrote.
func decodeDoc(d *decoder, name string) *decode.Doc {
	doc := &decode.Doc{Name: name}
	doc.Text = d.str()
	doc.Encoding = d.str()
	doc.Kind = d.str()
	doc.Traditional = d.bool()
	doc.Size = d.int()
	doc.Title = d.str()
	doc.Truncated = d.bool()
	if n, isNil := d.count(1); !isNil {
		doc.Notes = make([]string, n)
		for i := range doc.Notes {
			doc.Notes[i] = d.str()
		}
	}
	doc.Pages = d.int()
	if n, isNil := d.count(1); !isNil {
		doc.PageOfLine = make([]int, n)
		for i := range doc.PageOfLine {
			doc.PageOfLine[i] = d.int()
		}
	}
	if n, isNil := d.count(1); !isNil {
		doc.Words = make([][]decode.Word, n)
		for i := range doc.Words {
			if m, isNil := d.count(17); !isNil {
				line := make([]decode.Word, m)
				for k := range line {
					line[k] = decode.Word{Text: d.str(), X0: d.float(), X1: d.float()}
				}
				doc.Words[i] = line
			}
		}
	}
	if n, isNil := d.count(1); !isNil {
		doc.Spans = make([][]uint16, n)
		for i := range doc.Spans {
			if m, isNil := d.count(1); !isNil {
				line := make([]uint16, m)
				for k := range line {
					v := d.uint()
					if v > math.MaxUint16 {
						d.fail()
					}
					line[k] = uint16(v)
				}
				doc.Spans[i] = line
			}
		}
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail()
	}
	if d.err != nil {
		return nil
	}
	return doc
}

// frame writes a length-prefixed message.
func writeFrame(w io.Writer, b []byte) error {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
	if _, err := w.Write(n[:]); err != nil {
		return err
	}
	_, err := w.Write(b)
	return err
}

// readFrame reads a length-prefixed message of at most max bytes.
func readFrame(r *bufio.Reader, max int) ([]byte, error) {
	var n [8]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, err
	}
	size := binary.LittleEndian.Uint64(n[:])
	if size > uint64(max) {
		return nil, fmt.Errorf("%w: %d bytes", errWire, size)
	}
	b := make([]byte, size)
	if _, err := io.ReadFull(r, b); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return b, nil
}

func writeRequest(w io.Writer, q *request) error {
	e := &encoder{b: make([]byte, 0, 128+len(q.name)+len(q.path))}
	e.b = append(e.b, requestMagic...)
	e.str(q.name)
	e.str(q.path)
	e.uint(uint64(q.cpu))
	e.uint(uint64(q.toolTimeout))
	e.uint(uint64(q.convert))
	e.uint(uint64(q.maxToolOutput))
	e.uint(uint64(len(q.data)))
	if err := writeFrame(w, e.b); err != nil {
		return err
	}
	_, err := w.Write(q.data)
	return err
}

func readRequest(r *bufio.Reader) (*request, error) {
	head, err := readFrame(r, 2*maxNameLength+256)
	if err != nil {
		return nil, err
	}
	if len(head) < len(requestMagic) || string(head[:len(requestMagic)]) != requestMagic {
		return nil, errWire
	}
	d := &decoder{b: head[len(requestMagic):]}
	q := &request{name: d.str(), path: d.str()}
	q.cpu = time.Duration(d.uint())
	q.toolTimeout = time.Duration(d.uint())
	q.convert = time.Duration(d.uint())
	q.maxToolOutput = int(min(d.uint(), math.MaxInt32))
	size := d.uint()
	if d.err != nil || len(d.b) != 0 || size > maxRequest {
		return nil, errWire
	}
	q.data = make([]byte, size)
	if _, err := io.ReadFull(r, q.data); err != nil {
		return nil, err
	}
	return q, nil
}

// response is a worker's answer: a Doc, an input error, or a panic's message.
type response struct {
	doc    *decode.Doc
	reason error
	detail string
	panic  string
}

func encodeResponse(doc *decode.Doc, err error, panicked string) []byte {
	e := &encoder{}
	var ie *pipeline.InputError
	switch {
	case panicked != "":
		e.b = append(e.b, statusPanic)
		e.str(panicked)
	case err == nil && doc != nil:
		e.b = slices.Grow(e.b, len(doc.Text)+64)
		e.b = append(e.b, statusDoc)
		encodeDoc(e, doc)
	case errors.As(err, &ie):
		e.b = append(e.b, statusInput)
		idx := len(reasons) - 1 // ErrInternal
		for i, r := range reasons {
			if errors.Is(ie.Reason, r) {
				idx = i
				break
			}
		}
		e.uint(uint64(idx))
		e.str(ie.Detail)
	default:
		e.b = append(e.b, statusPanic)
		e.str(fmt.Sprintf("解码返回了意外的错误：%v", err))
	}
	return e.b
}

func decodeResponse(b []byte, name string) (*response, error) {
	if len(b) < 1 {
		return nil, errWire
	}
	d := &decoder{b: b[1:]}
	res := &response{}
	switch b[0] {
	case statusDoc:
		res.doc = decodeDoc(d, name)
	case statusInput:
		idx := d.uint()
		res.detail = d.str()
		if idx >= uint64(len(reasons)) {
			d.fail()
		} else {
			res.reason = reasons[idx]
		}
	case statusPanic:
		res.panic = d.str()
	default:
		d.fail()
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail()
	}
	if d.err != nil {
		return nil, d.err
	}
	return res, nil
}
