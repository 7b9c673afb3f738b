package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/extension"
	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/launch"
)

// postRunRecorder is a native extension that records post-run payloads.
type postRunRecorder struct{ got []api.RunEvent }

func (p *postRunRecorder) Metadata(context.Context) (api.ExtensionMetadata, error) {
	return api.ExtensionMetadata{ID: "recorder"}, nil
}
func (p *postRunRecorder) Enable(_ context.Context, _ api.EnableInput, reg extension.Registrar) error {
	_, err := reg.Subscribe(api.SubscribeInput{Event: api.EventPostRun, Priority: api.PriorityNormal})
	return err
}
func (p *postRunRecorder) HandleEvent(_ context.Context, env api.EventEnvelope) (api.EventReply, error) {
	var ev api.RunEvent
	err := json.Unmarshal(env.Payload, &ev)
	p.got = append(p.got, ev)
	return api.EventReply{}, err
}
func (p *postRunRecorder) HandleCommand(context.Context, api.CommandInvocation) (api.CommandReply, error) {
	return api.CommandReply{}, nil
}
func (p *postRunRecorder) Disable(context.Context, string) error { return nil }

func TestRunChildFiresPostRun(t *testing.T) {
	home := t.TempDir()
	os.WriteFile(filepath.Join(home, ".prototools"), []byte("[extensions.recorder]\nenabled = true\n"), 0o644)
	cfg, err := config.Load(home, "", home)
	if err != nil {
		t.Fatal(err)
	}
	rec := &postRunRecorder{}
	var warn bytes.Buffer
	h := extension.New(extension.Options{Home: home, Config: cfg, Warnings: &warn,
		Natives: map[string]func(extension.NativeHost) extension.Plugin{"recorder": func(extension.NativeHost) extension.Plugin { return rec }}})
	defer h.Close(context.Background())
	ctx := context.Background()
	if !h.HasListeners(ctx, api.EventPostRun) {
		t.Fatal("no post-run listener")
	}
	var out, errOut bytes.Buffer
	f := &Factory{IO: &IOStreams{In: strings.NewReader("from stdin\n"), Out: &out, ErrOut: &errOut}}
	plan := &launch.Plan{Tool: "demo", Version: "1.2.3", Exe: "demo", Path: "/bin/sh",
		Args: []string{"-c", `read line; echo "out: $line"; echo "err: $DEMO" >&2; exit 5`}, Env: []string{"DEMO=yes", "PATH=/usr/bin:/bin"}}
	err = runChild(ctx, f, h, plan)
	var exit *ExitError
	if !errors.As(err, &exit) || exit.Code != 5 || exit.Err != nil {
		t.Fatalf("runChild = %v, want exit code 5", err)
	}
	if out.String() != "out: from stdin\n" || errOut.String() != "err: yes\n" {
		t.Errorf("streams: out %q err %q", out.String(), errOut.String())
	}
	if len(rec.got) != 1 || rec.got[0].ExitCode != 5 || rec.got[0].Tool != "demo" || rec.got[0].Version != "1.2.3" || rec.got[0].DurationMS < 0 {
		t.Errorf("post-run payloads %+v", rec.got)
	}
	plan.Args = []string{"-c", "kill -TERM $$"}
	if err := runChild(ctx, f, h, plan); !errors.As(err, &exit) || exit.Code != 128+15 {
		t.Errorf("signalled child: %v", err)
	}
	if len(rec.got) != 2 || rec.got[1].ExitCode != 143 {
		t.Errorf("post-run after a signal: %+v", rec.got)
	}
}

func TestFirstWord(t *testing.T) {
	for in, want := range map[string]string{
		"":                    "",
		"--help":              "",
		"run node":            "run",
		"--log debug greet x": "greet",
		"--log=debug greet":   "greet",
		"-- greet":            "",
		"help greet":          "help",
	} {
		if got := firstWord(strings.Fields(in)); got != want {
			t.Errorf("firstWord(%q) = %q, want %q", in, got, want)
		}
	}
}
