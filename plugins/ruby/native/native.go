// Package native compiles the Ruby plugin into tote: importing it (blank)
// registers the built-in.
package native

import (
	"github.com/tote-dev/tote/internal/toolchain"
	"github.com/tote-dev/tote/plugins/ruby"
)

func init() {
	toolchain.RegisterBuiltin(toolchain.Builtin{ID: "ruby", Table: ruby.Table})
}
