package ext

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/tote-dev/tote/api"
)

// abi is the extension's view of the host beyond what package sdk already
// reaches: the host functions only extensions import. Each takes a JSON
// document and returns the host's reply: a JSON document, or plain text
// (such as "permission-denied: …") when the host refused the call.
type abi interface {
	subscribe(in []byte) []byte
	registerCommand(in []byte) []byte
	listTools(in []byte) []byte
}

// runtime is one extension instance: the plugin, the host, and what the
// plugin registered during on_enable.
type runtime struct {
	abi       abi
	plugin    Plugin
	listeners map[uint32]listener
	commands  map[uint32]*command
	byName    map[string]*command
}

type listener struct {
	kind EventKind
	call invoke
}

type command struct {
	spec    api.CommandSpec
	handler func(Invocation) error
}

func newRuntime(a abi, p Plugin) *runtime {
	return &runtime{abi: a, plugin: p}
}

// errNoPlugin is returned by every export when init registered nothing.
var errNoPlugin = errors.New("no extension registered: call ext.RegisterPlugin from an init function of package main")

func (rt *runtime) check() error {
	if rt.plugin == nil {
		return errNoPlugin
	}
	return nil
}

// metadata is the body of the metadata export.
func (rt *runtime) metadata() (api.ExtensionMetadata, error) {
	if err := rt.check(); err != nil {
		return api.ExtensionMetadata{}, err
	}
	m := rt.plugin.Metadata()
	if !ValidID(m.ID) {
		return m, fmt.Errorf("invalid plugin id %q in Metadata (want [a-z0-9][a-z0-9_-]{0,63})", m.ID)
	}
	if m.Name == "" {
		m.Name = m.ID
	}
	if m.ContractVersion == 0 {
		m.ContractVersion = api.ContractVersion
	}
	return m, nil
}

// enable is the body of on_enable.
func (rt *runtime) enable(in api.EnableInput) (struct{}, error) {
	if _, err := rt.metadata(); err != nil {
		return struct{}{}, err
	}
	rt.listeners = map[uint32]listener{}
	rt.commands = map[uint32]*command{}
	rt.byName = map[string]*command{}
	ctx := &Context{in: in, rt: rt}
	err := rt.plugin.OnEnable(ctx)
	ctx.done = true
	if err != nil {
		return struct{}{}, fmt.Errorf("OnEnable (%s): %w", in.Reason, err)
	}
	return struct{}{}, nil
}

// disable is the body of on_disable.
func (rt *runtime) disable(in api.DisableInput) error {
	if err := rt.check(); err != nil {
		return err
	}
	if d, ok := rt.plugin.(Disabler); ok {
		if err := d.OnDisable(in.Reason); err != nil {
			return fmt.Errorf("OnDisable (%s): %w", in.Reason, err)
		}
	}
	return nil
}

// handleEvent is the body of handle_event.
func (rt *runtime) handleEvent(env api.EventEnvelope) (api.EventReply, error) {
	if err := rt.check(); err != nil {
		return api.EventReply{}, err
	}
	l, ok := rt.listeners[env.Listener]
	if !ok {
		return api.EventReply{}, fmt.Errorf("unknown listener %d for %s (this instance subscribed %d)", env.Listener, env.Event, len(rt.listeners))
	}
	if env.Event != "" && env.Event != l.kind {
		return api.EventReply{}, fmt.Errorf("listener %d listens to %s, not %s", env.Listener, l.kind, env.Event)
	}
	res, err := l.call(env.Payload, env.Result)
	if err != nil {
		return api.EventReply{}, fmt.Errorf("%s handler: %w", l.kind, err)
	}
	return api.EventReply{Result: res}, nil
}

// handleCommand is the body of handle_command.
func (rt *runtime) handleCommand(in api.CommandInvocation) (api.CommandReply, error) {
	if err := rt.check(); err != nil {
		return api.CommandReply{}, err
	}
	c, ok := rt.commands[in.Handler]
	if !ok {
		c, ok = rt.byName[in.Name]
	}
	if !ok {
		return api.CommandReply{}, fmt.Errorf("unknown command %q (handler %d)", in.Name, in.Handler)
	}
	out := &output{}
	inv := Invocation{Name: c.spec.Name, Args: in.Args, Cwd: in.Cwd, out: out}
	if inv.Args == nil {
		inv.Args = []string{}
	}
	if err := c.handler(inv); err != nil {
		if out.stderr.Len() > 0 && !strings.HasSuffix(out.stderr.String(), "\n") {
			out.stderr.WriteByte('\n')
		}
		fmt.Fprintf(&out.stderr, "%s: %v\n", c.spec.Name, err)
		if out.code == 0 {
			out.code = 1
		}
	}
	return api.CommandReply{Stdout: out.stdout.String(), Stderr: out.stderr.String(), ExitCode: out.code}, nil
}

// ErrPermissionDenied is matched (with errors.Is) by the error of a host
// call the plugin was not granted. The plugin keeps running; the host logs
// the refusal, and `tote extension list` shows what was granted.
var ErrPermissionDenied = errors.New(api.PermissionDenied)

// HostError is a host function's refusal of a call, with the host's
// message.
type HostError struct {
	// Function is the host function, such as "subscribe".
	Function string
	// Message is what the host answered, such as
	// "permission-denied: plugin \"audit\" may not list tools (tools-read is not granted)".
	Message string
}

// Error returns "<function>: <message>".
func (e *HostError) Error() string { return e.Function + ": " + e.Message }

// Is matches ErrPermissionDenied when the host refused for a missing
// capability.
func (e *HostError) Is(target error) bool {
	return target == ErrPermissionDenied && strings.HasPrefix(e.Message, api.PermissionDenied)
}

// IsPermissionDenied reports whether err, from this package or from a host
// call of package sdk (sdk.Fetch, sdk.Exec, …), is a refusal for a missing
// capability.
func IsPermissionDenied(err error) bool {
	return err != nil && (errors.Is(err, ErrPermissionDenied) || strings.Contains(err.Error(), api.PermissionDenied))
}

// call sends in to a host function and decodes its reply into out.
func call(fn string, send func([]byte) []byte, in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("%s: encode input: %w", fn, err)
	}
	reply := bytes.TrimSpace(send(b))
	switch {
	case len(reply) == 0:
		return &HostError{Function: fn, Message: "the host returned no result"}
	case reply[0] != '{':
		return &HostError{Function: fn, Message: string(reply)}
	}
	if err := json.Unmarshal(reply, out); err != nil {
		return fmt.Errorf("%s: decode reply: %w", fn, err)
	}
	var refusal struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(reply, &refusal) == nil && refusal.Error != "" {
		return &HostError{Function: fn, Message: refusal.Error}
	}
	return nil
}

// ListTools returns the installed tools and their versions, through the
// host's list_tools function. It works during OnEnable and afterwards, in
// handlers that kept c. It needs the tools-read capability; without it the
// error matches [ErrPermissionDenied].
func (c *Context) ListTools() (map[string][]string, error) { return c.rt.listTools() }

func (rt *runtime) listTools() (map[string][]string, error) {
	var out api.ListToolsOutput
	if err := call(api.HostListTools, rt.abi.listTools, struct{}{}, &out); err != nil {
		return nil, err
	}
	if out.Tools == nil {
		out.Tools = map[string][]string{}
	}
	return out.Tools, nil
}
