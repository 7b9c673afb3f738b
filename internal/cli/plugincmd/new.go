package plugincmd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tote-dev/tote/host/plugintool"
	"github.com/tote-dev/tote/internal/cli"
)

// newOptions are the inputs of `tote plugin new`.
type newOptions struct {
	IO      *cli.IOStreams
	Name    string
	SDKPath string
	Dir     string
}

func newCmdNew(f *cli.Factory, runF func(context.Context, *newOptions) error) *cobra.Command {
	opts := &newOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "new NAME",
		Short: "Scaffold a Go tool plugin",
		Long: `Scaffold a buildable Go tool-plugin module in ./NAME (or --dir).

The module is named NAME and holds main.go (the WebAssembly exports
register_tool, load_versions, download_prebuilt and locate_executables),
tool.go (their logic, for a CLI released on GitHub), main_test.go (host-side
unit tests), README.md and .gitignore. NAME is a lowercase letter followed by
lowercase letters, digits and '-'; the directory must not exist or be empty.

With --sdk PATH, go.mod uses the SDK and contract of the tote checkout at PATH
through replace directives; otherwise it requires the published modules.
"go mod tidy" runs afterwards when go is on PATH; if it fails (offline, say),
tote warns and the module is still created.`,
		Example: `  tote plugin new my-tool
  tote plugin new my-tool --sdk ~/src/tote --dir plugins/my-tool`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if err := plugintool.ValidateName(opts.Name); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return newRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.SDKPath, "sdk", "", "use the tote checkout at `PATH` for the SDK (replace directives)")
	cmd.Flags().StringVar(&opts.Dir, "dir", "", "create the module in `DIR` instead of ./NAME")
	return cmd
}

func newRun(ctx context.Context, opts *newOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	res, err := plugintool.NewPlugin(ctx, plugintool.NewOptions{
		Name:    opts.Name,
		Dir:     opts.Dir,
		SDKPath: opts.SDKPath,
		Tidy:    true,
	})
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(opts.IO.ErrOut, "tote: warning: %s\n", w)
	}
	shown := res.Dir
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, res.Dir); err == nil && !strings.HasPrefix(rel, "..") {
			shown = rel
		}
	}
	out := opts.IO.Out
	fmt.Fprintf(out, "Created %s (tote tool plugin %q):\n", shown, opts.Name)
	for _, f := range res.Files {
		fmt.Fprintf(out, "  %s\n", f)
	}
	fmt.Fprintf(out, "\nNext steps:\n")
	fmt.Fprintf(out, "  cd %s\n", shown)
	if !res.Tidied {
		fmt.Fprintf(out, "  go mod tidy\n")
	}
	fmt.Fprintf(out, "  go test ./...                       # host-side unit tests\n")
	fmt.Fprintf(out, "  tote plugin build                   # writes %s\n", plugintool.ArtifactName(opts.Name))
	fmt.Fprintf(out, "  tote plugin inspect %s\n", plugintool.ArtifactName(opts.Name))
	return nil
}
