package node

import (
	"context"
	"sort"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// ShasumsName is the checksum file nodejs.org publishes for every version.
const ShasumsName = "SHASUMS256.txt"

// supported lists the platforms Node.js publishes builds for (some of them
// only from some version on; SHASUMS256.txt of the version decides).
var supported = sdk.Permutations{
	api.OSLinux:   {api.ArchX64, api.ArchArm64, api.ArchArm, api.ArchPowerPC64, api.ArchS390x},
	api.OSMacOS:   {api.ArchX64, api.ArchArm64},
	api.OSWindows: {api.ArchX64, api.ArchX86, api.ArchArm64},
}

// platform returns upstream's OS and architecture names for env, such as
// "darwin" and "arm64".
func platform(env api.HostEnvironment) (osName, arch string) {
	switch env.OS {
	case api.OSMacOS:
		osName = "darwin"
	case api.OSWindows:
		osName = "win"
	default:
		osName = string(env.OS)
	}
	switch env.Arch {
	case api.ArchArm:
		arch = "armv7l"
	case api.ArchPowerPC64:
		arch = "ppc64le"
	default:
		arch = string(env.Arch)
	}
	return osName, arch
}

// expand fills a dist-url template.
func expand(tmpl, version, file string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tmpl, "{version}", version), "{file}", file)
}

// ParseShasums reads a SHASUMS256.txt ("<hex>  <name>" lines) into a map
// from file name to lower-case hex digest.
func ParseShasums(body []byte) map[string]string {
	sums := map[string]string{}
	for line := range strings.SplitSeq(string(body), "\n") {
		f := strings.Fields(line)
		if len(f) != 2 || len(f[0]) != 64 {
			continue
		}
		sums[strings.TrimPrefix(f[1], "*")] = strings.ToLower(f[0])
	}
	return sums
}

// publishedPlatforms lists the platforms ("linux-x64", "win-arm64") that
// have an archive for version in sums, sorted.
func publishedPlatforms(sums map[string]string, version string) []string {
	prefix := "node-v" + version + "-"
	seen := map[string]bool{}
	for name := range sums {
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		rest := strings.TrimPrefix(name, prefix)
		for _, ext := range []string{".tar.xz", ".tar.gz", ".zip"} {
			if p, ok := strings.CutSuffix(rest, ext); ok && p != "headers" {
				seen[p] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// DownloadPrebuilt names the archive of one version for the host platform,
// after checking in the version's SHASUMS256.txt that upstream publishes it.
func DownloadPrebuilt(ctx context.Context, h pluginhost.Host, in api.DownloadPrebuiltInput) (api.DownloadPrebuiltOutput, error) {
	cfg, err := loadConfig(h)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	if !strings.Contains(cfg.DistURL, "{file}") {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("dist-url %q in [tools.%s] has no {file} token", cfg.DistURL, h.ToolID())
	}
	version := strings.TrimPrefix(in.Context.Version, "v")
	if s, err := sdk.ParseSpec(version); err != nil || s.Kind != sdk.SpecExact {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("node: cannot download %q: download_prebuilt needs one resolved version such as 20.11.1", in.Context.Version)
	}
	env := h.Env()
	if err := sdk.CheckSupportedOSAndArch("node", env, supported); err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	osName, arch := platform(env)
	tmpl, suffix, where := cfg.DistURL, "", "nodejs.org"
	if env.OS == api.OSLinux && env.Libc == api.LibcMusl {
		if env.Arch != api.ArchX64 && env.Arch != api.ArchArm64 {
			return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("node %s is not available for linux/%s with musl libc: nodejs.org publishes no musl builds, and unofficial-builds.nodejs.org has them for x64 and arm64 only", version, env.Arch)
		}
		h.Log(api.LogWarn, "nodejs.org publishes no musl builds; using the unofficial build from unofficial-builds.nodejs.org")
		tmpl, suffix, where = UnofficialDistURL, "-musl", "unofficial-builds.nodejs.org"
	}
	sumsURL := expand(tmpl, version, ShasumsName)
	body, err := h.Fetch(ctx, sumsURL)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("node %s: cannot read the list of published files: %w", version, err)
	}
	sums := ParseShasums(body)

	exts := []string{".tar.xz", ".tar.gz"}
	if env.OS == api.OSWindows {
		exts = []string{".zip"}
	}
	archs := []string{arch}
	if env.OS == api.OSMacOS && env.Arch == api.ArchArm64 {
		archs = append(archs, "x64") // before 16.0.0, through Rosetta
	}
	for i, a := range archs {
		stem := "node-v" + version + "-" + osName + "-" + a + suffix
		for _, ext := range exts {
			file := stem + ext
			sum, ok := sums[file]
			if !ok {
				continue
			}
			if i > 0 {
				h.Log(api.LogInfo, "node "+version+" has no macOS arm64 build; using the x64 build, which runs under Rosetta 2")
			}
			return api.DownloadPrebuiltOutput{
				DownloadURL:   expand(tmpl, version, file),
				DownloadName:  file,
				ArchivePrefix: stem,
				Checksum:      api.Checksum("sha256:" + sum),
				ChecksumURL:   sumsURL,
				ChecksumName:  ShasumsName,
			}, nil
		}
	}
	want := "node-v" + version + "-" + osName + "-" + arch + suffix + exts[0]
	libc := ""
	if suffix != "" {
		libc = " with musl libc"
	}
	return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("node %s is not available for %s/%s%s: %s publishes no %s (see %s); builds of %s: %s",
		version, env.OS, env.Arch, libc, where, want, sumsURL, version, listOrNone(publishedPlatforms(sums, version)))
}

func listOrNone(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}

// executables lists what a Node.js archive ships, by version: npm from
// 0.6.3, npx from 8.2.0 (npm 5.2), corepack from 14.19.0 and 16.9.0 until
// its removal in 25.0.0. An unknown version gets node, npm and npx.
func executables(version string) []string {
	exes := []string{"node"}
	s, err := sdk.ParseSpec(version)
	if err != nil || s.Kind != sdk.SpecExact {
		return append(exes, "npm", "npx")
	}
	atLeast := func(v string) bool { return sdk.CompareVersions(s.Version, v) >= 0 }
	if atLeast("0.6.3") {
		exes = append(exes, "npm")
	}
	if atLeast("8.2.0") {
		exes = append(exes, "npx")
	}
	if (atLeast("14.19.0") && !atLeast("15.0.0")) || (atLeast("16.9.0") && !atLeast("25.0.0")) {
		exes = append(exes, "corepack")
	}
	return exes
}

// GlobalsDir is where proto (and tote) point npm's global prefix for
// Node.js: global packages' binaries are found in its bin.
const GlobalsDir = "$PROTO_HOME/tools/node/globals/bin"

// LocateExecutables names node (primary), npm, npx and corepack: on Unix
// bin/<name> (npm, npx and corepack are symlinks to JavaScript files under
// lib/node_modules that run with node), on Windows node.exe and the
// <name>.cmd wrappers at the archive's root.
func LocateExecutables(ctx context.Context, h pluginhost.Host, in api.LocateExecutablesInput) (api.LocateExecutablesOutput, error) {
	env := h.Env()
	out := api.LocateExecutablesOutput{
		Exes:              map[string]api.ExecutableConfig{},
		GlobalsLookupDirs: []string{GlobalsDir},
	}
	for _, name := range executables(strings.TrimPrefix(in.Context.Version, "v")) {
		var path string
		switch {
		case env.OS == api.OSWindows && name == "node":
			path = "node.exe"
		case env.OS == api.OSWindows:
			path = name + ".cmd"
		default:
			path = "bin/" + name
		}
		out.Exes[name] = api.ExecutableConfig{ExePath: path, Primary: name == "node"}
	}
	out.ExesDirs = []string{sdk.ForNative(env, "bin", ".")}
	return out, nil
}
