// Package deno is the core of tote's built-in Deno plugin: pure Go over the
// api types and pluginhost.Host, shared by the native adapter (native/) and
// the WASM adapter (wasm/).
//
// It installs the zips that Deno's release workflow publishes on GitHub
// (deno-<rust target triple>.zip, the binary at the archive root), verifies
// them against the per-asset <asset>.sha256sum files (from 2.0.1 on), lists
// versions from the GitHub tags API, installs canary builds from
// dl.deno.land, and reads .dvmrc version files, as proto's deno plugin does.
//
// Configuration ([tools.deno]):
//
//	dist-url = "https://github.com/denoland/deno/releases/download/v{version}/{file}"
//
// {version} is the version without "v" and {file} the asset name.
package deno

import (
	"context"
	"strings"

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
	DefaultDistURL = "https://github.com/denoland/deno/releases/download/v{version}/{file}"
	// TagsURL lists the repository's tags, 100 a page (page=N appended).
	TagsURL = "https://api.github.com/repos/denoland/deno/tags?per_page=100"
	// DLBase is Deno's own download host (canary builds, release-latest.txt).
	DLBase = "https://dl.deno.land/"
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

// Config is the [tools.deno] table.
type Config struct {
	// DistURL is where release zips are downloaded from, with {version} and
	// {file} tokens (key: dist-url).
	DistURL string `json:"dist_url"`
}

// config decodes [tools.deno] with defaults.
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

// RegisterTool describes Deno.
func RegisterTool(ctx context.Context, h pluginhost.Host, in api.RegisterToolInput) (api.RegisterToolOutput, error) {
	return api.RegisterToolOutput{
		Name:                "Deno",
		Type:                api.TypeLanguage,
		PluginVersion:       Version,
		SelfUpgradeCommands: []string{"upgrade"},
	}, nil
}

// LocateExecutables names deno (the only executable a release zip holds)
// and the directories `deno install` writes global executables to.
func LocateExecutables(ctx context.Context, h pluginhost.Host, in api.LocateExecutablesInput) (api.LocateExecutablesOutput, error) {
	return api.LocateExecutablesOutput{
		Exes: map[string]api.ExecutableConfig{
			"deno": {ExePath: sdk.ExeName(h.Env(), "deno"), Primary: true},
		},
		GlobalsLookupDirs: []string{"$DENO_INSTALL_ROOT/bin", "$DENO_HOME/bin", "$HOME/.deno/bin"},
	}, nil
}

// DetectVersionFiles names dvm's .dvmrc, the file proto reads for Deno.
func DetectVersionFiles(ctx context.Context, h pluginhost.Host, in api.DetectVersionInput) (api.DetectVersionOutput, error) {
	return api.DetectVersionOutput{Files: []string{".dvmrc"}}, nil
}

// ParseVersionFile reads a .dvmrc: the first line that is not blank or a
// comment ("#", "//"), which must be a version spec ("2.1", "v1.46.3",
// "^2", "latest"). Anything else is an error naming the file and line.
func ParseVersionFile(ctx context.Context, h pluginhost.Host, in api.ParseVersionFileInput) (api.ParseVersionFileOutput, error) {
	spec, line := firstSpecLine(in.Content)
	if spec == "" {
		return api.ParseVersionFileOutput{}, nil
	}
	if _, err := sdk.ParseSpec(spec); err != nil {
		return api.ParseVersionFileOutput{}, pluginhost.Errorf("%s:%d: %q is not a Deno version: %w", in.File, line, spec, err)
	}
	return api.ParseVersionFileOutput{Version: spec}, nil
}

// firstSpecLine returns the first meaningful line of a version file and its
// 1-based line number; a UTF-8 byte order mark and CR endings are ignored.
func firstSpecLine(content string) (string, int) {
	content = strings.TrimPrefix(content, "\ufeff")
	for i, l := range strings.Split(content, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "//") {
			continue
		}
		return l, i + 1
	}
	return "", 0
}
