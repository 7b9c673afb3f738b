package runtime

import (
	"os"
	"unsafe"

	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
	"golang.org/x/sys/unix"
)

func datasync(f *os.File) error {
	return control(f, func(fd int) error { return unix.Fdatasync(fd) })
}

// futimens sets the times of an open file with utimensat(fd, NULL, ...).
func futimens(f *os.File, atim, mtim int64) experimentalsys.Errno {
	ts := [2]unix.Timespec{timespec(atim), timespec(mtim)}
	return errno(control(f, func(fd int) error {
		_, _, e := unix.Syscall6(unix.SYS_UTIMENSAT, uintptr(fd), 0, uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
		if e != 0 {
			return e
		}
		return nil
	}))
}

func timespec(ns int64) unix.Timespec {
	if ns == experimentalsys.UTIME_OMIT {
		return unix.Timespec{Nsec: unix.UTIME_OMIT}
	}
	return unix.NsecToTimespec(ns)
}
