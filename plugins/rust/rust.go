// Package rust is the core of tote's built-in Rust plugin: pure Go over the
// api types and pluginhost.Host, shared by the native adapter (native/) and
// the WASM adapter (wasm/).
//
// Rust is installed through rustup, as proto does, but into tote's home:
// native_install downloads rustup-init for the host
// (static.rust-lang.org/rustup/dist/<triple>/rustup-init), checks it
// against the rustup-init.sha256 published beside it, runs it with
// RUSTUP_HOME and CARGO_HOME inside the version's install directory
// (tools/rust/<version>/rustup and .../cargo) and no default toolchain,
// then runs `rustup toolchain install <channel>`. Each tote version of rust
// is thus one rustup home holding one toolchain: installs are atomic like
// every tote install, and uninstalling removes the toolchain.
//
// Versions are release numbers (1.80.1, from the tags of rust-lang/rust)
// or channels: stable, beta, nightly, and date-pinned channels
// (nightly-2024-01-05). rust-toolchain.toml ([toolchain] channel) and the
// legacy rust-toolchain file pin them. The cargo, rustc, rustdoc and rustup
// shims run the toolchain's binaries directly, with RUSTUP_HOME and
// RUSTUP_TOOLCHAIN set (and CARGO_HOME for rustup).
//
// Configuration ([tools.rust]):
//
//	rustup-update-root = "https://static.rust-lang.org/rustup"  # where rustup-init comes from
//	dist-server = "https://static.rust-lang.org"                 # RUSTUP_DIST_SERVER for rustup
//	profile = "minimal"                                          # rustup's install profile
package rust

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
	// DefaultUpdateRoot is rustup's RUSTUP_UPDATE_ROOT.
	DefaultUpdateRoot = "https://static.rust-lang.org/rustup"
	// TagsURL lists rust-lang/rust's tags, 100 a page.
	TagsURL = "https://api.github.com/repos/rust-lang/rust/tags?per_page=100"
)

// Table is the core's contract functions.
var Table = pluginhost.Table{
	api.FuncRegisterTool:       pluginhost.Handle(RegisterTool),
	api.FuncLoadVersions:       pluginhost.Handle(LoadVersions),
	api.FuncResolveVersion:     pluginhost.Handle(ResolveVersion),
	api.FuncNativeInstall:      pluginhost.Handle(NativeInstall),
	api.FuncLocateExecutables:  pluginhost.Handle(LocateExecutables),
	api.FuncDetectVersionFiles: pluginhost.Handle(DetectVersionFiles),
	api.FuncParseVersionFile:   pluginhost.Handle(ParseVersionFile),
}

// Config is the [tools.rust] table.
type Config struct {
	// UpdateRoot is where rustup-init is downloaded from (key:
	// rustup-update-root), like rustup's RUSTUP_UPDATE_ROOT.
	UpdateRoot string `json:"rustup_update_root"`
	// DistServer is passed to rustup as RUSTUP_DIST_SERVER (key:
	// dist-server); empty leaves rustup's default.
	DistServer string `json:"dist_server,omitempty"`
	// Profile is rustup's install profile (key: profile): minimal
	// (default), default or complete.
	Profile string `json:"profile"`
}

func config(h pluginhost.Host) (Config, error) {
	cfg, err := pluginhost.DecodeConfig(h, Config{UpdateRoot: DefaultUpdateRoot, Profile: "minimal"})
	if err != nil {
		return cfg, err
	}
	if cfg.UpdateRoot == "" {
		cfg.UpdateRoot = DefaultUpdateRoot
	}
	cfg.UpdateRoot = strings.TrimSuffix(cfg.UpdateRoot, "/")
	switch cfg.Profile {
	case "":
		cfg.Profile = "minimal"
	case "minimal", "default", "complete":
	default:
		return cfg, pluginhost.Errorf("invalid configuration in [tools.%s]: profile %q: want minimal, default or complete", h.ToolID(), cfg.Profile)
	}
	return cfg, nil
}

// RegisterTool describes Rust; its default version is the stable channel.
func RegisterTool(ctx context.Context, h pluginhost.Host, in api.RegisterToolInput) (api.RegisterToolOutput, error) {
	return api.RegisterToolOutput{Name: "Rust", Type: api.TypeLanguage, PluginVersion: Version, DefaultVersion: "stable"}, nil
}

var supported = sdk.Permutations{
	sdk.OSLinux:   {sdk.ArchX64, sdk.ArchArm64},
	sdk.OSMacOS:   {sdk.ArchX64, sdk.ArchArm64},
	sdk.OSWindows: {sdk.ArchX64, sdk.ArchArm64},
}

// Triple is the host's Rust target triple (rustup's host).
func Triple(env api.HostEnvironment) (string, error) {
	if err := sdk.CheckSupportedOSAndArch("rust", env, supported); err != nil {
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
	if env.Libc == api.LibcMusl {
		return arch + "-unknown-linux-musl", nil
	}
	return arch + "-unknown-linux-gnu", nil
}

// LoadVersions lists rust-lang/rust's release tags (1.80.1; the old
// release-* and 0.* tags dropped, as proto drops them), latest = the newest.
func LoadVersions(ctx context.Context, h pluginhost.Host, in api.LoadVersionsInput) (api.LoadVersionsOutput, error) {
	names, err := ghtags.Fetch(ctx, h, TagsURL, 30)
	if err != nil {
		return api.LoadVersionsOutput{}, err
	}
	var kept []string
	for _, n := range names {
		if !strings.HasPrefix(n, "release-") && !strings.HasPrefix(n, "0.") {
			kept = append(kept, n)
		}
	}
	versions, latest := ghtags.Versions(kept, "")
	if len(versions) == 0 {
		return api.LoadVersionsOutput{}, pluginhost.Errorf("list versions: %s lists no Rust releases", TagsURL)
	}
	out := api.LoadVersionsOutput{Versions: versions, Latest: latest, Canary: "nightly"}
	if latest != "" {
		out.Aliases = map[string]string{"latest": latest}
	}
	return out, nil
}

// channels are rustup's named channels.
var channels = map[string]bool{"stable": true, "beta": true, "nightly": true}

// Channel reports whether spec is a rustup channel tote installs under its
// own name: stable, beta, nightly, or one of them pinned to a date
// (nightly-2024-01-05).
func Channel(spec string) bool {
	if channels[spec] {
		return true
	}
	name, date, ok := strings.Cut(spec, "-")
	if !ok || !channels[name] || len(date) != 10 || date[4] != '-' || date[7] != '-' {
		return false
	}
	return strings.Trim(date[:4]+date[5:7]+date[8:], "0123456789") == ""
}

// ResolveVersion keeps channels as versions of their own ("stable",
// "nightly-2024-01-05"), like proto, and maps canary to nightly.
func ResolveVersion(ctx context.Context, h pluginhost.Host, in api.ResolveVersionInput) (api.ResolveVersionOutput, error) {
	spec := strings.TrimSpace(in.Initial)
	if strings.EqualFold(spec, "canary") {
		return api.ResolveVersionOutput{Version: "nightly"}, nil
	}
	if Channel(spec) {
		return api.ResolveVersionOutput{Version: spec}, nil
	}
	return api.ResolveVersionOutput{}, nil
}

// toolchainName is rustup's directory name of a channel's toolchain:
// "<channel>-<host triple>".
func toolchainName(env api.HostEnvironment, version string) (string, error) {
	triple, err := Triple(env)
	if err != nil {
		return "", err
	}
	v := strings.TrimPrefix(version, "v")
	if !Channel(v) {
		if s, err := sdk.ParseSpec(v); err != nil || (s.Kind != sdk.SpecExact && s.Kind != sdk.SpecPartial) {
			return "", pluginhost.Errorf("rust: %q is neither a Rust release nor a channel", version)
		}
	}
	return v + "-" + triple, nil
}

// LocateExecutables names cargo (primary), rustc and rustdoc in the
// toolchain's bin/, and rustup in the version's cargo/bin/. Their runs get
// RUSTUP_HOME and RUSTUP_TOOLCHAIN (rustup also CARGO_HOME): virtual paths
// inside the install directory, which the host turns into real ones. The
// toolchain's bin/ is on PATH, so cargo finds the matching rustc.
func LocateExecutables(ctx context.Context, h pluginhost.Host, in api.LocateExecutablesInput) (api.LocateExecutablesOutput, error) {
	env := h.Env()
	tc, err := toolchainName(env, in.Context.Version)
	if err != nil {
		return api.LocateExecutablesOutput{}, err
	}
	dir := in.InstallDir.Path
	bin := "rustup/toolchains/" + tc + "/bin"
	vars := map[string]string{"RUSTUP_HOME": dir + "/rustup", "RUSTUP_TOOLCHAIN": tc}
	exes := map[string]api.ExecutableConfig{
		"cargo":   {ExePath: bin + "/" + sdk.ExeName(env, "cargo"), Primary: true, ShimEnvVars: vars},
		"rustc":   {ExePath: bin + "/" + sdk.ExeName(env, "rustc"), ShimEnvVars: vars},
		"rustdoc": {ExePath: bin + "/" + sdk.ExeName(env, "rustdoc"), ShimEnvVars: vars},
		"rustup": {ExePath: "cargo/bin/" + sdk.ExeName(env, "rustup"), ShimEnvVars: map[string]string{
			"RUSTUP_HOME": dir + "/rustup", "CARGO_HOME": dir + "/cargo", "RUSTUP_TOOLCHAIN": tc}},
	}
	return api.LocateExecutablesOutput{
		Exes: exes, ExesDirs: []string{bin},
		GlobalsLookupDirs: []string{"$CARGO_INSTALL_ROOT/bin", "$CARGO_HOME/bin", "$HOME/.cargo/bin"},
		GlobalsPrefix:     "cargo-",
	}, nil
}
