package toolchain

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/store"
	"github.com/tote-dev/tote/internal/testutil/mirror"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// fixtureBase is the upstream every fixture tool downloads from; the test
// config rewrites it to the local mirror, as a user's url-rewrites would.
const fixtureBase = "https://fixture.example/dl"

// env is one test's world: a $TOTE_HOME, a project directory, a local
// mirror on 127.0.0.1 publishing the fixture tools, and the built-in
// fixture plugins that describe them.
type env struct {
	t        *testing.T
	home     string // $TOTE_HOME
	project  string // the working directory
	userHome string
	mirror   *mirror.Server
	builtins map[string]Builtin
	// calls counts plugin calls per "id/function".
	calls map[string]*atomic.Int64
	// log lists "id/function" of every plugin call, in order.
	logMu sync.Mutex
	log   []string
	// hook, when set, runs at the start of every download_prebuilt.
	hook func(id string)
	// versions are the published versions per tool (guarded by logMu).
	versions map[string][]string
}

// newEnv publishes versions of every tool in tools on a mirror and returns
// the environment. The project's .prototools is empty until writeProject.
func newEnv(t *testing.T, tools map[string][]string) *env {
	t.Helper()
	root := t.TempDir()
	e := &env{
		t:        t,
		home:     filepath.Join(root, "home", ".tote"),
		userHome: filepath.Join(root, "home"),
		project:  filepath.Join(root, "home", "project"),
		builtins: map[string]Builtin{},
		calls:    map[string]*atomic.Int64{},
		versions: map[string][]string{},
	}
	pub := filepath.Join(root, "mirror")
	for id, versions := range tools {
		for _, v := range versions {
			e.publish(pub, id, v, "")
		}
		e.builtins[id] = Builtin{ID: id, Table: e.table(id, versions)}
	}
	srv, err := mirror.Start(pub)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	e.mirror = srv
	for _, d := range []string{e.home, e.project} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	e.writeGlobal("")
	return e
}

// publish writes <id>-<v>.tar.gz (bin/<id>, a script printing its body)
// and its SHASUMS256.txt under root. body defaults to "<id> <v>".
func (e *env) publish(root, id, v, body string) {
	e.t.Helper()
	if body == "" {
		body = id + " " + v
	}
	dir := filepath.Join(root, "dl", id, v)
	name := id + "-" + v + ".tar.gz"
	err := mirror.WriteTarGz(filepath.Join(dir, name), []mirror.Entry{
		{Name: id + "-" + v + "/", Dir: true},
		{Name: id + "-" + v + "/bin/" + id, Body: "#!/bin/sh\necho '" + body + "'\n", Mode: 0o755},
	})
	if err == nil {
		err = mirror.WriteShasums(dir, name)
	}
	if err != nil {
		e.t.Fatal(err)
	}
}

// republish replaces a published release with other bytes (a tampered or
// re-tagged upstream), or publishes a new version.
func (e *env) republish(id, v, body string) {
	e.publish(e.mirror.Root, id, v, body)
	e.logMu.Lock()
	defer e.logMu.Unlock()
	if !slices.Contains(e.versions[id], v) {
		e.versions[id] = append(e.versions[id], v)
		sort.Strings(e.versions[id])
	}
}

// writeGlobal writes $TOTE_HOME/.prototools: the url-rewrite to the mirror
// plus extra.
func (e *env) writeGlobal(extra string) {
	e.t.Helper()
	global := fmt.Sprintf("[settings.url-rewrites]\n\"^https://fixture\\\\.example/\" = \"%s/\"\n%s", e.mirror.URL, extra)
	if err := os.WriteFile(filepath.Join(e.home, ".prototools"), []byte(global), 0o644); err != nil {
		e.t.Fatal(err)
	}
}

// writeProject writes the project's .prototools.
func (e *env) writeProject(content string) {
	e.t.Helper()
	if err := os.WriteFile(filepath.Join(e.project, ".prototools"), []byte(content), 0o644); err != nil {
		e.t.Fatal(err)
	}
}

// manager loads the configuration afresh and returns a Manager, closed when
// the test ends.
func (e *env) manager() *Manager {
	e.t.Helper()
	cfg, err := config.Load(e.project, e.userHome, e.home)
	if err != nil {
		e.t.Fatal(err)
	}
	m := New(Options{
		Config: cfg, Store: &store.Store{Home: e.home}, Cwd: e.project, UserHome: e.userHome,
		Env:      api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX64},
		Builtins: e.builtins, Version: "0.0.0-test",
	})
	e.t.Cleanup(func() { m.Close(context.Background()) })
	return m
}

func (e *env) count(id, fn string) {
	k := id + "/" + fn
	c, ok := e.calls[k]
	if !ok {
		panic("uncounted call " + k)
	}
	c.Add(1)
	e.logMu.Lock()
	e.log = append(e.log, k)
	e.logMu.Unlock()
}

// callLog returns the calls of one tool, in order.
func (e *env) callLog(id string) []string {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	var out []string
	for _, k := range e.log {
		if strings.HasPrefix(k, id+"/") {
			out = append(out, strings.TrimPrefix(k, id+"/"))
		}
	}
	return out
}

// managerIn is manager for another working directory.
func (e *env) managerIn(dir string) *Manager {
	e.t.Helper()
	saved := e.project
	e.project = dir
	defer func() { e.project = saved }()
	return e.manager()
}

// calls returns how often a fixture function ran.
func (e *env) callCount(id, fn string) int64 { return e.calls[id+"/"+fn].Load() }

// table is the fixture plugin of one tool: it publishes versions, names
// the mirror's archive and checksum file, and locates bin/<id>.
func (e *env) table(id string, versions []string) pluginhost.Table {
	for _, fn := range []string{api.FuncRegisterTool, api.FuncLoadVersions, api.FuncDownloadPrebuilt, api.FuncLocateExecutables, api.FuncPreInstall, api.FuncPostInstall} {
		e.calls[id+"/"+fn] = &atomic.Int64{}
	}
	sorted := append([]string(nil), versions...)
	sort.Strings(sorted)
	e.versions[id] = sorted
	return pluginhost.Table{
		api.FuncRegisterTool: pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.RegisterToolInput) (api.RegisterToolOutput, error) {
			e.count(id, api.FuncRegisterTool)
			return api.RegisterToolOutput{Name: strings.ToUpper(id), Type: api.TypeCommandLine}, nil
		}),
		api.FuncLoadVersions: pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.LoadVersionsInput) (api.LoadVersionsOutput, error) {
			e.count(id, api.FuncLoadVersions)
			e.logMu.Lock()
			defer e.logMu.Unlock()
			vs := append([]string(nil), e.versions[id]...)
			return api.LoadVersionsOutput{Versions: vs, Latest: vs[len(vs)-1]}, nil
		}),
		api.FuncPreInstall: pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.InstallHook) (struct{}, error) {
			e.count(id, api.FuncPreInstall)
			return struct{}{}, nil
		}),
		api.FuncPostInstall: pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.InstallHook) (struct{}, error) {
			e.count(id, api.FuncPostInstall)
			return struct{}{}, nil
		}),
		api.FuncDownloadPrebuilt: pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.DownloadPrebuiltInput) (api.DownloadPrebuiltOutput, error) {
			e.count(id, api.FuncDownloadPrebuilt)
			if e.hook != nil {
				e.hook(id)
			}
			v := in.Context.Version
			return api.DownloadPrebuiltOutput{
				DownloadURL:   fmt.Sprintf("%s/%s/%s/%s-%s.tar.gz", fixtureBase, id, v, id, v),
				ArchivePrefix: id + "-" + v,
				ChecksumURL:   fmt.Sprintf("%s/%s/%s/SHASUMS256.txt", fixtureBase, id, v),
			}, nil
		}),
		api.FuncLocateExecutables: pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.LocateExecutablesInput) (api.LocateExecutablesOutput, error) {
			e.count(id, api.FuncLocateExecutables)
			return api.LocateExecutablesOutput{Exes: map[string]api.ExecutableConfig{id: {ExePath: "bin/" + id, Primary: true}}}, nil
		}),
	}
}
