package extension

import (
	"fmt"
	"strings"

	"github.com/tote-dev/tote/api"
)

// Grants are the capabilities in force for one extension.
type Grants struct {
	caps map[api.Capability]bool
	// Hosts is the network allow-list ("*" = any host); empty without the
	// network capability.
	Hosts []string
}

// Has reports whether c is granted.
func (g Grants) Has(c api.Capability) bool { return g.caps[c] }

// List returns the granted capabilities in contract order (baseline, then
// opt-in).
func (g Grants) List() []api.Capability {
	var out []api.Capability
	for _, c := range allCapabilities() {
		if g.caps[c] {
			out = append(out, c)
		}
	}
	return out
}

func allCapabilities() []api.Capability {
	return append(append([]api.Capability{}, api.BaselineCapabilities...), api.OptInCapabilities...)
}

func knownCapability(c api.Capability) bool {
	for _, k := range allCapabilities() {
		if k == c {
			return true
		}
	}
	return false
}

// GrantsFor computes the capabilities of an [extensions.<id>] table: the
// baseline, plus permissions, minus deny. "network" alone allows any host;
// "network:HOST" (repeatable; "*.example.com" for subdomains) grants network
// with an allow-list. Unknown names are reported as warnings and ignored.
func GrantsFor(t Settings) (Grants, []string) {
	g := Grants{caps: map[api.Capability]bool{}}
	var warnings []string
	for _, c := range api.BaselineCapabilities {
		g.caps[c] = true
	}
	for _, p := range t.Permissions {
		name, host, hasHost := strings.Cut(strings.TrimSpace(p), ":")
		c := api.Capability(name)
		if !knownCapability(c) || (hasHost && c != api.CapNetwork) || (hasHost && host == "") {
			warnings = append(warnings, fmt.Sprintf("unknown permission %q (want one of %s, or network:HOST)", p, capNames()))
			continue
		}
		g.caps[c] = true
		if c == api.CapNetwork {
			if hasHost {
				g.Hosts = append(g.Hosts, host)
			} else {
				g.Hosts = append(g.Hosts, "*")
			}
		}
	}
	for _, d := range t.Deny {
		c := api.Capability(strings.TrimSpace(d))
		if !knownCapability(c) {
			warnings = append(warnings, fmt.Sprintf("unknown capability %q in deny (want one of %s)", d, capNames()))
			continue
		}
		delete(g.caps, c)
	}
	if !g.caps[api.CapNetwork] {
		g.Hosts = nil
	}
	return g, warnings
}

func capNames() string {
	var s []string
	for _, c := range allCapabilities() {
		s = append(s, string(c))
	}
	return strings.Join(s, ", ")
}
