// Package kubectl is the core of tote's built-in kubectl plugin: pure Go
// over the api types and pluginhost.Host, shared by the native adapter
// (native/) and the WASM adapter (wasm/).
//
// It installs the binaries the Kubernetes release process publishes on
// dl.k8s.io (release/v<version>/bin/<os>/<arch>/kubectl[.exe]), verified
// against the .sha256 file published beside each one. Versions come from
// dl.k8s.io's release labels, the same files kubeadm reads: stable.txt (the
// newest stable release, "latest"), latest.txt (the newest build including
// pre-releases, "canary") and stable-1.<minor>.txt (the newest patch of each
// minor line).
//
// Configuration ([tools.kubectl]):
//
//	dist-url = "https://dl.k8s.io/release/"   # a mirror of the same layout
package kubectl

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

// DefaultDistURL is the default dist-url: the release tree of dl.k8s.io.
const DefaultDistURL = "https://dl.k8s.io/release/"

// Table is the core's contract functions.
var Table = pluginhost.Table{
	api.FuncRegisterTool:      pluginhost.Handle(RegisterTool),
	api.FuncLoadVersions:      pluginhost.Handle(LoadVersions),
	api.FuncDownloadPrebuilt:  pluginhost.Handle(DownloadPrebuilt),
	api.FuncLocateExecutables: pluginhost.Handle(LocateExecutables),
}

// Config is the [tools.kubectl] table.
type Config struct {
	// DistURL is the release tree, ending in "/" (key: dist-url).
	DistURL string `json:"dist_url"`
}

func config(h pluginhost.Host) (Config, error) {
	cfg, err := pluginhost.DecodeConfig(h, Config{DistURL: DefaultDistURL})
	if err != nil {
		return cfg, err
	}
	if cfg.DistURL == "" {
		cfg.DistURL = DefaultDistURL
	}
	if !strings.HasSuffix(cfg.DistURL, "/") {
		cfg.DistURL += "/"
	}
	return cfg, nil
}

// RegisterTool describes kubectl.
func RegisterTool(ctx context.Context, h pluginhost.Host, in api.RegisterToolInput) (api.RegisterToolOutput, error) {
	return api.RegisterToolOutput{Name: "kubectl", Type: api.TypeCommandLine, PluginVersion: Version}, nil
}

// LocateExecutables names kubectl at the root of the install.
func LocateExecutables(ctx context.Context, h pluginhost.Host, in api.LocateExecutablesInput) (api.LocateExecutablesOutput, error) {
	return api.LocateExecutablesOutput{
		Exes: map[string]api.ExecutableConfig{"kubectl": {ExePath: sdk.ExeName(h.Env(), "kubectl"), Primary: true}},
	}, nil
}

// supported are the platforms kubectl is built for (release/<v>/bin/<os>/<arch>).
var supported = sdk.Permutations{
	sdk.OSLinux:   {sdk.ArchX64, sdk.ArchArm64, sdk.ArchArm, sdk.ArchX86, sdk.ArchPowerPC64, sdk.ArchS390x},
	sdk.OSMacOS:   {sdk.ArchX64, sdk.ArchArm64},
	sdk.OSWindows: {sdk.ArchX64, sdk.ArchArm64, sdk.ArchX86},
}

// Platform returns the <os>/<arch> directory of a host's binary, in Go's
// naming as Kubernetes uses it (linux/amd64, darwin/arm64, windows/386).
func Platform(env api.HostEnvironment) (string, error) {
	if err := sdk.CheckSupportedOSAndArch("kubectl", env, supported); err != nil {
		return "", pluginhost.Errorf("%v", err)
	}
	os := map[api.HostOS]string{api.OSLinux: "linux", api.OSMacOS: "darwin", api.OSWindows: "windows"}[env.OS]
	arch := map[api.HostArch]string{
		api.ArchX64: "amd64", api.ArchArm64: "arm64", api.ArchArm: "arm", api.ArchX86: "386",
		api.ArchPowerPC64: "ppc64le", api.ArchS390x: "s390x",
	}[env.Arch]
	return os + "/" + arch, nil
}

// DownloadPrebuilt returns the binary of a version for the host and its
// .sha256 file; "canary" is the version latest.txt names.
func DownloadPrebuilt(ctx context.Context, h pluginhost.Host, in api.DownloadPrebuiltInput) (api.DownloadPrebuiltOutput, error) {
	cfg, err := config(h)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	platform, err := Platform(h.Env())
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	ver := strings.TrimPrefix(strings.TrimSpace(in.Context.Version), "v")
	if strings.EqualFold(ver, "canary") {
		if ver, err = readLabel(ctx, h, cfg, "latest"); err != nil {
			return api.DownloadPrebuiltOutput{}, err
		}
	} else if s, err := sdk.ParseSpec(ver); err != nil || s.Kind != sdk.SpecExact {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("download kubectl: %q is not a full version", in.Context.Version)
	}
	exe := sdk.ExeName(h.Env(), "kubectl")
	url := cfg.DistURL + "v" + ver + "/bin/" + platform + "/" + exe
	return api.DownloadPrebuiltOutput{DownloadURL: url, DownloadName: exe, ChecksumURL: url + ".sha256"}, nil
}
