package parse

import (
	"errors"
	"strings"
	"unicode/utf8"

	"xxgk/schemas"
)

// Errors of the cell-value parser. They are short Chinese hints; the parser wraps them into a
// Problem that names the file, table, row, column and line.
var (
	ErrNotNumber = errors.New("不是数字")
	ErrFraction  = errors.New("计数不应有小数")
	ErrSign      = errors.New("此处不应有正负号")
	ErrGrouping  = errors.New("千位分隔符位置不对")
	ErrUnit      = errors.New("单位与表头不符")
)

// units are the suffixes a value cell may carry, longest first.
var units = [...]string{"人次", "件次", "万元", "件", "条", "个", "项", "次", "元"}

// Value parses the text of one table cell. Empty or white space is StateBlank (0); a dash
// ("-", "—", "–", "——", "/", "／", "无", "－") is StateDash; a number may carry a unit suffix
// (件, 条, 个, 项, 次, 人次, 件次, 元, 万元) and thousands separators ("1,234"). A sign is
// accepted only when signed, a decimal point only when decimal ("2.0" in a count is an
// error, never rounded). Anything else ("十二", "约20", "20余", "a1") is an error.
func Value(text string, decimal, signed bool) (schemas.CellState, schemas.Dec, error) {
	st, d, _, err := value(text, decimal, signed)
	return st, d, err
}

// value is Value that also returns the unit suffix it removed.
func value(text string, decimal, signed bool) (schemas.CellState, schemas.Dec, string, error) {
	v := parseValue(text)
	return v.with(decimal, signed)
}

// parsed is the lenient reading of a cell (any sign, any decimals), from which the reading
// under stricter flags follows without parsing again. It is kept small: one per token.
type parsed struct {
	d          schemas.Dec
	state      uint8 // index into states
	unit       uint8 // 1 + index into units, 0 none
	err        uint8 // 1 + index into valueErrs, 0 none
	sign, frac bool
}

var states = [...]schemas.CellState{"", schemas.StateNumber, schemas.StateBlank, schemas.StateDash}

var valueErrs = [...]error{ErrNotNumber, ErrFraction, ErrSign, ErrGrouping, schemas.ErrDecRange,
	schemas.ErrDecPrecision, schemas.ErrDecSyntax}

func (v parsed) unitText() string {
	if v.unit == 0 {
		return ""
	}
	return units[v.unit-1]
}

func (v parsed) error() error {
	if v.err == 0 {
		return nil
	}
	return valueErrs[v.err-1]
}

func (v parsed) with(decimal, signed bool) (schemas.CellState, schemas.Dec, string, error) {
	switch {
	case v.err != 0:
		return "", 0, v.unitText(), v.error()
	case v.sign && !signed:
		return "", 0, v.unitText(), ErrSign
	case v.frac && !decimal:
		return "", 0, v.unitText(), ErrFraction
	}
	return states[v.state], v.d, v.unitText(), nil
}

func parseValue(text string) (v parsed) {
	st, d, unit, err := valueLenient(text, &v.sign, &v.frac)
	v.d = d
	for i, s := range states {
		if s == st {
			v.state = uint8(i)
		}
	}
	for i, u := range units {
		if u == unit {
			v.unit = uint8(i + 1)
		}
	}
	if err != nil {
		v.err = 1 // ErrNotNumber unless a known error
		for i, e := range valueErrs {
			if e == err {
				v.err = uint8(i + 1)
			}
		}
	}
	return v
}

// valueLenient parses with signs and decimals allowed, recording whether it saw them.
func valueLenient(text string, sawSign, sawFrac *bool) (schemas.CellState, schemas.Dec, string, error) {
	const decimal, signed = true, true
	s := trimSpace(text)
	if s == "" {
		return schemas.StateBlank, 0, "", nil
	}
	if isDash(s) {
		return schemas.StateDash, 0, "", nil
	}
	unit := ""
	for _, u := range units {
		if len(s) > len(u) && strings.HasSuffix(s, u) {
			unit = u
			s = trimSpace(s[:len(s)-len(u)])
			break
		}
	}
	if s == "" {
		return "", 0, unit, ErrNotNumber
	}
	// Fold full-width digits and signs (decode already applies NFKC; Value may be called on
	// raw text) and drop thousands separators into a small buffer.
	var buf [40]byte
	b := buf[:0]
	digits, sinceComma, commas, dots := 0, -1, 0, 0
	for i := 0; i < len(s); {
		c := s[i]
		size := 1
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			size = n
			switch {
			case r >= '０' && r <= '９':
				c = byte(r-'０') + '0'
			case r == '，':
				c = ','
			case r == '．':
				c = '.'
			case r == '＋':
				c = '+'
			case r == '－' || r == '−':
				c = '-'
			default:
				return "", 0, unit, ErrNotNumber
			}
		}
		i += size
		switch {
		case c >= '0' && c <= '9':
			digits++
			if sinceComma >= 0 {
				sinceComma++
			}
		case c == ',':
			if digits == 0 || dots > 0 || (sinceComma >= 0 && sinceComma != 3) || (sinceComma < 0 && digits > 3) {
				return "", 0, unit, ErrGrouping
			}
			commas++
			sinceComma = 0
			continue
		case c == '.':
			if dots > 0 {
				return "", 0, unit, ErrNotNumber
			}
			if sinceComma >= 0 && sinceComma != 3 {
				return "", 0, unit, ErrGrouping
			}
			sinceComma = -1
			dots++
		case c == '+' || c == '-':
			if len(b) != 0 {
				return "", 0, unit, ErrNotNumber
			}
			if !signed {
				return "", 0, unit, ErrSign
			}
		default:
			return "", 0, unit, ErrNotNumber
		}
		if len(b) == len(buf) {
			return "", 0, unit, schemas.ErrDecRange
		}
		b = append(b, c)
	}
	if commas > 0 && sinceComma >= 0 && sinceComma != 3 {
		return "", 0, unit, ErrGrouping
	}
	if digits == 0 {
		return "", 0, unit, ErrNotNumber
	}
	if dots > 0 && !decimal {
		return "", 0, unit, ErrFraction
	}
	*sawFrac = dots > 0
	*sawSign = b[0] == '+' || b[0] == '-'
	d, err := decASCII(b)
	if err != nil {
		return "", 0, unit, err
	}
	return schemas.StateNumber, d, unit, nil
}

// decASCII is schemas.ParseDec for the validated bytes of a number (optional sign, digits,
// at most one point), without converting them to a string.
func decASCII(b []byte) (schemas.Dec, error) {
	neg := false
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg = b[0] == '-'
		b = b[1:]
	}
	var v, frac int64
	fracDigits, seenDot, digits := 0, false, 0
	for _, c := range b {
		switch {
		case c == '.':
			seenDot = true
		case !seenDot:
			if v > (1<<62)/10/10000 {
				return 0, schemas.ErrDecRange
			}
			v = v*10 + int64(c-'0')
			digits++
		default:
			digits++
			if fracDigits < schemas.DecScale {
				frac = frac*10 + int64(c-'0')
				fracDigits++
			} else if c != '0' {
				return 0, schemas.ErrDecPrecision
			}
		}
	}
	if digits == 0 || seenDot && len(b) > 0 && b[len(b)-1] == '.' {
		return 0, schemas.ErrDecSyntax
	}
	for ; fracDigits < schemas.DecScale; fracDigits++ {
		frac *= 10
	}
	d := v*10000 + frac
	if neg {
		d = -d
	}
	return schemas.Dec(d), nil
}

// isDash reports whether s (trimmed, non-empty) means "no number": a run of dashes, a slash,
// or 无.
func isDash(s string) bool {
	if s == "无" || s == "/" || s == "／" || s == "\\" {
		return true
	}
	for _, r := range s {
		switch r {
		case '-', '—', '–', '－', '―', '─', '‐', '‑', '−':
		default:
			return false
		}
	}
	return true
}

// trimSpace trims ASCII white space, U+3000 and U+00A0.
func trimSpace(s string) string {
	for len(s) > 0 {
		c := s[0]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f' {
			s = s[1:]
			continue
		}
		if strings.HasPrefix(s, "\u3000") {
			s = s[3:]
			continue
		}
		if strings.HasPrefix(s, "\u00a0") {
			s = s[2:]
			continue
		}
		break
	}
	for len(s) > 0 {
		c := s[len(s)-1]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f' {
			s = s[:len(s)-1]
			continue
		}
		if strings.HasSuffix(s, "\u3000") {
			s = s[:len(s)-3]
			continue
		}
		if strings.HasSuffix(s, "\u00a0") {
			s = s[:len(s)-2]
			continue
		}
		break
	}
	return s
}
