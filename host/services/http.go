package services

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/vpath"
)

// Response is the answer to Request: status, headers (one value each,
// lower-case names) and the body.
type Response struct {
	// Status is the HTTP status code.
	Status int
	// Headers are the response headers, joined with ", ", keys lower-case.
	Headers map[string]string
	// Body is the whole body (at most Limits.MaxBodyBytes).
	Body []byte
}

// CheckURL applies url-rewrites to raw, then requires http or https, a
// host, and a host on the allow-list; it returns the URL to fetch. A host
// off the list is a denied call (errors.Is(err, ErrDenied)).
func (s *Services) CheckURL(raw string) (*url.URL, error) {
	target := raw
	if s.rewrite != nil {
		target = s.rewrite(raw)
	}
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("invalid URL %q: %w", target, err)
	}
	if err := s.checkTarget(u); err != nil {
		return nil, err
	}
	return u, nil
}

// checkTarget is the policy every URL fetched obeys, redirects included.
func (s *Services) checkTarget(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("URL %q: only http and https are supported", u.Redacted())
	}
	if u.Hostname() == "" {
		return fmt.Errorf("URL %q has no host", u.Redacted())
	}
	if !s.HostAllowed(u.Hostname()) {
		return deny("plugin %q may not reach host %q (%s is not in its allowed hosts)", s.id, u.Hostname(), u.Redacted())
	}
	return nil
}

// HostAllowed reports whether host is on the plugin's allow-list.
func (s *Services) HostAllowed(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, a := range s.allowedHosts {
		a = strings.ToLower(a)
		switch {
		case a == "*" || a == host:
			return true
		case strings.HasPrefix(a, "*.") && strings.HasSuffix(host, a[1:]):
			return true
		}
	}
	return false
}

// guardedClient copies base (http.DefaultClient when nil) with a redirect
// policy that applies the allow-list and scheme check to every hop, refuses
// a downgrade from https to http, and bounds the number of hops; base's own
// CheckRedirect then runs as well.
func (s *Services) guardedClient(base *http.Client) *http.Client {
	if base == nil {
		base = http.DefaultClient
	}
	c := *base
	next := base.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= s.limits.MaxRedirects {
			return fmt.Errorf("stopped after %d redirects", len(via))
		}
		from, to := via[len(via)-1].URL, req.URL
		switch {
		case to.Scheme != "http" && to.Scheme != "https":
			return fmt.Errorf("%s redirected to %s: only http and https are supported", from.Redacted(), to.Redacted())
		case !s.HostAllowed(to.Hostname()):
			return deny("plugin %q may not reach host %q: %s redirected to %s, which is not in its allowed hosts", s.id, to.Hostname(), from.Redacted(), to.Redacted())
		case from.Scheme == "https" && to.Scheme == "http":
			return fmt.Errorf("%s redirected to %s: refusing to downgrade https to http", from.Redacted(), to.Redacted())
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
	return &c
}

// newRequest builds a request under ctx with the plugin's headers.
func newRequest(ctx context.Context, method string, u *url.URL, headers map[string]string) (*http.Request, error) {
	switch m := strings.ToUpper(method); m {
	case "", http.MethodGet:
		method = http.MethodGet
	case http.MethodPost, http.MethodHead:
		method = m
	default:
		return nil, fmt.Errorf("unsupported method %q", method)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("request %s: %w", u.Redacted(), err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return req, nil
}

// do sends req. A refused redirect is reported as the refusal itself;
// other errors name the method and URL.
func (s *Services) do(req *http.Request) (*http.Response, error) {
	s.logger.Debug("http request", "method", req.Method, "url", req.URL.Redacted())
	resp, err := s.client.Do(req)
	if err != nil {
		var d *deniedError
		if errors.As(err, &d) {
			return nil, d
		}
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Redacted(), err)
	}
	return resp, nil
}

// HTTPRequest is a request of Extism's own http_request: any method, with
// an optional body.
type HTTPRequest struct {
	// Method is the HTTP method ("" is GET).
	Method string
	// URL is the URL the plugin names (url-rewrites apply).
	URL string
	// Headers are sent as given.
	Headers map[string]string
	// Body is sent when not nil.
	Body []byte
}

// Do is Extism's http_request, served by tote: the same policy as Request
// (url-rewrites, the allow-list on every hop, the body limit,
// Limits.RequestTimeout) for any method and a request body. Errors are
// *Error of FuncHTTPRequest.
func (s *Services) Do(ctx context.Context, in HTTPRequest) (Response, error) {
	r, err := s.doRequest(ctx, in)
	return r, fail(FuncHTTPRequest, err)
}

func (s *Services) doRequest(ctx context.Context, in HTTPRequest) (Response, error) {
	u, err := s.CheckURL(in.URL)
	if err != nil {
		return Response{}, err
	}
	method := strings.ToUpper(in.Method)
	if method == "" {
		method = http.MethodGet
	}
	ctx, cancel := context.WithTimeout(ctx, s.limits.RequestTimeout)
	defer cancel()
	var body io.Reader
	if in.Body != nil {
		body = bytes.NewReader(in.Body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return Response{}, fmt.Errorf("request %s: %w", u.Redacted(), err)
	}
	for k, v := range in.Headers {
		req.Header.Set(k, v)
	}
	return s.roundTrip(req)
}

// roundTrip sends req and reads the whole, bounded response.
func (s *Services) roundTrip(req *http.Request) (Response, error) {
	resp, err := s.do(req)
	if err != nil {
		return Response{}, err
	}
	defer resp.Body.Close()
	body, err := readBody(resp.Body, s.limits.MaxBodyBytes, req.Method+" "+req.URL.Redacted())
	if err != nil {
		return Response{}, err
	}
	out := Response{Status: resp.StatusCode, Headers: map[string]string{}, Body: body}
	for k, v := range resp.Header {
		out.Headers[strings.ToLower(k)] = strings.Join(v, ", ")
	}
	s.logger.Debug("http", "method", req.Method, "url", req.URL.Redacted(), "status", resp.StatusCode, "bytes", len(body))
	return out, nil
}

// readBody reads at most limit bytes of body and fails beyond.
func readBody(body io.Reader, limit int64, what string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: read body: %w", what, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: response body exceeds %d MiB", what, limit>>20)
	}
	return b, nil
}

// Request is send_request: url-rewrites, the allow-list (on every hop), the
// body limit and Limits.RequestTimeout apply. Any HTTP status is an answer,
// not an error. Errors are *Error of FuncSendRequest.
func (s *Services) Request(ctx context.Context, in api.SendRequestInput) (Response, error) {
	r, err := s.request(ctx, in)
	return r, fail(FuncSendRequest, err)
}

func (s *Services) request(ctx context.Context, in api.SendRequestInput) (Response, error) {
	u, err := s.CheckURL(in.URL)
	if err != nil {
		return Response{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.limits.RequestTimeout)
	defer cancel()
	req, err := newRequest(ctx, in.Method, u, in.Headers)
	if err != nil {
		return Response{}, err
	}
	return s.roundTrip(req)
}

// Fetch GETs url through Request and returns the body; a status outside
// 2xx is a *StatusError "fetch <url>: HTTP status N" naming the URL as the
// plugin gave it — the text a WASM build's Fetch reports too.
func (s *Services) Fetch(ctx context.Context, url string) ([]byte, error) {
	resp, err := s.Request(ctx, api.SendRequestInput{URL: url})
	if err != nil {
		return nil, err
	}
	if resp.Status < 200 || resp.Status > 299 {
		return nil, &StatusError{Op: "fetch", URL: url, Status: resp.Status}
	}
	return resp.Body, nil
}

// Download is download_file: it fetches a URL (url-rewrites, allow-list on
// every hop) into a file inside the plugin's mounts, atomically (a temp
// file renamed into place), at most Limits.MaxDownloadBytes. A status
// outside 2xx fails. Errors are *Error of FuncDownloadFile.
func (s *Services) Download(ctx context.Context, in api.DownloadFileInput) (api.DownloadFileOutput, error) {
	out, err := s.download(ctx, in)
	return out, fail(FuncDownloadFile, err)
}

func (s *Services) download(ctx context.Context, in api.DownloadFileInput) (api.DownloadFileOutput, error) {
	dest, err := s.mounts.ToReal(in.File.Path)
	if err != nil {
		return api.DownloadFileOutput{}, deny("download destination: %v", err)
	}
	if w, ok := s.files.(interface{ Writable(string) bool }); ok && !w.Writable(dest) {
		// Refused before a byte is fetched.
		return api.DownloadFileOutput{}, deny("download destination %s: read-only for this plugin", in.File.Path)
	}
	u, err := s.CheckURL(in.URL)
	if err != nil {
		return api.DownloadFileOutput{}, err
	}
	req, err := newRequest(ctx, http.MethodGet, u, in.Headers)
	if err != nil {
		return api.DownloadFileOutput{}, err
	}
	resp, err := s.do(req)
	if err != nil {
		return api.DownloadFileOutput{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return api.DownloadFileOutput{}, fmt.Errorf("GET %s: %s", u.Redacted(), resp.Status)
	}
	n, err := s.files.CreateFile(dest, func(w io.Writer) (int64, error) {
		n, err := io.Copy(w, io.LimitReader(resp.Body, s.limits.MaxDownloadBytes+1))
		if err == nil && n > s.limits.MaxDownloadBytes {
			err = fmt.Errorf("file exceeds the download limit of %d MiB", s.limits.MaxDownloadBytes>>20)
		}
		return n, err
	})
	if err != nil {
		if errors.Is(err, ErrDenied) || errors.Is(err, vpath.ErrOutsideMounts) {
			return api.DownloadFileOutput{}, deniedFile("download destination "+in.File.Path, err)
		}
		return api.DownloadFileOutput{}, fmt.Errorf("download %s to %s: %w", u.Redacted(), in.File.Path, err)
	}
	vp, _ := s.mounts.VirtualPath(dest)
	return api.DownloadFileOutput{File: vp, Size: uint64(n)}, nil
}

// isDenied reports whether err carries a denial from this package.
func isDenied(err error) bool {
	var d *deniedError
	return errors.As(err, &d)
}
