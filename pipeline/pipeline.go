// Package pipeline holds the domain words shared by every stage: the sentinel errors that
// name why an input could not be read, and the typed errors that carry where. The stages live
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
	ErrTruncated   = errors.New("文件不完整（被截断）")
	ErrNotReport   = errors.New("不是政府信息公开工作年度报告")
	ErrUnsupported = errors.New("不支持的文件类型")
	ErrNeedsOCR    = errors.New("扫描件，没有文字层，需要OCR")
	ErrNoTables    = errors.New("报告中没有可读取的表格（可能为图片或缺页）")
	ErrToolMissing = errors.New("缺少外部工具")
	ErrEncrypted   = errors.New("文件已加密")
	ErrCorrupt     = errors.New("文件已损坏")
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

// ParseError locates a doubt inside a report: file, table, row, column, line and the text seen,
// with a short Chinese hint for the office (表三第5行“部分公开”缺少总计列).
type ParseError struct {
	Path   string
	Table  string
	Row    string
	Column string
	Line   int
	Text   string
	Hint   string
}

func (e *ParseError) Error() string {
	s := e.Path
	if e.Table != "" {
		s += ": " + e.Table
	}
	if e.Row != "" {
		s += "." + e.Row
	}
	if e.Column != "" {
		s += "." + e.Column
	}
	if e.Line > 0 {
		s += fmt.Sprintf(" (第%d行)", e.Line)
	}
	s += ": " + e.Hint
	if e.Text != "" {
		s += fmt.Sprintf("：%q", e.Text)
	}
	return s
}

// Version is the release of xxgk. ParserVersion changes whenever a change to decode, parse or
// validate may change what is read from the same bytes; the warehouse records it per report
// version, so a re-ingest after a parser change is visible.
var (
	Version       = "0.1.0-dev"
	ParserVersion = "1"
)
