// Package config reads, merges and edits .prototools files.
//
// A .prototools file is TOML. tote reads one from the working directory and
// from every parent directory up to (and including) the user's home, then the
// global one in $TOTE_HOME. Nearer files win key by key. The format is proto's:
//
//	node = "20"                      # a pin: tool = "spec"
//	go = "~1.22"
//
//	[plugins]                        # or [plugins.tools]
//	mytool = "file://./plugins/mytool.wasm"
//
//	[tools.node]                     # plugin configuration
//	bundled-npm = true
//	aliases = { work = "20.11" }     # tote's own: user aliases
//	env = { NODE_OPTIONS = "--max-old-space-size=4096" }
//
//	[extensions.stats]
//	enabled = true
//	permissions = ["network"]
//	limits = { memory = "128MiB", call-timeout = "5s", run-timeout = "250ms", max-restarts = 3 }
//
//	[settings]
//	auto-install = true
//	offline = false
//	detect-strategy = "prefer-prototools"
//	url-rewrites = { "^https://nodejs.org/dist/(.*)" = "https://mirror.example/node/$1" }
//
// Every problem is reported as a [*ParseError] carrying path:line:column.
// [SetPin] and [RemovePin] edit a file textually, so comments, order and
// unrelated tables are kept byte for byte.
package config

import (
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"time"
)

// FileName is the name of the configuration file looked up in every directory.
const FileName = ".prototools"

// Detect strategies accepted by settings.detect-strategy (proto's values).
const (
	// DetectFirstAvailable takes the first pin or version file found walking
	// up from the working directory (the default).
	DetectFirstAvailable = "first-available"
	// DetectPreferPrototools prefers a .prototools pin anywhere up the tree
	// over a plugin's version file.
	DetectPreferPrototools = "prefer-prototools"
	// DetectOnlyPrototools ignores the plugins' version files.
	DetectOnlyPrototools = "only-prototools"
)

// File is one parsed .prototools file.
type File struct {
	// Path is the file's path as given to [Parse].
	Path string
	// Pins are the top-level `tool = "spec"` entries.
	Pins map[string]Pin
	// Plugins maps tool ids to plugin locators as written, merged from
	// [plugins], [plugins.tools] and [tools.<id>] plugin = "...".
	Plugins map[string]string
	// ExtensionPlugins maps extension ids to locators from [plugins.extensions].
	ExtensionPlugins map[string]string
	// Tools are the [tools.<id>] tables.
	Tools map[string]ToolTable
	// Extensions are the [extensions.<id>] tables.
	Extensions map[string]ExtensionTable
	// Env is the top-level [env] table, applied to every tool run. A value
	// "" unsets the variable (proto's false).
	Env map[string]string
	// EnvFiles are the dotenv files of [env] file = "...".
	EnvFiles []EnvFile
	// Backends are the ids of proto's [backends.<id>] tables (not
	// supported yet; each is reported in Warnings).
	Backends []string
	// ShellAliases is proto's [shell] aliases table.
	ShellAliases map[string]string
	// Warnings are the problems that do not stop tote, in file order.
	Warnings []Warning
	// Settings is the [settings] table.
	Settings Settings

	// lines of locator declarations, keyed like Plugins / ExtensionPlugins.
	pluginLines, extPluginLines map[string]int
}

// Pin is a top-level `tool = "spec"` entry.
type Pin struct {
	// Spec is the version spec as written, such as "20" or "~1.22".
	Spec string
	// Line is the 1-based line of the entry in its file.
	Line int
}

// ToolTable is a [tools.<id>] table.
type ToolTable struct {
	// Aliases are user aliases (name → spec); they win over the plugin's.
	Aliases map[string]string
	// Env holds environment variables set when the tool runs ("" unsets).
	Env map[string]string
	// EnvFiles are the dotenv files of [tools.<id>.env] file = "...",
	// loaded before Env.
	EnvFiles []EnvFile
	// Config is the rest of the table, passed to the plugin as
	// proto_tool_config. Keys aliases, env and plugin are never in it.
	Config map[string]any
	// Line is the 1-based line of the table's header (or first key) in
	// its file; 0 in a merged table.
	Line int
}

// ExtensionTable is an [extensions.<id>] table.
type ExtensionTable struct {
	// Enabled is nil when the file does not say.
	Enabled *bool
	// Permissions are the capabilities granted (kebab-case), nil when unset.
	Permissions []string
	// Deny are capabilities explicitly refused, nil when unset.
	Deny []string
	// Config is the extension's own configuration.
	Config map[string]any
	// Limits are the resource limits; zero fields are unset.
	Limits Limits
}

// Limits bound an extension's resources. A zero field means "use the default".
type Limits struct {
	// Memory in bytes; written as an integer or a size such as "128MiB".
	// From MinMemoryLimit to MaxMemoryLimit (WebAssembly's 4 GiB).
	Memory int64
	// CallTimeout per plugin call; written as a duration such as "5s" or an
	// integer number of milliseconds; at most MaxCallTimeout.
	CallTimeout time.Duration
	// RunTimeout per call for an event on the run path (pre-run, post-run,
	// version-resolved: every `tote run` and shim waits for them); written
	// like CallTimeout (key run-timeout).
	RunTimeout time.Duration
	// MaxRestarts is the fault budget before quarantine; nil when unset
	// (0 is meaningful: never restart). At most MaxRestartsLimit.
	MaxRestarts *int
}

// Domains of the [extensions.<id>.limits] values, checked at parse time.
const (
	// MinMemoryLimit is one WebAssembly page.
	MinMemoryLimit = 64 << 10
	// MaxMemoryLimit is what a 32-bit WebAssembly memory can address.
	MaxMemoryLimit = 4 << 30
	// MaxCallTimeout bounds call-timeout and run-timeout.
	MaxCallTimeout = time.Hour
	// MaxRestartsLimit bounds max-restarts.
	MaxRestartsLimit = 1000
)

// Settings is the [settings] table. Unknown keys are ignored so that files
// written for proto keep working.
type Settings struct {
	// AutoInstall installs missing tools on run; nil when unset.
	AutoInstall *bool
	// Offline forbids network access; nil when unset. TOTE_OFFLINE=1 forces it.
	Offline *bool
	// URLRewrites apply to every URL the host fetches, in order.
	URLRewrites []Rewrite
	// DetectStrategy is one of the Detect* constants, "" when unset.
	DetectStrategy string
	// HTTP is the raw [settings.http] table.
	HTTP map[string]any
	// HTTPLimits are tote's keys of [settings.http]: timeouts, minimum
	// throughput, retries.
	HTTPLimits HTTPLimits
	// Unpack are the [settings.unpack] limits on unpacking an archive.
	Unpack UnpackLimits
	// OfflineCheck is proto's [settings.offline] table: probe the network
	// when offline is not set explicitly. nil when absent.
	OfflineCheck *OfflineCheck
	// PinLatest pins the version an install of "latest" resolved to, in
	// this location; "" when unset.
	PinLatest PinLocation
	// AutoClean is proto's auto-clean (remove tool versions unused for a
	// while); nil when unset. tote does not clean by itself yet: it warns.
	AutoClean *bool
	// Lockfile turns on the lockfile for the project (proto's lockfile);
	// nil when unset.
	Lockfile *bool
	// CacheDuration is how long a downloaded plugin is reused before it is
	// fetched again (proto's cache-duration, seconds; 0 fetches every
	// time); nil when unset. TOTE_PLUGIN_CACHE_TTL overrides it.
	CacheDuration *time.Duration
	// BuiltinTools limits the built-in tool plugins (proto's builtin-tools);
	// nil allows all.
	BuiltinTools *BuiltinSet
	// Build is proto's [settings.build].
	Build BuildSettings
	// Proxy is proto's proxy settings of [settings.http].
	Proxy ProxySettings
	// Mirrors are the OCI mirrors looked up before an archive or a plugin
	// is downloaded from upstream, in order: the nearest file's first
	// (each file's in its own order), duplicates dropped. TOTE_MIRRORS
	// replaces them. See docs/mirrors.md.
	Mirrors []Mirror
	// MirrorOnly forbids downloading archives and plugins from anywhere
	// but Mirrors (air-gapped sites); nil when unset. TOTE_MIRROR_ONLY
	// overrides it.
	MirrorOnly *bool
	// MirrorPush pushes every archive downloaded from upstream to the
	// first registry mirror too; nil when unset. TOTE_MIRROR_PUSH
	// overrides it.
	MirrorPush *bool
	// DownloadCacheSize caps the verified download cache
	// ($TOTE_HOME/cache/downloads) in bytes, 0 turning it off; nil when
	// unset. TOTE_DOWNLOAD_CACHE_SIZE overrides it.
	DownloadCacheSize *int64
}

// MirrorOnlyOn reports whether mirror-only is set and true.
func (s Settings) MirrorOnlyOn() bool { return s.MirrorOnly != nil && *s.MirrorOnly }

// MirrorPushOn reports whether mirror-push is set and true.
func (s Settings) MirrorPushOn() bool { return s.MirrorPush != nil && *s.MirrorPush }

// Rewrite is one settings.url-rewrites entry.
type Rewrite struct {
	// Pattern is the compiled regular expression (Go RE2 syntax).
	Pattern *regexp.Regexp
	// Replacement is expanded with [regexp.Regexp.Expand] syntax: $1, ${1},
	// ${name}; $$ is a literal dollar. Note that "$1x" means the group named
	// "1x", so write "${1}x".
	Replacement string
	// Source is "path:line" of the entry.
	Source string
}

// RewriteURL applies every rewrite whose pattern matches url, in order, each
// to the result of the previous one, and returns the final URL.
func (s Settings) RewriteURL(url string) string {
	for _, r := range s.URLRewrites {
		if r.Pattern != nil && r.Pattern.MatchString(url) {
			url = r.Pattern.ReplaceAllString(url, r.Replacement)
		}
	}
	return url
}

// ParseError is a problem in a .prototools file, with its position.
type ParseError struct {
	// Path of the file.
	Path string
	// Line and Column are 1-based; 0 when unknown.
	Line, Column int
	// Msg says what is wrong.
	Msg string
}

// Error returns "path:line:col: msg".
func (e *ParseError) Error() string {
	switch {
	case e.Line > 0 && e.Column > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Line, e.Column, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	default:
		return fmt.Sprintf("%s: %s", e.Path, e.Msg)
	}
}

// Locator kinds.
const (
	// LocatorFile is file://PATH (relative to the declaring file) or an
	// absolute path.
	LocatorFile = "file"
	// LocatorHTTPS is https://URL (or http://URL to a loopback host),
	// fetched into the plugin cache.
	LocatorHTTPS = "https"
	// LocatorGitHub is github://owner/repo[/project][@tag], a release asset.
	LocatorGitHub = "github"
	// LocatorRegistry is registry://[host/][ns/]image[:tag], an OCI artifact.
	LocatorRegistry = "registry"
	// LocatorBuiltin is builtin://NAME, a plugin compiled into tote.
	LocatorBuiltin = "builtin"
	// LocatorBuiltinWasm is builtin+wasm://NAME: the WASM build of a
	// built-in, installed by `tote plugin build --builtin NAME --install`.
	LocatorBuiltinWasm = "builtin+wasm"
	// LocatorData is proto's data://BASE64: the plugin's .wasm bytes inline.
	LocatorData = "data"
)

// Locator says where a plugin comes from.
type Locator struct {
	// Kind is one of the Locator* constants.
	Kind string
	// Value depends on Kind: an absolute path for "file" (resolved against
	// the declaring file's directory), the full URL for "https",
	// "owner/repo[@tag]" for "github", the package reference for "registry",
	// the plugin id for "builtin".
	Value string
	// Raw is the locator as written.
	Raw string
	// ID is the tool or extension id it was declared for.
	ID string
	// DeclaredIn is "path:line" of the declaration.
	DeclaredIn string
}

// Supported returns nil for locators tote can load today and otherwise an
// error naming the locator, the id and where it was declared.
func (l Locator) Supported() error {
	switch l.Kind {
	case LocatorFile, LocatorBuiltin, LocatorBuiltinWasm, LocatorGitHub, LocatorRegistry, LocatorData:
		return nil
	case LocatorHTTPS:
		if u, err := url.Parse(l.Value); err == nil && u.Scheme == "http" && !loopback(u.Hostname()) {
			return fmt.Errorf("plugin locator %q for %s (in %s): plain http is refused; use https:// (http is allowed for loopback hosts only)",
				l.Raw, l.ID, l.DeclaredIn)
		}
		return nil
	}
	return fmt.Errorf("plugin locator %q for %s (in %s): %s locators are not supported yet",
		l.Raw, l.ID, l.DeclaredIn, l.Kind)
}

// loopback reports whether host is localhost or a loopback address. It uses
// net/netip, not net, so that the shim (which imports this package) stays a
// static binary that starts fast.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}
