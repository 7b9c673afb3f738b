package moon_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/conformance"
	"github.com/tote-dev/tote/plugins/internal/hosttest"
	"github.com/tote-dev/tote/plugins/moon"
)

const relURL = "https://api.github.com/repos/moonrepo/moon/releases/tags/v1.41.0"

func dl(h *hosttest.Host, v string) (api.DownloadPrebuiltOutput, error) {
	return moon.DownloadPrebuilt(context.Background(), h, api.DownloadPrebuiltInput{Context: api.Context{Version: v}})
}

func TestV1ChecksumFromDigest(t *testing.T) {
	hex := strings.Repeat("ab", 32)
	h := &hosttest.Host{ID: "moon", HostEnv: conformance.MacArm64, Pages: map[string]string{
		relURL: `{"tag_name":"v1.41.0","assets":[{"name":"moon-aarch64-apple-darwin","browser_download_url":"x","size":3,"digest":"sha256:` + strings.ToUpper(hex) + `"}]}`,
	}}
	out, err := dl(h, "1.41.0")
	if err != nil {
		t.Fatal(err)
	}
	if out.Checksum != api.Checksum("sha256:"+hex) || out.DownloadName != "moon" || out.ChecksumURL != "" ||
		out.DownloadURL != "https://github.com/moonrepo/moon/releases/download/v1.41.0/moon-aarch64-apple-darwin" {
		t.Errorf("%+v", out)
	}
}

// A hostile or broken release object must never pass for "no checksum".
func TestV1HostileRelease(t *testing.T) {
	for name, body := range map[string]string{
		"md5-digest":  `{"tag_name":"v1.41.0","assets":[{"name":"moon-x86_64-unknown-linux-gnu","digest":"md5:0123"}]}`,
		"short":       `{"tag_name":"v1.41.0","assets":[{"name":"moon-x86_64-unknown-linux-gnu","digest":"sha256:abc"}]}`,
		"not-json":    `<html>rate limited</html>`,
		"no-tag":      `{"assets":[]}`,
		"asset-moved": `{"tag_name":"v1.41.0","assets":[{"name":"moon-linux","digest":null}]}`,
	} {
		h := &hosttest.Host{ID: "moon", HostEnv: conformance.Linux64, Pages: map[string]string{relURL: body}}
		if out, err := dl(h, "1.41.0"); err == nil {
			t.Errorf("%s: accepted: %+v", name, out)
		}
	}
}

func TestV2Archive(t *testing.T) {
	h := &hosttest.Host{ID: "moon", HostEnv: conformance.LinuxArm64}
	out, err := dl(h, "v2.0.0")
	if err != nil {
		t.Fatal(err)
	}
	if out.ArchivePrefix != "moon_cli-aarch64-unknown-linux-gnu" || out.DownloadName != "moon_cli-aarch64-unknown-linux-gnu.tar.xz" ||
		out.ChecksumURL != "https://github.com/moonrepo/moon/releases/download/v2.0.0/moon_cli-aarch64-unknown-linux-gnu.tar.xz.sha256" {
		t.Errorf("%+v", out)
	}
	if len(h.Fetched) != 0 {
		t.Errorf("moon 2 needs no API call; fetched %v", h.Fetched)
	}
}

// moon has no version file: .moon/toolchain.yml configures moon's tools.
func TestNoVersionFiles(t *testing.T) {
	if _, ok := moon.Table[api.FuncDetectVersionFiles]; ok {
		t.Error("moon must not detect version files")
	}
}
