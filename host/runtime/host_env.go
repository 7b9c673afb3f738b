package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/plaintext"
)

// getEnvVar is get_env_var(name) -> value: the plugin's overlay first, then
// tote's environment; "" when unset.
func (p *Plugin) getEnvVar(hc *hostCall, args []uint64) (uint64, error) {
	if !p.allowEnvR {
		return 0, deny("plugin %q may not read environment variables (env-read is not granted)", p.id)
	}
	name, err := hc.readString(args[0])
	if err != nil {
		return 0, err
	}
	if name == "" {
		return 0, errors.New("empty variable name")
	}
	p.envMu.Lock()
	v, ok := p.env[name]
	p.envMu.Unlock()
	switch {
	case !ok:
		v = os.Getenv(name)
	case name == "PATH" && os.Getenv("PATH") != "":
		v = os.Getenv("PATH") + string(os.PathListSeparator) + v
	}
	return hc.write([]byte(v))
}

// setEnvVar is set_env_var(name, value): it sets the variable in the
// plugin's overlay only.
func (p *Plugin) setEnvVar(hc *hostCall, args []uint64) (uint64, error) {
	if !p.allowEnvW {
		return 0, deny("plugin %q may not set environment variables (env-write is not granted)", p.id)
	}
	name, err := hc.readString(args[0])
	if err != nil {
		return 0, err
	}
	value, err := hc.readString(args[1])
	if err != nil {
		return 0, err
	}
	if name == "" || strings.ContainsAny(name, "=\x00") {
		return 0, fmt.Errorf("invalid variable name %q", name)
	}
	if name == "PATH" {
		// As in proto: PATH entries are appended to the search path (the
		// overlay keeps them apart from tote's PATH), ':' or ';' separated,
		// virtual ones translated to real paths.
		var dirs []string
		for _, d := range strings.FieldsFunc(value, func(r rune) bool { return r == ':' || r == ';' }) {
			dirs = append(dirs, p.realOrSelf(d))
		}
		p.envMu.Lock()
		if old := p.env[name]; old != "" {
			dirs = append(strings.Split(old, string(os.PathListSeparator)), dirs...)
		}
		p.env[name] = strings.Join(dirs, string(os.PathListSeparator))
		p.envMu.Unlock()
		return 0, nil
	}
	p.envMu.Lock()
	p.env[name] = value
	p.envMu.Unlock()
	return 0, nil
}

// childEnv returns the environment of a command run for the plugin: tote's
// environment, then the plugin's overlay, then extra, where a name ending in
// "?" is set only when not already set and a name ending in "!" is removed.
func (p *Plugin) childEnv(extra map[string]string) []string {
	env := map[string]string{}
	var order []string
	set := func(k, v string) {
		if _, ok := env[k]; !ok {
			order = append(order, k)
		}
		env[k] = v
	}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			set(k, v)
		}
	}
	// A command the plugin runs through tote (a shim) uses the same
	// $TOTE_HOME as the host, even when the host's came from elsewhere
	// than the environment.
	if home, ok := p.mounts.Map()[api.VirtualProto]; ok && home != "" {
		set("TOTE_HOME", home)
	}
	for k, v := range p.EnvOverlay() {
		if k == "PATH" {
			// Appended, as set_env_var("PATH") means in proto.
			if cur := env["PATH"]; cur != "" {
				v = cur + string(os.PathListSeparator) + v
			}
		}
		set(k, v)
	}
	for k, v := range extra {
		switch {
		case strings.HasSuffix(k, "!"):
			delete(env, strings.TrimSuffix(k, "!"))
		case strings.HasSuffix(k, "?"):
			if _, ok := env[strings.TrimSuffix(k, "?")]; !ok {
				set(strings.TrimSuffix(k, "?"), v)
			}
		default:
			set(k, v)
		}
	}
	out := make([]string, 0, len(env))
	for _, k := range order {
		if v, ok := env[k]; ok {
			out = append(out, k+"="+v)
		}
	}
	return out
}

// hostLog is host_log(input): the message goes to the configured logger
// at the level named by its target, or to the stdout/stderr writers.
// Messages are truncated to 16 KiB and at most 1000 are accepted per call.
func (p *Plugin) hostLog(hc *hostCall, args []uint64) (uint64, error) {
	// Count before reading, so a flood past the limit costs the host
	// nothing: the dropped messages are never copied out of plugin memory.
	p.logCount++
	if p.logCount > maxLogsPerCall {
		if p.logCount == maxLogsPerCall+1 {
			p.logger.Warn("plugin logs too much; dropping its further messages in this call", "limit", maxLogsPerCall)
		}
		return 0, nil
	}
	var in api.HostLogInput
	if err := hc.readJSON(args[0], &in); err != nil {
		return 0, err
	}
	// Printed to the terminal: capped, control characters escaped.
	msg := plaintext.Text(in.Message, maxLogMessage)
	switch in.Target {
	case api.LogStdout:
		fmt.Fprintln(p.rt.cfg.stdout, msg)
		return 0, nil
	case api.LogStderr:
		fmt.Fprintln(p.rt.cfg.stderr, msg)
		return 0, nil
	}
	level := slog.LevelDebug - 4 // trace
	switch in.Target {
	case api.LogError:
		level = slog.LevelError
	case api.LogWarn:
		level = slog.LevelWarn
	case api.LogInfo:
		level = slog.LevelInfo
	case api.LogDebug:
		level = slog.LevelDebug
	}
	var attrs []slog.Attr
	if len(in.Data) > 0 {
		data := make([]any, 0, 2*len(in.Data))
		for k, v := range in.Data {
			data = append(data, k, v)
		}
		attrs = append(attrs, slog.Group("data", data...))
	}
	p.logger.LogAttrs(context.WithoutCancel(hc.ctx), level, msg, attrs...)
	return 0, nil
}

// pathArg decodes a path argument: proto sends a plain string, but a JSON
// string or VirtualPath object is accepted too.
func pathArg(s string) string {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "{") || strings.HasPrefix(t, `"`) {
		var vp api.VirtualPath
		if json.Unmarshal([]byte(t), &vp) == nil {
			return vp.Path
		}
	}
	return s
}

// fromVirtualPath is from_virtual_path(virtual) -> real.
func (p *Plugin) fromVirtualPath(hc *hostCall, args []uint64) (uint64, error) {
	s, err := hc.readString(args[0])
	if err != nil {
		return 0, err
	}
	real, err := p.mounts.ToReal(pathArg(s))
	if err != nil {
		return 0, err
	}
	return hc.write([]byte(real))
}

// toVirtualPath is to_virtual_path(real) -> virtual.
func (p *Plugin) toVirtualPath(hc *hostCall, args []uint64) (uint64, error) {
	s, err := hc.readString(args[0])
	if err != nil {
		return 0, err
	}
	real := pathArg(s)
	v, ok := p.mounts.ToVirtual(real)
	if !ok {
		return 0, fmt.Errorf("real path %q is outside every mount", real)
	}
	return hc.write([]byte(v))
}
