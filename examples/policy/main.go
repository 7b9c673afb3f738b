//go:build wasip1

// Command policy is a tote extension that refuses to install versions of a
// tool below a configured minimum. Importing sdk/ext exports the extension
// functions; this file only registers the plugin. Build it with
//
//	tote plugin build   # → policy.wasm
package main

import "github.com/tote-dev/tote/sdk/ext"

func init() { ext.RegisterPlugin(&Policy{}) }

// main is required by -buildmode=c-shared and never runs.
func main() {}
