// Package native compiles the stats extension into tote: importing it
// registers the native extension "stats", which runs only when
// [extensions.stats] enabled = true. Its counts live in
// $TOTE_HOME/extensions/stats/, as with the WASM build.
package native

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/extension"
	"github.com/tote-dev/tote/plugins/stats"
)

func init() { extension.RegisterNative(stats.ID, New) }

// New returns the native stats extension for host.
func New(host extension.NativeHost) extension.Plugin { return &plugin{host: host} }

type plugin struct {
	host      extension.NativeHost
	s         *stats.Stats
	listeners map[uint32]api.EventKind
}

var _ extension.Plugin = (*plugin)(nil)

func (p *plugin) Metadata(context.Context) (api.ExtensionMetadata, error) { return stats.Metadata, nil }

func (p *plugin) Enable(_ context.Context, in api.EnableInput, reg extension.Registrar) error {
	store := stats.Memory()
	if p.host.DataDir != "" {
		store = stats.Dir(p.host.DataDir)
	}
	p.s = stats.New(store)
	p.listeners = map[uint32]api.EventKind{}
	for _, sub := range stats.Subscriptions {
		out, err := reg.Subscribe(sub)
		if err != nil {
			return fmt.Errorf("subscribe to %s: %w", sub.Event, err)
		}
		p.listeners[out.Listener] = sub.Event
	}
	if _, err := reg.RegisterCommand(stats.Command); err != nil {
		return fmt.Errorf("register command %q: %w", stats.Command.Name, err)
	}
	return nil
}

func (p *plugin) HandleEvent(_ context.Context, env api.EventEnvelope) (api.EventReply, error) {
	var line string
	var err error
	switch p.listeners[env.Listener] {
	case api.EventPostInstall:
		var e api.InstallEvent
		if err := json.Unmarshal(env.Payload, &e); err != nil {
			return api.EventReply{}, fmt.Errorf("decode %s payload: %w", env.Event, err)
		}
		line, err = p.s.Install(e)
	case api.EventPostRun:
		var e api.RunEvent
		if err := json.Unmarshal(env.Payload, &e); err != nil {
			return api.EventReply{}, fmt.Errorf("decode %s payload: %w", env.Event, err)
		}
		line, err = p.s.Run(e)
	default:
		return api.EventReply{}, fmt.Errorf("unknown listener %d for %s", env.Listener, env.Event)
	}
	if p.host.Logger != nil {
		p.host.Logger.Info(line)
	}
	return api.EventReply{}, err
}

func (p *plugin) HandleCommand(_ context.Context, inv api.CommandInvocation) (api.CommandReply, error) {
	if inv.Name != stats.Command.Name {
		return api.CommandReply{}, fmt.Errorf("unknown command %q", inv.Name)
	}
	return p.s.Command(inv.Args), nil
}

func (p *plugin) Disable(context.Context, string) error { return nil }
