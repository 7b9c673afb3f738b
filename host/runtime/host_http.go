package runtime

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/tote-dev/tote/api"
)

// checkURL applies the rewrite hook, then the allow-list, and returns the
// URL to fetch.
func (p *Plugin) checkURL(raw string) (*url.URL, error) {
	target := raw
	if p.rewrite != nil {
		target = p.rewrite(raw)
	}
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("invalid URL %q: %w", target, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("URL %q: only http and https are supported", target)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("URL %q has no host", target)
	}
	if !p.hostAllowed(u.Hostname()) {
		return nil, deny("plugin %q may not reach host %q (%s is not in its allowed hosts)", p.id, u.Hostname(), target)
	}
	return u, nil
}

func (p *Plugin) hostAllowed(host string) bool {
	host = strings.ToLower(host)
	for _, a := range p.allowHosts {
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

func (p *Plugin) newRequest(hc *hostCall, method string, u *url.URL, headers map[string]string) (*http.Request, error) {
	switch m := strings.ToUpper(method); m {
	case "", http.MethodGet:
		method = http.MethodGet
	case http.MethodPost, http.MethodHead:
		method = m
	default:
		return nil, fmt.Errorf("unsupported method %q", method)
	}
	req, err := http.NewRequestWithContext(hc.ctx, method, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("request %s: %w", u, err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return req, nil
}

// sendRequest is send_request(SendRequestInput) -> SendRequestOutput. As in
// proto, the body is written to plugin memory as its own block whose
// offset and length are in the output; "body" stays empty. Bodies larger
// than 64 MiB fail the call.
func (p *Plugin) sendRequest(hc *hostCall, args []uint64) (uint64, error) {
	var in api.SendRequestInput
	if err := hc.readJSON(args[0], &in); err != nil {
		return 0, err
	}
	u, err := p.checkURL(in.URL)
	if err != nil {
		return 0, err
	}
	req, err := p.newRequest(hc, in.Method, u, in.Headers)
	if err != nil {
		return 0, err
	}
	resp, err := p.do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if err != nil {
		return 0, fmt.Errorf("%s %s: read body: %w", req.Method, u, err)
	}
	if len(body) > maxBodyBytes {
		return 0, fmt.Errorf("%s %s: response body exceeds %d MiB", req.Method, u, maxBodyBytes>>20)
	}
	out := api.SendRequestOutput{Status: resp.StatusCode, BodyLength: uint64(len(body)), Headers: map[string]string{}}
	for k, v := range resp.Header {
		out.Headers[strings.ToLower(k)] = strings.Join(v, ", ")
	}
	if out.BodyOffset, err = hc.write(body); err != nil {
		return 0, err
	}
	p.logger.Debug("send_request", "url", u.String(), "status", resp.StatusCode, "bytes", len(body))
	return hc.writeJSON(out)
}

// downloadFile is download_file(DownloadFileInput) -> DownloadFileOutput:
// it fetches a URL (rewrites and allow-list as for send_request) into a
// file inside a mount, atomically, and fails on a non-2xx status.
func (p *Plugin) downloadFile(hc *hostCall, args []uint64) (uint64, error) {
	var in api.DownloadFileInput
	if err := hc.readJSON(args[0], &in); err != nil {
		return 0, err
	}
	dest, err := p.mounts.ToReal(in.File.Path)
	if err != nil {
		return 0, deny("download destination: %v", err)
	}
	if !p.sandbox.writable(dest) {
		return 0, deny("download destination %s: %v", in.File.Path, errReadOnly)
	}
	u, err := p.checkURL(in.URL)
	if err != nil {
		return 0, err
	}
	req, err := p.newRequest(hc, http.MethodGet, u, in.Headers)
	if err != nil {
		return 0, err
	}
	resp, err := p.do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return 0, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	n, err := p.sandbox.createFile(dest, func(w io.Writer) (int64, error) {
		n, err := io.Copy(w, io.LimitReader(resp.Body, maxDownloadBytes+1))
		if err == nil && n > maxDownloadBytes {
			err = errors.New("file exceeds the download limit")
		}
		return n, err
	})
	if err != nil {
		return 0, fmt.Errorf("download %s to %s: %w", u, in.File.Path, err)
	}
	vp, _ := p.mounts.VirtualPath(dest)
	return hc.writeJSON(api.DownloadFileOutput{File: vp, Size: uint64(n)})
}
