package sdk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tote-dev/tote/api"
)

// Response is the answer to [Fetch].
type Response struct {
	// Status is the HTTP status code.
	Status int
	// Body is the response body.
	Body []byte
	// Headers are the response headers, one value each.
	Headers map[string]string
}

// OK reports whether Status is 2xx.
func (r *Response) OK() bool { return r.Status >= 200 && r.Status < 300 }

// FetchOption adjusts a request made by [Fetch].
type FetchOption func(*api.SendRequestInput)

// WithHeader sends the header name: value.
func WithHeader(name, value string) FetchOption {
	return func(in *api.SendRequestInput) {
		if in.Headers == nil {
			in.Headers = map[string]string{}
		}
		in.Headers[name] = value
	}
}

// Fetch requests url through the host's send_request function. The host
// applies tote's url-rewrites and the plugin's network allow-list; a refused
// or failed request is an error, while any HTTP status, even 404, is a
// Response.
func Fetch(url string, opts ...FetchOption) (*Response, error) {
	in := api.SendRequestInput{URL: url}
	for _, opt := range opts {
		opt(&in)
	}
	req, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", url, err)
	}
	var out struct {
		api.SendRequestOutput
		Error string `json:"error"`
	}
	if err := hostResult(current.abi.sendRequest(req), &out); err != nil {
		return nil, fmt.Errorf("fetch %s: %w", url, err)
	}
	if out.Error != "" {
		return nil, fmt.Errorf("fetch %s: %s", url, out.Error)
	}
	resp := &Response{Status: out.Status, Headers: out.Headers, Body: []byte(out.Body)}
	if out.BodyOffset != 0 && out.BodyLength > 0 {
		resp.Body = current.abi.readMemory(out.BodyOffset, out.BodyLength)
	}
	return resp, nil
}

// FetchJSON fetches url and decodes its JSON body into v. A status other
// than 2xx is an error naming the URL and the status.
func FetchJSON(url string, v any) error {
	resp, err := fetchOK(url)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(resp.Body, v); err != nil {
		return fmt.Errorf("fetch %s: decode JSON: %w", url, err)
	}
	return nil
}

// FetchText fetches url and returns its body as text. A status other than
// 2xx is an error naming the URL and the status.
func FetchText(url string) (string, error) {
	resp, err := fetchOK(url)
	if err != nil {
		return "", err
	}
	return string(resp.Body), nil
}

func fetchOK(url string) (*Response, error) {
	resp, err := Fetch(url)
	if err != nil {
		return nil, err
	}
	if !resp.OK() {
		return nil, fmt.Errorf("fetch %s: HTTP status %d", url, resp.Status)
	}
	return resp, nil
}

// DownloadFile downloads url through the host's download_file function
// into file, a virtual path inside a mount such as "/temp/tool.tar.gz",
// without passing the bytes through the plugin. The host applies
// url-rewrites and the allow-list, writes atomically and fails on a status
// other than 2xx. Only the headers of opts apply.
func DownloadFile(url, file string, opts ...FetchOption) (DownloadFileOutput, error) {
	var req api.SendRequestInput
	for _, opt := range opts {
		opt(&req)
	}
	b, err := json.Marshal(api.DownloadFileInput{URL: url, File: api.NewVirtualPath(file), Headers: req.Headers})
	if err != nil {
		return DownloadFileOutput{}, fmt.Errorf("download %s: %w", url, err)
	}
	var out struct {
		DownloadFileOutput
		Error string `json:"error"`
	}
	if err := hostResult(current.abi.downloadFile(b), &out); err != nil {
		return DownloadFileOutput{}, fmt.Errorf("download %s: %w", url, err)
	}
	if out.Error != "" {
		return DownloadFileOutput{}, fmt.Errorf("download %s: %s", url, out.Error)
	}
	return out.DownloadFileOutput, nil
}

// Exec runs a command through the host's exec_command function and returns
// its exit code and captured output; a non-zero exit code is not an error.
// A refusal by the host (the plugin was not granted "exec", or the command
// could not be started) is an error.
func Exec(in ExecCommandInput) (ExecCommandOutput, error) {
	req, err := json.Marshal(in)
	if err != nil {
		return ExecCommandOutput{}, fmt.Errorf("exec %s: %w", in.Command, err)
	}
	var out struct {
		ExecCommandOutput
		Error string `json:"error"`
	}
	if err := hostResult(current.abi.execCommand(req), &out); err != nil {
		return ExecCommandOutput{}, fmt.Errorf("exec %s: %w", in.Command, err)
	}
	if out.Error != "" {
		return out.ExecCommandOutput, fmt.Errorf("exec %s: %s", in.Command, out.Error)
	}
	return out.ExecCommandOutput, nil
}

// ExecCapture runs command with args and captures its output. Unlike
// [Exec], a non-zero exit code is an error, which quotes the command line,
// the exit code and the standard error; the output is returned either way.
func ExecCapture(command string, args ...string) (ExecCommandOutput, error) {
	out, err := Exec(ExecCommandInput{Command: command, Args: args})
	if err != nil {
		return out, err
	}
	if out.ExitCode != 0 {
		line := strings.TrimSpace(command + " " + strings.Join(args, " "))
		msg := fmt.Sprintf("exec %s: exit code %d", line, out.ExitCode)
		if stderr := strings.TrimSpace(out.Stderr); stderr != "" {
			msg += ": " + stderr
		}
		return out, fmt.Errorf("%s", msg)
	}
	return out, nil
}

// hostResult decodes the JSON document a host function answered with. A
// host that answers with plain text (such as "permission-denied: …") or
// with nothing has refused the call.
func hostResult(b []byte, v any) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return fmt.Errorf("the host returned no result")
	}
	if b[0] != '{' {
		return fmt.Errorf("%s", b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode host result: %w", err)
	}
	return nil
}

// GetEnv returns the value of the host environment variable name, or ""
// if it is unset or name is empty. A plugin that was not granted env-read
// fails its call here.
func GetEnv(name string) string {
	if name == "" {
		return ""
	}
	return current.abi.getEnvVar(name)
}

// SetEnv sets the environment variable name to value for the rest of the
// plugin's life: GetEnv sees it, and so do the commands the plugin runs and
// the tool's processes. tote's own environment is not changed. A plugin
// that was not granted env-write fails its call here.
func SetEnv(name, value string) { current.abi.setEnvVar(name, value) }

// Trace logs a message at trace level through the host's host_log.
func Trace(format string, args ...any) { logf(api.LogTrace, format, args) }

// Debug logs a message at debug level through the host's host_log.
func Debug(format string, args ...any) { logf(api.LogDebug, format, args) }

// Info logs a message at info level through the host's host_log.
func Info(format string, args ...any) { logf(api.LogInfo, format, args) }

// Warn logs a message at warn level through the host's host_log.
func Warn(format string, args ...any) { logf(api.LogWarn, format, args) }

// Error logs a message at error level through the host's host_log. To fail
// a plugin function, return an error instead (see [Errorf]).
func Error(format string, args ...any) { logf(api.LogError, format, args) }

func logf(target api.LogTarget, format string, args []any) {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	b, err := json.Marshal(api.HostLogInput{Message: msg, Target: target})
	if err != nil {
		return
	}
	current.abi.hostLog(b)
}

// ToVirtualPath turns a host path into the path the plugin sees, such as
// "/home/me/.tote/tools" into "/proto/tools", through the host's
// to_virtual_path function. tote's host refuses a path outside every mount,
// which fails the plugin call; with a host that answers nothing instead,
// the SDK translates through [VirtualPaths] and returns "" outside them.
func ToVirtualPath(real string) string {
	p := current.abi.toVirtualPath(real)
	if p == "" || strings.HasPrefix(p, api.PermissionDenied) {
		p, _ = translatePath(invert(VirtualPaths()), real)
	}
	return p
}

// FromVirtualPath turns a path the plugin sees into the host path, such as
// "/proto/tools" into "/home/me/.tote/tools", through the host's
// from_virtual_path function. tote's host refuses a path outside every
// mount, which fails the plugin call; with a host that answers nothing
// instead, the SDK translates through [VirtualPaths] and returns "" outside
// them. Host paths are what [Exec] arguments and messages for the user need.
func FromVirtualPath(virtual string) string {
	p := current.abi.fromVirtualPath(virtual)
	if p == "" || strings.HasPrefix(p, api.PermissionDenied) {
		p, _ = translatePath(VirtualPaths(), virtual)
	}
	return p
}

// translatePath maps p through mounts (prefix -> replacement), longest
// prefix first, on whole path elements only.
func translatePath(mounts map[string]string, p string) (string, bool) {
	bestLen, bestTo := -1, ""
	for from, to := range mounts {
		base := strings.TrimRight(from, `/\`)
		if from == "" || len(base) <= bestLen {
			continue
		}
		rest, ok := strings.CutPrefix(p, base)
		if !ok || (rest != "" && rest[0] != '/' && rest[0] != '\\') {
			continue
		}
		bestLen, bestTo = len(base), to
	}
	if bestLen < 0 {
		return "", false
	}
	rest := strings.TrimRight(p[bestLen:], `/\`)
	out := strings.TrimRight(bestTo, `/\`) + rest
	if out == "" {
		out = "/"
	}
	return out, true
}

func invert(m map[string]string) map[string]string {
	inv := make(map[string]string, len(m))
	for k, v := range m {
		inv[v] = k
	}
	return inv
}
