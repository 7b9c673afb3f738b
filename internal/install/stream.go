package install

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
)

// ErrRestarted ends a [StreamUnpack] whose download had to start over from
// the first byte (the server ignored a Range request, or the file changed
// under a resumed download): the bytes already unpacked belong to another
// stream, so the caller unpacks the finished file instead.
var ErrRestarted = errors.New("the download started over")

// streamChunks is how many chunks (of up to 128 KiB, the downloader's
// buffer) a StreamUnpack holds while its unpacker is busy: the download
// runs up to 1 MiB ahead of the decompressor instead of waiting for it on
// every read.
const streamChunks = 8

// StreamUnpack unpacks a tar archive (plain, gzip, xz, zstd or bzip2) into
// a staging directory while its bytes arrive: it is the [Request.Tee] of
// the archive's download, so one pass over the bytes writes the file,
// hashes it and unpacks it, the decompressor on its own goroutine.
//
// It never decides whether the archive is good: the caller commits the
// staging directory only once the download's checksum matched, and removes
// it otherwise. Any failure of the stream (a restarted download, an error
// of the unpacker) is reported by [StreamUnpack.Wait]; the caller then
// empties the staging directory and unpacks the finished, verified file
// with [Unpack], which gives the definitive error if there is one.
type StreamUnpack struct {
	ch     chan []byte
	pool   sync.Pool
	done   chan struct{} // closed when the unpacker has returned
	err    error         // the unpacker's result, set before done closes
	failed atomic.Bool   // the unpacker stopped: Write refuses bytes

	// mu is held for reading by a Write while it queues, and for writing
	// by Close: a queue is never written after it is closed.
	mu     sync.RWMutex
	closed bool
	cause  error // why the input ended early (nil: it was complete)
}

// StreamFormat reports whether an archive named name (a download name) can
// be unpacked while it downloads: a tar, compressed or not, recognised by
// its name. Zip archives need the whole file (their directory is at the
// end), and single files are unpacked from the file.
func StreamFormat(name string) bool {
	return strings.HasPrefix(formatFromName(baseName(name)), formatTar)
}

// baseName is the file name Unpack detects formats from.
func baseName(name string) string {
	return filepath.Base(filepath.FromSlash(strings.ReplaceAll(name, `\`, "/")))
}

// StartStreamUnpack starts unpacking into destDir (a fresh staging
// directory) the archive whose bytes will be written to the returned
// StreamUnpack, with the options and the checks of [Unpack]. opts.Name
// must pass [StreamFormat].
func StartStreamUnpack(ctx context.Context, destDir string, opts UnpackOptions) (*StreamUnpack, error) {
	name := baseName(opts.Name)
	format := formatFromName(name)
	if !strings.HasPrefix(format, formatTar) {
		return nil, fmt.Errorf("archive %s: not a tar archive; it cannot be unpacked while it downloads", name)
	}
	dest, err := filepath.Abs(destDir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return nil, err
	}
	s := &StreamUnpack{ch: make(chan []byte, streamChunks), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		r := &ctxReader{ctx: ctx, r: &chunkReader{s: s}}
		err := unpackTar(ctx, r, format, name, dest, opts)
		if err == nil {
			// A tar ends before its padding, a compressed stream may
			// carry trailing bytes: read to the end, so the download
			// never blocks on a full queue and a stream cut short is
			// seen.
			_, err = io.Copy(io.Discard, r)
		}
		if err != nil {
			s.err = err
			s.failed.Store(true)
			for range s.ch { // release a blocked Write, until Close
			}
		}
	}()
	return s, nil
}

// Write queues a copy of p for the unpacker. It fails once the unpacker
// has failed (the downloader then stops writing to it).
func (s *StreamUnpack) Write(p []byte) (int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed || s.failed.Load() {
		return 0, errStopped
	}
	var c []byte
	if v, ok := s.pool.Get().(*[]byte); ok && cap(*v) >= len(p) {
		c = (*v)[:len(p)]
	} else {
		c = make([]byte, len(p), max(len(p), 128<<10))
	}
	copy(c, p)
	s.ch <- c // the unpacker, failed or not, receives until Close
	return len(p), nil
}

var errStopped = errors.New("the streamed unpack stopped")

// Close ends the input: cause nil means every byte of the file was
// written; otherwise the unpack fails with cause (see [ErrRestarted]).
// Calls after the first do nothing.
func (s *StreamUnpack) Close(cause error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.closed, s.cause = true, cause
	close(s.ch)
}

// Wait closes the input if the writer did not (as incomplete) and returns
// the unpack's result: nil when the whole archive was unpacked.
func (s *StreamUnpack) Wait() error {
	s.Close(errors.New("the download ended early"))
	<-s.done
	return s.err
}

// chunkReader reads the queued chunks of a StreamUnpack in order.
type chunkReader struct {
	s   *StreamUnpack
	cur []byte
	buf *[]byte
}

func (r *chunkReader) Read(p []byte) (int, error) {
	for len(r.cur) == 0 {
		if r.buf != nil {
			r.s.pool.Put(r.buf)
			r.buf = nil
		}
		c, ok := <-r.s.ch
		if !ok {
			r.s.mu.RLock()
			cause := r.s.cause
			r.s.mu.RUnlock()
			if cause != nil {
				return 0, cause
			}
			return 0, io.EOF
		}
		r.cur, r.buf = c, &c
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}
