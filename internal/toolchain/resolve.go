package toolchain

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/install"
	"github.com/tote-dev/tote/internal/launch"
	"github.com/tote-dev/tote/internal/readlimit"
	"github.com/tote-dev/tote/internal/version"
)

// ResolveOptions tune version resolution.
type ResolveOptions struct {
	// Refresh ignores the cached remote version list.
	Refresh bool
	// Remote skips the installed-first shortcut (used by `tote outdated`).
	Remote bool
}

// Offline reports whether tote must not use the network: TOTE_OFFLINE (or
// proto's PROTO_OFFLINE) or settings.offline = true/false say so; with
// proto's [settings.offline] table (or PROTO_OFFLINE_* variables) and
// neither, the network is probed once, as proto does: tote is offline when
// none of the hosts accepts a TCP connection within the timeout.
func (m *Manager) Offline() bool {
	if v := os.Getenv("TOTE_OFFLINE"); v != "" && v != "0" && v != "false" {
		return true
	}
	s := m.Config.Settings()
	if s.Offline != nil {
		return *s.Offline
	}
	if s.OfflineCheck == nil {
		return false
	}
	m.offlineOnce.Do(func() {
		m.offline = probeOffline(s.OfflineCheck)
		if m.offline {
			m.Logger.Info("no host answered: working offline", "hosts", probeHosts(s.OfflineCheck), "settings", s.OfflineCheck.Source)
		}
	})
	return m.offline
}

// defaultProbeHosts are tried unless override-default-hosts: public DNS
// resolvers, reachable from most networks, and GitHub.
var defaultProbeHosts = []string{"1.1.1.1:53", "8.8.8.8:53", "github.com:443"}

func probeHosts(c *config.OfflineCheck) []string {
	hosts := append([]string{}, c.CustomHosts...)
	if !c.OverrideDefaultHosts {
		hosts = append(hosts, defaultProbeHosts...)
	}
	return hosts
}

// probeOffline dials every host at once and reports whether none answered.
func probeOffline(c *config.OfflineCheck) bool {
	hosts := probeHosts(c)
	if len(hosts) == 0 {
		return false
	}
	ok := make(chan bool, len(hosts))
	for _, h := range hosts {
		go func(h string) {
			if !strings.Contains(h, ":") {
				h += ":443"
			}
			conn, err := net.DialTimeout("tcp", h, c.Timeout)
			if err == nil {
				conn.Close()
			}
			ok <- err == nil
		}(h)
	}
	for range hosts {
		if <-ok {
			return false
		}
	}
	return true
}

func (m *Manager) versionCache() version.Cache {
	return version.Cache{Dir: m.Store.CacheDir("versions"), TTL: 12 * time.Hour}
}

// Versions returns the tool's remote version list, from the cache when fresh
// (or when offline), else from the plugin's load_versions.
func (m *Manager) Versions(ctx context.Context, t *Tool, refresh bool) (*version.CachedList, error) {
	cache := m.versionCache()
	if m.Offline() {
		list, err := cache.LoadAny(t.ID)
		if err != nil {
			return nil, err
		}
		if list == nil {
			return nil, fmt.Errorf("offline: no cached version list for %s; connect once, or install a version first", t.ID)
		}
		return list, nil
	}
	if !refresh {
		if list, fresh, err := cache.Load(t.ID); err == nil && fresh && list != nil {
			return list, nil
		}
	}
	if !t.Plugin.HasFunction(api.FuncLoadVersions) {
		return &version.CachedList{}, nil
	}
	var out api.LoadVersionsOutput
	if err := t.Plugin.Call(ctx, api.FuncLoadVersions, api.LoadVersionsInput{Context: m.context(t.ID, ""), Initial: "latest"}, &out); err != nil {
		return nil, err
	}
	out = m.checkVersions(t.ID, out)
	list := version.CachedList{Versions: out.Versions, Latest: out.Latest, Canary: out.Canary, Aliases: out.Aliases, FetchedAt: time.Now()}
	if err := cache.Store(t.ID, list); err != nil {
		m.Logger.Warn("cannot cache the version list", "tool", t.ID, "err", err)
	}
	return &list, nil
}

// CachedVersions returns the tool's version list from the cache, without
// loading its plugin, when the cached list is fresh and was stored for the
// plugin configured now: the plugin metadata cached with it names the same
// source and digest (a changed or replaced plugin reloads the list). ok is
// false when the plugin must be asked.
func (m *Manager) CachedVersions(ctx context.Context, id string) (list *version.CachedList, ok bool) {
	list, _, ok = m.cachedVersions(ctx, id)
	return list, ok
}

// cachedVersions is CachedVersions, also returning the plugin's cached
// metadata.
func (m *Manager) cachedVersions(ctx context.Context, id string) (*version.CachedList, *launch.Meta, bool) {
	if m.Offline() {
		return nil, nil, false // Versions says what an offline list is
	}
	meta, err := launch.ReadMeta(m.Store, id)
	if err != nil || meta == nil {
		return nil, nil, false
	}
	list, fresh, err := m.versionCache().Load(id)
	if err != nil || !fresh || list == nil {
		return nil, nil, false
	}
	src, err := m.findPlugin(ctx, id)
	if err != nil || src.label != meta.Source || src.digest != meta.Digest {
		return nil, nil, false
	}
	return list, meta, true
}

// Resolve turns a spec into a concrete version. An installed version that
// satisfies the spec wins without loading the plugin; so does a fresh
// cached version list when the plugin exports no resolve_version (see
// [Manager.CachedVersions]); otherwise the plugin's resolve_version may
// rewrite the spec, and the remote list decides.
func (m *Manager) Resolve(ctx context.Context, id, spec string, opts ResolveOptions) (string, error) {
	table := m.Config.Tool(id)
	if spec == "" {
		return "", fmt.Errorf("no version of %s given or pinned", id)
	}
	if !opts.Refresh && !opts.Remote {
		if v, err := launch.ResolveInstalled(m.Store, id, spec, table.Aliases); err == nil {
			m.fire(ctx, api.EventVersionResolved, api.VersionResolvedEvent{Tool: id, Spec: spec, Version: v}, nil)
			return v, nil
		} else if !errors.Is(err, launch.ErrNeedsPlugin) {
			return "", err
		}
	}
	if !opts.Refresh && !opts.Remote {
		if v, ok, err := m.resolveCached(ctx, id, spec, table.Aliases); ok {
			if err == nil {
				m.fire(ctx, api.EventVersionResolved, api.VersionResolvedEvent{Tool: id, Spec: spec, Version: v}, nil)
			}
			return v, err
		}
	}
	t, err := m.Tool(ctx, id)
	if err != nil {
		return "", err
	}
	v, err := m.resolveWith(ctx, t, spec, opts)
	if err == nil {
		m.fire(ctx, api.EventVersionResolved, api.VersionResolvedEvent{Tool: id, Spec: spec, Version: v}, nil)
	}
	return v, err
}

// resolveCached resolves spec against the fresh cached version list when
// the plugin need not be asked: it exports no resolve_version, and the list
// was cached for this very plugin. ok is false when the plugin must be
// loaded.
func (m *Manager) resolveCached(ctx context.Context, id, spec string, userAliases map[string]string) (v string, ok bool, err error) {
	list, meta, ok := m.cachedVersions(ctx, id)
	if !ok || meta.Has(api.FuncResolveVersion) {
		return "", false, nil
	}
	if alias, found := userAliases[spec]; found {
		spec = alias
	}
	s, err := version.ParseSpec(spec)
	if err != nil {
		return "", true, fmt.Errorf("%s: %w", id, err)
	}
	if version.IsFull(s) {
		return s.Version(), true, nil
	}
	installed, err := m.Store.InstalledVersions(id)
	if err != nil {
		return "", true, err
	}
	v, err = version.Resolve(s, version.Available{
		Tool:     id,
		Versions: list.Versions, Latest: list.Latest, Canary: list.Canary,
		Aliases: list.Aliases, UserAliases: userAliases, Installed: installed,
	})
	return v, true, err
}

func (m *Manager) resolveWith(ctx context.Context, t *Tool, spec string, opts ResolveOptions) (string, error) {
	if alias, ok := t.Table.Aliases[spec]; ok {
		spec = alias
	}
	if t.Plugin.HasFunction(api.FuncResolveVersion) {
		var out api.ResolveVersionOutput
		if err := t.Plugin.Call(ctx, api.FuncResolveVersion, api.ResolveVersionInput{Context: m.context(t.ID, ""), Initial: spec}, &out); err != nil {
			return "", err
		}
		if out.Version != "" {
			// It names the install directory: one path component.
			if err := checkComponent(out.Version); err != nil {
				return "", badValue(t.ID, api.FuncResolveVersion, "version", out.Version, err)
			}
			return out.Version, nil
		}
		if out.Candidate != "" {
			if err := checkControl(out.Candidate); err != nil {
				return "", badValue(t.ID, api.FuncResolveVersion, "candidate", out.Candidate, err)
			}
			spec = out.Candidate
		}
	}
	s, err := version.ParseSpec(spec)
	if err != nil {
		return "", fmt.Errorf("%s: %w", t.ID, err)
	}
	if version.IsFull(s) && !opts.Remote {
		// A full version needs no list: if it does not exist upstream, the
		// download says so.
		return s.Version(), nil
	}
	list, err := m.Versions(ctx, t, opts.Refresh)
	if err != nil {
		return "", err
	}
	installed, err := m.Store.InstalledVersions(t.ID)
	if err != nil {
		return "", err
	}
	avail := version.Available{
		Tool:     t.ID,
		Versions: list.Versions, Latest: list.Latest, Canary: list.Canary,
		Aliases: list.Aliases, UserAliases: t.Table.Aliases,
	}
	if !opts.Remote {
		avail.Installed = installed
	}
	return version.Resolve(s, avail)
}

// Detect finds the version spec of a tool for the working directory, in
// the one order every command uses (see [launch.Detector]). When the
// nearest source is a version file, the plugin parses it (and the result is
// cached for the fast path). When nothing pins the tool, the plugin's
// default version is used, with Kind [launch.FromDefault].
func (m *Manager) Detect(ctx context.Context, id string) (launch.Detection, error) {
	meta, _ := launch.ReadMeta(m.Store, id)
	if meta == nil {
		if t, err := m.Tool(ctx, id); err == nil {
			meta = t.Meta
		}
	}
	d := &launch.Detector{Config: m.Config, Store: m.Store, Cwd: m.Cwd, UserHome: m.UserHome}
	for range 64 {
		det, err := d.Detect(id, meta)
		if err != nil {
			return det, err
		}
		if det.VersionFile != "" {
			if err := m.parseVersionFile(ctx, id, det.VersionFile); err != nil {
				return launch.Detection{}, err
			}
			continue
		}
		if det.Spec == "" && meta != nil && meta.DefaultVersion != "" {
			det = launch.Detection{Spec: meta.DefaultVersion, Kind: launch.FromDefault, Source: "the plugin's default version"}
		}
		if det.Spec != "" {
			if _, err := version.ParseSpec(det.Spec); err != nil {
				return det, fmt.Errorf("%s: %w", det.Where(), err)
			}
		}
		m.Logger.Debug("detected version", "tool", id, "spec", det.Spec, "from", det.Where())
		return det, nil
	}
	return launch.Detection{}, fmt.Errorf("detect %s: too many version files", id)
}

func (m *Manager) parseVersionFile(ctx context.Context, id, path string) error {
	t, err := m.Tool(ctx, id)
	if err != nil {
		return err
	}
	content, err := readlimit.File(path, maxVersionFile, "version file")
	if err != nil {
		return fmt.Errorf("read version file: %w", err)
	}
	spec, sum := "", ""
	if t.Plugin.HasFunction(api.FuncParseVersionFile) {
		var out api.ParseVersionFileOutput
		in := api.ParseVersionFileInput{Context: m.context(id, ""), File: baseName(path), Content: string(content), Path: m.virtual(path)}
		if err := t.Plugin.Call(ctx, api.FuncParseVersionFile, in, &out); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		spec = out.Version
		if out.Checksum != "" {
			c, err := install.ParseChecksum(string(out.Checksum))
			if err != nil || c.Algo == install.AlgoMinisign {
				return fmt.Errorf("%s: %s plugin read the checksum %q: want sha256:<hex> or sha512:<hex>", path, id, out.Checksum)
			}
			sum = c.Algo + ":" + c.Value
		}
	} else {
		spec = firstLine(string(content))
	}
	if spec != "" {
		if _, err := version.ParseSpec(spec); err != nil {
			return fmt.Errorf("%s: %s plugin read %q: %w", path, id, spec, err)
		}
	}
	return launch.RememberParse(m.Store, id, path, spec, sum)
}

// checkVersions drops from a load_versions answer every version that
// cannot name an install directory (a path separator, "." or "..", a
// control character…), and the latest, canary and aliases that point at
// one, with one warning naming the plugin, the function and the values.
func (m *Manager) checkVersions(id string, out api.LoadVersionsOutput) api.LoadVersionsOutput {
	var bad []string
	ok := func(v string) bool {
		if v == "" || checkComponent(v) == nil {
			return true
		}
		bad = append(bad, quote(v))
		return false
	}
	kept := out.Versions[:0:0]
	for _, v := range out.Versions {
		if ok(v) {
			kept = append(kept, v)
		}
	}
	out.Versions = kept
	if !ok(out.Latest) {
		out.Latest = ""
	}
	if !ok(out.Canary) {
		out.Canary = ""
	}
	for k, v := range out.Aliases {
		if checkControl(k) != nil {
			bad = append(bad, "alias "+quote(k))
			delete(out.Aliases, k)
		} else if !ok(v) {
			delete(out.Aliases, k)
		}
	}
	if len(bad) > 0 {
		shown := bad
		if len(shown) > 5 {
			shown = append(shown[:5:5], fmt.Sprintf("and %d more", len(bad)-5))
		}
		m.Logger.Warn(fmt.Sprintf("plugin %q function %s: ignored versions that cannot name a directory: %s", id, api.FuncLoadVersions, strings.Join(shown, ", ")))
	}
	return out
}
