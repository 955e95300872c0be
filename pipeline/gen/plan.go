// Package gen writes realistic sample corpora of 政府信息公开工作年度报告: every body of one or
// more provinces at every level — the province's government office, departments, other bodies
// (public institutions, a state company) and consolidated report (全省汇总, some years); each
// prefecture's government, office, departments, other bodies and consolidated report (全市汇总);
// each county's government, departments, townships and development zone — over a run of years,
// in every text shape and encoding the pipeline reads. Each report states its body the ways
// real reports do (title, first sentence, 本报告由…编制, signature; a few nowhere) and often gives
// a contact address in a district of the seat city. Each has a gold file holding its true body,
// level, scope, region and numbers in the canonical JSON (schemas.Report), exactly the rule
// violations injected on purpose, and the problems the text must raise (a report naming no
// body; a file named as scraped whose text gives no division). Output is a pure function of the
// configuration and the seed: the number of workers changes only the speed.
package gen

import (
	"errors"
	"fmt"
	"hash/fnv"
	"iter"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"xxgk/pipeline/regions"
	"xxgk/schemas"
)

// Layout is how report files are arranged under OUT/reports.
type Layout string

// Layouts.
const (
	LayoutTree  Layout = "tree"  // reports/{省}/{市}/{县}/{year}/{body}{year}年…
	LayoutFlat  Layout = "flat"  // reports/flat/{year}/{县}{body}… or {code}_{…}
	LayoutMixed Layout = "mixed" // per division, one of the three
	// LayoutHashed names files as a scraper does: reports/hashed/{year}/{16 hex digits}; the
	// region then comes from the report's text alone.
	LayoutHashed Layout = "hashed"
)

// Config says what to generate. The zero value of a field takes the default of Defaults.
type Config struct {
	Provinces   []string // 2-digit province codes (or longer prefixes: a prefecture, a county)
	FirstYear   int      // 2019
	LastYear    int      // 2024
	Seed        uint64
	Departments int // department reports per county
	Townships   int // township reports per county
	// ProvinceDepartments and PrefectureDepartments are the department reports of a province
	// (辽宁省教育厅 …) and of a prefecture (沈阳市教育局 …), besides their government office,
	// consolidated report and other bodies.
	ProvinceDepartments   int
	PrefectureDepartments int
	// AreaShare is the share of years in which a province or prefecture publishes a
	// consolidated report (全省汇总, 全市汇总: scope area at its level).
	AreaShare float64
	// NoBodyShare is the share of reports whose text names no issuing body anywhere (no
	// title, first sentence, signature or 本报告由…): their gold has no body and a scope
	// problem; the region comes from the path or the manifest alone.
	NoBodyShare float64
	// Levels limits the bodies generated to these levels (nil: every level).
	Levels []schemas.Level
	// MissingShare is the share of counties that publish nothing in a given year.
	MissingShare float64
	// OldTemplateShare is the share of reports from 2021 on still printed in the 2019 template.
	OldTemplateShare float64
	// FaultShare is the share of reports with one injected rule violation.
	FaultShare float64
	Layout     Layout
	// DOCXShare and PDFShare are the shares of reports written as Word documents and PDFs
	// (office.go) instead of their text or HTML shape; PDFs need Chromium or LibreOffice.
	DOCXShare, PDFShare float64
	Manifest            bool // write OUT/manifest.csv (then every gold region method is "manifest")
	Limit               int  // stop after this many reports (0: no limit)
	Workers             int
	// Registry is the region registry (nil: regions.Default()).
	Registry *regions.Registry
}

// Defaults returns the default configuration of the library: 辽宁省 (21), 2019–2024, the bodies
// of its counties, every report naming its body — the corpora other packages' tests build.
// Whole is the configuration of `xxgk gen`: every level.
func Defaults() Config {
	return Config{Provinces: []string{"21"}, FirstYear: 2019, LastYear: 2024, Seed: 1, Departments: 12,
		Townships: 10, ProvinceDepartments: 30, PrefectureDepartments: 12, AreaShare: 0.5,
		MissingShare: 0.05, OldTemplateShare: 0.05, FaultShare: 0.03, Layout: LayoutTree, Workers: 2,
		Levels: []schemas.Level{schemas.LevelCounty}}
}

// Whole returns the configuration of whole provinces (`xxgk gen`'s defaults): Defaults with
// the bodies of every level and 1% of the reports naming no body.
func Whole() Config {
	c := Defaults()
	c.Levels, c.NoBodyShare = AllLevels, 0.01
	return c
}

// AllLevels is the value of Config.Levels for whole provinces: every level.
var AllLevels = []schemas.Level(nil)

// Validate checks a configuration and fills the registry.
func (c *Config) validate() error {
	if c.Registry == nil {
		c.Registry = regions.Default()
	}
	if len(c.Provinces) == 0 {
		return errors.New("gen: no province given (--province 21)")
	}
	if c.DOCXShare < 0 || c.PDFShare < 0 || c.DOCXShare+c.PDFShare > 1 {
		return fmt.Errorf("gen: DOCX and PDF shares must be ≥ 0 and add up to at most 1 (%g, %g)", c.DOCXShare, c.PDFShare)
	}
	for _, p := range c.Provinces {
		if len(c.Registry.Under(p)) == 0 {
			return fmt.Errorf("gen: no county under code %q", p)
		}
	}
	if c.FirstYear < 2019 || c.LastYear < c.FirstYear || c.LastYear > 2100 {
		return fmt.Errorf("gen: years %d–%d: the generator writes the 2019 and 2021 templates, years from 2019", c.FirstYear, c.LastYear)
	}
	for _, s := range []float64{c.MissingShare, c.OldTemplateShare, c.FaultShare, c.AreaShare, c.NoBodyShare} {
		if s < 0 || s > 1 {
			return fmt.Errorf("gen: share %v outside 0..1", s)
		}
	}
	if c.Departments < 0 || c.Townships < 0 || c.ProvinceDepartments < 0 || c.PrefectureDepartments < 0 {
		return errors.New("gen: negative number of departments or townships")
	}
	for _, l := range c.Levels {
		if l.CodeLen() == 0 {
			return fmt.Errorf("gen: level %q: want province, prefecture or county", l)
		}
	}
	switch c.Layout {
	case "":
		c.Layout = LayoutTree
	case LayoutTree, LayoutFlat, LayoutHashed, LayoutMixed:
	default:
		return fmt.Errorf("gen: layout %q: want tree, flat, hashed or mixed", c.Layout)
	}
	if c.Workers <= 0 {
		c.Workers = 1
	}
	return nil
}

// ParseYears reads "2019-2024" or "2022".
func ParseYears(s string) (first, last int, err error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		b = a
	}
	first, err1 := strconv.Atoi(strings.TrimSpace(a))
	last, err2 := strconv.Atoi(strings.TrimSpace(b))
	if err1 != nil || err2 != nil || last < first {
		return 0, 0, fmt.Errorf("years %q: want YYYY or YYYY-YYYY", s)
	}
	return first, last, nil
}

// Unit is one body with the years it publishes, the unit of work of Generate (its years are
// generated in order, since the carry-over chain links them).
type Unit struct {
	Body  Body
	Years []int // years with a report, ascending (missing county-years left out)
	// Seq is the unit's position in the plan.
	Seq int
}

// Plan returns the units of a configuration in plan order: divisions by code (a province, then
// each of its prefectures followed by its counties), each division's bodies in order. Limit
// truncates the plan at that many reports.
func Plan(cfg Config) iter.Seq[Unit] {
	return func(yield func(Unit) bool) {
		if err := cfg.validate(); err != nil {
			return
		}
		left := cfg.Limit
		seq := 0
		for _, dv := range divisions(cfg) {
			for _, b := range dv.bodies {
				ys := bodyYears(cfg, dv, b)
				if cfg.Limit > 0 {
					if left <= 0 {
						return
					}
					if len(ys) > left {
						ys = ys[:left]
					}
					left -= len(ys)
				}
				if len(ys) == 0 {
					continue
				}
				if !yield(Unit{Body: b, Years: ys, Seq: seq}) {
					return
				}
				seq++
			}
		}
	}
}

// division is one division of the plan with its bodies.
type division struct {
	place  regions.Place
	bodies []Body
}

// wants says whether the configuration generates bodies of level l.
func (c *Config) wants(l schemas.Level) bool {
	if len(c.Levels) == 0 {
		return true
	}
	for _, x := range c.Levels {
		if x == l {
			return true
		}
	}
	return false
}

// divisions lists the divisions of the configuration in code order, each once: a 2-digit
// prefix gives the province's own bodies, its prefectures' and its counties'; a 4-digit one a
// prefecture's and its counties'; a 6-digit one a county's. The groups that stand in for a
// prefecture where there is none (a municipality's districts, a province's 省直辖 cities) have
// no bodies of their own.
func divisions(cfg Config) []division {
	reg := cfg.Registry
	seen := map[string]bool{}
	var out []division
	add := func(p regions.Place, bodies []Body) {
		if !seen[p.Code] && len(bodies) > 0 {
			seen[p.Code] = true
			out = append(out, division{place: p, bodies: bodies})
		}
	}
	for _, pre := range cfg.Provinces {
		if len(pre) == 2 && cfg.wants(schemas.LevelProvince) {
			if p, ok := reg.Place(pre); ok {
				add(p, provinceBodies(p, cfg.Seed, cfg.ProvinceDepartments))
			}
		}
		if (len(pre) == 2 || len(pre) == 4) && cfg.wants(schemas.LevelPrefecture) {
			for _, a := range reg.Prefectures {
				if p, ok := reg.Place(a.Code); ok && strings.HasPrefix(a.Code, pre) {
					add(p, prefectureBodies(p, cfg.Seed, cfg.PrefectureDepartments))
				}
			}
		}
		if cfg.wants(schemas.LevelCounty) {
			for _, d := range reg.Under(pre) {
				add(d.Place(), bodiesOf(d, cfg.Seed, cfg.Departments, cfg.Townships, reg.IsSoleCounty(d)))
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].place.Code < out[j].place.Code })
	return out
}

// counties lists the counties of the configuration, by code, each once.
func counties(cfg Config) []regions.Division {
	var out []regions.Division
	for _, dv := range divisions(cfg) {
		if d, ok := cfg.Registry.County(dv.place.Code); ok {
			out = append(out, d)
		}
	}
	return out
}

// bodyYears are the years a body publishes: a county's bodies every year the county is not
// missing; a province's or prefecture's consolidated report in AreaShare of the years; their
// departments and other bodies miss a year now and then (MissingShare/2); their governments
// publish every year.
func bodyYears(cfg Config, dv division, b Body) []int {
	var years []int
	for y := cfg.FirstYear; y <= cfg.LastYear; y++ {
		ys := strconv.Itoa(y)
		switch {
		case b.Place.Level == schemas.LevelCounty:
			if countyMissing(cfg, dv.place.Code, y) {
				continue
			}
		case b.Scope == schemas.ScopeArea:
			if newRNG(cfg.Seed, "area", b.Place.Code, ys).Float64() >= cfg.AreaShare {
				continue
			}
		case b.Scope != schemas.ScopeGovernment:
			if newRNG(cfg.Seed, "missing", b.Name, ys).Float64() < cfg.MissingShare/2 {
				continue
			}
		}
		years = append(years, y)
	}
	return years
}

// countyMissing says whether a county publishes nothing in year y.
func countyMissing(cfg Config, code string, y int) bool {
	if cfg.MissingShare <= 0 {
		return false
	}
	return newRNG(cfg.Seed, "missing", code, strconv.Itoa(y)).Float64() < cfg.MissingShare
}

// Missing reports whether the county with this code is absent in year y (for tests and
// summaries).
func Missing(cfg Config, code string, y int) bool { return countyMissing(cfg, code, y) }

// newRNG returns a generator seeded from the seed and stable keys.
func newRNG(seed uint64, keys ...string) *rand.Rand {
	h := fnv.New64a()
	for _, k := range keys {
		h.Write([]byte(k))
		h.Write([]byte{0})
	}
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

func pick(rng *rand.Rand, s ...string) string { return s[rng.IntN(len(s))] }

// formatOf is the template a report of year y is printed in.
func formatOf(y int, old bool) schemas.Format {
	if y < 2021 || old {
		return schemas.FormatGB2019
	}
	return schemas.FormatGB2021
}
