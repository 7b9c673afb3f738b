package runtime

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/services"
)

// ErrorKind classifies a failed plugin call or load.
type ErrorKind string

// Error kinds. After KindTrap, KindTimeout, KindOutOfMemory,
// KindPermissionDenied and KindHost the instance that failed is discarded
// and the next call on the same Plugin gets a fresh one.
const (
	// KindPluginError is an error the plugin reported itself (pdk.SetError
	// and a non-zero return code). The instance is kept.
	KindPluginError ErrorKind = "plugin-error"
	// KindTrap is a WebAssembly trap or a guest panic.
	KindTrap ErrorKind = "trap"
	// KindTimeout is a call that ran past its time limit or whose context
	// was cancelled; errors.Is reports context.DeadlineExceeded or
	// context.Canceled.
	KindTimeout ErrorKind = "timeout"
	// KindOutOfMemory is a guest that ran out of its memory limit.
	KindOutOfMemory ErrorKind = "out-of-memory"
	// KindBadOutput is output that is not valid JSON for the expected type,
	// or larger than the host accepts.
	KindBadOutput ErrorKind = "bad-output"
	// KindMissingFunction is a call to a function the plugin does not export.
	KindMissingFunction ErrorKind = "missing-function"
	// KindLoad is a plugin that could not be read, compiled or instantiated.
	KindLoad ErrorKind = "load"
	// KindPermissionDenied is a host function call the plugin was not
	// granted; the message starts with api.PermissionDenied.
	KindPermissionDenied ErrorKind = "permission-denied"
	// KindHost is a host function that failed on the plugin's behalf, such
	// as a refused path or an unreachable URL.
	KindHost ErrorKind = "host-error"
)

// CallError is the error of every failed Load and Call. Its text names the
// plugin and the function: `plugin "node" function download_prebuilt: ...`.
type CallError struct {
	// PluginID is the plugin's id as loaded.
	PluginID string
	// Function is the function called; empty for load errors.
	Function string
	// Kind classifies the failure.
	Kind ErrorKind
	// Message says what went wrong, for users.
	Message string
	// Err is the underlying error, if any.
	Err error
}

// Error implements error.
func (e *CallError) Error() string {
	if e.Function == "" {
		return fmt.Sprintf("plugin %q: %s", e.PluginID, e.Message)
	}
	return fmt.Sprintf("plugin %q function %s: %s", e.PluginID, e.Function, e.Message)
}

// Unwrap returns the underlying error.
func (e *CallError) Unwrap() error { return e.Err }

// IsKind reports whether err is a *CallError of the given kind.
func IsKind(err error, kind ErrorKind) bool {
	var ce *CallError
	return errors.As(err, &ce) && ce.Kind == kind
}

// hostError is what a host function panics with to abort the guest call;
// the runtime finds it again with errors.As in the error wazero returns.
type hostError struct {
	function string
	denied   bool
	err      error
}

func (e *hostError) Error() string {
	if e.denied {
		return fmt.Sprintf("%s: %s: %v", api.PermissionDenied, e.function, e.err)
	}
	return fmt.Sprintf("%s: %v", e.function, e.err)
}

func (e *hostError) Unwrap() error { return e.err }

// Is reports services.ErrDenied for a denied call.
func (e *hostError) Is(target error) bool { return target == services.ErrDenied && e.denied }

// guestDiagnostic extracts the guest runtime's own report of a crash (Go
// prints "panic: ..." or "fatal error: ..." to stderr before exiting) from
// the tail of its captured stderr, bounded to a few lines.
func guestDiagnostic(stderr string) string {
	lines := strings.Split(stderr, "\n")
	start := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: ") || strings.HasPrefix(l, "runtime: out of memory") {
			start = i
			break
		}
	}
	if start < 0 {
		return ""
	}
	var out []string
	for _, l := range lines[start:] {
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "goroutine ") || len(out) == 4 {
			break
		}
		out = append(out, strings.TrimSpace(l))
	}
	msg := strings.Join(out, "; ")
	if len(msg) > 1024 {
		msg = msg[:1024] + "…"
	}
	return msg
}
