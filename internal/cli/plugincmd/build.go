package plugincmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"os"
	"path/filepath"

	"github.com/tote-dev/tote/host/plugintool"
	"github.com/tote-dev/tote/internal/cli"
	"github.com/tote-dev/tote/internal/toolchain"
)

// buildOptions are the inputs of `tote plugin build`.
type buildOptions struct {
	IO      *cli.IOStreams
	Dir     string
	Output  string
	Release bool
	// Builtin names a built-in plugin to build from tote's source.
	Builtin string
	// Install puts a built-in's .wasm where builtin+wasm:// finds it.
	Install bool
	// Home is $TOTE_HOME.
	Home string
}

func newCmdBuild(f *cli.Factory, runF func(context.Context, *buildOptions) error) *cobra.Command {
	opts := &buildOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "build [DIR]",
		Short: "Build a Go plugin into a .wasm file",
		Long: `Build the Go plugin in DIR (default: the current directory) into a .wasm.

This runs "go build -buildmode=c-shared -o OUT ." in DIR with GOOS=wasip1 and
GOARCH=wasm, keeping the rest of your environment, and needs Go >= 1.24. The
default OUT is the last element of the module path with '-' replaced by '_',
plus .wasm, in DIR: module "my-tool" gives my_tool.wasm. --release strips it
with -trimpath -ldflags="-s -w".

The absolute path of the .wasm is printed on stdout; the compiler's output
goes to stderr, followed by hints for common mistakes.

--builtin NAME builds the WASM adapter of a built-in plugin (go, node, zig,
deno, bun, ...) from a tote checkout, for publishing it as NAME.wasm; with
--install it goes to $TOTE_HOME/plugins/builtin/NAME.wasm, where the locator
builtin+wasm://NAME finds it.`,
		Example: `  tote plugin build
  tote plugin build ./my-tool -o dist/my_tool.wasm --release
  tote plugin build --builtin node --release --install`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = "."
			opts.Home = f.Home
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			if opts.Builtin == "" && opts.Install {
				return fmt.Errorf("--install goes with --builtin")
			}
			if opts.Builtin != "" && len(args) == 1 {
				return fmt.Errorf("give either DIR or --builtin, not both")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return buildRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write the .wasm to `OUT`")
	cmd.Flags().BoolVar(&opts.Release, "release", false, `strip paths and symbols (-trimpath -ldflags="-s -w")`)
	cmd.Flags().StringVar(&opts.Builtin, "builtin", "", "build the WASM adapter of built-in `NAME` from tote's source")
	cmd.Flags().BoolVar(&opts.Install, "install", false, "with --builtin: install it for builtin+wasm://NAME")
	return cmd
}

func buildRun(ctx context.Context, opts *buildOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if opts.Builtin != "" {
		dir, err := plugintool.BuiltinDir(ctx, opts.Builtin)
		if err != nil {
			return err
		}
		opts.Dir = dir
		switch {
		case opts.Install:
			opts.Output = toolchain.BuiltinWasmPath(filepath.Join(opts.Home, "plugins"), opts.Builtin)
			if err := os.MkdirAll(filepath.Dir(opts.Output), 0o755); err != nil {
				return err
			}
		case opts.Output == "":
			opts.Output = opts.Builtin + ".wasm"
		}
		if abs, err := filepath.Abs(opts.Output); err == nil {
			opts.Output = abs
		}
	}
	out, err := plugintool.Build(ctx, plugintool.BuildOptions{
		Dir:     opts.Dir,
		Output:  opts.Output,
		Release: opts.Release,
		Stdout:  opts.IO.ErrOut,
		Stderr:  opts.IO.ErrOut,
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(opts.IO.Out, out)
	return nil
}
