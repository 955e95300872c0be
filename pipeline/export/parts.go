package export

import "strings"

// HTMLParts are pieces of the HTML summary, written by the same code as the summary file, for
// pages that show them elsewhere (the overview of the web workbench, xxgk serve).
type HTMLParts struct {
	Headline string   // the headline cards with year-over-year (section#headline)
	Draft    string   // the draft sentences with their sources (section#draft)
	Charts   []string // the inline SVG charts
	Tables   string   // the official tables summed over the region
}

// HTMLParts returns the pieces of the summary's HTML (see HTMLParts).
func (s *Summary) HTMLParts() HTMLParts {
	var h, d, t strings.Builder
	writeHeadlineHTML(&h, s)
	writeDraftHTML(&d, s)
	writeGridHTML(&t, officialGrid(s))
	return HTMLParts{Headline: h.String(), Draft: d.String(), Charts: s.charts(), Tables: t.String()}
}

// StyleSheet returns the CSS of the HTML summary (cards, draft figures, tables, charts).
func StyleSheet() string { return css }
