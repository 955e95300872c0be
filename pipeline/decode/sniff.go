package decode

import (
	"bytes"
	"path/filepath"
	"strings"

	"xxgk/pipeline"
)

// PDF, DOCX and OLE Word files are read by decodeDocument before the text path; the entries
// below catch them only where they hide behind a byte-order mark.
const laterStage = "文件开头有多余的字节顺序标记，无法按文档读取"

// magic is a file signature at offset 0.
type magic struct {
	prefix string
	what   string
	reason error
}

var magics = []magic{
	{"%PDF-", "PDF 文件；" + laterStage, pipeline.ErrUnsupported},
	{"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "Word 97-2003（.doc）等 OLE 复合文档；" + laterStage, pipeline.ErrUnsupported},
	{"{\\rtf", "RTF 文档", pipeline.ErrUnsupported},
	{"\x89PNG\r\n\x1A\n", "PNG 图片", pipeline.ErrBinary},
	{"\xFF\xD8\xFF", "JPEG 图片", pipeline.ErrBinary},
	{"GIF87a", "GIF 图片", pipeline.ErrBinary},
	{"GIF89a", "GIF 图片", pipeline.ErrBinary},
	{"II*\x00", "TIFF 图片", pipeline.ErrBinary},
	{"MM\x00*", "TIFF 图片", pipeline.ErrBinary},
	{"\x1F\x8B", "gzip 压缩文件", pipeline.ErrBinary},
	{"7z\xBC\xAF\x27\x1C", "7z 压缩包", pipeline.ErrBinary},
	{"Rar!\x1A\x07", "RAR 压缩包", pipeline.ErrBinary},
	{"\xFD7zXZ\x00", "xz 压缩文件", pipeline.ErrBinary},
	{"\x7FELF", "可执行文件", pipeline.ErrBinary},
}

// sniffBinary rejects known non-text formats by their signature. NUL bytes and control
// characters are judged by the caller (UTF-16 without BOM is full of NULs).
func sniffBinary(name string, b []byte) error {
	for _, m := range magics {
		if strings.HasPrefix(string(b[:min(len(b), len(m.prefix))]), m.prefix) {
			return inputError(name, m.reason, "%s", m.what)
		}
	}
	// PDF allows junk before the header within the first KiB.
	if i := bytes.Index(b[:min(len(b), 1024)], []byte("%PDF-")); i >= 0 && bytes.IndexByte(b[:i], 0) >= 0 {
		return inputError(name, pipeline.ErrUnsupported, "PDF 文件；%s", laterStage)
	}
	if bytes.HasPrefix(b, []byte("PK\x03\x04")) || bytes.HasPrefix(b, []byte("PK\x05\x06")) {
		head := b[:min(len(b), 64<<10)]
		switch {
		case bytes.Contains(head, []byte("word/")):
			return inputError(name, pipeline.ErrUnsupported, "Word（.docx）文档；%s", laterStage)
		case bytes.Contains(head, []byte("xl/")):
			return inputError(name, pipeline.ErrUnsupported, "Excel（.xlsx）表格")
		case bytes.Contains(head, []byte("OFD.xml")):
			return inputError(name, pipeline.ErrUnsupported, "OFD 版式文档")
		case bytes.Contains(head, []byte("ppt/")):
			return inputError(name, pipeline.ErrUnsupported, "PowerPoint（.pptx）文档")
		}
		return inputError(name, pipeline.ErrBinary, "ZIP 压缩包")
	}
	if len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP" {
		return inputError(name, pipeline.ErrBinary, "WebP 图片")
	}
	return nil
}

// ctrlBytes marks the control characters that do not occur in text: all below 0x20 but
// tab, line feed, vertical tab, form feed, carriage return and escape; and DEL.
var ctrlBytes = func() (t [256]uint8) {
	for c := range 0x20 {
		t[c] = 1
	}
	for _, c := range []byte{'\t', '\n', '\v', '\f', '\r', 0x1B} {
		t[c] = 0
	}
	t[0x7F] = 1
	return t
}()

// sniffControls rejects content whose samples (start, middle, end) hold more than 2 %
// control characters other than tab, line feed, carriage return, form feed and escape.
func sniffControls(name string, b []byte) error {
	const chunk = 4096
	count := func(p []byte) (ctrl int) {
		for _, c := range p {
			ctrl += int(ctrlBytes[c])
		}
		return ctrl
	}
	var ctrl, n int
	if len(b) <= 3*chunk {
		ctrl, n = count(b), len(b)
	} else {
		mid := len(b)/2 - chunk/2
		ctrl = count(b[:chunk]) + count(b[mid:mid+chunk]) + count(b[len(b)-chunk:])
		n = 3 * chunk
	}
	if ctrl > 0 && ctrl*50 > n {
		return inputError(name, pipeline.ErrBinary, "控制字符过多（样本 %d 字节中 %d 个）", n, ctrl)
	}
	return nil
}

var (
	pageTags     = []string{"<!doctype html", "<html", "<body", "<table", "<head>"}
	fragmentTags = []string{"<p>", "<p ", "<div", "<br", "<span", "<tr", "<td", "<h1", "<h2", "<h3",
		"<meta", "<title", "<!--", "<font", "<strong", "</"}
)

// looksHTML says whether text is an HTML page (or fragment): a tag that only pages carry
// near the start, or other tags in a file that starts with one or is named like a web page.
func looksHTML(name string, text string) bool {
	head := text[:min(len(text), 8192)]
	fragment := false
	for i := strings.IndexByte(head, '<'); i >= 0; {
		rest := head[i:]
		for _, w := range pageTags {
			if hasPrefixFold(rest, w) {
				return true
			}
		}
		if !fragment {
			for _, w := range fragmentTags {
				if hasPrefixFold(rest, w) {
					fragment = true
					break
				}
			}
		}
		j := strings.IndexByte(rest[1:], '<')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	if !fragment {
		return false
	}
	lead := strings.TrimLeftFunc(head, func(r rune) bool { return r <= ' ' || r == 0x7F || r == '\ufeff' })
	if strings.HasPrefix(lead, "<") {
		return true
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".htm", ".html", ".shtml", ".xhtml", ".jhtml", ".asp", ".aspx", ".jsp", ".php":
		return true
	}
	return false
}
