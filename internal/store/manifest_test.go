package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestManifestRoundTrip(t *testing.T) {
	s := newStore(t)
	m, err := s.ReadManifest("node")
	if err != nil || len(m.InstalledVersions) != 0 || m.DefaultVersion != "" {
		t.Fatalf("missing manifest read as %+v, %v", m, err)
	}
	at := time.Date(2024, 12, 3, 10, 0, 0, 0, time.UTC)
	entry := InstalledVersion{
		InstalledAt: at,
		Checksum:    "sha256:2c8ff5e7d1a1a8b4b0e0a7c3f4b0d3a5b0a3c0f8c6d8a5e2d6a8e1b1a1c3e5f7",
		SourceURL:   "https://nodejs.org/dist/v22.12.0/node-v22.12.0-linux-x64.tar.xz",
		Exes: map[string]Exe{
			"node": {Path: "/h/tools/node/22.12.0/bin/node", Primary: true},
			"npx": {Path: "/h/tools/node/22.12.0/bin/npx", ParentExeName: "node",
				ShimBeforeArgs: []string{"--yes"}, ShimAfterArgs: []string{"--"},
				ShimEnvVars: map[string]string{"NPM_CONFIG_UPDATE_NOTIFIER": "false"}, NoBin: true},
		},
		ExesDirs:          []string{"/h/tools/node/22.12.0/bin"},
		GlobalsLookupDirs: []string{"/h/tools/node/22.12.0/lib/bin"},
		GlobalsPrefix:     "npm-",
	}
	err = s.UpdateManifest(context.Background(), "node", func(m *Manifest) error {
		m.InstalledVersions["22.12.0"] = entry
		m.DefaultVersion = "22.12.0"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(s.ManifestPath("node"))
	for _, key := range []string{`"installed_versions"`, `"installed_at": "2024-12-03T10:00:00Z"`, `"default_version": "22.12.0"`,
		`"parent_exe_name": "node"`, `"shim_before_args"`, `"shim_env_vars"`, `"exes_dirs"`, `"globals_lookup_dirs"`, `"globals_prefix"`, `"no_bin": true`, `"primary": true`} {
		if !strings.Contains(string(raw), key) {
			t.Errorf("manifest.json lacks %s:\n%s", key, raw)
		}
	}
	got, err := s.ReadManifest("node")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.InstalledVersions["22.12.0"], entry) || got.DefaultVersion != "22.12.0" {
		t.Fatalf("read back %+v", got)
	}
}

func TestUpdateManifestCallbackErrorWritesNothing(t *testing.T) {
	s := newStore(t)
	boom := errors.New("boom")
	err := s.UpdateManifest(context.Background(), "go", func(m *Manifest) error {
		m.DefaultVersion = "1.22.0"
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("error = %v", err)
	}
	if _, err := os.Stat(s.ManifestPath("go")); !os.IsNotExist(err) {
		t.Fatal("manifest written although the callback failed")
	}
	err = s.UpdateManifest(context.Background(), "go", func(m *Manifest) error {
		m.InstalledVersions["../x"] = InstalledVersion{}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "invalid version") {
		t.Fatalf("a path-like version was recorded: %v", err)
	}
}

func TestCorruptManifestIsReportedNotReset(t *testing.T) {
	s := newStore(t)
	p := s.ManifestPath("node")
	bad := "{\n  \"installed_versions\": {\n    \"20.1.0\": {,}\n  }\n}\n"
	mustWrite(t, p, bad)
	_, err := s.ReadManifest("node")
	var ce *CorruptManifestError
	if !errors.As(err, &ce) || ce.Path != p {
		t.Fatalf("error = %v; want a CorruptManifestError for %s", err, p)
	}
	if !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("error %q does not name the file and line", err)
	}
	err = s.UpdateManifest(context.Background(), "node", func(m *Manifest) error {
		t.Error("callback called on a corrupt manifest")
		return nil
	})
	if !errors.As(err, &ce) {
		t.Fatalf("UpdateManifest error = %v", err)
	}
	assertContent(t, p, bad)

	for _, content := range []string{"", "[]", `{"installed_versions": {"..": {}}}`} {
		mustWrite(t, p, content)
		if _, err := s.ReadManifest("node"); !errors.As(err, &ce) {
			t.Errorf("%q: error = %v, want CorruptManifestError", content, err)
		}
	}
}

func TestUpdateManifestConcurrentNoLostUpdates(t *testing.T) {
	s := newStore(t)
	const n = 16
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.UpdateManifest(context.Background(), "node", func(m *Manifest) error {
				m.InstalledVersions[fmt.Sprintf("1.0.%d", i)] = InstalledVersion{InstalledAt: time.Now()}
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	m, err := s.ReadManifest("node")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.InstalledVersions) != n {
		t.Fatalf("%d versions recorded, want %d (updates were lost)", len(m.InstalledVersions), n)
	}
}

func TestInstalledVersionsCrossChecksManifest(t *testing.T) {
	s := newStore(t)
	if v, err := s.InstalledVersions("node"); err != nil || len(v) != 0 {
		t.Fatalf("no tool dir: %v, %v", v, err)
	}
	for _, v := range []string{"20.1.0", "18.0.0", "22.0.0"} {
		mustWrite(t, filepath.Join(s.VersionDir("node", v), "bin", "node"), v)
	}
	mustWrite(t, filepath.Join(s.ToolDir("node"), ".20.1.0.old-1", "x"), "")
	err := s.UpdateManifest(context.Background(), "node", func(m *Manifest) error {
		m.InstalledVersions["20.1.0"] = InstalledVersion{}
		m.InstalledVersions["18.0.0"] = InstalledVersion{}
		m.InstalledVersions["16.0.0"] = InstalledVersion{} // directory removed by hand
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.InstalledVersions("node")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "18.0.0,20.1.0" {
		t.Fatalf("installed = %v, want [18.0.0 20.1.0]", got)
	}
}
