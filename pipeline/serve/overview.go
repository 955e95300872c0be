package serve

import (
	"errors"
	"html/template"

	"xxgk/pipeline/export"
)

// overviewBody is the overview of a province or prefecture and year: the headline figures,
// the draft sentences, the charts and the summed official tables, written by pipeline/export
// exactly as in the HTML summary.
type overviewBody struct {
	Region   division
	Year     int
	Years    []int
	Areas    []division
	Headline template.HTML
	Draft    template.HTML
	Charts   []template.HTML
	Tables   template.HTML
}

func (s *Server) overview(q *req) error {
	c, err := q.basic()
	if err != nil {
		return err
	}
	region, err := q.regionParam("region", "province", "prefecture")
	if err != nil {
		return err
	}
	year, err := q.yearParam("year")
	if err != nil {
		return err
	}
	sum, err := export.Load(q.ctx(), q.session(), region.Code, year)
	if errors.Is(err, export.ErrNotFound) {
		return notFound("%s", err.Error())
	}
	if err != nil {
		return err
	}
	// the export's HTML is built from escaped text and numbers (pipeline/export/html.go)
	parts := sum.HTMLParts()
	b := overviewBody{Region: region, Year: year, Years: c.years, Areas: c.areas,
		Headline: template.HTML(parts.Headline), Draft: template.HTML(parts.Draft), Tables: template.HTML(parts.Tables)}
	for _, ch := range parts.Charts {
		b.Charts = append(b.Charts, template.HTML(ch))
	}
	s.render(q, "overview", region.Name+" "+itoa(year)+" 概览", "overview", b)
	return nil
}
