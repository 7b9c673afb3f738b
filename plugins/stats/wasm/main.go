//go:build wasip1

// Command wasm is the WebAssembly build of the stats extension, built with
// the SDK: deploy it as $TOTE_HOME/extensions/stats.wasm. Its counts live
// in its data directory, mounted at "/".
package main

import (
	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/stats"
	"github.com/tote-dev/tote/sdk"
	"github.com/tote-dev/tote/sdk/ext"
)

type plugin struct{ s *stats.Stats }

func (*plugin) Metadata() ext.Metadata { return stats.Metadata }

func (p *plugin) OnEnable(ctx *ext.Context) error {
	store := stats.Memory()
	if dir := ctx.DataDir(); dir != "" {
		store = stats.Dir(dir)
	}
	p.s = stats.New(store)
	for _, sub := range stats.Subscriptions {
		var err error
		switch sub.Event {
		case api.EventPostInstall:
			err = ctx.On(sub.Event, ext.Priority(sub.Priority), func(e *ext.PostInstallEvent) error {
				return logged(p.s.Install(e.InstallEvent))
			})
		case api.EventPostRun:
			err = ctx.On(sub.Event, ext.Priority(sub.Priority), func(e *ext.PostRunEvent) error {
				return logged(p.s.Run(e.RunEvent))
			})
		}
		if err != nil {
			return err
		}
	}
	return ctx.Command(stats.Command.Name).
		Description(stats.Command.Description).
		Usage(stats.Command.Usage).
		Help(stats.Command.Help).
		Handler(func(inv ext.Invocation) error {
			r := p.s.Command(inv.Args)
			inv.Printf("%s", r.Stdout)
			inv.Eprintf("%s", r.Stderr)
			inv.SetExitCode(r.ExitCode)
			return nil
		}).
		Register()
}

// logged logs line at info level and returns err.
func logged(line string, err error) error {
	sdk.Info("%s", line)
	return err
}

func init() { ext.RegisterPlugin(&plugin{}) }

func main() {}
