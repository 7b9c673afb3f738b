package ruby_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/conformance"
	"github.com/tote-dev/tote/plugins/internal/hosttest"
	"github.com/tote-dev/tote/plugins/ruby"
)

// The asset names the plugin asks for are the ones proto's real release
// index for jdx/ruby lists, for every version and platform in it.
func TestAssetNamesMatchProtosIndex(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "proto-ruby-releases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var idx map[string]map[string]string
	if err := json.Unmarshal(b, &idx); err != nil {
		t.Fatal(err)
	}
	envs := map[string]api.HostEnvironment{"x86_64_linux": conformance.Linux64, "arm64_linux": conformance.LinuxArm64, "macos": conformance.MacArm64}
	for ver, assets := range idx {
		for platform, file := range assets {
			env := envs[platform]
			rel := `{"tag_name":"` + ver + `","assets":[{"name":"` + file + `","digest":null}]}`
			h := &hosttest.Host{ID: "ruby", HostEnv: env, Pages: map[string]string{"https://api.github.com/repos/jdx/ruby/releases/tags/" + ver: rel}}
			out, err := ruby.DownloadPrebuilt(context.Background(), h, api.DownloadPrebuiltInput{Context: api.Context{Version: ver}})
			if err != nil {
				t.Errorf("%s %s: %v", ver, platform, err)
				continue
			}
			if out.DownloadName != file || out.ArchivePrefix != "ruby-"+ver || out.DownloadURL != "https://github.com/jdx/ruby/releases/download/"+ver+"/"+file {
				t.Errorf("%s %s: %+v", ver, platform, out)
			}
		}
	}
}

func TestRevisionTagsAreNotVersions(t *testing.T) {
	h := &hosttest.Host{ID: "ruby", HostEnv: conformance.Linux64, Pages: map[string]string{
		ruby.TagsURL + "&page=1": `[{"name":"3.4.9-2"},{"name":"3.4.9-1"},{"name":"3.4.9"},{"name":"3.5.0-preview1"},{"name":"latest"}]`,
	}}
	out, err := ruby.LoadVersions(context.Background(), h, api.LoadVersionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Versions) != 2 || out.Versions[0] != "3.4.9" || out.Versions[1] != "3.5.0-preview1" || out.Latest != "3.4.9" {
		t.Errorf("%+v", out)
	}
}
