// Package terraform is the core of tote's built-in Terraform plugin: pure
// Go over the api types and pluginhost.Host, shared by the native adapter
// (native/) and the WASM adapter (wasm/).
//
// It reads HashiCorp's release API on releases.hashicorp.com: the product
// index (terraform/index.json) lists versions, and each version's index
// (terraform/<version>/index.json) names its zip per os/arch, its
// terraform_<version>_SHA256SUMS and the detached OpenPGP signatures of that
// file. Before trusting SHA256SUMS, the plugin verifies its signature with
// HashiCorp's published public key (embedded; fingerprint
// C874 011F 0AB4 0511 0D02 1055 3436 5D94 72D7 468F, checked at use), then
// hands the host the zip's sha256 from the verified file. It reads
// .terraform-version (tfenv's file).
//
// Configuration ([tools.terraform]):
//
//	dist-url = "https://releases.hashicorp.com/terraform/"
//	pgp-public-key = "-----BEGIN PGP PUBLIC KEY BLOCK-----..."  # replaces HashiCorp's key (a mirror that re-signs)
package terraform

import (
	"context"
	_ "embed"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// Version is the plugin's own version.
const Version = "0.1.0"

// DefaultDistURL is the product's directory on releases.hashicorp.com.
const DefaultDistURL = "https://releases.hashicorp.com/terraform/"

// HashiCorpFingerprint is the fingerprint of HashiCorp's release signing key
// as HashiCorp publishes it (hashicorp.com/security).
const HashiCorpFingerprint = "C874011F0AB405110D02105534365D9472D7468F"

// HashiCorpKey is HashiCorp's armored public key (see testdata/README.md).
//
//go:embed hashicorp.asc
var HashiCorpKey string

// Table is the core's contract functions.
var Table = pluginhost.Table{
	api.FuncRegisterTool:       pluginhost.Handle(RegisterTool),
	api.FuncLoadVersions:       pluginhost.Handle(LoadVersions),
	api.FuncDownloadPrebuilt:   pluginhost.Handle(DownloadPrebuilt),
	api.FuncLocateExecutables:  pluginhost.Handle(LocateExecutables),
	api.FuncDetectVersionFiles: pluginhost.Handle(DetectVersionFiles),
	api.FuncParseVersionFile:   pluginhost.Handle(ParseVersionFile),
}

// Config is the [tools.terraform] table.
type Config struct {
	// DistURL is the product directory, ending in "/" (key: dist-url).
	DistURL string `json:"dist_url"`
	// PGPPublicKey is an armored key that replaces HashiCorp's (key:
	// pgp-public-key), for a mirror that signs with its own key.
	PGPPublicKey string `json:"pgp_public_key,omitempty"`
}

func config(h pluginhost.Host) (Config, error) {
	cfg, err := pluginhost.DecodeConfig(h, Config{DistURL: DefaultDistURL})
	if err != nil {
		return cfg, err
	}
	if cfg.DistURL == "" {
		cfg.DistURL = DefaultDistURL
	}
	if !strings.HasSuffix(cfg.DistURL, "/") {
		cfg.DistURL += "/"
	}
	return cfg, nil
}

// RegisterTool describes Terraform.
func RegisterTool(ctx context.Context, h pluginhost.Host, in api.RegisterToolInput) (api.RegisterToolOutput, error) {
	return api.RegisterToolOutput{Name: "Terraform", Type: api.TypeCommandLine, PluginVersion: Version}, nil
}

// LocateExecutables names terraform at the root of the zip.
func LocateExecutables(ctx context.Context, h pluginhost.Host, in api.LocateExecutablesInput) (api.LocateExecutablesOutput, error) {
	return api.LocateExecutablesOutput{
		Exes: map[string]api.ExecutableConfig{"terraform": {ExePath: sdk.ExeName(h.Env(), "terraform"), Primary: true}},
	}, nil
}

// DetectVersionFiles names tfenv's .terraform-version.
func DetectVersionFiles(ctx context.Context, h pluginhost.Host, in api.DetectVersionInput) (api.DetectVersionOutput, error) {
	return api.DetectVersionOutput{Files: []string{".terraform-version"}}, nil
}

// ParseVersionFile reads .terraform-version: the first line that is not
// blank or a "#" comment. tfenv's own keywords are mapped: "latest" stays,
// "latest:<regex>" and "min-required" cannot be expressed as a version spec
// and are an error naming the file and line.
func ParseVersionFile(ctx context.Context, h pluginhost.Host, in api.ParseVersionFileInput) (api.ParseVersionFileOutput, error) {
	text := strings.TrimPrefix(in.Content, "\ufeff")
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "latest:") || line == "min-required" || line == "latest-allowed" {
			return api.ParseVersionFileOutput{}, pluginhost.Errorf("%s:%d: tfenv's %q is not supported; pin a version or range", in.File, i+1, line)
		}
		if _, err := sdk.ParseSpec(line); err != nil {
			return api.ParseVersionFileOutput{}, pluginhost.Errorf("%s:%d: %q is not a Terraform version: %v", in.File, i+1, line, err)
		}
		return api.ParseVersionFileOutput{Version: strings.TrimPrefix(line, "v")}, nil
	}
	return api.ParseVersionFileOutput{}, nil
}
