package cli

import (
	"os"
	"syscall"
)

// forwarded are the signals tote passes on to the tool it runs as a child:
// on Windows, the ones the Go runtime delivers (Ctrl-C, Ctrl-Break and
// console close arrive as SIGINT and SIGTERM).
var forwarded = []os.Signal{syscall.SIGINT, syscall.SIGTERM}
