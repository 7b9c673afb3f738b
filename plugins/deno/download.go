package deno

import (
	"context"
	"fmt"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// Release facts, from Deno's release workflow history (see
// testdata/README.md):
const (
	// firstZip is the first release with deno-<triple>.zip assets (older
	// ones were deno_linux_x64.gz and friends).
	firstZip = "0.37.0"
	// firstMacArm64 is the first release with aarch64-apple-darwin.
	firstMacArm64 = "1.6.0"
	// firstLinuxArm64 is the first release with aarch64-unknown-linux-gnu.
	firstLinuxArm64 = "1.40.5"
	// firstWinArm64 is the first release with aarch64-pc-windows-msvc.
	firstWinArm64 = "2.6.8"
	// firstZipChecksum is the first release whose <zip>.sha256sum hashes the
	// zip (2.0.0's deno-<triple>.sha256sum hashes the unzipped binary).
	firstZipChecksum = "2.0.1"
)

// supported are the hosts Deno publishes builds for (at some version).
var supported = sdk.Permutations{
	sdk.OSLinux:   {sdk.ArchX64, sdk.ArchArm64},
	sdk.OSMacOS:   {sdk.ArchX64, sdk.ArchArm64},
	sdk.OSWindows: {sdk.ArchX64, sdk.ArchArm64},
}

// Target returns the Rust target triple Deno names its assets after, such
// as "x86_64-unknown-linux-gnu".
func Target(env api.HostEnvironment) (string, error) {
	if err := sdk.CheckSupportedOSAndArch("deno", env, supported); err != nil {
		return "", pluginhost.Errorf("%w", err)
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
	return arch + "-unknown-linux-gnu", nil
}

// checkPublished says whether release v has an asset for env.
func checkPublished(v string, env api.HostEnvironment) error {
	first := firstZip
	switch {
	case env.OS == api.OSMacOS && env.Arch == api.ArchArm64:
		first = firstMacArm64
	case env.OS == api.OSLinux && env.Arch == api.ArchArm64:
		first = firstLinuxArm64
	case env.OS == api.OSWindows && env.Arch == api.ArchArm64:
		first = firstWinArm64
	}
	if sdk.CompareVersions(v, first) < 0 {
		return pluginhost.Errorf("deno %s is not available for %s/%s: Deno publishes this platform from %s on", v, env.OS, env.Arch, first)
	}
	return nil
}

// DownloadPrebuilt returns the release zip for the host: from dist-url for
// releases (with its .sha256sum from 2.0.1 on), or the newest canary build
// from dl.deno.land.
func DownloadPrebuilt(ctx context.Context, h pluginhost.Host, in api.DownloadPrebuiltInput) (api.DownloadPrebuiltOutput, error) {
	env := h.Env()
	target, err := Target(env)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	if env.OS == api.OSLinux && env.Libc == api.LibcMusl {
		h.Log(api.LogWarn, "Deno publishes no musl build; installing the glibc build "+target+", which needs glibc (or gcompat) to run")
	}
	file := "deno-" + target + ".zip"
	ver := strings.TrimPrefix(strings.TrimSpace(in.Context.Version), "v")
	switch strings.ToLower(ver) {
	case "":
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("download deno: no version given")
	case "canary":
		hashURL := DLBase + "canary-" + target + "-latest.txt"
		body, err := h.Fetch(ctx, hashURL)
		if err != nil {
			return api.DownloadPrebuiltOutput{}, err
		}
		hash := strings.TrimSpace(string(body))
		if !isHex(hash) {
			return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("download deno canary: %s holds %q, not a commit hash", hashURL, hash)
		}
		// Like proto, canary builds are not verified: their checksum files
		// are not part of the canary channel's contract.
		return api.DownloadPrebuiltOutput{
			DownloadURL:  DLBase + "canary/" + hash + "/" + file,
			DownloadName: file,
		}, nil
	case "latest", "stable":
		body, err := h.Fetch(ctx, DLBase+"release-latest.txt")
		if err != nil {
			return api.DownloadPrebuiltOutput{}, err
		}
		ver = strings.TrimPrefix(strings.TrimSpace(string(body)), "v")
	}
	if s, err := sdk.ParseSpec(ver); err != nil || s.Kind != sdk.SpecExact {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("download deno: %q is not a full version", ver)
	}
	if err := checkPublished(ver, env); err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	cfg, err := config(h)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	url := strings.NewReplacer("{version}", ver, "{file}", file).Replace(cfg.DistURL)
	out := api.DownloadPrebuiltOutput{DownloadURL: url, DownloadName: file}
	if sdk.CompareVersions(ver, firstZipChecksum) >= 0 {
		out.ChecksumURL = url + ".sha256sum"
	} else {
		h.Log(api.LogDebug, fmt.Sprintf("deno %s publishes no checksum of %s", ver, file))
	}
	return out, nil
}

func isHex(s string) bool {
	if len(s) < 7 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return false
		}
	}
	return true
}
