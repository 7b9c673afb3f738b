// Package ext is the guest kit for writing tote extension plugins in Go:
// plugins that observe and steer tote itself (installs, downloads, runs)
// through prioritised events, and add commands to its CLI.
//
// An extension is a package main built like a tool plugin, with the
// standard Go toolchain (1.24 or later):
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o policy.wasm .
//
// and deployed by copying the .wasm into $TOTE_HOME/extensions/. It
// registers one [Plugin] from init and writes no //go:wasmexport lines:
// importing this package exports the contract's functions (metadata,
// on_enable, on_disable, handle_event, handle_command). They live here,
// not in package sdk, so that tool plugins do not export them. Package sdk
// remains available for logging ([sdk.Info] and friends), version specs
// and host calls.
//
// A complete extension that refuses old versions of configured tools,
// counts installs and serves `tote installs`:
//
//	package main
//
//	import (
//		"fmt"
//
//		"github.com/tote-dev/tote/sdk"
//		"github.com/tote-dev/tote/sdk/ext"
//	)
//
//	type Policy struct {
//		minimum  map[string]string // tool -> lowest allowed version
//		installs int
//	}
//
//	func (p *Policy) Metadata() ext.Metadata {
//		return ext.Metadata{ID: "policy", Name: "Version policy", Version: "1.0.0"}
//	}
//
//	func (p *Policy) OnEnable(ctx *ext.Context) error {
//		cfg, err := ext.DecodeConfig(ctx, struct {
//			Minimum map[string]string `json:"minimum"`
//		}{})
//		if err != nil {
//			return err
//		}
//		p.minimum = cfg.Minimum
//		ctx.On(ext.PreInstall, ext.Normal, func(e *ext.PreInstallEvent) *ext.AccessResult {
//			if min, ok := p.minimum[e.Tool]; ok && sdk.CompareVersions(e.Version, min) < 0 {
//				return e.Deny(fmt.Sprintf("%s %s is below the minimum %s", e.Tool, e.Version, min))
//			}
//			return nil // unchanged
//		})
//		ctx.On(ext.PostInstall, ext.Normal, func(e *ext.PostInstallEvent) {
//			p.installs++
//			sdk.Info("[policy] installed %s %s", e.Tool, e.Version)
//		})
//		return ctx.Command("installs").
//			Description("Show how many installs this process saw").
//			Handler(func(inv ext.Invocation) error {
//				inv.Printf("%d\n", p.installs)
//				return nil
//			}).
//			Register()
//	}
//
//	func init() { ext.RegisterPlugin(&Policy{}) }
//
//	func main() {}
//
// # Life cycle
//
// tote loads every extension at start-up, calls metadata, then on_enable,
// which runs [Plugin.OnEnable] with a [Context]. OnEnable is synchronous:
// it subscribes with [Context.On] and registers commands with
// [Context.Command], and both work only while it runs. When a call traps,
// times out or runs out of memory, tote discards the instance and starts a
// fresh one on the next call; OnEnable runs again with [Context.Reason]
// [Recovered], and in-memory state starts over (keep what matters in the
// data directory). After too many faults the plugin is quarantined for the
// rest of the process. [Disabler] is told about shutdown and quarantine.
//
// # Events and results
//
// [Context.On] takes an event kind, a [Priority] and a handler. Listeners
// of all extensions, native and WASM, form one chain per event, lowest
// priority first ([First] 0, [Early] 64, [Normal] 128, [Late] 192, [Last]
// 255), ties in subscription order. Each handler gets a typed event:
//
//	PreInstall      *PreInstallEvent      -> *AccessResult
//	PreDownload     *PreDownloadEvent     -> *DownloadResult
//	PreRun          *PreRunEvent          -> *RunResult
//	PreUninstall    *PreUninstallEvent    -> *AccessResult
//	PostInstall     *PostInstallEvent
//	PostRun         *PostRunEvent
//	PostUninstall   *PostUninstallEvent
//	VersionResolved *VersionResolvedEvent
//
// The pre-* events are access events: the event's Current field holds the
// result the earlier listeners settled on, and the handler returns a new
// result, or nil to leave it unchanged. The events build results for you:
// e.Deny(reason), e.Allow() (which undoes an earlier deny),
// PreDownloadEvent.Rewrite(url) and PreRunEvent.Modify(). A handler may
// also return an error; for an access event an error, a panic, a trap or
// a timeout denies the action (fail closed) with a message naming the
// plugin, while observe-only events carry on.
//
// # Commands
//
// A command registered with [Context.Command] appears in `tote --help` and
// runs as `tote <name> [args]`. Its handler gets an [Invocation] with the
// arguments and writes output through Printf, Println, Eprintf and
// Eprintln; returning an error prints it and exits with code 1. A name
// that clashes with one of tote's own commands is refused.
//
// # Capabilities
//
// What a plugin may do is granted per plugin in the user's configuration,
// [extensions.<id>] permissions = [...] and deny = [...]. The baseline
// (event-bus, command, config-read, data-dir) is granted unless denied;
// network, exec, env-read, env-write and tools-read must be granted. A
// call without its capability is refused, not fatal: the plugin gets an
// error matching [ErrPermissionDenied] (see [IsPermissionDenied]) and
// keeps running.
//
// # Data directory
//
// With data-dir, the plugin's directory $TOTE_HOME/extensions/<id>/ is
// mounted at "/" ([Context.DataDir]), so plain os calls persist state:
// os.WriteFile("/counts.json", b, 0o644).
//
// # Testing
//
// [NewTestHost] runs a plugin natively, without WebAssembly, with the
// host's ordering and result passing, for fast unit tests.
package ext
