// Package hosttest is a pluginhost.Host for the unit tests of built-in
// cores: Fetch answers from a map of URLs and records what was fetched,
// Exec is refused unless a function is given, and logs are kept.
package hosttest

import (
	"context"
	"errors"
	"os"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// Host is a fake pluginhost.Host.
type Host struct {
	// ID is the tool id.
	ID string
	// HostEnv is the machine the plugin is told about.
	HostEnv api.HostEnvironment
	// Config is the [tools.<id>] table as JSON ("" means {}).
	Config string
	// Pages maps URLs to bodies.
	Pages map[string]string
	// Files maps URLs to files whose content is the body, read at each
	// fetch. A URL in neither map answers 404.
	Files map[string]string
	// Fetched records every URL fetched, in order.
	Fetched []string
	// Logs records "level: message" lines.
	Logs []string
	// Written records WriteFile calls: path → data.
	Written map[string][]byte
	// ExecFn runs commands; nil refuses them as permission-denied.
	ExecFn func(api.ExecCommandInput) (api.ExecCommandOutput, error)
	// Vars are the environment variables GetEnv reads.
	Vars map[string]string
}

var _ pluginhost.Host = (*Host)(nil)

// Env returns HostEnv.
func (h *Host) Env() api.HostEnvironment { return h.HostEnv }

// ToolID returns ID.
func (h *Host) ToolID() string { return h.ID }

// ToolConfig returns Config, or {}.
func (h *Host) ToolConfig() []byte {
	if h.Config == "" {
		return []byte("{}")
	}
	return []byte(h.Config)
}

// Fetch answers from Pages, then Files, worded like the real hosts' 404.
func (h *Host) Fetch(ctx context.Context, url string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	h.Fetched = append(h.Fetched, url)
	if body, ok := h.Pages[url]; ok {
		return []byte(body), nil
	}
	if path, ok := h.Files[url]; ok {
		return os.ReadFile(path)
	}
	return nil, pluginhost.Errorf("fetch %s: HTTP status 404", url)
}

// Exec runs ExecFn, or refuses.
func (h *Host) Exec(ctx context.Context, in api.ExecCommandInput) (api.ExecCommandOutput, error) {
	if err := ctx.Err(); err != nil {
		return api.ExecCommandOutput{}, err
	}
	if h.ExecFn == nil {
		return api.ExecCommandOutput{}, errors.New(api.PermissionDenied)
	}
	return h.ExecFn(in)
}

// GetEnv returns Vars[name].
func (h *Host) GetEnv(name string) string { return h.Vars[name] }

// Log records the message.
func (h *Host) Log(level api.LogTarget, msg string) {
	h.Logs = append(h.Logs, string(level)+": "+msg)
}

var _ pluginhost.FileWriter = (*Host)(nil)

// WriteFile records the file in Written.
func (h *Host) WriteFile(ctx context.Context, path string, data []byte) error {
	if h.Written == nil {
		h.Written = map[string][]byte{}
	}
	h.Written[path] = append([]byte(nil), data...)
	return nil
}
