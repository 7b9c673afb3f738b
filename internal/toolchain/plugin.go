// Package toolchain is tote's core: it loads a tool's plugin, resolves
// version specs, installs, links and uninstalls tool versions in the order of
// proto's contract, and prepares runs. Every tool-specific decision is asked
// of the plugin; everything else is the host's.
package toolchain

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/api/version"
	"github.com/tote-dev/tote/host/plaintext"
	"github.com/tote-dev/tote/host/runtime"
	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/launch"
	"github.com/tote-dev/tote/internal/plugincache"
	"github.com/tote-dev/tote/internal/readlimit"
	"github.com/tote-dev/tote/internal/shellquote"
	"github.com/tote-dev/tote/internal/store"
	"github.com/tote-dev/tote/internal/suggest"
)

// Plugin is a loaded tool plugin: a WASM plugin in the runtime, or a native
// adapter of a built-in. Both answer the same JSON contract.
type Plugin interface {
	// ID is the plugin id used in error messages.
	ID() string
	// HasFunction reports whether the plugin exports fn.
	HasFunction(fn string) bool
	// Call runs fn with in marshalled to JSON and decodes the output into out.
	Call(ctx context.Context, fn string, in, out any) error
	// Close releases the plugin.
	Close(ctx context.Context) error
}

var _ Plugin = (*runtime.Plugin)(nil)

// BuiltinWasmPath is where the WASM build of a built-in is installed for
// builtin+wasm:// locators: <plugins dir>/builtin/<id>.wasm.
func BuiltinWasmPath(pluginsDir, id string) string {
	return filepath.Join(pluginsDir, "builtin", id+".wasm")
}

// Tool is a tool whose plugin is loaded.
type Tool struct {
	// ID is the tool id.
	ID string
	// Plugin answers the contract.
	Plugin Plugin
	// Info is the register_tool answer.
	Info api.RegisterToolOutput
	// Meta is what is cached about the plugin for the fast path.
	Meta *launch.Meta
	// Table is the [tools.<id>] configuration.
	Table config.ToolTable
}

// pluginSource is where a tool's plugin comes from.
type pluginSource struct {
	kind   string // "file", "builtin", "builtin+wasm", "schema"
	path   string // for file and schema
	digest string
	label  string
	name   string // the plugin file's name when path is a cache blob
}

// findPlugin finds the plugin of a tool: a [plugins] locator, else a built-in.
func (m *Manager) findPlugin(ctx context.Context, id string) (pluginSource, error) {
	loc, ok := m.Config.PluginLocator(id)
	if ok {
		if err := loc.Supported(); err != nil {
			return pluginSource{}, err
		}
		if src, ok, err := m.findSchemaOrRemote(ctx, loc); ok {
			return src, err
		}
		switch loc.Kind {
		case "file":
			digest, err := digestPluginFile(loc.Value)
			if err != nil {
				return pluginSource{}, fmt.Errorf("plugin for %s (%s, declared in %s): %w", id, loc.Value, loc.DeclaredIn, err)
			}
			return pluginSource{kind: "file", path: loc.Value, digest: digest, label: "file://" + loc.Value}, nil
		case config.LocatorData:
			// proto's data://: the .wasm bytes inline, base64.
			b, err := base64.StdEncoding.DecodeString(loc.Value)
			if err != nil {
				return pluginSource{}, fmt.Errorf("plugin for %s (declared in %s): data:// is not valid base64: %w", id, loc.DeclaredIn, err)
			}
			path := filepath.Join(m.Store.PluginsDir(), "data", strings.TrimPrefix(digestOf(b), "sha256:")+".wasm")
			if _, err := os.Stat(path); err != nil {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					return pluginSource{}, err
				}
				if err := store.WriteFileAtomic(path, b, 0o644); err != nil {
					return pluginSource{}, err
				}
			}
			return pluginSource{kind: "file", path: path, digest: digestOf(b), label: "data://(" + digestOf(b) + ")"}, nil
		case "builtin":
			if _, ok := m.Builtins[loc.Value]; !ok {
				return pluginSource{}, fmt.Errorf("plugin for %s (declared in %s): there is no built-in plugin %q", id, loc.DeclaredIn, loc.Value)
			}
			return pluginSource{kind: loc.Kind, path: loc.Value, digest: m.builtinDigest(), label: "builtin://" + loc.Value}, nil
		case "builtin+wasm":
			if _, ok := m.Builtins[loc.Value]; !ok {
				return pluginSource{}, fmt.Errorf("plugin for %s (declared in %s): there is no built-in plugin %q", id, loc.DeclaredIn, loc.Value)
			}
			path := BuiltinWasmPath(m.Store.PluginsDir(), loc.Value)
			digest, err := digestPluginFile(path)
			if err != nil {
				return pluginSource{}, &hintErr{
					err:  fmt.Errorf("plugin for %s (declared in %s): the WASM build of built-in %q is not installed: %w", id, loc.DeclaredIn, loc.Value, err),
					hint: fmt.Sprintf("build it from a tote checkout with `tote plugin build --builtin %s --install`", loc.Value),
				}
			}
			return pluginSource{kind: "file", path: path, digest: digest, label: "builtin+wasm://" + loc.Value}, nil
		default:
			return pluginSource{}, fmt.Errorf("plugin for %s (declared in %s): %s locators are not supported yet", id, loc.DeclaredIn, loc.Kind)
		}
	}
	if _, ok := m.Builtins[id]; ok {
		if set := m.Config.Settings().BuiltinTools; !set.Allows(id) {
			return pluginSource{}, &hintErr{
				err:  fmt.Errorf("the built-in plugin of %s is turned off by settings.builtin-tools", id),
				hint: fmt.Sprintf("add %q to settings.builtin-tools, or declare a plugin for it under [plugins]", id),
			}
		}
		return pluginSource{kind: "builtin", path: id, digest: m.builtinDigest(), label: "builtin:" + id}, nil
	}
	return pluginSource{}, &UnknownToolError{ID: id, Suggest: suggest.Similar(id, m.KnownTools())}
}

// UnknownToolError is returned for a tool with no plugin.
type UnknownToolError struct {
	ID string
	// Suggest are known tools whose names are close to ID, best first.
	Suggest []string
}

func (e *UnknownToolError) Error() string {
	if len(e.Suggest) > 0 {
		return fmt.Sprintf("unknown tool %q", e.ID)
	}
	return fmt.Sprintf("unknown tool %q: no plugin is configured for it and it is not built in", e.ID)
}

// Hint says which known tool was probably meant, or how to add a plugin.
func (e *UnknownToolError) Hint() string {
	if len(e.Suggest) > 0 {
		return "did you mean " + orList(e.Suggest) + "?"
	}
	return fmt.Sprintf("add a plugin under [plugins] in .prototools, e.g. %s = \"file://./plugins/%s.wasm\"", shellquote.Quote(e.ID), strings.ReplaceAll(e.ID, "-", "_"))
}

// orList writes up to three names as "a", "a or b", "a, b or c".
func orList(names []string) string {
	if len(names) > 3 {
		names = names[:3]
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// toolSlot is one tool's entry in Manager.tools: ready is closed once the
// loader has set t or err.
type toolSlot struct {
	ready chan struct{}
	t     *Tool
	err   error
}

// Tool loads the plugin of tool id, calls register_tool, and refreshes the
// cached plugin metadata. Loaded tools are kept for the Manager's lifetime.
// Concurrent calls for one id load the plugin once; a failed load is not
// kept, so a later call tries again.
func (m *Manager) Tool(ctx context.Context, id string) (*Tool, error) {
	m.toolsMu.Lock()
	if s, ok := m.tools[id]; ok {
		m.toolsMu.Unlock()
		select {
		case <-s.ready:
			return s.t, s.err
		case <-ctx.Done():
			return nil, fmt.Errorf("load plugin for %s: %w", id, ctx.Err())
		}
	}
	s := &toolSlot{ready: make(chan struct{})}
	m.tools[id] = s
	m.toolsMu.Unlock()
	s.t, s.err = m.loadTool(ctx, id)
	if s.err != nil {
		m.toolsMu.Lock()
		if m.tools[id] == s {
			delete(m.tools, id)
		}
		m.toolsMu.Unlock()
	}
	close(s.ready)
	return s.t, s.err
}

// loadTool does the work of Tool for one id.
func (m *Manager) loadTool(ctx context.Context, id string) (*Tool, error) {
	src, err := m.findPlugin(ctx, id)
	if err != nil {
		return nil, err
	}
	table := m.Config.Tool(id)
	policy := m.execPolicy(id, table)
	var p Plugin
	switch src.kind {
	case "builtin":
		b := m.Builtins[src.path]
		if b.Exec {
			policy.allowed = true
		}
		p = m.native(id, b.Table, m.services(id, table, nil, policy))
	case sourceSchema:
		if p, err = m.loadSchema(id, src, table); err != nil {
			return nil, err
		}
	case "file":
		wasm, err := readPluginFile(src.path)
		if err != nil {
			return nil, fmt.Errorf("load plugin for %s: %w", id, err)
		}
		rt, err := m.runtime(ctx)
		if err != nil {
			return nil, err
		}
		p, err = rt.LoadBytes(ctx, wasm, runtime.LoadOptions{
			ID:           id,
			ToolID:       id,
			ToolConfig:   pluginConfig(table),
			AllowedHosts: []string{"*"},
			AllowExec:    granted(table, "exec"),
			// set_env_var as proto defines it, kept in the plugin's
			// overlay (its commands and the tool's runs see it).
			AllowEnvWrite: true,
			ExecHandler:   policy.serve,
		})
		if err != nil {
			return nil, fmt.Errorf("load plugin %s for %s: %w", src.label, id, err)
		}
	}
	p = &policyPlugin{Plugin: p, policy: policy}
	m.Logger.Debug("plugin loaded", "tool", id, "plugin", src.label)
	p = &loggedPlugin{Plugin: p, log: m.Logger}
	t := &Tool{ID: id, Plugin: p, Table: table}
	if err := p.Call(ctx, api.FuncRegisterTool, api.RegisterToolInput{ID: id}, &t.Info); err != nil {
		p.Close(ctx)
		return nil, err
	}
	if err := checkMinimumProto(id, src.label, t.Info.MinimumProtoVersion); err != nil {
		p.Close(ctx)
		return nil, err
	}
	t.Info.Type = t.Info.Type.Normalize()
	// What the plugin says about itself is printed: keep it printable.
	t.Info.Name = plaintext.Line(t.Info.Name, 0)
	for i, d := range t.Info.Deprecations {
		t.Info.Deprecations[i] = plaintext.Text(d, 0)
	}
	meta := &launch.Meta{ID: id, Name: t.Info.Name, Type: string(t.Info.Type), Source: src.label, Digest: src.digest, DefaultVersion: t.Info.DefaultVersion, SelfUpgradeCommands: t.Info.SelfUpgradeCommands}
	for _, fn := range api.ToolFunctions {
		if p.HasFunction(fn) {
			meta.Exports = append(meta.Exports, fn)
		}
	}
	old, _ := launch.ReadMeta(m.Store, id)
	if old != nil && old.Digest == meta.Digest && old.Source == meta.Source && validNames(old.VersionFiles) {
		meta.VersionFiles, meta.VersionIgnore = old.VersionFiles, old.VersionIgnore
	} else if p.HasFunction(api.FuncDetectVersionFiles) {
		var out api.DetectVersionOutput
		if err := p.Call(ctx, api.FuncDetectVersionFiles, api.DetectVersionInput{Context: m.context(id, "")}, &out); err != nil {
			p.Close(ctx)
			return nil, err
		}
		// Version files are looked for in the working directory and its
		// parents by name: one path component each, never a path.
		for _, f := range out.Files {
			if err := checkComponent(f); err != nil {
				p.Close(ctx)
				return nil, badValue(id, api.FuncDetectVersionFiles, "version file", f, err)
			}
		}
		meta.VersionFiles, meta.VersionIgnore = out.Files, out.Ignore
	}
	if err := launch.WriteMeta(m.Store, meta); err != nil {
		m.Logger.Warn("cannot cache plugin metadata", "tool", id, "err", err)
	}
	t.Meta = meta
	for _, d := range t.Info.Deprecations {
		m.Logger.Warn(d, "tool", id)
	}
	return t, nil
}

// readPluginFile reads a plugin file (a file:// locator, a cached
// download, a built-in's WASM build) with the size bound of downloaded
// plugins: a locator naming /dev/zero or a huge file is refused, never
// read whole.
func readPluginFile(path string) ([]byte, error) {
	return readlimit.File(path, plugincache.MaxSize, "plugin file")
}

// digestPluginFile is the digest of a plugin file (see [digestOf]), read
// with the bound of readPluginFile but streamed through the hash: finding
// a plugin, which every cached answer does, never holds it whole.
func digestPluginFile(path string) (string, error) {
	h := sha256.New()
	if _, err := readlimit.Copy(h, path, plugincache.MaxSize, "plugin file"); err != nil {
		return "", err
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// maxSchemaFile bounds a schema plugin file (TOML, JSON or YAML); real
// ones are a few kilobytes.
const maxSchemaFile = 16 << 20

// maxVersionFile bounds a version file (.nvmrc, go.mod, …) read for a
// plugin to parse.
const maxVersionFile = 1 << 20

// IsNotFound reports whether err means a file does not exist.
func IsNotFound(err error) bool { return errors.Is(err, os.ErrNotExist) }

func absClean(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}

// permissionsKey is the [tools.<id>] key granting a tool plugin opt-in
// capabilities, such as permissions = ["exec"]. It is tote's, so it is not
// passed to the plugin.
const permissionsKey = "permissions"

// pluginConfig is the [tools.<id>] table as the plugin sees it.
func pluginConfig(t config.ToolTable) map[string]any {
	if _, ok := t.Config[permissionsKey]; !ok {
		return t.Config
	}
	out := make(map[string]any, len(t.Config))
	for k, v := range t.Config {
		if k != permissionsKey {
			out[k] = v
		}
	}
	return out
}

// granted reports whether [tools.<id>] permissions lists capability.
func granted(t config.ToolTable, capability string) bool {
	list, _ := t.Config[permissionsKey].([]any)
	for _, v := range list {
		if s, ok := v.(string); ok && s == capability {
			return true
		}
	}
	return false
}

// digestOf is "sha256:<hex>" of b.
func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// execGrantHint says exactly where to grant exec to a tool's plugin: the
// line of its [tools.<id>] table when a file has one, else the table to add
// to the nearest .prototools.
func (m *Manager) execGrantHint(id string) string {
	if path, line, ok := m.Config.ToolSource(id); ok {
		return fmt.Sprintf("to allow it, add permissions = [\"exec\"] to [tools.%s] at %s:%d", id, path, line)
	}
	return fmt.Sprintf("to allow it, add to %s:\n  [tools.%s]\n  permissions = [\"exec\"]", config.NearestFile(m.Cwd, m.UserHome), id)
}

// loggedPlugin logs every plugin call at debug level, with its duration.
type loggedPlugin struct {
	Plugin
	log *slog.Logger
}

func (p *loggedPlugin) Call(ctx context.Context, fn string, in, out any) error {
	if !p.log.Enabled(ctx, slog.LevelDebug) {
		return p.Plugin.Call(ctx, fn, in, out)
	}
	start := time.Now()
	err := p.Plugin.Call(ctx, fn, in, out)
	d := time.Since(start).Round(10 * time.Microsecond)
	if err != nil {
		p.log.Debug("plugin call failed", "plugin", p.ID(), "function", fn, "duration", d, "err", err)
	} else {
		p.log.Debug("plugin call", "plugin", p.ID(), "function", fn, "duration", d)
	}
	return err
}

// checkMinimumProto refuses a plugin whose minimum_proto_version is newer
// than the proto contract tote speaks (api.ProtoCompatVersion), with
// proto's semantics: a minimum without a prerelease admits its own
// prereleases ("0.61.0" is compared as "0.61.0-alpha.0"); an empty
// minimum admits every host. A minimum that is not a version is refused
// too: proto fails to read such a register_tool output.
func checkMinimumProto(id, source, minimum string) error {
	minimum = strings.TrimSpace(minimum)
	if minimum == "" {
		return nil
	}
	v, err := version.Parse(minimum)
	if err != nil {
		return badValue(id, api.FuncRegisterTool, "minimum_proto_version", minimum, fmt.Errorf("is not a version: %w", err))
	}
	if v.Pre == "" {
		v.Pre = "alpha.0"
	}
	host, _ := version.Parse(api.ProtoCompatVersion)
	if host.Compare(v) < 0 {
		return fmt.Errorf("plugin %q (%s) requires proto %s or newer (minimum_proto_version), but tote speaks the plugin contract of proto %s: upgrade tote, or pin an older release of the plugin",
			id, source, plaintext.Line(minimum, 64), api.ProtoCompatVersion)
	}
	return nil
}
