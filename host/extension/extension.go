// Package extension hosts extension plugins: plugins that observe and steer
// tote's own lifecycle (installs, downloads, runs) through prioritised
// events, and add commands to the CLI.
//
// It is public so that any Go program can embed tote's plugin model —
// events with priorities, commands, capabilities granted by configuration,
// fault containment — without being tote: give [New] a data root and a
// [Config] (a [StaticConfig] in code will do), register native extensions
// with [RegisterNative] or put WebAssembly ones in <Home>/extensions, then
// [Host.Fire] events and [Host.RunCommand] commands. examples/embed-host in
// the tote repository is such a program.
//
// An extension is either a WebAssembly file in $TOTE_HOME/extensions (or
// declared under [plugins.extensions]) built against the extension contract
// of package api, or a native extension compiled into tote and registered
// with [RegisterNative]. Both are seen through one interface, [Plugin], and
// their listeners share one ordered chain per event.
//
// The [Host] owns the lifecycle: it discovers extensions cheaply, loads
// them lazily (only those that listen to the event being fired, as the
// subscription cache says), calls on_enable, dispatches events, runs
// commands, contains faults (a trapped or timed-out instance is replaced and
// re-enabled with reason "recovered"; repeated faults quarantine the plugin)
// and calls on_disable when it closes.
package extension

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"

	"github.com/tote-dev/tote/api"
)

// Plugin is one extension, native or WASM; the host and the CLI only see
// this.
type Plugin interface {
	// Metadata returns the plugin's metadata.
	Metadata(ctx context.Context) (api.ExtensionMetadata, error)
	// Enable runs on_enable. A WASM plugin's subscribe and register_command
	// host calls go to reg; a native plugin calls reg directly.
	Enable(ctx context.Context, in api.EnableInput, reg Registrar) error
	// HandleEvent calls one listener.
	HandleEvent(ctx context.Context, env api.EventEnvelope) (api.EventReply, error)
	// HandleCommand runs a registered command.
	HandleCommand(ctx context.Context, inv api.CommandInvocation) (api.CommandReply, error)
	// Disable runs on_disable.
	Disable(ctx context.Context, reason string) error
}

// Registrar receives a plugin's subscriptions and commands during Enable.
// Calls outside Enable fail.
type Registrar interface {
	// Subscribe adds a listener to the event's chain.
	Subscribe(in api.SubscribeInput) (api.SubscribeOutput, error)
	// RegisterCommand adds `tote <name>`.
	RegisterCommand(spec api.CommandSpec) (api.RegisterCommandOutput, error)
}

// NativeHost is what a native extension gets from the host.
type NativeHost struct {
	// ID is the extension id.
	ID string
	// DataDir is its data directory (a real path, created by the host);
	// empty when the data-dir capability is denied.
	DataDir string
	// Config is its [extensions.<id>.config] table; nil when config-read
	// is denied.
	Config map[string]any
	// Logger logs with the attribute extension=<id>.
	Logger *slog.Logger
}

// ValidID returns nil when id is a valid extension id:
// [a-z0-9][a-z0-9_-]{0,63}.
func ValidID(id string) error {
	if !validID(id) {
		return fmt.Errorf("invalid extension id %q: want 1 to 64 of a-z, 0-9, _ and -, starting with a letter or digit", id)
	}
	return nil
}

// validID matches [a-z0-9][a-z0-9_-]{0,63} (a loop: compiling that
// regular expression cost every tote command about 700 allocations at
// start-up, when the native extensions register).
func validID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || i > 0 && (c == '_' || c == '-')) {
			return false
		}
	}
	return true
}

// natives are the compiled-in extensions, registered from init functions
// (caddy's model); guarded because tests register their own.
var natives = struct {
	sync.Mutex
	m map[string]func(NativeHost) Plugin
}{m: map[string]func(NativeHost) Plugin{}}

// RegisterNative adds a compiled-in extension. It panics on an invalid or
// duplicate id or a nil constructor, since those are programming errors.
// The extension is enabled only when [extensions.<id>] enabled = true.
// newPlugin must have no side effects: setup belongs in Enable.
func RegisterNative(id string, newPlugin func(NativeHost) Plugin) {
	if err := ValidID(id); err != nil {
		panic("extension.RegisterNative: " + err.Error())
	}
	if newPlugin == nil {
		panic("extension.RegisterNative: nil constructor for " + id)
	}
	natives.Lock()
	defer natives.Unlock()
	if _, dup := natives.m[id]; dup {
		panic("extension.RegisterNative: duplicate extension id " + id)
	}
	natives.m[id] = newPlugin
}

// registeredNatives returns a copy of the registered natives.
func registeredNatives() map[string]func(NativeHost) Plugin {
	natives.Lock()
	defer natives.Unlock()
	out := make(map[string]func(NativeHost) Plugin, len(natives.m))
	for k, v := range natives.m {
		out[k] = v
	}
	return out
}

// NativeIDs returns the ids of the registered native extensions, sorted.
func NativeIDs() []string {
	m := registeredNatives()
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
