//go:build race

package decodetest

// WorkerMemory is the decoding workers' memory cap for the hostile corpus: under the race
// detector a worker's address space also holds the race runtime's shadow memory, which a
// 60 MB attribute value alone takes past 1 GiB (ThreadSanitizer failed to allocate).
const WorkerMemory = 4 << 30
