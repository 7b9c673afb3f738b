package extension

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/runtime"
	"github.com/tote-dev/tote/internal/extension/extcache"
	"github.com/tote-dev/tote/internal/testutil/wasmbuild"
)

// install builds fixture testdata/fixtures/ext-<scenario> and installs it
// as $TOTE_HOME/extensions/<id>.wasm.
func (e *testEnv) install(t testing.TB, scenario, id string) string {
	t.Helper()
	src := wasmbuild.Build(t, wasmbuild.Fixture("ext-"+scenario))
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(e.home, "extensions")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, id+".wasm")
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestWASMHelloDataDirAtRoot(t *testing.T) {
	env := newEnv(t, "")
	env.install(t, "hello", "hello")
	h := env.host(t)
	ctx := context.Background()
	reply, err := h.RunCommand(ctx, "hello", []string{"world"}, "/somewhere")
	if err != nil {
		t.Fatalf("tote hello: %v", err)
	}
	want := "hello world\ndata dir: /\nenabled: startup\n"
	if reply.Stdout != want || reply.ExitCode != 0 {
		t.Errorf("reply %+v, want stdout %q", reply, want)
	}
	// The file the guest wrote under "/" is in $TOTE_HOME/extensions/hello.
	b, err := os.ReadFile(filepath.Join(env.home, "extensions", "hello", "hello.txt"))
	if err != nil || string(b) != "startup\n" {
		t.Errorf("hello.txt = %q, %v", b, err)
	}
	infos := h.List(ctx, false)
	if len(infos) != 1 || infos[0].Metadata.Version != "1.0.0" || infos[0].State != StateEnabled {
		t.Errorf("list %+v", infos)
	}
}

func TestWASMHelloNoDataDir(t *testing.T) {
	env := newEnv(t, "[extensions.hello]\ndeny = [\"data-dir\"]\n")
	env.install(t, "hello", "hello")
	h := env.host(t)
	infos := h.List(context.Background(), true)
	if infos[0].State != StateRefused || !strings.Contains(infos[0].Error, "on_enable") {
		t.Errorf("hello without data-dir: %+v", infos[0])
	}
	if _, err := os.Stat(filepath.Join(env.home, "extensions", "hello")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("data dir created without the capability: %v", err)
	}
}

func TestWASMEventSubscriber(t *testing.T) {
	env := newEnv(t, "")
	env.install(t, "event-subscriber", "subscriber")
	h := env.host(t)
	ctx := context.Background()
	fire := func(kind api.EventKind, payload, result any) {
		t.Helper()
		if err := h.Fire(ctx, kind, payload, result); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
	}
	fire(api.EventVersionResolved, api.VersionResolvedEvent{Tool: "node", Spec: "20", Version: "20.1.0"}, nil)
	fire(api.EventPreInstall, api.InstallEvent{Tool: "node", Version: "20.1.0", Spec: "20"}, &api.AccessResult{})
	fire(api.EventPreDownload, api.DownloadEvent{Tool: "node", Version: "20.1.0", URL: "https://x/n.tgz", Kind: "archive"}, &api.DownloadResult{URL: "https://x/n.tgz"})
	fire(api.EventPostInstall, api.InstallEvent{Tool: "node", Version: "20.1.0", Checksum: "sha256:ab"}, nil)
	fire(api.EventPreRun, api.RunEvent{Tool: "node", Version: "20.1.0", Exe: "node", Args: []string{"-v"}}, &api.RunResult{Args: []string{"-v"}})
	fire(api.EventPostRun, api.RunEvent{Tool: "node", Version: "20.1.0", ExitCode: 3}, nil)
	fire(api.EventPreUninstall, api.UninstallEvent{Tool: "node", Version: "20.1.0"}, &api.AccessResult{})
	fire(api.EventPostUninstall, api.UninstallEvent{Tool: "node", Version: "20.1.0"}, nil)
	reply, err := h.RunCommand(ctx, "events", nil, "")
	if err != nil {
		t.Fatal(err)
	}
	want := `version-resolved node 20=20.1.0
pre-install node 20.1.0 spec=20
pre-download node 20.1.0 archive https://x/n.tgz
post-install node 20.1.0 checksum=sha256:ab
pre-run node 20.1.0 node [-v]
post-run node 20.1.0 exit=3
pre-uninstall node 20.1.0
post-uninstall node 20.1.0
`
	if reply.Stdout != want {
		t.Errorf("events:\n%s\nwant:\n%s", reply.Stdout, want)
	}
}

func TestWASMEventModifier(t *testing.T) {
	env := newEnv(t, `
[extensions.modifier]
permissions = ["download-rewrite", "run-args", "run-env"]
[extensions.modifier.config]
from = "https://upstream.example/"
to = "http://127.0.0.1:8080/mirror/"
deny = ["16.0.0"]
`)
	env.install(t, "event-modifier", "modifier")
	h := env.host(t)
	ctx := context.Background()
	dl := api.DownloadResult{URL: "https://upstream.example/node/v20.tgz"}
	if err := h.Fire(ctx, api.EventPreDownload, api.DownloadEvent{Tool: "node", URL: dl.URL}, &dl); err != nil {
		t.Fatal(err)
	}
	if dl.URL != "http://127.0.0.1:8080/mirror/node/v20.tgz" {
		t.Errorf("rewritten URL %q", dl.URL)
	}
	other := api.DownloadResult{URL: "https://elsewhere.example/x"}
	if err := h.Fire(ctx, api.EventPreDownload, api.DownloadEvent{URL: other.URL}, &other); err != nil || other.URL != "https://elsewhere.example/x" {
		t.Errorf("unmatched URL changed: %q, %v", other.URL, err)
	}
	err := h.Fire(ctx, api.EventPreInstall, api.InstallEvent{Tool: "node", Version: "16.0.0"}, &api.AccessResult{})
	var de *DeniedError
	if !errors.As(err, &de) || de.Failed || de.Extension != "modifier" || de.Reason != "node 16.0.0 is blocked by the modifier extension" {
		t.Fatalf("pre-install 16.0.0 = %v", err)
	}
	if err := h.Fire(ctx, api.EventPreInstall, api.InstallEvent{Tool: "node", Version: "20.0.0"}, &api.AccessResult{}); err != nil {
		t.Fatalf("pre-install 20.0.0 = %v", err)
	}
	run := api.RunResult{Args: []string{"a"}}
	if err := h.Fire(ctx, api.EventPreRun, api.RunEvent{Tool: "node", Args: []string{"a"}}, &run); err != nil {
		t.Fatal(err)
	}
	if strings.Join(run.Args, " ") != "a --modified" || run.Env["MODIFIED_BY"] != "modifier" {
		t.Errorf("run result %+v", run)
	}
}

// TestWASMAndNativeShareOneChain interleaves a native extension's listeners
// with the multi-handler fixture's: priority first, then plugin order
// (natives before files), then subscription order; and a later WASM
// handler undoes an earlier WASM deny, which the native listeners observe.
func TestWASMAndNativeShareOneChain(t *testing.T) {
	tr := &trace{}
	env := newEnv(t, enabled("aaa")+"[extensions.multi.config]\nallow = [\"2.0.0\"]\n")
	seen := func(e api.EventEnvelope) (any, error) {
		var cur api.AccessResult
		json.Unmarshal(e.Result, &cur)
		tr.add("aaa saw deny=%v", cur.Deny)
		return nil, nil
	}
	env.native(&testPlugin{id: "aaa", tr: tr, subs: []sub{
		{event: api.EventPreInstall, priority: api.PriorityLast, reply: seen},
		{event: api.EventPreInstall, priority: api.PriorityEarly, reply: seen},
		{event: api.EventPreInstall, priority: api.PriorityNormal, reply: seen},
	}})
	env.install(t, "multi-handler", "multi")
	h := env.host(t)
	ctx := context.Background()
	if err := h.Fire(ctx, api.EventPreInstall, api.InstallEvent{Tool: "x", Version: "2.0.0"}, &api.AccessResult{}); err != nil {
		t.Fatalf("2.0.0 should be allowed again by the late handler: %v", err)
	}
	wantNative := "aaa:pre-install:64 aaa saw deny=false aaa:pre-install:128 aaa saw deny=true aaa:pre-install:255 aaa saw deny=false"
	if got := strings.Join(tr.get(), " "); got != wantNative {
		t.Errorf("native view:\n got %s\nwant %s", got, wantNative)
	}
	reply, err := h.RunCommand(ctx, "order", nil, "")
	if err != nil {
		t.Fatal(err)
	}
	wantOrder := "early(64) saw allowed\nnormal(128) saw denied(early says no to 2.0.0)\nnormal-2(128) saw denied(early says no to 2.0.0)\nlate(192) saw denied(early says no to 2.0.0)\n"
	if reply.Stdout != wantOrder {
		t.Errorf("order:\n%s\nwant:\n%s", reply.Stdout, wantOrder)
	}
	err = h.Fire(ctx, api.EventPreInstall, api.InstallEvent{Tool: "x", Version: "3.0.0"}, &api.AccessResult{})
	var de *DeniedError
	if !errors.As(err, &de) || de.Extension != "multi" || de.Reason != "early says no to 3.0.0" {
		t.Errorf("3.0.0: %v", err)
	}
}

func TestWASMCommandPlugin(t *testing.T) {
	// A clash with a built-in command is refused with a warning; this
	// fixture returns the refusal from OnEnable, so it does not load.
	clash := newEnv(t, "")
	clash.install(t, "command-plugin", "cmdplug")
	ch := clash.host(t, "fail")
	if cmds := ch.Commands(context.Background()); len(cmds) != 0 {
		t.Errorf("commands of a refused plugin: %+v", cmds)
	}
	if !strings.Contains(clash.warnings.String(), `extension "cmdplug": command "fail" clashes with a built-in command and is refused`) {
		t.Errorf("clash warning missing:\n%s", clash.warnings)
	}
	if in, _ := ch.Lookup(context.Background(), "cmdplug", false); in.State != StateRefused || !strings.Contains(in.Error, "clashes with a built-in command") {
		t.Errorf("after the clash: %+v", in)
	}

	env := newEnv(t, "")
	env.install(t, "command-plugin", "cmdplug")
	h := env.host(t, "run", "install")
	ctx := context.Background()
	cmds := h.Commands(ctx)
	if len(cmds) != 2 || cmds[1].Name != "greet" || cmds[1].Usage != "[NAME...]" || cmds[1].Description != "Greet people by name" || cmds[1].Extension != "cmdplug" {
		t.Fatalf("commands %+v", cmds)
	}
	reply, err := h.RunCommand(ctx, "greet", []string{"ann", "bob"}, "/work/dir")
	if err != nil {
		t.Fatal(err)
	}
	if reply.Stdout != "1: hello, ann\n2: hello, bob\n" || reply.Stderr != "greeted 2 from /work/dir\n" || reply.ExitCode != 0 {
		t.Errorf("greet = %+v", reply)
	}
	reply, err = h.RunCommand(ctx, "greet", nil, "")
	if err == nil && reply.ExitCode == 0 {
		t.Errorf("greet without names succeeded: %+v", reply)
	}
	reply, err = h.RunCommand(ctx, "fail", []string{"7"}, "")
	if err != nil || reply.ExitCode != 7 {
		t.Errorf("fail 7 = %+v, %v", reply, err)
	}
	// The cache now serves the command list without loading the plugin.
	h.Close(ctx)
	c := extcache.Read(env.home)
	if e := c.Entries["cmdplug"]; len(e.Commands) != 2 || e.Commands[0].Name != "greet" {
		t.Errorf("cached commands %+v", e.Commands)
	}
}

func TestWASMCapabilityDenied(t *testing.T) {
	env := newEnv(t, "[extensions.capdenied]\ndeny = [\"event-bus\"]\n")
	env.install(t, "capability-denied", "capdenied")
	h := env.host(t)
	ctx := context.Background()
	for round := range 2 {
		reply, err := h.RunCommand(ctx, "probe", nil, "")
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		out := reply.Stdout
		for _, want := range []string{
			"enable subscribe: denied: ",
			"now list_tools: denied: ",
			"now send_request: denied: ",
			"now exec_command: denied: ",
			"still running",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("round %d: output lacks %q:\n%s", round, want, out)
			}
		}
	}
	in, _ := h.Lookup(ctx, "capdenied", false)
	if in.State != StateEnabled || in.Faults != 0 {
		t.Errorf("after denials: %+v", in)
	}
	if fmt.Sprint(in.Requested) != "[tools-read network]" || slicesContains(in.Granted, api.CapEventBus) || slicesContains(in.Granted, api.CapToolsRead) {
		t.Errorf("requested %v granted %v", in.Requested, in.Granted)
	}
	b, _ := os.ReadFile(filepath.Join(env.home, "extensions", "capdenied", "probe.txt"))
	if !strings.Contains(string(b), "subscribe: denied: ") || !strings.Contains(string(b), "permission-denied: subscribe") {
		t.Errorf("probe.txt:\n%s", b)
	}
}

func TestWASMCapabilityGranted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	defer srv.Close()
	env := newEnv(t, fmt.Sprintf("[extensions.capdenied]\npermissions = [\"tools-read\", \"network:127.0.0.1\", \"exec\"]\nconfig = { url = %q }\n", srv.URL))
	env.install(t, "capability-denied", "capdenied")
	cfgHost := env.host(t)
	cfgHost.opts.ListTools = func() (map[string][]string, error) { return map[string][]string{"node": {"20.1.0"}}, nil }
	reply, err := cfgHost.RunCommand(context.Background(), "probe", nil, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"enable subscribe: ok", "now list_tools: ok node", "now send_request: ok 204", "now exec_command: ok"} {
		if !strings.Contains(reply.Stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, reply.Stdout)
		}
	}
}

func slicesContains(s []api.Capability, c api.Capability) bool {
	for _, x := range s {
		if x == c {
			return true
		}
	}
	return false
}

func TestWASMTrapRecovers(t *testing.T) {
	env := newEnv(t, "")
	env.install(t, "trap-on-purpose", "trap")
	h := env.host(t)
	ctx := context.Background()
	err := h.Fire(ctx, api.EventPreInstall, api.InstallEvent{Tool: "x", Version: "6.6.6"}, &api.AccessResult{})
	var de *DeniedError
	if !errors.As(err, &de) || !de.Failed || de.Extension != "trap" || !runtime.IsKind(err, runtime.KindTrap) {
		t.Fatalf("trap in an access event = %v, want fail-closed trap naming the plugin", err)
	}
	if err := h.Fire(ctx, api.EventPreInstall, api.InstallEvent{Tool: "x", Version: "1.0.0"}, &api.AccessResult{}); err != nil {
		t.Fatalf("after recovery: %v", err)
	}
	if err := h.Fire(ctx, api.EventPostRun, api.RunEvent{Tool: "x"}, nil); err != nil {
		t.Fatalf("trap in an observe event: %v", err)
	}
	reply, err := h.RunCommand(ctx, "traps", nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if reply.Stdout != "enables: startup,recovered,recovered\ncalls in this instance: 0\n" {
		t.Errorf("traps:\n%s", reply.Stdout)
	}
}

func TestWASMCPUSpinTimesOut(t *testing.T) {
	env := newEnv(t, "[extensions.spin.limits]\ncall-timeout = \"300ms\"\n")
	env.install(t, "cpu-spin", "spin")
	h := env.host(t)
	ctx := context.Background()
	// The spin never ends by itself: that Fire returns at all, with a
	// timeout, is the check (no wall-clock assertion: a loaded machine
	// may take longer to get there).
	err := h.Fire(ctx, api.EventPreInstall, api.InstallEvent{Tool: "x", Version: "1"}, &api.AccessResult{})
	if !runtime.IsKind(err, runtime.KindTimeout) || !strings.Contains(err.Error(), `extension "spin" failed on pre-install`) {
		t.Fatalf("spin = %v", err)
	}
	if err := h.Fire(ctx, api.EventPostRun, api.RunEvent{}, nil); err != nil {
		t.Fatalf("observe spin: %v", err)
	}
	reply, err := h.RunCommand(ctx, "spin-ok", nil, "")
	if err != nil || reply.Stdout != "not spinning\n" {
		t.Errorf("after two timeouts: %+v, %v", reply, err)
	}
}

func TestWASMMemoryBomb(t *testing.T) {
	// A generous call timeout: the bomb must hit the memory limit, however
	// slowly a loaded machine fills 48 MiB.
	env := newEnv(t, "[extensions.bomb.limits]\nmemory = \"48MiB\"\ncall-timeout = \"10m\"\n")
	env.install(t, "memory-bomb", "bomb")
	h := env.host(t)
	ctx := context.Background()
	err := h.Fire(ctx, api.EventPreInstall, api.InstallEvent{Tool: "x", Version: "1"}, &api.AccessResult{})
	var de *DeniedError
	if !errors.As(err, &de) || de.Extension != "bomb" || !runtime.IsKind(err, runtime.KindOutOfMemory) {
		t.Fatalf("bomb = %v", err)
	}
	reply, err := h.RunCommand(ctx, "hoard", nil, "")
	if err != nil || reply.Stdout != "hoard: 0 MiB\n" {
		t.Errorf("fresh instance after OOM: %+v, %v", reply, err)
	}
}

func TestWASMSlowHandler(t *testing.T) {
	env := newEnv(t, "[extensions.slow]\nconfig = { delay_ms = 1500 }\nlimits = { call-timeout = \"250ms\" }\n")
	env.install(t, "slow-handler", "slow")
	h := env.host(t)
	ctx := context.Background()
	err := h.Fire(ctx, api.EventPreInstall, api.InstallEvent{}, &api.AccessResult{})
	var de *DeniedError
	if !errors.As(err, &de) || !de.Failed || de.Extension != "slow" || !runtime.IsKind(err, runtime.KindTimeout) {
		t.Fatalf("slow access event = %v, want fail closed on timeout", err)
	}
	if err := h.Fire(ctx, api.EventPostInstall, api.InstallEvent{}, nil); err != nil {
		t.Fatalf("slow observe event = %v, want it to carry on", err)
	}

	fast := newEnv(t, "[extensions.slow]\nconfig = { delay_ms = 5 }\n")
	fast.install(t, "slow-handler", "slow")
	h = fast.host(t)
	if err := h.Fire(ctx, api.EventPreInstall, api.InstallEvent{}, &api.AccessResult{}); err != nil {
		t.Fatal(err)
	}
	h.Fire(ctx, api.EventPostInstall, api.InstallEvent{}, nil)
	if reply, err := h.RunCommand(ctx, "slow-done", nil, ""); err != nil || reply.Stdout != "completed: 2\n" {
		t.Errorf("slow-done = %+v, %v", reply, err)
	}
}

func TestWASMQuarantine(t *testing.T) {
	env := newEnv(t, "[extensions.quarantine.limits]\nmax-restarts = 2\n")
	env.install(t, "quarantine", "quarantine")
	h := env.host(t)
	ctx := context.Background()
	for i := range 5 {
		if err := h.Fire(ctx, api.EventPostRun, api.RunEvent{}, nil); err != nil {
			t.Fatalf("post-run %d: %v", i, err)
		}
	}
	if n := strings.Count(env.warnings.String(), `extension "quarantine" is quarantined`); n != 1 {
		t.Errorf("%d quarantine warnings, want 1:\n%s", n, env.warnings)
	}
	err := h.Fire(ctx, api.EventPreRun, api.RunEvent{}, &api.RunResult{})
	var de *DeniedError
	if !errors.As(err, &de) || de.Extension != "quarantine" || !strings.Contains(err.Error(), "quarantined") {
		t.Errorf("pre-run of a quarantined listener = %v", err)
	}
	b, _ := os.ReadFile(filepath.Join(env.home, "extensions", "quarantine", "enables.txt"))
	if got := strings.Join(strings.Fields(string(b)), ","); got != "startup,recovered,recovered,disable:quarantined" {
		t.Errorf("enables.txt = %s", got)
	}
	if in, _ := h.Lookup(ctx, "quarantine", false); in.State != StateQuarantined || in.Faults != 3 {
		t.Errorf("info %+v", in)
	}
}

// BenchmarkDispatchWarm measures one observe event dispatched to a warm
// WASM listener (event-subscriber's post-uninstall handler).
func BenchmarkDispatchWarm(b *testing.B) {
	env := &testEnv{home: b.TempDir(), warnings: &bytes.Buffer{}, natives: map[string]func(NativeHost) Plugin{}}
	env.install(b, "event-subscriber", "subscriber")
	h := New(Options{Home: env.home, Warnings: env.warnings, Natives: env.natives, WASMCacheDir: sharedWASMCache})
	defer h.Close(context.Background())
	ctx := context.Background()
	ev := api.UninstallEvent{Tool: "node", Version: "20.1.0"}
	if err := h.Fire(ctx, api.EventPostUninstall, ev, nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		h.Fire(ctx, api.EventPostUninstall, ev, nil)
	}
}
