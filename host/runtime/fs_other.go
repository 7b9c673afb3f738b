//go:build !unix

package runtime

import (
	"io"
	"io/fs"
	"os"

	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
	wazerosys "github.com/tetratelabs/wazero/sys"
)

func platformOpenFlags(experimentalsys.Oflag) int { return 0 }

// openNoFollow refuses a link in the last component after an Lstat; a link
// appearing in between is still resolved beneath root.
func openNoFollow(root *os.Root, name string, flag int, perm fs.FileMode) (*os.File, error) {
	if fi, err := root.Lstat(name); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return nil, &os.PathError{Op: "open", Path: name, Err: experimentalsys.ELOOP}
	}
	return root.OpenFile(name, flag, perm)
}

func renameBetween(*os.Root, string, *os.Root, string) error { return experimentalsys.ENOTSUP }

func linkBetween(*os.Root, string, *os.Root, string) error { return experimentalsys.ENOTSUP }

func readdir(f *os.File, n int) ([]experimentalsys.Dirent, error) {
	fis, err := f.Readdir(n)
	if err != nil && err != io.EOF {
		return nil, err
	}
	out := make([]experimentalsys.Dirent, 0, len(fis))
	for _, fi := range fis {
		out = append(out, experimentalsys.Dirent{Name: fi.Name(), Ino: wazerosys.NewStat_t(fi).Ino, Type: fi.Mode().Type()})
	}
	return out, nil
}

func setAppend(*os.File, bool) experimentalsys.Errno { return experimentalsys.ENOSYS }

func pwrite(f *os.File, buf []byte, off int64) (int, error) { return f.WriteAt(buf, off) }

func datasync(f *os.File) error { return f.Sync() }

func futimens(*os.File, int64, int64) experimentalsys.Errno { return experimentalsys.ENOSYS }
