package decode

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"xxgk/pipeline"
)

// buildPDF writes a minimal well-formed PDF: objects 1..n in order (object 1 the catalog),
// an xref table with exact offsets, and a trailer with extra entries.
func buildPDF(objs []string, trailer string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, trailer, xref)
	return b.Bytes()
}

func stream(dict, data string) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}

// textPDF is a PDF whose pages carry the given ASCII lines in Helvetica.
func textPDF(pages ...[]string) []byte {
	n := len(pages)
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", "", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
	var kids []string
	for i, lines := range pages {
		page := 4 + 2*i
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
		var c strings.Builder
		c.WriteString("BT /F1 11 Tf 14 TL 50 780 Td\n")
		for _, l := range lines {
			fmt.Fprintf(&c, "(%s) Tj T*\n", l)
		}
		c.WriteString("ET")
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", page+1),
			stream("", c.String()))
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), n)
	return buildPDF(objs, "")
}

// imagePDF is a scan: each page shows one grey image and has no text.
func imagePDF(pages int) []byte {
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", ""}
	img := strings.Repeat("\x80\x40\xC0\x20", 16*16/4)
	objs = append(objs, stream("/Type /XObject /Subtype /Image /Width 16 /Height 16 /ColorSpace /DeviceGray /BitsPerComponent 8", img))
	var kids []string
	for i := range pages {
		page := 4 + 2*i
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 3 0 R >> >> /Contents %d 0 R >>", page+1),
			stream("", "q 500 0 0 700 40 60 cm /Im1 Do Q"))
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), pages)
	return buildPDF(objs, "")
}

// encryptedPDF is protected by a user password (the standard security handler, RC4 40-bit):
// without the password, nothing can be read.
func encryptedPDF() []byte {
	pdf := textPDF([]string{"secret report"})
	// an /Encrypt dictionary whose /U does not match the empty password
	enc := "<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <" + strings.Repeat("3F", 32) + "> /U <" + strings.Repeat("A5", 32) + "> >>"
	s := string(pdf)
	// append the Encrypt object through an incremental update
	start := strings.LastIndex(s, "startxref")
	prev := strings.TrimSpace(strings.TrimSuffix(s[start+len("startxref"):], "%%EOF\n"))
	var b bytes.Buffer
	b.WriteString(s)
	off := b.Len()
	n := strings.Count(s[:strings.Index(s, "xref\n")], " 0 obj\n") + 1
	fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", n, enc)
	x := b.Len()
	fmt.Fprintf(&b, "xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root 1 0 R /Prev %s /Encrypt %d 0 R /ID [<00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF>] >>\nstartxref\n%d\n%%%%EOF\n",
		n, off, n+1, prev, n, x)
	return b.Bytes()
}

func needPDFTools(t testing.TB) {
	t.Helper()
	if !HasTool("pdftotext") {
		t.Skip("pdftotext not installed (Debian package poppler-utils)")
	}
}

func realPDF(t testing.TB, year int) []byte {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("testdata/pdf/hongze-%d.pdf", year))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPDFText(t *testing.T) {
	needPDFTools(t)
	b := textPDF([]string{"Annual report of the county government", "page one of the report"}, []string{"- 2 -"},
		[]string{"third page text here, with enough letters", "-3-"})
	d, err := Decode("r.pdf", b)
	if err != nil {
		t.Fatal(err)
	}
	if d.Kind != KindPDF || d.Pages != 3 {
		t.Fatalf("kind %s pages %d", d.Kind, d.Pages)
	}
	lines := strings.Split(d.Text, "\n")
	if len(lines) != len(d.PageOfLine) {
		t.Fatalf("%d lines, %d pages of lines", len(lines), len(d.PageOfLine))
	}
	for i, l := range lines {
		want := 0
		switch {
		case strings.Contains(l, "page one"):
			want = 1
		case strings.Contains(l, "third page"):
			want = 3
		case strings.Contains(l, "2"), strings.Contains(l, "-3-"):
			t.Errorf("page number kept: line %d %q", i+1, l)
		}
		if want != 0 && d.Page(i+1) != want {
			t.Errorf("line %d %q: page %d, want %d", i+1, l, d.Page(i+1), want)
		}
	}
	if !strings.Contains(d.Notes[0], "第2页没有文字层") {
		t.Errorf("notes %q", d.Notes)
	}
	if d.Page(0) != 0 || d.Page(len(lines)+1) != 0 {
		t.Error("Page out of range is not 0")
	}
}

func TestRealPDFDecode(t *testing.T) {
	needPDFTools(t)
	d, err := Decode("hongze-2024.pdf", realPDF(t, 2024))
	if err != nil {
		t.Fatal(err)
	}
	if d.Pages != 5 || len(d.Notes) != 0 || d.Truncated {
		t.Errorf("pages %d notes %q truncated %v", d.Pages, d.Notes, d.Truncated)
	}
	lines := strings.Split(d.Text, "\n")
	if got := strings.TrimSpace(lines[0]); got != "淮安市洪泽区人民政府2024年政府信息公开工作年度报告" {
		t.Errorf("title line %q", got)
	}
	for _, want := range []string{"统计期限自2024年1月1日", "(国令第711号)", "信息处理费0元"} {
		if !strings.Contains(d.Text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	for i, l := range lines {
		if pageNumber(l) {
			t.Errorf("line %d: page number %q kept", i+1, l)
		}
		if strings.Contains(l, "本年新收政府信息公开申请数量") && d.Page(i+1) != 3 {
			t.Errorf("table 3 starts on page %d", d.Page(i+1))
		}
	}
}

func TestBadPDFs(t *testing.T) {
	needPDFTools(t)
	real := realPDF(t, 2023)
	cases := []struct {
		name   string
		in     []byte
		reason error
		detail string
	}{
		{"encrypted", encryptedPDF(), pipeline.ErrEncrypted, "密码"},
		{"truncated", real[:len(real)/3], pipeline.ErrCorrupt, "%%EOF"},
		{"header only", []byte("%PDF-1.7\n"), pipeline.ErrCorrupt, "PDF"},
		{"no catalog", bytes.ReplaceAll(textPDF([]string{"x"}), []byte("/Root 1 0 R"), []byte("/Root 9 0 R")), pipeline.ErrCorrupt, "损坏"},
		{"pages not a tree", bytes.ReplaceAll(textPDF([]string{"x"}), []byte("/Type /Catalog /Pages 2 0 R"), []byte("/Type /Catalog /Pages 7 0 R")), pipeline.ErrCorrupt, "损坏"},
		{"garbage body", append([]byte("%PDF-1.5\n"), bytes.Repeat([]byte("\x00\x9f\x12garbage\xff"), 2000)...), pipeline.ErrCorrupt, "PDF"},
		{"image only", imagePDF(3), pipeline.ErrNeedsOCR, "OCR"},
		{"zero pages", buildPDF([]string{"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"}, ""), pipeline.ErrEmpty, "没有页面"},
		{"blank page", textPDF([]string{}), pipeline.ErrNeedsOCR, "文字层"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			const name = "县政府/2023年报告.pdf"
			d, err := Decode(name, c.in)
			if err == nil {
				t.Fatalf("no error; pages %d text %.80q", d.Pages, d.Text)
			}
			var ie *pipeline.InputError
			if !errors.As(err, &ie) || ie.Path != name || !strings.Contains(err.Error(), name) {
				t.Fatalf("error %v does not name %s", err, name)
			}
			if c.reason != nil && !errors.Is(err, c.reason) {
				t.Errorf("error %v, want %v", err, c.reason)
			}
			if !strings.Contains(ie.Detail, c.detail) {
				t.Errorf("detail %q lacks %q", ie.Detail, c.detail)
			}
			t.Logf("%v", err)
		})
	}
}

// TestPDFOwnerPassword: a PDF that only restricts copying (no user password) is read.
func TestPDFOwnerPassword(t *testing.T) {
	needPDFTools(t)
	if !HasTool("qpdf") {
		t.Skip("qpdf not installed")
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "out.pdf")
	if err := os.WriteFile(in, realPDF(t, 2024), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command("qpdf", "--encrypt", "", "owner", "256", "--extract=n", "--", in, out).CombinedOutput(); err != nil {
		t.Fatalf("qpdf: %v %s", err, b)
	}
	b, _ := os.ReadFile(out)
	d, err := Decode("owner.pdf", b)
	if err != nil || !strings.Contains(d.Text, "行政许可") {
		t.Fatalf("owner-password PDF: %v", err)
	}
	// and one with a user password is reported as encrypted
	if b, err := exec.Command("qpdf", "--encrypt", "user", "owner", "256", "--", in, out).CombinedOutput(); err != nil {
		t.Fatalf("qpdf: %v %s", err, b)
	}
	b, _ = os.ReadFile(out)
	if _, err := Decode("user.pdf", b); !errors.Is(err, pipeline.ErrEncrypted) {
		t.Fatalf("user-password PDF: %v", err)
	}
}

func TestPDFToolMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Decode("a.pdf", textPDF([]string{"x"}))
	if !errors.Is(err, pipeline.ErrToolMissing) || !strings.Contains(err.Error(), "poppler-utils") || !strings.Contains(err.Error(), "a.pdf") {
		t.Fatalf("err = %v, want ErrToolMissing naming poppler-utils and a.pdf", err)
	}
}

func TestPageNumber(t *testing.T) {
	for s, want := range map[string]bool{
		"-3-": true, "  - 3 -  ": true, "—12—": true, "第3页": true, "第 3 页 共 5 页": true, "3/5": true, "3 / 5": true,
		"3": false, "-": false, "--": false, "一、总体情况": false, "21 0 0": false, "第二十条第(一)项": false, "-3": false,
	} {
		if got := pageNumber(s); got != want {
			t.Errorf("pageNumber(%q) = %v", s, got)
		}
	}
}

func TestFixPDFSpaces(t *testing.T) {
	for in, want := range map[string]string{
		"2023 年政府信息公开":             "2023年政府信息公开",
		"(国令第 711 号)":              "(国令第711号)",
		"主动公开政府信息 1136 条。":         "主动公开政府信息1136条。",
		"收取信息处理费 0 元":              "收取信息处理费0元",
		"行政许可 550":                 "行政许可 550",
		"行政许可                550":  "行政许可                550",
		"1.属于国家秘密         1     0": "1.属于国家秘密         1     0",
		"21    0      0":           "21    0      0",
		"10 1 0 0 0":               "10 1 0 0 0",
		"会议 7":                     "会议 7",
		"电话 : 0517-87222589 ，":     "电话 : 0517-87222589，",
	} {
		if got := fixPDFSpaces(in); got != want {
			t.Errorf("fixPDFSpaces(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestJoinTitle(t *testing.T) {
	pl := []string{"         淮安市洪泽区人民政府", "    2024 年政府信息公开工作年度报告", "", "  本报告由……编制。"}
	joinTitle(pl)
	if pl[0] != "         淮安市洪泽区人民政府2024 年政府信息公开工作年度报告" || pl[1] != "" {
		t.Errorf("%q", pl)
	}
	pl = []string{"  一、总体情况", "  2024年，本机关……"}
	joinTitle(pl)
	if pl[0] != "  一、总体情况" {
		t.Errorf("%q", pl)
	}
	// broken inside 报告 (LibreOffice, 17 pt): the heading after it stays
	pl = []string{"双塔区人力资源和社会保障局 2019 年政府信息公开工作年度报", "                                        告", "一、总体情况", "2019 年，我局……"}
	joinTitle(pl)
	if pl[0] != "双塔区人力资源和社会保障局 2019 年政府信息公开工作年度报告" || pl[1] != "" || pl[2] != "一、总体情况" {
		t.Errorf("%q", pl)
	}
}

// TestUnwrapParagraphs: the lines of a paragraph broken by the page width are joined; a
// heading at the left margin after a full line that ends a sentence is not (a printer that does
// not indent paragraphs: LibreOffice).
func TestUnwrapParagraphs(t *testing.T) {
	lines := []string{
		"一是严格落实信息发布时限要求，做到政府信息形成之日起二十个工作日内公开；二是推进基层",
		"政务公开标准化规范化建设，全面梳理完善公开事项，进一步规范依申请公开的办理流程。",
		"六、其他需要报告的事项",
		"无其他需要报告的事项。",
	}
	unwrapParagraphs(lines)
	want := []string{
		"一是严格落实信息发布时限要求，做到政府信息形成之日起二十个工作日内公开；二是推进基层政务公开标准化规范化建设，全面梳理完善公开事项，进一步规范依申请公开的办理流程。",
		"",
		"六、其他需要报告的事项",
		"无其他需要报告的事项。",
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d: got %q, want %q", i+1, lines[i], want[i])
		}
	}
}
