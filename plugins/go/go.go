// Package golang is the core of tote's built-in Go plugin: it lists Go
// releases from go.dev's download index, downloads the official archives
// from dl.google.com with the sha256 the index publishes, and reads the Go
// version from go.work, go.mod and .go-version.
//
// The directory is plugins/go; the package is named golang because "go" is
// a Go keyword.
//
// # Versions
//
// Go names its releases go1.22.1, go1.21rc2, go1.18beta2, and (before Go
// 1.21) go1.20 for the first release of a line. The plugin speaks semantic
// versions, the scheme of proto's Go plugin: the "go" prefix is dropped,
// missing parts are zero, and a prerelease is joined with a hyphen:
//
//	go1.22.1    → 1.22.1
//	go1.20      → 1.20.0
//	go1.21rc2   → 1.21.0-rc2
//	go1.18beta2 → 1.18.0-beta2
//	go1.9.2rc2  → 1.9.2-rc2
//
// So `tote install go 1.22` installs the newest 1.22.x, and prereleases are
// chosen only when named. Users may also write Go's own names ("go1.22.1",
// "1.21rc2"): resolve_version rewrites them into this scheme.
//
// # Configuration
//
// [tools.go] accepts:
//
//	dist-url = "https://dl.google.com/go/{file}"   # where archives come from; {file} and {version} tokens
//	gobin = true                                   # look for globals in ~/go/bin too
package golang

import (
	"context"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// Version is the plugin's own version.
const Version = "0.1.0"

// DistURL is the default download location of Go archives; {file} is the
// archive's file name and {version} Go's version string without "go"
// (such as "1.22.1" or "1.21rc2").
const DistURL = "https://dl.google.com/go/{file}"

// IndexURL is go.dev's JSON list of every Go release and its files.
const IndexURL = "https://go.dev/dl/?mode=json&include=all"

// Table is the plugin's contract functions.
var Table = pluginhost.Table{
	api.FuncRegisterTool:       pluginhost.Handle(RegisterTool),
	api.FuncLoadVersions:       pluginhost.Handle(LoadVersions),
	api.FuncResolveVersion:     pluginhost.Handle(ResolveVersion),
	api.FuncDownloadPrebuilt:   pluginhost.Handle(DownloadPrebuilt),
	api.FuncLocateExecutables:  pluginhost.Handle(LocateExecutables),
	api.FuncDetectVersionFiles: pluginhost.Handle(DetectVersionFiles),
	api.FuncParseVersionFile:   pluginhost.Handle(ParseVersionFile),
}

// Config is the [tools.go] table.
type Config struct {
	// DistURL is where archives are downloaded from (key "dist-url"),
	// with {file} and {version} tokens. Default [DistURL].
	DistURL string `json:"dist-url"`
	// Gobin adds $HOME/go/bin, the default GOBIN, to the globals lookup
	// directories (key "gobin"). Default true.
	Gobin bool `json:"gobin"`
}

// DefaultConfig is the configuration when [tools.go] sets nothing.
func DefaultConfig() Config { return Config{DistURL: DistURL, Gobin: true} }

// config decodes [tools.go] over the defaults.
func config(h pluginhost.Host) (Config, error) {
	cfg, err := pluginhost.DecodeConfig(h, DefaultConfig())
	if err != nil {
		return cfg, err
	}
	if cfg.DistURL == "" {
		cfg.DistURL = DistURL
	}
	return cfg, nil
}

// RegisterTool describes Go.
func RegisterTool(ctx context.Context, h pluginhost.Host, in api.RegisterToolInput) (api.RegisterToolOutput, error) {
	return api.RegisterToolOutput{
		Name:          "Go",
		Type:          api.TypeLanguage,
		PluginVersion: Version,
	}, nil
}
