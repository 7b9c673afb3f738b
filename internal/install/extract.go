package install

import (
	"archive/tar"
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// maxSymlinkHops bounds symlink resolution; more hops count as a loop.
const maxSymlinkHops = 64

// extractor writes the entries of one archive under dest, keeping track of
// what it made so that no entry can reach outside dest. Paths it tracks are
// slash-separated and relative to dest ("bin/node").
type extractor struct {
	ctx     context.Context
	archive string // display name
	dest    string // absolute
	prefix  []string

	prefixSeen bool
	firstEntry string

	files    map[string]bool   // regular files written
	dirs     map[string]bool   // every directory, explicit or implied
	symlinks map[string]string // deferred symlinks: path → target
	linkList []string          // symlink paths in archive order
	dirMeta  map[string]entryMeta

	maxSize, maxEntries int64 // limits (math.MaxInt64: none)
	written, entries    int64 // file bytes written, entries read
}

// count records one more entry of the archive, failing past maxEntries.
func (x *extractor) count(entry string) error {
	x.entries++
	if x.entries > x.maxEntries {
		return &LimitError{Archive: x.archive, Limit: "max-entries", Max: x.maxEntries, Entry: entry}
	}
	return nil
}

// reserve fails when a file of size bytes (declared by the archive; -1 if
// unknown) cannot fit in what is left of maxSize.
func (x *extractor) reserve(entry string, size int64) error {
	if size > 0 && size > x.maxSize-x.written {
		return &LimitError{Archive: x.archive, Limit: "max-size", Max: x.maxSize, Entry: entry}
	}
	return nil
}

// budgetWriter counts the bytes written to a file of the archive against
// maxSize and refuses the write that would pass it.
type budgetWriter struct {
	x     *extractor
	w     io.Writer
	entry string
}

func (b *budgetWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > b.x.maxSize-b.x.written {
		return 0, &LimitError{Archive: b.x.archive, Limit: "max-size", Max: b.x.maxSize, Entry: b.entry}
	}
	n, err := b.w.Write(p)
	b.x.written += int64(n)
	return n, err
}

type entryMeta struct {
	mode  fs.FileMode
	mtime time.Time
}

func newExtractor(ctx context.Context, archive, dest, prefix string) *extractor {
	x := &extractor{
		ctx: ctx, archive: archive, dest: dest,
		files: map[string]bool{}, dirs: map[string]bool{}, symlinks: map[string]string{},
		dirMeta: map[string]entryMeta{},
	}
	for _, c := range strings.Split(strings.ReplaceAll(prefix, `\`, "/"), "/") {
		if c != "" && c != "." {
			x.prefix = append(x.prefix, c)
		}
	}
	return x
}

func (x *extractor) unsafe(entry, reason string, args ...any) error {
	return &UnsafeEntryError{Archive: x.archive, Entry: entry, Reason: fmt.Sprintf(reason, args...)}
}

// splitName checks an entry name and splits it into clean components:
// backslashes count as separators, "" and "." components are dropped,
// absolute names and ".." components are refused.
func (x *extractor) splitName(name string) ([]string, error) {
	n := strings.ReplaceAll(name, `\`, "/")
	if strings.HasPrefix(n, "/") || hasVolume(n) {
		return nil, x.unsafe(name, "has an absolute path")
	}
	if strings.ContainsRune(n, 0) {
		return nil, x.unsafe(name, "has a NUL byte in its name")
	}
	var out []string
	for _, c := range strings.Split(n, "/") {
		switch c {
		case "", ".":
		case "..":
			return nil, x.unsafe(name, "escapes the target directory")
		default:
			out = append(out, c)
		}
	}
	return out, nil
}

// hasVolume reports a Windows drive ("C:") at the start of a name.
func hasVolume(n string) bool {
	return len(n) >= 2 && n[1] == ':' && (n[0]|0x20 >= 'a' && n[0]|0x20 <= 'z')
}

// target maps an entry name to its path under dest after stripping the
// prefix. skip is true for the prefix itself, the root, and entries outside
// the prefix.
func (x *extractor) target(name string) (rel string, skip bool, err error) {
	if x.firstEntry == "" {
		x.firstEntry = name
	}
	parts, err := x.splitName(name)
	if err != nil {
		return "", false, err
	}
	if len(x.prefix) > 0 {
		if len(parts) < len(x.prefix) {
			return "", true, nil
		}
		for i, p := range x.prefix {
			if ok, _ := path.Match(p, parts[i]); !ok {
				return "", true, nil
			}
		}
		x.prefixSeen = true
		parts = parts[len(x.prefix):]
	}
	if len(parts) == 0 {
		return "", true, nil
	}
	return strings.Join(parts, "/"), false, nil
}

// checkPath refuses an entry whose path, or any parent of it, is a symlink
// from the archive, and an entry that would replace a directory or symlink.
// Then it records the parents as directories.
func (x *extractor) checkPath(entry, rel string, isDir bool) error {
	parts := strings.Split(rel, "/")
	for i := 1; i < len(parts); i++ {
		p := strings.Join(parts[:i], "/")
		if _, ok := x.symlinks[p]; ok {
			return x.unsafe(entry, "passes through the symlink %q", p)
		}
		if x.files[p] {
			return fmt.Errorf("entry %q: %q is a file, not a directory", entry, p)
		}
	}
	if _, ok := x.symlinks[rel]; ok {
		return x.unsafe(entry, "would replace the symlink %q", rel)
	}
	if !isDir && x.dirs[rel] {
		return fmt.Errorf("entry %q: %q is a directory", entry, rel)
	}
	if isDir && x.files[rel] {
		return fmt.Errorf("entry %q: %q is a file", entry, rel)
	}
	for i := 1; i < len(parts); i++ {
		x.dirs[strings.Join(parts[:i], "/")] = true
	}
	return nil
}

func (x *extractor) abs(rel string) string {
	return filepath.Join(x.dest, filepath.FromSlash(rel))
}

func (x *extractor) mkdirParents(rel string) error {
	return os.MkdirAll(filepath.Dir(x.abs(rel)), 0o755)
}

func (x *extractor) addDir(entry, rel string, mode fs.FileMode, mtime time.Time) error {
	if err := x.checkPath(entry, rel, true); err != nil {
		return err
	}
	x.dirs[rel] = true
	if err := os.MkdirAll(x.abs(rel), 0o755); err != nil {
		return fmt.Errorf("entry %q: %w", entry, err)
	}
	x.dirMeta[rel] = entryMeta{mode: mode.Perm() | 0o700, mtime: mtime}
	return nil
}

func (x *extractor) addFile(entry, rel string, r io.Reader, mode fs.FileMode, mtime time.Time) error {
	if err := x.checkPath(entry, rel, false); err != nil {
		return err
	}
	if err := x.mkdirParents(rel); err != nil {
		return fmt.Errorf("entry %q: %w", entry, err)
	}
	p := x.abs(rel)
	// Whatever is there (an earlier entry of the same name, a file from
	// elsewhere) is replaced, never written through.
	if fi, err := os.Lstat(p); err == nil {
		if fi.IsDir() {
			return fmt.Errorf("entry %q: %q is a directory", entry, rel)
		}
		if err := os.Remove(p); err != nil {
			return fmt.Errorf("entry %q: %w", entry, err)
		}
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("entry %q: %w", entry, err)
	}
	_, err = io.Copy(&budgetWriter{x: x, w: f, entry: entry}, &ctxReader{ctx: x.ctx, r: r})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	var le *LimitError
	if errors.As(err, &le) {
		return le
	}
	if err != nil {
		return fmt.Errorf("entry %q: %w", entry, err)
	}
	if err := os.Chmod(p, mode.Perm()); err != nil {
		return fmt.Errorf("entry %q: %w", entry, err)
	}
	if !mtime.IsZero() {
		_ = os.Chtimes(p, mtime, mtime)
	}
	x.files[rel] = true
	return nil
}

func (x *extractor) addSymlink(entry, rel, target string) error {
	t := strings.ReplaceAll(target, `\`, "/")
	if t == "" {
		return x.unsafe(entry, "is a symlink with an empty target")
	}
	if strings.HasPrefix(t, "/") || hasVolume(t) {
		return x.unsafe(entry, "is a symlink to the absolute path %q", target)
	}
	if err := x.checkPath(entry, rel, false); err != nil {
		return err
	}
	if x.dirs[rel] {
		return x.unsafe(entry, "is a symlink where the archive has a directory")
	}
	if x.files[rel] {
		return x.unsafe(entry, "is a symlink where the archive has a file")
	}
	if _, dup := x.symlinks[rel]; !dup {
		x.linkList = append(x.linkList, rel)
	}
	x.symlinks[rel] = t
	return nil
}

// addHardlink makes rel a hard link to the earlier entry linkName (an
// archive name, prefix included).
func (x *extractor) addHardlink(entry, rel, linkName string) error {
	parts, err := x.splitName(linkName)
	if err != nil {
		return x.unsafe(entry, "is a hard link to %q outside the target directory", linkName)
	}
	if len(x.prefix) > 0 {
		if len(parts) <= len(x.prefix) {
			return x.unsafe(entry, "is a hard link to %q outside the archive prefix", linkName)
		}
		for i, p := range x.prefix {
			if ok, _ := path.Match(p, parts[i]); !ok {
				return x.unsafe(entry, "is a hard link to %q outside the archive prefix", linkName)
			}
		}
		parts = parts[len(x.prefix):]
	}
	if len(parts) == 0 {
		return x.unsafe(entry, "is a hard link to the target directory itself")
	}
	to := strings.Join(parts, "/")
	if t, ok := x.symlinks[to]; ok {
		return x.addSymlink(entry, rel, t)
	}
	if !x.files[to] {
		return fmt.Errorf("entry %q: hard link to %q, which is not an earlier file of the archive", entry, linkName)
	}
	if err := x.checkPath(entry, rel, false); err != nil {
		return err
	}
	if err := x.mkdirParents(rel); err != nil {
		return fmt.Errorf("entry %q: %w", entry, err)
	}
	p := x.abs(rel)
	if fi, err := os.Lstat(p); err == nil && !fi.IsDir() {
		_ = os.Remove(p)
	}
	if err := os.Link(x.abs(to), p); err != nil {
		// File systems without hard links get a copy.
		src, err := os.Open(x.abs(to))
		if err != nil {
			return fmt.Errorf("entry %q: %w", entry, err)
		}
		defer src.Close()
		fi, _ := src.Stat()
		return x.addFile(entry, rel, src, fi.Mode(), fi.ModTime())
	}
	x.files[rel] = true
	return nil
}

// resolvesInside reports whether the symlink at rel, followed through the
// archive's other symlinks, stays inside dest. Loops count as outside.
func (x *extractor) resolvesInside(rel string) bool {
	cur := strings.Split(rel, "/")
	cur = cur[:len(cur)-1]
	todo := strings.Split(x.symlinks[rel], "/")
	hops := 0
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(cur) == 0 {
				return false
			}
			cur = cur[:len(cur)-1]
			continue
		}
		cur = append(cur, c)
		if t, ok := x.symlinks[strings.Join(cur, "/")]; ok {
			hops++
			if hops > maxSymlinkHops || strings.HasPrefix(t, "/") || hasVolume(t) {
				return false
			}
			cur = cur[:len(cur)-1]
			todo = append(strings.Split(t, "/"), todo...)
		}
	}
	return true
}

// finish creates the deferred symlinks once every one of them is known to
// stay inside dest, then applies directory modes and times, deepest first.
func (x *extractor) finish() error {
	if len(x.prefix) > 0 && !x.prefixSeen {
		first := ""
		if x.firstEntry != "" {
			first = fmt.Sprintf(" (the first entry is %q)", x.firstEntry)
		}
		return fmt.Errorf("no entry under the prefix %q%s", strings.Join(x.prefix, "/"), first)
	}
	for _, rel := range x.linkList {
		if !x.resolvesInside(rel) {
			return x.unsafe(rel, "is a symlink to %q, which resolves outside the target directory", x.symlinks[rel])
		}
	}
	for _, rel := range x.linkList {
		if err := x.ctx.Err(); err != nil {
			return err
		}
		if err := x.mkdirParents(rel); err != nil {
			return fmt.Errorf("entry %q: %w", rel, err)
		}
		p := x.abs(rel)
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("entry %q: a file is already there", rel)
		}
		if err := os.Symlink(filepath.FromSlash(x.symlinks[rel]), p); err != nil {
			return fmt.Errorf("entry %q: %w", rel, err)
		}
	}
	dirs := make([]string, 0, len(x.dirMeta))
	for d := range x.dirMeta {
		dirs = append(dirs, d)
	}
	slices.SortFunc(dirs, func(a, b string) int { return strings.Count(b, "/") - strings.Count(a, "/") })
	for _, d := range dirs {
		m := x.dirMeta[d]
		if err := os.Chmod(x.abs(d), m.mode); err != nil {
			return fmt.Errorf("entry %q: %w", d, err)
		}
		if !m.mtime.IsZero() {
			_ = os.Chtimes(x.abs(d), m.mtime, m.mtime)
		}
	}
	return nil
}

// untar extracts a tar stream.
func (x *extractor) untar(r io.Reader) error {
	tr := tar.NewReader(r)
	for {
		if err := x.ctx.Err(); err != nil {
			return err
		}
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil && !(errors.Is(err, tar.ErrInsecurePath) && h != nil) {
			return fmt.Errorf("read tar: %w", err)
		}
		if h.Typeflag == tar.TypeXGlobalHeader {
			continue
		}
		if err := x.count(h.Name); err != nil {
			return err
		}
		rel, skip, err := x.target(h.Name)
		if err != nil {
			return err
		}
		mode := fs.FileMode(h.Mode).Perm()
		switch h.Typeflag {
		case tar.TypeChar, tar.TypeBlock:
			return x.unsafe(h.Name, "is a device file")
		case tar.TypeFifo:
			return x.unsafe(h.Name, "is a FIFO")
		}
		if skip {
			continue
		}
		switch h.Typeflag {
		case tar.TypeDir:
			err = x.addDir(h.Name, rel, mode, h.ModTime)
		case tar.TypeReg, tar.TypeRegA, tar.TypeCont, tar.TypeGNUSparse:
			if err = x.reserve(h.Name, h.Size); err == nil {
				err = x.addFile(h.Name, rel, tr, mode, h.ModTime)
			}
		case tar.TypeSymlink:
			err = x.addSymlink(h.Name, rel, h.Linkname)
		case tar.TypeLink:
			err = x.addHardlink(h.Name, rel, h.Linkname)
		default:
			err = fmt.Errorf("entry %q: unsupported tar entry type %q", h.Name, h.Typeflag)
		}
		if err != nil {
			return err
		}
	}
}

// unzip extracts a zip file.
func (x *extractor) unzip(ra io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(ra, size)
	if err != nil && !(errors.Is(err, zip.ErrInsecurePath) && zr != nil) {
		return fmt.Errorf("read zip: %w", err)
	}
	if int64(len(zr.File)) > x.maxEntries {
		return &LimitError{Archive: x.archive, Limit: "max-entries", Max: x.maxEntries}
	}
	for _, zf := range zr.File {
		if err := x.ctx.Err(); err != nil {
			return err
		}
		if err := x.count(zf.Name); err != nil {
			return err
		}
		rel, skip, err := x.target(zf.Name)
		if err != nil {
			return err
		}
		mode := zf.Mode()
		if mode&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeNamedPipe|fs.ModeSocket) != 0 {
			return x.unsafe(zf.Name, "is a device file")
		}
		if skip {
			continue
		}
		// Entries from non-Unix creators carry no real permissions.
		unixMode := zf.CreatorVersion>>8 == 3
		perm := mode.Perm()
		if !unixMode {
			perm = 0o644
			if mode.IsDir() {
				perm = 0o755
			}
		}
		switch {
		case mode.IsDir() || strings.HasSuffix(zf.Name, "/"):
			err = x.addDir(zf.Name, rel, perm, zf.Modified)
		case mode&fs.ModeSymlink != 0:
			var target []byte
			target, err = readZipSmall(zf, 4096)
			if err == nil {
				err = x.addSymlink(zf.Name, rel, string(target))
			}
		case mode.IsRegular():
			if err = x.reserve(zf.Name, int64(min(zf.UncompressedSize64, math.MaxInt64))); err != nil {
				break
			}
			var rc io.ReadCloser
			rc, err = zf.Open()
			if err == nil {
				err = x.addFile(zf.Name, rel, rc, perm, zf.Modified)
				rc.Close()
			}
		default:
			err = fmt.Errorf("entry %q: unsupported zip entry mode %v", zf.Name, mode)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func readZipSmall(zf *zip.File, limit int64) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, fmt.Errorf("entry %q: %w", zf.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("entry %q: %w", zf.Name, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("entry %q: symlink target longer than %d bytes", zf.Name, limit)
	}
	return b, nil
}

// single writes one non-archive file as dest/<name>, executable.
func (x *extractor) single(r io.Reader, name string, mtime time.Time) error {
	parts, err := x.splitName(name)
	if err != nil || len(parts) != 1 {
		return x.unsafe(name, "is not a plain file name")
	}
	x.prefix = nil // a single file has no prefix to strip
	if err := x.count(name); err != nil {
		return err
	}
	return x.addFile(name, parts[0], r, 0o755, mtime)
}
