// Command tote is a toolchain version manager whose tools are WebAssembly plugins.
package main

func main() {}
