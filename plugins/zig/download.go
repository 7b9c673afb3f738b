package zig

import (
	"context"
	"sort"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// zigArchs maps tote's architectures onto the index's names, preferred
// first: 32-bit x86 was "i386" in releases up to about 0.9, 32-bit ARM is
// "armv7a" in the index and "arm" in some mirrors.
var zigArchs = map[api.HostArch][]string{
	api.ArchX64:       {"x86_64"},
	api.ArchArm64:     {"aarch64"},
	api.ArchX86:       {"x86", "i386"},
	api.ArchArm:       {"armv7a", "arm"},
	api.ArchRiscv64:   {"riscv64"},
	api.ArchPowerPC64: {"powerpc64le"},
	api.ArchLongArm64: {"loongarch64"},
	api.ArchS390x:     {"s390x"},
}

// zigOS maps tote's OS names onto the index's.
var zigOS = map[api.HostOS]string{
	api.OSLinux:   "linux",
	api.OSMacOS:   "macos",
	api.OSWindows: "windows",
	api.OSFreeBSD: "freebsd",
	api.OSNetBSD:  "netbsd",
	api.OSOpenBSD: "openbsd",
}

// Targets lists the index keys that serve env, preferred first.
func Targets(env api.HostEnvironment) []string {
	os, ok := zigOS[env.OS]
	if !ok {
		return nil
	}
	var out []string
	for _, a := range zigArchs[env.Arch] {
		out = append(out, a+"-"+os)
	}
	return out
}

// targetName is an index key in tote's words: "x86_64-linux" → "linux/x64".
func targetName(target string) string {
	arch, os, ok := strings.Cut(target, "-")
	if !ok {
		return target
	}
	for k, v := range zigOS {
		if v == os {
			os = string(k)
		}
	}
	for k, names := range zigArchs {
		for _, n := range names {
			if n == arch {
				arch = string(k)
			}
		}
	}
	return os + "/" + arch
}

// label names a release in messages: "0.14.1", or "canary
// (0.15.0-dev.621+a63f7875f)" for the master build.
func label(r Release) string {
	if r.Key == Master {
		return "canary (" + r.Version + ")"
	}
	return r.Version
}

// Artifact returns the release's download for env, or an error naming the
// platforms the release is published for.
func (r Release) Artifact(env api.HostEnvironment) (Artifact, error) {
	for _, t := range Targets(env) {
		if a, ok := r.Artifacts[t]; ok {
			return a, nil
		}
	}
	var have []string
	for t := range r.Artifacts {
		have = append(have, targetName(t))
	}
	sort.Strings(have)
	os, arch := string(env.OS), string(env.Arch)
	if os == "" {
		os = "unknown"
	}
	if arch == "" {
		arch = "unknown"
	}
	return Artifact{}, pluginhost.Errorf("zig %s is not available for %s/%s; ziglang.org publishes it for %s", label(r), os, arch, strings.Join(have, ", "))
}

// DownloadPrebuilt finds the release and the host's archive in the index;
// the download is checked against the index's sha256 and unpacked without
// its top directory, which is named like the file.
func DownloadPrebuilt(ctx context.Context, h pluginhost.Host, in api.DownloadPrebuiltInput) (api.DownloadPrebuiltOutput, error) {
	idx, url, err := fetchIndex(ctx, h)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	version := in.Context.Version
	rel, ok := idx.Find(version)
	if !ok {
		if version == "canary" || version == Master {
			return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("zig canary: the download index %s has no master build", url)
		}
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("zig %s is not a release listed by %s; run `tote versions zig` to see them", version, url)
	}
	a, err := rel.Artifact(h.Env())
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	name := a.Tarball[strings.LastIndex(a.Tarball, "/")+1:]
	prefix := ""
	for _, ext := range []string{".tar.xz", ".zip", ".tar.gz"} {
		if s, ok := strings.CutSuffix(name, ext); ok {
			prefix = s
			break
		}
	}
	if name == "" || prefix == "" {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("zig %s: the index names an unexpected download %q", label(rel), a.Tarball)
	}
	out := api.DownloadPrebuiltOutput{
		DownloadURL:   a.Tarball,
		DownloadName:  name,
		ArchivePrefix: prefix,
	}
	if a.Shasum != "" {
		out.Checksum = api.Checksum("sha256:" + strings.ToLower(a.Shasum))
	}
	return out, nil
}
