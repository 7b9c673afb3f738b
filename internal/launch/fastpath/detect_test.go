package fastpath

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/store"
)

// world is a user home with a project two levels down and a $TOTE_HOME.
type world struct {
	t                    *testing.T
	home, toteHome, proj string
	env                  map[string]string
	st                   *store.Store
}

func newWorld(t *testing.T) *world {
	root := t.TempDir()
	w := &world{t: t, home: filepath.Join(root, "u"), toteHome: filepath.Join(root, "u", ".tote"), env: map[string]string{}}
	w.proj = filepath.Join(w.home, "work", "app")
	w.st = &store.Store{Home: w.toteHome}
	for _, d := range []string{w.proj, w.toteHome} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func (w *world) write(path, content string) string {
	w.t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		w.t.Fatal(err)
	}
	return path
}

func (w *world) detect(id string, meta *Meta) Detection {
	w.t.Helper()
	cfg, err := config.Load(w.proj, w.home, w.toteHome)
	if err != nil {
		w.t.Fatal(err)
	}
	d := &Detector{Config: cfg, Store: w.st, Cwd: w.proj, UserHome: w.home, Getenv: func(k string) string { return w.env[k] }}
	det, err := d.Detect(id, meta)
	if err != nil {
		w.t.Fatal(err)
	}
	return det
}

// TestDetectOrder: the environment, then per directory upward the
// .prototools pin before the plugin's version files, then the global pin;
// each detection says where it came from, with the line.
func TestDetectOrder(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	meta := &Meta{ID: "node", VersionFiles: []string{".nvmrc"}}
	if det := w.detect("node", meta); det.Kind != "" || det.Spec != "" {
		t.Fatalf("nothing pins node: %+v", det)
	}
	global := w.write(config.GlobalFile(w.toteHome), "node = \"18\"\n")
	if det := w.detect("node", meta); det.Kind != FromGlobalPin || det.Spec != "18" || det.Source != global || det.Line != 1 {
		t.Fatalf("global pin: %+v", det)
	}
	parent := w.write(filepath.Join(w.home, "work", ".prototools"), "# team default\nnode = \"20\"\n")
	if det := w.detect("node", meta); det.Kind != FromPin || det.Spec != "20" || det.Where() != parent+":2" {
		t.Fatalf("parent pin: %+v %s", det, det.Where())
	}
	nvmrc := w.write(filepath.Join(w.proj, ".nvmrc"), "22\n")
	det := w.detect("node", meta)
	if det.Kind != FromVersionFile || det.VersionFile != nvmrc || det.Spec != "" {
		t.Fatalf("an unparsed version file nearer than the pin goes to the plugin: %+v", det)
	}
	if err := RememberParse(w.st, "node", nvmrc, "22", ""); err != nil {
		t.Fatal(err)
	}
	if det := w.detect("node", meta); det.Spec != "22" || det.VersionFile != "" || det.Where() != "version file "+nvmrc {
		t.Fatalf("a parsed version file is answered from the cache: %+v", det)
	}
	// Another tool reading the same file has its own parse.
	if det := w.detect("npm", &Meta{ID: "npm", VersionFiles: []string{".nvmrc"}}); det.VersionFile != nvmrc {
		t.Fatalf("npm's parse of .nvmrc is not node's: %+v", det)
	}
	// A changed file is parsed again.
	later := time.Now().Add(time.Minute)
	os.Chtimes(nvmrc, later, later)
	if det := w.detect("node", meta); det.VersionFile != nvmrc {
		t.Fatalf("a touched version file must be parsed again: %+v", det)
	}
	w.write(filepath.Join(w.proj, ".prototools"), "node = \"21\"\n")
	if det := w.detect("node", meta); det.Spec != "21" || det.Kind != FromPin {
		t.Fatalf("a pin beats a version file in the same directory: %+v", det)
	}
	w.env["PROTO_NODE_VERSION"] = "16"
	if det := w.detect("node", meta); det.Spec != "16" || det.Where() != "environment variable PROTO_NODE_VERSION" {
		t.Fatalf("proto's variable: %+v", det)
	}
	w.env["TOTE_NODE_VERSION"] = " 19 "
	if det := w.detect("node", meta); det.Spec != "19" || det.Source != "TOTE_NODE_VERSION" {
		t.Fatalf("tote's variable first: %+v", det)
	}
}

// TestDetectStrategies: prefer-prototools looks for a pin all the way up
// before any version file; only-prototools never reads version files; an
// unknown strategy is an error naming it and where it is written.
func TestDetectStrategies(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	meta := &Meta{ID: "node", VersionFiles: []string{".nvmrc"}, VersionIgnore: []string{"/vendor/"}}
	nvmrc := w.write(filepath.Join(w.proj, ".nvmrc"), "22\n")
	RememberParse(w.st, "node", nvmrc, "22", "")
	w.write(filepath.Join(w.home, "work", ".prototools"), "node = \"20\"\n")
	for strategy, want := range map[string]string{FirstAvailable: "22", PreferPrototools: "20", OnlyPrototools: "20"} {
		w.write(config.GlobalFile(w.toteHome), "[settings]\ndetect-strategy = \""+strategy+"\"\n")
		if det := w.detect("node", meta); det.Spec != want {
			t.Errorf("%s: %+v, want %s", strategy, det, want)
		}
	}
	// An unknown strategy is refused where it is written, with file:line.
	global := w.write(config.GlobalFile(w.toteHome), "[settings]\ndetect-strategy = \"nearest\"\n")
	if _, err := config.Load(w.proj, w.home, w.toteHome); err == nil || !strings.Contains(err.Error(), global+":2") || !strings.Contains(err.Error(), "nearest") {
		t.Errorf("unknown strategy: %v", err)
	}
}

// TestDetectToolVersionsAndIgnore: an asdf .tool-versions entry counts as
// a version file (no plugin needed), and a version file whose path
// contains an ignored fragment is skipped.
func TestDetectToolVersionsAndIgnore(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	vendor := filepath.Join(w.proj, "vendor", "lib")
	os.MkdirAll(vendor, 0o755)
	w.write(filepath.Join(vendor, ".nvmrc"), "12\n")
	tv := w.write(filepath.Join(w.proj, ".tool-versions"), "# asdf\nnodejs 20.1.0 19.0.0\n")
	meta := &Meta{ID: "node", VersionFiles: []string{".nvmrc"}, VersionIgnore: []string{"/vendor/"}}
	cfg, err := config.Load(vendor, w.home, w.toteHome)
	if err != nil {
		t.Fatal(err)
	}
	d := &Detector{Config: cfg, Store: w.st, Cwd: vendor, UserHome: w.home, Getenv: func(string) string { return "" }}
	det, err := d.Detect("node", meta)
	if err != nil || det.Kind != FromToolVersions || det.Spec != "20.1.0" || det.Source != tv || det.Line != 2 {
		t.Fatalf("ignored .nvmrc, then .tool-versions: %+v %v", det, err)
	}
}

func TestWalkDirs(t *testing.T) {
	t.Parallel()
	sep := string(filepath.Separator)
	home := filepath.Join(sep, "h", "u")
	got := WalkDirs(filepath.Join(home, "a", "b"), home)
	if len(got) != 3 || got[0] != filepath.Join(home, "a", "b") || got[2] != home {
		t.Errorf("under home: %v", got)
	}
	got = WalkDirs(filepath.Join(sep, "srv", "x"), home)
	if len(got) != 3 || got[2] != sep {
		t.Errorf("outside home, up to the root: %v", got)
	}
	if EnvVar("rust-analyzer") != "TOTE_RUST_ANALYZER_VERSION" || ProtoEnvVar("node") != "PROTO_NODE_VERSION" {
		t.Error("variable names")
	}
}
