//go:build unix && !linux

package runtime

import (
	"os"

	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
)

func datasync(f *os.File) error { return f.Sync() }

// futimens is not available on this platform through an open descriptor.
func futimens(*os.File, int64, int64) experimentalsys.Errno { return experimentalsys.ENOSYS }
