package mirror

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"
)

// SparseTarBomb returns a small tar (1.5 KB) holding one GNU sparse file,
// name, that declares realSize bytes and stores none: every byte is a hole.
// archive/tar expands the holes as zeros when it is read, so an unpacker
// without a size cap writes realSize bytes (a terabyte from 2.5 KB).
func SparseTarBomb(name string, realSize int64) []byte {
	var hdr [512]byte
	copy(hdr[0:], name)
	copy(hdr[100:], "0000755\x00")     // mode
	copy(hdr[108:], "0000000\x00")     // uid
	copy(hdr[116:], "0000000\x00")     // gid
	copy(hdr[124:], "00000000000\x00") // size on disk: no data blocks
	copy(hdr[136:], octal(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC).Unix(), 12))
	hdr[156] = 'S'                       // GNU sparse file
	copy(hdr[257:], "ustar  \x00")       // GNU magic and version
	copy(hdr[386:], octal(realSize, 12)) // sparse[0].offset: one empty
	copy(hdr[398:], octal(0, 12))        // sparse[0].numbytes  data run at the end
	copy(hdr[483:], octal(realSize, 12)) // realsize
	copy(hdr[148:], "        ")
	var sum int64
	for _, b := range hdr {
		sum += int64(b)
	}
	copy(hdr[148:], fmt.Sprintf("%06o\x00 ", sum))
	var buf bytes.Buffer
	buf.Write(hdr[:])
	buf.Write(make([]byte, 2*512)) // end of archive
	return buf.Bytes()
}

// octal writes a tar numeric field: octal digits and a NUL, or GNU's
// base-256 form (a leading 0x80, then big-endian bytes) when n does not
// fit, as for sizes of 8 GiB and more.
func octal(n int64, width int) string {
	if n < 1<<(3*(width-1)) {
		return fmt.Sprintf("%0*o", width-1, n) + "\x00"
	}
	b := make([]byte, width)
	b[0] = 0x80
	for i := width - 1; i > 0 && n > 0; i-- {
		b[i] = byte(n)
		n >>= 8
	}
	return string(b)
}

// ZerosTar streams, into w, a tar whose entries dir/ and dir/name hold size
// zero bytes: compressed with gzip or zstd it is tiny (a 10 GiB entry makes
// a .tar.zst of about 336 KB).
func ZerosTar(w io.Writer, dir, name string, size int64) error {
	tw := tar.NewWriter(w)
	mtime := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	dir = strings.TrimSuffix(dir, "/")
	if dir != "" {
		if err := tw.WriteHeader(&tar.Header{Name: dir + "/", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: mtime}); err != nil {
			return err
		}
		name = dir + "/" + name
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o755, Size: size, ModTime: mtime}); err != nil {
		return err
	}
	zero := make([]byte, 1<<20)
	for left := size; left > 0; {
		n := min(left, int64(len(zero)))
		if _, err := tw.Write(zero[:n]); err != nil {
			return err
		}
		left -= n
	}
	return tw.Close()
}

// ManyEntriesTar returns a tar of n empty files under dir/.
func ManyEntriesTar(dir string, n int) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for i := range n {
		tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("%s/f%07d", dir, i), Typeflag: tar.TypeReg, Mode: 0o644})
	}
	tw.Close()
	return buf.Bytes()
}
