package runtime

import (
	"errors"
	"io"
	"os"

	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
	wazerosys "github.com/tetratelabs/wazero/sys"
)

// rootFile is the experimentalsys.File of a file or directory opened
// beneath a mount. Operations go through the open descriptor, never by
// path, so nothing renamed or replaced meanwhile can redirect them.
type rootFile struct {
	f        *os.File
	flag     experimentalsys.Oflag
	writable bool // opened through a writable directory's root
	closed   bool

	statted bool
	dev     uint64
	ino     wazerosys.Inode
	isDir   bool
}

var _ experimentalsys.File = (*rootFile)(nil)

func newRootFile(f *os.File, flag experimentalsys.Oflag, writable bool) *rootFile {
	return &rootFile{f: f, flag: flag, writable: writable}
}

// fileErrno maps the error of an operation on the descriptor.
func (r *rootFile) fileErrno(err error) experimentalsys.Errno {
	if err == nil || err == io.EOF {
		return 0
	}
	if r.closed || errors.Is(err, os.ErrClosed) {
		return experimentalsys.EBADF
	}
	return errno(err)
}

func (r *rootFile) cache() experimentalsys.Errno {
	if r.statted {
		return 0
	}
	_, e := r.Stat()
	return e
}

// Dev implements experimentalsys.File.
func (r *rootFile) Dev() (uint64, experimentalsys.Errno) {
	if e := r.cache(); e != 0 {
		return 0, e
	}
	return r.dev, 0
}

// Ino implements experimentalsys.File.
func (r *rootFile) Ino() (wazerosys.Inode, experimentalsys.Errno) {
	if e := r.cache(); e != 0 {
		return 0, e
	}
	return r.ino, 0
}

// IsDir implements experimentalsys.File.
func (r *rootFile) IsDir() (bool, experimentalsys.Errno) {
	if e := r.cache(); e != 0 {
		return false, e
	}
	return r.isDir, 0
}

// IsAppend implements experimentalsys.File.
func (r *rootFile) IsAppend() bool { return r.flag&experimentalsys.O_APPEND != 0 }

// SetAppend implements experimentalsys.File.
func (r *rootFile) SetAppend(enable bool) experimentalsys.Errno {
	if r.closed {
		return experimentalsys.EBADF
	}
	if isDir, _ := r.IsDir(); isDir {
		return experimentalsys.EISDIR
	}
	if e := setAppend(r.f, enable); e != 0 {
		return e
	}
	if enable {
		r.flag |= experimentalsys.O_APPEND
	} else {
		r.flag &^= experimentalsys.O_APPEND
	}
	return 0
}

// Stat implements experimentalsys.File.
func (r *rootFile) Stat() (wazerosys.Stat_t, experimentalsys.Errno) {
	if r.closed {
		return wazerosys.Stat_t{}, experimentalsys.EBADF
	}
	fi, err := r.f.Stat()
	if err != nil {
		return wazerosys.Stat_t{}, r.fileErrno(err)
	}
	st := wazerosys.NewStat_t(fi)
	r.statted, r.dev, r.ino, r.isDir = true, st.Dev, st.Ino, fi.IsDir()
	return st, 0
}

// Read implements experimentalsys.File.
func (r *rootFile) Read(buf []byte) (int, experimentalsys.Errno) {
	if len(buf) == 0 {
		return 0, 0
	}
	n, err := r.f.Read(buf)
	return n, r.dirAware(err)
}

// Pread implements experimentalsys.File.
func (r *rootFile) Pread(buf []byte, off int64) (int, experimentalsys.Errno) {
	if len(buf) == 0 {
		return 0, 0
	}
	n, err := r.f.ReadAt(buf, off)
	return n, r.dirAware(err)
}

// dirAware reports EISDIR for reads and writes of a directory, as POSIX.
func (r *rootFile) dirAware(err error) experimentalsys.Errno {
	e := r.fileErrno(err)
	if e != 0 && e != experimentalsys.EBADF {
		if isDir, _ := r.IsDir(); isDir {
			return experimentalsys.EISDIR
		}
	}
	return e
}

// fileOffset is int64. Seek's signature is wazero's, not io.Seeker's (it
// returns an Errno); naming the offset type through an alias tells go vet's
// stdmethods check that it is not meant to be io.Seeker.
type fileOffset = int64

// Seek implements experimentalsys.File. Seeking a directory to 0 rewinds
// it, so that the next Readdir sees its current entries.
func (r *rootFile) Seek(offset fileOffset, whence int) (int64, experimentalsys.Errno) {
	if r.closed {
		return 0, experimentalsys.EBADF
	}
	if isDir, _ := r.IsDir(); isDir {
		if offset != 0 || whence != io.SeekStart {
			return 0, experimentalsys.EISDIR
		}
	}
	n, err := r.f.Seek(offset, whence)
	return n, r.fileErrno(err)
}

// Readdir implements experimentalsys.File: up to n entries (all when n <=
// 0), fewer at the end of the directory, without "." and "..". Each entry's
// inode and type come from fstatat on the directory's own descriptor.
func (r *rootFile) Readdir(n int) ([]experimentalsys.Dirent, experimentalsys.Errno) {
	if r.closed {
		return nil, experimentalsys.EBADF
	}
	if isDir, e := r.IsDir(); e != 0 {
		return nil, e
	} else if !isDir {
		return nil, experimentalsys.EBADF
	}
	dirents, err := readdir(r.f, n)
	if err != nil && err != io.EOF {
		return nil, r.fileErrno(err)
	}
	return dirents, 0
}

// Write implements experimentalsys.File.
func (r *rootFile) Write(buf []byte) (int, experimentalsys.Errno) {
	if len(buf) == 0 {
		return 0, 0
	}
	n, err := r.f.Write(buf)
	return n, r.dirAware(err)
}

// Pwrite implements experimentalsys.File.
func (r *rootFile) Pwrite(buf []byte, off int64) (int, experimentalsys.Errno) {
	if len(buf) == 0 {
		return 0, 0
	}
	n, err := pwrite(r.f, buf, off)
	return n, r.dirAware(err)
}

// Truncate implements experimentalsys.File.
func (r *rootFile) Truncate(size int64) experimentalsys.Errno {
	if size < 0 {
		return experimentalsys.EINVAL
	}
	if isDir, _ := r.IsDir(); isDir {
		return experimentalsys.EISDIR
	}
	if !r.writable {
		return experimentalsys.EBADF
	}
	return r.fileErrno(r.f.Truncate(size))
}

// Sync implements experimentalsys.File.
func (r *rootFile) Sync() experimentalsys.Errno {
	if r.closed {
		return experimentalsys.EBADF
	}
	return r.fileErrno(r.f.Sync())
}

// Datasync implements experimentalsys.File.
func (r *rootFile) Datasync() experimentalsys.Errno {
	if r.closed {
		return experimentalsys.EBADF
	}
	return r.fileErrno(datasync(r.f))
}

// Utimens implements experimentalsys.File. Only a file opened for writing
// may have its times changed.
func (r *rootFile) Utimens(atim, mtim int64) experimentalsys.Errno {
	if r.closed || !r.writable {
		return experimentalsys.EBADF
	}
	return futimens(r.f, atim, mtim)
}

// Close implements experimentalsys.File.
func (r *rootFile) Close() experimentalsys.Errno {
	if r.closed {
		return 0
	}
	r.closed = true
	return errno(r.f.Close())
}
