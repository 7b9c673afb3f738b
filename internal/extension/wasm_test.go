package extension

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/runtime"
	"github.com/tote-dev/tote/internal/testutil/wasmbuild"
)

// install builds fixture testdata/fixtures/ext-<scenario> and installs it
// as $TOTE_HOME/extensions/<id>.wasm.
func (e *testEnv) install(t testing.TB, scenario, id string) string {
	t.Helper()
	src := wasmbuild.Build(t, wasmbuild.Fixture("ext-"+scenario))
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(e.home, "extensions")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, id+".wasm")
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestWASMHelloDataDirAtRoot(t *testing.T) {
	env := newEnv(t, "")
	env.install(t, "hello", "hello")
	h := env.host(t)
	ctx := context.Background()
	reply, err := h.RunCommand(ctx, "hello", []string{"world"}, "/somewhere")
	if err != nil {
		t.Fatalf("tote hello: %v", err)
	}
	want := "hello world\ndata dir: /\nenabled: startup\n"
	if reply.Stdout != want || reply.ExitCode != 0 {
		t.Errorf("reply %+v, want stdout %q", reply, want)
	}
	// The file the guest wrote under "/" is in $TOTE_HOME/extensions/hello.
	b, err := os.ReadFile(filepath.Join(env.home, "extensions", "hello", "hello.txt"))
	if err != nil || string(b) != "startup\n" {
		t.Errorf("hello.txt = %q, %v", b, err)
	}
	infos := h.List(ctx, false)
	if len(infos) != 1 || infos[0].Metadata.Version != "1.0.0" || infos[0].State != StateEnabled {
		t.Errorf("list %+v", infos)
	}
}

func TestWASMHelloNoDataDir(t *testing.T) {
	env := newEnv(t, "[extensions.hello]\ndeny = [\"data-dir\"]\n")
	env.install(t, "hello", "hello")
	h := env.host(t)
	infos := h.List(context.Background(), true)
	if infos[0].State != StateRefused || !strings.Contains(infos[0].Error, "on_enable") {
		t.Errorf("hello without data-dir: %+v", infos[0])
	}
	if _, err := os.Stat(filepath.Join(env.home, "extensions", "hello")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("data dir created without the capability: %v", err)
	}
	_ = runtime.KindTrap
	_ = api.EventPreRun
}
