//go:build race

package extract_test

// workerMemory is the decoding workers' memory cap in the hostile tests: under the race
// detector a worker's address space also holds the race runtime's shadow memory, which a
// 60 MB attribute value alone takes past 1 GiB (ThreadSanitizer failed to allocate).
const workerMemory = 4 << 30
