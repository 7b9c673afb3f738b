package extcache

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/store"
)

func TestReadWrite(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	if f := Read(home); f.Version != FormatVersion || len(f.Entries) != 0 {
		t.Fatalf("missing file: %+v", f)
	}
	want := &File{Entries: map[string]Entry{"audit": {ID: "audit", Kind: KindWASM, Path: "/x/audit.wasm", Digest: "sha256:00",
		ConfigHash: "ab", Subscriptions: []api.SubscribeInput{{Event: api.EventPreRun, Priority: 64}}}}}
	if err := Write(home, want); err != nil {
		t.Fatal(err)
	}
	got := Read(home)
	if e := got.Entries["audit"]; e.Path != "/x/audit.wasm" || !e.Subscribes(api.EventPostRun, api.EventPreRun) || e.Subscribes(api.EventPostRun) {
		t.Fatalf("round trip: %+v", got)
	}
	// Whatever is wrong with the file, the cache is empty (and rewritten
	// later): corrupt JSON, another format version, no entries, too big.
	for name, data := range map[string]string{
		"corrupt":       `{"version":1,"entries":{`,
		"other version": `{"version":99,"entries":{"a":{"id":"a"}}}`,
		"no entries":    `{"version":1}`,
		"too big":       `{"version":1,"entries":{}}` + strings.Repeat(" ", MaxSize),
	} {
		if err := os.WriteFile(Path(home), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if f := Read(home); f.Version != FormatVersion || f.Entries == nil || len(f.Entries) != 0 {
			t.Errorf("%s: %+v, want an empty cache", name, f)
		}
	}
}

func TestConfigHash(t *testing.T) {
	t.Parallel()
	two := 2
	base := config.ExtensionTable{Permissions: []string{"network"}, Config: map[string]any{"a": 1, "b": "x"},
		Limits: config.Limits{Memory: 1 << 20, CallTimeout: time.Second, RunTimeout: 100 * time.Millisecond, MaxRestarts: &two}}
	h := ConfigHash(base)
	off := false
	same := base
	same.Enabled = &off
	same.Config = map[string]any{"b": "x", "a": 1}
	if ConfigHash(same) != h {
		t.Error("enabled or the order of config keys changed the hash")
	}
	zero := 0
	for name, change := range map[string]func(*config.ExtensionTable){
		"permissions":  func(x *config.ExtensionTable) { x.Permissions = []string{"exec"} },
		"deny":         func(x *config.ExtensionTable) { x.Deny = []string{"command"} },
		"config":       func(x *config.ExtensionTable) { x.Config = map[string]any{"a": 2, "b": "x"} },
		"memory":       func(x *config.ExtensionTable) { x.Limits.Memory = 2 << 20 },
		"call-timeout": func(x *config.ExtensionTable) { x.Limits.CallTimeout = 2 * time.Second },
		"run-timeout":  func(x *config.ExtensionTable) { x.Limits.RunTimeout = time.Second },
		"max-restarts": func(x *config.ExtensionTable) { x.Limits.MaxRestarts = &zero },
	} {
		c := base
		change(&c)
		if ConfigHash(c) == h {
			t.Errorf("a change of %s kept the hash", name)
		}
	}
}

func TestEnabledDefaults(t *testing.T) {
	t.Parallel()
	on, off := true, false
	if !EnabledWASM(config.ExtensionTable{}) || EnabledWASM(config.ExtensionTable{Enabled: &off}) {
		t.Error("a .wasm extension loads unless enabled = false")
	}
	if EnabledNative(config.ExtensionTable{}) || !EnabledNative(config.ExtensionTable{Enabled: &on}) {
		t.Error("a compiled-in extension loads only with enabled = true")
	}
}

func TestWASMFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if files, err := WASMFiles(filepath.Join(dir, "missing")); err != nil || files != nil {
		t.Fatalf("missing dir: %v %v", files, err)
	}
	for _, n := range []string{"zeta.wasm", "alpha.wasm", "notes.txt", "alpha.wasm.bak"} {
		os.WriteFile(filepath.Join(dir, n), nil, 0o644)
	}
	os.Mkdir(filepath.Join(dir, "dir.wasm"), 0o755)
	files, err := WASMFiles(dir)
	if err != nil || len(files) != 2 || IDOfFile(files[0]) != "alpha" || IDOfFile(files[1]) != "zeta" {
		t.Fatalf("files %v %v", files, err)
	}
}

// TestMayListen: the shim's question, answered from the cache alone, and
// conservatively (true) whenever the cache may be stale.
func TestMayListen(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	load := func(prototools string) *config.Config {
		t.Helper()
		if err := os.WriteFile(filepath.Join(home, ".prototools"), []byte(prototools), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, err := config.Load(home, "", home)
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	cfg := load("")
	if MayListen(home, cfg, RunEvents...) {
		t.Fatal("no extension at all")
	}
	dir := store.Store{Home: home}.ExtensionsDir()
	os.MkdirAll(dir, 0o755)
	wasm := filepath.Join(dir, "audit.wasm")
	if err := os.WriteFile(wasm, []byte("\x00asm"), 0o644); err != nil {
		t.Fatal(err)
	}
	if !MayListen(home, cfg, RunEvents...) {
		t.Fatal("an extension never enabled (no cache entry) may listen")
	}
	fi, _ := os.Stat(wasm)
	entry := Entry{ID: "audit", Kind: KindWASM, Path: wasm, Size: fi.Size(), ModTime: fi.ModTime().UnixNano(),
		ConfigHash: ConfigHash(config.ExtensionTable{}), Subscriptions: []api.SubscribeInput{{Event: api.EventPreInstall}}}
	Write(home, &File{Entries: map[string]Entry{"audit": entry}})
	if MayListen(home, cfg, RunEvents...) {
		t.Error("a fresh entry without run listeners")
	}
	if !MayListen(home, cfg, api.EventPreInstall) {
		t.Error("a fresh entry that listens to the event asked about")
	}
	if !MayListen(home, load("[extensions.audit]\nconfig = { strict = true }\n"), RunEvents...) {
		t.Error("a changed [extensions.audit] table makes the entry stale")
	}
	if MayListen(home, load("[extensions.audit]\nenabled = false\n"), RunEvents...) {
		t.Error("a disabled extension listens to nothing")
	}
	later := fi.ModTime().Add(time.Second)
	os.Chtimes(wasm, later, later)
	if !MayListen(home, cfg, RunEvents...) {
		t.Error("a touched file makes the entry stale")
	}
	os.Remove(wasm)
	if MayListen(home, cfg, RunEvents...) {
		t.Error("a removed file")
	}
	// A compiled-in extension counts only when enabled, and then only a
	// fresh entry without run listeners lets the shim skip tote.
	native := load("[extensions.stats]\nenabled = true\n")
	if !MayListen(home, native, RunEvents...) {
		t.Error("an enabled native extension without an entry may listen")
	}
	on := true
	Write(home, &File{Entries: map[string]Entry{"stats": {ID: "stats", Kind: KindNative, ConfigHash: ConfigHash(config.ExtensionTable{Enabled: &on}),
		Subscriptions: []api.SubscribeInput{{Event: api.EventPostRun}}}}})
	if !MayListen(home, native, RunEvents...) || MayListen(home, native, api.EventPreUninstall) {
		t.Error("a native entry answers from its subscriptions")
	}
}
