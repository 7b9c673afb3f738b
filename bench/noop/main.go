// Command noop exits 0 at once. bench/run.sh publishes it as the demo tool's
// executable when a static C binary cannot be built, so that what the
// benchmarks time is the launcher, not the tool.
package main

func main() {}
