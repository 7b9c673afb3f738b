package bun

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// supported are the hosts Bun publishes builds for (at some version);
// which release has which asset is read from its SHASUMS256.txt.
var supported = sdk.Permutations{
	sdk.OSLinux:   {sdk.ArchX64, sdk.ArchArm64},
	sdk.OSMacOS:   {sdk.ArchX64, sdk.ArchArm64},
	sdk.OSWindows: {sdk.ArchX64, sdk.ArchArm64},
}

// Asset returns the zip base name (which is also the directory inside the
// zip) for a host: bun-<linux|darwin|windows>-<x64|aarch64>, then "-musl"
// on musl Linux, then "-baseline" when baseline is set on x64.
func Asset(env api.HostEnvironment, baseline bool) (string, error) {
	if err := sdk.CheckSupportedOSAndArch("bun", env, supported); err != nil {
		return "", pluginhost.Errorf("%w", err)
	}
	os := map[api.HostOS]string{api.OSLinux: "linux", api.OSMacOS: "darwin", api.OSWindows: "windows"}[env.OS]
	arch := "x64"
	if env.Arch == api.ArchArm64 {
		arch = "aarch64"
	}
	name := "bun-" + os + "-" + arch
	if env.OS == api.OSLinux && env.Libc == api.LibcMusl {
		name += "-musl"
	}
	if baseline && env.Arch == api.ArchX64 {
		name += "-baseline"
	}
	return name, nil
}

// wantBaseline decides between the regular and the -baseline x64 build:
// baseline in the config wins; with detect-baseline, on Linux x64, a CPU
// without avx2 in /proc/cpuinfo gets baseline (proto's check).
func wantBaseline(ctx context.Context, h pluginhost.Host, cfg Config, env api.HostEnvironment) (want, explicit bool, err error) {
	if cfg.Baseline != nil {
		return *cfg.Baseline, true, nil
	}
	if !cfg.DetectBaseline || env.OS != api.OSLinux || env.Arch != api.ArchX64 {
		return false, false, nil
	}
	out, err := h.Exec(ctx, api.ExecCommandInput{Command: "grep", Args: []string{"-q", "avx2", "/proc/cpuinfo"}})
	if err != nil {
		return false, false, pluginhost.Errorf("detect-baseline: cannot check the CPU for AVX2: %w (grant permissions = [\"exec\"] under [tools.%s], or set baseline = true or false)", err, h.ToolID())
	}
	return out.ExitCode == 1, false, nil
}

// DownloadPrebuilt returns the release zip for the host, with its
// directory as archive prefix and SHASUMS256.txt to verify it; for
// "canary", the rolling canary release (not verified, as in proto: its
// checksum file is not updated with every upload).
func DownloadPrebuilt(ctx context.Context, h pluginhost.Host, in api.DownloadPrebuiltInput) (api.DownloadPrebuiltOutput, error) {
	env := h.Env()
	cfg, err := config(h)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	ver := strings.TrimPrefix(strings.TrimSpace(in.Context.Version), "v")
	canary := strings.EqualFold(ver, "canary")
	if !canary {
		if s, err := sdk.ParseSpec(ver); err != nil || s.Kind != sdk.SpecExact {
			return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("download bun: %q is not a full version", in.Context.Version)
		}
	}
	if _, err := Asset(env, false); err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	baseline, explicit, err := wantBaseline(ctx, h, cfg, env)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	asset, _ := Asset(env, baseline)
	dist := cfg.DistURL
	if canary {
		ver = "canary"
		dist = strings.ReplaceAll(dist, "bun-v{version}", "{version}")
	}
	url := func(file string) string {
		return strings.NewReplacer("{version}", ver, "{file}", file).Replace(dist)
	}
	if canary {
		return api.DownloadPrebuiltOutput{
			DownloadURL: url(asset + ".zip"), DownloadName: asset + ".zip", ArchivePrefix: asset,
		}, nil
	}
	sumsURL := url(ChecksumFile)
	body, err := h.Fetch(ctx, sumsURL)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	published := assetNames(string(body))
	if !published[asset+".zip"] && baseline && !explicit {
		// Detected, not asked for: fall back to the regular build.
		if plain, _ := Asset(env, false); published[plain+".zip"] {
			asset = plain
		}
	}
	if !published[asset+".zip"] {
		return api.DownloadPrebuiltOutput{}, notPublished(ver, env, asset, published)
	}
	return api.DownloadPrebuiltOutput{
		DownloadURL:   url(asset + ".zip"),
		DownloadName:  asset + ".zip",
		ArchivePrefix: asset,
		ChecksumURL:   sumsURL,
	}, nil
}

// assetNames reads the file names of a SHASUMS256.txt ("<hex>  <name>"
// lines, LF or CRLF, with or without a final newline).
func assetNames(sums string) map[string]bool {
	names := map[string]bool{}
	for _, l := range strings.Split(sums, "\n") {
		f := strings.Fields(l)
		if len(f) == 2 && len(f[0]) == 64 {
			names[strings.TrimPrefix(f[1], "*")] = true
		}
	}
	return names
}

// notPublished says that a release has no asset for the host, and lists
// what it has for the same OS and arch.
func notPublished(ver string, env api.HostEnvironment, asset string, published map[string]bool) error {
	platform := fmt.Sprintf("%s/%s", env.OS, env.Arch)
	if env.OS == api.OSLinux && env.Libc == api.LibcMusl {
		platform += " (musl)"
	}
	var near []string
	stem, _ := Asset(api.HostEnvironment{OS: env.OS, Arch: env.Arch}, false)
	for n := range published {
		if strings.HasPrefix(n, stem) && !strings.Contains(n, "-profile") {
			near = append(near, n)
		}
	}
	sort.Strings(near)
	msg := fmt.Sprintf("bun %s is not available for %s: the release publishes no %s.zip", ver, platform, asset)
	if len(near) > 0 {
		msg += " (it has " + strings.Join(near, ", ") + ")"
	}
	return pluginhost.Errorf("%s", msg)
}
