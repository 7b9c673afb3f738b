// Package ocimirror keeps tool archives and plugins in OCI registries and
// OCI image layouts, the toolchain mirror of CI fleets and air-gapped
// sites, and gets them back verified.
//
// # Reference layout
//
// Under a mirror's base path (registry://HOST/BASE, or the root of an
// oci-layout://PATH), one tool archive is one OCI artifact:
//
//	repository  BASE/tools/<tool>
//	tag         <version>-<platform>        e.g. 1.22.1-linux-x64-gnu
//
// and one plugin file is:
//
//	repository  BASE/plugins
//	tag         loc-<first 48 hex digits of sha256(locator as written)>
//
// In an OCI image layout, whose index has no repositories, the reference
// name (annotation org.opencontainers.image.ref.name) is
// "tools/<tool>:<tag>" or "plugins:<tag>".
//
// The artifact is an OCI image manifest (schema 2, artifactType
// application/vnd.tote.tool.v1 or application/vnd.tote.plugin.v1) with the
// empty config and exactly one layer: the original upstream file, byte for
// byte, titled with its file name. The manifest's annotations describe it
// (see the Annot* constants); its layer's digest is the sha256 a lockfile
// records. Manifests are built deterministically (no creation time), so
// two machines pushing the same archive push the same manifest.
package ocimirror

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/config"
)

// Artifact and media types.
const (
	// ArtifactTool is the artifactType of a tool archive's manifest.
	ArtifactTool = "application/vnd.tote.tool.v1"
	// ArtifactPlugin is the artifactType of a plugin file's manifest.
	ArtifactPlugin = "application/vnd.tote.plugin.v1"
	// MediaTypeArchive is the media type of a tool archive layer as tote
	// pushes it; any media type is accepted when reading.
	MediaTypeArchive = "application/vnd.tote.tool.archive.v1"
)

// Annotations of a tool artifact's manifest. Tool, version and platform
// must match what is looked up; sha256 must be the layer's digest.
const (
	// AnnotTool is the tool id.
	AnnotTool = "dev.tote.tool"
	// AnnotVersion is the resolved version.
	AnnotVersion = "dev.tote.version"
	// AnnotPlatform is the platform triple (see [Platform]).
	AnnotPlatform = "dev.tote.platform"
	// AnnotSource is the upstream URL the file was downloaded from (the
	// plugin's download_url, before url-rewrites).
	AnnotSource = "dev.tote.source"
	// AnnotFile is the plugin's download_name (or the URL's file name):
	// the name the archive is unpacked as; its extension gives the format.
	AnnotFile = "dev.tote.file"
	// AnnotSHA256 is the lowercase hex sha256 of the file.
	AnnotSHA256 = "dev.tote.sha256"
	// AnnotArchivePrefix is the plugin's archive_prefix ("" or absent for
	// none).
	AnnotArchivePrefix = "dev.tote.archive-prefix"
	// AnnotChecksum is the checksum the plugin declared for the file when
	// it is not a sha256 (such as npm's sha512), for information.
	AnnotChecksum = "dev.tote.checksum"
	// AnnotPostScript is the plugin's post_script: a file of the archive
	// that the plugin runs after unpacking. An artifact with one is never
	// installed from its annotations alone.
	AnnotPostScript = "dev.tote.post-script"
	// AnnotLocator is the plugin locator of a plugin artifact, as written.
	AnnotLocator = "dev.tote.plugin.locator"
)

// Repository paths under a mirror's base.
const (
	toolsRepo   = "tools"
	pluginsRepo = "plugins"
)

// maxTag is the longest tag the distribution spec allows.
const maxTag = 128

// Platform is the triple tote files archives under: <os>-<arch>, plus
// -<libc> on Linux ("gnu", "musl" or "unknown"), with proto's names for
// them: linux-x64-gnu, linux-arm64-musl, macos-arm64, windows-x64.
func Platform(env api.HostEnvironment) string {
	p := string(env.OS) + "-" + string(env.Arch)
	if env.OS == api.OSLinux {
		libc := env.Libc
		if libc == "" {
			libc = api.LibcUnknown
		}
		p += "-" + string(libc)
	}
	return p
}

// ParsePlatform parses a triple such as linux-x64-gnu or macos-arm64 into
// the host environment a plugin is told about.
func ParsePlatform(s string) (api.HostEnvironment, error) {
	parts := strings.Split(s, "-")
	env := api.HostEnvironment{HomeDir: api.NewVirtualPath(api.VirtualUserHome)}
	switch {
	case len(parts) == 3 && parts[0] == string(api.OSLinux):
		switch l := api.HostLibc(parts[2]); l {
		case api.LibcGnu, api.LibcMusl, api.LibcUnknown:
			env.Libc = l
		default:
			return env, fmt.Errorf("platform %q: unknown C library %q (want gnu, musl or unknown)", s, parts[2])
		}
	case len(parts) == 2 && parts[0] != string(api.OSLinux):
	case len(parts) == 2:
		return env, fmt.Errorf("platform %q: a Linux platform names its C library, such as linux-x64-gnu or linux-x64-musl", s)
	default:
		return env, fmt.Errorf("platform %q: want <os>-<arch>[-<libc>], such as linux-x64-gnu, macos-arm64 or windows-x64", s)
	}
	env.OS, env.Arch = api.HostOS(parts[0]), api.HostArch(parts[1])
	if !knownOS[env.OS] {
		return env, fmt.Errorf("platform %q: unknown operating system %q", s, parts[0])
	}
	if !knownArch[env.Arch] {
		return env, fmt.Errorf("platform %q: unknown architecture %q", s, parts[1])
	}
	return env, nil
}

var knownOS = map[api.HostOS]bool{
	api.OSLinux: true, api.OSMacOS: true, api.OSWindows: true, api.OSFreeBSD: true, api.OSNetBSD: true,
	api.OSOpenBSD: true, api.OSAndroid: true, api.OSIOS: true, api.OSDragonfly: true, api.OSSolaris: true,
}

var knownArch = map[api.HostArch]bool{
	api.ArchX86: true, api.ArchX64: true, api.ArchArm: true, api.ArchArm64: true, api.ArchLongArm64: true,
	api.ArchM68k: true, api.ArchMips: true, api.ArchMips64: true, api.ArchPowerPC: true, api.ArchPowerPC64: true,
	api.ArchRiscv64: true, api.ArchS390x: true, api.ArchSparc64: true,
}

// ToolRepository is the repository of a tool under a mirror's base:
// tools/<tool>, or tools/x-<hash> for a tool id that is not a valid
// repository component (upper case, other characters).
func ToolRepository(tool string) string {
	if config.ValidRepositoryPath(tool) && !strings.Contains(tool, "/") {
		return toolsRepo + "/" + tool
	}
	return toolsRepo + "/x-" + shortHash(tool, 16)
}

// ToolTag is the tag of one archive: <version>-<platform>, every character
// a tag may not hold ([A-Za-z0-9_.-]) replaced by "_" (semver build
// metadata's "+" among them). A tag that would be longer than 128
// characters keeps its platform and hashes its version. The manifest's
// annotations carry the exact version and platform, and are checked.
func ToolTag(version, platform string) string {
	tag := sanitizeTag(version + "-" + platform)
	if len(tag) > maxTag || tag[0] == '.' || tag[0] == '-' {
		tag = sanitizeTag("h" + shortHash(version, 32) + "-" + platform)
		if len(tag) > maxTag {
			tag = tag[:maxTag]
		}
	}
	return tag
}

// PluginTag is the tag of a plugin locator's file.
func PluginTag(locator string) string { return "loc-" + shortHash(locator, 48) }

func sanitizeTag(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			b[i] = '_'
		}
	}
	return string(b)
}

func shortHash(s string, n int) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:n]
}

// Reference names an artifact in a mirror for messages:
// registry://HOST/BASE/tools/go:1.22.1-linux-x64-gnu or
// oci-layout:///path/bundle.tar#tools/go:1.22.1-linux-x64-gnu.
func Reference(m config.Mirror, repo, tag string) string {
	if m.Kind == config.MirrorLayout {
		return m.String() + "#" + repo + ":" + tag
	}
	return "registry://" + m.Host + "/" + joinRepo(m.Base, repo) + ":" + tag
}

func joinRepo(base, repo string) string {
	if base == "" {
		return repo
	}
	return base + "/" + repo
}
