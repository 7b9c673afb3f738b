// Package cli wires tote's commands. Each command is thin: it checks its
// flags and arguments, then calls into the packages that do the work.
package cli

import (
	"io/fs"
	"path/filepath"

	"context"
	"errors"
	"fmt"
	"github.com/tote-dev/tote/internal/shellquote"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/tote-dev/tote/host/plaintext"
)

// Version is tote's version, set at build time with -ldflags "-X".
var Version = "0.1.0-dev"

// ExitError carries a specific exit code, such as a tool's own exit code
// passed through by `tote run`.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// HintError adds a hint line under an error.
type HintError struct {
	Err error
	Msg string
}

func (e *HintError) Error() string { return e.Err.Error() }
func (e *HintError) Unwrap() error { return e.Err }

// Hint returns the hint.
func (e *HintError) Hint() string { return e.Msg }

// Command builds one top-level command. Commands that live in their own
// packages (which import cli for the Factory, so cli cannot import them)
// are passed to Main by the main package, which wires them explicitly.
type Command func(*Factory) *cobra.Command

// Main runs tote with the process's arguments and returns its exit code.
// extra are top-level commands defined outside this package.
func Main(extra ...Command) int {
	return Run(context.Background(), os.Args[1:], SystemIO(), extra...)
}

// Run runs tote with args and the given streams and returns the exit code.
// Errors are printed to ErrOut as "tote: error: ..." (plus "tote: hint: ..."),
// and map to exit code 1 unless they carry their own code. extra are
// top-level commands defined outside this package.
func Run(ctx context.Context, args []string, io *IOStreams, extra ...Command) int {
	parent := ctx
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// After the first Ctrl-C, a second one kills tote at once.
		<-ctx.Done()
		stop()
	}()
	f := &Factory{IO: io, Version: Version}
	root := NewRootCmd(f, extra...)
	args = normalizeArgs(args)
	addExtensionCommands(ctx, f, root, args)
	tameCobra(root)
	addCompletions(root, f)
	root.SetArgs(args)
	root.SetIn(io.In)
	root.SetOut(io.Out)
	root.SetErr(io.ErrOut)
	err := root.ExecuteContext(ctx)
	if f.cleanup != nil {
		f.cleanup() // removes the progress bars, closes plugins
	}
	if parent.Err() == nil && ctx.Err() != nil {
		// Ctrl-C (or SIGTERM): the work stopped where it was; the deferred
		// clean-ups removed staging directories and released the locks.
		fmt.Fprintln(io.ErrOut, "tote: interrupted")
		return 130
	}
	if err == nil {
		return 0
	}
	var exit *ExitError
	if errors.As(err, &exit) && exit.Err == nil {
		return exit.Code
	}
	// Errors carry what plugins said: capped, control characters escaped.
	fmt.Fprintf(io.ErrOut, "tote: error: %s\n", plaintext.Text(strings.TrimSpace(err.Error()), 0))
	if h := hintOf(err); h != "" {
		fmt.Fprintf(io.ErrOut, "tote: hint: %s\n", plaintext.Text(h, 0))
	} else if h := homeHint(f.Home, err); h != "" {
		fmt.Fprintf(io.ErrOut, "tote: hint: %s\n", h)
	}
	if errors.As(err, &exit) {
		return exit.Code
	}
	return 1
}

// parseLevel maps --log values onto slog levels; "off" disables logging.
func parseLevel(s string) (slog.Level, bool, error) {
	switch strings.ToLower(s) {
	case "off":
		return 0, false, nil
	case "error":
		return slog.LevelError, true, nil
	case "", "warn":
		return slog.LevelWarn, true, nil
	case "info":
		return slog.LevelInfo, true, nil
	case "debug":
		return slog.LevelDebug, true, nil
	case "trace":
		return LevelTrace, true, nil
	}
	return 0, false, fmt.Errorf("invalid log level %q: use off, error, warn, info, debug or trace", s)
}

// NewRootCmd builds the tote command tree: this package's commands plus
// extra.
func NewRootCmd(f *Factory, extra ...Command) *cobra.Command {
	var logLevel string
	root := &cobra.Command{
		Use:   "tote",
		Short: "tote installs and runs the exact tool versions your project pins",
		Long: `tote is a toolchain version manager. Pin tools in a .prototools file
(for example node = "20" or go = "1.22"), then run "tote install" to fetch
them and "tote run node" (or just "node", through a shim) to run them.

Every tool-specific decision is made by a sandboxed WebAssembly plugin that
speaks proto's tool-plugin contract.

Environment:
  TOTE_HOME            where tote keeps tools, shims and caches (default ~/.tote)
  TOTE_LOG             log level, like --log
  TOTE_OFFLINE=1       never use the network; use cached data and installed tools
  TOTE_<TOOL>_VERSION  override the detected version of one tool
  TOTE_TRUSTED_PATHS   directories whose .prototools are trusted (see tote trust)`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       f.Version,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			logger, err := loggerFor(f.IO.ErrOut, logLevel, cmd.Flags().Changed("log"))
			if err != nil {
				return err
			}
			f.Logger = logger
			home, err := ResolveHome()
			if err != nil {
				return fmt.Errorf("cannot find the tote home directory: %w", err)
			}
			f.Home = home
			return nil
		},
	}
	root.PersistentFlags().StringVar(&logLevel, "log", "warn", "log level: off, error, warn, info, debug or trace (also TOTE_LOG)")
	root.SetVersionTemplate("tote {{.Version}}\n")
	for _, c := range []Command{
		newCmdInstall, newCmdUninstall,
		newCmdPin, newCmdUnpin, newCmdClean,
		newCmdVersions, newCmdList, newCmdStatus, newCmdOutdated,
		newCmdRun, newCmdWhich,
		newCmdEnv, newCmdActivate, newCmdDeactivate, newCmdHookEnv, newCmdSetup, newCmdDoctor, newCmdRegen, newCmdImport,
		newCmdInstallGlobal, newCmdUninstallGlobal, newCmdListGlobal,
	} {
		root.AddCommand(c(f))
	}
	for _, c := range extra {
		root.AddCommand(c(f))
	}
	return root
}

// homeHint explains an error writing inside $TOTE_HOME: which directory,
// and how to fix it.
func homeHint(home string, err error) string {
	if home == "" {
		return ""
	}
	var pe *fs.PathError
	var le *os.LinkError
	path := ""
	switch {
	case errors.As(err, &pe):
		path = pe.Path
	case errors.As(err, &le):
		path = le.New
	default:
		return ""
	}
	if !errors.Is(err, fs.ErrPermission) && !errors.Is(err, syscall.EROFS) {
		return ""
	}
	rel, rerr := filepath.Rel(home, path)
	if rerr != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		// Creating $TOTE_HOME itself fails in its parent.
		if filepath.Dir(home) != path && !strings.HasPrefix(home, path+string(filepath.Separator)) {
			return ""
		}
	}
	return fmt.Sprintf("tote writes its tools, shims and caches under $TOTE_HOME (%s) and cannot write %s; make it writable (chmod -R u+w %s), or set TOTE_HOME to a directory you own", home, path, shellquote.Quote(home))
}
