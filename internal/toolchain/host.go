package toolchain

import (
	"encoding/json"

	"github.com/tote-dev/tote/host/services"
	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// services returns the host services of tool id's native built-in: the
// same type, under the same policy, as the host functions of a WASM plugin
// (url-rewrites, allow-list, limits, exec grant, environment rules).
// hostConfig are injected config values (the schema plugin's schema);
// policy sees every exec_command first (git ls-remote in the host, the
// exec grant), as it does for a WASM plugin.
func (m *Manager) services(id string, table config.ToolTable, hostConfig map[string]string, policy *execPolicy) *services.Services {
	cfg := []byte("{}")
	if pc := pluginConfig(table); len(pc) > 0 {
		if b, err := json.Marshal(pc); err == nil {
			cfg = b
		}
	}
	stdout, stderr := m.RuntimeConfig.Output()
	return services.New(services.Options{
		PluginID:      id,
		ToolID:        id,
		ToolConfig:    cfg,
		Config:        hostConfig,
		DetectHostEnv: m.HostEnv,
		Mounts:        m.mounts,
		HTTPClient:    m.HTTP,
		Rewrite:       m.RewriteURL,
		AllowedHosts:  []string{"*"},
		AllowExec:     policy.allowed,
		ExecHandler:   policy.serve,
		Logger:        m.Logger,
		Stdout:        stdout,
		Stderr:        stderr,
		Limits:        m.RuntimeConfig.Limits(),
	})
}

// native serves a built-in's table with the host services, bounded per call
// like a WASM call.
func (m *Manager) native(id string, table pluginhost.Table, h *services.Services) *pluginhost.Native {
	return &pluginhost.Native{PluginID: id, Table: table, Host: h, Timeout: m.RuntimeConfig.CallTimeout()}
}

var (
	_ pluginhost.Host       = (*services.Services)(nil)
	_ pluginhost.Configurer = (*services.Services)(nil)
	_ pluginhost.FileWriter = (*services.Services)(nil)
)
