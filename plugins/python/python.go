// Package python is the core of tote's built-in Python plugin: CPython
// from python-build-standalone (astral-sh/python-build-standalone, the
// prebuilt interpreters proto, mise, uv and rye install), as plain Go over
// the api types, served by the native adapter (native/) and the WASM
// adapter (wasm/).
//
// python-build-standalone publishes a GitHub release per build date (tag
// "20241016"); each release ships several CPython versions for many
// target triples and a SHA256SUMS file ("<hex>  <file>" lines, sorted,
// since 20220227). tote lists the newest releases from the GitHub tags
// API, reads their SHA256SUMS, and keeps for each CPython version the
// newest build of the archive for the host's triple:
// cpython-<version>+<release>-<triple>-install_only.tar.gz (a python/
// directory with bin/python3, lib/, include/), or install_only_stripped
// when configured. Versions read like semver: 3.13.0rc1 is 3.13.0-rc.1.
//
// Configuration ([tools.python]):
//
//	dist-url = "https://github.com/astral-sh/python-build-standalone/releases/download/{release}/{file}"
//	release  = "20241016"   # use this build only (default: the newest builds)
//	lookback = 10           # how many of the newest builds to read
//	stripped = false        # install_only_stripped archives (no debug symbols)
package python

import (
	"context"
	"sort"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/internal/ghtags"
	"github.com/tote-dev/tote/plugins/internal/globals"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// Version is the plugin's own version.
const Version = "0.1.0"

// Upstream locations.
const (
	// DefaultDistURL is where release assets are downloaded from.
	DefaultDistURL = "https://github.com/astral-sh/python-build-standalone/releases/download/{release}/{file}"
	// TagsURL lists the release tags, 100 a page.
	TagsURL = "https://api.github.com/repos/astral-sh/python-build-standalone/tags?per_page=100"
	// SumsName is each release's checksum file.
	SumsName = "SHA256SUMS"
	// FirstSumsRelease is the first release with a SHA256SUMS file.
	FirstSumsRelease = "20220227"
	// DefaultLookback is how many of the newest releases are read.
	DefaultLookback = 10
)

// Table is the core's contract functions.
var Table = pluginhost.Table{
	api.FuncRegisterTool:       pluginhost.Handle(RegisterTool),
	api.FuncLoadVersions:       pluginhost.Handle(LoadVersions),
	api.FuncDownloadPrebuilt:   pluginhost.Handle(DownloadPrebuilt),
	api.FuncLocateExecutables:  pluginhost.Handle(LocateExecutables),
	api.FuncDetectVersionFiles: pluginhost.Handle(DetectVersionFiles),
	api.FuncParseVersionFile:   pluginhost.Handle(ParseVersionFile),
	api.FuncInstallGlobal:      pluginhost.Handle(InstallGlobal),
	api.FuncUninstallGlobal:    pluginhost.Handle(UninstallGlobal),
}

// Config is the [tools.python] table.
type Config struct {
	// DistURL is the asset URL template, with {release} and {file}.
	DistURL string `json:"dist_url"`
	// Release pins one python-build-standalone release.
	Release string `json:"release"`
	// Lookback is how many of the newest releases are read (1 to 100).
	Lookback int `json:"lookback"`
	// Stripped picks install_only_stripped archives.
	Stripped bool `json:"stripped"`
}

func loadConfig(h pluginhost.Host) (Config, error) {
	cfg, err := pluginhost.DecodeConfig(h, Config{DistURL: DefaultDistURL, Lookback: DefaultLookback})
	if err != nil {
		return cfg, err
	}
	if cfg.DistURL == "" {
		cfg.DistURL = DefaultDistURL
	}
	if !strings.Contains(cfg.DistURL, "{file}") || !strings.Contains(cfg.DistURL, "{release}") {
		return cfg, pluginhost.Errorf("dist-url %q in [tools.%s] needs the {release} and {file} tokens", cfg.DistURL, h.ToolID())
	}
	if cfg.Lookback < 1 || cfg.Lookback > 100 {
		return cfg, pluginhost.Errorf("lookback = %d in [tools.%s]: read between 1 and 100 releases", cfg.Lookback, h.ToolID())
	}
	if cfg.Release != "" && !isReleaseTag(cfg.Release) {
		return cfg, pluginhost.Errorf("release %q in [tools.%s] is not a python-build-standalone release (a date such as 20241016)", cfg.Release, h.ToolID())
	}
	return cfg, nil
}

// RegisterTool describes Python.
func RegisterTool(ctx context.Context, h pluginhost.Host, in api.RegisterToolInput) (api.RegisterToolOutput, error) {
	return api.RegisterToolOutput{Name: "Python", Type: api.TypeLanguage, PluginVersion: Version}, nil
}

// isReleaseTag accepts python-build-standalone's tags: 8-digit dates.
func isReleaseTag(t string) bool {
	if len(t) != 8 {
		return false
	}
	for _, c := range t {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// build is one downloadable archive of one CPython version.
type build struct {
	release, file, sha256 string
}

// Triple is python-build-standalone's target triple for a host (Windows
// builds before 2024 add "-shared", which Parse folds away).
func Triple(env api.HostEnvironment) (string, error) {
	arch := map[api.HostArch]string{api.ArchX64: "x86_64", api.ArchArm64: "aarch64", api.ArchX86: "i686"}[env.Arch]
	switch env.OS {
	case api.OSLinux:
		switch env.Arch {
		case api.ArchPowerPC64:
			arch = "ppc64le"
		case api.ArchS390x:
			arch = "s390x"
		case api.ArchArm:
			if env.Libc == api.LibcMusl {
				break
			}
			return "armv7-unknown-linux-gnueabihf", nil
		}
		if arch == "" {
			break
		}
		if env.Libc == api.LibcMusl {
			if arch != "x86_64" && arch != "aarch64" {
				break
			}
			return arch + "-unknown-linux-musl", nil
		}
		return arch + "-unknown-linux-gnu", nil
	case api.OSMacOS:
		if arch == "x86_64" || arch == "aarch64" {
			return arch + "-apple-darwin", nil
		}
	case api.OSWindows:
		if arch != "" {
			return arch + "-pc-windows-msvc", nil
		}
	}
	libc := ""
	if env.Libc == api.LibcMusl {
		libc = " with musl libc"
	}
	return "", pluginhost.Errorf("python-build-standalone publishes no CPython for %s/%s%s", env.OS, env.Arch, libc)
}

// Parse reads a release's SHA256SUMS and returns, for triple and flavor
// ("install_only" or "install_only_stripped"), each CPython version (in
// semver form) and its archive. Other flavors, freethreaded and
// micro-architecture (x86_64_v3) builds are skipped.
func Parse(release, sums, triple, flavor string) map[string]build {
	out := map[string]build{}
	suffix := "-" + flavor + ".tar.gz"
	for line := range strings.SplitSeq(sums, "\n") {
		f := strings.Fields(line)
		if len(f) != 2 || len(f[0]) != 64 {
			continue
		}
		name := strings.TrimPrefix(f[1], "*")
		rest, ok := strings.CutPrefix(name, "cpython-")
		if !ok {
			continue
		}
		pyver, rest, ok := strings.Cut(rest, "+"+release+"-")
		if !ok {
			continue
		}
		t, ok := strings.CutSuffix(rest, suffix)
		if !ok {
			continue
		}
		t = strings.TrimSuffix(t, "-shared")
		if t != triple {
			continue
		}
		v, ok := semverOf(pyver)
		if !ok {
			continue
		}
		out[v] = build{release: release, file: name, sha256: strings.ToLower(f[0])}
	}
	return out
}

// semverOf maps a CPython version to semver: 3.13.0rc1 → 3.13.0-rc.1,
// 3.14.0a7 → 3.14.0-a.7, 3.14.0b1 → 3.14.0-b.1.
func semverOf(v string) (string, bool) {
	i := strings.IndexAny(v, "abrc")
	base, pre := v, ""
	if i > 0 {
		base, pre = v[:i], v[i:]
		tag := strings.TrimRight(pre, "0123456789")
		num := pre[len(tag):]
		if (tag != "a" && tag != "b" && tag != "rc") || num == "" {
			return "", false
		}
		pre = "-" + tag + "." + num
	}
	if strings.Count(base, ".") != 2 {
		return "", false
	}
	s, err := sdk.ParseSpec(base + pre)
	if err != nil || s.Kind != sdk.SpecExact {
		return "", false
	}
	return s.Version, true
}

// releases returns the release tags to read, newest first.
func releases(ctx context.Context, h pluginhost.Host, cfg Config) ([]string, error) {
	if cfg.Release != "" {
		return []string{cfg.Release}, nil
	}
	names, err := ghtags.Fetch(ctx, h, TagsURL, 3)
	if err != nil {
		return nil, err
	}
	var tags []string
	for _, n := range names {
		if isReleaseTag(n) && n >= FirstSumsRelease {
			tags = append(tags, n)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(tags)))
	if len(tags) > cfg.Lookback {
		tags = tags[:cfg.Lookback]
	}
	if len(tags) == 0 {
		return nil, pluginhost.Errorf("python-build-standalone: %s lists no release since %s", TagsURL, FirstSumsRelease)
	}
	return tags, nil
}

func flavor(cfg Config) string {
	if cfg.Stripped {
		return "install_only_stripped"
	}
	return "install_only"
}

func sumsURL(cfg Config, release string) string {
	return strings.NewReplacer("{release}", release, "{file}", SumsName).Replace(cfg.DistURL)
}

// scan reads releases newest first and calls found for each version the
// host can install, newest build first; found returns false to stop.
func scan(ctx context.Context, h pluginhost.Host, cfg Config, found func(version string, b build) bool) error {
	triple, err := Triple(h.Env())
	if err != nil {
		return err
	}
	tags, err := releases(ctx, h, cfg)
	if err != nil {
		return err
	}
	for _, tag := range tags {
		body, err := h.Fetch(ctx, sumsURL(cfg, tag))
		if err != nil {
			return pluginhost.Errorf("python-build-standalone release %s: %v", tag, err)
		}
		builds := Parse(tag, string(body), triple, flavor(cfg))
		vs := make([]string, 0, len(builds))
		for v := range builds {
			vs = append(vs, v)
		}
		sdk.SortVersions(vs)
		for i := len(vs) - 1; i >= 0; i-- {
			if !found(vs[i], builds[vs[i]]) {
				return nil
			}
		}
	}
	return nil
}

// LoadVersions lists the CPython versions built for the host by the
// releases read; latest is the newest stable one.
func LoadVersions(ctx context.Context, h pluginhost.Host, in api.LoadVersionsInput) (api.LoadVersionsOutput, error) {
	cfg, err := loadConfig(h)
	if err != nil {
		return api.LoadVersionsOutput{}, err
	}
	seen := map[string]bool{}
	var versions []string
	err = scan(ctx, h, cfg, func(v string, _ build) bool {
		if !seen[v] {
			seen[v] = true
			versions = append(versions, v)
		}
		return true
	})
	if err != nil {
		return api.LoadVersionsOutput{}, err
	}
	if len(versions) == 0 {
		triple, _ := Triple(h.Env())
		return api.LoadVersionsOutput{}, pluginhost.Errorf("python-build-standalone: the releases read publish no %s archive for %s", flavor(cfg), triple)
	}
	sdk.SortVersions(versions)
	out := api.LoadVersionsOutput{Versions: versions, Aliases: map[string]string{}}
	for i := len(versions) - 1; i >= 0; i-- {
		if !strings.Contains(versions[i], "-") {
			out.Latest = versions[i]
			out.Aliases["latest"] = versions[i]
			break
		}
	}
	return out, nil
}

// DownloadPrebuilt finds the newest build of the version for the host and
// returns it with its release's SHA256SUMS.
func DownloadPrebuilt(ctx context.Context, h pluginhost.Host, in api.DownloadPrebuiltInput) (api.DownloadPrebuiltOutput, error) {
	cfg, err := loadConfig(h)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	want := strings.TrimPrefix(strings.TrimSpace(in.Context.Version), "v")
	if s, err := sdk.ParseSpec(want); err != nil || s.Kind != sdk.SpecExact {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("python: cannot download %q: download_prebuilt needs one resolved version such as 3.12.4", in.Context.Version)
	}
	var hit *build
	err = scan(ctx, h, cfg, func(v string, b build) bool {
		if v == want {
			hit = &b
			return false
		}
		return true
	})
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	if hit == nil {
		triple, _ := Triple(h.Env())
		where := "the newest releases read"
		if cfg.Release != "" {
			where = "release " + cfg.Release
		}
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("python %s: python-build-standalone has no %s build for %s in %s (set release = \"<date>\" or a larger lookback under [tools.%s])", want, flavor(cfg), triple, where, h.ToolID())
	}
	return api.DownloadPrebuiltOutput{
		DownloadURL:   strings.NewReplacer("{release}", hit.release, "{file}", hit.file).Replace(cfg.DistURL),
		DownloadName:  hit.file,
		ArchivePrefix: "python",
		Checksum:      api.Checksum("sha256:" + hit.sha256),
	}, nil
}

// LocateExecutables names python (primary) and python3 — bin/python3 in
// the install_only layout, python.exe on Windows — and pip and pip3, which
// run "python -m pip". Their shims set PYTHONUSERBASE to the globals
// directory, so `pip install --user` lands there.
func LocateExecutables(ctx context.Context, h pluginhost.Host, in api.LocateExecutablesInput) (api.LocateExecutablesOutput, error) {
	env := h.Env()
	exe := sdk.ForNative(env, "bin/python3", "python.exe")
	vars := map[string]string{"PYTHONUSERBASE": globals.Dir(h.ToolID())}
	pip := api.ExecutableConfig{ExePath: exe, NoBin: true, ShimBeforeArgs: api.StringOrSlice{"-m", "pip"}, ShimEnvVars: vars}
	return api.LocateExecutablesOutput{
		Exes: map[string]api.ExecutableConfig{
			"python":  {ExePath: exe, Primary: true, ShimEnvVars: vars},
			"python3": {ExePath: exe, ShimEnvVars: vars},
			"pip":     pip,
			"pip3":    pip,
		},
		ExesDirs:          []string{sdk.ForNative(env, "bin", "Scripts")},
		GlobalsLookupDirs: []string{sdk.ForNative(env, globals.Dir(h.ToolID())+"/bin", globals.Dir(h.ToolID())+"/Scripts")},
	}, nil
}

// DetectVersionFiles names pyenv's .python-version.
func DetectVersionFiles(ctx context.Context, h pluginhost.Host, in api.DetectVersionInput) (api.DetectVersionOutput, error) {
	return api.DetectVersionOutput{Files: []string{".python-version"}, Ignore: []string{".venv", "venv"}}, nil
}

// ParseVersionFile reads a .python-version in pyenv's format: one version
// a line (pyenv activates them all; the first is python), comments and
// blank lines skipped. CPython versions are "3", "3.12", "3.12.4" and
// pre-releases "3.13.0rc1"; "system" pins nothing. Other interpreters
// (pypy3.10-7.3.17, graalpy-24.1, miniconda3-latest) are refused with the
// line that names them: tote's python is CPython.
func ParseVersionFile(ctx context.Context, h pluginhost.Host, in api.ParseVersionFileInput) (api.ParseVersionFileOutput, error) {
	content := strings.TrimPrefix(in.Content, "\ufeff")
	for i, line := range strings.Split(content, "\n") {
		line = strings.TrimSpace(line)
		if j := strings.Index(line, "#"); j >= 0 {
			line = strings.TrimSpace(line[:j])
		}
		if line == "" {
			continue
		}
		if line == "system" {
			return api.ParseVersionFileOutput{}, nil
		}
		v := strings.TrimPrefix(line, "python")
		v = strings.TrimPrefix(v, "cpython-")
		if semver, ok := semverOf(v); ok {
			return api.ParseVersionFileOutput{Version: semver}, nil
		}
		if isPartial(v) {
			return api.ParseVersionFileOutput{Version: v}, nil
		}
		kind := "is not a CPython version"
		lower := strings.ToLower(line)
		for _, other := range []string{"pypy", "graalpy", "jython", "ironpython", "miniconda", "anaconda", "miniforge", "mambaforge", "stackless", "micropython", "pyston", "activepython"} {
			if strings.HasPrefix(lower, other) {
				kind = "names " + other + ", not CPython: tote's python installs CPython from python-build-standalone only"
			}
		}
		return api.ParseVersionFileOutput{}, pluginhost.Errorf("%s:%d: %q %s", in.File, i+1, line, kind)
	}
	return api.ParseVersionFileOutput{}, nil
}

// InstallGlobal runs `python -m pip install --user <dependency>` through
// the python shim (PYTHONUSERBASE is the globals directory).
func InstallGlobal(ctx context.Context, h pluginhost.Host, in api.InstallGlobalInput) (api.InstallGlobalOutput, error) {
	if err := globals.CheckName(in.Dependency); err != nil {
		return api.InstallGlobalOutput{}, err
	}
	ok, msg, err := globals.Run(ctx, h, "", in.Context.Version, []string{"-m", "pip", "install", "--user", "--disable-pip-version-check", "--no-warn-script-location", in.Dependency})
	return api.InstallGlobalOutput{Installed: ok, Error: msg}, err
}

// UninstallGlobal runs `python -m pip uninstall --yes <dependency>`.
func UninstallGlobal(ctx context.Context, h pluginhost.Host, in api.UninstallGlobalInput) (api.UninstallGlobalOutput, error) {
	if err := globals.CheckName(in.Dependency); err != nil {
		return api.UninstallGlobalOutput{}, err
	}
	ok, msg, err := globals.Run(ctx, h, "", in.Context.Version, []string{"-m", "pip", "uninstall", "--yes", "--disable-pip-version-check", in.Dependency})
	return api.UninstallGlobalOutput{Uninstalled: ok, Error: msg}, err
}

// isPartial accepts "3" and "3.12".
func isPartial(v string) bool {
	parts := strings.Split(v, ".")
	if len(parts) > 2 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}
