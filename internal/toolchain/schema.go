package toolchain

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/plugincache"
	"github.com/tote-dev/tote/internal/readlimit"
	"github.com/tote-dev/tote/plugins/schema"
	"github.com/tote-dev/tote/plugins/schema/schemafile"
)

// Plugin source kinds added for schema plugins and remote locators.
const (
	// sourceSchema is a schema file (TOML/JSON/YAML) served by the built-in
	// schema plugin.
	sourceSchema = "schema"
)

// PluginCache returns the download cache of remote plugins
// ($TOTE_HOME/plugins), honouring url-rewrites, offline mode, how long a
// fetched plugin is reused (TOTE_PLUGIN_CACHE_TTL, a Go duration; else
// proto's [settings] cache-duration in seconds, 0 fetching every time;
// else 7 days) and GITHUB_TOKEN.
func (m *Manager) PluginCache() *plugincache.Cache {
	c := &plugincache.Cache{
		Dir:         m.Store.PluginsDir(),
		HTTP:        m.HTTP,
		Rewrite:     m.RewriteURL,
		Offline:     m.Offline(),
		GitHubToken: os.Getenv("GITHUB_TOKEN"),
		GitHubAPI:   os.Getenv("TOTE_GITHUB_API"),
		Logger:      m.Logger,
	}
	m.mirrorPlugins(c)
	if d := m.Config.Settings().CacheDuration; d != nil {
		c.TTL = *d
		if c.TTL == 0 {
			c.TTL = -1 // proto: 0 re-downloads plugins every time
		}
	}
	if v := os.Getenv("TOTE_PLUGIN_CACHE_TTL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			m.Logger.Warn("ignoring TOTE_PLUGIN_CACHE_TTL: want a positive duration such as 24h", "value", v)
		} else {
			c.TTL = d
		}
	}
	return c
}

// findSchemaOrRemote handles the locators that the built-in switch of
// findPlugin does not: a file:// locator of a schema file, and remote
// locators, which are fetched into the plugin cache first. ok is false for
// every other locator.
func (m *Manager) findSchemaOrRemote(ctx context.Context, loc config.Locator) (src pluginSource, ok bool, err error) {
	switch {
	case loc.Kind == config.LocatorFile && schemafile.IsSchemaFile(loc.Value):
		b, err := readlimit.File(loc.Value, maxSchemaFile, "schema plugin file")
		if err != nil {
			return pluginSource{}, true, fmt.Errorf("plugin for %s (%s, declared in %s): %w", loc.ID, loc.Value, loc.DeclaredIn, err)
		}
		return pluginSource{kind: sourceSchema, path: loc.Value, digest: digestOf(b), label: "file://" + loc.Value}, true, nil
	case plugincache.Remote(loc.Kind):
		e, err := m.PluginCache().Get(ctx, loc, plugincache.Options{})
		if err != nil {
			return pluginSource{}, true, err
		}
		kind := "file"
		switch e.Ext() {
		case ".wasm":
		case ".toml", ".json", ".jsonc", ".yaml", ".yml":
			kind = sourceSchema
		default:
			return pluginSource{}, true, fmt.Errorf("plugin %s (declared in %s): %s is neither a .wasm nor a schema file", loc.Raw, loc.DeclaredIn, e.Name)
		}
		return pluginSource{kind: kind, path: e.Path, digest: e.Digest, label: loc.Raw, name: e.Name}, true, nil
	}
	return pluginSource{}, false, nil
}

// loadSchema parses a schema file and serves it with the built-in schema
// plugin's native build, with url-rewrites applied to resolve.git-url.
// Schemas that resolve versions from Git tags are
// granted exec_command, which the core uses only to run
// `git ls-remote --tags` on the schema's git-url.
func (m *Manager) loadSchema(id string, src pluginSource, table config.ToolTable) (Plugin, error) {
	data, err := readlimit.File(src.path, maxSchemaFile, "schema plugin file")
	if err != nil {
		return nil, fmt.Errorf("load plugin %s for %s: %w", src.label, id, err)
	}
	name := src.path
	if src.name != "" {
		name = src.name
	}
	res, err := schemafile.Parse(name, data)
	if err != nil {
		return nil, fmt.Errorf("load plugin %s for %s: %w", src.label, id, err)
	}
	for _, w := range res.Warnings {
		m.Logger.Warn(w, "tool", id)
	}
	// url-rewrites apply to the Git repository too (git reads a rewritten
	// http(s) mirror of it over the dumb or smart HTTP protocol); the
	// host's own ls-remote applies them itself.
	if g := res.Schema.Resolve.GitURL; g != "" && m.LsRemote == nil {
		if rw := m.RewriteURL(g); rw != g {
			res.Schema.Resolve.GitURL = rw
			if res.JSON, err = json.Marshal(res.Schema); err != nil {
				return nil, fmt.Errorf("load plugin %s for %s: %w", src.label, id, err)
			}
		}
	}
	policy := m.execPolicy(id, table)
	if res.Schema.NeedsExec() && m.LsRemote == nil {
		// Without the host's ls-remote, git itself lists the tags.
		policy.allowed = true
	}
	h := m.services(id, table, map[string]string{api.ConfigSchema: string(res.JSON)}, policy)
	return m.native(id, schema.Table, h), nil
}
