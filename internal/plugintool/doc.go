// Package plugintool is the logic behind `tote plugin new | build | inspect`:
// scaffolding a Go tool-plugin module, building a plugin directory into a
// .wasm with the user's Go toolchain, and inspecting a .wasm file's imports,
// exports and contract functions without trusting it.
//
// The cobra commands in internal/cli/plugincmd are thin wrappers around the
// functions here.
package plugintool
