//go:build race

package extract

// raceEnabled: the race detector's runtime needs shadow memory for a deep stack, so a worker
// under RLIMIT_DATA runs out of memory before its stack limit.
const raceEnabled = true
