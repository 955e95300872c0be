package extract

import (
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// workersSupported: decoding workers run on Linux (rlimits, process groups, parent-death signal).
const workersSupported = true

// selfExecutable is the running executable, even when its file was replaced since it started.
const selfExecutable = "/proc/self/exe"

// workerProcAttr starts the worker in a session of its own, so that it and every process it
// starts (the tools run in process groups of their own, inside the session) can be found and
// killed together; the worker gets SIGTERM if the thread that started it dies, and then kills
// its session (serveWorker).
func workerProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGTERM}
}

// killGroup kills the worker pid and every process of its session: its tools and whatever
// they started.
func killGroup(pid int) {
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	killSession(pid, 0)
}

// killSession kills (SIGKILL) the processes of session sid but the process spare.
func killSession(sid, spare int) {
	procs, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil || pid == spare {
			continue
		}
		b, err := os.ReadFile("/proc/" + p.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp session …: comm may hold anything, so read after the last ')'
		i := strings.LastIndexByte(string(b), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) > 3 && f[3] == strconv.Itoa(sid) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// memoryAvailable returns the memory this process may use: the physical memory, or less when
// its control group (cgroup v2 memory.max, v1 memory.limit_in_bytes, such as a systemd
// unit's MemoryMax) says so; 0 when unknown.
func memoryAvailable() int64 {
	var si syscall.Sysinfo_t
	avail := int64(0)
	if syscall.Sysinfo(&si) == nil {
		avail = int64(si.Totalram) * int64(si.Unit)
	}
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return avail
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.SplitN(line, ":", 3)
		if len(f) != 3 {
			continue
		}
		var dir, file string
		switch {
		case f[0] == "0" && f[1] == "":
			dir, file = "/sys/fs/cgroup", "memory.max"
		case f[1] == "memory":
			dir, file = "/sys/fs/cgroup/memory", "memory.limit_in_bytes"
		default:
			continue
		}
		// the limit of the group and of every group above it
		for p := path.Clean("/" + f[2]); ; p = path.Dir(p) {
			if v, err := os.ReadFile(filepath.Join(dir, p, file)); err == nil {
				if n, err := strconv.ParseInt(strings.TrimSpace(string(v)), 10, 64); err == nil && n > 0 && (avail == 0 || n < avail) {
					avail = n
				}
			}
			if p == "/" {
				break
			}
		}
	}
	return avail
}
