package runtime

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/testutil/ghrelease"
	"github.com/tote-dev/tote/internal/testutil/wasmbuild"
)

// BenchmarkLoadCold compiles the hello plugin from scratch each iteration:
// a new Runtime without a disk cache.
func BenchmarkLoadCold(b *testing.B) {
	wasm, ctx := readFixture(b, "hello"), context.Background()
	for b.Loop() {
		rt, err := New(ctx, NewConfig())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := rt.LoadBytes(ctx, wasm, LoadOptions{ID: "hello"}); err != nil {
			b.Fatal(err)
		}
		rt.Close(ctx)
	}
}

// BenchmarkCompileWorkers compiles the hello plugin from scratch with one
// compiling goroutine and with GOMAXPROCS of them, alternately in every
// iteration so that the machine's load affects both alike; it reports each
// as ms/op of its own.
func BenchmarkCompileWorkers(b *testing.B) {
	wasm, ctx := readFixture(b, "hello"), context.Background()
	var one, all time.Duration
	for b.Loop() {
		for _, workers := range []int{1, 0} {
			cfg := NewConfig()
			cfg.compileWorkers = workers
			start := time.Now()
			rt, err := New(ctx, cfg)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := rt.LoadBytes(ctx, wasm, LoadOptions{ID: "hello"}); err != nil {
				b.Fatal(err)
			}
			rt.Close(ctx)
			if workers == 1 {
				one += time.Since(start)
			} else {
				all += time.Since(start)
			}
		}
	}
	b.ReportMetric(float64(one.Milliseconds())/float64(b.N), "ms-1-worker")
	b.ReportMetric(float64(all.Milliseconds())/float64(b.N), "ms-all-workers")
}

// BenchmarkLoadWarm loads the hello plugin in a new Runtime each iteration,
// with the disk cache already populated.
func BenchmarkLoadWarm(b *testing.B) {
	wasm, ctx, dir := readFixture(b, "hello"), context.Background(), warmCache(b)
	for b.Loop() {
		rt, err := New(ctx, NewConfig().WithCacheDir(dir))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := rt.LoadBytes(ctx, wasm, LoadOptions{ID: "hello"}); err != nil {
			b.Fatal(err)
		}
		rt.Close(ctx)
	}
}

// BenchmarkNewInstance measures creating a fresh instance of a compiled
// plugin, as after a trap.
func BenchmarkNewInstance(b *testing.B) {
	ctx := context.Background()
	rt := newRuntime(b, NewConfig())
	p := load(b, rt, "hello", LoadOptions{})
	for b.Loop() {
		p.mu.Lock()
		p.discardInstance(ctx)
		if err := p.ensureInstance(ctx); err != nil {
			b.Fatal(err)
		}
		p.mu.Unlock()
	}
}

// BenchmarkCallJSON measures one register_tool call on a warm instance.
func BenchmarkCallJSON(b *testing.B) {
	ctx := context.Background()
	rt := newRuntime(b, NewConfig())
	p := load(b, rt, "hello", LoadOptions{})
	in := api.RegisterToolInput{ID: "bench"}
	var out api.RegisterToolOutput
	if err := p.Call(ctx, api.FuncRegisterTool, in, &out); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := p.Call(ctx, api.FuncRegisterTool, in, &out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWarmLoadFirstCall is what a tote command pays to consult a
// plugin: a new Runtime over the populated disk cache, load, and the first
// call (which runs the Go guest's _initialize).
func BenchmarkWarmLoadFirstCall(b *testing.B) {
	wasm, ctx, dir := readFixture(b, "hello"), context.Background(), warmCache(b)
	in := api.RegisterToolInput{ID: "bench"}
	for b.Loop() {
		rt, err := New(ctx, NewConfig().WithCacheDir(dir))
		if err != nil {
			b.Fatal(err)
		}
		p, err := rt.LoadBytes(ctx, wasm, LoadOptions{ID: "hello"})
		if err != nil {
			b.Fatal(err)
		}
		var out api.RegisterToolOutput
		if err := p.Call(ctx, api.FuncRegisterTool, in, &out); err != nil {
			b.Fatal(err)
		}
		rt.Close(ctx)
	}
}

// BenchmarkFirstCall is a one-off use of a plugin never compiled before
// (no cache at all): load and one register_tool call (which runs the Go
// guest's _initialize), compiled by wazero's optimising compiler or run in
// its interpreter.
func BenchmarkFirstCall(b *testing.B) {
	wasm, ctx := readFixture(b, "hello"), context.Background()
	in := api.RegisterToolInput{ID: "bench"}
	for _, engine := range []string{"compiler", "interpreter"} {
		b.Run(engine, func(b *testing.B) {
			for b.Loop() {
				cfg := NewConfig().WithInterpreter(engine == "interpreter")
				rt, err := New(ctx, cfg)
				if err != nil {
					b.Fatal(err)
				}
				p, err := rt.LoadBytes(ctx, wasm, LoadOptions{ID: "hello"})
				if err != nil {
					b.Fatal(err)
				}
				var out api.RegisterToolOutput
				if err := p.Call(ctx, api.FuncRegisterTool, in, &out); err != nil {
					b.Fatal(err)
				}
				rt.Close(ctx)
			}
		})
	}
}

func readFixture(b *testing.B, name string) []byte { return readFile(b, fixture(b, name)) }

func readFile(b *testing.B, path string) []byte {
	wasm, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return wasm
}

// warmCache returns a cache directory populated with the hello plugin.
func warmCache(b *testing.B) string {
	dir, ctx := b.TempDir(), context.Background()
	rt, err := New(ctx, NewConfig().WithCacheDir(dir))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := rt.LoadBytes(ctx, readFixture(b, "hello"), LoadOptions{ID: "hello"}); err != nil {
		b.Fatal(err)
	}
	rt.Close(ctx)
	return dir
}

// BenchmarkMeter calls load_versions of the ripgrep example plugin
// (examples/ripgrep, a Go plugin) on a warm instance, reading a 2 MB GitHub
// releases list (45 releases, ghrelease.List) from 127.0.0.1, with the
// module metered (fuel checks, tote's default) and unmetered (wazero's check
// at every loop), alternately in every iteration; it reports each as ms/op
// of its own.
func BenchmarkMeter(b *testing.B) {
	srv, wasm, ctx := releasesServer(b, 45), ripgrepPlugin(b), context.Background()
	plugins := map[bool]*Plugin{}
	for _, unmetered := range []bool{false, true} {
		cfg := NewConfig().WithRewrite(func(string) string { return srv.URL })
		cfg.unmetered = unmetered
		rt := newRuntime(b, cfg)
		p, err := rt.Load(ctx, wasm, LoadOptions{ID: "rg", AllowedHosts: []string{"127.0.0.1"}})
		if err != nil {
			b.Fatal(err)
		}
		plugins[unmetered] = p
	}
	var took [2]time.Duration
	for b.Loop() {
		for i, unmetered := range []bool{false, true} {
			start := time.Now()
			var out api.LoadVersionsOutput
			if err := plugins[unmetered].Call(ctx, api.FuncLoadVersions, api.LoadVersionsInput{}, &out); err != nil || len(out.Versions) != 45 {
				b.Fatalf("unmetered %v: %d versions, %v", unmetered, len(out.Versions), err)
			}
			took[i] += time.Since(start)
		}
	}
	b.ReportMetric(float64(took[0].Microseconds())/1000/float64(b.N), "ms-metered")
	b.ReportMetric(float64(took[1].Microseconds())/1000/float64(b.N), "ms-wazero-check")
}

// BenchmarkFirstVersions is what a first `tote versions` asks of a plugin
// never compiled: load the ripgrep example plugin with no cache at all,
// register_tool, then load_versions over a GitHub releases list of 45
// releases (2 MB) or 3 (134 kB) from 127.0.0.1, compiled or in wazero's
// interpreter, alternately in each iteration; each reports ms of its own.
func BenchmarkFirstVersions(b *testing.B) {
	wasm, ctx := readFile(b, ripgrepPlugin(b)), context.Background()
	for _, releases := range []int{45, 3} {
		b.Run(fmt.Sprintf("releases=%d", releases), func(b *testing.B) {
			srv := releasesServer(b, releases)
			var took [2]time.Duration
			for b.Loop() {
				for i, interp := range []bool{false, true} {
					start := time.Now()
					rt, err := New(ctx, NewConfig().WithInterpreter(interp).WithRewrite(func(string) string { return srv.URL }))
					if err != nil {
						b.Fatal(err)
					}
					p, err := rt.LoadBytes(ctx, wasm, LoadOptions{ID: "rg", AllowedHosts: []string{"127.0.0.1"}})
					if err != nil {
						b.Fatal(err)
					}
					var reg api.RegisterToolOutput
					var out api.LoadVersionsOutput
					if err := p.Call(ctx, api.FuncRegisterTool, api.RegisterToolInput{ID: "rg"}, &reg); err != nil {
						b.Fatal(err)
					}
					if err := p.Call(ctx, api.FuncLoadVersions, api.LoadVersionsInput{}, &out); err != nil || len(out.Versions) != releases {
						b.Fatalf("%d versions, %v", len(out.Versions), err)
					}
					rt.Close(ctx)
					took[i] += time.Since(start)
				}
			}
			b.ReportMetric(float64(took[0].Microseconds())/1000/float64(b.N), "ms-compiler")
			b.ReportMetric(float64(took[1].Microseconds())/1000/float64(b.N), "ms-interpreter")
		})
	}
}

// ripgrepPlugin builds the ripgrep example plugin (examples/ripgrep), a Go
// plugin that lists versions from GitHub's releases API.
func ripgrepPlugin(b *testing.B) string {
	return wasmbuild.Build(b, filepath.Join(wasmbuild.RepoRoot, "examples", "ripgrep"))
}

// releasesServer serves a GitHub releases list of n releases
// (ghrelease.List) on 127.0.0.1 at every path, until the benchmark ends.
func releasesServer(b *testing.B, n int) *httptest.Server {
	body := ghrelease.List(n)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write(body) }))
	b.Cleanup(srv.Close)
	return srv
}
