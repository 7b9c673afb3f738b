package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/extension"
	"github.com/tote-dev/tote/host/plaintext"
	"github.com/tote-dev/tote/host/runtime"
	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/store"
	"github.com/tote-dev/tote/internal/toolchain"
)

// reservedCommands are the names extension commands may not take besides
// the root's own commands.
var reservedCommands = []string{"help", "completion"}

// Extensions returns the extension host of this invocation, built once
// from the configuration of the working directory and closed (on_disable)
// when the command ends. Nothing is loaded until it is needed.
func (f *Factory) Extensions(ctx context.Context) (*extension.Host, error) {
	if f.ext != nil {
		return f.ext, nil
	}
	if f.Home == "" {
		home, err := ResolveHome()
		if err != nil {
			return nil, fmt.Errorf("cannot find the tote home directory: %w", err)
		}
		f.Home = home
	}
	cfg, _, _, err := f.loadConfig()
	if err != nil {
		return nil, err
	}
	return f.extensionHost(cfg), nil
}

// extensionHost builds the host for cfg once.
func (f *Factory) extensionHost(cfg *config.Config) *extension.Host {
	if f.ext != nil {
		return f.ext
	}
	logger := f.Logger
	if logger == nil {
		level, on, _ := parseLevel(os.Getenv("TOTE_LOG"))
		if on {
			logger = slog.New(newLogHandler(f.IO.ErrOut, level))
		}
	}
	st := store.Store{Home: f.Home}
	f.ext = extension.New(extension.Options{
		Home:    f.Home,
		Config:  cfg,
		Runtime: runtime.NewConfig().WithOutput(f.IO.Out, f.IO.ErrOut).WithHTTPClient(httpClient(cfg)).WithRewrite(cfg.Settings().RewriteURL),
		Logger:  logger, Warnings: f.IO.ErrOut, ToteVersion: f.Version,
		NativeFingerprint: nativeFingerprint(f.Version, st.CacheDir()),
		Reserved:          f.reserved,
		ListTools:         func() (map[string][]string, error) { return installedTools(st) },
	})
	h := f.ext
	f.OnExit(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		h.Close(ctx)
	})
	return h
}

// nativeFingerprint identifies this build of tote, so that cached
// metadata of the native extensions compiled into it is reused only by the
// same code: the sha256 of the executable (the same content key as the
// built-in tools'), or, when it cannot be read, its size and modification
// time.
func nativeFingerprint(version, cacheDir string) string {
	if d, err := toolchain.SelfDigest(cacheDir); err == nil {
		return "tote sha256:" + d
	}
	fp := "tote " + version
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			fp += fmt.Sprintf(" %d %d", fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return fp
}

func installedTools(st store.Store) (map[string][]string, error) {
	out := map[string][]string{}
	ents, err := os.ReadDir(st.ToolsDir())
	if err != nil {
		if os.IsNotExist(err) {
			return out, nil
		}
		return nil, err
	}
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		vs, err := st.InstalledVersions(e.Name())
		if err == nil && len(vs) > 0 {
			out[e.Name()] = vs
		}
	}
	return out, nil
}

// addExtensionCommands adds the commands registered by extensions to root,
// from the subscription cache, unless args name a built-in command (so
// built-in commands never pay for it). A name that clashes with a built-in
// command is refused with a warning.
func addExtensionCommands(ctx context.Context, f *Factory, root *cobra.Command, args []string) {
	builtin := map[string]bool{}
	for _, name := range reservedCommands {
		builtin[name] = true
	}
	for _, c := range root.Commands() {
		builtin[c.Name()] = true
		for _, a := range c.Aliases {
			builtin[a] = true
		}
	}
	for name := range builtin {
		f.reserved = append(f.reserved, name)
	}
	if first := firstWord(args); first != "" && first != "help" && builtin[first] {
		return
	}
	h, err := f.Extensions(ctx)
	if err != nil {
		return // the command itself reports the configuration problem
	}
	cmds := h.Commands(ctx)
	if len(cmds) == 0 {
		return
	}
	root.AddGroup(&cobra.Group{ID: "extensions", Title: "Extension commands:"})
	for _, c := range cmds {
		if builtin[c.Name] {
			fmt.Fprintf(f.IO.ErrOut, "tote: warning: extension %q: command %q clashes with a built-in command and is refused\n", c.Extension, c.Name)
			continue
		}
		root.AddCommand(newExtensionCommand(f, c))
	}
}

// firstWord returns the first argument that is not a global flag.
func firstWord(args []string) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return ""
		case a == "--log":
			i++
		case strings.HasPrefix(a, "-"):
		default:
			return a
		}
	}
	return ""
}

func newExtensionCommand(f *Factory, c extension.CommandInfo) *cobra.Command {
	use := c.Name
	if c.Usage != "" {
		use += " " + c.Usage
	}
	short := plaintext.Line(c.Description, 0)
	if short == "" {
		short = "Provided by extension " + c.Extension
	}
	long := plaintext.Text(c.Help, 0)
	if long == "" {
		long = short
	}
	return &cobra.Command{
		Use:                use,
		Short:              short,
		Long:               long + "\n\nProvided by the extension " + c.Extension + ".",
		GroupID:            "extensions",
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 && (args[0] == "--help" || args[0] == "-h") {
				return cmd.Help()
			}
			h, err := f.Extensions(cmd.Context())
			if err != nil {
				return err
			}
			cwd, _ := os.Getwd()
			reply, err := h.RunCommand(cmd.Context(), c.Name, args, cwd)
			if err != nil {
				return err
			}
			io.WriteString(f.IO.Out, reply.Stdout)
			io.WriteString(f.IO.ErrOut, reply.Stderr)
			if reply.ExitCode != 0 {
				return &ExitError{Code: reply.ExitCode}
			}
			return nil
		},
	}
}

// postRunListeners reports whether an extension listens to post-run (which
// makes `tote run` start the tool as a child instead of replacing itself).
func (f *Factory) postRunListeners(ctx context.Context) (*extension.Host, bool) {
	h, err := f.Extensions(ctx)
	if err != nil {
		return nil, false
	}
	return h, h.HasListeners(ctx, api.EventPostRun)
}

// ReloadExtensions closes the extension host (if any) and builds a new one
// from the configuration as it is now, e.g. after `tote extension enable`
// edited it.
func (f *Factory) ReloadExtensions(ctx context.Context) (*extension.Host, error) {
	if f.ext != nil {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		f.ext.Close(cctx)
		cancel()
		f.ext = nil
	}
	return f.Extensions(ctx)
}

// PrintJSON writes v as indented JSON: the one path for --json output.
func PrintJSON(w io.Writer, v any) error { return printJSON(w, v) }
