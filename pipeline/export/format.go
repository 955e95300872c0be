package export

import (
	"fmt"
	"math"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"xxgk/schemas"
)

// Every number the summaries print as text — the HTML page, the Markdown, chart labels, the
// draft sentences — goes through one formatter, golang.org/x/text/message for the report's
// locale (zh-Hans: 12,345 and 77,307,793.52): whole numbers and decimals alike get thousands
// separators, counts and table 2 values print exactly from their int64 or schemas.Dec. The
// workbook leaves formatting to Excel (number formats #,##0 and #,##0.00##), which applies the
// reader's locale.

// numbers is the formatter of the summaries.
var numbers = newNumberFormat(language.SimplifiedChinese)

type numberFormat struct {
	p   *message.Printer
	dot string // the locale's decimal mark
}

func newNumberFormat(tag language.Tag) numberFormat {
	p := message.NewPrinter(tag)
	dot := strings.Trim(p.Sprintf("%.1f", 0.5), "05")
	if dot == "" {
		dot = "."
	}
	return numberFormat{p: p, dot: dot}
}

// Int formats a count: 12,345.
func (n numberFormat) Int(v int64) string { return n.p.Sprintf("%d", v) }

// Signed formats a count with its sign: +12,345, -3, 0.
func (n numberFormat) Signed(v int64) string {
	if v > 0 {
		return "+" + n.Int(v)
	}
	return n.Int(v)
}

// Dec formats an exact decimal with as few decimals as it has: 12,345 or 77,307,793.52.
func (n numberFormat) Dec(d schemas.Dec) string {
	u := d.Units()
	sign := ""
	if u < 0 {
		sign, u = "-", -u
	}
	whole := n.Int(u / 10000)
	if f := u % 10000; f != 0 {
		whole += n.dot + strings.TrimRight(fmt.Sprintf("%04d", f), "0")
	}
	return sign + whole
}

// Float formats a float with prec decimals, trailing zeros kept: Float(1234.5, 1) = 1,234.5.
func (n numberFormat) Float(v float64, prec int) string {
	return n.p.Sprintf(fmt.Sprintf("%%.%df", prec), v)
}

// Trim formats a float with up to prec decimals, trailing zeros dropped.
func (n numberFormat) Trim(v float64, prec int) string {
	s := n.Float(v, prec)
	if prec > 0 && strings.Contains(s, n.dot) {
		s = strings.TrimSuffix(strings.TrimRight(s, "0"), n.dot)
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// fmtInt formats a count with thousands separators: 12,345.
func fmtInt(v int64) string { return numbers.Int(v) }

// fmtNum formats a value: counts and table 2 values exactly, with separators; other values
// (doubles) with up to 4 decimals; "—" for NULL.
func fmtNum(v Val) string {
	if !v.OK {
		return "—"
	}
	switch v.kind {
	case valInt:
		return numbers.Int(v.i)
	case valDec:
		return numbers.Dec(v.d)
	}
	if v.V == math.Trunc(v.V) && math.Abs(v.V) < 1<<53 {
		return numbers.Int(int64(v.V))
	}
	return numbers.Trim(v.V, 4)
}

// fmtRate formats a fraction as a percentage with one decimal: 0.8123 → 81.2%.
func fmtRate(v Val) string {
	if !v.OK {
		return "—"
	}
	return numbers.Float(v.V*100, 1) + "%"
}

// fmtPct formats a percentage already ×100 with one decimal and a sign: +3.2%.
func fmtPct(v Val) string {
	if !v.OK {
		return "—"
	}
	s := numbers.Float(v.V, 1)
	if !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	if s == "-0"+numbers.dot+"0" {
		s = "+0" + numbers.dot + "0"
	}
	return s + "%"
}

// fmtPoints formats a change of a rate in percentage points with one decimal and a sign: +1.2.
func fmtPoints(v Val) string {
	if !v.OK {
		return "—"
	}
	s := numbers.Float(v.V, 1)
	if s == "-0"+numbers.dot+"0" {
		s = "0" + numbers.dot + "0"
	}
	if !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	return s
}

// fmtSigned formats a difference: whole numbers with sign and separators, others with one
// decimal.
func fmtSigned(v Val) string {
	if !v.OK {
		return "—"
	}
	switch v.kind {
	case valInt:
		return numbers.Signed(v.i)
	case valDec:
		if v.d.Units() > 0 {
			return "+" + numbers.Dec(v.d)
		}
		return numbers.Dec(v.d)
	}
	if v.V == math.Trunc(v.V) && math.Abs(v.V) < 1<<53 {
		return numbers.Signed(int64(v.V))
	}
	return fmtPoints(v)
}

// fmtAbsPct formats the size of a change in % (no sign): 14.7%.
func fmtAbsPct(v float64) string { return numbers.Float(math.Abs(v), 1) + "%" }

// fmtAbs formats the size of a change with one decimal (no sign): 1.2.
func fmtAbs(v float64) string { return numbers.Float(math.Abs(v), 1) }
