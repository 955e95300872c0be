package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"xxgk/pipeline/textgrid"

	"github.com/spf13/cobra"

	"xxgk/pipeline/extract"
	"xxgk/pipeline/regions"
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
			files, err := expandInputs(args)
			if err != nil {
				return &exitError{exitFailed, err}
			}
			out := cmd.OutOrStdout()
			allGood := true
			for _, path := range files {
				r, err := extract.File(path, opt)
				if err != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "xxgk: %v\n", err)
					allGood = false
					continue
				}
				if why := extract.Failure(r); why != "" {
					fmt.Fprintf(cmd.ErrOrStderr(), "xxgk: %s: %s\n", path, why)
				}
				if r.Status != schemas.StatusComplete {
					allGood = false
				}
				if asJSON {
					b, err := json.Marshal(r)
					if err != nil {
						return err
					}
					fmt.Fprintf(out, "%s\n", b)
				} else {
					printSummary(out, r)
				}
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

// expandInputs turns files and directories into a sorted list of files. Hidden files and
// directories are skipped.
func expandInputs(args []string) ([]string, error) {
	var files []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("输入 %s: %w", a, err)
		}
		if !st.IsDir() {
			files = append(files, a)
			continue
		}
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if p != a && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("遍历 %s: %w", a, err)
		}
	}
	if len(files) == 0 {
		return nil, errors.New("没有输入文件")
	}
	return files, nil
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
