package install

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
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
	"time"

	"github.com/vbauerster/mpb/v8"
)

// Default download settings.
const (
	DefaultRetries     = 3
	DefaultBackoff     = 500 * time.Millisecond
	DefaultIdleTimeout = 60 * time.Second
	maxBackoff         = 15 * time.Second
)

// Downloader fetches files over HTTP(S) with retries, resume and hashing.
// The zero value is ready to use. A Downloader may be used by several
// goroutines at once as long as their destinations differ.
type Downloader struct {
	// Client sends the requests; nil means a client with the default
	// transport. Its Timeout, if set, bounds each attempt; prefer the
	// context and IdleTimeout for large files.
	Client *http.Client
	// Retries is how many times a failed attempt is retried (network
	// errors, 5xx, 408, 429, stalls, short bodies). 0 means DefaultRetries;
	// a negative value disables retries. 4xx answers are never retried.
	Retries int
	// Backoff is the wait before the first retry, doubled for each further
	// one up to 15s, with ±20% jitter. 0 means DefaultBackoff. A Retry-After
	// header (seconds) on 429 and 503 answers lengthens the wait.
	Backoff time.Duration
	// IdleTimeout aborts and retries an attempt when no data arrives for this
	// long. 0 means DefaultIdleTimeout.
	IdleTimeout time.Duration
	// Progress receives progress output; nil is silent. A terminal gets a
	// progress bar; any other writer gets one line per download and retry.
	Progress io.Writer
	// Bars, if set, is the container the progress bar is added to, so that
	// parallel downloads share one display; the caller waits on it. It takes
	// precedence over Progress for the bar.
	Bars *mpb.Progress
	// UserAgent is sent as User-Agent when set.
	UserAgent string

	// openFile opens the .part file; nil means os.OpenFile. Tests inject
	// failures through it.
	openFile func(name string, flag int, perm fs.FileMode) (*os.File, error)
}

// DownloadResult describes a completed download.
type DownloadResult struct {
	// URL is the URL that was downloaded.
	URL string
	// Path is the destination file.
	Path string
	// Size is the file's size in bytes.
	Size int64
	// SHA256 and SHA512 are the lowercase hex digests of the file.
	SHA256, SHA512 string
}

// Checksum returns the digest of the result for algo ("sha256" or
// "sha512") as a Checksum.
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

// errStalled is the cancellation cause of an attempt that stopped receiving.
var errStalled = errors.New("stalled")

// download is the state of one Download across its attempts.
type download struct {
	d        *Downloader
	url      string
	headers  map[string]string
	part     string
	f        *os.File
	have     int64 // bytes in f
	h256     hash.Hash
	h512     hash.Hash
	progress *progress
}

// Download fetches url into dest. It streams into dest+".part", hashing
// (sha256 and sha512) as it writes, and renames the part file to dest only
// when the whole body arrived, was fsynced and matched Content-Length; dest
// never holds a partial file. A failed attempt is retried with backoff and
// resumes the part file with a Range request: a 206 answer continues it
// (after re-hashing what is on disk), a 200 restarts it. A part file left by
// an earlier process is not trusted and is discarded. On failure the part
// file is removed.
//
// headers are added to every request. Errors start with "download <url>:"
// and say what happened: the HTTP status (*[HTTPStatusError]), the network
// error (wrapped, so errors.Is(err, syscall.ECONNREFUSED) works), a stall, a
// short body, or the local write that failed.
func (d *Downloader) Download(ctx context.Context, rawURL string, headers map[string]string, dest string) (DownloadResult, error) {
	fail := func(err error) (DownloadResult, error) {
		return DownloadResult{}, fmt.Errorf("download %s: %w", rawURL, err)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return fail(err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fail(fmt.Errorf("unsupported URL scheme %q (want http or https)", u.Scheme))
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return fail(err)
	}
	part := dest + ".part"
	if err := os.Remove(part); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fail(fmt.Errorf("remove stale %s: %w", part, err))
	}
	open := d.openFile
	if open == nil {
		open = os.OpenFile
	}
	f, err := open(part, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fail(err)
	}
	dl := &download{
		d: d, url: rawURL, headers: headers, part: part, f: f,
		h256: sha256.New(), h512: sha512.New(),
		progress: d.newProgress(rawURL),
	}
	res, err := dl.run(ctx, dest)
	if err != nil {
		_ = f.Close()
		_ = os.Remove(part)
		dl.progress.finish(false)
		return fail(err)
	}
	dl.progress.finish(true)
	return res, nil
}

func (dl *download) run(ctx context.Context, dest string) (DownloadResult, error) {
	retries := dl.d.Retries
	switch {
	case retries == 0:
		retries = DefaultRetries
	case retries < 0:
		retries = 0
	}
	for attempt := 0; ; attempt++ {
		err := dl.attempt(ctx)
		if err == nil {
			break
		}
		var r *retryable
		if !errors.As(err, &r) || attempt >= retries || ctx.Err() != nil {
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
	if err := dl.f.Sync(); err != nil {
		return DownloadResult{}, fmt.Errorf("sync %s: %w", dl.part, err)
	}
	if err := dl.f.Close(); err != nil {
		return DownloadResult{}, fmt.Errorf("close %s: %w", dl.part, err)
	}
	if err := os.Rename(dl.part, dest); err != nil {
		return DownloadResult{}, err
	}
	return DownloadResult{
		URL: dl.url, Path: dest, Size: dl.have,
		SHA256: hex.EncodeToString(dl.h256.Sum(nil)),
		SHA512: hex.EncodeToString(dl.h512.Sum(nil)),
	}, nil
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

// restart empties the part file and the hashes.
func (dl *download) restart() error {
	dl.have = 0
	dl.h256.Reset()
	dl.h512.Reset()
	if err := dl.f.Truncate(0); err != nil {
		return fmt.Errorf("truncate %s: %w", dl.part, err)
	}
	if _, err := dl.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("seek %s: %w", dl.part, err)
	}
	dl.progress.set(0)
	return nil
}

// rehash recomputes the hashes from the part file, whose first dl.have bytes
// are kept, and positions the file at its end.
func (dl *download) rehash() error {
	dl.h256.Reset()
	dl.h512.Reset()
	if _, err := dl.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("seek %s: %w", dl.part, err)
	}
	n, err := io.CopyN(io.MultiWriter(dl.h256, dl.h512), dl.f, dl.have)
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

// attempt makes one request and appends its body to the part file.
func (dl *download) attempt(ctx context.Context) error {
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	req, err := http.NewRequestWithContext(actx, http.MethodGet, dl.url, nil)
	if err != nil {
		return err
	}
	for k, v := range dl.headers {
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
	}
	client := dl.d.Client
	if client == nil {
		client = &http.Client{}
	}

	idle := dl.d.IdleTimeout
	if idle <= 0 {
		idle = DefaultIdleTimeout
	}
	watchdog := time.AfterFunc(idle, func() { cancel(errStalled) })
	defer watchdog.Stop()

	resp, err := client.Do(req)
	if err != nil {
		return classify(ctx, actx, err)
	}
	defer resp.Body.Close()

	expected := int64(-1)
	switch {
	case resp.StatusCode == http.StatusPartialContent && resuming:
		start, total, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok || start != dl.have {
			// Not the range asked for: start over on the next attempt.
			if err := dl.restart(); err != nil {
				return err
			}
			return &retryable{err: fmt.Errorf("server answered Range bytes=%d- with Content-Range %q", dl.have, resp.Header.Get("Content-Range"))}
		}
		if err := dl.rehash(); err != nil {
			return err
		}
		switch {
		case total >= 0:
			expected = total
		case resp.ContentLength >= 0:
			expected = dl.have + resp.ContentLength
		}
	case resp.StatusCode == http.StatusOK:
		if resuming {
			// The server ignored the Range header: take the whole body.
			if err := dl.restart(); err != nil {
				return err
			}
		}
		expected = resp.ContentLength
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable && resuming:
		_, total, _ := parseContentRange(resp.Header.Get("Content-Range"))
		if total == dl.have {
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

	dl.progress.start(expected, dl.have)
	buf := make([]byte, 128<<10)
	for {
		n, rerr := resp.Body.Read(buf)
		if n > 0 {
			watchdog.Reset(idle)
			if _, err := dl.f.Write(buf[:n]); err != nil {
				return fmt.Errorf("write %s: %w", dl.part, bareErr(err))
			}
			dl.h256.Write(buf[:n])
			dl.h512.Write(buf[:n])
			dl.have += int64(n)
			dl.progress.add(n)
			if expected >= 0 && dl.have > expected {
				if err := dl.restart(); err != nil {
					return err
				}
				return &retryable{err: fmt.Errorf("body longer than the expected %d bytes", expected)}
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			if errors.Is(context.Cause(actx), errStalled) {
				return &retryable{err: fmt.Errorf("stalled: no data for %v after %d bytes", idle, dl.have)}
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return &retryable{err: fmt.Errorf("reading body after %d bytes: %w", dl.have, rerr)}
		}
	}
	if expected >= 0 && dl.have != expected {
		return &retryable{err: fmt.Errorf("short body: got %d of %d bytes", dl.have, expected)}
	}
	return nil
}

// statusOnly wraps an HTTPStatusError so that the "download <url>:" prefix,
// which Download adds to every error, is not repeated; errors.As still finds
// the *HTTPStatusError.
type statusOnly struct{ e *HTTPStatusError }

func (s statusOnly) Error() string { return s.e.Status }
func (s statusOnly) Unwrap() error { return s.e }

// classify turns a client.Do error into what the user should see, marked
// retryable when another attempt may succeed.
func classify(ctx, actx context.Context, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if ctx.Err() != nil {
		return err // the caller's context ended
	}
	if errors.Is(context.Cause(actx), errStalled) {
		return &retryable{err: errors.New("stalled: no response")}
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr):
		return err
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return err
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
