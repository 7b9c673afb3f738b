// Command tote is a toolchain version manager whose tools are WebAssembly plugins.
package main

import (
	_ "github.com/tote-dev/tote/cmd/tote/internal/early" // `tote run TOOL` on the fast path, before the heavy packages initialise

	"os"

	"github.com/tote-dev/tote/internal/cli"
	"github.com/tote-dev/tote/internal/cli/extcmd"
	"github.com/tote-dev/tote/internal/cli/mirrorcmd"
	"github.com/tote-dev/tote/internal/cli/plugincmd"
	"github.com/tote-dev/tote/internal/cli/trustcmd"
	"github.com/tote-dev/tote/internal/cli/upgradecmd"
	"github.com/tote-dev/tote/internal/selfupdate"
	_ "github.com/tote-dev/tote/plugins/all" // the built-in plugins register into the toolchain's registry
)

func main() {
	if home, err := cli.ResolveHome(); err == nil {
		selfupdate.ExecPinned(home, cli.Version, os.Args) // tote = "X" in .prototools runs that tote
	}
	os.Exit(cli.Main(plugincmd.NewCmdPlugin, extcmd.NewCmdExtension, upgradecmd.NewCmdUpgrade, trustcmd.NewCmdTrust, trustcmd.NewCmdUntrust, mirrorcmd.NewCmdMirror))
}
