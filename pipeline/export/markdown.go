package export

import "strings"

func writeMarkdown(w *strings.Builder, s *Summary) {}
