//go:build !wasip1

package ext

import (
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
)

type nopPlugin struct{}

func (nopPlugin) Metadata() Metadata      { return Metadata{ID: "nop"} }
func (nopPlugin) OnEnable(*Context) error { return nil }

func TestRegisterPlugin(t *testing.T) {
	prev := current
	t.Cleanup(func() { current = prev })
	current = newRuntime(nativeABI{}, nil)

	if _, err := current.metadata(); err != errNoPlugin {
		t.Errorf("metadata without a plugin: err = %v", err)
	}
	for _, fn := range []func() error{
		func() error { _, err := current.enable(api.EnableInput{}); return err },
		func() error { _, err := current.handleEvent(api.EventEnvelope{}); return err },
		func() error { _, err := current.handleCommand(api.CommandInvocation{}); return err },
		func() error { return current.disable(api.DisableInput{}) },
	} {
		if err := fn(); err != errNoPlugin {
			t.Errorf("export without a plugin: err = %v", err)
		}
	}
	mustPanic(t, "RegisterPlugin(nil)", func() { RegisterPlugin(nil) })
	RegisterPlugin(nopPlugin{})
	if m, err := current.metadata(); err != nil || m.ID != "nop" {
		t.Errorf("metadata = %+v, %v", m, err)
	}
	mustPanic(t, "called twice", func() { RegisterPlugin(nopPlugin{}) })
}

func TestNativeABIRefuses(t *testing.T) {
	rt := newRuntime(nativeABI{}, nopPlugin{})
	ctx := &Context{rt: rt}
	if _, err := ctx.ListTools(); err == nil || !strings.Contains(err.Error(), "not running inside a tote extension host") {
		t.Errorf("ListTools outside a host: err = %v", err)
	}
}

func TestHandleEventRouting(t *testing.T) {
	rt := newRuntime(nil, nopPlugin{})
	rt.listeners = map[uint32]listener{}
	fn, err := bind(PostRun, func(*PostRunEvent) {})
	if err != nil {
		t.Fatal(err)
	}
	rt.listeners[7] = listener{kind: PostRun, call: fn}
	if _, err := rt.handleEvent(api.EventEnvelope{Listener: 8, Event: PostRun}); err == nil || !strings.Contains(err.Error(), "unknown listener 8 for post-run") {
		t.Errorf("unknown listener: err = %v", err)
	}
	if _, err := rt.handleEvent(api.EventEnvelope{Listener: 7, Event: PreRun}); err == nil || !strings.Contains(err.Error(), "listener 7 listens to post-run, not pre-run") {
		t.Errorf("wrong kind: err = %v", err)
	}
	if _, err := rt.handleEvent(api.EventEnvelope{Listener: 7, Event: PostRun, Payload: api.RawJSON(`{"exit_code":"x"}`)}); err == nil || !strings.Contains(err.Error(), "decode post-run payload") {
		t.Errorf("bad payload: err = %v", err)
	}
	if r, err := rt.handleEvent(api.EventEnvelope{Listener: 7, Event: PostRun, Payload: api.RawJSON(`{"exit_code":1}`)}); err != nil || r.Result != nil {
		t.Errorf("good payload: %+v, %v", r, err)
	}
}

func TestHostReplies(t *testing.T) {
	for _, tc := range []struct {
		reply  string
		want   string
		denied bool
	}{
		{``, "subscribe: the host returned no result", false},
		{`permission-denied: event-bus is not granted`, "subscribe: permission-denied: event-bus is not granted", true},
		{`{"error":"permission-denied: nope"}`, "subscribe: permission-denied: nope", true},
		{`{"listener":`, "subscribe: decode reply", false},
	} {
		var out api.SubscribeOutput
		err := call("subscribe", func([]byte) []byte { return []byte(tc.reply) }, api.SubscribeInput{}, &out)
		if err == nil || !strings.Contains(err.Error(), tc.want) || IsPermissionDenied(err) != tc.denied {
			t.Errorf("reply %q: err = %v, want %q (denied %v)", tc.reply, err, tc.want, tc.denied)
		}
	}
}

func mustPanic(t *testing.T, want string, fn func()) {
	t.Helper()
	defer func() {
		r := recover()
		if s, _ := r.(string); !strings.Contains(s, want) {
			t.Errorf("recover() = %v, want a panic containing %q", r, want)
		}
	}()
	fn()
}
