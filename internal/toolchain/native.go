package toolchain

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// nativeHost serves a native built-in the way the runtime's host functions
// serve a WASM plugin: the same rewrites, the same exec grant.
type nativeHost struct {
	m         *Manager
	id        string
	config    []byte
	allowExec bool
	policy    *execPolicy
}

var _ pluginhost.Host = (*nativeHost)(nil)

func (m *Manager) nativeHost(id string, table config.ToolTable, policy *execPolicy) *nativeHost {
	cfg, err := json.Marshal(pluginConfig(table))
	if err != nil || len(pluginConfig(table)) == 0 {
		cfg = []byte("{}")
	}
	return &nativeHost{m: m, id: id, config: cfg, allowExec: granted(table, "exec"), policy: policy}
}

func (h *nativeHost) Env() api.HostEnvironment { return h.m.HostEnv() }
func (h *nativeHost) ToolID() string           { return h.id }
func (h *nativeHost) ToolConfig() []byte       { return h.config }
func (h *nativeHost) GetEnv(name string) string {
	return os.Getenv(name)
}

func (h *nativeHost) Log(level api.LogTarget, msg string) {
	l := h.m.Logger.With("plugin", h.id)
	switch level {
	case api.LogError:
		l.Error(msg)
	case api.LogWarn:
		l.Warn(msg)
	case api.LogInfo:
		l.Info(msg)
	default:
		l.Debug(msg)
	}
}

// Fetch GETs url after url-rewrites, bounded to 256 MiB.
func (h *nativeHost) Fetch(ctx context.Context, url string) ([]byte, error) {
	url = h.m.RewriteURL(url)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := h.m.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, pluginhost.Errorf("fetch %s: HTTP status %d", url, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", url, err)
	}
	return body, nil
}

var _ pluginhost.FileWriter = (*nativeHost)(nil)

// WriteFile writes a file for the plugin inside its own temp directory
// ($TOTE_HOME/temp/<id>), the one place a native built-in may write (as a
// WASM plugin may write its /temp mount): temp file, then rename.
func (h *nativeHost) WriteFile(ctx context.Context, path string, data []byte) error {
	real, err := h.m.mounts.Resolve(path)
	if err != nil {
		return fmt.Errorf("%s: write %s: %v", api.PermissionDenied, path, err)
	}
	own := filepath.Join(h.m.Store.TempDir(), h.id)
	if rel, err := filepath.Rel(own, real); err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return fmt.Errorf("%s: write %s: a plugin may write only in its temp directory", api.PermissionDenied, path)
	}
	if err := os.MkdirAll(filepath.Dir(real), 0o755); err != nil {
		return err
	}
	tmp := real + ".part"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, real)
}

// Exec runs a command when [tools.<id>] permissions grants "exec".
func (h *nativeHost) Exec(ctx context.Context, in api.ExecCommandInput) (api.ExecCommandOutput, error) {
	if _, ok := parseLsRemote(in); ok && h.m.LsRemote != nil {
		out, _, err := h.policy.serve(ctx, in)
		return out, err
	}
	if !h.allowExec {
		return api.ExecCommandOutput{}, fmt.Errorf("%s: exec_command is not granted to %s; add permissions = [\"exec\"] under [tools.%s]", api.PermissionDenied, h.id, h.id)
	}
	command := in.Command
	if strings.HasPrefix(command, "/") {
		if real, err := h.m.mounts.ToReal(command); err == nil {
			command = real
		}
	}
	if in.SetExecutable {
		real, err := h.m.mounts.Resolve(in.Command)
		if err != nil {
			return api.ExecCommandOutput{}, fmt.Errorf("%s: set_executable on %s: %v", api.PermissionDenied, in.Command, err)
		}
		if fi, err := os.Stat(real); err == nil {
			os.Chmod(real, fi.Mode()|0o111)
		}
	}
	cmd := exec.CommandContext(ctx, command, in.Args...)
	if in.Cwd != nil {
		dir, err := h.m.real(h.id, in.Cwd.Path)
		if err != nil {
			return api.ExecCommandOutput{}, err
		}
		cmd.Dir = dir
	}
	// Commands run through tote (a shim) use the host's $TOTE_HOME.
	env := append(os.Environ(), "TOTE_HOME="+h.m.Store.Home)
	for k, v := range in.Env {
		switch {
		case strings.HasSuffix(k, "!"):
			env = append(env, strings.TrimSuffix(k, "!")+"=")
		case strings.HasSuffix(k, "?"):
			if _, ok := os.LookupEnv(strings.TrimSuffix(k, "?")); !ok {
				env = append(env, strings.TrimSuffix(k, "?")+"="+v)
			}
		default:
			env = append(env, k+"="+v)
		}
	}
	if len(in.Paths) > 0 {
		var dirs []string
		for _, d := range in.Paths {
			if r, err := h.m.mounts.ToReal(d); err == nil {
				d = r
			}
			dirs = append(dirs, d)
		}
		path := strings.Join(append(dirs, os.Getenv("PATH")), string(os.PathListSeparator))
		env = append(env, "PATH="+path)
		// The command is looked up on the PATH the child gets, as the
		// WASM host does.
		if !strings.ContainsAny(command, `/\`) {
			for _, d := range filepath.SplitList(path) {
				if p, err := exec.LookPath(filepath.Join(d, command)); err == nil {
					cmd.Path, cmd.Err = p, nil
					break
				}
			}
		}
	}
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if in.Stream {
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	}
	err := cmd.Run()
	out := api.ExecCommandOutput{Command: in.Command, Stdout: stdout.String(), Stderr: stderr.String(), Streamed: in.Stream}
	if ee, ok := err.(*exec.ExitError); ok {
		out.ExitCode = ee.ExitCode()
		return out, nil
	}
	return out, err
}
