package extcmd

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/extension"
	"github.com/tote-dev/tote/internal/cli"
)

type nativeExt struct{}

func (nativeExt) Metadata(context.Context) (api.ExtensionMetadata, error) {
	return api.ExtensionMetadata{ID: "extcmd-test", Name: "Test", Version: "0.1.0", Permissions: []api.Capability{api.CapEventBus, api.CapNetwork}}, nil
}
func (nativeExt) Enable(_ context.Context, _ api.EnableInput, reg extension.Registrar) error {
	_, err := reg.Subscribe(api.SubscribeInput{Event: api.EventPostInstall, Priority: 7})
	return err
}
func (nativeExt) HandleEvent(context.Context, api.EventEnvelope) (api.EventReply, error) {
	return api.EventReply{}, nil
}
func (nativeExt) HandleCommand(context.Context, api.CommandInvocation) (api.CommandReply, error) {
	return api.CommandReply{}, nil
}
func (nativeExt) Disable(context.Context, string) error { return nil }

func init() {
	extension.RegisterNative("extcmd-test", func(extension.NativeHost) extension.Plugin { return nativeExt{} })
}

func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Run(context.Background(), args, &cli.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, NewCmdExtension)
	return out.String(), errOut.String(), code
}

func TestEnableListDisable(t *testing.T) {
	home := t.TempDir()
	t.Setenv("TOTE_HOME", home)
	t.Setenv("HOME", home)
	t.Chdir(home)
	global := filepath.Join(home, ".prototools")
	os.WriteFile(global, []byte("# my tools\nnode = \"20\"\n"), 0o644)

	out, _, code := run(t, "extension", "list")
	if code != 0 || !regexp.MustCompile(`(?m)^extcmd-test +native +disabled `).MatchString(out) {
		t.Fatalf("list before enable (%d):\n%s", code, out)
	}
	out, errOut, code := run(t, "extension", "enable", "extcmd-test")
	if code != 0 || !strings.HasPrefix(out, "enabled extcmd-test in "+global) {
		t.Fatalf("enable (%d): %s %s", code, out, errOut)
	}
	b, _ := os.ReadFile(global)
	if string(b) != "# my tools\nnode = \"20\"\n\n[extensions.extcmd-test]\nenabled = true\n" {
		t.Errorf("global file:\n%s", b)
	}
	out, _, _ = run(t, "extension", "list")
	if !regexp.MustCompile(`(?m)^extcmd-test +native +enabled +0\.1\.0 +event-bus,network! +event-bus,command,config-read,data-dir$`).MatchString(out) {
		t.Errorf("list after enable:\n%s", out)
	}
	out, _, _ = run(t, "extension", "info", "extcmd-test")
	if !strings.Contains(out, "subscriptions: post-install@7") || !strings.Contains(out, "requested:     event-bus,network!") {
		t.Errorf("info:\n%s", out)
	}
	if _, _, code := run(t, "extension", "disable", "extcmd-test"); code != 0 {
		t.Fatal("disable failed")
	}
	b, _ = os.ReadFile(global)
	if !strings.Contains(string(b), "[extensions.extcmd-test]\nenabled = false\n") {
		t.Errorf("after disable:\n%s", b)
	}
	_, errOut, code = run(t, "extension", "enable", "nope")
	if code == 0 || !strings.Contains(errOut, `no extension "nope"`) || !strings.Contains(errOut, "hint: known extensions: extcmd-test") {
		t.Errorf("unknown id (%d): %s", code, errOut)
	}
	_, errOut, code = run(t, "extension", "enable", "Bad")
	if code == 0 || !strings.Contains(errOut, "invalid extension id") {
		t.Errorf("invalid id (%d): %s", code, errOut)
	}
}
