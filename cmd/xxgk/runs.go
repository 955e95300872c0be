package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"
	"xxgk/pipeline/textgrid"

	"github.com/spf13/cobra"

	annual "xxgk/pipeline/run"
)

func init() {
	commands = append(commands, newRunsCmd)
}

func newRunsCmd() *cobra.Command {
	var (
		db, format string
		outputs    bool
		limit      int
	)
	cmd := &cobra.Command{
		Use:   "runs [--format table|csv|json] [--outputs]",
		Short: "list the records of xxgk run (ops.runs): when, what changed, counts, outputs, status",
		Long: `runs lists the records xxgk run leaves in the warehouse, newest first: id, start, duration,
status, whether the warehouse changed and the outputs were regenerated, inputs seen, reports
loaded, rule violations, failed and incomplete inputs, failed data tests, outputs (written by the
run / total) and the configuration digest. --outputs lists the output files instead (path,
SHA-256, size, written or unchanged). JSON holds everything, outputs included. The warehouse is
opened read-only.`,
		Example: `  xxgk runs --config configs/annual.yaml
  xxgk runs --db demo/xxgk.duckdb --format json --limit 1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch format {
			case "table", "csv", "json":
			default:
				return &exitError{exitFailed, fmt.Errorf("runs: --format %q: want table, csv or json", format)}
			}
			recs, err := annual.List(cmd.Context(), db)
			if err != nil {
				return &exitError{exitFailed, err}
			}
			if limit > 0 && len(recs) > limit {
				recs = recs[:limit]
			}
			w := cmd.OutOrStdout()
			if outputs {
				return writeRunOutputs(w, recs, format)
			}
			return writeRuns(w, recs, format)
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", defaultDB, "the published warehouse file (opened read-only)")
	f.StringVar(&format, "format", "table", "output: table (aligned), csv, json")
	f.BoolVar(&outputs, "outputs", false, "one row per output file instead of one per run")
	f.IntVar(&limit, "limit", 0, "the newest N runs only (0: all)")
	return cmd
}

var runsHeader = []string{"run_id", "started_at", "seconds", "status", "data_changed", "exported", "ingest_run_id",
	"inputs_count", "loaded_count", "violation_count", "failure_count", "incomplete_count", "test_failure_count",
	"output_count", "written_count", "config_sha256", "message", "problem_count", "acknowledged_count", "new_problem_count",
	"resolved_problem_count", "new_problems"}

// problemCount is a record's count of problems as text ("" for a run that predates them).
func problemCount(r *annual.Record, n int) string {
	if r.ProblemCount < 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func runRow(r *annual.Record) []string {
	return []string{strconv.FormatInt(r.ID, 10), r.Started.Local().Format("2006-01-02 15:04:05"),
		strconv.FormatFloat(r.Duration().Seconds(), 'f', 1, 64), r.Status, strconv.FormatBool(r.Changed),
		strconv.FormatBool(r.Exported), strconv.FormatInt(r.IngestRunID, 10), strconv.Itoa(r.Inputs), strconv.Itoa(r.Loaded),
		strconv.Itoa(r.Violations), strconv.Itoa(r.Failures), strconv.Itoa(r.Incomplete), strconv.Itoa(r.TestFailures),
		strconv.Itoa(len(r.Outputs)), strconv.Itoa(r.Written), r.ConfigSHA256, r.Message, problemCount(r, r.ProblemCount),
		problemCount(r, r.Acknowledged), problemCount(r, r.NewCount), problemCount(r, r.ResolvedCount), r.NewText}
}

func writeRuns(w io.Writer, recs []*annual.Record, format string) error {
	switch format {
	case "json":
		if recs == nil {
			recs = []*annual.Record{}
		}
		e := json.NewEncoder(w)
		e.SetIndent("", "  ")
		return e.Encode(recs)
	case "csv":
		cw := csv.NewWriter(w)
		if err := cw.Write(runsHeader); err != nil {
			return err
		}
		for _, r := range recs {
			if err := cw.Write(runRow(r)); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	}
	if len(recs) == 0 {
		fmt.Fprintln(w, "（还没有运行记录 / no run recorded yet）")
		return nil
	}
	rows := [][]string{{"运行", "开始", "用时", "结果", "仓库更新", "重新导出", "输入", "新入库", "勾稽问题", "失败", "不完整", "测试未过", "问题", "已核实", "新问题", "输出", "写入", "配置"},
		{"run", "started", "time", "status", "changed", "exported", "inputs", "loaded", "violations", "failed", "incomplete", "tests", "problems", "acked", "new", "outputs", "written", "config"}}
	for _, r := range recs {
		sha := r.ConfigSHA256
		if len(sha) > 8 {
			sha = sha[:8]
		}
		rows = append(rows, []string{strconv.FormatInt(r.ID, 10), r.Started.Local().Format("2006-01-02 15:04"),
			r.Duration().Round(100 * time.Millisecond).String(), r.Status, yesNo(r.Changed), yesNo(r.Exported),
			strconv.Itoa(r.Inputs), strconv.Itoa(r.Loaded), strconv.Itoa(r.Violations), strconv.Itoa(r.Failures),
			strconv.Itoa(r.Incomplete), strconv.Itoa(r.TestFailures), dash(problemCount(r, r.ProblemCount)),
			dash(problemCount(r, r.Acknowledged)), dash(problemCount(r, r.NewCount)), strconv.Itoa(len(r.Outputs)),
			strconv.Itoa(r.Written), sha})
	}
	textgrid.Write(w, "", rows, 8)
	return nil
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "是 yes"
	}
	return "否 no"
}

func writeRunOutputs(w io.Writer, recs []*annual.Record, format string) error {
	type row struct {
		RunID int64 `json:"run_id"`
		annual.Output
	}
	var rows []row
	for _, r := range recs {
		for _, o := range r.Outputs {
			rows = append(rows, row{r.ID, o})
		}
	}
	switch format {
	case "json":
		if rows == nil {
			rows = []row{}
		}
		e := json.NewEncoder(w)
		e.SetIndent("", "  ")
		return e.Encode(rows)
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"run_id", "action", "size_bytes", "sha256", "path"})
		for _, o := range rows {
			_ = cw.Write([]string{strconv.FormatInt(o.RunID, 10), o.Action, strconv.FormatInt(o.Size, 10), o.SHA256, o.Path})
		}
		cw.Flush()
		return cw.Error()
	}
	t := [][]string{{"路径 path", "运行 run", "结果 action", "字节 bytes", "sha256"}}
	for _, o := range rows {
		t = append(t, []string{o.Path, strconv.FormatInt(o.RunID, 10), o.Action, strconv.FormatInt(o.Size, 10), o.SHA256[:12]})
	}
	textgrid.Write(w, "", t, 120)
	return nil
}
