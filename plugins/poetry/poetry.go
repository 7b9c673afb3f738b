// Package poetry is the core of tote's built-in Poetry plugin (the Python
// dependency manager), as plain Go over the api types, served by the
// native adapter (native/) and the WASM adapter (wasm/).
//
// Poetry is not downloaded as an archive: like proto's python-poetry
// plugin, native_install fetches Poetry's official installer
// (https://install.python-poetry.org) and runs it with the Python tote
// resolves for the directory (tote's python3 shim, first on the command's
// PATH; else the python3 on PATH), with
// POETRY_HOME set to the version's directory and POETRY_VERSION to the
// version. The installer creates a virtual environment in
// <POETRY_HOME>/venv and installs Poetry into it. The poetry executable is
// that environment's python running "-m poetry", so the environment keeps
// working after tote moves the finished install into place.
//
// Versions are the GitHub tags of python-poetry/poetry (1.8.3; 1.2.0rc1
// reads as 1.2.0-rc.1). Version files: .poetry-version and pyproject.toml's
// [tool.poetry] requires-poetry (a PEP 440 specifier).
//
// Configuration ([tools.poetry]):
//
//	installer-url = "https://install.python-poetry.org"
package poetry

import (
	"context"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/internal/ghtags"
	"github.com/tote-dev/tote/plugins/internal/pep440"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// Version is the plugin's own version.
const Version = "0.1.0"

// Upstream locations.
const (
	// DefaultInstallerURL is Poetry's official installer script.
	DefaultInstallerURL = "https://install.python-poetry.org"
	// TagsURL lists the repository's tags, 100 a page.
	TagsURL = "https://api.github.com/repos/python-poetry/poetry/tags?per_page=100"
)

// Table is the core's contract functions.
var Table = pluginhost.Table{
	api.FuncRegisterTool:       pluginhost.Handle(RegisterTool),
	api.FuncLoadVersions:       pluginhost.Handle(LoadVersions),
	api.FuncNativeInstall:      pluginhost.Handle(NativeInstall),
	api.FuncDownloadPrebuilt:   pluginhost.Handle(DownloadPrebuilt),
	api.FuncLocateExecutables:  pluginhost.Handle(LocateExecutables),
	api.FuncDetectVersionFiles: pluginhost.Handle(DetectVersionFiles),
	api.FuncParseVersionFile:   pluginhost.Handle(ParseVersionFile),
}

// Config is the [tools.poetry] table.
type Config struct {
	// InstallerURL is the installer script (key "installer-url").
	InstallerURL string `json:"installer_url"`
}

func loadConfig(h pluginhost.Host) (Config, error) {
	cfg, err := pluginhost.DecodeConfig(h, Config{InstallerURL: DefaultInstallerURL})
	if err != nil {
		return cfg, err
	}
	if cfg.InstallerURL == "" {
		cfg.InstallerURL = DefaultInstallerURL
	}
	if !strings.HasPrefix(cfg.InstallerURL, "https://") && !strings.HasPrefix(cfg.InstallerURL, "http://") {
		return cfg, pluginhost.Errorf("installer-url %q in [tools.%s] is not an http(s) URL", cfg.InstallerURL, h.ToolID())
	}
	return cfg, nil
}

// RegisterTool describes Poetry; it needs python.
func RegisterTool(ctx context.Context, h pluginhost.Host, in api.RegisterToolInput) (api.RegisterToolOutput, error) {
	return api.RegisterToolOutput{Name: "Poetry", Type: api.TypeDependencyManager, PluginVersion: Version, Requires: []string{"python"}}, nil
}

// LoadVersions lists the release tags, pre-releases in semver form.
func LoadVersions(ctx context.Context, h pluginhost.Host, in api.LoadVersionsInput) (api.LoadVersionsOutput, error) {
	names, err := ghtags.Fetch(ctx, h, TagsURL, 5)
	if err != nil {
		return api.LoadVersionsOutput{}, err
	}
	for i, n := range names {
		names[i] = Semver(n)
	}
	versions, latest := ghtags.Versions(names, "")
	if len(versions) == 0 {
		return api.LoadVersionsOutput{}, pluginhost.Errorf("the Poetry tags listing %s has no release tags", TagsURL)
	}
	return api.LoadVersionsOutput{Versions: versions, Latest: latest, Aliases: map[string]string{"latest": latest}}, nil
}

// Semver maps a PEP 440 release (1.2.0rc1, 1.2.0a2, 1.2.0b3) to semver
// (1.2.0-rc.1); other strings are returned unchanged.
func Semver(v string) string {
	for _, tag := range []string{"rc", "a", "b"} {
		if i := strings.Index(v, tag); i > 0 && v[i-1] >= '0' && v[i-1] <= '9' {
			num := v[i+len(tag):]
			if num != "" && strings.Trim(num, "0123456789") == "" {
				return v[:i] + "-" + tag + "." + num
			}
		}
	}
	return v
}

// PEP440 is the inverse of Semver: 1.2.0-rc.1 → 1.2.0rc1, what
// POETRY_VERSION and pip expect.
func PEP440(v string) string {
	base, pre, ok := strings.Cut(v, "-")
	if !ok {
		return v
	}
	return base + strings.ReplaceAll(pre, ".", "")
}

// NativeInstall runs Poetry's installer with the resolved Python. The
// script is passed with "python -c" (a built-in cannot write files). Unlike
// proto, tote keeps the installer's symlinks=False: a venv of copies stays
// inside the install directory (tote refuses executables whose links lead
// out of it) and keeps working after the install is moved into place.
func NativeInstall(ctx context.Context, h pluginhost.Host, in api.NativeInstallInput) (api.NativeInstallOutput, error) {
	cfg, err := loadConfig(h)
	if err != nil {
		return api.NativeInstallOutput{}, err
	}
	v := strings.TrimPrefix(strings.TrimSpace(in.Context.Version), "v")
	if s, err := sdk.ParseSpec(v); err != nil || s.Kind != sdk.SpecExact {
		return api.NativeInstallOutput{}, pluginhost.Errorf("poetry: cannot install %q: native_install needs one resolved version such as 1.8.3", in.Context.Version)
	}
	home := in.InstallDir.RealPath()
	if home == "" {
		return api.NativeInstallOutput{}, pluginhost.Errorf("poetry: the host gave no real path for the install directory %s", in.InstallDir.Path)
	}
	body, err := h.Fetch(ctx, cfg.InstallerURL)
	if err != nil {
		return api.NativeInstallOutput{}, pluginhost.Errorf("poetry: cannot download the installer: %v", err)
	}
	script := string(body)
	if !strings.Contains(script, "POETRY_HOME") {
		return api.NativeInstallOutput{}, pluginhost.Errorf("poetry: %s is not Poetry's installer (it never mentions POETRY_HOME)", cfg.InstallerURL)
	}
	env := map[string]string{"POETRY_HOME": home, "POETRY_VERSION": PEP440(v)}
	args := []string{"-c", script, "--yes", "--force"}
	// The python3 tote resolves here (its shim, first on PATH), else the
	// one on PATH when tote's python pins nothing for the directory.
	res, last := h.Exec(ctx, api.ExecCommandInput{Command: "python3", Args: args, Env: env, Paths: []string{api.VirtualProto + "/shims"}})
	if last == nil && res.ExitCode != 0 && strings.Contains(res.Stderr, "is pinned") {
		res, last = h.Exec(ctx, api.ExecCommandInput{Command: "python3", Args: args, Env: env})
	}
	if last != nil {
		return api.NativeInstallOutput{}, pluginhost.Errorf("poetry: cannot run Poetry's installer with Python: %v", last)
	}
	if res.ExitCode != 0 {
		msg := strings.TrimSpace(res.Stderr)
		if msg == "" {
			msg = strings.TrimSpace(res.Stdout)
		}
		return api.NativeInstallOutput{Installed: false, Error: "Poetry's installer failed: " + msg}, nil
	}
	return api.NativeInstallOutput{Installed: true}, nil
}

// DownloadPrebuilt explains that Poetry is installed by native_install
// (tote calls it only when native_install asks to skip).
func DownloadPrebuilt(ctx context.Context, h pluginhost.Host, in api.DownloadPrebuiltInput) (api.DownloadPrebuiltOutput, error) {
	return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("poetry has no prebuilt archive: it is installed by its installer into a virtual environment (native_install)")
}

// LocateExecutables names poetry: the environment's python with "-m
// poetry" (no bin link: the link would be python itself).
func LocateExecutables(ctx context.Context, h pluginhost.Host, in api.LocateExecutablesInput) (api.LocateExecutablesOutput, error) {
	env := h.Env()
	python := sdk.ForNative(env, "venv/bin/python", "venv/Scripts/python.exe")
	return api.LocateExecutablesOutput{
		Exes: map[string]api.ExecutableConfig{
			"poetry": {ExePath: python, Primary: true, NoBin: true, ShimBeforeArgs: api.StringOrSlice{"-m", "poetry"}},
		},
	}, nil
}

// DetectVersionFiles names .poetry-version and pyproject.toml.
func DetectVersionFiles(ctx context.Context, h pluginhost.Host, in api.DetectVersionInput) (api.DetectVersionOutput, error) {
	return api.DetectVersionOutput{Files: []string{".poetry-version", "pyproject.toml"}, Ignore: []string{".venv"}}, nil
}

// ParseVersionFile reads .poetry-version (the first line) or
// pyproject.toml's [tool.poetry] requires-poetry (PEP 440, such as
// ">=2.0,<3").
func ParseVersionFile(ctx context.Context, h pluginhost.Host, in api.ParseVersionFileInput) (api.ParseVersionFileOutput, error) {
	switch in.File {
	case ".poetry-version":
		for i, line := range strings.Split(strings.TrimPrefix(in.Content, "\ufeff"), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			spec := Semver(line)
			if ps, err := sdk.ParseSpec(spec); err != nil || (ps.Kind == sdk.SpecAlias && spec != "latest") {
				why := "use a version such as 1.8.3"
				if err != nil {
					why = err.Error()
				}
				return api.ParseVersionFileOutput{}, pluginhost.Errorf("%s:%d: %q is not a Poetry version: %s", in.File, i+1, line, why)
			}
			return api.ParseVersionFileOutput{Version: spec}, nil
		}
	case "pyproject.toml":
		var doc struct {
			Tool struct {
				Poetry map[string]any `toml:"poetry"`
			} `toml:"tool"`
		}
		if err := toml.Unmarshal([]byte(in.Content), &doc); err != nil {
			h.Log(api.LogWarn, "pyproject.toml is not valid TOML, so it pins no Poetry version: "+err.Error())
			return api.ParseVersionFileOutput{}, nil
		}
		raw, ok := doc.Tool.Poetry["requires-poetry"]
		if !ok {
			return api.ParseVersionFileOutput{}, nil
		}
		s, ok := raw.(string)
		if !ok {
			return api.ParseVersionFileOutput{}, pluginhost.Errorf("pyproject.toml: [tool.poetry] requires-poetry must be a string such as \">=2.0\"")
		}
		spec, err := pep440.ToSpec(s)
		if err != nil {
			return api.ParseVersionFileOutput{}, pluginhost.Errorf("pyproject.toml: requires-poetry %q is not a Poetry version specifier: %v", s, err)
		}
		return api.ParseVersionFileOutput{Version: spec}, nil
	}
	return api.ParseVersionFileOutput{}, nil
}
