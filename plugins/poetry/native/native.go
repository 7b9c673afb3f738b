// Package native compiles the Poetry plugin into tote: importing it
// registers the built-in "poetry".
package native

import (
	"github.com/tote-dev/tote/internal/toolchain"
	"github.com/tote-dev/tote/plugins/poetry"
)

func init() {
	toolchain.RegisterBuiltin(toolchain.Builtin{ID: "poetry", Table: poetry.Table, Exec: true})
}
