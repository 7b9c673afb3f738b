package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	extism "github.com/extism/go-sdk"
)

// Extism's own HTTP functions (extism:host/env http_request,
// http_status_code, http_headers) fetch with http.DefaultClient, follow
// redirects to any host and check only the first URL against the allowed
// hosts. tote serves them itself: LoadBytes renames a plugin's imports of
// them to extismHTTPModule, where the functions below apply url-rewrites,
// the allow-list on every hop, the runtime's HTTP client and its limits,
// like send_request. The Extism manifest allows no host, so if an import
// were ever missed, Extism's version would refuse every request.
const extismHTTPModule = "tote:extism-http"

var extismHTTPFields = []string{"http_request", "http_status_code", "http_headers"}

// extismHTTPRequest is the JSON document a PDK passes to http_request.
type extismHTTPRequest struct {
	URL     string            `json:"url"`
	Method  string            `json:"method"`
	Headers map[string]string `json:"headers"`
}

// extismHTTPFunctions returns tote's versions of Extism's HTTP functions.
func (p *Plugin) extismHTTPFunctions() []extism.HostFunction {
	req := p.define("http_request", 2, true, p.extismHTTPRequest)
	req.SetNamespace(extismHTTPModule)
	status := extism.NewHostFunctionWithStack("http_status_code", func(ctx context.Context, cp *extism.CurrentPlugin, stack []uint64) {
		stack[0] = uint64(uint32(p.httpStatus))
	}, nil, []extism.ValueType{extism.ValueTypeI32})
	status.SetNamespace(extismHTTPModule)
	headers := p.define("http_headers", 0, true, func(hc *hostCall, _ []uint64) (uint64, error) {
		if p.httpHeaders == nil {
			return 0, nil
		}
		return hc.writeJSON(p.httpHeaders)
	})
	headers.SetNamespace(extismHTTPModule)
	return []extism.HostFunction{req, status, headers}
}

// extismHTTPRequest is http_request(request, body) -> body: the response
// body as a memory block (0 when empty); its status and headers are read
// with http_status_code and http_headers. A refused request fails the call,
// or under SoftDeny answers {"error":"permission-denied: ..."} with status 0.
func (p *Plugin) extismHTTPRequest(hc *hostCall, args []uint64) (uint64, error) {
	p.httpStatus, p.httpHeaders = 0, nil
	raw, err := hc.read(args[0], maxHostInputBytes)
	if err != nil {
		return 0, err
	}
	hc.cp.Free(args[0])
	var in extismHTTPRequest
	if err := json.Unmarshal(raw, &in); err != nil {
		return 0, fmt.Errorf("decode input as %T: %w", in, err)
	}
	var body io.Reader
	if args[1] != 0 {
		b, err := hc.read(args[1], maxHostInputBytes)
		if err != nil {
			return 0, err
		}
		hc.cp.Free(args[1])
		body = bytes.NewReader(b)
	}
	u, err := p.checkURL(in.URL)
	if err != nil {
		return 0, err
	}
	method := strings.ToUpper(in.Method)
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(hc.ctx, method, u.String(), body)
	if err != nil {
		return 0, fmt.Errorf("request %s: %w", u, err)
	}
	for k, v := range in.Headers {
		req.Header.Set(k, v)
	}
	resp, err := p.do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if err != nil {
		return 0, fmt.Errorf("%s %s: read body: %w", method, u, err)
	}
	if len(b) > maxBodyBytes {
		return 0, fmt.Errorf("%s %s: response body exceeds %d MiB", method, u, maxBodyBytes>>20)
	}
	p.httpStatus = int32(resp.StatusCode)
	p.httpHeaders = map[string]string{}
	for k, v := range resp.Header {
		p.httpHeaders[strings.ToLower(k)] = strings.Join(v, ",")
	}
	p.logger.Debug("http_request", "url", u.String(), "status", resp.StatusCode, "bytes", len(b))
	return hc.write(b)
}

// guardRedirects returns a copy of c whose redirects are checked, hop by
// hop, against the plugin's allowed hosts (the URL a server redirects to is
// not rewritten: url-rewrites apply to the URLs a plugin asks for), then by
// c's own redirect policy.
func (p *Plugin) guardRedirects(c *http.Client) *http.Client {
	guarded := *c
	next := c.CheckRedirect
	guarded.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := p.checkHop(req.URL, via[len(via)-1].URL); err != nil {
			return err
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &guarded
}

// do sends a request with the plugin's client. A refused redirect is
// reported as the refusal itself; other errors name the method and URL.
func (p *Plugin) do(req *http.Request) (*http.Response, error) {
	resp, err := p.httpClient.Do(req)
	if err != nil {
		var d errDenied
		if errors.As(err, &d) {
			return nil, d
		}
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL, err)
	}
	return resp, nil
}

// checkHop checks one redirect.
func (p *Plugin) checkHop(to, from *url.URL) error {
	if to.Scheme != "http" && to.Scheme != "https" {
		return fmt.Errorf("%s redirected to %s: only http and https are supported", from, to)
	}
	if !p.hostAllowed(to.Hostname()) {
		return deny("plugin %q may not reach host %q: %s redirected to %s, which is not in its allowed hosts", p.id, to.Hostname(), from, to)
	}
	return nil
}
