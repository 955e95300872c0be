// Package extract reads one input through the first three stages — decode, parse, validate —
// into a checked canonical report. `xxgk parse` and the ingest workers both call it, so a file
// reads the same way everywhere.
package extract

import (
	"fmt"
	"os"

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
// (empty, binary, unknown encoding, too large) gives a nil report and an *pipeline.InputError;
// anything decodable gives a report whose Problems and Status say how well it was read (a text
// that is not a report has status failed and a not_report problem).
func Bytes(path string, b []byte, opt Options) (*schemas.Report, error) {
	doc, err := decode.Decode(path, b)
	if err != nil {
		return nil, err
	}
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
	return r, nil
}

// File reads and extracts the file at path.
func File(path string, opt Options) (*schemas.Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &pipeline.InputError{Path: path, Reason: fmt.Errorf("无法读取文件: %w", err)}
	}
	return Bytes(path, b, opt)
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
