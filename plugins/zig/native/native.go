// Package native compiles the Zig plugin into tote: importing it registers
// the built-in "zig" tool.
package native

import (
	"github.com/tote-dev/tote/internal/toolchain"
	"github.com/tote-dev/tote/plugins/zig"
)

func init() {
	toolchain.RegisterBuiltin(toolchain.Builtin{ID: "zig", Table: zig.Table})
}
