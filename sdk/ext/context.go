package ext

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/sdk"
)

// Context is what OnEnable gets: why it runs, the plugin's configuration
// and grants, and the methods that subscribe to events and register
// commands. Its registering methods work only during OnEnable.
type Context struct {
	in   api.EnableInput
	rt   *runtime
	done bool
}

// Reason is why OnEnable runs: [Startup] or [Recovered].
func (c *Context) Reason() EnableReason { return c.in.Reason }

// Config is the plugin's own table, [extensions.<id>.config], as decoded
// from TOML (nil when absent). See [DecodeConfig] for a typed view.
func (c *Context) Config() map[string]any { return c.in.Config }

// DataDir is the path, inside the plugin, of its data directory: "/" for
// a WASM plugin, where the host mounts $TOTE_HOME/extensions/<id>/. Use
// the os package on it (os.ReadFile("/counts.json")). Without the data-dir
// capability it is "", nothing is mounted and file operations fail.
func (c *Context) DataDir() string { return c.in.DataDir }

// Granted lists the capabilities in force.
func (c *Context) Granted() []Capability { return slices.Clone(c.in.Granted) }

// Has reports whether capability cap is granted.
func (c *Context) Has(cap Capability) bool { return slices.Contains(c.in.Granted, cap) }

// ToteVersion is the version of the tote running the plugin.
func (c *Context) ToteVersion() string { return c.in.ToteVersion }

// DecodeConfig decodes the plugin's [extensions.<id>.config] table over
// defaults, with the rules of sdk.DecodeToolConfig: missing keys keep
// their defaults, unknown keys are ignored, and keys match fields ignoring
// case, '-' and '_'.
func DecodeConfig[T any](c *Context, defaults T) (T, error) {
	if len(c.in.Config) == 0 {
		return defaults, nil
	}
	raw, err := json.Marshal(c.in.Config)
	if err != nil {
		return defaults, fmt.Errorf("encode [extensions] config: %w", err)
	}
	out, err := sdk.DecodeToolConfig(raw, defaults)
	if err != nil {
		return defaults, fmt.Errorf("invalid [extensions] config: %w", err)
	}
	return out, nil
}

func (c *Context) registering(what string) {
	if c.done {
		panic(fmt.Sprintf("ext: %s after OnEnable returned; subscribe and register commands inside OnEnable", what))
	}
}

// On subscribes handler to the event kind at priority. The handler's type
// must fit the event:
//
//   - any event: func(*E) or func(*E) error, which observe and leave the
//     result unchanged;
//   - access events also: func(*E) *R or func(*E) (*R, error), which return
//     a new result, or nil for unchanged.
//
// where E is the event's type (PreInstall: *PreInstallEvent, PostRun:
// *PostRunEvent, …) and R its result: *AccessResult for PreInstall and
// PreUninstall, *DownloadResult for PreDownload, *RunResult for PreRun.
// A returned error (or a panic) makes the host deny an access event, and
// is logged for an observe-only one.
//
// On panics on an unknown kind or a handler of the wrong type, and when
// called outside OnEnable: these are programming errors, which the host
// reports as a failed on_enable with the file and line. It returns an error
// matching [ErrPermissionDenied] when the event-bus capability is denied;
// the plugin keeps running without the listener.
func (c *Context) On(kind EventKind, priority Priority, handler any) error {
	c.registering("On")
	fn, err := bind(kind, handler)
	if err != nil {
		panic("ext: On: " + err.Error())
	}
	var out api.SubscribeOutput
	if err := call(api.HostSubscribe, c.rt.abi.subscribe, api.SubscribeInput{Event: kind, Priority: uint8(priority)}, &out); err != nil {
		return fmt.Errorf("subscribe to %s: %w", kind, err)
	}
	if _, dup := c.rt.listeners[out.Listener]; dup {
		return fmt.Errorf("subscribe to %s: the host returned listener %d twice", kind, out.Listener)
	}
	c.rt.listeners[out.Listener] = listener{kind: kind, call: fn}
	return nil
}

// Command starts the registration of the command `tote <name>`; finish it
// with [CommandBuilder.Register]:
//
//	ctx.Command("stats").
//		Description("Show install and run counts").
//		Usage("[--json]").
//		Handler(func(inv ext.Invocation) error { … }).
//		Register()
func (c *Context) Command(name string) *CommandBuilder {
	return &CommandBuilder{ctx: c, spec: api.CommandSpec{Name: name}}
}

// CommandBuilder describes a command; see [Context.Command].
type CommandBuilder struct {
	ctx     *Context
	spec    api.CommandSpec
	handler func(Invocation) error
}

// Description sets the one-line help shown by `tote --help`.
func (b *CommandBuilder) Description(s string) *CommandBuilder { b.spec.Description = s; return b }

// Usage sets the argument synopsis, such as "[--json] [TOOL]".
func (b *CommandBuilder) Usage(s string) *CommandBuilder { b.spec.Usage = s; return b }

// Help sets the long help shown by `tote <name> --help`.
func (b *CommandBuilder) Help(s string) *CommandBuilder { b.spec.Help = s; return b }

// Handler sets the function that runs the command. Returning an error
// prints "<name>: <error>" on standard error and exits with code 1 (or the
// code set with [Invocation.SetExitCode]).
func (b *CommandBuilder) Handler(fn func(Invocation) error) *CommandBuilder {
	b.handler = fn
	return b
}

// Register registers the command with the host. It panics without a name
// or a handler, for a name registered twice, and outside OnEnable. It
// returns the host's refusal as an error: [ErrPermissionDenied] when the
// command capability is denied; a name that clashes with one of tote's own
// commands is refused by the host with a warning to the user.
func (b *CommandBuilder) Register() error {
	b.ctx.registering("Register")
	switch {
	case b.spec.Name == "":
		panic("ext: Command(\"\"): a command needs a name")
	case b.handler == nil:
		panic(fmt.Sprintf("ext: command %q: Register without a Handler", b.spec.Name))
	case b.ctx.rt.byName[b.spec.Name] != nil:
		panic(fmt.Sprintf("ext: command %q registered twice", b.spec.Name))
	}
	var out api.RegisterCommandOutput
	if err := call(api.HostRegisterCommand, b.ctx.rt.abi.registerCommand, b.spec, &out); err != nil {
		return fmt.Errorf("register command %q: %w", b.spec.Name, err)
	}
	c := &command{spec: b.spec, handler: b.handler}
	b.ctx.rt.commands[out.Handler] = c
	b.ctx.rt.byName[b.spec.Name] = c
	return nil
}

// Invocation is one run of a plugin command: `tote <Name> <Args…>` in the
// directory Cwd (a host path, for messages). Output written with its
// methods is printed by tote when the command returns.
type Invocation struct {
	// Name is the command's name.
	Name string
	// Args are the arguments after the name; never nil.
	Args []string
	// Cwd is the user's working directory (a host path).
	Cwd string

	out *output
}

type output struct {
	stdout, stderr strings.Builder
	code           int
}

func (inv Invocation) buf() *output {
	if inv.out == nil {
		panic("ext: Invocation used outside a command handler")
	}
	return inv.out
}

// Printf writes to tote's standard output.
func (inv Invocation) Printf(format string, args ...any) {
	fmt.Fprintf(&inv.buf().stdout, format, args...)
}

// Println writes its operands and a newline to tote's standard output.
func (inv Invocation) Println(args ...any) { fmt.Fprintln(&inv.buf().stdout, args...) }

// Eprintf writes to tote's standard error.
func (inv Invocation) Eprintf(format string, args ...any) {
	fmt.Fprintf(&inv.buf().stderr, format, args...)
}

// Eprintln writes its operands and a newline to tote's standard error.
func (inv Invocation) Eprintln(args ...any) { fmt.Fprintln(&inv.buf().stderr, args...) }

// Stdout is tote's standard output as an io.Writer (for text/tabwriter,
// encoding/json, …).
func (inv Invocation) Stdout() io.Writer { return &inv.buf().stdout }

// Stderr is tote's standard error as an io.Writer.
func (inv Invocation) Stderr() io.Writer { return &inv.buf().stderr }

// SetExitCode sets tote's exit code (default 0, or 1 when the handler
// returns an error).
func (inv Invocation) SetExitCode(code int) { inv.buf().code = code }
