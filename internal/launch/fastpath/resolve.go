package fastpath

import (
	"strconv"
	"strings"

	"github.com/tote-dev/tote/internal/store"
)

// ResolveInstalledPlain resolves a plain spec (see [ResolvePlain]) against
// the installed versions of a tool. It returns ErrNeedsPlugin when there
// are none, when nothing installed matches, or when the spec or an
// installed version is not plain; the caller then resolves the spec with
// package launch (through `tote run`), which gives the same answer for
// every spec this function decides.
func ResolveInstalledPlain(st *store.Store, id, spec string) (string, error) {
	installed, err := st.InstalledVersions(id)
	if err != nil {
		return "", err
	}
	return ResolvePlain(spec, installed)
}

// ResolvePlain resolves spec against installed without a semver library,
// when both are plain: the spec is MAJOR, MAJOR.MINOR or MAJOR.MINOR.PATCH
// with an optional leading "v", and every installed version is
// MAJOR.MINOR.PATCH; numbers have no leading zeros and at most 9 digits.
// A full version resolves to itself if it is installed; a partial one to
// the highest installed version with that major (and minor). Otherwise —
// something is not plain, or nothing installed matches — it returns
// ErrNeedsPlugin. For the inputs it decides, it agrees with
// version.Resolve (a test in package launch compares the two).
func ResolvePlain(spec string, installed []string) (string, error) {
	want, n, ok := parsePlain(strings.TrimSpace(spec), true)
	if !ok || len(installed) == 0 {
		return "", ErrNeedsPlugin
	}
	best, bestV := "", [3]uint64{}
	for _, s := range installed {
		v, parts, ok := parsePlain(s, false)
		if !ok || parts != 3 {
			return "", ErrNeedsPlugin
		}
		if v[0] != want[0] || n >= 2 && v[1] != want[1] || n == 3 && v[2] != want[2] {
			continue
		}
		if best == "" || less(bestV, v) {
			best, bestV = s, v
		}
	}
	if best == "" {
		return "", ErrNeedsPlugin
	}
	return best, nil
}

// parsePlain parses "1", "1.2" or "1.2.3" (with a leading "v" or "V" when
// allowV), returning the numbers and how many were written.
func parsePlain(s string, allowV bool) (v [3]uint64, n int, ok bool) {
	if allowV && len(s) > 1 && (s[0] == 'v' || s[0] == 'V') {
		s = s[1:]
	}
	parts := strings.Split(s, ".")
	if len(parts) > 3 {
		return v, 0, false
	}
	for i, p := range parts {
		if p == "" || len(p) > 9 || len(p) > 1 && p[0] == '0' {
			return v, 0, false
		}
		for _, c := range p {
			if c < '0' || c > '9' {
				return v, 0, false
			}
		}
		v[i], _ = strconv.ParseUint(p, 10, 64)
	}
	return v, len(parts), true
}

func less(a, b [3]uint64) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}
