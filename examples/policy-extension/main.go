// Command policy-extension is a tote extension that refuses to install
// versions of a tool below a configured minimum, and adds `tote policy`,
// which prints the minimums in force.
//
// Build and deploy:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o policy.wasm .
//	cp policy.wasm "${TOTE_HOME:-$HOME/.tote}/extensions/policy.wasm"
//
// Configure, in $TOTE_HOME/.prototools:
//
//	[extensions.policy.config]
//	minimum = { node = "18.0.0", go = "1.21" }
package main

import (
	"fmt"
	"sort"

	"github.com/tote-dev/tote/sdk"
	"github.com/tote-dev/tote/sdk/ext"
)

// Config is the [extensions.policy.config] table.
type Config struct {
	// Minimum maps a tool id to the lowest version that may be installed.
	Minimum map[string]string `json:"minimum"`
}

// Policy is the extension.
type Policy struct {
	cfg Config
}

// Metadata describes the extension; the id must match the file name.
func (p *Policy) Metadata() ext.Metadata {
	return ext.Metadata{
		ID:          "policy",
		Name:        "Version policy",
		Version:     "1.0.0",
		Description: "Denies installing versions below a configured minimum",
	}
}

// OnEnable reads the configuration, listens to pre-install and registers
// `tote policy`.
func (p *Policy) OnEnable(ctx *ext.Context) error {
	cfg, err := ext.DecodeConfig(ctx, Config{})
	if err != nil {
		return err
	}
	for tool, min := range cfg.Minimum {
		if _, err := sdk.ParseSpec(min); err != nil {
			return fmt.Errorf("minimum for %s: %w", tool, err)
		}
	}
	p.cfg = cfg
	// Early, so that later listeners (an override extension, say) see the
	// deny and may undo it.
	if err := ctx.On(ext.PreInstall, ext.Early, p.preInstall); err != nil {
		return err
	}
	return ctx.Command("policy").
		Description("Show the minimum versions in force").
		Handler(p.show).
		Register()
}

func (p *Policy) preInstall(e *ext.PreInstallEvent) *ext.AccessResult {
	min, ok := p.cfg.Minimum[e.Tool]
	if !ok || sdk.CompareVersions(e.Version, min) >= 0 {
		return nil // unchanged
	}
	sdk.Info("[policy] refused %s %s (minimum %s)", e.Tool, e.Version, min)
	return e.Deny(fmt.Sprintf("%s %s is below the minimum version %s allowed by policy", e.Tool, e.Version, min))
}

func (p *Policy) show(inv ext.Invocation) error {
	if len(p.cfg.Minimum) == 0 {
		inv.Println("no minimum versions configured")
		return nil
	}
	tools := make([]string, 0, len(p.cfg.Minimum))
	for t := range p.cfg.Minimum {
		tools = append(tools, t)
	}
	sort.Strings(tools)
	for _, t := range tools {
		inv.Printf("%s >= %s\n", t, p.cfg.Minimum[t])
	}
	return nil
}

func init() { ext.RegisterPlugin(&Policy{}) }

func main() {}
