package ext_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/sdk/ext"
)

// funcPlugin is a Plugin built from functions, for table tests.
type funcPlugin struct {
	meta    ext.Metadata
	enable  func(ctx *ext.Context) error
	disable func(reason string) error
}

func (p *funcPlugin) Metadata() ext.Metadata { return p.meta }
func (p *funcPlugin) OnEnable(ctx *ext.Context) error {
	if p.enable == nil {
		return nil
	}
	return p.enable(ctx)
}
func (p *funcPlugin) OnDisable(reason string) error {
	if p.disable == nil {
		return nil
	}
	return p.disable(reason)
}

func plugin(enable func(ctx *ext.Context) error) *funcPlugin {
	return &funcPlugin{meta: ext.Metadata{ID: "t"}, enable: enable}
}

func enabled(t *testing.T, p ext.Plugin) *ext.TestHost {
	t.Helper()
	h := ext.NewTestHost(p)
	if err := h.Enable(api.EnableInput{}); err != nil {
		t.Fatalf("Enable: %v", err)
	}
	return h
}

func TestValidID(t *testing.T) {
	for id, want := range map[string]bool{
		"stats": true, "a": true, "0": true, "my-ext_2": true, strings.Repeat("a", 64): true,
		"": false, "-x": false, "_x": false, "Stats": false, "a.b": false, "a b": false, strings.Repeat("a", 65): false, "é": false,
	} {
		if got := ext.ValidID(id); got != want {
			t.Errorf("ValidID(%q) = %v, want %v", id, got, want)
		}
	}
}

func TestMetadata(t *testing.T) {
	h := ext.NewTestHost(&funcPlugin{meta: ext.Metadata{ID: "stats", Permissions: []ext.Capability{ext.ToolsRead}}})
	m, err := h.Metadata()
	if err != nil {
		t.Fatal(err)
	}
	want := ext.Metadata{ID: "stats", Name: "stats", Permissions: []ext.Capability{ext.ToolsRead}, ContractVersion: api.ContractVersion}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("Metadata = %+v, want %+v", m, want)
	}

	bad := ext.NewTestHost(&funcPlugin{meta: ext.Metadata{ID: "Bad Id"}})
	if _, err := bad.Metadata(); err == nil || !strings.Contains(err.Error(), `invalid plugin id "Bad Id"`) {
		t.Errorf("Metadata with a bad id: err = %v", err)
	}
	if err := bad.Enable(api.EnableInput{}); err == nil {
		t.Error("Enable with a bad id succeeded")
	}
}

func TestEnableContext(t *testing.T) {
	var got struct {
		reason  ext.EnableReason
		dataDir string
		has     []bool
		version string
		cfg     struct {
			Minimum  string `json:"minimum"`
			MaxCount int    `json:"max_count"`
			Keep     string `json:"keep"`
		}
	}
	p := plugin(func(ctx *ext.Context) error {
		got.reason, got.dataDir, got.version = ctx.Reason(), ctx.DataDir(), ctx.ToteVersion()
		got.has = []bool{ctx.Has(ext.EventBus), ctx.Has(ext.Network)}
		got.cfg.Keep = "default"
		cfg, err := ext.DecodeConfig(ctx, got.cfg)
		got.cfg = cfg
		return err
	})
	h := ext.NewTestHost(p)
	err := h.Enable(api.EnableInput{Reason: ext.Recovered, ToteVersion: "0.3.0", Config: map[string]any{"minimum": "1.2.0", "max-count": 3}})
	if err != nil {
		t.Fatal(err)
	}
	if got.reason != ext.Recovered || got.dataDir != "/" || got.version != "0.3.0" {
		t.Errorf("reason %q, data dir %q, version %q", got.reason, got.dataDir, got.version)
	}
	if !reflect.DeepEqual(got.has, []bool{true, false}) {
		t.Errorf("Has(event-bus), Has(network) = %v, want [true false]", got.has)
	}
	if got.cfg.Minimum != "1.2.0" || got.cfg.MaxCount != 3 || got.cfg.Keep != "default" {
		t.Errorf("DecodeConfig = %+v", got.cfg)
	}

	bad := ext.NewTestHost(plugin(func(ctx *ext.Context) error {
		_, err := ext.DecodeConfig(ctx, struct{ N int }{})
		return err
	}))
	if err := bad.Enable(api.EnableInput{Config: map[string]any{"n": "many"}}); err == nil || !strings.Contains(err.Error(), "invalid [extensions] config") {
		t.Errorf("bad config: err = %v", err)
	}

	failing := ext.NewTestHost(plugin(func(*ext.Context) error { return errors.New("no licence file") }))
	if err := failing.Enable(api.EnableInput{}); err == nil || err.Error() != "OnEnable (startup): no licence file" {
		t.Errorf("failing OnEnable: err = %v", err)
	}
}

// TestPriorityChain: listeners run lowest priority first, ties in
// subscription order, and each sees the result of the ones before.
func TestPriorityChain(t *testing.T) {
	var order []string
	h := enabled(t, plugin(func(ctx *ext.Context) error {
		ctx.On(ext.PreInstall, ext.Late, func(e *ext.PreInstallEvent) *ext.AccessResult {
			order = append(order, "late:"+e.Current.Reason)
			if e.Current.Deny && e.Version == "1.0.1" {
				return e.Allow()
			}
			return nil
		})
		ctx.On(ext.PreInstall, ext.Normal, func(e *ext.PreInstallEvent) {
			order = append(order, "normal-a:"+e.Current.Reason)
		})
		ctx.On(ext.PreInstall, ext.Normal, func(e *ext.PreInstallEvent) (*ext.AccessResult, error) {
			order = append(order, "normal-b:"+e.Current.Reason)
			return nil, nil
		})
		ctx.On(ext.PreInstall, ext.First, func(e *ext.PreInstallEvent) *ext.AccessResult {
			order = append(order, "first")
			return e.Deny("too old")
		})
		return nil
	}))
	res, err := h.Fire(ext.PreInstall, api.InstallEvent{Tool: "demo", Version: "1.0.0"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"first", "normal-a:too old", "normal-b:too old", "late:too old"}; !reflect.DeepEqual(order, want) {
		t.Errorf("order = %v, want %v", order, want)
	}
	if string(res) != `{"deny":true,"reason":"too old"}` {
		t.Errorf("result = %s", res)
	}
	res, _ = h.Fire(ext.PreInstall, api.InstallEvent{Tool: "demo", Version: "1.0.1"}, nil)
	if string(res) != `{}` {
		t.Errorf("a later Allow did not undo the deny: result = %s", res)
	}
}

func TestPreDownloadDefaultsAndRewrite(t *testing.T) {
	var seen []string
	h := enabled(t, plugin(func(ctx *ext.Context) error {
		ctx.On(ext.PreDownload, ext.Normal, func(e *ext.PreDownloadEvent) *ext.DownloadResult {
			seen = append(seen, e.Current.URL)
			return e.Rewrite(strings.Replace(e.Current.URL, "https://up.example", "http://127.0.0.1:1", 1))
		})
		ctx.On(ext.PreDownload, ext.Last, func(e *ext.PreDownloadEvent) *ext.DownloadResult {
			seen = append(seen, e.Current.URL)
			if e.Kind == "checksum" {
				return e.Deny("no checksums from mirrors")
			}
			return nil
		})
		return nil
	}))
	res, err := h.Fire(ext.PreDownload, api.DownloadEvent{Tool: "demo", URL: "https://up.example/a.tgz", Kind: "archive"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"https://up.example/a.tgz", "http://127.0.0.1:1/a.tgz"}; !reflect.DeepEqual(seen, want) {
		t.Errorf("URLs seen = %v, want %v", seen, want)
	}
	var r api.DownloadResult
	json.Unmarshal(res, &r)
	if r.URL != "http://127.0.0.1:1/a.tgz" || r.Deny {
		t.Errorf("result = %s", res)
	}
	// A result from the host (another plugin) is Current.
	res, _ = h.Fire(ext.PreDownload, api.DownloadEvent{Tool: "demo", URL: "https://x/s.txt", Kind: "checksum"},
		api.DownloadResult{URL: "https://up.example/s.txt"})
	json.Unmarshal(res, &r)
	if !r.Deny || r.URL != "http://127.0.0.1:1/s.txt" || r.Reason != "no checksums from mirrors" {
		t.Errorf("result = %s", res)
	}
}

func TestPreRunModify(t *testing.T) {
	h := enabled(t, plugin(func(ctx *ext.Context) error {
		ctx.On(ext.PreRun, ext.Normal, func(e *ext.PreRunEvent) *ext.RunResult {
			r := e.Modify()
			r.Args = append([]string{"--verbose"}, r.Args...)
			r.Env["DEMO_MODE"] = "ci"
			r.Paths = append(r.Paths, "/opt/extra")
			e.Current.Args[0] = "mutating Current must not leak"
			return r
		})
		ctx.On(ext.PreRun, ext.Late, func(e *ext.PreRunEvent) *ext.RunResult {
			if e.Exe == "forbidden" {
				return e.Deny("forbidden")
			}
			return nil
		})
		return nil
	}))
	res, err := h.Fire(ext.PreRun, api.RunEvent{Tool: "demo", Exe: "demo", Args: []string{"a", "b"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var r api.RunResult
	json.Unmarshal(res, &r)
	want := api.RunResult{Args: []string{"--verbose", "a", "b"}, Env: map[string]string{"DEMO_MODE": "ci"}, Paths: []string{"/opt/extra"}}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("result = %+v, want %+v", r, want)
	}
	res, _ = h.Fire(ext.PreRun, api.RunEvent{Tool: "demo", Exe: "forbidden", Args: []string{"x"}}, nil)
	json.Unmarshal(res, &r)
	if !r.Deny || r.Reason != "forbidden" || !reflect.DeepEqual(r.Args, []string{"--verbose", "x"}) || r.Env["DEMO_MODE"] != "ci" {
		t.Errorf("deny kept the earlier changes? result = %s", res)
	}
}

func TestObserveEvents(t *testing.T) {
	var log []string
	h := enabled(t, plugin(func(ctx *ext.Context) error {
		ctx.On(ext.PostInstall, ext.Normal, func(e *ext.PostInstallEvent) { log = append(log, "installed "+e.Tool+" "+e.Version+" "+e.Checksum) })
		ctx.On(ext.PostRun, ext.Normal, func(e *ext.PostRunEvent) error {
			if e.ExitCode != 0 {
				return errors.New("tool failed")
			}
			log = append(log, "ran "+e.Exe)
			return nil
		})
		ctx.On(ext.PreUninstall, ext.Normal, func(e *ext.PreUninstallEvent) *ext.AccessResult { return e.Deny("keep " + e.Version) })
		ctx.On(ext.PostUninstall, ext.Normal, func(e *ext.PostUninstallEvent) { log = append(log, "uninstalled "+e.Tool) })
		ctx.On(ext.VersionResolved, ext.Normal, func(e *ext.VersionResolvedEvent) { log = append(log, "resolved "+e.Spec+"="+e.Version) })
		return nil
	}))
	fire := func(kind ext.EventKind, payload any) (string, error) {
		res, err := h.Fire(kind, payload, nil)
		return string(res), err
	}
	if res, err := fire(ext.PostInstall, api.InstallEvent{Tool: "demo", Version: "1.2.3", Checksum: "sha256:ab"}); err != nil || res != "" {
		t.Errorf("post-install: %q, %v (an observe-only event has no result)", res, err)
	}
	fire(ext.PostRun, api.RunEvent{Exe: "demo"})
	if _, err := fire(ext.PostRun, api.RunEvent{Exe: "demo", ExitCode: 3}); err == nil || !strings.Contains(err.Error(), "post-run handler: tool failed") {
		t.Errorf("post-run error = %v", err)
	}
	if res, _ := fire(ext.PreUninstall, api.UninstallEvent{Tool: "demo", Version: "1.0.0"}); res != `{"deny":true,"reason":"keep 1.0.0"}` {
		t.Errorf("pre-uninstall = %s", res)
	}
	fire(ext.PostUninstall, api.UninstallEvent{Tool: "demo"})
	fire(ext.VersionResolved, api.VersionResolvedEvent{Tool: "demo", Spec: "1.2", Version: "1.2.3"})
	want := []string{"installed demo 1.2.3 sha256:ab", "ran demo", "uninstalled demo", "resolved 1.2=1.2.3"}
	if !reflect.DeepEqual(log, want) {
		t.Errorf("log = %q, want %q", log, want)
	}
}

func TestHandlerPanicIsAnError(t *testing.T) {
	h := enabled(t, plugin(func(ctx *ext.Context) error {
		return ctx.On(ext.PreInstall, ext.Normal, func(e *ext.PreInstallEvent) *ext.AccessResult { panic("boom") })
	}))
	if _, err := h.Fire(ext.PreInstall, api.InstallEvent{Tool: "demo"}, nil); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("err = %v", err)
	}
}

// TestOnMisuse: the wrong handler type, an unknown event and a late
// subscription are programming errors reported as a failed on_enable.
func TestOnMisuse(t *testing.T) {
	var saved *ext.Context
	for name, tc := range map[string]struct {
		enable func(ctx *ext.Context) error
		want   string
	}{
		"wrong event type": {func(ctx *ext.Context) error {
			return ctx.On(ext.PreInstall, ext.Normal, func(e *ext.PostInstallEvent) {})
		}, "handler for pre-install has type func(*ext.PostInstallEvent); want func(*ext.PreInstallEvent) *ext.AccessResult"},
		"result on observe event": {func(ctx *ext.Context) error {
			return ctx.On(ext.PostInstall, ext.Normal, func(e *ext.PostInstallEvent) *ext.AccessResult { return nil })
		}, "want func(*ext.PostInstallEvent) or func(*ext.PostInstallEvent) error"},
		"wrong result type": {func(ctx *ext.Context) error {
			return ctx.On(ext.PreDownload, ext.Normal, func(e *ext.PreDownloadEvent) *ext.AccessResult { return nil })
		}, "want func(*ext.PreDownloadEvent) *ext.DownloadResult"},
		"unknown event": {func(ctx *ext.Context) error {
			return ctx.On("pre-launch", ext.Normal, func() {})
		}, `unknown event "pre-launch"`},
		"nil handler": {func(ctx *ext.Context) error {
			return ctx.On(ext.PostRun, ext.Normal, nil)
		}, "nil handler for post-run"},
		"command without handler": {func(ctx *ext.Context) error {
			return ctx.Command("x").Register()
		}, `command "x": Register without a Handler`},
		"command twice": {func(ctx *ext.Context) error {
			ctx.Command("x").Handler(func(ext.Invocation) error { return nil }).Register()
			return ctx.Command("x").Handler(func(ext.Invocation) error { return nil }).Register()
		}, `command "x" registered twice`},
		"save ctx": {func(ctx *ext.Context) error { saved = ctx; return nil }, ""},
	} {
		t.Run(name, func(t *testing.T) {
			err := ext.NewTestHost(plugin(tc.enable)).Enable(api.EnableInput{})
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "after OnEnable returned") {
			t.Errorf("On after OnEnable: recover() = %v", r)
		}
	}()
	saved.On(ext.PostRun, ext.Normal, func(*ext.PostRunEvent) {})
}

func TestCommands(t *testing.T) {
	h := enabled(t, plugin(func(ctx *ext.Context) error {
		ctx.Command("greet").Description("Say hello").Usage("[NAME...]").Help("Greets each NAME.").
			Handler(func(inv ext.Invocation) error {
				if len(inv.Args) == 0 {
					inv.Eprintln("nobody to greet")
					inv.SetExitCode(2)
					return nil
				}
				for _, a := range inv.Args {
					inv.Printf("hello %s\n", a)
				}
				inv.Println("from", inv.Cwd)
				return nil
			}).Register()
		return ctx.Command("fail").Handler(func(inv ext.Invocation) error {
			inv.Eprintf("partial")
			return errors.New("it broke")
		}).Register()
	}))
	want := []api.CommandSpec{
		{Name: "greet", Description: "Say hello", Usage: "[NAME...]", Help: "Greets each NAME."},
		{Name: "fail"},
	}
	if got := h.Commands(); !reflect.DeepEqual(got, want) {
		t.Errorf("Commands = %+v, want %+v", got, want)
	}
	for _, tc := range []struct {
		name string
		args []string
		want api.CommandReply
	}{
		{"greet", []string{"ann", "bob"}, api.CommandReply{Stdout: "hello ann\nhello bob\nfrom /cwd\n"}},
		{"greet", nil, api.CommandReply{Stderr: "nobody to greet\n", ExitCode: 2}},
		{"fail", nil, api.CommandReply{Stderr: "partial\nfail: it broke\n", ExitCode: 1}},
	} {
		got, err := h.Run(tc.name, tc.args...)
		if err != nil || got != tc.want {
			t.Errorf("Run(%s %v) = %+v, %v; want %+v", tc.name, tc.args, got, err, tc.want)
		}
	}
	if _, err := h.Run("nope"); err == nil {
		t.Error("Run of an unregistered command succeeded")
	}
}

// TestPermissionDenied: a refused host call is an error the plugin can
// recognise, and the plugin keeps running.
func TestPermissionDenied(t *testing.T) {
	var errs []error
	var ctxKept *ext.Context
	p := plugin(func(ctx *ext.Context) error {
		ctxKept = ctx
		errs = append(errs,
			ctx.On(ext.PostInstall, ext.Normal, func(*ext.PostInstallEvent) {}),
			ctx.Command("x").Handler(func(ext.Invocation) error { return nil }).Register())
		_, err := ctx.ListTools()
		errs = append(errs, err)
		return nil
	})
	h := ext.NewTestHost(p)
	h.Deny(ext.EventBus, ext.Command, ext.ToolsRead)
	if err := h.Enable(api.EnableInput{}); err != nil {
		t.Fatalf("Enable: %v (a denied call must not fail on_enable)", err)
	}
	for i, err := range errs {
		if !errors.Is(err, ext.ErrPermissionDenied) || !ext.IsPermissionDenied(err) {
			t.Errorf("call %d: err = %v, want permission-denied", i, err)
		}
	}
	if !strings.Contains(errs[0].Error(), "subscribe to post-install: subscribe: permission-denied:") {
		t.Errorf("subscribe error = %q", errs[0])
	}
	if len(h.Subscriptions()) != 0 || len(h.Commands()) != 0 {
		t.Error("a refused subscription or command was recorded")
	}

	h2 := ext.NewTestHost(p)
	h2.SetTools(map[string][]string{"demo": {"1.2.3"}})
	if err := h2.Enable(api.EnableInput{}); err != nil {
		t.Fatal(err)
	}
	tools, err := ctxKept.ListTools()
	if err != nil || !reflect.DeepEqual(tools, map[string][]string{"demo": {"1.2.3"}}) {
		t.Errorf("ListTools = %v, %v", tools, err)
	}
	if ext.IsPermissionDenied(errors.New("fetch https://x: permission-denied: plugin may not reach host")) != true {
		t.Error("IsPermissionDenied does not see an sdk host refusal")
	}
	if ext.IsPermissionDenied(nil) || ext.IsPermissionDenied(errors.New("404")) {
		t.Error("IsPermissionDenied matches other errors")
	}
}

func TestDisable(t *testing.T) {
	var reasons []string
	p := &funcPlugin{meta: ext.Metadata{ID: "t"}, disable: func(r string) error {
		reasons = append(reasons, r)
		if r == "quarantined" {
			return errors.New("could not flush")
		}
		return nil
	}}
	h := enabled(t, p)
	if err := h.Disable("shutdown"); err != nil {
		t.Fatal(err)
	}
	if err := h.Disable("quarantined"); err == nil || err.Error() != "OnDisable (quarantined): could not flush" {
		t.Errorf("err = %v", err)
	}
	if !reflect.DeepEqual(reasons, []string{"shutdown", "quarantined"}) {
		t.Errorf("reasons = %v", reasons)
	}
}

// TestFreshInstanceDropsListeners: a second Enable (a recovered instance)
// starts from no listeners, so a plugin that subscribes again is not
// called twice.
func TestFreshInstanceDropsListeners(t *testing.T) {
	calls := 0
	h := ext.NewTestHost(plugin(func(ctx *ext.Context) error {
		return ctx.On(ext.PostRun, ext.Normal, func(*ext.PostRunEvent) { calls++ })
	}))
	h.Enable(api.EnableInput{})
	h.Enable(api.EnableInput{Reason: ext.Recovered})
	h.Fire(ext.PostRun, api.RunEvent{}, nil)
	if calls != 1 || len(h.Subscriptions()) != 1 {
		t.Errorf("calls = %d, subscriptions = %d; want 1, 1", calls, len(h.Subscriptions()))
	}
}
