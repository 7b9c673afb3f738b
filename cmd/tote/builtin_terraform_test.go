package main

import "github.com/tote-dev/tote/plugins/terraform/terraformtest"

func init() { builtinMirrors = append(builtinMirrors, forScript("terraform", terraformtest.Mirror)) }
