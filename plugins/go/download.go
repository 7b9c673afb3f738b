package golang

import (
	"context"
	"sort"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// goOS maps tote's OS names onto GOOS values.
var goOS = map[api.HostOS]string{
	api.OSLinux:     "linux",
	api.OSMacOS:     "darwin",
	api.OSWindows:   "windows",
	api.OSFreeBSD:   "freebsd",
	api.OSNetBSD:    "netbsd",
	api.OSOpenBSD:   "openbsd",
	api.OSDragonfly: "dragonfly",
	api.OSSolaris:   "solaris",
}

// goArch maps tote's architectures onto the GOARCH names of go.dev's
// archives (32-bit ARM archives are "armv6l").
var goArch = map[api.HostArch]string{
	api.ArchX64:       "amd64",
	api.ArchX86:       "386",
	api.ArchArm64:     "arm64",
	api.ArchArm:       "armv6l",
	api.ArchS390x:     "s390x",
	api.ArchPowerPC64: "ppc64le",
	api.ArchRiscv64:   "riscv64",
	api.ArchLongArm64: "loong64",
	api.ArchMips64:    "mips64le",
}

// platformName is a GOOS/GOARCH pair in tote's words ("macos/arm64").
func platformName(goos, goarch string) string {
	os := goos
	for k, v := range goOS {
		if v == goos {
			os = string(k)
		}
	}
	arch := goarch
	for k, v := range goArch {
		if v == goarch {
			arch = string(k)
		}
	}
	return os + "/" + arch
}

// FindRelease returns the release of the index whose semantic version is
// version; "latest" and "stable" name the newest stable release.
func FindRelease(rels []Release, version string) (Release, bool) {
	if version == "latest" || version == "stable" {
		_, latest := Versions(rels)
		version = latest
	}
	for _, r := range rels {
		if v, ok := SemverFromGo(r.Version); ok && v == version && hasArchive(r) {
			return r, true
		}
	}
	return Release{}, false
}

// Archive returns the release's archive for env, or an error naming the
// platforms the release is published for.
func Archive(r Release, version string, env api.HostEnvironment) (File, error) {
	goos, goarch := goOS[env.OS], goArch[env.Arch]
	var have []string
	for _, f := range r.Files {
		if !f.usable() {
			continue
		}
		if goos != "" && goarch != "" && f.OS == goos && f.Arch == goarch {
			return f, nil
		}
		have = append(have, platformName(f.OS, f.Arch))
	}
	sort.Strings(have)
	return File{}, pluginhost.Errorf("go %s is not available for %s/%s; go.dev publishes it for %s",
		version, orUnknown(string(env.OS)), orUnknown(string(env.Arch)), strings.Join(dedupe(have), ", "))
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func dedupe(sorted []string) []string {
	var out []string
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// DownloadPrebuilt finds the version's archive for the host in go.dev's
// index and downloads it from dist-url with the index's sha256. The
// archive's top directory "go" is stripped.
func DownloadPrebuilt(ctx context.Context, h pluginhost.Host, in api.DownloadPrebuiltInput) (api.DownloadPrebuiltOutput, error) {
	cfg, err := config(h)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	version := in.Context.Version
	if version == "canary" {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("go has no canary build; install a release such as \"latest\" or \"1.22\"")
	}
	rels, err := fetchIndex(ctx, h)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	rel, ok := FindRelease(rels, version)
	if !ok {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("go %s is not a Go release listed by %s; run `tote versions go` to see them", version, IndexURL)
	}
	if v, ok := SemverFromGo(rel.Version); ok {
		version = v
	}
	f, err := Archive(rel, version, h.Env())
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	url := strings.NewReplacer("{file}", f.Filename, "{version}", strings.TrimPrefix(rel.Version, "go")).Replace(cfg.DistURL)
	out := api.DownloadPrebuiltOutput{
		DownloadURL:   url,
		DownloadName:  f.Filename,
		ArchivePrefix: "go",
	}
	if f.SHA256 != "" {
		out.Checksum = api.Checksum("sha256:" + strings.ToLower(f.SHA256))
	}
	return out, nil
}

// LocateExecutables names go (primary) and gofmt under bin/, and the
// directories where `go install` puts binaries: $GOBIN, $GOPATH/bin and,
// with gobin (the default), $HOME/go/bin.
func LocateExecutables(ctx context.Context, h pluginhost.Host, in api.LocateExecutablesInput) (api.LocateExecutablesOutput, error) {
	cfg, err := config(h)
	if err != nil {
		return api.LocateExecutablesOutput{}, err
	}
	env := h.Env()
	out := api.LocateExecutablesOutput{
		Exes: map[string]api.ExecutableConfig{
			"go":    {ExePath: sdk.ExeName(env, "bin/go"), Primary: true},
			"gofmt": {ExePath: sdk.ExeName(env, "bin/gofmt")},
		},
		GlobalsLookupDirs: []string{"$GOBIN", "$GOPATH/bin"},
	}
	if cfg.Gobin {
		out.GlobalsLookupDirs = append(out.GlobalsLookupDirs, "$HOME/go/bin")
	}
	return out, nil
}
