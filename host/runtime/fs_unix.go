//go:build unix

package runtime

import (
	"io"
	"io/fs"
	"os"
	"path"

	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
	wazerosys "github.com/tetratelabs/wazero/sys"
	"golang.org/x/sys/unix"
)

// platformOpenFlags are the open flags the os package has no name for.
func platformOpenFlags(oflag experimentalsys.Oflag) int {
	var flag int
	for _, f := range []struct {
		w experimentalsys.Oflag
		o int
	}{
		{experimentalsys.O_DIRECTORY, unix.O_DIRECTORY},
		{experimentalsys.O_DSYNC, unix.O_DSYNC},
		{experimentalsys.O_NONBLOCK, unix.O_NONBLOCK},
		{experimentalsys.O_NOFOLLOW, unix.O_NOFOLLOW},
	} {
		if oflag&f.w != 0 {
			flag |= f.o
		}
	}
	return flag
}

// control runs fn with the descriptor of f.
func control(f *os.File, fn func(fd int) error) error {
	sc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := sc.Control(func(fd uintptr) { ferr = fn(int(fd)) }); err != nil {
		return err
	}
	return ferr
}

// withParent opens the parent directory of name beneath root and runs fn
// with its descriptor and the last component of name, which fn must not
// follow if it is a symbolic link.
func withParent(root *os.Root, name string, fn func(dirfd int, base string) error) error {
	dir, base := path.Split(name)
	if dir == "" {
		dir = "."
	}
	d, err := root.OpenFile(dir, os.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		return err
	}
	defer d.Close()
	return control(d, func(fd int) error { return fn(fd, base) })
}

// openNoFollow opens name beneath root without following a symbolic link
// in its last component (O_NOFOLLOW: a link is ELOOP).
func openNoFollow(root *os.Root, name string, flag int, perm fs.FileMode) (*os.File, error) {
	if name == "." {
		return root.OpenFile(name, flag, perm)
	}
	var f *os.File
	err := withParent(root, name, func(dirfd int, base string) error {
		fd, err := unix.Openat(dirfd, base, flag|unix.O_NOFOLLOW|unix.O_CLOEXEC, uint32(perm.Perm()))
		if err != nil {
			return &os.PathError{Op: "openat", Path: name, Err: err}
		}
		f = os.NewFile(uintptr(fd), name)
		return nil
	})
	return f, err
}

// renameBetween renames across two roots with renameat on both parents.
func renameBetween(fromRoot *os.Root, from string, toRoot *os.Root, to string) error {
	return withParent(fromRoot, from, func(fromFd int, fromBase string) error {
		return withParent(toRoot, to, func(toFd int, toBase string) error {
			return unix.Renameat(fromFd, fromBase, toFd, toBase)
		})
	})
}

// linkBetween makes a hard link across two roots with linkat on both
// parents, not following a symbolic link.
func linkBetween(oldRoot *os.Root, oldName string, newRoot *os.Root, newName string) error {
	return withParent(oldRoot, oldName, func(oldFd int, oldBase string) error {
		return withParent(newRoot, newName, func(newFd int, newBase string) error {
			return unix.Linkat(oldFd, oldBase, newFd, newBase, 0)
		})
	})
}

// readdir reads up to n names from the directory f and describes each
// with fstatat on f's descriptor (no path is resolved again). Entries
// removed meanwhile are skipped.
func readdir(f *os.File, n int) ([]experimentalsys.Dirent, error) {
	names, err := f.Readdirnames(n)
	if err != nil && err != io.EOF {
		return nil, err
	}
	out := make([]experimentalsys.Dirent, 0, len(names))
	err = control(f, func(fd int) error {
		for _, name := range names {
			var st unix.Stat_t
			if err := unix.Fstatat(fd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
				if err == unix.ENOENT {
					continue
				}
				return err
			}
			out = append(out, experimentalsys.Dirent{Name: name, Ino: wazerosys.Inode(st.Ino), Type: modeType(uint32(st.Mode))})
		}
		return nil
	})
	return out, err
}

func modeType(m uint32) fs.FileMode {
	switch m & unix.S_IFMT {
	case unix.S_IFDIR:
		return fs.ModeDir
	case unix.S_IFLNK:
		return fs.ModeSymlink
	case unix.S_IFIFO:
		return fs.ModeNamedPipe
	case unix.S_IFSOCK:
		return fs.ModeSocket
	case unix.S_IFCHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		return fs.ModeDevice
	}
	return 0
}

// setAppend switches O_APPEND on an open descriptor.
func setAppend(f *os.File, enable bool) experimentalsys.Errno {
	return errno(control(f, func(fd int) error {
		fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
		if err != nil {
			return err
		}
		if enable {
			fl |= unix.O_APPEND
		} else {
			fl &^= unix.O_APPEND
		}
		_, err = unix.FcntlInt(uintptr(fd), unix.F_SETFL, fl)
		return err
	}))
}

// pwrite writes at an offset with pwrite(2) (os.File.WriteAt refuses
// files opened with O_APPEND even after SetAppend(false)).
func pwrite(f *os.File, buf []byte, off int64) (int, error) {
	var n int
	err := control(f, func(fd int) error {
		var err error
		n, err = unix.Pwrite(fd, buf, off)
		return err
	})
	return n, err
}
