// Package pluginhost is the seam between a built-in plugin's core and its two
// adapters. A core is plain Go over the api types and the small Host
// interface below; the native adapter (compiled into tote) and the WASM
// adapter (built with the SDK) both drive the same Table, so both answer
// every contract function with the same JSON.
package pluginhost

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/sdk"
)

// Host is what a built-in core may ask of its host: the same services a
// WASM plugin reaches through host functions. Every method that can block
// takes the call's context: a native build stops when tote is interrupted,
// and a WASM build (whose guest has no context of its own) passes
// context.Background, the host function's own deadline bounding it.
type Host interface {
	// Env describes the machine the tool is for.
	Env() api.HostEnvironment
	// ToolID is the id the tool is configured under.
	ToolID() string
	// ToolConfig is the JSON of the tool's [tools.<id>] table ("{}" when empty).
	ToolConfig() []byte
	// Fetch GETs a URL (url-rewrites applied by the host) and returns the
	// body; a non-2xx status is an error naming the URL and status.
	Fetch(ctx context.Context, url string) ([]byte, error)
	// Exec runs a command through the host (when granted).
	Exec(ctx context.Context, in api.ExecCommandInput) (api.ExecCommandOutput, error)
	// GetEnv reads an environment variable.
	GetEnv(name string) string
	// Log writes a message at a level (trace, debug, info, warn, error).
	Log(level api.LogTarget, msg string)
}

// Configurer is a Host that also serves injected config values (Extism
// config keys such as api.ConfigSchema). It is separate from Host so that
// every host need not implement it; a core that needs a value type-asserts
// its host. The WASM host (pdk.GetConfig), the schema plugin's native host
// and the conformance harness implement it.
type Configurer interface {
	// Config returns the value of an injected config key.
	Config(key string) (string, bool)
}

// FileWriter is a Host that can also write a file at a virtual path the
// plugin may write to (its temp directory, /temp/<id>). Like Configurer it
// is optional; a core that needs it (rust writes the rustup-init it
// downloaded and verified before running it) type-asserts its host. The
// WASM host writes through WASI, the native host through the mounts.
type FileWriter interface {
	// WriteFile creates or replaces the file at path with data.
	WriteFile(ctx context.Context, path string, data []byte) error
}

// Func is one contract function: JSON in, JSON out.
type Func func(ctx context.Context, h Host, in []byte) ([]byte, error)

// Table maps contract function names to their implementations.
type Table map[string]Func

// Names returns the table's function names, sorted.
func (t Table) Names() []string {
	names := make([]string, 0, len(t))
	for n := range t {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Handle adapts a typed core function to a Func. Empty input decodes as the
// zero value; a nil output type (struct{}) encodes as "{}" like the SDK.
func Handle[I, O any](fn func(context.Context, Host, I) (O, error)) Func {
	return func(ctx context.Context, h Host, in []byte) ([]byte, error) {
		var input I
		if len(bytes.TrimSpace(in)) > 0 {
			if err := json.Unmarshal(in, &input); err != nil {
				return nil, fmt.Errorf("invalid input: %w", err)
			}
		}
		out, err := fn(ctx, h, input)
		if err != nil {
			return nil, err
		}
		return json.Marshal(out)
	}
}

// Error is a core's error for the user; adapters pass its message through
// unchanged so that native and WASM builds report the same text.
type Error struct {
	// Msg is the message.
	Msg string
	// Err is the error wrapped with %w, if any.
	Err error
}

func (e *Error) Error() string { return e.Msg }

// Unwrap returns the wrapped error: a core keeps the chain of a host
// failure (a cancelled context, a denied call) for its native adapter.
func (e *Error) Unwrap() error { return e.Err }

// Errorf makes an *Error; %w wraps its operand as fmt.Errorf does.
func Errorf(format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	return &Error{Msg: err.Error(), Err: errors.Unwrap(err)}
}

// hostFailure is a failed host service (services.Error): in a WASM build it
// aborts the plugin call with its own message, so the native adapter
// reports it the same way, whatever the core wrapped around it.
type hostFailure interface {
	error
	HostFunction() string
}

// Native runs a Table inside tote: the native adapter of a built-in.
type Native struct {
	// PluginID names the plugin in errors.
	PluginID string
	// Table is the core's functions.
	Table Table
	// Host serves the core.
	Host Host
	// Timeout bounds one call, as the runtime's call timeout bounds a WASM
	// call; 0 means no bound beyond the caller's context.
	Timeout time.Duration
}

// CallError is a failed native call, worded like the runtime's errors.
type CallError struct {
	// PluginID, Function and Message are as in the runtime's CallError.
	PluginID, Function, Message string
	// Err is the underlying error: errors.Is finds a cancelled context or
	// a denied host call through it.
	Err error
}

func (e *CallError) Error() string {
	return fmt.Sprintf("plugin %q function %s: %s", e.PluginID, e.Function, e.Message)
}

// Unwrap returns the underlying error.
func (e *CallError) Unwrap() error { return e.Err }

// ID returns the plugin id.
func (n *Native) ID() string { return n.PluginID }

// HasFunction reports whether the core implements fn.
func (n *Native) HasFunction(fn string) bool { _, ok := n.Table[fn]; return ok }

// CallRaw runs fn on JSON input and returns its JSON output.
func (n *Native) CallRaw(ctx context.Context, fn string, in []byte) ([]byte, error) {
	f, ok := n.Table[fn]
	if !ok {
		return nil, &CallError{PluginID: n.PluginID, Function: fn, Message: "the plugin does not export this function"}
	}
	if err := ctx.Err(); err != nil {
		return nil, &CallError{PluginID: n.PluginID, Function: fn, Message: "not called: " + err.Error(), Err: err}
	}
	if n.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, n.Timeout)
		defer cancel()
	}
	h, trap := watch(n.Host)
	out, err := f(ctx, h, in)
	if failed := trap.err(); failed != nil {
		// In a WASM build the failed host function aborted the call: the
		// core's own handling of the error (wrapped into another message,
		// or swallowed) never ran.
		return nil, &CallError{PluginID: n.PluginID, Function: fn, Message: failed.Error(), Err: failed}
	}
	if err != nil {
		msg := err.Error()
		var hf hostFailure
		if errors.As(err, &hf) {
			msg = hf.Error()
		}
		return nil, &CallError{PluginID: n.PluginID, Function: fn, Message: msg, Err: err}
	}
	return out, nil
}

// trapHost is the Host one native call sees: it remembers the first failed
// host service (a hostFailure), which in a WASM build traps and ends the
// call whatever the guest would have done with it.
type trapHost struct {
	Host
	mu     sync.Mutex
	failed error
}

func (t *trapHost) note(err error) {
	var hf hostFailure
	if err == nil || !errors.As(err, &hf) {
		return
	}
	t.mu.Lock()
	if t.failed == nil {
		t.failed = hf
	}
	t.mu.Unlock()
}

func (t *trapHost) err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failed
}

// Fetch forwards to the host and notes a failure.
func (t *trapHost) Fetch(ctx context.Context, url string) ([]byte, error) {
	b, err := t.Host.Fetch(ctx, url)
	t.note(err)
	return b, err
}

// Exec forwards to the host and notes a failure.
func (t *trapHost) Exec(ctx context.Context, in api.ExecCommandInput) (api.ExecCommandOutput, error) {
	out, err := t.Host.Exec(ctx, in)
	t.note(err)
	return out, err
}

// trapWriter is FileWriter of a watched host.
type trapWriter struct {
	t  *trapHost
	fw FileWriter
}

func (w trapWriter) WriteFile(ctx context.Context, path string, data []byte) error {
	err := w.fw.WriteFile(ctx, path, data)
	w.t.note(err)
	return err
}

// watch wraps h for one call, keeping the optional interfaces
// (Configurer, FileWriter) h implements, and only those.
func watch(h Host) (Host, *trapHost) {
	t := &trapHost{Host: h}
	cfg, isCfg := h.(Configurer)
	fw, isFW := h.(FileWriter)
	switch {
	case isCfg && isFW:
		return struct {
			*trapHost
			Configurer
			FileWriter
		}{t, cfg, trapWriter{t, fw}}, t
	case isCfg:
		return struct {
			*trapHost
			Configurer
		}{t, cfg}, t
	case isFW:
		return struct {
			*trapHost
			FileWriter
		}{t, trapWriter{t, fw}}, t
	}
	return t, t
}

// Call marshals in, runs fn and decodes the output into out (when non-nil),
// exactly as a WASM call would.
func (n *Native) Call(ctx context.Context, fn string, in, out any) error {
	var raw []byte
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("plugin %q function %s: encode input: %w", n.PluginID, fn, err)
		}
		raw = b
	}
	res, err := n.CallRaw(ctx, fn, raw)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(res, out); err != nil {
		return &CallError{PluginID: n.PluginID, Function: fn, Message: "invalid output: " + err.Error(), Err: err}
	}
	return nil
}

// Close does nothing: a native plugin holds no resources.
func (n *Native) Close(ctx context.Context) error { return nil }

// DecodeConfig decodes the tool's [tools.<id>] table over defaults (keys in
// kebab, snake or camel case; unknown keys ignored), and words a bad table
// the same way for every built-in.
func DecodeConfig[T any](h Host, defaults T) (T, error) {
	cfg, err := sdk.DecodeToolConfig(h.ToolConfig(), defaults)
	if err != nil {
		return cfg, Errorf("invalid configuration in [tools.%s]: %v", h.ToolID(), err)
	}
	return cfg, nil
}
