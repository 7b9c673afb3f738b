// Command embed-host is "minipkg", a toy package installer that is not tote
// but embeds tote's extension host (package host/extension): its installs
// fire tote's pre-install and post-install events through one chain of
// prioritised listeners, extensions add commands to it, capabilities come
// from its own configuration, and a faulty extension is contained and,
// after its fault budget, quarantined, while minipkg keeps working.
//
// Two extensions are compiled in (audit and crashy, native Go); any
// WebAssembly extension built with tote's SDK — such as
// examples/policy-extension — is loaded from <home>/extensions/<id>.wasm.
//
//	minipkg -home DIR install NAME VERSION   install (extensions may deny)
//	minipkg -home DIR extensions             list extensions and their state
//	minipkg -home DIR COMMAND [ARGS...]      run a command an extension added
//
// The configuration is <home>/minipkg.json:
//
//	{"extensions": {
//	  "policy": {"config": {"minimum": {"node": "18.0.0"}}},
//	  "audit":  {"enabled": true},
//	  "crashy": {"enabled": true, "max_restarts": 1}
//	}}
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/extension"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	code, err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "minipkg:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// settings is one extension's entry in minipkg.json.
type settings struct {
	Enabled     *bool          `json:"enabled"`
	Permissions []string       `json:"permissions"`
	Deny        []string       `json:"deny"`
	Config      map[string]any `json:"config"`
	MaxRestarts *int           `json:"max_restarts"`
}

// loadConfig reads <home>/minipkg.json (missing: no configuration) into
// the host's StaticConfig.
func loadConfig(home string) (extension.StaticConfig, error) {
	cfg := extension.StaticConfig{Settings: map[string]extension.Settings{}}
	b, err := os.ReadFile(filepath.Join(home, "minipkg.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return cfg, nil
	}
	if err != nil {
		return cfg, err
	}
	var file struct {
		Extensions map[string]settings `json:"extensions"`
	}
	if err := json.Unmarshal(b, &file); err != nil {
		return cfg, fmt.Errorf("%s: %w", filepath.Join(home, "minipkg.json"), err)
	}
	for id, s := range file.Extensions {
		cfg.Settings[id] = extension.Settings{Enabled: s.Enabled, Permissions: s.Permissions, Deny: s.Deny, Config: s.Config,
			Limits: extension.Limits{MaxRestarts: s.MaxRestarts}}
	}
	return cfg, nil
}

// run is minipkg: it returns the exit code and the error to print.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fl := flag.NewFlagSet("minipkg", flag.ContinueOnError)
	fl.SetOutput(stderr)
	home := fl.String("home", filepath.Join(os.TempDir(), "minipkg"), "data directory")
	if err := fl.Parse(args); err != nil {
		return 2, nil
	}
	args = fl.Args()
	if len(args) == 0 {
		return 2, errors.New("usage: minipkg [-home DIR] install NAME VERSION | extensions | COMMAND [ARGS...]")
	}
	cfg, err := loadConfig(*home)
	if err != nil {
		return 1, err
	}
	host := extension.New(extension.Options{
		Home:     *home,
		Config:   cfg,
		Warnings: stderr,
		Natives:  map[string]func(extension.NativeHost) extension.Plugin{"audit": newAudit, "crashy": newCrashy},
		// Reserved names extensions may not take as commands.
		Reserved: []string{"install", "extensions"},
	})
	defer host.Close(context.WithoutCancel(ctx))

	switch args[0] {
	case "install":
		if len(args) != 3 {
			return 2, errors.New("usage: minipkg install NAME VERSION")
		}
		return 0, install(ctx, host, *home, args[1], args[2], stdout)
	case "extensions":
		for _, info := range host.List(ctx, true) {
			fmt.Fprintf(stdout, "%s\t%s\n", info.ID, info.State)
		}
		return 0, nil
	}
	reply, err := host.RunCommand(ctx, args[0], args[1:], "")
	if err != nil {
		return 1, err
	}
	io.WriteString(stdout, reply.Stdout)
	io.WriteString(stderr, reply.Stderr)
	return reply.ExitCode, nil
}

// install "installs" name@version (a directory with a marker file): the
// pre-install chain may deny it, post-install listeners observe it.
func install(ctx context.Context, host *extension.Host, home, name, version string, stdout io.Writer) error {
	ev := api.InstallEvent{Tool: name, Version: version, Spec: version}
	var access api.AccessResult
	if err := host.Fire(ctx, api.EventPreInstall, ev, &access); err != nil {
		return fmt.Errorf("install %s %s: %w", name, version, err)
	}
	dir := filepath.Join(home, "pkgs", name, version)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "INSTALLED"), []byte(name+" "+version+"\n"), 0o644); err != nil {
		return err
	}
	ev.Dir = dir
	if err := host.Fire(ctx, api.EventPostInstall, ev, nil); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "installed %s %s\n", name, version)
	return nil
}

// audit is a native extension: it listens last to pre-install (so it sees
// what every earlier listener decided) and to post-install, keeps a log in
// its data directory, and adds the command `audit`.
type audit struct {
	host      extension.NativeHost
	listeners map[uint32]api.EventKind
}

func newAudit(h extension.NativeHost) extension.Plugin { return &audit{host: h} }

func (a *audit) Metadata(context.Context) (api.ExtensionMetadata, error) {
	return api.ExtensionMetadata{ID: "audit", Name: "Install audit", Version: "1.0.0"}, nil
}

func (a *audit) Enable(_ context.Context, _ api.EnableInput, reg extension.Registrar) error {
	a.listeners = map[uint32]api.EventKind{}
	for _, sub := range []api.SubscribeInput{{Event: api.EventPreInstall, Priority: 255}, {Event: api.EventPostInstall, Priority: 128}} {
		out, err := reg.Subscribe(sub)
		if err != nil {
			return err
		}
		a.listeners[out.Listener] = sub.Event
	}
	// Without the command capability audit still keeps its log.
	if _, err := reg.RegisterCommand(api.CommandSpec{Name: "audit", Description: "Print the install audit log"}); err != nil && a.host.Logger != nil {
		a.host.Logger.Warn("audit runs without its command", "err", err)
	}
	return nil
}

func (a *audit) HandleEvent(_ context.Context, env api.EventEnvelope) (api.EventReply, error) {
	var ev api.InstallEvent
	if err := json.Unmarshal(env.Payload, &ev); err != nil {
		return api.EventReply{}, err
	}
	line := fmt.Sprintf("%s %s %s", a.listeners[env.Listener], ev.Tool, ev.Version)
	if len(env.Result) > 0 {
		var r api.AccessResult
		if err := json.Unmarshal(env.Result, &r); err == nil && r.Deny {
			line += ": denied by an earlier listener: " + r.Reason
		}
	}
	return api.EventReply{}, a.log(line)
}

func (a *audit) log(line string) error {
	if a.host.DataDir == "" {
		return errors.New("no data directory (the data-dir capability is denied)")
	}
	f, err := os.OpenFile(filepath.Join(a.host.DataDir, "audit.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(f, line)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (a *audit) HandleCommand(context.Context, api.CommandInvocation) (api.CommandReply, error) {
	b, err := os.ReadFile(filepath.Join(a.host.DataDir, "audit.log"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return api.CommandReply{}, err
	}
	return api.CommandReply{Stdout: string(b)}, nil
}

func (a *audit) Disable(context.Context, string) error { return nil }

// crashy is a native extension with a bug: its post-install listener
// panics. The host contains each panic (the install goes on) and, past the
// fault budget, quarantines it.
type crashy struct{}

func newCrashy(extension.NativeHost) extension.Plugin { return crashy{} }

func (crashy) Metadata(context.Context) (api.ExtensionMetadata, error) {
	return api.ExtensionMetadata{ID: "crashy", Name: "Buggy notifier"}, nil
}

func (crashy) Enable(_ context.Context, _ api.EnableInput, reg extension.Registrar) error {
	_, err := reg.Subscribe(api.SubscribeInput{Event: api.EventPostInstall, Priority: 64})
	return err
}

func (crashy) HandleEvent(_ context.Context, env api.EventEnvelope) (api.EventReply, error) {
	var m map[string]any
	_ = json.Unmarshal(env.Payload, &m)
	_ = m["notify"].(string) // the bug: there is no "notify" field
	return api.EventReply{}, nil
}

func (crashy) HandleCommand(context.Context, api.CommandInvocation) (api.CommandReply, error) {
	return api.CommandReply{}, errors.New("crashy has no commands")
}

func (crashy) Disable(context.Context, string) error { return nil }
