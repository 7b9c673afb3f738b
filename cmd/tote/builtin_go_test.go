package main

import "github.com/tote-dev/tote/plugins/go/gotest"

func init() { builtinMirrors = append(builtinMirrors, gotest.Mirror) }
