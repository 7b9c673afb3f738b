package cli

import (
	"github.com/vbauerster/mpb/v8"
	"io"
	"log/slog"
	"os"

	"github.com/tote-dev/tote/host/extension"
	"github.com/tote-dev/tote/internal/launch/fastrun"
	"github.com/tote-dev/tote/internal/toolchain"
	"golang.org/x/term"
)

// IOStreams are the standard streams of one command invocation.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// OutTTY is true when Out is a terminal: progress bars, colours and
	// aligned tables are shown only then.
	OutTTY bool
	// ErrTTY is true when ErrOut is a terminal.
	ErrTTY bool
}

// SystemIO returns the process's streams.
func SystemIO() *IOStreams {
	return &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		OutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		ErrTTY: term.IsTerminal(int(os.Stderr.Fd())),
	}
}

// Factory carries what every command needs, built once by Main.
type Factory struct {
	IO *IOStreams
	// Home is $TOTE_HOME (default ~/.tote), absolute.
	Home string
	// Logger writes diagnostics to ErrOut at the level chosen by --log / TOTE_LOG.
	Logger *slog.Logger
	// Version is tote's own version.
	Version string

	cleanup func()
	bars    *mpb.Progress
	manager *toolchain.Manager
	ext     *extension.Host
	// reserved are the built-in command names (extensions may not take them).
	reserved []string
	// warned are the untrusted config files already warned about.
	warned map[string]bool
	// warnedProto is set once the configuration's warnings were printed.
	warnedProto bool
}

// ResolveHome returns $TOTE_HOME, or ~/.tote.
func ResolveHome() (string, error) { return fastrun.Home() }

// OnExit registers fn to run after the command finishes.
func (f *Factory) OnExit(fn func()) {
	prev := f.cleanup
	f.cleanup = func() {
		fn()
		if prev != nil {
			prev()
		}
	}
}

// runCleanup runs the exit hooks now, before the process is replaced.
func (f *Factory) runCleanup() {
	if f.cleanup != nil {
		f.cleanup()
		f.cleanup = nil
	}
}
