// Package native compiles the Go plugin into tote: importing it registers
// the built-in "go" tool.
package native

import (
	"github.com/tote-dev/tote/internal/toolchain"
	golang "github.com/tote-dev/tote/plugins/go"
)

func init() {
	toolchain.RegisterBuiltin(toolchain.Builtin{ID: "go", Table: golang.Table})
}
