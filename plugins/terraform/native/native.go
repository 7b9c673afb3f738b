// Package native compiles the Terraform plugin into tote: importing it
// (blank) registers the built-in.
package native

import (
	"github.com/tote-dev/tote/internal/toolchain"
	"github.com/tote-dev/tote/plugins/terraform"
)

func init() {
	toolchain.RegisterBuiltin(toolchain.Builtin{ID: "terraform", Table: terraform.Table})
}
