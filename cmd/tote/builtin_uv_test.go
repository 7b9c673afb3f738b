package main

import "github.com/tote-dev/tote/plugins/uv/uvtest"

func init() { builtinMirrors = append(builtinMirrors, sharedMirror(uvtest.Mirror)) }
