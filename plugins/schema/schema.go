// Package schema is the core of tote's built-in schema plugin: it serves
// proto's tool-plugin contract for tools described by a small TOML, JSON or
// YAML file (proto's "non-WASM" plugins) instead of a WASM module.
//
// The host parses the file (see package schemafile) into the canonical JSON
// form of [Schema] and injects it as the config value [api.ConfigSchema]
// ("proto_schema", proto's name), so the core only ever sees JSON. The core
// answers register_tool, load_versions, detect_version_files,
// download_prebuilt and locate_executables from it, with proto's tokens
// ({version}, {arch}, {os}, {libc}, {download_file}, {checksum_file},
// {versionMajor}, …).
//
// Versions come from the schema's static [resolve] list, from the tags of a
// Git repository (`git ls-remote --tags`, run through the host's
// exec_command, so the host must grant exec to schemas with a git-url), or
// from a JSON manifest fetched through the host.
package schema

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// Version is the schema plugin's own version, reported as plugin_version
// when the schema's [metadata] does not give one.
const Version = "0.1.0"

// DefaultVersionPattern is proto's default resolve.version-pattern.
const DefaultVersionPattern = `^v?((?<major>[0-9]+)\.(?<minor>[0-9]+)\.(?<patch>[0-9]+)(?<pre>-[0-9a-zA-Z\.]+)?(?<build>\+[-0-9a-zA-Z\.]+)?)$`

// DefaultManifestVersionKey is the default resolve.manifest-version-key.
const DefaultManifestVersionKey = "version"

// DefaultChecksumFile is the checksum file name used when a platform names none.
const DefaultChecksumFile = "CHECKSUM.txt"

// Table is the plugin's contract functions.
var Table = pluginhost.Table{
	api.FuncRegisterTool:       pluginhost.Handle(RegisterTool),
	api.FuncLoadVersions:       pluginhost.Handle(LoadVersions),
	api.FuncDetectVersionFiles: pluginhost.Handle(DetectVersionFiles),
	api.FuncDownloadPrebuilt:   pluginhost.Handle(DownloadPrebuilt),
	api.FuncLocateExecutables:  pluginhost.Handle(LocateExecutables),
}

// Schema is the canonical (JSON, kebab-case keys) form of a schema plugin.
// Maps keyed by architecture use tote's names (x64, arm64, …), maps keyed by
// libc use gnu and musl; the parser translates Rust's names.
type Schema struct {
	// Name is the tool's display name (key "name").
	Name string `json:"name"`
	// Type is language, dependency-manager, command-line or version-manager
	// (key "type"; "cli" and "package-manager" are normalised by the parser).
	Type string `json:"type"`
	// Metadata is the [metadata] table.
	Metadata Metadata `json:"metadata"`
	// Platform maps an OS (linux, macos, windows, …) to its settings.
	Platform map[string]Platform `json:"platform"`
	// Deprecations are messages shown to users.
	Deprecations []string `json:"deprecations,omitempty"`
	// Detect is the [detect] table.
	Detect Detect `json:"detect"`
	// Install is the [install] table.
	Install Install `json:"install"`
	// Packages is the [packages] table.
	Packages Packages `json:"packages"`
	// Resolve is the [resolve] table.
	Resolve Resolve `json:"resolve"`
}

// Metadata is the [metadata] table.
type Metadata struct {
	DefaultVersion      string   `json:"default-version,omitempty"`
	PluginVersion       string   `json:"plugin-version,omitempty"`
	Requires            []string `json:"requires,omitempty"`
	SelfUpgradeCommands []string `json:"self-upgrade-commands,omitempty"`
}

// Platform is one [platform.<os>] table.
type Platform struct {
	// Arch renames {arch} on this OS, over [install.arch].
	Arch map[string]string `json:"arch,omitempty"`
	// Archs restricts the supported architectures; empty allows all.
	Archs         []string `json:"archs,omitempty"`
	ArchivePrefix string   `json:"archive-prefix,omitempty"`
	ChecksumFile  string   `json:"checksum-file,omitempty"`
	DownloadFile  string   `json:"download-file"`
	// ExesDir is the deprecated single form of ExesDirs.
	ExesDir  string   `json:"exes-dir,omitempty"`
	ExesDirs []string `json:"exes-dirs,omitempty"`
	ExePath  string   `json:"exe-path,omitempty"`
	// BinPath is the deprecated name of ExePath.
	BinPath string `json:"bin-path,omitempty"`
	// Libc renames {libc} on this OS, over [install.libc].
	Libc map[string]string `json:"libc,omitempty"`
}

// Install is the [install] table.
type Install struct {
	Arch              map[string]string     `json:"arch,omitempty"`
	Libc              map[string]string     `json:"libc,omitempty"`
	ChecksumPublicKey string                `json:"checksum-public-key,omitempty"`
	ChecksumURL       string                `json:"checksum-url,omitempty"`
	ChecksumURLCanary string                `json:"checksum-url-canary,omitempty"`
	DownloadURL       string                `json:"download-url"`
	DownloadURLCanary string                `json:"download-url-canary,omitempty"`
	Exes              map[string]Executable `json:"exes,omitempty"`
	// Primary is the deprecated [install.primary].
	Primary *Executable `json:"primary,omitempty"`
	// Secondary is the deprecated [install.secondary.<name>].
	Secondary map[string]Executable `json:"secondary,omitempty"`
	NoBin     *bool                 `json:"no-bin,omitempty"`
	NoShim    *bool                 `json:"no-shim,omitempty"`
}

// Executable is one [install.exes.<name>] table.
type Executable struct {
	ExePath        string            `json:"exe-path,omitempty"`
	ExeLinkPath    string            `json:"exe-link-path,omitempty"`
	NoBin          bool              `json:"no-bin,omitempty"`
	NoShim         bool              `json:"no-shim,omitempty"`
	ParentExeArgs  []string          `json:"parent-exe-args,omitempty"`
	ParentExeName  string            `json:"parent-exe-name,omitempty"`
	Primary        bool              `json:"primary,omitempty"`
	ShimBeforeArgs []string          `json:"shim-before-args,omitempty"`
	ShimAfterArgs  []string          `json:"shim-after-args,omitempty"`
	ShimEnvVars    map[string]string `json:"shim-env-vars,omitempty"`
}

// Packages is the [packages] table.
type Packages struct {
	GlobalsLookupDirs []string `json:"globals-lookup-dirs,omitempty"`
	GlobalsPrefix     string   `json:"globals-prefix,omitempty"`
}

// Resolve is the [resolve] table.
type Resolve struct {
	Aliases            map[string]string `json:"aliases,omitempty"`
	Versions           []string          `json:"versions,omitempty"`
	VersionPattern     string            `json:"version-pattern,omitempty"`
	ManifestURL        string            `json:"manifest-url,omitempty"`
	ManifestVersionKey string            `json:"manifest-version-key,omitempty"`
	GitURL             string            `json:"git-url,omitempty"`
	GitTagPattern      string            `json:"git-tag-pattern,omitempty"`
}

// Detect is the [detect] table.
type Detect struct {
	VersionFiles []string `json:"version-files,omitempty"`
	Ignore       []string `json:"ignore,omitempty"`
}

// NeedsExec reports whether the schema resolves versions from Git tags, for
// which the host must grant exec_command (to run git ls-remote).
func (s *Schema) NeedsExec() bool { return s.Resolve.GitURL != "" }

// load reads the injected schema.
func load(h pluginhost.Host) (*Schema, error) {
	c, ok := h.(pluginhost.Configurer)
	if !ok {
		return nil, pluginhost.Errorf("the host does not inject configuration; the schema plugin needs %q", api.ConfigSchema)
	}
	raw, ok := c.Config(api.ConfigSchema)
	if !ok || raw == "" {
		return nil, pluginhost.Errorf("missing schema: the host injected no %q config value", api.ConfigSchema)
	}
	var s Schema
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return nil, pluginhost.Errorf("invalid %q config value: %w", api.ConfigSchema, err)
	}
	return &s, nil
}

// platform returns the settings for env's OS (BSDs fall back to linux),
// with the [install] arch and libc maps overridden by the platform's own.
func (s *Schema) platform(env api.HostEnvironment) (Platform, error) {
	p, ok := s.Platform[string(env.OS)]
	if !ok && isBSD(env.OS) {
		p, ok = s.Platform[string(api.OSLinux)]
	}
	if !ok {
		return Platform{}, pluginhost.Errorf("unable to install %s, unsupported OS %s", s.Name, env.OS)
	}
	arch := map[string]string{}
	for k, v := range s.Install.Arch {
		arch[k] = v
	}
	for k, v := range p.Arch {
		arch[k] = v
	}
	libc := map[string]string{}
	for k, v := range s.Install.Libc {
		libc[k] = v
	}
	for k, v := range p.Libc {
		libc[k] = v
	}
	p.Arch, p.Libc = arch, libc
	if p.ExePath == "" {
		p.ExePath = p.BinPath
	}
	if len(p.ExesDirs) == 0 && p.ExesDir != "" {
		p.ExesDirs = []string{p.ExesDir}
	}
	return p, nil
}

func isBSD(os api.HostOS) bool {
	switch os {
	case api.OSFreeBSD, api.OSNetBSD, api.OSOpenBSD, api.OSDragonfly:
		return true
	}
	return false
}

// RegisterTool answers register_tool from the schema.
func RegisterTool(ctx context.Context, h pluginhost.Host, in api.RegisterToolInput) (api.RegisterToolOutput, error) {
	s, err := load(h)
	if err != nil {
		return api.RegisterToolOutput{}, err
	}
	env := h.Env()
	p, err := s.platform(env)
	if err != nil {
		return api.RegisterToolOutput{}, err
	}
	deps := append([]string{}, s.Deprecations...)
	if s.Platform[string(env.OS)].BinPath != "" || p.BinPath != "" {
		deps = append(deps, fmt.Sprintf("The platform.%s.bin-path setting is deprecated, use platform.%s.exe-path instead.", env.OS, env.OS))
	}
	if s.Install.Primary != nil {
		deps = append(deps, "The install.primary setting is deprecated, use install.exes and the primary flag instead.")
	}
	if len(s.Install.Secondary) > 0 {
		deps = append(deps, "The install.secondary setting is deprecated, use install.exes instead.")
	}
	pv := s.Metadata.PluginVersion
	if pv == "" {
		pv = Version
	}
	typ := api.PluginType(s.Type).Normalize()
	return api.RegisterToolOutput{
		Name:                s.Name,
		Type:                typ,
		PluginVersion:       pv,
		DefaultVersion:      s.Metadata.DefaultVersion,
		Requires:            s.Metadata.Requires,
		Deprecations:        nilIfEmpty(deps),
		SelfUpgradeCommands: s.Metadata.SelfUpgradeCommands,
	}, nil
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// DetectVersionFiles answers detect_version_files from [detect].
func DetectVersionFiles(ctx context.Context, h pluginhost.Host, in api.DetectVersionInput) (api.DetectVersionOutput, error) {
	s, err := load(h)
	if err != nil {
		return api.DetectVersionOutput{}, err
	}
	files := s.Detect.VersionFiles
	if files == nil {
		files = []string{}
	}
	return api.DetectVersionOutput{Files: files, Ignore: s.Detect.Ignore}, nil
}
