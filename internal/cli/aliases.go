package cli

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/tote-dev/tote/internal/config"
)

// aliasKeysVar lists, comma-separated, the shell aliases activation set
// from proto's [shell] aliases, so the next directory can remove those no
// longer configured and tote deactivate can remove them all (proto's
// _PROTO_ACTIVATED_ALIASES).
const aliasKeysVar = "__TOTE_ALIAS_KEYS"

// activeAliases is the [shell] aliases of the configuration with names a
// shell can take (others are skipped with a warning), and the aliases set
// before (in aliasKeysVar) that are no longer wanted.
func activeAliases(f *Factory, aliases map[string]string) (map[string]string, []string) {
	want := map[string]string{}
	for k, v := range aliases {
		if !config.ValidShellAliasName(k) || strings.ContainsRune(v, 0) {
			f.Logger.Warn("skipping a [shell] alias whose name a shell cannot take", "name", k)
			continue
		}
		want[k] = v
	}
	var gone []string
	for _, k := range strings.Split(os.Getenv(aliasKeysVar), ",") {
		if _, keep := want[k]; k != "" && !keep && config.ValidShellAliasName(k) {
			gone = append(gone, k)
		}
	}
	sort.Strings(gone)
	return want, gone
}

// aliasScript sets the aliases and removes those in unset, for shell sh,
// as proto's activation does; the command is quoted as one word.
func aliasScript(sh string, aliases map[string]string, unset []string) string {
	var b strings.Builder
	for _, k := range unset {
		switch sh {
		case "fish":
			fmt.Fprintf(&b, "functions -e %s;\n", k)
		case "pwsh":
			fmt.Fprintf(&b, "Remove-Item -ErrorAction SilentlyContinue Function:%s\n", k)
		default:
			fmt.Fprintf(&b, "unalias %s 2>/dev/null;\n", k)
		}
	}
	names := slices.Sorted(maps.Keys(aliases))
	for _, k := range names {
		switch sh {
		case "fish":
			fmt.Fprintf(&b, "alias %s %s;\n", k, quoteFor(sh, aliases[k]))
		case "pwsh":
			fmt.Fprintf(&b, "Set-Item -Path Function:global:%s -Value ([scriptblock]::Create(%s + ' @args'))\n", k, quoteFor(sh, aliases[k]))
		default:
			fmt.Fprintf(&b, "alias %s=%s;\n", k, quoteFor(sh, aliases[k]))
		}
	}
	return b.String()
}
