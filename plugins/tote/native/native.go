// Package native compiles the tote plugin (tote managing its own versions)
// into tote: importing it (blank) registers the built-in.
package native

import (
	"github.com/tote-dev/tote/internal/toolchain"
	"github.com/tote-dev/tote/plugins/tote"
)

func init() {
	toolchain.RegisterBuiltin(toolchain.Builtin{ID: "tote", Table: tote.Table})
}
