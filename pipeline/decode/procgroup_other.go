//go:build !linux

package decode

import "os/exec"

// ownProcessGroup: outside Linux, the tool runs in the caller's process group.
func ownProcessGroup(cmd *exec.Cmd) {}

// killProcessGroup kills the tool (outside Linux, not what it started).
func killProcessGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return cmd.Process.Kill()
}
