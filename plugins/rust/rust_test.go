package rust_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/conformance"
	"github.com/tote-dev/tote/plugins/internal/hosttest"
	"github.com/tote-dev/tote/plugins/rust"
	"github.com/tote-dev/tote/plugins/rust/rusttest"
)

// NativeInstall fetches and verifies rustup-init, writes it to the temp
// dir, runs it with the version's RUSTUP_HOME and CARGO_HOME and no
// toolchain, then runs that rustup's toolchain install.
func TestNativeInstallCommands(t *testing.T) {
	root := t.TempDir()
	if _, err := rusttest.Mirror(root); err != nil {
		t.Fatal(err)
	}
	base := "https://static.rust-lang.org/rustup/dist/aarch64-apple-darwin/"
	dir := filepath.Join(root, "rust", "rustup", "dist", "aarch64-apple-darwin")
	var runs []api.ExecCommandInput
	h := &hosttest.Host{ID: "rust", HostEnv: conformance.MacArm64,
		Files: map[string]string{base + "rustup-init": filepath.Join(dir, "rustup-init"), base + "rustup-init.sha256": filepath.Join(dir, "rustup-init.sha256")},
		ExecFn: func(in api.ExecCommandInput) (api.ExecCommandOutput, error) {
			runs = append(runs, in)
			return api.ExecCommandOutput{}, nil
		}}
	in := api.NativeInstallInput{Context: api.Context{Version: "nightly-2024-01-05", TempDir: api.NewVirtualPath("/temp/rust")},
		InstallDir: api.VirtualPath{Path: "/proto/tools/rust/nightly-2024-01-05", VirtualPrefix: "/proto", RealPrefix: "/home/u/.tote"}}
	out, err := rust.NativeInstall(context.Background(), h, in)
	if err != nil || !out.Installed {
		t.Fatalf("%+v %v", out, err)
	}
	body, _ := os.ReadFile(filepath.Join(dir, "rustup-init"))
	var written string
	for p, b := range h.Written {
		written = p
		if string(b) != string(body) {
			t.Error("wrote other bytes than the verified rustup-init")
		}
	}
	if len(runs) != 2 || runs[0].Command != written || !runs[0].SetExecutable ||
		strings.Join(runs[0].Args, " ") != "-y --no-modify-path --default-toolchain none --profile minimal --default-host aarch64-apple-darwin" {
		t.Fatalf("runs %+v (written %s)", runs, written)
	}
	home := "/home/u/.tote/tools/rust/nightly-2024-01-05"
	if runs[0].Env["RUSTUP_HOME"] != home+"/rustup" || runs[0].Env["CARGO_HOME"] != home+"/cargo" {
		t.Errorf("env %v", runs[0].Env)
	}
	if runs[1].Command != home+"/cargo/bin/rustup" || strings.Join(runs[1].Args, " ") != "toolchain install nightly-2024-01-05 --profile minimal --no-self-update" {
		t.Errorf("second run %+v", runs[1])
	}
	// A failing rustup is reported with its status and stderr.
	h.ExecFn = func(in api.ExecCommandInput) (api.ExecCommandOutput, error) {
		return api.ExecCommandOutput{ExitCode: 1, Stderr: "error: could not download nonexistent component"}, nil
	}
	if _, err := rust.NativeInstall(context.Background(), h, in); err == nil || !strings.Contains(err.Error(), "exited with status 1: error: could not download") {
		t.Errorf("failure: %v", err)
	}
}

func TestChannels(t *testing.T) {
	for s, want := range map[string]bool{"stable": true, "beta": true, "nightly": true, "nightly-2024-01-05": true, "beta-2024-11-30": true,
		"nightly-2024-1-5": false, "1.80.1": false, "latest": false, "nightly-abcd-ef-gh": false, "stable-x86_64-unknown-linux-gnu": false} {
		if rust.Channel(s) != want {
			t.Errorf("Channel(%q) = %v", s, !want)
		}
	}
}
