package schema

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// RustArch is the value of Rust's std::env::consts::ARCH for an
// architecture: the default of the {arch} token.
func RustArch(a api.HostArch) string {
	switch a {
	case api.ArchX64:
		return "x86_64"
	case api.ArchArm64:
		return "aarch64"
	case api.ArchLongArm64:
		return "loongarch64"
	}
	return string(a)
}

// ArchKey maps an architecture as a schema writes it (Rust's ARCH, such as
// x86_64 or aarch64, or tote's name, such as x64) onto tote's name. ok is
// false for names it does not know.
func ArchKey(s string) (api.HostArch, bool) {
	switch s {
	case "x86_64", "amd64":
		return api.ArchX64, true
	case "aarch64":
		return api.ArchArm64, true
	case "loongarch64":
		return api.ArchLongArm64, true
	case "i686", "i386":
		return api.ArchX86, true
	}
	switch a := api.HostArch(s); a {
	case api.ArchX86, api.ArchX64, api.ArchArm, api.ArchArm64, api.ArchLongArm64, api.ArchM68k,
		api.ArchMips, api.ArchMips64, api.ArchPowerPC, api.ArchPowerPC64, api.ArchRiscv64,
		api.ArchS390x, api.ArchSparc64:
		return a, true
	}
	return "", false
}

// tokens replaces proto's tokens in value for version on env.
func (s *Schema) tokens(value, version string, p Platform, env api.HostEnvironment) string {
	arch, ok := p.Arch[string(env.Arch)]
	if !ok {
		arch = RustArch(env.Arch)
	}
	r := []string{"{version}", version, "{arch}", arch, "{os}", string(env.OS)}
	if strings.Contains(value, "{libc}") {
		libc, ok := p.Libc[string(env.Libc)]
		if !ok {
			libc = string(env.Libc)
		}
		r = append(r, "{libc}", libc)
	}
	v, ok := parseVersion(version)
	parts := map[string]string{}
	if ok {
		parts = map[string]string{
			"{versionMajor}":      fmt.Sprint(v.major),
			"{versionMinor}":      fmt.Sprint(v.minor),
			"{versionPatch}":      fmt.Sprint(v.patch),
			"{versionMajorMinor}": fmt.Sprintf("%d.%d", v.major, v.minor),
			"{versionYear}":       fmt.Sprintf("%04d", v.major),
			"{versionMonth}":      fmt.Sprintf("%02d", v.minor),
			"{versionDay}":        fmt.Sprintf("%02d", v.patch),
			"{versionYearMonth}":  fmt.Sprintf("%04d-%02d", v.major, v.minor),
			"{versionPrerelease}": v.pre,
			"{versionBuild}":      v.build,
		}
	}
	for _, k := range []string{"{versionMajorMinor}", "{versionMajor}", "{versionMinor}", "{versionPatch}",
		"{versionYearMonth}", "{versionYear}", "{versionMonth}", "{versionDay}", "{versionPrerelease}", "{versionBuild}"} {
		r = append(r, k, parts[k])
	}
	return strings.NewReplacer(r...).Replace(value)
}

// DownloadPrebuilt answers download_prebuilt: the platform's download file
// under install.download-url, its checksum file under install.checksum-url,
// the archive prefix and the minisign key.
func DownloadPrebuilt(ctx context.Context, h pluginhost.Host, in api.DownloadPrebuiltInput) (api.DownloadPrebuiltOutput, error) {
	s, err := load(h)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	env := h.Env()
	p, err := s.platform(env)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	if len(p.Archs) > 0 && !slices.Contains(p.Archs, string(env.Arch)) {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("unable to install %s, unsupported architecture %s for %s (supported: %s)", s.Name, env.Arch, env.OS, strings.Join(p.Archs, ", "))
	}
	ver := in.Context.Version
	canary := ver == "canary"
	file := s.tokens(p.DownloadFile, ver, p, env)
	dlURL := s.Install.DownloadURL
	if canary && s.Install.DownloadURLCanary != "" {
		dlURL = s.Install.DownloadURLCanary
	}
	if strings.TrimSpace(dlURL) == "" {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("unable to install %s %s: the schema has no install.download-url", s.Name, ver)
	}
	dlURL = strings.ReplaceAll(s.tokens(dlURL, ver, p, env), "{download_file}", file)
	sumFile := p.ChecksumFile
	if sumFile == "" {
		sumFile = DefaultChecksumFile
	}
	sumFile = s.tokens(sumFile, ver, p, env)
	sumURL := s.Install.ChecksumURL
	if canary && s.Install.ChecksumURLCanary != "" {
		sumURL = s.Install.ChecksumURLCanary
	}
	if sumURL != "" {
		sumURL = strings.ReplaceAll(s.tokens(sumURL, ver, p, env), "{checksum_file}", sumFile)
	}
	out := api.DownloadPrebuiltOutput{
		DownloadURL:       dlURL,
		DownloadName:      file,
		ChecksumURL:       sumURL,
		ChecksumName:      sumFile,
		ChecksumPublicKey: s.Install.ChecksumPublicKey,
	}
	if p.ArchivePrefix != "" {
		out.ArchivePrefix = s.tokens(p.ArchivePrefix, ver, p, env)
	}
	return out, nil
}

// LocateExecutables answers locate_executables from [install.exes] (or the
// deprecated [install.primary] / [install.secondary]) and the platform's
// exe-path and exes-dirs. The primary executable's path is the platform's
// exe-path, else its own, else the tool id; on Windows ".exe" is added to
// paths without an extension.
func LocateExecutables(ctx context.Context, h pluginhost.Host, in api.LocateExecutablesInput) (api.LocateExecutablesOutput, error) {
	s, err := load(h)
	if err != nil {
		return api.LocateExecutablesOutput{}, err
	}
	env := h.Env()
	p, err := s.platform(env)
	if err != nil {
		return api.LocateExecutablesOutput{}, err
	}
	id := h.ToolID()
	withExe := func(x string) string {
		if x != "" && env.OS == api.OSWindows && path.Ext(x) == "" {
			return x + ".exe"
		}
		return x
	}
	primary := func(e Executable) api.ExecutableConfig {
		c := executable(e)
		c.Primary = true
		exe := p.ExePath
		if exe == "" {
			exe = e.ExePath
		}
		if exe == "" {
			exe = id
		}
		c.ExePath = s.tokens(withExe(exe), in.Context.Version, p, env)
		if s.Install.NoBin != nil {
			c.NoBin = *s.Install.NoBin
		}
		if s.Install.NoShim != nil {
			c.NoShim = *s.Install.NoShim
		}
		return c
	}
	secondary := func(e Executable) api.ExecutableConfig {
		c := executable(e)
		c.ExePath = withExe(c.ExePath)
		c.ExeLinkPath = withExe(c.ExeLinkPath)
		return c
	}
	out := api.LocateExecutablesOutput{Exes: map[string]api.ExecutableConfig{}}
	hasPrimary := false
	for name, e := range s.Install.Exes {
		if e.Primary {
			hasPrimary = true
			out.Exes[name] = primary(e)
		} else {
			out.Exes[name] = secondary(e)
		}
	}
	if !hasPrimary {
		var e Executable
		if s.Install.Primary != nil {
			e = *s.Install.Primary
		}
		out.Exes[id] = primary(e)
	}
	for name, e := range s.Install.Secondary {
		if _, ok := out.Exes[name]; !ok {
			out.Exes[name] = secondary(e)
		}
	}
	out.ExesDirs = p.ExesDirs
	out.GlobalsLookupDirs = s.Packages.GlobalsLookupDirs
	out.GlobalsPrefix = s.Packages.GlobalsPrefix
	return out, nil
}

func executable(e Executable) api.ExecutableConfig {
	c := api.ExecutableConfig{
		ExePath: e.ExePath, ExeLinkPath: e.ExeLinkPath, NoBin: e.NoBin, NoShim: e.NoShim,
		ParentExeName: e.ParentExeName, ParentExeArgs: e.ParentExeArgs, Primary: e.Primary,
		ShimEnvVars: e.ShimEnvVars,
	}
	if e.ShimBeforeArgs != nil {
		c.ShimBeforeArgs = api.StringOrSlice(e.ShimBeforeArgs)
	}
	if e.ShimAfterArgs != nil {
		c.ShimAfterArgs = api.StringOrSlice(e.ShimAfterArgs)
	}
	return c
}
