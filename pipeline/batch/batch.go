// Package batch turns parsed reports and the ingest's bookkeeping (inputs, failures, the region
// registry) into Arrow record batches shaped by the warehouse column specs of schemas
// (schemas.Warehouse). With pipeline/store it is the only package that knows Arrow: the ingest
// hands the opaque *Batch values it gets here to store.Load and never touches Arrow types.
//
// A Builder accumulates rows per table and hands out a table's rows as one Batch once they
// reach FlushRows rows or FlushBytes bytes (coalescing: one Arrow view and one INSERT … SELECT
// per batch is what makes loading fast). A Builder is not safe for concurrent use: the ingest's
// single loader goroutine owns it.
package batch

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/memory/mallocator"

	"xxgk/schemas"
)

// Default coalescing thresholds: a table's rows are handed out once either is reached.
const (
	DefaultFlushRows  = 1 << 16 // 65536 rows (≥ 64k, per the DuckDB + Arrow discipline)
	DefaultFlushBytes = 8 << 20 // 8 MiB of column data (prose-heavy tables reach it first)
)

// Batch is one Arrow record batch of one warehouse table. Release it once loaded.
type Batch struct {
	spec *schemas.WarehouseTable
	rec  arrow.RecordBatch
}

// Table returns the warehouse table name.
func (b *Batch) Table() string { return b.spec.Name }

// Spec returns the warehouse table spec.
func (b *Batch) Spec() *schemas.WarehouseTable { return b.spec }

// Rows returns the number of rows.
func (b *Batch) Rows() int { return int(b.rec.NumRows()) }

// Record returns the Arrow record (owned by the Batch: Retain it to keep it past Release).
func (b *Batch) Record() arrow.RecordBatch { return b.rec }

// Release frees the record. Safe to call more than once.
func (b *Batch) Release() {
	if b.rec != nil {
		b.rec.Release()
		b.rec = nil
	}
}

// ArrowType returns the Arrow type of a warehouse column type.
func ArrowType(typ string) (arrow.DataType, error) {
	switch typ {
	case schemas.TypeVarchar:
		return arrow.BinaryTypes.String, nil
	case schemas.TypeBigint:
		return arrow.PrimitiveTypes.Int64, nil
	case schemas.TypeInteger:
		return arrow.PrimitiveTypes.Int32, nil
	case schemas.TypeBoolean:
		return arrow.FixedWidthTypes.Boolean, nil
	case schemas.TypeDecimal:
		return &arrow.Decimal128Type{Precision: 18, Scale: schemas.DecScale}, nil
	case schemas.TypeTimestamp:
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, nil
	}
	return nil, fmt.Errorf("batch: no Arrow type for warehouse type %q", typ)
}

// Schema returns the Arrow schema of a warehouse table.
func Schema(t *schemas.WarehouseTable) (*arrow.Schema, error) {
	fields := make([]arrow.Field, len(t.Columns))
	for i, c := range t.Columns {
		dt, err := ArrowType(c.Type)
		if err != nil {
			return nil, fmt.Errorf("batch: %s.%s: %w", t.Name, c.Name, err)
		}
		fields[i] = arrow.Field{Name: c.Name, Type: dt, Nullable: c.Nullable}
	}
	return arrow.NewSchema(fields, nil), nil
}

// table accumulates the rows of one warehouse table.
type table struct {
	spec   *schemas.WarehouseTable
	schema *arrow.Schema
	rb     *array.RecordBuilder
	rows   int
	fixed  int // bytes per row of the fixed-width columns
	strs   []*array.StringBuilder
}

func (t *table) bytes() int {
	n := t.rows * t.fixed
	for _, s := range t.strs {
		n += s.DataLen()
	}
	return n
}

func (t *table) field(name string) array.Builder {
	for i, c := range t.spec.Columns {
		if c.Name == name {
			return t.rb.Field(i)
		}
	}
	panic(fmt.Sprintf("batch: table %s has no column %s", t.spec.Name, name))
}

// Builder accumulates warehouse rows and hands them out as coalesced batches.
type Builder struct {
	FlushRows  int
	FlushBytes int

	mem    memory.Allocator
	tables []*table
	byName map[string]*table

	rep  reportCols
	t2   table2Cols
	t3   table3Cols
	t4   table4Cols
	cell cellCols
	ckey cellKeyCols
	keys map[string]int32 // the cell keys met so far, "table|row|col|state" (bounded: the catalogue's keys × states)
	kbuf []byte

	order        keyOrder
	outer, inner []string // scratch for the ordered keys of a report's tables
	chk          checkCols
	prob         problemCols
	sec          sectionCols
	stmt         statementCols
	fee          feeCols
	in           inputCols
	fail         failureCols
	reg          regionCols
}

// NewBuilder returns a Builder allocating from mem with the default thresholds. A nil mem
// allocates the batches in C memory (malloc, freed by Release), outside the Go heap: the
// batches in flight are the largest data of an ingest, and in the Go heap they set the
// garbage collector's goal (twice the live heap) and so the process's memory. Every batch is
// released (the tests check it with NewCheckedAllocator).
func NewBuilder(mem memory.Allocator) *Builder {
	if mem == nil {
		mem = cMemory
	}
	b := &Builder{FlushRows: DefaultFlushRows, FlushBytes: DefaultFlushBytes, mem: mem, byName: map[string]*table{}}
	for i := range schemas.Warehouse {
		spec := &schemas.Warehouse[i]
		sc, err := Schema(spec)
		if err != nil {
			panic(err) // the specs are package data; TestSchemas covers them
		}
		t := &table{spec: spec, schema: sc, rb: array.NewRecordBuilder(mem, sc)}
		for j, f := range sc.Fields() {
			if fw, ok := f.Type.(arrow.FixedWidthDataType); ok {
				t.fixed += (fw.BitWidth() + 7) / 8
			}
			if sb, ok := t.rb.Field(j).(*array.StringBuilder); ok {
				t.strs = append(t.strs, sb)
				t.fixed += 4 // offsets
			}
		}
		b.tables = append(b.tables, t)
		b.byName[spec.Name] = t
	}
	b.rep.bind(b.byName[schemas.TableReports])
	b.t2.bind(b.byName[schemas.TableTable2Facts])
	b.t3.bind(b.byName[schemas.TableTable3Facts])
	b.t4.bind(b.byName[schemas.TableTable4Facts])
	b.cell.bind(b.byName[schemas.TableCellSources])
	b.ckey.bind(b.byName[schemas.TableCellKeys])
	b.keys = map[string]int32{}
	b.order = newKeyOrder()
	b.chk.bind(b.byName[schemas.TableChecks])
	b.prob.bind(b.byName[schemas.TableProblems])
	b.sec.bind(b.byName[schemas.TableSections])
	b.stmt.bind(b.byName[schemas.TableStatements])
	b.fee.bind(b.byName[schemas.TableFees])
	b.in.bind(b.byName[schemas.TableInputs])
	b.fail.bind(b.byName[schemas.TableFailedInputs])
	b.reg.bind(b.byName[schemas.TableRegions])
	return b
}

// Rows returns the number of rows pending for a table.
func (b *Builder) Rows(table string) int {
	if t := b.byName[table]; t != nil {
		return t.rows
	}
	return 0
}

// Pending returns the number of rows pending over all tables.
func (b *Builder) Pending() int {
	n := 0
	for _, t := range b.tables {
		n += t.rows
	}
	return n
}

// Ready hands out, as batches, the tables whose pending rows reached FlushRows or FlushBytes.
// A table handed out here will fill up again: its builders get the capacity of the batch
// just taken (plus an eighth), so the next batch is built without growing its buffers step
// by step (each step reallocated and copied them: ≈ 30 % of the ingest's allocations).
func (b *Builder) Ready() []*Batch {
	var out []*Batch
	for _, t := range b.tables {
		if t.rows > 0 && (t.rows >= b.FlushRows || t.bytes() >= b.FlushBytes) {
			rows := t.rows
			data := make([]int, len(t.strs))
			for i, sb := range t.strs {
				data[i] = sb.DataLen()
			}
			out = append(out, b.take(t))
			t.reserve(rows+rows/8, data)
		}
	}
	return out
}

// reserve gives the table's empty builders room for rows rows and data[i] bytes (plus an
// eighth) of string data in t.strs[i].
func (t *table) reserve(rows int, data []int) {
	for i := 0; i < t.rb.Schema().NumFields(); i++ {
		t.rb.Field(i).Resize(rows) // on an empty builder: exactly rows (Reserve rounds up to a power of 2)
	}
	for i, sb := range t.strs {
		sb.ReserveData(data[i] + data[i]/8)
	}
}

// Flush hands out every pending row, one batch per table, in warehouse order.
func (b *Builder) Flush() []*Batch {
	var out []*Batch
	for _, t := range b.tables {
		if t.rows > 0 {
			out = append(out, b.take(t))
		}
	}
	return out
}

// FlushTable hands out the pending rows of one table (nil when none).
func (b *Builder) FlushTable(name string) *Batch {
	t := b.byName[name]
	if t == nil || t.rows == 0 {
		return nil
	}
	return b.take(t)
}

func (b *Builder) take(t *table) *Batch {
	rec := t.rb.NewRecordBatch()
	t.rows = 0
	return &Batch{spec: t.spec, rec: rec}
}

// Release frees the pending rows. The Builder must not be used afterwards.
func (b *Builder) Release() {
	for _, t := range b.tables {
		if t.rb != nil {
			t.rb.Release()
			t.rb = nil
		}
	}
}

// ---- append helpers ----

func appendStr(b *array.StringBuilder, s string) { b.Append(s) }

// appendOptStr appends s, or NULL when s is empty.
func appendOptStr(b *array.StringBuilder, s string) {
	if s == "" {
		b.AppendNull()
		return
	}
	b.Append(s)
}

// appendOptInt32 appends n, or NULL when n is 0 (lines, pages, years: 0 means unknown).
func appendOptInt32(b *array.Int32Builder, n int) {
	if n == 0 {
		b.AppendNull()
		return
	}
	b.Append(int32(n))
}

func appendOptInt64(b *array.Int64Builder, n int64, valid bool) {
	if !valid {
		b.AppendNull()
		return
	}
	b.Append(n)
}

func appendDec(b *array.Decimal128Builder, d schemas.Dec) { b.Append(decimal128FromDec(d)) }

func appendOptDec(b *array.Decimal128Builder, d *schemas.Dec) {
	if d == nil {
		b.AppendNull()
		return
	}
	appendDec(b, *d)
}

// cellValue returns the cell's value when it carries one.
func cellValue(c schemas.Cell) *schemas.Dec {
	if !c.HasValue() {
		return nil
	}
	v := c.Value
	return &v
}

// appendCount appends a cell as a BIGINT count: NULL for dash, missing or absent cells, and
// for a value that is not a whole number (R5 records it; the exact value stays in cells).
func appendCount(b *array.Int64Builder, c schemas.Cell, ok bool) {
	if !ok || !c.HasValue() || !c.Value.IsInt() {
		b.AppendNull()
		return
	}
	b.Append(c.Value.Int())
}

// cMemory is the C allocator of NewBuilder(nil): one per process (it counts what it holds).
var cMemory = mallocator.NewMallocator()

// Allocator is the memory batches are built in (an Arrow allocator). Tests pass
// NewCheckedAllocator() and assert that nothing is left allocated.
type Allocator = memory.Allocator

// NewCheckedAllocator returns an allocator that counts what is still allocated
// (CurrentAlloc) for leak tests.
func NewCheckedAllocator() *memory.CheckedAllocator {
	return memory.NewCheckedAllocator(memory.NewGoAllocator())
}
