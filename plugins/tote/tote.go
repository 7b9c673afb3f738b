// Package tote is the core of the built-in plugin through which tote
// manages its own versions (as proto's "proto" tool does): pure Go over the
// api types and pluginhost.Host, shared by the native adapter (native/) and
// the WASM adapter (wasm/).
//
// tote's release layout (docs/releases.md): GitHub releases of
// tote-dev/tote, tags v<semver>, one archive per platform
// tote-<version>-<os>-<arch>.tar.gz (.zip on Windows) holding the
// directory tote-<version>-<os>-<arch>/ with tote and tote-shim, and one
// tote-<version>-checksums.txt (sha256sum lines) per release. <os> and
// <arch> are Go's names (linux, darwin, windows; amd64, arm64).
//
// Configuration ([tools.tote]):
//
//	dist-url = "https://github.com/tote-dev/tote/releases/download/v{version}/{file}"
package tote

import (
	"context"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/internal/ghtags"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// Version is the plugin's own version.
const Version = "0.1.0"

// Upstream URLs.
const (
	// DefaultDistURL is where release assets are downloaded from.
	DefaultDistURL = "https://github.com/tote-dev/tote/releases/download/v{version}/{file}"
	// TagsURL lists the repository's tags, 100 a page.
	TagsURL = "https://api.github.com/repos/tote-dev/tote/tags?per_page=100"
)

// Table is the core's contract functions.
var Table = pluginhost.Table{
	api.FuncRegisterTool:      pluginhost.Handle(RegisterTool),
	api.FuncLoadVersions:      pluginhost.Handle(LoadVersions),
	api.FuncDownloadPrebuilt:  pluginhost.Handle(DownloadPrebuilt),
	api.FuncLocateExecutables: pluginhost.Handle(LocateExecutables),
}

// Config is the [tools.tote] table.
type Config struct {
	// DistURL has {version} and {file} tokens (key: dist-url).
	DistURL string `json:"dist_url"`
}

func config(h pluginhost.Host) (Config, error) {
	cfg, err := pluginhost.DecodeConfig(h, Config{DistURL: DefaultDistURL})
	if err == nil && cfg.DistURL == "" {
		cfg.DistURL = DefaultDistURL
	}
	return cfg, err
}

// RegisterTool describes tote.
func RegisterTool(ctx context.Context, h pluginhost.Host, in api.RegisterToolInput) (api.RegisterToolOutput, error) {
	return api.RegisterToolOutput{Name: "tote", Type: api.TypeVersionManager, PluginVersion: Version, SelfUpgradeCommands: []string{"upgrade"}}, nil
}

// LoadVersions lists the v<semver> tags of tote-dev/tote.
func LoadVersions(ctx context.Context, h pluginhost.Host, in api.LoadVersionsInput) (api.LoadVersionsOutput, error) {
	names, err := ghtags.Fetch(ctx, h, TagsURL, 10)
	if err != nil {
		return api.LoadVersionsOutput{}, err
	}
	versions, latest := ghtags.Versions(names, "v")
	if len(versions) == 0 {
		return api.LoadVersionsOutput{}, pluginhost.Errorf("list versions: %s lists no v<version> tags", TagsURL)
	}
	out := api.LoadVersionsOutput{Versions: versions, Latest: latest}
	if latest != "" {
		out.Aliases = map[string]string{"latest": latest, "stable": latest}
	}
	return out, nil
}

var supported = sdk.Permutations{
	sdk.OSLinux:   {sdk.ArchX64, sdk.ArchArm64},
	sdk.OSMacOS:   {sdk.ArchX64, sdk.ArchArm64},
	sdk.OSWindows: {sdk.ArchX64, sdk.ArchArm64},
}

// Asset is the archive stem of a release for a host:
// tote-<version>-<os>-<arch>.
func Asset(env api.HostEnvironment, version string) (string, error) {
	if err := sdk.CheckSupportedOSAndArch("tote", env, supported); err != nil {
		return "", pluginhost.Errorf("%v", err)
	}
	os := map[api.HostOS]string{api.OSLinux: "linux", api.OSMacOS: "darwin", api.OSWindows: "windows"}[env.OS]
	arch := map[api.HostArch]string{api.ArchX64: "amd64", api.ArchArm64: "arm64"}[env.Arch]
	return "tote-" + version + "-" + os + "-" + arch, nil
}

// ChecksumsFile is the release's checksum file name.
func ChecksumsFile(version string) string { return "tote-" + version + "-checksums.txt" }

// DownloadPrebuilt returns the host's archive and the release's checksums file.
func DownloadPrebuilt(ctx context.Context, h pluginhost.Host, in api.DownloadPrebuiltInput) (api.DownloadPrebuiltOutput, error) {
	cfg, err := config(h)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	ver := strings.TrimPrefix(strings.TrimSpace(in.Context.Version), "v")
	if s, err := sdk.ParseSpec(ver); err != nil || s.Kind != sdk.SpecExact {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("download tote: %q is not a full version", in.Context.Version)
	}
	env := h.Env()
	stem, err := Asset(env, ver)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	file := stem + ".tar.gz"
	if env.OS == api.OSWindows {
		file = stem + ".zip"
	}
	url := func(f string) string { return strings.NewReplacer("{version}", ver, "{file}", f).Replace(cfg.DistURL) }
	return api.DownloadPrebuiltOutput{
		DownloadURL: url(file), DownloadName: file, ArchivePrefix: stem,
		ChecksumURL: url(ChecksumsFile(ver)), ChecksumName: ChecksumsFile(ver),
	}, nil
}

// LocateExecutables names tote and tote-shim. Neither gets a shim or a bin
// link: a shim named tote would stand in front of the tote on PATH. A
// pinned version is run by tote itself (it re-executes the pinned build).
func LocateExecutables(ctx context.Context, h pluginhost.Host, in api.LocateExecutablesInput) (api.LocateExecutablesOutput, error) {
	env := h.Env()
	return api.LocateExecutablesOutput{Exes: map[string]api.ExecutableConfig{
		"tote":      {ExePath: sdk.ExeName(env, "tote"), Primary: true, NoShim: true, NoBin: true},
		"tote-shim": {ExePath: sdk.ExeName(env, "tote-shim"), NoShim: true, NoBin: true},
	}}, nil
}
