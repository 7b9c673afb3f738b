package runtime

import (
	"context"
	"encoding/json"
	"fmt"

	extism "github.com/extism/go-sdk"

	"github.com/tote-dev/tote/host/services"
)

// Extism's own HTTP functions (extism:host/env http_request,
// http_status_code, http_headers) fetch with http.DefaultClient, follow
// redirects to any host and check only the first URL against the allowed
// hosts. tote serves them itself: LoadBytes renames a plugin's imports of
// them to extismHTTPModule, where the functions below call the plugin's
// services.Services (url-rewrites, the allow-list on every hop, the
// runtime's HTTP client and its limits), like send_request. The Extism
// manifest allows no host, so if an import were ever missed, Extism's
// version would refuse every request.
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
	_ = hc.free(args[0])
	var in extismHTTPRequest
	if err := json.Unmarshal(raw, &in); err != nil {
		return 0, fmt.Errorf("decode input as %T: %w", in, err)
	}
	req := services.HTTPRequest{URL: in.URL, Method: in.Method, Headers: in.Headers}
	if args[1] != 0 {
		if req.Body, err = hc.read(args[1], maxHostInputBytes); err != nil {
			return 0, err
		}
		_ = hc.free(args[1])
	}
	resp, err := p.svc.Do(hc.ctx, req)
	if err != nil {
		return 0, err
	}
	p.httpStatus, p.httpHeaders = int32(resp.Status), resp.Headers
	return hc.write(resp.Body)
}
