package serve

import (
	"context"
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
	b, err := q.overviewOf(region, year)
	if err != nil {
		return err
	}
	b.Years, b.Areas = c.years, c.areas
	s.render(q, "overview", region.Name+" "+itoa(year)+" 概览", "overview", *b)
	return nil
}

// overviewOf reads a region's summary for a year (export.Load: a dozen analytics queries, some
// over views computed at each query) once per version and keeps the rendered parts; a
// version keeps the last maxOverviews of them.
func (q *req) overviewOf(region division, year int) (*overviewBody, error) {
	c := &q.l.g.cache
	key := region.Code + "|" + itoa(year)
	c.overviewMu.Lock()
	if c.overviews == nil || len(c.overviews) >= maxOverviews {
		c.overviews = map[string]*lazy[*overviewBody]{}
	}
	l := c.overviews[key]
	if l == nil {
		l = &lazy[*overviewBody]{}
		c.overviews[key] = l
	}
	c.overviewMu.Unlock()
	b, err := l.get(q.ctx(), func(ctx context.Context) (*overviewBody, error) {
		sum, err := export.Load(ctx, q.session(), region.Code, year)
		if errors.Is(err, export.ErrNotFound) {
			return nil, notFound("%s", err.Error())
		}
		if err != nil {
			return nil, err
		}
		// the export's HTML is built from escaped text and numbers (pipeline/export/html.go)
		parts := sum.HTMLParts()
		b := &overviewBody{Region: region, Year: year, Headline: template.HTML(parts.Headline), Draft: template.HTML(parts.Draft),
			Tables: template.HTML(parts.Tables)}
		for _, ch := range parts.Charts {
			b.Charts = append(b.Charts, template.HTML(ch))
		}
		return b, nil
	})
	if err != nil {
		return nil, err
	}
	cp := *b // Years and Areas are set per request
	return &cp, nil
}

const maxOverviews = 64
