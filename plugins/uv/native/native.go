// Package native compiles the uv plugin into tote: importing it registers
// the built-in "uv".
package native

import (
	"github.com/tote-dev/tote/internal/toolchain"
	"github.com/tote-dev/tote/plugins/uv"
)

func init() {
	toolchain.RegisterBuiltin(toolchain.Builtin{ID: "uv", Table: uv.Table, Exec: true})
}
