// Package uv is the core of tote's built-in uv plugin (Astral's Python
// package and project manager): proto's python-uv plugin as plain Go over
// the api types, served by the native adapter (native/) and the WASM
// adapter (wasm/).
//
// Versions are the GitHub tags of astral-sh/uv (plain "0.6.14", no "v").
// Each release publishes, for every Rust target triple, an archive built by
// cargo-dist — uv-<triple>.tar.gz holding the directory uv-<triple>/ with
// uv and uvx, or uv-<triple>.zip on Windows with uv.exe and uvx.exe at its
// root — and beside it <archive>.sha256, which the host verifies. Version
// files: uv.toml's required-version and pyproject.toml's
// [tool.uv] required-version (PEP 440 specifiers).
//
// Configuration ([tools.uv]):
//
//	dist-url = "https://github.com/astral-sh/uv/releases/download/{version}/{file}"
package uv

import (
	"context"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/internal/ghtags"
	"github.com/tote-dev/tote/plugins/internal/globals"
	"github.com/tote-dev/tote/plugins/internal/pep440"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// Version is the plugin's own version.
const Version = "0.1.0"

// Upstream locations.
const (
	// DefaultDistURL is where release archives are downloaded from.
	DefaultDistURL = "https://github.com/astral-sh/uv/releases/download/{version}/{file}"
	// TagsURL lists the repository's tags, 100 a page.
	TagsURL = "https://api.github.com/repos/astral-sh/uv/tags?per_page=100"
	// maxTagPages bounds the tags listing (uv has about 300 tags).
	maxTagPages = 10
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

// Config is the [tools.uv] table.
type Config struct {
	// DistURL is the archive URL template (key "dist-url"), with {version}
	// and {file}.
	DistURL string `json:"dist_url"`
}

func loadConfig(h pluginhost.Host) (Config, error) {
	cfg, err := pluginhost.DecodeConfig(h, Config{DistURL: DefaultDistURL})
	if err != nil {
		return cfg, err
	}
	if cfg.DistURL == "" {
		cfg.DistURL = DefaultDistURL
	}
	if !strings.Contains(cfg.DistURL, "{file}") {
		return cfg, pluginhost.Errorf("dist-url %q in [tools.%s] has no {file} token", cfg.DistURL, h.ToolID())
	}
	return cfg, nil
}

// RegisterTool describes uv.
func RegisterTool(ctx context.Context, h pluginhost.Host, in api.RegisterToolInput) (api.RegisterToolOutput, error) {
	return api.RegisterToolOutput{Name: "uv", Type: api.TypeCommandLine, PluginVersion: Version, SelfUpgradeCommands: []string{"self"}}, nil
}

// LoadVersions lists the release tags (plain semver, pre-releases kept).
func LoadVersions(ctx context.Context, h pluginhost.Host, in api.LoadVersionsInput) (api.LoadVersionsOutput, error) {
	names, err := ghtags.Fetch(ctx, h, TagsURL, maxTagPages)
	if err != nil {
		return api.LoadVersionsOutput{}, err
	}
	versions, latest := ghtags.Versions(names, "")
	if len(versions) == 0 {
		return api.LoadVersionsOutput{}, pluginhost.Errorf("the uv tags listing %s has no release tags", TagsURL)
	}
	return api.LoadVersionsOutput{Versions: versions, Latest: latest, Aliases: map[string]string{"latest": latest}}, nil
}

// Triple is the Rust target triple uv publishes for a host.
func Triple(env api.HostEnvironment) (string, error) {
	musl := env.Libc == api.LibcMusl
	switch env.OS {
	case api.OSLinux:
		switch env.Arch {
		case api.ArchX64:
			return "x86_64-unknown-linux-" + libc(musl), nil
		case api.ArchArm64:
			return "aarch64-unknown-linux-" + libc(musl), nil
		case api.ArchX86:
			return "i686-unknown-linux-" + libc(musl), nil
		case api.ArchArm:
			if musl {
				return "armv7-unknown-linux-musleabihf", nil
			}
			return "armv7-unknown-linux-gnueabihf", nil
		case api.ArchPowerPC64:
			if !musl {
				return "powerpc64le-unknown-linux-gnu", nil
			}
		case api.ArchS390x:
			if !musl {
				return "s390x-unknown-linux-gnu", nil
			}
		}
	case api.OSMacOS:
		switch env.Arch {
		case api.ArchX64:
			return "x86_64-apple-darwin", nil
		case api.ArchArm64:
			return "aarch64-apple-darwin", nil
		}
	case api.OSWindows:
		switch env.Arch {
		case api.ArchX64:
			return "x86_64-pc-windows-msvc", nil
		case api.ArchArm64:
			return "aarch64-pc-windows-msvc", nil
		case api.ArchX86:
			return "i686-pc-windows-msvc", nil
		}
	}
	suffix := ""
	if musl {
		suffix = " with musl libc"
	}
	return "", pluginhost.Errorf("uv publishes no build for %s/%s%s", env.OS, env.Arch, suffix)
}

func libc(musl bool) string {
	if musl {
		return "musl"
	}
	return "gnu"
}

// DownloadPrebuilt names the release archive for the host and its .sha256.
func DownloadPrebuilt(ctx context.Context, h pluginhost.Host, in api.DownloadPrebuiltInput) (api.DownloadPrebuiltOutput, error) {
	cfg, err := loadConfig(h)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	v := strings.TrimPrefix(strings.TrimSpace(in.Context.Version), "v")
	if s, err := sdk.ParseSpec(v); err != nil || s.Kind != sdk.SpecExact {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("uv: cannot download %q: download_prebuilt needs one resolved version such as 0.6.14", in.Context.Version)
	}
	env := h.Env()
	triple, err := Triple(env)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	stem := "uv-" + triple
	file, prefix := stem+".tar.gz", stem
	if env.OS == api.OSWindows {
		file, prefix = stem+".zip", ""
	}
	url := strings.NewReplacer("{version}", v, "{file}", file).Replace(cfg.DistURL)
	return api.DownloadPrebuiltOutput{
		DownloadURL:   url,
		DownloadName:  file,
		ArchivePrefix: prefix,
		ChecksumURL:   url + ".sha256",
		ChecksumName:  file + ".sha256",
	}, nil
}

// LocateExecutables names uv (primary) and uvx; their shims point `uv
// tool install` at the globals directory.
func LocateExecutables(ctx context.Context, h pluginhost.Host, in api.LocateExecutablesInput) (api.LocateExecutablesOutput, error) {
	env := h.Env()
	g := globals.Dir(h.ToolID()) // UV_TOOL_DIR is its tools/, UV_TOOL_BIN_DIR its bin/
	vars := map[string]string{"UV_TOOL_DIR": g + "/tools", "UV_TOOL_BIN_DIR": g + "/bin"}
	return api.LocateExecutablesOutput{
		Exes: map[string]api.ExecutableConfig{
			"uv":  {ExePath: sdk.ExeName(env, "uv"), Primary: true, ShimEnvVars: vars},
			"uvx": {ExePath: sdk.ExeName(env, "uvx"), ShimEnvVars: vars},
		},
		GlobalsLookupDirs: []string{g + "/bin"},
	}, nil
}

// DetectVersionFiles names uv.toml and pyproject.toml.
func DetectVersionFiles(ctx context.Context, h pluginhost.Host, in api.DetectVersionInput) (api.DetectVersionOutput, error) {
	return api.DetectVersionOutput{Files: []string{"uv.toml", "pyproject.toml"}, Ignore: []string{".venv"}}, nil
}

// ParseVersionFile reads required-version from uv.toml (top level) or
// pyproject.toml ([tool.uv]), a PEP 440 specifier such as ">=0.5, <0.7".
// A file that is not TOML, or has no required-version, pins nothing; a
// required-version that is not a specifier is an error naming the file.
func ParseVersionFile(ctx context.Context, h pluginhost.Host, in api.ParseVersionFileInput) (api.ParseVersionFileOutput, error) {
	var doc map[string]any
	if err := toml.Unmarshal([]byte(in.Content), &doc); err != nil {
		h.Log(api.LogWarn, in.File+" is not valid TOML, so it pins no uv version: "+err.Error())
		return api.ParseVersionFileOutput{}, nil
	}
	table := doc
	if in.File == "pyproject.toml" {
		tool, _ := doc["tool"].(map[string]any)
		table, _ = tool["uv"].(map[string]any)
	} else if in.File != "uv.toml" {
		return api.ParseVersionFileOutput{}, nil
	}
	raw, ok := table["required-version"]
	if !ok {
		return api.ParseVersionFileOutput{}, nil
	}
	s, ok := raw.(string)
	if !ok {
		return api.ParseVersionFileOutput{}, pluginhost.Errorf("%s: required-version must be a string such as \">=0.5\"", in.File)
	}
	spec, err := pep440.ToSpec(s)
	if err != nil {
		return api.ParseVersionFileOutput{}, pluginhost.Errorf("%s: required-version %q is not a uv version specifier: %v", in.File, s, err)
	}
	return api.ParseVersionFileOutput{Version: spec}, nil
}

// InstallGlobal runs `uv tool install <dependency>` through the uv shim
// (which sets UV_TOOL_DIR and UV_TOOL_BIN_DIR), at the context's version.
func InstallGlobal(ctx context.Context, h pluginhost.Host, in api.InstallGlobalInput) (api.InstallGlobalOutput, error) {
	return toolCmd(ctx, h, in.Context, "install", in.Dependency)
}

// UninstallGlobal runs `uv tool uninstall <dependency>`.
func UninstallGlobal(ctx context.Context, h pluginhost.Host, in api.UninstallGlobalInput) (api.UninstallGlobalOutput, error) {
	out, err := toolCmd(ctx, h, in.Context, "uninstall", in.Dependency)
	return api.UninstallGlobalOutput{Uninstalled: out.Installed, Error: out.Error}, err
}

func toolCmd(ctx context.Context, h pluginhost.Host, c api.Context, verb, dep string) (api.InstallGlobalOutput, error) {
	if err := globals.CheckName(dep); err != nil {
		return api.InstallGlobalOutput{}, err
	}
	ok, msg, err := globals.Run(ctx, h, "", c.Version, []string{"tool", verb, dep})
	return api.InstallGlobalOutput{Installed: ok, Error: msg}, err
}
