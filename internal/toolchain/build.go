package toolchain

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/install"
	"github.com/tote-dev/tote/internal/store"
	"github.com/tote-dev/tote/internal/version"
)

// Install strategies of InstallOptions.Strategy (proto's --build and
// --no-build; "" follows the plugin's default_install_strategy).
const (
	StrategyBuild    = string(api.StrategyBuildFromSource)
	StrategyPrebuilt = string(api.StrategyDownloadPrebuilt)
)

// buildsFromSource reports whether an install of t builds from source:
// asked for (--build), or the plugin's default_install_strategy when
// nothing was asked.
func buildsFromSource(t *Tool, strategy string) bool {
	if strategy != "" {
		return strategy == StrategyBuild
	}
	return t.Info.DefaultInstallStrategy == api.StrategyBuildFromSource
}

// builder runs one build_instructions output into a staging directory, in
// proto's order: system dependencies (named, never installed by tote),
// requirements, sources, instructions. Everything the instructions touch
// is resolved beneath the staging directory; commands run only with the
// exec grant, which is checked before anything is downloaded or run.
type builder struct {
	m       *Manager
	t       *Tool
	ver     string
	staging string
	out     api.BuildInstructionsOutput
	log     io.Writer
	stdout  io.Writer
	stderr  io.Writer
	// env is what set-env-var set, for the commands that follow.
	env map[string]string
	// exes are the builders' executables: "<id>" and "<id>:<name>".
	exes map[string]string
}

// buildFromSource installs t's version ver by building it into staging, as
// proto's build-from-source flow does: build_instructions, then the
// builder. rec records the source URL and, for an archive, its checksum.
func (m *Manager) buildFromSource(ctx context.Context, t *Tool, ver, staging string, rec *store.InstalledVersion, opts InstallOptions) error {
	id := t.ID
	if !t.Plugin.HasFunction(api.FuncBuildInstructions) {
		return &hintErr{
			err:  fmt.Errorf("install %s %s: plugin %q cannot build from source (it exports no %s)", id, ver, id, api.FuncBuildInstructions),
			hint: "install a prebuilt instead: drop --build (or pass --no-build)",
		}
	}
	if m.Offline() {
		return fmt.Errorf("install %s %s: building from source needs the network, and tote is offline", id, ver)
	}
	var out api.BuildInstructionsOutput
	in := api.BuildInstructionsInput{Context: m.context(id, ver), InstallDir: m.virtual(staging)}
	if err := t.Plugin.Call(ctx, api.FuncBuildInstructions, in, &out); err != nil {
		return err
	}
	stdout, stderr := m.RuntimeConfig.Output()
	b := &builder{m: m, t: t, ver: ver, staging: staging, out: out, log: io.Discard, stdout: stdout, stderr: stderr,
		env: map[string]string{}, exes: map[string]string{}}
	if !opts.Quiet && m.Progress != nil {
		b.log = m.Progress
	}
	if err := b.checkGrant(); err != nil {
		return err
	}
	if out.HelpURL != "" {
		b.say("documentation: %s", out.HelpURL)
	}
	b.systemDependencies()
	if err := b.requirements(ctx); err != nil {
		return err
	}
	if err := b.sources(ctx, rec, opts.ExpectChecksum); err != nil {
		return err
	}
	if err := b.instructions(ctx); err != nil {
		return err
	}
	if entries, err := os.ReadDir(staging); err != nil || len(entries) == 0 {
		return fmt.Errorf("install %s %s: the build from source left no files in the install directory", id, ver)
	}
	return nil
}

func (b *builder) say(format string, args ...any) {
	fmt.Fprintf(b.log, "building %s %s: %s\n", b.t.ID, b.ver, fmt.Sprintf(format, args...))
}

func (b *builder) fail(format string, args ...any) error {
	return fmt.Errorf("plugin %q function %s: %s", b.t.ID, api.FuncBuildInstructions, fmt.Sprintf(format, args...))
}

// checkGrant refuses, before any work, a build that runs programs (its
// commands, builders, Git, the version checks of its requirements) when
// the plugin is not granted exec, naming each and the line that grants it.
func (b *builder) checkGrant() error {
	var runs []string
	for _, r := range b.out.Requirements {
		switch r.Type {
		case api.RequireCommandVersion:
			arg := "--version"
			if len(r.Args) > 2 && r.Args[2] != "" {
				arg = r.Args[2]
			}
			runs = append(runs, r.Args[0]+" "+arg)
		case api.RequireGitConfigSetting:
			runs = append(runs, "git config --get "+r.Args[0])
		case api.RequireGitVersion:
			runs = append(runs, "git --version")
		}
	}
	if s := b.out.Source; s != nil && s.Type == "git" {
		runs = append(runs, "git clone "+s.URL)
	}
	for _, in := range b.out.Instructions {
		switch in.Type {
		case api.BuildRunCommand:
			if in.Command != nil {
				runs = append(runs, strings.TrimSpace(in.Command.Exe+" "+strings.Join(in.Command.Args, " ")))
			}
		case api.BuildInstallBuilder:
			if in.Builder != nil {
				runs = append(runs, "git clone "+in.Builder.Git.URL)
			}
		}
	}
	if len(runs) == 0 || granted(b.t.Table, "exec") {
		return nil
	}
	return &hintErr{
		err: fmt.Errorf("install %s %s: building from source runs %s, and exec is not granted to plugin %q",
			b.t.ID, b.ver, strings.Join(quoteAll(runs), ", "), b.t.ID),
		hint: b.m.execGrantHint(b.t.ID),
	}
}

// systemDependencies names the system packages the plugin says the build
// needs. tote installs no system package (that takes the system's package
// manager and often root): it says which to install.
func (b *builder) systemDependencies() {
	if len(b.out.SystemDependencies) == 0 {
		return
	}
	pm := systemPackageManager()
	exclude := map[string]bool{}
	for _, p := range b.m.Config.Settings().Build.ExcludePackages {
		exclude[p] = true
	}
	var names []string
	for _, raw := range b.out.SystemDependencies {
		for _, n := range systemDependencyNames(raw, pm, runtime.GOOS) {
			if !exclude[n] && !containsString(names, n) {
				names = append(names, n)
			}
		}
	}
	if len(names) == 0 {
		return
	}
	where := "the system's package manager"
	if pm != "" {
		where = pm
	}
	b.m.Logger.Warn(fmt.Sprintf("the build of %s %s needs these system packages, which tote does not install: install them with %s if the build fails", b.t.ID, b.ver, where),
		"packages", strings.Join(names, " "))
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// systemPackageManager names the host's package manager as proto's
// system-env does ("" when none is known).
func systemPackageManager() string {
	order := map[string][]string{
		"linux":   {"apt", "dnf", "yum", "pacman", "apk", "zypper", "pkg"},
		"darwin":  {"brew"},
		"windows": {"choco", "scoop"},
		"freebsd": {"pkg"},
	}
	for _, pm := range order[runtime.GOOS] {
		bin := pm
		if pm == "apt" {
			bin = "apt-get"
		}
		if _, err := exec.LookPath(bin); err == nil {
			return pm
		}
	}
	return ""
}

// systemDependencyNames reads one of proto's system dependencies (system-env's
// SystemDependency: a name, a list of names, a map of package manager to
// name, or a config {dep, manager, os, arch, version}) and returns the
// package names that apply to pm on goos.
func systemDependencyNames(raw json.RawMessage, pm, goos string) []string {
	var name string
	if json.Unmarshal(raw, &name) == nil {
		return []string{name}
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	var cfg struct {
		Dep     json.RawMessage `json:"dep"`
		Manager string          `json:"manager"`
		OS      string          `json:"os"`
	}
	if json.Unmarshal(raw, &cfg) == nil && cfg.Dep != nil {
		if cfg.Manager != "" && cfg.Manager != pm {
			return nil
		}
		if cfg.OS != "" && cfg.OS != map[string]string{"darwin": "macos"}[goos] && cfg.OS != goos {
			return nil
		}
		return systemDependencyNames(cfg.Dep, pm, goos)
	}
	var byPM map[string]json.RawMessage
	if json.Unmarshal(raw, &byPM) == nil {
		if n, ok := byPM[pm]; ok {
			return systemDependencyNames(n, pm, goos)
		}
		if n, ok := byPM["all"]; ok {
			return systemDependencyNames(n, pm, goos)
		}
	}
	return nil
}

// requirements checks what proto checks before a build, and fails with
// every check that did not pass.
func (b *builder) requirements(ctx context.Context) error {
	var failed []string
	for _, r := range b.out.Requirements {
		arg := func(i int) string {
			if i < len(r.Args) {
				return r.Args[i]
			}
			return ""
		}
		switch r.Type {
		case api.RequireCommandExistsOnPath:
			if p, err := b.lookPath(arg(0)); err != nil {
				failed = append(failed, fmt.Sprintf("command %s does not exist on PATH, please install it and try again", arg(0)))
			} else {
				b.say("command %s exists on PATH: %s", arg(0), p)
			}
		case api.RequireCommandVersion:
			flag := arg(2)
			if flag == "" {
				flag = "--version"
			}
			if msg := b.checkVersion(ctx, arg(0), arg(1), flag); msg != "" {
				failed = append(failed, msg)
			}
		case api.RequireGitVersion:
			if msg := b.checkVersion(ctx, "git", arg(0), "--version"); msg != "" {
				failed = append(failed, msg)
			}
		case api.RequireGitConfigSetting:
			got, err := b.output(ctx, "git", "config", "--get", arg(0))
			if got = strings.TrimSpace(got); err != nil || got != arg(1) {
				failed = append(failed, fmt.Sprintf("git config %s does not match the required value %q, found %q", arg(0), arg(1), got))
			}
		case api.RequireManualIntercept:
			// proto asks to continue on a terminal; tote, which does not
			// prompt, shows the page and goes on, as proto does without one.
			b.m.Logger.Warn(fmt.Sprintf("the build of %s %s asks you to read this before proceeding: %s", b.t.ID, b.ver, arg(0)))
		case api.RequireXcodeCommandLineTool:
			if runtime.GOOS == "darwin" {
				if out, err := b.output(ctx, "xcode-select", "--version"); err != nil || strings.TrimSpace(out) == "" {
					failed = append(failed, "Xcode command line tools are not installed, install them with xcode-select --install")
				}
			}
		case api.RequireWindowsDeveloperMode:
			// proto cannot check it either.
		default:
			return b.fail("unsupported build requirement %s", quote(r.Type))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("install %s %s: build requirements not met: %s", b.t.ID, b.ver, strings.Join(failed, "; "))
	}
	return nil
}

var commandVersion = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[0-9]+\.[0-9]+\.[0-9]+`) })

// checkVersion runs "cmd flag" and matches the first x.y.z it prints
// against req; it returns what failed, or "".
func (b *builder) checkVersion(ctx context.Context, cmd, req, flag string) string {
	if _, err := b.lookPath(cmd); err != nil {
		return fmt.Sprintf("command %s does not exist on PATH, please install it and try again", cmd)
	}
	c, err := version.ParseSpec(req)
	if err != nil {
		return fmt.Sprintf("version requirement %q of %s is not valid: %v", req, cmd, err)
	}
	out, err := b.output(ctx, cmd, flag)
	if err != nil {
		return fmt.Sprintf("%s %s failed: %v", cmd, flag, err)
	}
	v := commandVersion().FindString(out)
	if v == "" {
		return fmt.Sprintf("%s %s printed no version", cmd, flag)
	}
	if !c.Matches(v) {
		return fmt.Sprintf("command %s does not meet the required version %s, found %s", cmd, req, v)
	}
	b.say("command %s %s meets %s", cmd, v, req)
	return ""
}

// output runs a short check command (at most a minute) and returns its
// standard output.
func (b *builder) output(ctx context.Context, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	p, err := b.lookPath(name)
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, p, args...)
	cmd.Env = b.environ(nil)
	cmd.Dir = b.staging
	var out bytes.Buffer
	cmd.Stdout = &out
	err = cmd.Run()
	return out.String(), err
}

// lookPath finds a program on the build's PATH (set-env-var may change it).
func (b *builder) lookPath(name string) (string, error) {
	if name == "" || strings.ContainsAny(name, "/\\") {
		return "", fmt.Errorf("%q is not a command name", name)
	}
	pathEnv, ok := b.env["PATH"]
	if !ok {
		pathEnv = os.Getenv("PATH")
	}
	for _, dir := range filepath.SplitList(pathEnv) {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: %w", name, exec.ErrNotFound)
}

// environ is tote's environment with set-env-var's and extra variables.
func (b *builder) environ(extra map[string]string) []string {
	env := os.Environ()
	keys := make([]string, 0, len(b.env)+len(extra))
	vals := map[string]string{}
	for k, v := range b.env {
		vals[k] = v
	}
	for k, v := range extra {
		vals[k] = v
	}
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, k+"="+vals[k])
	}
	return env
}

// sources fetches the source archive (unpacked into staging, without its
// prefix) or clones the Git repository into staging.
func (b *builder) sources(ctx context.Context, rec *store.InstalledVersion, expect string) error {
	src := b.out.Source
	if src == nil {
		return nil
	}
	switch src.Type {
	case "archive":
		return b.archive(ctx, src, rec, expect)
	case "git":
		ref := src.Reference
		rec.SourceURL = src.URL
		if ref != "" {
			rec.SourceURL += "#" + ref
		}
		b.say("cloning %s", src.URL)
		return b.clone(ctx, api.GitSource{URL: src.URL, Reference: ref, Submodules: src.Submodules}, b.staging)
	default:
		return b.fail("source type %s is neither archive nor git", quote(src.Type))
	}
}

// archive downloads the source archive through the url-rewrites (with the
// plugin's http_headers), verified against the lockfile's checksum when it
// records one, and unpacks it into staging under the unpack limits.
func (b *builder) archive(ctx context.Context, src *api.SourceLocation, rec *store.InstalledVersion, expect string) error {
	m, id, ver := b.m, b.t.ID, b.ver
	if err := checkHTTPURL(src.URL); err != nil {
		return b.fail("source url %s %v", quote(src.URL), err)
	}
	name := urlBase(src.URL)
	if checkComponent(name) != nil {
		return b.fail("source url %s names no file", quote(src.URL))
	}
	u, err := m.preDownload(ctx, id, ver, m.RewriteURL(src.URL), name, "source")
	if err != nil {
		return err
	}
	dir := m.downloadDir(id, ver)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	defer removeDownloadDir(dir, false)
	file := filepath.Join(dir, name)
	var want install.Checksum
	if expect != "" {
		if want, err = install.ParseChecksum(expect); err != nil {
			return fmt.Errorf("install %s %s: lockfile checksum %q: %w", id, ver, expect, err)
		}
	}
	b.say("downloading the sources from %s", u)
	limits := m.Config.Settings().Unpack
	got, err := m.downloader(true).Get(ctx, install.Request{URL: u, Headers: b.out.HTTPHeaders, Dest: file, Want: want})
	if err != nil {
		return fmt.Errorf("install %s %s: source archive: %w", id, ver, withURL(err, u))
	}
	defer os.Remove(file)
	rec.SourceURL = src.URL
	rec.Checksum = "sha256:" + got.SHA256
	if err := checkExpected(expect, *rec, u); err != nil {
		return fmt.Errorf("install %s %s: %w", id, ver, err)
	}
	b.say("unpacking %s", name)
	if err := install.Unpack(ctx, file, b.staging, install.UnpackOptions{
		Prefix: src.Prefix, Name: name, MaxSize: limits.MaxSize, MaxEntries: limits.MaxEntries,
	}); err != nil {
		return fmt.Errorf("install %s %s: source archive %s: %w", id, ver, u, err)
	}
	return nil
}

// checkHTTPURL accepts only http and https URLs.
func checkHTTPURL(u string) error {
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return errors.New("is not an http(s) URL")
	}
	return checkControl(u)
}

// clone clones a Git repository into dir (empty or absent) and checks out
// its reference, as proto does, through the url-rewrites. Git may use
// http(s) only (no ext::, file:// or ssh transports a plugin could abuse),
// asks for no credentials, and a reference cannot pass for an option.
func (b *builder) clone(ctx context.Context, src api.GitSource, dir string) error {
	if err := checkHTTPURL(src.URL); err != nil {
		return b.fail("git url %s %v", quote(src.URL), err)
	}
	if strings.HasPrefix(src.Reference, "-") || checkControl(src.Reference) != nil {
		return b.fail("git reference %s is not a branch, tag or commit", quote(src.Reference))
	}
	u := b.m.RewriteURL(src.URL)
	if err := checkHTTPURL(u); err != nil {
		return fmt.Errorf("install %s %s: git url %s rewritten to %s: %w", b.t.ID, b.ver, src.URL, u, err)
	}
	args := []string{"clone", "--quiet"}
	if src.Submodules {
		args = append(args, "--recurse-submodules")
	}
	args = append(args, "--", u, dir)
	if err := b.git(ctx, "", args...); err != nil {
		return err
	}
	if src.Reference != "" {
		b.say("checking out %s", src.Reference)
		return b.git(ctx, dir, "checkout", "--quiet", "--detach", src.Reference, "--")
	}
	return nil
}

func (b *builder) git(ctx context.Context, dir string, args ...string) error {
	p, err := b.lookPath("git")
	if err != nil {
		return fmt.Errorf("install %s %s: the build's sources are in Git, and git is not on PATH: %w", b.t.ID, b.ver, err)
	}
	cmd := exec.CommandContext(ctx, p, args...)
	cmd.Dir = dir
	cmd.Env = append(b.environ(nil), "GIT_ALLOW_PROTOCOL=http:https", "GIT_TERMINAL_PROMPT=0", "GIT_CONFIG_NOSYSTEM=1")
	cmd.Stdout, cmd.Stderr = b.stderr, b.stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("install %s %s: git %s: %w", b.t.ID, b.ver, strings.Join(args, " "), err)
	}
	return nil
}

// inside turns a path of an instruction (relative to the install directory,
// or a virtual or real path inside it) into one relative to it, refusing
// anything that leads out.
func (b *builder) inside(what, p string) (string, error) {
	if isVirtualAbs(p) || filepath.IsAbs(p) {
		if err := checkControl(p); err != nil {
			return "", b.fail("%s %s %v", what, quote(p), err)
		}
		r, err := b.m.real(b.t.ID, p)
		if err != nil {
			return "", err
		}
		rp, err := filepath.Rel(b.staging, r)
		if err != nil || !filepath.IsLocal(rp) {
			return "", b.fail("%s %s is outside the install directory", what, quote(p))
		}
		return rp, nil
	}
	clean, err := localPath(filepath.ToSlash(p))
	if err != nil {
		return "", b.fail("%s %s %v", what, quote(p), err)
	}
	return filepath.FromSlash(clean), nil
}

// instructions runs the build steps in order.
func (b *builder) instructions(ctx context.Context) error {
	root, err := os.OpenRoot(b.staging)
	if err != nil {
		return err
	}
	defer root.Close()
	total := len(b.out.Instructions)
	for i, in := range b.out.Instructions {
		step := fmt.Sprintf("[%d/%d]", i+1, total)
		if err := b.instruction(ctx, root, step, in); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) instruction(ctx context.Context, root *os.Root, step string, in api.BuildInstruction) error {
	id, ver := b.t.ID, b.ver
	wrap := func(err error) error {
		if err == nil {
			return nil
		}
		return fmt.Errorf("install %s %s: build step %s %s: %w", id, ver, step, in.Type, err)
	}
	need := map[string]int{api.BuildMakeExecutable: 1, api.BuildRemoveDir: 1, api.BuildRemoveFile: 1, api.BuildMoveFile: 2}
	if n, ok := need[in.Type]; ok && len(in.Paths) != n {
		return b.fail("%s takes %d path(s), not %d", in.Type, n, len(in.Paths))
	}
	switch in.Type {
	case api.BuildMakeExecutable:
		p, err := b.inside("make-executable path", in.Paths[0])
		if err != nil {
			return err
		}
		b.say("%s making %s executable", step, filepath.ToSlash(p))
		fi, err := root.Stat(p)
		if err != nil {
			return wrap(err)
		}
		if !fi.Mode().IsRegular() {
			return wrap(fmt.Errorf("%s is not a file", filepath.ToSlash(p)))
		}
		return wrap(root.Chmod(p, fi.Mode().Perm()|0o755))
	case api.BuildMoveFile:
		from, err := b.inside("move-file source", in.Paths[0])
		if err != nil {
			return err
		}
		to, err := b.inside("move-file destination", in.Paths[1])
		if err != nil {
			return err
		}
		b.say("%s moving %s to %s", step, filepath.ToSlash(from), filepath.ToSlash(to))
		if dir := filepath.Dir(to); dir != "." {
			if err := root.MkdirAll(dir, 0o755); err != nil {
				return wrap(err)
			}
		}
		return wrap(root.Rename(from, to))
	case api.BuildRemoveDir, api.BuildRemoveFile:
		p, err := b.inside(in.Type+" path", in.Paths[0])
		if err != nil {
			return err
		}
		if p == "." {
			return b.fail("%s would remove the whole install directory", in.Type)
		}
		b.say("%s removing %s", step, filepath.ToSlash(p))
		if in.Type == api.BuildRemoveFile {
			if err := root.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return wrap(err)
			}
			return nil
		}
		return wrap(root.RemoveAll(p))
	case api.BuildRemoveAllExcept:
		keep := map[string]bool{}
		for _, p := range in.Paths {
			r, err := b.inside("remove-all-except path", p)
			if err != nil {
				return err
			}
			keep[filepath.ToSlash(r)] = true
		}
		b.say("%s removing everything but %s", step, strings.Join(sortedKeys(keep), ", "))
		return wrap(removeAllExcept(root, ".", keep))
	case api.BuildRequestScript:
		return wrap(b.requestScript(ctx, step, in.URL))
	case api.BuildSetEnvVar:
		if in.Name == "" || strings.ContainsAny(in.Name, "=\x00") || strings.ContainsRune(in.Value, 0) {
			return b.fail("set-env-var %s is not a variable name and value", quote(in.Name))
		}
		b.say("%s setting %s", step, in.Name)
		b.env[in.Name] = in.Value
		return nil
	case api.BuildRunCommand:
		return b.runCommand(ctx, step, in.Command)
	case api.BuildInstallBuilder:
		return b.installBuilder(ctx, step, in.Builder)
	default:
		return b.fail("unsupported build instruction %s", quote(in.Type))
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// removeAllExcept removes what is beneath dir except the kept paths and the
// directories that lead to them, without following links.
func removeAllExcept(root *os.Root, dir string, keep map[string]bool) error {
	f, err := root.Open(dir)
	if err != nil {
		return err
	}
	entries, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := path.Join(filepath.ToSlash(dir), e.Name())
		if keep[p] {
			continue
		}
		leads := false
		for k := range keep {
			if strings.HasPrefix(k, p+"/") {
				leads = true
				break
			}
		}
		if leads && e.IsDir() {
			if err := removeAllExcept(root, p, keep); err != nil {
				return err
			}
			continue
		}
		if err := root.RemoveAll(filepath.FromSlash(p)); err != nil {
			return err
		}
	}
	return nil
}

// requestScript downloads a script (through the url-rewrites) into the
// install directory under its URL's file name.
func (b *builder) requestScript(ctx context.Context, step, raw string) error {
	if err := checkHTTPURL(raw); err != nil {
		return b.fail("request-script url %s %v", quote(raw), err)
	}
	name := urlBase(raw)
	if checkComponent(name) != nil {
		return b.fail("request-script url %s names no file", quote(raw))
	}
	u, err := b.m.preDownload(ctx, b.t.ID, b.ver, b.m.RewriteURL(raw), name, "script")
	if err != nil {
		return err
	}
	b.say("%s requesting %s", step, u)
	tmp := filepath.Join(b.m.downloadDir(b.t.ID, b.ver), name)
	if err := os.MkdirAll(filepath.Dir(tmp), 0o755); err != nil {
		return err
	}
	defer os.Remove(tmp)
	if _, err := b.m.downloader(false).Get(ctx, install.Request{URL: u, Headers: b.out.HTTPHeaders, Dest: tmp, MaxSize: maxChecksumFile}); err != nil {
		return err
	}
	data, err := os.ReadFile(tmp)
	if err != nil {
		return err
	}
	root, err := os.OpenRoot(b.staging)
	if err != nil {
		return err
	}
	defer root.Close()
	return root.WriteFile(name, data, 0o644)
}

// runCommand runs one command of the build (the exec grant was checked):
// a builder's executable, a program of the install directory ("./configure"),
// or one on the build's PATH; in the install directory or a directory
// inside it; with tote's environment, set-env-var's and the command's own.
func (b *builder) runCommand(ctx context.Context, step string, c *api.CommandInstruction) error {
	if c == nil || c.Exe == "" {
		return b.fail("run-command names no executable")
	}
	for _, a := range append([]string{c.Exe}, c.Args...) {
		if strings.ContainsRune(a, 0) {
			return b.fail("run-command %s holds a NUL byte", quote(c.Exe))
		}
	}
	dir := b.staging
	if c.Cwd != nil && c.Cwd.Path != "" {
		r, err := b.inside("run-command cwd", c.Cwd.Path)
		if err != nil {
			return err
		}
		dir = filepath.Join(b.staging, r)
	}
	var exe string
	switch {
	case c.Builder:
		p, ok := b.exes[c.Exe]
		if !ok {
			return b.fail("run-command uses builder %s, which no install-builder step installed", quote(c.Exe))
		}
		exe = p
	case strings.ContainsAny(c.Exe, "/\\"):
		r, err := b.inside("run-command executable", filepath.Join(relTo(b.staging, dir), c.Exe))
		if err != nil {
			return err
		}
		exe = filepath.Join(b.staging, r)
	default:
		p, err := b.lookPath(c.Exe)
		if err != nil {
			return fmt.Errorf("install %s %s: build step %s: %w", b.t.ID, b.ver, step, err)
		}
		exe = p
	}
	for k := range c.Env {
		if k == "" || strings.ContainsAny(k, "=\x00") {
			return b.fail("run-command env %s is not a variable name", quote(k))
		}
	}
	b.say("%s running %s", step, strings.TrimSpace(filepath.Base(exe)+" "+strings.Join(c.Args, " ")))
	cmd := exec.CommandContext(ctx, exe, c.Args...)
	cmd.Dir = dir
	cmd.Env = b.environ(c.Env)
	cmd.Stdout, cmd.Stderr = b.stderr, b.stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("install %s %s: build step %s %s %s: %w", b.t.ID, b.ver, step, c.Exe, strings.Join(c.Args, " "), err)
	}
	return nil
}

func relTo(base, p string) string {
	r, err := filepath.Rel(base, p)
	if err != nil {
		return "."
	}
	return r
}

// installBuilder clones a builder's repository into
// $TOTE_HOME/builders/<id> (pulled again when present) and records its
// executables, which must lie inside that checkout.
func (b *builder) installBuilder(ctx context.Context, step string, in *api.BuilderInstruction) error {
	if in == nil {
		return b.fail("install-builder has no builder")
	}
	if err := checkComponent(in.ID); err != nil {
		return b.fail("builder id %s %v", quote(in.ID), err)
	}
	dir := filepath.Join(b.m.Store.Home, "builders", in.ID)
	b.say("%s installing builder %s from %s", step, in.ID, in.Git.URL)
	if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
		if err := b.git(ctx, dir, "pull", "--quiet", "--ff-only"); err != nil {
			return err
		}
	} else {
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return err
		}
		if err := b.clone(ctx, in.Git, dir); err != nil {
			return err
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	exes := map[string]string{"": in.Exe}
	for k, v := range in.Exes {
		exes[k] = v
	}
	for name, rel := range exes {
		clean, err := localPath(filepath.ToSlash(rel))
		if err != nil {
			return b.fail("builder %s executable %s %v", in.ID, quote(rel), err)
		}
		fi, err := root.Stat(filepath.FromSlash(clean))
		if err != nil || !fi.Mode().IsRegular() {
			return b.fail("builder %s has no executable %s", in.ID, quote(rel))
		}
		if fi.Mode()&0o111 == 0 {
			root.Chmod(filepath.FromSlash(clean), fi.Mode().Perm()|0o755)
		}
		key := in.ID
		if name != "" {
			key += ":" + name
		}
		b.exes[key] = filepath.Join(dir, filepath.FromSlash(clean))
	}
	return nil
}
