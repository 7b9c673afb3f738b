package extension

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"runtime/debug"
	"time"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/runtime"
)

// DeniedError is the error of an access event (pre-install, pre-download,
// pre-run, pre-uninstall) that stops the action: an extension denied it, or
// a listener failed and the event failed closed.
type DeniedError struct {
	// Event is the access event.
	Event api.EventKind
	// Extension is the extension that denied or failed.
	Extension string
	// Reason is the extension's reason, or what failed.
	Reason string
	// Failed is true when the listener failed (error, trap, timeout,
	// quarantine) rather than denied.
	Failed bool
	// Err is the failure, when Failed.
	Err error
}

// Error implements error.
func (e *DeniedError) Error() string {
	if e.Failed {
		return fmt.Sprintf("denied because extension %q failed on %s (access events fail closed): %s", e.Extension, e.Event, e.Reason)
	}
	if e.Reason == "" {
		return fmt.Sprintf("denied by extension %q (%s)", e.Extension, e.Event)
	}
	return fmt.Sprintf("denied by extension %q (%s): %s", e.Extension, e.Event, e.Reason)
}

// Unwrap returns the failure.
func (e *DeniedError) Unwrap() error { return e.Err }

// PanicError is a native extension that panicked.
type PanicError struct {
	// Extension and Function say where.
	Extension, Function string
	// Value is what it panicked with.
	Value any
	// Stack is the goroutine's stack.
	Stack string
}

// Error implements error.
func (e *PanicError) Error() string {
	return fmt.Sprintf("extension %q function %s panicked: %v", e.Extension, e.Function, e.Value)
}

// safe runs f, turning a panic into a *PanicError without names.
func safe(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &PanicError{Value: r, Stack: string(debug.Stack())}
		}
	}()
	return f()
}

// isFault reports whether err discarded (or should discard) the instance:
// a trap, timeout, out-of-memory or failed host call of a WASM plugin, or a
// native panic.
func isFault(err error) bool {
	var pe *PanicError
	if errors.As(err, &pe) {
		return true
	}
	for _, k := range []runtime.ErrorKind{runtime.KindTrap, runtime.KindTimeout, runtime.KindOutOfMemory, runtime.KindHost, runtime.KindPermissionDenied} {
		if runtime.IsKind(err, k) {
			return true
		}
	}
	return false
}

// call runs one call into e's plugin, naming it in errors and counting
// faults. h.mu is held.
func (h *Host) call(e *entry, fn string, f func() error) error {
	err := safe(f)
	if err == nil {
		return nil
	}
	var pe *PanicError
	if errors.As(err, &pe) && pe.Extension == "" {
		pe.Extension, pe.Function = e.id, fn
		h.logger.Debug("extension panicked", "extension", e.id, "function", fn, "stack", pe.Stack)
	}
	var ce *runtime.CallError
	if !errors.As(err, &ce) && pe == nil {
		err = fmt.Errorf("extension %q function %s: %w", e.id, fn, err)
	}
	if isFault(err) {
		h.fault(e, fn, err)
	}
	return err
}

// fault records a fault of e, in $TOTE_HOME for the processes to come:
// the next call re-enables it on a fresh instance, unless the faults in a
// row exceed its restart budget, which quarantines it. h.mu is held.
func (h *Host) fault(e *entry, fn string, err error) {
	r := h.recordFault(e, h.opts.Now(), err)
	e.faults = r.Faults
	h.logger.Warn("extension fault", "extension", e.id, "function", fn, "error", err, "faults", len(e.faults))
	if e.state != StateEnabled {
		// A fault while probing or enabling refuses the plugin instead
		// (and counts for the next process).
		return
	}
	if r.Quarantined() {
		h.quarantine(e, err)
		return
	}
	e.needsRecover = true
}

// quarantine turns e off, with one warning, in this process (the record
// keeps it off in the next ones). Its access listeners stay in their
// chains and deny (fail closed); its observe listeners and commands are
// skipped. h.mu is held.
func (h *Host) quarantine(e *entry, last error) {
	e.state = StateQuarantined
	e.needsRecover = false
	e.err = last
	e.quarantinedAt = h.opts.Now()
	h.warnf("extension %q is quarantined after %d faults in a row within %s (limits.max-restarts = %d); it stays off until `tote extension enable %s`; last fault: %v",
		e.id, len(e.faults), h.opts.FaultWindow, e.limits.maxRestarts, e.id, last)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if e.plugin != nil {
		_ = safe(func() error { return e.plugin.Disable(ctx, "quarantined") })
	}
}

// quarantineReason says why a quarantined e denies, and what to do.
func (h *Host) quarantineReason(e *entry) string {
	return fmt.Sprintf("it is quarantined since %s after %d faults in a row; run `tote extension enable %s` to try it again, or disable it (last fault: %v)",
		e.quarantinedAt.Local().Format("2006-01-02 15:04:05"), len(e.faults), e.id, e.err)
}

// recover re-enables e on a fresh instance after a fault. h.mu is held.
func (h *Host) recover(ctx context.Context, e *entry) error {
	if !e.needsRecover {
		return nil
	}
	err := h.enable(ctx, e, api.ReasonRecovered)
	if err != nil {
		return fmt.Errorf("re-enable after a fault: %w", err)
	}
	e.needsRecover = false
	h.rebuild()
	return nil
}

// Fire dispatches an event through its chain. payload is the event's
// payload (an api.*Event value); result, for resulted events, points at
// the current result (an api.*Result value), which every listener may
// replace and which holds the final result on return. For access events a
// final result that denies, or a listener that fails, returns a
// *DeniedError; observe events never fail (listener failures are logged).
//
// The first Fire of a kind loads the enabled extensions that listen to it
// (as the subscription cache says) and those the cache does not know yet.
func (h *Host) Fire(ctx context.Context, kind api.EventKind, payload any, result any) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil
	}
	h.ensure(ctx, kind)
	chain := h.chains[kind]
	if len(chain) == 0 {
		return nil
	}
	access := kind.IsAccess()
	fail := func(e *entry, err error) error {
		if access {
			return &DeniedError{Event: kind, Extension: e.id, Reason: err.Error(), Failed: true, Err: err}
		}
		h.logger.Warn("extension listener failed; the event continues", "extension", e.id, "event", kind, "error", err)
		return nil
	}
	data, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("encode %s event: %w", kind, err)
	}
	var cur api.RawJSON
	if result != nil {
		if cur, err = json.Marshal(result); err != nil {
			return fmt.Errorf("encode %s result: %w", kind, err)
		}
	}
	lastBy := ""
	for _, l := range chain {
		e := l.e
		switch e.state {
		case StateQuarantined:
			if access {
				return &DeniedError{Event: kind, Extension: e.id, Failed: true, Err: e.err, Reason: h.quarantineReason(e)}
			}
			continue
		case StateEnabled:
		default:
			continue
		}
		if err := h.recover(ctx, e); err != nil {
			if ferr := fail(e, err); ferr != nil {
				return ferr
			}
			continue
		}
		if e.state != StateEnabled { // quarantined while recovering
			if access {
				return &DeniedError{Event: kind, Extension: e.id, Failed: true, Err: e.err, Reason: h.quarantineReason(e)}
			}
			continue
		}
		id := l.id
		env := api.EventEnvelope{Listener: id, Event: kind, Payload: data, Result: cur}
		var reply api.EventReply
		err := h.call(e, api.FuncHandleEvent, func() error {
			callCtx, budget := ctx, time.Duration(0)
			if RunPathEvent(kind) && e.limits.runTimeout > 0 && e.limits.runTimeout < e.limits.timeout {
				var cancel context.CancelFunc
				budget = e.limits.runTimeout
				callCtx, cancel = context.WithTimeout(ctx, budget)
				defer cancel()
			}
			var err error
			reply, err = e.plugin.HandleEvent(callCtx, env)
			if err != nil && budget > 0 && callCtx.Err() != nil && ctx.Err() == nil {
				err = fmt.Errorf("extension %q exceeded the run-path budget of %s on %s (limits.run-timeout): %w", e.id, budget, kind, err)
			}
			return err
		})
		if err == nil {
			h.clearFaultsAfterSuccess(e)
		}
		if err != nil {
			if ferr := fail(e, err); ferr != nil {
				return ferr
			}
			continue
		}
		if len(reply.Result) == 0 || result == nil {
			continue
		}
		if err := checkResult(reply.Result, result); err != nil {
			if ferr := fail(e, fmt.Errorf("handle_event returned a bad %s result: %w", kind, err)); ferr != nil {
				return ferr
			}
			continue
		}
		cur, lastBy = h.guard(e, kind, cur, reply.Result), e.id
	}
	if result == nil {
		return nil
	}
	if err := json.Unmarshal(cur, result); err != nil {
		return fmt.Errorf("decode the final %s result: %w", kind, err)
	}
	if access {
		var ar api.AccessResult
		if err := json.Unmarshal(cur, &ar); err == nil && ar.Deny {
			return &DeniedError{Event: kind, Extension: lastBy, Reason: ar.Reason}
		}
	}
	return nil
}

// RunPathEvent reports whether kind fires on the run path (tote run and
// shims), where a listener gets the short limits.run-timeout budget instead
// of limits.call-timeout.
func RunPathEvent(kind api.EventKind) bool {
	switch kind {
	case api.EventPreRun, api.EventPostRun, api.EventVersionResolved:
		return true
	}
	return false
}

// checkResult checks that raw decodes into a value of result's type.
func checkResult(raw api.RawJSON, result any) error {
	t := reflect.TypeOf(result)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return json.Unmarshal(raw, reflect.New(t).Interface())
}

// HasListeners reports whether any enabled extension listens to kind,
// loading (only) the extensions that do, or whose cache entry is stale.
func (h *Host) HasListeners(ctx context.Context, kind api.EventKind) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ensure(ctx, kind)
	return len(h.chains[kind]) > 0
}

// closePlugin releases e's plugin. h.mu is held.
func (h *Host) closePlugin(ctx context.Context, e *entry) {
	if w, ok := e.plugin.(*wasmPlugin); ok {
		_ = w.close(context.WithoutCancel(ctx))
	}
	e.plugin = nil
}

// Close calls on_disable("shutdown") on every enabled extension (in
// reverse order), releases them and writes the cache if needed.
func (h *Host) Close(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil
	}
	h.closed = true
	var errs []error
	for i := len(h.entries) - 1; i >= 0; i-- {
		e := h.entries[i]
		if e.plugin == nil {
			continue
		}
		if e.state == StateEnabled && !e.needsRecover {
			if err := h.call(e, api.FuncOnDisable, func() error { return e.plugin.Disable(ctx, "shutdown") }); err != nil {
				h.logger.Warn("extension on_disable failed", "extension", e.id, "error", err)
			}
		}
		h.closePlugin(ctx, e)
	}
	h.flushCache()
	if h.rt != nil {
		errs = append(errs, h.rt.Close(ctx))
	}
	return errors.Join(errs...)
}
