package extract

import (
	"os/exec"
	"syscall"
)

// workersSupported: decoding workers run on Linux (rlimits, process groups, parent-death signal).
const workersSupported = true

// selfExecutable is the running executable, even when its file was replaced since it started.
const selfExecutable = "/proc/self/exe"

// workerProcAttr starts the worker in a process group of its own, killed (SIGKILL) if the
// thread that started it dies.
func workerProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// killGroup kills the process group of pid.
func killGroup(pid int) { _ = syscall.Kill(-pid, syscall.SIGKILL) }
