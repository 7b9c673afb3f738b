package main

import (
	"fmt"
	"strings"

	"github.com/tote-dev/tote/sdk"
)

// Config is the [tools.ripgrep] table of .prototools. Both keys are
// optional; a company mirror of GitHub releases is the usual reason to set
// them:
//
//	[tools.ripgrep]
//	dist-url = "https://artifacts.example.com/github/BurntSushi/ripgrep/releases/download"
type Config struct {
	// DistURL is where release assets are downloaded from.
	DistURL string `json:"dist_url"`
	// APIURL is the GitHub API the release list is read from.
	APIURL string `json:"api_url"`
}

var defaults = Config{
	DistURL: "https://github.com/BurntSushi/ripgrep/releases/download",
	APIURL:  "https://api.github.com",
}

// versionFile is the file a project pins ripgrep's version in.
const versionFile = ".ripgrep-version"

// RegisterTool describes ripgrep.
func RegisterTool(sdk.RegisterToolInput) (sdk.RegisterToolOutput, error) {
	return sdk.RegisterToolOutput{
		Name:          "ripgrep",
		Type:          sdk.TypeCommandLine,
		PluginVersion: "0.1.0",
	}, nil
}

// release is the part of a GitHub release this plugin reads.
type release struct {
	TagName    string `json:"tag_name"`
	Draft      bool   `json:"draft"`
	Prerelease bool   `json:"prerelease"`
}

// LoadVersions lists ripgrep's releases.
func LoadVersions(sdk.LoadVersionsInput) (sdk.LoadVersionsOutput, error) {
	cfg, err := sdk.ToolConfig(defaults)
	if err != nil {
		return sdk.LoadVersionsOutput{}, err
	}
	var releases []release
	if err := sdk.FetchJSON(cfg.APIURL+"/repos/BurntSushi/ripgrep/releases?per_page=100", &releases); err != nil {
		return sdk.LoadVersionsOutput{}, err
	}
	return versions(releases)
}

// versions turns releases into the version list. ripgrep's tags have no
// "v" prefix ("14.1.1"); drafts are skipped, and the newest release that is
// not a prerelease is "latest".
func versions(releases []release) (sdk.LoadVersionsOutput, error) {
	out := sdk.LoadVersionsOutput{Versions: []string{}}
	for _, r := range releases {
		if r.Draft || r.TagName == "" {
			continue
		}
		v := strings.TrimPrefix(r.TagName, "v")
		out.Versions = append(out.Versions, v)
		if !r.Prerelease && (out.Latest == "" || sdk.CompareVersions(v, out.Latest) > 0) {
			out.Latest = v
		}
	}
	if len(out.Versions) == 0 {
		return out, sdk.Errorf("no ripgrep releases found")
	}
	sdk.SortVersions(out.Versions)
	return out, nil
}

// targets maps each platform ripgrep publishes binaries for to the Rust
// target triple in the asset's name. Linux x64 builds are static (musl).
var targets = map[sdk.HostOS]map[sdk.HostArch]string{
	sdk.OSLinux: {
		sdk.ArchX64:   "x86_64-unknown-linux-musl",
		sdk.ArchArm64: "aarch64-unknown-linux-gnu",
		sdk.ArchX86:   "i686-unknown-linux-gnu",
		sdk.ArchArm:   "armv7-unknown-linux-gnueabihf",
	},
	sdk.OSMacOS: {
		sdk.ArchX64:   "x86_64-apple-darwin",
		sdk.ArchArm64: "aarch64-apple-darwin",
	},
	sdk.OSWindows: {
		sdk.ArchX64: "x86_64-pc-windows-msvc",
		sdk.ArchX86: "i686-pc-windows-msvc",
	},
}

// asset returns the release asset for a version and platform, such as
// ripgrep-14.1.1-x86_64-unknown-linux-musl.tar.gz, and the directory the
// archive wraps everything in.
func asset(version string, env sdk.HostEnv) (file, dir string, err error) {
	target, ok := targets[env.OS][env.Arch]
	if !ok {
		return "", "", sdk.Errorf("ripgrep publishes no binary for %s/%s", env.OS, env.Arch)
	}
	dir = fmt.Sprintf("ripgrep-%s-%s", version, target)
	ext := ".tar.gz"
	if env.OS == sdk.OSWindows {
		ext = ".zip"
	}
	return dir + ext, dir, nil
}

// DownloadPrebuilt points at the release asset for this machine and its
// .sha256 file.
func DownloadPrebuilt(in sdk.DownloadPrebuiltInput) (sdk.DownloadPrebuiltOutput, error) {
	cfg, err := sdk.ToolConfig(defaults)
	if err != nil {
		return sdk.DownloadPrebuiltOutput{}, err
	}
	version := in.Context.Version
	file, dir, err := asset(version, sdk.HostEnvironment())
	if err != nil {
		return sdk.DownloadPrebuiltOutput{}, err
	}
	base := strings.TrimSuffix(cfg.DistURL, "/") + "/" + version + "/"
	return sdk.DownloadPrebuiltOutput{
		DownloadURL:   base + file,
		ArchivePrefix: dir,
		ChecksumURL:   base + file + ".sha256",
	}, nil
}

// LocateExecutables says where rg is once the archive prefix is stripped.
func LocateExecutables(sdk.LocateExecutablesInput) (sdk.LocateExecutablesOutput, error) {
	return sdk.LocateExecutablesOutput{Exes: map[string]sdk.ExecutableConfig{
		"rg": {ExePath: sdk.ExeName(sdk.HostEnvironment(), "rg"), Primary: true},
	}}, nil
}

// DetectVersionFiles names the file a project pins ripgrep in.
func DetectVersionFiles(sdk.DetectVersionInput) (sdk.DetectVersionOutput, error) {
	return sdk.DetectVersionOutput{Files: []string{versionFile}}, nil
}

// ParseVersionFile reads .ripgrep-version: the first line that is not
// empty or a # comment, with an optional "ripgrep " or "v" prefix.
func ParseVersionFile(in sdk.ParseVersionFileInput) (sdk.ParseVersionFileOutput, error) {
	for _, line := range strings.Split(in.Content, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimSpace(strings.TrimPrefix(line, "ripgrep "))
		return sdk.ParseVersionFileOutput{Version: strings.TrimPrefix(line, "v")}, nil
	}
	return sdk.ParseVersionFileOutput{}, nil
}
