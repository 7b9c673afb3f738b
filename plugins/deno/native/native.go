// Package native compiles the Deno plugin into tote: importing it (blank)
// registers the built-in.
package native

import (
	"github.com/tote-dev/tote/internal/toolchain"
	"github.com/tote-dev/tote/plugins/deno"
)

func init() {
	toolchain.RegisterBuiltin(toolchain.Builtin{ID: "deno", Table: deno.Table})
}
