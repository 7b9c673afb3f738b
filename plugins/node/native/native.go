// Package native compiles the Node.js plugin into tote: importing it
// registers the built-in "node".
package native

import (
	"github.com/tote-dev/tote/internal/toolchain"
	"github.com/tote-dev/tote/plugins/node"
)

func init() {
	toolchain.RegisterBuiltin(toolchain.Builtin{ID: "node", Table: node.Table})
}
