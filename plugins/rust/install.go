package rust

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/internal/sums"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// NativeInstall installs a version: rustup-init, downloaded and verified,
// sets up rustup in <install dir>/rustup and <install dir>/cargo with no
// toolchain, then rustup installs the channel's toolchain there.
func NativeInstall(ctx context.Context, h pluginhost.Host, in api.NativeInstallInput) (api.NativeInstallOutput, error) {
	cfg, err := config(h)
	if err != nil {
		return api.NativeInstallOutput{}, err
	}
	env := h.Env()
	tc, err := toolchainName(env, in.Context.Version)
	if err != nil {
		return api.NativeInstallOutput{}, err
	}
	channel := strings.TrimPrefix(in.Context.Version, "v")
	triple, _ := Triple(env)
	home := in.InstallDir.RealPath()
	if home == "" {
		return api.NativeInstallOutput{}, pluginhost.Errorf("rust: the host gave no real path for the install directory %s", in.InstallDir.Path)
	}
	exe := sdk.ExeName(env, "rustup-init")
	url := cfg.UpdateRoot + "/dist/" + triple + "/" + exe
	bin, err := h.Fetch(ctx, url)
	if err != nil {
		return api.NativeInstallOutput{}, err
	}
	sumFile, err := h.Fetch(ctx, url+".sha256")
	if err != nil {
		return api.NativeInstallOutput{}, err
	}
	want, err := sums.Find(sumFile, exe)
	if err != nil {
		return api.NativeInstallOutput{}, pluginhost.Errorf("%s.sha256: %v", url, err)
	}
	got := sha256.Sum256(bin)
	if hex.EncodeToString(got[:]) != want {
		return api.NativeInstallOutput{}, pluginhost.Errorf("checksum mismatch for %s: expected sha256:%s, got sha256:%s", url, want, hex.EncodeToString(got[:]))
	}
	fw, ok := h.(pluginhost.FileWriter)
	if !ok {
		return api.NativeInstallOutput{}, pluginhost.Errorf("rust: this host cannot write files, so rustup-init cannot be run")
	}
	if in.Context.TempDir.Path == "" {
		return api.NativeInstallOutput{}, pluginhost.Errorf("rust: the host gave no temp directory")
	}
	initPath := in.Context.TempDir.Path + "/rustup-init-" + want[:16] + sdk.ForNative(env, "", ".exe")
	if err := fw.WriteFile(ctx, initPath, bin); err != nil {
		return api.NativeInstallOutput{}, pluginhost.Errorf("rust: write rustup-init: %v", err)
	}
	vars := map[string]string{
		"RUSTUP_HOME": home + "/rustup", "CARGO_HOME": home + "/cargo",
		"RUSTUP_TOOLCHAIN!": "", "RUSTUP_INIT_SKIP_PATH_CHECK": "yes", "RUSTUP_UPDATE_ROOT": cfg.UpdateRoot,
	}
	if cfg.DistServer != "" {
		vars["RUSTUP_DIST_SERVER"] = strings.TrimSuffix(cfg.DistServer, "/")
	}
	run := func(what string, stream bool, command string, setExec bool, args ...string) error {
		out, err := h.Exec(ctx, api.ExecCommandInput{Command: command, Args: args, Env: vars, SetExecutable: setExec, Stream: stream})
		if err != nil {
			return pluginhost.Errorf("rust: %s: %v", what, err)
		}
		if out.ExitCode != 0 {
			msg := strings.TrimSpace(out.Stderr)
			if len(msg) > 2000 {
				msg = "…" + msg[len(msg)-2000:]
			}
			if msg == "" {
				msg = "see its output above"
			}
			return pluginhost.Errorf("rust: %s exited with status %d: %s", what, out.ExitCode, msg)
		}
		return nil
	}
	if err := run("rustup-init", false, initPath, true,
		"-y", "--no-modify-path", "--default-toolchain", "none", "--profile", cfg.Profile, "--default-host", triple); err != nil {
		return api.NativeInstallOutput{}, err
	}
	rustup := home + "/cargo/bin/" + sdk.ExeName(env, "rustup")
	if err := run("rustup toolchain install "+channel, true, rustup, false,
		"toolchain", "install", channel, "--profile", cfg.Profile, "--no-self-update"); err != nil {
		return api.NativeInstallOutput{}, err
	}
	h.Log(api.LogDebug, fmt.Sprintf("installed toolchain %s with rustup in %s", tc, home))
	return api.NativeInstallOutput{Installed: true, Checksum: api.Checksum("sha256:" + want)}, nil
}
