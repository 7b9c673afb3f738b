package main

import "github.com/tote-dev/tote/plugins/moon/moontest"

func init() { builtinMirrors = append(builtinMirrors, forScript("moon", moontest.Mirror)) }
