package main

import (
	"fmt"

	"github.com/tote-dev/tote/sdk"
	"github.com/tote-dev/tote/sdk/ext"
)

// Config is the [extensions.policy.config] table:
//
//	[extensions.policy.config]
//	minimum = { node = "20.0.0", ripgrep = "14.0.0" }
type Config struct {
	// Minimum maps a tool id to the lowest version that may be installed.
	Minimum map[string]string `json:"minimum"`
}

// Policy denies pre-install events for versions below the minimum.
type Policy struct{ cfg Config }

// Metadata describes the extension.
func (*Policy) Metadata() ext.Metadata {
	return ext.Metadata{ID: "policy", Name: "Version policy", Version: "0.1.0",
		Description: "Refuses to install versions below a configured minimum"}
}

// OnEnable reads the configuration and listens to pre-install early, so
// that a denial comes before other extensions spend work on the install.
func (p *Policy) OnEnable(ctx *ext.Context) error {
	cfg, err := ext.DecodeConfig(ctx, Config{})
	if err != nil {
		return err
	}
	for tool, min := range cfg.Minimum {
		if _, err := sdk.ParseSpec(min); err != nil {
			return fmt.Errorf("[extensions.policy.config] minimum.%s = %q is not a version: %w", tool, min, err)
		}
	}
	p.cfg = cfg
	return ctx.On(ext.PreInstall, ext.Early, p.check)
}

// check is the pre-install listener: nil leaves the result unchanged.
func (p *Policy) check(e *ext.PreInstallEvent) *ext.AccessResult {
	min, ok := p.cfg.Minimum[e.Tool]
	if !ok || sdk.CompareVersions(e.Version, min) >= 0 {
		return nil
	}
	return e.Deny(fmt.Sprintf("%s %s is below the minimum version %s allowed by the policy extension", e.Tool, e.Version, min))
}
