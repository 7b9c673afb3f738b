// Package native compiles the Bun plugin into tote: importing it (blank)
// registers the built-in.
package native

import (
	"github.com/tote-dev/tote/internal/toolchain"
	"github.com/tote-dev/tote/plugins/bun"
)

func init() {
	toolchain.RegisterBuiltin(toolchain.Builtin{ID: "bun", Table: bun.Table})
}
