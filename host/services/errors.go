package services

import (
	"errors"
	"fmt"

	"github.com/tote-dev/tote/api"
)

// Host function names, as a WASM plugin imports them; an [*Error] names one.
const (
	FuncSendRequest = api.HostSendRequest
	// FuncHTTPRequest is Extism's own http_request (extism:host/env),
	// which tote serves with the same policy.
	FuncHTTPRequest  = "http_request"
	FuncDownloadFile = api.HostDownloadFile
	FuncExecCommand  = api.HostExecCommand
	FuncGetEnvVar    = api.HostGetEnvVar
	FuncSetEnvVar    = api.HostSetEnvVar
	FuncHostLog      = api.HostLog
	FuncFromVirtual  = api.HostFromVirtualPath
	FuncToVirtual    = api.HostToVirtualPath
	// FuncWriteFile names the file-writing service of a built-in's core
	// (a WASM build writes through WASI instead).
	FuncWriteFile = "write_file"
	// FuncGitLsRemote names the git ls-remote service (reached by WASM
	// plugins through exec_command of `git ls-remote`).
	FuncGitLsRemote = "git_ls_remote"
)

// ErrDenied is wrapped by every error about a capability the plugin was not
// granted: errors.Is(err, ErrDenied).
var ErrDenied = errors.New(api.PermissionDenied)

// Error is a failed host service: what, in a WASM plugin, aborts the plugin
// call with this message. A native built-in's core may wrap it; the native
// adapter (pluginhost.Native) finds it again with errors.As and reports the
// same message a WASM build would.
type Error struct {
	// Function is the host function, such as "send_request".
	Function string
	// Denied is true when a capability was missing (Err wraps ErrDenied).
	Denied bool
	// Err is the cause.
	Err error
}

// Error reads "send_request: GET https://...: ..." or, for a denied call,
// "permission-denied: exec_command: plugin "x" may not run commands ...".
func (e *Error) Error() string {
	if e.Denied {
		return fmt.Sprintf("%s: %s: %v", api.PermissionDenied, e.Function, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Function, e.Err)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// HostFunction returns the host function's name. It marks the error as a
// host failure for adapters that cannot import this package (the native
// adapter of a built-in, which is also compiled to WASM).
func (e *Error) HostFunction() string { return e.Function }

// Is reports ErrDenied for a denied call.
func (e *Error) Is(target error) bool { return target == ErrDenied && e.Denied }

// deniedError is the cause of a denied call.
type deniedError struct{ msg string }

func (d *deniedError) Error() string { return d.msg }

func fail(fn string, err error) error {
	if err == nil {
		return nil
	}
	var d *deniedError
	return &Error{Function: fn, Denied: errors.As(err, &d), Err: err}
}

func deny(format string, args ...any) error { return &deniedError{fmt.Sprintf(format, args...)} }

// StatusError is an HTTP status outside 2xx where a success was needed
// (Fetch, Download, git ls-remote). Its text, "fetch URL: HTTP status N",
// names the URL the plugin asked for.
type StatusError struct {
	// Op is the operation, such as "fetch".
	Op string
	// URL is the URL the plugin named (before url-rewrites).
	URL string
	// Status is the HTTP status code.
	Status int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: HTTP status %d", e.Op, e.URL, e.Status)
}
