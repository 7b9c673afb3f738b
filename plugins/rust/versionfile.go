package rust

import (
	"context"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// DetectVersionFiles names rustup's toolchain files, newest form first.
func DetectVersionFiles(ctx context.Context, h pluginhost.Host, in api.DetectVersionInput) (api.DetectVersionOutput, error) {
	return api.DetectVersionOutput{Files: []string{"rust-toolchain.toml", "rust-toolchain"}, Ignore: []string{"target"}}, nil
}

type toolchainFile struct {
	Toolchain struct {
		Channel string `toml:"channel"`
		Path    string `toml:"path"`
	} `toml:"toolchain"`
}

// ParseVersionFile reads rust-toolchain.toml's [toolchain] channel, and the
// legacy rust-toolchain file (a bare channel on its first line, or the same
// TOML). A channel may be a release (1.80.1, 1.80), a channel name
// (stable, beta, nightly) or a dated channel (nightly-2024-01-05); a host
// triple after it is dropped (stable-x86_64-unknown-linux-gnu names the
// stable toolchain). A custom toolchain (path = "...") cannot be installed
// and is an error naming the file.
func ParseVersionFile(ctx context.Context, h pluginhost.Host, in api.ParseVersionFileInput) (api.ParseVersionFileOutput, error) {
	content := strings.TrimPrefix(in.Content, "\ufeff")
	channel, line := "", 0
	if in.File == "rust-toolchain.toml" || strings.Contains(content, "[toolchain]") {
		var tf toolchainFile
		if err := toml.Unmarshal([]byte(content), &tf); err != nil {
			var de *toml.DecodeError
			if ok := asDecodeError(err, &de); ok {
				row, _ := de.Position()
				return api.ParseVersionFileOutput{}, pluginhost.Errorf("%s:%d: invalid TOML: %v", in.File, row, de)
			}
			return api.ParseVersionFileOutput{}, pluginhost.Errorf("%s: invalid TOML: %v", in.File, err)
		}
		if tf.Toolchain.Path != "" {
			return api.ParseVersionFileOutput{}, pluginhost.Errorf("%s: a custom toolchain (path = %q) is not installed by tote; pin a channel", in.File, tf.Toolchain.Path)
		}
		channel = strings.TrimSpace(tf.Toolchain.Channel)
		for i, l := range strings.Split(content, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), "channel") {
				line = i + 1
			}
		}
	} else {
		for i, l := range strings.Split(content, "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				channel, line = l, i+1
				break
			}
		}
	}
	if channel == "" {
		return api.ParseVersionFileOutput{}, nil
	}
	channel = dropTriple(channel)
	if !Channel(channel) {
		if s, err := sdk.ParseSpec(channel); err != nil || (s.Kind != sdk.SpecExact && s.Kind != sdk.SpecPartial) {
			return api.ParseVersionFileOutput{}, pluginhost.Errorf("%s:%d: %q is not a Rust channel", in.File, line, channel)
		}
	}
	return api.ParseVersionFileOutput{Version: channel}, nil
}

// dropTriple removes a host triple after a channel ("stable-x86_64-unknown-linux-gnu").
func dropTriple(c string) string {
	for _, arch := range []string{"-x86_64-", "-aarch64-", "-i686-", "-armv7-", "-riscv64gc-"} {
		if i := strings.Index(c, arch); i > 0 {
			return c[:i]
		}
	}
	return c
}

func asDecodeError(err error, target **toml.DecodeError) bool {
	de, ok := err.(*toml.DecodeError)
	if ok {
		*target = de
	}
	return ok
}
