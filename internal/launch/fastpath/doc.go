// Package fastpath is the part of the launch fast path that tote-shim
// links: it decides, without loading any plugin, which installed tool
// version a command should run and how, from the configuration, the
// environment, the store's manifests and small caches written when plugins
// last ran.
//
// It must stay light, because every shimmed command pays for its start-up:
// no WASM runtime, no CLI framework, and no semver library — the
// initialisation of github.com/Masterminds/semver/v3 alone (regexp
// compiles) costs about a quarter of the shim's own time. Specs that need
// semver (ranges, aliases, canary, prereleases) are resolved by package
// launch; here [ResolvePlain] answers the common plain ones and reports
// [ErrNeedsPlugin] for the rest, so the caller takes the slow path.
package fastpath
