package node

import (
	"context"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// Versions turns releases into load_versions' answer: every version
// without its "v", in index order (newest first); latest is the highest
// version; "stable" is the highest LTS version; each codename (lower case,
// such as "iron") names the highest version of its LTS line; "latest"
// names latest.
func Versions(rel []Release) api.LoadVersionsOutput {
	out := api.LoadVersionsOutput{Versions: make([]string, 0, len(rel)), Aliases: map[string]string{}}
	var latest, stable parsedVersion
	lines := map[string]parsedVersion{}
	for _, r := range rel {
		v := strings.TrimPrefix(strings.TrimSpace(r.Version), "v")
		if v == "" {
			continue
		}
		out.Versions = append(out.Versions, v)
		pv := parseVersion(v)
		if latest.s == "" || pv.compare(latest) > 0 {
			latest = pv
		}
		if r.LTS == "" {
			continue
		}
		if stable.s == "" || pv.compare(stable) > 0 {
			stable = pv
		}
		name := strings.ToLower(r.LTS)
		if cur, ok := lines[name]; !ok || pv.compare(cur) > 0 {
			lines[name] = pv
		}
	}
	for name, pv := range lines {
		out.Aliases[name] = pv.s
	}
	if latest.s != "" {
		out.Latest = latest.s
		out.Aliases["latest"] = latest.s
	}
	if stable.s != "" {
		out.Aliases["stable"] = stable.s
	}
	return out
}

// parsedVersion is a version parsed once for comparisons: Node.js
// versions are plain major.minor.patch, compared as numbers; anything else
// falls back to the SDK's semantic-version order.
type parsedVersion struct {
	s     string
	num   [3]uint64
	plain bool
}

func parseVersion(s string) parsedVersion {
	pv := parsedVersion{s: s}
	part, digits := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9' && digits < 19:
			pv.num[part] = pv.num[part]*10 + uint64(c-'0')
			digits++
		case c == '.' && digits > 0 && part < 2:
			part, digits = part+1, 0
		default:
			return parsedVersion{s: s}
		}
	}
	pv.plain = part == 2 && digits > 0
	return pv
}

func (a parsedVersion) compare(b parsedVersion) int {
	if !a.plain || !b.plain {
		return sdk.CompareVersions(a.s, b.s)
	}
	for i := range a.num {
		if a.num[i] != b.num[i] {
			if a.num[i] < b.num[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// LoadVersions reads the release index.
func LoadVersions(ctx context.Context, h pluginhost.Host, in api.LoadVersionsInput) (api.LoadVersionsOutput, error) {
	body, err := h.Fetch(ctx, IndexURL)
	if err != nil {
		return api.LoadVersionsOutput{}, err
	}
	rel, err := ParseIndex(body)
	if err != nil {
		return api.LoadVersionsOutput{}, pluginhost.Errorf("the Node.js release index %s is not valid: %w", IndexURL, err)
	}
	out := Versions(rel)
	if len(out.Versions) == 0 {
		return out, pluginhost.Errorf("the Node.js release index %s lists no versions", IndexURL)
	}
	return out, nil
}

// ResolveVersion maps nvm's aliases onto the ones load_versions defines:
// "node" is "latest"; "lts", "lts/*", "lts-*" and "lts-latest" are
// "stable"; "lts/<codename>" and "lts-<codename>" are the codename (any
// case). Other specs are left to the host.
func ResolveVersion(ctx context.Context, h pluginhost.Host, in api.ResolveVersionInput) (api.ResolveVersionOutput, error) {
	s := strings.ToLower(strings.TrimSpace(in.Initial))
	switch {
	case s == "node":
		return api.ResolveVersionOutput{Candidate: "latest"}, nil
	case s == "lts" || s == "lts/*" || s == "lts-*" || s == "lts-latest" || s == "lts/latest":
		return api.ResolveVersionOutput{Candidate: "stable"}, nil
	case (strings.HasPrefix(s, "lts/") || strings.HasPrefix(s, "lts-")) && len(s) > 4:
		return api.ResolveVersionOutput{Candidate: s[4:]}, nil
	}
	return api.ResolveVersionOutput{}, nil
}
