package services

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/plaintext"
)

// LookupEnv is get_env_var: the plugin's overlay first, then tote's
// environment; "" when unset. It needs env-read (granted unless
// Options.AllowEnvRead points at false). Errors are *Error of
// FuncGetEnvVar.
func (s *Services) LookupEnv(name string) (string, error) {
	if err := s.CheckEnvRead(); err != nil {
		return "", err
	}
	if name == "" {
		return "", fail(FuncGetEnvVar, errors.New("empty variable name"))
	}
	s.envMu.Lock()
	v, ok := s.env[name]
	s.envMu.Unlock()
	base := ""
	for _, kv := range s.environ() {
		if k, val, found := strings.Cut(kv, "="); found && k == name {
			base = val
		}
	}
	switch {
	case !ok:
		return base, nil
	case name == "PATH" && base != "":
		// The overlay's PATH holds only what the plugin appended.
		return base + string(os.PathListSeparator) + v, nil
	}
	return v, nil
}

// CheckEnvRead returns the denial of get_env_var when env-read is not
// granted, nil otherwise.
func (s *Services) CheckEnvRead() error {
	if !s.allowEnvR {
		return fail(FuncGetEnvVar, deny("plugin %q may not read environment variables (env-read is not granted)", s.id))
	}
	return nil
}

// CheckEnvWrite returns the denial of set_env_var when env-write is not
// granted, nil otherwise.
func (s *Services) CheckEnvWrite() error {
	if !s.allowEnvW {
		return fail(FuncSetEnvVar, deny("plugin %q may not set environment variables (env-write is not granted)", s.id))
	}
	return nil
}

// GetEnv is LookupEnv for a built-in's core: a denied or invalid read is
// logged and reads as "".
func (s *Services) GetEnv(name string) string {
	v, err := s.LookupEnv(name)
	if err != nil {
		s.logger.Debug("get_env_var refused", "name", name, "err", err)
	}
	return v
}

// SetEnv is set_env_var: it sets a variable in the plugin's overlay only
// (tote's environment never changes); it needs env-write. As in proto,
// PATH is appended to: its value is a list of directories separated by ':'
// or ';', virtual ones translated to real paths, added after what the
// plugin appended before (and after tote's PATH, for LookupEnv and the
// commands it runs). Errors are *Error of FuncSetEnvVar.
func (s *Services) SetEnv(name, value string) error {
	if err := s.CheckEnvWrite(); err != nil {
		return err
	}
	if name == "" || strings.ContainsAny(name, "=\x00") {
		return fail(FuncSetEnvVar, fmt.Errorf("invalid variable name %q", name))
	}
	s.envMu.Lock()
	defer s.envMu.Unlock()
	if name == "PATH" {
		var dirs []string
		if old := s.env[name]; old != "" {
			dirs = strings.Split(old, string(os.PathListSeparator))
		}
		for _, d := range strings.FieldsFunc(value, func(r rune) bool { return r == ':' || r == ';' }) {
			dirs = append(dirs, s.realOrSelf(d))
		}
		s.env[name] = strings.Join(dirs, string(os.PathListSeparator))
		return nil
	}
	s.env[name] = value
	return nil
}

// EnvOverlay returns the variables the plugin set with SetEnv. They apply
// to the plugin's own view (LookupEnv), to the commands it runs, and are
// meant for the tool's child processes. PATH holds only the directories the
// plugin appended (real paths), joined by the OS list separator.
func (s *Services) EnvOverlay() map[string]string {
	s.envMu.Lock()
	defer s.envMu.Unlock()
	return maps.Clone(s.env)
}

// ChildEnv returns the environment of a command run for the plugin: tote's
// environment with TOTE_HOME set to the /proto mount, then the plugin's
// overlay, then extra, where a name ending
// in "?" is set only when not already set (in the environment built so
// far) and a name ending in "!" removes the variable. Names are kept in
// first-seen order.
func (s *Services) ChildEnv(extra map[string]string) []string {
	env := map[string]string{}
	var order []string
	set := func(k, v string) {
		if _, ok := env[k]; !ok {
			order = append(order, k)
		}
		env[k] = v
	}
	for _, kv := range s.environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			set(k, v)
		}
	}
	// A command the plugin runs through tote (a shim) uses the same
	// $TOTE_HOME as the host, even when the host's came from elsewhere than
	// the environment.
	if home, ok := s.mounts.Map()[api.VirtualProto]; ok && home != "" {
		set("TOTE_HOME", home)
	}
	for k, v := range s.EnvOverlay() {
		if k == "PATH" {
			// Appended, as set_env_var("PATH") means in proto.
			if cur := env["PATH"]; cur != "" {
				v = cur + string(os.PathListSeparator) + v
			}
		}
		set(k, v)
	}
	// Removals first, then conditional sets, then plain sets: the result
	// does not depend on map order.
	for k := range extra {
		if name, ok := strings.CutSuffix(k, "!"); ok {
			delete(env, name)
		}
	}
	for k, v := range extra {
		if name, ok := strings.CutSuffix(k, "?"); ok {
			if _, present := env[name]; !present {
				set(name, v)
			}
		}
	}
	for k, v := range extra {
		if !strings.HasSuffix(k, "!") && !strings.HasSuffix(k, "?") {
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

// HostLog is host_log: the stdout and stderr targets print the message, the
// others log it at their level (trace is slog.LevelDebug-4) with in.Data as
// a "data" group. The message is capped at Limits.MaxLogMessage and its
// control characters are made visible (host/plaintext): it may reach a
// terminal.
func (s *Services) HostLog(ctx context.Context, in api.HostLogInput) {
	msg := plaintext.Text(in.Message, s.limits.MaxLogMessage)
	switch in.Target {
	case api.LogStdout:
		fmt.Fprintln(s.stdout, msg)
		return
	case api.LogStderr:
		fmt.Fprintln(s.stderr, msg)
		return
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
	s.logger.LogAttrs(context.WithoutCancel(ctx), level, msg, attrs...)
}

// Log is HostLog for a built-in's core: one message at a level.
func (s *Services) Log(level api.LogTarget, msg string) {
	s.HostLog(context.Background(), api.HostLogInput{Message: msg, Target: level})
}

// ToReal is from_virtual_path: the real path behind a virtual one inside
// the mounts. Errors are *Error of FuncFromVirtual.
func (s *Services) ToReal(virtual string) (string, error) {
	real, err := s.mounts.ToReal(virtual)
	return real, fail(FuncFromVirtual, err)
}

// ToVirtual is to_virtual_path: the virtual path of a real one. Errors are
// *Error of FuncToVirtual.
func (s *Services) ToVirtual(real string) (string, error) {
	v, ok := s.mounts.ToVirtual(real)
	if !ok {
		return "", fail(FuncToVirtual, fmt.Errorf("real path %q is outside every mount", real))
	}
	return v, nil
}
