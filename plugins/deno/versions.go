package deno

import (
	"context"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/internal/ghtags"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// maxTagPages bounds the tags listing: Deno has about 450 tags (5 pages).
const maxTagPages = 30

// LoadVersions lists Deno's releases from the tags of denoland/deno
// ("v<semver>"), with latest = the newest stable release and a canary
// channel (built from main and served by dl.deno.land).
func LoadVersions(ctx context.Context, h pluginhost.Host, in api.LoadVersionsInput) (api.LoadVersionsOutput, error) {
	names, err := ghtags.Fetch(ctx, h, TagsURL, maxTagPages)
	if err != nil {
		return api.LoadVersionsOutput{}, err
	}
	versions, latest := ghtags.Versions(names, "v")
	if len(versions) == 0 {
		return api.LoadVersionsOutput{}, pluginhost.Errorf("list versions: %s lists no v<version> tags", TagsURL)
	}
	out := api.LoadVersionsOutput{Versions: versions, Latest: latest, Canary: "canary"}
	if latest != "" {
		out.Aliases = map[string]string{"latest": latest, "stable": latest}
	}
	return out, nil
}
