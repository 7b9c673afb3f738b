package fastpath

import (
	"github.com/tote-dev/tote/api/version"
	"github.com/tote-dev/tote/internal/store"
)

// ResolveInstalled resolves spec (see [Resolve]) against the installed
// versions of a tool.
func ResolveInstalled(st *store.Store, id, spec string) (string, error) {
	installed, err := st.InstalledVersions(id)
	if err != nil {
		return "", err
	}
	return Resolve(spec, installed)
}

// Resolve resolves spec against the installed versions with tote's one
// version library, as `tote run` does: a full version resolves to the
// installed version it names ("1.2.3" to "v1.2.3" when that is what is
// installed); a partial, a range or a literal to the highest installed
// version it matches. It returns ErrNeedsPlugin when nothing is installed,
// when nothing installed matches, for aliases and canary (their targets
// move: `tote run` resolves them with the cached remote list and the
// user's aliases) and for a spec that does not parse (`tote run` reports
// the error with its origin). For every spec it decides, it agrees with
// package version's Resolve (a test in package launch compares the two).
func Resolve(spec string, installed []string) (string, error) {
	if len(installed) == 0 {
		return "", ErrNeedsPlugin
	}
	s, err := version.ParseSpec(spec)
	if err != nil {
		return "", ErrNeedsPlugin
	}
	switch s.Kind {
	case version.KindExact:
		canonical := trimV(s.Raw)
		for _, v := range installed {
			if s.Matches(v) && (v == s.Raw || trimV(v) == canonical) {
				return v, nil
			}
		}
	case version.KindLiteral:
		for _, v := range installed {
			if s.Matches(v) {
				return v, nil
			}
		}
	case version.KindPartial, version.KindRange:
		if v, ok := s.Highest(installed); ok {
			return v, nil
		}
	}
	return "", ErrNeedsPlugin
}

// trimV removes one leading "v" or "V" that is followed by a digit.
func trimV(s string) string {
	if len(s) > 1 && (s[0] == 'v' || s[0] == 'V') && s[1] >= '0' && s[1] <= '9' {
		return s[1:]
	}
	return s
}
