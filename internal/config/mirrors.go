package config

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Mirror kinds of [settings] mirrors.
const (
	// MirrorRegistry is registry://HOST[:PORT][/PATH]: an OCI registry
	// (distribution, Harbor, GHCR, ECR, Artifactory, Zot, …) whose
	// repositories under PATH hold tool archives and plugins.
	MirrorRegistry = "registry"
	// MirrorLayout is oci-layout://PATH: an OCI image layout on disk, a
	// directory or a .tar of one (as `tote mirror export` writes it).
	MirrorLayout = "oci-layout"
)

// Mirror is one entry of [settings] mirrors: a place tote looks a tool
// archive or a plugin up before it downloads it from upstream.
type Mirror struct {
	// Raw is the entry as written.
	Raw string
	// Kind is MirrorRegistry or MirrorLayout.
	Kind string
	// Host is the registry's host[:port] (MirrorRegistry).
	Host string
	// Base is the repository path under which tote's repositories live,
	// such as "tote" or "corp/toolchains" ("" for the registry's root).
	Base string
	// Path is the absolute path of the layout (MirrorLayout), resolved
	// against the declaring file's directory (or the working directory
	// for TOTE_MIRRORS).
	Path string
	// Source is "path:line" of the entry, or the variable it came from.
	Source string
}

// String is the mirror as tote names it in messages: registry://HOST/BASE
// or oci-layout://PATH. It never holds credentials (they are refused).
func (m Mirror) String() string {
	if m.Kind == MirrorLayout {
		return "oci-layout://" + m.Path
	}
	if m.Base == "" {
		return "registry://" + m.Host
	}
	return "registry://" + m.Host + "/" + m.Base
}

// repoComponent is one component of an OCI repository name (the
// distribution spec's path-component).
var repoComponent = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$`) })

// ValidRepositoryPath reports whether p is a valid OCI repository path
// (components of lower-case letters and digits joined by ".", "_", "__" or
// dashes, separated by "/").
func ValidRepositoryPath(p string) bool {
	if p == "" || len(p) > 255 {
		return false
	}
	for _, c := range strings.Split(p, "/") {
		if !repoComponent().MatchString(c) {
			return false
		}
	}
	return true
}

// ParseMirror parses one mirrors entry. dir resolves a relative
// oci-layout path; source is recorded in the result for messages.
// Credentials in the URL are refused without echoing them: they belong in
// ~/.docker/config.json, a credential helper or TOTE_REGISTRY_* variables.
func ParseMirror(raw, dir, source string) (Mirror, error) {
	m := Mirror{Raw: raw, Source: source}
	scheme, rest, ok := strings.Cut(strings.TrimSpace(raw), "://")
	if !ok {
		return m, fmt.Errorf("mirror %q: want registry://HOST[/PATH] or oci-layout://PATH", redact(raw))
	}
	switch scheme {
	case MirrorRegistry:
		m.Kind = MirrorRegistry
		host, base, _ := strings.Cut(rest, "/")
		if strings.Contains(host, "@") {
			return m, fmt.Errorf("mirror %q: credentials do not belong in the configuration; use `docker login`, a credential helper or TOTE_REGISTRY_USERNAME/TOTE_REGISTRY_PASSWORD (see docs/mirrors.md)", redact(raw))
		}
		if host == "" || !validHost(host) {
			return m, fmt.Errorf("mirror %q: %q is not a registry host[:port]", raw, host)
		}
		base = strings.TrimSuffix(base, "/")
		if strings.ContainsAny(base, ":@") {
			return m, fmt.Errorf("mirror %q: a mirror names a repository path, not a tag or digest", raw)
		}
		if base != "" && !ValidRepositoryPath(base) {
			return m, fmt.Errorf("mirror %q: %q is not a valid repository path (lower-case letters, digits, and . _ - between them, / between components)", raw, base)
		}
		m.Host, m.Base = host, base
	case MirrorLayout:
		m.Kind = MirrorLayout
		if rest == "" {
			return m, fmt.Errorf("mirror %q has no path", raw)
		}
		p := filepath.FromSlash(rest)
		if !filepath.IsAbs(p) {
			abs, err := filepath.Abs(filepath.Join(dir, p))
			if err != nil {
				return m, fmt.Errorf("mirror %q: %w", raw, err)
			}
			p = abs
		}
		m.Path = filepath.Clean(p)
	default:
		return m, fmt.Errorf("mirror %q: unknown scheme %q (want registry:// or oci-layout://)", redact(raw), scheme)
	}
	return m, nil
}

// validHost accepts host[:port] where host is a DNS name or an IP address
// (IPv6 in brackets).
func validHost(h string) bool {
	name, port := h, ""
	if strings.HasPrefix(h, "[") {
		end := strings.Index(h, "]")
		if end < 0 {
			return false
		}
		name, port = h[1:end], strings.TrimPrefix(h[end+1:], ":")
		if h[end+1:] != "" && !strings.HasPrefix(h[end+1:], ":") {
			return false
		}
	} else if i := strings.LastIndex(h, ":"); i >= 0 {
		name, port = h[:i], h[i+1:]
		if port == "" {
			return false
		}
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n <= 0 || n > 65535 {
			return false
		}
	}
	if name == "" || len(name) > 253 {
		return false
	}
	for _, r := range name {
		if !(r == '.' || r == '-' || r == ':' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// redact hides anything before an "@" in a URL's authority, so that a
// mistaken user:password never reaches a log or an error.
func redact(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		if i := strings.LastIndex(raw, "@"); i >= 0 {
			return "…@" + raw[i+1:]
		}
		return raw
	}
	host, path, hasPath := strings.Cut(rest, "/")
	if i := strings.LastIndex(host, "@"); i >= 0 {
		host = "…@" + host[i+1:]
	}
	if hasPath {
		return scheme + "://" + host + "/" + path
	}
	return scheme + "://" + host
}

// mirrorSettings parses [settings] mirrors: an array of strings.
func (p *parser) mirrors(at []string, v any) ([]Mirror, error) {
	list, err := p.stringList(at, v)
	if err != nil {
		return nil, err
	}
	out := make([]Mirror, 0, len(list))
	for i, raw := range list {
		m, err := ParseMirror(raw, filepath.Dir(p.path), fmt.Sprintf("%s:%d", p.path, p.line(at)))
		if err != nil {
			return nil, p.errorf(at, "settings.mirrors[%d]: %v", i, err)
		}
		out = append(out, m)
	}
	return out, nil
}

// mirrorOverrides are the TOTE_MIRROR* variables.
type mirrorOverrides struct {
	mirrors    []Mirror
	hasMirrors bool
	only, push *bool
	cacheSize  *int64
}

// readMirrorEnv reads TOTE_MIRRORS (entries separated by commas or
// blanks; relative oci-layout paths against cwd), TOTE_MIRROR_ONLY,
// TOTE_MIRROR_PUSH and TOTE_DOWNLOAD_CACHE_SIZE.
func readMirrorEnv(cwd string) (mirrorOverrides, error) {
	var o mirrorOverrides
	if v, ok := os.LookupEnv("TOTE_MIRRORS"); ok {
		o.hasMirrors = true
		for _, raw := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
			m, err := ParseMirror(raw, cwd, "TOTE_MIRRORS")
			if err != nil {
				return o, fmt.Errorf("TOTE_MIRRORS: %w", err)
			}
			o.mirrors = append(o.mirrors, m)
		}
	}
	for _, e := range []struct {
		name string
		dst  **bool
	}{{"TOTE_MIRROR_ONLY", &o.only}, {"TOTE_MIRROR_PUSH", &o.push}} {
		if v := os.Getenv(e.name); v != "" {
			b, err := parseEnvBool(v)
			if err != nil {
				return o, fmt.Errorf("%s=%q: %w", e.name, v, err)
			}
			*e.dst = &b
		}
	}
	if v := os.Getenv("TOTE_DOWNLOAD_CACHE_SIZE"); v != "" {
		n, err := parseCacheSize(sizeValue(v))
		if err != nil {
			return o, fmt.Errorf("TOTE_DOWNLOAD_CACHE_SIZE=%q: %w", v, err)
		}
		o.cacheSize = &n
	}
	return o, nil
}

// parseCacheSize is parseSize that also accepts 0 (no cache).
func parseCacheSize(v any) (int64, error) {
	switch x := v.(type) {
	case int64:
		if x == 0 {
			return 0, nil
		}
	case string:
		if strings.TrimSpace(x) == "0" {
			return 0, nil
		}
	}
	n, err := parseSize(v)
	if err != nil {
		return 0, err
	}
	if n > math.MaxInt64/2 {
		return 0, fmt.Errorf("size is out of range")
	}
	return n, nil
}

// mergeMirrors adds the mirrors of one file (in its order) to dst,
// skipping those already there.
func mergeMirrors(dst, src []Mirror) []Mirror {
	for _, m := range src {
		dup := false
		for _, d := range dst {
			if d.String() == m.String() {
				dup = true
				break
			}
		}
		if !dup {
			dst = append(dst, m)
		}
	}
	return dst
}
