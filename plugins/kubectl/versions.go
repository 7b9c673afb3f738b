package kubectl

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// minorLines is how many minor lines below the stable one LoadVersions asks
// stable-1.<minor>.txt about (Kubernetes supports three at a time; kubectl
// talks to servers one minor apart, so older lines still matter).
const minorLines = 12

// LoadVersions lists the newest patch of each recent minor line
// (stable-1.<m>.txt), with latest = stable.txt and canary = latest.txt.
// Any exact version installs whether listed or not.
func LoadVersions(ctx context.Context, h pluginhost.Host, in api.LoadVersionsInput) (api.LoadVersionsOutput, error) {
	cfg, err := config(h)
	if err != nil {
		return api.LoadVersionsOutput{}, err
	}
	stable, err := readLabel(ctx, h, cfg, "stable")
	if err != nil {
		return api.LoadVersionsOutput{}, err
	}
	major, minor, err := majorMinor(stable)
	if err != nil {
		return api.LoadVersionsOutput{}, pluginhost.Errorf("list versions: %sstable.txt names %q: %v", cfg.DistURL, stable, err)
	}
	seen := map[string]bool{stable: true}
	versions := []string{stable}
	for m := minor; m >= 0 && m > minor-minorLines; m-- {
		v, err := readLabel(ctx, h, cfg, fmt.Sprintf("stable-%d.%d", major, m))
		if err != nil {
			if m == minor {
				continue
			}
			break // the oldest lines have no label
		}
		if !seen[v] {
			seen[v] = true
			versions = append(versions, v)
		}
	}
	out := api.LoadVersionsOutput{Latest: stable, Aliases: map[string]string{"latest": stable, "stable": stable}}
	if latest, err := readLabel(ctx, h, cfg, "latest"); err == nil {
		out.Canary = "canary"
		if !seen[latest] {
			versions = append(versions, latest)
		}
	}
	sdk.SortVersions(versions)
	out.Versions = versions
	return out, nil
}

// readLabel reads release/<label>.txt: one version such as "v1.31.2", with
// or without a final newline, and returns it without "v".
func readLabel(ctx context.Context, h pluginhost.Host, cfg Config, label string) (string, error) {
	url := cfg.DistURL + label + ".txt"
	body, err := h.Fetch(ctx, url)
	if err != nil {
		return "", err
	}
	text := strings.TrimSpace(string(body))
	if len(text) > 64 || strings.ContainsAny(text, " \n\t") {
		return "", pluginhost.Errorf("%s is not a version label (%d bytes)", url, len(body))
	}
	v := strings.TrimPrefix(text, "v")
	if s, err := sdk.ParseSpec(v); err != nil || s.Kind != sdk.SpecExact {
		return "", pluginhost.Errorf("%s names %q, which is not a version", url, text)
	}
	return v, nil
}

func majorMinor(v string) (int, int, error) {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return 0, 0, fmt.Errorf("no minor version")
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("not numeric")
	}
	return major, minor, nil
}
