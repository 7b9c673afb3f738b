package toolchain

import (
	"os"
	"strings"
	"time"
)

// testStopEnv names the test hook that stops tote at one step of an
// install so that a test can kill it there for real (SIGKILL):
// TOTE_TEST_STOP_AT=<step>:<marker file>. At <step> tote creates the
// marker file and then waits, doing nothing, until it is killed. Steps:
// "after-commit" (the version directory is in place, the manifest does not
// record it yet). Unset, it costs one environment lookup per step.
const testStopEnv = "TOTE_TEST_STOP_AT"

// testStop implements the TOTE_TEST_STOP_AT hook for step.
func testStop(step string) {
	v := os.Getenv(testStopEnv)
	if v == "" {
		return
	}
	at, marker, ok := strings.Cut(v, ":")
	if !ok || at != step {
		return
	}
	if err := os.WriteFile(marker, []byte(step+"\n"), 0o644); err != nil {
		return
	}
	for {
		time.Sleep(time.Hour)
	}
}
