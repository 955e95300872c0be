//go:build !race

package extract_test

// workerMemory is the decoding workers' memory cap in the hostile tests.
const workerMemory = 1 << 30
