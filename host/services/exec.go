package services

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/tote-dev/tote/api"
)

// Exec is exec_command: Options.ExecHandler sees the call first; then it
// needs Options.AllowExec. Virtual paths in the
// command, cwd and paths are translated to real ones (a cwd outside the
// mounts is denied); the environment is tote's, then the plugin's overlay,
// then in.Env (see ChildEnv); the command is looked up on the child's PATH,
// not tote's. It runs under ctx and Limits.ExecTimeout, its captured
// output is capped at Limits.MaxCaptureBytes per stream, and a child that
// keeps its pipes open is cut off 2 s after it is killed. A non-zero exit
// is an answer (ExitCode), not an error. Errors are *Error of
// FuncExecCommand.
func (s *Services) Exec(ctx context.Context, in api.ExecCommandInput) (api.ExecCommandOutput, error) {
	out, err := s.exec(ctx, in)
	return out, fail(FuncExecCommand, err)
}

func (s *Services) exec(ctx context.Context, in api.ExecCommandInput) (api.ExecCommandOutput, error) {
	if !s.allowExec && s.execHandler == nil {
		return api.ExecCommandOutput{}, deny("plugin %q may not run commands (exec is not granted)", s.id)
	}
	if in.Command == "" {
		return api.ExecCommandOutput{}, errors.New("empty command")
	}
	if s.execHandler != nil {
		out, handled, err := s.execHandler(ctx, in)
		if err != nil || handled {
			return out, err
		}
		if !s.allowExec {
			return api.ExecCommandOutput{}, deny("plugin %q may not run commands (exec is not granted)", s.id)
		}
	}
	env := s.ChildEnv(in.Env)
	if len(in.Paths) > 0 {
		dirs := make([]string, 0, len(in.Paths))
		for _, d := range in.Paths {
			dirs = append(dirs, s.realOrSelf(d))
		}
		env = prependPath(env, dirs)
	}
	dir, err := s.commandDir(in.Cwd)
	if err != nil {
		return api.ExecCommandOutput{}, err
	}
	command := in.Command
	if strings.Contains(command, "/") {
		command = s.realOrSelf(command)
		if in.SetExecutable {
			real, err := s.setExecutablePath(in.Command)
			if err != nil {
				return api.ExecCommandOutput{}, deny("set_executable on %s: %v", in.Command, err)
			}
			if err := s.files.MakeExecutable(real); err != nil {
				return api.ExecCommandOutput{}, deniedFile("set_executable on "+in.Command, err)
			}
		}
	}
	argv := append([]string{command}, in.Args...)
	if in.Shell != "" {
		argv = []string{in.Shell, "-c", shellJoin(argv)}
	}
	bin, err := lookPath(argv[0], envValue(env, "PATH"))
	if err != nil {
		return api.ExecCommandOutput{}, fmt.Errorf("run %s: %w", argv[0], err)
	}

	ctx, cancel := context.WithTimeout(ctx, s.limits.ExecTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, argv[1:]...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.WaitDelay = 2 * time.Second
	stdout := &limitedBuffer{max: s.limits.MaxCaptureBytes}
	stderr := &limitedBuffer{max: s.limits.MaxCaptureBytes}
	if in.Stream {
		cmd.Stdin = os.Stdin
		cmd.Stdout, cmd.Stderr = s.stdout, s.stderr
	} else {
		cmd.Stdout, cmd.Stderr = stdout, stderr
	}
	s.logger.Debug("exec_command", "command", bin, "args", argv[1:], "dir", dir)
	out := api.ExecCommandOutput{Command: in.Command, Streamed: in.Stream}
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if ctx.Err() != nil {
			return api.ExecCommandOutput{}, fmt.Errorf("run %s: %w", bin, ctx.Err())
		}
		if !errors.As(err, &exitErr) {
			return api.ExecCommandOutput{}, fmt.Errorf("run %s: %w", bin, err)
		}
		out.ExitCode = exitErr.ExitCode()
	}
	out.Stdout, out.Stderr = stdout.String(), stderr.String()
	return out, nil
}

// realOrSelf translates a virtual path inside the mounts and returns any
// other path unchanged (it is then a real path or a bare command name).
func (s *Services) realOrSelf(path string) string {
	if strings.HasPrefix(path, "/") {
		if real, err := s.mounts.ToReal(path); err == nil {
			return real
		}
	}
	return path
}

// setExecutablePath returns the host path of set_executable's command: a
// virtual path, or (as proto's plugins pass real_path()) a real path inside
// the mounts. Whether the plugin may change it is for Files to say.
func (s *Services) setExecutablePath(command string) (string, error) {
	if real, err := s.mounts.ToReal(command); err == nil {
		return real, nil
	}
	real, err := filepath.Abs(command)
	if err != nil {
		return "", err
	}
	real = filepath.Clean(real)
	if _, ok := s.mounts.ToVirtual(real); !ok {
		return "", fmt.Errorf("%s is outside every mount", command)
	}
	return real, nil
}

// commandDir returns the real working directory of a command: the
// translated cwd input, else the real directory of /cwd, else tote's own.
func (s *Services) commandDir(cwd *api.VirtualPath) (string, error) {
	if cwd != nil && cwd.Path != "" {
		real, err := s.mounts.ToReal(cwd.Path)
		if err != nil {
			return "", deny("working directory: %v", err)
		}
		if err := s.files.CheckDir(real); err != nil {
			return "", deniedFile("working directory "+cwd.Path, err)
		}
		return real, nil
	}
	if d, ok := s.mounts.Map()[api.VirtualCwd]; ok {
		return d, nil
	}
	return os.Getwd()
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
		fi, err := os.Stat(name)
		if err != nil {
			return "", err
		}
		if fi.IsDir() || !isExecutable(fi.Mode(), name) {
			return "", fmt.Errorf("%s is not an executable file", name)
		}
		return name, nil
	}
	for _, dir := range filepath.SplitList(pathEnv) {
		if dir == "" {
			dir = "."
		}
		for _, cand := range candidates(filepath.Join(dir, name)) {
			if fi, err := os.Stat(cand); err == nil && !fi.IsDir() && isExecutable(fi.Mode(), cand) {
				return cand, nil
			}
		}
	}
	return "", fmt.Errorf("%q: %w", name, exec.ErrNotFound)
}

// candidates are the file names a command may have: itself, and on Windows
// with the usual executable extensions.
func candidates(p string) []string {
	if runtime.GOOS != "windows" || filepath.Ext(p) != "" {
		return []string{p}
	}
	return []string{p + ".exe", p + ".cmd", p + ".bat", p}
}

func isExecutable(mode os.FileMode, name string) bool {
	if runtime.GOOS == "windows" {
		switch strings.ToLower(filepath.Ext(name)) {
		case ".exe", ".cmd", ".bat", ".com":
			return true
		}
		return false
	}
	return mode&0o111 != 0
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

// limitedBuffer keeps at most max bytes and drops the rest. It does not
// embed bytes.Buffer: its ReadFrom would let io.Copy (which os/exec uses)
// bypass the cap.
type limitedBuffer struct {
	buf       bytes.Buffer
	max       int
	truncated bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); room < len(p) {
		b.truncated = true
		if room > 0 {
			b.buf.Write(p[:room])
		}
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *limitedBuffer) String() string { return b.buf.String() }
