package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newCmdRegen(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "regen",
		Short: "Rebuild the shims and bin links of every installed tool",
		Long: `Rebuild $TOTE_HOME/shims and $TOTE_HOME/bin for every installed tool, and
point the shims at this tote. Run it after moving $TOTE_HOME (the paths
recorded under the old location are moved to the new one), after
replacing the tote binary, or when tote doctor says so.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := f.Manager(cmd.Context())
			if err != nil {
				return err
			}
			rep, err := m.Regen(cmd.Context())
			if err != nil {
				return err
			}
			for _, l := range rep.Removed {
				fmt.Fprintf(f.IO.ErrOut, "removed the dangling link %s\n", l)
			}
			if rep.Rebased > 0 {
				fmt.Fprintf(f.IO.ErrOut, "moved %d recorded path%s to %s\n", rep.Rebased, plural(rep.Rebased), f.Home)
			}
			if len(rep.Tools) == 0 {
				fmt.Fprintln(f.IO.ErrOut, "no tools are installed: nothing to regenerate")
				return nil
			}
			fmt.Fprintf(f.IO.ErrOut, "regenerated the shims and bin links of %d tool%s for %s\n", len(rep.Tools), plural(len(rep.Tools)), selfPath())
			return nil
		},
	}
}
