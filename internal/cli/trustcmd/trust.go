// Package trustcmd implements `tote trust` and `tote untrust`: the user's
// decision that a project's .prototools may set what is downloaded and run.
package trustcmd

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tote-dev/tote/internal/cli"
	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/trust"
)

const trustLong = `Trust the .prototools of DIR, so that its settings that decide what is
downloaded and what runs take effect.

A .prototools file from a project (anything but $TOTE_HOME/.prototools and
$HOME/.prototools) may pin versions freely: a pin only picks a version of a
tool whose plugin you already have. These settings, though, apply only once
you trust the file, because whoever wrote it could otherwise make tote fetch
and run their code:

  [plugins], [plugins.tools], [plugins.extensions], [tools.<id>] plugin
  [tools.<id>] configuration other than aliases (e.g. node's dist-url,
    permissions), [tools.<id>] env and its dotenv files
  [env] and its dotenv files, [shell] aliases
  [extensions.<id>]
  [settings] url-rewrites, [settings.http], [settings.unpack] and
    [settings.build]

Untrusted, they are ignored with one warning that names the file and this
command. Trust is recorded in $TOTE_HOME/trust/ for the directory (with
symlinks resolved) and for these settings exactly as they are now: if they
change later (say, after a git pull), tote ignores them again and asks you to
review and trust again. Pins, aliases and comments may change freely.

DIR defaults to the directory of the nearest .prototools above the working
directory. In CI, list trusted directories in TOTE_TRUSTED_PATHS instead
(separated like PATH; each trusts its subdirectories too).`

// NewCmdTrust returns `tote trust`.
func NewCmdTrust(f *cli.Factory) *cobra.Command {
	var revoke, list, asJSON bool
	cmd := &cobra.Command{
		Use:   "trust [DIR]",
		Short: "Let a project's .prototools choose plugins, mirrors, environment and extensions",
		Long:  trustLong,
		Example: `  tote trust                 # the nearest project .prototools
  tote trust ~/src/app
  tote trust --revoke ~/src/app
  tote trust --list
  TOTE_TRUSTED_PATHS=$PWD tote install   # CI`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case list && (revoke || len(args) > 0):
				return fmt.Errorf("--list takes no DIR and no --revoke")
			case asJSON && !list:
				return fmt.Errorf("--json goes with --list")
			case list:
				return listRun(f, asJSON)
			case revoke:
				return revokeRun(cmd, f, args)
			}
			return trustRun(cmd, f, args)
		},
	}
	cmd.Flags().BoolVar(&revoke, "revoke", false, "stop trusting DIR (same as tote untrust)")
	cmd.Flags().BoolVar(&list, "list", false, "list trusted directories and whether their settings changed since")
	cmd.Flags().BoolVar(&asJSON, "json", false, "with --list: print JSON")
	return cmd
}

// NewCmdUntrust returns `tote untrust`.
func NewCmdUntrust(f *cli.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "untrust [DIR]",
		Short: "Stop trusting a project's .prototools (tote trust --revoke)",
		Long: `Forget that DIR's .prototools is trusted: its plugin locators,
url-rewrites, environment, tool configuration and extensions are ignored
again. DIR defaults to the directory of the nearest .prototools above the
working directory.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return revokeRun(cmd, f, args) },
	}
}

// target finds the .prototools a command is about: DIR/.prototools (DIR
// may also name the file itself), or the nearest project file.
func target(args []string) (string, error) {
	if len(args) == 1 {
		p := args[0]
		if filepath.Base(p) == config.FileName {
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return filepath.Abs(p)
			}
		}
		return filepath.Abs(filepath.Join(p, config.FileName))
	}
	cwd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	home, _ := os.UserHomeDir()
	p := config.NearestFile(cwd, home)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("no %s in %s or its parents; name the directory: tote trust DIR", config.FileName, cwd)
	}
	return p, nil
}

// ownFile reports whether path is one of the user's own files, which are
// always trusted.
func ownFile(f *cli.Factory, path string) bool {
	same := func(a, b string) bool {
		ca, err1 := filepath.EvalSymlinks(a)
		cb, err2 := filepath.EvalSymlinks(b)
		return err1 == nil && err2 == nil && ca == cb
	}
	if same(path, config.GlobalFile(f.Home)) {
		return true
	}
	home, err := os.UserHomeDir()
	return err == nil && same(path, filepath.Join(home, config.FileName))
}

func trustRun(cmd *cobra.Command, f *cli.Factory, args []string) error {
	path, err := target(args)
	if err != nil {
		return err
	}
	file, err := config.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s does not exist: there is nothing to trust", path)
	}
	if err != nil {
		return err
	}
	if ownFile(f, path) {
		fmt.Fprintf(f.IO.ErrOut, "%s is your own configuration and is always trusted\n", path)
		return nil
	}
	dir, err := trust.Canonical(filepath.Dir(path))
	if err != nil {
		return err
	}
	entry := trust.Entry{Dir: dir, Digest: file.TrustDigest(), TrustedAt: time.Now().UTC().Truncate(time.Second)}
	if err := trust.Set(cmd.Context(), f.Home, entry); err != nil {
		return err
	}
	names := file.TrustSettings()
	if len(names) == 0 {
		fmt.Fprintf(f.IO.ErrOut, "trusted %s (it sets nothing that needs trust yet; if such settings are added, trust it again)\n", path)
		return nil
	}
	fmt.Fprintf(f.IO.ErrOut, "trusted %s; these settings now apply:\n", path)
	for _, n := range names {
		fmt.Fprintf(f.IO.ErrOut, "  %s\n", n)
	}
	for _, r := range file.Settings.URLRewrites {
		fmt.Fprintf(f.IO.ErrOut, "  url-rewrite %s -> %s\n", r.Pattern, r.Replacement)
	}
	for _, id := range sortedKeys(file.Plugins) {
		fmt.Fprintf(f.IO.ErrOut, "  plugin %s = %q\n", id, file.Plugins[id])
	}
	for _, id := range sortedKeys(file.ExtensionPlugins) {
		fmt.Fprintf(f.IO.ErrOut, "  extension plugin %s = %q\n", id, file.ExtensionPlugins[id])
	}
	return nil
}

func revokeRun(cmd *cobra.Command, f *cli.Factory, args []string) error {
	path, err := target(args)
	if err != nil {
		return err
	}
	dir, err := trust.Canonical(filepath.Dir(path))
	if err != nil {
		dir = filepath.Clean(filepath.Dir(path)) // gone: forget it as written
	}
	removed, err := trust.Remove(cmd.Context(), f.Home, dir)
	if err != nil {
		return err
	}
	if !removed {
		fmt.Fprintf(f.IO.ErrOut, "%s was not trusted\n", dir)
	} else {
		fmt.Fprintf(f.IO.ErrOut, "no longer trusted: %s\n", dir)
	}
	if roots := trust.EnvPaths(os.Getenv(trust.EnvVar)); trust.Under(dir, roots) {
		fmt.Fprintf(f.IO.ErrOut, "tote: warning: %s is still trusted through %s\n", dir, trust.EnvVar)
	}
	return nil
}

// listRow is one line of `tote trust --list`.
type listRow struct {
	Dir string `json:"dir"`
	// State is "trusted", "changed" (its trust-only settings changed since)
	// or "missing" (no .prototools there any more).
	State     string     `json:"state"`
	TrustedAt *time.Time `json:"trusted_at,omitempty"`
	// Source is "tote trust" or the environment variable.
	Source string `json:"source"`
}

func listRun(f *cli.Factory, asJSON bool) error {
	entries, err := trust.List(f.Home)
	if err != nil {
		fmt.Fprintf(f.IO.ErrOut, "tote: warning: %v\n", err)
	}
	var rows []listRow
	for _, e := range entries {
		r := listRow{Dir: e.Dir, Source: "tote trust"}
		if !e.TrustedAt.IsZero() {
			at := e.TrustedAt
			r.TrustedAt = &at
		}
		file, err := config.ReadFile(filepath.Join(e.Dir, config.FileName))
		switch {
		case err != nil:
			r.State = "missing"
		case file.TrustDigest() != e.Digest:
			r.State = "changed"
		default:
			r.State = "trusted"
		}
		rows = append(rows, r)
	}
	for _, p := range trust.EnvPaths(os.Getenv(trust.EnvVar)) {
		rows = append(rows, listRow{Dir: p, State: "trusted", Source: trust.EnvVar})
	}
	if asJSON {
		if rows == nil {
			rows = []listRow{}
		}
		return cli.PrintJSON(f.IO.Out, rows)
	}
	if len(rows) == 0 {
		fmt.Fprintln(f.IO.ErrOut, "no project is trusted; trust one with: tote trust DIR")
		return nil
	}
	return table(f.IO.Out, rows)
}

func table(w io.Writer, rows []listRow) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DIR\tSTATE\tTRUSTED AT\tSOURCE")
	for _, r := range rows {
		at := "-"
		if r.TrustedAt != nil {
			at = r.TrustedAt.Local().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Dir, r.State, at, r.Source)
	}
	return tw.Flush()
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
