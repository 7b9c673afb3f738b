package main

import "github.com/tote-dev/tote/plugins/moon/moontest"

func init() { builtinMirrors = append(builtinMirrors, moontest.Mirror) }
