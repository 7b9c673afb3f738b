package extension

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/tote-dev/tote/api"
)

// CommandInfo is a command an extension adds to the CLI.
type CommandInfo struct {
	// Extension is the extension that registered it.
	Extension string
	api.CommandSpec
}

// Commands returns the commands of the enabled extensions, sorted by name.
// They come from the subscription cache when it is fresh, so listing them
// (for `tote --help`) does not instantiate WebAssembly; extensions the
// cache does not know yet are loaded once to find out.
func (h *Host) Commands(ctx context.Context) []CommandInfo {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.loadStale(ctx)
	var out []CommandInfo
	for _, e := range h.entries {
		for _, s := range h.commandSpecs(e) {
			out = append(out, CommandInfo{Extension: e.id, CommandSpec: s})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// loadStale loads the enabled extensions the cache does not describe.
// h.mu is held.
func (h *Host) loadStale(ctx context.Context) {
	h.discover()
	loaded := false
	for _, e := range h.entries {
		if e.state == StateIdle {
			if _, ok := h.fresh(e); !ok {
				h.load(ctx, e)
				loaded = true
			}
		}
	}
	if loaded {
		h.rebuild()
	}
	h.flushCache()
}

// commandSpecs returns e's commands, live or cached. h.mu is held.
func (h *Host) commandSpecs(e *entry) []api.CommandSpec {
	switch e.state {
	case StateEnabled:
		var s []api.CommandSpec
		for _, c := range e.commands {
			s = append(s, c.spec)
		}
		return s
	case StateIdle:
		if c, ok := h.fresh(e); ok {
			return c.Commands
		}
	}
	return nil
}

// RunCommand runs `tote <name> args...` in the extension that registered
// name, loading it if needed. The reply's Stdout, Stderr and ExitCode are
// for the caller to print and return.
func (h *Host) RunCommand(ctx context.Context, name string, args []string, cwd string) (api.CommandReply, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.loadStale(ctx)
	var owner *entry
	for _, e := range h.entries {
		for _, s := range h.commandSpecs(e) {
			if s.Name == name && owner == nil {
				owner = e
			}
		}
	}
	if owner == nil {
		return api.CommandReply{}, fmt.Errorf("no extension provides the command %q", name)
	}
	e := owner
	if e.state == StateIdle {
		h.load(ctx, e)
		h.rebuild()
		h.flushCache()
	}
	if e.state != StateEnabled {
		return api.CommandReply{}, fmt.Errorf("extension %q cannot run %q: it is %s: %v", e.id, name, e.state, e.err)
	}
	if err := h.recover(ctx, e); err != nil {
		return api.CommandReply{}, err
	}
	if e.state != StateEnabled {
		return api.CommandReply{}, fmt.Errorf("extension %q cannot run %q: it is %s: %v", e.id, name, e.state, e.err)
	}
	var cmd *command
	for _, c := range e.commands {
		if c.spec.Name == name {
			cmd = c
		}
	}
	if cmd == nil {
		return api.CommandReply{}, fmt.Errorf("extension %q no longer registers the command %q", e.id, name)
	}
	if args == nil {
		args = []string{}
	}
	inv := api.CommandInvocation{Handler: cmd.handler, Name: name, Args: args, Cwd: cwd}
	var reply api.CommandReply
	err := h.call(e, api.FuncHandleCommand, func() error {
		var err error
		reply, err = e.plugin.HandleCommand(ctx, inv)
		return err
	})
	if err == nil {
		h.clearFaultsAfterSuccess(e)
	}
	return reply, err
}

// Info describes one extension for `tote extension list` and `info`.
type Info struct {
	// ID is the extension id.
	ID string `json:"id"`
	// Kind is "wasm" or "native".
	Kind string `json:"kind"`
	// Path is the .wasm file (wasm only).
	Path string `json:"path,omitempty"`
	// State is what the host did with it in this process.
	State State `json:"state"`
	// Enabled is the configured state.
	Enabled bool `json:"enabled"`
	// Error says why it was refused or quarantined.
	Error string `json:"error,omitempty"`
	// Metadata is from the plugin (live or cached); zero if never probed.
	Metadata api.ExtensionMetadata `json:"metadata"`
	// Requested are the capabilities the plugin asks for.
	Requested []api.Capability `json:"requested"`
	// Granted are the capabilities in force.
	Granted []api.Capability `json:"granted"`
	// Hosts is the network allow-list.
	Hosts []string `json:"hosts,omitempty"`
	// Subscriptions and Commands are what it registered.
	Subscriptions []api.SubscribeInput `json:"subscriptions"`
	Commands      []api.CommandSpec    `json:"commands"`
	// Faults counts its faults in a row (across tote processes, within
	// the fault window).
	Faults int `json:"faults"`
	// QuarantinedAt is when it was quarantined; absent when it is not.
	QuarantinedAt *time.Time `json:"quarantined_at,omitempty"`
	// DataDir is its data directory.
	DataDir string `json:"data_dir,omitempty"`
}

// List describes every discovered extension, in load order. With load,
// every enabled extension is loaded first (so states and registrations are
// live); otherwise they come from the cache where possible.
func (h *Host) List(ctx context.Context, load bool) []Info {
	h.mu.Lock()
	defer h.mu.Unlock()
	if load {
		h.ensure(ctx, "")
	} else {
		h.discover()
	}
	out := make([]Info, 0, len(h.entries))
	for _, e := range h.entries {
		out = append(out, h.info(e))
	}
	return out
}

// Lookup returns the Info of one extension, loading it when it is enabled
// and load is set; false when no extension has that id.
func (h *Host) Lookup(ctx context.Context, id string, load bool) (Info, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.discover()
	e, ok := h.byID[id]
	if !ok {
		return Info{}, false
	}
	if load && e.state == StateIdle {
		h.load(ctx, e)
		h.rebuild()
		h.flushCache()
	}
	return h.info(e), true
}

func (h *Host) info(e *entry) Info {
	in := Info{ID: e.id, Kind: e.kind, Path: e.path, State: e.state, Enabled: e.enabled,
		Granted: e.grants.List(), Hosts: e.grants.Hosts, Faults: len(e.faults)}
	if e.grants.Has(api.CapDataDir) {
		in.DataDir = h.dataDir(e)
	}
	if e.err != nil {
		in.Error = e.err.Error()
	}
	if e.state == StateQuarantined && !e.quarantinedAt.IsZero() {
		at := e.quarantinedAt
		in.QuarantinedAt = &at
	}
	switch e.state {
	case StateEnabled, StateQuarantined:
		in.Metadata = e.meta
		for _, l := range e.listeners {
			in.Subscriptions = append(in.Subscriptions, l.SubscribeInput)
		}
		for _, c := range e.commands {
			in.Commands = append(in.Commands, c.spec)
		}
	default:
		if c, ok := h.cache.Entries[e.id]; ok && c.Kind == e.kind {
			in.Metadata = c.Metadata
			in.Subscriptions = c.Subscriptions
			in.Commands = c.Commands
		}
	}
	in.Requested = in.Metadata.Permissions
	return in
}
