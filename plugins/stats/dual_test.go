package stats_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/extension"
	"github.com/tote-dev/tote/host/runtime"
	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/testutil/wasmbuild"
	"github.com/tote-dev/tote/plugins/stats"
	"github.com/tote-dev/tote/plugins/stats/native"
)

// logLines collects the messages of the "[stats]" log records.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) Enabled(context.Context, slog.Level) bool { return true }
func (l *logLines) Handle(_ context.Context, r slog.Record) error {
	if strings.HasPrefix(r.Message, "[stats]") {
		l.mu.Lock()
		l.lines = append(l.lines, r.Message)
		l.mu.Unlock()
	}
	return nil
}
func (l *logLines) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logLines) WithGroup(string) slog.Handler      { return l }

// build is one build of the stats extension under its own $TOTE_HOME.
type build struct {
	name    string
	home    string
	natives map[string]func(extension.NativeHost) extension.Plugin
}

func newBuild(t *testing.T, name string) *build {
	b := &build{name: name, home: t.TempDir(), natives: map[string]func(extension.NativeHost) extension.Plugin{}}
	global := ""
	switch name {
	case "native":
		b.natives[stats.ID] = native.New
		global = "[extensions.stats]\nenabled = true\n"
	case "wasm":
		wasm := wasmbuild.Build(t, filepath.Join(wasmbuild.RepoRoot, "plugins", "stats", "wasm"))
		data, err := os.ReadFile(wasm)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(b.home, "extensions"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(b.home, "extensions", "stats.wasm"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(b.home, ".prototools"), []byte(global), 0o644); err != nil {
		t.Fatal(err)
	}
	return b
}

// process is one tote process: a Host over the build's home.
func (b *build) process(t *testing.T, logs *logLines) *extension.Host {
	cfg, err := config.Load(b.home, b.home, b.home)
	if err != nil {
		t.Fatal(err)
	}
	var warnings bytes.Buffer
	h := extension.New(extension.Options{
		Home:        b.home,
		Config:      cfg,
		Runtime:     runtime.NewConfig(),
		Logger:      slog.New(logs),
		Warnings:    &warnings,
		ToteVersion: "0.0.0-test",
		Natives:     b.natives,
	})
	t.Cleanup(func() {
		h.Close(context.Background())
		if warnings.Len() > 0 {
			t.Errorf("%s: warnings:\n%s", b.name, warnings.String())
		}
	})
	return h
}

// step is one thing a script does: fire an event or run `tote stats`.
type step struct {
	event   api.EventKind
	payload any
	args    []string // for `tote stats`
	newProc bool     // start a new process (a new Host) first
}

var script = []step{
	{args: []string{}},
	{event: api.EventPreInstall, payload: api.InstallEvent{Tool: "demo", Version: "1.2.3"}},
	{event: api.EventPostInstall, payload: api.InstallEvent{Tool: "demo", Version: "1.2.3", Checksum: "sha256:00", DurationMS: 812}},
	{event: api.EventPostRun, payload: api.RunEvent{Tool: "demo", Version: "1.2.3", Exe: "demo", Args: []string{"hello"}, DurationMS: 5}},
	{event: api.EventPostRun, payload: api.RunEvent{Tool: "demo", Version: "1.2.3", Exe: "demo-helper", ExitCode: 7, DurationMS: 6}},
	{event: api.EventPostInstall, payload: api.InstallEvent{Tool: "node", Version: "20.11.1", DurationMS: 3000}},
	{args: []string{}},
	{args: []string{"--json"}},
	{newProc: true, event: api.EventPostRun, payload: api.RunEvent{Tool: "node", Version: "20.11.1", Exe: "npm"}},
	{event: api.EventPostInstall, payload: api.InstallEvent{Tool: "demo", Version: "1.0.0", DurationMS: 700}},
	{args: []string{}},
	{args: []string{"--json", "demo"}},
	{args: []string{"--bogus"}},
	{args: []string{"--help"}},
}

// transcript runs the script and records every command reply, every log
// line and the stored counts after each step.
func (b *build) transcript(t *testing.T) []string {
	ctx := context.Background()
	logs := &logLines{}
	h := b.process(t, logs)
	var out []string
	for i, s := range script {
		if s.newProc {
			if err := h.Close(ctx); err != nil {
				t.Fatalf("%s: close: %v", b.name, err)
			}
			h = b.process(t, logs)
		}
		if s.event != "" {
			var res any
			if s.event == api.EventPreInstall {
				res = &api.AccessResult{}
			}
			if err := h.Fire(ctx, s.event, s.payload, res); err != nil {
				t.Fatalf("%s: step %d: fire %s: %v", b.name, i, s.event, err)
			}
			out = append(out, fmt.Sprintf("step %d: fired %s", i, s.event))
		} else {
			reply, err := h.RunCommand(ctx, "stats", s.args, b.home)
			if err != nil {
				t.Fatalf("%s: step %d: tote stats %v: %v", b.name, i, s.args, err)
			}
			out = append(out, fmt.Sprintf("step %d: tote stats %v -> exit %d\nstdout:\n%sstderr:\n%s", i, s.args, reply.ExitCode, reply.Stdout, reply.Stderr))
		}
		stored, err := os.ReadFile(filepath.Join(b.home, "extensions", stats.ID, stats.FileName))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("step %d: stored:\n%s", i, stored))
	}
	logs.mu.Lock()
	out = append(out, "log:\n"+strings.Join(logs.lines, "\n"))
	logs.mu.Unlock()
	var cmds []string
	for _, c := range h.Commands(ctx) {
		cmds = append(cmds, fmt.Sprintf("%s %s: %s [%s]", c.Extension, c.Name, c.Description, c.Usage))
	}
	out = append(out, "commands: "+strings.Join(cmds, "; "))
	return out
}

// TestNativeAndWASMAgree runs the same script of events and commands
// through the native and the WASM build of the stats extension, each in
// its own $TOTE_HOME and across two processes, and requires identical
// command replies, log lines and stored files.
func TestNativeAndWASMAgree(t *testing.T) {
	native := newBuild(t, "native").transcript(t)
	wasm := newBuild(t, "wasm").transcript(t)
	if !reflect.DeepEqual(native, wasm) {
		for i := range max(len(native), len(wasm)) {
			var n, w string
			if i < len(native) {
				n = native[i]
			}
			if i < len(wasm) {
				w = wasm[i]
			}
			if n != w {
				t.Errorf("first difference at %d:\nnative:\n%s\nwasm:\n%s", i, n, w)
				break
			}
		}
	}
	// The transcript is the real thing, not two empty ones.
	all := strings.Join(native, "\n")
	for _, want := range []string{
		"demo   2         2     1            1.0.0",
		"node   1         1     0            20.11.1",
		"total  3         3     1",
		"[stats] installed demo 1.2.3 in 812 ms (installs of demo: 1)",
		"[stats] ran demo 1.2.3 (demo-helper) exit 7 in 6 ms (runs of demo: 2)",
		"[stats] ran node 20.11.1 (npm) exit 0 in 0 ms (runs of node: 1)",
		"stats: unknown flag --bogus",
		"commands: stats stats: Show install and run counts per tool [[--json] [TOOL...]]",
		`"last_version": "1.0.0"`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("transcript lacks %q:\n%s", want, all)
		}
	}
	if testing.Verbose() {
		t.Log(all)
	}
}
