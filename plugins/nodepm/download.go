package nodepm

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/internal/npmreg"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// release says which registry package carries one version of a package
// manager, and how it is laid out.
type release struct {
	kind    Kind
	version string
	major   int
	// pkg is the registry package name.
	pkg string
	// native is true for pnpm >= 12: a self-contained binary, no node.
	native bool
}

// releaseOf maps a resolved version onto its package: yarn 1 is "yarn"
// (and so is 2.4.3, published there by mistake), yarn 2-5 is
// "@yarnpkg/cli-dist", yarn >= 6 is not on the registry; pnpm >= 12 is
// "@pnpm/exe.<os>-<arch>[-musl]".
func releaseOf(h pluginhost.Host, k Kind, version string) (release, error) {
	v := strings.TrimPrefix(strings.TrimSpace(version), "v")
	s, err := sdk.ParseSpec(v)
	if err != nil || s.Kind != sdk.SpecExact {
		return release{}, pluginhost.Errorf("%s: cannot download %q: download_prebuilt needs one resolved version such as 10.9.0", k, version)
	}
	r := release{kind: k, version: s.Version, major: major(s.Version), pkg: k.String()}
	switch {
	case k == Yarn && r.major >= 6:
		return r, pluginhost.Errorf("yarn %s is not published on the npm registry: yarn 6 and later ship from GitHub (yarnpkg/zpm), which tote does not install", r.version)
	case k == Yarn && r.major >= 2 && r.version != "2.4.3":
		r.pkg = YarnBerryPackage
	case k == Pnpm && r.major >= 12:
		name, err := pnpmExe(h.Env())
		if err != nil {
			return r, pluginhost.Errorf("pnpm %s: %v", r.version, err)
		}
		r.pkg, r.native = name, true
	}
	return r, nil
}

// pnpmExe names the native pnpm package for a host.
func pnpmExe(env api.HostEnvironment) (string, error) {
	os := map[api.HostOS]string{api.OSLinux: "linux", api.OSMacOS: "darwin", api.OSWindows: "win32"}[env.OS]
	arch := map[api.HostArch]string{api.ArchX64: "x64", api.ArchArm64: "arm64"}[env.Arch]
	if os == "" || arch == "" {
		return "", pluginhost.Errorf("pnpm publishes native builds for linux, macos and windows on x64 and arm64, not %s/%s", env.OS, env.Arch)
	}
	name := "@pnpm/exe." + os + "-" + arch
	if env.OS == api.OSLinux && env.Libc == api.LibcMusl {
		name += "-musl"
	}
	return name, nil
}

func major(v string) int {
	n := 0
	for _, c := range v {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// archivePrefix is the tarball's top directory: "package", except yarn
// 1.x before 1.22.20, whose tarballs hold "yarn-v<version>/".
func (r release) archivePrefix() string {
	if r.kind == Yarn && r.pkg == "yarn" && r.major < 2 && sdk.CompareVersions(r.version, "1.22.20") < 0 {
		return "yarn-v" + r.version
	}
	return "package"
}

// downloadPrebuilt reads the version's document from the registry
// (<registry>/<package>/<version>) and returns its tarball, verified
// against the sha512 integrity published with it.
func downloadPrebuilt(ctx context.Context, h pluginhost.Host, k Kind, in api.DownloadPrebuiltInput) (api.DownloadPrebuiltOutput, error) {
	cfg, err := loadConfig(h)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	r, err := releaseOf(h, k, in.Context.Version)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	url := npmreg.DocumentURL(cfg.RegistryURL, r.pkg) + "/" + r.version
	body, err := h.Fetch(ctx, url)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("%s %s is not published on the npm registry as %s: %v", k, r.version, r.pkg, err)
	}
	var v struct {
		Name    string      `json:"name"`
		Version string      `json:"version"`
		Dist    npmreg.Dist `json:"dist"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("%s is not an npm version document: %v", url, err)
	}
	if v.Version != r.version || (v.Name != "" && v.Name != r.pkg) {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("%s describes %s %s, not %s %s", url, v.Name, v.Version, r.pkg, r.version)
	}
	file := npmreg.TarballName(r.pkg, r.version)
	dl := v.Dist.Tarball
	if cfg.DistURL != "" {
		without := r.pkg
		if i := strings.LastIndex(without, "/"); i >= 0 {
			without = without[i+1:]
		}
		dl = strings.NewReplacer("{registry}", cfg.RegistryURL, "{package}", r.pkg,
			"{package_without_scope}", without, "{version}", r.version, "{file}", file).Replace(cfg.DistURL)
	}
	if dl == "" {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("%s names no dist.tarball", url)
	}
	sum, err := npmreg.Checksum(v.Dist.Integrity)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("%s: dist.%v", url, err)
	}
	if sum == "" {
		h.Log(api.LogWarn, k.String()+" "+r.version+" has no sha512 integrity on the registry (only a sha1 shasum); its tarball is not verified")
	}
	return api.DownloadPrebuiltOutput{
		DownloadURL:   dl,
		DownloadName:  file,
		ArchivePrefix: r.archivePrefix(),
		Checksum:      api.Checksum(sum),
	}, nil
}
