package main

import "github.com/tote-dev/tote/plugins/rust/rusttest"

func init() { builtinMirrors = append(builtinMirrors, forScript("rust", rusttest.Mirror)) }
