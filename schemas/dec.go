package schemas

import (
	"errors"
	"strconv"
	"strings"
)

// DecScale is the number of decimal places a Dec keeps. Counts are whole numbers; fees in
// 万元 and yuan carry at most a few decimals. A printed value with more places is not
// rounded: ParseDec refuses it and the parser reports it as a problem.
const DecScale = 4

const decUnit = 10000 // 10^DecScale

// Dec is an exact fixed-point decimal (value × 10^4 in an int64). Sums of Decs are exact,
// so rollups never drift as floats would.
type Dec int64

// ErrDecSyntax is returned for text that is not a plain decimal number.
var ErrDecSyntax = errors.New("不是数字")

// ErrDecPrecision is returned for a number with more decimal places than DecScale.
var ErrDecPrecision = errors.New("小数位数过多")

// ErrDecRange is returned for a number too large to hold.
var ErrDecRange = errors.New("数值过大")

// DecInt returns n as a Dec.
func DecInt(n int64) Dec { return Dec(n * decUnit) }

// ParseDec parses an optionally signed decimal such as "12", "-3", "+4", "0.35". It accepts
// nothing else: units, separators and spaces are the caller's business.
func ParseDec(s string) (Dec, error) {
	if s == "" {
		return 0, ErrDecSyntax
	}
	neg := false
	switch s[0] {
	case '+':
		s = s[1:]
	case '-':
		neg = true
		s = s[1:]
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" && (!hasDot || frac == "") {
		return 0, ErrDecSyntax
	}
	if hasDot && frac == "" {
		return 0, ErrDecSyntax
	}
	var v int64
	for i := 0; i < len(intPart); i++ {
		c := intPart[i]
		if c < '0' || c > '9' {
			return 0, ErrDecSyntax
		}
		if v > (1<<62)/10/decUnit {
			return 0, ErrDecRange
		}
		v = v*10 + int64(c-'0')
	}
	v *= decUnit
	if len(frac) > DecScale {
		// trailing zeros beyond the scale are harmless (0.50000)
		extra := strings.TrimRight(frac[DecScale:], "0")
		if extra != "" {
			for i := 0; i < len(frac); i++ {
				if frac[i] < '0' || frac[i] > '9' {
					return 0, ErrDecSyntax
				}
			}
			return 0, ErrDecPrecision
		}
		frac = frac[:DecScale]
	}
	mult := int64(decUnit / 10)
	for i := 0; i < len(frac); i++ {
		c := frac[i]
		if c < '0' || c > '9' {
			return 0, ErrDecSyntax
		}
		v += int64(c-'0') * mult
		mult /= 10
	}
	if neg {
		v = -v
	}
	return Dec(v), nil
}

// IsInt reports whether d is a whole number.
func (d Dec) IsInt() bool { return int64(d)%decUnit == 0 }

// Int returns the whole part of d (truncated toward zero).
func (d Dec) Int() int64 { return int64(d) / decUnit }

// Float returns d as a float64 (for display and charts only).
func (d Dec) Float() float64 { return float64(d) / decUnit }

// Units returns the raw scaled value (value × 10^4), as stored in DECIMAL(18,4) columns.
func (d Dec) Units() int64 { return int64(d) }

// String formats d with as few decimals as needed: "12", "-3", "0.35".
func (d Dec) String() string {
	v := int64(d)
	neg := v < 0
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v/decUnit, 10)
	if f := v % decUnit; f != 0 {
		fs := strconv.FormatInt(f+decUnit, 10)[1:] // zero-padded to 4
		s += "." + strings.TrimRight(fs, "0")
	}
	if neg {
		s = "-" + s
	}
	return s
}

// MarshalJSON writes d as a JSON number.
func (d Dec) MarshalJSON() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalJSON reads a JSON number exactly (no float round trip).
func (d *Dec) UnmarshalJSON(b []byte) error {
	v, err := ParseDec(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
