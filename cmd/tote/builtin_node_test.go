package main

import "github.com/tote-dev/tote/plugins/node/nodetest"

func init() { builtinMirrors = append(builtinMirrors, nodetest.Mirror) }
