// Package native compiles the Java plugin into tote: importing it (blank)
// registers the built-in.
package native

import (
	"github.com/tote-dev/tote/internal/toolchain"
	"github.com/tote-dev/tote/plugins/java"
)

func init() {
	toolchain.RegisterBuiltin(toolchain.Builtin{ID: "java", Table: java.Table})
}
