package config

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Warning is a problem in a .prototools file that does not stop tote: a key
// proto accepts that tote ignores, an unknown key in a known table, a pin
// tote cannot serve yet.
type Warning struct {
	// Path and Line locate it (Line is 1-based).
	Path string
	Line int
	// Msg says what is ignored and why.
	Msg string
}

// String returns "path:line: msg".
func (w Warning) String() string {
	if w.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", w.Path, w.Line, w.Msg)
	}
	return fmt.Sprintf("%s: %s", w.Path, w.Msg)
}

func (p *parser) warnf(f *File, at []string, format string, args ...any) {
	f.Warnings = append(f.Warnings, Warning{Path: p.path, Line: p.line(at), Msg: fmt.Sprintf(format, args...)})
}

// PinLocation is where settings.pin-latest writes: "global", "local" or
// "user" (proto's aliases store, cwd and home are accepted).
type PinLocation string

// Pin locations.
const (
	PinGlobal PinLocation = "global"
	PinLocal  PinLocation = "local"
	PinUser   PinLocation = "user"
)

// OfflineCheck is proto's [settings.offline] table: how to find out whether
// the network is reachable when nothing says so explicitly.
type OfflineCheck struct {
	// Timeout bounds each connection attempt (timeout, milliseconds;
	// proto's default 750).
	Timeout time.Duration
	// CustomHosts are host:port addresses tried too (custom-hosts).
	CustomHosts []string
	// OverrideDefaultHosts tries only CustomHosts (override-default-hosts).
	OverrideDefaultHosts bool
	// Source is "path:line" of the table.
	Source string
}

// EnvFile is a dotenv file named by [env] file = "..." or
// [tools.<id>.env] file = "...".
type EnvFile struct {
	// Path is absolute (resolved against the declaring file's directory).
	Path string
	// Source is "path:line" of the declaration.
	Source string
}

// protoSettings reads the keys of [settings] that come from proto. It
// returns false for a key it does not know.
func (p *parser) protoSetting(f *File, at []string, k string, val any) (bool, error) {
	s := &f.Settings
	switch k {
	case "pin-latest":
		str, ok := val.(string)
		loc := PinLocation("")
		switch strings.ToLower(str) {
		case "global", "store":
			loc = PinGlobal
		case "local", "cwd":
			loc = PinLocal
		case "user", "home":
			loc = PinUser
		}
		if !ok || loc == "" {
			return true, p.errorf(at, "settings.pin-latest must be \"global\", \"local\" or \"user\", not %s", describe(val))
		}
		s.PinLatest = loc
	case "auto-clean":
		b, err := p.boolean(at, val)
		if err != nil {
			return true, err
		}
		s.AutoClean = b
		if *b {
			p.warnf(f, at, "settings.auto-clean: tote does not remove unused tool versions by itself yet; run `tote clean` to do it")
		}
	case "lockfile", "unstable-lockfile":
		b, err := p.boolean(at, val)
		if err != nil {
			return true, err
		}
		s.Lockfile = b
	case "telemetry":
		// tote sends no telemetry: false is what it does already.
		if _, err := p.boolean(at, val); err != nil {
			return true, err
		}
	case "cache-duration":
		n, ok := val.(int64)
		if !ok || n < 0 {
			return true, p.errorf(at, "settings.cache-duration must be a number of seconds, not %s", describe(val))
		}
		d := time.Duration(n) * time.Second
		s.CacheDuration = &d
	case "builtin-tools", "builtin-plugins", "builtin-backends":
		switch x := val.(type) {
		case bool:
			if k != "builtin-backends" {
				s.BuiltinTools = &BuiltinSet{All: x}
			}
		case []any:
			list, err := p.stringList(at, x)
			if err != nil {
				return true, err
			}
			if k != "builtin-backends" {
				s.BuiltinTools = &BuiltinSet{Allowed: list}
			}
		default:
			return true, p.errorf(at, "settings.%s must be true, false or a list of ids, not %s", k, typeName(val))
		}
	case "registries", "unstable-registries":
		if _, ok := val.([]any); !ok {
			return true, p.errorf(at, "settings.%s must be an array of tables, not %s", k, typeName(val))
		}
		p.warnf(f, at, "settings.%s (OCI plugin registries for plugins named by id) is not supported yet and is ignored; name a registry:// locator under [plugins] instead", k)
	case "build":
		m, err := p.table(at, val)
		if err != nil {
			return true, err
		}
		for _, bk := range p.keysInOrder(at, m) {
			bat := sub(at, bk)
			switch bk {
			case "exclude-packages":
				if s.Build.ExcludePackages, err = p.stringList(bat, m[bk]); err != nil {
					return true, err
				}
			case "install-system-packages":
				b, err := p.boolean(bat, m[bk])
				if err != nil {
					return true, err
				}
				s.Build.InstallSystemPackages = b
			case "system-package-manager", "write-log-file":
			default:
				p.warnf(f, bat, "unknown key settings.build.%s is ignored", bk)
			}
		}
	default:
		return false, nil
	}
	return true, nil
}

// BuiltinSet is settings.builtin-tools: every built-in (true), none
// (false), or the listed ids.
type BuiltinSet struct {
	All     bool
	Allowed []string
}

// Allows reports whether the built-in id may be used.
func (b *BuiltinSet) Allows(id string) bool {
	if b == nil {
		return true
	}
	if b.Allowed == nil {
		return b.All
	}
	for _, a := range b.Allowed {
		if a == id {
			return true
		}
	}
	return false
}

// BuildSettings is proto's [settings.build].
type BuildSettings struct {
	// ExcludePackages are system packages never installed.
	ExcludePackages []string
	// InstallSystemPackages is nil when unset (proto's default: true).
	InstallSystemPackages *bool
}

// offline reads settings.offline: tote's boolean, or proto's table.
func (p *parser) offline(f *File, at []string, val any) error {
	s := &f.Settings
	if b, ok := val.(bool); ok {
		s.Offline = &b
		return nil
	}
	m, ok := val.(map[string]any)
	if !ok {
		return p.errorf(at, "settings.offline must be true, false or a table (timeout, custom-hosts, override-default-hosts), not %s", typeName(val))
	}
	c := &OfflineCheck{Timeout: 750 * time.Millisecond, Source: p.source(at)}
	for _, k := range p.keysInOrder(at, m) {
		kat := sub(at, k)
		switch k {
		case "timeout":
			n, ok := m[k].(int64)
			if !ok || n <= 0 || n > 600000 {
				return p.errorf(kat, "settings.offline.timeout must be a positive number of milliseconds, not %s", describe(m[k]))
			}
			c.Timeout = time.Duration(n) * time.Millisecond
		case "custom-hosts":
			hosts, err := p.stringList(kat, m[k])
			if err != nil {
				return err
			}
			c.CustomHosts = hosts
		case "override-default-hosts":
			b, err := p.boolean(kat, m[k])
			if err != nil {
				return err
			}
			c.OverrideDefaultHosts = *b
		default:
			p.warnf(f, kat, "unknown key settings.offline.%s is ignored (want timeout, custom-hosts or override-default-hosts)", k)
		}
	}
	s.OfflineCheck = c
	return nil
}

// envTable reads [env] or [tools.<id>.env]: strings, booleans (true is
// "true", false unsets the variable) and file = ".env" (a dotenv file,
// relative to the declaring file).
func (p *parser) envTable(at []string, v any) (map[string]string, []EnvFile, error) {
	m, err := p.table(at, v)
	if err != nil {
		return nil, nil, err
	}
	out := make(map[string]string, len(m))
	var files []EnvFile
	for _, k := range p.keysInOrder(at, m) {
		kat := sub(at, k)
		switch x := m[k].(type) {
		case string:
			if k == "file" {
				path := filepath.FromSlash(x)
				if !filepath.IsAbs(path) {
					dir, err := filepath.Abs(filepath.Dir(p.path))
					if err != nil {
						dir = filepath.Dir(p.path)
					}
					path = filepath.Join(dir, path)
				}
				files = append(files, EnvFile{Path: path, Source: p.source(kat)})
				continue
			}
			out[k] = x
		case bool:
			if x {
				out[k] = "true"
			} else {
				out[k] = ""
			}
		default:
			return nil, nil, p.errorf(kat, "%s.%s must be a string or a boolean, not %s", strings.Join(at, "."), k, typeName(m[k]))
		}
	}
	return out, files, nil
}

// backends reads proto's [backends.<id>] tables (env, plugin, config). tote
// has no backends yet: they are kept and reported once.
func (p *parser) backends(f *File, at []string, v any) error {
	m, err := p.table(at, v)
	if err != nil {
		return err
	}
	for _, id := range p.keysInOrder(at, m) {
		bat := sub(at, id)
		bm, err := p.table(bat, m[id])
		if err != nil {
			return err
		}
		if loc, ok := bm["plugin"]; ok {
			s, ok := loc.(string)
			if !ok {
				return p.errorf(sub(bat, "plugin"), "plugin locator for backend %s must be a string, not %s", id, typeName(loc))
			}
			if _, err := parseLocator(s, id, p.path, p.source(sub(bat, "plugin"))); err != nil {
				return p.errorf(sub(bat, "plugin"), "%v", err)
			}
		}
		if env, ok := bm["env"]; ok {
			if _, _, err := p.envTable(sub(bat, "env"), env); err != nil {
				return err
			}
		}
		f.Backends = append(f.Backends, id)
		p.warnf(f, bat, "[backends.%s]: backends (asdf, npm, cargo, …) are not supported yet; the table is ignored", id)
	}
	return nil
}

// shellAliasName is a name every shell takes for an alias unquoted.
var shellAliasName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`) })

// ValidShellAliasName reports whether every shell takes name for an alias
// unquoted: letters, digits, '_', '.' and '-', not starting with '.' or '-'.
func ValidShellAliasName(name string) bool { return shellAliasName().MatchString(name) }

// shell reads proto's [shell] table (aliases = { name = "command" }).
func (p *parser) shell(f *File, at []string, v any) error {
	m, err := p.table(at, v)
	if err != nil {
		return err
	}
	for _, k := range p.keysInOrder(at, m) {
		kat := sub(at, k)
		if k != "aliases" {
			p.warnf(f, kat, "unknown key shell.%s is ignored (want aliases)", k)
			continue
		}
		aliases, err := p.stringTable(kat, m[k])
		if err != nil {
			return err
		}
		for name := range aliases {
			if !ValidShellAliasName(name) {
				p.warnf(f, sub(kat, name), "[shell] alias %q is skipped: a shell alias name is letters, digits, '_', '.' and '-'", name)
				delete(aliases, name)
			}
		}
		f.ShellAliases = aliases
	}
	return nil
}

// isBackendID reports whether a top-level key or tool id names a backend
// tool, such as "npm:prettier" or "asdf:zig".
func isBackendID(id string) bool { return strings.Contains(id, ":") }

// ProxySettings are proto's proxy and TLS keys of [settings.http].
type ProxySettings struct {
	// Proxies are proxy URLs: an http: one serves plain requests, an
	// https: one (or http: on port 443) secure ones (proxies).
	Proxies []string
	// SecureProxies serve https: requests (secure-proxies).
	SecureProxies []string
	// RootCert is a PEM or DER certificate to trust too, absolute
	// (root-cert, relative to the declaring file).
	RootCert string
	// AllowInvalidCerts skips certificate verification (allow-invalid-certs).
	AllowInvalidCerts bool
}

// IsZero reports whether nothing is set.
func (p ProxySettings) IsZero() bool {
	return len(p.Proxies) == 0 && len(p.SecureProxies) == 0 && p.RootCert == "" && !p.AllowInvalidCerts
}

// proxySettings reads proto's keys of [settings.http]; tote's own keys are
// read by httpLimits, retry-count is proto's name of retries; anything else
// is reported.
func (p *parser) proxySettings(f *File, at []string, m map[string]any) (ProxySettings, error) {
	var ps ProxySettings
	for _, k := range p.keysInOrder(at, m) {
		kat := sub(at, k)
		val := m[k]
		var err error
		switch k {
		case "proxies":
			ps.Proxies, err = p.stringList(kat, val)
		case "secure-proxies":
			ps.SecureProxies, err = p.stringList(kat, val)
		case "root-cert":
			str, ok := val.(string)
			if !ok || str == "" {
				return ps, p.errorf(kat, "settings.http.root-cert must be the path of a .pem or .der file, not %s", describe(val))
			}
			path := filepath.FromSlash(str)
			if !filepath.IsAbs(path) {
				dir, derr := filepath.Abs(filepath.Dir(p.path))
				if derr != nil {
					dir = filepath.Dir(p.path)
				}
				path = filepath.Join(dir, path)
			}
			ps.RootCert = path
		case "allow-invalid-certs":
			var b *bool
			if b, err = p.boolean(kat, val); err == nil {
				ps.AllowInvalidCerts = *b
				if *b {
					p.warnf(f, kat, "settings.http.allow-invalid-certs = true: TLS certificates are not verified")
				}
			}
		case "cache-dir":
			p.warnf(f, kat, "settings.http.cache-dir is ignored: tote keeps its own download cache")
		case "connect-timeout", "response-timeout", "min-throughput", "retries", "retry-count":
		default:
			p.warnf(f, kat, "unknown key settings.http.%s is ignored", k)
		}
		if err != nil {
			return ps, err
		}
	}
	for _, u := range append(append([]string{}, ps.Proxies...), ps.SecureProxies...) {
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			p.warnf(f, at, "proxy %q is ignored: only http:// and https:// proxies are allowed", u)
		}
	}
	return ps, nil
}
