package install

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/therootcompany/xz"
)

// UnpackOptions tunes [Unpack].
type UnpackOptions struct {
	// Prefix is a leading directory stripped from every entry, such as
	// "node-v20.1.0-linux-x64" (proto's archive_prefix). It may have several
	// components ("a/b"), and a component may be a glob ("node-v*"), matched
	// with path.Match. Entries outside it are skipped; an archive with no
	// entry under it is an error.
	Prefix string
	// Name is the file name used to detect the format (proto's
	// download_name); empty means the base name of the archive path. For a
	// bare binary it is also the name the file gets in the destination.
	Name string
	// MaxSize bounds the total bytes of the files written; 0 means
	// DefaultMaxUnpackSize, a negative value no bound.
	MaxSize int64
	// MaxEntries bounds the entries read from the archive (files,
	// directories, links, skipped ones included); 0 means
	// DefaultMaxUnpackEntries, a negative value no bound.
	MaxEntries int64
}

// Default unpack limits, sized from real toolchains with a wide margin: the
// largest measured, a rustup stable toolchain, is 1.3 GB in 53,531 entries
// (nightly 1.4 GB, 67,186); Go 1.26 is 240 MB in 16,703; a Temurin 25 JDK
// 317 MB in 486. See BENCHMARKS.md ("Unpack limits").
const (
	DefaultMaxUnpackSize    = 4 << 30
	DefaultMaxUnpackEntries = 250_000
)

// LimitError is an archive that breaks an unpack limit: it would write more
// than MaxSize bytes or has more than MaxEntries entries.
type LimitError struct {
	// Archive is the archive's name.
	Archive string
	// Limit is "max-size" or "max-entries" (the keys of [settings.unpack]).
	Limit string
	// Max is the limit; Entry the entry being unpacked when it was hit.
	Max   int64
	Entry string
}

// Error returns the message.
func (e *LimitError) Error() string {
	what := fmt.Sprintf("unpacks to more than %s", formatBytes(e.Max))
	if e.Limit == "max-entries" {
		what = fmt.Sprintf("has more than %d entries", e.Max)
	}
	at := ""
	if e.Entry != "" {
		at = fmt.Sprintf(" (at entry %q)", e.Entry)
	}
	return fmt.Sprintf("archive %s %s%s: refused by the limit settings.unpack.%s", e.Archive, what, at, e.Limit)
}

// Hint says how to raise the limit.
func (e *LimitError) Hint() string {
	env := "TOTE_UNPACK_MAX_SIZE"
	if e.Limit == "max-entries" {
		env = "TOTE_UNPACK_MAX_ENTRIES"
	}
	return fmt.Sprintf("if this tool really is that large, raise %s under [settings.unpack] or set %s", e.Limit, env)
}

// ErrUnsafeEntry is matched (errors.Is) by every error about an archive
// entry that would write outside the target directory or is otherwise
// refused.
var ErrUnsafeEntry = errors.New("unsafe archive entry")

// UnsafeEntryError reports an archive entry that Unpack refuses.
type UnsafeEntryError struct {
	// Archive is the archive's name, Entry the entry's name as stored.
	Archive, Entry string
	// Reason says why, such as "escapes the target directory".
	Reason string
}

// Error returns the message.
func (e *UnsafeEntryError) Error() string {
	return fmt.Sprintf("archive %s: entry %q %s", e.Archive, e.Entry, e.Reason)
}

// Is makes errors.Is(err, ErrUnsafeEntry) true.
func (e *UnsafeEntryError) Is(target error) bool { return target == ErrUnsafeEntry }

// Archive formats detected by Unpack.
const (
	formatTar    = "tar"
	formatTarGz  = "tar.gz"
	formatTarXz  = "tar.xz"
	formatTarZst = "tar.zst"
	formatTarBz2 = "tar.bz2"
	formatZip    = "zip"
	formatGz     = "gz"
	formatXz     = "xz"
	formatZst    = "zst"
	formatBz2    = "bz2"
	formatRaw    = "raw"
)

// nameFormats maps file name suffixes to formats, longest first.
var nameFormats = []struct{ suffix, format string }{
	{".tar.gz", formatTarGz}, {".tgz", formatTarGz},
	{".tar.xz", formatTarXz}, {".txz", formatTarXz},
	{".tar.zst", formatTarZst}, {".tar.zstd", formatTarZst}, {".tzst", formatTarZst},
	{".tar.bz2", formatTarBz2}, {".tbz2", formatTarBz2}, {".tbz", formatTarBz2},
	{".tar", formatTar}, {".zip", formatZip},
	{".gz", formatGz}, {".xz", formatXz}, {".zst", formatZst}, {".bz2", formatBz2},
}

var (
	magicGzip  = []byte{0x1f, 0x8b}
	magicXz    = []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}
	magicZstd  = []byte{0x28, 0xb5, 0x2f, 0xfd}
	magicBzip2 = []byte("BZh")
	magicZip   = []byte("PK\x03\x04")
	magicZipE  = []byte("PK\x05\x06") // empty zip
)

// Unpack extracts archive into destDir (created if missing; it should be a
// fresh staging directory). The format is found from opts.Name (or the
// archive's name), then from magic bytes: .tar.gz/.tgz, .tar.xz/.txz,
// .tar.zst/.tzst, .tar.bz2/.tbz2, .tar, .zip, a compressed single file
// (.gz/.xz/.zst/.bz2, decompressed to its name without the suffix, unless
// the content is a tar), or else a bare binary copied to destDir/<name>
// with mode 0755.
//
// Permissions (minus setuid, setgid and sticky bits) and modification times
// are kept. Unpack writes only under destDir: it refuses, with an
// *[UnsafeEntryError] naming the archive and the entry, absolute paths,
// ".." components, entries that would pass through a symlink from the
// archive, symlinks whose target is absolute or resolves outside destDir
// (following the archive's other symlinks), hard links to anything outside,
// and device files and FIFOs. Symlinks are created after all other entries.
//
// The archive may not write more than opts.MaxSize bytes nor have more than
// opts.MaxEntries entries: a file whose declared size passes the limit (a
// "sparse" tar entry declaring a terabyte, say) is refused before a byte is
// written, and a stream that decompresses past it (a zstd of zeros) stops
// there, with a *[LimitError].
//
// It stops when ctx is done. On any error destDir may hold part of the
// archive: the caller removes it (it is a staging directory, see
// internal/store).
func Unpack(ctx context.Context, archive, destDir string, opts UnpackOptions) error {
	name := opts.Name
	if name == "" {
		name = filepath.Base(archive)
	}
	name = filepath.Base(filepath.FromSlash(strings.ReplaceAll(name, `\`, "/")))
	display := name
	fail := func(err error) error {
		var ue *UnsafeEntryError
		var le *LimitError
		if errors.As(err, &ue) || errors.As(err, &le) {
			return err
		}
		return fmt.Errorf("archive %s: %w", display, err)
	}

	dest, err := filepath.Abs(destDir)
	if err != nil {
		return fail(err)
	}
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return fail(err)
	}
	f, err := os.Open(archive)
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fail(err)
	}
	br := bufio.NewReaderSize(f, 64<<10)
	head, _ := br.Peek(512)

	format := formatFromName(name)
	if format == "" {
		format = formatFromMagic(head)
	}
	r := &ctxReader{ctx: ctx, r: br}
	if strings.HasPrefix(format, formatTar) {
		return unpackTar(ctx, r, format, display, dest, opts)
	}
	x := newExtractor(ctx, display, dest, opts.Prefix)
	x.maxSize, x.maxEntries = limitOr(opts.MaxSize, DefaultMaxUnpackSize), limitOr(opts.MaxEntries, DefaultMaxUnpackEntries)

	switch format {
	case formatZip:
		err = x.unzip(f, fi.Size())
	case formatRaw:
		err = x.single(r, name, fi.ModTime())
	default:
		dr, mtime, closeFn, derr := decompressor(format, r)
		if derr != nil {
			return fail(derr)
		}
		defer closeFn()
		dr = &ctxReader{ctx: ctx, r: dr}
		// A single compressed file, unless its content is a tar.
		bdr := bufio.NewReaderSize(dr, 64<<10)
		inner, _ := bdr.Peek(512)
		if isTarHeader(inner) {
			err = x.untar(bdr)
			break
		}
		if mtime.IsZero() {
			mtime = fi.ModTime()
		}
		err = x.single(bdr, trimCompressionSuffix(name), mtime)
	}
	if err == nil {
		err = x.finish()
	}
	if err != nil {
		return fail(err)
	}
	return nil
}

// unpackTar extracts a tar stream of format (formatTar or "tar.<compression>")
// into dest, an absolute directory that exists.
func unpackTar(ctx context.Context, r io.Reader, format, display, dest string, opts UnpackOptions) error {
	x := newExtractor(ctx, display, dest, opts.Prefix)
	x.maxSize, x.maxEntries = limitOr(opts.MaxSize, DefaultMaxUnpackSize), limitOr(opts.MaxEntries, DefaultMaxUnpackEntries)
	var err error
	if format == formatTar {
		err = x.untar(r)
	} else {
		dr, _, closeFn, derr := decompressor(strings.TrimPrefix(format, "tar."), r)
		if derr != nil {
			return fmt.Errorf("archive %s: %w", display, derr)
		}
		defer closeFn()
		err = x.untar(&ctxReader{ctx: ctx, r: dr})
	}
	if err == nil {
		err = x.finish()
	}
	var ue *UnsafeEntryError
	var le *LimitError
	if err == nil || errors.As(err, &ue) || errors.As(err, &le) {
		return err
	}
	return fmt.Errorf("archive %s: %w", display, err)
}

// limitOr returns v, or def when v is 0; a negative v means no limit.
func limitOr(v, def int64) int64 {
	switch {
	case v == 0:
		return def
	case v < 0:
		return math.MaxInt64
	}
	return v
}

func formatFromName(name string) string {
	lower := strings.ToLower(name)
	for _, nf := range nameFormats {
		if strings.HasSuffix(lower, nf.suffix) && len(lower) > len(nf.suffix) {
			return nf.format
		}
	}
	return ""
}

func formatFromMagic(head []byte) string {
	switch {
	case bytes.HasPrefix(head, magicGzip):
		return formatGz
	case bytes.HasPrefix(head, magicXz):
		return formatXz
	case bytes.HasPrefix(head, magicZstd):
		return formatZst
	case bytes.HasPrefix(head, magicBzip2):
		return formatBz2
	case bytes.HasPrefix(head, magicZip), bytes.HasPrefix(head, magicZipE):
		return formatZip
	case isTarHeader(head):
		return formatTar
	}
	return formatRaw
}

func trimCompressionSuffix(name string) string {
	lower := strings.ToLower(name)
	for _, s := range []string{".gz", ".xz", ".zst", ".bz2"} {
		if strings.HasSuffix(lower, s) && len(name) > len(s) {
			return name[:len(name)-len(s)]
		}
	}
	return name
}

// decompressor opens a decompressing reader. mtime is the gzip header's
// time, when set.
func decompressor(kind string, r io.Reader) (dr io.Reader, mtime time.Time, closeFn func(), err error) {
	nop := func() {}
	switch kind {
	case "gz":
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, time.Time{}, nop, fmt.Errorf("not a gzip stream: %w", err)
		}
		return zr, zr.ModTime, func() { _ = zr.Close() }, nil
	case "xz":
		// therootcompany/xz (XZ Embedded's decoder in Go) decodes in
		// two thirds of the CPU time of ulikunitz/xz; see BENCHMARKS.md
		// ("xz decoders"). Dictionaries up to 64 MiB (xz -9) are
		// accepted, larger ones refused.
		zr, err := xz.NewReader(r, 0)
		if err != nil {
			return nil, time.Time{}, nop, fmt.Errorf("not an xz stream: %w", err)
		}
		return zr, time.Time{}, nop, nil
	case "zst":
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(4<<30))
		if err != nil {
			return nil, time.Time{}, nop, fmt.Errorf("not a zstd stream: %w", err)
		}
		return zr, time.Time{}, zr.Close, nil
	case "bz2":
		return bzip2.NewReader(r), time.Time{}, nop, nil
	}
	return nil, time.Time{}, nop, fmt.Errorf("unknown compression %q", kind)
}

// isTarHeader reports whether block starts with a valid tar header: the
// "ustar" magic, or a correct header checksum (old v7 archives).
func isTarHeader(block []byte) bool {
	if len(block) < 512 {
		return false
	}
	if bytes.Equal(block[257:262], []byte("ustar")) {
		return true
	}
	field := strings.Trim(string(block[148:156]), " \x00")
	want, err := strconv.ParseInt(field, 8, 64)
	if err != nil || field == "" {
		return false
	}
	var sum int64
	for i, b := range block[:512] {
		if i >= 148 && i < 156 {
			b = ' '
		}
		sum += int64(b)
	}
	return sum == want && block[0] != 0
}

// ctxReader fails reads once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
