package export

import "strings"

func writeHTML(w *strings.Builder, s *Summary) {}
