package ocimirror

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content/oci"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/plugincache"
	"github.com/tote-dev/tote/internal/plugincache/registrytest"
)

func TestPlatform(t *testing.T) {
	for _, c := range []struct {
		env  api.HostEnvironment
		want string
	}{
		{api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX64, Libc: api.LibcGnu}, "linux-x64-gnu"},
		{api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchArm64, Libc: api.LibcMusl}, "linux-arm64-musl"},
		{api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX64}, "linux-x64-unknown"},
		{api.HostEnvironment{OS: api.OSMacOS, Arch: api.ArchArm64, Libc: api.LibcUnknown}, "macos-arm64"},
		{api.HostEnvironment{OS: api.OSWindows, Arch: api.ArchX64}, "windows-x64"},
	} {
		if got := Platform(c.env); got != c.want {
			t.Errorf("Platform(%+v) = %s, want %s", c.env, got, c.want)
		}
		env, err := ParsePlatform(c.want)
		if err != nil || Platform(env) != c.want {
			t.Errorf("ParsePlatform(%s) = %+v, %v", c.want, env, err)
		}
	}
	for _, bad := range []string{"", "linux", "linux-x64", "linux-x64-glibc", "plan9-x64", "macos-z80", "macos-arm64-gnu", "a-b-c-d"} {
		if _, err := ParsePlatform(bad); err == nil {
			t.Errorf("ParsePlatform(%q) accepted", bad)
		}
	}
}

func TestReferences(t *testing.T) {
	for _, c := range []struct{ version, platform, want string }{
		{"1.22.1", "linux-x64-gnu", "1.22.1-linux-x64-gnu"},
		{"1.0.0+build.5", "macos-arm64", "1.0.0_build.5-macos-arm64"},
		{"2.0.0-rc.1", "windows-x64", "2.0.0-rc.1-windows-x64"},
		{"temurin-21.0.2+13", "linux-x64-gnu", "temurin-21.0.2_13-linux-x64-gnu"},
	} {
		if got := ToolTag(c.version, c.platform); got != c.want {
			t.Errorf("ToolTag(%s, %s) = %s, want %s", c.version, c.platform, got, c.want)
		}
	}
	long := ToolTag(strings.Repeat("9", 200), "linux-x64-gnu")
	if len(long) > 128 || !strings.HasSuffix(long, "-linux-x64-gnu") || long != ToolTag(strings.Repeat("9", 200), "linux-x64-gnu") {
		t.Errorf("long version tag %q", long)
	}
	if got := ToolTag("-x", "linux-x64-gnu"); got[0] == '-' || got[0] == '.' {
		t.Errorf("tag %q starts with a separator", got)
	}
	if ToolRepository("go") != "tools/go" || ToolRepository("My_Tool") == "tools/My_Tool" || !strings.HasPrefix(ToolRepository("a/b"), "tools/x-") {
		t.Errorf("repositories: %s %s %s", ToolRepository("go"), ToolRepository("My_Tool"), ToolRepository("a/b"))
	}
	if PluginTag("registry://ghcr.io/a/b:1") == PluginTag("registry://ghcr.io/a/b:2") || len(PluginTag("x")) != 52 {
		t.Error("plugin tags")
	}
}

// archive writes a file and describes it as go 1.22.1 for linux-x64-gnu.
func archive(t *testing.T, data string) (string, ToolFile) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "go1.22.1.linux-amd64.tar.gz")
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(data))
	return p, ToolFile{
		Tool: "go", Version: "1.22.1", Platform: "linux-x64-gnu",
		Source: "https://dl.google.com/go/go1.22.1.linux-amd64.tar.gz", Name: "go1.22.1.linux-amd64.tar.gz",
		SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data)), ArchivePrefix: "go",
	}
}

func mirrorOf(t *testing.T, raw string) config.Mirror {
	t.Helper()
	m, err := config.ParseMirror(raw, t.TempDir(), "test")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestRegistryPushLookupFetch(t *testing.T) {
	reg := registrytest.StartT(t)
	ctx := context.Background()
	c := &Client{}
	m := mirrorOf(t, "registry://"+reg.Host+"/corp/tote")
	path, f := archive(t, "the go archive")
	ref, err := c.PushTool(ctx, m, f, path)
	if err != nil {
		t.Fatal(err)
	}
	if want := "registry://" + reg.Host + "/corp/tote/tools/go:1.22.1-linux-x64-gnu"; ref != want {
		t.Errorf("ref %s, want %s", ref, want)
	}
	// Pushing again is a no-op with the same manifest (deterministic).
	h1, err := c.LookupTool(ctx, m, "go", "1.22.1", "linux-x64-gnu")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PushTool(ctx, m, f, path); err != nil {
		t.Fatal(err)
	}
	h2, err := c.LookupTool(ctx, m, "go", "1.22.1", "linux-x64-gnu")
	if err != nil {
		t.Fatal(err)
	}
	if h1.Manifest != h2.Manifest {
		t.Errorf("a second push made another manifest: %s, %s", h1.Manifest, h2.Manifest)
	}
	if h1.File != f {
		t.Errorf("annotations read back %+v, want %+v", h1.File, f)
	}
	var b bytes.Buffer
	if err := c.Fetch(ctx, h1, &b); err != nil || b.String() != "the go archive" {
		t.Fatalf("fetch: %q, %v", b.String(), err)
	}
	// A miss is ErrNotFound, for another version, platform or tool.
	for _, q := range [][3]string{{"go", "1.22.0", "linux-x64-gnu"}, {"go", "1.22.1", "macos-arm64"}, {"node", "1.22.1", "linux-x64-gnu"}} {
		if _, err := c.LookupTool(ctx, m, q[0], q[1], q[2]); !errors.Is(err, ErrNotFound) {
			t.Errorf("lookup %v: %v, want ErrNotFound", q, err)
		}
	}
	// A registry that is not there is not a miss.
	down := mirrorOf(t, "registry://127.0.0.1:1/tote")
	if _, err := c.LookupTool(ctx, down, "go", "1.22.1", "linux-x64-gnu"); err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("unreachable registry: %v", err)
	}
}

// A blob changed in the registry's storage is refused: its bytes do not
// have the digest the manifest names.
func TestRegistryTamperedBlob(t *testing.T) {
	reg := registrytest.StartT(t)
	ctx := context.Background()
	c := &Client{}
	m := mirrorOf(t, "registry://"+reg.Host+"/tote")
	path, f := archive(t, "the real archive")
	if _, err := c.PushTool(ctx, m, f, path); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(reg.BlobPath("sha256:"+f.SHA256), []byte("the evil archive"), 0o644); err != nil {
		t.Fatal(err)
	}
	h, err := c.LookupTool(ctx, m, "go", "1.22.1", "linux-x64-gnu")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	err = c.Fetch(ctx, h, &b)
	var te *TamperedError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), f.SHA256) {
		t.Fatalf("fetch of a tampered blob: %v", err)
	}
}

// A manifest under a tool's tag that describes another file (hostile or
// mistaken annotations) is never a hit.
func TestLookupChecksAnnotations(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "layout")
	m := mirrorOf(t, "oci-layout://"+dir)
	c := &Client{}
	path, f := archive(t, "x")
	push := func(f ToolFile) {
		t.Helper()
		s, err := oci.New(dir)
		if err != nil {
			t.Fatal(err)
		}
		layer := ocispec.Descriptor{MediaType: MediaTypeArchive, Digest: digest.Digest("sha256:" + digestOf("x")), Size: 1}
		if err := pushBlob(ctx, s, layer, func() (io.ReadCloser, error) { return os.Open(path) }); err != nil {
			t.Fatal(err)
		}
		if _, err := pushManifest(ctx, s, ToolRepository("go")+":"+ToolTag("1.22.1", "linux-x64-gnu"), ArtifactTool, layer, f.annotations()); err != nil {
			t.Fatal(err)
		}
	}
	bad := f
	bad.Version = "1.21.0"
	push(bad)
	if _, err := c.LookupTool(ctx, m, "go", "1.22.1", "linux-x64-gnu"); err == nil || !strings.Contains(err.Error(), "describes go 1.21.0") {
		t.Errorf("wrong version annotation: %v", err)
	}
	bad = f
	bad.SHA256 = strings.Repeat("0", 64)
	c = &Client{}
	push(bad)
	if _, err := c.LookupTool(ctx, m, "go", "1.22.1", "linux-x64-gnu"); err == nil || !strings.Contains(err.Error(), "is not the layer's digest") {
		t.Errorf("wrong sha256 annotation: %v", err)
	}
}

func digestOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// A directory layout is written, tarred, served from the tar, and
// imported into a registry that then serves the same artifacts.
func TestLayoutExportImport(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "layout")
	c := &Client{}
	lm := mirrorOf(t, "oci-layout://"+dir)
	path, f := archive(t, "archive bytes")
	if _, err := c.PushTool(ctx, lm, f, path); err != nil {
		t.Fatal(err)
	}
	wasm := []byte("\x00asm\x01\x00\x00\x00")
	if _, err := c.PushPlugin(ctx, lm, "registry://ghcr.io/corp/tool:1", "tool.wasm", wasm); err != nil {
		t.Fatal(err)
	}
	tarPath := filepath.Join(t.TempDir(), "bundle.tar")
	if err := WriteTar(dir, tarPath); err != nil {
		t.Fatal(err)
	}
	again := tarPath + ".2"
	if err := WriteTar(dir, again); err != nil {
		t.Fatal(err)
	}
	b1, _ := os.ReadFile(tarPath)
	b2, _ := os.ReadFile(again)
	if !bytes.Equal(b1, b2) {
		t.Error("two tars of one layout differ")
	}
	tm := mirrorOf(t, "oci-layout://"+tarPath)
	c2 := &Client{}
	h, err := c2.LookupTool(ctx, tm, "go", "1.22.1", "linux-x64-gnu")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := c2.Fetch(ctx, h, &b); err != nil || b.String() != "archive bytes" {
		t.Fatalf("fetch from tar: %q %v", b.String(), err)
	}
	if _, err := c2.PushTool(ctx, tm, f, path); err == nil || !strings.Contains(err.Error(), "does not write") {
		t.Errorf("push to a tar layout: %v", err)
	}
	p, err := c2.FetchPlugin(ctx, tm, "registry://ghcr.io/corp/tool:1", 1<<20)
	if err != nil || !bytes.Equal(p.Data, wasm) || p.Name != "tool.wasm" {
		t.Fatalf("plugin from tar: %+v %v", p, err)
	}
	if _, err := c2.FetchPlugin(ctx, tm, "registry://ghcr.io/corp/tool:2", 1<<20); !errors.Is(err, ErrNotFound) {
		t.Errorf("other locator: %v", err)
	}
	if _, err := c2.FetchPlugin(ctx, tm, "registry://ghcr.io/corp/tool:1", 4); err == nil {
		t.Error("an oversized plugin was read")
	}
	missing := mirrorOf(t, "oci-layout://"+filepath.Join(t.TempDir(), "none"))
	if _, err := c2.LookupTool(ctx, missing, "go", "1.22.1", "linux-x64-gnu"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing layout: %v", err)
	}

	reg := registrytest.StartT(t)
	rm := mirrorOf(t, "registry://"+reg.Host+"/site/tote")
	var copied []string
	n, err := c2.Import(ctx, tarPath, rm, func(ref string) { copied = append(copied, ref) })
	if err != nil || n != 2 || len(copied) != 2 {
		t.Fatalf("import: %d %v %v", n, copied, err)
	}
	h, err = (&Client{}).LookupTool(ctx, rm, "go", "1.22.1", "linux-x64-gnu")
	if err != nil {
		t.Fatal(err)
	}
	b.Reset()
	if err := c2.Fetch(ctx, h, &b); err != nil || b.String() != "archive bytes" {
		t.Fatalf("fetch after import: %q %v", b.String(), err)
	}
	if p, err := (&Client{}).FetchPlugin(ctx, rm, "registry://ghcr.io/corp/tool:1", 1<<20); err != nil || !bytes.Equal(p.Data, wasm) {
		t.Fatalf("plugin after import: %v", err)
	}
}

// A layout whose reference names are not REPOSITORY:TAG (a path escape, a
// bad tag) is refused before anything is copied.
func TestImportRefusesHostileNames(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"../../etc:passwd", "tools/go", "Tools/go:1", "tools/go:-x", "tools/go:a/b"} {
		dir := filepath.Join(t.TempDir(), "layout")
		s, err := oci.New(dir)
		if err != nil {
			t.Fatal(err)
		}
		data := []byte("x")
		desc := ocispec.Descriptor{MediaType: MediaTypeArchive, Digest: digest.Digest("sha256:" + digestOf("x")), Size: 1}
		if err := s.Push(ctx, desc, bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
		if _, err := pushManifest(ctx, s, name, ArtifactTool, desc, nil); err != nil {
			t.Fatal(err)
		}
		dst := mirrorOf(t, "registry://127.0.0.1:1/x")
		n, err := (&Client{}).Import(ctx, dir, dst, nil)
		if err == nil || n != 0 || !strings.Contains(err.Error(), "not REPOSITORY:TAG") {
			t.Errorf("%q: imported %d, %v", name, n, err)
		}
	}
}

// Credentials: a registry with htpasswd refuses anonymous pushes, takes
// TOTE_REGISTRY_* for the hosts they are scoped to (and only those), and
// takes docker's config.json and its credential helpers.
func TestCredentials(t *testing.T) {
	reg := registrytest.StartTWith(t, registrytest.Options{Users: map[string]string{"ci": "s3cret"}})
	ctx := context.Background()
	m := mirrorOf(t, "registry://"+reg.Host+"/tote")
	path, f := archive(t, "bytes")
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("DOCKER_CONFIG", filepath.Join(home, ".docker"))
	t.Setenv(EnvUsername, "")
	t.Setenv(EnvPassword, "")
	t.Setenv(EnvToken, "")

	anon := &Client{Credential: Credentials(nil, nil)}
	if _, err := anon.PushTool(ctx, m, f, path); err == nil || !strings.Contains(err.Error(), "credential not found") {
		t.Fatalf("anonymous push: %v", err)
	}
	t.Setenv(EnvUsername, "ci")
	t.Setenv(EnvPassword, "s3cret")
	unscoped := &Client{Credential: Credentials([]string{"other.corp"}, nil)}
	if _, err := unscoped.PushTool(ctx, m, f, path); err == nil {
		t.Fatal("TOTE_REGISTRY_* reached a registry they were not scoped to")
	}
	scoped := &Client{Credential: Credentials([]string{reg.Host}, nil)}
	if _, err := scoped.PushTool(ctx, m, f, path); err != nil {
		t.Fatalf("push with TOTE_REGISTRY_USERNAME/PASSWORD: %v", err)
	}
	t.Setenv(EnvPassword, "")
	t.Setenv(EnvToken, "s3cret")
	if _, err := (&Client{Credential: Credentials([]string{reg.Host}, nil)}).LookupTool(ctx, m, "go", "1.22.1", "linux-x64-gnu"); err != nil {
		t.Fatalf("lookup with TOTE_REGISTRY_TOKEN: %v", err)
	}
	t.Setenv(EnvUsername, "")
	t.Setenv(EnvToken, "")

	// docker's config.json "auths".
	dc := filepath.Join(home, ".docker")
	os.MkdirAll(dc, 0o700)
	authB64 := base64.StdEncoding.EncodeToString([]byte("ci:s3cret"))
	os.WriteFile(filepath.Join(dc, "config.json"), []byte(`{"auths":{"`+reg.Host+`":{"auth":"`+authB64+`"}}}`), 0o600)
	if _, err := (&Client{Credential: Credentials(nil, nil)}).LookupTool(ctx, m, "go", "1.22.1", "linux-x64-gnu"); err != nil {
		t.Fatalf("lookup with config.json auths: %v", err)
	}

	// A credential helper (docker-credential-<name> on PATH, the docker
	// protocol: the server on stdin, JSON on stdout).
	bin := t.TempDir()
	helper := "#!/bin/sh\n[ \"$1\" = get ] || exit 1\nread server\necho '{\"ServerURL\":\"'$server'\",\"Username\":\"ci\",\"Secret\":\"s3cret\"}'\n"
	os.WriteFile(filepath.Join(bin, "docker-credential-totetest"), []byte(helper), 0o755)
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	os.WriteFile(filepath.Join(dc, "config.json"), []byte(`{"credHelpers":{"`+reg.Host+`":"totetest"}}`), 0o600)
	if _, err := (&Client{Credential: Credentials(nil, nil)}).LookupTool(ctx, m, "go", "1.22.1", "linux-x64-gnu"); err != nil {
		t.Fatalf("lookup with a credential helper: %v", err)
	}
	// A broken config.json is reported and ignored.
	os.WriteFile(filepath.Join(dc, "config.json"), []byte(`{not json`), 0o600)
	var warned bool
	Credentials(nil, func(string, error) { warned = true })
	if !warned {
		t.Error("a broken docker config was not reported")
	}
}

// A plugin whose locator pins a manifest digest: the mirror's copy carries
// the pinned manifest (read from the plugin's registry at push time) and
// is served only when the plugin is one of its layers. A copy with other
// bytes — pushed again with the real manifest, or with that annotation
// forged — is refused; so is a push whose plugin is not that manifest's.
func TestPinnedPluginLocator(t *testing.T) {
	reg := registrytest.StartT(t)
	ctx := context.Background()
	wasm := []byte("\x00asm\x01\x00\x00\x00 the published plugin")
	d, err := reg.Push(ctx, "corp/tool", "1", "application/vnd.tote.plugin.v1",
		registrytest.Layer{MediaType: "application/wasm", Title: "tool.wasm", Data: wasm})
	if err != nil {
		t.Fatal(err)
	}
	locator := "registry://" + reg.Host + "/corp/tool@" + d
	lm := mirrorOf(t, "oci-layout://"+filepath.Join(t.TempDir(), "layout"))
	c := &Client{}
	if _, err := c.PushPlugin(ctx, lm, locator, "tool.wasm", wasm); err != nil {
		t.Fatal(err)
	}
	p, err := (&Client{}).FetchPlugin(ctx, lm, locator, 1<<20)
	if err != nil || !bytes.Equal(p.Data, wasm) {
		t.Fatalf("the pinned plugin from the mirror: %v", err)
	}

	// Other bytes for the same locator: refused at push, and at fetch
	// when they got in anyway (the mirror writes its own manifest).
	evil := []byte("\x00asm\x01\x00\x00\x00 a trojan")
	if _, err := c.PushPlugin(ctx, lm, locator, "tool.wasm", evil); err == nil || !strings.Contains(err.Error(), "is not a layer of the pinned manifest") {
		t.Fatalf("push of other bytes: %v", err)
	}
	pref, pd := mustPinned(t, locator)
	raw, err := c.originManifest(ctx, pref, pd)
	if err != nil {
		t.Fatal(err)
	}
	for name, annots := range map[string]map[string]string{
		"the real manifest":  {AnnotLocator: locator, AnnotOriginManifest: string(raw)},
		"a forged manifest":  {AnnotLocator: locator, AnnotOriginManifest: strings.Replace(string(raw), digest.FromBytes(wasm).Encoded(), digest.FromBytes(evil).Encoded(), 1)},
		"no manifest at all": {AnnotLocator: locator},
	} {
		w, tagRef, err := c.openWrite(ctx, lm, pluginsRepo)
		if err != nil {
			t.Fatal(err)
		}
		layer := ocispec.Descriptor{MediaType: "application/wasm", Digest: digest.FromBytes(evil), Size: int64(len(evil)),
			Annotations: map[string]string{ocispec.AnnotationTitle: "tool.wasm"}}
		if err := pushBlob(ctx, w, layer, func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(evil)), nil }); err != nil {
			t.Fatal(err)
		}
		if _, err := pushManifest(ctx, w, tagRef(PluginTag(locator)), ArtifactPlugin, layer, annots); err != nil {
			t.Fatal(err)
		}
		if _, err := (&Client{}).FetchPlugin(ctx, lm, locator, 1<<20); err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("%s with other bytes: not refused (%v)", name, err)
		}
	}
}

func mustPinned(t *testing.T, locator string) (plugincache.RegistryRef, digest.Digest) {
	t.Helper()
	r, d, ok := pinnedLocator(locator)
	if !ok {
		t.Fatalf("%s is not pinned", locator)
	}
	return r, d
}
