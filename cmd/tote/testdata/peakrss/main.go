// Command peakrss runs a command and prints its peak resident set size
// (KiB) on standard error's last line: "peak-rss-kib N". TestSoakRuns runs
// tote through it: Go starts a child with vfork, and Linux counts the
// parent's peak RSS in the child's when it execs, so tote started directly
// by the test process would measure as large as that process (which every
// parallel test grows). This parent is small and the same for every run.
package main

import (
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

func main() {
	if len(os.Args) < 2 {
		os.Stderr.WriteString("usage: peakrss COMMAND [ARGS...]\n")
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	if cmd.ProcessState == nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(127)
	}
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
	os.Stderr.WriteString("\npeak-rss-kib " + strconv.FormatInt(rss, 10) + "\n")
	os.Exit(cmd.ProcessState.ExitCode())
}
