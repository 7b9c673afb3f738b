// Package native compiles the Python plugin into tote: importing it
// registers the built-in "python".
package native

import (
	"github.com/tote-dev/tote/internal/toolchain"
	"github.com/tote-dev/tote/plugins/python"
)

func init() {
	toolchain.RegisterBuiltin(toolchain.Builtin{ID: "python", Table: python.Table, Exec: true})
}
