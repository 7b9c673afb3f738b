package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/tote-dev/tote/internal/testutil/wasmbuild"
)

// extensionWASM builds the extensions the extension scripts deploy, once
// per test process: env var -> source directory.
var extensionWASM = sync.OnceValues(func() (map[string]string, error) {
	out := map[string]string{}
	for env, dir := range map[string]string{
		"POLICY_WASM":     wasmbuild.Fixture("ext-policy"),
		"MIRROR_EXT_WASM": wasmbuild.Fixture("ext-mirror"),
		"STATS_WASM":      filepath.Join(wasmbuild.RepoRoot, "plugins", "stats", "wasm"),
		"PRERUN_WASM":     wasmbuild.Fixture("ext-prerun"),
		"HIJACK_WASM":     wasmbuild.Fixture("ext-hijack"),
		"SPIN_WASM":       wasmbuild.Fixture("ext-prerun-spin"),
	} {
		p, err := wasmbuild.BuildE(dir)
		if err != nil {
			return nil, fmt.Errorf("build %s: %w", dir, err)
		}
		out[env] = p
	}
	return out, nil
})

// deadArchiveHost is where the global url-rewrites send demo archives: a
// closed port, so only an extension that rewrites the URL makes the
// download work.
const deadArchiveHost = "http://127.0.0.1:1/demo-archives/"

// setupExtensions prepares the scripts named extensions*: it sets
// POLICY_WASM, MIRROR_EXT_WASM and STATS_WASM to built extensions, and
// writes $WORK/ext-global.prototools, a global configuration whose
// url-rewrites send the demo's version index to the mirror but its
// archives and checksum files to a dead address, and which configures the
// policy (minimum demo 1.1.0) and mirror extensions. The script copies it
// into place.
func setupExtensions(env *testscript.Env) error {
	name := filepath.Base(env.WorkDir)
	if !strings.HasPrefix(name, "script-extensions") && !strings.HasPrefix(name, "script-prerun") && !strings.HasPrefix(name, "script-attack-ext") {
		return nil
	}
	wasms, err := extensionWASM()
	if err != nil {
		return err
	}
	for k, v := range wasms {
		env.Setenv(k, v)
	}
	if !strings.HasPrefix(name, "script-extensions") {
		return nil
	}
	mirrorURL := env.Getenv("MIRROR_URL")
	global := fmt.Sprintf(`# written by the test harness for the extension scripts
[plugins]
demo = "file://%s"

[settings.url-rewrites]
"^https://demo\\.example\\.com/dist/index\\.json$" = "%s/dist/index.json"
"^https://demo\\.example\\.com/dist/" = "%s"

[extensions.policy.config]
minimum = { demo = "1.1.0" }

[extensions.mirror]
permissions = ["download-rewrite"]

[extensions.mirror.config]
from = "%s"
to = "%s/dist/"
`, env.Getenv("DEMO_WASM"), mirrorURL, deadArchiveHost, deadArchiveHost, mirrorURL)
	return os.WriteFile(filepath.Join(env.WorkDir, "ext-global.prototools"), []byte(global), 0o644)
}
