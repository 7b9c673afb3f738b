package kubectl_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/conformance"
	"github.com/tote-dev/tote/plugins/internal/hosttest"
	"github.com/tote-dev/tote/plugins/kubectl"
)

func host(pages map[string]string) *hosttest.Host {
	return &hosttest.Host{ID: "kubectl", HostEnv: conformance.Linux64, Pages: pages}
}

func TestLoadVersionsFromLabels(t *testing.T) {
	h := host(map[string]string{
		kubectl.DefaultDistURL + "stable.txt":      "v1.31.2\n", // a final newline is accepted
		kubectl.DefaultDistURL + "latest.txt":      "v1.32.0-beta.0",
		kubectl.DefaultDistURL + "stable-1.31.txt": "v1.31.2",
		kubectl.DefaultDistURL + "stable-1.30.txt": "v1.30.6",
	})
	out, err := kubectl.LoadVersions(context.Background(), h, api.LoadVersionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"1.30.6", "1.31.2", "1.32.0-beta.0"}; !reflect.DeepEqual(out.Versions, want) {
		t.Errorf("versions %v, want %v", out.Versions, want)
	}
	if out.Latest != "1.31.2" || out.Canary != "canary" || out.Aliases["stable"] != "1.31.2" {
		t.Errorf("latest %q canary %q aliases %v", out.Latest, out.Canary, out.Aliases)
	}
	// stable-1.29.txt answered 404: the listing stopped there.
	if last := h.Fetched[len(h.Fetched)-2]; !strings.HasSuffix(last, "stable-1.29.txt") {
		t.Errorf("fetched %v", h.Fetched)
	}
}

func TestHostileLabels(t *testing.T) {
	for name, body := range map[string]string{
		"html":      "<html><body>moved</body></html>",
		"two-lines": "v1.31.2\nv1.30.0",
		"not-a-ver": "vNext",
		"huge":      strings.Repeat("1", 1<<16),
		"empty":     "",
	} {
		h := host(map[string]string{kubectl.DefaultDistURL + "stable.txt": body})
		_, err := kubectl.LoadVersions(context.Background(), h, api.LoadVersionsInput{})
		if err == nil || !strings.Contains(err.Error(), "stable.txt") {
			t.Errorf("%s: want an error naming stable.txt, got %v", name, err)
		}
	}
}

func TestDownloadPrebuilt(t *testing.T) {
	h := host(map[string]string{kubectl.DefaultDistURL + "latest.txt": "v1.32.0-beta.0"})
	h.Config = `{"dist-url": "https://mirror.example/k8s/release"}`
	out, err := kubectl.DownloadPrebuilt(context.Background(), h, api.DownloadPrebuiltInput{Context: api.Context{Version: "v1.31.2"}})
	if err != nil {
		t.Fatal(err)
	}
	if out.DownloadURL != "https://mirror.example/k8s/release/v1.31.2/bin/linux/amd64/kubectl" || out.ChecksumURL != out.DownloadURL+".sha256" || out.DownloadName != "kubectl" {
		t.Errorf("%+v", out)
	}
	h.Config = ""
	h.HostEnv = conformance.Win64
	out, err = kubectl.DownloadPrebuilt(context.Background(), h, api.DownloadPrebuiltInput{Context: api.Context{Version: "canary"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out.DownloadURL, "/v1.32.0-beta.0/bin/windows/amd64/kubectl.exe") {
		t.Errorf("canary: %+v", out)
	}
	for _, v := range []string{"1.31", "latest", "../../etc/passwd"} {
		if _, err := kubectl.DownloadPrebuilt(context.Background(), h, api.DownloadPrebuiltInput{Context: api.Context{Version: v}}); err == nil {
			t.Errorf("%q: want an error", v)
		}
	}
}
