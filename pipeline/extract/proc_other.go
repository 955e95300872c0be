//go:build !linux

package extract

import "os/exec"

// workersSupported: outside Linux, container documents are decoded in-process.
const workersSupported = false

const (
	selfExecutable = ""
	workerArg      = ""
	workerEnv      = ""
	workerMemEnv   = ""
	workerFszEnv   = ""
	exitCPU        = -1
)

func workerProcAttr(cmd *exec.Cmd) {}

func killGroup(pid int) {}

func killSession(sid, spare int) {}

func memoryAvailable() int64 { return 0 }
