// Package ruby is the core of tote's built-in Ruby plugin: pure Go over the
// api types and pluginhost.Host, shared by the native adapter (native/) and
// the WASM adapter (wasm/).
//
// It installs the portable prebuilt Rubies of jdx/ruby, the source both
// proto's ruby plugin and mise use: GitHub releases tagged with the Ruby
// version ("3.4.9"), assets ruby-<version>.<platform>.tar.gz for
// x86_64_linux, arm64_linux (glibc 2.17+) and macos (arm64), each holding
// ruby-<version>/. Every asset is checked against the sha256 digest GitHub
// records for it (the releases API). Hosts without a prebuilt (musl Linux,
// Intel macOS, Windows) get an error saying so. It reads .ruby-version.
//
// Configuration ([tools.ruby]):
//
//	dist-url = "https://github.com/jdx/ruby/releases/download/{version}/{file}"
//	api-url  = "https://api.github.com/repos/jdx/ruby/releases/tags/{version}"
package ruby

import (
	"context"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/internal/ghrelease"
	"github.com/tote-dev/tote/plugins/internal/ghtags"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// Version is the plugin's own version.
const Version = "0.1.0"

// Upstream URLs.
const (
	DefaultDistURL = "https://github.com/jdx/ruby/releases/download/{version}/{file}"
	DefaultAPIURL  = "https://api.github.com/repos/jdx/ruby/releases/tags/{version}"
	// TagsURL lists jdx/ruby's tags, 100 a page.
	TagsURL = "https://api.github.com/repos/jdx/ruby/tags?per_page=100"
)

// Table is the core's contract functions.
var Table = pluginhost.Table{
	api.FuncRegisterTool:       pluginhost.Handle(RegisterTool),
	api.FuncLoadVersions:       pluginhost.Handle(LoadVersions),
	api.FuncDownloadPrebuilt:   pluginhost.Handle(DownloadPrebuilt),
	api.FuncLocateExecutables:  pluginhost.Handle(LocateExecutables),
	api.FuncDetectVersionFiles: pluginhost.Handle(DetectVersionFiles),
	api.FuncParseVersionFile:   pluginhost.Handle(ParseVersionFile),
}

// Config is the [tools.ruby] table.
type Config struct {
	DistURL string `json:"dist_url"`
	APIURL  string `json:"api_url"`
}

func config(h pluginhost.Host) (Config, error) {
	cfg, err := pluginhost.DecodeConfig(h, Config{DistURL: DefaultDistURL, APIURL: DefaultAPIURL})
	if cfg.DistURL == "" {
		cfg.DistURL = DefaultDistURL
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	return cfg, err
}

// RegisterTool describes Ruby.
func RegisterTool(ctx context.Context, h pluginhost.Host, in api.RegisterToolInput) (api.RegisterToolOutput, error) {
	return api.RegisterToolOutput{Name: "Ruby", Type: api.TypeLanguage, PluginVersion: Version}, nil
}

// revision reports a jdx/ruby build-revision tag ("3.4.9-1"): the same Ruby
// rebuilt, not a Ruby version.
func revision(v string) bool {
	_, rest, ok := strings.Cut(v, "-")
	return ok && rest != "" && strings.Trim(rest, "0123456789") == ""
}

// LoadVersions lists jdx/ruby's version tags (build-revision tags dropped).
func LoadVersions(ctx context.Context, h pluginhost.Host, in api.LoadVersionsInput) (api.LoadVersionsOutput, error) {
	names, err := ghtags.Fetch(ctx, h, TagsURL, 10)
	if err != nil {
		return api.LoadVersionsOutput{}, err
	}
	var kept []string
	for _, n := range names {
		if !revision(n) {
			kept = append(kept, n)
		}
	}
	versions, latest := ghtags.Versions(kept, "")
	if len(versions) == 0 {
		return api.LoadVersionsOutput{}, pluginhost.Errorf("list versions: %s lists no Ruby versions", TagsURL)
	}
	out := api.LoadVersionsOutput{Versions: versions, Latest: latest}
	if latest != "" {
		out.Aliases = map[string]string{"latest": latest, "stable": latest}
	}
	return out, nil
}

// Platform is jdx/ruby's platform name for a host, or an error for hosts
// it builds no Ruby for.
func Platform(env api.HostEnvironment) (string, error) {
	switch {
	case env.OS == api.OSLinux && env.Libc != api.LibcMusl && env.Arch == api.ArchX64:
		return "x86_64_linux", nil
	case env.OS == api.OSLinux && env.Libc != api.LibcMusl && env.Arch == api.ArchArm64:
		return "arm64_linux", nil
	case env.OS == api.OSMacOS && env.Arch == api.ArchArm64:
		return "macos", nil
	}
	host := string(env.OS) + "/" + string(env.Arch)
	if env.Libc == api.LibcMusl {
		host += " (musl)"
	}
	return "", pluginhost.Errorf("no prebuilt Ruby for %s: jdx/ruby builds for Linux x64 and arm64 (glibc) and macOS arm64; build Ruby with ruby-build, or use a plugin that does", host)
}

// DownloadPrebuilt returns the host's tarball, checked against GitHub's
// digest of the asset.
func DownloadPrebuilt(ctx context.Context, h pluginhost.Host, in api.DownloadPrebuiltInput) (api.DownloadPrebuiltOutput, error) {
	cfg, err := config(h)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	ver := strings.TrimPrefix(strings.TrimSpace(in.Context.Version), "v")
	if s, err := sdk.ParseSpec(ver); err != nil || s.Kind != sdk.SpecExact || revision(ver) {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("download ruby: %q is not a full Ruby version", in.Context.Version)
	}
	platform, err := Platform(h.Env())
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	file := "ruby-" + ver + "." + platform + ".tar.gz"
	rel, err := ghrelease.Fetch(ctx, h, strings.ReplaceAll(cfg.APIURL, "{version}", ver))
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	asset, ok := rel.Asset(file)
	if !ok {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("ruby %s: the jdx/ruby release publishes no %s", ver, file)
	}
	out := api.DownloadPrebuiltOutput{
		DownloadURL:   strings.NewReplacer("{version}", ver, "{file}", file).Replace(cfg.DistURL),
		DownloadName:  file,
		ArchivePrefix: "ruby-" + ver,
	}
	sum, ok, err := asset.Checksum()
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	if ok {
		out.Checksum = sum
	} else {
		h.Log(api.LogWarn, "GitHub records no digest for "+file+"; the download cannot be verified")
	}
	return out, nil
}

// LocateExecutables names ruby and the commands a Ruby ships, in bin/.
func LocateExecutables(ctx context.Context, h pluginhost.Host, in api.LocateExecutablesInput) (api.LocateExecutablesOutput, error) {
	env := h.Env()
	exes := map[string]api.ExecutableConfig{"ruby": {ExePath: "bin/" + sdk.ExeName(env, "ruby"), Primary: true}}
	for _, n := range []string{"irb", "gem", "bundle", "bundler", "rake", "erb", "rdoc", "ri"} {
		exes[n] = api.ExecutableConfig{ExePath: "bin/" + n}
	}
	return api.LocateExecutablesOutput{Exes: exes, ExesDirs: []string{"bin"}, GlobalsLookupDirs: []string{"$GEM_HOME/bin"}}, nil
}

// DetectVersionFiles names .ruby-version.
func DetectVersionFiles(ctx context.Context, h pluginhost.Host, in api.DetectVersionInput) (api.DetectVersionOutput, error) {
	return api.DetectVersionOutput{Files: []string{".ruby-version"}, Ignore: []string{"vendor"}}, nil
}

// ParseVersionFile reads .ruby-version as rbenv and chruby do: the first
// word of the first non-blank line, "ruby-" prefix allowed ("ruby-3.4.9",
// "3.4"). Another implementation (jruby-, truffleruby-) is an error naming
// the file and line.
func ParseVersionFile(ctx context.Context, h pluginhost.Host, in api.ParseVersionFileInput) (api.ParseVersionFileOutput, error) {
	for i, line := range strings.Split(strings.TrimPrefix(in.Content, "\ufeff"), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		v := strings.TrimPrefix(f[0], "ruby-")
		if strings.Contains(v, "ruby-") || strings.HasPrefix(v, "jruby") || strings.HasPrefix(v, "truffleruby") || strings.HasPrefix(v, "mruby") {
			return api.ParseVersionFileOutput{}, pluginhost.Errorf("%s:%d: %q is not CRuby; the built-in plugin installs CRuby only", in.File, i+1, f[0])
		}
		if _, err := sdk.ParseSpec(v); err != nil {
			return api.ParseVersionFileOutput{}, pluginhost.Errorf("%s:%d: %q is not a Ruby version: %v", in.File, i+1, f[0], err)
		}
		return api.ParseVersionFileOutput{Version: v}, nil
	}
	return api.ParseVersionFileOutput{}, nil
}
