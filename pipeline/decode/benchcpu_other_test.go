//go:build !unix

package decode

// cpuTime returns 0 where the process CPU time is not read.
func cpuTime() int64 { return 0 }
