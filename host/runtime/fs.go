package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tetratelabs/wazero"
	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
	"github.com/tetratelabs/wazero/experimental/sysfs"
	wazerosys "github.com/tetratelabs/wazero/sys"

	"github.com/tote-dev/tote/host/vpath"
)

// A plugin's file system.
//
// Every mount is an os.Root opened on the mount's directory: each path
// operation resolves beneath that directory in the kernel, component by
// component, with symbolic links followed only while they stay beneath it.
// There is no check-then-use gap: a guest (or anyone else) swapping a
// directory for a link between two operations cannot lead one of them out.
//
// Mounts are read-only. Writes (creating, truncating or opening a file for
// writing, mkdir, rename, link, symlink, remove, chmod, utimens) are allowed
// only beneath a writable directory, and are performed through an os.Root
// opened on that directory: a link inside it cannot lead a write into the
// read-only rest of the mount. Writable directories are LoadOptions.Writable
// (always) and those of WithWritable (during one call).

type writableKey struct{}

// WithWritable returns a context under which plugin calls may also write
// beneath dirs, host paths inside the plugin's mounts, for the duration of
// the call (WASI file operations, download_file destinations,
// exec_command's set_executable). tote uses it to let a tool plugin write
// the staging directory of the version it installs during native_install,
// download_prebuilt, unpack_archive and the install's post_install, and
// nothing else. Directories that do not exist when the call starts are
// ignored. Calls on native plugins ignore it.
func WithWritable(ctx context.Context, dirs ...string) context.Context {
	prev, _ := ctx.Value(writableKey{}).([]string)
	all := append(append([]string(nil), prev...), dirs...)
	return context.WithValue(ctx, writableKey{}, all)
}

// writableFrom returns the directories WithWritable put in ctx.
func writableFrom(ctx context.Context) []string {
	dirs, _ := ctx.Value(writableKey{}).([]string)
	return dirs
}

// cleanDirs makes every dir absolute and clean, dropping empty ones.
func cleanDirs(dirs []string) []string {
	var out []string
	for _, d := range dirs {
		if d == "" {
			continue
		}
		if abs, err := filepath.Abs(d); err == nil {
			d = abs
		}
		out = append(out, filepath.Clean(d))
	}
	return out
}

// sandbox is the file system of one plugin instance: a root per mount, and
// the directories it may write, with their roots opened on first use in a
// call and closed when the call ends.
type sandbox struct {
	mounts []*mountFS
	always []string // writable in every call (LoadOptions.Writable)

	mu    sync.Mutex
	dirs  []string   // writable in the current call, longest first
	roots []*os.Root // opened roots of dirs, nil until used
}

// newSandbox opens a root on every mount whose directory exists; mounts
// whose directory does not exist yet are left out (the guest sees them on
// its next instance). Writable directories missing on the host are created.
func newSandbox(mounts vpath.Mounts, writable []string) *sandbox {
	sb := &sandbox{always: cleanDirs(writable)}
	for _, d := range sb.always {
		_ = os.MkdirAll(d, 0o755)
	}
	for _, m := range mounts {
		root, err := os.OpenRoot(m.Real)
		if err != nil {
			continue
		}
		sb.mounts = append(sb.mounts, &mountFS{sb: sb, virtual: m.Virtual, real: filepath.Clean(m.Real), root: root})
	}
	sb.beginCall(nil)
	return sb
}

// config returns the WASI file system configuration of the instance.
func (sb *sandbox) config() wazero.FSConfig {
	cfg := wazero.NewFSConfig()
	for _, m := range sb.mounts {
		cfg = cfg.(sysfs.FSConfig).WithSysFSMount(m, m.virtual)
	}
	return cfg
}

// beginCall sets the writable directories of a call: the plugin's own plus
// extra.
func (sb *sandbox) beginCall(extra []string) {
	dirs := append(append([]string(nil), sb.always...), cleanDirs(extra)...)
	sort.SliceStable(dirs, func(i, j int) bool { return len(dirs[i]) > len(dirs[j]) })
	sb.mu.Lock()
	sb.closeRoots()
	sb.dirs = dirs
	sb.roots = make([]*os.Root, len(dirs))
	sb.mu.Unlock()
}

// endCall closes the roots opened during a call and goes back to the
// plugin's own writable directories.
func (sb *sandbox) endCall() { sb.beginCall(nil) }

func (sb *sandbox) closeRoots() {
	for i, r := range sb.roots {
		if r != nil {
			r.Close()
			sb.roots[i] = nil
		}
	}
}

// close releases every root.
func (sb *sandbox) close() {
	sb.mu.Lock()
	sb.closeRoots()
	sb.dirs = nil
	sb.mu.Unlock()
	for _, m := range sb.mounts {
		m.root.Close()
	}
}

// writeRoot returns the root of the innermost writable directory holding
// the host path full, and the path relative to it. ok is false when full
// is not beneath a writable directory; the root is nil (with ok true) when
// that directory cannot be opened.
func (sb *sandbox) writeRoot(full string) (*os.Root, string, int, bool) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	for i, d := range sb.dirs {
		rest, ok := cutPath(full, d)
		if !ok {
			continue
		}
		if sb.roots[i] == nil {
			r, err := os.OpenRoot(d)
			if err != nil {
				return nil, "", i, true
			}
			sb.roots[i] = r
		}
		return sb.roots[i], rest, i, true
	}
	return nil, "", -1, false
}

// writable reports whether the host path full lies beneath a writable
// directory of the current call (lexically: the operation itself then goes
// through that directory's root).
func (sb *sandbox) writable(full string) bool {
	_, _, _, ok := sb.writeRoot(full)
	return ok
}

// cutPath reports whether p is dir or lies below it and returns the rest,
// slash-separated, "." for dir itself.
func cutPath(p, dir string) (string, bool) {
	if p == dir {
		return ".", true
	}
	prefix := dir
	if !strings.HasSuffix(prefix, string(filepath.Separator)) {
		prefix += string(filepath.Separator)
	}
	rest, ok := strings.CutPrefix(p, prefix)
	if !ok {
		return "", false
	}
	return filepath.ToSlash(rest), true
}

// mountFS is the experimentalsys.FS of one mount.
type mountFS struct {
	sb      *sandbox
	virtual string
	real    string
	root    *os.Root
}

var _ experimentalsys.FS = (*mountFS)(nil)

// String implements fmt.Stringer.
func (m *mountFS) String() string { return m.real }

// rel turns a path from wazero (relative to the mount, already cleaned of
// ".." by the WASI layer) into a name for os.Root.
func rel(p string) string {
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return "."
	}
	return path.Clean(p)
}

// full is the host path of a mount-relative path, for the writability
// check only.
func (m *mountFS) full(p string) string {
	r := rel(p)
	if r == "." {
		return m.real
	}
	return filepath.Join(m.real, filepath.FromSlash(r))
}

// forWrite returns the root and name through which to modify p. A path that
// is not beneath a writable directory is EROFS; the writable directory
// itself cannot be removed, renamed or replaced (EBUSY is not available in
// wazero, so EACCES).
func (m *mountFS) forWrite(p string, self bool) (*os.Root, string, experimentalsys.Errno) {
	root, name, _, ok := m.sb.writeRoot(m.full(p))
	switch {
	case !ok:
		return nil, "", experimentalsys.EROFS
	case root == nil:
		return nil, "", experimentalsys.EACCES
	case name == "." && !self:
		return nil, "", experimentalsys.EACCES
	}
	return root, name, 0
}

// errno maps an error of os.Root to an Errno. A path that escapes its root
// is reported by os.Root with an error that is not a system errno; it
// becomes EACCES.
func errno(err error) experimentalsys.Errno {
	if err == nil {
		return 0
	}
	e := experimentalsys.UnwrapOSError(err)
	if e == experimentalsys.EIO {
		var se syscall.Errno
		if !errors.As(err, &se) {
			return experimentalsys.EACCES
		}
	}
	return e
}

// isWrite reports whether an open modifies the file system.
func isWrite(flag experimentalsys.Oflag) bool {
	if flag&(experimentalsys.O_CREAT|experimentalsys.O_TRUNC|experimentalsys.O_APPEND) != 0 {
		return true
	}
	switch flag & (experimentalsys.O_RDONLY | experimentalsys.O_RDWR | experimentalsys.O_WRONLY) {
	case experimentalsys.O_RDWR, experimentalsys.O_WRONLY:
		return true
	}
	return false
}

// osFlag translates wazero's open flags.
func osFlag(oflag experimentalsys.Oflag) int {
	var flag int
	switch oflag & (experimentalsys.O_RDONLY | experimentalsys.O_RDWR | experimentalsys.O_WRONLY) {
	case experimentalsys.O_RDWR:
		flag = os.O_RDWR
	case experimentalsys.O_WRONLY:
		flag = os.O_WRONLY
	default:
		flag = os.O_RDONLY
	}
	for _, f := range []struct {
		w experimentalsys.Oflag
		o int
	}{
		{experimentalsys.O_APPEND, os.O_APPEND},
		{experimentalsys.O_CREAT, os.O_CREATE},
		{experimentalsys.O_EXCL, os.O_EXCL},
		{experimentalsys.O_SYNC, os.O_SYNC},
		{experimentalsys.O_TRUNC, os.O_TRUNC},
	} {
		if oflag&f.w != 0 {
			flag |= f.o
		}
	}
	return flag | platformOpenFlags(oflag)
}

// OpenFile implements experimentalsys.FS.
func (m *mountFS) OpenFile(p string, flag experimentalsys.Oflag, perm fs.FileMode) (experimentalsys.File, experimentalsys.Errno) {
	if flag&experimentalsys.O_DIRECTORY != 0 && flag&(experimentalsys.O_WRONLY|experimentalsys.O_RDWR) != 0 {
		return nil, experimentalsys.EISDIR
	}
	root, name, writable := m.root, rel(p), false
	if isWrite(flag) {
		r, n, e := m.forWrite(p, true)
		if e != 0 {
			return nil, e
		}
		root, name, writable = r, n, true
	}
	var f *os.File
	var err error
	if flag&experimentalsys.O_NOFOLLOW != 0 {
		f, err = openNoFollow(root, name, osFlag(flag), perm)
	} else {
		f, err = root.OpenFile(name, osFlag(flag), perm)
	}
	if err != nil {
		e := errno(err)
		if e == experimentalsys.ENOTDIR && flag&experimentalsys.O_DIRECTORY == 0 {
			e = experimentalsys.ENOENT
		}
		return nil, e
	}
	return newRootFile(f, flag, writable), 0
}

// Lstat implements experimentalsys.FS.
func (m *mountFS) Lstat(p string) (wazerosys.Stat_t, experimentalsys.Errno) {
	fi, err := m.root.Lstat(rel(p))
	if err != nil {
		return wazerosys.Stat_t{}, errno(err)
	}
	return wazerosys.NewStat_t(fi), 0
}

// Stat implements experimentalsys.FS.
func (m *mountFS) Stat(p string) (wazerosys.Stat_t, experimentalsys.Errno) {
	fi, err := m.root.Stat(rel(p))
	if err != nil {
		return wazerosys.Stat_t{}, errno(err)
	}
	return wazerosys.NewStat_t(fi), 0
}

// Readlink implements experimentalsys.FS.
func (m *mountFS) Readlink(p string) (string, experimentalsys.Errno) {
	dst, err := m.root.Readlink(rel(p))
	if err != nil {
		return "", errno(err)
	}
	return filepath.ToSlash(dst), 0
}

// Mkdir implements experimentalsys.FS.
func (m *mountFS) Mkdir(p string, perm fs.FileMode) experimentalsys.Errno {
	root, name, e := m.forWrite(p, false)
	if e != 0 {
		if _, err := m.root.Lstat(rel(p)); err == nil {
			return experimentalsys.EEXIST
		}
		return e
	}
	e = errno(root.Mkdir(name, perm))
	if e == experimentalsys.ENOTDIR {
		e = experimentalsys.ENOENT
	}
	return e
}

// Chmod implements experimentalsys.FS.
func (m *mountFS) Chmod(p string, perm fs.FileMode) experimentalsys.Errno {
	root, name, e := m.forWrite(p, true)
	if e != 0 {
		return e
	}
	return errno(root.Chmod(name, perm))
}

// Rename implements experimentalsys.FS. Both paths must be writable;
// between two writable directories the rename goes through both roots.
func (m *mountFS) Rename(from, to string) experimentalsys.Errno {
	fromRoot, fromName, e := m.forWrite(from, false)
	if e != 0 {
		return e
	}
	toRoot, toName, e := m.forWrite(to, false)
	if e != 0 {
		return e
	}
	if fromRoot == toRoot {
		return errno(fromRoot.Rename(fromName, toName))
	}
	return errno(renameBetween(fromRoot, fromName, toRoot, toName))
}

// Rmdir implements experimentalsys.FS.
func (m *mountFS) Rmdir(p string) experimentalsys.Errno {
	root, name, e := m.forWrite(p, false)
	if e != 0 {
		return e
	}
	fi, err := root.Lstat(name)
	if err != nil {
		return errno(err)
	}
	if !fi.IsDir() {
		return experimentalsys.ENOTDIR
	}
	return errno(root.Remove(name))
}

// Unlink implements experimentalsys.FS.
func (m *mountFS) Unlink(p string) experimentalsys.Errno {
	root, name, e := m.forWrite(p, false)
	if e != 0 {
		return e
	}
	fi, err := root.Lstat(name)
	if err != nil {
		return errno(err)
	}
	if fi.IsDir() {
		return experimentalsys.EISDIR
	}
	return errno(root.Remove(name))
}

// Link implements experimentalsys.FS. The existing file must be writable
// too: a hard link is another name for the same bytes.
func (m *mountFS) Link(oldPath, newPath string) experimentalsys.Errno {
	oldRoot, oldName, e := m.forWrite(oldPath, false)
	if e != 0 {
		return e
	}
	newRoot, newName, e := m.forWrite(newPath, false)
	if e != 0 {
		return e
	}
	if oldRoot == newRoot {
		return errno(oldRoot.Link(oldName, newName))
	}
	return errno(linkBetween(oldRoot, oldName, newRoot, newName))
}

// Symlink implements experimentalsys.FS. A link's target may say anything
// relative (every later use of the link resolves beneath a root); absolute
// targets are refused, as by wazero's own directory file system.
func (m *mountFS) Symlink(oldPath, linkName string) experimentalsys.Errno {
	if path.IsAbs(oldPath) || filepath.IsAbs(oldPath) {
		return experimentalsys.EPERM
	}
	root, name, e := m.forWrite(linkName, false)
	if e != 0 {
		return e
	}
	return errno(root.Symlink(oldPath, name))
}

// Utimens implements experimentalsys.FS.
func (m *mountFS) Utimens(p string, atim, mtim int64) experimentalsys.Errno {
	root, name, e := m.forWrite(p, true)
	if e != 0 {
		return e
	}
	if atim == experimentalsys.UTIME_OMIT && mtim == experimentalsys.UTIME_OMIT {
		if _, err := root.Stat(name); err != nil {
			return errno(err)
		}
		return 0
	}
	return errno(root.Chtimes(name, nanosToTime(atim), nanosToTime(mtim)))
}

// nanosToTime converts a WASI timestamp; UTIME_OMIT is the zero time, which
// os.Root.Chtimes leaves unchanged.
func nanosToTime(ns int64) time.Time {
	if ns == experimentalsys.UTIME_OMIT {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

// Host-side operations on behalf of a guest (download_file, exec_command):
// the same roots as the guest's own WASI calls, so the same rules.

// errReadOnly is returned for a host function asked to write where the
// plugin may not.
var errReadOnly = errors.New("read-only for this plugin: it may write only in its temporary directory and, while installing, in the install directory")

// createFile writes the host path dest beneath a writable directory from r,
// atomically: a hidden temporary file in the same directory, renamed over
// dest once complete. Parent directories are created.
func (sb *sandbox) createFile(dest string, write func(io.Writer) (int64, error)) (int64, error) {
	root, name, _, ok := sb.writeRoot(dest)
	switch {
	case !ok:
		return 0, errReadOnly
	case root == nil:
		return 0, fmt.Errorf("cannot open the writable directory of %s", dest)
	case name == ".":
		return 0, fmt.Errorf("%s is a directory", dest)
	}
	dir, base := path.Split(name)
	if dir != "" {
		if err := root.MkdirAll(strings.TrimSuffix(dir, "/"), 0o755); err != nil {
			return 0, err
		}
	}
	var f *os.File
	var tmp string
	for i := 0; ; i++ {
		tmp = dir + "." + base + "." + strconv.FormatUint(rand.Uint64(), 36) + ".part"
		var err error
		f, err = root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) || i == 10 {
			return 0, err
		}
	}
	n, err := write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = root.Rename(tmp, name)
	}
	if err != nil {
		root.Remove(tmp)
		return 0, err
	}
	return n, nil
}

// makeExecutable adds the execute bits to the host path p, which must be
// beneath a writable directory; a link is followed beneath that directory
// only.
func (sb *sandbox) makeExecutable(p string) error {
	root, name, _, ok := sb.writeRoot(p)
	switch {
	case !ok:
		return errReadOnly
	case root == nil:
		return fmt.Errorf("cannot open the writable directory of %s", p)
	}
	fi, err := root.Stat(name)
	if err != nil {
		return err
	}
	return root.Chmod(name, fi.Mode().Perm()|0o111)
}

// statDir checks that the host path p is a directory reached beneath its
// mount.
func (sb *sandbox) statDir(p string) error {
	var best *mountFS
	var name string
	for _, m := range sb.mounts {
		if rest, ok := cutPath(p, m.real); ok && (best == nil || len(m.real) > len(best.real)) {
			best, name = m, rest
		}
	}
	if best == nil {
		return fmt.Errorf("%s: %w", p, vpath.ErrOutsideMounts)
	}
	fi, err := best.root.Stat(name)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", p)
	}
	return nil
}
