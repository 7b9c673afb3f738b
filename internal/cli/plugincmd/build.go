package plugincmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tote-dev/tote/internal/cli"
	"github.com/tote-dev/tote/internal/plugintool"
)

// buildOptions are the inputs of `tote plugin build`.
type buildOptions struct {
	IO      *cli.IOStreams
	Dir     string
	Output  string
	Release bool
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
goes to stderr, followed by hints for common mistakes.`,
		Example: `  tote plugin build
  tote plugin build ./my-tool -o dist/my_tool.wasm --release`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = "."
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return buildRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write the .wasm to `OUT`")
	cmd.Flags().BoolVar(&opts.Release, "release", false, `strip paths and symbols (-trimpath -ldflags="-s -w")`)
	return cmd
}

func buildRun(ctx context.Context, opts *buildOptions) error {
	if ctx == nil {
		ctx = context.Background()
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
