package nodepm

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/internal/npmreg"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// Package names on the registry.
const (
	// YarnBerryPackage publishes yarn 2 to 5.
	YarnBerryPackage = "@yarnpkg/cli-dist"
	// NodeIndexURL lists every Node.js release with the npm it bundles.
	NodeIndexURL = "https://nodejs.org/download/release/index.json"
)

// fetchDocument reads a package document from the registry. The URL ends
// in "/", as proto's does.
func fetchDocument(ctx context.Context, h pluginhost.Host, cfg Config, name string) (*npmreg.Document, error) {
	url := npmreg.DocumentURL(cfg.RegistryURL, name) + "/"
	body, err := h.Fetch(ctx, url)
	if err != nil {
		return nil, err
	}
	doc, err := npmreg.ParseIndex(body)
	if err != nil {
		return nil, pluginhost.Errorf("%s is not an npm package document: %v", url, err)
	}
	return doc, nil
}

// loadVersions lists versions from the registry: every published version;
// latest and the other aliases from the dist-tags. yarn merges "yarn"
// (1.x, plus the stray 2.4.3) and "@yarnpkg/cli-dist" (2.x to 5.x):
// latest is berry's latest, as in proto; "berry" names it too, and
// "classic" and "legacy" name yarn 1's latest.
func loadVersions(ctx context.Context, h pluginhost.Host, k Kind) (api.LoadVersionsOutput, error) {
	cfg, err := loadConfig(h)
	if err != nil {
		return api.LoadVersionsOutput{}, err
	}
	out := api.LoadVersionsOutput{Versions: []string{}, Aliases: map[string]string{}}
	add := func(doc *npmreg.Document) {
		out.Versions = append(out.Versions, doc.SortedVersions()...)
		for tag, v := range doc.Tags() {
			if _, ok := out.Aliases[tag]; !ok {
				out.Aliases[tag] = v
			}
		}
	}
	switch k {
	case Yarn:
		classic, err := fetchDocument(ctx, h, cfg, "yarn")
		if err != nil {
			return out, err
		}
		berry, err := fetchDocument(ctx, h, cfg, YarnBerryPackage)
		if err != nil {
			return out, err
		}
		add(classic)
		add(berry)
		if v := classic.Tags()["latest"]; v != "" {
			out.Aliases["classic"], out.Aliases["legacy"] = v, v
		}
		if v := berry.Tags()["latest"]; v != "" {
			out.Aliases["berry"] = v
			out.Aliases["latest"] = v
		}
	default:
		doc, err := fetchDocument(ctx, h, cfg, k.String())
		if err != nil {
			return out, err
		}
		add(doc)
	}
	out.Versions = dedupe(out.Versions)
	sdk.SortVersions(out.Versions)
	out.Latest = out.Aliases["latest"]
	if out.Latest == "" && len(out.Versions) > 0 {
		out.Latest = newestStable(out.Versions)
		out.Aliases["latest"] = out.Latest
	}
	if len(out.Versions) == 0 {
		return out, pluginhost.Errorf("the npm registry lists no versions of %s", k)
	}
	return out, nil
}

func dedupe(vs []string) []string {
	seen := map[string]bool{}
	out := vs[:0]
	for _, v := range vs {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

func newestStable(sorted []string) string {
	for i := len(sorted) - 1; i >= 0; i-- {
		if !strings.Contains(sorted[i], "-") {
			return sorted[i]
		}
	}
	return sorted[len(sorted)-1]
}

// nodeRelease is the part of a Node.js index entry that names its npm.
type nodeRelease struct {
	Version string          `json:"version"`
	Npm     json.RawMessage `json:"npm"`
}

// resolveVersion handles npm's "bundled" alias (the npm that ships with
// the Node.js in use), which needs more than the version list, and
// refuses canary. yarn's "classic", "legacy" and "berry" are aliases of
// load_versions.
func resolveVersion(ctx context.Context, h pluginhost.Host, k Kind, in api.ResolveVersionInput) (api.ResolveVersionOutput, error) {
	spec := strings.ToLower(strings.TrimSpace(in.Initial))
	switch {
	case k == Npm && spec == "bundled":
		v, err := bundledNpm(ctx, h)
		if err != nil {
			return api.ResolveVersionOutput{}, err
		}
		return api.ResolveVersionOutput{Version: v}, nil
	case spec == "canary":
		return api.ResolveVersionOutput{}, pluginhost.Errorf("%s has no canary builds", k)
	}
	return api.ResolveVersionOutput{}, nil
}

// bundledNpm finds the Node.js version in use — TOTE_NODE_VERSION (set by
// tote for everything it runs through node, or by the user), proto's
// PROTO_NODE_VERSION, else `node --version` (which needs permissions =
// ["exec"]) — and reads the npm it bundles from the Node.js index.
func bundledNpm(ctx context.Context, h pluginhost.Host) (string, error) {
	node := ""
	for _, name := range []string{"TOTE_NODE_VERSION", "PROTO_NODE_VERSION"} {
		if v := strings.TrimSpace(h.GetEnv(name)); v != "" {
			node = v
			break
		}
	}
	if node == "" {
		out, err := h.Exec(ctx, api.ExecCommandInput{Command: "node", Args: []string{"--version"}})
		if err != nil || out.ExitCode != 0 {
			why := "node --version failed"
			if err != nil {
				why = err.Error()
			}
			return "", pluginhost.Errorf("npm \"bundled\" is the npm that ships with the Node.js in use, and that Node.js is unknown: set TOTE_NODE_VERSION (tote sets it when it runs node) or let the plugin run `node --version` (%s)", why)
		}
		node = strings.TrimSpace(out.Stdout)
	}
	node = strings.TrimPrefix(strings.TrimPrefix(node, "v"), "V")
	body, err := h.Fetch(ctx, NodeIndexURL)
	if err != nil {
		return "", err
	}
	var rel []nodeRelease
	if err := json.Unmarshal(body, &rel); err != nil {
		return "", pluginhost.Errorf("the Node.js release index %s is not valid: %v", NodeIndexURL, err)
	}
	for _, r := range rel {
		if strings.TrimPrefix(r.Version, "v") != node {
			continue
		}
		var npm string
		if json.Unmarshal(r.Npm, &npm) != nil || npm == "" {
			return "", pluginhost.Errorf("Node.js %s bundles no npm (the release index lists none)", node)
		}
		return npm, nil
	}
	return "", pluginhost.Errorf("Node.js %s is not in the release index %s, so its bundled npm is unknown", node, NodeIndexURL)
}
