package bun

import (
	"context"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/internal/ghtags"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// maxTagPages bounds the tags listing: Bun has a few hundred tags.
const maxTagPages = 30

// LoadVersions lists Bun's releases from the tags of oven-sh/bun
// ("bun-v<semver>"), with latest = the newest stable release and the
// rolling "canary" release.
func LoadVersions(ctx context.Context, h pluginhost.Host, in api.LoadVersionsInput) (api.LoadVersionsOutput, error) {
	names, err := ghtags.Fetch(ctx, h, TagsURL, maxTagPages)
	if err != nil {
		return api.LoadVersionsOutput{}, err
	}
	versions, latest := ghtags.Versions(names, "bun-v")
	if len(versions) == 0 {
		return api.LoadVersionsOutput{}, pluginhost.Errorf("list versions: %s lists no bun-v<version> tags", TagsURL)
	}
	out := api.LoadVersionsOutput{Versions: versions, Latest: latest, Canary: "canary"}
	if latest != "" {
		out.Aliases = map[string]string{"latest": latest, "stable": latest}
	}
	return out, nil
}
