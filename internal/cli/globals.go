package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newCmdInstallGlobal(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "install-global TOOL PACKAGE...",
		Short: "Install global packages with a package manager (npm, pnpm, yarn, uv, python)",
		Long: `Install PACKAGEs globally with TOOL, the version of it pinned for this
directory, as "npm install -g", "pnpm add -g", "yarn global add", "uv tool
install" or "pip install --user" would. They land in the tool's globals
directory, $TOTE_HOME/tools/<tool>/globals, which tote owns: its bin
directory is on PATH whenever tote runs the tool (directly or through a
shim), and it is kept when you switch versions. Running the package
manager's own global install through tote lands in the same place.`,
		Example: `  tote install-global npm typescript
  tote install-global uv ruff`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := f.Manager(cmd.Context())
			if err != nil {
				return err
			}
			for _, dep := range args[1:] {
				res, err := m.InstallGlobal(cmd.Context(), args[0], dep)
				if err != nil {
					return err
				}
				fmt.Fprintf(f.IO.ErrOut, "installed %s with %s %s into %s\n", dep, res.Tool, res.Version, res.BinDir)
			}
			return nil
		},
	}
}

func newCmdUninstallGlobal(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "uninstall-global TOOL PACKAGE...",
		Short: "Remove global packages installed with install-global",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := f.Manager(cmd.Context())
			if err != nil {
				return err
			}
			for _, dep := range args[1:] {
				res, err := m.UninstallGlobal(cmd.Context(), args[0], dep)
				if err != nil {
					return err
				}
				fmt.Fprintf(f.IO.ErrOut, "removed %s from %s\n", dep, res.BinDir)
			}
			return nil
		},
	}
}

func newCmdListGlobal(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "list-global TOOL",
		Short: "List the executables of a tool's global packages",
		Long: `List the executables in TOOL's globals bin directory, one a line; the
directory itself is printed to stderr.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := f.Manager(cmd.Context())
			if err != nil {
				return err
			}
			names, err := m.Globals(args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(f.IO.ErrOut, "%s\n", m.GlobalsBinDir(args[0]))
			for _, n := range names {
				fmt.Fprintln(f.IO.Out, n)
			}
			return nil
		},
	}
}
