//go:build unix

package config

import (
	"os"
	"syscall"
)

// lockDir takes an exclusive advisory lock on a directory, so that
// concurrent tote processes editing a .prototools in it never lose each
// other's pins (every edit is a read-modify-write). It locks the directory
// itself, leaving no lock file behind. When the directory cannot be opened
// the edit goes ahead unlocked (the write is still atomic).
func lockDir(dir string) func() {
	f, err := os.Open(dir)
	if err != nil {
		return func() {}
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return func() {}
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}
}
