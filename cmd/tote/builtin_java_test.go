package main

import "github.com/tote-dev/tote/plugins/java/javatest"

func init() { builtinMirrors = append(builtinMirrors, forScript("java", javatest.Mirror)) }
