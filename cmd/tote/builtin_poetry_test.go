package main

import "github.com/tote-dev/tote/plugins/poetry/poetrytest"

func init() { builtinMirrors = append(builtinMirrors, poetrytest.Mirror) }
