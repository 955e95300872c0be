//go:build race

package extract_test

// raceEnabled: under the race detector a worker's memory cap also holds the race runtime's
// shadow memory (see the package's own raceEnabled).
const raceEnabled = true
