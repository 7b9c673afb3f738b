package schema

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// LoadVersions lists versions from [resolve]: the static list, plus the
// Git tags of git-url (matched by git-tag-pattern or version-pattern) or the
// entries of manifest-url (matched by version-pattern).
func LoadVersions(ctx context.Context, h pluginhost.Host, in api.LoadVersionsInput) (api.LoadVersionsOutput, error) {
	s, err := load(h)
	if err != nil {
		return api.LoadVersionsOutput{}, err
	}
	seen := map[string]bool{}
	var versions []string
	add := func(v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			versions = append(versions, v)
		}
	}
	for _, v := range s.Resolve.Versions {
		add(strings.TrimPrefix(strings.TrimSpace(v), "v"))
	}
	pattern := s.Resolve.VersionPattern
	if pattern == "" {
		pattern = DefaultVersionPattern
	}
	switch {
	case s.Resolve.GitURL != "":
		if s.Resolve.GitTagPattern != "" {
			pattern = s.Resolve.GitTagPattern
		}
		re, err := regexp.Compile(pattern)
		if err != nil {
			return api.LoadVersionsOutput{}, pluginhost.Errorf("invalid resolve pattern %q: %w", pattern, err)
		}
		tags, err := gitTags(ctx, h, s.Resolve.GitURL)
		if err != nil {
			return api.LoadVersionsOutput{}, err
		}
		for _, tag := range tags {
			add(versionFrom(re, tag))
		}
	case s.Resolve.ManifestURL != "":
		re, err := regexp.Compile(pattern)
		if err != nil {
			return api.LoadVersionsOutput{}, pluginhost.Errorf("invalid resolve.version-pattern %q: %w", pattern, err)
		}
		key := s.Resolve.ManifestVersionKey
		if key == "" {
			key = DefaultManifestVersionKey
		}
		body, err := h.Fetch(ctx, s.Resolve.ManifestURL)
		if err != nil {
			return api.LoadVersionsOutput{}, err
		}
		var rows []json.RawMessage
		if err := json.Unmarshal(body, &rows); err != nil {
			return api.LoadVersionsOutput{}, pluginhost.Errorf("manifest %s: want a JSON array of strings or objects: %w", s.Resolve.ManifestURL, err)
		}
		for _, row := range rows {
			var str string
			if json.Unmarshal(row, &str) == nil {
				add(versionFrom(re, str))
				continue
			}
			var obj map[string]any
			if json.Unmarshal(row, &obj) == nil {
				if v, ok := obj[key].(string); ok {
					add(versionFrom(re, v))
				}
			}
		}
	}
	if len(versions) == 0 {
		return api.LoadVersionsOutput{}, pluginhost.Errorf("unable to resolve versions for %s: the schema needs resolve.versions, resolve.git-url or resolve.manifest-url", s.Name)
	}
	sdk.SortVersions(versions)
	// Newest first, as the other built-ins list them.
	for i, j := 0, len(versions)-1; i < j; i, j = i+1, j-1 {
		versions[i], versions[j] = versions[j], versions[i]
	}
	out := api.LoadVersionsOutput{Versions: versions}
	for _, v := range versions {
		if pv, ok := parseVersion(v); ok && pv.pre == "" {
			out.Latest = v
			break
		}
	}
	if len(s.Resolve.Aliases) > 0 || out.Latest != "" {
		out.Aliases = map[string]string{}
		if out.Latest != "" {
			out.Aliases["latest"] = out.Latest
		}
		for k, v := range s.Resolve.Aliases {
			out.Aliases[k] = v
		}
	}
	if s.Install.DownloadURLCanary != "" {
		// install.download-url-canary makes "canary" installable, as in proto.
		out.Canary = "canary"
	}
	return out, nil
}

// versionFrom builds a version from a match of re in s: from the named
// groups major|year, minor|month, patch|day (missing ones are 0), pre and
// build; without those groups, from capture 1 (or the whole match). It
// returns "" when re does not match or the result is not a version.
func versionFrom(re *regexp.Regexp, s string) string {
	m := re.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	group := func(names ...string) (string, bool) {
		for _, n := range names {
			if i := re.SubexpIndex(n); i > 0 && m[i] != "" {
				return m[i], true
			}
		}
		return "", false
	}
	var v string
	if major, ok := group("major", "year"); ok {
		minor, _ := group("minor", "month")
		patch, _ := group("patch", "day")
		v = major + "." + orZero(minor) + "." + orZero(patch)
		if pre, ok := group("pre"); ok {
			v += "-" + strings.TrimPrefix(pre, "-")
		}
		if build, ok := group("build"); ok {
			v += "+" + strings.TrimPrefix(build, "+")
		}
	} else if len(m) > 1 {
		v = m[1]
	} else {
		v = m[0]
	}
	v = strings.TrimPrefix(v, "v")
	if _, ok := parseVersion(v); !ok {
		return ""
	}
	return v
}

func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}

// gitTags runs `git ls-remote --tags` on url through the host and returns
// the tag names (peeled "^{}" entries folded into their tags).
func gitTags(ctx context.Context, h pluginhost.Host, url string) ([]string, error) {
	if err := CheckGitURL(url); err != nil {
		return nil, err
	}
	out, err := h.Exec(ctx, api.ExecCommandInput{Command: "git", Args: []string{"ls-remote", "--tags", "--sort", "version:refname", url}})
	if err != nil {
		return nil, pluginhost.Errorf("list the tags of %s with git ls-remote: %w", url, err)
	}
	if out.ExitCode != 0 {
		return nil, pluginhost.Errorf("git ls-remote --tags %s exited with %d: %s", url, out.ExitCode, strings.TrimSpace(out.Stderr))
	}
	var tags []string
	seen := map[string]bool{}
	for _, line := range strings.Split(out.Stdout, "\n") {
		_, ref, ok := strings.Cut(strings.TrimSpace(line), "\t")
		if !ok {
			continue
		}
		tag, ok := strings.CutPrefix(ref, "refs/tags/")
		if !ok {
			continue
		}
		tag = strings.TrimSuffix(tag, "^{}")
		if !seen[tag] {
			seen[tag] = true
			tags = append(tags, tag)
		}
	}
	return tags, nil
}

// semver is a parsed full version.
type semver struct {
	major, minor, patch uint64
	pre, build          string
}

// parseVersion parses MAJOR.MINOR.PATCH[-PRE][+BUILD].
func parseVersion(s string) (semver, bool) {
	var v semver
	s, v.build, _ = strings.Cut(s, "+")
	s, v.pre, _ = strings.Cut(s, "-")
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return v, false
	}
	nums := [3]*uint64{&v.major, &v.minor, &v.patch}
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return v, false
		}
		*nums[i] = n
	}
	return v, true
}

// CheckGitURL refuses resolve.git-url values that git would read as an
// option ("-…") or as a remote helper ("ext::…"): the URL is handed to
// git ls-remote, and must name a repository only.
func CheckGitURL(url string) error {
	switch {
	case strings.HasPrefix(url, "-"):
		return pluginhost.Errorf("resolve.git-url %q: a URL may not start with '-'", url)
	case strings.Contains(url, "::"):
		return pluginhost.Errorf("resolve.git-url %q: remote helpers (<transport>::<address>) are not allowed", url)
	case strings.ContainsAny(url, "\x00\n\r"):
		return pluginhost.Errorf("resolve.git-url %q: control characters are not allowed", url)
	}
	return nil
}
