package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/extension"
	"github.com/tote-dev/tote/internal/launch"
)

// runChild runs the plan as a child process (instead of replacing tote)
// so that post-run listeners learn its exit code and duration: standard
// streams are passed through, signals are forwarded, and tote exits with
// the tool's code (128+N when a signal N ended it).
//
// SIGINT and SIGQUIT from a terminal already reach the child, which is in
// tote's foreground process group; they are forwarded only when standard
// input is not a terminal, so a ^C is not delivered twice.
func runChild(ctx context.Context, f *Factory, h *extension.Host, plan *launch.Plan) error {
	cmd := exec.Command(plan.Path, plan.Args...)
	cmd.Env = plan.Env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = f.IO.In, f.IO.Out, f.IO.ErrOut
	fromTTY := term.IsTerminal(int(os.Stdin.Fd()))
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwarded...)
	defer signal.Stop(sigs)
	started := time.Now()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("run %s %s (%s): %w", plan.Tool, plan.Version, plan.Path, err)
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				if fromTTY && (s == syscall.SIGINT || s == syscall.SIGQUIT) {
					continue
				}
				_ = cmd.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	elapsed := time.Since(started)
	code := 0
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = 128 + int(ws.Signal())
		}
	default:
		return fmt.Errorf("run %s %s: %w", plan.Tool, plan.Version, err)
	}
	ev := api.RunEvent{Tool: plan.Tool, Version: plan.Version, Exe: plan.Exe, Args: nonNilArgs(plan.Args),
		ExitCode: code, DurationMS: elapsed.Milliseconds()}
	// The tool has finished: a ^C during it must not cancel post-run.
	_ = h.Fire(context.WithoutCancel(ctx), api.EventPostRun, ev, nil)
	if code != 0 {
		return &ExitError{Code: code}
	}
	return nil
}

func nonNilArgs(a []string) []string {
	if a == nil {
		return []string{}
	}
	return a
}
