package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	annual "xxgk/pipeline/run"
	"xxgk/pipeline/store"
	"xxgk/pipeline/textgrid"
)

func init() {
	commands = append(commands, newAckCmd)
}

func newAckCmd() *cobra.Command {
	var (
		db, format, rule string
		list             bool
		remove           []string
		o                annual.AckOptions
	)
	cmd := &cobra.Command{
		Use:   "ack [PROBLEM_ID...] --note TEXT [--by WHO]",
		Short: "acknowledge reviewed problems: still listed, marked as reviewed, no longer making a run partial",
		Long: `ack records that a person reviewed a problem — a rule violation, an input read incompletely
or not at all, a failing data test — and why it stands (the published numbers are never
corrected). An acknowledged problem is still listed by xxgk checks, analytics.problems,
analytics.rule_violations and the exports' 数据质量, marked as reviewed with the note and who,
but xxgk run no longer counts it: a run whose every problem is acknowledged exits 0, and a new
one (another rule, another cell, other numbers, a new or corrected file) makes it exit 1 again.

Problems are named by their ids (v… violation, i… incomplete, f… failed, t… data test), as
xxgk checks, xxgk checks --problems and the run's record (xxgk runs) show them; a unique prefix
of at least 4 characters is enough. Without ids, the filters select every current
unacknowledged problem they match (--kind, --rule, --region, --year, --file).

A problem is keyed by the file's SHA-256 and what is wrong with it: for a violation the rule,
the cell, the expected and the printed value; for a file its reason or problem codes; for a data
test its failing rows. The same bytes under another path are the same problem; corrected bytes
are a new one. Acknowledgements live in the warehouse (ops.acknowledgements) and survive every
re-ingest; they are written as a run writes, under the run lock (exit 3 when a run or an ingest
holds it). The next xxgk run regenerates the outputs, which show them.`,
		Example: `  xxgk checks --year 2024 --rule R1
  xxgk ack v3f9a2c41b7 --note "原报告表三合计栏印错，已电话核实，以原件为准"
  xxgk ack --kind incomplete --year 2023 --note "扫描件质量差，已人工核对" --by 张三
  xxgk ack --list
  xxgk ack --remove 3`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			ctx := cmd.Context()
			if format != "table" && format != "json" {
				return &exitError{exitFailed, fmt.Errorf("ack: --format %q: want table or json", format)}
			}
			switch {
			case list:
				if len(args) > 0 || len(remove) > 0 {
					return &exitError{exitFailed, errors.New("ack: --list takes no ids and no --remove")}
				}
				acks, err := annual.Acknowledgements(ctx, db)
				if err != nil {
					return &exitError{exitFailed, fmt.Errorf("ack: %w", err)}
				}
				return writeAcks(out, acks, format, "")
			case len(remove) > 0:
				if len(args) > 0 {
					return &exitError{exitFailed, errors.New("ack: --remove takes acknowledgement numbers (xxgk ack --list), not problem ids")}
				}
				var ids []int64
				for _, r := range remove {
					for _, s := range strings.Split(r, ",") {
						n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
						if err != nil || n <= 0 {
							return &exitError{exitFailed, fmt.Errorf("ack: --remove %q: want acknowledgement numbers (xxgk ack --list)", s)}
						}
						ids = append(ids, n)
					}
				}
				acks, err := annual.Unacknowledge(ctx, db, ids)
				if err != nil {
					return ackError(err)
				}
				return writeAcks(out, acks, format, "已撤销核实 / removed")
			}
			o.Warehouse, o.IDs = db, args
			o.Filter.Code = rule
			if o.By == "" {
				o.By = osUser()
			}
			acks, err := annual.Acknowledge(ctx, o)
			if err != nil {
				return ackError(err)
			}
			return writeAcks(out, acks, format, "已核实 / acknowledged")
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", defaultDB, "the published warehouse file")
	f.StringVar(&o.Note, "note", "", "what was checked and why the problem stands (required)")
	f.StringVar(&o.By, "by", "", "who acknowledges (default: the operating system user)")
	f.StringVar(&o.Filter.Kind, "kind", "", "without ids: problems of this kind (violation, incomplete, failed, test)")
	f.StringVar(&rule, "rule", "", "without ids: problems of this rule (R1 … R8), problem code or reason")
	f.StringVar(&o.Filter.Region, "region", "", "without ids: problems of divisions within this code")
	f.IntVar(&o.Filter.Year, "year", 0, "without ids: problems of reports of this year")
	f.StringVar(&o.Filter.File, "file", "", "without ids: problems of this file (its path, or its SHA-256 or a prefix of 8+ hex digits)")
	f.BoolVar(&list, "list", false, "list the acknowledgements")
	f.StringSliceVar(&remove, "remove", nil, "remove acknowledgements by number (xxgk ack --list): their problems count again")
	f.StringVar(&format, "format", "table", "output: table or json")
	return cmd
}

// ackError maps an acknowledgement failure to its exit status: 3 when a run or an ingest holds
// the warehouse, else 2.
func ackError(err error) error {
	if errors.Is(err, annual.ErrBusy) {
		return &exitError{exitBusy, fmt.Errorf("ack: %w", err)}
	}
	return &exitError{exitFailed, err}
}

// osUser is the default --by: the operating system user's login name.
func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if s := os.Getenv("USER"); s != "" {
		return s
	}
	return "unknown"
}

// ackJSON is an acknowledgement as --format json writes it.
type ackJSON struct {
	ID         int64     `json:"ack_id"`
	ProblemID  string    `json:"problem_id"`
	ProblemKey string    `json:"problem_key"`
	Kind       string    `json:"kind"`
	Code       string    `json:"code"`
	Cell       string    `json:"cell,omitempty"`
	SHA256     string    `json:"sha256,omitempty"`
	Path       string    `json:"path,omitempty"`
	Note       string    `json:"note"`
	By         string    `json:"acknowledged_by"`
	At         time.Time `json:"acknowledged_at"`
}

// writeAcks prints acknowledgements: a heading and an aligned table, or one JSON array.
func writeAcks(w io.Writer, acks []store.Ack, format, heading string) error {
	if format == "json" {
		out := make([]ackJSON, 0, len(acks))
		for _, a := range acks {
			out = append(out, ackJSON{ID: a.ID, ProblemID: a.ProblemID, ProblemKey: a.ProblemKey, Kind: a.Kind, Code: a.Code,
				Cell: a.Cell, SHA256: a.SHA256, Path: a.Path, Note: a.Note, By: a.By, At: a.At})
		}
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return &exitError{exitFailed, err}
		}
		return nil
	}
	if heading != "" {
		fmt.Fprintf(w, "%s %d\n", heading, len(acks))
	} else {
		fmt.Fprintf(w, "核实记录 %d 条 / acknowledgements\n", len(acks))
	}
	if len(acks) == 0 {
		return nil
	}
	t := textgrid.Table{Head: []string{"编号", "问题", "类型", "规则/原因", "单元格", "文件", "说明", "核实人", "时间"}, Rule: true,
		Right: []bool{true}, Max: []int{0, 0, 0, 24, 32, 40, 40, 16, 0}}
	for _, a := range acks {
		t.Rows = append(t.Rows, []string{strconv.FormatInt(a.ID, 10), a.ProblemID, a.Kind, a.Code, a.Cell, a.Path, a.Note, a.By,
			a.At.Local().Format("2006-01-02 15:04")})
	}
	if err := t.Write(w); err != nil {
		return &exitError{exitFailed, err}
	}
	return nil
}
