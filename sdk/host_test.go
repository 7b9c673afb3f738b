package sdk

import (
	"reflect"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
)

func TestHostInformationIsReadOnce(t *testing.T) {
	f := useFake(t, &fakeABI{cfg: map[string]string{
		api.ConfigHostEnvironment: `{"os":"linux","arch":"arm64","libc":"musl","ci":true,"home_dir":{"path":"/userhome","virtual_prefix":"/userhome","real_prefix":"/home/me"}}`,
		api.ConfigPluginID:        "node",
		api.ConfigToolID:          `"node-tool"`,
		api.ConfigVirtualPaths:    `{"/proto":"/home/me/.tote","/userhome":"/home/me"}`,
	}})
	for range 3 {
		env := HostEnvironment()
		if env.OS != OSLinux || env.Arch != ArchArm64 || env.Libc != LibcMusl || !env.CI {
			t.Fatalf("env = %+v", env)
		}
		if env.HomeDir.Path != "/userhome" || env.HomeDir.RealPath() != "/home/me" {
			t.Errorf("home = %+v", env.HomeDir)
		}
		if PluginID() != "node" || ToolID() != "node-tool" {
			t.Errorf("ids %q %q", PluginID(), ToolID())
		}
		if vp := VirtualPaths(); vp["/proto"] != "/home/me/.tote" || len(vp) != 2 {
			t.Errorf("virtual paths = %v", vp)
		}
	}
	for k, n := range f.reads {
		if n != 1 {
			t.Errorf("config %q read %d times, want once", k, n)
		}
	}
}

func TestVirtualPathsEitherOrientation(t *testing.T) {
	want := map[string]string{"/proto": "/h/.tote", "/cwd": "/work"}
	for _, raw := range []string{
		`{"/proto":"/h/.tote","/cwd":"/work"}`,
		`{"/h/.tote":"/proto","/work":"/cwd"}`,
		// proto ≥ 0.60: [host, guest] pairs, longest host path first.
		`[["/work","/cwd"],["/h/.tote","/proto"]]`,
	} {
		if got := decodeVirtualPaths(raw); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %v", raw, got)
		}
	}
	if got := decodeVirtualPaths(`not json`); len(got) != 0 {
		t.Errorf("bad json: %v", got)
	}
}

func TestNoHostConfiguration(t *testing.T) {
	useFake(t, &fakeABI{})
	if env := HostEnvironment(); env != (HostEnv{}) {
		t.Errorf("env = %+v", env)
	}
	type cfg struct {
		Mirror string `json:"mirror"`
	}
	c, err := ToolConfig(cfg{Mirror: "default"})
	if err != nil || c.Mirror != "default" {
		t.Errorf("config %+v, %v", c, err)
	}
}

type nested struct {
	Token   string `json:"token"`
	Retries int    `json:"max_retries"`
}

type toolCfg struct {
	BundledNpm   bool              `json:"bundled_npm"`
	DistURL      string            `json:"dist_url"`
	Shims        []string          `json:"shims"`
	Headers      map[string]string `json:"headers"`
	Auth         nested            `json:"auth_settings"`
	Ptr          *nested           `json:"ptr"`
	List         []nested          `json:"list"`
	NoTag        string
	Skipped      string `json:"-"`
	embeddedPart        // untagged embedded struct: fields promoted
}

type embeddedPart struct {
	InnerOption string `json:"inner_option"`
}

func TestDecodeToolConfig(t *testing.T) {
	defaults := toolCfg{
		BundledNpm: true,
		DistURL:    "https://nodejs.org/dist",
		Shims:      []string{"a", "b"},
		Headers:    map[string]string{"Accept": "json"},
		Auth:       nested{Retries: 3},
		Skipped:    "keep",
	}
	raw := `{
		"bundled-npm": false,
		"shims": ["c"],
		"headers": {"x-Custom-Key": "1"},
		"auth-settings": {"token": "t0k", "max-retries": 5},
		"ptr": {"max-retries": 9},
		"list": [{"maxRetries": 1}, {"max_retries": 2}],
		"no-tag": "set",
		"innerOption": "promoted",
		"Skipped": "ignored",
		"unknown-key": {"deep": true}
	}`
	got, err := DecodeToolConfig([]byte(raw), defaults)
	if err != nil {
		t.Fatal(err)
	}
	want := toolCfg{
		BundledNpm:   false,
		DistURL:      "https://nodejs.org/dist",
		Shims:        []string{"c"},
		Headers:      map[string]string{"Accept": "json", "x-Custom-Key": "1"},
		Auth:         nested{Token: "t0k", Retries: 5},
		Ptr:          &nested{Retries: 9},
		List:         []nested{{Retries: 1}, {Retries: 2}},
		NoTag:        "set",
		Skipped:      "keep",
		embeddedPart: embeddedPart{InnerOption: "promoted"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestDecodeToolConfigExactKeyWins(t *testing.T) {
	got, err := DecodeToolConfig([]byte(`{"dist-url":"near","dist_url":"exact"}`), toolCfg{})
	if err != nil || got.DistURL != "exact" {
		t.Errorf("got %q, %v", got.DistURL, err)
	}
}

func TestDecodeToolConfigErrors(t *testing.T) {
	for raw, want := range map[string]string{
		`{"bundled_npm": "yes"}`: "cannot unmarshal string",
		`[1,2]`:                  "want a JSON object, got a list",
		`{"a":`:                  "unexpected EOF",
	} {
		got, err := DecodeToolConfig([]byte(raw), toolCfg{DistURL: "d"})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", raw, err, want)
		}
		if got.DistURL != "d" {
			t.Errorf("%s: defaults lost: %+v", raw, got)
		}
	}
}

func TestToolConfigErrorNamesTable(t *testing.T) {
	useFake(t, &fakeABI{cfg: map[string]string{
		api.ConfigToolID:     "go",
		api.ConfigToolConfig: `{"bundled-npm": 3}`,
	}})
	_, err := ToolConfig(toolCfg{})
	if err == nil || !strings.HasPrefix(err.Error(), "invalid configuration in [tools.go]: decode tool configuration: json: cannot unmarshal number") {
		t.Errorf("err = %v", err)
	}
}

func TestDecodeToolConfigMap(t *testing.T) {
	got, err := DecodeToolConfig([]byte(`{"kebab-key": 1}`), map[string]any{"default": true})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, map[string]any{"default": true, "kebab-key": float64(1)}) {
		t.Errorf("got %v", got)
	}
}
