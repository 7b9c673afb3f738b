// Package node is the core of tote's built-in Node.js plugin: proto's node
// tool plugin, as plain Go over the api types. It reads the release index
// and SHASUMS256.txt files that nodejs.org publishes, maps platforms onto
// the archives upstream actually ships for each version, and reads the
// version files of the JavaScript ecosystem (.nvmrc, .node-version and
// package.json).
//
// The native adapter (plugins/node/native) and the WASM adapter
// (plugins/node/wasm) both serve [Table].
//
// # Configuration
//
// [tools.node] accepts proto's keys:
//
//	dist-url     = "https://nodejs.org/download/release/v{version}/{file}"
//	bundled-npm  = false
//
// dist-url is where archives and SHASUMS256.txt are downloaded from; the
// {version} (without "v") and {file} tokens are replaced. bundled-npm is
// accepted for compatibility with proto: tote always exposes the npm, npx
// and corepack that ship inside the Node.js archive, so it changes nothing.
//
// # Platforms
//
// nodejs.org publishes Linux builds for x64, arm64, armv7l, ppc64le and
// s390x (glibc only), macOS builds for x64 and, from 16.0.0, arm64, and
// Windows builds for x64, x86 and, from 19.9.0, arm64. Before 16.0.0 an
// arm64 Mac gets the x64 build, which runs under Rosetta, as proto does.
// nodejs.org publishes no musl builds: on musl Linux (x64 and arm64) the
// unofficial builds of unofficial-builds.nodejs.org are used, as proto
// does, with a warning; other musl architectures are refused.
package node

import (
	"context"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// Version is the plugin's own version.
const Version = "0.1.0"

// Table is the core's contract functions.
var Table = pluginhost.Table{
	api.FuncRegisterTool:       pluginhost.Handle(RegisterTool),
	api.FuncLoadVersions:       pluginhost.Handle(LoadVersions),
	api.FuncResolveVersion:     pluginhost.Handle(ResolveVersion),
	api.FuncDownloadPrebuilt:   pluginhost.Handle(DownloadPrebuilt),
	api.FuncLocateExecutables:  pluginhost.Handle(LocateExecutables),
	api.FuncDetectVersionFiles: pluginhost.Handle(DetectVersionFiles),
	api.FuncParseVersionFile:   pluginhost.Handle(ParseVersionFile),
}

// Upstream locations (proto's defaults).
const (
	// DefaultDistURL is the default of [tools.node] dist-url.
	DefaultDistURL = "https://nodejs.org/download/release/v{version}/{file}"
	// IndexURL is the release index: every version, newest first.
	IndexURL = "https://nodejs.org/download/release/index.json"
	// UnofficialDistURL is where musl builds are published.
	UnofficialDistURL = "https://unofficial-builds.nodejs.org/download/release/v{version}/{file}"
)

// Config is the [tools.node] table.
type Config struct {
	// DistURL is the archive location template (key "dist-url").
	DistURL string `json:"dist_url"`
	// BundledNpm is accepted for proto compatibility (key "bundled-npm").
	BundledNpm bool `json:"bundled_npm"`
}

// loadConfig decodes [tools.node] over the defaults.
func loadConfig(h pluginhost.Host) (Config, error) {
	cfg, err := pluginhost.DecodeConfig(h, Config{DistURL: DefaultDistURL})
	if err != nil {
		return cfg, err
	}
	if cfg.DistURL == "" {
		cfg.DistURL = DefaultDistURL
	}
	return cfg, nil
}

// RegisterTool describes Node.js.
func RegisterTool(ctx context.Context, h pluginhost.Host, in api.RegisterToolInput) (api.RegisterToolOutput, error) {
	return api.RegisterToolOutput{
		Name:          "Node.js",
		Type:          api.TypeLanguage,
		PluginVersion: Version,
	}, nil
}
