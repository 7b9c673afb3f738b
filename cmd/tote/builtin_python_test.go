package main

import "github.com/tote-dev/tote/plugins/python/pythontest"

func init() { builtinMirrors = append(builtinMirrors, sharedMirror(pythontest.Mirror)) }
