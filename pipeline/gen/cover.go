package gen

import (
	"strings"
	"sync"

	"xxgk/schemas"
)

// A consolidated report (scope area: 全省汇总, 全市汇总, 全县汇总) is compiled from the reports of
// every body of its division and below, so its numbers are of their size: its request level is
// the sum of the levels of those bodies (their own draws, not their yearly numbers — a real
// consolidated report rarely equals the sum of the bodies' reports to the unit, which the
// audit analytics.area_vs_bodies shows). A county's consolidated report stands in for its
// government's own report as well, so it adds a government's share.

var coverCache sync.Map // coverKey → float64

type coverKey struct {
	seed                        uint64
	provinces                   string
	dept, town, provDept, prefD int
	code                        string
}

// coverLevel is the request level of the consolidated report of the division with code: the
// levels of every other body of the division and of the divisions below it, whatever levels
// the configuration generates.
func coverLevel(cfg *Config, code string) float64 {
	k := coverKey{cfg.Seed, strings.Join(cfg.Provinces, ","), cfg.Departments, cfg.Townships,
		cfg.ProvinceDepartments, cfg.PrefectureDepartments, code}
	if v, ok := coverCache.Load(k); ok {
		return v.(float64)
	}
	all := *cfg
	all.Levels = AllLevels
	all.Provinces = []string{code[:2]}
	total := 0.0
	for _, dv := range divisions(all) {
		if !strings.HasPrefix(dv.place.Code, code) {
			continue
		}
		for _, b := range dv.bodies {
			if b.Scope == schemas.ScopeArea {
				continue
			}
			total += newState(b, cfg.Seed).level
		}
	}
	coverCache.Store(k, total)
	return total
}
