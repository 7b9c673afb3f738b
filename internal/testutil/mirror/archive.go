package mirror

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/ulikunitz/xz"
)

// Entry is one member of a test archive.
type Entry struct {
	// Name is the member's path inside the archive.
	Name string
	// Body is a regular file's content.
	Body string
	// Mode is the file mode (0644 when zero; 0755 for Exec).
	Mode int64
	// Symlink makes the entry a symbolic link to this target.
	Symlink string
	// Hardlink makes the entry a hard link to this member.
	Hardlink string
	// Dir makes the entry a directory.
	Dir bool
}

// WriteTarGz writes a .tar.gz with the given entries, in order.
func WriteTarGz(path string, entries []Entry) error {
	return writeTar(path, entries, func(w io.Writer) (io.WriteCloser, error) { return gzip.NewWriter(w), nil })
}

// WriteTarGzLevel is WriteTarGz at a gzip compression level
// (gzip.BestSpeed for large executables, whose default-level compression
// costs seconds of CPU for nothing a test checks).
func WriteTarGzLevel(path string, entries []Entry, level int) error {
	return writeTar(path, entries, func(w io.Writer) (io.WriteCloser, error) { return gzip.NewWriterLevel(w, level) })
}

// WriteTarXz writes a .tar.xz with the given entries, in order.
func WriteTarXz(path string, entries []Entry) error {
	return writeTar(path, entries, func(w io.Writer) (io.WriteCloser, error) { return xz.NewWriter(w) })
}

func writeTar(path string, entries []Entry, compress func(io.Writer) (io.WriteCloser, error)) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	cw, err := compress(f)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(cw)
	mtime := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, e := range entries {
		h := &tar.Header{Name: e.Name, Mode: e.Mode, ModTime: mtime, Typeflag: tar.TypeReg, Size: int64(len(e.Body))}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		switch {
		case e.Dir:
			h.Typeflag, h.Size, h.Mode = tar.TypeDir, 0, 0o755
		case e.Symlink != "":
			h.Typeflag, h.Linkname, h.Size = tar.TypeSymlink, e.Symlink, 0
		case e.Hardlink != "":
			h.Typeflag, h.Linkname, h.Size = tar.TypeLink, e.Hardlink, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write([]byte(e.Body)); err != nil {
				return err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := cw.Close(); err != nil {
		return err
	}
	return f.Close()
}

// WriteZip writes a .zip with the given regular-file entries.
func WriteZip(path string, entries []Entry) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.Name, Method: zip.Deflate}
		mode := e.Mode
		if mode == 0 {
			mode = 0o644
		}
		h.SetMode(os.FileMode(mode))
		w, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := w.Write([]byte(e.Body)); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}

// SHA256File returns the hex sha256 of a file.
func SHA256File(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// WriteShasums writes a SHASUMS256.txt ("<hex>  <name>" lines, sorted by
// name, as nodejs.org and many projects publish) for the files in dir.
func WriteShasums(dir string, names ...string) error {
	sort.Strings(names)
	var sb strings.Builder
	for _, n := range names {
		sum, err := SHA256File(filepath.Join(dir, n))
		if err != nil {
			return err
		}
		fmt.Fprintf(&sb, "%s  %s\n", sum, n)
	}
	return os.WriteFile(filepath.Join(dir, "SHASUMS256.txt"), []byte(sb.String()), 0o644)
}
