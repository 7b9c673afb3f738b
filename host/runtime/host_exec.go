package runtime

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/tote-dev/tote/api"
)

// execCommand is exec_command(ExecCommandInput) -> ExecCommandOutput. It
// needs LoadOptions.AllowExec. Virtual paths in the command, cwd and paths
// are translated to real ones; the command runs under the call's context,
// so the call timeout also ends it.
func (p *Plugin) execCommand(hc *hostCall, args []uint64) (uint64, error) {
	if !p.allowExec && p.execHandler == nil {
		return 0, deny("plugin %q may not run commands (exec is not granted)", p.id)
	}
	var in api.ExecCommandInput
	if err := hc.readJSON(args[0], &in); err != nil {
		return 0, err
	}
	if in.Command == "" {
		return 0, errors.New("empty command")
	}
	if p.execHandler != nil {
		out, handled, err := p.execHandler(hc.ctx, in)
		if err != nil {
			return 0, err
		}
		if handled {
			return hc.writeJSON(out)
		}
		if !p.allowExec {
			return 0, deny("plugin %q may not run commands (exec is not granted)", p.id)
		}
	}
	env := p.childEnv(in.Env)
	if len(in.Paths) > 0 {
		dirs := make([]string, 0, len(in.Paths))
		for _, d := range in.Paths {
			dirs = append(dirs, p.realOrSelf(d))
		}
		env = prependPath(env, dirs)
	}

	dir, err := p.commandDir(in.Cwd)
	if err != nil {
		return 0, err
	}

	command := in.Command
	if strings.Contains(command, "/") {
		command = p.realOrSelf(command)
		if in.SetExecutable {
			real, err := p.setExecutablePath(in.Command)
			if err != nil {
				return 0, deny("set_executable on %s: %v", in.Command, err)
			}
			if err := p.sandbox.makeExecutable(real); errors.Is(err, errReadOnly) {
				return 0, deny("set_executable on %s: %v", in.Command, err)
			} else if err != nil {
				return 0, fmt.Errorf("set_executable on %s: %w", in.Command, err)
			}
		}
	}
	argv := append([]string{command}, in.Args...)
	if in.Shell != "" {
		argv = []string{in.Shell, "-c", shellJoin(argv)}
	}
	bin, err := lookPath(argv[0], envValue(env, "PATH"))
	if err != nil {
		return 0, fmt.Errorf("run %s: %w", argv[0], err)
	}

	cmd := exec.CommandContext(hc.ctx, bin, argv[1:]...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.WaitDelay = 2 * time.Second
	var stdout, stderr limitedBuffer
	stdout.max, stderr.max = maxCaptureBytes, maxCaptureBytes
	if in.Stream {
		cmd.Stdin = os.Stdin
		cmd.Stdout, cmd.Stderr = p.rt.cfg.stdout, p.rt.cfg.stderr
	} else {
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
	}
	p.logger.Debug("exec_command", "command", bin, "args", argv[1:], "dir", dir)
	out := api.ExecCommandOutput{Command: in.Command, Streamed: in.Stream}
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return 0, fmt.Errorf("run %s: %w", bin, err)
		}
		if hc.ctx.Err() != nil {
			return 0, fmt.Errorf("run %s: %w", bin, hc.ctx.Err())
		}
		out.ExitCode = exitErr.ExitCode()
	}
	out.Stdout, out.Stderr = stdout.String(), stderr.String()
	return hc.writeJSON(out)
}

// realOrSelf translates a virtual path inside the mounts and returns any
// other path unchanged (it is then a real path or a bare command name).
func (p *Plugin) realOrSelf(path string) string {
	if strings.HasPrefix(path, "/") {
		if real, err := p.mounts.ToReal(path); err == nil {
			return real
		}
	}
	return path
}

// commandDir returns the real working directory of a command: the
// translated cwd input, else the real directory of /cwd, else tote's own.
func (p *Plugin) commandDir(cwd *api.VirtualPath) (string, error) {
	if cwd != nil && cwd.Path != "" {
		real, err := p.mounts.ToReal(cwd.Path)
		if err != nil {
			return "", deny("working directory: %v", err)
		}
		if err := p.sandbox.statDir(real); err != nil {
			return "", deny("working directory %s: %v", cwd.Path, err)
		}
		return real, nil
	}
	if d, ok := p.mounts.Map()[api.VirtualCwd]; ok {
		return d, nil
	}
	return os.Getwd()
}

// setExecutablePath returns the host path of set_executable's command: a
// virtual path, or (as proto's plugins pass real_path()) a real path inside
// the mounts. Whether the plugin may change it is the sandbox's to say: only
// beneath a writable directory.
func (p *Plugin) setExecutablePath(command string) (string, error) {
	if real, err := p.mounts.ToReal(command); err == nil {
		return real, nil
	}
	real, err := filepath.Abs(command)
	if err != nil {
		return "", err
	}
	real = filepath.Clean(real)
	if _, ok := p.mounts.ToVirtual(real); !ok {
		return "", fmt.Errorf("%s is outside every mount", command)
	}
	return real, nil
}

func envValue(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

func prependPath(env []string, dirs []string) []string {
	cur := envValue(env, "PATH")
	val := strings.Join(dirs, string(os.PathListSeparator))
	if cur != "" {
		val += string(os.PathListSeparator) + cur
	}
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, "PATH=") {
			out = append(out, kv)
		}
	}
	return append(out, "PATH="+val)
}

// lookPath finds name on the given PATH value (not tote's own), like
// exec.LookPath.
func lookPath(name, pathEnv string) (string, error) {
	if strings.Contains(name, "/") {
		if fi, err := os.Stat(name); err != nil {
			return "", err
		} else if fi.IsDir() || fi.Mode()&0o111 == 0 {
			return "", fmt.Errorf("%s is not an executable file", name)
		}
		return name, nil
	}
	for _, dir := range filepath.SplitList(pathEnv) {
		if dir == "" {
			dir = "."
		}
		cand := filepath.Join(dir, name)
		if fi, err := os.Stat(cand); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return cand, nil
		}
	}
	return "", fmt.Errorf("%q: %w", name, exec.ErrNotFound)
}

// shellJoin quotes words for a POSIX shell.
func shellJoin(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		if w != "" && strings.IndexFunc(w, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r))
		}) < 0 {
			q[i] = w
			continue
		}
		q[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}

// limitedBuffer keeps at most max bytes and drops the rest.
type limitedBuffer struct {
	bytes.Buffer
	max       int
	truncated bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room < len(p) {
		b.truncated = true
		if room > 0 {
			b.Buffer.Write(p[:room])
		}
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

var _ io.Writer = (*limitedBuffer)(nil)
