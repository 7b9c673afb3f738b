package extension

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
)

// hijacker is a native pre-run and pre-download listener that tries every
// change guard judges.
func hijacker(t *testing.T, env *testEnv, id string, change func(*api.RunResult)) {
	env.native(&testPlugin{id: id, tr: &trace{}, subs: []sub{
		{event: api.EventPreRun, priority: api.PriorityNormal, reply: func(e api.EventEnvelope) (any, error) {
			var cur api.RunResult
			if err := json.Unmarshal(e.Result, &cur); err != nil {
				t.Fatal(err)
			}
			change(&cur)
			return cur, nil
		}},
		{event: api.EventPreDownload, priority: api.PriorityNormal, reply: func(e api.EventEnvelope) (any, error) {
			return api.DownloadResult{URL: "http://127.0.0.1:1/trojan.tgz"}, nil
		}},
	}})
}

// TestAttackExtensionRunEnvUngranted: an extension with no capabilities
// may deny, but its changes to a run's arguments, environment and PATH and
// to a download URL are ignored, with one warning each naming it.
func TestAttackExtensionRunEnvUngranted(t *testing.T) {
	env := newEnv(t, enabled("evil"))
	hijacker(t, env, "evil", func(r *api.RunResult) {
		r.Args = append(r.Args, "--evil")
		if r.Env == nil {
			r.Env = map[string]string{}
		}
		r.Env["LD_PRELOAD"] = "/tmp/evil.so"
		r.Env["HARMLESS"] = "1"
		r.Paths = append(r.Paths, "/tmp/evil-bin")
	})
	h := env.host(t)
	ctx := context.Background()
	for range 2 {
		run := api.RunResult{Args: []string{"a"}}
		if err := h.Fire(ctx, api.EventPreRun, api.RunEvent{Tool: "x", Args: []string{"a"}}, &run); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(run.Args, []string{"a"}) || len(run.Env) != 0 || len(run.Paths) != 0 {
			t.Fatalf("ungranted changes applied: %+v", run)
		}
		dl := api.DownloadResult{URL: "https://upstream.example/a.tgz"}
		if err := h.Fire(ctx, api.EventPreDownload, api.DownloadEvent{URL: dl.URL}, &dl); err != nil {
			t.Fatal(err)
		}
		if dl.URL != "https://upstream.example/a.tgz" {
			t.Fatalf("ungranted rewrite applied: %s", dl.URL)
		}
	}
	w := env.warnings.String()
	for _, c := range []string{"run-args", "run-env", "download-rewrite"} {
		if n := strings.Count(w, "without the "+c+" capability"); n != 1 {
			t.Errorf("%d warnings for %s, want 1:\n%s", n, c, w)
		}
	}
	if !strings.Contains(w, `extension "evil"`) {
		t.Errorf("warnings do not name the extension:\n%s", w)
	}
	// Denying needs no capability.
	env2 := newEnv(t, enabled("deny"))
	env2.native(&testPlugin{id: "deny", tr: &trace{}, subs: []sub{{event: api.EventPreRun, priority: api.PriorityNormal, reply: access(true, "no")}}})
	if err := env2.host(t).Fire(ctx, api.EventPreRun, api.RunEvent{Tool: "x"}, &api.RunResult{}); err == nil {
		t.Error("an ungranted deny was ignored")
	}
}

// TestAttackExtensionLoaderVarsGranted: even with run-env and run-args,
// loader and code-injection variables and anything pointing into an
// extension data directory (absolute, relative, through a symlink, inside
// a list or an option) are refused; the rest applies.
func TestAttackExtensionLoaderVarsGranted(t *testing.T) {
	env := newEnv(t, "[extensions.evil]\nenabled = true\npermissions = [\"run-env\", \"run-args\"]\n")
	data := filepath.Join(env.home, "extensions", "evil")
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "innocent")
	if err := os.Symlink(data, link); err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	rel, err := filepath.Rel(wd, filepath.Join(data, "x.so"))
	if err != nil {
		t.Fatal(err)
	}
	refused := map[string]string{
		"LD_PRELOAD":            "/usr/lib/libc.so.6",
		"LD_LIBRARY_PATH":       "/usr/lib",
		"ld_audit":              "/x.so",
		"DYLD_INSERT_LIBRARIES": "/x.dylib",
		"NODE_OPTIONS":          "--max-old-space-size=10",
		"BASH_FUNC_ls%%":        "() { id; }",
		"GIT_CONFIG_COUNT":      "1",
		"PLAIN_ABS":             filepath.Join(data, "evil.so"),
		"IN_LIST":               "/usr/bin" + string(os.PathListSeparator) + filepath.Join(data, "bin"),
		"IN_OPTION":             "--require=" + filepath.Join(data, "x.js"),
		"RELATIVE":              rel,
		"VIA_SYMLINK":           filepath.Join(link, "evil.so"),
	}
	hijacker(t, env, "evil", func(r *api.RunResult) {
		r.Args = append(r.Args, "--fine")
		r.Env = map[string]string{"HARMLESS": "1", "NODE_ENV": "production"}
		for k, v := range refused {
			r.Env[k] = v
		}
		r.Paths = []string{"/opt/ok/bin", filepath.Join(data, "bin"), filepath.Join(link, "bin")}
	})
	h := env.host(t)
	run := api.RunResult{Args: []string{"a"}}
	if err := h.Fire(context.Background(), api.EventPreRun, api.RunEvent{Tool: "x", Args: []string{"a"}}, &run); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(run.Args, []string{"a", "--fine"}) {
		t.Errorf("args %q", run.Args)
	}
	if run.Env["HARMLESS"] != "1" || run.Env["NODE_ENV"] != "production" || len(run.Env) != 2 {
		t.Errorf("env %v; want HARMLESS and NODE_ENV only", run.Env)
	}
	if !slices.Equal(run.Paths, []string{"/opt/ok/bin"}) {
		t.Errorf("paths %q", run.Paths)
	}
	w := env.warnings.String()
	for k := range refused {
		if !strings.Contains(w, k) {
			t.Errorf("no warning names %s:\n%s", k, w)
		}
	}

	// Arguments that point into a data directory are refused whole.
	env2 := newEnv(t, "[extensions.evil]\nenabled = true\npermissions = [\"run-args\"]\n")
	hijacker(t, env2, "evil", func(r *api.RunResult) {
		r.Args = []string{filepath.Join(env2.home, "extensions", "evil", "payload.js")}
	})
	run = api.RunResult{Args: []string{"a"}}
	if err := env2.host(t).Fire(context.Background(), api.EventPreRun, api.RunEvent{Tool: "x", Args: []string{"a"}}, &run); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(run.Args, []string{"a"}) || !strings.Contains(env2.warnings.String(), "points into the extension data directory") {
		t.Errorf("args %q, warnings:\n%s", run.Args, env2.warnings)
	}
}

func TestCodeLoadingVariable(t *testing.T) {
	for _, n := range []string{"LD_PRELOAD", "LD_AUDIT", "DYLD_LIBRARY_PATH", "NODE_OPTIONS", "pythonpath", "JAVA_TOOL_OPTIONS", "GOFLAGS", "BASH_ENV"} {
		if !CodeLoadingVariable(n) {
			t.Errorf("%s is not refused", n)
		}
	}
	for _, n := range []string{"PATH", "NODE_ENV", "HOME", "LANG", "OLD_PRELOAD"} {
		if CodeLoadingVariable(n) {
			t.Errorf("%s is refused", n)
		}
	}
}
