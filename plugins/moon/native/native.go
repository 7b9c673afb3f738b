// Package native compiles the moon plugin into tote: importing it (blank)
// registers the built-in.
package native

import (
	"github.com/tote-dev/tote/internal/toolchain"
	"github.com/tote-dev/tote/plugins/moon"
)

func init() {
	toolchain.RegisterBuiltin(toolchain.Builtin{ID: "moon", Table: moon.Table})
}
