// Package httpx builds the HTTP client behind every request tote makes:
// tool downloads, checksum files, plugin and extension fetches, version
// lists and plugins' send_request. Its transport bounds each request in
// three ways, so that no server can hold tote indefinitely:
//
//   - connecting (TCP and TLS) must finish within [Limits.ConnectTimeout];
//   - the response headers must arrive within [Limits.ResponseTimeout] of
//     the request being sent;
//   - while the body is read, every sliding window of [Limits.Window] must
//     deliver at least [Limits.MinBytes] (a server dripping one byte a
//     second fails, however long it keeps going).
//
// A request that breaks a limit fails with a *[LimitError] naming the URL,
// the limit and the setting that changes it. Network failures (refused,
// unreachable, DNS, timeouts) are wrapped in a *[NetworkError] whose Hint
// points at url-rewrites and TOTE_OFFLINE.
//
// The limits come from [settings.http] (connect-timeout, response-timeout,
// min-throughput) and the TOTE_HTTP_* environment variables; see
// docs/config.md.
package httpx

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync"
	"syscall"
	"time"
)

// Default limits: generous for a slow link, short enough that a dead or
// hostile server is noticed in well under a minute.
const (
	DefaultConnectTimeout  = 15 * time.Second
	DefaultResponseTimeout = 30 * time.Second
	DefaultMinBytes        = 16 << 10
	DefaultWindow          = 30 * time.Second
)

// Limits bound each request. A zero field means its default.
type Limits struct {
	// ConnectTimeout bounds the TCP connection and the TLS handshake
	// (settings.http.connect-timeout, TOTE_HTTP_CONNECT_TIMEOUT).
	ConnectTimeout time.Duration
	// ResponseTimeout bounds the wait from sending a request to receiving
	// the response headers (settings.http.response-timeout,
	// TOTE_HTTP_RESPONSE_TIMEOUT).
	ResponseTimeout time.Duration
	// MinBytes must arrive in every Window while a body is read
	// (settings.http.min-throughput = "16KiB/30s",
	// TOTE_HTTP_MIN_THROUGHPUT).
	MinBytes int64
	// Window is the sliding window of the throughput rule.
	Window time.Duration
}

// WithDefaults returns l with every zero field set to its default.
func (l Limits) WithDefaults() Limits {
	if l.ConnectTimeout <= 0 {
		l.ConnectTimeout = DefaultConnectTimeout
	}
	if l.ResponseTimeout <= 0 {
		l.ResponseTimeout = DefaultResponseTimeout
	}
	if l.MinBytes <= 0 {
		l.MinBytes = DefaultMinBytes
	}
	if l.Window <= 0 {
		l.Window = DefaultWindow
	}
	return l
}

// NewClient returns a client whose transport enforces l (see
// [NewTransport]). It has no overall Timeout: a large download on a good
// link may take as long as it needs.
func NewClient(l Limits) *http.Client {
	return &http.Client{Transport: NewTransport(l)}
}

// NewTransport returns a RoundTripper that enforces l on every request, on
// top of a transport configured like http.DefaultTransport (proxies from
// the environment, HTTP/2, connection reuse).
func NewTransport(l Limits) *Transport {
	l = l.WithDefaults()
	base := http.DefaultTransport.(*http.Transport).Clone()
	dialer := &net.Dialer{Timeout: l.ConnectTimeout, KeepAlive: 30 * time.Second}
	base.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialer.DialContext(ctx, network, addr)
		var ne net.Error
		if err != nil && errors.As(err, &ne) && ne.Timeout() && ctx.Err() == nil {
			return nil, &LimitError{Limit: "connect-timeout", Value: l.ConnectTimeout.String(),
				What: fmt.Sprintf("no connection to %s within %v", addr, l.ConnectTimeout)}
		}
		return c, err
	}
	base.TLSHandshakeTimeout = l.ConnectTimeout
	return &Transport{Base: base, Limits: l}
}

// Transport enforces [Limits] around another RoundTripper.
type Transport struct {
	// Base sends the requests.
	Base http.RoundTripper
	// Limits are the bounds; zero fields mean the defaults.
	Limits Limits
}

// LimitError is a request stopped by one of the [Limits].
type LimitError struct {
	// URL is the request's URL (set once the error leaves the transport).
	URL string
	// Limit is the setting's name: connect-timeout, response-timeout or
	// min-throughput.
	Limit string
	// Value is the limit as configured, such as "30s" or "16KiB/30s".
	Value string
	// What says what happened.
	What string
}

// Error returns the message. It does not repeat the URL, which the
// callers' messages ("download <url>: …", net/http's "Get <url>: …") name.
func (e *LimitError) Error() string {
	return fmt.Sprintf("%s (limit: %s = %s)", e.What, e.Limit, e.Value)
}

// Timeout reports true: every limit is a kind of timeout, which lets
// callers that retry timeouts treat it as one.
func (e *LimitError) Timeout() bool { return true }

// Hint says how to change the limit.
func (e *LimitError) Hint() string {
	return fmt.Sprintf("the server is too slow or not answering; if it is only slow, raise %s under [settings.http] or set %s", e.Limit, EnvVar(e.Limit))
}

// EnvVar returns the environment variable of a limit, such as
// TOTE_HTTP_CONNECT_TIMEOUT for "connect-timeout".
func EnvVar(limit string) string {
	b := []byte("TOTE_HTTP_")
	for _, c := range limit {
		switch {
		case c == '-':
			b = append(b, '_')
		case c >= 'a' && c <= 'z':
			b = append(b, byte(c-'a'+'A'))
		default:
			b = append(b, byte(c))
		}
	}
	return string(b)
}

// RoundTrip sends req under the limits. The response body, when there is
// one, enforces the throughput rule as it is read; a body that breaks it
// fails its Read with a *LimitError.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	l := t.Limits.WithDefaults()
	ctx, cancel := context.WithCancelCause(req.Context())
	u := redact(req.URL)
	// The response timer starts once the request is written, so that
	// connecting (bounded by ConnectTimeout) does not count against it.
	headerTimer := time.AfterFunc(time.Hour, func() {
		cancel(&LimitError{URL: u, Limit: "response-timeout", Value: l.ResponseTimeout.String(),
			What: fmt.Sprintf("no response within %v of sending the request", l.ResponseTimeout)})
	})
	headerTimer.Stop()
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { headerTimer.Reset(l.ResponseTimeout) },
	})
	resp, err := t.Base.RoundTrip(req.WithContext(ctx))
	headerTimer.Stop()
	if err != nil {
		err = causeOr(ctx, err)
		var le *LimitError
		var ne net.Error
		switch {
		case errors.As(err, &le):
		case req.Context().Err() == nil && errors.As(err, &ne) && ne.Timeout():
			// Not ours and not the caller's: the TLS handshake's
			// timeout, which is ConnectTimeout.
			err = &LimitError{Limit: "connect-timeout", Value: l.ConnectTimeout.String(),
				What: fmt.Sprintf("no connection to %s within %v (%v)", req.URL.Host, l.ConnectTimeout, err)}
		}
		if errors.As(err, &le) && le.URL == "" {
			le.URL = u
		}
		cancel(nil)
		return nil, err
	}
	if ctx.Err() != nil {
		// The timer fired just as the headers arrived: honour it.
		resp.Body.Close()
		err := causeOr(ctx, ctx.Err())
		cancel(nil)
		return nil, err
	}
	resp.Body = newMeteredBody(resp.Body, ctx, cancel, u, l)
	return resp, nil
}

// causeOr returns the cancellation cause of ctx when it is one of ours,
// else err.
func causeOr(ctx context.Context, err error) error {
	var le *LimitError
	if c := context.Cause(ctx); c != nil && errors.As(c, &le) {
		return le
	}
	return err
}

// redact drops a URL's password from messages.
func redact(u *url.URL) string {
	if u == nil {
		return ""
	}
	return u.Redacted()
}

// slotsPerWindow is how finely the throughput window slides.
const slotsPerWindow = 4

// meteredBody enforces the throughput rule on a response body: a timer
// samples the bytes read every Window/slotsPerWindow and cancels the
// request when the last Window delivered fewer than MinBytes.
type meteredBody struct {
	rc     io.ReadCloser
	ctx    context.Context
	cancel context.CancelCauseFunc
	url    string
	l      Limits

	mu      sync.Mutex
	n       int64   // bytes read so far
	samples []int64 // n at each past tick, newest last (at most slotsPerWindow)
	timer   *time.Timer
	done    bool
}

func newMeteredBody(rc io.ReadCloser, ctx context.Context, cancel context.CancelCauseFunc, u string, l Limits) *meteredBody {
	b := &meteredBody{rc: rc, ctx: ctx, cancel: cancel, url: u, l: l, samples: []int64{0}}
	b.timer = time.AfterFunc(l.Window/slotsPerWindow, b.tick)
	return b
}

func (b *meteredBody) tick() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return
	}
	b.samples = append(b.samples, b.n)
	if len(b.samples) > slotsPerWindow {
		// samples[0] is n one whole window ago.
		b.samples = b.samples[len(b.samples)-slotsPerWindow-1:]
		if got := b.n - b.samples[0]; got < b.l.MinBytes {
			b.done = true
			b.cancel(&LimitError{URL: b.url, Limit: "min-throughput", Value: FormatThroughput(b.l.MinBytes, b.l.Window),
				What: fmt.Sprintf("too slow: %s in the last %v after %s in all", formatBytes(got), b.l.Window, formatBytes(b.n))})
			return
		}
		b.samples = b.samples[1:]
	}
	b.timer.Reset(b.l.Window / slotsPerWindow)
}

// Read reads from the body, counting bytes; once the rule is broken it
// returns the *LimitError.
func (b *meteredBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.mu.Lock()
	b.n += int64(n)
	if err == io.EOF {
		b.stopLocked()
	}
	b.mu.Unlock()
	if err != nil && err != io.EOF {
		err = causeOr(b.ctx, err)
	}
	return n, err
}

func (b *meteredBody) stopLocked() {
	if !b.done {
		b.done = true
		b.timer.Stop()
	}
}

// Close closes the body and releases the request's context.
func (b *meteredBody) Close() error {
	b.mu.Lock()
	b.stopLocked()
	b.mu.Unlock()
	err := b.rc.Close()
	b.cancel(nil)
	return err
}

// NetworkError is a request that failed for a reason of the network: the
// host could not be resolved or reached, the connection was refused or cut,
// or a limit was hit. Its Hint points at mirrors and offline mode.
type NetworkError struct {
	// URL is the request's URL.
	URL string
	// Err is the cause.
	Err error
}

// Error returns the message.
func (e *NetworkError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *NetworkError) Unwrap() error { return e.Err }

// Hint says what to do when the network, or the host, is out of reach.
func (e *NetworkError) Hint() string {
	var le *LimitError
	if errors.As(e.Err, &le) {
		return le.Hint()
	}
	return "check the network; to use a mirror, map the URL with [settings.url-rewrites] or name an OCI registry mirror in [settings] mirrors (docs/mirrors.md); to work with installed tools and cached data only, set TOTE_OFFLINE=1"
}

// IsNetwork reports whether err is a failure of the network rather than an
// answer of the server: DNS, refused or reset connections, unreachable
// hosts, timeouts (including a *LimitError), TLS handshakes.
func IsNetwork(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var le *LimitError
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var ne net.Error
	var tlsErr tls.RecordHeaderError
	switch {
	case errors.As(err, &le), errors.As(err, &dnsErr), errors.As(err, &opErr), errors.As(err, &tlsErr):
		return true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	case errors.As(err, &ne) && ne.Timeout():
		return true
	}
	return false
}

// WrapNetwork returns err as a *NetworkError for u when it is a network
// failure (see [IsNetwork]) and not one already, else err unchanged.
func WrapNetwork(u string, err error) error {
	var already *NetworkError
	if !IsNetwork(err) || errors.As(err, &already) {
		return err
	}
	return &NetworkError{URL: u, Err: err}
}

// FormatThroughput writes a throughput rule the way min-throughput is
// configured, such as "16KiB/30s".
func FormatThroughput(minBytes int64, window time.Duration) string {
	return formatBytes(minBytes) + "/" + window.String()
}

// formatBytes writes n with a binary unit, exactly when it is a multiple
// ("16KiB"), else with one decimal ("1.5MiB").
func formatBytes(n int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	i, v := 0, float64(n)
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d%s", int64(v), units[i])
	}
	return fmt.Sprintf("%.1f%s", v, units[i])
}

// FromSettings turns the limits of [settings.http] (as merged by package
// config, environment included) into Limits; zero fields keep the defaults.
func FromSettings(connect, response time.Duration, minBytes int64, window time.Duration) Limits {
	return Limits{ConnectTimeout: connect, ResponseTimeout: response, MinBytes: minBytes, Window: window}
}
