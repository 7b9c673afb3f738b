package launch

import (
	"github.com/tote-dev/tote/internal/store"
	"github.com/tote-dev/tote/internal/version"
)

// ResolveInstalled resolves spec against the installed versions of a tool,
// using the user's aliases and the cached remote list for aliases such as
// "lts". It returns ErrNeedsPlugin when only the plugin or the network can
// answer: no installed version matches, or an alias is not in the cache.
func ResolveInstalled(st *store.Store, id, spec string, userAliases map[string]string) (string, error) {
	installed, err := st.InstalledVersions(id)
	if err != nil {
		return "", err
	}
	if len(installed) == 0 {
		return "", ErrNeedsPlugin
	}
	s, err := version.ParseSpec(spec)
	if err != nil {
		return "", err
	}
	avail := version.Available{Versions: installed, Installed: installed, UserAliases: userAliases}
	if k := s.Kind(); k == version.KindAlias || k == version.KindCanary {
		// Aliases move: only trust the cached remote list.
		cache := version.Cache{Dir: st.CacheDir("versions")}
		list, err := cache.LoadAny(id)
		if err != nil || list == nil {
			return "", ErrNeedsPlugin
		}
		avail.Versions = list.Versions
		avail.Latest = list.Latest
		avail.Canary = list.Canary
		avail.Aliases = list.Aliases
	}
	v, err := version.Resolve(s, avail)
	if err != nil {
		return "", ErrNeedsPlugin
	}
	for _, iv := range installed {
		if iv == v {
			return v, nil
		}
	}
	return "", ErrNeedsPlugin
}
