// Package readlimit reads files and streams with an upper bound, so that a
// hostile path (a plugin locator naming /dev/zero, a version file that is a
// 10 GB sparse file) or server cannot make tote read without end. Errors
// name what was read and the limit. It depends on the standard library
// only, so the shim can use it.
package readlimit

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// TooLargeError is a file or stream over its limit.
type TooLargeError struct {
	// Name is the file path or URL.
	Name string
	// What says what it was read as, such as "plugin file".
	What string
	// Limit is the bound in bytes.
	Limit int64
}

// Error implements error.
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s %s is larger than %s, the limit for a %s", e.What, e.Name, Size(e.Limit), e.What)
}

// ErrNotRegular is returned for a path that is not a regular file (a
// device such as /dev/zero, a FIFO, a directory).
var ErrNotRegular = errors.New("not a regular file")

// File reads the regular file at path, refusing one larger than limit
// bytes or one that is not a regular file (after symlinks). what names the
// file's role in errors ("configuration file", "plugin file", …). A missing
// file's error matches fs.ErrNotExist.
func File(path string, limit int64, what string) ([]byte, error) {
	f, size, err := open(path, limit, what)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The size is known: one allocation (plus one byte to see growth)
	// instead of io.ReadAll's doublings, which cost a multi-megabyte
	// plugin file more in clearing and copying than reading it.
	data := make([]byte, 0, size+1)
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if int64(len(data)) > limit {
			return nil, &TooLargeError{Name: path, What: what, Limit: limit}
		}
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
		if len(data) == cap(data) {
			// The file grew since the stat.
			data = append(data, 0)[:len(data)]
		}
	}
}

// Copy writes the regular file at path to w, with the checks of [File],
// never holding it whole (to hash a file, say). It returns the bytes
// written.
func Copy(w io.Writer, path string, limit int64, what string) (int64, error) {
	f, _, err := open(path, limit, what)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n, err := io.Copy(w, io.LimitReader(f, limit+1))
	if err != nil {
		return n, err
	}
	if n > limit {
		return n, &TooLargeError{Name: path, What: what, Limit: limit}
	}
	return n, nil
}

// open opens the regular file at path and returns its size, refusing one
// that is not regular or is larger than limit.
func open(path string, limit int64, what string) (*os.File, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("%s %s: %w (%s)", what, path, ErrNotRegular, st.Mode().Type())
	}
	if st.Size() > limit {
		f.Close()
		return nil, 0, &TooLargeError{Name: path, What: what, Limit: limit}
	}
	return f, st.Size(), nil
}

// All reads r to the end, failing with a *TooLargeError once more than
// limit bytes arrive (it never holds more than limit+1 bytes).
func All(r io.Reader, limit int64, name, what string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Name: name, What: what, Limit: limit}
	}
	return data, nil
}

// Size formats n bytes for a message: "1 MiB", "64 KiB", "300 bytes".
func Size(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
