// Package bun is the core of tote's built-in Bun plugin: pure Go over the
// api types and pluginhost.Host, shared by the native adapter (native/) and
// the WASM adapter (wasm/).
//
// It installs the zips Bun publishes on GitHub (bun-<os>-<arch>[-musl]
// [-baseline].zip, each holding the directory of the same name with the
// binary inside), verifies them against the release's SHASUMS256.txt, lists
// versions from the GitHub tags API ("bun-v<semver>"), installs the rolling
// "canary" release, and reads .bumrc, .bun-version and package.json, as
// proto's bun plugin does. bunx is bun itself: a bin link named bunx (Bun
// switches on argv[0]) and a shim that runs "bun x".
//
// Configuration ([tools.bun]):
//
//	dist-url = "https://github.com/oven-sh/bun/releases/download/bun-v{version}/{file}"
//	baseline = true          # x64 builds for CPUs without AVX2 (default false)
//	detect-baseline = true   # on Linux x64, ask /proc/cpuinfo (needs permissions = ["exec"])
package bun

import (
	"context"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// Version is the plugin's own version, reported by register_tool and used
// as the built-in's cache digest.
const Version = "0.1.0"

// Upstream URLs, exported so that tests and mirrors can name them.
const (
	// DefaultDistURL is the default dist-url: GitHub release assets.
	DefaultDistURL = "https://github.com/oven-sh/bun/releases/download/bun-v{version}/{file}"
	// TagsURL lists the repository's tags, 100 a page (page=N appended).
	TagsURL = "https://api.github.com/repos/oven-sh/bun/tags?per_page=100"
	// ChecksumFile is the combined checksum file of every release.
	ChecksumFile = "SHASUMS256.txt"
)

// Table is the core's contract functions.
var Table = pluginhost.Table{
	api.FuncRegisterTool:       pluginhost.Handle(RegisterTool),
	api.FuncLoadVersions:       pluginhost.Handle(LoadVersions),
	api.FuncDownloadPrebuilt:   pluginhost.Handle(DownloadPrebuilt),
	api.FuncLocateExecutables:  pluginhost.Handle(LocateExecutables),
	api.FuncDetectVersionFiles: pluginhost.Handle(DetectVersionFiles),
	api.FuncParseVersionFile:   pluginhost.Handle(ParseVersionFile),
}

// Config is the [tools.bun] table.
type Config struct {
	// DistURL is where release zips and SHASUMS256.txt are downloaded from,
	// with {version} and {file} tokens (key: dist-url). For canary builds
	// "bun-v{version}" becomes "canary".
	DistURL string `json:"dist_url"`
	// Baseline picks the -baseline x64 builds, for CPUs without AVX2 (key:
	// baseline); unset means the regular build unless DetectBaseline.
	Baseline *bool `json:"baseline,omitempty"`
	// DetectBaseline asks `grep -q avx2 /proc/cpuinfo` on Linux x64, as
	// proto always does, and picks baseline when AVX2 is missing (key:
	// detect-baseline). It runs a command, so [tools.bun] must grant
	// permissions = ["exec"]; tote does not run commands for a plugin
	// unasked, hence off by default.
	DetectBaseline bool `json:"detect_baseline,omitempty"`
}

// config decodes [tools.bun] with defaults.
func config(h pluginhost.Host) (Config, error) {
	cfg, err := pluginhost.DecodeConfig(h, Config{DistURL: DefaultDistURL})
	if err != nil {
		return cfg, err
	}
	if cfg.DistURL == "" {
		cfg.DistURL = DefaultDistURL
	}
	return cfg, nil
}

// RegisterTool describes Bun.
func RegisterTool(ctx context.Context, h pluginhost.Host, in api.RegisterToolInput) (api.RegisterToolOutput, error) {
	return api.RegisterToolOutput{
		Name:                "Bun",
		Type:                api.TypeLanguage,
		PluginVersion:       Version,
		SelfUpgradeCommands: []string{"upgrade"},
	}, nil
}

// LocateExecutables names bun and bunx. Bun publishes only bun: it acts as
// bunx when argv[0] is bunx, which a bin link gives; a shim runs a child
// process, so the bunx shim runs "bun x" instead (as proto's does).
func LocateExecutables(ctx context.Context, h pluginhost.Host, in api.LocateExecutablesInput) (api.LocateExecutablesOutput, error) {
	bun := sdk.ExeName(h.Env(), "bun")
	return api.LocateExecutablesOutput{
		Exes: map[string]api.ExecutableConfig{
			"bun":  {ExePath: bun, Primary: true},
			"bunx": {ExePath: bun, ExeLinkPath: bun, ShimBeforeArgs: api.StringOrSlice{"x"}},
		},
		GlobalsLookupDirs: []string{"$BUN_INSTALL/bin", "$HOME/.bun/bin"},
	}, nil
}

// DetectVersionFiles names the files proto reads for Bun, in its order.
func DetectVersionFiles(ctx context.Context, h pluginhost.Host, in api.DetectVersionInput) (api.DetectVersionOutput, error) {
	return api.DetectVersionOutput{
		Files:  []string{".bumrc", ".bun-version", "package.json"},
		Ignore: []string{"node_modules"},
	}, nil
}
