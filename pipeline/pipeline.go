// Package pipeline holds the domain words shared by every stage: the sentinel errors that
// name why an input could not be read, and the typed error that carries which file. A doubt
// inside a readable report is not an error but a schemas.Problem (file, table, row, column,
// line, the text seen and a Chinese hint), kept with the report. The stages live
// in the subpackages, in the order a report flows through them:
// decode → parse → validate → batch → store → rollup → export.
package pipeline

import (
	"errors"
	"fmt"
)

// Why an input is not read. Each is stored with the input (nothing is lost) and shown to the
// office in Chinese.
var (
	ErrEmpty       = errors.New("文件为空")
	ErrBinary      = errors.New("不是文本文件（二进制内容）")
	ErrEncoding    = errors.New("无法识别的字符编码")
	ErrTooLarge    = errors.New("文件过大")
	ErrNotReport   = errors.New("不是政府信息公开工作年度报告")
	ErrUnsupported = errors.New("不支持的文件类型")
	ErrNeedsOCR    = errors.New("扫描件，没有文字层，需要OCR")
	ErrToolMissing = errors.New("缺少外部工具")
	ErrEncrypted   = errors.New("文件已加密")
	ErrCorrupt     = errors.New("文件已损坏")
	// ErrNotRegular: a FIFO, socket or device (also through a symbolic link), or a link to a
	// directory: never opened (a FIFO's open blocks until a writer comes, /dev/zero never ends).
	ErrNotRegular = errors.New("不是普通文件（命名管道、套接字、设备或目录）")
	// ErrReadTimeout: the file's bytes did not arrive within the read deadline (a hung network
	// mount): the read is abandoned and the batch goes on.
	ErrReadTimeout = errors.New("读取超时")
)

// Why reading a file was stopped: the limits that keep one file from stopping, hanging or
// exhausting a run (package extract).
var (
	// ErrLimit: reading the file reached a limit that no report needs (nesting depth, number
	// of elements, table width, the memory budget of a decoding worker).
	ErrLimit = errors.New("超出读取上限")
	// ErrTimeout: decoding or parsing the file took longer than its time budget (CPU or wall
	// clock).
	ErrTimeout = errors.New("处理超时（超过每个文件的时间上限）")
	// ErrInternal: the reader failed on this file (a panic, or a decoding worker that died);
	// the file is recorded and the batch goes on.
	ErrInternal = errors.New("解析器内部错误（internal parser error）")
)

// InputError says which file could not be read and why. Reason is one of the sentinel errors
// above (errors.Is works); Detail adds what was seen.
type InputError struct {
	Path   string
	Reason error
	Detail string
}

func (e *InputError) Error() string {
	if e.Detail != "" {
		return fmt.Sprintf("%s: %v: %s", e.Path, e.Reason, e.Detail)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Reason)
}

func (e *InputError) Unwrap() error { return e.Reason }

// Version is the release of xxgk. ParserVersion changes whenever a change to decode, parse or
// validate may change what is read from the same bytes; the warehouse records it per report
// version, so a re-ingest after a parser change is visible.
var (
	Version       = "0.1.0-dev"
	ParserVersion = "2"
)
