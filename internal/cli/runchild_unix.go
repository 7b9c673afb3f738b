//go:build !windows

package cli

import (
	"os"
	"syscall"
)

// forwarded are the signals tote passes on to the tool it runs as a child.
var forwarded = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH}
