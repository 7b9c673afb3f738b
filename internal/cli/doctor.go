package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/launch"
	"github.com/tote-dev/tote/internal/toolchain"
)

// check is one finding of tote doctor.
type check struct {
	level string // "ok", "note", "warn" or "FAIL"
	what  string
	fix   string
}

// otherManager is a version manager whose shims or environment can shadow
// tote's.
type otherManager struct {
	name string
	// dirs are its shim/bin directories (relative to $HOME when not absolute).
	dirs []string
	// env are variables that show it is set up in this shell.
	env []string
}

var otherManagers = []otherManager{
	{name: "mise", dirs: []string{".local/share/mise/shims"}, env: []string{"MISE_SHELL", "__MISE_ORIG_PATH"}},
	{name: "asdf", dirs: []string{".asdf/shims"}, env: []string{"ASDF_DIR", "ASDF_DATA_DIR"}},
	{name: "nvm", dirs: []string{".nvm/versions/node"}, env: []string{"NVM_DIR", "NVM_BIN"}},
	{name: "proto", dirs: []string{".proto/shims", ".proto/bin"}, env: []string{"PROTO_HOME"}},
	{name: "volta", dirs: []string{".volta/bin"}, env: []string{"VOLTA_HOME"}},
}

func newCmdDoctor(f *Factory) *cobra.Command {
	var offline bool
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check tote's setup and say how to fix each problem",
		Long: `Check that tote can work here, and print a fix for every problem:

  - $TOTE_HOME exists and is writable;
  - $TOTE_HOME/shims is on PATH, ahead of other version managers, and
    each shim's command resolves to tote's shim (or to an activated tool);
  - the shims point at this tote (else: tote regen);
  - other version managers (mise, asdf, nvm, proto, volta) set up in this
    shell;
  - the configuration files, in the order they apply, and their trust;
  - every tool pinned here resolves, and its download (after
    url-rewrites) answers — skipped with --offline or TOTE_OFFLINE;
  - each mirror of [settings] mirrors answers, with the credentials tote
    would use, and says whether it has each pinned version's archive
    (with mirror-only, a version no mirror has cannot be installed, and
    upstream is not checked).

Exits with status 1 when a check fails; notes and warnings do not.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDoctor(cmd.Context(), f, offline)
		},
	}
	cmd.Flags().BoolVar(&offline, "offline", false, "skip the network checks")
	return cmd
}

func runDoctor(ctx context.Context, f *Factory, offline bool) error {
	var checks []check
	add := func(level, what, fix string) { checks = append(checks, check{level, what, fix}) }
	home := f.Home
	userHome, _ := os.UserHomeDir()

	// $TOTE_HOME
	if fi, err := os.Stat(home); err != nil {
		add("FAIL", fmt.Sprintf("$TOTE_HOME %s does not exist (%v)", home, errText(err)), fmt.Sprintf("create it: mkdir -p %s (tote install creates it too)", quoteFor("bash", home)))
	} else if !fi.IsDir() {
		add("FAIL", fmt.Sprintf("$TOTE_HOME %s is not a directory", home), "set TOTE_HOME to a directory of yours")
	} else if err := probeWritable(home); err != nil {
		add("FAIL", fmt.Sprintf("$TOTE_HOME %s is not writable: %v", home, errText(err)), fmt.Sprintf("make it yours (chmod u+w %s), or set TOTE_HOME to a writable directory", quoteFor("bash", home)))
	} else {
		add("ok", fmt.Sprintf("$TOTE_HOME %s is writable", home), "")
	}

	// Shims on PATH, and ahead of other managers.
	shims := filepath.Join(home, "shims")
	path := filepath.SplitList(os.Getenv("PATH"))
	shimAt := indexOf(path, shims)
	if shimAt < 0 {
		add("FAIL", fmt.Sprintf("the shims directory %s is not on PATH", shims), "run `tote setup` (or `tote setup --activate`), then open a new shell")
	} else {
		add("ok", fmt.Sprintf("%s is on PATH (entry %d)", shims, shimAt+1), "")
	}
	for _, om := range otherManagers {
		for _, d := range om.dirs {
			if !filepath.IsAbs(d) {
				d = filepath.Join(userHome, d)
			}
			for i, p := range path {
				if p == d || strings.HasPrefix(p, d+string(filepath.Separator)) {
					if shimAt < 0 || i < shimAt {
						add("FAIL", fmt.Sprintf("%s's %s comes before tote's shims on PATH (entry %d)", om.name, p, i+1), fmt.Sprintf("put %s before it in your profile (tote setup writes it), or remove %s from PATH", shims, om.name))
					} else {
						add("note", fmt.Sprintf("%s's %s is on PATH after tote's shims", om.name, p), "")
					}
				}
			}
		}
		for _, v := range om.env {
			if os.Getenv(v) != "" {
				add("warn", fmt.Sprintf("%s is set up in this shell (%s is set)", om.name, v), fmt.Sprintf("two managers can disagree on a version; keep one, or make sure tote's shims come first on PATH"))
				break
			}
		}
	}

	// The shims point at this tote.
	st := storeAt(home)
	if reg, err := launch.ReadRegistry(st); err != nil {
		add("FAIL", fmt.Sprintf("the shim registry cannot be read: %v", err), "run `tote regen`")
	} else if len(reg.Shims) > 0 {
		self := selfPath()
		if !sameFile(reg.Tote, self) {
			add("FAIL", fmt.Sprintf("the shims hand over to %s, not to this tote (%s)", orNone(reg.Tote), self), "run `tote regen` with the tote you use")
		} else {
			add("ok", fmt.Sprintf("%d shims hand over to this tote", len(reg.Shims)), "")
		}
		if shimAt >= 0 {
			for name := range reg.Shims {
				found, err := exec.LookPath(name)
				switch {
				case err != nil:
				case filepath.Dir(found) == shims:
				case strings.HasPrefix(found, st.ToolsDir()+string(filepath.Separator)):
					// An activated tool: activation wins on purpose.
				default:
					add("warn", fmt.Sprintf("%s runs %s, not tote's shim", name, found), fmt.Sprintf("put %s earlier on PATH", shims))
				}
			}
		}
		for name := range reg.Shims {
			p := filepath.Join(shims, name)
			if _, err := os.Stat(p); err != nil {
				add("FAIL", fmt.Sprintf("the shim %s is missing", p), "run `tote regen`")
			}
		}
	}

	// Configuration, in the order it applies, with trust.
	cfgOK := true
	m, err := f.Manager(ctx)
	if err != nil {
		cfgOK = false
		add("FAIL", fmt.Sprintf("the configuration cannot be read: %s", strings.TrimSpace(err.Error())), "fix the file at the position shown")
	}
	printChecks(f, checks)
	failed := countFailed(checks)
	checks = nil
	if cfgOK {
		fmt.Fprintln(f.IO.Out, "configuration files, nearest first (nearer files win):")
		untrusted := map[string]config.Untrusted{}
		for _, u := range m.Config.Untrusted() {
			untrusted[u.Path] = u
		}
		files := m.Config.Files()
		if len(files) == 0 {
			fmt.Fprintln(f.IO.Out, "  (none)")
		}
		for i, file := range files {
			state := "trusted"
			switch u, ok := untrusted[file.Path]; {
			case file.Path == config.GlobalFile(home):
				state = "global, always trusted"
			case ok:
				state = "NOT TRUSTED: ignoring " + strings.Join(u.Ignored, ", ")
				add("warn", u.Warning(), "tote trust "+quoteFor("bash", u.Dir))
			case len(file.TrustSettings()) == 0:
				state = "pins only, needs no trust"
			}
			fmt.Fprintf(f.IO.Out, "  %d. %s (%s)\n", i+1, file.Path, state)
		}

		settings := m.Config.Settings()
		mirrorOnly := settings.MirrorOnlyOn()
		if len(settings.Mirrors) > 0 {
			how := "asked in order before upstream"
			if mirrorOnly {
				how = "asked in order; mirror-only: never upstream"
			}
			fmt.Fprintf(f.IO.Out, "mirrors (%s):\n", how)
			for i, mr := range settings.Mirrors {
				fmt.Fprintf(f.IO.Out, "  %d. %s\n", i+1, mr.String())
			}
		}

		// Tools pinned here, their downloads and the mirrors.
		if offline || m.Offline() {
			add("note", "network checks skipped (offline)", "")
		}
		refused := map[string]bool{} // mirrors already reported unreachable
		for _, r := range m.ResolveAll(ctx, toolchain.ResolveOptions{}) {
			if r.Err != nil {
				add("FAIL", fmt.Sprintf("%s (%s) cannot be resolved: %s", r.Tool, orNone(r.Where()), toolMessage(r.Tool, r.Err)), fixFor(r.Err, "check the spec, or `tote versions "+r.Tool+"`"))
				continue
			}
			state := "installed"
			if !r.Installed {
				state = "not installed"
			}
			add("ok", fmt.Sprintf("%s %s resolves to %s (%s), %s", r.Tool, r.Spec, r.Version, r.Where(), state), "")
			if !offline {
				checks = append(checks, mirrorChecks(ctx, m, r.Tool, r.Version, r.Installed, mirrorOnly, refused)...)
			}
			if offline || m.Offline() {
				continue
			}
			if mirrorOnly {
				add("note", fmt.Sprintf("%s %s: upstream not checked (mirror-only is set)", r.Tool, r.Version), "")
				continue
			}
			p := m.ProbeDownload(ctx, r.Tool, r.Version, 10*time.Second)
			switch {
			case p.URL == "" && p.Err != nil:
				add("note", fmt.Sprintf("%s %s: no download to check (%s)", r.Tool, r.Version, toolMessage(r.Tool, p.Err)), "")
			case p.Err != nil:
				via := ""
				if p.Rewritten != p.URL {
					via = " (rewritten from " + p.URL + ")"
				}
				add("FAIL", fmt.Sprintf("%s %s downloads from %s%s, which cannot be reached: %s", r.Tool, r.Version, p.Rewritten, via, errText(p.Err)),
					"check the network or proxy; to use a mirror, add [settings.url-rewrites] or [settings] mirrors (an OCI registry, docs/mirrors.md) to a trusted .prototools; to work without the network, set TOTE_OFFLINE=1")
			case p.Rewritten != p.URL:
				add("ok", fmt.Sprintf("%s %s downloads from %s (rewritten from %s): HTTP %d", r.Tool, r.Version, p.Rewritten, p.URL, p.Status), "")
			default:
				add("ok", fmt.Sprintf("%s %s downloads from %s: HTTP %d", r.Tool, r.Version, p.Rewritten, p.Status), "")
			}
		}
		printChecks(f, checks)
		failed += countFailed(checks)
	}
	if failed > 0 {
		fmt.Fprintf(f.IO.ErrOut, "tote doctor found %d problem%s\n", failed, plural(failed))
		return &ExitError{Code: 1}
	}
	fmt.Fprintln(f.IO.ErrOut, "tote doctor found no problems")
	return nil
}

// mirrorChecks looks tool at version up in every mirror an install would
// ask. An unreachable or refusing mirror fails (once per mirror); a miss
// is a note, unless mirror-only is set and no mirror has the version.
func mirrorChecks(ctx context.Context, m *toolchain.Manager, tool, version string, installed, mirrorOnly bool, refused map[string]bool) []check {
	var out []check
	found := false
	probes := m.ProbeMirrors(ctx, tool, version, 10*time.Second)
	for _, p := range probes {
		switch {
		case p.Found:
			found = true
			out = append(out, check{"ok", fmt.Sprintf("%s %s is in mirror %s (%s)", tool, version, p.Mirror, p.Ref), ""})
		case p.Missing():
			out = append(out, check{"note", fmt.Sprintf("%s %s is not in mirror %s (%s)", tool, version, p.Mirror, p.Ref), ""})
		case !refused[p.Mirror]:
			refused[p.Mirror] = true
			meanwhile := "meanwhile installs fall through to the next mirror or upstream"
			if mirrorOnly {
				meanwhile = "meanwhile installs it cannot serve fail (mirror-only)"
			}
			out = append(out, check{"FAIL", fmt.Sprintf("mirror %s cannot be asked for %s %s: %s", p.Mirror, tool, version, errText(p.Err)),
				"check the mirror's address, that the registry runs, and its credentials (`docker login HOST`, or TOTE_REGISTRY_USERNAME and TOTE_REGISTRY_PASSWORD); " + meanwhile})
		}
	}
	if mirrorOnly && !found {
		level, what := "FAIL", "cannot be installed"
		if _, cached := m.DownloadCache().Get(tool, version, m.Platform()); installed || cached {
			level, what = "warn", "is installed or in the download cache here, but a fresh $TOTE_HOME cannot install it"
		}
		out = append(out, check{level, fmt.Sprintf("%s %s is in no mirror and mirror-only is set: it %s", tool, version, what),
			fmt.Sprintf("push it from a connected machine: `tote mirror push REGISTRY %s@%s` (or bundle it with tote mirror export)", tool, version)})
	}
	return out
}

func printChecks(f *Factory, checks []check) {
	for _, c := range checks {
		fmt.Fprintf(f.IO.Out, "%-4s  %s\n", c.level, c.what)
		if c.fix != "" && c.level != "ok" {
			fmt.Fprintf(f.IO.Out, "      fix: %s\n", c.fix)
		}
	}
}

func countFailed(checks []check) int {
	n := 0
	for _, c := range checks {
		if c.level == "FAIL" {
			n++
		}
	}
	return n
}

// probeWritable creates and removes a file in dir.
func probeWritable(dir string) error {
	fh, err := os.CreateTemp(dir, ".tote-doctor-*")
	if err != nil {
		return err
	}
	name := fh.Name()
	fh.Close()
	return os.Remove(name)
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if filepath.Clean(v) == filepath.Clean(s) {
			return i
		}
	}
	return -1
}

func sameFile(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// errText is an error's message without a repeated "open PATH:" prefix.
func errText(err error) string {
	var pe *os.PathError
	if e, ok := err.(*os.PathError); ok {
		pe = e
		return pe.Err.Error()
	}
	return err.Error()
}

func fixFor(err error, fallback string) string {
	if h := hintOf(err); h != "" {
		return h
	}
	return fallback
}
