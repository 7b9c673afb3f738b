// Package moon is the core of tote's built-in moon plugin (moonrepo's
// build system): pure Go over the api types and pluginhost.Host, shared by
// the native adapter (native/) and the WASM adapter (wasm/).
//
// moon publishes its releases on GitHub (moonrepo/moon, tags v<semver>):
//
//   - from 2.0.0, one archive per target, moon_cli-<triple>.tar.xz (.zip on
//     Windows) holding moon_cli-<triple>/moon and moonx, with a
//     <archive>.sha256 file beside it;
//   - before 2.0.0 (and for the rolling "canary" release), bare binaries
//     moon-<triple>[.exe] with no checksum file. Those are checked against
//     the sha256 digest GitHub records for the asset (read from the
//     releases API), when GitHub has one.
//
// moon has no version file: .moon/toolchain.yml configures the tools moon
// itself manages, not moon's own version, so it is never read.
//
// Configuration ([tools.moon]):
//
//	dist-url = "https://github.com/moonrepo/moon/releases/download/{tag}/{file}"
//	api-url  = "https://api.github.com/repos/moonrepo/moon/releases/tags/{tag}"
package moon

import (
	"context"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/internal/ghrelease"
	"github.com/tote-dev/tote/plugins/internal/ghtags"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// Version is the plugin's own version.
const Version = "0.1.0"

// Upstream URLs.
const (
	// DefaultDistURL is where release assets are downloaded from.
	DefaultDistURL = "https://github.com/moonrepo/moon/releases/download/{tag}/{file}"
	// DefaultAPIURL is the release object of a tag (for asset digests).
	DefaultAPIURL = "https://api.github.com/repos/moonrepo/moon/releases/tags/{tag}"
	// TagsURL lists the repository's tags, 100 a page.
	TagsURL = "https://api.github.com/repos/moonrepo/moon/tags?per_page=100"
)

// Table is the core's contract functions. moon has no version file, so
// detect_version_files is not exported.
var Table = pluginhost.Table{
	api.FuncRegisterTool:      pluginhost.Handle(RegisterTool),
	api.FuncLoadVersions:      pluginhost.Handle(LoadVersions),
	api.FuncDownloadPrebuilt:  pluginhost.Handle(DownloadPrebuilt),
	api.FuncLocateExecutables: pluginhost.Handle(LocateExecutables),
}

// Config is the [tools.moon] table.
type Config struct {
	// DistURL has {tag} and {file} tokens (key: dist-url).
	DistURL string `json:"dist_url"`
	// APIURL is the release object of {tag} (key: api-url).
	APIURL string `json:"api_url"`
}

func config(h pluginhost.Host) (Config, error) {
	cfg, err := pluginhost.DecodeConfig(h, Config{DistURL: DefaultDistURL, APIURL: DefaultAPIURL})
	if err != nil {
		return cfg, err
	}
	if cfg.DistURL == "" {
		cfg.DistURL = DefaultDistURL
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	return cfg, nil
}

// RegisterTool describes moon.
func RegisterTool(ctx context.Context, h pluginhost.Host, in api.RegisterToolInput) (api.RegisterToolOutput, error) {
	return api.RegisterToolOutput{Name: "moon", Type: api.TypeCommandLine, PluginVersion: Version, SelfUpgradeCommands: []string{"upgrade"}}, nil
}

// LoadVersions lists the v<semver> tags of moonrepo/moon, with the rolling
// canary release.
func LoadVersions(ctx context.Context, h pluginhost.Host, in api.LoadVersionsInput) (api.LoadVersionsOutput, error) {
	names, err := ghtags.Fetch(ctx, h, TagsURL, 20)
	if err != nil {
		return api.LoadVersionsOutput{}, err
	}
	versions, latest := ghtags.Versions(names, "v")
	if len(versions) == 0 {
		return api.LoadVersionsOutput{}, pluginhost.Errorf("list versions: %s lists no v<version> tags", TagsURL)
	}
	out := api.LoadVersionsOutput{Versions: versions, Latest: latest, Canary: "canary"}
	if latest != "" {
		out.Aliases = map[string]string{"latest": latest, "stable": latest}
	}
	return out, nil
}

var supported = sdk.Permutations{
	sdk.OSLinux:   {sdk.ArchX64, sdk.ArchArm64},
	sdk.OSMacOS:   {sdk.ArchX64, sdk.ArchArm64},
	sdk.OSWindows: {sdk.ArchX64},
}

// Target is the Rust target triple of moon's build for a host.
func Target(env api.HostEnvironment) (string, error) {
	if err := sdk.CheckSupportedOSAndArch("moon", env, supported); err != nil {
		return "", pluginhost.Errorf("%v", err)
	}
	arch := "x86_64"
	if env.Arch == api.ArchArm64 {
		arch = "aarch64"
	}
	switch env.OS {
	case api.OSMacOS:
		return arch + "-apple-darwin", nil
	case api.OSWindows:
		return arch + "-pc-windows-msvc", nil
	}
	libc := "gnu"
	if env.Libc == api.LibcMusl {
		libc = "musl"
	}
	return arch + "-unknown-linux-" + libc, nil
}

// archived reports whether a version ships as moon_cli archives (2.0.0 on).
func archived(ver string) bool {
	s, err := sdk.ParseSpec(ver)
	if err != nil || s.Kind != sdk.SpecExact {
		return false
	}
	major, _, _ := strings.Cut(strings.TrimPrefix(ver, "v"), ".")
	return major != "0" && major != "1"
}

// DownloadPrebuilt returns the archive (2.0.0 on, with its .sha256) or the
// bare binary (before, and canary) for the host; a bare binary's checksum
// is GitHub's digest of the asset.
func DownloadPrebuilt(ctx context.Context, h pluginhost.Host, in api.DownloadPrebuiltInput) (api.DownloadPrebuiltOutput, error) {
	cfg, err := config(h)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	env := h.Env()
	target, err := Target(env)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	ver := strings.TrimPrefix(strings.TrimSpace(in.Context.Version), "v")
	tag := "v" + ver
	if strings.EqualFold(ver, "canary") {
		tag = "canary"
	} else if s, err := sdk.ParseSpec(ver); err != nil || s.Kind != sdk.SpecExact {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("download moon: %q is not a full version", in.Context.Version)
	}
	url := func(file string) string {
		return strings.NewReplacer("{tag}", tag, "{version}", ver, "{file}", file).Replace(cfg.DistURL)
	}
	if archived(ver) {
		stem := "moon_cli-" + target
		file := stem + "." + map[bool]string{true: "zip", false: "tar.xz"}[env.OS == api.OSWindows]
		return api.DownloadPrebuiltOutput{
			DownloadURL: url(file), DownloadName: file, ArchivePrefix: stem,
			ChecksumURL: url(file + ".sha256"), ChecksumName: file + ".sha256",
		}, nil
	}
	file := "moon-" + target
	if env.OS == api.OSWindows {
		file += ".exe"
	}
	out := api.DownloadPrebuiltOutput{DownloadURL: url(file), DownloadName: sdk.ExeName(env, "moon")}
	relURL := strings.ReplaceAll(cfg.APIURL, "{tag}", tag)
	rel, err := ghrelease.Fetch(ctx, h, relURL)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	asset, ok := rel.Asset(file)
	if !ok {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("moon %s is not available for %s/%s: the release publishes no %s", ver, env.OS, env.Arch, file)
	}
	sum, ok, err := asset.Checksum()
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	if ok {
		out.Checksum = sum
	} else {
		h.Log(api.LogWarn, "GitHub records no digest for "+file+" of moon "+ver+"; the download cannot be verified")
	}
	return out, nil
}

// LocateExecutables names moon (and moonx from 2.0.0).
func LocateExecutables(ctx context.Context, h pluginhost.Host, in api.LocateExecutablesInput) (api.LocateExecutablesOutput, error) {
	env := h.Env()
	exes := map[string]api.ExecutableConfig{"moon": {ExePath: sdk.ExeName(env, "moon"), Primary: true}}
	if archived(strings.TrimPrefix(in.Context.Version, "v")) {
		exes["moonx"] = api.ExecutableConfig{ExePath: sdk.ExeName(env, "moonx")}
	}
	return api.LocateExecutablesOutput{Exes: exes}, nil
}
