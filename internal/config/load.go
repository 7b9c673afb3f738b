package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Config is the merged view of every .prototools file that applies to a
// working directory. Nearer files win key by key.
type Config struct {
	files     []*File         // nearest first; the global file, if any, last
	offline   *bool           // from TOTE_OFFLINE
	limits    limitOverrides  // from TOTE_HTTP_* and TOTE_UNPACK_*
	mirror    mirrorOverrides // from TOTE_MIRRORS, TOTE_MIRROR_* and TOTE_DOWNLOAD_CACHE_SIZE
	untrusted []Untrusted
}

// Load reads the .prototools files that apply to cwd: the one in cwd and in
// each parent up to and including userHome (or up to the filesystem root
// when cwd is not under userHome), then toteHome/.prototools. Missing files
// are skipped; a file that cannot be read or parsed is an error (a
// *ParseError for bad content). userHome and toteHome may be empty.
//
// TOTE_OFFLINE overrides settings.offline: 1/true/yes/on force offline mode,
// 0/false/no/off force online mode. TOTE_HTTP_* and TOTE_UNPACK_* override
// the limits of [settings.http] and [settings.unpack].
//
// Trust: the global file and userHome/.prototools are the user's own and
// apply whole. Any other (project) file applies its trust-only settings
// (see [File.TrustSettings]) only when its directory was trusted with
// `tote trust` for exactly those settings (package trust), or lies under a
// directory listed in TOTE_TRUSTED_PATHS. Otherwise they are dropped and
// the file is listed by [Config.Untrusted]; its pins still apply.
func Load(cwd, userHome, toteHome string) (*Config, error) {
	c := &Config{}
	if v, ok := os.LookupEnv("TOTE_OFFLINE"); ok && v != "" {
		b, err := parseEnvBool(v)
		if err != nil {
			return nil, fmt.Errorf("TOTE_OFFLINE=%q: %w", v, err)
		}
		c.offline = &b
	} else if b := protoOffline(); b != nil {
		c.offline = b
	}
	var err error
	if c.limits, err = readLimitEnv(); err != nil {
		return nil, err
	}
	if c.mirror, err = readMirrorEnv(cwd); err != nil {
		return nil, err
	}
	paths, err := candidatePaths(cwd, userHome)
	if err != nil {
		return nil, err
	}
	if toteHome != "" {
		paths = append(paths, GlobalFile(toteHome))
	}
	seen := map[string]bool{}
	tc := newTrustCheck(userHome, toteHome)
	for _, p := range paths {
		if seen[p] {
			continue
		}
		seen[p] = true
		f, err := ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if u, dropped := tc.apply(f); dropped {
			c.untrusted = append(c.untrusted, u)
		}
		c.files = append(c.files, f)
	}
	return c, nil
}

// ReadFile reads and parses one file. A missing file yields an error
// matching fs.ErrNotExist.
func ReadFile(path string) (*File, error) {
	data, err := readConfig(path)
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			return nil, err
		}
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data)
}

func parseEnvBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off":
		return false, nil
	}
	return false, errors.New("want 1, 0, true or false")
}

// candidatePaths lists cwd/.prototools and each parent's, nearest first,
// stopping at userHome when cwd is under it.
func candidatePaths(cwd, userHome string) ([]string, error) {
	dir, err := filepath.Abs(cwd)
	if err != nil {
		return nil, fmt.Errorf("config: working directory %q: %w", cwd, err)
	}
	home := ""
	if userHome != "" {
		if h, err := filepath.Abs(userHome); err == nil && under(dir, h) {
			home = h
		}
	}
	var out []string
	for {
		out = append(out, filepath.Join(dir, FileName))
		if dir == home {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return out, nil
}

// under reports whether dir is root or inside it (lexically).
func under(dir, root string) bool {
	rel, err := filepath.Rel(root, dir)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// NearestFile returns the nearest existing .prototools from cwd upward (as
// [Load] walks), or cwd/.prototools when there is none.
func NearestFile(cwd, userHome string) string {
	paths, err := candidatePaths(cwd, userHome)
	if err != nil {
		return filepath.Join(cwd, FileName)
	}
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return paths[0]
}

// GlobalFile returns the path of the global file, toteHome/.prototools.
func GlobalFile(toteHome string) string {
	return filepath.Join(toteHome, FileName)
}

// Files returns the files that were read, nearest first (global last).
func (c *Config) Files() []*File {
	return append([]*File(nil), c.files...)
}

// Pin returns the nearest pin for tool and the file declaring it.
func (c *Config) Pin(tool string) (Pin, *File, bool) {
	for _, f := range c.files {
		if p, ok := f.Pins[tool]; ok {
			return p, f, true
		}
	}
	return Pin{}, nil, false
}

// PinnedTools returns the ids of every pinned tool, sorted.
func (c *Config) PinnedTools() []string {
	set := map[string]bool{}
	for _, f := range c.files {
		for id := range f.Pins {
			set[id] = true
		}
	}
	return sortedKeys(set)
}

// Tool returns the merged [tools.<id>] table: aliases and env merge per
// name, config merges deeply (tables key by key, other values replaced);
// nearer files win. The result shares nothing with the files.
func (c *Config) Tool(id string) ToolTable {
	var t ToolTable
	for i := len(c.files) - 1; i >= 0; i-- {
		ft, ok := c.files[i].Tools[id]
		if !ok {
			continue
		}
		t.Aliases = mergeStrings(t.Aliases, ft.Aliases)
		t.Env = mergeStrings(t.Env, ft.Env)
		t.Config = mergeDeep(t.Config, ft.Config)
	}
	return t
}

// ToolSource returns the file and line of the nearest [tools.<id>] table,
// or ok false when no file has one.
func (c *Config) ToolSource(id string) (path string, line int, ok bool) {
	for _, f := range c.files {
		if t, found := f.Tools[id]; found {
			return f.Path, t.Line, true
		}
	}
	return "", 0, false
}

// Env returns the merged top-level [env] table.
func (c *Config) Env() map[string]string {
	var env map[string]string
	for i := len(c.files) - 1; i >= 0; i-- {
		env = mergeStrings(env, c.files[i].Env)
	}
	return env
}

// ShellAliases returns proto's [shell] aliases merged over the files, the
// nearest file's alias winning (untrusted project files have none: they
// decide what runs).
func (c *Config) ShellAliases() map[string]string {
	var out map[string]string
	for i := len(c.files) - 1; i >= 0; i-- {
		out = mergeStrings(out, c.files[i].ShellAliases)
	}
	return out
}

// PluginLocator returns the nearest locator declared for tool id, with
// file:// paths resolved against the declaring file's directory. Call
// [Locator.Supported] before using it.
func (c *Config) PluginLocator(id string) (Locator, bool) {
	for _, f := range c.files {
		if raw, ok := f.Plugins[id]; ok {
			l, _ := parseLocator(raw, id, f.Path, fmt.Sprintf("%s:%d", f.Path, f.pluginLines[id]))
			return l, true
		}
	}
	return Locator{}, false
}

// PluginIDs returns every tool id with a declared plugin locator, sorted.
func (c *Config) PluginIDs() []string {
	set := map[string]bool{}
	for _, f := range c.files {
		for id := range f.Plugins {
			set[id] = true
		}
	}
	return sortedKeys(set)
}

// ExtensionLocator returns the nearest locator from [plugins.extensions].
func (c *Config) ExtensionLocator(id string) (Locator, bool) {
	for _, f := range c.files {
		if raw, ok := f.ExtensionPlugins[id]; ok {
			l, _ := parseLocator(raw, id, f.Path, fmt.Sprintf("%s:%d", f.Path, f.extPluginLines[id]))
			return l, true
		}
	}
	return Locator{}, false
}

// ExtensionFile is where a configuration declares an extension's .wasm
// file: Path, or Err when the declaration cannot be used (a locator kind
// extensions do not support, such as http:// to another machine).
type ExtensionFile struct {
	// Path is the .wasm file ("" with Err, or for a locator that is not a
	// file).
	Path string
	// Err refuses the declaration, naming where it is written.
	Err error
}

// ExtensionFiles returns the extensions declared under [plugins.extensions]
// (the nearest declaration of each id), by id. A nil Config declares none.
func (c *Config) ExtensionFiles() map[string]ExtensionFile {
	out := map[string]ExtensionFile{}
	if c == nil {
		return out
	}
	for _, f := range c.files {
		for id := range f.ExtensionPlugins {
			if _, done := out[id]; done {
				continue
			}
			l, _ := c.ExtensionLocator(id)
			switch err := l.Supported(); {
			case err != nil:
				out[id] = ExtensionFile{Err: err}
			case l.Kind == LocatorFile:
				out[id] = ExtensionFile{Path: l.Value}
			default:
				out[id] = ExtensionFile{}
			}
		}
	}
	return out
}

// Extensions returns every [extensions.<id>] table merged field by field
// (nearer files win; config merges deeply). A nil Config has none.
func (c *Config) Extensions() map[string]ExtensionTable {
	out := map[string]ExtensionTable{}
	if c == nil {
		return out
	}
	for i := len(c.files) - 1; i >= 0; i-- {
		for id, fe := range c.files[i].Extensions {
			e := out[id]
			if fe.Enabled != nil {
				b := *fe.Enabled
				e.Enabled = &b
			}
			if fe.Permissions != nil {
				e.Permissions = append([]string{}, fe.Permissions...)
			}
			if fe.Deny != nil {
				e.Deny = append([]string{}, fe.Deny...)
			}
			e.Config = mergeDeep(e.Config, fe.Config)
			if fe.Limits.Memory != 0 {
				e.Limits.Memory = fe.Limits.Memory
			}
			if fe.Limits.CallTimeout != 0 {
				e.Limits.CallTimeout = fe.Limits.CallTimeout
			}
			if fe.Limits.RunTimeout != 0 {
				e.Limits.RunTimeout = fe.Limits.RunTimeout
			}
			if fe.Limits.MaxRestarts != nil {
				n := *fe.Limits.MaxRestarts
				e.Limits.MaxRestarts = &n
			}
			out[id] = e
		}
	}
	return out
}

// Settings returns the merged [settings]. Scalars come from the nearest
// file that sets them. URL rewrites from every file apply, the nearest
// file's first (each file's in its own order); a pattern repeated in a
// farther file is dropped. The http table merges deeply; its limits and
// those of [settings.unpack] come key by key from the nearest file that
// sets them. TOTE_OFFLINE overrides offline, TOTE_HTTP_* and TOTE_UNPACK_*
// the limits.
func (c *Config) Settings() Settings {
	var s Settings
	s.HTTPLimits = c.limits.http
	s.Unpack = c.limits.unpack
	seen := map[string]bool{}
	for _, f := range c.files {
		fset := f.Settings
		if s.AutoInstall == nil && fset.AutoInstall != nil {
			b := *fset.AutoInstall
			s.AutoInstall = &b
		}
		if s.Offline == nil && fset.Offline != nil {
			b := *fset.Offline
			s.Offline = &b
		}
		if s.DetectStrategy == "" {
			s.DetectStrategy = fset.DetectStrategy
		}
		if s.OfflineCheck == nil && fset.OfflineCheck != nil {
			oc := *fset.OfflineCheck
			s.OfflineCheck = &oc
		}
		if s.PinLatest == "" {
			s.PinLatest = fset.PinLatest
		}
		if s.AutoClean == nil {
			s.AutoClean = fset.AutoClean
		}
		if s.Lockfile == nil {
			s.Lockfile = fset.Lockfile
		}
		if s.CacheDuration == nil {
			s.CacheDuration = fset.CacheDuration
		}
		if s.BuiltinTools == nil {
			s.BuiltinTools = fset.BuiltinTools
		}
		if s.Build.ExcludePackages == nil {
			s.Build.ExcludePackages = fset.Build.ExcludePackages
		}
		if s.Build.InstallSystemPackages == nil {
			s.Build.InstallSystemPackages = fset.Build.InstallSystemPackages
		}
		if s.Proxy.Proxies == nil {
			s.Proxy.Proxies = fset.Proxy.Proxies
		}
		if s.Proxy.SecureProxies == nil {
			s.Proxy.SecureProxies = fset.Proxy.SecureProxies
		}
		if s.Proxy.RootCert == "" {
			s.Proxy.RootCert = fset.Proxy.RootCert
		}
		s.Proxy.AllowInvalidCerts = s.Proxy.AllowInvalidCerts || fset.Proxy.AllowInvalidCerts
		s.Mirrors = mergeMirrors(s.Mirrors, fset.Mirrors)
		if s.MirrorOnly == nil {
			s.MirrorOnly = fset.MirrorOnly
		}
		if s.MirrorPush == nil {
			s.MirrorPush = fset.MirrorPush
		}
		if s.DownloadCacheSize == nil {
			s.DownloadCacheSize = fset.DownloadCacheSize
		}
		mergeHTTPLimits(&s.HTTPLimits, fset.HTTPLimits)
		mergeUnpackLimits(&s.Unpack, fset.Unpack)
		for _, r := range fset.URLRewrites {
			if !seen[r.Pattern.String()] {
				seen[r.Pattern.String()] = true
				s.URLRewrites = append(s.URLRewrites, r)
			}
		}
	}
	for i := len(c.files) - 1; i >= 0; i-- {
		s.HTTP = mergeDeep(s.HTTP, c.files[i].Settings.HTTP)
	}
	if c.offline != nil {
		b := *c.offline
		s.Offline = &b
	}
	s.OfflineCheck = offlineCheckEnv(s.OfflineCheck)
	if c.mirror.hasMirrors {
		s.Mirrors = append([]Mirror(nil), c.mirror.mirrors...)
	}
	if c.mirror.only != nil {
		s.MirrorOnly = c.mirror.only
	}
	if c.mirror.push != nil {
		s.MirrorPush = c.mirror.push
	}
	if c.mirror.cacheSize != nil {
		s.DownloadCacheSize = c.mirror.cacheSize
	}
	return s
}

// offlineCheckEnv applies proto's PROTO_OFFLINE_TIMEOUT (milliseconds),
// PROTO_OFFLINE_HOSTS (comma separated) and PROTO_OFFLINE_OVERRIDE_HOSTS,
// which win over [settings.offline] as in proto; any of them turns the
// probe on.
func offlineCheckEnv(c *OfflineCheck) *OfflineCheck {
	timeout, hosts, override := os.Getenv("PROTO_OFFLINE_TIMEOUT"), os.Getenv("PROTO_OFFLINE_HOSTS"), os.Getenv("PROTO_OFFLINE_OVERRIDE_HOSTS")
	if timeout == "" && hosts == "" && override == "" {
		return c
	}
	if c == nil {
		c = &OfflineCheck{Timeout: 750 * time.Millisecond, Source: "PROTO_OFFLINE_* variables"}
	}
	if n, err := strconv.Atoi(strings.TrimSpace(timeout)); err == nil && n > 0 {
		c.Timeout = time.Duration(n) * time.Millisecond
	}
	if hosts != "" {
		c.CustomHosts = nil
		for _, h := range strings.Split(hosts, ",") {
			if h = strings.TrimSpace(h); h != "" {
				c.CustomHosts = append(c.CustomHosts, h)
			}
		}
	}
	if b, err := parseEnvBool(override); err == nil {
		c.OverrideDefaultHosts = b
	}
	return c
}

func mergeStrings(dst, src map[string]string) map[string]string {
	if src == nil {
		return dst
	}
	if dst == nil {
		dst = make(map[string]string, len(src))
	}
	for k, v := range src {
		dst[k] = v
	}
	return dst
}

// mergeDeep copies src over dst: tables merge key by key, anything else is
// replaced. dst is modified (and allocated when nil); src is never aliased.
func mergeDeep(dst, src map[string]any) map[string]any {
	if src == nil {
		return dst
	}
	if dst == nil {
		dst = make(map[string]any, len(src))
	}
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			dm, _ := dst[k].(map[string]any)
			dst[k] = mergeDeep(dm, sm)
			continue
		}
		dst[k] = deepCopy(v)
	}
	return dst
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return mergeDeep(nil, x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
