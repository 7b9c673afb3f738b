// Package plugintool is the logic behind `tote plugin new | build | inspect`:
// scaffolding a Go tool-plugin module, building a plugin directory into a
// .wasm with the user's Go toolchain, and inspecting a .wasm file's imports,
// exports and contract functions without trusting it.
//
// The cobra commands of `tote plugin` are thin wrappers around the
// functions here; the package is public so that plugin authors' tooling
// (sdk/plugintest's Build among it) can use them too.
package plugintool
