package ext_test

import (
	"fmt"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/sdk"
	"github.com/tote-dev/tote/sdk/ext"
)

// Policy refuses versions below a configured minimum and counts installs.
type Policy struct {
	minimum  map[string]string
	installs int
}

func (p *Policy) Metadata() ext.Metadata {
	return ext.Metadata{ID: "policy", Name: "Version policy", Version: "1.0.0"}
}

func (p *Policy) OnEnable(ctx *ext.Context) error {
	cfg, err := ext.DecodeConfig(ctx, struct {
		Minimum map[string]string `json:"minimum"`
	}{})
	if err != nil {
		return err
	}
	p.minimum = cfg.Minimum
	ctx.On(ext.PreInstall, ext.Normal, func(e *ext.PreInstallEvent) *ext.AccessResult {
		if min, ok := p.minimum[e.Tool]; ok && sdk.CompareVersions(e.Version, min) < 0 {
			return e.Deny(fmt.Sprintf("%s %s is below the minimum %s", e.Tool, e.Version, min))
		}
		return nil
	})
	ctx.On(ext.PostInstall, ext.Normal, func(e *ext.PostInstallEvent) { p.installs++ })
	return ctx.Command("installs").
		Description("Show how many installs this process saw").
		Handler(func(inv ext.Invocation) error {
			inv.Printf("%d\n", p.installs)
			return nil
		}).
		Register()
}

// In a plugin: func init() { ext.RegisterPlugin(&Policy{}) }. Here the
// plugin runs natively under a TestHost.
func Example() {
	h := ext.NewTestHost(&Policy{})
	err := h.Enable(api.EnableInput{Config: map[string]any{"minimum": map[string]any{"node": "18.0.0"}}})
	fmt.Println("enable:", err)

	res, _ := h.Fire(ext.PreInstall, api.InstallEvent{Tool: "node", Version: "16.20.2"}, nil)
	fmt.Println("node 16:", string(res))
	res, _ = h.Fire(ext.PreInstall, api.InstallEvent{Tool: "node", Version: "20.11.1"}, nil)
	fmt.Println("node 20 unchanged:", res == nil)

	h.Fire(ext.PostInstall, api.InstallEvent{Tool: "node", Version: "20.11.1"}, nil)
	reply, _ := h.Run("installs")
	fmt.Print("installs: ", reply.Stdout)
	// Output:
	// enable: <nil>
	// node 16: {"deny":true,"reason":"node 16.20.2 is below the minimum 18.0.0"}
	// node 20 unchanged: true
	// installs: 1
}

func ExamplePreDownloadEvent_Rewrite() {
	h := ext.NewTestHost(mirrorPlugin{})
	h.Enable(api.EnableInput{})
	res, _ := h.Fire(ext.PreDownload, api.DownloadEvent{Tool: "node", URL: "https://nodejs.org/dist/v20.11.1/node.tar.xz"}, nil)
	fmt.Println(string(res))
	// Output: {"url":"https://mirror.example.com/node/v20.11.1/node.tar.xz"}
}

type mirrorPlugin struct{}

func (mirrorPlugin) Metadata() ext.Metadata { return ext.Metadata{ID: "mirror"} }

func (mirrorPlugin) OnEnable(ctx *ext.Context) error {
	return ctx.On(ext.PreDownload, ext.Early, func(e *ext.PreDownloadEvent) *ext.DownloadResult {
		const from = "https://nodejs.org/dist/"
		if len(e.Current.URL) > len(from) && e.Current.URL[:len(from)] == from {
			return e.Rewrite("https://mirror.example.com/node/" + e.Current.URL[len(from):])
		}
		return nil
	})
}
