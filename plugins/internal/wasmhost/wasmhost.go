//go:build wasip1

// Package wasmhost runs a built-in's core inside WebAssembly: it implements
// pluginhost.Host with the SDK's host functions and serves a Table's
// functions as Extism exports.
package wasmhost

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"

	"github.com/extism/go-pdk"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// Host is the SDK-backed pluginhost.Host.
type Host struct{}

var (
	_ pluginhost.Host       = Host{}
	_ pluginhost.Configurer = Host{}
	_ pluginhost.FileWriter = Host{}
)

// WriteFile writes through WASI: the host mounts only what the plugin may
// see, read-only where it may not write.
func (Host) WriteFile(_ context.Context, path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o755)
}

// Env returns the injected host environment.
func (Host) Env() api.HostEnvironment { return sdk.HostEnvironment() }

// ToolID returns the injected tool id.
func (Host) ToolID() string { return sdk.ToolID() }

// ToolConfig returns the injected [tools.<id>] JSON.
func (Host) ToolConfig() []byte {
	if v, ok := pdk.GetConfig(api.ConfigToolConfig); ok && v != "" {
		return []byte(v)
	}
	return []byte("{}")
}

// Config reads an injected config value (such as api.ConfigSchema).
func (Host) Config(key string) (string, bool) { return pdk.GetConfig(key) }

// Fetch GETs through send_request. The guest has no context of its own:
// the host function runs under the plugin call's deadline.
func (Host) Fetch(_ context.Context, url string) ([]byte, error) {
	resp, err := sdk.Fetch(url)
	if err != nil {
		return nil, err
	}
	if resp.Status < 200 || resp.Status > 299 {
		return nil, pluginhost.Errorf("fetch %s: HTTP status %d", url, resp.Status)
	}
	return resp.Body, nil
}

// Exec runs exec_command.
func (Host) Exec(_ context.Context, in api.ExecCommandInput) (api.ExecCommandOutput, error) {
	return sdk.Exec(in)
}

// GetEnv reads get_env_var.
func (Host) GetEnv(name string) string { return sdk.GetEnv(name) }

// Log writes through host_log.
func (Host) Log(level api.LogTarget, msg string) {
	switch level {
	case api.LogError:
		sdk.Error("%s", msg)
	case api.LogWarn:
		sdk.Warn("%s", msg)
	case api.LogInfo:
		sdk.Info("%s", msg)
	case api.LogDebug:
		sdk.Debug("%s", msg)
	default:
		sdk.Trace("%s", msg)
	}
}

// Serve runs table[fn] on the call's input and writes its output: the body
// of every //go:wasmexport of a built-in's WASM adapter.
func Serve(table pluginhost.Table, fn string) int32 {
	f, ok := table[fn]
	if !ok {
		pdk.SetErrorString("the plugin does not export " + fn)
		return 1
	}
	out, err := f(context.Background(), Host{}, pdk.Input())
	if err != nil {
		var pe *pluginhost.Error
		if errors.As(err, &pe) {
			pdk.SetErrorString(pe.Msg)
		} else {
			pdk.SetErrorString(err.Error())
		}
		return 1
	}
	if !json.Valid(out) {
		pdk.SetErrorString("invalid output")
		return 1
	}
	pdk.Output(out)
	return 0
}
