// Package native compiles the kubectl plugin into tote: importing it (blank)
// registers the built-in.
package native

import (
	"github.com/tote-dev/tote/internal/toolchain"
	"github.com/tote-dev/tote/plugins/kubectl"
)

func init() {
	toolchain.RegisterBuiltin(toolchain.Builtin{ID: "kubectl", Table: kubectl.Table})
}
