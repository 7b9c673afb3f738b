package config

import (
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Parse parses the contents of one .prototools file. path is used in error
// messages and to resolve relative file:// plugin locators. Any problem is
// returned as a *ParseError.
func Parse(path string, data []byte) (*File, error) {
	if err := prescan(path, data); err != nil {
		return nil, err
	}
	raw, ix, err := decode(path, data)
	if err != nil {
		return nil, err
	}
	p := &parser{path: path, ix: ix}
	f := &File{
		Path:             path,
		Pins:             map[string]Pin{},
		Plugins:          map[string]string{},
		ExtensionPlugins: map[string]string{},
		Tools:            map[string]ToolTable{},
		Extensions:       map[string]ExtensionTable{},
		pluginLines:      map[string]int{},
		extPluginLines:   map[string]int{},
	}
	for _, k := range p.keysInOrder(nil, raw) {
		v := raw[k]
		at := []string{k}
		var err error
		switch k {
		case "plugins":
			err = p.plugins(f, at, v)
		case "tools":
			err = p.tools(f, at, v)
		case "extensions":
			err = p.extensions(f, at, v)
		case "settings":
			err = p.settings(f, at, v)
		case "env":
			f.Env, f.EnvFiles, err = p.envTable(at, v)
		case "backends":
			err = p.backends(f, at, v)
		case "shell":
			err = p.shell(f, at, v)
		default:
			s, ok := v.(string)
			switch x := v.(type) {
			case map[string]any:
				return nil, p.errorf(at, "unknown table [%s] (want a version pin such as %s = \"1.2.3\", or one of the tables plugins, tools, backends, env, shell, settings, extensions)", k, quoteKey(k))
			case []any:
				return nil, p.errorf(at, "unknown key %s: an array is not a version pin", k)
			case string:
				if isBackendID(k) && strings.TrimSpace(x) != "" {
					p.warnf(f, at, "%s = %q: backends are not supported yet; this pin is ignored", k, x)
					continue
				}
			}
			if !ok {
				return nil, p.errorf(at, "%s: a version pin must be a string such as %s = \"1.2.3\", not %s",
					k, quoteKey(k), typeName(v))
			}
			if strings.TrimSpace(s) == "" {
				return nil, p.errorf(at, "%s: empty version pin", k)
			}
			f.Pins[k] = Pin{Spec: s, Line: p.line(at)}
		}
		if err != nil {
			return nil, err
		}
	}
	return f, nil
}

// reservedKeys are the top-level tables; they cannot be tool ids.
var reservedKeys = map[string]bool{"plugins": true, "tools": true, "extensions": true, "settings": true, "env": true, "backends": true, "shell": true}

type parser struct {
	path string
	ix   *docIndex
}

func (p *parser) errorf(at []string, format string, args ...any) *ParseError {
	e := &ParseError{Path: p.path, Msg: fmt.Sprintf(format, args...)}
	if pos, ok := p.ix.lookup(at); ok {
		e.Line, e.Column = pos.line, pos.col
	}
	return e
}

func (p *parser) line(at []string) int {
	pos, _ := p.ix.lookup(at)
	return pos.line
}

func (p *parser) source(at []string) string {
	return fmt.Sprintf("%s:%d", p.path, p.line(at))
}

// keysInOrder returns the keys of m in document order (then by name).
func (p *parser) keysInOrder(at []string, m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	off := func(k string) int {
		if pos, ok := p.ix.keys[joinPath(append(append([]string(nil), at...), k))]; ok {
			return pos.off
		}
		return math.MaxInt
	}
	sort.Slice(keys, func(i, j int) bool {
		oi, oj := off(keys[i]), off(keys[j])
		if oi != oj {
			return oi < oj
		}
		return keys[i] < keys[j]
	})
	return keys
}

func (p *parser) table(at []string, v any) (map[string]any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, p.errorf(at, "%s must be a table, not %s", strings.Join(at, "."), typeName(v))
	}
	return m, nil
}

func (p *parser) stringTable(at []string, v any) (map[string]string, error) {
	m, err := p.table(at, v)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(m))
	for _, k := range p.keysInOrder(at, m) {
		s, ok := m[k].(string)
		if !ok {
			return nil, p.errorf(sub(at, k), "%s.%s must be a string, not %s", strings.Join(at, "."), k, typeName(m[k]))
		}
		out[k] = s
	}
	return out, nil
}

func (p *parser) stringList(at []string, v any) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, p.errorf(at, "%s must be an array of strings, not %s", strings.Join(at, "."), typeName(v))
	}
	out := make([]string, 0, len(list))
	for i, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, p.errorf(at, "%s[%d] must be a string, not %s", strings.Join(at, "."), i, typeName(e))
		}
		out = append(out, s)
	}
	return out, nil
}

func (p *parser) boolean(at []string, v any) (*bool, error) {
	b, ok := v.(bool)
	if !ok {
		return nil, p.errorf(at, "%s must be true or false, not %s", strings.Join(at, "."), typeName(v))
	}
	return &b, nil
}

func sub(at []string, k ...string) []string {
	return append(append([]string(nil), at...), k...)
}

func (p *parser) plugins(f *File, at []string, v any) error {
	m, err := p.table(at, v)
	if err != nil {
		return err
	}
	for _, k := range p.keysInOrder(at, m) {
		val := m[k]
		if nested, ok := val.(map[string]any); ok && k == "backends" {
			for _, id := range p.keysInOrder(sub(at, k), nested) {
				p.warnf(f, sub(at, k, id), "[plugins.backends] %s: backends are not supported yet; the locator is ignored", id)
			}
			continue
		}
		if nested, ok := val.(map[string]any); ok && (k == "tools" || k == "extensions") {
			nat := sub(at, k)
			dst, lines := f.Plugins, f.pluginLines
			if k == "extensions" {
				dst, lines = f.ExtensionPlugins, f.extPluginLines
			}
			for _, id := range p.keysInOrder(nat, nested) {
				if err := p.addLocator(dst, lines, sub(nat, id), id, nested[id]); err != nil {
					return err
				}
			}
			continue
		}
		if err := p.addLocator(f.Plugins, f.pluginLines, sub(at, k), k, val); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) addLocator(dst map[string]string, lines map[string]int, kat []string, id string, val any) error {
	s, ok := val.(string)
	if !ok {
		return p.errorf(kat, "plugin locator for %s must be a string, not %s", id, typeName(val))
	}
	if old, dup := lines[id]; dup {
		return p.errorf(kat, "plugin %s is declared twice in this file (lines %d and %d)", id, old, p.line(kat))
	}
	if _, err := parseLocator(s, id, p.path, p.source(kat)); err != nil {
		return p.errorf(kat, "%v", err)
	}
	dst[id] = s
	lines[id] = p.line(kat)
	return nil
}

func (p *parser) tools(f *File, at []string, v any) error {
	m, err := p.table(at, v)
	if err != nil {
		return err
	}
	for _, id := range p.keysInOrder(at, m) {
		tat := sub(at, id)
		tm, err := p.table(tat, m[id])
		if err != nil {
			return err
		}
		if isBackendID(id) {
			p.warnf(f, tat, "[tools.%q]: backends are not supported yet; the table is ignored", id)
			continue
		}
		t := ToolTable{Line: p.line(tat)}
		for _, k := range p.keysInOrder(tat, tm) {
			kat := sub(tat, k)
			switch k {
			case "aliases":
				if t.Aliases, err = p.stringTable(kat, tm[k]); err != nil {
					return err
				}
				for name, spec := range t.Aliases {
					if strings.TrimSpace(name) == "" || strings.TrimSpace(spec) == "" {
						return p.errorf(kat, "%s: alias names and specs must not be empty", strings.Join(kat, "."))
					}
				}
			case "env":
				if t.Env, t.EnvFiles, err = p.envTable(kat, tm[k]); err != nil {
					return err
				}
			case "plugin":
				if err := p.addLocator(f.Plugins, f.pluginLines, kat, id, tm[k]); err != nil {
					return err
				}
			default:
				if t.Config == nil {
					t.Config = map[string]any{}
				}
				t.Config[k] = tm[k]
			}
		}
		f.Tools[id] = t
	}
	return nil
}

func (p *parser) extensions(f *File, at []string, v any) error {
	m, err := p.table(at, v)
	if err != nil {
		return err
	}
	for _, id := range p.keysInOrder(at, m) {
		eat := sub(at, id)
		em, err := p.table(eat, m[id])
		if err != nil {
			return err
		}
		var e ExtensionTable
		for _, k := range p.keysInOrder(eat, em) {
			kat := sub(eat, k)
			val := em[k]
			switch k {
			case "enabled":
				e.Enabled, err = p.boolean(kat, val)
			case "permissions":
				e.Permissions, err = p.stringList(kat, val)
			case "deny":
				e.Deny, err = p.stringList(kat, val)
			case "config":
				e.Config, err = p.table(kat, val)
			case "limits":
				e.Limits, err = p.limits(kat, val)
			default:
				err = p.errorf(kat, "unknown key %s in [extensions.%s] (want enabled, permissions, deny, config or limits)", k, id)
			}
			if err != nil {
				return err
			}
		}
		f.Extensions[id] = e
	}
	return nil
}

func (p *parser) limits(at []string, v any) (Limits, error) {
	var l Limits
	m, err := p.table(at, v)
	if err != nil {
		return l, err
	}
	for _, k := range p.keysInOrder(at, m) {
		kat := sub(at, k)
		val := m[k]
		switch k {
		case "memory":
			if l.Memory, err = parseSize(val); err != nil {
				return l, p.errorf(kat, "%s: %v", strings.Join(kat, "."), err)
			}
			if l.Memory < MinMemoryLimit || l.Memory > MaxMemoryLimit {
				return l, p.errorf(kat, "%s = %s is out of range: a WebAssembly memory is from 64KiB to 4GiB", strings.Join(kat, "."), describe(val))
			}
		case "call-timeout", "run-timeout":
			var d time.Duration
			if d, err = parseTimeout(val); err != nil {
				return l, p.errorf(kat, "%s: %v", strings.Join(kat, "."), err)
			}
			if d > MaxCallTimeout {
				return l, p.errorf(kat, "%s = %s is out of range: at most %s", strings.Join(kat, "."), describe(val), MaxCallTimeout)
			}
			if k == "call-timeout" {
				l.CallTimeout = d
			} else {
				l.RunTimeout = d
			}
		case "max-restarts":
			n, ok := val.(int64)
			if !ok || n < 0 || n > MaxRestartsLimit {
				return l, p.errorf(kat, "%s must be an integer from 0 to %d, not %s", strings.Join(kat, "."), MaxRestartsLimit, describe(val))
			}
			i := int(n)
			l.MaxRestarts = &i
		default:
			return l, p.errorf(kat, "unknown limit %s (want memory, call-timeout, run-timeout or max-restarts)", k)
		}
	}
	return l, nil
}

var sizeRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d+)\s*([A-Za-z]*)$`) })

var sizeUnits = map[string]int64{
	"": 1, "b": 1,
	"k": 1 << 10, "kb": 1000, "kib": 1 << 10,
	"m": 1 << 20, "mb": 1000 * 1000, "mib": 1 << 20,
	"g": 1 << 30, "gb": 1000 * 1000 * 1000, "gib": 1 << 30,
}

// parseSize accepts a byte count or a string such as "128MiB" or "1GB".
func parseSize(v any) (int64, error) {
	switch x := v.(type) {
	case int64:
		if x <= 0 {
			return 0, fmt.Errorf("size must be positive, not %d", x)
		}
		return x, nil
	case string:
		m := sizeRE().FindStringSubmatch(strings.TrimSpace(x))
		if m == nil {
			return 0, fmt.Errorf("invalid size %q (want bytes or a number with B, KiB, MiB, GiB, KB, MB or GB)", x)
		}
		unit, ok := sizeUnits[strings.ToLower(m[2])]
		if !ok {
			return 0, fmt.Errorf("invalid size unit in %q (want B, KiB, MiB, GiB, KB, MB or GB)", x)
		}
		n, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || n <= 0 || n > math.MaxInt64/unit {
			return 0, fmt.Errorf("size %q is out of range", x)
		}
		return n * unit, nil
	}
	return 0, fmt.Errorf("size must be an integer or a string such as \"128MiB\", not %s", typeName(v))
}

// parseTimeout accepts milliseconds or a duration string such as "5s".
func parseTimeout(v any) (time.Duration, error) {
	switch x := v.(type) {
	case int64:
		if x <= 0 || x > math.MaxInt64/int64(time.Millisecond) {
			return 0, fmt.Errorf("timeout must be a positive number of milliseconds, not %d", x)
		}
		return time.Duration(x) * time.Millisecond, nil
	case string:
		d, err := time.ParseDuration(strings.TrimSpace(x))
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q (want e.g. \"5s\" or \"500ms\")", x)
		}
		if d <= 0 {
			return 0, fmt.Errorf("timeout must be positive, not %q", x)
		}
		return d, nil
	}
	return 0, fmt.Errorf("timeout must be milliseconds or a string such as \"5s\", not %s", typeName(v))
}

func (p *parser) settings(f *File, at []string, v any) error {
	m, err := p.table(at, v)
	if err != nil {
		return err
	}
	s := &f.Settings
	for _, k := range p.keysInOrder(at, m) {
		kat := sub(at, k)
		val := m[k]
		switch k {
		case "auto-install":
			s.AutoInstall, err = p.boolean(kat, val)
		case "offline":
			err = p.offline(f, kat, val)
		case "detect-strategy":
			str, ok := val.(string)
			switch {
			case !ok:
				err = p.errorf(kat, "settings.detect-strategy must be a string, not %s", typeName(val))
			case str != DetectFirstAvailable && str != DetectPreferPrototools && str != DetectOnlyPrototools:
				err = p.errorf(kat, "settings.detect-strategy %q is not one of %s, %s, %s",
					str, DetectFirstAvailable, DetectPreferPrototools, DetectOnlyPrototools)
			default:
				s.DetectStrategy = str
			}
		case "http":
			if s.HTTP, err = p.table(kat, val); err == nil {
				s.HTTPLimits, err = p.httpLimits(kat, s.HTTP)
			}
			if err == nil {
				s.Proxy, err = p.proxySettings(f, kat, s.HTTP)
			}
		case "unpack":
			s.Unpack, err = p.unpackLimits(kat, val)
		case "mirrors":
			s.Mirrors, err = p.mirrors(kat, val)
		case "mirror-only":
			s.MirrorOnly, err = p.boolean(kat, val)
		case "mirror-push":
			s.MirrorPush, err = p.boolean(kat, val)
		case "download-cache-size":
			var n int64
			if n, err = parseCacheSize(val); err != nil {
				err = p.errorf(kat, "settings.download-cache-size: %v", err)
			} else {
				s.DownloadCacheSize = &n
			}
		case "url-rewrites":
			var rw map[string]string
			if rw, err = p.stringTable(kat, val); err != nil {
				return err
			}
			for _, pat := range p.keysInOrder(kat, toAny(rw)) {
				re, rerr := regexp.Compile(pat)
				if rerr != nil {
					return p.errorf(sub(kat, pat), "invalid url-rewrites pattern %q: %v", pat, rerr)
				}
				s.URLRewrites = append(s.URLRewrites, Rewrite{Pattern: re, Replacement: rw[pat], Source: p.source(sub(kat, pat))})
			}
		default:
			var known bool
			if known, err = p.protoSetting(f, kat, k, val); err == nil && !known {
				p.warnf(f, kat, "unknown key settings.%s is ignored", k)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func toAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// parseLocator classifies a plugin locator. declaringFile resolves relative
// file:// paths; source ("path:line") is recorded in the result.
func parseLocator(raw, id, declaringFile, source string) (Locator, error) {
	l := Locator{Raw: raw, ID: id, DeclaredIn: source}
	// proto's legacy forms: source:<url or path> and github:owner/repo.
	if rest, ok := strings.CutPrefix(raw, "source:"); ok && !strings.HasPrefix(rest, "//") {
		if strings.HasPrefix(rest, "http") {
			raw = rest
		} else {
			raw = "file://" + rest
		}
	} else if rest, ok := strings.CutPrefix(raw, "github:"); ok && !strings.Contains(raw, "//") {
		raw = "github://" + rest
	}
	scheme, rest, hasScheme := strings.Cut(raw, "://")
	switch {
	case hasScheme && scheme == "file":
		if rest == "" {
			return l, fmt.Errorf("plugin locator %q for %s has no path", raw, id)
		}
		l.Kind = LocatorFile
		if filepath.IsAbs(rest) {
			l.Value = filepath.Clean(rest)
		} else {
			dir, err := filepath.Abs(filepath.Dir(declaringFile))
			if err != nil {
				dir = filepath.Dir(declaringFile)
			}
			l.Value = filepath.Join(dir, filepath.FromSlash(rest))
		}
	case !hasScheme && filepath.IsAbs(raw):
		l.Kind, l.Value = LocatorFile, filepath.Clean(raw)
	case hasScheme && (scheme == "https" || scheme == "http"):
		if rest == "" {
			return l, fmt.Errorf("plugin locator %q for %s has no host", raw, id)
		}
		l.Kind, l.Value = LocatorHTTPS, raw
	case hasScheme && scheme == "github":
		owner, repo, _ := strings.Cut(strings.SplitN(rest, "@", 2)[0], "/")
		if owner == "" || repo == "" {
			return l, fmt.Errorf("plugin locator %q for %s: want github://owner/repo[@tag]", raw, id)
		}
		l.Kind, l.Value = LocatorGitHub, rest
	case hasScheme && scheme == "registry":
		if rest == "" {
			return l, fmt.Errorf("plugin locator %q for %s has no package reference", raw, id)
		}
		l.Kind, l.Value = LocatorRegistry, rest
	case hasScheme && scheme == "data":
		if rest == "" {
			return l, fmt.Errorf("plugin locator for %s: data:// holds no plugin", id)
		}
		l.Kind, l.Value = LocatorData, rest
	case hasScheme && (scheme == "builtin" || scheme == "builtin+wasm"):
		if rest == "" {
			return l, fmt.Errorf("plugin locator %q for %s has no plugin name", raw, id)
		}
		l.Kind, l.Value = scheme, rest
	default:
		return l, fmt.Errorf("unknown plugin locator %q for %s (want file://PATH, an absolute path, https://URL, github://owner/repo[@tag], registry://REF, builtin://NAME or builtin+wasm://NAME)", raw, id)
	}
	return l, nil
}

// typeName names a decoded TOML value's type for messages.
func typeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	default:
		return "a date/time"
	}
}

func describe(v any) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case string:
		return strconv.Quote(x)
	}
	return typeName(v)
}
