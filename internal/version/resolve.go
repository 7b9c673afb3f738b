package version

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	vlib "github.com/tote-dev/tote/api/version"
)

// Available is what a spec resolves against.
type Available struct {
	// Tool is the tool id, used in messages.
	Tool string
	// Versions are the remote versions (load_versions' "versions").
	Versions []string
	// Latest is the newest stable version, "" when the plugin does not say.
	Latest string
	// Canary is the canary version, "" when the tool has none.
	Canary string
	// Aliases are the plugin's aliases (name → spec).
	Aliases map[string]string
	// UserAliases come from [tools.<id>.aliases] and win over Aliases.
	UserAliases map[string]string
	// Installed are the versions already installed.
	Installed []string
}

// NotFoundError says that no version satisfies a spec.
type NotFoundError struct {
	// Tool is the tool id ("" when unknown).
	Tool string
	// Spec is the spec as written.
	Spec string
	// Near lists up to 5 available versions closest to the spec.
	Near []string
}

// Error returns e.g. `no version of node matches "99"; nearest: 22.12.0, 20.18.1`.
func (e *NotFoundError) Error() string {
	var b strings.Builder
	b.WriteString("no version ")
	if e.Tool != "" {
		b.WriteString("of " + e.Tool + " ")
	}
	b.WriteString("matches " + strconv.Quote(e.Spec))
	if len(e.Near) > 0 {
		b.WriteString("; nearest: " + strings.Join(e.Near, ", "))
	}
	return b.String()
}

// maxAliasDepth bounds alias chains (besides the cycle check).
const maxAliasDepth = 32

// Resolve turns spec into one version:
//
//   - a full version resolves to itself (the matching string from Installed
//     or Versions when there is one, such as "v1.2.3" for "1.2.3"; else the
//     spec without a leading "v"), without needing any list;
//   - partials, ranges and literals resolve to the highest matching
//     installed version, else the highest matching remote version;
//   - aliases resolve through UserAliases, then Aliases, recursively, to a
//     spec that is resolved in turn; "latest" and "stable" fall back to
//     Latest and then to the highest stable version; lts/*, lts-* and lts
//     are interchangeable names, as are lts/NAME and lts-NAME;
//   - canary resolves to "canary" when the tool has a canary build (Canary
//     is set, "canary" is installed, or an alias names it).
//
// Prereleases match only a spec that names one. When nothing matches, the
// error is a *NotFoundError listing the nearest versions.
func Resolve(spec Spec, avail Available) (string, error) {
	return resolve(spec, avail, nil)
}

func resolve(spec Spec, avail Available, chain []string) (string, error) {
	switch spec.Kind() {
	case KindFull:
		for _, list := range [][]string{avail.Installed, avail.Versions} {
			for _, v := range list {
				if spec.Matches(v) && (v == spec.raw || trimV(v) == spec.canonical) {
					return v, nil
				}
			}
		}
		return spec.canonical, nil
	case KindPartial, KindRange, KindLiteral:
		if v, ok := Highest(spec, avail.Installed); ok {
			return v, nil
		}
		if v, ok := Highest(spec, avail.Versions); ok {
			return v, nil
		}
		return "", notFound(spec, avail)
	case KindCanary:
		if target, name, ok := lookupAlias("canary", avail); ok {
			return resolveAlias(name, target, avail, chain)
		}
		if avail.Canary != "" || contains(avail.Installed, "canary") {
			return "canary", nil
		}
		return "", notFound(spec, avail)
	case KindAlias:
		if target, name, ok := lookupAlias(spec.raw, avail); ok {
			return resolveAlias(name, target, avail, chain)
		}
		switch strings.ToLower(spec.raw) {
		case "latest", "stable":
			if avail.Latest != "" {
				if s, err := ParseSpec(avail.Latest); err == nil && s.Kind() != KindAlias && s.Kind() != KindCanary {
					return resolve(s, avail, append(chain, spec.raw))
				}
				return avail.Latest, nil
			}
			if v, ok := highestStable(avail.Versions); ok {
				return v, nil
			}
			if v, ok := highestStable(avail.Installed); ok {
				return v, nil
			}
		}
		// A tool whose versions are words: an exact entry wins.
		for _, list := range [][]string{avail.Installed, avail.Versions} {
			if contains(list, spec.raw) {
				return spec.raw, nil
			}
		}
		return "", notFound(spec, avail)
	}
	return "", fmt.Errorf("resolve version: invalid spec %q", spec.raw)
}

func resolveAlias(name, target string, avail Available, chain []string) (string, error) {
	for _, c := range chain {
		if c == name {
			return "", fmt.Errorf("resolve version of %s: alias cycle: %s -> %s", toolName(avail), strings.Join(chain, " -> "), name)
		}
	}
	if len(chain) >= maxAliasDepth {
		return "", fmt.Errorf("resolve version of %s: alias chain longer than %d: %s", toolName(avail), maxAliasDepth, strings.Join(chain, " -> "))
	}
	s, err := ParseSpec(target)
	if err != nil {
		return "", fmt.Errorf("resolve version of %s: alias %q: %w", toolName(avail), name, err)
	}
	return resolve(s, avail, append(chain, name))
}

func toolName(avail Available) string {
	if avail.Tool == "" {
		return "tool"
	}
	return avail.Tool
}

// aliasNames lists the names an alias may be spelled as, preferred first.
func aliasNames(name string) []string {
	lower := strings.ToLower(name)
	names := []string{name}
	add := func(n string) {
		for _, x := range names {
			if x == n {
				return
			}
		}
		names = append(names, n)
	}
	switch {
	case lower == "lts" || lower == "lts/*" || lower == "lts-*":
		add(lower)
		add("lts/*")
		add("lts-*")
		add("lts")
	case strings.HasPrefix(lower, "lts/") || strings.HasPrefix(lower, "lts-"):
		code := lower[4:]
		add(lower)
		add("lts/" + code)
		add("lts-" + code)
	default:
		add(lower)
	}
	return names
}

// lookupAlias finds name in the user's aliases, then the plugin's.
func lookupAlias(name string, avail Available) (target, found string, ok bool) {
	names := aliasNames(name)
	for _, m := range []map[string]string{avail.UserAliases, avail.Aliases} {
		for _, n := range names {
			if t, ok := m[n]; ok {
				return t, n, true
			}
		}
	}
	return "", "", false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Highest returns the highest version in list that spec matches.
func Highest(spec Spec, list []string) (string, bool) {
	if spec.Kind() == KindLiteral {
		for _, s := range list {
			if spec.Matches(s) {
				return s, true
			}
		}
		return "", false
	}
	return spec.s.Highest(list)
}

func highestStable(list []string) (string, bool) {
	best, found := "", false
	for _, s := range list {
		v, err := vlib.Parse(s)
		if err != nil || v.Pre != "" {
			continue
		}
		if !found || Compare(s, best) > 0 {
			best, found = s, true
		}
	}
	return best, found
}

var numbersRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\d+(?:\.\d+){0,2}`) })

// notFound builds a NotFoundError with the nearest available versions: the
// highest version of each release line (as deep as the spec's first
// version number goes), ordered by distance from it; or, when the spec has
// no number, the highest versions.
func notFound(spec Spec, avail Available) *NotFoundError {
	e := &NotFoundError{Tool: avail.Tool, Spec: spec.raw}
	type cand struct {
		s string
		v vlib.Version
	}
	seen := map[string]bool{}
	var all, stable []cand
	for _, list := range [][]string{avail.Versions, avail.Installed} {
		for _, s := range list {
			if seen[s] {
				continue
			}
			seen[s] = true
			if v, err := vlib.Parse(s); err == nil {
				all = append(all, cand{s, v})
				if v.Pre == "" {
					stable = append(stable, cand{s, v})
				}
			}
		}
	}
	pool := stable
	if len(pool) == 0 {
		pool = all
	}
	sort.Slice(pool, func(i, j int) bool { return Compare(pool[i].s, pool[j].s) > 0 })

	var target []uint64
	if m := numbersRE().FindString(spec.raw); m != "" && spec.Kind() != KindAlias {
		for _, p := range strings.Split(m, ".") {
			n, err := strconv.ParseUint(p, 10, 64)
			if err != nil {
				target = nil
				break
			}
			target = append(target, n)
		}
	}
	if len(target) == 0 {
		for i := 0; i < len(pool) && len(e.Near) < 5; i++ {
			e.Near = append(e.Near, pool[i].s)
		}
		return e
	}
	comps := func(v vlib.Version) []uint64 {
		return []uint64{v.Major, v.Minor, v.Patch}[:len(target)]
	}
	// The highest version of each line comes first in pool (descending).
	var lines []cand
	lineSeen := map[string]bool{}
	for _, c := range pool {
		key := fmt.Sprint(comps(c.v))
		if !lineSeen[key] {
			lineSeen[key] = true
			lines = append(lines, c)
		}
	}
	dist := func(v vlib.Version) []uint64 {
		d := comps(v)
		out := make([]uint64, len(d))
		for i := range d {
			if d[i] > target[i] {
				out[i] = d[i] - target[i]
			} else {
				out[i] = target[i] - d[i]
			}
		}
		return out
	}
	sort.SliceStable(lines, func(i, j int) bool {
		di, dj := dist(lines[i].v), dist(lines[j].v)
		for k := range di {
			if di[k] != dj[k] {
				return di[k] < dj[k]
			}
		}
		return false // stable: higher first
	})
	for i := 0; i < len(lines) && i < 5; i++ {
		e.Near = append(e.Near, lines[i].s)
	}
	return e
}
