// Package zig is the core of tote's built-in Zig plugin: it reads
// ziglang.org's download index (releases under /download/<version>/, the
// nightly "master" build under /builds/), downloads the archive for the
// host with the index's sha256, and reads the version from .zig-version,
// .zigversion and build.zig.zon.
//
// Versions are the index's keys ("0.14.1"); "latest" and "stable" are the
// newest release, and "canary" (or its Zig name "master") is the master
// build, whose version the index states ("0.15.0-dev.621+a63f7875f").
//
// # Configuration
//
// [tools.zig] accepts, like proto's Zig plugin:
//
//	index-url = "https://ziglang.org/download/index.json"   # a Zig-compatible download index
package zig

import (
	"context"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// Version is the plugin's own version.
const Version = "0.1.0"

// IndexURL is ziglang.org's download index.
const IndexURL = "https://ziglang.org/download/index.json"

// Table is the plugin's contract functions.
var Table = pluginhost.Table{
	api.FuncRegisterTool:       pluginhost.Handle(RegisterTool),
	api.FuncLoadVersions:       pluginhost.Handle(LoadVersions),
	api.FuncDownloadPrebuilt:   pluginhost.Handle(DownloadPrebuilt),
	api.FuncLocateExecutables:  pluginhost.Handle(LocateExecutables),
	api.FuncDetectVersionFiles: pluginhost.Handle(DetectVersionFiles),
	api.FuncParseVersionFile:   pluginhost.Handle(ParseVersionFile),
}

// Config is the [tools.zig] table.
type Config struct {
	// IndexURL is the download index to read (key "index-url"). Default
	// [IndexURL].
	IndexURL string `json:"index-url"`
}

// DefaultConfig is the configuration when [tools.zig] sets nothing.
func DefaultConfig() Config { return Config{IndexURL: IndexURL} }

func config(h pluginhost.Host) (Config, error) {
	cfg, err := pluginhost.DecodeConfig(h, DefaultConfig())
	if err != nil {
		return cfg, err
	}
	if cfg.IndexURL == "" {
		cfg.IndexURL = IndexURL
	}
	return cfg, nil
}

// RegisterTool describes Zig.
func RegisterTool(ctx context.Context, h pluginhost.Host, in api.RegisterToolInput) (api.RegisterToolOutput, error) {
	return api.RegisterToolOutput{
		Name:          "Zig",
		Type:          api.TypeLanguage,
		PluginVersion: Version,
	}, nil
}

// LocateExecutables names zig at the top of the install.
func LocateExecutables(ctx context.Context, h pluginhost.Host, in api.LocateExecutablesInput) (api.LocateExecutablesOutput, error) {
	return api.LocateExecutablesOutput{
		Exes: map[string]api.ExecutableConfig{
			"zig": {ExePath: sdk.ExeName(h.Env(), "zig"), Primary: true},
		},
	}, nil
}
