// Package vpath translates between the virtual paths a plugin sees (such as
// /proto/tools/node/20.1.0) and the host's real paths.
//
// A plugin sees only mounts: a virtual directory backed by a real one. Tool
// plugins get /proto ($TOTE_HOME), /userhome ($HOME), /cwd (the working
// directory) and /temp ($TOTE_HOME/temp); an extension gets its data
// directory at "/". Translation goes by the longest matching prefix first, in
// both directions, after cleaning "." and ".." lexically, and refuses any path
// that ends up outside every mount.
package vpath

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tote-dev/tote/api"
)

// ErrOutsideMounts is wrapped by every error about a path that lies outside
// all mounts.
var ErrOutsideMounts = errors.New("outside every mount")

// Mount is one virtual directory backed by a real one.
type Mount struct {
	// Virtual is the absolute, slash-separated path the plugin sees, such as "/proto".
	Virtual string
	// Real is the absolute host directory behind it.
	Real string
}

// Mounts is an ordered list of mounts. The order is the order of
// declaration; translation always prefers the longest matching prefix.
type Mounts []Mount

// ToolMounts returns the mounts a tool plugin sees: /proto = toteHome,
// /userhome = userHome, /cwd = cwd and /temp = temp. Empty arguments are
// skipped; the others are made absolute and cleaned.
func ToolMounts(toteHome, userHome, cwd, temp string) Mounts {
	var m Mounts
	for _, pair := range [][2]string{
		{api.VirtualProto, toteHome},
		{api.VirtualUserHome, userHome},
		{api.VirtualCwd, cwd},
		{api.VirtualTemp, temp},
	} {
		if pair[1] == "" {
			continue
		}
		m = m.With(pair[0], pair[1])
	}
	return m
}

// With returns a copy of m with virtual mounted on real, replacing an
// existing mount at the same virtual path.
func (m Mounts) With(virtual, real string) Mounts {
	virtual = path.Clean("/" + filepath.ToSlash(virtual))
	if abs, err := filepath.Abs(real); err == nil {
		real = abs
	}
	real = filepath.Clean(real)
	out := make(Mounts, 0, len(m)+1)
	for _, mt := range m {
		if mt.Virtual != virtual {
			out = append(out, mt)
		}
	}
	return append(out, Mount{Virtual: virtual, Real: real})
}

// Map returns the mounts as a map from virtual to real path, the shape of
// the virtual_paths config key.
func (m Mounts) Map() map[string]string {
	out := make(map[string]string, len(m))
	for _, mt := range m {
		out[mt.Virtual] = mt.Real
	}
	return out
}

// byVirtualLength returns the mounts sorted by descending virtual length.
func (m Mounts) byVirtualLength() Mounts {
	s := append(Mounts(nil), m...)
	sort.SliceStable(s, func(i, j int) bool { return len(s[i].Virtual) > len(s[j].Virtual) })
	return s
}

// byRealLength returns the mounts sorted by descending real length.
func (m Mounts) byRealLength() Mounts {
	s := append(Mounts(nil), m...)
	sort.SliceStable(s, func(i, j int) bool { return len(s[i].Real) > len(s[j].Real) })
	return s
}

// lookupVirtual finds the mount holding the cleaned virtual path v and
// returns it with the remainder after its prefix (without a leading slash).
func (m Mounts) lookupVirtual(v string) (Mount, string, bool) {
	for _, mt := range m.byVirtualLength() {
		if rest, ok := cutDir(v, mt.Virtual, "/"); ok {
			return mt, rest, true
		}
	}
	return Mount{}, "", false
}

// cutDir reports whether p is dir or lies below it, and returns the rest.
func cutDir(p, dir, sep string) (string, bool) {
	if p == dir {
		return "", true
	}
	if strings.HasSuffix(dir, sep) { // a root such as "/"
		rest, ok := strings.CutPrefix(p, dir)
		return rest, ok
	}
	rest, ok := strings.CutPrefix(p, dir+sep)
	return rest, ok
}

// CleanVirtual cleans a virtual path: it must be absolute and is cleaned
// lexically, so "/cwd/../etc" becomes "/etc".
func CleanVirtual(virtual string) (string, error) {
	v := filepath.ToSlash(virtual)
	if !strings.HasPrefix(v, "/") {
		return "", fmt.Errorf("virtual path %q is not absolute", virtual)
	}
	return path.Clean(v), nil
}

// ToReal translates a virtual path into the host path behind it. The path is
// cleaned first; a result outside every mount is an error naming the path
// and wrapping ErrOutsideMounts. The translation is lexical: use Resolve
// when symbolic links inside a mount must not lead out of it.
func (m Mounts) ToReal(virtual string) (string, error) {
	v, err := CleanVirtual(virtual)
	if err != nil {
		return "", err
	}
	mt, rest, ok := m.lookupVirtual(v)
	if !ok {
		return "", fmt.Errorf("virtual path %q: %w (%s)", virtual, ErrOutsideMounts, m.describe())
	}
	if rest == "" {
		return mt.Real, nil
	}
	return filepath.Join(mt.Real, filepath.FromSlash(rest)), nil
}

// ToVirtual translates a host path into the virtual path a plugin sees,
// choosing the mount with the longest real prefix. It reports false when
// the path is outside every mount. Relative paths are made absolute first.
func (m Mounts) ToVirtual(real string) (string, bool) {
	r, err := filepath.Abs(real)
	if err != nil {
		return "", false
	}
	r = filepath.Clean(r)
	for _, mt := range m.byRealLength() {
		rest, ok := cutDir(r, mt.Real, string(filepath.Separator))
		if !ok {
			continue
		}
		if rest == "" {
			return mt.Virtual, true
		}
		return path.Join(mt.Virtual, filepath.ToSlash(rest)), true
	}
	return "", false
}

// VirtualPath returns the api.VirtualPath of a host path, carrying the
// prefixes of its mount, as the host sends it to plugins.
func (m Mounts) VirtualPath(real string) (api.VirtualPath, bool) {
	v, ok := m.ToVirtual(real)
	if !ok {
		return api.VirtualPath{}, false
	}
	mt, _, _ := m.lookupVirtual(v)
	return api.VirtualPath{Path: v, VirtualPrefix: mt.Virtual, RealPrefix: mt.Real}, true
}

// Resolve is ToReal followed by a check that symbolic links do not lead out
// of the mount: the longest existing part of the real path is resolved with
// filepath.EvalSymlinks and must stay inside the mount's (resolved) real
// directory. The returned path is the lexical real path.
//
// # Warning
//
// Resolve is a check at one moment, not a guarantee: a directory swapped
// for a link after it returns redirects a later open of the returned path.
// Code acting on a guest's behalf must resolve beneath the mount in the
// same operation (os.Root), as package runtime's file system does.
func (m Mounts) Resolve(virtual string) (string, error) {
	real, err := m.ToReal(virtual)
	if err != nil {
		return "", err
	}
	v, _ := CleanVirtual(virtual)
	mt, _, _ := m.lookupVirtual(v)
	if err := Contained(mt.Real, real); err != nil {
		return "", fmt.Errorf("virtual path %q: %w", virtual, err)
	}
	return real, nil
}

// Contained checks that the real path p, with every symbolic link in its
// existing part resolved, lies inside root (also resolved). Components that
// do not exist yet are checked lexically.
func Contained(root, p string) error {
	rootResolved, err := filepath.EvalSymlinks(root)
	if err != nil {
		// A mount whose directory does not exist holds nothing yet.
		if errors.Is(err, os.ErrNotExist) {
			rootResolved = filepath.Clean(root)
		} else {
			return fmt.Errorf("resolve mount %s: %w", root, err)
		}
	}
	resolved, err := evalExisting(p)
	if err != nil {
		return err
	}
	if _, ok := cutDir(resolved, rootResolved, string(filepath.Separator)); !ok {
		return fmt.Errorf("%s resolves to %s: %w", p, resolved, ErrOutsideMounts)
	}
	return nil
}

// evalExisting resolves symbolic links in the longest existing prefix of p
// and appends the rest unchanged.
func evalExisting(p string) (string, error) {
	p = filepath.Clean(p)
	var tail []string
	for cur := p; ; {
		r, err := filepath.EvalSymlinks(cur)
		if err == nil {
			for i := len(tail) - 1; i >= 0; i-- {
				r = filepath.Join(r, tail[i])
			}
			return r, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("resolve %s: %w", p, err)
		}
		if fi, lerr := os.Lstat(cur); lerr == nil && fi.Mode()&os.ModeSymlink != 0 {
			// A dangling link could still be followed by a create.
			return "", fmt.Errorf("resolve %s: dangling symbolic link %s: %w", p, cur, ErrOutsideMounts)
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return p, nil
		}
		tail = append(tail, filepath.Base(cur))
		cur = parent
	}
}

func (m Mounts) describe() string {
	if len(m) == 0 {
		return "no mounts"
	}
	names := make([]string, len(m))
	for i, mt := range m {
		names[i] = mt.Virtual
	}
	return "mounts: " + strings.Join(names, ", ")
}
