// Package nodepm is the core of tote's built-in Node.js package managers
// npm, pnpm and yarn: proto's node-depman plugin as plain Go over the api
// types. One core serves three tools; each has its own Table ([NpmTable],
// [PnpmTable], [YarnTable]), its own native registration and its own WASM
// build.
//
// Versions and tarballs come from the npm registry's package documents:
// npm from "npm", pnpm from "pnpm" (and, from 12.0.0, the native builds
// "@pnpm/exe.<os>-<arch>"), yarn 1 from "yarn" and yarn 2 to 5 (berry)
// from "@yarnpkg/cli-dist". Each tarball is verified against the sha512
// "integrity" the registry publishes for it, and against the hash of a
// corepack "packageManager" pin ("pnpm@9.1.0+sha512.<hex>") when that pin
// chose the version.
//
// The JavaScript entry points (bin/npm-cli.js, bin/pnpm.cjs, bin/yarn.js)
// run through "node" (parent_exe_name): tote starts them with the Node.js
// it resolves for the same directory, or the node on PATH.
//
// # Configuration
//
// [tools.npm], [tools.pnpm] and [tools.yarn] accept proto's keys:
//
//	registry-url       = "https://registry.npmjs.org"
//	dist-url           = "{registry}/{package}/-/{package_without_scope}-{version}.tgz"
//	shared-globals-dir = false
//
// registry-url is where package documents are read. dist-url, when set,
// replaces the tarball URL the registry names (tokens {registry},
// {package}, {package_without_scope}, {version} and {file}).
// shared-globals-dir is accepted for compatibility and changes nothing:
// tote always keeps globals in the tool's own globals directory.
package nodepm

import (
	"context"
	"fmt"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/internal/npmreg"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// Version is the plugin's own version.
const Version = "0.1.0"

// Kind is one of the package managers this core serves.
type Kind int

// The package managers.
const (
	Npm Kind = iota + 1
	Pnpm
	Yarn
)

// String returns the tool id ("npm", "pnpm", "yarn").
func (k Kind) String() string {
	switch k {
	case Npm:
		return "npm"
	case Pnpm:
		return "pnpm"
	case Yarn:
		return "yarn"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Tables for each package manager.
var (
	// NpmTable serves the built-in "npm".
	NpmTable = table(Npm)
	// PnpmTable serves the built-in "pnpm".
	PnpmTable = table(Pnpm)
	// YarnTable serves the built-in "yarn".
	YarnTable = table(Yarn)
)

// Table returns the Table of a package manager.
func Table(k Kind) pluginhost.Table {
	switch k {
	case Npm:
		return NpmTable
	case Pnpm:
		return PnpmTable
	case Yarn:
		return YarnTable
	}
	return nil
}

func table(k Kind) pluginhost.Table {
	t := pluginhost.Table{
		api.FuncRegisterTool: pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.RegisterToolInput) (api.RegisterToolOutput, error) {
			return registerTool(k)
		}),
		api.FuncLoadVersions: pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.LoadVersionsInput) (api.LoadVersionsOutput, error) {
			return loadVersions(ctx, h, k)
		}),
		api.FuncDownloadPrebuilt: pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.DownloadPrebuiltInput) (api.DownloadPrebuiltOutput, error) {
			return downloadPrebuilt(ctx, h, k, in)
		}),
		api.FuncLocateExecutables: pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.LocateExecutablesInput) (api.LocateExecutablesOutput, error) {
			return locateExecutables(h, k, in)
		}),
		api.FuncDetectVersionFiles: pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.DetectVersionInput) (api.DetectVersionOutput, error) {
			return api.DetectVersionOutput{Files: []string{"package.json"}, Ignore: []string{"node_modules"}}, nil
		}),
		api.FuncParseVersionFile: pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.ParseVersionFileInput) (api.ParseVersionFileOutput, error) {
			return parseVersionFile(h, k, in)
		}),
	}
	t[api.FuncInstallGlobal] = pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.InstallGlobalInput) (api.InstallGlobalOutput, error) {
		return installGlobal(ctx, h, k, in)
	})
	t[api.FuncUninstallGlobal] = pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.UninstallGlobalInput) (api.UninstallGlobalOutput, error) {
		return uninstallGlobal(ctx, h, k, in)
	})
	t[api.FuncResolveVersion] = pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.ResolveVersionInput) (api.ResolveVersionOutput, error) {
		return resolveVersion(ctx, h, k, in)
	})
	return t
}

// Config is the [tools.npm|pnpm|yarn] table.
type Config struct {
	// RegistryURL is the registry documents are read from (key "registry-url").
	RegistryURL string `json:"registry_url"`
	// DistURL, when set, is the tarball URL template (key "dist-url").
	DistURL string `json:"dist_url"`
	// SharedGlobalsDir is accepted for proto compatibility (key "shared-globals-dir").
	SharedGlobalsDir bool `json:"shared_globals_dir"`
}

func loadConfig(h pluginhost.Host) (Config, error) {
	cfg, err := pluginhost.DecodeConfig(h, Config{RegistryURL: npmreg.DefaultRegistry})
	if err != nil {
		return cfg, err
	}
	cfg.RegistryURL = strings.TrimRight(strings.TrimSpace(cfg.RegistryURL), "/")
	if cfg.RegistryURL == "" {
		cfg.RegistryURL = npmreg.DefaultRegistry
	}
	if !strings.HasPrefix(cfg.RegistryURL, "https://") && !strings.HasPrefix(cfg.RegistryURL, "http://") {
		return cfg, pluginhost.Errorf("registry-url %q in [tools.%s] is not an http(s) URL", cfg.RegistryURL, h.ToolID())
	}
	return cfg, nil
}

func registerTool(k Kind) (api.RegisterToolOutput, error) {
	out := api.RegisterToolOutput{
		Name:          k.String(),
		Type:          api.TypeDependencyManager,
		PluginVersion: Version,
		Requires:      []string{"node"},
	}
	return out, nil
}
