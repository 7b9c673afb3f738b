package version

import (
	"sort"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// Compare orders two version strings: by semver precedence (an optional
// "v", missing components as 0, calendar dates as year.month.day), valid
// versions before invalid ones, and otherwise (invalid strings, or equal
// precedence such as "1.2.3" and "v1.2.3") by byte order, so that the order
// is total. It returns -1, 0 or +1.
func Compare(a, b string) int {
	va, oka := parseVersion(a)
	vb, okb := parseVersion(b)
	switch {
	case oka && okb:
		return cmpParsed(va, a, vb, b)
	case oka:
		return -1
	case okb:
		return 1
	}
	return strings.Compare(a, b)
}

func cmpParsed(va *semver.Version, a string, vb *semver.Version, b string) int {
	if c := va.Compare(vb); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// Sort sorts versions in place in ascending [Compare] order: semver
// ascending, invalid strings last in byte order.
func Sort(versions []string) {
	type key struct {
		s  string
		v  *semver.Version
		ok bool
	}
	keys := make([]key, len(versions))
	for i, s := range versions {
		v, ok := parseVersion(s)
		keys[i] = key{s, v, ok}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		switch {
		case a.ok && b.ok:
			return cmpParsed(a.v, a.s, b.v, b.s) < 0
		case a.ok != b.ok:
			return a.ok
		}
		return a.s < b.s
	})
	for i := range keys {
		versions[i] = keys[i].s
	}
}
