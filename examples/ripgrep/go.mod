module example.com/ripgrep-plugin

go 1.26.0

require (
	github.com/tote-dev/tote/api v0.0.0
	github.com/tote-dev/tote/sdk v0.0.0
	github.com/tote-dev/tote/sdk/plugintest v0.0.0
)

// The example builds against this checkout. A plugin of your own requires
// published versions instead, or points these at a local checkout (tote
// plugin new --sdk PATH writes them).
replace (
	github.com/tote-dev/tote => ../..
	github.com/tote-dev/tote/api => ../../api
	github.com/tote-dev/tote/sdk => ../../sdk
	github.com/tote-dev/tote/sdk/plugintest => ../../sdk/plugintest
)
