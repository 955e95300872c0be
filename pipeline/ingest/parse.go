package ingest

import (
	"xxgk/pipeline/decode"
	"xxgk/schemas"
)

// defaultParse is pipeline/parse. TODO(ingest): wire parse.Parse once it is committed.
func defaultParse(doc *decode.Doc, o ParseOptions) *schemas.Report {
	r := schemas.NewReport(doc.Name)
	r.AddProblem(schemas.Problem{Code: schemas.ProblemNotReport, Message: "解析器尚未接入"})
	return r
}
