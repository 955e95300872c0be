package decode

import (
	"archive/zip"
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"

	"xxgk/pipeline"
)

// seed is the real scraped report (a county, 2021), as in ../shared/seeds.
func seed(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/seed.txt")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustDecode(t testing.TB, name string, b []byte) *Doc {
	t.Helper()
	d, err := Decode(name, b)
	if err != nil {
		t.Fatalf("Decode(%s): %v", name, err)
	}
	return d
}

func encode(t testing.TB, e encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return b
}

// firstDiff describes where two texts part, for failure messages.
func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			return "line " + strconv.Itoa(i+1) + ":\n got  " + la[i] + "\n want " + lb[i]
		}
	}
	return "line counts " + strconv.Itoa(len(la)) + " vs " + strconv.Itoa(len(lb))
}

func TestSeedDecode(t *testing.T) {
	raw := seed(t)
	d := mustDecode(t, "seed.txt", raw)
	if d.Encoding != "utf-8" || d.Kind != KindText || d.Traditional || d.Truncated || d.Size != len(raw) {
		t.Errorf("got encoding %q kind %q traditional %v truncated %v size %d", d.Encoding, d.Kind, d.Traditional, d.Truncated, d.Size)
	}
	if got, want := strings.Count(d.Text, "\n"), bytes.Count(raw, []byte("\n")); got != want {
		t.Errorf("line count changed: %d, want %d", got, want)
	}
	for _, want := range []string{"\n商业企业 |\n", "\n科研机构 |\n", "\n结果纠正 |\n", "目前已制作各类文件、会议和其他类别解读 34次", "\n|||\n"} {
		if !strings.Contains(d.Text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
}

func TestEncodingsRoundTrip(t *testing.T) {
	raw := seed(t)
	want := mustDecode(t, "seed.txt", raw).Text
	trad := ToTraditional(string(raw))

	cases := []struct {
		name, enc string
		in        []byte
		want      string
		trad      bool
	}{
		{"utf-8", "utf-8", raw, want, false},
		{"utf-8 BOM", "utf-8-bom", append([]byte("\xEF\xBB\xBF"), raw...), want, false},
		{"utf-16le BOM", "utf-16le", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), string(raw)), want, false},
		{"utf-16be BOM", "utf-16be", encode(t, unicode.UTF16(unicode.BigEndian, unicode.UseBOM), string(raw)), want, false},
		{"utf-16le no BOM", "utf-16le", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), string(raw)), want, false},
		{"gbk", "gb18030", encode(t, simplifiedchinese.GBK, string(raw)), want, false},
		{"gb18030", "gb18030", encode(t, simplifiedchinese.GB18030, string(raw)), want, false},
		{"gb18030 CRLF", "gb18030", encode(t, simplifiedchinese.GB18030, strings.ReplaceAll(string(raw), "\n", "\r\n")), want, false},
		{"traditional utf-8", "utf-8", []byte(trad), want, true},
		{"traditional utf-16le", "utf-16le", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), trad), want, true},
		{"big5", "big5", encode(t, traditionalchinese.Big5, trad), want, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := mustDecode(t, "report.txt", c.in)
			if d.Encoding != c.enc {
				t.Errorf("encoding %q, want %q", d.Encoding, c.enc)
			}
			if d.Traditional != c.trad {
				t.Errorf("traditional %v, want %v", d.Traditional, c.trad)
			}
			if d.Truncated || len(d.Notes) > 0 {
				t.Errorf("truncated %v notes %q", d.Truncated, d.Notes)
			}
			if d.Text != c.want {
				t.Errorf("text differs: %s", firstDiff(d.Text, c.want))
			}
		})
	}
}

func TestTruncated(t *testing.T) {
	raw := seed(t)
	full := mustDecode(t, "seed.txt", raw).Text
	gbk := encode(t, simplifiedchinese.GBK, string(raw))
	// Cut the GBK bytes inside the last Chinese character.
	cut := bytes.LastIndex(gbk, encode(t, simplifiedchinese.GBK, "元"))
	if cut < 0 {
		t.Fatal("seed has no 元")
	}
	utf := []byte(strings.TrimRight(string(raw), "\n"))
	cases := []struct {
		name, enc string
		in        []byte
	}{
		{"gbk", "gb18030", gbk[:cut+1]},
		{"utf-8", "utf-8", utf[:len(utf)-1]},
		{"utf-16le", "utf-16le", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), string(raw))[:101]},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := mustDecode(t, "cut.txt", c.in)
			if !d.Truncated || len(d.Notes) == 0 || d.Encoding != c.enc {
				t.Fatalf("truncated %v notes %q encoding %q", d.Truncated, d.Notes, d.Encoding)
			}
			if strings.ContainsRune(d.Text, utf8.RuneError) {
				t.Errorf("text has U+FFFD")
			}
			if !strings.HasPrefix(full, d.Text) {
				t.Errorf("text is not a prefix of the full text: %q…", d.Text[max(0, len(d.Text)-40):])
			}
			if len(d.Text) < 40 {
				t.Errorf("text too short: %q", d.Text)
			}
		})
	}
}

func TestCharsetHint(t *testing.T) {
	page := func(charset, body string) string {
		return `<html><head><meta http-equiv="Content-Type" content="text/html; charset=` + charset +
			`"></head><body><p>` + body + `</p></body></html>`
	}
	const text = "政府信息公开工作年度报告，收到和处理政府信息公开申请情况。"
	cases := []struct {
		name string
		in   []byte
		enc  string
		want string
	}{
		{"gb2312 declared", encode(t, simplifiedchinese.GBK, page("gb2312", text)), "gb18030", "政府信息公开工作年度报告,收到和处理政府信息公开申请情况。\n"},
		{"big5 declared", encode(t, traditionalchinese.Big5, page("big5", ToTraditional(text))), "big5", "政府信息公开工作年度报告,收到和处理政府信息公开申请情况。\n"},
		{"gbk declared big5", encode(t, simplifiedchinese.GBK, page("big5", text)), "gb18030", "政府信息公开工作年度报告,收到和处理政府信息公开申请情况。\n"},
		{"big5 undeclared", encode(t, traditionalchinese.Big5, page("", ToTraditional(text))), "big5", "政府信息公开工作年度报告,收到和处理政府信息公开申请情况。\n"},
		{"gbk declared utf-8", encode(t, simplifiedchinese.GBK, page("utf-8", text)), "gb18030", "政府信息公开工作年度报告,收到和处理政府信息公开申请情况。\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := mustDecode(t, "page.htm", c.in)
			if d.Encoding != c.enc || d.Kind != KindHTML || d.Text != c.want {
				t.Errorf("got %s %s %q, want %s html %q", d.Encoding, d.Kind, d.Text, c.enc, c.want)
			}
		})
	}
}

func TestInvalidUTF8Bytes(t *testing.T) {
	raw := seed(t)
	in := append(append(append([]byte{}, raw[:300]...), 0xFF), raw[300:]...)
	d := mustDecode(t, "bad.txt", in)
	if d.Encoding != "utf-8" || !strings.ContainsRune(d.Text, utf8.RuneError) || len(d.Notes) != 1 {
		t.Errorf("encoding %q notes %q, U+FFFD %v", d.Encoding, d.Notes, strings.ContainsRune(d.Text, utf8.RuneError))
	}
}

func zipOf(t testing.TB, files ...string) []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, f := range files {
		fw, err := w.Create(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write([]byte("<xml/>")); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestBadInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	noise := func(n int, lo byte) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = lo + byte(rng.IntN(256-int(lo)))
		}
		return b
	}
	cases := []struct {
		name   string
		in     []byte
		reason error
		detail string
	}{
		{"empty", nil, pipeline.ErrEmpty, ""},
		{"whitespace", []byte(" \r\n\t\n　\u00a0\ufeff \n"), pipeline.ErrEmpty, ""},
		{"utf-8 BOM only", []byte("\xEF\xBB\xBF"), pipeline.ErrEmpty, ""},
		{"utf-16 BOM only", []byte("\xFF\xFE"), pipeline.ErrEmpty, ""},
		{"html without text", []byte("<html><head><title>报告</title><script>var a=1</script></head><body> <div class=nav>首页</div> </body></html>"), pipeline.ErrEmpty, "HTML"},
		{"binary junk", noise(5000, 0), pipeline.ErrBinary, "NUL"},
		{"control characters", bytes.Repeat([]byte("报告\x01\x02\x03\x04\x05\x06\x07\x08"), 50), pipeline.ErrBinary, "控制字符"},
		{"png", append([]byte("\x89PNG\r\n\x1A\n\x00\x00\x00\rIHDR"), noise(100, 0)...), pipeline.ErrBinary, "PNG"},
		{"jpeg", append([]byte("\xFF\xD8\xFF\xE0\x00\x10JFIF"), noise(100, 0)...), pipeline.ErrBinary, "JPEG"},
		{"gzip", []byte("\x1F\x8B\x08\x00\x00\x00"), pipeline.ErrBinary, "gzip"},
		{"zip", zipOf(t, "a.txt"), pipeline.ErrBinary, "ZIP"},
		{"pdf", []byte("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<</Type/Catalog>>\nendobj\n"), pdfReason(pipeline.ErrCorrupt), "PDF"},
		{"docx", zipOf(t, "[Content_Types].xml", "word/document.xml"), pipeline.ErrCorrupt, "word/document.xml"},
		{"xlsx", zipOf(t, "[Content_Types].xml", "xl/workbook.xml"), pipeline.ErrUnsupported, "Excel"},
		{"doc (OLE)", append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), noise(600, 0)...), pipeline.ErrCorrupt, "WordDocument"},
		{"10 MB noise", noise(10<<20, 0), pipeline.ErrBinary, ""},
		{"1 MB high-byte noise", noise(1<<20, 0x80), pipeline.ErrEncoding, ""},
		{"latin-1", []byte("R\xE9sum\xE9 of the caf\xE9 report, na\xEFve \xE0 la carte"), pipeline.ErrEncoding, ""},
		{"utf-16 garbage", append([]byte("\xFF\xFE"), noise(2000, 0)...), nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			const name = "inbox/县政府/report.bin"
			d, err := Decode(name, c.in)
			if err == nil {
				t.Fatalf("no error; kind %s encoding %s text %.60q", d.Kind, d.Encoding, d.Text)
			}
			var ie *pipeline.InputError
			if !errors.As(err, &ie) || ie.Path != name {
				t.Fatalf("error %T %v is not an InputError for %s", err, err, name)
			}
			if !strings.Contains(err.Error(), name) {
				t.Errorf("message %q does not name the file", err)
			}
			if c.reason != nil && !errors.Is(err, c.reason) {
				t.Errorf("error %v, want %v", err, c.reason)
			}
			if !strings.Contains(ie.Detail, c.detail) {
				t.Errorf("detail %q lacks %q", ie.Detail, c.detail)
			}
		})
	}
}

func TestTooLarge(t *testing.T) {
	defer func(n int) { MaxSize = n }(MaxSize)
	MaxSize = 1 << 10
	_, err := Decode("big.txt", bytes.Repeat([]byte("政府信息公开\n"), 100))
	if !errors.Is(err, pipeline.ErrTooLarge) || !strings.Contains(err.Error(), "big.txt") {
		t.Fatalf("err = %v, want ErrTooLarge naming big.txt", err)
	}
}

func TestTrailingNULs(t *testing.T) {
	d := mustDecode(t, "padded.txt", append([]byte("一、总体情况\n"), make([]byte, 64)...))
	if d.Text != "一、总体情况\n" || len(d.Notes) != 1 {
		t.Errorf("text %q notes %q", d.Text, d.Notes)
	}
}

// pdfReason is the error a broken PDF gives: reason when pdftotext is installed, else
// ErrToolMissing.
func pdfReason(reason error) error {
	if !HasTool("pdftotext") {
		return pipeline.ErrToolMissing
	}
	return reason
}
