package install

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"

	"github.com/tote-dev/tote/internal/httpx"
	"github.com/tote-dev/tote/internal/store"
)

// Default download settings.
const (
	DefaultRetries = 3
	DefaultBackoff = 500 * time.Millisecond
	maxBackoff     = 15 * time.Second
	// limitRetries is how often an attempt stopped by a limit of package
	// httpx (too slow, no answer) is retried: once, since a server that
	// was too slow twice is not going to get better.
	limitRetries = 1
)

// Downloader fetches files over HTTP(S) with retries, resume and hashing.
// The zero value is ready to use. A Downloader may be used by several
// goroutines at once as long as their destinations differ.
type Downloader struct {
	// Client sends the requests; nil means an httpx client with the
	// default limits (connect and response timeouts, a minimum
	// throughput). With a client of its own, the caller bounds stalls.
	Client *http.Client
	// Retries is how many times a failed attempt is retried (network
	// errors, 5xx, 408, 429, short bodies; a limit of package httpx at
	// most once). 0 means DefaultRetries; a negative value disables
	// retries. 4xx answers are never retried.
	Retries int
	// Backoff is the wait before the first retry, doubled for each further
	// one up to 15s, with ±20% jitter. 0 means DefaultBackoff. A Retry-After
	// header (seconds) on 429 and 503 answers lengthens the wait.
	Backoff time.Duration
	// Progress receives progress output; nil is silent. A terminal gets a
	// progress bar; any other writer gets one line per download and retry.
	Progress io.Writer
	// Bars, if set, is the container the progress bar is added to, so that
	// parallel downloads share one display; the caller waits on it. It takes
	// precedence over Progress for the bar.
	Bars *mpb.Progress
	// Label names the download in the progress display (default: the
	// URL's file name), such as "node 20.11.1".
	Label string
	// Task, when set, keeps the download's bar after its bytes arrived, for
	// the phases the caller shows on it (see [Task]).
	Task *Task
	// ReportEvery is how often a download without a terminal prints how
	// far it got; 0 means DefaultReportEvery.
	ReportEvery time.Duration
	// UserAgent is sent as User-Agent when set.
	UserAgent string

	// openFile opens the .part file; nil means os.OpenFile. Tests inject
	// failures through it.
	openFile func(name string, flag int, perm fs.FileMode) (*os.File, error)
}

// Request is one file to download.
type Request struct {
	// URL is fetched with GET (http or https).
	URL string
	// Headers are added to every request.
	Headers map[string]string
	// Dest is the destination file.
	Dest string
	// Want, when its Algo is sha256 or sha512, is the checksum the file
	// must have: it is compared with the digest computed while the bytes
	// arrive (the file is read once, never hashed again), and a difference
	// fails the download with a *[ChecksumMismatchError] naming the URL;
	// nothing is left at Dest and no partial file is kept.
	Want Checksum
	// MaxSize, when positive, bounds the file: a larger one fails
	// (Content-Length is checked before any byte is written).
	MaxSize int64
	// MaxSizeSetting names the setting of MaxSize in its error.
	MaxSizeSetting string
	// Tee, when set, is given the file's bytes in order, each once, while
	// they arrive (a resumed part file's kept bytes first, read back from
	// it), so that a consumer such as [StreamUnpack] works alongside the
	// download. When the download has to start over after Tee was given
	// bytes, Tee is closed with [ErrRestarted] and given no more. A failing
	// Write stops the teeing, not the download. Get closes Tee when it
	// returns: with nil once the file is complete and matched Want, else
	// with the error.
	Tee Tee
}

// Tee receives a download's bytes; see [Request.Tee].
type Tee interface {
	io.Writer
	// Close ends the bytes: cause is nil when the file was complete.
	Close(cause error)
}

// DownloadResult describes a completed download.
type DownloadResult struct {
	// URL is the URL that was downloaded.
	URL string
	// Path is the destination file.
	Path string
	// Size is the file's size in bytes.
	Size int64
	// SHA256 is the lowercase hex digest of the file, computed in flight.
	SHA256 string
	// SHA512 is computed too when the Request wanted a sha512 checksum;
	// else it is empty.
	SHA512 string
	// Resumed is the number of bytes kept from a partial download left by
	// an earlier attempt or process.
	Resumed int64
}

// Checksum returns the digest of the result for algo ("sha256" or
// "sha512") as a Checksum (with an empty Value when it was not computed).
func (r DownloadResult) Checksum(algo string) Checksum {
	if algo == AlgoSHA512 {
		return Checksum{Algo: AlgoSHA512, Value: r.SHA512}
	}
	return Checksum{Algo: AlgoSHA256, Value: r.SHA256}
}

// HTTPStatusError is a download answered with an unexpected status.
type HTTPStatusError struct {
	// URL is the requested URL.
	URL string
	// StatusCode is the HTTP status code, Status its text ("404 Not Found").
	StatusCode int
	Status     string
}

// Error returns the message.
func (e *HTTPStatusError) Error() string {
	return fmt.Sprintf("download %s: %s", e.URL, e.Status)
}

// retryable marks an attempt's error as worth another attempt.
type retryable struct {
	err   error
	after time.Duration // server-requested wait (Retry-After), if any
}

func (r *retryable) Error() string { return r.err.Error() }
func (r *retryable) Unwrap() error { return r.err }

// partMeta is what a .part file's sidecar (.part.json) records about the
// response it holds, so that a later process may resume it: the validators
// prove that the bytes on disk are a prefix of the same file.
type partMeta struct {
	URL          string `json:"url"`
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	// Size is the whole file's size (-1 when the server did not say).
	Size int64 `json:"size"`
}

// resumable reports whether a later request can check that the file did not
// change: a strong ETag or a Last-Modified date.
func (m partMeta) resumable() bool {
	return (m.ETag != "" && !strings.HasPrefix(m.ETag, "W/")) || m.LastModified != ""
}

// ifRange is the If-Range value that makes a server send the rest of this
// file only if it is unchanged.
func (m partMeta) ifRange() string {
	if m.ETag != "" && !strings.HasPrefix(m.ETag, "W/") {
		return m.ETag
	}
	return m.LastModified
}

// download is the state of one Download across its attempts.
type download struct {
	d        *Downloader
	req      Request
	url      string
	part     string
	metaPath string
	meta     partMeta // of the response whose bytes are in the part file
	f        *os.File
	have     int64 // bytes in f
	h256     hash.Hash
	h512     hash.Hash // nil unless a sha512 checksum is wanted
	resumed  int64
	progress *progress
	tee      Tee   // nil once the teeing stopped
	teed     int64 // bytes given to tee
}

// Download fetches url into dest; see [Downloader.Get].
func (d *Downloader) Download(ctx context.Context, rawURL string, headers map[string]string, dest string) (DownloadResult, error) {
	return d.Get(ctx, Request{URL: rawURL, Headers: headers, Dest: dest})
}

// Get fetches r.URL into r.Dest. It streams into Dest+".part", hashing as
// it writes, and renames the part file to Dest only when the whole body
// arrived, matched Content-Length and r.Want, and was fsynced: Dest never
// holds a partial or unverified file.
//
// A failed attempt is retried with backoff and resumes the part file with a
// Range request. A part file left by an earlier process (killed, or
// interrupted) is resumed too when its sidecar Dest+".part.json" shows the
// same URL and a validator (a strong ETag or Last-Modified): the request
// carries If-Range, so a changed file comes back whole (200) and the
// download restarts; a 206 whose validators, start or total size differ
// restarts it as well. The bytes kept are re-read once to continue the
// hash. When a failure leaves a resumable part file (a network error, a
// cancellation) it is kept for the next attempt; any other failure removes
// it.
//
// Headers are added to every request. Errors start with "download <url>:"
// and say what happened: the HTTP status (*[HTTPStatusError]), the network
// error (wrapped, so errors.Is(err, syscall.ECONNREFUSED) works, and in a
// *httpx.NetworkError whose hint names mirrors and TOTE_OFFLINE), a limit,
// a short body, a checksum mismatch, or the local write that failed.
func (d *Downloader) Get(ctx context.Context, r Request) (_ DownloadResult, err error) {
	rawURL, dest := r.URL, r.Dest
	fail := func(err error) (DownloadResult, error) {
		var mm *ChecksumMismatchError
		if errors.As(err, &mm) {
			return DownloadResult{}, err // it names the URL
		}
		return DownloadResult{}, httpx.WrapNetwork(rawURL, fmt.Errorf("download %s: %w", rawURL, err))
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return fail(err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fail(fmt.Errorf("unsupported URL scheme %q (want http or https)", u.Scheme))
	}
	switch r.Want.Algo {
	case "", AlgoSHA256, AlgoSHA512, AlgoMinisign:
	default:
		return fail(fmt.Errorf("unknown checksum algorithm %q", r.Want.Algo))
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return fail(err)
	}
	dl := &download{
		d: d, req: r, url: rawURL, part: dest + ".part", metaPath: dest + ".part.json",
		h256: sha256.New(), progress: d.newProgress(rawURL),
	}
	if r.Want.Algo == AlgoSHA512 {
		dl.h512 = sha512.New()
	}
	dl.tee = r.Tee
	if r.Tee != nil {
		defer func() { r.Tee.Close(err) }()
	}
	if err := dl.open(); err != nil {
		return fail(err)
	}
	res, err := dl.run(ctx, dest)
	if err != nil {
		_ = dl.f.Close()
		if !dl.keep(err) {
			_ = os.Remove(dl.part)
			_ = os.Remove(dl.metaPath)
		}
		dl.progress.finish(false)
		return fail(err)
	}
	dl.progress.finish(true)
	return res, nil
}

// open opens the part file: an earlier process's, to resume, when its
// sidecar allows it; else a new, empty one.
func (dl *download) open() error {
	open := dl.d.openFile
	if open == nil {
		open = os.OpenFile
	}
	if b, err := os.ReadFile(dl.metaPath); err == nil {
		var m partMeta
		if json.Unmarshal(b, &m) == nil && m.URL == dl.url && m.resumable() {
			if f, err := open(dl.part, os.O_RDWR, 0o644); err == nil {
				if fi, err := f.Stat(); err == nil && fi.Size() > 0 && (m.Size < 0 || fi.Size() <= m.Size) {
					dl.f, dl.meta, dl.have = f, m, fi.Size()
					return nil
				}
				f.Close()
			}
		}
	}
	for _, p := range []string{dl.part, dl.metaPath} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove stale %s: %w", p, err)
		}
	}
	f, err := open(dl.part, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	dl.f = f
	return nil
}

// keep reports whether a failed download's part file is worth resuming.
func (dl *download) keep(err error) bool {
	if dl.have == 0 || !dl.meta.resumable() {
		return false
	}
	var mm *ChecksumMismatchError
	var tooBig *TooLargeError
	var se *HTTPStatusError
	var pe *fs.PathError
	switch {
	case errors.As(err, &mm), errors.As(err, &tooBig), errors.As(err, &se), errors.As(err, &pe):
		return false
	}
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || httpx.IsNetwork(err) || isRetryable(err)
}

func isRetryable(err error) bool {
	var r *retryable
	return errors.As(err, &r)
}

// writeMeta records the response whose bytes the part file holds.
func (dl *download) writeMeta(resp *http.Response, size int64) {
	dl.meta = partMeta{URL: dl.url, ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"), Size: size}
	if !dl.meta.resumable() {
		_ = os.Remove(dl.metaPath)
		return
	}
	if b, err := json.Marshal(dl.meta); err == nil {
		_ = store.WriteFileAtomic(dl.metaPath, b, 0o644)
	}
}

// TooLargeError is a download larger than Request.MaxSize.
type TooLargeError struct {
	// Size is the announced or received size, Max the limit.
	Size, Max int64
	// Setting names the limit's setting, if any.
	Setting string
}

// Error returns the message.
func (e *TooLargeError) Error() string {
	s := fmt.Sprintf("the file is larger than the limit of %s (%d bytes or more)", formatBytes(e.Max), e.Size)
	if e.Setting != "" {
		s += "; raise " + e.Setting + " if it is expected"
	}
	return s
}

func (dl *download) run(ctx context.Context, dest string) (DownloadResult, error) {
	retries := dl.d.Retries
	switch {
	case retries == 0:
		retries = DefaultRetries
	case retries < 0:
		retries = 0
	}
	limitsHit := 0
	if dl.have > 0 {
		dl.progress.resume(dl.have)
	}
	for attempt := 0; ; attempt++ {
		err := dl.attempt(ctx)
		if err == nil {
			break
		}
		var r *retryable
		var le *httpx.LimitError
		if errors.As(err, &le) {
			limitsHit++
		}
		if !errors.As(err, &r) || attempt >= retries || ctx.Err() != nil || limitsHit > limitRetries {
			if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
				err = fmt.Errorf("%w (%w)", ctx.Err(), err)
			}
			if attempt > 0 {
				err = fmt.Errorf("%w (after %d attempts)", err, attempt+1)
			}
			return DownloadResult{}, err
		}
		wait := dl.d.backoff(attempt, r.after)
		dl.progress.retry(attempt+2, retries+1, err, wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return DownloadResult{}, fmt.Errorf("%w (while waiting to retry after: %w)", ctx.Err(), err)
		case <-t.C:
		}
	}
	if err := dl.catchUpTee(); err != nil {
		return DownloadResult{}, err
	}
	res := DownloadResult{URL: dl.url, Path: dest, Size: dl.have, SHA256: hex.EncodeToString(dl.h256.Sum(nil)), Resumed: dl.resumed}
	if dl.h512 != nil {
		res.SHA512 = hex.EncodeToString(dl.h512.Sum(nil))
	}
	if w := dl.req.Want; w.Algo == AlgoSHA256 || w.Algo == AlgoSHA512 {
		if err := VerifyDownload(res, w); err != nil {
			return DownloadResult{}, err
		}
	}
	if err := dl.f.Sync(); err != nil {
		return DownloadResult{}, fmt.Errorf("sync %s: %w", dl.part, err)
	}
	if err := dl.f.Close(); err != nil {
		return DownloadResult{}, fmt.Errorf("close %s: %w", dl.part, err)
	}
	if err := os.Rename(dl.part, dest); err != nil {
		return DownloadResult{}, err
	}
	_ = os.Remove(dl.metaPath)
	return res, nil
}

// backoff returns the wait before retry number attempt+1.
func (d *Downloader) backoff(attempt int, after time.Duration) time.Duration {
	base := d.Backoff
	if base <= 0 {
		base = DefaultBackoff
	}
	w := base << min(attempt, 16)
	if w > maxBackoff || w <= 0 {
		w = maxBackoff
	}
	w = time.Duration(float64(w) * (0.8 + 0.4*rand.Float64()))
	if after > w {
		w = min(after, time.Minute)
	}
	return w
}

// catchUpTee gives the tee the part file's bytes it has not had (those
// kept from an earlier attempt or process).
func (dl *download) catchUpTee() error {
	for dl.tee != nil && dl.teed < dl.have {
		buf := make([]byte, min(dl.have-dl.teed, 128<<10))
		n, err := dl.f.ReadAt(buf, dl.teed)
		if n == 0 && err != nil {
			return fmt.Errorf("re-read %s: %w", dl.part, err)
		}
		dl.teeWrite(buf[:n])
	}
	return nil
}

// teeWrite gives p, the bytes at offset dl.teed, to the tee.
func (dl *download) teeWrite(p []byte) {
	if dl.tee == nil {
		return
	}
	if _, err := dl.tee.Write(p); err != nil {
		dl.tee = nil // the consumer failed, and knows why
		return
	}
	dl.teed += int64(len(p))
}

// restart empties the part file and the hashes.
func (dl *download) restart() error {
	if dl.tee != nil && dl.teed > 0 {
		dl.tee.Close(ErrRestarted)
		dl.tee = nil
	}
	dl.teed = 0
	dl.have, dl.resumed = 0, 0
	dl.resetHashes()
	if err := dl.f.Truncate(0); err != nil {
		return fmt.Errorf("truncate %s: %w", dl.part, err)
	}
	if _, err := dl.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("seek %s: %w", dl.part, err)
	}
	dl.progress.set(0)
	return nil
}

func (dl *download) resetHashes() {
	dl.h256.Reset()
	if dl.h512 != nil {
		dl.h512.Reset()
	}
}

func (dl *download) hashWriter() io.Writer {
	if dl.h512 != nil {
		return io.MultiWriter(dl.h256, dl.h512)
	}
	return dl.h256
}

// rehash recomputes the hashes from the part file, whose first dl.have bytes
// are kept, and positions the file at its end.
func (dl *download) rehash() error {
	dl.resetHashes()
	if _, err := dl.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("seek %s: %w", dl.part, err)
	}
	n, err := io.CopyN(dl.hashWriter(), dl.f, dl.have)
	if err != nil {
		return fmt.Errorf("re-read %s (%d of %d bytes): %w", dl.part, n, dl.have, err)
	}
	if err := dl.f.Truncate(dl.have); err != nil {
		return fmt.Errorf("truncate %s: %w", dl.part, err)
	}
	if _, err := dl.f.Seek(dl.have, io.SeekStart); err != nil {
		return fmt.Errorf("seek %s: %w", dl.part, err)
	}
	return nil
}

// sameFile reports whether a 206 answer is part of the file the part file
// holds: its validators and total size agree with the sidecar's.
func (dl *download) sameFile(resp *http.Response, total int64) bool {
	m := dl.meta
	if m.ETag != "" && resp.Header.Get("ETag") != "" && resp.Header.Get("ETag") != m.ETag {
		return false
	}
	if m.LastModified != "" && resp.Header.Get("Last-Modified") != "" && resp.Header.Get("Last-Modified") != m.LastModified {
		return false
	}
	return m.Size < 0 || total < 0 || total == m.Size
}

// attempt makes one request and appends its body to the part file.
func (dl *download) attempt(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, dl.url, nil)
	if err != nil {
		return err
	}
	for k, v := range dl.req.Headers {
		req.Header.Set(k, v)
	}
	if dl.d.UserAgent != "" {
		req.Header.Set("User-Agent", dl.d.UserAgent)
	}
	// Ask for the bytes as stored: a transparently decompressed body
	// would have no usable length, and ranges would not line up.
	req.Header.Set("Accept-Encoding", "identity")
	resuming := dl.have > 0
	if resuming {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(dl.have, 10)+"-")
		if v := dl.meta.ifRange(); v != "" {
			req.Header.Set("If-Range", v)
		}
	}
	client := dl.d.Client
	if client == nil {
		client = defaultClient()
	}
	resp, err := client.Do(req)
	if err != nil {
		return classify(ctx, err)
	}
	defer resp.Body.Close()

	expected := int64(-1)
	switch {
	case resp.StatusCode == http.StatusPartialContent && resuming:
		start, total, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok || start != dl.have || !dl.sameFile(resp, total) {
			// Not the range asked for, or another file: start over.
			if err := dl.restart(); err != nil {
				return err
			}
			return &retryable{err: fmt.Errorf("server answered Range bytes=%d- with Content-Range %q", start, resp.Header.Get("Content-Range"))}
		}
		if err := dl.rehash(); err != nil {
			return err
		}
		dl.resumed = dl.have
		switch {
		case total >= 0:
			expected = total
		case resp.ContentLength >= 0:
			expected = dl.have + resp.ContentLength
		}
	case resp.StatusCode == http.StatusOK:
		if resuming {
			// The server ignored the Range header, or the file changed
			// (If-Range): take the whole body.
			if err := dl.restart(); err != nil {
				return err
			}
		}
		expected = resp.ContentLength
		dl.writeMeta(resp, expected)
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable && resuming:
		_, total, _ := parseContentRange(resp.Header.Get("Content-Range"))
		if total == dl.have && (dl.meta.Size < 0 || total == dl.meta.Size) {
			dl.resumed = dl.have
			return dl.rehash() // the part file was already complete
		}
		if err := dl.restart(); err != nil {
			return err
		}
		return &retryable{err: fmt.Errorf("%s for Range bytes=%d-", resp.Status, dl.have)}
	default:
		serr := &HTTPStatusError{URL: dl.url, StatusCode: resp.StatusCode, Status: resp.Status}
		code := resp.StatusCode
		if code >= 500 || code == http.StatusRequestTimeout || code == http.StatusTooManyRequests {
			return &retryable{err: statusOnly{serr}, after: retryAfter(resp.Header.Get("Retry-After"))}
		}
		return statusOnly{serr}
	}
	if maxSize := dl.req.MaxSize; maxSize > 0 && expected > maxSize {
		return &TooLargeError{Size: expected, Max: maxSize, Setting: dl.req.MaxSizeSetting}
	}

	dl.progress.start(expected, dl.have)
	if err := dl.catchUpTee(); err != nil {
		return err
	}
	hw := dl.hashWriter()
	buf := make([]byte, 128<<10)
	for {
		n, rerr := resp.Body.Read(buf)
		if n > 0 {
			if _, err := dl.f.Write(buf[:n]); err != nil {
				return fmt.Errorf("write %s: %w", dl.part, bareErr(err))
			}
			hw.Write(buf[:n])
			dl.teeWrite(buf[:n])
			dl.have += int64(n)
			dl.progress.add(n)
			if expected >= 0 && dl.have > expected {
				if err := dl.restart(); err != nil {
					return err
				}
				return &retryable{err: fmt.Errorf("body longer than the expected %d bytes", expected)}
			}
			if maxSize := dl.req.MaxSize; maxSize > 0 && dl.have > maxSize {
				return &TooLargeError{Size: dl.have, Max: maxSize, Setting: dl.req.MaxSizeSetting}
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			var le *httpx.LimitError
			if errors.As(rerr, &le) {
				return &retryable{err: fmt.Errorf("after %d bytes: %w", dl.have, le)}
			}
			return &retryable{err: fmt.Errorf("reading body after %d bytes: %w", dl.have, rerr)}
		}
	}
	if expected >= 0 && dl.have != expected {
		return &retryable{err: fmt.Errorf("short body: got %d of %d bytes", dl.have, expected)}
	}
	return nil
}

// defaultClient is the client of a Downloader without one, built on first
// use (a transport is not free to set up, and most commands never download).
var defaultClient = sync.OnceValue(func() *http.Client { return httpx.NewClient(httpx.Limits{}) })

// statusOnly wraps an HTTPStatusError so that the "download <url>:" prefix,
// which Download adds to every error, is not repeated; errors.As still finds
// the *HTTPStatusError.
type statusOnly struct{ e *HTTPStatusError }

func (s statusOnly) Error() string { return s.e.Status }
func (s statusOnly) Unwrap() error { return s.e }

// classify turns a client.Do error into what the user should see, marked
// retryable when another attempt may succeed.
func classify(ctx context.Context, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if ctx.Err() != nil {
		return err // the caller's context ended
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var dnsErr *net.DNSError
	var le *httpx.LimitError
	switch {
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr):
		return err
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return err
	case errors.As(err, &le):
		return &retryable{err: err}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		err = fmt.Errorf("timed out: %w", err)
	}
	return &retryable{err: err}
}

// parseContentRange reads "bytes <start>-<end>/<total>" and "bytes */<total>";
// total is -1 when "*".
func parseContentRange(s string) (start, total int64, ok bool) {
	rest, found := strings.CutPrefix(strings.TrimSpace(s), "bytes ")
	if !found {
		return 0, -1, false
	}
	rng, tot, found := strings.Cut(rest, "/")
	if !found {
		return 0, -1, false
	}
	total = -1
	if tot != "*" {
		t, err := strconv.ParseInt(tot, 10, 64)
		if err != nil || t < 0 {
			return 0, -1, false
		}
		total = t
	}
	if rng == "*" {
		return 0, total, true
	}
	a, _, found := strings.Cut(rng, "-")
	if !found {
		return 0, -1, false
	}
	start, err := strconv.ParseInt(a, 10, 64)
	if err != nil || start < 0 {
		return 0, -1, false
	}
	return start, total, true
}

// retryAfter reads a Retry-After header given in seconds.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	return 0
}

// bareErr drops the *fs.PathError around a file operation's error when the
// caller names the file itself.
func bareErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
