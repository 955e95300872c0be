package decode

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"

	"xxgk/pipeline"
)

// Charset detection reads at most sampleSize bytes to choose (more when the sample holds
// too few non-ASCII characters to judge), then decodes the whole input once.
const (
	sampleSize = 64 << 10
	minQuality = 0.6 // share of common characters below which a charset is garbage
	hintMargin = 0.05
)

var (
	utf8BOM    = []byte{0xEF, 0xBB, 0xBF}
	utf16LEBOM = []byte{0xFF, 0xFE}
	utf16BEBOM = []byte{0xFE, 0xFF}
)

// decodeCharset rejects non-text input and returns b as UTF-8, recording Encoding,
// Truncated and Notes in d. The result is not normalised yet.
func decodeCharset(d *Doc, b []byte) (string, error) {
	switch {
	case bytes.HasPrefix(b, utf8BOM):
		d.Encoding = "utf-8-bom"
		b = b[len(utf8BOM):]
	case bytes.HasPrefix(b, utf16LEBOM):
		return decodeUTF16(d, b[2:], false)
	case bytes.HasPrefix(b, utf16BEBOM):
		return decodeUTF16(d, b[2:], true)
	}
	if err := sniffBinary(d.Name, b); err != nil {
		return "", err
	}
	if k := len(b) - len(bytes.TrimRight(b, "\x00")); k > 0 {
		b = b[:len(b)-k]
		d.Notes = append(d.Notes, fmt.Sprintf("文件末尾有 %d 个 NUL 填充字节，已忽略", k))
	}
	if bytes.IndexByte(b, 0) >= 0 {
		if be, ok := sniffUTF16(b); ok && d.Encoding == "" {
			return decodeUTF16(d, b, be)
		}
		return "", inputError(d.Name, pipeline.ErrBinary, "含有 NUL 字节")
	}
	if err := sniffControls(d.Name, b); err != nil {
		return "", err
	}

	if utf8.Valid(b) {
		if d.Encoding == "" {
			d.Encoding = "utf-8"
		}
		return string(b), nil
	}

	// Not valid UTF-8: score UTF-8 (a few bad bytes), GB18030 and Big5 on a sample.
	sample, final := b, true
	if len(b) > sampleSize {
		sample, final = b[:sampleSize], false
	}
	var sc [3]score
	for {
		sc = [3]score{scoreUTF8(sample, final), scoreGB(sample, final), scoreBig5(sample, final)}
		if final || sc[1].mb+sc[1].bad >= 64 {
			break
		}
		sample, final = b, true // too little to judge: read it all
	}
	best := 0
	for i := 1; i < len(sc); i++ {
		if sc[i].quality() > sc[best].quality() {
			best = i
		}
	}
	if d.Encoding == "" { // a BOM says UTF-8 whatever the bytes; else a declared charset may tip the balance
		if h := charsetHint(b); h >= 0 && sc[h].quality() >= minQuality && sc[h].quality()+hintMargin >= sc[best].quality() {
			best = h
		}
	} else {
		best = csUTF8
	}
	for {
		if q := sc[best].quality(); q < minQuality {
			return "", inputError(d.Name, pipeline.ErrEncoding,
				"不是 UTF-8，也不像 GB18030 或 Big5（最像 %s，常用汉字比例 %.0f%%）", csNames[best], 100*q)
		}
		if final {
			break
		}
		sc[best], final = scorers[best](b, true), true // the sample passed: check it all
	}
	s := sc[best]
	if s.tail > 0 {
		b = b[:len(b)-s.tail]
		d.Truncated = true
		d.Notes = append(d.Notes, fmt.Sprintf("文件在多字节字符中间结束（末尾 %d 字节不成字，可能被截断），已解码其余内容", s.tail))
	}
	if s.bad > 0 {
		d.Notes = append(d.Notes, fmt.Sprintf("%d 处无效字节已替换为 U+FFFD", s.bad))
	}
	if d.Encoding == "" {
		d.Encoding = csNames[best]
	}
	if best == csUTF8 {
		return string(bytes.ToValidUTF8(b, []byte("\uFFFD"))), nil
	}
	out, err := csDecoders[best]().Bytes(b)
	if err != nil { // x/text decoders replace invalid bytes; an error here is unexpected
		return "", inputError(d.Name, pipeline.ErrEncoding, "%s 解码失败：%v", csNames[best], err)
	}
	return string(out), nil
}

const (
	csUTF8 = iota
	csGB
	csBig5
)

var (
	csNames    = [3]string{"utf-8", "gb18030", "big5"}
	scorers    = [3]func([]byte, bool) score{scoreUTF8, scoreGB, scoreBig5}
	csDecoders = [3]func() *encoding.Decoder{
		nil,
		simplifiedchinese.GB18030.NewDecoder,
		traditionalchinese.Big5.NewDecoder,
	}
)

// score counts what a charset makes of a byte sample.
type score struct {
	mb   int // multi-byte characters
	good int // of which common characters and CJK punctuation
	bad  int // invalid bytes
	tail int // bytes of an incomplete character at the end of the input
}

// quality is the share of common characters among multi-byte characters and invalid bytes.
func (s score) quality() float64 {
	if s.mb+s.bad == 0 {
		return 0
	}
	return float64(s.good) / float64(s.mb+s.bad)
}

func scoreUTF8(b []byte, final bool) score {
	var s score
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			if !utf8.FullRune(b[i:]) {
				if final {
					s.tail = len(b) - i
				}
				break
			}
			s.bad++
			if s.bad > 64 && s.bad > 2*s.mb {
				break // not UTF-8: no need to read on
			}
			i++
			continue
		}
		s.mb++
		if r < 0xE000 || r > 0xF8FF { // not private use
			s.good++
		}
		i += n
	}
	return s
}

// scoreGB walks GB18030: common are GB2312 level 1 (B0A1–D7F9) and its punctuation and
// full-width forms (A1A1–A3FE); level 2 (D8A1–F7FE) is neutral; GBK extensions and
// four-byte sequences are valid but rare.
func scoreGB(b []byte, final bool) score {
	var s score
	n := len(b)
	for i := 0; i < n; {
		c := b[i]
		if c < 0x80 {
			i++
			continue
		}
		if c == 0x80 || c == 0xFF {
			s.bad++
			i++
			continue
		}
		if i+1 >= n {
			if final {
				s.tail = n - i
			}
			break
		}
		t := b[i+1]
		if t >= 0x30 && t <= 0x39 { // four bytes: lead digit lead digit
			if i+3 >= n {
				if final && (i+2 >= n || b[i+2] >= 0x81 && b[i+2] <= 0xFE) {
					s.tail = n - i
				}
				break
			}
			if b[i+2] >= 0x81 && b[i+2] <= 0xFE && b[i+3] >= 0x30 && b[i+3] <= 0x39 {
				s.mb++
				i += 4
				continue
			}
			s.bad++
			i++
			continue
		}
		if t < 0x40 || t == 0x7F || t == 0xFF {
			s.bad++
			i++
			continue
		}
		s.mb++
		switch {
		case c >= 0xB0 && c <= 0xD7 && t >= 0xA1 && !(c == 0xD7 && t >= 0xFA):
			s.good++
		case c >= 0xA1 && c <= 0xA3 && t >= 0xA1:
			s.good++
		}
		i += 2
	}
	return s
}

// scoreBig5 walks Big5 (with the HKSCS lead bytes the WHATWG decoder accepts): common are
// the symbols (A140–A3BF) and the frequent characters (A440–C67E); the less frequent ones
// (C940–F9D5) are neutral; the rest is valid but rare.
func scoreBig5(b []byte, final bool) score {
	var s score
	n := len(b)
	for i := 0; i < n; {
		c := b[i]
		if c < 0x80 {
			i++
			continue
		}
		if c == 0x80 || c == 0xFF {
			s.bad++
			i++
			continue
		}
		if i+1 >= n {
			if final {
				s.tail = n - i
			}
			break
		}
		t := b[i+1]
		if !(t >= 0x40 && t <= 0x7E || t >= 0xA1 && t <= 0xFE) {
			s.bad++
			i++
			continue
		}
		s.mb++
		code := int(c)<<8 | int(t)
		if code >= 0xA140 && code <= 0xA3BF || code >= 0xA440 && code <= 0xC67E {
			s.good++
		}
		i += 2
	}
	return s
}

// charsetHint reads an HTML charset declaration (<meta charset=…> or a content-type) from
// the start of b: csGB, csBig5, csUTF8, or -1.
func charsetHint(b []byte) int {
	if len(b) > 4096 {
		b = b[:4096]
	}
	for {
		i := indexFold(b, "charset")
		if i < 0 {
			return -1
		}
		b = b[i+len("charset"):]
		j := 0
		for j < len(b) && (b[j] == ' ' || b[j] == '=' || b[j] == '"' || b[j] == '\'') {
			j++
		}
		k := j
		for k < len(b) && (isAlnum(b[k]) || b[k] == '-' || b[k] == '_') {
			k++
		}
		switch string(bytes.ToLower(b[j:k])) {
		case "gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "gb_2312-80", "x-euc-cn":
			return csGB
		case "big5", "big5-hkscs", "x-x-big5", "cp950", "x-big5":
			return csBig5
		case "utf-8", "utf8":
			return csUTF8
		}
	}
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// indexFold finds the ASCII word w (lower case) in b, ignoring ASCII case.
func indexFold(b []byte, w string) int {
	c0, c1 := w[0], w[0]-('a'-'A')
	for i := 0; i+len(w) <= len(b); i++ {
		if (b[i] == c0 || b[i] == c1) && hasPrefixFold(b[i:], w) {
			return i
		}
	}
	return -1
}

// hasPrefixFold reports whether b starts with the lower-case ASCII word w, ignoring case.
func hasPrefixFold[T string | []byte](b T, w string) bool {
	if len(b) < len(w) {
		return false
	}
	for k := 0; k < len(w); k++ {
		c := b[k]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[k] {
			return false
		}
	}
	return true
}

// sniffUTF16 recognises UTF-16 without a BOM: nearly every code unit of the sample is plain
// text (ASCII, CJK, CJK punctuation, full-width forms) in one byte order.
func sniffUTF16(b []byte) (bigEndian, ok bool) {
	if len(b) < 4 {
		return false, false
	}
	le, be := plausibleUTF16(b, false), plausibleUTF16(b, true)
	switch {
	case le >= 0.9 && le > be:
		return false, true
	case be >= 0.9 && be > le:
		return true, true
	}
	return false, false
}

// plausibleUTF16 is the share of plausible text code units in the first 4096 units of b.
func plausibleUTF16(b []byte, bigEndian bool) float64 {
	n := min(len(b), 8192) &^ 1
	if n == 0 {
		return 1
	}
	ok := 0
	for i := 0; i < n; i += 2 {
		u := rune(b[i]) | rune(b[i+1])<<8
		if bigEndian {
			u = rune(b[i])<<8 | rune(b[i+1])
		}
		if plausibleUnit(u) {
			ok++
		}
	}
	return float64(ok) / float64(n/2)
}

func plausibleUnit(u rune) bool {
	switch {
	case u >= 0x20 && u < 0x7F, u == '\n', u == '\r', u == '\t':
		return true
	case u >= 0x4E00 && u <= 0x9FFF, u >= 0x3000 && u <= 0x303F, u >= 0xFF00 && u <= 0xFFEF:
		return true
	case u >= 0x2000 && u <= 0x206F, u >= 0xA0 && u <= 0xFF, u >= 0x3400 && u <= 0x4DBF, u == 0xFEFF:
		return true
	}
	return false
}

// decodeUTF16 decodes b (after any BOM) as UTF-16 and checks that the result is text.
func decodeUTF16(d *Doc, b []byte, bigEndian bool) (string, error) {
	order, name := unicode.LittleEndian, "utf-16le"
	if bigEndian {
		order, name = unicode.BigEndian, "utf-16be"
	}
	d.Encoding = name
	if len(b)%2 != 0 {
		b = b[:len(b)-1]
		d.Truncated = true
	}
	if len(b) >= 2 { // a lone high surrogate at the end: the file stops inside a character
		last := rune(b[len(b)-2]) | rune(b[len(b)-1])<<8
		if bigEndian {
			last = rune(b[len(b)-2])<<8 | rune(b[len(b)-1])
		}
		if last >= 0xD800 && last <= 0xDBFF {
			b = b[:len(b)-2]
			d.Truncated = true
		}
	}
	if d.Truncated {
		d.Notes = append(d.Notes, "文件末尾的字符不完整（被截断），已解码其余内容")
	}
	if q := plausibleUTF16(b, bigEndian); q < 0.5 {
		return "", inputError(d.Name, pipeline.ErrEncoding, "%s 内容不像文本（可读字符比例 %.0f%%）", name, 100*q)
	}
	out, err := unicode.UTF16(order, unicode.IgnoreBOM).NewDecoder().Bytes(b)
	if err != nil {
		return "", inputError(d.Name, pipeline.ErrEncoding, "%s 解码失败：%v", name, err)
	}
	if bytes.IndexByte(out, 0) >= 0 {
		return "", inputError(d.Name, pipeline.ErrBinary, "%s 解码后含有 NUL 字符", name)
	}
	if err := sniffControls(d.Name, out); err != nil {
		return "", err
	}
	if bad := bytes.Count(out, []byte("\uFFFD")); bad > 0 {
		if runes := utf8.RuneCount(out); bad*10 > runes {
			return "", inputError(d.Name, pipeline.ErrEncoding, "%s 解码后 %d/%d 个字符无效", name, bad, runes)
		}
		d.Notes = append(d.Notes, fmt.Sprintf("%d 处无效字符已替换为 U+FFFD", bad))
	}
	return string(out), nil
}
