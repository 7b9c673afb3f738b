// Command tote is a toolchain version manager whose tools are WebAssembly plugins.
package main

import (
	"os"

	"github.com/tote-dev/tote/internal/cli"
)

func main() { os.Exit(cli.Main()) }
