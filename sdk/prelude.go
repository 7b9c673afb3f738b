package sdk

import "github.com/tote-dev/tote/api"

// The prelude: aliases of the contract types in package api, so that a
// plugin imports only sdk. Each alias is the api type itself; see its
// documentation there for the wire names.
type (
	// RegisterToolInput is the input of register_tool.
	RegisterToolInput = api.RegisterToolInput
	// RegisterToolOutput is the output of register_tool.
	RegisterToolOutput = api.RegisterToolOutput
	// ToolInventoryOptions tunes where and how versions are stored.
	ToolInventoryOptions = api.ToolInventoryOptions
	// ToolContext describes the tool and version a call is about (the
	// "context" field of most inputs).
	ToolContext = api.Context
	// DownloadPrebuiltInput is the input of download_prebuilt.
	DownloadPrebuiltInput = api.DownloadPrebuiltInput
	// DownloadPrebuiltOutput is the output of download_prebuilt.
	DownloadPrebuiltOutput = api.DownloadPrebuiltOutput
	// LocateExecutablesInput is the input of locate_executables.
	LocateExecutablesInput = api.LocateExecutablesInput
	// LocateExecutablesOutput is the output of locate_executables.
	LocateExecutablesOutput = api.LocateExecutablesOutput
	// ExecutableConfig describes one executable of a tool.
	ExecutableConfig = api.ExecutableConfig
	// LoadVersionsInput is the input of load_versions.
	LoadVersionsInput = api.LoadVersionsInput
	// LoadVersionsOutput is the output of load_versions.
	LoadVersionsOutput = api.LoadVersionsOutput
	// ResolveVersionInput is the input of resolve_version.
	ResolveVersionInput = api.ResolveVersionInput
	// ResolveVersionOutput is the output of resolve_version.
	ResolveVersionOutput = api.ResolveVersionOutput
	// DetectVersionInput is the input of detect_version_files.
	DetectVersionInput = api.DetectVersionInput
	// DetectVersionOutput is the output of detect_version_files.
	DetectVersionOutput = api.DetectVersionOutput
	// ParseVersionFileInput is the input of parse_version_file.
	ParseVersionFileInput = api.ParseVersionFileInput
	// ParseVersionFileOutput is the output of parse_version_file.
	ParseVersionFileOutput = api.ParseVersionFileOutput
	// UnpackArchiveInput is the input of unpack_archive.
	UnpackArchiveInput = api.UnpackArchiveInput
	// VerifyChecksumInput is the input of verify_checksum.
	VerifyChecksumInput = api.VerifyChecksumInput
	// VerifyChecksumOutput is the output of verify_checksum.
	VerifyChecksumOutput = api.VerifyChecksumOutput
	// NativeInstallInput is the input of native_install.
	NativeInstallInput = api.NativeInstallInput
	// NativeInstallOutput is the output of native_install.
	NativeInstallOutput = api.NativeInstallOutput
	// NativeUninstallInput is the input of native_uninstall.
	NativeUninstallInput = api.NativeUninstallInput
	// NativeUninstallOutput is the output of native_uninstall.
	NativeUninstallOutput = api.NativeUninstallOutput
	// InstallHook is the input of pre_install and post_install.
	InstallHook = api.InstallHook
	// RunHook is the input of pre_run.
	RunHook = api.RunHook
	// RunHookResult is the output of pre_run.
	RunHookResult = api.RunHookResult
	// SyncManifestInput is the input of sync_manifest.
	SyncManifestInput = api.SyncManifestInput
	// SyncManifestOutput is the output of sync_manifest.
	SyncManifestOutput = api.SyncManifestOutput
	// PinVersionInput is the input of pin_version.
	PinVersionInput = api.PinVersionInput
	// PinVersionOutput is the output of pin_version.
	PinVersionOutput = api.PinVersionOutput
	// UnpinVersionInput is the input of unpin_version.
	UnpinVersionInput = api.UnpinVersionInput
	// UnpinVersionOutput is the output of unpin_version.
	UnpinVersionOutput = api.UnpinVersionOutput
	// ActivateEnvironmentInput is the input of activate_environment.
	ActivateEnvironmentInput = api.ActivateEnvironmentInput
	// ActivateEnvironmentOutput is the output of activate_environment.
	ActivateEnvironmentOutput = api.ActivateEnvironmentOutput

	// HostEnv describes the machine tote runs on (api.HostEnvironment).
	// It is named HostEnv so that the function [HostEnvironment], which
	// returns it, can keep the natural name.
	HostEnv = api.HostEnvironment
	// HostOS is an operating system as plugins see it.
	HostOS = api.HostOS
	// HostArch is a CPU architecture as plugins see it.
	HostArch = api.HostArch
	// HostLibc is the C library of the host.
	HostLibc = api.HostLibc

	// VirtualPath is a path as a plugin sees it, such as "/proto/tools/x/1.0.0".
	VirtualPath = api.VirtualPath
	// Checksum is "sha256:<hex>", "sha512:<hex>", "minisign:<key>" or bare hex.
	Checksum = api.Checksum
	// PluginType is the kind of tool a plugin describes.
	PluginType = api.PluginType
	// StringOrSlice is one string or a list of strings on the wire.
	StringOrSlice = api.StringOrSlice

	// DownloadFileOutput is the output of the download_file host function.
	DownloadFileOutput = api.DownloadFileOutput

	// ExecCommandInput is the input of the exec_command host function.
	ExecCommandInput = api.ExecCommandInput
	// ExecCommandOutput is the output of the exec_command host function.
	ExecCommandOutput = api.ExecCommandOutput
)

// Operating systems.
const (
	OSLinux     = api.OSLinux
	OSMacOS     = api.OSMacOS
	OSWindows   = api.OSWindows
	OSFreeBSD   = api.OSFreeBSD
	OSNetBSD    = api.OSNetBSD
	OSOpenBSD   = api.OSOpenBSD
	OSAndroid   = api.OSAndroid
	OSIOS       = api.OSIOS
	OSDragonfly = api.OSDragonfly
	OSSolaris   = api.OSSolaris
)

// Architectures.
const (
	ArchX86       = api.ArchX86
	ArchX64       = api.ArchX64
	ArchArm       = api.ArchArm
	ArchArm64     = api.ArchArm64
	ArchLongArm64 = api.ArchLongArm64
	ArchM68k      = api.ArchM68k
	ArchMips      = api.ArchMips
	ArchMips64    = api.ArchMips64
	ArchPowerPC   = api.ArchPowerPC
	ArchPowerPC64 = api.ArchPowerPC64
	ArchRiscv64   = api.ArchRiscv64
	ArchS390x     = api.ArchS390x
	ArchSparc64   = api.ArchSparc64
)

// C libraries.
const (
	LibcGnu     = api.LibcGnu
	LibcMusl    = api.LibcMusl
	LibcUnknown = api.LibcUnknown
)

// Plugin types.
const (
	TypeLanguage          = api.TypeLanguage
	TypeDependencyManager = api.TypeDependencyManager
	TypeCommandLine       = api.TypeCommandLine
	TypeVersionManager    = api.TypeVersionManager
)

// NewVirtualPath returns a VirtualPath holding only the virtual path p.
func NewVirtualPath(p string) VirtualPath { return api.NewVirtualPath(p) }
