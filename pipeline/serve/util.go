package serve

import (
	"mime"
)

// contentDisposition names a download (Chinese names encoded as RFC 6266 asks).
func contentDisposition(name string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": name})
}
