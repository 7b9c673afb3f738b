package config

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tote-dev/tote/internal/trust"
)

// Trust-only settings are the ones that decide where bytes come from or
// what runs: plugin locators ([plugins], [plugins.tools],
// [plugins.extensions], [tools.<id>] plugin), [tools.<id>] configuration
// other than aliases (it reaches the plugin, and a built-in such as node
// takes its download location from it; permissions live there too), [env]
// and [tools.<id>] env, every [extensions.<id>] table, [settings]
// url-rewrites and [settings.http] (proxies, certificates, timeouts),
// [settings.build] (system packages a build installs), [shell] aliases,
// [env] and [tools.<id>.env] dotenv files, [settings.unpack] (an untrusted
// file must not lift the limits that stop archive bombs), and [settings]
// mirrors, mirror-only and mirror-push (where archives come from, and
// where they are uploaded with the user's registry credentials). A project
// file's trust-only settings apply only
// when the file is trusted: see [Load] and package trust. Pins, aliases and
// the other [settings] apply from every file.

// Untrusted is a project file whose trust-only settings [Load] ignored.
type Untrusted struct {
	// Path is the file.
	Path string
	// Dir is its canonical directory, the argument of `tote trust`.
	Dir string
	// Ignored names the settings that were ignored, such as
	// "[settings] url-rewrites" or "[plugins]".
	Ignored []string
	// Changed is true when the directory was trusted but these settings
	// changed since; TrustedAt is then when.
	Changed   bool
	TrustedAt time.Time
	// Err is set when the trust record could not be read (everything is
	// then treated as untrusted).
	Err error
}

// Warning is the one-line warning for u: the file, what was ignored, and
// the command that trusts it.
func (u Untrusted) Warning() string {
	var b strings.Builder
	if u.Changed {
		fmt.Fprintf(&b, "%s changed since you trusted it on %s: ignoring its %s; review it, then run: tote trust %s",
			u.Path, u.TrustedAt.Local().Format("2006-01-02 15:04"), strings.Join(u.Ignored, ", "), ShellQuote(u.Dir))
	} else {
		fmt.Fprintf(&b, "%s is not trusted: ignoring its %s (they decide what is downloaded and run); if you trust this project, run: tote trust %s",
			u.Path, strings.Join(u.Ignored, ", "), ShellQuote(u.Dir))
	}
	if u.Err != nil {
		fmt.Fprintf(&b, " (%v)", u.Err)
	}
	return b.String()
}

// Untrusted returns the project files whose trust-only settings were
// ignored, nearest first.
func (c *Config) Untrusted() []Untrusted { return append([]Untrusted(nil), c.untrusted...) }

// TrustSettings names the trust-only settings f declares, in a fixed
// order; nil when it declares none.
func (f *File) TrustSettings() []string {
	var out []string
	if len(f.Plugins) > 0 {
		out = append(out, "[plugins]")
	}
	if len(f.ExtensionPlugins) > 0 {
		out = append(out, "[plugins.extensions]")
	}
	if len(f.Settings.URLRewrites) > 0 {
		out = append(out, "[settings] url-rewrites")
	}
	if len(f.Settings.HTTP) > 0 {
		out = append(out, "[settings.http]")
	}
	if f.Settings.Unpack != (UnpackLimits{}) {
		out = append(out, "[settings.unpack]")
	}
	if f.Settings.Build.InstallSystemPackages != nil || f.Settings.Build.ExcludePackages != nil {
		out = append(out, "[settings.build]")
	}
	if len(f.Settings.Mirrors) > 0 {
		out = append(out, "[settings] mirrors")
	}
	if f.Settings.MirrorOnly != nil {
		out = append(out, "[settings] mirror-only")
	}
	if f.Settings.MirrorPush != nil {
		out = append(out, "[settings] mirror-push")
	}
	if len(f.Env) > 0 || len(f.EnvFiles) > 0 {
		out = append(out, "[env]")
	}
	if len(f.ShellAliases) > 0 {
		out = append(out, "[shell]")
	}
	for _, id := range sortedMapKeys(f.Tools) {
		t := f.Tools[id]
		keys := sortedMapKeys(t.Config)
		if len(t.Env) > 0 || len(t.EnvFiles) > 0 {
			keys = append(keys, "env")
			sort.Strings(keys)
		}
		if len(keys) > 0 {
			out = append(out, fmt.Sprintf("[tools.%s] %s", id, strings.Join(keys, ", ")))
		}
	}
	for _, id := range sortedMapKeys(f.Extensions) {
		out = append(out, fmt.Sprintf("[extensions.%s]", id))
	}
	return out
}

// TrustDigest is "sha256:<hex>" of f's trust-only settings in a canonical
// form (map keys sorted, url-rewrites in file order). Pins, aliases,
// comments and layout do not change it, so editing pins keeps a file
// trusted while any change to what it downloads or runs does not.
func (f *File) TrustDigest() string {
	var b bytes.Buffer
	b.WriteString("tote-trust-v1\n")
	canonField(&b, "plugins", stringsAny(f.Plugins))
	canonField(&b, "extension-plugins", stringsAny(f.ExtensionPlugins))
	for _, r := range f.Settings.URLRewrites {
		canonField(&b, "url-rewrite", []any{r.Pattern.String(), r.Replacement})
	}
	canonField(&b, "http", f.Settings.HTTP)
	if u := f.Settings.Unpack; u != (UnpackLimits{}) {
		canonField(&b, "unpack", []any{u.MaxSize, u.MaxEntries})
	}
	canonField(&b, "env", stringsAny(f.Env))
	dir := filepath.Dir(f.Path)
	canonField(&b, "env-files", envFiles(dir, f.EnvFiles))
	canonField(&b, "shell", stringsAny(f.ShellAliases))
	if bs := f.Settings.Build; bs.InstallSystemPackages != nil || bs.ExcludePackages != nil {
		canonField(&b, "build", []any{fmt.Sprint(bs.InstallSystemPackages != nil && *bs.InstallSystemPackages, bs.InstallSystemPackages == nil), stringList(bs.ExcludePackages)})
	}
	// Mirror settings are written only when set, so that the digest of a
	// file without them is what it was before they existed.
	for _, m := range f.Settings.Mirrors {
		canonField(&b, "mirror", m.String())
	}
	if f.Settings.MirrorOnly != nil {
		canonField(&b, "mirror-only", *f.Settings.MirrorOnly)
	}
	if f.Settings.MirrorPush != nil {
		canonField(&b, "mirror-push", *f.Settings.MirrorPush)
	}
	for _, id := range sortedMapKeys(f.Tools) {
		t := f.Tools[id]
		if len(t.Env) == 0 && len(t.EnvFiles) == 0 && len(t.Config) == 0 {
			continue
		}
		canonField(&b, "tool", map[string]any{"id": id, "env": stringsAny(t.Env), "env-files": envFiles(dir, t.EnvFiles), "config": t.Config})
	}
	for _, id := range sortedMapKeys(f.Extensions) {
		e := f.Extensions[id]
		m := map[string]any{"id": id, "config": e.Config, "memory": e.Limits.Memory, "call-timeout": int64(e.Limits.CallTimeout), "run-timeout": int64(e.Limits.RunTimeout)}
		if e.Enabled != nil {
			m["enabled"] = *e.Enabled
		}
		if e.Permissions != nil {
			m["permissions"] = stringList(e.Permissions)
		}
		if e.Deny != nil {
			m["deny"] = stringList(e.Deny)
		}
		if e.Limits.MaxRestarts != nil {
			m["max-restarts"] = int64(*e.Limits.MaxRestarts)
		}
		canonField(&b, "extension", m)
	}
	sum := sha256.Sum256(b.Bytes())
	return "sha256:" + hex.EncodeToString(sum[:])
}

// dropTrustSettings removes f's trust-only settings, keeping pins, aliases
// and the other settings.
func (f *File) dropTrustSettings() {
	f.Plugins, f.ExtensionPlugins = map[string]string{}, map[string]string{}
	f.pluginLines, f.extPluginLines = map[string]int{}, map[string]int{}
	f.Settings.URLRewrites, f.Settings.HTTP = nil, nil
	f.Settings.HTTPLimits, f.Settings.Unpack = HTTPLimits{}, UnpackLimits{}
	f.Settings.Proxy, f.Settings.Build = ProxySettings{}, BuildSettings{}
	f.Env, f.EnvFiles, f.ShellAliases = nil, nil, nil
	f.Settings.Mirrors, f.Settings.MirrorOnly, f.Settings.MirrorPush = nil, nil, nil
	for id, t := range f.Tools {
		f.Tools[id] = ToolTable{Aliases: t.Aliases}
	}
	f.Extensions = map[string]ExtensionTable{}
}

// trustCheck decides, file by file, whether [Load] applies trust-only
// settings. It reads TOTE_TRUSTED_PATHS and the trust record only when a
// file has such settings, so a project that only pins costs nothing.
type trustCheck struct {
	toteHome   string
	globalFile string
	homeFile   string

	envDone bool
	env     []string
}

func newTrustCheck(userHome, toteHome string) *trustCheck {
	tc := &trustCheck{toteHome: toteHome}
	if toteHome != "" {
		if a, err := filepath.Abs(GlobalFile(toteHome)); err == nil {
			tc.globalFile = a
		}
	}
	if userHome != "" {
		if a, err := filepath.Abs(filepath.Join(userHome, FileName)); err == nil {
			tc.homeFile = a
		}
	}
	return tc
}

// apply keeps f's trust-only settings when f is trusted; otherwise it drops
// them and returns what was dropped.
func (tc *trustCheck) apply(f *File) (Untrusted, bool) {
	u, untrusted := tc.check(f)
	if untrusted {
		f.dropTrustSettings()
	}
	return u, untrusted
}

// check reports whether f's trust-only settings must be dropped, and why.
func (tc *trustCheck) check(f *File) (Untrusted, bool) {
	abs, err := filepath.Abs(f.Path)
	if err != nil {
		abs = f.Path
	}
	// The global file and the user's own $HOME/.prototools are the user's
	// configuration, not a project's.
	if abs == tc.globalFile || abs == tc.homeFile {
		return Untrusted{}, false
	}
	names := f.TrustSettings()
	if len(names) == 0 {
		return Untrusted{}, false
	}
	dir := filepath.Dir(abs)
	if c, err := trust.Canonical(dir); err == nil {
		dir = c
	}
	if !tc.envDone {
		tc.envDone = true
		tc.env = trust.EnvPaths(os.Getenv(trust.EnvVar))
	}
	if trust.Under(dir, tc.env) {
		return Untrusted{}, false
	}
	u := Untrusted{Path: f.Path, Dir: dir, Ignored: names}
	if tc.toteHome == "" {
		return u, true
	}
	e, ok, err := trust.Lookup(tc.toteHome, dir)
	u.Err = err
	if ok {
		if e.Digest == f.TrustDigest() {
			return Untrusted{}, false
		}
		u.Changed, u.TrustedAt = true, e.TrustedAt
	}
	return u, true
}

// KeepTrust runs edit, a change to the project file at path that the user
// asked for through a tote command (such as `tote plugin add`). When the
// file was trusted before the edit, or did not exist, or set nothing that
// needs trust, the trust is renewed for the edited content: the user's own
// change must not read as "changed since you trusted it". A file that was
// not trusted stays untrusted. The returned undo puts the previous trust
// entry back (for a command that then restores the file); it is never nil.
func KeepTrust(ctx context.Context, path, userHome, toteHome string, edit func() error) (undo func(), err error) {
	undo = func() {}
	tc := newTrustCheck(userHome, toteHome)
	renew := true
	before, rerr := ReadFile(path)
	switch {
	case errors.Is(rerr, fs.ErrNotExist):
	case rerr != nil:
		return undo, rerr
	default:
		_, untrusted := tc.check(before)
		renew = !untrusted
	}
	if err := edit(); err != nil {
		return undo, err
	}
	abs, _ := filepath.Abs(path)
	if !renew || toteHome == "" || abs == tc.globalFile || abs == tc.homeFile {
		return undo, nil
	}
	after, err := ReadFile(path)
	if err != nil {
		return undo, err
	}
	dir, err := trust.Canonical(filepath.Dir(abs))
	if err != nil {
		return undo, err
	}
	old, had, _ := trust.Lookup(toteHome, dir)
	if err := trust.Set(ctx, toteHome, trust.Entry{Dir: dir, Digest: after.TrustDigest(), TrustedAt: time.Now().UTC().Truncate(time.Second)}); err != nil {
		return undo, err
	}
	return func() {
		if had {
			trust.Set(context.WithoutCancel(ctx), toteHome, old)
		} else {
			trust.Remove(context.WithoutCancel(ctx), toteHome, dir)
		}
	}, nil
}

// ShellQuote quotes s for a POSIX shell when it needs quoting, so that a
// command printed in a message can be pasted as is.
func ShellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == ':' || r == '+' || r == '@' || r == ',' ||
			('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9'))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// canonField writes name and a canonical encoding of v on one line.
func canonField(b *bytes.Buffer, name string, v any) {
	b.WriteString(name)
	b.WriteByte('=')
	canon(b, v)
	b.WriteByte('\n')
}

// canon writes v, a decoded TOML value, so that equal values give equal
// bytes: tables with sorted keys, every value tagged with its type.
func canon(b *bytes.Buffer, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("n")
	case map[string]any:
		b.WriteString("{")
		for i, k := range sortedMapKeys(x) {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Quote(k))
			b.WriteByte(':')
			canon(b, x[k])
		}
		b.WriteString("}")
	case []any:
		b.WriteString("[")
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			canon(b, e)
		}
		b.WriteString("]")
	case string:
		b.WriteString("s" + strconv.Quote(x))
	case int64:
		b.WriteString("i" + strconv.FormatInt(x, 10))
	case float64:
		if math.IsNaN(x) {
			b.WriteString("fNaN")
		} else {
			b.WriteString("f" + strconv.FormatFloat(x, 'g', -1, 64))
		}
	case bool:
		b.WriteString("b" + strconv.FormatBool(x))
	default:
		fmt.Fprintf(b, "t%T:%v", x, x)
	}
}

func stringsAny(m map[string]string) map[string]any {
	if len(m) == 0 {
		return nil
	}
	return toAny(m)
}

// envFiles lists the dotenv files' paths relative to dir, the declaring
// file's directory, so that the digest does not depend on the path the
// directory was reached by.
func envFiles(dir string, fs []EnvFile) []any {
	if len(fs) == 0 {
		return nil
	}
	out := make([]any, len(fs))
	for i, f := range fs {
		p := f.Path
		if r, err := filepath.Rel(dir, p); err == nil {
			p = r
		}
		out[i] = filepath.ToSlash(p)
	}
	return out
}

func stringList(l []string) []any {
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
	}
	return out
}

func sortedMapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
