// Command tote is a toolchain version manager whose tools are WebAssembly plugins.
package main

import (
	"os"

	"github.com/tote-dev/tote/internal/cli"
	_ "github.com/tote-dev/tote/internal/cli/extcmd"
	_ "github.com/tote-dev/tote/internal/cli/plugincmd"
	_ "github.com/tote-dev/tote/plugins/all"
)

func main() { os.Exit(cli.Main()) }
