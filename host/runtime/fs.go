package runtime

import (
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tetratelabs/wazero"
	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
	"github.com/tetratelabs/wazero/experimental/sysfs"
	wazerosys "github.com/tetratelabs/wazero/sys"

	"github.com/tote-dev/tote/host/vpath"
)

// fsConfig returns the WASI file system of a plugin instance: each mount
// whose real directory exists is preopened at its virtual path through a
// confinedFS. Mounts whose directory does not exist yet are left out (the
// guest sees them on its next instance).
//
// Extism's AllowedPaths is not used because wazero's directory mounts follow
// symbolic links out of the mounted directory.
func fsConfig(mounts vpath.Mounts) wazero.FSConfig {
	cfg := wazero.NewFSConfig()
	for _, m := range mounts {
		if fi, err := os.Stat(m.Real); err != nil || !fi.IsDir() {
			continue
		}
		cfg = cfg.(sysfs.FSConfig).WithSysFSMount(newConfinedFS(m.Real), m.Virtual)
	}
	return cfg
}

// confinedFS is a directory file system that refuses, with EACCES, any
// operation whose path leads out of the directory through a symbolic link.
// Checks resolve links with filepath.EvalSymlinks before the operation, so
// they do not defend against a concurrent host process swapping a directory
// for a link between the check and the use.
type confinedFS struct {
	experimentalsys.FS
	root string
}

func newConfinedFS(root string) *confinedFS {
	return &confinedFS{FS: sysfs.DirFS(root), root: root}
}

func (c *confinedFS) join(p string) string { return filepath.Join(c.root, filepath.FromSlash(p)) }

// follow checks a path whose last component is followed.
func (c *confinedFS) follow(p string) experimentalsys.Errno {
	if vpath.Contained(c.root, c.join(p)) != nil {
		return experimentalsys.EACCES
	}
	return 0
}

// parent checks a path whose last component is not followed.
func (c *confinedFS) parent(p string) experimentalsys.Errno {
	full := c.join(p)
	if full == c.root {
		return 0
	}
	if vpath.Contained(c.root, filepath.Dir(full)) != nil {
		return experimentalsys.EACCES
	}
	return 0
}

// String implements fmt.Stringer.
func (c *confinedFS) String() string { return c.root }

// OpenFile implements experimentalsys.FS.
func (c *confinedFS) OpenFile(p string, flag experimentalsys.Oflag, perm fs.FileMode) (experimentalsys.File, experimentalsys.Errno) {
	check := c.follow
	if flag&experimentalsys.O_NOFOLLOW != 0 {
		check = c.parent
	}
	if errno := check(p); errno != 0 {
		return nil, errno
	}
	return c.FS.OpenFile(p, flag, perm)
}

// Lstat implements experimentalsys.FS.
func (c *confinedFS) Lstat(p string) (wazerosys.Stat_t, experimentalsys.Errno) {
	if errno := c.parent(p); errno != 0 {
		return wazerosys.Stat_t{}, errno
	}
	return c.FS.Lstat(p)
}

// Stat implements experimentalsys.FS.
func (c *confinedFS) Stat(p string) (wazerosys.Stat_t, experimentalsys.Errno) {
	if errno := c.follow(p); errno != 0 {
		return wazerosys.Stat_t{}, errno
	}
	return c.FS.Stat(p)
}

// Mkdir implements experimentalsys.FS.
func (c *confinedFS) Mkdir(p string, perm fs.FileMode) experimentalsys.Errno {
	if errno := c.parent(p); errno != 0 {
		return errno
	}
	return c.FS.Mkdir(p, perm)
}

// Chmod implements experimentalsys.FS.
func (c *confinedFS) Chmod(p string, perm fs.FileMode) experimentalsys.Errno {
	if errno := c.follow(p); errno != 0 {
		return errno
	}
	return c.FS.Chmod(p, perm)
}

// Rename implements experimentalsys.FS.
func (c *confinedFS) Rename(from, to string) experimentalsys.Errno {
	if errno := c.parent(from); errno != 0 {
		return errno
	}
	if errno := c.parent(to); errno != 0 {
		return errno
	}
	return c.FS.Rename(from, to)
}

// Rmdir implements experimentalsys.FS.
func (c *confinedFS) Rmdir(p string) experimentalsys.Errno {
	if errno := c.parent(p); errno != 0 {
		return errno
	}
	return c.FS.Rmdir(p)
}

// Unlink implements experimentalsys.FS.
func (c *confinedFS) Unlink(p string) experimentalsys.Errno {
	if errno := c.parent(p); errno != 0 {
		return errno
	}
	return c.FS.Unlink(p)
}

// Link implements experimentalsys.FS.
func (c *confinedFS) Link(oldPath, newPath string) experimentalsys.Errno {
	if errno := c.follow(oldPath); errno != 0 {
		return errno
	}
	if errno := c.parent(newPath); errno != 0 {
		return errno
	}
	return c.FS.Link(oldPath, newPath)
}

// Symlink implements experimentalsys.FS. Creating a link is harmless: every
// later use of it is checked.
func (c *confinedFS) Symlink(oldPath, linkName string) experimentalsys.Errno {
	if errno := c.parent(linkName); errno != 0 {
		return errno
	}
	return c.FS.Symlink(oldPath, linkName)
}

// Readlink implements experimentalsys.FS.
func (c *confinedFS) Readlink(p string) (string, experimentalsys.Errno) {
	if errno := c.parent(p); errno != 0 {
		return "", errno
	}
	return c.FS.Readlink(p)
}

// Utimens implements experimentalsys.FS.
func (c *confinedFS) Utimens(p string, atim, mtim int64) experimentalsys.Errno {
	if errno := c.follow(p); errno != 0 {
		return errno
	}
	return c.FS.Utimens(p, atim, mtim)
}
