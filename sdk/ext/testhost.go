package ext

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/tote-dev/tote/api"
)

// TestHost runs an extension in-process, without WebAssembly, for unit
// tests: it plays tote's part for a single plugin, assigning listener and
// command handles, ordering listeners by priority and passing results
// along the chain as the real host does. It is not safe for concurrent
// use.
//
//	h := ext.NewTestHost(&Policy{})
//	if err := h.Enable(api.EnableInput{Reason: ext.Startup, Config: cfg}); err != nil { … }
//	res, err := h.Fire(ext.PreInstall, api.InstallEvent{Tool: "node", Version: "16.0.0"}, nil)
//
// Logging through package sdk is dropped outside a WebAssembly host.
type TestHost struct {
	rt      *runtime
	next    uint32
	subs    []Subscription
	cmds    map[string]uint32
	specs   []api.CommandSpec
	denied  map[Capability]bool
	tools   map[string][]string
	enabled bool
}

// Subscription is one listener a plugin subscribed, as a [TestHost]
// recorded it.
type Subscription struct {
	// Listener is the handle the host assigned.
	Listener uint32
	// Event is the kind listened to.
	Event EventKind
	// Priority orders the listener.
	Priority Priority
}

// NewTestHost returns a host for p. It does not call RegisterPlugin, so
// tests can run several plugins side by side.
func NewTestHost(p Plugin) *TestHost {
	h := &TestHost{cmds: map[string]uint32{}, denied: map[Capability]bool{}}
	h.rt = newRuntime(testABI{h}, p)
	return h
}

// Deny makes the host refuse calls that need caps with a permission-denied
// reply, as tote does for capabilities not granted.
func (h *TestHost) Deny(caps ...Capability) {
	for _, c := range caps {
		h.denied[c] = true
	}
}

// SetTools sets what [Context.ListTools] returns (when tools-read is not denied).
func (h *TestHost) SetTools(tools map[string][]string) { h.tools = tools }

// Metadata calls the plugin's metadata export.
func (h *TestHost) Metadata() (Metadata, error) { return guard(h.rt.metadata) }

// Enable calls on_enable. Subscriptions and commands of an earlier
// instance are dropped, as when tote starts a fresh instance. Granted
// defaults to the baseline capabilities minus the denied ones, and DataDir
// to "/" when data-dir is granted.
func (h *TestHost) Enable(in api.EnableInput) error {
	h.subs, h.specs, h.cmds = nil, nil, map[string]uint32{}
	if in.Reason == "" {
		in.Reason = Startup
	}
	if in.Granted == nil {
		for _, c := range api.BaselineCapabilities {
			if !h.denied[c] {
				in.Granted = append(in.Granted, c)
			}
		}
	}
	if in.DataDir == "" && slices.Contains(in.Granted, DataDir) {
		in.DataDir = "/"
	}
	_, err := guard(func() (struct{}, error) { return h.rt.enable(in) })
	h.enabled = err == nil
	return err
}

// Disable calls on_disable with reason.
func (h *TestHost) Disable(reason string) error {
	_, err := guard(func() (struct{}, error) { return struct{}{}, h.rt.disable(api.DisableInput{Reason: reason}) })
	return err
}

// Subscriptions lists the plugin's listeners in the order the host calls
// them.
func (h *TestHost) Subscriptions() []Subscription {
	subs := slices.Clone(h.subs)
	sort.SliceStable(subs, func(i, j int) bool { return subs[i].Priority < subs[j].Priority })
	return subs
}

// Commands lists the commands the plugin registered.
func (h *TestHost) Commands() []api.CommandSpec { return slices.Clone(h.specs) }

// Fire delivers an event to each of the plugin's listeners of kind, in
// priority order, and returns the final result: the JSON of result (nil
// for none) as changed by the listeners. payload is one of the api event
// types (api.InstallEvent, api.DownloadEvent, …) and result one of the
// result types or nil. The first listener error stops the chain and is
// returned.
func (h *TestHost) Fire(kind EventKind, payload, result any) (api.RawJSON, error) {
	if !h.enabled {
		return nil, fmt.Errorf("fire %s: the plugin is not enabled", kind)
	}
	p, err := json.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("fire %s: encode payload: %w", kind, err)
	}
	var res api.RawJSON
	if result != nil {
		if res, err = json.Marshal(result); err != nil {
			return nil, fmt.Errorf("fire %s: encode result: %w", kind, err)
		}
	}
	for _, s := range h.Subscriptions() {
		if s.Event != kind {
			continue
		}
		env := api.EventEnvelope{Listener: s.Listener, Event: kind, Payload: p, Result: res}
		reply, err := guard(func() (api.EventReply, error) { return h.rt.handleEvent(env) })
		if err != nil {
			return res, fmt.Errorf("listener %d (priority %d): %w", s.Listener, s.Priority, err)
		}
		if len(reply.Result) > 0 {
			res = reply.Result
		}
	}
	return res, nil
}

// Run runs the plugin command name with args, as `tote <name> <args…>`.
func (h *TestHost) Run(name string, args ...string) (api.CommandReply, error) {
	handler, ok := h.cmds[name]
	if !ok {
		return api.CommandReply{}, fmt.Errorf("run %s: the plugin registered no such command", name)
	}
	return guard(func() (api.CommandReply, error) {
		return h.rt.handleCommand(api.CommandInvocation{Handler: handler, Name: name, Args: args, Cwd: "/cwd"})
	})
}

// guard turns a panic into an error, as the SDK's exports do.
func guard[T any](fn func() (T, error)) (out T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return fn()
}

// testABI is the host side of a TestHost.
type testABI struct{ h *TestHost }

func (a testABI) refuse(c Capability, what string) []byte {
	return []byte(fmt.Sprintf("%s: plugin may not %s (%s is not granted)", api.PermissionDenied, what, c))
}

func (a testABI) subscribe(in []byte) []byte {
	if a.h.denied[EventBus] {
		return a.refuse(EventBus, "subscribe to events")
	}
	var s api.SubscribeInput
	if err := json.Unmarshal(in, &s); err != nil {
		return []byte("bad subscribe input: " + err.Error())
	}
	if !slices.Contains(api.Events, s.Event) {
		return []byte(fmt.Sprintf("unknown event %q", s.Event))
	}
	a.h.next++
	a.h.subs = append(a.h.subs, Subscription{Listener: a.h.next, Event: s.Event, Priority: Priority(s.Priority)})
	b, _ := json.Marshal(api.SubscribeOutput{Listener: a.h.next})
	return b
}

func (a testABI) registerCommand(in []byte) []byte {
	if a.h.denied[Command] {
		return a.refuse(Command, "register commands")
	}
	var spec api.CommandSpec
	if err := json.Unmarshal(in, &spec); err != nil {
		return []byte("bad register_command input: " + err.Error())
	}
	if _, dup := a.h.cmds[spec.Name]; dup {
		return []byte(fmt.Sprintf("command %q is already registered", spec.Name))
	}
	a.h.next++
	a.h.cmds[spec.Name] = a.h.next
	a.h.specs = append(a.h.specs, spec)
	b, _ := json.Marshal(api.RegisterCommandOutput{Handler: a.h.next})
	return b
}

func (a testABI) listTools([]byte) []byte {
	if a.h.denied[ToolsRead] {
		return a.refuse(ToolsRead, "list tools")
	}
	tools := a.h.tools
	if tools == nil {
		tools = map[string][]string{}
	}
	b, _ := json.Marshal(api.ListToolsOutput{Tools: tools})
	return b
}
