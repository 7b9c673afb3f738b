// Command tote is a toolchain version manager whose tools are WebAssembly plugins.
package main

import (
	"os"

	"github.com/tote-dev/tote/internal/cli"
	"github.com/tote-dev/tote/internal/cli/extcmd"
	"github.com/tote-dev/tote/internal/cli/plugincmd"
	_ "github.com/tote-dev/tote/plugins/all" // the built-in plugins register into the toolchain's registry
)

func main() { os.Exit(cli.Main(plugincmd.NewCmdPlugin, extcmd.NewCmdExtension)) }
