// Package fastpath is the part of the launch fast path that tote-shim
// links, and that `tote run TOOL` runs before tote initialises anything
// else (package fastrun): it decides, without loading any plugin, which installed tool
// version a command should run and how, from the configuration, the
// environment, the store's manifests and small caches written when plugins
// last ran.
//
// It must stay light, because every shimmed command pays for its start-up:
// no WASM runtime and no CLI framework. Specs are resolved with tote's one
// version library (api/version: no dependencies, no regular expressions),
// the same that `tote run` and the guest SDK use, so the shim and `tote
// run` agree on every spec; aliases and canary, whose targets move, are
// left to package launch ([ErrNeedsPlugin]).
package fastpath
