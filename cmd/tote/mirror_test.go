package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"sync"
	"testing"

	digest "github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/rogpeppe/go-internal/testscript"
	"oras.land/oras-go/v2"
	"oras.land/oras-go/v2/registry/remote"

	"github.com/tote-dev/tote/host/runtime"
	"github.com/tote-dev/tote/internal/ocimirror"
	"github.com/tote-dev/tote/internal/plugincache/registrytest"
	"github.com/tote-dev/tote/internal/testutil/mirror"
)

// TestMirrorScripts drives the real tote binary through OCI registry
// mirrors (testdata/mirror/*.txtar): real docker-registry processes bound
// to 127.0.0.1, started and stopped by the scripts, in front of an
// "upstream" (the local HTTP mirror of go.dev, jq's GitHub releases and,
// for scripts whose name ends in -node, nodejs.org) that a script can take
// down.
func TestMirrorScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/mirror",
		RequireExplicitExec: true,
		Setup:               setupMirrorScript,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"registry-start":       cmdRegStart,
			"registry-stop":        cmdRegStop,
			"registry-push-plugin": cmdRegPushPlugin,
			"registry-tamper":      cmdRegTamper,
			"registry-poison":      cmdRegPoison,
			"registry-push-tool":   cmdRegPushTool,
			"registry-tags":        cmdRegTags,
			"upstream-stop":        cmdUpstreamStop,
			"upstream-requests":    cmdUpstreamRequests,
			"upstream-mark":        cmdUpstreamMark,
			"mirror-fault":         cmdMirrorFault,
		},
		Condition: func(cond string) (bool, error) {
			if cond == "registry" {
				return registrytest.Available(), nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
	})
}

// hostPlatform is this machine's platform triple, as tote files archives.
var hostPlatform = sync.OnceValue(func() string {
	return ocimirror.Platform(runtime.DetectHostEnvironment(context.Background()))
})

// setupMirrorScript writes the upstream layouts, serves them on 127.0.0.1
// and writes the global .prototools whose url-rewrites send tote there.
func setupMirrorScript(env *testscript.Env) error {
	root := filepath.Join(env.WorkDir, "..", "mirror-"+filepath.Base(env.WorkDir))
	if err := os.MkdirAll(root, 0o755); err != nil {
		return err
	}
	// The repository first (git clones into empty directories only), and
	// only for the scripts whose project pins jq: six git commands are a
	// third of a second on a busy machine.
	if pins, _ := os.ReadFile(filepath.Join(env.WorkDir, ".prototools")); strings.Contains(string(pins), "jq") {
		if err := gitMirror(root, "github.com/jqlang/jq", "jq-1.7.1", "jq-1.7.0"); err != nil {
			return err
		}
	}
	jqArch, _ := schemaArch()
	for _, v := range []string{"1.7.1", "1.7.0"} {
		if err := writeJQRelease(root, v); err != nil {
			return err
		}
		// The macOS build too, for bundles that carry other platforms.
		dir := filepath.Join(root, "github.com", "jqlang", "jq", "releases", "download", "jq-"+v)
		if err := os.WriteFile(filepath.Join(dir, "jq-macos-arm64"), []byte("#!/bin/sh\necho jq-"+v+"-macos\n"), 0o755); err != nil {
			return err
		}
	}
	rewrites, err := goMirror(root)
	if err != nil {
		return err
	}
	rewrites["https://github.com/"] = "github.com/"
	if strings.HasSuffix(filepath.Base(env.WorkDir), "-node") {
		ups, err := nodeMirror(root)
		if err != nil {
			return err
		}
		for k, v := range ups {
			rewrites[k] = v
		}
	}
	srv, err := mirror.Start(root)
	if err != nil {
		return err
	}
	env.Defer(func() { srv.Close() })
	home, err := newHome(env)
	if err != nil {
		return err
	}
	var sb strings.Builder
	sb.WriteString("# written by the test harness\n[settings.url-rewrites]\n")
	sb.WriteString(rewriteLines(rewrites, srv.URL))
	global := sb.String()
	if err := os.WriteFile(filepath.Join(home, ".prototools"), []byte(global), 0o644); err != nil {
		return err
	}
	// The same upstream settings for the other homes a script uses.
	if err := os.WriteFile(filepath.Join(env.WorkDir, "global.prototools"), []byte(global), 0o644); err != nil {
		return err
	}
	abs, err := filepath.Abs(schemaPlugins)
	if err != nil {
		return err
	}
	env.Setenv("PATH", binDir+string(os.PathListSeparator)+env.Getenv("PATH"))
	env.Setenv("TOTE_HOME", home)
	env.Setenv("HOME", env.WorkDir)
	env.Setenv("DOCKER_CONFIG", filepath.Join(env.WorkDir, ".docker"))
	env.Setenv("MIRROR_ROOT", root)
	env.Setenv("UPSTREAM_HOST", strings.TrimPrefix(srv.URL, "http://"))
	env.Setenv("HOST_GOARCH", goruntime.GOARCH)
	env.Setenv("SCHEMA_PLUGINS", abs)
	env.Setenv("PLATFORM", hostPlatform())
	env.Setenv("JQ_ARCH", jqArch)
	env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	env.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	env.Setenv("TOTE_LOG", "warn")
	env.Values["mirror"] = srv
	return nil
}

// scriptRegistries holds each script's registries by name.
var scriptRegistries sync.Map // *testscript.TestScript → map[string]*registrytest.Registry

func regs(ts *testscript.TestScript) map[string]*registrytest.Registry {
	v, _ := scriptRegistries.LoadOrStore(ts, map[string]*registrytest.Registry{})
	return v.(map[string]*registrytest.Registry)
}

func reg(ts *testscript.TestScript, name string) *registrytest.Registry {
	r, ok := regs(ts)[name]
	if !ok {
		ts.Fatalf("no registry %s: registry-start %s first", name, name)
	}
	return r
}

// cmdRegStart starts a docker-registry and sets $NAME to its host:port:
// registry-start NAME [USER:PASSWORD] (with a user, it requires htpasswd
// authentication).
func cmdRegStart(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: registry-start NAME [USER:PASSWORD]")
	}
	var o registrytest.Options
	if len(args) == 2 {
		u, p, _ := strings.Cut(args[1], ":")
		o.Users = map[string]string{u: p}
	}
	r, err := registrytest.StartWith(context.Background(), ts.MkAbs("registry-"+strings.ToLower(args[0])), o)
	ts.Check(err)
	ts.Defer(r.Stop)
	regs(ts)[args[0]] = r
	ts.Setenv(args[0], r.Host)
}

// cmdRegStop stops a registry (an outage): registry-stop NAME.
func cmdRegStop(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: registry-stop NAME")
	}
	reg(ts, args[0]).Stop()
}

// cmdRegPushPlugin pushes a plugin file as a plugin author publishes it:
// registry-push-plugin NAME FILE REPO TAG [VAR] (VAR is set to the
// manifest's digest).
func cmdRegPushPlugin(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 4 && len(args) != 5 {
		ts.Fatalf("usage: registry-push-plugin NAME FILE REPO TAG [VAR]")
	}
	data, err := os.ReadFile(ts.MkAbs(args[1]))
	ts.Check(err)
	d, err := reg(ts, args[0]).Push(context.Background(), args[2], args[3], "application/vnd.tote.plugin.v1",
		registrytest.Layer{MediaType: registrytest.MediaTypeFor(args[1]), Title: filepath.Base(args[1]), Data: data})
	ts.Check(err)
	if len(args) == 5 {
		ts.Setenv(args[4], d)
	}
}

// cmdRegTamper changes the bytes of the layer of REPO:TAG in the
// registry's storage (the digest the manifest names stays):
// registry-tamper NAME REPO TAG.
func cmdRegTamper(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: registry-tamper NAME REPO TAG")
	}
	r := reg(ts, args[0])
	man := fetchManifest(ts, r, args[1], args[2])
	p := r.BlobPath(man.Layers[0].Digest.String())
	b, err := os.ReadFile(p)
	ts.Check(err)
	b[len(b)/2] ^= 0xff
	ts.Check(os.WriteFile(p, b, 0o644))
}

// cmdRegPoison replaces the artifact REPO:TAG with one whose layer is FILE
// and whose manifest is consistent with it — the layer's digest and size,
// the sha256 annotation — as a registry operator or anyone with push
// rights could: registry-poison NAME REPO TAG FILE (TAG "-": the
// repository's only tag). Digests alone cannot catch it; only the
// plugin's checksum and the lockfile can.
func cmdRegPoison(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 4 {
		ts.Fatalf("usage: registry-poison NAME REPO TAG FILE")
	}
	r := reg(ts, args[0])
	repo, err := remote.NewRepository(r.Host + "/" + args[1])
	ts.Check(err)
	repo.PlainHTTP = true
	ctx := context.Background()
	if args[2] == "-" {
		// The repository's only tag (a plugin's loc-<hash>).
		var tags []string
		ts.Check(repo.Tags(ctx, "", func(t []string) error { tags = append(tags, t...); return nil }))
		if len(tags) != 1 {
			ts.Fatalf("%s has tags %q, not one", args[1], tags)
		}
		args[2] = tags[0]
	}
	man := fetchManifest(ts, r, args[1], args[2])
	data, err := os.ReadFile(ts.MkAbs(args[3]))
	ts.Check(err)
	layer := man.Layers[0]
	layer.Digest, layer.Size = digest.FromBytes(data), int64(len(data))
	ts.Check(repo.Push(ctx, layer, bytes.NewReader(data)))
	man.Layers[0] = layer
	if _, ok := man.Annotations[ocimirror.AnnotSHA256]; ok {
		man.Annotations[ocimirror.AnnotSHA256] = layer.Digest.Encoded()
	}
	b, err := json.Marshal(man)
	ts.Check(err)
	mt := man.MediaType
	if mt == "" {
		mt = ocispec.MediaTypeImageManifest
	}
	desc := ocispec.Descriptor{MediaType: mt, Digest: digest.FromBytes(b), Size: int64(len(b))}
	ts.Check(repo.PushReference(ctx, desc, bytes.NewReader(b), args[2]))
}

// cmdRegPushTool pushes FILE as REPO:TAG the way docs/mirrors.md shows
// another tool populating the mirror with the oras CLI: the documented
// artifact and layer media types, the layer titled with the file's name,
// the given KEY=VALUE manifest annotations, and oras's creation time
// (which tote never writes): registry-push-tool NAME REPO TAG FILE
// [KEY=VALUE...].
func cmdRegPushTool(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 4 {
		ts.Fatalf("usage: registry-push-tool NAME REPO TAG FILE [KEY=VALUE...]")
	}
	data, err := os.ReadFile(ts.MkAbs(args[3]))
	ts.Check(err)
	repo, err := remote.NewRepository(reg(ts, args[0]).Host + "/" + args[1])
	ts.Check(err)
	repo.PlainHTTP = true
	ctx := context.Background()
	layer := ocispec.Descriptor{MediaType: "application/vnd.tote.tool.archive.v1", Digest: digest.FromBytes(data), Size: int64(len(data)),
		Annotations: map[string]string{ocispec.AnnotationTitle: filepath.Base(args[3])}}
	ts.Check(repo.Push(ctx, layer, bytes.NewReader(data)))
	annots := map[string]string{}
	for _, kv := range args[4:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			ts.Fatalf("annotation %q is not KEY=VALUE", kv)
		}
		annots[k] = v
	}
	man, err := oras.PackManifest(ctx, repo, oras.PackManifestVersion1_1, "application/vnd.tote.tool.v1",
		oras.PackManifestOptions{Layers: []ocispec.Descriptor{layer}, ManifestAnnotations: annots})
	ts.Check(err)
	ts.Check(repo.Tag(ctx, man, args[2]))
}

// cmdRegTags prints the tags of a repository: registry-tags NAME REPO.
func cmdRegTags(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: registry-tags NAME REPO")
	}
	repo, err := remote.NewRepository(reg(ts, args[0]).Host + "/" + args[1])
	ts.Check(err)
	repo.PlainHTTP = true
	ts.Check(repo.Tags(context.Background(), "", func(tags []string) error {
		for _, t := range tags {
			fmt.Fprintln(ts.Stdout(), t)
		}
		return nil
	}))
}

func fetchManifest(ts *testscript.TestScript, r *registrytest.Registry, repoName, tag string) ocispec.Manifest {
	repo, err := remote.NewRepository(r.Host + "/" + repoName)
	ts.Check(err)
	repo.PlainHTTP = true
	_, rc, err := repo.FetchReference(context.Background(), tag)
	ts.Check(err)
	defer rc.Close()
	var man ocispec.Manifest
	ts.Check(json.NewDecoder(rc).Decode(&man))
	if len(man.Layers) == 0 {
		ts.Fatalf("%s:%s has no layer", repoName, tag)
	}
	return man
}

// cmdUpstreamStop takes the upstream down: every request to it fails.
func cmdUpstreamStop(ts *testscript.TestScript, neg bool, args []string) {
	ts.Check(ts.Value("mirror").(*mirror.Server).Close())
}

var upstreamMarks sync.Map // *testscript.TestScript → int

// cmdUpstreamMark remembers how many requests upstream has had, so that
// upstream-requests prints only the later ones.
func cmdUpstreamMark(ts *testscript.TestScript, neg bool, args []string) {
	upstreamMarks.Store(ts, len(ts.Value("mirror").(*mirror.Server).Requests()))
}

// cmdUpstreamRequests prints upstream's requests since upstream-mark, one
// a line (nothing when there were none).
func cmdUpstreamRequests(ts *testscript.TestScript, neg bool, args []string) {
	reqs := ts.Value("mirror").(*mirror.Server).Requests()
	if v, ok := upstreamMarks.Load(ts); ok {
		reqs = reqs[v.(int):]
	}
	for _, r := range reqs {
		fmt.Fprintln(ts.Stdout(), r)
	}
}
