package extension

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tote-dev/tote/internal/testutil/wasmbuild"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/extension/extcache"
)

// sharedWASMCache is the compiled-code cache every test shares (across
// packages and runs: see wasmbuild.CompileCacheDir).
var sharedWASMCache = wasmbuild.CompileCacheDir()

// trace records what test plugins did, in order, across plugins.
type trace struct {
	mu  sync.Mutex
	log []string
}

func (t *trace) add(format string, args ...any) {
	t.mu.Lock()
	t.log = append(t.log, fmt.Sprintf(format, args...))
	t.mu.Unlock()
}

func (t *trace) get() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.log...)
}

func (t *trace) reset() {
	t.mu.Lock()
	t.log = nil
	t.mu.Unlock()
}

// sub is one subscription of a test plugin and what its handler does.
type sub struct {
	event    api.EventKind
	priority uint8
	// reply returns the new result (nil = unchanged) or an error; it may
	// panic.
	reply func(env api.EventEnvelope) (any, error)
}

// testPlugin is a native extension driven by the test.
type testPlugin struct {
	id       string
	tr       *trace
	subs     []sub
	commands []api.CommandSpec
	regErrs  []error // what the registrar answered
	enables  []api.EnableReason
	host     NativeHost
	handlers map[uint32]sub
	disabled []string
}

func (p *testPlugin) Metadata(context.Context) (api.ExtensionMetadata, error) {
	return api.ExtensionMetadata{ID: p.id, Name: "Test " + p.id, Permissions: []api.Capability{api.CapEventBus}}, nil
}

func (p *testPlugin) Enable(_ context.Context, in api.EnableInput, reg Registrar) error {
	p.enables = append(p.enables, in.Reason)
	p.handlers = map[uint32]sub{}
	for _, s := range p.subs {
		out, err := reg.Subscribe(api.SubscribeInput{Event: s.event, Priority: s.priority})
		if err != nil {
			p.regErrs = append(p.regErrs, err)
			continue
		}
		p.handlers[out.Listener] = s
	}
	for _, c := range p.commands {
		if _, err := reg.RegisterCommand(c); err != nil {
			p.regErrs = append(p.regErrs, err)
		}
	}
	return nil
}

func (p *testPlugin) HandleEvent(_ context.Context, env api.EventEnvelope) (api.EventReply, error) {
	s, ok := p.handlers[env.Listener]
	if !ok {
		return api.EventReply{}, fmt.Errorf("unknown listener %d", env.Listener)
	}
	p.tr.add("%s:%s:%d", p.id, env.Event, s.priority)
	if s.reply == nil {
		return api.EventReply{}, nil
	}
	res, err := s.reply(env)
	if err != nil || res == nil {
		return api.EventReply{}, err
	}
	b, err := json.Marshal(res)
	return api.EventReply{Result: b}, err
}

func (p *testPlugin) HandleCommand(_ context.Context, inv api.CommandInvocation) (api.CommandReply, error) {
	return api.CommandReply{Stdout: p.id + " " + inv.Name + " " + strings.Join(inv.Args, ",") + "\n", ExitCode: len(inv.Args)}, nil
}

func (p *testPlugin) Disable(_ context.Context, reason string) error {
	p.disabled = append(p.disabled, reason)
	return nil
}

// env is a tote home with a global .prototools.
type testEnv struct {
	home     string
	warnings *bytes.Buffer
	natives  map[string]func(NativeHost) Plugin
	now      time.Time
}

func newEnv(t *testing.T, prototools string) *testEnv {
	t.Helper()
	home := t.TempDir()
	if prototools != "" {
		if err := os.WriteFile(filepath.Join(home, ".prototools"), []byte(prototools), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return &testEnv{home: home, warnings: &bytes.Buffer{}, natives: map[string]func(NativeHost) Plugin{}, now: time.Unix(1_700_000_000, 0)}
}

// native registers p as a native extension of this env.
func (e *testEnv) native(p *testPlugin) {
	e.natives[p.id] = func(h NativeHost) Plugin { p.host = h; return p }
}

func (e *testEnv) host(t *testing.T, reserved ...string) *Host {
	t.Helper()
	cfg, err := config.Load(e.home, "", e.home)
	if err != nil {
		t.Fatal(err)
	}
	h := New(Options{Home: e.home, Config: cfg, Warnings: e.warnings, Natives: e.natives,
		Reserved: reserved, ToteVersion: "test", Now: func() time.Time { return e.now }, WASMCacheDir: sharedWASMCache})
	t.Cleanup(func() { h.Close(context.Background()) })
	return h
}

func enabled(ids ...string) string {
	var b strings.Builder
	for _, id := range ids {
		fmt.Fprintf(&b, "[extensions.%s]\nenabled = true\n", id)
	}
	return b.String()
}

func access(deny bool, reason string) func(api.EventEnvelope) (any, error) {
	return func(api.EventEnvelope) (any, error) { return api.AccessResult{Deny: deny, Reason: reason}, nil }
}

func TestChainOrderAndResults(t *testing.T) {
	tr := &trace{}
	env := newEnv(t, enabled("alpha", "beta", "gamma"))
	env.native(&testPlugin{id: "beta", tr: tr, subs: []sub{
		{event: api.EventPreInstall, priority: api.PriorityNormal, reply: access(true, "beta says no")},
		{event: api.EventPreInstall, priority: api.PriorityFirst},
	}})
	env.native(&testPlugin{id: "alpha", tr: tr, subs: []sub{
		{event: api.EventPreInstall, priority: api.PriorityNormal},
		{event: api.EventPreInstall, priority: api.PriorityLast, reply: func(e api.EventEnvelope) (any, error) {
			var cur api.AccessResult
			if err := json.Unmarshal(e.Result, &cur); err != nil {
				return nil, err
			}
			if !cur.Deny || cur.Reason != "beta says no" {
				return nil, fmt.Errorf("alpha saw the current result %s", e.Result)
			}
			return nil, nil // unchanged: the deny stands
		}},
	}})
	env.native(&testPlugin{id: "gamma", tr: tr, subs: []sub{{event: api.EventPreInstall, priority: api.PriorityEarly}}})
	h := env.host(t)
	var res api.AccessResult
	err := h.Fire(context.Background(), api.EventPreInstall, api.InstallEvent{Tool: "node", Version: "20.0.0"}, &res)
	var de *DeniedError
	if !errors.As(err, &de) || de.Extension != "beta" || de.Reason != "beta says no" || de.Failed {
		t.Fatalf("Fire = %v, want a deny by beta", err)
	}
	if !res.Deny {
		t.Errorf("final result %+v", res)
	}
	want := []string{
		"beta:pre-install:0",    // FIRST
		"gamma:pre-install:64",  // EARLY
		"alpha:pre-install:128", // NORMAL: alpha before beta (plugin order)
		"beta:pre-install:128",
		"alpha:pre-install:255", // LAST
	}
	if got := tr.get(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("order:\n got %q\nwant %q", got, want)
	}
}

func TestLaterHandlerUndoesDeny(t *testing.T) {
	tr := &trace{}
	env := newEnv(t, enabled("deny", "allow"))
	env.native(&testPlugin{id: "deny", tr: tr, subs: []sub{{event: api.EventPreUninstall, priority: api.PriorityEarly, reply: access(true, "no")}}})
	env.native(&testPlugin{id: "allow", tr: tr, subs: []sub{{event: api.EventPreUninstall, priority: api.PriorityLate, reply: access(false, "")}}})
	h := env.host(t)
	var res api.AccessResult
	if err := h.Fire(context.Background(), api.EventPreUninstall, api.UninstallEvent{Tool: "go", Version: "1.22.0"}, &res); err != nil {
		t.Fatalf("a later allow did not undo the deny: %v", err)
	}
	if res.Deny {
		t.Errorf("result %+v", res)
	}
}

func TestDownloadRewriteAndRunResult(t *testing.T) {
	tr := &trace{}
	env := newEnv(t, `[extensions.mirror]
enabled = true
permissions = ["download-rewrite"]
[extensions.wrap]
enabled = true
permissions = ["run-args", "run-env"]
`)
	env.native(&testPlugin{id: "mirror", tr: tr, subs: []sub{{event: api.EventPreDownload, priority: api.PriorityNormal, reply: func(e api.EventEnvelope) (any, error) {
		var cur api.DownloadResult
		json.Unmarshal(e.Result, &cur)
		return api.DownloadResult{URL: strings.Replace(cur.URL, "https://upstream.example", "http://127.0.0.1:1", 1)}, nil
	}}}})
	env.native(&testPlugin{id: "wrap", tr: tr, subs: []sub{{event: api.EventPreRun, priority: api.PriorityNormal, reply: func(e api.EventEnvelope) (any, error) {
		var cur api.RunResult
		json.Unmarshal(e.Result, &cur)
		return api.RunResult{Args: append([]string{"--wrapped"}, cur.Args...), Env: map[string]string{"WRAP": "1"}}, nil
	}}}})
	h := env.host(t)
	ctx := context.Background()
	dl := api.DownloadResult{URL: "https://upstream.example/a.tgz"}
	if err := h.Fire(ctx, api.EventPreDownload, api.DownloadEvent{Tool: "x", Version: "1", URL: dl.URL}, &dl); err != nil {
		t.Fatal(err)
	}
	if dl.URL != "http://127.0.0.1:1/a.tgz" {
		t.Errorf("rewritten URL %q", dl.URL)
	}
	run := api.RunResult{Args: []string{"a"}}
	if err := h.Fire(ctx, api.EventPreRun, api.RunEvent{Tool: "x", Args: []string{"a"}}, &run); err != nil {
		t.Fatal(err)
	}
	if strings.Join(run.Args, " ") != "--wrapped a" || run.Env["WRAP"] != "1" {
		t.Errorf("run result %+v", run)
	}
	// An event nobody listens to goes through untouched.
	if err := h.Fire(ctx, api.EventPostUninstall, api.UninstallEvent{Tool: "x"}, nil); err != nil {
		t.Fatal(err)
	}
}

func TestFailClosedVersusContinue(t *testing.T) {
	tr := &trace{}
	env := newEnv(t, enabled("broken", "after"))
	boom := func(api.EventEnvelope) (any, error) { return nil, errors.New("database unreachable") }
	env.native(&testPlugin{id: "broken", tr: tr, subs: []sub{
		{event: api.EventPreInstall, priority: api.PriorityNormal, reply: boom},
		{event: api.EventPostInstall, priority: api.PriorityNormal, reply: boom},
	}})
	env.native(&testPlugin{id: "after", tr: tr, subs: []sub{
		{event: api.EventPreInstall, priority: api.PriorityLast},
		{event: api.EventPostInstall, priority: api.PriorityLast},
	}})
	h := env.host(t)
	ctx := context.Background()
	var res api.AccessResult
	err := h.Fire(ctx, api.EventPreInstall, api.InstallEvent{Tool: "node"}, &res)
	var de *DeniedError
	if !errors.As(err, &de) || !de.Failed || de.Extension != "broken" || !strings.Contains(err.Error(), "database unreachable") {
		t.Fatalf("access event with a failing listener = %v, want fail-closed naming broken", err)
	}
	if got := tr.get(); len(got) != 1 {
		t.Errorf("listeners after the failure ran: %q", got)
	}
	tr.reset()
	if err := h.Fire(ctx, api.EventPostInstall, api.InstallEvent{Tool: "node"}, nil); err != nil {
		t.Fatalf("observe event failed: %v", err)
	}
	if got := tr.get(); strings.Join(got, " ") != "broken:post-install:128 after:post-install:255" {
		t.Errorf("observe chain did not continue: %q", got)
	}
}

func TestPanicsRecoverThenQuarantine(t *testing.T) {
	tr := &trace{}
	env := newEnv(t, enabled("flaky", "steady")+"[extensions.flaky.limits]\nmax-restarts = 2\n")
	flaky := &testPlugin{id: "flaky", tr: tr, subs: []sub{
		{event: api.EventPostRun, priority: api.PriorityEarly, reply: func(api.EventEnvelope) (any, error) { panic("kaboom") }},
		{event: api.EventPreRun, priority: api.PriorityNormal},
	}}
	steady := &testPlugin{id: "steady", tr: tr, subs: []sub{
		{event: api.EventPostRun, priority: api.PriorityEarly},
		{event: api.EventPreRun, priority: api.PriorityNormal},
	}}
	env.native(flaky)
	env.native(steady)
	h := env.host(t)
	ctx := context.Background()
	for i := range 3 {
		if err := h.Fire(ctx, api.EventPostRun, api.RunEvent{Tool: "x"}, nil); err != nil {
			t.Fatalf("observe event %d: %v", i, err)
		}
		env.now = env.now.Add(time.Second)
	}
	// Faults 1 and 2 were recovered (on_enable "recovered" before the next
	// call), fault 3 exceeded max-restarts = 2.
	want := []api.EnableReason{api.ReasonStartup, api.ReasonRecovered, api.ReasonRecovered}
	if fmt.Sprint(flaky.enables) != fmt.Sprint(want) {
		t.Errorf("enable reasons %v, want %v", flaky.enables, want)
	}
	if n := strings.Count(env.warnings.String(), "quarantined"); n != 1 {
		t.Errorf("%d quarantine warnings, want exactly 1:\n%s", n, env.warnings)
	}
	if !strings.Contains(env.warnings.String(), `extension "flaky" is quarantined`) {
		t.Errorf("warning does not name the plugin:\n%s", env.warnings)
	}
	if len(flaky.disabled) != 1 || flaky.disabled[0] != "quarantined" {
		t.Errorf("on_disable calls %v", flaky.disabled)
	}
	// Recovered subscriptions kept their chain positions: flaky (index 0)
	// still runs before steady at equal priority; steady ran every time.
	got := tr.get()
	if strings.Count(strings.Join(got, " "), "steady:post-run") != 3 {
		t.Errorf("steady was not called on every observe event: %q", got)
	}
	for i := 0; i+1 < len(got); i += 2 {
		if got[i] != "flaky:post-run:64" || got[i+1] != "steady:post-run:64" {
			t.Errorf("chain order after recovery: %q", got)
			break
		}
	}
	// Quarantined: an access event it listens to fails closed, observe
	// events skip it.
	tr.reset()
	var rr api.RunResult
	err := h.Fire(ctx, api.EventPreRun, api.RunEvent{Tool: "x"}, &rr)
	var de *DeniedError
	if !errors.As(err, &de) || de.Extension != "flaky" || !strings.Contains(err.Error(), "quarantined") {
		t.Fatalf("pre-run with a quarantined listener = %v", err)
	}
	if err := h.Fire(ctx, api.EventPostRun, api.RunEvent{Tool: "x"}, nil); err != nil {
		t.Fatal(err)
	}
	if got := tr.get(); strings.Join(got, " ") != "steady:post-run:64" {
		t.Errorf("after quarantine: %q", got)
	}
	if n := strings.Count(env.warnings.String(), "quarantined"); n != 1 {
		t.Errorf("quarantine warned %d times", n)
	}
	infos := h.List(ctx, false)
	if infos[0].ID != "flaky" || infos[0].State != StateQuarantined {
		t.Errorf("list: %+v", infos[0])
	}
}

func TestFaultWindowForgetsOldFaults(t *testing.T) {
	tr := &trace{}
	env := newEnv(t, enabled("flaky")+"[extensions.flaky.limits]\nmax-restarts = 1\n")
	flaky := &testPlugin{id: "flaky", tr: tr, subs: []sub{{event: api.EventPostInstall, reply: func(api.EventEnvelope) (any, error) { panic("again") }}}}
	env.native(flaky)
	h := env.host(t)
	for range 4 {
		h.Fire(context.Background(), api.EventPostInstall, api.InstallEvent{}, nil)
		env.now = env.now.Add(2 * DefaultFaultWindow)
	}
	if strings.Contains(env.warnings.String(), "quarantined") {
		t.Errorf("faults spread beyond the window quarantined the plugin:\n%s", env.warnings)
	}
	if len(flaky.enables) != 4 {
		t.Errorf("enables %v", flaky.enables)
	}
}

func TestCapabilityDeniedPluginContinues(t *testing.T) {
	tr := &trace{}
	env := newEnv(t, `
[extensions.nobus]
enabled = true
deny = ["event-bus"]
[extensions.nocmd]
enabled = true
deny = ["command"]
`)
	nobus := &testPlugin{id: "nobus", tr: tr, subs: []sub{{event: api.EventPreInstall}}, commands: []api.CommandSpec{{Name: "nobus-cmd"}}}
	nocmd := &testPlugin{id: "nocmd", tr: tr, subs: []sub{{event: api.EventPreInstall}}, commands: []api.CommandSpec{{Name: "nocmd-cmd"}}}
	env.native(nobus)
	env.native(nocmd)
	h := env.host(t)
	ctx := context.Background()
	var res api.AccessResult
	if err := h.Fire(ctx, api.EventPreInstall, api.InstallEvent{}, &res); err != nil {
		t.Fatal(err)
	}
	if len(nobus.regErrs) != 1 || !strings.HasPrefix(nobus.regErrs[0].Error(), "permission-denied: subscribe") {
		t.Errorf("nobus registrar errors %v", nobus.regErrs)
	}
	if len(nocmd.regErrs) != 1 || !strings.HasPrefix(nocmd.regErrs[0].Error(), "permission-denied: register_command") {
		t.Errorf("nocmd registrar errors %v", nocmd.regErrs)
	}
	if got := tr.get(); strings.Join(got, " ") != "nocmd:pre-install:0" {
		t.Errorf("listeners %q", got)
	}
	cmds := h.Commands(ctx)
	if len(cmds) != 1 || cmds[0].Name != "nobus-cmd" {
		t.Errorf("commands %+v", cmds)
	}
	for _, in := range h.List(ctx, false) {
		if in.State != StateEnabled {
			t.Errorf("%s is %s after a denied call, want enabled", in.ID, in.State)
		}
	}
}

func TestCommandRegistration(t *testing.T) {
	tr := &trace{}
	env := newEnv(t, enabled("first", "second"))
	first := &testPlugin{id: "first", tr: tr, commands: []api.CommandSpec{
		{Name: "stats", Description: "Show stats"},
		{Name: "install", Description: "clashes"},
		{Name: "Bad Name"},
	}}
	second := &testPlugin{id: "second", tr: tr, commands: []api.CommandSpec{{Name: "stats"}, {Name: "audit", Usage: "[--json]"}}}
	env.native(first)
	env.native(second)
	h := env.host(t, "install", "run", "help")
	ctx := context.Background()
	cmds := h.Commands(ctx)
	var names []string
	for _, c := range cmds {
		names = append(names, c.Extension+":"+c.Name)
	}
	if strings.Join(names, " ") != "second:audit first:stats" {
		t.Errorf("commands %q", names)
	}
	w := env.warnings.String()
	if !strings.Contains(w, `extension "first": command "install" clashes with a built-in command and is refused`) {
		t.Errorf("no clash warning:\n%s", w)
	}
	if !strings.Contains(w, `extension "second": command "stats" is already registered by extension "first"`) {
		t.Errorf("no duplicate warning:\n%s", w)
	}
	if len(first.regErrs) != 2 || len(second.regErrs) != 1 {
		t.Errorf("registrar errors: first %v, second %v", first.regErrs, second.regErrs)
	}
	reply, err := h.RunCommand(ctx, "stats", []string{"--json", "x"}, "/tmp")
	if err != nil || reply.Stdout != "first stats --json,x\n" || reply.ExitCode != 2 {
		t.Errorf("RunCommand = %+v, %v", reply, err)
	}
	if _, err := h.RunCommand(ctx, "nope", nil, ""); err == nil {
		t.Error("an unknown command ran")
	}
}

func TestInvalidIDs(t *testing.T) {
	for _, id := range []string{"a", "stats", "my-ext_2", "0x", strings.Repeat("a", 64)} {
		if err := ValidID(id); err != nil {
			t.Errorf("ValidID(%q) = %v", id, err)
		}
	}
	for _, id := range []string{"", "-a", "_a", "A", "a.b", "a b", "é", strings.Repeat("a", 65), "a/b"} {
		if ValidID(id) == nil {
			t.Errorf("ValidID(%q) accepted", id)
		}
	}
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s did not panic", name)
			}
		}()
		f()
	}
	mk := func(NativeHost) Plugin { return &testPlugin{} }
	mustPanic("invalid id", func() { RegisterNative("Bad", mk) })
	mustPanic("nil constructor", func() { RegisterNative("ok-id-nil", nil) })
	RegisterNative("test-dup-id", mk)
	mustPanic("duplicate", func() { RegisterNative("test-dup-id", mk) })

	// A metadata id that differs from the registered one is refused.
	env := newEnv(t, enabled("liar"))
	env.natives["liar"] = func(NativeHost) Plugin { return &testPlugin{id: "someone-else", tr: &trace{}} }
	h := env.host(t)
	infos := h.List(context.Background(), true)
	if infos[0].State != StateRefused || !strings.Contains(infos[0].Error, `"someone-else"`) {
		t.Errorf("liar: %+v", infos[0])
	}
}

func TestBadFilesRefuseOnlyThemselves(t *testing.T) {
	tr := &trace{}
	env := newEnv(t, enabled("good"))
	dir := filepath.Join(env.home, "extensions")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "broken.wasm"), []byte("\x00asm\x01\x00\x00\x00garbage"), 0o644)
	os.WriteFile(filepath.Join(dir, "Bad Name.wasm"), []byte("\x00asm\x01\x00\x00\x00"), 0o644)
	good := &testPlugin{id: "good", tr: tr, subs: []sub{{event: api.EventPostInstall}}}
	env.native(good)
	h := env.host(t)
	if err := h.Fire(context.Background(), api.EventPostInstall, api.InstallEvent{}, nil); err != nil {
		t.Fatal(err)
	}
	if got := tr.get(); len(got) != 1 {
		t.Errorf("good plugin calls %q", got)
	}
	w := env.warnings.String()
	if !strings.Contains(w, `extension "broken"`) || !strings.Contains(w, "refused") {
		t.Errorf("no warning for broken.wasm:\n%s", w)
	}
	if !strings.Contains(w, "Bad Name.wasm is refused: invalid extension id") {
		t.Errorf("no warning for the invalid file name:\n%s", w)
	}
	states := map[string]State{}
	for _, in := range h.List(context.Background(), false) {
		states[in.ID] = in.State
	}
	if states["good"] != StateEnabled || states["broken"] != StateRefused {
		t.Errorf("states %v", states)
	}
}

func TestLazyLoadingFromCache(t *testing.T) {
	tr := &trace{}
	env := newEnv(t, enabled("runner", "installer"))
	constructed := map[string]int{}
	for _, p := range []*testPlugin{
		{id: "runner", tr: tr, subs: []sub{{event: api.EventPreRun}}},
		{id: "installer", tr: tr, subs: []sub{{event: api.EventPostInstall}}, commands: []api.CommandSpec{{Name: "installs"}}},
	} {
		env.natives[p.id] = func(h NativeHost) Plugin { constructed[p.id]++; return p }
	}
	ctx := context.Background()
	// First process: nothing cached, both load to find out.
	h := env.host(t)
	if h.HasListeners(ctx, api.EventPostRun) {
		t.Error("post-run listeners reported")
	}
	h.Close(ctx)
	if constructed["runner"] != 1 || constructed["installer"] != 1 {
		t.Fatalf("first process constructed %v", constructed)
	}
	c := extcache.Read(env.home)
	if !c.Entries["runner"].Subscribes(api.EventPreRun) || len(c.Entries["installer"].Commands) != 1 {
		t.Fatalf("cache %+v", c.Entries)
	}
	cfg, _ := config.Load(env.home, "", env.home)
	if !extcache.MayListen(env.home, cfg, extcache.RunEvents...) {
		t.Error("MayListen missed the pre-run listener")
	}
	// Second process: a run loads only the run listener, help loads none.
	h = env.host(t)
	if !h.HasListeners(ctx, api.EventPreRun) {
		t.Error("pre-run listener missing")
	}
	if cmds := h.Commands(ctx); len(cmds) != 1 || cmds[0].Name != "installs" {
		t.Errorf("commands from cache %+v", cmds)
	}
	if constructed["runner"] != 2 || constructed["installer"] != 1 {
		t.Errorf("second process constructed %v, want only runner", constructed)
	}
	h.Close(ctx)
	// A config change invalidates the cache entry.
	os.WriteFile(filepath.Join(env.home, ".prototools"), []byte(enabled("runner", "installer")+"[extensions.installer.config]\nx = 1\n"), 0o644)
	h = env.host(t)
	h.HasListeners(ctx, api.EventPreRun)
	if constructed["installer"] != 2 {
		t.Errorf("a changed config did not reload installer: %v", constructed)
	}
	// Disabled: MayListen no longer sees the run listener.
	os.WriteFile(filepath.Join(env.home, ".prototools"), []byte(enabled("installer")+"[extensions.installer.config]\nx = 1\n"), 0o644)
	cfg, _ = config.Load(env.home, "", env.home)
	if extcache.MayListen(env.home, cfg, extcache.RunEvents...) {
		t.Error("MayListen counts a disabled extension")
	}
}

func TestNativeDisabledByDefault(t *testing.T) {
	env := newEnv(t, "")
	built := false
	env.natives["quiet"] = func(NativeHost) Plugin { built = true; return &testPlugin{id: "quiet", tr: &trace{}} }
	h := env.host(t)
	h.Fire(context.Background(), api.EventPostInstall, api.InstallEvent{}, nil)
	if built {
		t.Error("a native extension loaded without enabled = true")
	}
	if in := h.List(context.Background(), true); in[0].State != StateDisabled {
		t.Errorf("state %s", in[0].State)
	}
}

// TestQuotas: an extension registering thousands of listeners and commands
// gets a clear quota error past the limits, tote warns once per kind, and
// the registrations within the quota work.
func TestQuotas(t *testing.T) {
	env := newEnv(t, enabled("greedy"))
	p := &testPlugin{id: "greedy", tr: &trace{}}
	for i := range 5000 {
		p.subs = append(p.subs, sub{event: api.EventPostInstall, priority: uint8(i % 256), reply: func(api.EventEnvelope) (any, error) { return nil, nil }})
	}
	for i := range 1000 {
		p.commands = append(p.commands, api.CommandSpec{Name: fmt.Sprintf("cmd%d", i)})
	}
	env.native(p)
	h := env.host(t)
	ctx := context.Background()
	if n := len(h.Commands(ctx)); n != MaxCommands {
		t.Errorf("%d commands registered, want %d", n, MaxCommands)
	}
	if got, want := len(p.regErrs), 5000-MaxListeners+1000-MaxCommands; got != want {
		t.Errorf("%d registrations refused, want %d", got, want)
	}
	for _, err := range p.regErrs {
		if !strings.Contains(err.Error(), "quota exceeded") {
			t.Fatalf("refusal %q does not say quota exceeded", err)
		}
	}
	if err := h.Fire(ctx, api.EventPostInstall, api.InstallEvent{Tool: "x", Version: "1.0.0"}, nil); err != nil {
		t.Fatal(err)
	}
	if n := len(p.tr.get()); n != MaxListeners {
		t.Errorf("%d listeners called, want %d", n, MaxListeners)
	}
	w := env.warnings.String()
	if strings.Count(w, "more than 64 subscriptions") != 1 || strings.Count(w, "more than 16 commands") != 1 {
		t.Errorf("want one warning per quota, got:\n%s", w)
	}
}
