// Package plugincmd implements `tote plugin`: the plugin author's toolchain
// (new, build, inspect). The logic is in host/plugintool; these commands
// parse flags and print.
package plugincmd

import (
	"github.com/spf13/cobra"

	"github.com/tote-dev/tote/internal/cli"
)

// NewCmdPlugin returns the `tote plugin` command group.
func NewCmdPlugin(f *cli.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "plugin <command>",
		Short: "Create, build and inspect WebAssembly plugins",
		Long: `Create, build and inspect tote plugins.

A tote plugin is one .wasm file speaking proto's tool-plugin contract over the
Extism ABI. Plugins written in Go use the tote SDK and are built with a plain
"go build" for GOOS=wasip1 GOARCH=wasm; any other Extism language works too.`,
		Example: `  tote plugin new my-tool
  cd my-tool && tote plugin build
  tote plugin inspect my_tool.wasm`,
	}
	cmd.AddCommand(newCmdNew(f, nil))
	cmd.AddCommand(newCmdBuild(f, nil))
	cmd.AddCommand(newCmdInspect(f, nil))
	cmd.AddCommand(newCmdAdd(f))
	cmd.AddCommand(newCmdRemove(f))
	cmd.AddCommand(newCmdList(f))
	cmd.AddCommand(newCmdInfo(f))
	return cmd
}
