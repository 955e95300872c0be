package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"xxgk/pipeline"
	"xxgk/pipeline/extract"
	"xxgk/pipeline/ingest"
	"xxgk/pipeline/regions"
	"xxgk/pipeline/source"
	"xxgk/pipeline/textgrid"
	"xxgk/schemas"
)

func init() {
	commands = append(commands, newParseCmd)
}

func newParseCmd() *cobra.Command {
	var (
		asJSON bool
		opt    extract.Options
		scope  string
	)
	cmd := &cobra.Command{
		Use:   "parse FILE|DIR...",
		Short: "read reports and print their numbers, rule violations and problems",
		Long: `parse reads each report (text, HTML; any of UTF-8, GBK/GB18030, Big5) and prints its
canonical form: a readable summary, or with --json one JSON object per line with the keys of
the spec (year, format, scope, body, title, region, table2, table3, table4,
fees_collected_yuan, cells, checks, problems). Directories are read recursively.

Inputs are walked and opened as xxgk ingest opens them: FIFOs, sockets, devices and links to
them, unreadable files, paths longer than PATH_MAX and files over 64 MiB (checked before
reading) get one line on stderr each and are skipped; a file the parser cannot read, even one
that makes it panic, never hides the others.

Exit status: 0 when every input was read completely, 1 otherwise, 2 on bad usage.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opt.Region != "" {
				if _, ok := regions.Default().Place(opt.Region); !ok {
					return &exitError{exitFailed, fmt.Errorf("--region %s: 不是已知的省级（2位）、地级（4位）或县级（6位）行政区划代码", opt.Region)}
				}
				opt.RegionMethod = schemas.RegionFlag
			}
			opt.Scope = schemas.Scope(scope)
			for _, a := range args {
				if _, err := os.Lstat(a); err != nil {
					return &exitError{exitFailed, fmt.Errorf("输入 %s: %w", a, err)}
				}
			}
			out, errw := cmd.OutOrStdout(), cmd.ErrOrStderr()
			lim := ingest.Limits(ingest.Options{})
			seen, allGood := 0, true
			var werr error
			// the walk and the reads of xxgk ingest (package source): FIFOs, sockets, devices,
			// unreadable files and overlong paths are reported and skipped, sizes checked first
			err := source.Walk(args, nil, func(f source.File) error {
				seen++
				fail := func(err error) {
					allGood = false
					var ie *pipeline.InputError
					if errors.As(err, &ie) {
						err = fmt.Errorf("%v: %s", ie.Reason, ie.Detail)
					} else {
						err = fmt.Errorf("无法读取文件（unreadable）: %w", err)
					}
					fmt.Fprintf(errw, "xxgk: %s: %v\n", f.Path, err)
				}
				if f.Err != nil {
					fail(f.Err)
					return nil
				}
				b, _, err := source.Read(cmd.Context(), f.Path, lim)
				if err != nil {
					fail(err)
					return nil
				}
				r, err := extractSafely(f.Path, b, opt)
				if err != nil {
					fail(err)
					return nil
				}
				if why := extract.Failure(r); why != "" {
					fmt.Fprintf(errw, "xxgk: %s: %s\n", f.Path, why)
				}
				if r.Status != schemas.StatusComplete {
					allGood = false
				}
				if asJSON {
					js, err := json.Marshal(r)
					if err != nil {
						fail(err)
						return nil
					}
					_, werr = fmt.Fprintf(out, "%s\n", js)
				} else {
					printSummary(out, r)
				}
				return werr
			})
			if err != nil {
				return &exitError{exitFailed, err}
			}
			if seen == 0 {
				return &exitError{exitFailed, errors.New("没有输入文件")}
			}
			if !allGood {
				return &exitError{code: exitPartial}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, "print one JSON object per input and line")
	f.StringVar(&opt.Region, "region", "", "division code of every input at its body's level: 2 digits a province, 4 a prefecture, 6 a county (overrides path and text)")
	f.IntVar(&opt.Year, "year", 0, "the year reported on (overrides the text)")
	f.StringVar(&scope, "scope", "", "scope of every input: area, government, department, township, dev_zone")
	return cmd
}

// extractBytes reads one input's bytes into a report (tests replace it).
var extractBytes = extract.Bytes

// errParserPanic is the reason of a file the parser panicked on (as xxgk ingest records it).
var errParserPanic = errors.New("解析器内部错误（internal parser error）")

// extractSafely is extractBytes with a panic of the parser on one file turned into that
// file's error, so the other files are still read and printed.
func extractSafely(path string, b []byte, opt extract.Options) (r *schemas.Report, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, &pipeline.InputError{Path: path, Reason: errParserPanic, Detail: fmt.Sprint(p)}
		}
	}()
	return extractBytes(path, b, opt)
}

// printSummary writes a readable summary of one report: metadata, the three tables, checks
// and problems.
func printSummary(w io.Writer, r *schemas.Report) {
	cat := schemas.Labels()
	fmt.Fprintf(w, "== %s\n", r.Source)
	fmt.Fprintf(w, "标题 %s\n发布机关 %s  年度 %d  格式 %s  范围 %s  状态 %s\n",
		orDash(r.Title), orDash(r.Body), r.Year, orDash(string(r.Format)), orDash(string(r.Scope)), r.Status)
	if r.Region.Code != "" {
		// 地区 2113 朝阳市（地级，辽宁省；manifest）, 211321 朝阳县（县级，朝阳市，辽宁省；text）
		parts := []string{levelName(string(r.Region.Level)) + "级"}
		for _, up := range []string{r.Region.Prefecture, r.Region.Province} {
			if up != "" && up != r.Region.Name && up != parts[len(parts)-1] {
				parts = append(parts, up)
			}
		}
		fmt.Fprintf(w, "地区 %s %s（%s；%s）\n", r.Region.Code, r.Region.Name, strings.Join(parts, "，"), r.Region.Method)
	} else {
		fmt.Fprintln(w, "地区 未确定")
	}
	if items := cat.Table2Items(r.Format); len(items) > 0 && len(r.Table2) > 0 {
		fmt.Fprintln(w, "表二 主动公开")
		for _, it := range items {
			var parts []string
			for _, m := range it.Measures {
				c, _ := r.Table2.Get(it.Key, m)
				parts = append(parts, cat.Measure(m).Label+" "+cellText(c))
			}
			fmt.Fprintf(w, "  %s：%s\n", it.Label, strings.Join(parts, "，"))
		}
	}
	if len(r.Table3) > 0 {
		fmt.Fprintln(w, "表三 收到和处理政府信息公开申请")
		var rows [][]string
		head := []string{""}
		for _, c := range cat.Table3.Columns {
			head = append(head, c.Label)
		}
		rows = append(rows, head)
		for _, rl := range cat.Table3.Rows {
			row, ok := r.Table3[rl.Key]
			if !ok {
				continue
			}
			line := []string{rl.Label}
			for _, ck := range cat.Table3ColumnKeys() {
				line = append(line, cellText(row[ck]))
			}
			rows = append(rows, line)
		}
		textgrid.Write(w, "  ", rows, 30)
	}
	if len(r.Table4) > 0 {
		fmt.Fprintln(w, "表四 行政复议、行政诉讼")
		rows := [][]string{{""}}
		for _, o := range cat.Table4.Outcomes {
			rows[0] = append(rows[0], o.Label)
		}
		for _, g := range cat.Table4.Groups {
			line := []string{g.Label}
			for _, ok := range cat.Table4OutcomeKeys() {
				c, _ := r.Table4.Get(g.Key, ok)
				line = append(line, cellText(c))
			}
			rows = append(rows, line)
		}
		textgrid.Write(w, "  ", rows, 30)
	}
	if r.Fee.State != "" && r.Fee.State != schemas.StateMissing {
		fmt.Fprintf(w, "信息处理费 %s 元\n", cellText(r.Fee))
	}
	if len(r.Checks) == 0 {
		fmt.Fprintln(w, "校验 R1–R8：无违规")
	} else {
		fmt.Fprintf(w, "校验 R1–R8：%d 项违规\n", len(r.Checks))
		for _, c := range r.Checks {
			fmt.Fprintf(w, "  %s %s %s\n", c.Rule, c.Severity, c.Message)
		}
	}
	if len(r.Problems) > 0 {
		fmt.Fprintf(w, "问题 %d 项\n", len(r.Problems))
		for _, p := range r.Problems {
			loc := ""
			if p.Line > 0 {
				loc = fmt.Sprintf("第%d行 ", p.Line)
			}
			txt := ""
			if p.Text != "" {
				txt = fmt.Sprintf("（原文 %q）", p.Text)
			}
			fmt.Fprintf(w, "  %s %s %s%s%s\n", p.Severity, p.Code, loc, p.Message, txt)
		}
	}
	fmt.Fprintln(w)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// cellText shows a cell as the summary prints it: the number, "空" for blank, "—" for a dash,
// "?" when missing, a "*" after a derived value.
func cellText(c schemas.Cell) string {
	switch c.State {
	case schemas.StateNumber:
		return c.Value.String()
	case schemas.StateBlank:
		return "空"
	case schemas.StateDerived:
		return c.Value.String() + "*"
	case schemas.StateDash:
		return "—"
	}
	return "?"
}
