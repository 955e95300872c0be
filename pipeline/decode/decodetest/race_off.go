//go:build !race

package decodetest

// WorkerMemory is the decoding workers' memory cap for the hostile corpus.
const WorkerMemory = 1 << 30
