package plugincmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/plugintool"
	"github.com/tote-dev/tote/internal/cli"
)

// inspectOptions are the inputs of `tote plugin inspect`.
type inspectOptions struct {
	IO     *cli.IOStreams
	Path   string
	JSON   bool
	ID     string
	NoLoad bool
}

func newCmdInspect(f *cli.Factory, runF func(context.Context, *inspectOptions) error) *cobra.Command {
	opts := &inspectOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "inspect FILE.wasm",
		Short: "Show a plugin's exports, imports and whether it loads",
		Long: `Show what a .wasm plugin is and whether tote can load it.

Prints the file's size and sha256, the functions it imports (module.name), the
contract functions it exports (tool functions and extension functions, and
which required tool functions are missing), its other exports, and whether it
loads in tote's runtime: the module is instantiated and, if it exports
register_tool, called with the plugin id (default: the file name, with '_'
as '-'), printing the tool's name and type or the error.

--json prints one object with the fields path, size, sha256, imports,
tool_functions, extension_functions, missing_required, other_exports, kind
("tool", "extension" or "unknown"), loads, load_error, register_tool (the
output of register_tool) and warnings. Arrays are never null.

The command fails (after printing) when the plugin does not load.`,
		Example: `  tote plugin inspect my_tool.wasm
  tote plugin inspect my_tool.wasm --json | jq .tool_functions`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Path = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return inspectRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the report as JSON")
	cmd.Flags().StringVar(&opts.ID, "id", "", "plugin `ID` to load it as and pass to register_tool")
	cmd.Flags().BoolVar(&opts.NoLoad, "no-load", false, "only read the file; do not instantiate it")
	return cmd
}

func inspectRun(ctx context.Context, opts *inspectOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	r, err := plugintool.Inspect(ctx, opts.Path, plugintool.InspectOptions{
		ID:       opts.ID,
		SkipLoad: opts.NoLoad,
	})
	if err != nil {
		return err
	}
	if opts.JSON {
		b, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(opts.IO.Out, "%s\n", b); err != nil {
			return err
		}
	} else {
		printReport(opts.IO.Out, r, opts.NoLoad)
	}
	if !opts.NoLoad && !r.Loads {
		return fmt.Errorf("plugin %s does not load: %s", r.Path, r.LoadError)
	}
	return nil
}

func printReport(w io.Writer, r *plugintool.Report, noLoad bool) {
	fmt.Fprintf(w, "%s\n", r.Path)
	fmt.Fprintf(w, "  size     %s (%d bytes)\n", humanSize(r.Size), r.Size)
	fmt.Fprintf(w, "  sha256   %s\n", r.SHA256)
	fmt.Fprintf(w, "  kind     %s\n", r.Kind)

	fmt.Fprintf(w, "\ntool functions (%d of %d)\n", len(r.ToolFunctions), len(api.ToolFunctions))
	printList(w, r.ToolFunctions)
	if r.Kind != plugintool.KindExtension {
		if len(r.MissingRequired) > 0 {
			fmt.Fprintf(w, "  missing required: %s\n", strings.Join(r.MissingRequired, ", "))
		} else {
			fmt.Fprintf(w, "  all required functions exported (%s)\n", strings.Join(api.RequiredToolFunctions, ", "))
		}
	}
	fmt.Fprintf(w, "\nextension functions (%d of %d)\n", len(r.ExtensionFunctions), len(api.ExtensionFunctions))
	printList(w, r.ExtensionFunctions)
	fmt.Fprintf(w, "\nother exports (%d)\n", len(r.OtherExports))
	printList(w, r.OtherExports)
	fmt.Fprintf(w, "\nimports (%d)\n", len(r.Imports))
	printList(w, r.Imports)

	if len(r.Warnings) > 0 {
		fmt.Fprintf(w, "\nwarnings\n")
		printList(w, r.Warnings)
	}

	fmt.Fprintln(w)
	switch {
	case noLoad:
		fmt.Fprintf(w, "loads    not checked (--no-load)\n")
	case !r.Loads:
		fmt.Fprintf(w, "loads    no: %s\n", r.LoadError)
	case r.RegisterTool == nil:
		fmt.Fprintf(w, "loads    yes (no register_tool to call)\n")
	default:
		var reg api.RegisterToolOutput
		_ = json.Unmarshal(r.RegisterTool, &reg) // Inspect checked it decodes
		fmt.Fprintf(w, "loads    yes: register_tool → %q, type %s", reg.Name, reg.Type.Normalize())
		if reg.PluginVersion != "" {
			fmt.Fprintf(w, ", plugin version %s", reg.PluginVersion)
		}
		fmt.Fprintln(w)
	}
}

func printList(w io.Writer, items []string) {
	if len(items) == 0 {
		fmt.Fprintf(w, "  (none)\n")
		return
	}
	for _, s := range items {
		fmt.Fprintf(w, "  %s\n", s)
	}
}

// humanSize formats a byte count with binary units.
func humanSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
